"""Deterministic synthetic facts for benchmarks: a sales org of N reps and M facts.

`generate(target, reps=10_000, facts=1_000_000, seed=1)` writes fact CSVs into a
directory or bulk-inserts straight into a database connection. Managers lead
teams of nine, directors lead ten managers; `facts` counts activities and deals
(about 85% / 15%) dated around one period; a few deals are split; NPS answers,
scores and team targets come on top. Must not be used for anything but tests and
benchmarks.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import msgspec
from sqlalchemy import Connection

from payplan.core.periods import parse_period
from payplan.store.schema import FACT_TABLES

KINDS = ("call", "call", "call", "email", "meeting", "demo")
STATUSES = ("won",) * 9 + ("lost",) * 5 + ("open",) * 4 + ("cancelled",) * 2
PRODUCTS = ("Core", "Core", "Addon", "Support")
CHUNK = 50_000


def generate(target: str | Path | Connection, reps: int = 10_000, facts: int = 1_000_000,
             seed: int = 1, period: str = "2026-03") -> dict[str, int]:
    """Write (directory) or insert (connection) the synthetic facts; return rows per kind."""
    org = _Org(reps, facts, random.Random(seed), period)
    counts = {}
    for kind, rows in org.tables():
        counts[kind] = (_insert if isinstance(target, Connection) else _write)(target, kind, rows)
    return counts


class _Org:
    def __init__(self, reps: int, facts: int, rng: random.Random, period: str) -> None:
        self.reps, self.facts, self.rng = reps, facts, rng
        p = parse_period(period)
        self.period, self.start, self.days = p, p.start, p.days
        self.ids = [f"R{i:06d}" for i in range(reps)]

    def tables(self) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
        deal_count = self.facts * 15 // 100
        yield "reps", self.rep_rows()
        yield "activities", self.activity_rows(self.facts - deal_count)
        split: list[tuple[str, str, str]] = []
        yield "deals", self.deal_rows(deal_count, split)
        yield "credits", self.credit_rows(split)
        yield "scores", self.score_rows()
        yield "nps", self.nps_rows()
        yield "targets", self.target_rows()

    def manager(self, i: int) -> str | None:
        if i % 100 == 0:
            return None
        return self.ids[i // 100 * 100] if i % 10 == 0 else self.ids[i // 10 * 10]

    def rep_rows(self) -> Iterator[dict[str, Any]]:
        for i, rep_id in enumerate(self.ids):
            role = "MANAGER" if i % 10 == 0 else ("SDR" if i % 10 in (8, 9) else "AE")
            hired = date(2019, 1, 1) + timedelta(days=i % 2500)
            yield {"id": rep_id, "name": f"Rep {i}", "email": f"rep{i}@example.com", "role": role,
                   "team": f"T{i // 100:03d}", "manager_id": self.manager(i), "hired_on": hired,
                   "terminated_on": None, "currency": "EUR", "salary": Decimal(3000 + i % 7 * 250)}

    def day(self, offset_days: int = 0) -> date:
        return self.start + timedelta(days=self.rng.randrange(self.days) - offset_days)

    def activity_rows(self, count: int) -> Iterator[dict[str, Any]]:
        rng, ids = self.rng, self.ids
        for n in range(count):
            yield {"id": f"A{n:08d}", "rep_id": ids[rng.randrange(len(ids))], "kind": rng.choice(KINDS),
                   "occurred_at": self.day()}

    def deal_rows(self, count: int, split: list[tuple[str, str, str]]) -> Iterator[dict[str, Any]]:
        rng, ids = self.rng, self.ids
        for n in range(count):
            status, closed = rng.choice(STATUSES), self.day(rng.randrange(0, 40))
            created = closed - timedelta(days=rng.randrange(1, 120))
            amount = Decimal(rng.randrange(50_000, 5_000_000)).scaleb(-2)
            rep = rng.randrange(len(ids))
            deal_id = f"D{n:08d}"
            if status == "won" and n % 20 == 0:
                split.append((deal_id, ids[rep], ids[(rep // 10 * 10 + (rep + 1) % 10) % len(ids)]))
            yield {"id": deal_id, "rep_id": ids[rep], "created_at": created,
                   "closed_at": None if status == "open" else closed, "status": status, "amount": amount,
                   "cost": (amount * rng.randrange(20, 90) / 100).quantize(Decimal("0.01")),
                   "currency": "EUR", "product": rng.choice(PRODUCTS),
                   "cancelled_at": closed + timedelta(days=rng.randrange(1, 60)) if status == "cancelled" else None,
                   "fields": '{"discount":"%d.00"}' % rng.randrange(0, 500)}

    def credit_rows(self, split: list[tuple[str, str, str]]) -> Iterator[dict[str, Any]]:
        for deal_id, first, second in split:
            if first != second:
                yield {"deal_id": deal_id, "rep_id": first, "share": Decimal("0.6")}
                yield {"deal_id": deal_id, "rep_id": second, "share": Decimal("0.4")}

    def score_rows(self) -> Iterator[dict[str, Any]]:
        for rep_id in self.ids:
            for kind in ("crm_hygiene", "script_compliance"):
                value = Decimal(self.rng.randrange(50, 101)).scaleb(-2)
                yield {"rep_id": rep_id, "period": self.period.key, "kind": kind, "value": value}

    def nps_rows(self) -> Iterator[dict[str, Any]]:
        for n in range(self.reps * 3):
            yield {"id": f"N{n:08d}", "rep_id": self.ids[self.rng.randrange(self.reps)],
                   "answered_at": self.day(), "score": self.rng.randrange(11)}

    def target_rows(self) -> Iterator[dict[str, Any]]:
        for team in sorted({f"T{i // 100:03d}" for i in range(self.reps)}):
            yield {"scope": "team", "scope_id": team, "period": self.period.key, "metric": "revenue",
                   "target": Decimal(2_000_000)}


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(conn: Connection, kind: str, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for chunk in _chunks(rows):
        conn.execute(FACT_TABLES[kind].insert(), chunk)
        count += len(chunk)
    return count


# the CSV files name their id column after the kind (DESIGN §4)
_ID_COLUMN = {"reps": "rep_id", "activities": "activity_id", "deals": "deal_id", "nps": "response_id"}


def _write(directory: str | Path, kind: str, rows: Iterator[dict[str, Any]]) -> int:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(folder / f"{kind}.csv", "w", newline="", encoding="utf-8") as out:
        writer = None
        for row in rows:
            row = _csv_row(kind, row)
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
            count += 1
    return count


def _csv_row(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    out = {(_ID_COLUMN.get(kind, k) if k == "id" else k): ("" if v is None else v) for k, v in row.items()}
    if kind == "deals":
        out.update(msgspec.json.decode(out.pop("fields")))
    return out
