"""The class report's data: plain dataclasses, written as JSON and CSV as they are."""

from __future__ import annotations

from dataclasses import dataclass, field

# what happened to one student on one automatic test
PASSED = "passed"
MISTAKE = "recognised mistake"
UNRECOGNISED = "unrecognised failure"
NOT_ANSWERED = "not answered"


@dataclass
class Outcome:
    """One student's result on one automatic test."""

    student: str
    test: str
    score: float
    max_score: float
    status: str  # PASSED, MISTAKE, UNRECOGNISED or NOT_ANSWERED
    mistake: str | None = None  # the recognised mistake's id
    error: str = ""  # the error's name: TestFailure, NotImplementedError, TypeError, ...
    message: str = ""  # the feedback the student received (first line)


@dataclass
class WrittenScore:
    """One student's written answer: its manual score, or why there is none."""

    student: str
    part: str
    max_score: float
    score: float | None  # None: not graded yet
    blank: bool = False  # left empty (nbgrader scores it 0 by itself)


@dataclass
class Student:
    """A student of the class: graded (with scores) or not, and why not."""

    id: str
    name: str  # what the report shows: the id, or a pseudonym with --anonymise
    graded: bool
    reason: str = ""  # why not graded
    auto_score: float = 0.0
    written_score: float | None = None  # None while a written answer is ungraded


@dataclass
class Test:
    """An automatic test of the assignment."""

    id: str  # the grade id of its cell
    title: str
    max_score: float
    lesson: str = ""  # lesson section label
    lesson_href: str = ""


@dataclass
class WrittenPart:
    """A written answer the instructor grades."""

    id: str
    title: str
    max_score: float


@dataclass
class SimilarPair:
    """Two students whose answer code is alike after normalisation: a lead to look at."""

    first: str
    second: str
    similarity: float  # the larger of the two shares (0 to 1)
    shares: tuple[float, float]  # fraction of each one's own code found in the other's
    shared_chars: int  # size of the shared normalised code
    first_code: str = ""  # each one's answer code, for a human to compare
    second_code: str = ""
    first_marks: list[tuple[int, int]] = field(default_factory=list)  # shared (start, end)
    second_marks: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ClassData:
    """Everything the report says about one assignment."""

    assignment: str
    course: str
    generated: str  # ISO date and time
    anonymised: bool
    tests: list[Test]
    written: list[WrittenPart]
    students: list[Student]
    outcomes: list[Outcome]
    written_scores: list[WrittenScore]
    similar: list[SimilarPair]
    similarity_method: str
    lessons_url: str

    @property
    def graded(self) -> list[Student]:
        return [s for s in self.students if s.graded]

    @property
    def auto_max(self) -> float:
        return sum(t.max_score for t in self.tests)

    @property
    def written_max(self) -> float:
        return sum(w.max_score for w in self.written)
