"""Importing facts: idempotent on external ids, all-or-nothing per file, conflicts named."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from payplan.facts.imports import import_facts
from payplan.facts.problems import FactError
from payplan.facts.read import read_facts
from payplan.store.schema import FACT_TABLES, deals

DATA = Path(__file__).parents[1] / "store" / "data"


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {k: conn.execute(select(func.count()).select_from(t)).scalar_one() for k, t in FACT_TABLES.items()}


def test_import_counts_and_reimport_changes_nothing(engine):
    facts = read_facts(DATA / "company")
    with engine.begin() as conn:
        first = import_facts(conn, facts)
    assert first == {"reps": 6, "activities": 9, "deals": 11, "credits": 2, "scores": 7, "nps": 5, "targets": 4,
                     "parameters": 0, "fx_rates": 0}
    before = counts(engine)
    with engine.begin() as conn:
        assert set(import_facts(conn, read_facts(DATA / "company")).values()) == {0}
    assert counts(engine) == before == first


def test_new_rows_are_added_on_reimport(company, tmp_path):
    shutil.copytree(DATA / "company", tmp_path, dirs_exist_ok=True)
    with open(tmp_path / "deals.csv", "a") as out:
        out.write("D12,A2,2026-03-01,2026-03-09,won,10.50,1.00,EUR,Core,,2.50\n")
    with company.begin() as conn:
        added = import_facts(conn, read_facts(tmp_path))
    assert added["deals"] == 1 and added["reps"] == 0
    with company.connect() as conn:
        stored = conn.execute(select(deals.c.amount, deals.c.fields).where(deals.c.id == "D12")).one()
    assert stored == (Decimal("10.50"), '{"discount":"2.50"}')


def test_conflicting_reimport_names_file_row_column_and_writes_nothing_of_that_file(company, tmp_path):
    shutil.copytree(DATA / "company", tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "deals.csv").read_text().replace("D3,A1,2026-03-10,2026-03-25,lost,500.00",
                                                         "D3,A1,2026-03-10,2026-03-25,lost,550.00")
    text += "D12,A2,2026-03-01,2026-03-09,won,10.50,1.00,EUR,Core,,\n"  # new, before the conflict is seen
    (tmp_path / "deals.csv").write_text(text)
    with open(tmp_path / "activities.csv", "a") as out:
        out.write("C10,A2,call,2026-03-02\n")  # a file imported before deals: kept
    before = counts(company)
    with pytest.raises(FactError) as caught, company.begin() as conn:
        import_facts(conn, read_facts(tmp_path))
    assert str(caught.value) == ("deals.csv row 4, column amount: deal_id D3 is already stored with "
                                 "500.00, the file has 550.00")
    assert counts(company) == before  # the caller's transaction rolled back as a whole
    with company.begin() as conn:  # and per file: the caller may keep what came before
        try:
            import_facts(conn, read_facts(tmp_path))
        except FactError:
            pass
    after = counts(company)
    assert after["activities"] == before["activities"] + 1 and after["deals"] == before["deals"]


def test_fields_compare_by_value_not_spelling(company, tmp_path):
    shutil.copytree(DATA / "company", tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "deals.csv").read_text().replace("EUR,Core,,50.00", "EUR,Core,,50.0")
    (tmp_path / "deals.csv").write_text(text)
    with company.begin() as conn:
        assert import_facts(conn, read_facts(tmp_path))["deals"] == 0
