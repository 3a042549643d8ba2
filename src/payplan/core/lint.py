"""Semantic checks of plans: errors that make a plan wrong, warnings for classic mistakes.

`check_plan(plan)` reports what the schema cannot say: weights that do not sum
to 1, unknown metrics, tier gaps and overlaps, negative rates, impossible
dates, numbers out of bounds (`payplan.core.bounds`), values that make
evaluation fail (a rehearsal on synthetic inputs, `payplan.core.rehearsal`);
and the mistakes of DESIGN §3 as warnings (a single-KPI or volume-only
scorecard, too many KPIs, no quality KPI, commission blind to margin, a KPI
nobody explained). `check_versions(plans)` checks versions of one plan
against each other. Each issue's `where` starts with the key path
(`components[0].kpis[2].weight`) followed by the names in parentheses.
Pure: stdlib and msgspec only; must not read files or compute pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from payplan.core.issues import Issue, error, sentence
from payplan.core.lint_accept import acknowledge
from payplan.core.lint_team import COMPONENT_CHECKS
from payplan.core.lint_where import Path, step, where
from payplan.core.lint_windows import check_window
from payplan.core.bounds import plan_number_template
from payplan.core import parameters
from payplan.core.inputs import Rep, RepInputs
from payplan.core.periods import FIRST_YEAR, LAST_YEAR
from payplan.core.plan import RESERVED_IDS, Commission, Draw, Kpi, Plan, Scorecard
from payplan.core.rehearsal import rehearse
from payplan.core.trace import N_

MAX_PLACES = 6
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NON_NEGATIVE = frozenset({
    "weight", "rate", "amount", "target_incentive", "salary_share", "per_deal", "per_unit", "cap",
    "floor", "payout_cap", "factor", "quota", "team_quota", "threshold", "min_attainment", "share",
    "window_days", "max_days",
})


def check_plan(plan: Plan, more: Sequence[Issue] = ()) -> list[Issue]:
    """Every semantic error and warning of one plan version, in file order, with `more` (other
    checks' issues of the plan); the warnings the plan accepts reported as accepted."""
    return acknowledge(plan, _check_plan(plan) + list(more))


def _check_plan(plan: Plan) -> list[Issue]:
    unusable = _check_numbers(plan)
    if unusable:  # NaN and friends make every comparison below fail
        return unusable
    issues = _check_parameters(plan)
    if plan.parameters:  # the rules below read each referenced field at its default
        plan = parameters.resolve(plan, RepInputs(Rep(""), ""))[0]
    issues += _check_header(plan) + _check_ids(plan) + _check_signs(plan)
    for index, component in enumerate(plan.components):
        issues += COMPONENT_CHECKS[type(component)](plan, component, ("components", index))
        if isinstance(component, (Commission, Scorecard)):  # year-, quarter- or N-periods-to-date
            issues += check_window(plan, component, ("components", index))
    if not any(i.severity == "error" for i in issues):
        issues += rehearse(plan)  # a plan that passes every rule must also evaluate
    return issues


def check_versions(plans: Sequence[Plan]) -> list[Issue]:
    """Versions of one plan id: distinct version numbers rising with effective dates,
    effective ranges (effective_to inclusive, open when unset) that do not overlap."""
    issues: list[Issue] = []
    by_id: dict[str, list[Plan]] = {}
    for plan in plans:
        by_id.setdefault(plan.id, []).append(plan)
    for versions in by_id.values():
        issues += _check_version_numbers(versions)
        ordered = sorted(versions, key=lambda p: (p.effective_from, p.version))
        for k, earlier in enumerate(ordered):
            for later in ordered[k + 1 :]:
                issues += _check_version_pair(earlier, later)
    return issues


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """Every (path, leaf value) of the plan, through structs, lists and curve points."""
    if isinstance(value, msgspec.Struct):
        for f in msgspec.structs.fields(value):
            yield from _walk(getattr(value, f.name), path + (f.encode_name,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, path + (index,))
    else:
        yield path, value


def _check_numbers(plan: Plan) -> list[Issue]:
    issues = []
    for path, value in _walk(plan, ()):
        problem = plan_number_template(value) if isinstance(value, (Decimal, int)) else None
        if problem:
            template, values = problem
            issues.append(error("bad-number", N_("{key}: {problem}"), where(plan, path), key=path[-1],
                                problem=sentence(template, **values)))
        elif isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:  # periods' years (core.periods)
            issues.append(error("bad-date", N_("{key}: {value:text} is outside the years {first} to {last}"),
                                where(plan, path), key=path[-1], value=value, first=FIRST_YEAR, last=LAST_YEAR))
    return issues


def _check_signs(plan: Plan) -> list[Issue]:
    issues = []
    for path, value in _walk(plan, ()):
        name = path[-1]
        if name in _NON_NEGATIVE and isinstance(value, (Decimal, int)) and value < 0:
            if name == "amount" and isinstance(_parent(plan, path), Draw):
                continue  # a draw's amount has its own check
            if name == "floor" and isinstance(_parent(plan, path), Kpi):
                continue  # a negative KPI floor lets a KPI take points away (documented)
            issues.append(error("negative", N_("{key} is {value:text}; it must not be negative"), where(plan, path),
                                key=name, value=value))
    return issues


def _parent(plan: Plan, path: Path) -> Any:
    node: Any = plan
    for part in path[:-1]:
        node = step(node, part)
    return node


def _check_parameters(plan: Plan) -> list[Issue]:
    """Every `<field>_param` names a declared `[[parameters]]` key; keys are unique."""
    issues: list[Issue] = []
    seen: dict[str, Path] = {}
    for i, param in enumerate(plan.parameters):
        issues += _duplicate(plan, seen, param.key, ("parameters", i, "key"), N_("parameter"))
    for path, key in parameters.references(plan):
        if key not in seen:
            declared = ", ".join(sorted(seen)) or sentence(N_("none"))
            issues.append(error("unknown-parameter", N_("parameter '{key}' is not declared in [[parameters]] "
                                                        "(declared: {declared})"), where(plan, path),
                                key=key, declared=declared))
    return issues


def _check_header(plan: Plan) -> list[Issue]:
    issues = []
    if plan.effective_to is not None and plan.effective_to < plan.effective_from:
        issues.append(error("effective-dates", N_("effective_to {end:text} is before effective_from {start:text}"),
                            "effective_to", end=plan.effective_to, start=plan.effective_from))
    if not _CURRENCY.match(plan.currency):
        issues.append(error("currency", N_("currency '{currency}' is not an ISO 4217 code "
                                           "(three capital letters, e.g. USD)"), "currency", currency=plan.currency))
    for name in ("places", "score_places"):
        places = getattr(plan.rounding, name)
        if places is not None and not 0 <= places <= MAX_PLACES:
            issues.append(error("rounding-places", N_("rounding {key} = {places} is outside 0..{most}"),
                                f"rounding.{name}", key=name, places=places, most=MAX_PLACES))
    if not plan.components:
        issues.append(error("no-components", N_("the plan has no components, so it pays nothing"), "components"))
    if plan.accounting is not None and plan.accounting.amortize_months is not None \
            and plan.accounting.amortize_months <= 0:
        issues.append(error("amortize-months", N_("accounting amortize_months must be at least 1"),
                            "accounting.amortize_months"))
    if plan.fx is not None and plan.fx.max_days > 366:
        issues.append(error("fx-max-days", N_("fx max_days = {days}: a rate more than a year old is not a last "
                                              "earlier rate (at most 366)"), "fx.max_days", days=plan.fx.max_days))
    if plan.clawback is not None and plan.clawback.share > 1:
        issues.append(error("clawback-share", N_("clawback share {share:text} is above 1"), "clawback.share",
                            share=plan.clawback.share))
    return issues


def _check_ids(plan: Plan) -> list[Issue]:
    issues, seen_components, seen_kpis = [], {}, {}
    for i, component in enumerate(plan.components):
        issues += _duplicate(plan, seen_components, component.id, ("components", i, "id"), N_("component"))
        if component.id in RESERVED_IDS:
            issues.append(error("reserved-id", N_("component id '{component}' is reserved for the engine's own "
                                                  "lines ({reserved}); choose another"),
                                where(plan, ("components", i, "id")), component=component.id,
                                reserved=", ".join(sorted(RESERVED_IDS))))
        for j, kpi in enumerate(getattr(component, "kpis", [])):
            issues += _duplicate(plan, seen_kpis, kpi.id, ("components", i, "kpis", j, "id"), N_("KPI"))
    return issues


def _duplicate(plan: Plan, seen: dict[str, Path], ident: str, path: Path, what: str) -> list[Issue]:
    if ident in seen:
        first = where(plan, seen[ident][:-1])
        return [error("duplicate-id", N_("{what:word} id '{id}' is already used by {first}"), where(plan, path),
                      what=what, id=ident, first=first)]
    seen[ident] = path
    return []


def _check_version_numbers(versions: list[Plan]) -> list[Issue]:
    counts: dict[int, int] = {}
    for plan in versions:
        counts[plan.version] = counts.get(plan.version, 0) + 1
    return [error("version-duplicate", N_("version {version} of plan '{plan}' appears {n} times; each version needs "
                                          "its own number"), f"version ({versions[0].id}@{number})",
                  version=number, plan=versions[0].id, n=n)
            for number, n in counts.items() if n > 1]


def _check_version_pair(earlier: Plan, later: Plan) -> list[Issue]:
    """`earlier` takes effect no later than `later`."""
    issues: list[Issue] = []
    if earlier.version == later.version:
        return issues  # reported once as a duplicate
    if earlier.version > later.version:
        issues.append(error("version-order", N_("{later} takes effect on {later_from:text}, after {earlier} "
                                                "({earlier_from:text}): version numbers must rise with effective "
                                                "dates"), f"version ({later.ref})", later=later.ref,
                            later_from=later.effective_from, earlier=earlier.ref, earlier_from=earlier.effective_from))
    if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
        day_before = later.effective_from - timedelta(days=1)
        template = N_("{later} ({later_span}) overlaps {earlier} ({earlier_span}); set effective_to = {day:text} "
                      "in {earlier}") if earlier.effective_from <= day_before else \
            N_("{later} ({later_span}) overlaps {earlier} ({earlier_span})")
        issues.append(error("versions-overlap", template, f"effective_from ({later.ref})", later=later.ref,
                            later_span=_span(later), earlier=earlier.ref, earlier_span=_span(earlier), day=day_before))
    return issues


def _span(plan: Plan) -> dict[str, Any]:
    if plan.effective_to is None:
        return sentence(N_("{start:text}..open"), start=plan.effective_from)
    return sentence("{start:text}..{end:text}", start=plan.effective_from, end=plan.effective_to)
