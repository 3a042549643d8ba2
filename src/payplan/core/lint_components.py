"""Semantic checks of each plan component, for `payplan.core.lint`.

One function per component kind (scorecard, commission, spiff, draw, fixed; the
team's in `payplan.core.lint_team`), each returning Issues whose `where` is
`where(plan, path)`: the key path, then the component and KPI names. Messages are
templates over named values (`payplan.core.issues.error`), translated where read.
The parts components share (bands, curves, gates…) are `payplan.core.lint_parts`.
Pure: stdlib and msgspec only; must not read files or compute pay.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core import metrics
from payplan.core.extras import spiff_spec
from payplan.core.issues import Issue, error, listing, warning
from payplan.core.lint_parts import (check_bands, check_cap_floor, check_curve, check_formula, check_gates,
                                     check_metric, check_products, check_slope)
from payplan.core.lint_where import Path, where
from payplan.core.metrics import SCORE_PREFIX
from payplan.core.plan import Commission, Draw, Fixed, Kpi, Plan, Scorecard, Spiff
from payplan.core.trace import N_

__all__ = ["Path", "check_commission", "check_draw", "check_fixed", "check_formula", "check_scorecard",
           "check_spiff", "where"]

MAX_KPIS = 7


def check_scorecard(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    issues = _check_weights(plan, card, path) + _check_mix(plan, card, path)
    if card.target_incentive is None and card.salary_share is None:
        issues.append(error("no-target-incentive", N_("a scorecard needs target_incentive or salary_share"),
                            where(plan, path)))
    elif card.target_incentive is not None and card.salary_share is not None:
        issues.append(error("target-incentive-twice", N_("set target_incentive or salary_share, not both"),
                            where(plan, path + ("salary_share",))))
    issues += check_curve(plan, card.payout_curve, path + ("payout_curve",))
    issues += check_slope(plan, card.payout_curve, card.payout_curve_slope_after, path + ("payout_curve_slope_after",))
    for k, kpi in enumerate(card.kpis):
        issues += _check_kpi(plan, kpi, path + ("kpis", k))
    return issues + check_gates(plan, card.gates, path)


def _check_weights(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    if not card.kpis:
        return [error("no-kpis", N_("scorecard {card} has no KPIs"), where(plan, path), card=card.id)]
    total = sum((kpi.weight for kpi in card.kpis), Decimal(0))
    if total != 1:
        weights = " + ".join(f"{kpi.weight} ({kpi.id})" for kpi in card.kpis)
        return [error("weights-sum", N_("KPI weights of scorecard {card} sum to {total:text}, not 1: {weights:text}"),
                      where(plan, path + ("kpis",)), card=card.id, total=total, weights=weights)]
    return []


def _check_mix(plan: Plan, card: Scorecard, path: Path) -> list[Issue]:
    """The classic mistakes: one metric, volume only, too many KPIs, no quality."""
    at = where(plan, path + ("kpis",))
    families = [d.family for d in (metrics.lookup(k.metric) for k in card.kpis) if d is not None]
    issues = []
    if len(card.kpis) == 1:
        issues.append(warning("single-kpi", N_("scorecard {card} ties the bonus to one metric ({metric}); "
                                               "add deal size, margin or customer KPIs"), at,
                              card=card.id, metric=card.kpis[0].metric))
    if families and all(f in metrics.VOLUME_FAMILIES for f in families):
        issues.append(warning("volume-only", N_("scorecard {card} measures only volume and activity; "
                                                "add conversion, margin or quality KPIs"), at, card=card.id))
    if len(card.kpis) > MAX_KPIS:
        issues.append(warning("too-many-kpis", N_("scorecard {card} has {count} KPIs; more than {most} dilutes "
                                                  "each one (about five is usual)"), at,
                              card=card.id, count=len(card.kpis), most=MAX_KPIS))
    if card.kpis and not any(f in metrics.QUALITY_FAMILIES for f in families):
        issues.append(warning("no-quality-kpi", N_("scorecard {card} has no quality or profit KPI "
                                                   "(CRM hygiene, script compliance, NPS, margin)"), at, card=card.id))
    return issues


def _check_kpi(plan: Plan, kpi: Kpi, path: Path) -> list[Issue]:
    issues = check_metric(plan, kpi.metric, path + ("metric",))
    issues += check_curve(plan, kpi.curve, path + ("curve",)) + check_cap_floor(plan, kpi, path)
    issues += check_slope(plan, kpi.curve, kpi.curve_slope_after, path + ("curve_slope_after",))
    if not kpi.why.strip():
        issues.append(warning("kpi-why", N_("KPI {kpi} does not say why it matters (`why`); reps read it on "
                                            "their statement"), where(plan, path), kpi=kpi.id))
    definition = metrics.lookup(kpi.metric)
    lower = kpi.better == "lower" or (kpi.better is None and definition is not None and definition.better == "lower")
    if lower and kpi.lower_is == "inverse" and not kpi.curve and kpi.cap is None:
        issues.append(warning("unbounded-kpi", N_("KPI {kpi} scores target / actual with no cap: attainment grows "
                                                  "without limit as the actual approaches 0"),
                              where(plan, path + ("cap",)), kpi=kpi.id))
    return issues


def check_commission(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    issues = []
    if c.rate is None and not c.tiers and c.target_incentive is None:
        issues.append(error("no-rate", N_("commission {component} needs a rate, tiers or target_incentive"),
                            where(plan, path), component=c.id))
    issues += _check_conflicts(plan, c, path)
    issues += check_bands(plan, c.tiers, path + ("tiers",), gaps=True)
    issues += check_bands(plan, c.multipliers, path + ("multipliers",), gaps=False)
    issues += _check_quota(plan, c, path) + check_cap_floor(plan, c, path) + check_gates(plan, c.gates, path)
    issues += check_formula(plan, c.base, path + ("base",)) + check_products(plan, c, path)
    if c.base == "revenue" and not _sees_margin(plan):
        issues.append(warning("ignores-margin", N_("commission {component} pays on revenue and nothing in the plan "
                                                   "looks at margin: a deal that loses money still pays"),
                              where(plan, path + ("base",)), component=c.id))
    return issues


def _check_conflicts(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    """Two ways of saying what a commission pays, where the engine would silently use one:
    tiers win over a rate, a rate wins over target_incentive."""
    pairs = (("target_incentive", "tiers", c.target_incentive is not None and bool(c.tiers)),
             ("target_incentive", "rate", c.target_incentive is not None and c.rate is not None),
             ("rate", "tiers", c.rate is not None and bool(c.tiers)))
    return [error("conflicting-fields", N_("commission {component} sets both {one} and {other}: keep the one that "
                                           "says what it pays"), where(plan, path + (one,)),
                  component=c.id, one=one, other=other)
            for one, other, both in pairs if both]


# Why a commission needs a quota, as its check names the reasons.
_QUOTA_NEEDS = (N_("tiers on attainment"), N_("above_quota"), N_("target_incentive without a rate"),
                N_("multipliers on attainment"))


def _check_quota(plan: Plan, c: Commission, path: Path) -> list[Issue]:
    needs = [reason for reason, used in zip(_QUOTA_NEEDS, (
        c.tiers and c.tiers_on == "attainment", c.above_quota, c.target_incentive is not None and c.rate is None,
        c.multipliers and c.multipliers_on == "attainment")) if used]
    if not needs or c.quota is not None:
        return []
    return [warning("quota-from-targets", N_("commission {component} needs a quota ({needs}) and the plan sets none: "
                                             "it must come from target overrides '{key}'"),
                    where(plan, path + ("quota",)), component=c.id, needs=listing(*needs), key=c.quota_key)]


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
        issues.append(error("spiff-dates", N_("spiff {component} ends {ends:text}, before it starts {starts:text}"),
                            where(plan, path + ("ends",)), component=s.id, ends=s.ends, starts=s.starts))
    if s.per_deal is None and s.rate is None and s.per_unit is None and not s.tiers:
        issues.append(error("no-rate", N_("spiff {component} needs per_deal, tiers, rate or per_unit"),
                            where(plan, path), component=s.id))
    if s.tiers and (s.per_deal is not None or s.metric is not None):
        issues.append(error("spiff-tiers", N_("spiff {component}: tiers on the deal count replace per_deal and "
                                              "cannot pay per unit of a metric"), where(plan, path + ("tiers",)),
                            component=s.id))
    issues += check_bands(plan, s.tiers, path + ("tiers",), gaps=True)
    if s.per_unit is not None and s.metric is None:
        issues.append(error("no-metric", N_("spiff {component} pays per_unit but names no metric"),
                            where(plan, path + ("per_unit",)), component=s.id))
    spec = spiff_spec(s, plan.period) if s.metric else None
    if spec and (spec.starts or spec.ends) and (s.metric.startswith(SCORE_PREFIX) or s.metric in _PERIOD_SCORES):
        issues.append(error("spiff-window-score", N_("spiff {component} counts {metric}, a score given per period: "
                                                     "its dates must start and end on period boundaries"),
                            where(plan, path + ("starts",)), component=s.id, metric=s.metric))
    return issues


_PERIOD_SCORES = ("crm_hygiene", "script_compliance")  # scores.csv rows: one value per period, no days


def check_draw(plan: Plan, d: Draw, path: Path) -> list[Issue]:
    issues = []
    if d.amount <= 0:
        issues.append(error("draw-amount", N_("draw {component} amount is {amount:text}; it must be above 0"),
                            where(plan, path + ("amount",)), component=d.id, amount=d.amount))
    if d.periods is not None and d.periods <= 0:
        issues.append(error("draw-periods", N_("draw {component} periods is {periods}; it must be at least 1"),
                            where(plan, path + ("periods",)), component=d.id, periods=d.periods))
    if d.opening_balance < 0:
        issues.append(error("draw-opening-balance",
                            N_("draw {component} opening_balance is {balance:text}; it must be 0 or more"),
                            where(plan, path + ("opening_balance",)), component=d.id, balance=d.opening_balance))
    return issues


def check_fixed(plan: Plan, f: Fixed, path: Path) -> list[Issue]:
    if f.amount is None and not f.from_salary:
        return [error("no-amount", N_("fixed {component} needs amount or from_salary = true"), where(plan, path),
                      component=f.id)]
    return []
