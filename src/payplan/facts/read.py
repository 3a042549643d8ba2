"""Read a directory of fact files (CSV or JSON) into validated, typed rows.

`read_facts(directory)` parses reps, activities, deals, credits, scores, NPS
answers, targets and per-rep plan parameters (DESIGN §4), checks every row and the references between
files, and returns a `FactSet`; every problem found is collected and raised at
once as a `FactError` naming file, row and column. Row numbers are those a
spreadsheet shows: the header is row 1, the first data row is row 2 (in a JSON
file, the n-th object is item n).

Must not touch a database or compute metrics: storing is `payplan.facts.imports`,
aggregation is `payplan.store.metrics`. Never builds a Decimal from a float.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Callable

import msgspec

from payplan.core.periods import PeriodError, parse_period
from payplan.facts.cells import NUMBER, Cells
from payplan.facts.checks import check_references
from payplan.facts.files import Records, read_records
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.quick import Quick, quick_activity, quick_deal
from payplan.facts.rows import (
    CREDIT_PURPOSES,
    DEAL_STATUSES,
    UNIT_SCORE_KINDS,
    ActivityRow,
    CreditRow,
    DealRow,
    FactSet,
    FxRateRow,
    NpsRow,
    ParameterRow,
    RepRow,
    ScoreRow,
    TargetRow,
    content,
)
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.store.schema import FACT_TABLES

__all__ = ["SPECS", "read_facts", "parse_file"]

def read_facts(directory: str | Path) -> FactSet:
    """Read and validate every fact file in `directory`; raise FactError listing all problems."""
    folder = Path(directory)
    problems: list[FactProblem] = []
    parsed: dict[str, tuple] = {}
    sources: dict[str, str] = {}
    for kind, spec in SPECS.items():
        found = _find(folder, kind, problems)
        if found is None:
            if kind == "reps":
                problems.append(FactProblem("reps.csv", None, None,
                                             N_("missing: reps.csv (or reps.json) is required in %(folder)s"),
                                             {"folder": str(folder)}))
            continue
        sources[kind] = found.name
        records = read_records(found, problems)
        if records is not None:
            parsed[kind] = parse_file(found.name, records, spec, problems)
    facts = FactSet(**parsed, sources=sources)
    if not problems:
        check_references(facts, problems)
    if problems:
        raise FactError(problems)
    return facts


def _find(folder: Path, kind: str, problems: list[FactProblem]) -> Path | None:
    candidates = [p for p in (folder / f"{kind}.csv", folder / f"{kind}.json") if p.is_file()]
    if len(candidates) > 1:
        problems.append(FactProblem(candidates[0].name, None, None, N_("both %(csv)s and %(json)s exist; keep one"),
                                    {"csv": f"{kind}.csv", "json": f"{kind}.json"}))
    return candidates[0] if candidates else None


# --- one parser per fact kind -------------------------------------------------


def _rep(c: Cells) -> RepRow | None:
    rep_id, manager_id = c.ident("rep_id"), c.ident("manager_id", False)
    hired, terminated = c.day("hired_on", False), c.day("terminated_on", False)
    currency = _currency(c, "currency")
    if hired and terminated and terminated < hired:
        c.fail("terminated_on", N_("%(day)s is before hired_on %(hired)s"), day=terminated, hired=hired)
    if rep_id is not None and manager_id == rep_id:
        c.fail("manager_id", N_("a rep cannot be their own manager"))
    row = RepRow(rep_id or "", c.text("name") or "", c.text("email", False), c.text("role", False) or "",
                 c.text("team", False) or "", manager_id, hired, terminated, currency or "",
                 c.number("salary", 2, False), c.text("payroll_id", False), c.row)
    return row if c.ok else None


def _currency(c: Cells, column: str) -> str | None:
    currency = c.text(column)
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        c.fail(column, N_("%(value)r is not an ISO 4217 currency code such as EUR"), value=currency)
        return None
    return currency


def _fx_rate(c: Cells) -> FxRateRow | None:
    source, target = _currency(c, "from"), _currency(c, "to")
    if source is not None and source == target:
        c.fail("to", N_("a rate converts between two different currencies (both are %(value)s)"), value=source)
    rate = c.number("rate", 6, what=N_("decimal rate"))
    if rate is not None and rate <= 0:
        c.fail("rate", N_("%(value)s is not a positive rate"), value=rate)
    row = FxRateRow(c.day("date") or date.min, source or "", target or "", rate or Decimal(0), c.row)
    return row if c.ok else None


def _activity(c: Cells) -> ActivityRow | None:
    row = ActivityRow(c.ident("activity_id") or "", c.ident("rep_id") or "", c.text("kind") or "",
                      c.day("occurred_at") or date.min, c.row, c.instant("occurred_at"))
    return row if c.ok else None


def _deal(c: Cells) -> DealRow | None:
    status = c.choice("status", DEAL_STATUSES)
    created, closed, cancelled = c.day("created_at"), c.day("closed_at", False), c.day("cancelled_at", False)
    if status in ("won", "cancelled") and closed is None and c.ok:
        c.fail("closed_at", N_("a %(status)s deal needs closed_at"), status=status)
    if status == "cancelled" and cancelled is None and c.ok:
        c.fail("cancelled_at", N_("a cancelled deal needs cancelled_at"))
    if cancelled is not None and status not in (None, "cancelled"):
        c.fail("cancelled_at", N_("only a cancelled deal has cancelled_at (status is %(status)s)"), status=status)
    if created and closed and closed < created:
        c.fail("closed_at", N_("%(day)s is before created_at %(created)s"), day=closed, created=created)
    if closed and cancelled and cancelled < closed:
        c.fail("cancelled_at", N_("%(day)s is before closed_at %(closed)s"), day=cancelled, closed=closed)
    fields = {col: v for col in c.extras if (v := c.number(col, 28, False, "decimal number")) is not None}
    row = DealRow(c.ident("deal_id") or "", c.ident("rep_id") or "", created or date.min, closed,
                  status or "", c.number("amount", 2) or Decimal(0), c.number("cost", 2, False),
                  c.text("currency") or "", c.text("product", False) or "", cancelled, fields, c.row,
                  c.instant("created_at"), c.instant("closed_at"), c.instant("cancelled_at"))
    return row if c.ok else None


def _credit(c: Cells) -> CreditRow | None:
    share = c.number("share", 6, what=N_("decimal share"))
    if share is not None and not 0 < share <= 1:
        c.fail("share", N_("%(value)s is not a share in (0, 1]"), value=share)
    counts_for = c.choice("counts_for", CREDIT_PURPOSES) if c.text("counts_for", False) else "both"
    row = CreditRow(c.ident("deal_id") or "", c.ident("rep_id") or "", share or Decimal(0), counts_for or "", c.row)
    return row if c.ok else None


def _period_key(c: Cells, column: str) -> str:
    text = c.text(column)
    if text is None:
        return ""
    try:
        return parse_period(text).key
    except PeriodError as exc:
        c.fail(column, exc.message, **exc.fields)
        return ""


def _score(c: Cells) -> ScoreRow | None:
    kind, value = c.text("kind") or "", c.number("value", 6, what=N_("decimal number"))
    if kind in UNIT_SCORE_KINDS and value is not None and not 0 <= value <= 1:
        c.fail("value", N_("%(value)s is outside 0..1 (a %(kind)s score is a ratio)"), value=value, kind=kind)
    row = ScoreRow(c.ident("rep_id") or "", _period_key(c, "period"), kind, value or Decimal(0), c.row)
    return row if c.ok else None


def _nps(c: Cells) -> NpsRow | None:
    text = c.text("score")
    if text is not None and not (text.isdigit() and 0 <= int(text) <= 10):
        c.fail("score", N_("%(value)r is not a whole number from 0 to 10"), value=text)
    row = NpsRow(c.ident("response_id") or "", c.ident("rep_id") or "", c.day("answered_at") or date.min,
                 int(text) if c.ok and text else 0, c.row, c.instant("answered_at"))
    return row if c.ok else None


def _target(c: Cells) -> TargetRow | None:
    row = TargetRow(c.choice("scope", ("rep", "team")) or "", c.text("scope_id") or "",
                    _period_key(c, "period"), c.text("metric") or "",
                    c.number("target", 6, what=N_("decimal number")) or Decimal(0), c.row)
    return row if c.ok else None


_PARAMETER_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _parameter(c: Cells) -> ParameterRow | None:
    key = c.text("key")
    if key is not None and not _PARAMETER_KEY.match(key):
        c.fail("key", N_("%(value)r is not a parameter key (letters, digits and _, as in the plan)"), value=key)
    row = ParameterRow(c.ident("rep_id") or "", key or "", c.number("value", 6, what=N_("decimal number")) or Decimal(0),
                       c.day("effective_from") or date.min, c.row)
    return row if c.ok else None


class FileSpec(msgspec.Struct, frozen=True):
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]  # the external id: columns that identify a row
    parse: Callable[[Cells], msgspec.Struct | None]
    extras: bool = False  # keep unknown numeric columns (deals)
    key_columns: tuple[str, ...] = ()  # the key's column names when they differ from its fields (fx_rates)
    quick: Quick | None = None  # accepts a plainly valid row faster (`payplan.facts.quick`), else None
    lengths: tuple[tuple[str, str, int], ...] = ()  # (field, file column, most characters): `_lengths`


SPECS: dict[str, FileSpec] = {
    "reps": FileSpec(("rep_id", "name", "role", "team", "hired_on", "currency"),
                     ("email", "manager_id", "terminated_on", "salary", "payroll_id"), ("rep_id",), _rep),
    "activities": FileSpec(("activity_id", "rep_id", "kind", "occurred_at"), (), ("activity_id",), _activity,
                             quick=quick_activity),
    "deals": FileSpec(("deal_id", "rep_id", "created_at", "closed_at", "status", "amount", "currency"),
                      ("cost", "product", "cancelled_at"), ("deal_id",), _deal, extras=True,
                      quick=quick_deal),
    "credits": FileSpec(("deal_id", "rep_id", "share"), ("counts_for",), ("deal_id", "rep_id"), _credit),
    "scores": FileSpec(("rep_id", "period", "kind", "value"), (), ("rep_id", "period", "kind"), _score),
    "nps": FileSpec(("response_id", "rep_id", "answered_at", "score"), (), ("response_id",), _nps),
    "targets": FileSpec(("scope", "scope_id", "period", "metric", "target"), (),
                        ("scope", "scope_id", "period", "metric"), _target),
    "parameters": FileSpec(("rep_id", "key", "value", "effective_from"), (),
                           ("rep_id", "key", "effective_from"), _parameter),
    "fx_rates": FileSpec(("date", "from", "to", "rate"), (), ("day", "from_currency", "to_currency"), _fx_rate,
                         key_columns=("date", "from", "to")),
}


def _lengths(kind: str, spec: FileSpec) -> tuple[tuple[str, str, int], ...]:
    """(row field, file column, most characters) of each text column the kind's table declares with a
    length (`payplan.store.schema`: PostgreSQL refuses a longer value, SQLite would keep it)."""
    named = dict(zip(spec.key, spec.key_columns))
    found = []
    for column in FACT_TABLES[kind].columns:
        if length := getattr(column.type, "length", None):
            field = spec.key[0] if column.name == "id" else str(column.name)
            found.append((field, named.get(field, field), length))
    return tuple(found)


SPECS = {kind: msgspec.structs.replace(spec, lengths=_lengths(kind, spec)) for kind, spec in SPECS.items()}


@collector_paused()  # builds a row object per line, no cycles (payplan.gcpause)
def parse_file(name: str, records: Records, spec: FileSpec, problems: list[FactProblem]) -> tuple:
    """Validate every record of one file; identical duplicates are dropped, others reported."""
    header, rows = records
    missing = [col for col in spec.required if col not in header]
    for col in missing:
        problems.append(FactProblem(name, 1, col, N_("required column is missing")))
    if missing:
        return ()
    known = set(spec.required) | set(spec.optional)
    extras = tuple(col for col in header if col not in known and _numeric_column(col, rows)) if spec.extras else ()
    seen: dict[tuple, msgspec.Struct] = {}
    quick, keyof = spec.quick, _key_of(spec.key)
    for number, values in rows:
        parsed = quick(values, number, extras) if quick is not None else None
        if parsed is None:
            cells = Cells(name, number, values, problems)
            cells.extras = extras
            parsed = spec.parse(cells)
            if parsed is None:
                continue
        key = keyof(parsed)
        first = seen.setdefault(key, parsed)
        if first is not parsed and content(first) != content(parsed):
            columns = spec.key_columns or spec.key
            label = ", ".join(columns)
            problems.append(FactProblem(name, number, columns[0],
                N_("duplicate %(label)s %(key)s with different content (first on row %(first)s)"),
                {"label": label, "key": ", ".join(repr(k) if isinstance(k, str) else str(k) for k in key),
                 "first": first.row}))
    kept = tuple(seen.values())
    _check_lengths(name, kept, spec.lengths, problems)
    return kept


def _check_lengths(name: str, rows: tuple, lengths: tuple[tuple[str, str, int], ...],
                   problems: list[FactProblem]) -> None:
    """A problem for each text longer than its column holds (a column at a time, in C, until one is)."""
    for field, column, limit in lengths:
        get = attrgetter(field)
        if max(map(len, filter(None, map(get, rows))), default=0) <= limit:
            continue
        for row in rows:
            if len(value := get(row) or "") > limit:
                problems.append(FactProblem(name, row.row, column, N_("%(length)s characters, at most %(limit)s"),
                                            {"length": len(value), "limit": limit}))


def _key_of(fields: tuple[str, ...]) -> Callable[[msgspec.Struct], tuple]:
    """A row's key as a tuple of its `fields`' values (one attrgetter call per row)."""
    get = attrgetter(*fields)
    return (lambda row: (get(row),)) if len(fields) == 1 else get


def _numeric_column(column: str, rows: list[tuple[int, dict[str, str]]]) -> bool:
    """An extra column is numeric when any of its cells holds a number (then all must)."""
    return any(NUMBER.match((values.get(column) or "").strip()) for _, values in rows)


# --- references between files ---------------------------------------------------
