"""Score metrics (crm_hygiene, script_compliance, custom `score:KIND`) from the scores table.

A rep's value for a period is the score row with that period's key; for a quarter
or a year without one, the mean of the rep's monthly scores inside it. A team or
subtree value is the mean over the reports that have a value. Must not read
other fact tables.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import Connection

from payplan.core.inputs import MetricValue
from payplan.core.metrics import SCORE_PREFIX, MetricSpec
from payplan.core.periods import Period
from payplan.store.aggregates import Only, score_rows
from payplan.store.schema import from_units, trim

UNIT_SCORES = ("crm_hygiene", "script_compliance")


def score_kind(name: str) -> str:
    """The scores.csv kind a metric reads, or "" for a metric computed from other facts."""
    if name.startswith(SCORE_PREFIX):
        return name[len(SCORE_PREFIX):]
    return name if name in UNIT_SCORES else ""


def monthly_keys(period: Period) -> list[str]:
    """The month keys inside a quarter or year (none for a month)."""
    if period.kind == "month":
        return []
    first = period.start.month
    return [f"{period.year:04d}-{m:02d}" for m in range(first, first + period.months)]


def score_values(conn: Connection, period: Period, specs: list[MetricSpec],
                 only: Only) -> dict[tuple[str, str], dict[str, MetricValue]]:
    """(scope, kind) → owner id → MetricValue for the score specs asked for."""
    kinds = sorted({score_kind(s.name) for s in specs})
    keys = [period.key, *monthly_keys(period)]
    result: dict[tuple[str, str], dict[str, MetricValue]] = defaultdict(dict)
    for scope in sorted({s.scope for s in specs}):
        rows = score_rows(conn, keys, kinds, scope, only)
        if scope == "self" and len(keys) == 1:  # one row per (rep, kind): the value itself
            for rep_id, kind, period_key, units, _ in rows:
                result[(scope, kind)][rep_id] = MetricValue(micro(units), 1, (f"{rep_id}:{period_key}:{kind}",))
            continue
        for (owner, kind), members in _members(rows, period.key).items():
            result[(scope, kind)][owner] = _mean(members)
    return result


def score_evidence(conn: Connection, period: Period, scope: str, kind: str, owner: str) -> tuple[str, ...]:
    """The score rows ("rep:period:kind") behind one owner's score metric, sorted."""
    rows = score_rows(conn, [period.key, *monthly_keys(period)], [kind], scope, [owner])
    members = _members(rows, period.key).get((owner, kind), [])
    return tuple(sorted(e for _, ids in members for e in ids))


def _members(rows, key: str) -> dict[tuple[str, str], list[tuple[Decimal, list[str]]]]:
    """(owner, kind) → each member rep's (value, evidence) from score rows."""
    found: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for rep_id, kind, period_key, units, owner in rows:
        found[(owner, kind, rep_id)][period_key] = micro(units)
    per_owner: dict[tuple[str, str], list[tuple[Decimal, list[str]]]] = defaultdict(list)
    for (owner, kind, rep_id), by_period in found.items():
        per_owner[(owner, kind)].append(_member_value(rep_id, kind, key, by_period))
    return per_owner


@lru_cache(maxsize=8192)
def micro(units: int) -> Decimal:
    """A stored score (millionths) as the Micro column reads it back: 0.9, 12000, -12.5."""
    return trim(from_units(units, 6))


def _member_value(rep_id: str, kind: str, key: str, by_period: dict[str, Decimal]) -> tuple[Decimal, list[str]]:
    """One rep's score: the exact period row, else the mean of the monthly rows."""
    used = [key] if key in by_period else sorted(by_period)
    value = sum((by_period[k] for k in used), Decimal(0)) / len(used)
    return value, [f"{rep_id}:{k}:{kind}" for k in used]


def _mean(members: list[tuple[Decimal, list[str]]]) -> MetricValue:
    total = sum((value for value, _ in members), Decimal(0))
    evidence = tuple(sorted(e for _, ids in members for e in ids))
    if len(members) == 1:
        return MetricValue(members[0][0], len(evidence), evidence)
    return MetricValue(total / len(members), len(evidence), evidence, total, Decimal(len(members)))
