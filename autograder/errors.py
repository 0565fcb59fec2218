"""Errors of ``python -m autograder`` and the exit status each one means.

Every command reports a problem as one ``error: ...`` line on stderr, never a
traceback, and exits with the status decided here:

====  =====================================================================
0     the command did what was asked (``check``: grading finished, whatever the score)
1     the work could not be completed: a submission not graded, nbgrader failed,
      the sandbox could not start
2     bad input: a missing, unreadable or damaged file, not a notebook, an unknown
      assignment or student, a malformed zip, a wrong option
130   interrupted (Ctrl-C): every result finished before it is kept
====  =====================================================================
"""

from __future__ import annotations

import sys
from typing import TextIO

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class AutograderError(Exception):
    """A problem the user is told about in one line; ``exit_status`` says how it ends."""

    exit_status = EXIT_INCOMPLETE


class BadInput(AutograderError):
    """The user's input is wrong (file, notebook, zip, assignment, student, option)."""

    exit_status = EXIT_BAD_INPUT


class NotCompleted(AutograderError):
    """The tool could not finish its work (nbgrader failed, no sandbox, ...)."""

    exit_status = EXIT_INCOMPLETE


def report(error: AutograderError, stream: TextIO = sys.stderr) -> int:
    """Print ``error: <message>`` as one line and return the exit status it means."""
    message = " ".join(str(error).split()) or type(error).__name__
    print(f"error: {message}", file=stream)
    return error.exit_status
