"""Statement PDF speed: median ms per statement on one core, statements/s on all cores.

The statement is the DESIGN §10 case: a KPI scorecard of eight metrics and a
tiered commission over ~40 deal lines (some split), one rep, one month,
rendered in English with its calculation attached. Must not touch a database.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal

import msgspec

from payplan.bench.scoring import _METRICS, PLAN
from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs
from payplan.core.plan import Plan
from payplan.statements.calculation import Calculation, calculate

DEALS = 40
_renderer = None


def make_calculation(deals: int = DEALS, seed: int = 11) -> Calculation:
    """One rep's calculation with `deals` won deals and every scorecard metric."""
    rng = random.Random(seed)
    plan = msgspec.convert(_labelled(PLAN), Plan, strict=False)
    metrics = {}
    for name, (lo, hi) in _METRICS.items():
        lo_d, hi_d = Decimal(str(lo)), Decimal(str(hi))
        value = lo_d + (hi_d - lo_d) * Decimal(rng.randrange(1000)) / 1000
        metrics[name] = MetricValue(value.quantize(Decimal("0.0001")), rng.randrange(1, 40),
                                    tuple(f"A{rng.randrange(10**5):05d}" for _ in range(8)))
    won = tuple(_deal(rng, k) for k in range(deals))
    rep = Rep("R00042", "Iryna Bondarenko", role="AE", team="EAST")
    return calculate(plan, RepInputs(rep, "2026-03", metrics=metrics, deals=won))


def _deal(rng: random.Random, k: int) -> Deal:
    """A won deal with a 40–70% margin; every seventh deal is split 50/50."""
    amount = Decimal(rng.randrange(100_000, 900_000)) / 100
    cost = (amount * Decimal(rng.randrange(30, 60)) / 100).quantize(Decimal("0.01"))
    return Deal(f"D{2600 + k}", "won", amount, cost, closed_at=date(2026, 3, 1 + k % 28),
                share=Decimal("0.5") if k % 7 == 3 else Decimal(1))


def _labelled(plan: dict) -> dict:
    """The scoring benchmark's plan with the labels and reasons a real plan carries."""
    doc = msgspec.json.decode(msgspec.json.encode(plan))
    for comp in doc["components"]:
        comp["label"] = comp["id"].replace("_", " ").capitalize()
        comp["why"] = "Why this component exists, in one sentence a rep can read."
        for kpi in comp.get("kpis", []):
            kpi["label"] = kpi["id"].replace("_", " ").capitalize()
            kpi["why"] = f"Why {kpi['metric']} matters: what it predicts and how it is measured each month."
    return doc


def _init() -> None:
    global _renderer
    from payplan.statements.pdf import PdfRenderer

    _renderer = PdfRenderer()


def _render(calc: Calculation) -> int:
    return len(_renderer.statement(calc, "en"))


def one_core(calc: Calculation, n: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per statement, rendered one after another here.

    CPU time is reported too because wall time on a shared machine includes waiting.
    """
    from payplan.statements.pdf import PdfRenderer

    renderer = PdfRenderer()
    renderer.statement(calc)  # warm: fonts, CSS, templates
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        renderer.statement(calc)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def all_cores(calc: Calculation, n: int, workers: int) -> float:
    """Statements per second with one worker process per core."""
    with ProcessPoolExecutor(workers, initializer=_init) as pool:
        list(pool.map(_render, [calc] * workers))  # warm every worker
        start = time.perf_counter()
        list(pool.map(_render, [calc] * n))
        return n / (time.perf_counter() - start)


def pages(calc: Calculation) -> int:
    from pypdf import PdfReader
    import io

    from payplan.statements.pdf import PdfRenderer

    return len(PdfReader(io.BytesIO(PdfRenderer().statement(calc))).pages)


def run(n: int = 20) -> dict[str, float]:
    """Figures for `payplan bench`: median/p90 ms on one core, statements/s on all cores."""
    calc = make_calculation()
    times, cpu = one_core(calc, n)
    workers = os.cpu_count() or 1
    return {
        "statements": n, "deal_lines": DEALS, "pages": pages(calc),
        "median_ms": statistics.median(times), "median_cpu_ms": statistics.median(cpu),
        "p90_ms": statistics.quantiles(times, n=10)[-1] if n >= 10 else max(times),
        "workers": workers, "per_second_all_cores": all_cores(calc, max(n, 2 * workers), workers),
    }
