"""Benchmark: load_inputs for every catalog metric vs a bare GROUP BY (DESIGN §10).

A thin wrapper around `payplan.bench.stage1` (which `payplan bench` runs).
Run: python tests/store/bench_load_inputs.py [--reps 10000] [--facts 1000000] [--url URL] [--runs 5]
Not collected by pytest (its name does not start with test_).
"""

from payplan.bench.stage1 import main

if __name__ == "__main__":
    main()
