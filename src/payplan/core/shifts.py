"""Behaviour shifts: "what if reps did 10% more demos?" applied to history before scoring.

A shift is written `[TEAM:] METRIC ±N%` or `[TEAM:] METRIC ±Npts`:

- a count (calls, meetings, demos, leads…) is scaled and rounded half-up to a whole
  count, as if that many more activities had been logged (demos +10% on 12 demos: 13);
- a share (lead_conversion, win_rate, crm_hygiene…) moves by points (−2pts: 0.25 → 0.23)
  or is scaled by a percentage, and stays within 0..1;
- deal size (`avg_deal_size`, also written `deal_size`, or `revenue`) scales every
  credited deal's amount and cost (to the cent, half-up) and the money metrics built on
  them (revenue, margin, average deal size), so commissions move with it;
- any other metric's value is scaled by the percentage.

A shift applies to every variant of the metric a plan reads (product or kind filters,
team scopes) and, with `TEAM:`, only to reps of that team. Several shifts in one
scenario are applied in order. Pure: parse errors are `ShiftError` values.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import msgspec

from payplan.core.inputs import Deal, MetricValue, RepInputs, TeamMember
from payplan.core.metrics import lookup
from payplan.core.trace import N_

# The sign is one of + - − (a class "[+-−]" would be the range '+'..'−', digits and letters included);
# "score:KIND" is a custom score, not a team named "score".
_SHIFT = re.compile(r"^\s*(?:(?!score:)(?P<team>[^:]+?)\s*:)?\s*(?P<metric>[A-Za-z_][\w:]*)\s*"
                    r"(?P<amount>[-+−]\s*\d+(?:[.,]\d+)?)\s*(?P<unit>%|pts?|points?)\s*$")
ALIASES = {"deal_size": "avg_deal_size", "conversion": "lead_conversion"}
DEAL_SIZE = frozenset({"avg_deal_size", "revenue"})
_DEAL_MONEY = frozenset({"revenue", "margin", "avg_deal_size"})
CENT = Decimal("0.01")
_ZERO, _ONE, _HUNDRED = Decimal(0), Decimal(1), Decimal(100)


class ShiftError(Exception):
    def __init__(self, template: str, **inputs: object) -> None:
        self.template, self.inputs = template, inputs
        super().__init__(template % inputs)


class Shift(msgspec.Struct, frozen=True):
    metric: str
    amount: Decimal  # +0.10 for +10%, −2 for −2 points
    unit: str  # pct / pts
    team: str = ""

    def __str__(self) -> str:
        sign = "+" if self.amount >= 0 else "−"
        size = abs(self.amount * _HUNDRED if self.unit == "pct" else self.amount).normalize()
        where = f"{self.team}: " if self.team else ""
        return f"{where}{self.metric} {sign}{size:f}{'%' if self.unit == 'pct' else ' pts'}"


def parse_shift(text: str) -> Shift:
    """"EMEA: demos +10%" → Shift("demos", 0.10, "pct", "EMEA"); ShiftError when it is not one."""
    found = _SHIFT.match(text)
    if not found:
        raise ShiftError(N_("shift %(text)r: write it as METRIC +N%% or METRIC -Npts, optionally after TEAM: "
                            "(such as 'demos +10%%' or 'EMEA: lead_conversion -2pts')"), text=text)
    metric = ALIASES.get(found["metric"], found["metric"])
    definition = lookup(metric)
    if definition is None:
        raise ShiftError(N_("shift %(text)r: no metric named %(metric)s"), text=text, metric=metric)
    try:
        number = Decimal(re.sub(r"\s", "", found["amount"]).replace("−", "-").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ShiftError(N_("shift %(text)r: not a number"), text=text) from None
    unit = "pct" if found["unit"] == "%" else "pts"
    if unit == "pts" and definition.unit not in ("ratio", "score"):
        raise ShiftError(N_("shift %(text)r: points apply to shares and scores; %(metric)s is a %(unit)s, "
                            "shift it by a percentage"), text=text, metric=metric, unit=definition.unit)
    if unit == "pct" and number <= -100:
        raise ShiftError(N_("shift %(text)r: a metric cannot fall by 100%% or more"), text=text)
    return Shift(metric, number / _HUNDRED if unit == "pct" else number, unit, (found["team"] or "").strip())


def parse_scenario(text: str) -> list[Shift]:
    """Shifts separated by ';' (one scenario): "demos +10%; conversion -2pts"."""
    parts = [p for p in (part.strip() for part in text.split(";")) if p]
    if not parts:
        raise ShiftError(N_("an empty scenario: give at least one shift such as 'demos +10%%'"))
    return [parse_shift(p) for p in parts]


def shifted(inputs: RepInputs, shifts: list[Shift]) -> RepInputs:
    """`inputs` as they would have been under `shifts` (those for another team are skipped)."""
    for shift in shifts:
        if shift.team and inputs.rep.team != shift.team:
            continue
        if shift.metric in DEAL_SIZE:
            inputs = _deal_size(inputs, _ONE + shift.amount)
        else:
            metrics = {key: _metric(value, shift) if _base_name(key) == shift.metric else value
                       for key, value in inputs.metrics.items()}
            inputs = msgspec.structs.replace(inputs, metrics=metrics)
    return inputs


def _base_name(key: str) -> str:
    """"team:activities[kind=demo]" → "activities"."""
    return key.rsplit(":", 1)[-1].split("[", 1)[0] if not key.startswith("score:") else key.split("[", 1)[0]


def _metric(value: MetricValue, shift: Shift) -> MetricValue:
    if value.value is None:
        return value
    definition = lookup(shift.metric)
    unit = definition.unit if definition else "score"
    if shift.unit == "pts":
        moved = value.value + (shift.amount / _HUNDRED if unit == "ratio" else shift.amount)
    else:
        moved = value.value * (_ONE + shift.amount)
    if unit == "count":
        moved = moved.quantize(_ONE, ROUND_HALF_UP)
    elif unit == "ratio":
        moved = min(max(moved, _ZERO), _ONE)
    elif unit == "money":
        moved = moved.quantize(CENT, ROUND_HALF_UP)
    return msgspec.structs.replace(value, value=moved)


def _deal_size(inputs: RepInputs, factor: Decimal) -> RepInputs:
    metrics = {key: _money(value, factor) if _base_name(key) in _DEAL_MONEY else value
               for key, value in inputs.metrics.items()}
    team = tuple(TeamMember(m.rep, tuple(_deal(d, factor) for d in m.deals)) for m in inputs.team)
    return msgspec.structs.replace(inputs, metrics=metrics, deals=tuple(_deal(d, factor) for d in inputs.deals),
                                   team=team)


def _money(value: MetricValue, factor: Decimal) -> MetricValue:
    if value.value is None:
        return value
    return msgspec.structs.replace(value, value=(value.value * factor).quantize(CENT, ROUND_HALF_UP))


def _deal(deal: Deal, factor: Decimal) -> Deal:
    return msgspec.structs.replace(deal, amount=(deal.amount * factor).quantize(CENT, ROUND_HALF_UP),
                                   cost=(deal.cost * factor).quantize(CENT, ROUND_HALF_UP))
