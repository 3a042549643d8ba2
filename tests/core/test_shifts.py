"""`payplan.core.shifts`: behaviour shifts parsed and applied to a period's inputs, checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs, TeamMember
from payplan.core.shifts import Shift, ShiftError, parse_scenario, parse_shift, shifted

D = Decimal


@pytest.mark.parametrize("text, expected", [
    ("demos +10%", Shift("demos", D("0.10"), "pct")),
    ("  demos+10 %  ", Shift("demos", D("0.10"), "pct")),
    ("calls -12.5%", Shift("calls", D("-0.125"), "pct")),
    ("calls −7%", Shift("calls", D("-0.07"), "pct")),  # a typographic minus
    ("meetings +2,5%", Shift("meetings", D("0.025"), "pct")),
    ("lead_conversion -2pts", Shift("lead_conversion", D(-2), "pts")),
    ("conversion −2 pts", Shift("lead_conversion", D(-2), "pts")),
    ("win_rate +3 points", Shift("win_rate", D(3), "pts")),
    ("deal_size +5%", Shift("avg_deal_size", D("0.05"), "pct")),
    ("EMEA: demos +10%", Shift("demos", D("0.10"), "pct", "EMEA")),
    ("North America : nps +5pt", Shift("nps", D(5), "pts", "North America")),
    ("score:onboarding +4pts", Shift("score:onboarding", D(4), "pts")),  # not a team "score"
    ("EMEA:score:onboarding -1.5pts", Shift("score:onboarding", D("-1.5"), "pts", "EMEA")),
])
def test_good_forms(text: str, expected: Shift) -> None:
    assert parse_shift(text) == expected


@pytest.mark.parametrize("text, words", [
    ("demos 10%", "METRIC +N%"),
    ("demos +10", "METRIC +N%"),
    ("+10% demos", "METRIC +N%"),
    ("widgets +10%", "no metric named widgets"),
    ("demos +2pts", "points apply to shares"),
    ("revenue -100%", "100%"),
    ("demos +ten%", "METRIC +N%"),
    ("demos 5%", "METRIC +N%"),
    ("calls 25%", "METRIC +N%"),  # a sign is required: once, a digit passed for one
    ("demos x5%", "METRIC +N%"),
])
def test_bad_forms_name_the_text(text: str, words: str) -> None:
    with pytest.raises(ShiftError) as caught:
        parse_shift(text)
    assert repr(text) in str(caught.value) and words in str(caught.value)


def test_a_scenario_is_shifts_separated_by_semicolons() -> None:
    assert parse_scenario("demos +10%; conversion -2pts;") == [Shift("demos", D("0.1"), "pct"),
                                                               Shift("lead_conversion", D(-2), "pts")]
    with pytest.raises(ShiftError):
        parse_scenario(" ; ")
    assert str(parse_shift("EMEA: conversion −2pts")) == "EMEA: lead_conversion −2 pts"
    assert str(parse_shift("demos +10%")) == "demos +10%"


def _inputs(team: str = "EAST", **metrics: str | None) -> RepInputs:
    values = {k.replace("__", ":"): MetricValue(None if v is None else D(v)) for k, v in metrics.items()}
    return RepInputs(Rep("AE01", role="AE", team=team), "2026-03", values)


def _values(inputs: RepInputs) -> dict[str, Decimal | None]:
    return {k: v.value for k, v in inputs.metrics.items()}


@pytest.mark.parametrize("n, pct, expected", [
    ("12", "+10%", "13"),   # 13.2
    ("15", "+10%", "17"),   # 16.5 → half up
    ("25", "+10%", "28"),   # 27.5 → half up
    ("5", "-10%", "5"),     # 4.5 → half up (away from zero)
    ("3", "-50%", "2"),     # 1.5 → 2
    ("0", "+10%", "0"),
])
def test_counts_round_half_up(n: str, pct: str, expected: str) -> None:
    out = shifted(_inputs(demos=n, calls="40"), [parse_shift(f"demos {pct}")])
    assert _values(out) == {"demos": D(expected), "calls": D(40)}


def test_every_variant_of_a_metric_moves_and_missing_values_stay_missing() -> None:
    given = _inputs(**{"demos": "10", "team__demos": "35", "activities[kind=demo]": "10", "calls": None})
    out = _values(shifted(given, [parse_shift("demos +10%"), parse_shift("calls +10%")]))
    # the manager's team count moves as a whole: 35 × 1.1 = 38.5 → 39 (per rep it might add up otherwise)
    assert out == {"demos": D(11), "team:demos": D(39), "activities[kind=demo]": D(10), "calls": None}


@pytest.mark.parametrize("value, shift, expected", [
    ("0.25", "lead_conversion -2pts", "0.23"),
    ("0.01", "lead_conversion -2pts", "0"),
    ("0.99", "win_rate +3pts", "1"),
    ("0.80", "crm_hygiene +50%", "1"),
    ("0.40", "win_rate -25%", "0.30"),
])
def test_ratios_move_and_clamp(value: str, shift: str, expected: str) -> None:
    metric = parse_shift(shift).metric
    assert _values(shifted(_inputs(**{metric: value}), [parse_shift(shift)]))[metric] == D(expected)


def test_scores_move_by_points_without_clamping() -> None:
    assert _values(shifted(_inputs(nps="40"), [parse_shift("nps +5pts")])) == {"nps": D(45)}


def _deal(deal_id: str, amount: str, cost: str, share: str = "1") -> Deal:
    return Deal(deal_id, "won", D(amount), D(cost), share=D(share))


def test_deal_size_scales_deals_and_money_metrics_to_the_cent() -> None:
    deals = (_deal("D1", "12556.09", "9040.38"), _deal("D2", "1000.10", "0.30", "0.7"))
    given = RepInputs(Rep("AE01", team="EAST"), "2026-03",
                      {"revenue": MetricValue(D("13256.16")), "margin": MetricValue(D("3725.60")),
                       "avg_deal_size": MetricValue(D("6778.095")), "demos": MetricValue(D(9)),
                       "margin_rate": MetricValue(D("0.281")), "team:revenue": MetricValue(D("100000.01"))},
                      deals, team=(TeamMember(Rep("AE02"), (_deal("D3", "0.10", "0.01"),)),))
    out = shifted(given, [parse_shift("deal_size +5%")])
    # 12556.09 × 1.05 = 13183.8945 → 13183.89; 9040.38 × 1.05 = 9492.399; 1000.10 × 1.05 = 1050.105 → 1050.11
    assert [(d.amount, d.cost, d.share) for d in out.deals] == [
        (D("13183.89"), D("9492.40"), D(1)), (D("1050.11"), D("0.32"), D("0.7"))]
    assert [(d.amount, d.cost) for d in out.team[0].deals] == [(D("0.11"), D("0.01"))]
    # 13256.16 × 1.05 = 13918.968; 3725.60 × 1.05 = 3911.88; 6778.095 × 1.05 = 7116.99975; ratios and counts stay
    assert _values(out) == {"revenue": D("13918.97"), "margin": D("3911.88"), "avg_deal_size": D("7117.00"),
                            "demos": D(9), "margin_rate": D("0.281"), "team:revenue": D("105000.01")}
    assert shifted(given, [parse_shift("revenue +5%")]) == out  # "revenue" is deal size too


def test_team_filter_and_order() -> None:
    east, west = _inputs("EAST", demos="10"), _inputs("WEST", demos="10")
    shifts = parse_scenario("WEST: demos +50%; demos +10%")
    assert _values(shifted(east, shifts)) == {"demos": D(11)}
    assert _values(shifted(west, shifts)) == {"demos": D(17)}  # 15, then 16.5 → 17
    assert shifted(east, parse_scenario("WEST: demos +50%")) == east
