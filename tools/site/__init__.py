"""The course as a static website (Jupyter Book 2 / MyST), and its one repository URL.

``make site`` runs ``python -m tools.site prepare`` (stage the executed lessons and
the student exercises under ``site/``) and then ``jupyter-book build --html`` in
``site/``, whose theme (``site/theme``) calls ``python -m tools.site render`` to turn
MyST's page data into HTML pages. The repository URL behind the README's Binder badge
and every page's *Launch on Binder* button is set once, in ``pyproject.toml``'s
``[tool.course]`` table.
"""

from __future__ import annotations

import re
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from helpers import course as manifest

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


def toc_files() -> list[str]:
    """The site's pages in the order of the course path (the manifest, helpers.course):
    the home, every lesson and exercise, then the glossary."""
    steps = [step.path.relative_to(ROOT).as_posix() for step in manifest.path()]
    return [HOME, *steps, "lessons/99-glossary.ipynb"]


TOC_BLOCK = re.compile(r"(  toc:\n)(?:    - file: .*\n)+")


def with_toc(myst_yml: str) -> str:
    """``site/myst.yml``'s text with its ``toc:`` list rewritten from :func:`toc_files`."""
    if not TOC_BLOCK.search(myst_yml):
        raise ValueError("site/myst.yml has no toc: list of files")
    entries = "".join(f"    - file: {name}\n" for name in toc_files())
    return TOC_BLOCK.sub(lambda m: m.group(1) + entries, myst_yml, count=1)
