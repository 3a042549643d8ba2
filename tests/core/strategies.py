"""Hypothesis strategies: plans and inputs built the way plan files and fact rows are."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
from hypothesis import strategies as st

from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs
from payplan.core.periods import Period
from payplan.core.plan import Plan

MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500000"), places=2)
RATE = st.decimals(min_value=Decimal("0"), max_value=Decimal("0.3"), places=3)
RATIO = st.decimals(min_value=Decimal("0"), max_value=Decimal("3"), places=3)


@st.composite
def increasing_tiers(draw, mode=st.sampled_from(["marginal", "retroactive"])):
    """Tiers with rising edges and rising rates: a non-decreasing payout."""
    edges = sorted(set(draw(st.lists(st.integers(1, 400_000), min_size=1, max_size=4))))
    rates = sorted(draw(st.lists(RATE, min_size=len(edges) + 1, max_size=len(edges) + 1)))
    bounds = [0, *edges, None]
    return [{"from": str(bounds[i]), **({"to": str(bounds[i + 1])} if bounds[i + 1] is not None else {}),
             "rate": str(rates[i]), "mode": draw(mode)} for i in range(len(rates))]


@st.composite
def commission_plans(draw, cap=st.none() | MONEY):
    comp = {"kind": "commission", "id": "commission", "base": draw(st.sampled_from(["revenue", "margin"])),
            "tiers": draw(increasing_tiers()), "boundary": draw(st.sampled_from(["lower", "upper"]))}
    limit = draw(cap)
    if limit is not None:
        comp["cap"] = str(limit)
    return _plan([comp], draw(st.sampled_from(["half_up", "half_even"])))


@st.composite
def scorecard_plans(draw):
    n = draw(st.integers(1, 4))
    weights = [Decimal(1) / n] * (n - 1)
    weights.append(Decimal(1) - sum(weights, Decimal(0)))
    metrics = ["demos", "calls", "meetings", "revenue"][:n]
    kpis = [{"id": m, "metric": m, "weight": str(w), "target": str(draw(st.integers(1, 100))),
             **({"cap": str(draw(st.sampled_from(["1.2", "1.5", "2"])))} if draw(st.booleans()) else {})}
            for m, w in zip(metrics, weights)]
    comp = {"kind": "scorecard", "id": "bonus", "target_incentive": str(draw(MONEY)), "kpis": kpis,
            "payout_curve": [["0", "0"], ["0.5", "0.25"], ["1", "1"], ["2", "3"]],
            "payout_cap": str(draw(st.sampled_from(["1.5", "2", "3"])))}
    return _plan([comp], "half_up")


def _plan(components: list[dict], mode: str) -> Plan:
    data = {"id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month",
            "currency": "USD", "rounding": {"mode": mode}, "components": components}
    return msgspec.convert(data, Plan, strict=False)


@st.composite
def deals(draw, max_size=8):
    amounts = draw(st.lists(MONEY, min_size=0, max_size=max_size))
    out = []
    for i, amount in enumerate(amounts):
        cost = draw(st.decimals(min_value=Decimal(0), max_value=amount, places=2))
        share = draw(st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("0.15")]))
        out.append(Deal(f"D{i:03d}", "won", amount, cost, closed_at=date(2026, 3, 1 + i), share=share))
    return tuple(out)


def rep_inputs(deal_list=(), metrics=None) -> RepInputs:
    return RepInputs(Rep("r1", "Rep One", hired_on=date(2020, 1, 1)), "2026-03",
                     metrics=metrics or {}, deals=tuple(deal_list))


def metric_values(values: dict[str, Decimal]) -> dict[str, MetricValue]:
    return {k: MetricValue(v, 1, ()) for k, v in values.items()}


# A window (payplan.core.windows): "year", "quarter" or (N periods, the first window's month in 2026).
WINDOWS = st.sampled_from(["year", "quarter"]) | st.tuples(st.integers(1, 7), st.integers(1, 12))


def window_fields(window) -> dict:
    """The plan fields of a window drawn from WINDOWS."""
    if isinstance(window, str):
        return {"window": window}
    n, month = window
    return {"window": "periods", "window_periods": n, "window_start": date(2026, month, 1)}


def _months(period: Period) -> int:
    return period.year * 12 + period.index - 1


def window_in_words(window, period: Period) -> tuple[int, int, int]:
    """(which window, month's place in it from 0, months in the window), counted by hand."""
    if window == "year":
        return period.year, period.index - 1, 12
    if window == "quarter":
        return period.year * 4 + (period.index - 1) // 3, (period.index - 1) % 3, 3
    n, month = window
    since = _months(period) - (2026 * 12 + month - 1)
    return since // n, since % n, n


def write_monthly_deals(folder: Path, monthly: dict[Period, list[tuple[str, object]]]) -> None:
    """reps.csv with one rep, and deals.csv with each period's (status, amount) deals, closed
    on the period's 2nd, 3rd… day (for pipeline tests of windows)."""
    with open(folder / "reps.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep_id", "name", "email", "role", "team", "manager_id", "hired_on", "terminated_on", "currency"])
        w.writerow(["rep", "Rep", "rep@example.com", "AE", "Sales", "", "2025-01-01", "", "USD"])
    with open(folder / "deals.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["deal_id", "rep_id", "created_at", "closed_at", "status", "amount", "cost", "currency",
                    "product", "cancelled_at"])
        for period, rows in monthly.items():
            for i, (status, amount) in enumerate(rows):
                day = date(period.year, period.index, 2 + i).isoformat()
                w.writerow([f"{period.key}-{i}", "rep", day, day, status, amount, 0, "USD", "p", ""])
