"""Semantic checks of the parts components share, for `payplan.core.lint_components`.

Tiers and multipliers (bands), metric names, curves, cap and floor, gates, declared
base formulas, products, a curve's slope past its last point. Each returns Issues
whose message is a template over named values (`payplan.core.issues.error`): a plan's
numbers are `{x:text}`, printed as the plan file writes them in every language.
Pure: stdlib and msgspec only; must not read files or compute pay.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

from payplan.core import metrics
from payplan.core.base import base_error
from payplan.core.issues import Issue, error, sentence, warning
from payplan.core.lint_where import Path, where
from payplan.core.plan import Gate, Plan
from payplan.core.trace import N_


def check_bands(plan: Plan, bands: list[Any], path: Path, gaps: bool) -> list[Issue]:
    """Tiers or multipliers: from < to, only the last open-ended, no overlaps (nor gaps)."""
    issues, name = [], path[-1]
    for k, band in enumerate(bands):
        if band.to is not None and band.from_ >= band.to:
            issues.append(error("tier-range", N_("{bands}[{k}] runs from {start:text} to {end:text}; "
                                                 "from must be below to"), where(plan, path + (k,)),
                                bands=name, k=k, start=band.from_, end=band.to))
    for k in range(len(bands) - 1):
        a, b, at = bands[k], bands[k + 1], where(plan, path + (k + 1,))
        names = sentence(N_("{bands}[{k}] ({first}) and {bands}[{next}] ({second})"), bands=name, k=k,
                         next=k + 1, first=_span(a), second=_span(b))
        if a.to is None:
            issues.append(error("tier-open", N_("only the last band may be open-ended: {names}"), at, names=names))
        elif a.to > b.from_:
            issues.append(error("tiers-overlap", N_("{names} overlap between {start:text} and {end:text}"), at,
                                names=names, start=b.from_, end=a.to))
        elif gaps and a.to < b.from_:
            issues.append(error("tiers-gap", N_("gap between {names}: nothing pays from {start:text} to {end:text} "
                                                "(bands meet at the same value; `boundary` says which side owns it)"),
                                at, names=names, start=a.to, end=b.from_))
    return issues


def _span(band: Any) -> dict[str, Any]:
    if band.to is None:
        return sentence(N_("{start:text} to open"), start=band.from_)
    return sentence(N_("{start:text} to {end:text}"), start=band.from_, end=band.to)


def check_metric(plan: Plan, name: str | None, path: Path) -> list[Issue]:
    if name is None or metrics.lookup(name) is not None:
        return []
    close = difflib.get_close_matches(name, list(metrics.CATALOG), n=1)
    if close:
        return [error("unknown-metric", N_("unknown metric '{metric}'; did you mean '{close}'?"),
                      where(plan, path), metric=name, close=close[0])]
    return [error("unknown-metric", N_("unknown metric '{metric}'; custom scores are written '{prefix}KIND'"),
                  where(plan, path), metric=name, prefix=metrics.SCORE_PREFIX)]


def check_curve(plan: Plan, points: list[tuple[Decimal, Decimal]], path: Path) -> list[Issue]:
    for k in range(1, len(points)):
        if points[k][0] < points[k - 1][0]:
            return [error("curve-order", N_("curve point {k} has x = {x:text}, below the previous point's "
                                            "x = {previous:text}; x must not decrease"), where(plan, path + (k,)),
                          k=k, x=points[k][0], previous=points[k - 1][0])]
    return []


def check_cap_floor(plan: Plan, item: Any, path: Path) -> list[Issue]:
    cap, floor = item.cap, item.floor
    if cap is not None and floor is not None and cap < floor:
        return [error("cap-below-floor", N_("cap {cap:text} is below floor {floor:text}"),
                      where(plan, path + ("cap",)), cap=cap, floor=floor)]
    return []


def check_gates(plan: Plan, gates: list[Gate], path: Path) -> list[Issue]:
    issues = []
    for k, gate in enumerate(gates):
        at = path + ("gates", k)
        if gate.metric is None and gate.kpi_min is None:
            issues.append(error("gate-empty", N_("a gate needs a metric with min, or kpi_min"), where(plan, at)))
        elif gate.metric is not None and gate.min is None:
            issues.append(error("gate-empty", N_("gate on {metric} has no min"), where(plan, at), metric=gate.metric))
        issues += check_metric(plan, gate.metric, at + ("metric",))
    return issues


def check_formula(plan: Plan, base: str, path: Path) -> list[Issue]:
    """A declared commission base must parse as arithmetic over deal fields."""
    problem = base_error(base)
    if problem is None:
        return []
    return [error("base-formula", N_("base {base}: {problem}"), where(plan, path), base=repr(base),
                  problem=sentence(problem.template, **problem.inputs))]


def check_products(plan: Plan, c: Any, path: Path) -> list[Issue]:
    """A product both included and excluded: the file says two things about it."""
    both = sorted(set(c.products) & set(c.exclude_products))
    if not both:
        return []
    return [error("product-both", N_("{component} both includes and excludes {products}"),
                  where(plan, path + ("exclude_products",)), component=c.id, products=", ".join(map(repr, both)))]


def check_slope(plan: Plan, points: list[tuple[Decimal, Decimal]], slope: Decimal | None, path: Path) -> list[Issue]:
    """A slope past the last point needs a curve to continue; a negative one takes away as x grows."""
    if slope is None:
        return []
    if not points:
        return [error("slope-without-curve", N_("{key} = {slope:text} but there is no curve to continue"),
                      where(plan, path), key=path[-1], slope=slope)]
    if slope < 0:
        return [warning("falling-slope", N_("{key} = {slope:text}: past the last point the curve falls "
                                            "without limit"), where(plan, path), key=path[-1], slope=slope)]
    return []
