"""Stage-2 scoring speed: rep-periods per second on one core, traces included.

Builds realistic in-memory inputs (a balanced AE scorecard, a tiered margin
commission over ~8 deals, a gate) and times `evaluate` over them. Must not
touch a database: stage 1 has its own benchmark.
"""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs
from payplan.core.plan import Plan

PLAN = {
    "id": "bench-ae", "version": 1, "name": "Bench AE", "effective_from": "2026-01-01",
    "period": "month", "currency": "USD",
    "components": [
        {"kind": "scorecard", "id": "bonus", "target_incentive": "3000",
         "payout_curve": [["0", "0"], ["0.5", "0.25"], ["1", "1"], ["1.5", "2"]], "payout_cap": "2",
         "gates": [{"metric": "crm_hygiene", "min": "0.8", "factor": "0.5", "label": "CRM hygiene gate"}],
         "kpis": [
             {"id": "demos", "metric": "demos", "weight": "0.15", "target": "12", "cap": "1.5"},
             {"id": "meetings", "metric": "meetings", "weight": "0.10", "target": "20", "cap": "1.5"},
             {"id": "conversion", "metric": "lead_conversion", "weight": "0.15", "target": "0.25", "cap": "1.5"},
             {"id": "deal_size", "metric": "avg_deal_size", "weight": "0.15", "target": "20000", "cap": "1.5"},
             {"id": "cycle", "metric": "cycle_days_median", "weight": "0.10", "target": "45", "cap": "1.5"},
             {"id": "crm", "metric": "crm_hygiene", "weight": "0.10", "target": "0.9", "cap": "1.1"},
             {"id": "script", "metric": "script_compliance", "weight": "0.10", "target": "0.9", "cap": "1.1"},
             {"id": "nps", "metric": "nps", "weight": "0.15", "target": "40", "cap": "1.5"},
         ]},
        {"kind": "commission", "id": "commission", "base": "margin", "quota": "60000", "tiers_on": "attainment",
         "tiers": [{"from": "0", "to": "0.5", "rate": "0.05", "mode": "retroactive"},
                   {"from": "0.5", "to": "1", "rate": "0.10", "mode": "retroactive"},
                   {"from": "1", "rate": "0.15"}],
         "cap": "20000"},
    ],
}

_METRICS = {"demos": (5, 20), "meetings": (8, 30), "lead_conversion": ("0.1", "0.4"),
            "avg_deal_size": (8000, 30000), "cycle_days_median": (20, 80), "crm_hygiene": ("0.6", "1"),
            "script_compliance": ("0.6", "1"), "nps": (-20, 80)}


def make_inputs(n: int, seed: int = 7) -> list[RepInputs]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        metrics = {}
        for name, (lo, hi) in _METRICS.items():
            lo_d, hi_d = Decimal(str(lo)), Decimal(str(hi))
            value = lo_d + (hi_d - lo_d) * Decimal(rng.randrange(1000)) / 1000
            metrics[name] = MetricValue(value.quantize(Decimal("0.0001")), rng.randrange(1, 40), ())
        deals = tuple(
            Deal(f"D{i}-{k}", "won", Decimal(rng.randrange(100_000, 3_000_000)) / 100,
                 Decimal(rng.randrange(50_000, 1_500_000)) / 100, closed_at=date(2026, 3, 1 + k))
            for k in range(rng.randrange(4, 12)))
        out.append(RepInputs(Rep(f"R{i:05d}", f"Rep {i}"), "2026-03", metrics=metrics, deals=deals))
    return out


def run(n: int = 10_000) -> dict[str, float]:
    plan = msgspec.convert(PLAN, Plan, strict=False)
    inputs = make_inputs(n)
    evaluate(plan, inputs[0])  # warm caches (compiled formulas)
    start = time.perf_counter()
    for item in inputs:
        evaluate(plan, item)
    seconds = time.perf_counter() - start
    return {"rep_periods": n, "seconds": seconds, "per_second": n / seconds}
