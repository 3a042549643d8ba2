"""A row stored with other content is named as the file writes it: its columns' names, 2026-04-12, 0.90,
an empty cell as the word "empty" (in the reader's language), never a Python repr nor a table's own name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from payplan.errors import PayplanError, reason_record, stored_reason
from payplan.facts.imports import import_facts
from payplan.facts.problems import FactError
from payplan.facts.read import read_facts
from payplan.i18n import translations

DATA = Path(__file__).parents[1] / "store" / "data"
# What the catalogs are to say for the new message ids (the uk catalog's words elsewhere).
UK = {"%(ident)s is already stored with %(stored)s, the file has %(value)s":
      "%(ident)s уже збережено зі значенням %(stored)s, а у файлі — %(value)s",
      "empty": "порожнє"}


def conflict(engine, tmp_path: Path, name: str, old: str, new: str, extra: dict[str, str] | None = None) -> FactError:
    shutil.copytree(DATA / "company", tmp_path, dirs_exist_ok=True)
    for file, text in (extra or {}).items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    with engine.begin() as conn:
        import_facts(conn, read_facts(tmp_path))
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(FactError) as caught, engine.begin() as conn:
        import_facts(conn, read_facts(tmp_path))
    return caught.value


def test_an_empty_stored_day_and_a_day_in_the_file(company, tmp_path):
    error = conflict(company, tmp_path, "deals.csv", "D8,A2,2026-03-03,,open", "D8,A2,2026-03-03,2026-04-12,won")
    [problem] = error.problems
    assert str(problem) == ("deals.csv row 9, column closed_at: deal_id D8 is already stored with empty, "
                            "the file has 2026-04-12")
    uk = translations("uk").gettext
    assert problem.say(lambda m: UK.get(m) or uk(m)) == (
        "deals.csv, рядок 9, стовпець closed_at: deal_id D8 уже збережено зі значенням порожнє, "
        "а у файлі — 2026-04-12")
    kept = stored_reason(reason_record(PayplanError("%(problem)s", problem=problem.phrase())))  # a failed job's
    assert kept.say(lambda m: UK.get(m) or uk(m)).endswith("зі значенням порожнє, а у файлі — 2026-04-12")


def test_a_parameter_rate_is_written_as_decimals_and_its_key_by_its_columns(company, tmp_path):
    error = conflict(company, tmp_path, "parameters.csv", "A1,ae_rate,0.06,", "A1,ae_rate,0.90,",
                     {"parameters.csv": "rep_id,key,value,effective_from\nA1,ae_rate,0.06,2026-01-01\n"})
    assert str(error) == ("parameters.csv row 2, column value: rep_id A1, key ae_rate, effective_from 2026-01-01 "
                          "is already stored with 0.06, the file has 0.90")


def test_an_extra_deal_column_is_named_by_itself(company, tmp_path):
    error = conflict(company, tmp_path, "deals.csv", "EUR,Core,,50.00", "EUR,Core,,60")
    assert str(error) == "deals.csv row 2, column discount: deal_id D1 is already stored with 50.00, the file has 60"


def test_an_emptied_extra_cell_is_said_empty(company, tmp_path):
    error = conflict(company, tmp_path, "deals.csv", "EUR,Core,,50.00", "EUR,Core,,")
    assert str(error) == "deals.csv row 2, column discount: deal_id D1 is already stored with 50.00, the file has empty"


def test_an_instant_is_named_by_its_column_in_utc(company, tmp_path):
    activities = "activity_id,rep_id,kind,occurred_at\nT1,A1,call,2026-03-02T10:00:00+02:00\n"
    error = conflict(company, tmp_path, "activities.csv", "T10:00:00+02:00", "T10:00:00+01:00",
                     {"activities.csv": activities})
    assert str(error) == ("activities.csv row 2, column occurred_at: activity_id T1 is already stored with "
                          "2026-03-02T08:00:00Z, the file has 2026-03-02T09:00:00Z")


def test_a_rate_is_keyed_by_the_files_columns(company, tmp_path):
    error = conflict(company, tmp_path, "fx_rates.csv", ",1.1", ",1.25",
                     {"fx_rates.csv": "date,from,to,rate\n2026-03-02,EUR,USD,1.1\n"})
    assert str(error) == ("fx_rates.csv row 2, column rate: date 2026-03-02, from EUR, to USD is already stored "
                          "with 1.1, the file has 1.25")
