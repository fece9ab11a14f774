"""Timing helpers shared by the benchmarks: medians, peak memory, a printed table, a JSON file."""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"


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
