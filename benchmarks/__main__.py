"""Run every benchmark module (bench_*.py) in turn: `python -m benchmarks [NAME ...]`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

names = sys.argv[1:] or sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))
for name in names:
    importlib.import_module(f"benchmarks.bench_{name}").main()
