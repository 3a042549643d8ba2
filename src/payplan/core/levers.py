"""A plan's numeric parameters by name: read one, set one, scale the whole plan.

HR changes a published plan inline ("demos weight 15% → 10%") and the budget fit
moves one parameter until the cost meets a budget; both name a parameter by a
short path over component and KPI ids:

    COMPONENT.target_incentive          a scorecard's or a commission's target incentive
    COMPONENT.rate                      a commission's flat rate
    COMPONENT.tiers.N.rate|from|to      tier N (1-based) of a commission
    COMPONENT.kpis.KPI.weight|target    a KPI of a scorecard
    multiplier                          every variable pay amount, rate and money cap × m

Setting a KPI weight rescales the scorecard's other weights so they still add up to 1
(to four places, any remainder on the largest): a weight alone cannot change without
another moving, and HR asks about the one they named. The multiplier leaves
guarantees (draws) and fixed amounts alone: it scales what the plan pays for results.
Pure: errors are `LeverError` values with a message template and named fields.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import msgspec

from payplan.core.plan import Commission, Kpi, Override, Plan, Scorecard, Spiff, Tier
from payplan.core.trace import N_

MULTIPLIER = "multiplier"
WEIGHT_PLACES = Decimal("0.0001")
_ONE = Decimal(1)


class LeverError(Exception):
    """A path that names no parameter of the plan, or a value it cannot take."""

    def __init__(self, template: str, **inputs: object) -> None:
        self.template, self.inputs = template, inputs
        super().__init__(template % inputs if "%(" in template else template)


class Lever(msgspec.Struct, frozen=True):
    """One parameter a user may change: its path, what kind of number it is, and its value."""

    path: str
    unit: str  # money / share (a rate or weight, 0.1 = 10%) / number (a target, an edge)
    value: Decimal | None
    component: str
    kpi: str = ""
    tier: int = 0
    field: str = ""


def levers(plan: Plan) -> list[Lever]:
    """Every parameter of `plan` that can be changed inline or fitted to a budget, in plan order."""
    out: list[Lever] = []
    for comp in plan.components:
        if isinstance(comp, Scorecard):
            if comp.target_incentive is not None:
                out.append(Lever(f"{comp.id}.target_incentive", "money", comp.target_incentive, comp.id,
                                 field="target_incentive"))
            for kpi in comp.kpis:
                out.append(Lever(f"{comp.id}.kpis.{kpi.id}.weight", "share", kpi.weight, comp.id, kpi.id,
                                 field="weight"))
                out.append(Lever(f"{comp.id}.kpis.{kpi.id}.target", "number", kpi.target, comp.id, kpi.id,
                                 field="target"))
        elif isinstance(comp, Commission):
            if comp.target_incentive is not None:
                out.append(Lever(f"{comp.id}.target_incentive", "money", comp.target_incentive, comp.id,
                                 field="target_incentive"))
            if comp.rate is not None:
                out.append(Lever(f"{comp.id}.rate", "share", comp.rate, comp.id, field="rate"))
            for n, tier in enumerate(comp.tiers, 1):
                out += [Lever(f"{comp.id}.tiers.{n}.rate", "share", tier.rate, comp.id, tier=n, field="rate"),
                        Lever(f"{comp.id}.tiers.{n}.from", "number", tier.from_, comp.id, tier=n, field="from"),
                        Lever(f"{comp.id}.tiers.{n}.to", "number", tier.to, comp.id, tier=n, field="to")]
    return out + [Lever(MULTIPLIER, "share", _ONE, "", field=MULTIPLIER)]


def find(plan: Plan, path: str) -> Lever:
    """The lever at `path`, or LeverError naming the path and the plan."""
    for lever in levers(plan):
        if lever.path == path:
            return lever
    known = ", ".join(lever.path for lever in levers(plan))
    raise LeverError(N_("plan %(plan)s has no parameter %(path)s; its parameters are: %(known)s"), plan=plan.ref,
                     path=path, known=known)


def set_lever(plan: Plan, path: str, value: Decimal) -> Plan:
    """A copy of `plan` with the parameter at `path` set to `value` (the multiplier scales the plan)."""
    lever = find(plan, path)
    if not value.is_finite() or (value < 0 and lever.field != "from"):
        raise LeverError(N_("%(path)s cannot be %(value)s"), path=path, value=value)
    if lever.field == MULTIPLIER:
        return scale(plan, value)
    components = [_set_in(comp, lever, value) if comp.id == lever.component else comp for comp in plan.components]
    return msgspec.structs.replace(plan, components=components)


def _set_in(comp, lever: Lever, value: Decimal):
    if lever.kpi:
        if lever.field == "weight":
            return msgspec.structs.replace(comp, kpis=reweigh(comp.kpis, lever.kpi, value))
        kpis = [msgspec.structs.replace(k, target=value) if k.id == lever.kpi else k for k in comp.kpis]
        return msgspec.structs.replace(comp, kpis=kpis)
    if lever.tier:
        name = {"rate": "rate", "from": "from_", "to": "to"}[lever.field]
        tiers = [msgspec.structs.replace(t, **{name: value}) if n == lever.tier else t
                 for n, t in enumerate(comp.tiers, 1)]
        return msgspec.structs.replace(comp, tiers=_joined(tiers, lever.tier, lever.field, value))
    return msgspec.structs.replace(comp, **{lever.field: value})


def _joined(tiers: list[Tier], n: int, field: str, value: Decimal) -> list[Tier]:
    """Moving an edge moves the neighbour's matching edge too, so the bands stay contiguous."""
    index = n - 1
    if field == "to" and index + 1 < len(tiers) and tiers[index + 1].from_ is not None:
        tiers[index + 1] = msgspec.structs.replace(tiers[index + 1], from_=value)
    if field == "from" and index > 0:
        tiers[index - 1] = msgspec.structs.replace(tiers[index - 1], to=value)
    return tiers


def reweigh(kpis: list[Kpi], kpi_id: str, weight: Decimal) -> list[Kpi]:
    """KPIs with `kpi_id` at `weight` and the others rescaled to fill the rest of 1."""
    if weight > _ONE:
        raise LeverError(N_("a KPI weight cannot be above 100%% (%(kpi)s: %(value)s)"), kpi=kpi_id, value=weight)
    others = [k for k in kpis if k.id != kpi_id]
    rest = sum((k.weight for k in others), Decimal(0))
    if not others:
        return [msgspec.structs.replace(k, weight=weight) for k in kpis]
    if not rest:
        raise LeverError(N_("the other KPIs of %(kpi)s weigh nothing: set their weights in the plan"), kpi=kpi_id)
    room = _ONE - weight
    new = {k.id: (k.weight * room / rest).quantize(WEIGHT_PLACES, ROUND_HALF_UP) for k in others}
    largest = max(others, key=lambda k: k.weight).id
    new[largest] += room - sum(new.values(), Decimal(0))
    new[kpi_id] = weight
    return [msgspec.structs.replace(k, weight=new[k.id]) for k in kpis]


def scale(plan: Plan, m: Decimal) -> Plan:
    """Every variable pay amount, rate and money cap of `plan` × `m` (draws and fixed pay unchanged)."""
    components = [_scaled(comp, m) for comp in plan.components]
    return msgspec.structs.replace(plan, components=components, cap=_times(plan.cap, m))


def _scaled(comp, m: Decimal):
    if isinstance(comp, Scorecard):
        return msgspec.structs.replace(comp, target_incentive=_times(comp.target_incentive, m),
                                       salary_share=_times(comp.salary_share, m))
    if isinstance(comp, Commission):
        tiers = [msgspec.structs.replace(t, rate=t.rate * m) for t in comp.tiers]
        return msgspec.structs.replace(comp, rate=_times(comp.rate, m), tiers=tiers, cap=_times(comp.cap, m),
                                       target_incentive=_times(comp.target_incentive, m),
                                       floor=_times(comp.floor, m))
    if isinstance(comp, Spiff):
        return msgspec.structs.replace(comp, per_deal=_times(comp.per_deal, m), rate=_times(comp.rate, m),
                                       per_unit=_times(comp.per_unit, m), cap=_times(comp.cap, m))
    if isinstance(comp, Override):
        return msgspec.structs.replace(comp, rate=comp.rate * m, cap=_times(comp.cap, m))
    return comp


def _times(value: Decimal | None, m: Decimal) -> Decimal | None:
    return None if value is None else value * m
