"""Metric SQL against hand-computed values from tests/store/data/company (period 2026-03).

The company: M1 manages A1 and A2; A1 manages S1; X1 left in February, B1 joins in
April. Deal D7 is split A1 0.75 / A2 0.25. D4 closed in March and was cancelled in
April (won during March); D5 closed in January and was cancelled in March (a
clawback); D6 closed and was cancelled within March (neither).
"""

from datetime import date
from decimal import Decimal

import msgspec
import pytest

from payplan.core.inputs import MetricValue
from payplan.core.metrics import CATALOG, MetricSpec
from payplan.core.periods import parse_period
from payplan.store import load_inputs, load_reps
from payplan.store.metrics import list_evidence

MARCH = parse_period("2026-03")
WON_A1 = ("D1", "D2", "D4", "D7")


SPECS = [MetricSpec(name) for name in CATALOG] + [
    MetricSpec("revenue", product="Core"), MetricSpec("activities", kind="call"),
    MetricSpec("score:cost_audit"), MetricSpec("revenue", scope="team"),
    MetricSpec("revenue", scope="subtree"), MetricSpec("deals_won", scope="team"),
    MetricSpec("calls", scope="subtree"), MetricSpec("crm_hygiene", scope="team"),
    MetricSpec("cycle_days_median", scope="team"), MetricSpec("nps", scope="team"),
    MetricSpec("win_rate", scope="subtree"), MetricSpec("leads", product="Core"),
    MetricSpec("activities", kind="email", scope="team")]


@pytest.fixture
def march(company):
    """Bulk-run inputs: activity metrics carry counts, no ids."""
    with company.connect() as conn:
        return load_inputs(conn, SPECS, MARCH, team_scope="team")


@pytest.fixture
def march_ids(company):
    """Inputs as an explanation asks for them: activity ids too."""
    with company.connect() as conn:
        return load_inputs(conn, SPECS, MARCH, team_scope="team", activity_ids=True)


def metric(inputs, rep, key):
    return inputs[rep].metrics[key]


def test_only_reps_employed_in_the_period_get_inputs(march):
    assert sorted(march) == ["A1", "A2", "M1", "S1"]  # X1 left in Feb, B1 joins in April


def test_deal_volume_and_profit(march):
    revenue = metric(march, "A1", "revenue")  # 1000 + 3000 + 2000 + 1200 × 0.75
    assert (revenue.value, revenue.count, revenue.evidence) == (Decimal("6900.00"), 4, WON_A1)
    assert metric(march, "A1", "margin").value == Decimal("3650.00")  # 400 + 2000 + 500 + 1000 × 0.75
    rate = metric(march, "A1", "margin_rate")
    assert (rate.numerator, rate.denominator) == (Decimal("3650"), Decimal("6900"))
    assert rate.value == Decimal(3650) / Decimal(6900)
    avg = metric(march, "A1", "avg_deal_size")  # whole amounts: 7200 / 4
    assert (avg.value, avg.count, avg.evidence) == (Decimal("1800"), 4, WON_A1)
    assert metric(march, "A1", "deals_won").value == 4


def test_split_credit(march):
    assert metric(march, "A2", "revenue").value == Decimal("300.00")  # 1200 × 0.25
    assert metric(march, "A2", "margin").value == Decimal("250.00")
    assert metric(march, "A2", "deals_won").evidence == ("D7",)
    assert metric(march, "A2", "avg_deal_size").value == Decimal("1200")
    d7 = {d.id: d for d in march["A2"].deals}["D7"]
    assert (d7.share, d7.rep_id, d7.amount) == (Decimal("0.25"), "A2", Decimal("1200.00"))


def test_won_as_of_period_end(march, company):
    assert "D4" in metric(march, "A1", "deals_won").evidence  # cancelled in April: won in March
    assert "D6" not in metric(march, "A1", "deals_won").evidence  # cancelled within March
    with company.connect() as conn:
        april = load_inputs(conn, [MetricSpec("deals_won")], parse_period("2026-04"), rep_ids={"A1"})
    assert april["A1"].metrics["deals_won"].evidence == ("D10",)
    assert [(d.id, d.status) for d in april["A1"].deals] == [("D4", "cancelled"), ("D10", "won")]


def test_credited_deals_and_clawbacks(march):
    deals = march["A1"].deals  # sorted by (closed_at, id); D5 closed in January, cancelled in March
    assert [(d.id, d.status) for d in deals] == [
        ("D5", "cancelled"), ("D1", "won"), ("D4", "won"), ("D7", "won"), ("D2", "won")]
    d1, d4, d5 = deals[1], deals[2], deals[0]
    assert d1.fields == {"discount": Decimal("50.00")} and d1.cost == Decimal("600.00")
    assert d4.cancelled_at is None  # as of the end of March
    assert d5.cancelled_at == date(2026, 3, 12) and d5.amount == Decimal("400.00")


def test_cycle_lengths(march):
    median = metric(march, "A1", "cycle_days_median")  # 19, 23, 23, 64
    assert (median.value, median.count, median.evidence) == (Decimal(23), 4, WON_A1)
    assert metric(march, "A1", "cycle_days_mean").value == Decimal("32.25")  # 129 / 4
    assert metric(march, "M1", "team:cycle_days_median").value == Decimal(23)  # 19 23 23 23 64


def test_conversion(march):
    lost = metric(march, "A1", "deals_lost")
    assert (lost.value, lost.evidence) == (1, ("D3",))
    win = metric(march, "A1", "win_rate")
    assert (win.value, win.numerator, win.denominator, win.count) == (Decimal("0.8"), 4, 5, 5)
    leads = metric(march, "A1", "leads")  # created in March: D2 D3 D6 D10
    assert (leads.value, leads.evidence) == (4, ("D10", "D2", "D3", "D6"))
    conversion = metric(march, "A1", "lead_conversion")  # only D2 won by March 31
    assert (conversion.value, conversion.numerator, conversion.denominator) == (Decimal("0.25"), 1, 4)
    assert metric(march, "A2", "lead_conversion").value == 0  # D8 is open
    assert metric(march, "M1", "win_rate").value is None  # no closed deals: undefined


def test_activities(march_ids):
    calls = metric(march_ids, "A1", "calls")  # C6 is 2026-04-01T00:30+02:00 = March 31 UTC
    assert (calls.value, calls.evidence) == (3, ("C1", "C2", "C6"))
    assert metric(march_ids, "A1", "meetings").evidence == ("C3",)
    assert metric(march_ids, "A1", "demos").value == 1
    assert metric(march_ids, "A1", "activities").value == 5
    assert metric(march_ids, "A1", "activities[kind=call]").evidence == ("C1", "C2", "C6")
    assert metric(march_ids, "A2", "activities").evidence == ("C8",)
    assert metric(march_ids, "A2", "calls").value == 0 and metric(march_ids, "A2", "calls").count == 0


def test_bulk_runs_count_activities_without_ids(march, march_ids):
    for rep in march:
        for spec in SPECS:
            bulk, full = metric(march, rep, spec.key), metric(march_ids, rep, spec.key)
            if spec.name in ("calls", "meetings", "demos", "activities"):
                assert (bulk.value, bulk.count, bulk.evidence) == (full.value, full.count, ())
            else:
                assert bulk == full
    assert metric(march, "A1", "calls").value == 3 and metric(march, "A1", "calls").count == 3


def test_counting_some_kinds_only_gives_the_same_values(company, march):
    # Without "activities" the query reads only the kinds counted: reps without any
    # (A2 has only an email) get no row, which must read as the same zero.
    specs = [MetricSpec("demos"), MetricSpec("calls"), MetricSpec("calls", scope="subtree"),
             MetricSpec("activities", kind="email", scope="team")]
    with company.connect() as conn:
        alone = load_inputs(conn, specs, MARCH, team_scope="team")
    assert sorted(alone) == sorted(march)
    for rep in march:
        for spec in specs:
            encoded = [msgspec.json.encode(metric(inputs, rep, spec.key)) for inputs in (alone, march)]
            assert encoded[0] == encoded[1]
    assert metric(alone, "A2", "demos") == MetricValue(Decimal(0))


def test_nps(march):
    nps = metric(march, "A1", "nps")  # 10, 9, 7, 3 → (2 − 1) / 4 × 100
    assert (nps.value, nps.count, nps.evidence) == (Decimal(25), 4, ("N1", "N2", "N3", "N4"))
    assert metric(march, "A2", "nps").value is None


def test_product_filter(march):
    core = metric(march, "A1", "revenue[product=Core]")
    assert (core.value, core.evidence) == (Decimal("3900.00"), ("D1", "D4", "D7"))


def test_team_and_subtree_scope(march):
    team = metric(march, "M1", "team:revenue")  # A1 6900 + A2 300
    assert (team.value, team.evidence) == (Decimal("7200.00"), WON_A1)
    assert metric(march, "M1", "subtree:revenue").value == Decimal("7700.00")  # + S1 500
    assert metric(march, "M1", "team:deals_won").count == 5  # D7 counts for A1 and A2
    assert metric(march, "M1", "subtree:calls").value == 4
    assert metric(march, "A1", "subtree:calls").count == 1
    assert metric(march, "M1", "team:crm_hygiene").value == Decimal("0.75")  # mean of 0.9 and 0.6
    assert metric(march, "M1", "team:nps").evidence == ("N1", "N2", "N3", "N4")
    members = [(m.rep.id, [d.id for d in m.deals]) for m in march["M1"].team]
    assert members == [("A1", ["D1", "D4", "D7", "D2"]), ("A2", ["D7"])]
    assert march["A2"].team == ()


def test_scores(march, company):
    assert metric(march, "A1", "crm_hygiene").value == Decimal("0.9")
    assert metric(march, "A1", "script_compliance").value is None  # only a Q1 row
    assert metric(march, "A1", "score:cost_audit").value == Decimal("-12.5")
    with company.connect() as conn:
        q1 = load_inputs(conn, [MetricSpec("crm_hygiene"), MetricSpec("script_compliance")],
                         parse_period("2026-Q1"), rep_ids=["A1"])
    crm = q1["A1"].metrics["crm_hygiene"]  # no Q1 row: mean of Jan 0.8, Feb 0.7, Mar 0.9
    assert (crm.value, crm.count) == (Decimal("0.8"), 3)
    assert q1["A1"].metrics["script_compliance"].value == Decimal("0.95")  # the Q1 row wins


def test_target_cascade(march):
    a1, a2 = march["A1"].targets, march["A2"].targets
    assert a1["revenue"].value == 12000 and a1["revenue"].source == "targets.csv: A1, 2026-03, revenue"
    assert a1["deals_won"].source == "targets.csv: EMEA, 2026-03, deals_won"
    assert a2["revenue"].value == 10000  # the Q1 rep row is for another period


def test_target_keys_and_rep_filter(company):
    with company.connect() as conn:
        only = load_inputs(conn, [MetricSpec("revenue")], MARCH, rep_ids={"A2", "X1"}, target_keys={"revenue"})
    assert list(only) == ["A2"] and list(only["A2"].targets) == ["revenue"]
    assert only["A2"].metrics["revenue"].value == Decimal("300.00")


def test_load_reps(company):
    with company.connect() as conn:
        reps = load_reps(conn)
    assert [r.id for r in reps] == ["A1", "A2", "B1", "M1", "S1", "X1"]
    a1 = reps[0]
    assert (a1.manager_id, a1.team, a1.salary, a1.hired_on) == ("M1", "EMEA", Decimal("4000.00"), date(2021, 1, 1))


def test_unknown_metric_is_refused(company):
    with company.connect() as conn, pytest.raises(ValueError, match="unknown metric 'velocity'"):
        load_inputs(conn, [MetricSpec("velocity")], MARCH)


def test_activity_ids_on_request(company):
    with company.connect() as conn:
        inputs = load_inputs(conn, [MetricSpec("calls")], MARCH, rep_ids=["A1"])
        explained = load_inputs(conn, [MetricSpec("calls")], MARCH, rep_ids=["A1"], activity_ids=True)
    calls = inputs["A1"].metrics["calls"]
    assert (calls.value, calls.count, calls.evidence) == (3, 3, ())
    assert explained["A1"].metrics["calls"].evidence == ("C1", "C2", "C6")


def test_list_evidence(company):
    with company.connect() as conn:
        assert list_evidence(conn, "M1", MetricSpec("calls", scope="subtree"), MARCH) == ["C1", "C2", "C6", "C9"]
        assert list_evidence(conn, "A1", MetricSpec("calls", scope="subtree"), MARCH) == ["C9"]
        assert list_evidence(conn, "A1", MetricSpec("win_rate"), MARCH) == ["D1", "D2", "D3", "D4", "D7"]
        assert list_evidence(conn, "A1", MetricSpec("nps"), MARCH) == ["N1", "N2", "N3", "N4"]
        assert list_evidence(conn, "A2", MetricSpec("nps"), MARCH) == []
        assert list_evidence(conn, "M1", MetricSpec("team:revenue".split(":")[1], scope="team"), MARCH) == list(WON_A1)


@pytest.mark.parametrize("period", ["2026-03", "2026-04", "2026-Q1"])
def test_list_evidence_matches_load_inputs(company, period):
    """One rep's listed facts are exactly the evidence a full load gives, for every metric."""
    p = parse_period(period)
    with company.connect() as conn:
        inputs = load_inputs(conn, SPECS, p, activity_ids=True)
        for rep, rep_inputs in inputs.items():
            for spec in SPECS:
                assert list_evidence(conn, rep, spec, p) == list(rep_inputs.metrics[spec.key].evidence), (rep, spec.key)
