"""Stage-1 speed: `load_inputs` for every catalog metric against a bare GROUP BY (DESIGN §10).

Generates the synthetic company (`payplan.store.synthetic`) into a database once
(a cached SQLite file in the temp directory, or the empty database at `url`),
runs ANALYZE, then times the floor (count the period's activities and deals per
rep, nothing else) and `load_inputs` over the same rows; each figure is the best
of `runs`, since other work on the machine only ever adds time. Must not change
any data outside the benchmark database.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import Callable

from sqlalchemy import Connection, func, select

from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import Period, parse_period
from payplan.store import create_schema, load_inputs, make_engine
from payplan.store.schema import activities, deals, reps as reps_table
from payplan.store.synthetic import generate

PERIOD = "2026-03"
ZONE = "Europe/Kyiv"  # the monthly run's plan zone: facts counted on its days (`sqlparts.within`)
FEW = ("revenue", "margin_rate", "deals_won", "calls", "crm_hygiene", "nps")


def run(reps: int = 10_000, facts: int = 1_000_000, url: str | None = None, runs: int = 5,
        echo: Callable[[str], None] | None = None) -> dict[str, float]:
    """Seconds for the bare GROUP BY and for `load_inputs` (18 metrics), and their ratio.

    `bare_cpu`, `load_inputs_cpu`, `cpu_ratio`: the same in CPU seconds (SQLite works in
    this process). Also: the same with activity ids (`load_inputs_activity_ids`), in the plan time zone
    ZONE (`load_inputs_zone`), with six metrics (`load_inputs_6`), the medians, and how long
    generating the data took (0 if cached).
    """
    url = url or "sqlite:///" + os.path.join(tempfile.gettempdir(), f"payplan-bench-{reps}-{facts}.sqlite")
    engine = make_engine(url)
    create_schema(engine)
    generated = _ensure_data(engine, reps, facts, echo)
    period = parse_period(PERIOD)
    specs = [MetricSpec(name) for name in CATALOG]
    try:
        with engine.connect() as conn:
            bare = _best(runs, lambda: bare_group_by(conn, period))
            full = _best(runs, lambda: load_inputs(conn, specs, period))
            ids = _best(runs, lambda: load_inputs(conn, specs, period, activity_ids=True))
            zoned = _best(runs, lambda: load_inputs(conn, specs, period, zone=ZONE))
            few = _best(runs, lambda: load_inputs(conn, [MetricSpec(n) for n in FEW], period))
            conn.rollback()
    finally:
        engine.dispose()
    return {"reps": reps, "facts": facts, "bare": bare[0], "load_inputs": full[0], "ratio": full[0] / bare[0],
            "bare_median": bare[1], "load_inputs_median": full[1], "bare_cpu": bare[2], "load_inputs_cpu": full[2],
            "cpu_ratio": full[2] / bare[2], "load_inputs_activity_ids": ids[0],
            "load_inputs_zone": zoned[0], "load_inputs_6": few[0], "generate_seconds": generated}


def bare_group_by(conn: Connection, period: Period) -> None:
    """The floor: count the period's activities and deals per rep, nothing else."""
    for table, column in ((activities, activities.c.occurred_at), (deals, deals.c.closed_at)):
        query = select(table.c.rep_id, func.count()).where(column.between(period.start, period.end))
        conn.execute(query.group_by(table.c.rep_id)).all()


def _ensure_data(engine, reps: int, facts: int, echo: Callable[[str], None] | None) -> float:
    """Generate the facts unless the database already holds them; ANALYZE; seconds spent generating."""
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(reps_table)).scalar()
    started = time.perf_counter()
    if have not in (0, reps):
        raise RuntimeError(f"{engine.url!r} holds {have} reps, not {reps}: give an empty database")
    if have == 0:
        if echo:
            echo(f"generating {reps:,} reps and {facts:,} facts (once) …")
        with engine.begin() as conn:
            generate(conn, reps=reps, facts=facts, period=PERIOD)
    seconds = time.perf_counter() - started if have == 0 else 0.0
    with engine.begin() as conn:  # committed, so the planner keeps the statistics
        conn.exec_driver_sql("ANALYZE")
    return seconds


def _best(runs: int, fn: Callable[[], object]) -> tuple[float, float, float]:
    """The fewest seconds, the median seconds and the fewest CPU seconds of `runs` calls (on a
    shared machine the CPU time varies less than the wall-clock time)."""
    times, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return min(times), statistics.median(times), min(cpu)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="database URL (default: a cached SQLite file)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    r = run(args.reps, args.facts, args.url, args.runs, echo=print)
    if r["generate_seconds"]:
        print(f"generated in {r['generate_seconds']:.1f} s")
    print(f"bare GROUP BY                  min {r['bare']:.3f} s  median {r['bare_median']:.3f} s")
    print(f"load_inputs, 18 metrics        min {r['load_inputs']:.3f} s  median {r['load_inputs_median']:.3f} s"
          f"  ratio {r['ratio']:.2f}x")
    print(f"  CPU: bare {r['bare_cpu']:.3f} s, load_inputs {r['load_inputs_cpu']:.3f} s  ratio {r['cpu_ratio']:.2f}x")
    print(f"  same, activity_ids=True      min {r['load_inputs_activity_ids']:.3f} s"
          f"  ratio {r['load_inputs_activity_ids'] / r['bare']:.2f}x")
    print(f"  same, in {ZONE}         min {r['load_inputs_zone']:.3f} s  ratio {r['load_inputs_zone'] / r['bare']:.2f}x")
    print(f"load_inputs, 6 metrics         min {r['load_inputs_6']:.3f} s  ratio {r['load_inputs_6'] / r['bare']:.2f}x")


if __name__ == "__main__":
    main()
