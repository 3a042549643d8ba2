"""What evaluation returns: lines, component totals, the trace and issues per rep.

Plain values; the JSON encoding of these is the `payplan evaluate --format json`
contract and the API breakdown. Must not compute anything.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from payplan.core.inputs import CarriedState
from payplan.core.issues import Issue
from payplan.core.trace import Node, fill


class Slice(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """The part of a deal's base that fell into one tier, at the rate finally applied."""

    tier: int
    amount: Decimal
    rate: Decimal
    mode: str = "marginal"


class Line(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """One printed line of pay. Lines are rounded; a component is the sum of its lines."""

    component: str
    kind: str  # bonus / commission / multiplier / cap / floor / gate / spiff / override / draw / recovery / clawback / fixed / proration
    label: str
    amount: Decimal
    deal_id: str | None = None
    rep_id: str | None = None  # the credited team member, on override lines
    base: Decimal | None = None
    rate: Decimal | None = None  # blended rate on deal lines
    share: Decimal | None = None  # split credit share
    slices: tuple[Slice, ...] = ()
    cause: str = ""  # why a generated line exists (clawback of deal D paid in 2026-02…)
    links: str | None = None  # the line this one reverses or adjusts
    # Named values of `label` and `cause`, which are templates like a trace node's formula
    # ("Clawback of deal {deal}"): `trace.fill` prints them, a translation finds them by the template.
    # Any, not `trace.Value`: msgspec cannot decode a union of Decimal and str (stored results
    # and a simulation's worker processes decode lines), so decoded numbers come back as text.
    inputs: dict[str, Any] = {}

    def title(self) -> str:
        """The label in English with its inputs filled in."""
        return fill(self.label, self.inputs)

    def because(self) -> str:
        """The cause in English with its inputs filled in."""
        return fill(self.cause, self.inputs)


class ComponentResult(msgspec.Struct, frozen=True, gc=False):
    id: str
    kind: str
    amount: Decimal
    label: str = ""


class Amortization(msgspec.Struct, frozen=True, gc=False):
    """Straight-line amortisation of capitalised commission (ASC 340-40)."""

    capitalized: Decimal
    months: int
    monthly: Decimal
    schedule: tuple[Decimal, ...]


class RepResult(msgspec.Struct, frozen=True, gc=False):
    rep_id: str
    period: str
    currency: str
    total: Decimal
    components: tuple[ComponentResult, ...]
    lines: tuple[Line, ...]
    trace: Node
    issues: tuple[Issue, ...] = ()
    state: CarriedState = CarriedState()
    amortization: Amortization | None = None
