"""Before/after tables of the adversarial suite: stock nbgrader vs the course's grader.

Every fixture in tests/autograder/adversarial/ is graded twice in throw-away course
directories: by stock ``nbgrader autograde`` (tests run in the student's kernel,
``Execute.timeout`` 30 s) and by ``python -m autograder grade`` (default limits).

The first table grades each fixture alone: the score each grader gave, the score of the
same wrong answers without the attack (baseline), seconds and the size of the
autograded notebook.

The second (batch) table grades a class: honest students (the reference solution, an
answer with a known mistake and, for exercise 1, the canary h04-honest-canary, which
loses points if it finds anything another submission left behind) graded alone, then
graded in one batch right after each attack, one after another by one worker. An
honest score that differs between alone and in the batch means that the attack reached
the next submission.

    python -m benchmarks.adversarial_stock [NAME_SUBSTRING ...] [--stock-timeout 30]
                                           [--tables single batch]

The fixtures are attacks, and stock nbgrader runs them unconfined in its kernel, so
the stock side runs inside a bubblewrap container of its own: the machine's files
read-only, a private /tmp (the throw-away course directory lives there), its own
PID and network namespaces, and an address-space limit (4 GB per process) so that
the memory bomb cannot take the machine down. Inside, stock nbgrader behaves as
on an instructor's machine: the kernel can read the course directory and this
repository. Without bubblewrap the script refuses to run the stock side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.autograder import submissions as S

WORKER = textwrap.dedent("""
    import json, sys, resource
    from pathlib import Path
    limit = 4 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from tests.autograder import submissions as S
    import nbformat
    assignment, stock, timeout, *paths = sys.argv[1:]
    subs = {Path(p).stem: S.from_fixture(Path(p)) for p in paths}
    kw = {"stock": stock == "1"}
    if stock == "1":
        kw["timeout_cell"] = int(timeout)
    results = S.grade_many(assignment, subs, jobs=1, **kw)
    print(json.dumps({s: {k: r[k] for k in ("score", "max_score", "graded", "seconds",
                                               "autograded", "tests")}
                      for s, r in results.items()}))
""")


BATCH_WORKER = textwrap.dedent("""
    import json, sys, resource
    from pathlib import Path
    limit = 4 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from tests.autograder import submissions as S
    from tests.exercises.cases import CASES
    assignment, stock, timeout, spec = sys.argv[1:]
    subs = {}
    for student, (kind, what) in json.loads(spec).items():
        if kind == "fixture":
            subs[student] = S.from_fixture(Path(what))
        elif kind == "case":
            case = next(c for c in CASES if c.name == what)
            subs[student] = S.build(assignment, "solution", case.replace)
        else:
            subs[student] = S.build(assignment, "solution")
    kw = {"stock": True, "timeout_cell": int(timeout)} if stock == "1" else {}
    results = S.grade_many(assignment, subs, jobs=1, **kw)
    print(json.dumps({s: {k: r[k] for k in ("score", "max_score", "graded", "tests")}
                      for s, r in results.items()}))
""")


def contained(cmd: list[str]) -> tuple[list[str], dict]:
    """``cmd`` inside a bubblewrap container for the stock (unsandboxed) grader."""
    from autograder.sandbox import bwrap_path, bwrap_works

    bwrap = bwrap_path()
    if not (bwrap and bwrap_works(bwrap)):
        raise SystemExit(
            "bubblewrap (bwrap) is needed to run attack fixtures under stock "
            "nbgrader safely; not running them"
        )
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "LANG": "C.UTF-8",
        "JUPYTER_RUNTIME_DIR": "/tmp/home/runtime",
        "JUPYTER_DATA_DIR": "/tmp/home/data",
        "IPYTHONDIR": "/tmp/home/ipython",
        "MPLCONFIGDIR": "/tmp/home/mpl",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    wrapper = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/",
        "/",
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--chdir",
        str(S.ROOT),
        "--",
    ]
    return wrapper + cmd, env


def grade(assignment: str, paths: list[Path], stock: bool, timeout: int) -> dict:
    """Grade each fixture in its own process (a stock kernel may die or hang)."""
    out = {}
    for path in paths:
        cmd = [
            sys.executable,
            "-c",
            WORKER,
            assignment,
            "1" if stock else "0",
            str(timeout),
            str(path),
        ]
        env = None
        if stock:
            cmd, env = contained(cmd)
        done = subprocess.run(
            cmd, cwd=S.ROOT, capture_output=True, text=True, timeout=3600, env=env
        )
        try:
            out.update(json.loads(done.stdout.strip().splitlines()[-1]))
        except (IndexError, json.JSONDecodeError):
            out[path.stem] = {
                "score": None,
                "max_score": None,
                "graded": False,
                "seconds": None,
                "autograded": None,
                "tests": {},
                "error": done.stderr[-300:],
            }
    return out


def grade_class(assignment: str, spec: dict, stock: bool, timeout: int) -> dict:
    """Grade a class (``{student: (kind, what)}``) in one batch, one worker, in name order."""
    cmd = [
        sys.executable,
        "-c",
        BATCH_WORKER,
        assignment,
        "1" if stock else "0",
        str(timeout),
        json.dumps(spec),
    ]
    env = None
    if stock:
        cmd, env = contained(cmd)
    done = subprocess.run(cmd, cwd=S.ROOT, capture_output=True, text=True, timeout=7200, env=env)
    try:
        found: dict = json.loads(done.stdout.strip().splitlines()[-1])
        return found
    except (IndexError, json.JSONDecodeError):
        return {student: {"graded": False, "error": done.stderr[-300:]} for student in spec}


def honest_class(assignment: str) -> dict:
    """The honest students of the batch table: reference, a known mistake, the canary."""
    from tests.exercises.cases import CASES

    mistake = next(c.name for c in CASES if c.assignment == assignment and not c.correct)
    honest = {"reference": ("solution", ""), f"mistake ({mistake})": ("case", mistake)}
    canary = S.ADVERSARIAL / "h04-honest-canary.ipynb"
    if S.fixture_meta(canary)["assignment"] == assignment:
        honest["canary"] = ("fixture", str(canary))
    return honest


def batch_table(by_assignment: dict, timeout: int) -> list[str]:
    """Markdown rows: each attack's class, each honest score alone vs after the attack."""
    rows = [
        "| attack | honest student | stock alone | stock in batch | ours alone | ours in batch |",
        "|---|---|---|---|---|---|",
    ]
    for assignment, paths in by_assignment.items():
        honest = honest_class(assignment)
        alone = {
            label: grade_class(
                assignment, {"1-" + h: spec for h, spec in honest.items()}, stock, timeout
            )
            for label, stock in (("stock", True), ("ours", False))
        }
        for path in paths:
            if not path.stem.startswith("a"):
                continue
            spec = {"0-attack": ("fixture", str(path))} | {"1-" + h: s for h, s in honest.items()}
            batch = {
                label: grade_class(assignment, spec, stock, timeout)
                for label, stock in (("stock", True), ("ours", False))
            }
            for name in honest:
                cells = [
                    _score(where[label].get("1-" + name, {}))
                    for label in ("stock", "ours")
                    for where in (alone, batch)
                ]
                changed = [
                    "**" + c + "**" if c != cells[i - i % 2] else c for i, c in enumerate(cells)
                ]
                rows.append(f"| {path.stem} | {name} | " + " | ".join(changed) + " |")
    return rows


def _score(r: dict) -> str:
    return f"{r['score']:g}/{r['max_score']:g}" if r.get("graded") else "not graded"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*")
    p.add_argument("--stock-timeout", type=int, default=30)
    p.add_argument("--json", help="also write the raw results to this file")
    p.add_argument(
        "--tables",
        nargs="+",
        choices=["single", "batch"],
        default=["single", "batch"],
        help="which tables to print (default: both)",
    )
    args = p.parse_args(argv)
    fixtures = [f for f in S.fixtures() if not args.names or any(n in f.name for n in args.names)]
    by_assignment: dict = {}
    for f in fixtures:
        by_assignment.setdefault(S.fixture_meta(f)["assignment"], []).append(f)
    if "single" in args.tables:
        single_table(by_assignment, args)
    if "batch" in args.tables:
        print("\nHonest students graded alone, and in one batch right after the attack")
        print("(one worker; a score in bold differs from the same student graded alone):\n")
        print("\n".join(batch_table(by_assignment, args.stock_timeout)))
    return 0


def single_table(by_assignment: dict, args: argparse.Namespace) -> None:
    """The table of each fixture graded alone, stock vs ours."""
    results = {}
    for assignment, paths in by_assignment.items():
        stock = grade(assignment, paths, True, args.stock_timeout)
        ours = grade(assignment, paths, False, args.stock_timeout)
        for path in paths:
            results[path.stem] = {
                "stock": stock[path.stem],
                "ours": ours[path.stem],
                "meta": S.fixture_meta(path),
            }
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))

    def fmt(r):
        if not r.get("graded"):
            return "not graded"
        return f"{r['score']:g}/{r['max_score']:g}"

    def size(r):
        return "-" if not r.get("autograded") else f"{r['autograded'] / 1e6:.2f} MB"

    print(
        "| fixture | expected | stock nbgrader | ours | stock s | ours s | stock nb size | ours nb size |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        expect = r["meta"]["expect"]
        if "no_gain_over" in expect:
            base = results.get(expect["no_gain_over"], {}).get("ours")
            wanted = f"<= baseline {base['score']:g}" if base else "no gain"
        elif expect.get("full"):
            wanted = "full marks"
        elif "zero" in expect:
            wanted = "0 on " + ", ".join(t.replace("test_", "") for t in expect["zero"])
        else:
            wanted = "baseline"
        s, o = r["stock"], r["ours"]
        print(
            f"| {name} | {wanted} | {fmt(s)} | {fmt(o)} | {s.get('seconds') or 0:.0f} | "
            f"{o.get('seconds') or 0:.0f} | {size(s)} | {size(o)} |"
        )


if __name__ == "__main__":
    sys.exit(main())
