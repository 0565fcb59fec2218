"""``python -m autograder``: the course's grading commands, on top of nbgrader.

Students and self-learners::

    python -m autograder check exercises/exercise-01-derivatives/exercise-01-derivatives.ipynb

Instructors (see docs/instructor-guide.md)::

    python -m autograder release [ASSIGNMENT ...] [--course DIR [--exchange DIR --course-id ID]]
    python -m autograder collect-zip ASSIGNMENT ZIP --course DIR
    python -m autograder grade ASSIGNMENT --course DIR [--db URL] [--jobs N]
    python -m autograder feedback ASSIGNMENT --course DIR
    python -m autograder export --course DIR [--to FILE]
    python -m autograder student-copy OUT

Each command lives in its own module of :mod:`autograder.commands`; exit statuses and
the one-line error reports are decided in :mod:`autograder.errors`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from types import ModuleType
from typing import NoReturn

from autograder.commands import COMMANDS, INSTRUCTOR_COMMANDS, STUDENT_COMMANDS
from autograder.errors import (
    EXIT_BAD_INPUT,
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    AutograderError,
    report,
)

PROG = "python -m autograder"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for every bad input
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def _listing(commands: list[ModuleType]) -> str:
    return "\n".join(f"  {m.NAME:<13} {m.SUMMARY}" for m in commands)


DESCRIPTION = f"""\
Grade the course's exercises with nbgrader and a trusted, sandboxed engine.

Students and self-learners:
{_listing(STUDENT_COMMANDS)}

Instructors (walkthrough: docs/instructor-guide.md):
{_listing(INSTRUCTOR_COMMANDS)}

Run `{PROG} COMMAND --help` for the options and examples of a command.
Bad input (a missing or damaged file, an unknown assignment or student) gives one
`error:` line on stderr and exit status 2; nothing already graded is ever lost."""


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG,
        usage="%(prog)s [-h] COMMAND [ARGS ...]",
        description=DESCRIPTION,
        formatter_class=formatter,
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, help=argparse.SUPPRESS
    )
    for module in COMMANDS.values():
        command = sub.add_parser(
            module.NAME,
            help=module.SUMMARY,
            description=module.SUMMARY[0].upper() + module.SUMMARY[1:] + ".",
            epilog=module.EPILOG,
            formatter_class=formatter,
        )
        module.add_arguments(command)
    return parser


def _quiet_libraries() -> None:
    # nbgrader 0.9.6 triggers harmless SQLAlchemy and traitlets warnings
    warnings.filterwarnings("ignore", module="sqlalchemy")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    _quiet_libraries()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        status: int = COMMANDS[args.command].run(args)
        return status
    except AutograderError as error:
        return report(error)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # never a traceback for the user
        if os.environ.get("AUTOGRADER_DEBUG"):
            raise
        print(
            f"error: {type(exc).__name__}: {exc} (set AUTOGRADER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INCOMPLETE
