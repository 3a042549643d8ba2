"""A window scorecard on the statement (tests/examples/EX-quarter-scorecard): its KPI rows show
the quarter's figures so far, its box the due so far, and its line what is due, what was paid
so far and what this period pays (or that it is held to the quarter's last month). The
figures are summed here from the example's deals.csv."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.i18n import Words
from payplan.statements import calculation
from payplan.statements.view import from_calculation

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "EX-quarter-scorecard"
MONTHLY_TARGET, INCENTIVE = Decimal(20000), Decimal(3000)


def _quarter_so_far(month: int) -> tuple[Decimal, int, int]:
    """(revenue won, deals won, deals closed) from January to `month`, from the fact file."""
    with open(EXAMPLE / "facts" / "deals.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if int(r["closed_at"][5:7]) <= month]
    won = [r for r in rows if r["status"] == "won"]
    return sum((Decimal(r["amount"]) for r in won), Decimal(0)), len(won), len(rows)


def _view(period: str):
    (calc,) = calculation.from_files(EXAMPLE / "plan.toml", EXAMPLE / "facts", period)
    return from_calculation(calc)


@pytest.mark.parametrize("month", [1, 2, 3])
def test_the_kpi_rows_and_the_box_show_the_quarter_so_far(month: int) -> None:
    view = _view(f"2026-{month:02d}")
    revenue, won, closed = _quarter_so_far(month)
    rows = {k.id: k for k in view.kpis}
    assert (rows["revenue"].actual, rows["revenue"].target) == (revenue, MONTHLY_TARGET * month)
    assert rows["win_rate"].actual == Decimal(won) / closed
    score = Decimal("0.6") * revenue / (MONTHLY_TARGET * month) + Decimal("0.4") * (Decimal(won) / closed) / Decimal("0.5")
    (section,) = [s for s in view.sections if s.id == "quarter_kpi"]
    assert section.scorecard.target_incentive == INCENTIVE * month / 3
    assert section.scorecard.bonus_before_gates == (INCENTIVE * month / 3 * score).quantize(Decimal("0.01"))


def test_the_line_says_due_paid_so_far_and_this_period() -> None:
    def line(period: str, lang: str = "en") -> str:
        (section,) = [s for s in _view(period).sections if s.id == "quarter_kpi"]
        (row,) = section.lines
        return Words(lang, 2).fill(row.cause, row.inputs)

    assert line("2026-02") == "2026-Q1 score 92%, due 1,840.00, paid so far 0.00: paid on the window's last period, 2026-03"
    assert line("2026-03") == "2026-Q1 score 106%, due 3,180.00, paid so far 0.00, this period 3,180.00 − 0.00"
    assert line("2026-03", "uk").startswith("бал 2026-Q1 106%, належить 3\u00a0180,00")
