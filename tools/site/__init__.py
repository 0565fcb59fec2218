"""The course as a static website (Jupyter Book 2 / MyST), and its one repository URL.

``make site`` runs ``python -m tools.site prepare`` (stage the executed lessons and
the student exercises under ``site/``) and then ``jupyter-book build --html`` in
``site/``, whose theme (``site/theme``) calls ``python -m tools.site render`` to turn
MyST's page data into HTML pages. The repository URL behind the README's Binder badge
and every page's *Launch on Binder* button is set once, in ``pyproject.toml``'s
``[tool.course]`` table.
"""

from __future__ import annotations

import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
HTML = SITE / "_build" / "html"
# What the site shows: the lessons (executed) and the student version of the exercises.
# solutions/, tests/ and everything else never enter site/.
PUBLISHED = ("lessons", "exercises")
HOME = "lessons/00-course-home.ipynb"


@dataclass(frozen=True)
class Course:
    repository: str  # https://github.com/OWNER/NAME
    ref: str  # the branch, tag or commit Binder builds
    binder: str  # the BinderHub, e.g. https://mybinder.org
    site_url: str  # where the built site is published

    @property
    def github_path(self) -> str:
        parsed = urllib.parse.urlparse(self.repository)
        parts = parsed.path.strip("/").split("/")
        if parsed.netloc != "github.com" or len(parts) != 2 or not all(parts):
            raise ValueError(
                f"[tool.course] repository must be https://github.com/OWNER/NAME, not {self.repository!r}"
            )
        return "/".join(parts)

    def binder_url(self, notebook: str) -> str:
        """The Binder link that opens ``notebook`` (a path in the repository) in JupyterLab."""
        path = urllib.parse.quote(notebook.lstrip("/"))
        return (
            f"{self.binder.rstrip('/')}/v2/gh/{self.github_path}/{self.ref}?urlpath=lab/tree/{path}"
        )


def course(pyproject: Path = ROOT / "pyproject.toml") -> Course:
    table = tomllib.loads(pyproject.read_text())["tool"]["course"]
    return Course(
        repository=table["repository"].rstrip("/"),
        ref=table["ref"],
        binder=table["binder"],
        site_url=table["site"],
    )
