"""The numbers the class report shows, computed once from :class:`ClassData`; the page,
the JSON and the CSV all read them from here."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from autograder.classreport.model import (
    MISTAKE,
    NOT_ANSWERED,
    PASSED,
    UNRECOGNISED,
    ClassData,
    Outcome,
    Test,
)
from autograder.mistakes import section_of

EXAMPLES = 3  # unrecognised failures shown per test


@dataclass
class ScoreStats:
    """The distribution of the automatic scores of the graded students."""

    students: int
    max_score: float
    mean: float
    median: float
    q1: float
    q3: float
    lowest: float
    highest: float


@dataclass
class TestRow:
    """One automatic test across the class."""

    test: Test
    students: int
    passed: int
    points_lost: float
    mistakes: int
    unrecognised: int
    not_answered: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.students if self.students else 0.0


@dataclass
class MistakeRow:
    """How many students made one recognised mistake on one test, and what they read."""

    test: str
    mistake: str
    students: int
    message: str  # the feedback most of them received
    variants: int  # how many different messages they received (inputs differ)
    lesson: str
    lesson_href: str


@dataclass
class Unrecognised:
    """The failures of one test that no known mistake explains."""

    test: str
    students: int
    by_error: dict[str, int]
    examples: list[str] = field(default_factory=list)  # messages, no names


@dataclass
class WrittenRow:
    """One written answer across the class."""

    part: str
    title: str
    max_score: float
    graded: int
    ungraded: int
    blank: int
    mean: float | None
    median: float | None


def score_stats(data: ClassData) -> ScoreStats:
    scores = np.array([s.auto_score for s in data.graded], dtype=float)
    q1, median, q3 = np.percentile(scores, [25, 50, 75])
    return ScoreStats(
        len(scores),
        data.auto_max,
        float(scores.mean()),
        float(median),
        float(q1),
        float(q3),
        float(scores.min()),
        float(scores.max()),
    )


def test_rows(data: ClassData) -> list[TestRow]:
    """Every automatic test, hardest first (lowest pass rate, then most points lost)."""
    rows = []
    for test in data.tests:
        mine = [o for o in data.outcomes if o.test == test.id]
        status = Counter(o.status for o in mine)
        rows.append(
            TestRow(
                test,
                len(mine),
                status[PASSED],
                sum(o.max_score - o.score for o in mine),
                status[MISTAKE],
                status[UNRECOGNISED],
                status[NOT_ANSWERED],
            )
        )
    order = {t.id: i for i, t in enumerate(data.tests)}
    rows.sort(key=lambda r: (r.pass_rate, -r.points_lost, order[r.test.id]))
    return rows


def mistake_rows(data: ClassData, lessons_url: str) -> list[MistakeRow]:
    """Every recognised mistake of every test, most students first."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in data.outcomes:
        if outcome.status == MISTAKE and outcome.mistake:
            groups.setdefault((outcome.test, outcome.mistake), []).append(outcome)
    rows = []
    for (test, mistake), outcomes in groups.items():
        messages = Counter(o.message for o in outcomes)
        section = section_of(mistake)
        rows.append(
            MistakeRow(
                test,
                mistake,
                len({o.student for o in outcomes}),
                messages.most_common(1)[0][0],
                len(messages),
                section.label if section else "",
                section.href(lessons_url) if section else "",
            )
        )
    rows.sort(key=lambda r: (-r.students, r.test, r.mistake))
    return rows


def unrecognised(data: ClassData) -> list[Unrecognised]:
    """Per test, the failures no known mistake explains, with a few anonymous examples."""
    out = []
    for test in data.tests:
        mine = [o for o in data.outcomes if o.test == test.id and o.status == UNRECOGNISED]
        if not mine:
            continue
        messages = Counter(o.message for o in mine if o.message)
        out.append(
            Unrecognised(
                test.id,
                len(mine),
                dict(Counter(o.error or "no error" for o in mine).most_common()),
                [m for m, _ in messages.most_common(EXAMPLES)],
            )
        )
    return out


def written_rows(data: ClassData) -> list[WrittenRow]:
    rows = []
    for part in data.written:
        mine = [w for w in data.written_scores if w.part == part.id]
        scored = [w.score for w in mine if w.score is not None and not w.blank]
        rows.append(
            WrittenRow(
                part.id,
                part.title,
                part.max_score,
                len(scored),
                sum(w.score is None for w in mine),
                sum(w.blank for w in mine),
                float(np.mean(scored)) if scored else None,
                float(np.median(scored)) if scored else None,
            )
        )
    return rows


# --------------------------------------------------------------------------- exports


def as_json(data: ClassData) -> dict[str, Any]:
    """Everything the page shows, as plain data (names already anonymised if asked)."""
    names = {s.id: s.name for s in data.students}
    return {
        "assignment": data.assignment,
        "generated": data.generated,
        "anonymised": data.anonymised,
        "scores": asdict(score_stats(data)),
        "students": [
            {
                "student": s.name,
                "graded": s.graded,
                "reason": s.reason,
                "auto_score": s.auto_score if s.graded else None,
                "written_score": s.written_score,
            }
            for s in data.students
        ],
        "tests": [
            {**asdict(r.test), **{k: v for k, v in asdict(r).items() if k != "test"}}
            | {"pass_rate": r.pass_rate}
            for r in test_rows(data)
        ],
        "mistakes": [asdict(r) for r in mistake_rows(data, data.lessons_url)],
        "unrecognised": [asdict(u) for u in unrecognised(data)],
        "written": [asdict(r) for r in written_rows(data)],
        "outcomes": [asdict(o) | {"student": names[o.student]} for o in data.outcomes],
        "similar": [
            {
                "first": names.get(p.first, p.first),
                "second": names.get(p.second, p.second),
                "similarity": p.similarity,
                "shares": list(p.shares),
                "shared_chars": p.shared_chars,
            }
            for p in data.similar
        ],
        "similarity_method": data.similarity_method,
    }


CSV_COLUMNS = ["student", "test", "title", "score", "max_score", "outcome", "mistake", "message"]


def as_csv(data: ClassData) -> str:
    """One row per graded student and automatic test (long format, for your own plots)."""
    names = {s.id: s.name for s in data.students}
    titles = {t.id: t.title for t in data.tests}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for o in data.outcomes:
        writer.writerow(
            [
                names[o.student],
                o.test,
                titles[o.test],
                f"{o.score:g}",
                f"{o.max_score:g}",
                o.status,
                o.mistake or "",
                o.message,
            ]
        )
    return buffer.getvalue()
