"""Fact files as raw records: CSV or JSON text → (header, numbered rows of cell text).

Decoding (UTF-8, a BOM tolerated), the header, row numbers as a spreadsheet user
sees them, JSON numbers kept exact, and JSON nesting bounded before decoding. Used for files on disk and for uploads.
Must not interpret cells: the parsers in `payplan.facts.read` do.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Callable

import msgspec

from payplan.core.bounds import JSON_DEPTH, json_too_deep
from payplan.facts.problems import FactProblem
from payplan.gcpause import collector_paused
from payplan.i18n import N_

_JSON = msgspec.json.Decoder(float_hook=Decimal)

Records = tuple[list[str], list[tuple[int, dict[str, str]]]]


def read_records(path: Path, problems: list[FactProblem]) -> Records | None:
    """(header, [(row number, {column: raw text})]) of a CSV or JSON file, or None if unreadable."""
    return records_from_bytes(path.name, path.read_bytes(), problems)


def records_from_bytes(name: str, data: bytes, problems: list[FactProblem]) -> Records | None:
    """The same for uploaded content; `name` ("deals.csv") says the format and names the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(FactProblem(name, None, None,
            N_("is not UTF-8 text (byte %(byte)s on line %(line)s); save it as UTF-8"),
            {"byte": f"0x{data[exc.start]:02x}", "line": line}))
        return None
    reader: Callable[[str, str, list[FactProblem]], Records | None]
    reader = _json_records if name.endswith(".json") else _csv_records
    return reader(name, text, problems)


@collector_paused()  # builds a row object per line, no cycles (payplan.gcpause)
def _csv_records(name: str, text: str, problems: list[FactProblem]) -> Records | None:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(rows, [])]
    if not header or not any(header):
        problems.append(FactProblem(name, 1, None, N_("the header row is missing")))
        return None
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(FactProblem(name, 1, duplicated[0], N_("column appears more than once in the header")))
        return None
    records = []
    for number, cells in enumerate(rows, start=2):
        if not "".join(cells).strip():  # blank: no cell holds anything but spaces
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(FactProblem(name, number, None, N_("%(cells)s cells but the header has %(columns)s columns"),
                                        {"cells": len(cells), "columns": len(header)}))
            continue
        records.append((number, dict(zip(header, cells))))
    return header, records


def _json_records(name: str, text: str, problems: list[FactProblem]) -> Records | None:
    if json_too_deep(text.encode()):
        problems.append(FactProblem(name, None, None, N_("is nested more than %(depth)s levels deep; "
                                                         "a fact file is an array of flat objects"),
                                    {"depth": JSON_DEPTH}))
        return None
    try:
        items = _JSON.decode(text)
    except msgspec.DecodeError as exc:
        problems.append(FactProblem(name, None, None, N_("is not valid JSON: %(error)s"), {"error": str(exc)}))
        return None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(FactProblem(name, None, None, N_("must be a JSON array of objects")))
        return None
    header: dict[str, None] = {}
    records = []
    for number, item in enumerate(items, start=1):
        cells = {}
        for key, value in item.items():
            header.setdefault(key)
            if isinstance(value, (dict, list)):
                problems.append(FactProblem(name, number, key, N_("nested objects and arrays are not allowed")))
                value = ""
            cells[key] = _json_text(value)
        records.append((number, cells))
    return list(header), records


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # str, int, or an exact Decimal (1e5 prints as 1E+5 and is refused later)
