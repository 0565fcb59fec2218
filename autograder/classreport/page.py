"""The class report as one self-contained HTML page: styles inline, figures and the
downloadable data as ``data:`` URIs, no script, nothing fetched from a network.

Everything a student wrote or caused (names, messages, code) is escaped with
:func:`html.escape` before it reaches the page.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from html import escape

from autograder.classreport.analysis import (
    MistakeRow,
    ScoreStats,
    TestRow,
    as_csv,
    as_json,
    mistake_rows,
    score_stats,
    test_rows,
    unrecognised,
    written_rows,
)
from autograder.classreport.figures import Figure, common_mistakes, score_histogram
from autograder.classreport.model import ClassData, SimilarPair

SIMILAR_SHOWN = 20  # pairs listed on the page (all of them are in the JSON)
CODE_SHOWN = 5  # pairs whose code is shown side by side

STYLE = """
:root { --ink: #1d2430; --muted: #5b6475; --line: #d9dee7; --accent: #0072B2;
        --warn: #D55E00; --soft: #f4f6fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: white; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 6px; }
p.lead, .muted { color: var(--muted); }
nav { margin: 12px 0 8px; font-size: 0.95rem; }
nav a { margin-right: 14px; }
a { color: var(--accent); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.card { flex: 1 1 180px; background: var(--soft); border-radius: 8px; padding: 12px 14px; }
.card b { display: block; font-size: 1.45rem; }
.card span { color: var(--muted); font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 0.93rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
code { font: 0.88em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.nowrap { white-space: nowrap; }
td.lesson { min-width: 170px; }
.bar { display: inline-block; height: 10px; background: var(--accent); border-radius: 2px;
       vertical-align: middle; margin-right: 6px; }
figure { margin: 12px 0 20px; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.88rem; }
.note { background: #fff8e6; border-left: 4px solid #E69F00; padding: 10px 14px; margin: 12px 0; }
.none { color: var(--muted); font-style: italic; }
details { margin: 8px 0; }
summary { cursor: pointer; }
.code-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.code-pair > div { min-width: 0; }
pre { background: var(--soft); padding: 10px; overflow-x: auto; font-size: 0.8rem;
      line-height: 1.35; max-height: 420px; margin: 4px 0; }
mark { background: #ffe2b8; }
.message { max-width: 520px; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; }
"""


def render(data: ClassData) -> str:
    """The whole page."""
    stats = score_stats(data)
    rows = test_rows(data)
    mistakes = mistake_rows(data, data.lessons_url)
    names = {s.id: s.name for s in data.students}
    title = f"Class report: {data.assignment}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="lead">{len(data.students)} students, {stats.students} graded · generated '
        f"{escape(data.generated)}"
        + (" · names replaced by pseudonyms" if data.anonymised else "")
        + "</p>",
        "<nav>"
        + "".join(
            f'<a href="#{anchor}">{label}</a>'
            for anchor, label in [
                ("scores", "Scores"),
                ("tests", "Tests"),
                ("misconceptions", "Misconceptions"),
                ("written", "Written answers"),
                ("similar", "Similar submissions"),
                ("data", "Data"),
            ]
        )
        + "</nav>",
        _cards(data, stats, rows, mistakes),
        _scores(data, stats),
        _tests(rows),
        _misconceptions(data, rows, mistakes),
        _written(data),
        _similar(data, names),
        _downloads(data),
        "<footer>Written by <code>python -m autograder report</code> from the gradebook and "
        "the graded notebooks. Mistakes are recognised by the tests themselves (a stable id "
        "declared next to each message).</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- pieces


def _img(figure: Figure, caption: str) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    alt = escape(figure.alt, quote=True)
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _table(head: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    cells = "".join(
        f'<th class="num">{h}</th>' if i in numeric else f"<th>{h}</th>" for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>'
            if i in numeric
            else f'<td class="lesson">{c}</td>'
            if c.startswith("<a href") or "no lesson section" in c
            else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _link(label: str, href: str) -> str:
    if not label:
        return '<span class="none">no lesson section</span>'
    return f'<a href="{escape(href, quote=True)}">{escape(label)}</a>'


def _pct(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _cards(
    data: ClassData,
    stats: ScoreStats,
    rows: list[TestRow],
    mistakes: list[MistakeRow],
) -> str:
    cards = [
        (f"{stats.median:g} / {stats.max_score:g}", "median automatic score"),
        (f"{stats.q1:g} – {stats.q3:g}", "middle half of the class"),
        (
            f"{len(data.students) - stats.students}",
            "students not graded" + (" (see below)" if len(data.students) > stats.students else ""),
        ),
    ]
    if rows:
        cards.append((f"{rows[0].pass_rate:.0%}", f"passed the hardest test, {rows[0].test.title}"))
    if mistakes:
        top = mistakes[0]
        cards.append((f"{top.students}", f"made the most common mistake, {top.mistake}"))
    return (
        '<div class="cards">'
        + "".join(
            f"<div class='card'><b>{escape(v)}</b><span>{escape(t)}</span></div>" for v, t in cards
        )
        + "</div>"
    )


def _scores(data: ClassData, stats: ScoreStats) -> str:
    scores = [s.auto_score for s in data.graded]
    parts = [
        '<h2 id="scores">Scores</h2>',
        _img(
            score_histogram(scores, data.auto_max),
            "Automatic tests only; the written answers are in their own section.",
        ),
        _table(
            ["", "mean", "median", "lower quartile", "upper quartile", "lowest", "highest"],
            [
                [
                    f"automatic tests (out of {stats.max_score:g})",
                    f"{stats.mean:.1f}",
                    f"{stats.median:g}",
                    f"{stats.q1:g}",
                    f"{stats.q3:g}",
                    f"{stats.lowest:g}",
                    f"{stats.highest:g}",
                ]
            ],
            numeric={1, 2, 3, 4, 5, 6},
        ),
    ]
    missing = [s for s in data.students if not s.graded]
    parts.append(f"<h3>Not graded ({len(missing)})</h3>")
    if missing:
        parts.append(
            _table(["student", "why"], ([escape(s.name), escape(s.reason)] for s in missing))
        )
    else:
        parts.append('<p class="none">Every submission is graded.</p>')
    return "\n".join(parts)


def _tests(rows: list[TestRow]) -> str:
    table = _table(
        [
            "test",
            "passed",
            "points lost",
            "recognised",
            "unrecognised",
            "not answered",
            "lesson",
        ],
        (
            [
                f"<code>{escape(r.test.title)}</code> <span class='muted nowrap'>({r.test.max_score:g} points)</span>",
                f'<span class="nowrap"><span class="bar" style="width:{round(60 * r.pass_rate)}px">'
                f"</span>{r.passed}/{r.students} ({_pct(r.passed, r.students)})</span>",
                f"{r.points_lost:g} of {r.test.max_score * r.students:g}",
                str(r.mistakes),
                str(r.unrecognised),
                str(r.not_answered),
                _link(r.test.lesson, r.test.lesson_href),
            ]
            for r in rows
        ),
        numeric={2, 3, 4, 5},
    )
    return "\n".join(
        [
            '<h2 id="tests">Tests, hardest first</h2>',
            '<p class="lead">Sorted by pass rate, then by the points the class lost '
            "(all graded students together).</p>",
            table,
        ]
    )


def _misconceptions(data: ClassData, rows: list[TestRow], mistakes: list[MistakeRow]) -> str:
    graded = len(data.graded)
    parts = [
        '<h2 id="misconceptions">Misconceptions</h2>',
        '<p class="lead">What the tests recognised, per test: how many students made each '
        "known mistake, the feedback they received, and the lesson section that teaches it.</p>",
    ]
    if mistakes:
        top = mistakes[:12]
        parts.append(
            _img(
                common_mistakes([m.mistake for m in top], [m.students for m in top], graded),
                "The most common recognised mistakes across all tests.",
            )
        )
    others = {u.test: u for u in unrecognised(data)}
    shown = 0
    for row in rows:
        test = row.test
        mine = [m for m in mistakes if m.test == test.id]
        other = others.get(test.id)
        if not mine and other is None:
            continue
        shown += 1
        parts.append(
            f"<h3><code>{escape(test.title)}</code> <span class='muted'>· "
            f"{row.students - row.passed} of {row.students} lost points</span></h3>"
        )
        if mine:
            parts.append(
                _table(
                    ["mistake", "students", "what they were told", "lesson that teaches it"],
                    (
                        [
                            f"<code>{escape(m.mistake)}</code>",
                            f"{m.students} ({_pct(m.students, graded)})",
                            f'<div class="message">{escape(m.message)}'
                            + (
                                f" <span class='muted'>(+{m.variants - 1} similar wording"
                                f"{'s' if m.variants > 2 else ''} on other inputs)</span>"
                                if m.variants > 1
                                else ""
                            )
                            + "</div>",
                            _link(m.lesson, m.lesson_href),
                        ]
                        for m in mine
                    ),
                    numeric={1},
                )
            )
        if other is not None:
            kinds = ", ".join(f"{escape(k)} {n}" for k, n in other.by_error.items())
            examples = "".join(f"<li>{escape(e)}</li>" for e in other.examples)
            parts.append(
                f"<p><b>Unrecognised failures: {other.students}</b> "
                f"<span class='muted'>({kinds})</span></p>"
                + (
                    f"<details><summary>{len(other.examples)} example"
                    f"{'s' if len(other.examples) != 1 else ''} (anonymous)</summary>"
                    f"<ul>{examples}</ul></details>"
                    if examples
                    else ""
                )
            )
    if not shown:
        parts.append('<p class="none">Every graded student passed every test.</p>')
    return "\n".join(parts)


def _written(data: ClassData) -> str:
    rows = written_rows(data)
    parts = ['<h2 id="written">Written answers</h2>']
    if not rows:
        return parts[0] + '<p class="none">This assignment has no written answers.</p>'
    parts.append(
        _table(
            ["answer", "points", "graded", "still ungraded", "left blank", "mean", "median"],
            (
                [
                    escape(r.title),
                    f"{r.max_score:g}",
                    str(r.graded),
                    f"<b>{r.ungraded}</b>" if r.ungraded else "0",
                    str(r.blank),
                    "–" if r.mean is None else f"{r.mean:.1f}",
                    "–" if r.median is None else f"{r.median:g}",
                ]
                for r in rows
            ),
            numeric={1, 2, 3, 4, 5, 6},
        )
    )
    if any(r.ungraded for r in rows):
        parts.append(
            '<p class="muted">Grade the rest in nbgrader\'s formgrader; run the report again '
            "to update these numbers.</p>"
        )
    return "\n".join(parts)


def _marked(code: str, marks: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in sorted(marks):
        start, end = max(start, at), min(end, len(code))
        if start >= end:
            continue
        out.append(escape(code[at:start]))
        out.append(f"<mark>{escape(code[start:end])}</mark>")
        at = end
    out.append(escape(code[at:]))
    return "".join(out)


def _similar(data: ClassData, names: dict[str, str]) -> str:
    parts = [
        '<h2 id="similar">Similar submissions</h2>',
        '<div class="note"><b>A lead for a human, never a verdict.</b> These pairs wrote '
        "answer code that is alike after normalisation. Short exercises have few natural "
        "answers, students may have worked together as allowed, or one may have helped "
        "another: read the code, then talk to them. Method: "
        f"{escape(data.similarity_method)}.</div>",
    ]
    pairs = data.similar
    if not pairs:
        parts.append('<p class="none">No pair of students is alike beyond the common code.</p>')
        return "\n".join(parts)
    parts.append(
        _table(
            ["#", "students", "similarity", "share of each one's own code", "shared (characters)"],
            (
                [
                    str(i),
                    f"{escape(names.get(p.first, p.first))} &amp; {escape(names.get(p.second, p.second))}",
                    f"{p.similarity:.0%}",
                    f"{p.shares[0]:.0%} / {p.shares[1]:.0%}",
                    str(p.shared_chars),
                ]
                for i, p in enumerate(pairs[:SIMILAR_SHOWN], 1)
            ),
            numeric={0, 2, 4},
        )
    )
    if len(pairs) > SIMILAR_SHOWN:
        parts.append(f"<p class='muted'>{len(pairs) - SIMILAR_SHOWN} more pairs in the JSON.</p>")
    for i, pair in enumerate(pairs[:CODE_SHOWN], 1):
        parts.append(_code_pair(i, pair, names))
    return "\n".join(parts)


def _code_pair(rank: int, pair: SimilarPair, names: dict[str, str]) -> str:
    first, second = names.get(pair.first, pair.first), names.get(pair.second, pair.second)
    return (
        f"<details><summary>#{rank}: the code of {escape(first)} and {escape(second)} "
        "(shared passages marked)</summary><div class='code-pair'>"
        f"<div><b>{escape(first)}</b><pre><code>{_marked(pair.first_code, pair.first_marks)}</code></pre></div>"
        f"<div><b>{escape(second)}</b><pre><code>{_marked(pair.second_code, pair.second_marks)}</code></pre></div>"
        "</div></details>"
    )


def _downloads(data: ClassData) -> str:
    json_text = json.dumps(as_json(data), indent=1)
    links = [
        ("json", "application/json", json_text, "everything on this page"),
        ("csv", "text/csv", as_csv(data), "one row per student and test"),
    ]
    items = "".join(
        f'<li><a download="{escape(data.assignment)}-report.{ext}" '
        f'href="data:{mime};base64,{base64.b64encode(text.encode()).decode("ascii")}">'
        f"{escape(data.assignment)}-report.{ext}</a> <span class='muted'>({about})</span></li>"
        for ext, mime, text, about in links
    )
    return (
        '<h2 id="data">Data</h2><p>The same data for your own plots (also written by '
        "<code>--json FILE</code> and <code>--csv FILE</code>):</p>"
        f"<ul>{items}</ul>"
    )
