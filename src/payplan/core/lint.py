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

from payplan.core.issues import Issue, error
from payplan.core.lint_accept import acknowledge
from payplan.core.lint_components import Path, step, where
from payplan.core.lint_team import COMPONENT_CHECKS
from payplan.core.lint_windows import check_window
from payplan.core.bounds import plan_number_problem
from payplan.core import parameters
from payplan.core.inputs import Rep, RepInputs
from payplan.core.periods import FIRST_YEAR, LAST_YEAR
from payplan.core.plan import RESERVED_IDS, Commission, Draw, Kpi, Plan, Scorecard
from payplan.core.rehearsal import rehearse

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
        problem = plan_number_problem(value) if isinstance(value, (Decimal, int)) else None
        if problem:
            issues.append(error("bad-number", f"{path[-1]}: {problem}", where(plan, path)))
        elif isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:  # periods' years (core.periods)
            issues.append(error("bad-date", f"{path[-1]}: {value} is outside the years {FIRST_YEAR} to {LAST_YEAR}",
                                where(plan, path)))
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
            issues.append(error("negative", f"{name} is {value}; it must not be negative", where(plan, path)))
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
        issues += _duplicate(plan, seen, param.key, ("parameters", i, "key"), "parameter")
    for path, key in parameters.references(plan):
        if key not in seen:
            declared = ", ".join(sorted(seen)) or "none"
            issues.append(error("unknown-parameter", f"parameter '{key}' is not declared in [[parameters]] "
                                f"(declared: {declared})", where(plan, path)))
    return issues


def _check_header(plan: Plan) -> list[Issue]:
    issues = []
    if plan.effective_to is not None and plan.effective_to < plan.effective_from:
        issues.append(error("effective-dates", f"effective_to {plan.effective_to} is before "
                            f"effective_from {plan.effective_from}", "effective_to"))
    if not _CURRENCY.match(plan.currency):
        issues.append(error("currency", f"currency '{plan.currency}' is not an ISO 4217 code "
                            "(three capital letters, e.g. USD)", "currency"))
    for name in ("places", "score_places"):
        places = getattr(plan.rounding, name)
        if places is not None and not 0 <= places <= MAX_PLACES:
            issues.append(error("rounding-places", f"rounding {name} = {places} is outside 0..{MAX_PLACES}",
                                f"rounding.{name}"))
    if not plan.components:
        issues.append(error("no-components", "the plan has no components, so it pays nothing", "components"))
    if plan.accounting is not None and plan.accounting.amortize_months is not None \
            and plan.accounting.amortize_months <= 0:
        issues.append(error("amortize-months", "accounting amortize_months must be at least 1",
                            "accounting.amortize_months"))
    if plan.fx is not None and plan.fx.max_days > 366:
        issues.append(error("fx-max-days", f"fx max_days = {plan.fx.max_days}: a rate more than a year "
                            "old is not a last earlier rate (at most 366)", "fx.max_days"))
    if plan.clawback is not None and plan.clawback.share > 1:
        issues.append(error("clawback-share", f"clawback share {plan.clawback.share} is above 1",
                            "clawback.share"))
    return issues


def _check_ids(plan: Plan) -> list[Issue]:
    issues, seen_components, seen_kpis = [], {}, {}
    for i, component in enumerate(plan.components):
        issues += _duplicate(plan, seen_components, component.id, ("components", i, "id"), "component")
        if component.id in RESERVED_IDS:
            issues.append(error("reserved-id", f"component id '{component.id}' is reserved for the engine's own "
                                f"lines ({', '.join(sorted(RESERVED_IDS))}); choose another",
                                where(plan, ("components", i, "id"))))
        for j, kpi in enumerate(getattr(component, "kpis", [])):
            issues += _duplicate(plan, seen_kpis, kpi.id, ("components", i, "kpis", j, "id"), "KPI")
    return issues


def _duplicate(plan: Plan, seen: dict[str, Path], ident: str, path: Path, what: str) -> list[Issue]:
    if ident in seen:
        first = where(plan, seen[ident][:-1])
        return [error("duplicate-id", f"{what} id '{ident}' is already used by {first}", where(plan, path))]
    seen[ident] = path
    return []


def _check_version_numbers(versions: list[Plan]) -> list[Issue]:
    counts: dict[int, int] = {}
    for plan in versions:
        counts[plan.version] = counts.get(plan.version, 0) + 1
    return [error("version-duplicate", f"version {number} of plan '{versions[0].id}' appears {n} times; "
                  "each version needs its own number", f"version ({versions[0].id}@{number})")
            for number, n in counts.items() if n > 1]


def _check_version_pair(earlier: Plan, later: Plan) -> list[Issue]:
    """`earlier` takes effect no later than `later`."""
    issues: list[Issue] = []
    if earlier.version == later.version:
        return issues  # reported once as a duplicate
    if earlier.version > later.version:
        issues.append(error("version-order", f"{later.ref} takes effect on {later.effective_from}, after "
                            f"{earlier.ref} ({earlier.effective_from}): version numbers must rise "
                            "with effective dates", f"version ({later.ref})"))
    if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
        day_before = later.effective_from - timedelta(days=1)
        hint = f"; set effective_to = {day_before} in {earlier.ref}" if earlier.effective_from <= day_before else ""
        issues.append(error("versions-overlap", f"{later.ref} ({_span(later)}) overlaps "
                            f"{earlier.ref} ({_span(earlier)}){hint}", f"effective_from ({later.ref})"))
    return issues


def _span(plan: Plan) -> str:
    return f"{plan.effective_from}..{plan.effective_to or 'open'}"
