"""The monthly run, end to end (DESIGN §10): seconds and peak memory of `payplan runs create`.

Reuses stage 1's synthetic company (`payplan.bench.stage1`, generated once into a
cached SQLite file in the temp directory, or into the PostgreSQL database
payplan_bench_<reps>_<facts> on the server of a PostgreSQL `url`), copies it to a
scratch database (`payplan.bench.scratch`), adds
users, publishes the project's AE plan (plans/ae-2026-v1.toml: KPI scorecard, gate,
tiered margin commission, clawback) with its AE-only rule lifted so every rep is
scored, and approves the previous month's run, so the timed month reads a stored
carried state as a steady-state month does. A fresh
interpreter then calls the CLI's own `runs create` command function (one
transaction; the chunks of reps computed by one forked process per core, as the
command does by default, `payplan.runs.chunked`; stored, audited, committed).
`seconds` times that call after the imports (`cpu_seconds`: its own CPU time, not
its forked processes', as the machine may be shared; `process_seconds`: the whole
child process). `stages` are exclusive seconds of the timed process from thin
timers around the module-level functions the run calls (the forked processes'
aggregating and scoring is not among them: the timed process spends that time
waiting, in "rest"). `processes_peak_mib` is the largest forked process's peak
(pages it shares with its parent counted again). `peak_mib` is the child's own VmHWM
(/proc/self/status), the high-water mark of the address space exec gave it;
getrusage's ru_maxrss (reported too; used where /proc is missing) keeps the
maximum across fork+exec, so a child of a large parent would report the parent's
size. Must not touch any database but the cached fact database (only stage 1's
create_schema, generate and ANALYZE write to it) and the scratch copies; must not
change the modules it measures (its timers exist only in the child process).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, event

from payplan.bench import scratch, stage1

PERIOD = stage1.PERIOD  # the month the synthetic facts fall in
PREVIOUS = "2026-02"  # its run is approved first, so the timed month reads a stored carried state
PUBLISHER, MAKER, APPROVER = "hanna", "fred", "ada"  # hr, finance, admin
TARGET_SECONDS, TARGET_PEAK_MIB = 3.0, 500

PLAN_FILE = Path(__file__).resolve().parents[3] / "plans" / "ae-2026-v1.toml"  # needs a source checkout
PLAN_REF = "ae-2026@1"
ONLY_AES = '[eligibility]\nroles = ["AE"]\n'


def plan_text() -> str:
    """The project's AE plan (scorecard, gate, tiered margin commission, clawback) for every rep."""
    text = PLAN_FILE.read_text(encoding="utf-8")
    if ONLY_AES not in text:
        raise RuntimeError(f"{PLAN_FILE.name} no longer has the AE-only rule this benchmark lifts; update it")
    return text.replace(ONLY_AES, "")


def run(reps: int = 10_000, facts: int = 1_000_000, runs: int = 3, url: str | None = None,
        workdir: str | None = None, profile: str | None = None, echo: Callable[[str], None] | None = None,
        keep_facts: bool = True) -> dict:
    """Create one month's run on `reps` reps and `facts` facts, `runs` times; figures as above.

    Each attempt starts from its own copy of the prepared database; the figures are
    those of the fastest (other work on the machine only ever adds time), `peak_mib`
    the highest of all. `url`: the SQLite fact database to generate into or reuse
    (default: stage 1's cached file). `workdir`: keep the last attempt's database
    there (its URL is in the result) instead of in a temporary directory removed
    afterwards. `profile`: write cProfile stats there (timings include its overhead).
    A PostgreSQL `url` names the server (any database on it): the facts are generated
    into its database payplan_bench_<reps>_<facts> once, kept for the next run unless
    `keep_facts` is False; the prepared database and each attempt's are copies of it,
    dropped afterwards (but the last attempt's, with `workdir`).
    """
    source, runs = url or cached_url(reps, facts), max(runs, 1)
    postgres = scratch.is_postgres(source)
    if postgres:
        source = scratch.fact_database(source, reps, facts)
    token, attempts = secrets.token_hex(4), []
    try:
        generated = ensure_facts(source, reps, facts, echo)
        with contextlib.ExitStack() as stack:
            if postgres:
                stack.enter_context(scratch.audit_key())
            folder = workdir or stack.enter_context(tempfile.TemporaryDirectory(prefix="payplan-bench-monthly-"))
            prepared = scratch.copy_database(source, folder, f"{token}_prepared")
            stack.callback(scratch.remove, prepared)
            started = time.perf_counter()
            prepare(prepared, echo)
            setup = time.perf_counter() - started
            for n in range(runs):
                if echo:
                    echo(f"timing runs create for {PERIOD} in a fresh process ({n + 1}/{runs}) …")
                keep = bool(workdir) and n == runs - 1
                attempts.append(attempt(prepared, folder, f"{token}_{n}", profile, keep))
    finally:
        if postgres and not keep_facts:
            scratch.remove(source)
    best = min(attempts, key=lambda a: a["seconds"])
    return {"reps": reps, "facts": facts, "period": PERIOD, "database": "postgresql" if postgres else "sqlite",
            **best, "peak_mib": max(a["peak_mib"] for a in attempts),
            "processes_peak_mib": max(a["processes_peak_mib"] for a in attempts),
            "seconds_all": [a["seconds"] for a in attempts], "cpu_seconds_all": [a["cpu_seconds"] for a in attempts],
            "setup_seconds": setup, "generate_seconds": generated, "target_seconds": TARGET_SECONDS,
            "target_peak_mib": TARGET_PEAK_MIB, "url": attempts[-1]["url"] if workdir else None}


def attempt(prepared: str, folder: str, name: str, profile: str | None, keep: bool) -> dict:
    """One timed `runs create` on a fresh copy of the prepared database, with what it persisted."""
    target = scratch.copy_database(prepared, folder, name)
    try:
        figures = run_child(target, profile)
        figures["results"], figures["rep_rows"] = scratch.count_results(target, figures["run_id"])
    finally:
        if not keep:
            scratch.remove(target)
    return {**figures, "url": target}


def cached_url(reps: int, facts: int) -> str:
    """The file `stage1.run` caches its data in, so both benchmarks share one generated database."""
    return "sqlite:///" + os.path.join(tempfile.gettempdir(), f"payplan-bench-{reps}-{facts}.sqlite")


def ensure_facts(url: str, reps: int, facts: int, echo: Callable[[str], None] | None) -> float:
    """Stage 1's generate-once (and ANALYZE) on the fact database; seconds spent generating."""
    from payplan.store import create_schema, make_engine

    engine = make_engine(url)
    try:
        create_schema(engine)
        return stage1._ensure_data(engine, reps, facts, echo)
    finally:
        engine.dispose()


def prepare(url: str, echo: Callable[[str], None] | None) -> None:
    """Service tables, users, the published plan, and the previous month's run approved."""
    from payplan.access.users import add_user, get_user
    from payplan.plans import versions as plan_store
    from payplan.runs import lifecycle as runs
    from payplan.store import create_schema, make_engine
    from payplan.store.migrate import stamp
    from payplan.store.schema import metadata
    from payplan.store.service_schema import SERVICE_TABLES

    engine = make_engine(url)
    try:
        # the service tables next to stage 1's fact tables, as this code defines them (the cached
        # fact database may hold empty ones made by older code)
        metadata.drop_all(engine, tables=list(SERVICE_TABLES.values()))
        create_schema(engine)
        stamp(url)  # they are the newest schema: `runs create` checks the revision
        with engine.begin() as conn:
            for name, role in ((PUBLISHER, "hr"), (MAKER, "finance"), (APPROVER, "admin")):
                add_user(conn, name, role)
            plan_store.publish(conn, plan_text(), "plans/ae-2026-v1.toml, every rep", get_user(conn, PUBLISHER))
        if echo:
            echo(f"creating and approving the {PREVIOUS} run (setup, not timed) …")
        with engine.begin() as conn:
            maker, approver = get_user(conn, MAKER), get_user(conn, APPROVER)
            previous = runs.create_run(conn, PLAN_REF, PREVIOUS, maker)
            runs.submit(conn, previous.id, maker)
            runs.approve(conn, previous.id, approver)
    finally:
        engine.dispose()


def run_child(url: str, profile: str | None) -> dict:
    """Run `child_main` in a fresh interpreter on `url`; its figures plus the process's wall time."""
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url}
    command = [sys.executable, "-m", "payplan.bench.monthly", "--child", url]
    if profile:
        command += ["--profile-out", profile]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the timed run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "process_seconds": seconds}


def _timer(seconds: dict[str, float], open_calls: list[float], module: object, name: str, stage: str) -> None:
    """Replace module.name by a wrapper adding its exclusive time (nested timed calls excluded) to stage."""
    fn, clock = getattr(module, name), time.perf_counter

    def timed(*args, **kwargs):
        started = clock()
        open_calls.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            spent = clock() - started
            seconds[stage] += spent - open_calls.pop()
            if open_calls:
                open_calls[-1] += spent

    setattr(module, name, timed)


def install_stages() -> tuple[dict[str, float], list[float]]:
    """Timers on what `runs create` calls, and the times commits began (SQLAlchemy's event)."""
    from payplan.cli import runs as cli_runs
    from payplan.evaluation import pipeline
    from payplan.runs import chunked, chunks

    seconds: dict[str, float] = defaultdict(float)
    open_calls: list[float] = []
    for module, name, stage in (
            (chunks, "chunk_states", "carried_state"), (chunked, "load_reps", "load_reps"),
            (pipeline, "load_inputs", "aggregate"), (pipeline, "evaluate", "score"),
            (chunks, "result_row", "result_docs"), (chunked, "store_rows", "persist"),
            (cli_runs, "_with_totals", "totals")):
        _timer(seconds, open_calls, module, name, stage)
    commits: list[float] = []
    event.listen(Engine, "commit", lambda conn: commits.append(time.perf_counter()))
    return seconds, commits


def child_main(url: str, profile_out: str | None) -> dict:
    """In the fresh process: `payplan runs create` for PERIOD as the maker, timed."""
    from payplan.cli.runs import runs_create
    from payplan.settings import get_settings

    if get_settings().database_url != url:
        raise RuntimeError("PAYPLAN_DATABASE_URL is not the benchmark's scratch database")
    stages, commits = install_stages()
    rss_before = _status_kib("VmRSS")
    out = io.StringIO()
    profiler = None
    if profile_out:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        runs_create.callback(plan_ref=PLAN_REF, period=PERIOD, idempotency_key=None, as_name=MAKER)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    ended = started + seconds
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_out)
    figures = dict(stages)
    figures["commit_and_close"] = ended - commits[-1]  # commit, closing the engine (WAL checkpoint), echo
    figures["rest"] = seconds - sum(figures.values())
    return {"run_id": int(out.getvalue().split()[0]), "seconds": seconds, "cpu_seconds": cpu_seconds,
            "stages": figures, "profiled": bool(profiler), **_memory(rss_before)}


def _memory(rss_before_kib: int | None) -> dict:
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    peak = _status_kib("VmHWM")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return {"peak_mib": maxrss if peak is None else peak / 1024, "processes_peak_mib": children,
            "peak_source": "ru_maxrss" if peak is None else "VmHWM", "ru_maxrss_mib": maxrss,
            "rss_before_mib": None if rss_before_kib is None else rss_before_kib / 1024}


def _status_kib(field: str) -> int | None:
    """A "kB" field of /proc/self/status (Linux), or None."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        return next((int(line.split()[1]) for line in status if line.startswith(field + ":")), None)
    return None


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="attempts, each on a fresh copy; the fastest counts")
    parser.add_argument("--url", help="a SQLite fact database, or a PostgreSQL server to run on (see `run`)")
    parser.add_argument("--profile", action="store_true", help="profile the timed run; print the top 20")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_main(args.child, args.profile_out)))
        return
    with tempfile.TemporaryDirectory(prefix="payplan-bench-monthly-prof-") as scratch:
        profile = os.path.join(scratch, "monthly.prof") if args.profile else None
        r = run(args.reps, args.facts, args.runs, url=args.url, profile=profile, echo=print)
        print(f"{r['results']:,} results for {r['rep_rows']:,} reps, {r['facts']:,} facts, {r['period']},"
              f" {r['database']}")
        print(f"runs create: {r['seconds']:.2f} s, {r['cpu_seconds']:.2f} s CPU (process {r['process_seconds']:.2f} s);"
              f" all attempts {', '.join(f'{s:.2f}' for s in r['seconds_all'])} s"
              f"{'  [profiled]' if r['profiled'] else ''}")
        print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1])))
        print(f"peak memory {r['peak_mib']:.0f} MiB ({r['peak_source']}; ru_maxrss {r['ru_maxrss_mib']:.0f} MiB;"
              f" {r['rss_before_mib'] or 0:.0f} MiB before the run); each process computing chunks"
              f" {r['processes_peak_mib']:.0f} MiB at most (pages shared with the parent counted again)")
        if profile:
            import pstats
            for order in ("cumulative", "tottime"):
                pstats.Stats(profile).sort_stats(order).print_stats(20)


if __name__ == "__main__":
    main()
