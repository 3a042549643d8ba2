"""What changed between two scorings of one rep: the inputs an earlier run scored and those scored now.

A correction statement says why pay changed; this compares the rep's `RepInputs`
(and the `CarriedState` each scoring started from) and returns the differences as
data: deals added, removed or changed (by deal id, each changed field with its old
and new value), metric values and counts, target overrides, the rep's own record,
the team in scope (members and their deals) and the state carried in. Values are
kept as exact text (a Decimal's digits, an ISO date) with a `kind` saying how to
print them; the statement words and formats them. The order is fixed: by subject,
then key, then field. Must not format for a reader, read anything or know where the
inputs came from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.inputs import CarriedState, Deal, MetricValue, Rep, RepInputs, TeamMember

# The order subjects are listed in, and each one's fields in the order they are compared.
SUBJECTS = ("rep", "deal", "metric", "target", "team", "team_deal", "draw", "paid_deal", "clawed_back")
REP_FIELDS = {"name": "text", "email": "text", "role": "text", "team": "text", "manager_id": "text",
              "hired_on": "date", "terminated_on": "date", "currency": "text", "salary": "amount"}
DEAL_FIELDS = {"status": "text", "amount": "amount", "cost": "amount", "share": "number", "closed_at": "date",
               "created_at": "date", "cancelled_at": "date", "product": "text", "currency": "text"}


class Change(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """One difference. `what`: added, removed or changed; a change names its `field`.

    `before` and `now` are exact text ("" where there is none), printed as `kind` says:
    amount, number, count, date (ISO) or text. A deal added or removed carries its
    `status`, `amount` and `day` (closed, or cancelled for a clawback); a deal whose
    status became "cancelled" carries the day it was cancelled. Team deals name the
    team `member` they are credited to.
    """

    subject: str  # one of SUBJECTS
    key: str  # deal id, metric key, target key, team member's rep id; "" for the rep and the draw
    what: str
    field: str = ""
    kind: str = "text"
    before: str = ""
    now: str = ""
    status: str = ""
    amount: Decimal | None = None
    day: date | None = None
    member: str = ""


def input_changes(before: RepInputs, now: RepInputs, state_before: CarriedState | None = None,
                  state_now: CarriedState | None = None) -> list[Change]:
    """Every difference from `before` (and `state_before`) to `now` (and `state_now`), in SUBJECTS order."""
    found = [*_fields("rep", "", REP_FIELDS, before.rep, now.rep),
             *_deals("deal", before.deals, now.deals),
             *_metrics(before.metrics, now.metrics),
             *_keyed("target", "value", "number", {k: t.value for k, t in before.targets.items()},
                     {k: t.value for k, t in now.targets.items()}),
             *_team(before.team, now.team),
             *_state(state_before or CarriedState(), state_now or CarriedState())]
    order = {s: i for i, s in enumerate(SUBJECTS)}
    return sorted(found, key=lambda c: (order[c.subject], c.member, c.key))  # stable: fields keep their order


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _fields(subject: str, key: str, fields: dict[str, str], old: object, new: object, **extra) -> list[Change]:
    """A "changed" Change per field of `fields` whose value differs between `old` and `new`."""
    out = []
    for name, kind in fields.items():
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(Change(subject=subject, key=key, what="changed", field=name, kind=kind,
                              before=_text(a), now=_text(b), **extra))
    return out


def _deals(subject: str, before: tuple[Deal, ...], now: tuple[Deal, ...], member: str = "") -> list[Change]:
    old, new = {d.id: d for d in before}, {d.id: d for d in now}
    out = []
    for deal_id in sorted(old.keys() | new.keys()):
        a, b = old.get(deal_id), new.get(deal_id)
        if a is None or b is None:
            deal = b or a
            out.append(Change(subject=subject, key=deal_id, what="added" if a is None else "removed",
                              status=deal.status, amount=deal.amount, day=deal.cancelled_at or deal.closed_at,
                              member=member))
        elif a != b:
            out += _deal_fields(subject, a, b, member)
    return out


def _deal_fields(subject: str, a: Deal, b: Deal, member: str) -> list[Change]:
    """A deal's changed fields; a status that became "cancelled" carries the day, in place of cancelled_at."""
    cancelled = a.status != b.status and b.status == "cancelled"
    out = [msgspec.structs.replace(c, day=b.cancelled_at) if cancelled and c.field == "status" else c
           for c in _fields(subject, a.id, DEAL_FIELDS, a, b, member=member)
           if not (cancelled and c.field == "cancelled_at")]
    for name in sorted(a.fields.keys() | b.fields.keys()):
        if a.fields.get(name) != b.fields.get(name):
            out.append(Change(subject=subject, key=a.id, what="changed", field=name, kind="number",
                              before=_text(a.fields.get(name)), now=_text(b.fields.get(name)), member=member))
    return out


def _metrics(before: dict[str, MetricValue], now: dict[str, MetricValue]) -> list[Change]:
    """A metric's value and the count of facts behind it, where they changed."""
    empty = MetricValue(None)
    out = []
    for key in sorted(before.keys() | now.keys()):
        a, b = before.get(key, empty), now.get(key, empty)
        out += _fields("metric", key, {"value": "number", "count": "count"}, a, b)
    return out


def _keyed(subject: str, field: str, kind: str, before: dict[str, object], now: dict[str, object]) -> list[Change]:
    """Values by key: added, removed, or changed in `field`."""
    out = []
    for key in sorted(before.keys() | now.keys()):
        a, b = before.get(key), now.get(key)
        if a != b:
            what = "added" if key not in before else "removed" if key not in now else "changed"
            out.append(Change(subject=subject, key=key, what=what, field=field, kind=kind,
                              before=_text(a), now=_text(b)))
    return out


def _team(before: tuple[TeamMember, ...], now: tuple[TeamMember, ...]) -> list[Change]:
    """Team members added or removed; the deals of members in both."""
    old, new = {m.rep.id: m for m in before}, {m.rep.id: m for m in now}
    out = [Change(subject="team", key=rep_id, what="added" if rep_id in new else "removed")
           for rep_id in sorted(old.keys() ^ new.keys())]
    for rep_id in sorted(old.keys() & new.keys()):
        out += _deals("team_deal", old[rep_id].deals, new[rep_id].deals, member=rep_id)
    return out


def _state(before: CarriedState, now: CarriedState) -> list[Change]:
    """The state carried in: the draw balance, commission remembered per deal, deals clawed back."""
    out = _fields("draw", "", {"draw_balance": "amount"}, before, now)
    out += _keyed("paid_deal", "amount", "amount", {k: p.amount for k, p in before.paid_deals.items()},
                  {k: p.amount for k, p in now.paid_deals.items()})
    gone, came = set(before.clawed_back) - set(now.clawed_back), set(now.clawed_back) - set(before.clawed_back)
    out += [Change(subject="clawed_back", key=deal_id, what="added" if deal_id in came else "removed")
            for deal_id in sorted(gone | came)]
    return out
