"""Run every benchmarks/bench_*.py (or the ones named) and print their figures."""

import importlib
import sys
from pathlib import Path

names = sys.argv[1:] or sorted(p.stem.removeprefix("bench_")
                               for p in Path(__file__).parent.glob("bench_*.py"))
for name in names:
    print(f"== {name}", flush=True)
    importlib.import_module(f"benchmarks.bench_{name}").main()
