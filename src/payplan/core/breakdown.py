"""Where a plan change lands: cost per team, role and period, and what drove each rep's change.

`groups` sums the comparison's rows by team, by role and by period (pay under each
plan, revenue, margin, and pay as a share of each). `drivers` splits each rep's
change over the window by component, and ranks the KPIs by how far their weighted
points moved (weight × attainment, averaged over the rep's periods): the KPIs that
drove the change. Pure: must not load or score anything.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import msgspec

from payplan.core.simulate import Outcome, Row

ZERO = Decimal(0)
RATIO = Decimal("0.0001")
TOP_KPIS = 3


class Group(msgspec.Struct, frozen=True):
    kind: str  # team / role / period
    key: str
    reps: int
    baseline: Decimal
    proposal: Decimal
    delta: Decimal
    revenue: Decimal
    margin: Decimal
    baseline_share_of_revenue: Decimal | None
    proposal_share_of_revenue: Decimal | None
    baseline_share_of_margin: Decimal | None
    proposal_share_of_margin: Decimal | None


class Part(msgspec.Struct, frozen=True):
    id: str
    baseline: Decimal
    proposal: Decimal
    delta: Decimal


class Driver(msgspec.Struct, frozen=True):
    """One rep's change over the window, by component, and the KPIs that moved most (points, 0.05 = 5)."""

    rep_id: str
    baseline: Decimal
    proposal: Decimal
    delta: Decimal
    components: list[Part]
    kpis: list[Part]


def groups(rows: list[Row], team: Callable[[str], str], role: Callable[[str], str]) -> list[Group]:
    """Rows summed per team, per role and per period (in that order, keys sorted)."""
    out: list[Group] = []
    for kind, key_of in (("team", lambda r: team(r.rep_id)), ("role", lambda r: role(r.rep_id)),
                         ("period", lambda r: r.period)):
        buckets: dict[str, list[Row]] = {}
        for row in rows:
            buckets.setdefault(key_of(row), []).append(row)
        out += [_group(kind, key, members) for key, members in sorted(buckets.items())]
    return out


def _group(kind: str, key: str, rows: list[Row]) -> Group:
    baseline = sum((r.baseline for r in rows), ZERO)
    proposal = sum((r.proposal for r in rows), ZERO)
    revenue = sum((r.revenue for r in rows), ZERO)
    margin = sum((r.margin for r in rows), ZERO)
    return Group(kind, key, len({r.rep_id for r in rows}), baseline, proposal, proposal - baseline, revenue, margin,
                 _ratio(baseline, revenue), _ratio(proposal, revenue), _ratio(baseline, margin),
                 _ratio(proposal, margin))


def drivers(before: list[Outcome], after: list[Outcome], weights: tuple[dict[str, Decimal], dict[str, Decimal]]
            ) -> list[Driver]:
    """Per rep (sorted by id): the window's change by component and the KPIs that drove it."""
    sides: tuple[dict[str, list[Outcome]], dict[str, list[Outcome]]] = ({}, {})
    for side, outcomes in zip(sides, (before, after)):
        for o in outcomes:
            side.setdefault(o.rep_id, []).append(o)
    return [_driver(rep_id, sides[0].get(rep_id, []), sides[1].get(rep_id, []), weights)
            for rep_id in sorted(sides[0].keys() | sides[1].keys())]


def _driver(rep_id: str, before: list[Outcome], after: list[Outcome],
            weights: tuple[dict[str, Decimal], dict[str, Decimal]]) -> Driver:
    paid = [_sums([o.components for o in side]) for side in (before, after)]
    components = [Part(c, paid[0].get(c, ZERO), paid[1].get(c, ZERO), paid[1].get(c, ZERO) - paid[0].get(c, ZERO))
                  for c in dict.fromkeys([*paid[0], *paid[1]])]
    points = [_points(side, w) for side, w in zip((before, after), weights)]
    moves = [Part(k, points[0].get(k, ZERO), points[1].get(k, ZERO), points[1].get(k, ZERO) - points[0].get(k, ZERO))
             for k in dict.fromkeys([*points[0], *points[1]])]
    moved = sorted((m for m in moves if m.delta), key=lambda m: (-abs(m.delta), m.id))[:TOP_KPIS]
    total = [sum((o.total for o in side), ZERO) for side in (before, after)]
    return Driver(rep_id, total[0], total[1], total[1] - total[0], components, moved)


def _sums(maps: list[dict[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for m in maps:
        for key, value in m.items():
            out[key] = out.get(key, ZERO) + value
    return out


def _points(outcomes: list[Outcome], weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """KPI id → mean weight × attainment over the rep's periods, to 0.0001."""
    if not outcomes:
        return {}
    sums = _sums([{k: weights.get(k, ZERO) * a for k, a in o.kpis.items()} for o in outcomes])
    n = Decimal(len(outcomes))
    return {k: (v / n).quantize(RATIO, ROUND_HALF_UP) for k, v in sums.items()}


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(RATIO, rounding=ROUND_HALF_UP) if whole else None
