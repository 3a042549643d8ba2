"""Fast acceptance of clean rows: a deal or activity row that is plainly valid, typed without `Cells`.

A quick parser returns the very row the full parser (`payplan.facts.read`) would
build, or None whenever anything is unusual — a blank required cell, a timestamp,
a number with an exponent, a rule broken — and the full parser then reads that
row and words its problems. So a quick parser may refuse too much, never accept
too much, and must not report problems itself. Must not touch files or a database.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from decimal import Decimal
from typing import Callable

from payplan.core import bounds
from payplan.facts.rows import DEAL_STATUSES, ActivityRow, DealRow

Values = dict[str, str]
Quick = Callable[[Values, int, tuple[str, ...]], "DealRow | ActivityRow | None"]

# At most 18 digits: far inside the 64-bit limits of money (cents) and extra numbers.
_NUMBERS = {places: re.compile(r"[+-]?[0-9]{1,16}(\.[0-9]{1,%d})?" % places) for places in (2, 28)}
_STATUSES = frozenset(DEAL_STATUSES)
_LIMIT = bounds.FACT_EXTRA


def _ident(raw: str | None) -> str | None:
    """A required identifier without control characters (printable text), stripped."""
    value = raw.strip() if raw else ""
    return value if value and value.isprintable() else None


@lru_cache(maxsize=4096)  # a file holds a few hundred distinct days; a date is immutable
def _day(raw: str) -> date | None:
    """A plain YYYY-MM-DD day (no time, so no instant); None for anything else."""
    value = raw.strip()
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2026-02-30: the full parser words it
        return None


def _number(raw: str, places: int) -> Decimal | None:
    value = raw.strip()
    if not _NUMBERS[places].fullmatch(value):
        return None
    number = Decimal(value)
    return number if abs(number) < _LIMIT else None


_MISSING = object()


def _optional_day(raw: str | None) -> object:
    """None for a blank cell, the day, or _MISSING when the cell is not a plain day."""
    if not raw or raw.isspace():
        return None
    return _day(raw) or _MISSING


def quick_deal(values: Values, number: int, extras: tuple[str, ...]) -> DealRow | None:
    deal_id, rep_id = _ident(values.get("deal_id")), _ident(values.get("rep_id"))
    status = (values.get("status") or "").strip()
    created = _day(values.get("created_at") or "")
    closed, cancelled = _optional_day(values.get("closed_at")), _optional_day(values.get("cancelled_at"))
    currency = (values.get("currency") or "").strip()
    if None in (deal_id, rep_id, created) or not currency or status not in _STATUSES \
            or closed is _MISSING or cancelled is _MISSING:
        return None
    if (closed is None and status in ("won", "cancelled")) or ((cancelled is None) == (status == "cancelled")) \
            or (closed is not None and closed < created) or (cancelled is not None and (closed is None or cancelled < closed)):  # type: ignore[operator]
        return None
    amount = _number(values.get("amount") or "", 2)
    raw_cost = (values.get("cost") or "").strip()
    cost = _number(raw_cost, 2) if raw_cost else None
    if amount is None or (raw_cost and cost is None):
        return None
    fields = {}
    for column in extras:
        raw = (values.get(column) or "").strip()
        if raw:
            if (value := _number(raw, 28)) is None:
                return None
            fields[column] = value
    return DealRow(deal_id, rep_id, created, closed, status, amount, cost, currency,  # type: ignore[arg-type]
                   (values.get("product") or "").strip(), cancelled, fields, number)  # type: ignore[arg-type]


def quick_activity(values: Values, number: int, extras: tuple[str, ...]) -> ActivityRow | None:
    activity_id, rep_id = _ident(values.get("activity_id")), _ident(values.get("rep_id"))
    kind = (values.get("kind") or "").strip()
    occurred = _day(values.get("occurred_at") or "")
    if None in (activity_id, rep_id, occurred) or not kind:
        return None
    return ActivityRow(activity_id, rep_id, kind, occurred, number)  # type: ignore[arg-type]
