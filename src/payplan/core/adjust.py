"""Adjustments to a component's amount, each printed as its own line.

Multipliers (accelerators / decelerators) scale the unrounded amount, gates then
scale what the multiplier left (they compound); caps and floors bring the rounded
sum of lines to the limit. Each adjustment line says why it exists. Must not
compute the amount being adjusted.
"""

from __future__ import annotations

from decimal import Decimal

from payplan.core.context import Ctx
from payplan.core.metrics import MetricSpec
from payplan.core.money import fmt
from payplan.core.plan import Gate, Multiplier
from payplan.core.result import Line
from payplan.core.tiers import Band, band_index, contains
from payplan.core.trace import Node, shown

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
        node.add(Node(f"{cid}.multiplier", "Accelerator / decelerator", value="none",
                      formula=f"measure {fmt(measure)} is in no multiplier band"))
        return [], amount
    m = multipliers[i]
    kind = "accelerator" if m.factor > ONE else "decelerator"
    label = m.label or kind.capitalize()
    delta = amount * (m.factor - ONE)
    band = describe_band(m.from_, m.to, boundary)
    node.add(Node(f"{cid}.multiplier", label, value=m.factor,
                  formula=f"measure {fmt(measure)} in {band} → × {fmt(m.factor)}: "
                          f"{fmt(amount)} × ({fmt(m.factor)} − 1) = {fmt(delta)}"))
    if m.factor == ONE:
        return [], amount
    line = Line(cid, "multiplier", label, ctx.money(delta),
                cause=f"× {fmt(m.factor)} because {fmt(measure)} is in {band}")
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
        label = gate.label or "Gate"
        formula = (_KPI_GATE if gate.kpi_min is not None else _METRIC_GATE) + (" → × {factor}" if hit else "")
        gate_node = Node(f"{cid}.gate.{i}", label, value="applied" if hit else "passed",
                         formula=formula, inputs=inputs, source=gate.why)
        node.add(gate_node)
        if hit and gate.factor != ONE:
            lines.append(Line(cid, "gate", label, ctx.money(amount * (gate.factor - ONE)), cause=_gate_cause(gate, inputs)))
            amount = amount * gate.factor
    return lines


_KPI_GATE = "KPIs below {minimum:.0%}: {failing}"
_METRIC_GATE = "{metric} {actual} vs minimum {minimum}"


def _gate_cause(gate: Gate, inputs: dict) -> str:
    """`sentence` of an applied gate's node, written out: the same text without format_map
    and a wrapper per input, since this runs for every rep a gate hits. Only the failing
    KPIs or the metric's value vary; the rest of the text is the gate's own, made once."""
    head, tail = _gate_words(gate)
    return head + (inputs["failing"] if gate.kpi_min is not None else shown(inputs["actual"])) + tail


_GATE_WORDS: dict[int, tuple[Gate, str, str]] = {}  # id(gate) → (gate, text before, text after)


def _gate_words(gate: Gate) -> tuple[str, str]:
    entry = _GATE_WORDS.get(id(gate))
    if entry is None or entry[0] is not gate:
        if len(_GATE_WORDS) > 1024:
            _GATE_WORDS.clear()
        factor = f" → × {shown(gate.factor)}"
        if gate.kpi_min is not None:
            entry = (gate, f"KPIs below {format(gate.kpi_min, '.0%')}: ", factor)
        else:
            entry = (gate, f"{shown(gate.metric)} ", f" vs minimum {shown(gate.min)}{factor}")
        _GATE_WORDS[id(gate)] = entry
    return entry[1], entry[2]


def _gate_hit(gate: Gate, ctx: Ctx, attainments: dict[str, Decimal]) -> tuple[bool, dict]:
    if gate.kpi_min is not None:
        failing = [k for k, a in attainments.items() if a < gate.kpi_min]
        return bool(failing), {"minimum": gate.kpi_min, "failing": ", ".join(failing) or "none",
                               "factor": gate.factor}
    mv = ctx.inputs.metrics.get(gate_key(gate.metric or ""))
    value = mv.value if mv else None
    hit = value is None or (gate.min is not None and value < gate.min)
    return hit, {"metric": gate.metric, "actual": "no data" if value is None else value,
                 "minimum": gate.min, "factor": gate.factor}


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
        node.add(Node(f"{cid}.cap", "Cap", value=cap, formula=f"{fmt(current)} capped at {fmt(cap)}"))
        return [Line(cid, "cap", "Cap", ctx.money(cap - current), cause=f"{fmt(current)} exceeds the cap {fmt(cap)}")]
    if floor is not None and current < floor:
        node.add(Node(f"{cid}.floor", "Floor", value=floor, formula=f"{fmt(current)} raised to {fmt(floor)}"))
        return [Line(cid, "floor", "Floor", ctx.money(floor - current), cause=f"{fmt(current)} is below the floor {fmt(floor)}")]
    return []
