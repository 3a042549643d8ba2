"""Reading fact files: typed rows, and every bad input named by file, row and column."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.facts.problems import FactError
from payplan.facts.read import read_facts

COMPANY = Path(__file__).parents[1] / "store" / "data" / "company"
REPS = "rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\nA1,Ann,,AE,EMEA,,2025-01-01,,EUR\n"
DEALS_HEAD = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"


def write(folder: Path, **files: str | bytes) -> Path:
    for name, text in files.items():
        path = folder / name.replace("_csv", ".csv").replace("_json", ".json")
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(FactError) as caught:
        read_facts(folder)
    return [str(p) for p in caught.value.problems]


def test_reads_the_company_fixture():
    facts = read_facts(COMPANY)
    assert len(facts.reps) == 6 and len(facts.deals) == 11
    assert len(facts.activities) == 9  # C2 appears twice, identical: kept once
    d1 = facts.deals[0]
    assert (d1.amount, d1.cost, d1.fields, d1.row) == (Decimal("1000.00"), Decimal("600.00"), {"discount": Decimal("50.00")}, 2)
    assert facts.deals[2].cost is None  # empty optional cell
    c6 = next(a for a in facts.activities if a.activity_id == "C6")
    assert c6.occurred_at == date(2026, 3, 31)  # 2026-04-01T00:30+02:00 in UTC
    assert facts.scores[3].period == "2026-Q1" and facts.sources["deals"] == "deals.csv"


def test_bad_date_names_file_row_and_column(tmp_path):
    write(tmp_path, reps_csv=REPS, deals_csv=DEALS_HEAD + "D1,A1,2026-02-30,,open,10.00,,EUR,,\n")
    assert problems(tmp_path) == [
        "deals.csv row 2, column created_at: '2026-02-30' is not an ISO 8601 date (expected YYYY-MM-DD)"]


@pytest.mark.parametrize("amount, message", [
    ("12,5", "'12,5' is not a decimal amount"),
    ("1.005", "'1.005' has more than 2 decimal places"),
    ("NaN", "'NaN' is not a decimal amount"),
    ("Infinity", "'Infinity' is not a decimal amount"),
    ("1e5", "'1e5' is not a decimal amount"),
])
def test_bad_amounts(tmp_path, amount, message):
    rows = "D1,A1,2026-03-01,,open,10.00,,EUR,,\n" * 2 + f"D2,A1,2026-03-01,,open,\"{amount}\",,EUR,,\n"
    write(tmp_path, reps_csv=REPS, deals_csv=DEALS_HEAD + rows)
    assert problems(tmp_path) == [f"deals.csv row 4, column amount: {message}"]


def test_unknown_rep_and_manager(tmp_path):
    reps = REPS + "A2,Bob,,AE,EMEA,ZZ,2025-01-01,,EUR\n"
    write(tmp_path, reps_csv=reps, activities_csv="activity_id,rep_id,kind,occurred_at\nC1,A1,call,2026-03-01\nC2,NOPE,call,2026-03-01\n")
    assert problems(tmp_path) == ["reps.csv row 3, column manager_id: unknown rep 'ZZ'",
                                  "activities.csv row 3, column rep_id: unknown rep 'NOPE'"]


def test_duplicate_id_with_different_content(tmp_path):
    rows = "D1,A1,2026-03-01,,open,10.00,,EUR,,\nD1,A1,2026-03-01,,open,10.00,,EUR,,\nD1,A1,2026-03-01,,open,11.00,,EUR,,\n"
    write(tmp_path, reps_csv=REPS, deals_csv=DEALS_HEAD + rows)
    assert problems(tmp_path) == [
        "deals.csv row 4, column deal_id: duplicate deal_id 'D1' with different content (first on row 2)"]


def test_latin1_file_is_refused_by_name(tmp_path):
    write(tmp_path, reps_csv=(REPS + "A2,Zoë,,AE,EMEA,,2025-01-01,,EUR\n").encode("latin-1"))
    assert problems(tmp_path) == ["reps.csv: is not UTF-8 text (byte 0xeb on line 3); save it as UTF-8"]


def test_missing_column_and_missing_reps(tmp_path):
    write(tmp_path, reps_csv=REPS, nps_csv="response_id,rep_id,score\nN1,A1,9\n")
    assert problems(tmp_path) == ["nps.csv row 1, column answered_at: required column is missing"]
    (tmp_path / "reps.csv").unlink()
    assert problems(tmp_path)[0].startswith("reps.csv: missing: reps.csv (or reps.json) is required")


def test_bom_and_json_numbers_are_exact(tmp_path):
    deals = ('[{"deal_id": "D1", "rep_id": "A1", "created_at": "2026-03-01", "closed_at": "2026-03-02",'
             ' "status": "won", "amount": 12345678901234567.89, "cost": 10, "currency": "EUR", "tax": 0.2}]')
    write(tmp_path, reps_csv=b"\xef\xbb\xbf" + REPS.encode(), deals_json=deals)
    facts = read_facts(tmp_path)
    deal = facts.deals[0]
    assert facts.reps[0].rep_id == "A1" and facts.sources["deals"] == "deals.json"
    assert deal.amount == Decimal("12345678901234567.89") and deal.cost == Decimal(10)
    assert deal.fields == {"tax": Decimal("0.2")} and deal.cancelled_at is None


def test_json_float_exponent_is_refused(tmp_path):
    deals = '[{"deal_id": "D1", "rep_id": "A1", "created_at": "2026-03-01", "closed_at": null, "status": "open", "amount": 1e3, "currency": "EUR"}]'
    write(tmp_path, reps_csv=REPS, deals_json=deals)
    assert problems(tmp_path) == ["deals.json item 1, column amount: '1E+3' is not a decimal amount"]


def test_deal_rules(tmp_path):
    rows = ("D1,A1,2026-03-01,,won,10.00,,EUR,,\n"
            "D2,A1,2026-03-01,2026-03-05,cancelled,10.00,,EUR,,\n"
            "D3,A1,2026-03-01,2026-03-05,shipped,10.00,,EUR,,\n"
            "D4,A1,2026-03-09,2026-03-05,won,10.00,,EUR,,\n")
    write(tmp_path, reps_csv=REPS, deals_csv=DEALS_HEAD + rows)
    assert problems(tmp_path) == [
        "deals.csv row 2, column closed_at: a won deal needs closed_at",
        "deals.csv row 3, column cancelled_at: a cancelled deal needs cancelled_at",
        "deals.csv row 4, column status: 'shipped' is not one of open, won, lost, cancelled",
        "deals.csv row 5, column closed_at: 2026-03-05 is before created_at 2026-03-09"]


def test_credit_shares(tmp_path):
    deals = DEALS_HEAD + "D1,A1,2026-03-01,2026-03-02,won,10.00,,EUR,,\n"
    credits = "deal_id,rep_id,share\nD1,A1,0.5\nD1,A1,0.5\nD1,A1,0.4\nD9,A1,1\nD1,A1,1.5\n"
    write(tmp_path, reps_csv=REPS, deals_csv=deals, credits_csv=credits)
    found = problems(tmp_path)
    assert found == [
        "credits.csv row 4, column deal_id: duplicate deal_id, rep_id 'D1', 'A1' with different content (first on row 2)",
        "credits.csv row 6, column share: 1.5 is not a share in (0, 1]"]
    write(tmp_path, credits_csv="deal_id,rep_id,share\nD1,A1,0.5\n")
    assert problems(tmp_path) == ["credits.csv row 2, column share: the shares of deal 'D1' add up to 0.5, not 1"]


def test_scores_nps_and_targets(tmp_path):
    write(tmp_path, reps_csv=REPS,
          scores_csv="rep_id,period,kind,value\nA1,2026-03,crm_hygiene,1.2\nA1,2026-03,cost,-40.5\nA1,2026-13,x,1\n",
          nps_csv="response_id,rep_id,answered_at,score\nN1,A1,2026-03-01,11\nN2,A1,2026-03-01,7.5\n",
          targets_csv="scope,scope_id,period,metric,target\nteam,NOWHERE,2026-03,revenue,10\nregion,X,2026-03,revenue,1\n")
    assert problems(tmp_path) == [
        "scores.csv row 2, column value: 1.2 is outside 0..1 (a crm_hygiene score is a ratio)",
        "scores.csv row 4, column period: '2026-13': month must be 01..12",
        "nps.csv row 2, column score: '11' is not a whole number from 0 to 10",
        "nps.csv row 3, column score: '7.5' is not a whole number from 0 to 10",
        "targets.csv row 3, column scope: 'region' is not one of rep, team"]


def test_unknown_team_target(tmp_path):
    write(tmp_path, reps_csv=REPS, targets_csv="scope,scope_id,period,metric,target\nteam,NOWHERE,2026-03,revenue,10\n")
    assert problems(tmp_path) == ["targets.csv row 2, column scope_id: unknown team 'NOWHERE'"]


def test_copy_of_company_with_extra_text_column_is_fine(tmp_path):
    shutil.copytree(COMPANY, tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "activities.csv").read_text().splitlines()
    (tmp_path / "activities.csv").write_text("\n".join([text[0] + ",note"] + [t + ",hello" for t in text[1:]]) + "\n")
    assert len(read_facts(tmp_path).activities) == 9


REPS3 = REPS + "B1,Bob,,Overlay,EMEA,,2025-01-01,,EUR\nC1,Cy,,SE,EMEA,,2025-01-01,,EUR\n"


def test_credit_counts_for(tmp_path):
    """`counts_for` is both (default), quota or commission; only the split must add up to 1."""
    deals = DEALS_HEAD + "D1,A1,2026-03-01,2026-03-02,won,10.00,,EUR,,\nD2,A1,2026-03-01,2026-03-02,won,10.00,,EUR,,\n"
    credits = ("deal_id,rep_id,share,counts_for\nD1,A1,1,\nD1,B1,1,quota\nD1,C1,0.5,commission\n"
               "D2,A1,1,quota\nD2,B1,1,commission\n")
    write(tmp_path, reps_csv=REPS3, deals_csv=deals, credits_csv=credits)
    facts = read_facts(tmp_path)
    assert [(c.deal_id, c.rep_id, c.counts_for) for c in facts.credits] == [
        ("D1", "A1", "both"), ("D1", "B1", "quota"), ("D1", "C1", "commission"),
        ("D2", "A1", "quota"), ("D2", "B1", "commission")]
    write(tmp_path, credits_csv="deal_id,rep_id,share,counts_for\nD1,A1,1,both\nD1,B1,1,overlay\n")
    assert problems(tmp_path) == [
        "credits.csv row 3, column counts_for: 'overlay' is not one of both, quota, commission"]
    write(tmp_path, credits_csv="deal_id,rep_id,share,counts_for\nD1,A1,1,quota\nD1,B1,0.5,commission\n")
    assert problems(tmp_path) == [
        "credits.csv row 2, column counts_for: deal 'D1' has no split counting for both: "
        "its commission shares add up to 0.5, not 1"]


def test_parameters_rows(tmp_path):
    """parameters.csv: rep, key, value, effective_from; bad rows are named by file, row and column."""
    head = "rep_id,key,value,effective_from\n"
    write(tmp_path, reps_csv=REPS, parameters_csv=head + "A1,ae_rate,0.06,2026-02-01\nA1,ae_rate,0.05,2026-01-01\n")
    facts = read_facts(tmp_path)
    assert [(p.key, p.value, p.effective_from) for p in facts.parameters] == [
        ("ae_rate", Decimal("0.06"), date(2026, 2, 1)), ("ae_rate", Decimal("0.05"), date(2026, 1, 1))]
    write(tmp_path, parameters_csv=head + "A1,ae rate,0.06,2026-02-01\nA1,ae_rate,six,2026-02-01\n"
          "A1,ae_rate,0.06,02/01/2026\nZ9,ae_rate,0.06,2026-02-01\nA1,ti,1000,2026-01-01\nA1,ti,2000,2026-01-01\n")
    assert problems(tmp_path) == [
        "parameters.csv row 2, column key: 'ae rate' is not a parameter key (letters, digits and _, as in the plan)",
        "parameters.csv row 3, column value: 'six' is not a decimal number",
        "parameters.csv row 4, column effective_from: '02/01/2026' is not an ISO 8601 date (expected YYYY-MM-DD)",
        "parameters.csv row 7, column rep_id: duplicate rep_id, key, effective_from 'A1', 'ti', "
        "2026-01-01 with different content (first on row 6)"]
    write(tmp_path, parameters_csv=head + "Z9,ae_rate,0.06,2026-02-01\n")
    assert problems(tmp_path) == ["parameters.csv row 2, column rep_id: unknown rep 'Z9'"]
    write(tmp_path, parameters_csv="rep_id,key,value\nA1,ae_rate,0.06\n")
    assert problems(tmp_path) == ["parameters.csv row 1, column effective_from: required column is missing"]
