"""Run a command while CPU-bound processes compete for the machine (``make test-loaded``).

CI runs on machines that may be busy with other work. This reproduces that: it starts
``--hogs`` processes that spin forever (default 2, one per core of the course's 2-core
CI machines), runs the command, stops the hogs by their process ids, and reports the
command's wall time and exit status::

    python -m tools.under_load make test
    python -m tools.under_load --hogs 4 make test-fast
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

SPIN = "while True: pass"


def run_under_load(command: list[str], hogs: int = 2) -> tuple[int, float]:
    """Run ``command`` with ``hogs`` busy processes beside it; (exit status, seconds)."""
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(hogs)]
    started = time.monotonic()
    try:
        status = subprocess.call(command)
    finally:
        for hog in spinners:
            hog.kill()
        for hog in spinners:
            hog.wait()
    return status, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.under_load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--hogs", type=int, default=2, help="busy processes (default 2)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give a command, e.g. make test")
    status, seconds = run_under_load(args.command, args.hogs)
    print(
        f"under_load: `{' '.join(args.command)}` with {args.hogs} busy processes: "
        f"exit {status} after {seconds / 60:.1f} min",
        file=sys.stderr,
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
