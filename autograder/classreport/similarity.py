"""Pairs of students whose answer code is alike: leads for a human, never a verdict.

``copydetect`` (the winnowing fingerprints of MOSS) does the work: it tokenises each
student's code with Pygments, replaces every name by one letter and drops comments and
whitespace (so renaming variables or rewording comments changes nothing), and compares
the k-grams of what is left. Two kinds of code are set aside before comparing, as its
"boilerplate":

- the starter code every student was given (the released notebook's code cells);
- code that many students share (a fingerprint found in more than
  :func:`common_threshold` students): short exercises have canonical answers, such as
  ``return (f(x + h) - f(x)) / h``, that honest students write independently. MOSS does
  the same ("ignore passages that appear in more than m programs").

Every k-gram is a fingerprint (a winnowing window of 1): the answers are short, and
with that window the result does not depend on Python's per-process string hashing,
so the same class gives the same report every time.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from autograder.classreport.model import SimilarPair

K = 25  # characters of normalised code per fingerprint (copydetect's noise threshold)
WINDOW = 1
MIN_SIMILARITY = 0.5  # a pair is listed when one of them shares at least half their code ...
MIN_SHARED = 80  # ... and that is at least this many characters of normalised code


def common_threshold(students: int) -> int:
    """A fingerprint found in more than this many students is common code."""
    return max(3, math.ceil(students / 10))


def describe(students: int) -> str:
    """The method, in one sentence for the report on a class of ``students``."""
    return (
        f"copydetect {_version()} winnowing fingerprints ({K}-character k-grams of the "
        "normalised code: names replaced, comments and whitespace dropped), with the "
        "starter code and code found in the answers of more than "
        f"{common_threshold(students)} students set aside; a pair is listed when one of the two shares at least "
        f"{MIN_SIMILARITY:.0%} of their code with the other (and at least {MIN_SHARED} "
        "characters of it)"
    )


def _version() -> str:
    from importlib.metadata import version

    return version("copydetect")


def _fingerprint(name: str, code: str, boilerplate: Iterable[int] = ()) -> Any:
    from copydetect import CodeFingerprint

    return CodeFingerprint(
        f"{name}.py",
        K,
        WINDOW,
        boilerplate=sorted(boilerplate),
        language="python",
        fp=io.StringIO(code),
    )


def similar_pairs(answers: dict[str, str], starter: str) -> list[SimilarPair]:
    """Pairs worth a look, most alike first (see the module's docstring)."""
    import numpy as np
    from copydetect import compare_files

    if len(answers) < 2:
        return []
    starter_hashes = set(_fingerprint("starter", starter).hashes) if starter.strip() else set()
    first = {s: _fingerprint(s, code, starter_hashes) for s, code in answers.items()}
    frequency = Counter(h for fp in first.values() for h in fp.hashes)
    limit = common_threshold(len(answers))
    common = {h for h, n in frequency.items() if n > limit}
    prints = {s: _fingerprint(s, answers[s], starter_hashes | common) for s in answers}
    # only pairs that share an uncommon fingerprint can be alike
    holders: dict[int, list[str]] = {}
    for student, fp in prints.items():
        for h in fp.hashes:
            holders.setdefault(h, []).append(student)
    candidates = {
        tuple(sorted(pair)) for group in holders.values() for pair in combinations(group, 2)
    }
    pairs = []
    for a, b in sorted(candidates):
        shared, (share_a, share_b), (marks_a, marks_b) = compare_files(prints[a], prints[b])
        similarity = float(max(share_a, share_b))
        if similarity < MIN_SIMILARITY or int(shared) < MIN_SHARED:
            continue
        pairs.append(
            SimilarPair(
                a,
                b,
                round(similarity, 4),
                (round(float(share_a), 4), round(float(share_b), 4)),
                int(shared),
                answers[a],
                answers[b],
                _spans(np.asarray(marks_a)),
                _spans(np.asarray(marks_b)),
            )
        )
    pairs.sort(key=lambda p: (-p.similarity, -p.shared_chars, p.first, p.second))
    return pairs


def _spans(slices: Any) -> list[tuple[int, int]]:
    """copydetect's 2 x N array of (start, end) positions in the raw code, as pairs."""
    if slices.size == 0:
        return []
    return [(int(start), int(end)) for start, end in zip(slices[0], slices[1])]
