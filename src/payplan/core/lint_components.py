"""Semantic checks of each plan component, for `payplan.core.lint`.

One function per component kind (scorecard, commission, spiff, override,
draw, fixed), each returning Issues whose `where` is `where(plan, path)`:
the key path, then the component and KPI names. Pure: stdlib and msgspec
only; must not read files or compute pay.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

import msgspec

from payplan.core import metrics
from payplan.core.base import check_base
from payplan.core.extras import spiff_spec
from payplan.core.issues import Issue, error, warning
from payplan.core.metrics import SCORE_PREFIX
from payplan.core.plan import Commission, Draw, Fixed, Gate, Kpi, Plan, Scorecard, Spiff

Path = tuple[str | int, ...]

MAX_KPIS = 7


def where(plan: Plan, path: Path) -> str:
    """`components[0].kpis[2].weight (scorecard bonus, kpi demos)`: the path, then its names."""
    names, node = [], plan
    for part in path:
        node = step(node, part)
        if isinstance(node, Kpi):
            names.append(f"kpi {node.id}")
        elif isinstance(node, msgspec.Struct) and node.__struct_config__.tag:
            names.append(f"{node.__struct_config__.tag} {getattr(node, 'id', '')}".strip())
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"{text} ({', '.join(names)})" if names else text


def step(node: Any, part: str | int) -> Any:
    """The child of a plan node by key (encoded field name) or list index, or None."""
    if isinstance(part, int):
        return node[part] if isinstance(node, (list, tuple)) and part < len(node) else None
    for f in msgspec.structs.fields(node) if isinstance(node, msgspec.Struct) else ():
        if f.encode_name == part:
            return getattr(node, f.name)
    return None


def check_scorecard(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    issues = _check_weights(plan, card, path) + _check_mix(plan, card, path)
    if card.target_incentive is None and card.salary_share is None:
        issues.append(error("no-target-incentive", "a scorecard needs target_incentive or salary_share",
                            where(plan, path)))
    elif card.target_incentive is not None and card.salary_share is not None:
        issues.append(error("target-incentive-twice", "set target_incentive or salary_share, not both",
                            where(plan, path + ("salary_share",))))
    issues += check_curve(plan, card.payout_curve, path + ("payout_curve",))
    issues += check_slope(plan, card.payout_curve, card.payout_curve_slope_after, path + ("payout_curve_slope_after",))
    for k, kpi in enumerate(card.kpis):
        issues += _check_kpi(plan, kpi, path + ("kpis", k))
    return issues + check_gates(plan, card.gates, path)


def _check_weights(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    if not card.kpis:
        return [error("no-kpis", f"scorecard {card.id} has no KPIs", where(plan, path))]
    total = sum((kpi.weight for kpi in card.kpis), Decimal(0))
    if total != 1:
        weights = " + ".join(f"{kpi.weight} ({kpi.id})" for kpi in card.kpis)
        return [error("weights-sum", f"KPI weights of scorecard {card.id} sum to {total}, not 1: {weights}",
                      where(plan, path + ("kpis",)))]
    return []


def _check_mix(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    """The classic mistakes: one metric, volume only, too many KPIs, no quality."""
    at = where(plan, path + ("kpis",))
    families = [d.family for d in (metrics.lookup(k.metric) for k in card.kpis) if d is not None]
    issues = []
    if len(card.kpis) == 1:
        issues.append(warning("single-kpi", f"scorecard {card.id} ties the bonus to one metric "
                              f"({card.kpis[0].metric}); add deal size, margin or customer KPIs", at))
    if families and all(f in metrics.VOLUME_FAMILIES for f in families):
        issues.append(warning("volume-only", f"scorecard {card.id} measures only volume and activity; "
                              "add conversion, margin or quality KPIs", at))
    if len(card.kpis) > MAX_KPIS:
        issues.append(warning("too-many-kpis", f"scorecard {card.id} has {len(card.kpis)} KPIs; more than "
                              f"{MAX_KPIS} dilutes each one (about five is usual)", at))
    if card.kpis and not any(f in metrics.QUALITY_FAMILIES for f in families):
        issues.append(warning("no-quality-kpi", f"scorecard {card.id} has no quality or profit KPI "
                              "(CRM hygiene, script compliance, NPS, margin)", at))
    return issues


def _check_kpi(plan: Plan, kpi: Kpi, path: Path) -> list[Issue]:
    issues = check_metric(plan, kpi.metric, path + ("metric",))
    issues += check_curve(plan, kpi.curve, path + ("curve",)) + check_cap_floor(plan, kpi, path)
    issues += check_slope(plan, kpi.curve, kpi.curve_slope_after, path + ("curve_slope_after",))
    if not kpi.why.strip():
        issues.append(warning("kpi-why", f"KPI {kpi.id} does not say why it matters (`why`); reps "
                              "read it on their statement", where(plan, path)))
    definition = metrics.lookup(kpi.metric)
    lower = kpi.better == "lower" or (kpi.better is None and definition is not None and definition.better == "lower")
    if lower and kpi.lower_is == "inverse" and not kpi.curve and kpi.cap is None:
        issues.append(warning("unbounded-kpi", f"KPI {kpi.id} scores target / actual with no cap: "
                              "attainment grows without limit as the actual approaches 0", where(plan, path + ("cap",))))
    return issues


def check_commission(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    issues = []
    if c.rate is None and not c.tiers and c.target_incentive is None:
        issues.append(error("no-rate", f"commission {c.id} needs a rate, tiers or target_incentive",
                            where(plan, path)))
    issues += _check_conflicts(plan, c, path)
    issues += check_bands(plan, c.tiers, path + ("tiers",), gaps=True)
    issues += check_bands(plan, c.multipliers, path + ("multipliers",), gaps=False)
    issues += _check_quota(plan, c, path) + check_cap_floor(plan, c, path) + check_gates(plan, c.gates, path)
    issues += check_formula(plan, c.base, path + ("base",)) + check_products(plan, c, path)
    if c.base == "revenue" and not _sees_margin(plan):
        issues.append(warning("ignores-margin", f"commission {c.id} pays on revenue and nothing in the "
                              "plan looks at margin: a deal that loses money still pays", where(plan, path + ("base",))))
    return issues


def _check_conflicts(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    """Two ways of saying what a commission pays, where the engine would silently use one:
    tiers win over a rate, a rate wins over target_incentive."""
    pairs = (("target_incentive", "tiers", c.target_incentive is not None and bool(c.tiers)),
             ("target_incentive", "rate", c.target_incentive is not None and c.rate is not None),
             ("rate", "tiers", c.rate is not None and bool(c.tiers)))
    return [error("conflicting-fields", f"commission {c.id} sets both {one} and {other}: "
                  f"keep the one that says what it pays", where(plan, path + (one,)))
            for one, other, both in pairs if both]


def _check_quota(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    needs = [reason for reason, used in (
        ("tiers on attainment", c.tiers and c.tiers_on == "attainment"),
        ("above_quota", c.above_quota),
        ("target_incentive without a rate", c.target_incentive is not None and c.rate is None),
        ("multipliers on attainment", c.multipliers and c.multipliers_on == "attainment"),
    ) if used]
    if not needs or c.quota is not None:
        return []
    return [warning("quota-from-targets", f"commission {c.id} needs a quota ({', '.join(needs)}) and the "
                    f"plan sets none: it must come from target overrides '{c.quota_key}'",
                    where(plan, path + ("quota",)))]


def _sees_margin(plan: Plan) -> bool:
    """Whether any component pays on, tiers on, or scores a profit measure."""
    for component in plan.components:
        base = getattr(component, "base", "")
        if base == "margin" or "cost" in base or getattr(component, "tiers_on", "") == "margin_rate":
            return True
        named = [k.metric for k in getattr(component, "kpis", [])]
        named += [g.metric for g in getattr(component, "gates", []) if g.metric]
        if any((d := metrics.lookup(m)) is not None and d.family == "profit" for m in named):
            return True
    return False


def check_spiff(plan: Plan, s: Spiff, path: Path) -> list[Issue]:
    issues = check_metric(plan, s.metric, path + ("metric",)) + check_formula(plan, s.base, path + ("base",))
    issues += check_products(plan, s, path)
    if s.starts and s.ends and s.ends < s.starts:
        issues.append(error("spiff-dates", f"spiff {s.id} ends {s.ends}, before it starts {s.starts}",
                            where(plan, path + ("ends",))))
    if s.per_deal is None and s.rate is None and s.per_unit is None and not s.tiers:
        issues.append(error("no-rate", f"spiff {s.id} needs per_deal, tiers, rate or per_unit", where(plan, path)))
    if s.tiers and (s.per_deal is not None or s.metric is not None):
        issues.append(error("spiff-tiers", f"spiff {s.id}: tiers on the deal count replace per_deal and "
                            "cannot pay per unit of a metric", where(plan, path + ("tiers",))))
    issues += check_bands(plan, s.tiers, path + ("tiers",), gaps=True)
    if s.per_unit is not None and s.metric is None:
        issues.append(error("no-metric", f"spiff {s.id} pays per_unit but names no metric",
                            where(plan, path + ("per_unit",))))
    spec = spiff_spec(s, plan.period) if s.metric else None
    if spec and (spec.starts or spec.ends) and (s.metric.startswith(SCORE_PREFIX) or s.metric in _PERIOD_SCORES):
        issues.append(error("spiff-window-score", f"spiff {s.id} counts {s.metric}, a score given per period: "
                            "its dates must start and end on period boundaries", where(plan, path + ("starts",))))
    return issues


_PERIOD_SCORES = ("crm_hygiene", "script_compliance")  # scores.csv rows: one value per period, no days


def check_draw(plan: Plan, d: Draw, path: Path) -> list[Issue]:
    issues = []
    if d.amount <= 0:
        issues.append(error("draw-amount", f"draw {d.id} amount is {d.amount}; it must be above 0",
                            where(plan, path + ("amount",))))
    if d.periods is not None and d.periods <= 0:
        issues.append(error("draw-periods", f"draw {d.id} periods is {d.periods}; it must be at least 1",
                            where(plan, path + ("periods",))))
    if d.opening_balance < 0:
        issues.append(error("draw-opening-balance",
                            f"draw {d.id} opening_balance is {d.opening_balance}; it must be 0 or more",
                            where(plan, path + ("opening_balance",))))
    return issues


def check_fixed(plan: Plan, f: Fixed, path: Path) -> list[Issue]:
    if f.amount is None and not f.from_salary:
        return [error("no-amount", f"fixed {f.id} needs amount or from_salary = true", where(plan, path))]
    return []


def check_bands(plan: Plan, bands: list[Any], path: Path, gaps: bool) -> list[Issue]:
    """Tiers or multipliers: from < to, only the last open-ended, no overlaps (nor gaps)."""
    issues = []
    for k, band in enumerate(bands):
        if band.to is not None and band.from_ >= band.to:
            issues.append(error("tier-range", f"{path[-1]}[{k}] runs from {band.from_} to {band.to}; "
                                "from must be below to", where(plan, path + (k,))))
    for k in range(len(bands) - 1):
        a, b, at = bands[k], bands[k + 1], where(plan, path + (k + 1,))
        names = f"{path[-1]}[{k}] ({_span(a)}) and {path[-1]}[{k + 1}] ({_span(b)})"
        if a.to is None:
            issues.append(error("tier-open", f"only the last band may be open-ended: {names}", at))
        elif a.to > b.from_:
            issues.append(error("tiers-overlap", f"{names} overlap between {b.from_} and {a.to}", at))
        elif gaps and a.to < b.from_:
            issues.append(error("tiers-gap", f"gap between {names}: nothing pays from {a.to} to {b.from_} "
                                "(bands meet at the same value; `boundary` says which side owns it)", at))
    return issues


def _span(band: Any) -> str:
    return f"{band.from_} to {'open' if band.to is None else band.to}"


def check_metric(plan: Plan, name: str | None, path: Path) -> list[Issue]:
    if name is None or metrics.lookup(name) is not None:
        return []
    close = difflib.get_close_matches(name, list(metrics.CATALOG), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"custom scores are written '{metrics.SCORE_PREFIX}KIND'"
    return [error("unknown-metric", f"unknown metric '{name}'; {hint}", where(plan, path))]


def check_curve(plan: Plan, points: list[tuple[Decimal, Decimal]], path: Path) -> list[Issue]:
    for k in range(1, len(points)):
        if points[k][0] < points[k - 1][0]:
            return [error("curve-order", f"curve point {k} has x = {points[k][0]}, below the previous "
                          f"point's x = {points[k - 1][0]}; x must not decrease", where(plan, path + (k,)))]
    return []


def check_cap_floor(plan: Plan, item: Any, path: Path) -> list[Issue]:
    cap, floor = item.cap, item.floor
    if cap is not None and floor is not None and cap < floor:
        return [error("cap-below-floor", f"cap {cap} is below floor {floor}", where(plan, path + ("cap",)))]
    return []


def check_gates(plan: Plan, gates: list[Gate], path: Path) -> list[Issue]:
    issues = []
    for k, gate in enumerate(gates):
        at = path + ("gates", k)
        if gate.metric is None and gate.kpi_min is None:
            issues.append(error("gate-empty", "a gate needs a metric with min, or kpi_min", where(plan, at)))
        elif gate.metric is not None and gate.min is None:
            issues.append(error("gate-empty", f"gate on {gate.metric} has no min", where(plan, at)))
        issues += check_metric(plan, gate.metric, at + ("metric",))
    return issues


def check_formula(plan: Plan, base: str, path: Path) -> list[Issue]:
    """A declared commission base must parse as arithmetic over deal fields."""
    problem = check_base(base)
    return [error("base-formula", f"base {base!r}: {problem}", where(plan, path))] if problem else []


def check_products(plan: Plan, c: Any, path: Path) -> list[Issue]:
    """A product both included and excluded: the file says two things about it."""
    both = sorted(set(c.products) & set(c.exclude_products))
    if not both:
        return []
    return [error("product-both", f"{c.id} both includes and excludes {', '.join(map(repr, both))}",
                  where(plan, path + ("exclude_products",)))]


def check_slope(plan: Plan, points: list[tuple[Decimal, Decimal]], slope: Decimal | None, path: Path) -> list[Issue]:
    """A slope past the last point needs a curve to continue; a negative one takes away as x grows."""
    if slope is None:
        return []
    if not points:
        return [error("slope-without-curve", f"{path[-1]} = {slope} but there is no curve to continue",
                      where(plan, path))]
    if slope < 0:
        return [warning("falling-slope", f"{path[-1]} = {slope}: past the last point the curve falls "
                        "without limit", where(plan, path))]
    return []
