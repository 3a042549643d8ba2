"""Fact texts bounded by their columns' declared lengths (`payplan.store.schema`), on every reader:
SQLite would keep a longer text, PostgreSQL refuses it; both must name file, row, column and limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String

from payplan.facts.mapped import map_export
from payplan.facts.mapping import load_mapping
from payplan.facts.problems import FactError
from payplan.facts.read import SPECS, read_facts
from payplan.store.schema import FACT_TABLES

ROOT = Path(__file__).resolve().parents[2]
REPS = "rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\n"
DEALS = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"


def test_every_text_column_of_every_fact_table_has_its_limit():
    declared = {kind: sorted(c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length)
                for kind, table in FACT_TABLES.items()}
    assert {kind: sorted(limit for _, _, limit in spec.lengths) for kind, spec in SPECS.items()} == declared
    assert SPECS["deals"].lengths == (("deal_id", "deal_id", 64), ("rep_id", "rep_id", 64), ("status", "status", 16),
                                      ("currency", "currency", 3), ("product", "product", 128))
    assert SPECS["fx_rates"].lengths == (("from_currency", "from", 3), ("to_currency", "to", 3))


def problems(tmp_path: Path, reps: str, deals: str = "") -> list[str]:
    (tmp_path / "reps.csv").write_text(REPS + reps, encoding="utf-8")
    if deals:
        (tmp_path / "deals.csv").write_text(DEALS + deals, encoding="utf-8")
    with pytest.raises(FactError) as caught:
        read_facts(tmp_path)
    return [str(p) for p in caught.value.problems]


def test_too_long_reps_and_deals_are_named_by_file_row_column_and_limit(tmp_path):
    reps = f"A1,Ann,,AE,EMEA,,2025-01-01,,EUR\n{'R' * 5001},{'n' * 100_000},,AE,{'t' * 1000},,2025-01-01,,EUR\n"
    deals = f"{'D' * 100_001},A1,2026-03-02,2026-03-28,won,10.00,1.00,EUR,{'p' * 5000},\n"  # the quick parser's row
    assert problems(tmp_path, reps, deals) == [
        "reps.csv row 3, column rep_id: 5001 characters, at most 64",
        "reps.csv row 3, column name: 100000 characters, at most 200",
        "reps.csv row 3, column team: 1000 characters, at most 128",
        "deals.csv row 2, column deal_id: 100001 characters, at most 64",
        "deals.csv row 2, column product: 5000 characters, at most 128",
    ]


def test_a_text_at_its_limit_is_accepted_and_spaces_around_it_do_not_count(tmp_path):
    (tmp_path / "reps.csv").write_text(REPS + f"  {'R' * 64}  ,{'n' * 200},,AE,,,2025-01-01,,EUR\n", encoding="utf-8")
    [rep] = read_facts(tmp_path).reps
    assert (len(rep.rep_id), len(rep.name)) == (64, 200)


def test_a_deal_currency_longer_than_three_letters_is_named(tmp_path):
    found = problems(tmp_path, "A1,Ann,,AE,EMEA,,2025-01-01,,EUR\n",
                     "D1,A1,2026-03-02,2026-03-28,won,10.00,1.00,EURO,Core,\n")
    assert found == ["deals.csv row 2, column currency: 4 characters, at most 3"]


def test_a_mapped_export_gets_the_same_limits_named_by_its_own_columns():
    mapping = load_mapping(ROOT / "mappings" / "hubspot-deals.toml")
    export = ("Record ID,Deal Stage,Pipeline,Amount,Deal Currency Code,Deal owner,Create Date,Close Date,"
              "Cost of goods,Product line,Cancellation date\n"
              f"{'9' * 70},closedwon,Sales,10.00,USD,a@example.com,2026-01-19 12:26,2026-02-05 12:26,1.00,"
              f"{'x' * 129},\n").encode()
    with pytest.raises(FactError) as caught:
        map_export(mapping, "deals.csv", export, {"a@example.com": "A1"})
    assert [str(p) for p in caught.value.problems] == [
        "deals.csv row 2, column Record ID: 70 characters, at most 64",
        "deals.csv row 2, column Product line: 129 characters, at most 128",
    ]
