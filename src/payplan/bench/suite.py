"""`payplan bench`: run every benchmark that exists and print one table of figures.

Each benchmark module exposes `run(**sizes) -> dict`; the suite picks sizes
(full or `--quick`), runs them one after another and reports the figures next
to the DESIGN §10 targets. Figures, not pass/fail: speed is proven here, not in
timed tests. Must not change any data outside temporary databases.
"""

from __future__ import annotations

import importlib
from typing import Callable

# (module, label, full sizes, quick sizes, how to read the result → (figure, target))
Row = tuple[str, str, dict, dict, Callable[[dict], tuple[str, str]]]

ROWS: list[Row] = [
    ("payplan.bench.machine", "this machine: Decimal arithmetic, one core", {}, {"number": 50_000},
     lambda r: (f"add {r['add']:.0f} ns · multiply {r['multiply']:.0f} ns · quantize {r['quantize']:.0f} ns",
                "(what the figures below scale with)")),
    ("payplan.bench.scoring", "stage 2 scoring, traces included", {"n": 20_000}, {"n": 2_000},
     lambda r: (f"{r['per_second']:,.0f} rep-periods/s on one core", "≥ 20,000 /s per core")),
    ("payplan.bench.imports", "import 100,000 deals into SQLite: CRM export through a mapping vs native deals.csv",
     {}, {"rows": 20_000, "runs": 1},
     lambda r: (f"mapping {r['mapped_per_second']:,.0f} rows/s ({r['mapped_seconds']:.2f} s, "
                f"{r['mapped_cpu_seconds']:.2f} s CPU) vs native {r['native_per_second']:,.0f} rows/s "
                f"({r['native_seconds']:.2f} s, {r['native_cpu_seconds']:.2f} s CPU) for {r['rows']:,} rows",
                "mapping ≥ 50,000 rows/s")),
    ("payplan.bench.stage1", "stage 1 aggregation vs bare GROUP BY", {}, {"reps": 1_000, "facts": 100_000},
     lambda r: (f"{r['load_inputs']:.2f} s vs {r['bare']:.2f} s = {r['ratio']:.2f}× "
                f"(in a plan zone {r['load_inputs_zone']:.2f} s)", "≤ 1.5×")),
    ("payplan.bench.monthly", "monthly run (runs create), reps × facts, SQLite, end to end", {},
     {"reps": 1_000, "facts": 100_000, "runs": 1},
     lambda r: (f"{r['seconds']:.2f} s, peak {r['peak_mib']:.0f} MiB for {r['reps']:,} reps × {r['facts']:,} facts",
                "≤ 3 s, < 500 MiB peak at 10,000 × 1,000,000")),
    ("payplan.bench.workers", "monthly run as a job: 2 payplan workers, SQLite, reps × facts and 5× both", {},
     {"reps": 500, "facts": 50_000, "scale": 2},
     lambda r: (f"{r['small']['seconds']:.1f} s, worker peak {r['small']['peak_mib']:.0f} MiB at "
                f"{r['small']['reps']:,} reps; {r['large']['seconds']:.1f} s, {r['large']['peak_mib']:.0f} MiB at "
                f"{r['large']['reps']:,} ({r['mib_per_1000_reps']:+.1f} MiB per 1,000 reps): "
                f"{'flat' if r['flat'] else 'NOT flat'}",
                "peak flat and < 400 MiB from 10,000 to 50,000 reps")),
    ("payplan.bench.simulation", "HR simulation, 12 months × reps, cached metrics", {},
     {"reps": 1_000, "months": 12}, lambda r: (f"{r['seconds']:.2f} s for {r.get('reps', '?')} reps ({r['seconds_one_core']:.2f} s on one core; "
                f"{r['per_second_one_core'] / r['engine_per_second_one_core']:.1f}× the engine's rate)",
                "≤ 3 s at 10,000 reps")),
    ("payplan.bench.budget", "budget fit, 12 months × 10,000 reps", {}, {"reps": 500, "months": 12},
     lambda r: (f"{r['seconds']:.1f} s, {r['runs']} engine runs, met {r['met']}"
                f"{' (' + r['reason'] + ')' if r['reason'] else ''} for {r['reps']:,} reps × {r['months']} months",
                "< 60 s at 10,000 × 12")),
    ("payplan.bench.statements", "statement PDF (3 pages, ~40 deal lines)", {}, {"n": 6},
     lambda r: (f"median {r['median_ms']:.0f} ms; {r.get('per_second_all_cores', 0):.1f}/s all cores", "≤ 150 ms median")),
    ("payplan.bench.progress", "progress: one rep's estimate and what moves it (demo company)", {}, {"n": 10},
     lambda r: (f"median {r['median_ms']:.1f} ms ({r['rep']}, {r['period']})", "< 100 ms median")),
    ("payplan.bench.api", "rep breakdown API (JSON, bearer) vs bare Litestar + bearer auth, and bare, 10 connections",
     {}, {"requests": 300, "rounds": 1, "warmup": 50},
     lambda r: ((f"{r['app']['per_second']:,.0f} vs {r['bare_auth']['per_second']:,.0f} (bare + auth) vs "
                 f"{r['bare']['per_second']:,.0f} (bare) requests/s = {r['auth_ratio']:.0%} / {r['ratio']:.0%} "
                 f"(same round; rounds: {', '.join(f'{a:.0%}/{b:.0%}' for a, b in r['round_ratios'])}); "
                 f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; server CPU "
                 f"{r['app']['server_cpu_ms_per_request'] or 0:.2f} vs "
                 f"{r['bare']['server_cpu_ms_per_request'] or 0:.2f} ms/request (bare)"),
                "≥ 70% of bare + auth, ≥ 40% of bare, p99 < 20 ms")),
]


def run(quick: bool = False, echo: Callable[[str], None] = print) -> list[tuple[str, str, str]]:
    table = []
    for module_name, label, full, small, read in ROWS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            table.append((label, "not built yet", ""))
            continue
        echo(f"running: {label} …")
        result = module.run(**(small if quick else full))
        figure, target = read(result)
        table.append((label, figure, target))
    return table


def render(table: list[tuple[str, str, str]]) -> str:
    widths = [max(len(row[i]) for row in [("benchmark", "figure", "target"), *table]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("benchmark", "figure", "target"), widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in table]
    return "\n".join(lines)
