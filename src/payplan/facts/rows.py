"""Fact rows as typed, validated values: the `FactSet` that every reader returns.

Shared by the file reader (`read`), the cross-file checks (`checks`) and the
importer (`imports`). Must not parse, read files or touch a database.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

DEAL_STATUSES = ("open", "won", "lost", "cancelled")
CREDIT_PURPOSES = ("both", "quota", "commission")  # what a credit counts for: quota attainment, commission, or both
UNIT_SCORE_KINDS = frozenset({"crm_hygiene", "script_compliance"})


class RepRow(msgspec.Struct, frozen=True):
    rep_id: str
    name: str
    email: str | None
    role: str
    team: str
    manager_id: str | None
    hired_on: date | None
    terminated_on: date | None
    currency: str
    salary: Decimal | None
    payroll_id: str | None = None  # the rep's id in the payroll system, for payroll exports
    row: int = 0


class ActivityRow(msgspec.Struct, frozen=True):
    activity_id: str
    rep_id: str
    kind: str
    occurred_at: date
    row: int = 0
    occurred_at_utc: datetime | None = None  # the instant, when the file gave a time with an offset


class DealRow(msgspec.Struct, frozen=True):
    deal_id: str
    rep_id: str
    created_at: date
    closed_at: date | None
    status: str
    amount: Decimal
    cost: Decimal | None
    currency: str
    product: str
    cancelled_at: date | None
    fields: dict[str, Decimal] = {}
    row: int = 0
    # the instants (naive UTC), when the file gave a time with an offset
    created_at_utc: datetime | None = None
    closed_at_utc: datetime | None = None
    cancelled_at_utc: datetime | None = None


class CreditRow(msgspec.Struct, frozen=True):
    deal_id: str
    rep_id: str
    share: Decimal
    counts_for: str = "both"  # "both", "quota" (attainment only) or "commission" (pay only)
    row: int = 0


class ScoreRow(msgspec.Struct, frozen=True):
    rep_id: str
    period: str
    kind: str
    value: Decimal
    row: int = 0


class NpsRow(msgspec.Struct, frozen=True):
    response_id: str
    rep_id: str
    answered_at: date
    score: int
    row: int = 0
    answered_at_utc: datetime | None = None  # the instant, when the file gave a time with an offset


class TargetRow(msgspec.Struct, frozen=True):
    scope: str
    scope_id: str
    period: str
    metric: str
    target: Decimal
    row: int = 0


class ParameterRow(msgspec.Struct, frozen=True):
    """A per-rep plan value (`[[parameters]]` key) in effect from `effective_from` on."""

    rep_id: str
    key: str
    value: Decimal
    effective_from: date
    row: int = 0


class FxRateRow(msgspec.Struct, frozen=True):
    """One dated exchange rate: 1 `from_currency` = `rate` `to_currency` on `day`."""

    day: date
    from_currency: str
    to_currency: str
    rate: Decimal
    row: int = 0


class FactSet(msgspec.Struct, frozen=True):
    """Validated facts; `sources` maps a kind ("deals") to the file read ("deals.csv")."""

    reps: tuple[RepRow, ...] = ()
    activities: tuple[ActivityRow, ...] = ()
    deals: tuple[DealRow, ...] = ()
    credits: tuple[CreditRow, ...] = ()
    scores: tuple[ScoreRow, ...] = ()
    nps: tuple[NpsRow, ...] = ()
    targets: tuple[TargetRow, ...] = ()
    parameters: tuple[ParameterRow, ...] = ()
    fx_rates: tuple[FxRateRow, ...] = ()
    sources: dict[str, str] = {}


def content(row: msgspec.Struct) -> tuple:
    """A row's values without its row number, for comparing duplicates."""
    return tuple(getattr(row, f) for f in row.__struct_fields__ if f != "row")
