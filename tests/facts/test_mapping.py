"""Mapping files: CRM exports → the facts of a hand-written fact file; bad exports → one clear problem each."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.errors import Invalid
from payplan.facts.files import read_records
from payplan.facts.mapped import map_export
from payplan.facts.mapping import load_mapping, parse_mapping
from payplan.facts.problems import FactError, FactProblem
from payplan.facts.read import SPECS, parse_file

ROOT = Path(__file__).resolve().parents[2]
CRM = Path(__file__).parent / "data" / "crm"
REPS = {"olena kovalenko": "MGR01", "andrii shevchenko": "MGR02"}  # stored reps by lower-cased name

BITRIX = {
    "id": "bitrix-test", "version": 1, "kind": "deals", "decimal": ",", "thousands": " ",
    "date_formats": ["%d.%m.%Y"],
    "columns": {"deal_id": "ID", "rep_id": "Відповідальний", "created_at": "Дата створення",
                "closed_at": "Дата закриття", "status": "Стадія угоди", "amount": "Сума", "currency": "Валюта"},
    "expressions": {"cost": "({Сума} - {Маржа}) / 1"},
    "stages": {"Угода успішна": "won", "Угода провалена": "lost", "В роботі": "open"},
    "owners": {"Олена Коваленко": "MGR01"},
    "skip": [{"column": "Воронка", "in": ["Партнери", "Тест"], "reason": "not a sales pipeline"}],
}
BITRIX_EXPORT = ("ID;Відповідальний;Дата створення;Дата закриття;Стадія угоди;Воронка;Сума;Маржа;Валюта\n"
                 "7;Олена Коваленко;05.01.2026;20.02.2026;Угода успішна;Продажі;12 556,09;3 515,71;UAH\n"
                 "8;олена коваленко ;06.01.2026;;В роботі;Тест;1,00;0,50;UAH\n"
                 "9;Олена Коваленко;07.01.2026;;в роботі;Продажі;1 000;0,01;UAH\n")


def expected(name: str) -> tuple:
    problems: list[FactProblem] = []
    rows = parse_file(name, read_records(CRM / name, problems), SPECS["deals"], problems)
    assert not problems
    return tuple(_content(r) for r in rows)


def _content(row) -> tuple:
    return (row.deal_id, row.rep_id, row.created_at, row.closed_at, row.status, row.amount, row.cost,
            row.currency, row.product, row.cancelled_at, row.fields)


def mapped(mapping, data: bytes, name: str = "export.csv", reps=None):
    return map_export(mapping, name, data, reps)


def problems_of(mapping, data: bytes, name: str = "export.csv", reps=None) -> list[str]:
    with pytest.raises(FactError) as caught:
        mapped(mapping, data, name, reps)
    return [str(p) for p in caught.value.problems]


def test_the_pipedrive_sample_gives_the_hand_written_facts():
    mapping = load_mapping(CRM / "mappings" / "pipedrive-deals.toml")
    result = mapped(mapping, (CRM / "pipedrive-deals.csv").read_bytes(), "pipedrive-deals.csv", REPS)
    assert tuple(_content(r) for r in result.rows) == expected("pipedrive-deals.expected.csv")
    assert result.read == 4 and [(s.row, s.reason) for s in result.skipped] == [(5, "partner deals are not paid on")]


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig"])
def test_a_semicolon_export_with_decimal_commas_in_any_encoding(encoding):
    result = mapped(parse_mapping("bitrix-test.toml", BITRIX), BITRIX_EXPORT.encode(encoding))
    rows = {r.deal_id: r for r in result.rows}
    assert set(rows) == {"7", "9"} and [s.row for s in result.skipped] == [3]
    assert rows["7"].amount == Decimal("12556.09") and rows["7"].cost == Decimal("9040.38")  # 12556.09 − 3515.71
    assert str(rows["7"].closed_at) == "2026-02-20" and rows["7"].status == "won" and rows["7"].rep_id == "MGR01"
    assert rows["9"].amount == Decimal("1000") and rows["9"].cost == Decimal("999.99") and rows["9"].status == "open"


def test_a_wrong_encoding_is_one_problem_naming_the_line():
    mapping = parse_mapping("bitrix-test.toml", {**BITRIX, "encoding": "utf-8"})
    # "ID;В" decodes (0xc2 0xb3 is a UTF-8 pair); 0xe4 ("д") starts a sequence "п" cannot continue
    assert problems_of(mapping, BITRIX_EXPORT.encode("cp1251")) == [
        "export.csv row 1: is not UTF-8 text (byte 0xe4); save it as UTF-8 or state the encoding in the mapping"]
    utf8_said_cp1251 = parse_mapping("bitrix-test.toml", {**BITRIX, "encoding": "cp1251"})
    assert "is UTF-8 text, but the mapping says Windows-1251" in problems_of(utf8_said_cp1251,
                                                                               BITRIX_EXPORT.encode())[0]


def test_a_missing_mapped_column_is_named_before_any_row():
    export = BITRIX_EXPORT.replace("Валюта", "Currency").encode()
    assert problems_of(parse_mapping("bitrix-test.toml", BITRIX), export) == [
        "export.csv row 1, column Валюта: the column is missing from the export (currency of mapping bitrix-test)"]


def test_an_unknown_stage_names_file_row_and_column():
    export = BITRIX_EXPORT.replace("Угода успішна", "Переговори").encode()
    assert problems_of(parse_mapping("bitrix-test.toml", BITRIX), export) == [
        "export.csv row 2, column Стадія угоди: 'Переговори' is not a stage of mapping bitrix-test; "
        "add it to [stages]"]


def test_an_unknown_owner_names_file_row_and_column():
    mapping = load_mapping(CRM / "mappings" / "pipedrive-deals.toml")
    found = problems_of(mapping, (CRM / "pipedrive-deals.csv").read_bytes(), "pipedrive-deals.csv",
                        {"olena kovalenko": "MGR01"})
    assert found == ["pipedrive-deals.csv row 3, column Deal - Owner: unknown owner 'Andrii Shevchenko': "
                     "not in [owners] of mapping pipedrive-deals nor among the reps"]


def test_native_checks_name_the_source_column():
    export = BITRIX_EXPORT.replace("05.01.2026", "32.01.2026").encode()
    assert problems_of(parse_mapping("bitrix-test.toml", BITRIX), export) == [
        "export.csv row 2, column Дата створення: '32.01.2026' is not a date in the formats %d.%m.%Y nor ISO 8601"]
    export = BITRIX_EXPORT.replace("12 556,09", "12 556,0x").encode()
    assert problems_of(parse_mapping("bitrix-test.toml", BITRIX), export)[0].startswith(
        "export.csv row 2, column Сума: ")


def test_expressions_round_once_and_refuse_division_by_zero():
    mapping = parse_mapping("m.toml", {**BITRIX, "expressions": {"cost": "{Сума} / 3"}})
    rows = {r.deal_id: r for r in mapped(mapping, BITRIX_EXPORT.encode()).rows}
    assert rows["7"].cost == Decimal("4185.36")  # 12556.09 / 3 = 4185.3633… → 4185.36
    assert rows["9"].cost == Decimal("333.33")
    zero = parse_mapping("m.toml", {**BITRIX, "expressions": {"cost": "{Сума} / ({Маржа} - {Маржа})"}})
    assert problems_of(zero, BITRIX_EXPORT.encode())[0] == \
        "export.csv row 2, column {Сума} / ({Маржа} - {Маржа}): division by zero"


@pytest.mark.parametrize(("change", "said"), [
    ({"colour": "red"}, "m.toml, key colour: unknown key"),
    ({"stages": {"Won": "paid"}}, "m.toml, key stages.Won: 'paid' is not one of open, won, lost, cancelled"),
    ({"expressions": {"cost": "__import__('os')"}}, "m.toml, key expressions.cost: expression"),
    ({"expressions": {"cost": "{Сума} ** 2"}}, "m.toml, key expressions.cost: expression"),
    ({"columns": {"deal_id": "ID"}}, "m.toml, key columns: required fields are not mapped: rep_id"),
    ({"constants": {"amount": "1"}}, "m.toml, key constants.amount: the field is also in [columns]"),
    ({"kind": "orders"}, "m.toml, key kind: 'orders' is not one of reps"),
])
def test_a_broken_mapping_is_refused_naming_the_key(change, said):
    with pytest.raises(Invalid) as caught:
        parse_mapping("m.toml", {**BITRIX, **change})
    assert caught.value.detail.startswith(said)


def test_an_xlsx_export_reads_like_the_csv():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in BITRIX_EXPORT.splitlines():
        sheet.append(line.split(";"))
    sheet["G2"] = 12556.09  # numbers typed as numbers: read exactly, whatever the decimal mark
    sheet["H2"] = 3515.71
    buffer = io.BytesIO()
    book.save(buffer)
    result = mapped(parse_mapping("bitrix-test.toml", BITRIX), buffer.getvalue(), "export.xlsx")
    rows = {r.deal_id: r for r in result.rows}
    assert rows["7"].amount == Decimal("12556.09") and rows["7"].cost == Decimal("9040.38") and set(rows) == {"7", "9"}
