"""``python -m autograder collect-zip``: import an LMS's zip of submissions.

Canvas and Moodle let an instructor download every submission of an assignment as
one zip. Whose submission a file is comes from the part of its name that the LMS
wrote (Canvas's login and user id, Moodle's "Full Name_participant" prefix or folder,
or the folder of a per-student layout), never from the part the student chose: a file
that a student *named* like someone else's is reported, and stored as its uploader's.

The zip is read here first (:func:`plan_import`): every entry is identified, checked
(a notebook, valid JSON, of this assignment) and, when one student has several
notebooks, one is chosen by a fixed rule (:func:`choose`). The chosen notebooks are
then imported by nbgrader's own ``ZipCollectApp``, from a zip rebuilt with plain
``<student id>/<notebook>`` names, into ``submitted/<student id>/<assignment>/``.
The LMS's own ids are kept: in the gradebook's student records (``lms_user_id``) and,
per assignment, in ``lms_ids.csv`` in the course directory (``export`` prints them).
That file is also the course's memory of whose each student id is (:func:`_assign_ids`):
one student id never holds two LMS identities' work, in one zip or across imports.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import logging
import re
import shutil
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

import nbformat

from autograder import config as cfg
from autograder.commands.common import EXAMPLE, add_course_arguments, use_gradebook
from autograder.course import (
    LMS_IDS_FILE,
    api,
    assignment_grade_ids,
    assignment_notebook,
    ensure_course_config,
    ensure_in_gradebook,
    known_assignments,
    require_assignment,
    require_course,
)
from autograder.errors import EXIT_OK, BadInput, NotCompleted

NAME = "collect-zip"
SUMMARY = "import an LMS zip (Canvas, Moodle) of submissions"
EPILOG = f"""\
examples:
  python -m autograder collect-zip {EXAMPLE} canvas-submissions.zip --course ~/course

Whose submission a file is comes from the name the LMS wrote, never from the file name
the student chose (each notebook is stored as submitted/<student id>/<assignment>/):
  Canvas  doejane_12345_678901_<any name>.ipynb            -> doejane (user id 12345)
  Moodle  Jane Doe_4242_assignsubmission_file_<name>.ipynb -> jane-doe (participant 4242)
          (or a folder Jane Doe_4242_assignsubmission_file/ holding the notebook)
  any     <student id>/<any name>.ipynb                    -> the folder name
Names in any script work (accents are dropped: José Núñez -> jose-nunez). Two students
whose names give the same id get their LMS id appended (jane-doe-4242); an id the course
already gave another LMS identity (lms_ids.csv) is never reused: the namesake gets its
own (jane-doe-9999). A name the Moodle pattern reads in two ways is not imported; ids
that print alike (a Cyrillic "а") are reported. When a student
has several notebooks, the one named like the assignment's wins, then the latest
Canvas submission, then the newest file. Every file not imported is listed with the
reason. Exit status 0 if something was imported, 2 if nothing could be."""

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_ZIP_BYTES = 4 * 1024**3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. " + EXAMPLE)
    parser.add_argument("zip", metavar="ZIP", help="the zip downloaded from the LMS")
    add_course_arguments(parser)


def run(args: argparse.Namespace) -> int:
    collect_zip(args.assignment, args.zip, args.course, db_url=args.db)
    return EXIT_OK


# --------------------------------------------------------------- who is it?
# The names learning management systems give the files of "download all submissions".
# The LMS writes the prefix (or folder); the rest is the student's own file name.
CANVAS = re.compile(
    r"^(?P<login>(?:[^\W_]|-)+?)(?:_late)?_(?P<user_id>\d+)_(?P<submission_id>\d+)_"
    r"(?P<original>.+)$",
    re.IGNORECASE,
)
MOODLE_FILE = re.compile(
    r"^(?P<full_name>.+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_"
    r"(?P<original>.+)$"
)
MOODLE_FOLDER = re.compile(
    r"^(?P<full_name>.+?)_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_?$"
)
# where a Moodle prefix can end: "_<participant>_assignsubmission_file_"
MOODLE_CUT = re.compile(r"(?<=.)(?=_\d+_assignsubmission_(?:file|onlinetext)_.)")
JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
# letters of other scripts that print like Latin ones (Unicode's confusables, the ones
# that survive lower case): an id made of them reads as another student's
LOOKALIKES = str.maketrans("аеорсухѕіјһԁԛԝӏѵαοριυνκτχϲɑıɡ", "aeopcyxsijhdqwlvaopiuvktxcaig")


@dataclass
class Submitted:
    """One file of the zip, identified by the part of its path the LMS wrote."""

    path: str  # the entry's name in the zip (as zipfile reads it)
    lms: str  # "Canvas", "Moodle" or "folder"
    name: str  # the LMS's name for the student (login, full name or folder)
    lms_id: str  # Canvas user id, Moodle participant number ("" for a folder)
    original: str  # the file name the student chose
    submission_id: int = -1  # Canvas's submission id
    modified: tuple[int, ...] = (0,)
    student_id: str = ""
    lookalike: str | None = None  # the student another LMS name in `original` points to

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.lms, self.lms_id, self.name if not self.lms_id else "")


class Ambiguous(Exception):
    """A name in which the LMS's pattern can be read in more than one way."""


@dataclass
class Plan:
    """What an import will do: the notebook chosen per student, and every line to report."""

    chosen: dict[str, Submitted] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def student_id_for(name: str) -> str:
    """A stable student id for any name: lower case, accents dropped, any script kept,
    runs of spaces and punctuation as one dash (``José Núñez`` -> ``jose-nunez``,
    ``Иван Петров`` -> ``иван-петров``, ``王小明`` -> ``王小明``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", bare).casefold()
    slug = re.sub(r"[^\w.]+|_+", "-", text).strip("-._")
    if slug:
        return slug
    return "student-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def _readable(name: str) -> str:
    """A zip entry's name as its author meant it: zip files without the UTF-8 flag
    are read as CP437 by zipfile, which garbles every non-Latin name."""
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def identify(info: zipfile.ZipInfo, root: str = "") -> Submitted | None:
    """Who a zip entry belongs to, from the LMS-controlled part of its path only.

    Raises :class:`Ambiguous` for a flat name that could be cut into the LMS's prefix
    and the student's file name in several places (a display name or a file name that
    carries a Moodle prefix of its own): which part the LMS wrote cannot be known."""
    readable = _readable(info.filename) if not info.flag_bits & 0x800 else info.filename
    path = PurePosixPath(readable.replace("\\", "/"))
    parts = list(path.parts)
    if root and parts and parts[0] == root:
        parts = parts[1:]
    if not parts:
        return None
    modified = tuple(info.date_time)
    if len(parts) >= 2:  # a folder per submission: the folder decides
        folder, original = parts[0], "/".join(parts[1:])
        found = MOODLE_FOLDER.match(folder)
        if found:
            entry = Submitted(
                info.filename, "Moodle", found["full_name"], found["participant"], original
            )
        else:
            entry = Submitted(info.filename, "folder", folder, "", original)
    else:
        flat = parts[0]
        canvas, moodle = CANVAS.match(flat), MOODLE_FILE.match(flat)
        readings = len(MOODLE_CUT.findall(flat)) + (canvas is not None)
        if readings > 1:
            raise Ambiguous(f"its name can be read as {readings} different LMS names")
        if canvas:
            entry = Submitted(
                info.filename,
                "Canvas",
                canvas["login"],
                canvas["user_id"],
                canvas["original"],
                int(canvas["submission_id"]),
            )
        elif moodle:
            entry = Submitted(
                info.filename,
                "Moodle",
                moodle["full_name"],
                moodle["participant"],
                moodle["original"],
            )
        else:
            return None
    entry.modified = modified
    entry.student_id = student_id_for(entry.name)
    named_like = CANVAS.match(PurePosixPath(entry.original).name) or MOODLE_FILE.match(
        PurePosixPath(entry.original).name
    )
    if named_like:
        other = named_like.groupdict().get("login") or named_like.groupdict().get("full_name")
        if other and student_id_for(other) != entry.student_id:
            entry.lookalike = student_id_for(other)
    return entry


def _common_root(infos: list[zipfile.ZipInfo]) -> str:
    """A folder that wraps every entry (a zip of a folder), which says nothing about who."""
    firsts = {PurePosixPath(i.filename).parts[0] for i in infos if PurePosixPath(i.filename).parts}
    if len(firsts) != 1 or not all(len(PurePosixPath(i.filename).parts) > 1 for i in infos):
        return ""
    (root,) = firsts
    return "" if MOODLE_FOLDER.match(root) else root


def choose(candidates: list[Submitted], notebook_name: str) -> Submitted:
    """The one notebook kept of a student's several: the one named like the assignment's
    notebook (Canvas's ``-1`` resubmission suffix ignored), then the latest Canvas
    submission, then the newest file in the zip, then the last name."""

    def named_right(entry: Submitted) -> bool:
        stem = re.sub(r"-\d+$", "", PurePosixPath(entry.original).stem)
        return stem == PurePosixPath(notebook_name).stem

    return max(candidates, key=lambda e: (named_right(e), e.submission_id, e.modified, e.path))


def _check_notebook(data: bytes, own_ids: set[str], others: dict[str, set[str]]) -> str | None:
    """Why a file is not a submission of this assignment (None when it is one)."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception:
        return "not a Jupyter notebook (its JSON is damaged or it is not a notebook)"
    ids = {
        c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for c in nb.get("cells", [])
        if isinstance(c, dict)
    } - {None}
    # (cells every exercise has, such as "imports", say nothing about which one it is)
    shared = set().union(*others.values()) if others else set()
    if ids & (own_ids - shared):
        return None
    for name, theirs in sorted(others.items()):
        if ids & (theirs - own_ids):
            return f"a notebook of {name}, not of this assignment"
    return "a notebook, but not this assignment's (none of its graded cells)"


def plan_import(
    assignment: str, zip_path: Path, course: Path | None = None
) -> tuple[Plan, dict[str, bytes]]:
    """Read the zip: who each file is, which are imported, why the others are not."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            bad = zf.testzip()
            for info in infos:
                name = info.filename.replace("\\", "/")
                if name.startswith("/") or ".." in PurePosixPath(name).parts or ":" in name:
                    raise BadInput(f"{zip_path} holds an unsafe path ({info.filename!r}): refused")
            if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
                raise BadInput(f"{zip_path} would unpack to more than 4 GB: refused")
            if bad is not None:
                raise BadInput(f"{zip_path} is a damaged zip file (bad entry {bad})")
            contents = {
                i.filename: zf.read(i)
                for i in infos
                if i.filename.lower().endswith(".ipynb") and i.file_size <= MAX_NOTEBOOK_BYTES
            }
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BadInput(f"{zip_path} is a damaged zip file ({exc})") from None
    own_ids = assignment_grade_ids(assignment, course)
    others = {a: assignment_grade_ids(a) for a in known_assignments() if a != assignment}
    notebook_name = assignment_notebook(assignment, course) if course else f"{assignment}.ipynb"
    plan = Plan()
    root = _common_root(infos)
    by_identity: dict[tuple[str, str, str], list[Submitted]] = {}
    for info in sorted(infos, key=lambda i: i.filename):
        shown = _readable(info.filename) if not info.flag_bits & 0x800 else info.filename
        if any(part in shown for part in JUNK):
            plan.notes.append(f"  skipped {shown}: system metadata, not a submission")
            continue
        if not shown.lower().endswith(".ipynb"):
            plan.notes.append(f"  skipped {shown}: not a notebook (.ipynb)")
            continue
        if info.file_size > MAX_NOTEBOOK_BYTES:
            plan.notes.append(f"  skipped {shown}: larger than 50 MB")
            continue
        try:
            entry = identify(info, root)
        except Ambiguous as exc:
            plan.notes.append(f"  skipped {shown}: {exc}; not imported, never guessed")
            continue
        if entry is None:
            plan.notes.append(f"  skipped {shown}: its name matches no LMS pattern")
            continue
        why = _check_notebook(contents[info.filename], own_ids, others)
        if why:
            plan.notes.append(f"  skipped {shown}: {why}")
            continue
        by_identity.setdefault(entry.identity, []).append(entry)
    chosen = {identity: choose(found, notebook_name) for identity, found in by_identity.items()}
    for identity, found in sorted(by_identity.items()):
        if len(found) > 1:
            kept = chosen[identity]
            dropped = ", ".join(_readable(e.path) for e in found if e is not kept)
            plan.notes.append(
                f"  {kept.name} ({kept.lms}{' ' + kept.lms_id if kept.lms_id else ''}): "
                f"{len(found)} notebooks; kept {_readable(kept.path)}, not {dropped}"
            )
    known = remembered(course)
    _assign_ids(list(chosen.values()), known, assignment, plan.notes)
    for entry in chosen.values():
        if entry.lookalike:
            plan.notes.append(
                f"  {_readable(entry.path)}: stored as {entry.student_id}, whose LMS name it "
                f"carries; the file name points to {entry.lookalike}, which is not believed"
            )
        plan.chosen[entry.student_id] = entry
    _warn_lookalikes(set(plan.chosen), known, plan.notes)
    return plan, {e.path: contents[e.path] for e in plan.chosen.values()}


# ------------------------------------------------------- one id per LMS identity
def remembered(course: Path | None) -> list[dict[str, str]]:
    """Whose each student id is, as earlier imports recorded it in lms_ids.csv."""
    path = course / LMS_IDS_FILE if course else None
    if path is None or not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r.get("student_id")]


def _same_student(entry: Submitted, row: dict[str, str], assignment: str) -> bool:
    """Whether a row of lms_ids.csv is this entry's student. A Canvas user id is one
    student's in every course; Moodle numbers participants per assignment, so in another
    assignment only its exact full name can tell; a folder is its name."""
    if row.get("lms") != entry.lms:
        return False
    if entry.lms == "Canvas" or (entry.lms == "Moodle" and row.get("assignment") == assignment):
        return row.get("lms_id") == entry.lms_id
    return row.get("lms_name") == entry.name


def _owns(entry: Submitted, rows: list[dict[str, str]], assignment: str) -> bool:
    """Whether the student id these rows record is this entry's (this assignment's own
    rows decide when there are any: a Moodle number is exact there)."""
    here = [r for r in rows if r.get("assignment") == assignment]
    return any(_same_student(entry, r, assignment) for r in here or rows)


def _who(entry: Submitted) -> str:
    return f"{entry.name!r} ({entry.lms}{' ' + entry.lms_id if entry.lms_id else ''})"


def _assign_ids(
    entries: list[Submitted], rows: list[dict[str, str]], assignment: str, notes: list[str]
) -> None:
    """Give every student of the zip an id that no other LMS identity has, in this zip or
    in the course: a student the course knows keeps their id; two students whose names
    give one id get their LMS ids appended; an id taken by someone else (a namesake from
    an earlier import, or a name that reads like another's disambiguated id) gets the
    LMS id appended again, until it is free. Nobody's submission is overwritten by another's."""
    known: dict[str, list[dict[str, str]]] = {}
    maybe: dict[tuple[str, str, str], set[str]] = {}  # (the ids an LMS id or name may own)
    for row in rows:
        known.setdefault(row["student_id"], []).append(row)
        for key in (
            (row.get("lms", ""), "id", row.get("lms_id", "")),
            (row.get("lms", ""), "name", row.get("lms_name", "")),
        ):
            maybe.setdefault(key, set()).add(row["student_id"])
    taken: dict[str, Submitted] = {}

    def free(sid: str, entry: Submitted) -> bool:
        return sid not in taken and (sid not in known or _owns(entry, known[sid], assignment))

    owned = {
        id(e): sorted(
            sid
            for sid in maybe.get((e.lms, "id", e.lms_id), set())
            | maybe.get((e.lms, "name", e.name), set())
            if _owns(e, known[sid], assignment)
        )
        for e in entries
    }
    claimed = Counter(sid for mine in owned.values() for sid in mine)
    by_name: dict[str, list[Submitted]] = {}
    for entry in entries:
        mine = owned[id(entry)]
        # (an id two of the zip's students could own, or a student with two, is never guessed)
        if len(mine) == 1 and claimed[mine[0]] == 1:
            entry.student_id = mine[0]
            taken[entry.student_id] = entry
            continue
        by_name.setdefault(student_id_for(entry.name), []).append(entry)
        if mine:
            notes.append(
                f"  {_who(entry)} could be {' or '.join(mine)} of earlier imports: "
                f"not guessed, imported by its name"
            )
    # names shared in this zip first: their ids carry their own LMS ids
    order = sorted(by_name.items(), key=lambda item: (len(item[1]) == 1, item[0]))
    for name_id, namesakes in order:
        for entry in sorted(namesakes, key=lambda e: e.identity):
            wanted = name_id if len(namesakes) == 1 else f"{name_id}-{_suffix(entry)}"
            sid = wanted
            while not free(sid, entry):
                sid = f"{sid}-{_suffix(entry)}"
            if sid != wanted:
                if wanted in taken:
                    owner = f"{_who(taken[wanted])} in this zip"
                else:
                    row = known[wanted][-1]
                    owner = (
                        f"{row.get('lms_name')!r} ({row.get('lms')} {row.get('lms_id') or '-'}) "
                        f"since {row.get('assignment')}"
                    )
                notes.append(
                    f"  {_who(entry)} would be {wanted}, the id of {owner}: "
                    f"a namesake, imported as {sid}"
                )
            entry.student_id = sid
            taken[sid] = entry
        if len(namesakes) > 1:
            listed = ", ".join(f"{e.name!r} as {e.student_id}" for e in namesakes)
            notes.append(f"  {len(namesakes)} students would be {name_id}: imported {listed}")


def _suffix(entry: Submitted) -> str:
    return entry.lms_id or hashlib.sha256(entry.name.encode()).hexdigest()[:6]


def skeleton(student_id: str) -> str:
    """What an id looks like: compatibility forms folded, accents dropped, and letters of
    other scripts that print like Latin ones read as those (``jаne`` with a Cyrillic
    ``а`` is ``jane``)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", student_id).casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return bare.translate(LOOKALIKES)


def _warn_lookalikes(imported: set[str], rows: list[dict[str, str]], notes: list[str]) -> None:
    """One warning per imported id that prints like another student's id: both are kept
    (they are different LMS identities) but the instructor must be able to tell them apart."""
    looks: dict[str, set[str]] = {}
    for sid in imported | {r["student_id"] for r in rows}:
        looks.setdefault(skeleton(sid), set()).add(sid)
    for same in sorted(looks.values(), key=sorted):
        if len(same) > 1 and same & imported:
            listed = " and ".join(
                sid
                if sid.isascii()
                else f"{sid} ({sid.encode('ascii', 'backslashreplace').decode()})"
                for sid in sorted(same)
            )
            notes.append(
                f"  warning: {listed} print alike but are different students (both kept; "
                f"lms_ids.csv tells them apart)"
            )


# ---------------------------------------------------------------- the import
def _collector_plugin(students: set[str]) -> type:
    from nbgrader.plugins import FileNameCollectorPlugin

    class RebuiltZipNames(FileNameCollectorPlugin):
        """Files of the rebuilt zip are ``<student id>/<notebook>``: the folder says who."""

        def collect(self, submitted_file: str) -> dict[str, Any] | None:
            path = Path(submitted_file)
            if path.parent.name in students:
                return {"student_id": path.parent.name, "file_id": path.name}
            return None

    return RebuiltZipNames


def _record_lms_ids(course: Path, assignment: str, plan: Plan, db_url: str | None) -> None:
    """Keep the LMS's ids: the gradebook's student records, and lms_ids.csv."""
    from nbgrader.api import Gradebook

    path = course / LMS_IDS_FILE
    # (a zip of one late student replaces only that student's row: the course keeps
    # remembering whose every other id is)
    rows = [
        r
        for r in remembered(course)
        if r.get("assignment") != assignment or r["student_id"] not in plan.chosen
    ]
    for sid, entry in sorted(plan.chosen.items()):
        rows.append(
            {
                "assignment": assignment,
                "student_id": sid,
                "lms": entry.lms,
                "lms_id": entry.lms_id,
                "lms_name": entry.name,
                "submission_id": str(entry.submission_id) if entry.submission_id >= 0 else "",
            }
        )
    columns = ["assignment", "student_id", "lms", "lms_id", "lms_name", "submission_id"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(path)  # (never half written)
    nbgrader = api(course, db_url)
    with Gradebook(nbgrader.coursedir.db_url, nbgrader.coursedir.course_id) as gb:
        for sid, entry in plan.chosen.items():
            # (names stay in lms_ids.csv: nbgrader's pages show the gradebook's names
            # unescaped, and an LMS may let students choose theirs)
            if entry.lms_id:
                gb.update_or_create_student(sid, lms_user_id=entry.lms_id)
            else:
                gb.update_or_create_student(sid)


def collect_zip(
    assignment: str,
    zip_path: str | Path,
    course: str | Path | None,
    out: TextIO = sys.stdout,
    db_url: str | None = None,
) -> list[str]:
    """Import an LMS's zip of submissions into submitted/<student>/<assignment>/."""
    course = require_course(course)
    require_assignment(assignment, course)
    zip_path = Path(zip_path).expanduser()
    if not zip_path.is_file():
        raise BadInput(f"{zip_path}: no such file")
    if not zipfile.is_zipfile(zip_path):
        raise BadInput(f"{zip_path} is not a zip file")
    plan, contents = plan_import(assignment, zip_path, course if course.is_dir() else None)
    if not plan.chosen:
        reasons = "; ".join(n.strip() for n in plan.notes[:3]) or "it holds no files"
        raise BadInput(f"{zip_path}: nothing to import ({reasons})")
    course.mkdir(parents=True, exist_ok=True)
    ensure_course_config(course, out=out)
    db_url, _ = use_gradebook(course, db_url, out)
    ensure_in_gradebook(assignment, course, db_url)
    notebook_name = assignment_notebook(assignment, course)
    archive = course / "downloaded" / assignment / "archive"
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as rebuilt:
        for sid, entry in sorted(plan.chosen.items()):
            rebuilt.writestr(f"{sid}/{notebook_name}", contents[entry.path])

    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    config = cfg.course_config(course, db_url)
    config.ZipCollectApp.collector_plugin = _collector_plugin(set(plan.chosen))
    config.ZipCollectApp.force = True
    config.CourseDirectory.assignment_id = assignment
    app = ZipCollectApp(config=config)
    app.log.setLevel(logging.ERROR)
    app.coursedir = CourseDirectory(config=config)
    app.coursedir.assignment_id = assignment
    try:
        app.start()
    except SystemExit:
        raise NotCompleted(f"nbgrader zip_collect could not import {zip_path}") from None
    _record_lms_ids(course, assignment, plan, db_url)
    students = sorted(plan.chosen)
    print(
        f"imported {len(students)} submissions of {assignment} from {zip_path.name} into "
        f"{course}/submitted/: {', '.join(students)}",
        file=out,
    )
    for note in plan.notes:
        print(note, file=out)
    return students
