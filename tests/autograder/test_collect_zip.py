"""``collect-zip``: whose submission a file is, as the LMS says.

The part of a name the LMS wrote decides (Canvas's login and user id, Moodle's
"Full Name_participant" prefix or folder, a per-student folder), never the file name
a student chose; duplicates and namesakes never abort an import; every script gives a
stable id; the LMS's ids are kept and exported; everything not imported is listed; a
dangerous or useless zip is refused with one line (exit 2).
"""

from __future__ import annotations

import csv
import io
import zipfile

import nbformat
import pytest

from autograder.commands.collect_zip import skeleton, student_id_for
from tests.autograder import submissions as S
from tests.autograder.commandline import assert_one_line_error, run
from tests.autograder.conftest import requires_bwrap

pytestmark = pytest.mark.grading
EX1, EX2 = "exercise-01-derivatives", "exercise-02-gradient-descent"


def notebook(label: str) -> str:
    """A submission of exercise 1 that says whose it is in its first answer cell."""
    nb = S.build(EX1, "solution")
    cell = next(c for c in nb.cells if S.grade_id(c) == "secant_slope")
    cell.source = f"# written by {label}\n" + cell.source
    return nbformat.writes(nb)


def author(course, student) -> str:
    nb = nbformat.read(str(course / "submitted" / student / EX1 / f"{EX1}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if S.grade_id(c) == "secant_slope")
    return cell.source.splitlines()[0].removeprefix("# written by ")


def make_zip(path, entries: dict[str, str]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return path


def collect(tmp_path, entries, course=None):
    course = course or tmp_path / "course"
    done = run("collect-zip", EX1, make_zip(tmp_path / "lms.zip", entries), "--course", course)
    assert "Traceback" not in done.stderr
    return course, done


def test_the_name_the_lms_wrote_decides_not_the_file_name(tmp_path):
    impostor = f"doejane_222_901_{EX1}.ipynb"  # how doejane's own upload is named
    course, done = collect(
        tmp_path,
        {
            impostor: notebook("doejane"),
            f"mallory_111_900_{impostor}": notebook("mallory"),  # Canvas: mallory's upload
            f"Mallory Evil_4444_assignsubmission_file/{impostor}": notebook("mallory evil"),
            f"trudy/{impostor}": notebook("trudy"),
        },
    )
    assert done.returncode == 0, done.stderr
    for student, who in (
        ("doejane", "doejane"),
        ("mallory", "mallory"),
        ("mallory-evil", "mallory evil"),
        ("trudy", "trudy"),
    ):
        assert author(course, student) == who
    reported = [line for line in done.stdout.splitlines() if "not believed" in line]
    assert len(reported) == 3 and all("points to doejane" in line for line in reported)


def test_duplicates_and_namesakes_never_abort_an_import(tmp_path):
    course, done = collect(
        tmp_path,
        {
            # one Canvas student, two submissions: the latest submission id wins
            f"doejane_222_901_{EX1}.ipynb": notebook("first try"),
            f"doejane_222_905_{EX1}-1.ipynb": notebook("second try"),
            # one Moodle student, two notebooks: the one named like the assignment wins
            "Ana Lopez_77_assignsubmission_file/scratch.ipynb": notebook("scratch"),
            f"Ana Lopez_77_assignsubmission_file/{EX1}.ipynb": notebook("ana"),
            # two Moodle students with one name: both imported, told apart by their numbers
            f"Jane Doe_4242_assignsubmission_file_{EX1}.ipynb": notebook("jane 4242"),
            f"Jane Doe_4343_assignsubmission_file_{EX1}.ipynb": notebook("jane 4343"),
        },
    )
    assert done.returncode == 0, done.stderr
    assert author(course, "doejane") == "second try"
    assert author(course, "ana-lopez") == "ana"
    assert author(course, "jane-doe-4242") == "jane 4242"
    assert author(course, "jane-doe-4343") == "jane 4343"
    out = done.stdout
    assert "doejane (Canvas 222): 2 notebooks" in out
    assert "Ana Lopez (Moodle 77): 2 notebooks" in out
    assert "2 students would be jane-doe" in out and "jane-doe-4242" in out


@pytest.mark.parametrize(
    "name, expected",
    [
        ("José Núñez", "jose-nunez"),
        ("müllerjürgen", "mullerjurgen"),
        ("Zoë  Ångström-Öberg", "zoe-angstrom-oberg"),
        ("Иван Петров", "иван-петров"),
        ("王小明", "王小明"),
        ("김민준", "김민준"),
        ("O'Brien, Seán", "o-brien-sean"),
    ],
)
def test_every_name_gives_a_stable_readable_id(name, expected):
    assert student_id_for(name) == expected == student_id_for(name)


def test_a_name_of_punctuation_only_still_gets_a_stable_id():
    assert student_id_for("!!!") == student_id_for("!!!") != student_id_for("???")
    assert student_id_for("!!!").startswith("student-")


def test_non_latin_names_are_imported_and_keep_their_ids(tmp_path):
    entries = {
        f"müllerjürgen_10_20_{EX1}.ipynb": notebook("jürgen"),
        f"王小明_5001_assignsubmission_file_{EX1}.ipynb": notebook("xiaoming"),
        f"Иван Петров_5002_assignsubmission_file/{EX1}.ipynb": notebook("ivan"),
    }
    course, done = collect(tmp_path, entries)
    assert done.returncode == 0, done.stderr
    assert author(course, "mullerjurgen") == "jürgen"
    assert author(course, "王小明") == "xiaoming"
    assert author(course, "иван-петров") == "ivan"
    # importing again (a later download) gives the same ids
    _, again = collect(tmp_path, entries, course)
    assert again.returncode == 0
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(
        ["mullerjurgen", "王小明", "иван-петров"]
    )


@requires_bwrap
def test_the_lms_ids_are_kept_and_exported(tmp_path):
    from nbgrader.api import Gradebook

    course, done = collect(
        tmp_path,
        {
            f"doejane_222_901_{EX1}.ipynb": notebook("doejane"),
            f"Ana Lopez_77_assignsubmission_file_{EX1}.ipynb": notebook("ana"),
            f"sam/{EX1}.ipynb": notebook("sam"),
        },
    )
    assert done.returncode == 0, done.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_student("doejane").lms_user_id == "222"
        assert gb.find_student("ana-lopez").lms_user_id == "77"
        assert gb.find_student("sam").lms_user_id is None
    rows = list(csv.DictReader(io.StringIO((course / "lms_ids.csv").read_text())))
    assert {(r["student_id"], r["lms"], r["lms_id"], r["lms_name"]) for r in rows} == {
        ("doejane", "Canvas", "222", "doejane"),
        ("ana-lopez", "Moodle", "77", "Ana Lopez"),
        ("sam", "folder", "", "sam"),
    }
    graded = run("grade", EX1, "--course", course, "--jobs", "1")
    assert graded.returncode == 0, graded.stderr
    exported = run("export", "--course", course)
    assert exported.returncode == 0, exported.stderr
    table = {r["student_id"]: r for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert table["doejane"]["lms_id"] == table["doejane"][f"{EX1}:lms_id"] == "222"
    assert table["ana-lopez"][f"{EX1}:lms_id"] == "77" and table["sam"]["lms_id"] == ""


def test_what_is_not_a_submission_is_listed_one_line_each(tmp_path):
    released_ex2 = nbformat.writes(S.released(EX2))
    course, done = collect(
        tmp_path,
        {
            f"doejane_222_901_{EX1}.ipynb": notebook("doejane"),
            "readme.txt": "hello",
            f"brokenbob_333_902_{EX1}.ipynb": '{"cells": [',
            f"wrongwill_444_903_{EX2}.ipynb": released_ex2,
            "whatever.ipynb": notebook("nobody"),
            f"__MACOSX/._doejane_222_901_{EX1}.ipynb": "junk",
            f"emptyeve_555_904_{EX1}.ipynb": nbformat.writes(nbformat.v4.new_notebook()),
        },
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["doejane"]
    skipped = [line for line in done.stdout.splitlines() if "skipped" in line]
    assert len(skipped) == 6, done.stdout
    reasons = " | ".join(skipped)
    for words in (
        "readme.txt: not a notebook",
        "brokenbob_333_902",
        "damaged",
        f"a notebook of {EX2}",
        "whatever.ipynb: its name matches no LMS pattern",
        "__MACOSX",
        "not this assignment's",
    ):
        assert words in reasons, (words, reasons)


@pytest.mark.parametrize(
    "entries, words",
    [
        ({f"../../escaped_1_2_{EX1}.ipynb": "{}"}, "unsafe path"),
        ({f"/etc/doejane_1_2_{EX1}.ipynb": "{}"}, "unsafe path"),
        ({"readme.txt": "no notebooks at all"}, "nothing to import"),
        ({f"doejane_1_2_{EX1}.ipynb": '{"cells": ['}, "nothing to import"),
    ],
    ids=["zip-slip", "absolute", "no-notebook", "only-broken"],
)
def test_a_dangerous_or_useless_zip_is_refused_with_one_line(tmp_path, entries, words):
    course = tmp_path / "course"
    done = run("collect-zip", EX1, make_zip(tmp_path / "bad.zip", entries), "--course", course)
    assert_one_line_error(done, 2)
    assert words in done.stderr
    assert not (course / "submitted").exists() and not (tmp_path / "escaped").exists()


# ------------------------------------------- LMS identities stay exact (red team r06-r12)
def submitted_ids(course) -> list[str]:
    return sorted(p.name for p in (course / "submitted").iterdir())


def one_line(stdout: str, words: str) -> str:
    """The one line of a report that holds these words."""
    lines = [line for line in stdout.splitlines() if words in line]
    assert len(lines) == 1, stdout
    return lines[0]


def test_a_name_that_reads_like_a_disambiguated_id_does_not_take_it(tmp_path):
    """r06: "ann lee 4242" (participant 6666) gives the id that the real participant
    4242 gets next to another Ann Lee; it must not overwrite her."""
    course, done = collect(
        tmp_path,
        {
            f"Ann Lee_4242_assignsubmission_file_{EX1}.ipynb": notebook("ann 4242"),
            f"Ann Lee_5555_assignsubmission_file_{EX1}.ipynb": notebook("ann 5555"),
            f"ann lee 4242_6666_assignsubmission_file_{EX1}.ipynb": notebook("impostor 6666"),
        },
    )
    assert done.returncode == 0, done.stderr
    assert submitted_ids(course) == ["ann-lee-4242", "ann-lee-4242-6666", "ann-lee-5555"]
    assert author(course, "ann-lee-4242") == "ann 4242"
    assert author(course, "ann-lee-5555") == "ann 5555"
    assert author(course, "ann-lee-4242-6666") == "impostor 6666"
    line = one_line(done.stdout, "'ann lee 4242' (Moodle 6666)")
    assert "would be ann-lee-4242" in line and "'Ann Lee' (Moodle 4242)" in line
    assert "imported as ann-lee-4242-6666" in line
    rows = list(csv.DictReader(io.StringIO((course / "lms_ids.csv").read_text())))
    assert {(r["student_id"], r["lms_id"]) for r in rows} == {
        ("ann-lee-4242", "4242"),
        ("ann-lee-5555", "5555"),
        ("ann-lee-4242-6666", "6666"),
    }


def test_a_namesake_in_a_later_zip_gets_an_id_of_their_own(tmp_path):
    """r07: a later zip holds a different person whose name gives an id the course
    already gave to someone else: the earlier notebook and LMS id stay, the namesake
    is imported under their own id, and the import says so."""
    from nbgrader.api import Gradebook

    course, first = collect(
        tmp_path, {f"Jane Doe_4242_assignsubmission_file_{EX1}.ipynb": notebook("jane 4242")}
    )
    assert first.returncode == 0, first.stderr
    _, later = collect(
        tmp_path,
        {f"Jane  Doé_9999_assignsubmission_file_{EX1}.ipynb": notebook("namesake 9999")},
        course,
    )
    assert later.returncode == 0, later.stderr
    assert submitted_ids(course) == ["jane-doe", "jane-doe-9999"]
    assert author(course, "jane-doe") == "jane 4242"
    assert author(course, "jane-doe-9999") == "namesake 9999"
    line = one_line(later.stdout, "a namesake")
    assert "'Jane  Doé' (Moodle 9999) would be jane-doe" in line
    assert "'Jane Doe' (Moodle 4242)" in line and "imported as jane-doe-9999" in line
    # the same two in a fresh download of the same assignment keep their ids
    _, again = collect(
        tmp_path,
        {
            f"Jane  Doé_9999_assignsubmission_file_{EX1}.ipynb": notebook("namesake again"),
            f"Jane Doe_4242_assignsubmission_file_{EX1}.ipynb": notebook("jane again"),
        },
        course,
    )
    assert again.returncode == 0, again.stderr
    assert author(course, "jane-doe") == "jane again"
    assert author(course, "jane-doe-9999") == "namesake again"
    # another assignment: a third person whose name gives jane-doe is not merged either
    ex2 = make_zip(
        tmp_path / "ex2.zip",
        {
            f"Jane Doe_7001_assignsubmission_file_{EX2}.ipynb": nbformat.writes(
                S.build(EX2, "solution")
            ),
            f"JANE-DOE_7002_assignsubmission_file_{EX2}.ipynb": nbformat.writes(
                S.build(EX2, "solution")
            ),
        },
    )
    other = run("collect-zip", EX2, ex2, "--course", course)
    assert other.returncode == 0, other.stderr
    assert (course / "submitted" / "jane-doe" / EX2).is_dir()  # the same exact Moodle name
    assert (course / "submitted" / "jane-doe-7002" / EX2).is_dir()
    assert "'JANE-DOE' (Moodle 7002) would be jane-doe" in other.stdout
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_student("jane-doe-9999").lms_user_id == "9999"
        assert gb.find_student("jane-doe-7002").lms_user_id == "7002"
    rows = list(csv.DictReader(io.StringIO((course / "lms_ids.csv").read_text())))
    assert {(r["assignment"], r["student_id"], r["lms_id"]) for r in rows} == {
        (EX1, "jane-doe", "4242"),
        (EX1, "jane-doe-9999", "9999"),
        (EX2, "jane-doe", "7001"),
        (EX2, "jane-doe-7002", "7002"),
    }


def test_a_zip_of_one_late_student_does_not_make_the_course_forget_the_others(tmp_path):
    course, _ = collect(
        tmp_path,
        {
            f"Jane Doe_4242_assignsubmission_file_{EX1}.ipynb": notebook("jane 4242"),
            f"Bo Li_77_assignsubmission_file_{EX1}.ipynb": notebook("bo"),
        },
    )
    collect(tmp_path, {f"Bo Li_77_assignsubmission_file_{EX1}.ipynb": notebook("bo late")}, course)
    _, later = collect(
        tmp_path, {f"Jane Doe_5151_assignsubmission_file_{EX1}.ipynb": notebook("other")}, course
    )
    assert later.returncode == 0, later.stderr
    assert author(course, "jane-doe") == "jane 4242"
    assert author(course, "jane-doe-5151") == "other"
    assert author(course, "bo-li") == "bo late"


def test_a_name_the_moodle_pattern_reads_two_ways_is_listed_not_imported(tmp_path):
    """r08: a display name that carries a Moodle prefix of its own ("Ann
    Lee_4242_assignsubmission_file_x", participant 6666) could be Ann Lee's upload or
    participant 6666's: which part the LMS wrote is unknown, so it is not imported."""
    tricky = [
        f"Ann Lee_4242_assignsubmission_file_x_6666_assignsubmission_file_{EX1}.ipynb",
        f"Bob Roe_7777_assignsubmission_file_y_9191_assignsubmission_file_{EX1}.ipynb",
        # (a Canvas-looking display name in a Moodle prefix reads two ways as well)
        f"doejane_222_901_z_8080_assignsubmission_file_{EX1}.ipynb",
        # (the two prefixes may share their underscore)
        f"Cy Ng_1_assignsubmission_file_2_assignsubmission_file_{EX1}.ipynb",
    ]
    course, done = collect(
        tmp_path,
        {
            f"Ann Lee_4242_assignsubmission_file_{EX1}.ipynb": notebook("ann 4242"),
            **{name: notebook(f"attacker {i}") for i, name in enumerate(tricky)},
            # a Moodle folder ends where the LMS's part ends: one reading only
            f"Di Wu_31_assignsubmission_file/x_6666_assignsubmission_file_{EX1}.ipynb": notebook(
                "di"
            ),
        },
    )
    assert done.returncode == 0, done.stderr
    assert submitted_ids(course) == ["ann-lee", "di-wu"]
    assert author(course, "ann-lee") == "ann 4242" and author(course, "di-wu") == "di"
    skipped = [x for x in done.stdout.splitlines() if "skipped" in x]
    assert len(skipped) == len(tricky), done.stdout
    for name, line in zip(sorted(tricky), skipped, strict=True):
        assert name in line and "read as 2 different LMS names" in line and "never guessed" in line


def test_ids_that_print_alike_are_both_kept_and_reported(tmp_path):
    """r12: a Cyrillic "а" gives jаne-doe next to jane-doe; both are imported, and one
    warning line names both (the second spelled out)."""
    course, done = collect(
        tmp_path,
        {
            f"Jane Doe_4242_assignsubmission_file_{EX1}.ipynb": notebook("jane"),
            f"J\u0430ne Doe_5555_assignsubmission_file_{EX1}.ipynb": notebook("look-alike"),
        },
    )
    assert done.returncode == 0, done.stderr
    assert author(course, "jane-doe") == "jane"
    assert author(course, "j\u0430ne-doe") == "look-alike"
    line = one_line(done.stdout, "warning")
    assert "jane-doe and j\u0430ne-doe (j\\u0430ne-doe) print alike" in line
    # against a student of an earlier import too (Greek ο, fullwidth letters)
    _, later = collect(
        tmp_path,
        {f"Jane D\u03bfe_6_assignsubmission_file_{EX1}.ipynb": notebook("greek")},
        course,
    )
    assert later.returncode == 0
    line = one_line(later.stdout, "warning")
    assert "jane-doe and" in line and "j\u0430ne-doe" in line and "jane-d\u03bfe" in line


@pytest.mark.parametrize(
    "one, other, alike",
    [
        ("jane-doe", "j\u0430ne-doe", True),
        ("paco", "\u0440\u0430\u0441\u043e", True),  # all Cyrillic
        ("jane", "\uff4a\uff41\uff4e\uff45", True),  # fullwidth
        ("иван-петров", "ivan-petrov", False),  # a transliteration is not a look-alike
        ("jane-doe", "jane-dot", False),
    ],
)
def test_skeleton_finds_ids_that_print_alike(one, other, alike):
    assert (skeleton(one) == skeleton(other)) is alike
