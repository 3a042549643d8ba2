"""CRM exports as raw rows: CSV (encoding and delimiter detected or stated) or XLSX → header and cells.

CSV: UTF-8, UTF-8 with a BOM or Windows-1251, detected (`auto`) or stated; a file that
does not decode as stated is one problem naming its line and byte. The delimiter is
`,`, `;` or a tab, detected from the header row. XLSX: the first sheet through
python-calamine (docs/importing.md "Reading XLSX" says why), numbers written in the
mapping's decimal mark, dates as ISO 8601. Rows are numbered as a spreadsheet shows
them (header = 1). Must not interpret cells beyond turning them into text.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Iterator

from payplan.facts.problems import FactProblem
from payplan.i18n import N_

Export = tuple[list[str], Iterator[tuple[int, list[str]]]]
ENCODINGS = {"utf-8": N_("UTF-8"), "utf-8-sig": N_("UTF-8 with a BOM"), "cp1251": N_("Windows-1251")}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OTHER_LETTER = re.compile(r"[^\x00-\x7f\u0400-\u04ff\u00a0«»№–—’“”„…‘\u00b0\u00b7\u2116]")


def read_export(name: str, data: bytes, fmt: str, encoding: str, delimiter: str, decimal: str,
                problems: list[FactProblem]) -> Export | None:
    """(header, numbered rows of cell text), or None after recording why the file cannot be read."""
    if fmt == "xlsx":
        return _xlsx(name, data, decimal, problems)
    text = decode(name, data, encoding, problems)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    if delimiter == "auto":
        delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(rows, [])]
    if not any(header):
        problems.append(FactProblem(name, 1, None, N_("the header row is missing")))
        return None
    return header, ((n, cells) for n, cells in enumerate(rows, start=2) if any(cells))


def decode(name: str, data: bytes, encoding: str, problems: list[FactProblem]) -> str | None:
    """The text of `data` in `encoding` ("auto": a BOM, else UTF-8, else Cyrillic Windows-1251)."""
    if encoding == "auto":
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else _guess(data)
    if encoding == "cp1251" and not data.isascii() and _utf8(data):
        problems.append(FactProblem(name, None, None, N_("is UTF-8 text, but the mapping says %(encoding)s; "
                                                         "set encoding = \"utf-8\" or \"auto\""),
                                    {"encoding": "Windows-1251"}))
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(FactProblem(name, line, None,
                                    N_("is not %(encoding)s text (byte %(byte)s); save it as UTF-8 or state the "
                                       "encoding in the mapping"),
                                    {"encoding": ENCODINGS.get(encoding, encoding), "byte": f"0x{data[exc.start]:02x}"},
                                    ("encoding",)))
        return None


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> str:
    if _utf8(data):
        return "utf-8"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return "utf-8"  # decoding again names the first bad byte
    if _CYRILLIC.search(text) and not _OTHER_LETTER.search(text):
        return "cp1251"
    return "utf-8"


def _xlsx(name: str, data: bytes, decimal: str, problems: list[FactProblem]) -> Export | None:
    from python_calamine import CalamineError, CalamineWorkbook  # a compiled reader, loaded when needed

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:
        problems.append(FactProblem(name, None, None, N_("is not a readable XLSX workbook: %(error)s"),
                                    {"error": str(exc)[:200]}))
        return None
    if not cells or not any(str(c).strip() for c in cells[0]):
        problems.append(FactProblem(name, 1, None, N_("the header row is missing")))
        return None
    header = [_cell(c, decimal).strip() for c in cells[0]]
    rows = ((n, [_cell(c, decimal) for c in row]) for n, row in enumerate(cells[1:], start=2))
    return header, ((n, row) for n, row in rows if any(row))


def _cell(value: object, decimal: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        text = text[:-2] if text.endswith(".0") else text
        return text.replace(".", ",") if decimal == "," else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat() if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
