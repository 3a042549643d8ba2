"""Benchmark: load_inputs for every catalog metric vs a bare GROUP BY (DESIGN §10).

Run: python tests/store/bench_load_inputs.py [--reps 10000] [--facts 1000000] [--db PATH]
Not collected by pytest (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from sqlalchemy import func, select

from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import parse_period
from payplan.store import create_schema, load_inputs, make_engine
from payplan.store.schema import activities, deals
from payplan.store.synthetic import generate


def bare_group_by(conn, period):
    """The floor: count the period's activities and deals per rep, nothing else."""
    for table, column in ((activities, activities.c.occurred_at), (deals, deals.c.closed_at)):
        query = select(table.c.rep_id, func.count()).where(column.between(period.start, period.end))
        conn.execute(query.group_by(table.c.rep_id)).all()


def best_of(runs, fn):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "payplan-bench.sqlite"))
    parser.add_argument("--url", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{args.db}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(activities)).scalar() == 0:
            started = time.perf_counter()
            print("generated", generate(conn, reps=args.reps, facts=args.facts), end=" ")
            print(f"in {time.perf_counter() - started:.1f} s")
    period = parse_period("2026-03")
    specs = [MetricSpec(name) for name in CATALOG]
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        bare = best_of(args.runs, lambda: bare_group_by(conn, period))
        full = best_of(args.runs, lambda: load_inputs(conn, specs, period))
        counts = best_of(args.runs, lambda: load_inputs(conn, specs, period, activity_ids=False))
        few = best_of(args.runs, lambda: load_inputs(conn, [MetricSpec(n) for n in (
            "revenue", "margin_rate", "deals_won", "calls", "crm_hygiene", "nps")], period))
    print(f"bare GROUP BY            min {bare[0]:.3f} s  median {bare[1]:.3f} s")
    print(f"load_inputs, 18 metrics  min {full[0]:.3f} s  median {full[1]:.3f} s  ratio {full[0] / bare[0]:.2f}x")
    print(f"  same, activity_ids=False  min {counts[0]:.3f} s  median {counts[1]:.3f} s  ratio {counts[0] / bare[0]:.2f}x")
    print(f"load_inputs, 6 metrics   min {few[0]:.3f} s  median {few[1]:.3f} s  ratio {few[0] / bare[0]:.2f}x")


if __name__ == "__main__":
    main()
