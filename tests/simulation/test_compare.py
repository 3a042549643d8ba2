"""payplan.core.simulate on hand-made outcomes: pairing, thresholds, statistics, volume share."""

from __future__ import annotations

from decimal import Decimal as D

import msgspec

from payplan.core.plan import Plan
from payplan.core.result import ComponentResult, RepResult
from payplan.core.simulate import Activity, Outcome, compare, correlation, distribution, outcome_of
from payplan.core.trace import Node


def _out(rep: str, period: str, total: str, volume: str = "0") -> Outcome:
    return Outcome(rep, period, D(total), {}, {}, D(volume))


def test_rows_pair_by_rep_and_period_and_mark_coverage() -> None:
    before = [_out("A", "2026-01", "100"), _out("B", "2026-01", "50")]
    after = [_out("A", "2026-01", "120"), _out("C", "2026-01", "70")]
    result = compare(before, after, {("A", "2026-01"): Activity(D(1000), D(400))})
    rows = {(r.rep_id, r.period): r for r in result.rows}
    assert (rows[("A", "2026-01")].delta, rows[("A", "2026-01")].covered) == (D(20), "both")
    assert (rows[("B", "2026-01")].proposal, rows[("B", "2026-01")].covered) == (D(0), "baseline")
    assert (rows[("C", "2026-01")].baseline, rows[("C", "2026-01")].covered) == (D(0), "proposal")
    assert rows[("A", "2026-01")].margin == D(400) and rows[("B", "2026-01")].revenue == D(0)
    assert result.totals.cost_delta == D(40) and result.totals.cost_delta_share == D("0.2667")


def test_threshold_is_strict_on_both_sides() -> None:
    before = [_out(r, "2026-01", "100") for r in "ABCDE"]
    after = [_out("A", "2026-01", "150"), _out("B", "2026-01", "150.01"), _out("C", "2026-01", "50"),
             _out("D", "2026-01", "49.99"), _out("E", "2026-01", "100")]
    result = compare(before, after, {}, D(50))
    totals = result.totals
    changes = {r.rep_id: r.change for r in result.reps}
    assert changes == {"A": "same", "B": "gain", "C": "same", "D": "loss", "E": "same"}
    assert (totals.gainers, totals.losers) == (1, 1)


def test_per_rep_changes_sum_the_window() -> None:
    before = [_out("A", "2026-01", "100"), _out("A", "2026-02", "100")]
    after = [_out("A", "2026-01", "90"), _out("A", "2026-02", "130")]
    (rep,) = compare(before, after, {}).reps
    assert (rep.baseline, rep.proposal, rep.delta, rep.change) == (D(200), D(220), D(20), "gain")


def test_distribution_median_and_nearest_rank_p90() -> None:
    ten = [D(v) for v in range(10, 0, -1)]
    assert distribution(ten) == distribution(sorted(ten))
    d = distribution(ten)
    assert (d.min, d.median, d.p90, d.max) == (D(1), D("5.5"), D(9), D(10))
    assert distribution([D(3)]).p90 == D(3)
    assert distribution([]).max == D(0)


def test_correlation_is_decimal_and_bounded() -> None:
    xs = [D(1), D(2), D(3), D(4)]
    assert correlation(xs, [D(2), D(4), D(6), D(8)]) == D(1)
    assert correlation(xs, [D(8), D(6), D(4), D(2)]) == D(-1)
    assert correlation(xs, [D(5)] * 4) is None and correlation([D(1)], [D(1)]) is None
    assert correlation(xs, [D(1), D(3), D(2), D(4)]) == D("0.8000")


def test_payout_shares_and_volume_share() -> None:
    before = [_out("A", "2026-01", "300", volume="300")]
    after = [_out("A", "2026-01", "300", volume="75")]
    totals = compare(before, after, {("A", "2026-01"): Activity(D(3000), D(1000))}).totals
    assert totals.baseline.share_of_revenue == D("0.1000") and totals.baseline.share_of_margin == D("0.3000")
    assert (totals.baseline.volume_share, totals.proposal.volume_share) == (D(1), D("0.2500"))


PLAN = {
    "id": "p", "version": 1, "name": "P", "effective_from": "2026-01-01", "period": "month", "currency": "USD",
    "components": [
        {"kind": "scorecard", "id": "bonus", "target_incentive": "1000", "kpis": [
            {"id": "calls", "metric": "calls", "weight": "0.25", "target": "10"},
            {"id": "nps", "metric": "nps", "weight": "0.75", "target": "30"}]},
        {"kind": "commission", "id": "rev", "base": "revenue", "rate": "0.05"},
        {"kind": "commission", "id": "mar", "base": "margin", "rate": "0.1"},
    ],
}


def test_outcome_of_splits_the_bonus_by_volume_points() -> None:
    plan = msgspec.convert(PLAN, Plan, strict=False)
    bonus = Node("bonus", "Bonus", value=D(800), children=[
        Node("kpi.calls", "Calls", value=D("0.2"), inputs={"attainment": D("0.8")}),
        Node("kpi.nps", "NPS", value=D("0.6"), inputs={"attainment": D("0.8")})])
    trace = Node("total", "t", children=[bonus, Node("rev", "r"), Node("mar", "m")])
    result = RepResult("A", "2026-01", "USD", D(1100), (
        ComponentResult("bonus", "scorecard", D(800)), ComponentResult("rev", "commission", D(100)),
        ComponentResult("mar", "commission", D(200))), (), trace)
    outcome = outcome_of(plan, result)
    assert outcome.kpis == {"calls": D("0.8000"), "nps": D("0.8000")}
    assert outcome.volume_pay == D(300)  # a quarter of the bonus (calls) + the revenue commission
    assert outcome.components == {"bonus": D(800), "rev": D(100), "mar": D(200)}
