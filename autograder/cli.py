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

Every problem with the input is reported as one ``error:`` line with a non-zero
exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as for every bad input
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


_FORMAT = argparse.RawDescriptionHelpFormatter
EX = "exercise-01-derivatives"

TOP = """\
Grade the course's exercises with nbgrader and a trusted, sandboxed engine.

Students and self-learners:
  check         grade your exercise notebook with the real tests (hidden ones included)

Instructors (walkthrough: docs/instructor-guide.md):
  release       regenerate exercises/ from solutions/; optionally release to a course
                directory and a JupyterHub exchange
  collect-zip   import the "download all submissions" zip of Canvas or Moodle
  grade         autograde every submission in a course directory (gradebook, progress bar)
  feedback      one HTML feedback page per student, without the hidden tests
  export        grades as CSV: a row per student, a column per assignment and per test
  student-copy  a copy of the course to publish to a class (no solutions, no hidden tests)

Run `python -m autograder COMMAND --help` for the options of a command.
Bad input (a missing or damaged file, an unknown assignment or student) gives one
`error:` line on stderr and exit status 2; nothing already graded is ever lost."""

EPILOGS = {
    "check": f"""\
examples:
  python -m autograder check exercises/{EX}/{EX}.ipynb
  python -m autograder check my-work.ipynb --json

The assignment is recognised from the notebook's cells, whatever the file is called.
With --json, one object on stdout:
  {{"assignment", "score", "max_score", "tests": [{{"name", "score", "max_score",
  "feedback"}}], "manual": [{{"name", "max_score"}}]}}
score and max_score count the automatic tests; "manual" lists the written answers
your instructor grades. Exit status: 0 when grading finished (whatever the score),
2 for a missing, unreadable or non-notebook file or an unknown assignment, 1 when the
notebook could not be graded. The notebook itself is never modified.""",
    "release": f"""\
examples:
  python -m autograder release                      # every assignment, into exercises/
  python -m autograder release {EX} --course ~/course
  python -m autograder release {EX} --course ~/course \\
      --exchange /srv/nbgrader/exchange --course-id calc101

A file in exercises/ that holds someone's answers or outputs is never overwritten
(unless --force). Students who already fetched an assignment keep their copy.""",
    "collect-zip": f"""\
examples:
  python -m autograder collect-zip {EX} canvas-submissions.zip --course ~/course

Recognised file names (the student id comes from the name; each notebook is stored as
submitted/<student id>/<assignment>/<assignment>.ipynb):
  Canvas  doejane_12345_678901_<any name>.ipynb            -> doejane
  Moodle  Jane Doe_4242_assignsubmission_file_<name>.ipynb -> jane-doe
          (or a folder Jane Doe_4242_assignsubmission_file/ holding the notebook)
  any     <student id>/<any name>.ipynb                    -> the folder name
Other files are skipped and listed.""",
    "grade": f"""\
examples:
  python -m autograder grade {EX} --course ~/course
  python -m autograder grade {EX} --course ~/course --student doejane --jobs 1
  python -m autograder grade {EX} --course ~/course --db postgresql://host/gradebook

Grades submitted/<student>/<assignment>/ with nbgrader's autograde, the student's code
in a bubblewrap sandbox and the tests in the grader. Re-grading keeps manual grades and
comments. Exit status 0 only if every submission was graded.""",
    "feedback": f"""\
example:
  python -m autograder feedback {EX} --course ~/course
Writes feedback/<student>/<assignment>/<assignment>.html for every autograded
submission; hidden tests are removed. Return it with `nbgrader release_feedback`
(JupyterHub) or send the files through your LMS.""",
    "export": """\
example:
  python -m autograder export --course ~/course --to grades.csv
Columns: student_id, then for each assignment its total and one column per graded
cell (<assignment>:<cell id>, manual grades included). A submission that has not been
graded is left blank.""",
    "student-copy": """\
example:
  python -m autograder student-copy ../calc101-student
Copies lessons/, exercises/, helpers/, autograder/, docs and setup files; leaves out
solutions/, tests/ and benchmarks/, and refuses to finish if any solution or hidden-test
text slipped in. In the copy, `check` runs the visible tests only and says so.""",
}


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m autograder",
        usage="%(prog)s [-h] COMMAND [ARGS ...]",
        description=TOP,
        formatter_class=_FORMAT,
    )
    # (the description lists the commands, grouped for students and instructors)
    sub = p.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, help=argparse.SUPPRESS
    )

    def command(name, summary):
        return sub.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=EPILOGS[name],
            formatter_class=_FORMAT,
        )

    def course_args(parser, db=True):
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

    c = command("check", "grade one notebook with the real tests, hidden ones included")
    c.add_argument("path", metavar="PATH", help="the notebook to grade (never modified)")
    c.add_argument("--json", action="store_true", help="print one JSON object (see below)")
    c.add_argument(
        "--assignment", metavar="NAME", help="which assignment it is, if it cannot be recognised"
    )

    r = command("release", "regenerate exercises/ from solutions/ with nbgrader")
    r.add_argument(
        "assignments",
        nargs="*",
        metavar="ASSIGNMENT",
        help="assignments to release (default: all of solutions/)",
    )
    r.add_argument(
        "--course",
        metavar="DIR",
        help="also generate them in this nbgrader course directory (and its gradebook)",
    )
    r.add_argument(
        "--exchange",
        metavar="DIR",
        help="and release them to this nbgrader exchange for JupyterHub students "
        "(needs --course and a course id)",
    )
    r.add_argument(
        "--course-id",
        metavar="ID",
        help="the course id in the exchange (or c.CourseDirectory.course_id in "
        "the course's nbgrader_config.py)",
    )
    r.add_argument(
        "--force",
        action="store_true",
        help="overwrite files in exercises/ even if they hold someone's answers",
    )

    z = command("collect-zip", "import an LMS zip (Canvas, Moodle) of submissions")
    z.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EX)
    z.add_argument("zip", metavar="ZIP", help="the zip downloaded from the LMS")
    course_args(z, db=False)

    g = command("grade", "autograde every submission of an assignment")
    g.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EX)
    course_args(g)
    g.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="submissions graded in parallel (default: the number of CPUs)",
    )
    g.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student (repeat for several)",
    )
    g.add_argument(
        "--timeout-cell",
        type=int,
        metavar="S",
        help="seconds one cell or one test may take (default 15)",
    )
    g.add_argument(
        "--timeout-notebook",
        type=int,
        metavar="S",
        help="seconds a whole notebook may take (default 90)",
    )
    g.add_argument(
        "--allow-unsandboxed",
        action="store_true",
        help="grade even without bubblewrap: NO isolation, not for a real class",
    )

    f = command("feedback", "write HTML feedback per student, without the hidden tests")
    f.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EX)
    course_args(f)
    f.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="only for this student (repeat for several)",
    )

    e = command("export", "write the grades as CSV, a row per student")
    course_args(e)
    e.add_argument("--to", metavar="FILE", help="the CSV file to write (default: standard output)")

    s = command("student-copy", "make a copy of the course for students (no answers)")
    s.add_argument("out", metavar="OUT", help="a new or empty directory")
    return p


def main(argv=None) -> int:
    # jsonschema imports this optional IRI checker (3 s) that notebooks never need
    sys.modules.setdefault("rfc3987_syntax", None)
    warnings.filterwarnings("ignore", module="sqlalchemy")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    from autograder.course import UserError

    try:
        return _run(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("AUTOGRADER_DEBUG"):
            raise
        print(
            f"error: {type(exc).__name__}: {exc} (set AUTOGRADER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


def _run(args) -> int:
    from autograder import course

    if args.command == "check":
        from autograder.check import main_check

        return main_check(args)
    if args.command == "release":
        if (args.exchange or args.course_id) and not args.course:
            raise course.UserError(
                "--exchange and --course-id need --course DIR (the course "
                "directory the assignment is generated in)"
            )
        course.release(args.assignments, args.course, args.exchange, args.course_id, args.force)
        return 0
    if args.command == "collect-zip":
        course.collect_zip(args.assignment, args.zip, args.course)
        return 0
    if args.command == "grade":
        engine = {"sandbox": "auto" if args.allow_unsandboxed else "require"}
        if args.timeout_cell:
            engine["timeout_cell"] = args.timeout_cell
        if args.timeout_notebook:
            engine["timeout_notebook"] = args.timeout_notebook
        if args.jobs is not None and args.jobs < 1:
            raise course.UserError("--jobs must be at least 1")
        results = course.grade(
            args.assignment, args.course, args.db, args.jobs, args.student, engine
        )
        return 0 if all(r["success"] for r in results) else 1
    if args.command == "feedback":
        course.feedback(args.assignment, args.course, args.db, args.student)
        return 0
    if args.command == "export":
        course.export(args.course, args.to, args.db)
        return 0
    if args.command == "student-copy":
        from autograder.student_copy import student_copy

        student_copy(args.out, sys.stdout)
        return 0
    raise course.UserError(f"unknown command {args.command}")
