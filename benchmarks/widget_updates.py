"""Median update time of every explorer widget, in the kernel (target: <= 25 ms).

A move = the control changes -> the explorer recomputes and repaints -> ipympl
encodes the frame it would send to the browser (get_diff_image). Each explorer
class provides ``benchmark_moves()``: ``(explorer, [one callable per user move])``.

    .venv/bin/python -m benchmarks.widget_updates [--repeats 60]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import statistics
import sys
import time

import helpers.widgets
from helpers.widgets.base import Explorer

TARGET_MS = 25.0


def explorer_classes():
    for info in pkgutil.iter_modules(helpers.widgets.__path__):
        module = importlib.import_module(f"helpers.widgets.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Explorer)
                and cls is not Explorer
                and cls.__module__ == module.__name__
            ):
                yield cls


def time_moves(explorer, moves, repeats: int) -> list[float]:
    canvas = explorer.fig.canvas
    explorer.widget  # build the layout as a lesson does
    # As after ipympl's handshake with a connected browser: frames go out as diffs,
    # not also re-encoded into the widget's data-URL snapshot.
    canvas.syncing_data_url = False
    canvas.draw()  # the browser's first full draw
    canvas.get_diff_image()
    samples = []
    for i in range(repeats):
        move = moves[i % len(moves)]
        start = time.perf_counter()
        move()
        canvas.get_diff_image()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args(argv)
    print(f"{'explorer':32} {'median ms':>10} {'p90 ms':>8}  target {TARGET_MS:.0f} ms")
    worst = 0.0
    for cls in sorted(explorer_classes(), key=lambda c: c.__name__):
        # benchmark_moves() and any extra scenario such as benchmark_scale_moves()
        scenarios = sorted(
            name for name in dir(cls) if name.startswith("benchmark_") and name.endswith("moves")
        )
        if not scenarios:
            print(f"{cls.__name__:32} {'(no benchmark_moves)':>10}")
            worst = float("inf")
            continue
        for scenario in scenarios:
            explorer, moves = getattr(cls, scenario)()
            samples = time_moves(explorer, moves, args.repeats)
            median = statistics.median(samples)
            p90 = statistics.quantiles(samples, n=10)[-1]
            worst = max(worst, median)
            flag = "" if median <= TARGET_MS else "  OVER TARGET"
            label = cls.__name__ + (
                "" if scenario == "benchmark_moves" else f" ({scenario[10:-6]})"
            )
            print(f"{label:32} {median:10.1f} {p90:8.1f}{flag}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
