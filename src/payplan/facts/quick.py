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
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from payplan.core.periods import FIRST_YEAR, LAST_YEAR
from payplan.facts.rows import DEAL_STATUSES, ActivityRow, DealRow

Values = dict[str, str]
Quick = Callable[[Values, int, tuple[str, ...]], "DealRow | ActivityRow | None"]

# At most 15 whole digits: below every limit of `payplan.core.bounds` (FACT_EXTRA is 10**15, money's is
# 2**63 cents), so a matching cell needs no range check.
_MONEY = re.compile(r"[+-]?[0-9]{1,15}(\.[0-9]{1,2})?").fullmatch
_EXTRA = re.compile(r"[+-]?[0-9]{1,15}(\.[0-9]{1,28})?").fullmatch
_STATUSES = frozenset(DEAL_STATUSES)
_MISSING = object()


@lru_cache(maxsize=4096)  # a file holds a few hundred distinct days; a date is immutable
def _day(raw: str) -> date | None:
    """A plain YYYY-MM-DD day (no time, so no instant); None for anything else."""
    value = raw.strip()
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:  # 2026-02-30: the full parser words it
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None  # 0001-01-01 too


def _optional_day(raw: str | None) -> object:
    """None for a blank cell, the day, or _MISSING when the cell is not a plain day."""
    if not raw or raw.isspace():
        return None
    return _day(raw) or _MISSING


def _number(raw: str | None, match: Callable[[str], object]) -> object:
    """None for a blank cell, the number, or _MISSING when the cell is not a plain number."""
    value = raw.strip() if raw else ""
    if not value:
        return None
    return Decimal(value) if match(value) else _MISSING


def quick_deal(values: Values, number: int, extras: tuple[str, ...]) -> DealRow | None:
    get = values.get
    deal_id, rep_id = (get("deal_id") or "").strip(), (get("rep_id") or "").strip()
    status, currency = (get("status") or "").strip(), (get("currency") or "").strip()
    if not (deal_id and rep_id and currency and status in _STATUSES and deal_id.isprintable() and rep_id.isprintable()):
        return None  # printable: no control characters
    created = _day(get("created_at") or "")
    closed, cancelled = _optional_day(get("closed_at")), _optional_day(get("cancelled_at"))
    if created is None or closed is _MISSING or cancelled is _MISSING \
            or (closed is None and status in ("won", "cancelled")) or ((cancelled is None) == (status == "cancelled")) \
            or (closed is not None and closed < created) or (cancelled is not None and cancelled < closed):  # type: ignore[operator]
        return None
    amount, cost = _number(get("amount"), _MONEY), _number(get("cost"), _MONEY)
    if amount is None or amount is _MISSING or cost is _MISSING:
        return None
    fields = {}
    for column in extras:
        if (value := _number(get(column), _EXTRA)) is _MISSING:
            return None
        if value is not None:
            fields[column] = value
    return DealRow(deal_id, rep_id, created, closed, status, amount, cost, currency,  # type: ignore[arg-type]
                   (get("product") or "").strip(), cancelled, fields, number)  # type: ignore[arg-type]


def quick_activity(values: Values, number: int, extras: tuple[str, ...]) -> ActivityRow | None:
    get = values.get
    activity_id, rep_id, kind = (get("activity_id") or "").strip(), (get("rep_id") or "").strip(), \
        (get("kind") or "").strip()
    occurred = _day(get("occurred_at") or "")
    if not (activity_id and rep_id and kind and occurred and activity_id.isprintable() and rep_id.isprintable()):
        return None
    return ActivityRow(activity_id, rep_id, kind, occurred, number)  # type: ignore[arg-type]
