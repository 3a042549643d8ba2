"""A monthly run as a job for `payplan worker` processes: seconds, and each worker's peak memory.

The monthly benchmark's company (`payplan.bench.monthly`: stage 1's synthetic facts, the AE
plan for every rep, the previous month approved) on a scratch SQLite copy; the month's run
is queued (`payplan.runs.jobs.enqueue_run`, chunks of 500 reps) and `workers` fresh
`payplan worker --until-idle` processes drain it. `seconds` is from the queuing to the last
worker's exit (the run then exists whole); `peak_mib` the highest VmHWM any worker reached
(polled from /proc), which must not grow with the number of reps: a worker holds one chunk at
a time. Run at two sizes to see it flat. `drain_database` does the same on a given empty
database (PostgreSQL: `python -m payplan.bench.workers --url … --reps 100000 --facts
10000000`), generating the facts into it first. Must not touch any database but the cached
fact file, the scratch copy, and a database it is given.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time

from payplan.bench import monthly, scratch

TARGET_PEAK_MIB = 400
FLAT_MIB_PER_1000 = 2.0


def run(reps: int = 10_000, facts: int = 1_000_000, workers: int = 2, scale: int = 5, echo=None,
        cache_dir: str | None = None) -> dict:
    """`drain` at `reps` × `facts` and at `scale` times both: the figures of each, the workers'
    peak memory growth per 1,000 reps, and whether it stayed flat: under the target, growing by
    less than `FLAT_MIB_PER_1000` (the rep list itself, which every chunk reads, is per rep;
    one process holding a whole run grew by ~25 MiB per 1,000 reps). `cache_dir`: where the
    generated fact databases are kept (default: the temp directory, shared with stage 1)."""
    small = drain(reps, facts, workers, echo, cache_dir)
    large = drain(reps * scale, facts * scale, workers, echo, cache_dir)
    growth = (large["peak_mib"] - small["peak_mib"]) / ((large["reps"] - small["reps"]) / 1000)
    flat = growth < FLAT_MIB_PER_1000 and large["peak_mib"] < TARGET_PEAK_MIB
    return {"small": small, "large": large, "mib_per_1000_reps": growth, "flat": flat,
            "target_peak_mib": TARGET_PEAK_MIB}


def drain(reps: int, facts: int, workers: int = 2, echo=None, cache_dir: str | None = None) -> dict:
    """Queue one month's run on `reps` × `facts` and time `workers` worker processes draining it."""
    source = (f"sqlite:///{os.path.join(cache_dir, f'facts-{reps}-{facts}.sqlite')}" if cache_dir
              else monthly.cached_url(reps, facts))
    monthly.ensure_facts(source, reps, facts, echo)
    with tempfile.TemporaryDirectory(prefix="payplan-bench-workers-") as folder:
        url = scratch.copy_database(source, folder, "workers")
        figures = _prepared_drain(url, reps, facts, workers, echo)
        scratch.remove(url)
    return figures


def drain_database(url: str, reps: int, facts: int, workers: int = 2, echo=None) -> dict:
    """`drain` on the empty database at `url` (any backend): generate, prepare, queue, drain.

    A server database keeps its audit and signing keys outside it: a scratch key folder
    is used unless PAYPLAN_KEY_DIR names one (the workers inherit it)."""
    os.environ.setdefault("PAYPLAN_KEY_DIR", tempfile.mkdtemp(prefix="payplan-bench-keys-"))
    generated = monthly.ensure_facts(url, reps, facts, echo)
    return {**_prepared_drain(url, reps, facts, workers, echo), "generate_seconds": generated}


def _prepared_drain(url: str, reps: int, facts: int, workers: int, echo) -> dict:
    """Prepare the company at `url` (not timed), queue the month's run, time the workers."""
    started = time.perf_counter()
    monthly.prepare(url, echo)
    prepared = time.perf_counter() - started
    job_id = _enqueue(url)
    if echo:
        echo(f"job {job_id}: {workers} workers computing {reps:,} reps …")
    started = time.perf_counter()
    peaks = _drain(url, workers)
    seconds = time.perf_counter() - started
    state, done, total, run_id = _status(url, job_id)
    return {"reps": reps, "facts": facts, "workers": workers, "seconds": seconds, "state": state,
            "reps_done": done, "reps_total": total, "results": _results(url, run_id) if run_id else 0,
            "peak_mib": max(peaks) / 1024, "peaks_mib": [p / 1024 for p in peaks], "prepare_seconds": prepared}


def _results(url: str, run_id: int | None) -> int:
    from sqlalchemy import func, select

    from payplan.store import make_engine
    from payplan.store.service_schema import run_results

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).where(run_results.c.run_id == run_id)).scalar_one()
    finally:
        engine.dispose()


def main() -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="an empty database to generate the company into")
    parser.add_argument("--reps", type=int, default=100_000)
    parser.add_argument("--facts", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(drain_database(args.url, args.reps, args.facts, args.workers, echo=print)))


def _enqueue(url: str) -> int:
    from payplan.access.users import get_user
    from payplan.runs import jobs
    from payplan.store import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            return jobs.enqueue_run(conn, monthly.PLAN_REF, monthly.PERIOD, get_user(conn, monthly.MAKER))
    finally:
        engine.dispose()


def _drain(url: str, workers: int) -> list[int]:
    """Start the workers, poll each one's VmHWM until all have exited; their peaks in KiB."""
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url, "PAYPLAN_JOBS": "workers"}
    command = [sys.executable, "-m", "payplan.cli", "worker", "--until-idle", "--poll", "0.2"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(workers)]
    peaks = [0] * workers
    while any(p.poll() is None for p in procs):
        for i, p in enumerate(procs):
            peaks[i] = max(peaks[i], _hwm_kib(p.pid))
        time.sleep(0.05)
    for p in procs:
        if p.returncode != 0:
            raise RuntimeError(f"a worker failed ({p.returncode}): {p.stderr.read().decode()[-2000:]}")
    return peaks


def _hwm_kib(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    return 0


def _status(url: str, job_id: int) -> tuple[str, int, int, int | None]:
    from payplan.runs import jobs
    from payplan.store import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            s = jobs.job_status(conn, job_id)
            return s.state, s.reps_done, s.reps_total, s.run_id
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
