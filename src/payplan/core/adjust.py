"""Adjustments to a component's amount, each printed as its own line.

Multipliers (accelerators / decelerators) scale the unrounded amount, gates then
scale what the multiplier left (they compound); caps and floors bring the rounded
sum of lines to the limit. Each adjustment line says why it exists. Must not
compute the amount being adjusted.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.metrics import UNIT_SPECS, MetricSpec, lookup
from payplan.core.money import fmt
from payplan.core.plan import Gate, Multiplier
from payplan.core.result import Line
from payplan.core.tiers import Band, band_index, contains
from payplan.core.trace import N_, Node

ZERO, ONE = Decimal(0), Decimal(1)


def apply_multipliers(cid: str, multipliers: list[Multiplier], measure: Decimal | None, boundary: str,
                      amount: Decimal, ctx: Ctx, node: Node) -> tuple[list[Line], Decimal]:
    """The line for the multiplier band that `measure` falls in (none when its factor is 1),
    and the unrounded amount after it (what later gates scale)."""
    if not multipliers or measure is None:
        return [], amount
    bands = [Band(m.from_, m.to, m.factor) for m in multipliers]
    i = band_index(bands, measure, boundary)
    if i < 0 or not contains(bands[i], measure, boundary, first=i == 0):
        node.add(Node(f"{cid}.multiplier", N_("Accelerator / decelerator"), value=N_("none"),
                      formula=N_("measure {measure} is in no multiplier band"), inputs={"measure": measure}))
        return [], amount
    m = multipliers[i]
    label = m.label or (N_("Accelerator") if m.factor > ONE else N_("Decelerator"))
    delta = amount * (m.factor - ONE)
    inputs = {"measure": measure, "band": describe_band(m.from_, m.to, boundary), "factor": m.factor,
              "amount": amount, "delta": delta}
    node.add(Node(f"{cid}.multiplier", label, value=m.factor, inputs=inputs,
                  formula=N_("measure {measure} in {band:interval} → × {factor}: {amount} × ({factor} − 1) = {delta}")))
    if m.factor == ONE:
        return [], amount
    line = Line(cid, "multiplier", label, ctx.money(delta), inputs=inputs,
                cause=N_("× {factor} because {measure} is in {band:interval}"))
    return [line], amount + delta


def describe_band(start: Decimal, stop: Decimal | None, boundary: str) -> str:
    """A band in interval notation with its stated inclusivity: [a, b) or (a, b]."""
    end = "∞)" if stop is None else (f"{fmt(stop)})" if boundary == "lower" else f"{fmt(stop)}]")
    return ("[" if boundary == "lower" or start <= 0 else "(") + f"{fmt(start)}, {end}"


def apply_gates(cid: str, gates: list[Gate], amount: Decimal, ctx: Ctx, node: Node,
                attainments: dict[str, Decimal] | None = None) -> list[Line]:
    """A line per gate that applies: amount × (factor − 1); gates compound."""
    lines = []
    for i, gate in enumerate(gates):
        hit, inputs = _gate_hit(gate, ctx, attainments or {})
        label = gate.label or N_("Gate")
        kpis = gate.kpi_min is not None
        formula = (_KPI_GATE_HIT if kpis else _METRIC_GATE_HIT) if hit else (_KPI_GATE if kpis else _METRIC_GATE)
        gate_node = Node(f"{cid}.gate.{i}", label, value=N_("applied") if hit else N_("passed"),
                         formula=formula, inputs=inputs, source=gate.why)
        node.add(gate_node)
        if hit and gate.factor != ONE:
            # the cause is the node's sentence: one template and one inputs dict, formatted only when read
            lines.append(Line(cid, "gate", label, ctx.money(amount * (gate.factor - ONE)), cause=formula, inputs=inputs))
            amount = amount * gate.factor
    return lines


_KPI_GATE = N_("KPIs below {minimum:.0%}: {failing}")
_METRIC_GATE = N_("{metric} {actual:{unit}} vs minimum {minimum:{unit}}")
_KPI_GATE_HIT = N_("KPIs below {minimum:.0%}: {failing} → × {factor}")
_METRIC_GATE_HIT = N_("{metric} {actual:{unit}} vs minimum {minimum:{unit}} → × {factor}")


def _gate_hit(gate: Gate, ctx: Ctx, attainments: dict[str, Decimal]) -> tuple[bool, dict]:
    if gate.kpi_min is not None:
        failing = [k for k, a in attainments.items() if a < gate.kpi_min]
        return bool(failing), {"minimum": gate.kpi_min, "failing": ", ".join(failing) or N_("none"),
                               "factor": gate.factor}
    mv = ctx.inputs.metrics.get(gate_key(gate.metric or ""))
    value = mv.value if mv else None
    hit = value is None or (gate.min is not None and value < gate.min)
    return hit, {"metric": gate.metric, "actual": N_("no data") if value is None else value,
                 "minimum": gate.min, "factor": gate.factor, "unit": gate_unit(gate.metric or "")}


def gate_unit(metric: str) -> str:
    """The `fill` spec of a gated metric's values (an amount, a percentage, a plain number)."""
    found = lookup(metric)
    return UNIT_SPECS.get(found.unit, "") if found else ""


_GATE_KEYS: dict[str, str] = {}


def gate_key(metric: str) -> str:
    key = _GATE_KEYS.get(metric)
    if key is None:
        key = _GATE_KEYS[metric] = MetricSpec(metric).key
    return key


def apply_limits(cid: str, cap: Decimal | None, floor: Decimal | None, lines: list[Line],
                 ctx: Ctx, node: Node, current: Decimal | None = None) -> list[Line]:
    """A cap or floor line bringing the sum of `lines` (`current`, when the caller has it) to the limit."""
    if current is None:
        current = sum((ln.amount for ln in lines), ZERO)
    if cap is not None and current > cap:
        inputs = {"current": current, "cap": cap}
        node.add(Node(f"{cid}.cap", N_("Cap"), value=cap, formula=N_("{current:money} capped at {cap:money}"),
                      inputs=inputs))
        return [Line(cid, "cap", N_("Cap"), ctx.money(cap - current), inputs=inputs,
                     cause=N_("{current:money} exceeds the cap {cap:money}"))]
    if floor is not None and current < floor:
        inputs = {"current": current, "floor": floor}
        node.add(Node(f"{cid}.floor", N_("Floor"), value=floor, formula=N_("{current:money} raised to {floor:money}"),
                      inputs=inputs))
        return [Line(cid, "floor", N_("Floor"), ctx.money(floor - current), inputs=inputs,
                     cause=N_("{current:money} is below the floor {floor:money}"))]
    return []
