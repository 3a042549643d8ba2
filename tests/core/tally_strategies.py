"""Hypothesis strategies for the tally fast path: plans of every covered shape and rep inputs.

`cases(...)` draws one `Case`: a plan (as the dict a plan file would give), one
period, and 1–3 reps' inputs with carried state. Plans mix scorecards (1–8 KPIs,
curves, threshold / floor / cap, lower-is-better inverse and mirror, gates, payout
curves with steps, payout caps, salary shares) and commissions (rates, tier tables on
amount / attainment / margin rate, marginal and retroactive, both boundaries, per
period or per deal, above quota, ICR, multipliers, gates, caps and floors), sometimes
fixed pay, a scorecard that can go below zero (a negative total), a statement cap and —
with `rare=True` — components the fast path is not
meant to cover (draws, clawbacks, spiffs, overrides, formula bases); each policy on a
negative total (`negative_total`). Inputs are drawn
from what the plan reads (`plan_needs`): metric values near and exactly on targets
and curve points, missing or undefined metrics, target overrides (incl. quotas),
deals of every status with split credit, credit notes and duplicate ids, reps hired
or terminated inside the period, and carried state with a negative balance owed. Plans are lint-clean by construction
(`lint_errors` checks that separately; linting costs too much to run per example).

Only `cases` is a strategy; the helpers take `draw` and are called inside it, and
every leaf strategy is built once (cached), since building strategies per draw costs
more than drawing. Pure test helpers, written against `payplan.core.engine.evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import msgspec
from hypothesis import strategies as st

from payplan.core import lint
from payplan.core.inputs import CarriedState, Deal, MetricValue, PaidDeal, Rep, RepInputs, Target
from payplan.core.metrics import lookup
from payplan.core.needs import plan_needs
from payplan.core.periods import Period, parse_period
from payplan.core.plan import Commission, Plan
from payplan.core.scorecard import kpi_spec

D = Decimal


# --- cached leaf strategies -----------------------------------------------------------------


@lru_cache(maxsize=None)
def ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=None)
def pick(options: tuple) -> st.SearchStrategy:
    return st.sampled_from(options)


@lru_cache(maxsize=None)
def dec(lo, hi, places: int, *specials) -> st.SearchStrategy[Decimal]:
    """Decimals in [lo, hi] with `places` decimals, or one of `specials` (boundary values)."""
    plain = st.decimals(min_value=D(str(lo)), max_value=D(str(hi)), places=places,
                        allow_nan=False, allow_infinity=False)
    return st.one_of(plain, st.sampled_from(tuple(D(str(x)) for x in specials))) if specials else plain


def chance(draw, num: int, den: int) -> bool:
    """True with probability about num/den; shrinks towards False (the rarer branch off)."""
    return draw(ints(0, den - 1)) >= den - num


def one(draw, *options):
    return draw(pick(options))


def s(value) -> str:
    return str(value)


# --- metrics: values a rep-period can have, plan targets, curves ----------------------------

COUNT_METRICS = ("demos", "meetings", "calls", "activities", "leads", "deals_won", "deals_lost")
RATIO_METRICS = ("lead_conversion", "crm_hygiene", "script_compliance", "win_rate", "margin_rate",
                 "score:quality_audit")
MONEY_METRICS = ("revenue", "margin", "avg_deal_size")
DAYS_METRICS = ("cycle_days_median", "cycle_days_mean")
SCORECARD_METRICS = ("demos", "meetings", "calls", "lead_conversion", "avg_deal_size", "cycle_days_median",
                     "crm_hygiene", "nps", "revenue", "margin", "demos", "meetings", "lead_conversion",
                     "avg_deal_size", "cycle_days_median", "crm_hygiene", "nps", "revenue", "margin",
                     "script_compliance", "win_rate", "deals_won", "cycle_days_mean", "score:quality_audit",
                     "margin_rate", "deals_lost")
GATE_METRICS = ("crm_hygiene", "script_compliance", "nps", "demos", "margin_rate")
PRODUCTS = ("analytics", "support", "platform")


@lru_cache(maxsize=None)
def metric_value(name: str) -> st.SearchStrategy[Decimal]:
    if name in COUNT_METRICS:
        return st.integers(0, 60).map(D)
    if name in RATIO_METRICS:
        return dec(0, 1, 4, 0, 1, "0.5", "0.8", "0.9")
    if name == "nps":
        return dec(-100, 100, 4, 0, -20, 40, "33.3333")
    if name in DAYS_METRICS:
        return dec(0, 120, 1, 0, 30, 45, "22.5")
    if name == "margin":
        return dec(-5000, 250000, 2, 0, "60000.00")
    if name in MONEY_METRICS:
        return dec(0, 250000, 2, 0, "20000.00")
    return dec(0, 100, 2)


@lru_cache(maxsize=None)
def metric_target(name: str) -> st.SearchStrategy[Decimal]:
    """A positive plan or override target (0 is drawn separately, rarely)."""
    if name in COUNT_METRICS:
        return st.one_of(st.integers(1, 40).map(D), pick((D(3), D(7), D(12), D("2.5"))))
    if name in RATIO_METRICS:
        return dec("0.05", 1, 2, "0.9", "0.25", "0.3", "0.85")
    if name == "nps":
        return st.one_of(st.integers(-10, 70).map(D), pick((D(30), D(40))))
    if name in DAYS_METRICS:
        return st.one_of(st.integers(5, 90).map(D), pick((D(30), D(45), D("22.5"))))
    if name in MONEY_METRICS:
        return dec(500, 150000, 2, 20000, 50000, 60000, 7)
    return dec("0.1", 100, 2)


def draw_target(draw, metric: str) -> Decimal:
    return D(0) if chance(draw, 1, 80) else draw(metric_target(metric))


@lru_cache(maxsize=None)
def curve_xs(name: str) -> st.SearchStrategy[Decimal]:
    if name in COUNT_METRICS:
        return st.integers(0, 40).map(D)
    if name in RATIO_METRICS:
        return dec(0, 1, 2)
    if name == "nps":
        return st.integers(-50, 80).map(D)
    if name in DAYS_METRICS:
        return st.integers(0, 90).map(D)
    return dec(0, 150000, 0)


def draw_curve(draw, xs: st.SearchStrategy, ys: st.SearchStrategy, max_points: int, falling: bool) -> list:
    """Points with non-decreasing x; a repeated x (a step) now and then."""
    n = draw(ints(1, max_points))
    x = sorted(draw(xs) for _ in range(n))
    for i in range(1, n):
        if chance(draw, 1, 4):
            x[i] = x[i - 1]
    y = sorted((draw(ys) for _ in range(n)), reverse=falling)
    return [[s(a), s(b)] for a, b in zip(x, y)]


PAYOUT_CURVES = (
    (("0", "0"), ("0.5", "0.25"), ("1", "1"), ("1.5", "2")),
    (("0.7", "0"), ("0.7", "0.5"), ("1", "1"), ("1.3", "2")),
    (("0", "0"), ("1", "1")),
)


def draw_payout_curve(draw) -> list:
    if chance(draw, 1, 3):
        return [list(p) for p in one(draw, *PAYOUT_CURVES)]
    return draw_curve(draw, dec(0, 2, 2, "0.7", 1, "1.3"), dec(0, 3, 2), 6, falling=False)


def draw_curve_options(draw, item: dict, key: str, slopes: st.SearchStrategy) -> None:
    """Now and then the curve's boundary side (which point a step's x takes) and a slope past its last point."""
    if chance(draw, 1, 3):
        item[f"{key}_boundary"] = one(draw, "lower", "upper")
    if chance(draw, 1, 3):
        item[f"{key}_slope_after"] = s(draw(slopes))


# --- weights ------------------------------------------------------------------------------


def draw_weights(draw, n: int) -> list[str]:
    """n weights summing exactly to 1: hundredths, 28-digit equal shares, or with zeros."""
    if n == 1:
        return ["1"]
    how = draw(ints(0, 3))
    if how == 3:  # equal shares, the last one the remainder (1/3, 1/7: long decimals)
        w = [D(1) / n] * (n - 1)
        return [s(x) for x in w] + [s(D(1) - sum(w, D(0)))]
    cuts = sorted(draw(ints(0 if how == 2 else 1, 99)) for _ in range(n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    return [s(D(p) / 100) for p in parts]


# --- components ---------------------------------------------------------------------------


def draw_kpi(draw, kid: str, metric: str, weight: str) -> dict:
    k: dict = {"id": kid, "metric": metric, "weight": weight, "why": "test"}
    definition = lookup(metric)
    if chance(draw, 1, 6):
        k["curve"] = draw_curve(draw, curve_xs(metric), dec(0, 2, 2, 1), 5, falling=chance(draw, 1, 2))
        draw_curve_options(draw, k, "curve", dec("-0.001", "0.001", 5, "0.0001"))
        if chance(draw, 1, 4):
            k["target"] = s(draw_target(draw, metric))  # ignored beside a curve
    elif not chance(draw, 1, 150):
        k["target"] = s(draw_target(draw, metric))
    if chance(draw, 1, 5):
        k["target_key"] = f"t_{kid}"
    if chance(draw, 1, 4):
        k["better"] = one(draw, "higher", "lower")
    lower = k.get("better", definition.better if definition else "higher") == "lower"
    if lower or chance(draw, 1, 5):
        k["lower_is"] = one(draw, "inverse", "mirror")
    if chance(draw, 1, 4):
        k["threshold"] = s(draw(dec("0.3", "0.95", 2, "0.5", "0.7", 1)))
    floor_kind = draw(ints(0, 11))
    if floor_kind == 11:
        k["floor"] = None  # only from a dict (TOML has no null): no floor at all
    elif floor_kind == 10:
        k["floor"] = one(draw, "-1", "-0.5")  # negative points, as plan-format.md allows
    elif floor_kind >= 8:
        k["floor"] = s(draw(dec(0, "0.6", 2)))
    if chance(draw, 2, 3):
        low = D(k["floor"]) if k.get("floor") is not None else D(0)
        k["cap"] = s(max(draw(dec("0.8", "2.5", 2, "1.5", "1.2", 1, "1.1")), low))
    if chance(draw, 1, 12) and metric in DAYS_METRICS + MONEY_METRICS + ("deals_won", "win_rate"):
        k["product"] = one(draw, *PRODUCTS)
    if chance(draw, 1, 40):
        k["scope"] = "team"
    return k


def draw_gate(draw, kpi_gates: bool) -> dict:
    g: dict = {"factor": s(draw(dec(0, 1, 2, 0, "0.5", "0.75", 1, "1.2")))}
    if kpi_gates and chance(draw, 1, 3):
        g["kpi_min"] = s(draw(dec("0.2", "0.9", 2, "0.5")))
    else:
        metric = one(draw, *GATE_METRICS)
        g["metric"] = metric
        g["min"] = s(draw(metric_target(metric)) if chance(draw, 1, 2) else draw(metric_value(metric)))
    if chance(draw, 1, 2):
        g["label"] = one(draw, "Gate A", "Gate B")
    return g


def draw_scorecard(draw, cid: str, kpi_prefix: str) -> dict:
    n = draw(ints(1, 8))
    metrics = [one(draw, *SCORECARD_METRICS) for _ in range(n)]
    w = draw_weights(draw, n)
    kpis = [draw_kpi(draw, f"{kpi_prefix}{i}_{m.replace(':', '_')}", m, w[i]) for i, m in enumerate(metrics)]
    c: dict = {"kind": "scorecard", "id": cid, "kpis": kpis}
    if chance(draw, 1, 5):
        c["salary_share"] = s(draw(dec("0.05", "0.6", 2)))
    else:
        c["target_incentive"] = s(draw(dec(0, 12000, 2, 1500, 3000, 1000, 0)))
    if chance(draw, 1, 2):
        c["payout_curve"] = draw_payout_curve(draw)
        draw_curve_options(draw, c, "payout_curve", dec(0, 3, 2, 1, 2))
    if chance(draw, 1, 2):
        c["payout_cap"] = s(draw(dec("0.5", 3, 2, "1.3", 2)))
    if chance(draw, 1, 3):
        c["gates"] = [draw_gate(draw, True) for _ in range(draw(ints(1, 3)))]
    if chance(draw, 1, 3):
        c["label"] = "KPI bonus"
    return c


TIER_AXES = {  # axis → (edge strategy, possible first `from`)
    "amount": (st.one_of(st.integers(1, 200).map(lambda x: D(x * 500)), pick((D(15000), D(30000)))),
               (D(0), D(0), D(0), D(5000))),
    "attainment": (dec("0.1", "2.5", 2, "0.5", 1, "1.2"), (D(0), D(0), D(0), D("0.5"))),
    "margin_rate": (dec("0.01", "0.95", 2, "0.2", "0.4"), (D(0), D(0), D("-1"), D("0.1"))),
}


def draw_tiers(draw, axis: str) -> list[dict]:
    """A gap-free tier table on the axis (rates in any order; modes mixed)."""
    edge, firsts = TIER_AXES[axis]
    start = one(draw, *firsts)
    edges = sorted({e for e in (draw(edge) for _ in range(draw(ints(0, 4)))) if e > start})
    bounds = [start, *edges]
    out = []
    for i, lo in enumerate(bounds):
        t: dict = {"from": s(lo), "rate": s(draw(dec(0, "0.3", 3, "0.05", "0.1", "0.15", 0)))}
        if lo == 0 and chance(draw, 1, 2):
            del t["from"]
        if i + 1 < len(bounds):
            t["to"] = s(bounds[i + 1])
        elif chance(draw, 1, 6):
            t["to"] = s(lo + draw(edge))  # a closed last band: nothing pays above it
        if chance(draw, 1, 2):
            t["mode"] = one(draw, "marginal", "retroactive")
        out.append(t)
    return out


MULTIPLIER_EDGES = {"attainment": dec("0.1", "2.5", 2, "0.5", 1, "1.2"),
                    "amount": st.integers(1, 300).map(lambda x: D(x * 500))}


def draw_multipliers(draw, on: str) -> list[dict]:
    """Ordered, non-overlapping bands; gaps allowed (a measure in a gap gets no multiplier)."""
    edges = sorted({draw(MULTIPLIER_EDGES[on]) for _ in range(draw(ints(1, 5)))})
    bounds: list[tuple[Decimal, Decimal | None]] = []
    lo = D(0) if chance(draw, 1, 2) else None
    i = 0
    while i < len(edges):
        if lo is None:
            lo, i = edges[i], i + 1
        hi = edges[i] if i < len(edges) else None
        bounds.append((lo, hi))
        if hi is None:
            break
        i += 1
        lo = hi if chance(draw, 2, 3) else None  # an adjacent band, or a gap before the next
    out = []
    for lo, hi in bounds:
        m: dict = {"factor": s(draw(dec(0, "2.5", 2, "0.5", "1.25", "1.5", 1, 2, 0)))}
        if lo != 0 or chance(draw, 1, 2):
            m["from"] = s(lo)
        if hi is not None:
            m["to"] = s(hi)
        out.append(m)
    return out


def draw_products(draw, c: dict) -> None:
    """An inclusion list, an exclusion list, both (the rest excluded) or neither; a deal
    with product "" or an unlisted one is then paid 0 with a warning (the tally steps aside)."""
    if chance(draw, 1, 6):
        c["products"] = sorted({one(draw, *PRODUCTS) for _ in range(draw(ints(1, 2)))})
    if chance(draw, 1, 6):
        rest = [p for p in ("", *PRODUCTS) if p not in c.get("products", ())]
        c["exclude_products"] = rest if "products" in c and chance(draw, 1, 2) else [one(draw, *rest)]


def draw_commission(draw, cid: str, rare: bool) -> dict:
    c: dict = {"kind": "commission", "id": cid}
    base = one(draw, "margin", "revenue", "margin")
    if rare and chance(draw, 1, 6):
        base = one(draw, "amount - discount", "amount / 1.12")
    if base != "revenue":
        c["base"] = base
    draw_products(draw, c)
    pricing = one(draw, "rate", "tiers", "tiers", "rate", "tiers", "icr")
    # One way of pricing only: two of rate, tiers, target_incentive are a lint error (conflicting-fields).
    if pricing == "rate":
        c["rate"] = s(draw(dec(0, "0.3", 3, "0.1", "0.04", "0.075")))
    if pricing == "tiers":
        c["tiers_on"] = one(draw, "amount", "attainment", "amount", "margin_rate")
        c["tiers"] = draw_tiers(draw, c["tiers_on"])
        if chance(draw, 1, 3):
            c["accumulate"] = one(draw, "period", "deal")
    if pricing == "icr":
        c["target_incentive"] = s(draw(dec(0, 10000, 2, 3000, 1000)))
    if chance(draw, 1, 2):
        c["boundary"] = one(draw, "lower", "upper")
    if chance(draw, 1, 6):
        c["above_quota"] = True
    needs = (c.get("tiers_on") == "attainment" or c.get("above_quota")
             or (pricing == "icr" and "rate" not in c))
    if chance(draw, 1, 4):
        c["multipliers_on"] = on = one(draw, "attainment", "amount")
        c["multipliers"] = draw_multipliers(draw, on)
        needs = needs or on == "attainment"
    if (needs and not chance(draw, 1, 10)) or chance(draw, 1, 4):
        c["quota"] = s(D(0) if chance(draw, 1, 30) else draw(dec(1000, 200000, 2, 60000, 40000, 7)))
    if chance(draw, 1, 6):
        c["quota_key"] = f"q_{cid}"
    if chance(draw, 1, 4):
        c["cap"] = s(draw(dec(0, 20000, 2, 5000, 0)))
    if chance(draw, 1, 6):
        floor = draw(dec(0, 3000, 2))
        c["floor"] = s(min(floor, D(c["cap"])) if "cap" in c else floor)
    if chance(draw, 1, 4):
        c["gates"] = [draw_gate(draw, chance(draw, 1, 5)) for _ in range(draw(ints(1, 2)))]
    if chance(draw, 1, 3):
        c["label"] = "Commission"
    return c


def draw_fixed(draw, cid: str) -> dict:
    if chance(draw, 1, 3):
        return {"kind": "fixed", "id": cid, "from_salary": True}
    return {"kind": "fixed", "id": cid, "amount": s(draw(dec(0, 5000, 2)))}


def draw_penalty(draw, cid: str) -> dict:
    """A scorecard that takes pay away: a lower-is-better KPI mirrored down to a negative
    floor, so a long sales cycle makes the bonus, and often the period's total, negative."""
    return {"kind": "scorecard", "id": cid, "target_incentive": s(draw(dec(100, 30000, 2, 1000, 20000))),
            "kpis": [{"id": f"{cid}_cycle", "metric": "cycle_days_median", "weight": "1", "target": "5",
                      "lower_is": "mirror", "floor": one(draw, "-1", "-0.5")}]}


def draw_uncovered(draw, cid: str) -> dict:
    """Components the fast path is not meant to cover (it may still choose to)."""
    kind = one(draw, "spiff", "spiff_metric", "override", "draw_guarantee", "draw_advance")
    if kind == "spiff":
        spiff = {"kind": "spiff", "id": cid, "per_deal": "100", "rate": "0.01", "cap": "5000"}
        draw_products(draw, spiff)
        return spiff
    if kind == "spiff_metric":
        return {"kind": "spiff", "id": cid, "metric": "demos", "per_unit": "25"}
    if kind == "override":
        return {"kind": "override", "id": cid, "rate": "0.02", "base": "margin"}
    if kind == "draw_advance":
        return {"kind": "draw", "id": cid, "amount": "500", "type": "advance"}
    return {"kind": "draw", "id": cid, "amount": s(draw(dec(100, 4000, 2))), "recoverable": chance(draw, 1, 2)}


# --- plans --------------------------------------------------------------------------------

MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 13)) + ("2024-02", "2025-12")
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")


def draw_plan(draw, shape: str, rare: bool) -> tuple[dict, str]:
    """(plan dict, period key). shape: "scorecard", "commission" or "mixed"."""
    kind = one(draw, "month", "month", "month", "month", "month", "month", "quarter", "year")
    period_key = one(draw, *(MONTHS if kind == "month" else QUARTERS if kind == "quarter" else ("2026",)))
    period = parse_period(period_key)
    if shape == "scorecard":
        layout = ["scorecard"] * draw(ints(1, 3))
    elif shape == "commission":
        layout = ["commission"] * draw(ints(1, 2))
    else:
        layout = [one(draw, "scorecard", "commission", "scorecard", "commission", "scorecard", "commission", "fixed")
                  for _ in range(draw(ints(1, 4)))]
    if shape != "commission" and chance(draw, 1, 10):
        layout.append("fixed")
    if shape != "commission" and chance(draw, 1, 4):
        layout.append("penalty")  # a negative total now and then, for `negative_total`
    if rare and chance(draw, 1, 5):
        layout.insert(draw(ints(0, len(layout))), "uncovered")
    comps: list[dict] = []
    for i, what in enumerate(layout):
        cid = f"{what}{i}" if chance(draw, 1, 2) else f"c{i}"
        if chance(draw, 1, 15):  # ids near the names of trace nodes (the engine's own are reserved)
            cid = one(draw, "kpi", "total", "score", "cap")
            if any(c["id"] == cid for c in comps):
                cid = f"c{i}"
        if what == "scorecard":
            comps.append(draw_scorecard(draw, cid, f"k{i}_"))
        elif what == "commission":
            comps.append(draw_commission(draw, cid, rare))
        elif what == "fixed":
            comps.append(draw_fixed(draw, cid))
        elif what == "penalty":
            comps.append(draw_penalty(draw, cid))
        else:
            comps.append(draw_uncovered(draw, cid))
    plan: dict = {"id": "p", "version": 1, "name": "P", "period": kind,
                  "currency": one(draw, "USD", "USD", "USD", "USD", "USD", "EUR", "JPY", "BHD"),
                  "effective_from": "2024-01-01", "components": comps}
    eff = draw(ints(0, 49))
    if eff >= 46:  # the plan starts inside the period
        plan["effective_from"] = (period.start + timedelta(days=draw(ints(1, period.days - 1)))).isoformat()
    elif eff == 45:  # … or after it: active share 0
        plan["effective_from"] = (period.end + timedelta(days=1)).isoformat()
    if chance(draw, 1, 15):
        eff_from = date.fromisoformat(plan["effective_from"])
        plan["effective_to"] = max(eff_from, period.start + timedelta(days=draw(ints(0, period.days - 1)))).isoformat()
    rounding: dict = {}
    if chance(draw, 1, 2):
        rounding["mode"] = one(draw, "half_up", "half_even")
    if chance(draw, 1, 4):
        rounding["places"] = draw(ints(0, 4))
    if chance(draw, 1, 3):
        rounding["score_places"] = draw(ints(0, 6))
    if rounding:
        plan["rounding"] = rounding
    proration: dict = {}
    if chance(draw, 1, 2):
        proration["method"] = one(draw, "calendar_days", "working_days", "months", "none")
    if chance(draw, 1, 3):
        proration["quotas"] = chance(draw, 1, 2)
    if proration:
        plan["proration"] = proration
    if chance(draw, 1, 5):
        plan["cap"] = s(draw(dec(0, 15000, 2, 5000, 0)))
    if rare and chance(draw, 1, 10):
        plan["clawback"] = {"window_days": 90}
    policy = one(draw, None, "carry", "pay", "forgive")
    if policy is not None:
        plan["negative_total"] = policy
    if chance(draw, 1, 15):
        plan["accounting"] = {"amortize_months": draw(ints(1, 24))}
    if chance(draw, 1, 10):
        plan["eligibility"] = {"roles": ["AE"]}
    return plan, period_key


def to_plan(data: dict) -> Plan:
    return msgspec.convert(data, Plan, strict=False)


def lint_errors(plan: Plan) -> list:
    """Errors that would keep the plan from being published."""
    return [i for i in lint.check_plan(plan) if i.severity == "error"]


# --- inputs -------------------------------------------------------------------------------


def _day_in(draw, period: Period) -> date:
    return period.start + timedelta(days=draw(ints(0, period.days - 1)))


def draw_rep(draw, period: Period, idx: int) -> Rep:
    hired = terminated = None
    h = draw(ints(0, 49))
    if h >= 40:
        hired = _day_in(draw, period)
    elif h == 39:
        hired = period.end + timedelta(days=draw(ints(1, 40)))  # not hired yet: share 0
    elif h >= 20:
        hired = period.start - timedelta(days=draw(ints(1, 900)))
    t = draw(ints(0, 49))
    if t >= 43:
        terminated = max(_day_in(draw, period), hired or period.start)
    elif t == 42:
        terminated = period.start - timedelta(days=draw(ints(1, 40)))  # gone: share 0
    salary = None if chance(draw, 1, 15) else draw(dec(1000, 12000, 2, 4000, 6000))
    return Rep(f"r{idx}", f"Rep {idx}", role="AE", team="EAST", hired_on=hired, terminated_on=terminated,
               currency="USD", salary=salary)


SHARES = (D(1),) * 6 + (D("0.5"), D("0.15"), D("0.7"), D("0.3333"), D(0))
STATUSES = ("won",) * 6 + ("lost", "cancelled", "open")


def draw_deals(draw, period: Period) -> tuple[Deal, ...]:
    n = draw(ints(0, 8))
    dup = chance(draw, 1, 8)
    out = []
    for i in range(n):
        did = f"D{draw(ints(0, 3))}" if dup else f"D{i:02d}"
        status = one(draw, *STATUSES)
        kind = draw(ints(0, 24))
        if kind == 24:
            amount = D(0)
        elif kind == 23:
            amount = -draw(dec(1, 5000, 2))  # a credit note
        else:
            amount = draw(dec(100, 80000, 2, 15000, 20000, 30000, 10000))
        cost = (draw(dec(0, 1, 3, 0, "0.5", "0.8", 1, "1.2")) * abs(amount)).quantize(D("0.01"))
        closed = _day_in(draw, period)
        out.append(Deal(did, status, amount, cost, closed_at=closed, created_at=closed - timedelta(days=20),
                        cancelled_at=closed + timedelta(days=3) if status == "cancelled" else None,
                        product=one(draw, "", *PRODUCTS), currency="USD", share=one(draw, *SHARES),
                        fields={"discount": draw(dec(0, 500, 2))} if chance(draw, 3, 4) else {}))
    return tuple(out)


def _target_keys(plan: Plan) -> dict[str, str | None]:
    """Target key → the metric it is for (None for a quota)."""
    keys: dict[str, str | None] = {}
    for comp in plan.components:
        for k in getattr(comp, "kpis", []):
            keys.setdefault(k.target_key or k.metric, k.metric)
        if isinstance(comp, Commission):
            keys.setdefault(comp.quota_key, None)
    return keys


def _on_targets(plan: Plan) -> dict[str, list[Decimal]]:
    """Metric key → the targets, gate minimums and curve points on it, to draw values exactly there."""
    out: dict[str, list[Decimal]] = {}
    for comp in plan.components:
        for k in getattr(comp, "kpis", []):
            key = kpi_spec(k).key
            if k.target:
                out.setdefault(key, []).append(k.target)
            out.setdefault(key, []).extend(x for x, _ in k.curve)
        for g in getattr(comp, "gates", []):
            if g.metric and g.min is not None:
                out.setdefault(g.metric, []).append(g.min)
    return out


RATIOS = (D(1), D("0.5"), D("0.7"), D("1.2"), D("1.5"), D(2), D(0))


def draw_metrics(draw, plan: Plan) -> dict[str, MetricValue]:
    special = _on_targets(plan)
    values: dict[str, MetricValue] = {}
    for spec in plan_needs(plan).specs:
        which = draw(ints(0, 199))
        if which == 199:
            continue  # missing entirely
        if which == 198:
            values[spec.key] = MetricValue(None, 0, ())  # undefined (no NPS answers…)
            continue
        on = special.get(spec.key)
        if on and which >= 140:  # exactly on a target, a gate minimum or a curve point, or a ratio of it
            value = one(draw, *on) * one(draw, *RATIOS)
        else:
            value = draw(metric_value(spec.name))
        values[spec.key] = MetricValue(value, draw(ints(0, 30)), ("E1",) if chance(draw, 1, 2) else ())
    if chance(draw, 1, 5):
        values["unused_metric"] = MetricValue(D(5), 1, ())
    return values


def draw_targets(draw, plan: Plan) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for key, metric in _target_keys(plan).items():
        if not chance(draw, 1, 5):
            continue
        if metric is None:
            value = draw(dec(1000, 200000, 2, 50000)) if not chance(draw, 1, 15) else one(draw, D(0), D(-100))
        else:
            value = draw_target(draw, metric)
        out[key] = Target(value, one(draw, "targets.csv row 4 (team EAST)", "rep row"))
    return out


def draw_state(draw, period: Period) -> CarriedState | None:
    which = draw(ints(0, 3))
    if which == 0:
        return None
    if which == 1:
        return CarriedState()
    owed = D(0)
    if chance(draw, 1, 2):  # a negative balance carried in: on the cent, or from other rounding
        owed = draw(dec(0, 3000, 2, "0.01", "12.5")) if chance(draw, 5, 6) else draw(dec(0, 50, 3, "0.005"))
    return CarriedState(draw_balance=draw(dec(0, 2000, 2)),
                        paid_deals={"D00": PaidDeal(D("120.00"), period.previous().key, "c0")},
                        clawed_back=("D99",) if chance(draw, 1, 2) else (), negative_balance=owed)


# --- a whole case -------------------------------------------------------------------------


@dataclass
class Case:
    """One plan and a few reps' inputs with carried state; each rep's period is its
    `inputs.period_key` (mostly `period_key`, sometimes another period of the plan's kind)."""

    plan_dict: dict
    period_key: str
    reps: list[tuple[RepInputs, CarriedState | None]] = field(default_factory=list)
    plan: Plan | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.plan is None:
            self.plan = to_plan(self.plan_dict)

    def __repr__(self) -> str:  # what Hypothesis prints for a falsifying example: a runnable repro
        reps = ",\n  ".join(f"(decode_inputs({msgspec.json.encode(i).decode()!r}),\n   "
                            f"decode_state({msgspec.json.encode(state).decode()!r}))" for i, state in self.reps)
        return (f"Case(plan_dict={self.plan_dict!r},\n period_key={self.period_key!r},\n"
                f" reps=[\n  {reps}])")


@st.composite
def cases(draw, shape: str = "mixed", rare: bool = False, max_reps: int = 3) -> Case:
    data, period_key = draw_plan(draw, shape, rare)
    plan = to_plan(data)
    reps = []
    for i in range(draw(ints(1, max_reps))):
        period = parse_period(period_key)
        if chance(draw, 1, 5):  # the same reader is used for other periods too
            period = parse_period(one(draw, *(MONTHS if plan.period == "month" else
                                               QUARTERS if plan.period == "quarter" else ("2026", "2025"))))
        inputs = RepInputs(draw_rep(draw, period, i), period.key, metrics=draw_metrics(draw, plan),
                           deals=draw_deals(draw, period), targets=draw_targets(draw, plan))
        reps.append((inputs, draw_state(draw, period)))
    return Case(data, period_key, reps, plan)


def decode_inputs(text: str) -> RepInputs:
    """RepInputs from the JSON a `Case` repr prints."""
    return msgspec.json.decode(text, type=RepInputs)


def decode_state(text: str) -> CarriedState | None:
    return msgspec.json.decode(text, type=CarriedState | None)
