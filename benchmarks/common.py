"""Timing helpers shared by the benchmarks: medians, peak memory, a printed table, a JSON file."""

from __future__ import annotations

import json
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"
BROWSER_PRIORITY = os.environ.get("BENCH_BROWSER_PRIORITY", "idle")
"""``idle``: the benchmarks' browsers run only when the app server leaves a core free; ``same``: as the server."""


@contextmanager
def browsers_idle() -> Iterator[None]:
    """Start the browser (Playwright's driver and the Chromium it launches) in here: they and their children
    run in Linux's idle scheduling class, unless ``BENCH_BROWSER_PRIORITY`` is ``same``.

    People's browsers run on their own computers, not on the app server's; here they share its two cores,
    so they get a core only when the server and its layout worker leave one free, and their drawing still
    takes what is left. A higher nice value does not hold: Chromium started as root raises its compositor,
    input and I/O threads to nice -8, above the server. The idle class ignores nice values. This process
    returns to its own class on leaving.
    """
    if BROWSER_PRIORITY == "same":
        yield
        return
    own = os.sched_getscheduler(0), os.sched_getparam(0)
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    try:
        yield
    finally:
        os.sched_setscheduler(0, *own)


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` runs of ``action``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(action: Callable[[], object]) -> float:
    """Peak Python heap allocated while ``action`` runs, in MiB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def report(name: str, figures: dict[str, float], goals: dict[str, str] | None = None) -> None:
    """Print ``figures`` as a table and write them to ``benchmarks/results/NAME.json``."""
    goals = goals or {}
    table = Table("metric", "value", "goal", title=f"benchmark: {name}")
    for metric, value in figures.items():
        table.add_row(metric, f"{value:.4f}", goals.get(metric, ""))
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
