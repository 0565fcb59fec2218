"""One module per command of ``python -m autograder``.

Each command module holds everything about its command: ``NAME``, ``SUMMARY``,
``EPILOG`` (examples), ``add_arguments(parser)``, ``run(args) -> exit status``, and
the functions that do the work (importable for tests and other tools).
"""

from __future__ import annotations

from types import ModuleType

from autograder.commands import (
    check,
    collect_zip,
    export,
    feedback,
    grade,
    release,
    report,
    student_copy,
)

STUDENT_COMMANDS: list[ModuleType] = [check]
INSTRUCTOR_COMMANDS: list[ModuleType] = [
    release,
    collect_zip,
    grade,
    feedback,
    report,
    export,
    student_copy,
]
COMMANDS: dict[str, ModuleType] = {m.NAME: m for m in STUDENT_COMMANDS + INSTRUCTOR_COMMANDS}
