"""A behaviour scenario equals `payplan evaluate` on fact files to which the shift was applied by an
independent script (`shift_facts`): the same reps paid the same, rep by rep, over the window."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from payplan.simulation.model import Question
from payplan.simulation.simulate import simulate_data

from .by_evaluate import DEMO, MONTHS, PLANS, copy_demo, window
from .shift_facts import bigger_deals, more_activities

AE1 = PLANS / "ae-2026-v1.toml"


@pytest.fixture
def ae2(tmp_path: Path) -> Path:
    """AE version 2 in force from January, so both plans can be scored on the demo half-year."""
    path = tmp_path / "ae-2026-v2-jan.toml"
    text = (PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("effective_from = 2026-07-01", "effective_from = 2026-01-01"), encoding="utf-8")
    return path


def _scenario(proposal: Path, text: str):
    sim = simulate_data(DEMO, str(AE1), str(proposal), "2026-01..2026-06", question=Question(scenarios=[text]))
    return sim, sim.scenarios[0]


def _check(scenario, data: Path, proposal: Path) -> None:
    before, after = window(AE1, data, MONTHS), window(proposal, data, MONTHS)
    assert {r.rep_id: (r.baseline, r.proposal) for r in scenario.reps} == {
        rep: (before[rep], after[rep]) for rep in sorted(before)}
    assert (scenario.baseline, scenario.proposal) == (sum(before.values()), sum(after.values()))
    assert scenario.delta == scenario.proposal - scenario.baseline


def test_more_demos_equals_evaluate_on_shifted_activities(tmp_path: Path, ae2: Path) -> None:
    data = copy_demo(tmp_path)
    assert more_activities(data, "demo", Decimal("0.10")) > 0
    sim, scenario = _scenario(ae2, "demos +10%")
    _check(scenario, data, ae2)
    # the shift moved pay: the scenario differs from the plain comparison
    assert scenario.proposal != sim.comparison.totals.proposal.total


def test_bigger_deals_equal_evaluate_on_shifted_deals(tmp_path: Path, ae2: Path) -> None:
    data = copy_demo(tmp_path)
    bigger_deals(data, Decimal("1.05"))
    sim, scenario = _scenario(ae2, "deal_size +5%")
    _check(scenario, data, ae2)
    assert scenario.proposal > sim.comparison.totals.proposal.total


# --- metric by metric: the shifted cache against the metrics of the shifted files -------------------

PLANS_READ = ("ae-2026-v1.toml", "manager-2026.toml", "sdr-2026.toml")


def _cache(data: Path):
    from payplan.facts.imports import import_facts
    from payplan.facts.read import read_facts
    from payplan.simulation.drafts import resolve_plan
    from payplan.simulation.scoring import MetricCache
    from payplan.simulation.simulate import as_if_in_force, parse_periods
    from payplan.store.db import create_schema, make_engine
    from payplan.store.metrics import load_reps

    periods = parse_periods("2026-01..2026-06")
    plans = [as_if_in_force(resolve_plan(str(PLANS / name), None)[0], periods) for name in PLANS_READ]
    engine = make_engine("sqlite://")
    create_schema(engine)
    conn = engine.connect()
    import_facts(conn, read_facts(data))
    cache = MetricCache(conn, plans, [r.id for r in load_reps(conn)])
    cache.load(periods)
    return cache, periods


def _differences(text: str, data: Path) -> dict[tuple[str, str, str], tuple[Decimal, Decimal, int]]:
    from payplan.core.shifts import parse_scenario
    from payplan.simulation.scenarios import ShiftedCache

    base, periods = _cache(DEMO)
    view = ShiftedCache(base, parse_scenario(text))
    view.load(periods)
    files, _ = _cache(data)
    out = {}
    for period in periods:
        for rep_id, shifted in view.by_period[period].items():
            scored = files.by_period[period][rep_id]
            assert [(d.id, d.amount, d.cost, d.share) for d in shifted.deals] == [
                (d.id, d.amount, d.cost, d.share) for d in scored.deals]
            assert shifted.metrics.keys() == scored.metrics.keys()
            out.update(((period.key, rep_id, key), (value.value, scored.metrics[key].value, scored.metrics[key].count))
                       for key, value in shifted.metrics.items() if value.value != scored.metrics[key].value)
    return out


def test_more_demos_moves_the_metrics_exactly_as_the_files(tmp_path: Path) -> None:
    data = copy_demo(tmp_path)
    more_activities(data, "demo", Decimal("0.10"))
    assert _differences("demos +10%", data) == {}


def test_bigger_deals_move_money_metrics_within_half_a_cent_a_deal(tmp_path: Path) -> None:
    """The shift scales revenue, margin and the average deal size and rounds once (to the cent); the
    files' metrics are sums and means of deals each already rounded to the cent. Rounding does not
    commute with summing, so these differ by cents — only these, and never by more than half a cent
    per deal (+ half a cent for the shift's own rounding). Ratios, counts and the deals are equal."""
    data = copy_demo(tmp_path)
    bigger_deals(data, Decimal("1.05"))
    differences = _differences("deal_size +5%", data)
    assert differences and {key.rsplit(":", 1)[-1] for _, _, key in differences} <= {"revenue", "margin",
                                                                                    "avg_deal_size"}
    deals = _deals_per_month()
    for (period, rep_id, key), (shifted, scored, _) in differences.items():
        count = deals[(period, None if key.startswith("team:") else rep_id)]
        assert abs(shifted - scored) <= Decimal("0.005") * (count + 1), (period, rep_id, key, shifted, scored)


def _deals_per_month() -> dict[tuple[str, str | None], int]:
    from collections import Counter

    from .by_evaluate import read_rows

    _, rows = read_rows(DEMO / "deals.csv")
    counts = Counter((r["closed_at"][:7], r["rep_id"]) for r in rows if r["closed_at"])
    counts.update(Counter((r["closed_at"][:7], None) for r in rows if r["closed_at"]))  # a team: at most all
    return counts


@pytest.mark.parametrize("plan, text, shift", [
    ("manager-2026.toml", "deal_size +5%", lambda data: bigger_deals(data, Decimal("1.05"))),  # team margin
    ("sdr-2026.toml", "meetings +10%", lambda data: more_activities(data, "meeting", Decimal("0.10"))),
    ("sim/volume-only.toml", "calls +10%", lambda data: more_activities(data, "call", Decimal("0.10"))),
])
def test_other_demo_plans_under_a_shift_equal_evaluate(tmp_path: Path, plan: str, text: str, shift) -> None:
    data = copy_demo(tmp_path)
    shift(data)
    path = str(PLANS / plan)
    scenario = simulate_data(DEMO, path, path, "2026-01..2026-06", question=Question(scenarios=[text])).scenarios[0]
    expected = window(path, data, MONTHS)
    assert {r.rep_id: r.proposal for r in scenario.reps} == expected
    assert {r.rep_id: r.baseline for r in scenario.reps} == expected and scenario.delta == 0
    assert expected != window(path, DEMO, MONTHS)  # the shift changed someone's pay
