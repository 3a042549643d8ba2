"""`payplan evaluate` and `payplan explain` as users run them: real processes, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EX05 = ROOT / "tests" / "examples" / "EX05"


def payplan(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "payplan.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


def test_json_output_is_the_contract():
    out = payplan("evaluate", "--plan", str(EX05 / "plan.toml"), "--data", str(EX05 / "facts"),
                  "--period", "2026-03", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) == {"plan", "period", "results", "issues"}
    assert doc["plan"]["id"] == "ex05" and doc["plan"]["version"] == 1 and len(doc["plan"]["hash"]) == 64
    (result,) = doc["results"]
    assert result["rep_id"] == "r1" and result["currency"] == "USD" and result["total"] == "6900.00"
    assert result["components"] == [{"id": "commission", "kind": "commission", "amount": "6900.00"}]
    assert sum(Decimal(ln["amount"]) for ln in result["lines"]) == Decimal(result["total"])
    assert result["trace"]["key"] == "total"


def test_same_inputs_give_identical_bytes_across_processes():
    args = ("evaluate", "--plan", "plans/ae-2026-v1.toml", "--data", "examples/demo",
            "--period", "2026-01..2026-03", "--format", "json")
    first = payplan(*args, env={"PYTHONHASHSEED": "1"})
    second = payplan(*args, env={"PYTHONHASHSEED": "4242"})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    periods = {r["period"] for r in json.loads(first.stdout)["results"]}
    assert periods == {"2026-01", "2026-02", "2026-03"}


def test_explain_reads_like_a_sentence():
    out = payplan("explain", "--plan", str(EX05 / "plan.toml"), "--data", str(EX05 / "facts"),
                  "--period", "2026-03", "--rep", "r1")
    assert out.returncode == 0, out.stderr
    assert "deal D2, base 20,000.00" in out.stdout and "rate 5.50%" in out.stdout
    assert "Total: 6,900.00 USD" in out.stdout


def test_explain_in_ukrainian():
    """`--lang uk`: the engine's words from the uk catalog, numbers written the Ukrainian way."""
    out = payplan("--lang", "uk", "explain", "--plan", str(EX05 / "plan.toml"), "--data", str(EX05 / "facts"),
                  "--period", "2026-03", "--rep", "r1")
    assert out.returncode == 0, out.stderr
    assert "угода D2, база 20 000,00" in out.stdout.replace("\u202f", " ").replace("\xa0", " ")
    assert "Разом: 6 900,00 USD" in out.stdout.replace("\u202f", " ").replace("\xa0", " ")
    assert "Total" not in out.stdout and "active the whole period" not in out.stdout


def _copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "ex"
    shutil.copytree(EX05, target)
    return target


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace('period = "month"', 'period = "month'), "plan.toml:"),
    (lambda t: t.replace('base = "revenue"', 'base = "revenue"\nwieght = 1'), "wieght"),
    (lambda t: t.replace("from = 150000\nto = 250000", "from = 140000\nto = 250000"), "overlap"),
])
def test_bad_plan_exits_1_naming_the_place(tmp_path, edit, expected):
    folder = _copy_example(tmp_path)
    plan = folder / "plan.toml"
    plan.write_text(edit(plan.read_text()))
    out = payplan("evaluate", "--plan", str(plan), "--data", str(folder / "facts"), "--period", "2026-03")
    assert out.returncode == 1
    assert expected in out.stderr + out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("kpi, expected", [
    ('metric = "demoz"\nweight = 1', "demoz"),
    ('metric = "demos"\nweight = -1', "weight"),
])
def test_bad_kpi_is_refused(tmp_path, kpi, expected):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'id = "k"\nversion = 1\nname = "K"\neffective_from = 2026-01-01\nperiod = "month"\ncurrency = "USD"\n'
        '[[components]]\nkind = "scorecard"\nid = "bonus"\ntarget_incentive = 1000\n'
        f'[[components.kpis]]\nid = "a"\n{kpi}\ntarget = 10\n')
    out = payplan("evaluate", "--plan", str(plan), "--data", str(EX05 / "facts"), "--period", "2026-03")
    assert out.returncode == 1 and expected in out.stderr and "Traceback" not in out.stderr
    assert "components[0].kpis[0]" in out.stderr


@pytest.mark.parametrize("row, expected", [
    ("D3,r1,2026-02-01,2026-13-45,won,10.00,0,USD,arr,", "deals.csv row 4, column closed_at"),
    ("D3,r1,2026-02-01,2026-03-04,won,12;5,0,USD,arr,", "deals.csv row 4, column amount"),
])
def test_bad_fact_row_names_file_row_column(tmp_path, row, expected):
    folder = _copy_example(tmp_path)
    deals = folder / "facts" / "deals.csv"
    deals.write_text(deals.read_text() + row + "\n")
    out = payplan("evaluate", "--plan", str(folder / "plan.toml"), "--data", str(folder / "facts"),
                  "--period", "2026-03")
    assert out.returncode == 1, out.stdout
    assert expected in out.stderr and "Traceback" not in out.stderr


def test_wrong_period_kind_is_a_usage_error():
    out = payplan("evaluate", "--plan", str(EX05 / "plan.toml"), "--data", str(EX05 / "facts"), "--period", "2026-Q1")
    assert out.returncode == 2 and "pays by month" in out.stderr and "2026-01" in out.stderr


def test_a_plan_not_in_force_says_so_instead_of_an_empty_table():
    """A newcomer got an empty table and exit 0 for a month the plan does not cover."""
    for plan, period in (("plans/ae-2026-v1.toml", "2026-09"), ("plans/ae-2026-v2.toml", "2026-03")):
        for command in ("evaluate", "explain"):
            rep = ["--rep", "AE01"] if command == "explain" else []
            out = payplan(command, "--plan", plan, "--data", "examples/demo", "--period", period, *rep)
            ref = "ae-2026@1" if plan.endswith("v1.toml") else "ae-2026@2"
            assert (out.returncode, out.stdout, out.stderr) == (1, "", f"error: plan {ref} is not in force in {period}\n")
    uk = payplan("--lang", "uk", "evaluate", "--plan", "plans/ae-2026-v2.toml", "--data", "examples/demo",
                 "--period", "2026-03")
    assert uk.stderr == "помилка: план ae-2026@2 не діє в 2026-03\n"
    # a range the plan covers only in part is evaluated where it is in force
    part = payplan("evaluate", "--plan", "plans/ae-2026-v1.toml", "--data", "examples/demo", "--period", "2026-06..2026-07")
    assert part.returncode == 0 and " 2026-06 " in part.stdout and " 2026-07 " not in part.stdout


ZEROS_PLAN = """
id = "zeros"
version = 1
name = "Numbers written with exponents and a negative zero"
effective_from = 2026-01-01
period = "month"
currency = "USD"

[[components]]
kind = "scorecard"
id = "bonus"
target_incentive = 1000
payout_cap = 2e1      # str(Decimal) would write 2E+1

[[components.kpis]]
id = "won"
metric = "deals_won"
weight = 1
target = 0.5
cap = 1e2             # 1E+2

[[components]]
kind = "commission"
id = "none"
rate = -0.0           # each line 400 × -0.0 = -0.00
"""


def test_json_decimals_are_plain_never_exponent_never_negative_zero(tmp_path):
    """Issue #15: every rate and amount in `--format json` is a plain decimal string."""
    plan = tmp_path / "plan.toml"
    plan.write_text(ZEROS_PLAN, encoding="utf-8")
    out = payplan("evaluate", "--plan", str(plan), "--data", str(ROOT / "tests/examples/EX01/facts"),
                  "--period", "2026-01", "--format", "json")
    assert out.returncode == 0, out.stderr
    texts: list[str] = []

    def strings(node):
        if isinstance(node, dict):
            [strings(v) for v in node.values()]
        elif isinstance(node, list):
            [strings(v) for v in node]
        elif isinstance(node, str):
            texts.append(node)
    strings(json.loads(out.stdout))
    assert "20" in texts  # the payout cap, written plainly
    assert not [t for t in texts if "E+" in t or "E-" in t or t.lstrip("-0.") == "" and t.startswith("-")]
    (result,) = json.loads(out.stdout)["results"]
    # 1 deal won over a target of 0.5 = 200%, capped at 100 (not reached) → score 2 → 2000.00
    assert result["total"] == "2000.00"
    assert [ln["amount"] for ln in result["lines"] if ln["component"] == "none"] == ["0.00"]


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "2026-01..9999-12"])
def test_a_period_of_a_year_outside_1900_to_9998_is_a_usage_error(period):
    out = payplan("evaluate", "--plan", str(EX05 / "plan.toml"), "--data", str(EX05 / "facts"), "--period", period)
    year = period.rpartition("..")[2]
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip() == f"error: '{year}': the year must be from 1900 to 9998"
