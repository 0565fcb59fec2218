"""What several commands share: the usual examples' assignment and the course options."""

from __future__ import annotations

import argparse

EXAMPLE = "exercise-01-derivatives"


def add_course_arguments(parser: argparse.ArgumentParser, db: bool = True) -> None:
    """``--course DIR`` (required) and, for commands that use the gradebook, ``--db URL``."""
    parser.add_argument(
        "--course",
        required=True,
        metavar="DIR",
        help="the nbgrader course directory (source/, submitted/, gradebook.db)",
    )
    if db:
        parser.add_argument(
            "--db",
            metavar="URL",
            help="SQLAlchemy URL of the gradebook (default: sqlite:///DIR/gradebook.db)",
        )
