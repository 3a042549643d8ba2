"""Apply a mapping to an export: raw CRM rows → payplan's own fact rows, checked like a native file.

`compile_mapping` turns a `Mapping` and the export's header into one function per
fact field (a column read, an expression, a constant; dates, stages and owners
converted once per distinct value), each run over the whole column at once, so a
cell costs a list step and no regular expression. `map_export` drops the rows a
`[[skip]]` rule matches (listing each with its reason), runs the column functions
over the rest and hands the canonical text rows to the
native parser (`payplan.facts.read.parse_file`): the same checks, problems naming
the export, its row and the source column. Must not touch a database.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from operator import itemgetter
from typing import Callable

import msgspec

from payplan.facts.changes import FactChange
from payplan.facts.exports import read_export
from payplan.facts.mapping import DATE_FIELDS, NUMBER_FIELDS, PLACES, Mapping
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.cells import parse_day
from payplan.facts.read import SPECS, parse_file
from payplan.gcpause import collector_paused
from payplan.i18n import N_

# A field's cells for all kept rows: (rows, their numbers, problems) → one text per row.
Column = Callable[[list[list[str]], list[int], list[FactProblem]], list[str]]


class Skipped(msgspec.Struct, frozen=True):
    row: int
    reason: str


class MappedFile(msgspec.Struct, frozen=True):
    """An export after its mapping: validated fact rows of `kind`, and the rows skipped."""

    kind: str
    file: str
    rows: tuple
    read: int
    skipped: tuple[Skipped, ...]


@collector_paused()  # builds a row object per line, no cycles (payplan.gcpause)
def map_export(mapping: Mapping, name: str, data: bytes, reps: dict[str, str] | None = None) -> MappedFile:
    """Read `data` (the export called `name`) through `mapping`; FactError listing every problem.

    `reps` maps a lower-cased owner (by the mapping's `owners_from` column) to a rep id.
    """
    problems: list[FactProblem] = []
    fmt = mapping.format or ("xlsx" if name.lower().endswith(".xlsx") else "csv")
    export = read_export(name, data, fmt, mapping.encoding, mapping.delimiter, mapping.decimal, problems)
    if export is None:
        raise FactError(problems)
    header, rows = export
    compiled = compile_mapping(mapping, name, header, reps or {}, problems)
    if problems:
        raise FactError(problems)
    fields, columns, skips = compiled
    kept, numbers, skipped, read, width = [], [], [], 0, len(header)
    for number, row in rows:
        read += 1
        if len(row) < width:
            row = row + [""] * (width - len(row))
        reason = _skipped(skips, row)
        if reason is not None:
            skipped.append(Skipped(number, reason))
            continue
        kept.append(row)
        numbers.append(number)
    values = [column(kept, numbers, problems) for column in columns]
    problems.sort(key=lambda p: p.row or 0)  # row by row, as a reader meets them (field order kept)
    records = [(n, dict(zip(fields, cells))) for n, cells in zip(numbers, zip(*values))]
    parsed = parse_file(name, (fields, records), SPECS[mapping.kind], problems) if not problems else ()
    if not problems and not parsed:
        problems.append(FactProblem(name, None, None, N_("the file has no data rows")))
    if problems:
        raise FactError([placed(mapping, name, p) for p in problems])
    return MappedFile(mapping.kind, name, parsed, read, tuple(skipped))


def _skipped(skips: list[Callable[[list[str]], str | None]], row: list[str]) -> str | None:
    for rule in skips:
        if (reason := rule(row)) is not None:
            return reason
    return None


def placed(mapping: Mapping, name: str, problem: FactProblem) -> FactProblem:
    """A problem of the canonical rows (or of their checks against the store), its column named as
    the export names it."""
    if problem.file != name or problem.column is None or problem.column not in SPECS[mapping.kind].required + \
            SPECS[mapping.kind].optional + tuple(mapping.columns) + tuple(mapping.expressions) + tuple(mapping.constants):
        return problem
    return msgspec.structs.replace(problem, column=mapping.source_of(problem.column))


def placed_change(mapping: Mapping, change: FactChange) -> FactChange:
    """A change the export made to a stored row, its column and key named as the export names them
    (`deal_id 101` → `Deal - ID 101`); an extra field keeps its own name."""
    column = mapping.source_of(change.column) if change.column in mapping.columns else change.column
    return msgspec.structs.replace(change, key=placed_key(mapping, change.key), column=column)


def placed_key(mapping: Mapping, key: str) -> str:
    """A stored row's key as the export names it: `deal_id 101` → `Deal - ID 101`."""
    field, _, value = key.partition(" ")
    return f"{mapping.source_of(field)} {value}" if field in mapping.columns else key


def placed_conflict(mapping: Mapping, name: str, problem: FactProblem) -> FactProblem:
    """`placed`, and the stored row's key in a refused change (`ident`) named as the export names it."""
    problem = placed(mapping, name, problem)
    if isinstance(problem.fields.get("ident"), str):
        problem = msgspec.structs.replace(problem, fields=problem.fields | {
            "ident": placed_key(mapping, problem.fields["ident"])})
    return problem


def compile_mapping(mapping: Mapping, name: str, header: list[str], reps: dict[str, str],
                    problems: list[FactProblem]) -> tuple[list[str], list[Column], list[Callable[[list[str]], str | None]]]:
    """(fields, one column function per field, skip rules) for an export with `header`."""
    index = {h: i for i, h in reversed(list(enumerate(header)))}

    def position(column: str, what: str) -> int:
        if column not in index:
            problems.append(FactProblem(name, 1, column, N_("the column is missing from the export (%(what)s of "
                                                            "mapping %(mapping)s)"), {"what": what, "mapping": mapping.id}))
            return -1
        return index[column]

    fields, cells = [], []
    for field, column in mapping.columns.items():
        fields.append(field)
        cells.append(_converted(mapping, name, field, column, position(column, field), reps))
    for field, expression in mapping.expressions.items():
        fields.append(field)
        cells.append(_expression(mapping, name, field, [position(c, field) for c in expression.columns]))
    for field, value in mapping.constants.items():
        fields.append(field)
        cells.append(lambda rows, numbers, problems, value=value: [value] * len(rows))
    skips = [_skip(rule.values, position(rule.column, "[[skip]]"), rule.reason) for rule in mapping.skip]
    return fields, cells, skips


def _skip(values: frozenset[str] | None, at: int, reason: str) -> Callable[[list[str]], str | None]:
    if values is None:
        return lambda row: reason if not row[at].strip() else None
    return lambda row: reason if row[at].strip().lower() in values else None


def _converted(mapping: Mapping, name: str, field: str, column: str, at: int, reps: dict[str, str]) -> Column:
    """The column function of a field read from one export column, converting each distinct value once."""
    convert = _conversion(mapping, field, reps)
    get = itemgetter(at)
    if convert is None:
        return lambda rows, numbers, problems: list(map(get, rows))
    if isinstance(convert, _Plain):  # never a problem: the native parser judges the result
        plain = convert.plain
        return lambda rows, numbers, problems: [plain(row[at]) for row in rows]

    def cells(rows: list[list[str]], numbers: list[int], problems: list[FactProblem]) -> list[str | FactProblem]:
        raws = list(map(get, rows))
        cache = {raw: convert(raw) for raw in set(raws)}
        values = list(map(cache.__getitem__, raws))
        if any(isinstance(v, FactProblem) for v in cache.values()):
            for i, value in enumerate(values):
                if isinstance(value, FactProblem):
                    problems.append(FactProblem(name, numbers[i], column, value.message, value.fields))
                    values[i] = ""
        return values

    return cells  # type: ignore[return-value]


class _Plain:
    """A number conversion (never a problem: the native parser judges the result)."""

    def __init__(self, plain: Callable[[str], str]) -> None:
        self.plain = plain


def _conversion(mapping: Mapping, field: str, reps: dict[str, str]) -> Callable[[str], str | FactProblem] | _Plain | None:
    if field in mapping.values:
        values = mapping.values[field]
        return lambda raw: values.get(raw.strip().lower()) or (raw if not raw.strip() else FactProblem(
            "", None, None, N_("%(value)r is not in [values.%(field)s] of mapping %(mapping)s"),
            {"value": raw.strip(), "field": field, "mapping": mapping.id}))
    if field in DATE_FIELDS and mapping.date_formats:
        return lambda raw: _day(raw, mapping.date_formats)
    if (field in NUMBER_FIELDS or field not in _TEXT_FIELDS) and (mapping.decimal != "." or mapping.thousands):
        return _Plain(plain_number(mapping.decimal, mapping.thousands))
    if field == "status" and mapping.stages is not None:
        stages = mapping.stages
        return lambda raw: stages.get(raw.strip().lower()) or (raw if not raw.strip() else FactProblem(
            "", None, None, N_("%(value)r is not a stage of mapping %(mapping)s; add it to [stages]"),
            {"value": raw.strip(), "mapping": mapping.id}))
    if field == "rep_id" and (mapping.owners or mapping.owners_from):
        owners = mapping.owners | ({k: v for k, v in reps.items() if k not in mapping.owners}
                                   if mapping.owners_from else {})
        return lambda raw: owners.get(raw.strip().lower()) or (raw if not raw.strip() else FactProblem(
            "", None, None, N_("unknown owner %(value)r: not in [owners] of mapping %(mapping)s nor among the reps"),
            {"value": raw.strip(), "mapping": mapping.id}))
    return None


_TEXT_FIELDS = frozenset({"deal_id", "rep_id", "status", "currency", "product", "activity_id", "kind", "response_id",
                          "name", "email", "role", "team", "manager_id", "payroll_id", "period", "scope", "scope_id",
                          "metric"}) | DATE_FIELDS


def _day(raw: str, formats: tuple[str, ...]) -> str | FactProblem:
    text = raw.strip()
    if not text or parse_day(text) is not None:
        return text
    for form in formats:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return FactProblem("", None, None, N_("%(value)r is not a date in the formats %(formats)s nor ISO 8601"),
                       {"value": text, "formats": ", ".join(formats)})


def plain_number(decimal: str, thousands: str) -> Callable[[str], str]:
    """A function writing a number of the export (`1 234,50`) as payplan reads it (`1234.50`)."""
    if thousands in ("", " ", "\u00a0"):
        if decimal == ",":
            return lambda raw: raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return lambda raw: raw.replace(" ", "").replace("\u00a0", "")
    if decimal == ",":
        return lambda raw: raw.replace(" ", "").replace("\u00a0", "").replace(thousands, "").replace(",", ".")
    return lambda raw: raw.replace(" ", "").replace("\u00a0", "").replace(thousands, "")


def _expression(mapping: Mapping, name: str, field: str, positions: list[int]) -> Column:
    expression = mapping.expressions[field]
    places = PLACES.get(field)
    quantum = Decimal(1).scaleb(-places) if places is not None else None
    plain = plain_number(mapping.decimal, mapping.thousands)
    operands = list(zip(positions, expression.columns))

    def cell(row: list[str], number: int, problems: list[FactProblem]) -> str:
        values = []
        for at, column in operands:
            text = plain(row[at]).strip()
            if not text:
                return ""
            try:
                values.append(Decimal(text))
            except InvalidOperation:
                problems.append(FactProblem(name, number, column, N_("%(value)r is not a number"), {"value": row[at]}))
                return ""
        try:
            result = expression.evaluate(values)
        except ZeroDivisionError:
            problems.append(FactProblem(name, number, expression.text, N_("division by zero")))
            return ""
        if quantum is not None:
            result = result.quantize(quantum, ROUND_HALF_UP)
        return format(result, "f")

    return lambda rows, numbers, problems: [cell(row, n, problems) for row, n in zip(rows, numbers)]
