"""What must never reach the website: nbgrader's solution and hidden-test regions.

``secrets()`` collects, from every notebook in ``solutions/``, the nbgrader markers and
each substantial line inside a solution or hidden-test region that no public notebook
(the lessons, the student version in ``exercises/``) contains. ``find_leaks()`` looks for them in the text of every
built file: HTML with its tags removed and entities decoded (highlighted code is split
into many spans), every string inside JSON, any other text file as it is.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)
MIN_LINE = 12  # shorter lines (`return x`, `)`) also occur in ordinary code
TEXT_SUFFIXES = {".html", ".json", ".js", ".css", ".ipynb", ".txt", ".xml", ".md", ".inv"}


def _sources(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


def secrets(solutions: Path, public_folders: list[Path]) -> set[str]:
    public = "\n".join(
        src for folder in public_folders for nb in folder.rglob("*.ipynb") for src in _sources(nb)
    )
    public = public.replace("`", "")  # as the pages show Markdown: `f(x)`, -> f(x),
    found = set(MARKERS)
    for notebook in solutions.rglob("*.ipynb"):
        for source in _sources(notebook):
            for _, region in REGION.findall(source):
                for line in region.splitlines():
                    line = line.strip()
                    if len(line) >= MIN_LINE and not line.startswith("#") and line not in public:
                        found.add(line)
    return found


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def readable_text(path: Path) -> str:
    raw = path.read_text(errors="replace")
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", raw))
    if path.suffix in (".json", ".ipynb"):
        try:
            return "\n".join(_strings(json.loads(raw)))
        except json.JSONDecodeError:
            return raw
    return raw


def find_leaks(folder: Path, secret_lines: set[str]) -> list[str]:
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "solution" in str(path.relative_to(folder)).lower():
            leaks.append(f"{path}: a solutions file")
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = readable_text(path)
        leaks += [f"{path}: {line!r}" for line in secret_lines if line in text]
    return leaks
