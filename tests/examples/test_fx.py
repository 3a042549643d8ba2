"""Deals in USD and EUR paid in UAH (issue 16): each missing-rate policy under each rate date,
the simulation on the converted inputs, and fx_rates.csv checks. Figures by hand, as in the
worked examples' notes (tests/examples/EX-fx-*)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.errors import Invalid
from payplan.evaluation.pipeline import evaluate_files
from payplan.facts.problems import FactError
from payplan.facts.read import read_facts
from payplan.simulation.simulate import simulate_data

EXAMPLE = Path(__file__).parent / "EX-fx-close-date-last-earlier"


def variant(tmp_path: Path, fx: str, drop: str = "") -> tuple[Path, Path]:
    """The example with another [fx] table and, optionally, one fx_rates.csv line left out."""
    plan = (EXAMPLE / "plan.toml").read_text()
    start, end = plan.index("[fx]"), plan.index("[[components]]")
    (tmp_path / "plan.toml").write_text(plan[:start] + fx + "\n" + plan[end:])
    facts = tmp_path / "facts"
    shutil.copytree(EXAMPLE / "facts", facts)
    rates = facts / "fx_rates.csv"
    rates.write_text("".join(line for line in rates.read_text().splitlines(True) if not drop or drop not in line))
    return tmp_path / "plan.toml", facts


def test_close_date_error_names_the_deal_the_pair_and_the_date(tmp_path):
    plan, facts = variant(tmp_path, '[fx]\nrate_date = "close_date"\nmissing = "error"\nsource = "NBU"\n')
    with pytest.raises(Invalid) as caught:
        evaluate_files(plan, facts, "2026-03")
    assert str(caught.value) == ("deal D4: no USD/UAH rate for 2026-03-29 in fx_rates.csv "
                                 "(the plan's fx.missing is error)")


def test_period_end_error_when_the_end_rate_is_missing(tmp_path):
    plan, facts = variant(tmp_path, '[fx]\nrate_date = "period_end"\n', drop="2026-03-31,EUR")
    with pytest.raises(Invalid, match="deal D2: no EUR/UAH rate for 2026-03-31"):
        evaluate_files(plan, facts, "2026-03")


def test_period_end_last_earlier_within_max_days(tmp_path):
    # EUR has no 2026-03-31 rate: the last earlier one, 2026-03-20 (11 days) at 45.1234.
    # D1 1,200.00 x 41.6789 = 50,014.68; D2 850.50 x 45.1234 = 38,377.4517 -> 38,377.45;
    # D3 10,000.00; D4 333.33 x 41.6789 = 13,879.0737 + 13.754037 = 13,892.827737 -> 13,892.83.
    # Lines 5%: 2,500.734 -> 2,500.73; 1,918.8725 -> 1,918.87; 500.00; 694.6415 -> 694.64.
    plan, facts = variant(tmp_path, '[fx]\nrate_date = "period_end"\nmissing = "last_earlier"\nmax_days = 14\n',
                          drop="2026-03-31,EUR")
    (result,) = evaluate_files(plan, facts, "2026-03").results
    assert result.total == Decimal("5614.24")
    assert {ln.deal_id: ln.base for ln in result.lines} == {
        "D1": Decimal("50014.68"), "D2": Decimal("38377.45"), "D3": Decimal("10000.00"), "D4": Decimal("13892.83")}


def test_last_earlier_beyond_max_days_is_an_error(tmp_path):
    plan, facts = variant(tmp_path, '[fx]\nrate_date = "period_end"\nmissing = "last_earlier"\nmax_days = 7\n',
                          drop="2026-03-31,EUR")
    with pytest.raises(Invalid, match="deal D2: no EUR/UAH rate for 2026-03-31"):
        evaluate_files(plan, facts, "2026-03")


def test_without_fx_nothing_is_converted(tmp_path):
    # The plan states no [fx]: amounts are summed as stored (1,200 + 850.50 + 10,000 + 333.33).
    plan, facts = variant(tmp_path, "")
    (result,) = evaluate_files(plan, facts, "2026-03").results
    assert sum((ln.base for ln in result.lines), Decimal(0)) == Decimal("12383.83")


def test_the_simulation_pays_in_uah_on_converted_inputs():
    # The tally (not `evaluate`) scores this plan: it reads the inputs stage 1 converted.
    from payplan.core.tally import batch_reader
    from payplan.plans.files import load_plan

    assert batch_reader(load_plan(EXAMPLE / "plan.toml")) is not None
    sim = simulate_data(EXAMPLE / "facts", str(EXAMPLE / "plan.toml"), str(EXAMPLE / "plan.toml"), "2026-03")
    (row,) = sim.comparison.rows
    assert sim.currency == "UAH"
    assert (row.baseline, row.proposal, row.revenue) == (Decimal("5584.62"), Decimal("5584.62"), Decimal("111692.44"))


def test_fx_rates_problems_name_file_row_and_column(tmp_path):
    shutil.copytree(EXAMPLE / "facts", tmp_path, dirs_exist_ok=True)
    (tmp_path / "fx_rates.csv").write_text("date,from,to,rate\n2026-03-31,USD,USD,41\n2026-03-31,usd,UAH,-1\n"
                                           "31.03.2026,EUR,UAH,45.1234567\n")
    with pytest.raises(FactError) as caught:
        read_facts(tmp_path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "to"), (3, "from"), (3, "rate"), (4, "rate"), (4, "date")]
    assert all(p.file == "fx_rates.csv" for p in caught.value.problems)


@pytest.mark.parametrize(("change", "code"), [
    (("max_days = 7", "max_days = -1"), "negative"),
    (("max_days = 7", "max_days = 400"), "fx-max-days"),
    (('"close_date"', '"yesterday"'), "invalid-value"),
    (('"last_earlier"', '"guess"'), "invalid-value"),
])
def test_lint_checks_the_fx_table(change, code):
    from payplan.plans.files import check_plan_text

    text = (EXAMPLE / "plan.toml").read_text().replace(*change)
    _, issues = check_plan_text(text, "plan.toml")
    assert code in [i.code for i in issues if i.severity == "error"]


def test_fx_rates_import_is_idempotent():
    from payplan.facts.imports import import_facts
    from payplan.store.db import create_schema, make_engine

    facts = read_facts(EXAMPLE / "facts")
    engine = make_engine("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:
        assert import_facts(conn, facts)["fx_rates"] == 6
        assert import_facts(conn, facts)["fx_rates"] == 0
