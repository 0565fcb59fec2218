"""The course's nbgrader configuration, built in one place.

Every command of ``python -m autograder`` runs nbgrader with this configuration;
``autograder/nbgrader_config.py`` loads the same settings so that nbgrader's own
commands and the formgrader behave identically in a course directory
(``c = get_config(); from autograder.config import apply; apply(c)``).

What differs from stock nbgrader, and why:

- ``Autograde.autograde_preprocessors``: :class:`~autograder.preprocessors.TrustedExecute`
  replaces ``Execute`` (the student's code runs sandboxed, tests run trusted);
- ``OverwriteCells.add_missing_cells``: a deleted test cell is put back and run
  (with ``DropEmptyGradingMetadata`` so that a duplicated cell cannot crash it);
- ``GenerateFeedback.preprocessors``: ``ClearHiddenTests`` removes hidden tests
  from the feedback (stock nbgrader copies them into every student's feedback),
  ``HideOutputsAfterHiddenTests`` the outputs of the student's cells that ran after a
  hidden test (they could print what it passed to the student's functions);
  ``NameFeedbackLines`` and the template ``autograder/templates/feedback/``
  name each line of the page's summary and give a lost score's recognised mistake;
- ``HTMLExporter``: markdown is rendered by :func:`autograder.sanitize.safe_markdown2html`
  (student-written HTML cleaned) and raw cells are left out, in the feedback pages and
  in the formgrader.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from autograder.paths import PACKAGE_DIR, REPO_ROOT

__all__ = ["EXERCISES_DIR", "PACKAGE_DIR", "REPO_ROOT", "SOLUTIONS_DIR", "api_for", "apply"]
# overridable for tests and for courses that keep their sources elsewhere
SOLUTIONS_DIR = Path(os.environ.get("AUTOGRADER_SOLUTIONS", REPO_ROOT / "solutions"))
EXERCISES_DIR = Path(os.environ.get("AUTOGRADER_EXERCISES", REPO_ROOT / "exercises"))


def _venv_on_path() -> None:
    """nbgrader runs the ``alembic`` script of its own environment when it creates a
    gradebook; make it findable even when the venv is not activated."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


_ALEMBIC_HEAD: list[str] = []


def _fast_alembic_version() -> None:
    """nbgrader asks a *subprocess* (``alembic heads``) for its schema version each
    time it creates a gradebook (seconds on a busy machine); read the same head
    from nbgrader's migration scripts in this process instead."""
    import nbgrader.api

    if getattr(nbgrader.api.get_alembic_version, "_autograder", False):
        return

    def get_alembic_version() -> str:
        if not _ALEMBIC_HEAD:
            from alembic.script import ScriptDirectory

            script = ScriptDirectory(str(Path(nbgrader.api.__file__).parent / "alembic"))
            _ALEMBIC_HEAD.append(str(script.get_current_head()))
        return _ALEMBIC_HEAD[0]

    get_alembic_version._autograder = True  # type: ignore[attr-defined]
    nbgrader.api.get_alembic_version = get_alembic_version


def apply(
    c: Config,
    sandbox: str = "auto",
    timeout_cell: int | None = None,
    timeout_notebook: int | None = None,
) -> Config:
    """Put the course's grading settings into an nbgrader ``Config``."""
    import nbgrader
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    # (imported here, like nbgrader's: `--help` and the student's `check` start faster)
    from autograder.preprocessors import (
        DropEmptyGradingMetadata,
        HideOutputsAfterHiddenTests,
        TrustedExecute,
    )
    from autograder.preprocessors.feedback_lines import NameFeedbackLines

    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        DeduplicateIds,
        DropEmptyGradingMetadata,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        TrustedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.OverwriteCells.add_missing_cells = True
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        NameFeedbackLines,
        HideOutputsAfterHiddenTests,
        ClearHiddenTests,
        CSSHTMLHeaderPreprocessor,
    ]
    # nbgrader's "feedback" template (its API insists on that name), with the page's
    # summary drawn by autograder/templates/feedback/course_feedback.html.j2
    # (for GenerateFeedback's exporter only: the formgrader renders submissions with its
    # own "formgrade" template, which this file name would break)
    feedback_templates = Path(nbgrader.__file__).parent / "server_extensions/formgrader/templates"
    c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [
        str(PACKAGE_DIR / "templates"),
        str(feedback_templates),  # where GenerateFeedback finds nbgrader's own
    ]
    c.GenerateFeedback.HTMLExporter.template_file = "course_feedback.html.j2"
    c.ClearHiddenTests.enforce_metadata = False
    # what a student wrote is cleaned wherever nbconvert renders it for someone else (the
    # feedback pages, the formgrader's views); raw cells are left out of those pages
    c.HTMLExporter.filters = {"markdown2html": "autograder.sanitize.safe_markdown2html"}
    c.HTMLExporter.exclude_raw = True
    c.TrustedExecute.sandbox = sandbox
    if timeout_cell:
        c.TrustedExecute.timeout_cell = int(timeout_cell)
    if timeout_notebook:
        c.TrustedExecute.timeout_notebook = int(timeout_notebook)
    return c


def course_config(
    course_dir: Path, db_url: str | None = None, extra: Config | None = None, **engine: Any
) -> Config:
    """nbgrader configuration for a course directory.

    The course's own ``nbgrader_config.py`` (course id, exchange, ...) is loaded
    first; the grading settings of :func:`apply` always win.
    """
    course_dir = Path(course_dir).resolve()
    c = Config()
    try:
        loader = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir))
        c.merge(loader.load_config())
    except ConfigFileNotFound:
        pass
    if extra is not None:
        c.merge(extra)
    c.CourseDirectory.root = str(course_dir)
    if db_url:
        c.CourseDirectory.db_url = db_url
    elif "db_url" not in c.CourseDirectory:
        c.CourseDirectory.db_url = f"sqlite:///{course_dir / 'gradebook.db'}"
    c.CourseDirectory.ignore = [
        ".ipynb_checkpoints",
        "*.pyc",
        "__pycache__",
        "feedback",
        ".DS_Store",
    ]
    return apply(c, **engine)


def api_for(
    course_dir: Path, db_url: str | None = None, extra: Config | None = None, **engine: Any
) -> Any:
    """nbgrader's own high-level API (what the formgrader uses) for a course."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    # nbgrader 0.9.6 triggers harmless SQLAlchemy "not in session" warnings
    warnings.filterwarnings("ignore", message=".*not in session.*")
    _venv_on_path()
    _fast_alembic_version()
    config = course_config(course_dir, db_url, extra, **engine)
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.ERROR)
    return api
