"""`payplan.core.changes`: what differs between two scorings of a rep, by hand-made inputs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from payplan.core.changes import Change, input_changes
from payplan.core.inputs import CarriedState, Deal, MetricValue, PaidDeal, Rep, RepInputs, Target, TeamMember

D = Decimal
REP = Rep("A1", name="Ann Able", role="AE", team="West", hired_on=date(2025, 1, 1), salary=D("4000.00"))


def deal(deal_id: str, status: str = "won", amount: str = "1000.00", **more) -> Deal:
    return Deal(deal_id, status, D(amount), closed_at=date(2026, 3, 10), rep_id=more.pop("rep_id", "A1"), **more)


def inputs(*deals: Deal, rep: Rep = REP, metrics=None, targets=None, team=()) -> RepInputs:
    return RepInputs(rep, "2026-03", metrics or {}, deals, targets or {}, team)


def test_the_same_inputs_have_no_changes():
    same = inputs(deal("D1"), metrics={"demos": MetricValue(D(6), 6)}, targets={"quota": Target(D(5000), "t")})
    assert input_changes(same, same) == []


def test_deals_added_removed_and_changed_by_id_with_old_and_new_values():
    before = inputs(deal("D0042"), deal("D7", amount="500.00"), deal("D9", amount="300.00"))
    now = inputs(deal("D0042", "cancelled", cancelled_at=date(2026, 3, 14)), deal("D7", amount="750.00"),
                 deal("D5", amount="1200.00", fields={"discount": D("0.1")}))
    assert input_changes(before, now) == [
        # the status that became "cancelled" carries the day; cancelled_at is not listed again
        Change(subject="deal", key="D0042", what="changed", field="status", before="won", now="cancelled",
               day=date(2026, 3, 14)),
        Change(subject="deal", key="D5", what="added", status="won", amount=D("1200.00"), day=date(2026, 3, 10)),
        Change(subject="deal", key="D7", what="changed", field="amount", kind="amount", before="500.00", now="750.00"),
        Change(subject="deal", key="D9", what="removed", status="won", amount=D("300.00"), day=date(2026, 3, 10)),
    ]


def test_a_deals_share_dates_and_extra_fields():
    before = inputs(deal("D1", share=D(1), fields={"discount": D("0.10")}))
    now = inputs(deal("D1", share=D("0.5"), created_at=date(2026, 2, 1), fields={"discount": D("0.15"), "tax": D(2)}))
    assert [(c.field, c.kind, c.before, c.now) for c in input_changes(before, now)] == [
        ("share", "number", "1", "0.5"), ("created_at", "date", "", "2026-02-01"),
        ("discount", "number", "0.10", "0.15"), ("tax", "number", "", "2")]


def test_metrics_value_and_count_and_targets():
    before = inputs(metrics={"demos": MetricValue(D(6), 6), "revenue": MetricValue(D("500.00"), 1),
                             "win_rate": MetricValue(None, 0)},
                    targets={"quota": Target(D(5000), "targets.csv row 2"), "demos": Target(D(10), "row 3")})
    now = inputs(metrics={"demos": MetricValue(D(8), 8), "revenue": MetricValue(D("500.00"), 2),
                          "win_rate": MetricValue(D("0.5"), 2)},
                 targets={"quota": Target(D(6000), "targets.csv row 5"), "calls": Target(D(40), "row 6")})
    assert [(c.subject, c.key, c.what, c.field, c.before, c.now) for c in input_changes(before, now)] == [
        ("metric", "demos", "changed", "value", "6", "8"), ("metric", "demos", "changed", "count", "6", "8"),
        ("metric", "revenue", "changed", "count", "1", "2"),  # same value, one more fact behind it
        ("metric", "win_rate", "changed", "value", "", "0.5"), ("metric", "win_rate", "changed", "count", "0", "2"),
        ("target", "calls", "added", "value", "", "40"), ("target", "demos", "removed", "value", "10", ""),
        ("target", "quota", "changed", "value", "5000", "6000")]


def test_the_reps_own_record():
    left = Rep("A1", name="Ann Able", role="AE", team="East", hired_on=date(2025, 1, 1),
               terminated_on=date(2026, 3, 15), salary=D("4500.00"))
    changes = input_changes(inputs(), inputs(rep=left))
    assert [(c.subject, c.field, c.kind, c.before, c.now) for c in changes] == [
        ("rep", "team", "text", "West", "East"), ("rep", "terminated_on", "date", "", "2026-03-15"),
        ("rep", "salary", "amount", "4000.00", "4500.00")]


def test_the_team_and_its_deals():
    b1, c1 = Rep("B1", team="West"), Rep("C1", team="West")
    before = inputs(team=(TeamMember(b1, (deal("D3", rep_id="B1"),)), TeamMember(Rep("Z9"))))
    now = inputs(team=(TeamMember(b1, (deal("D3", amount="900.00", rep_id="B1"), deal("D4", rep_id="B1"))),
                       TeamMember(c1)))
    assert [(c.subject, c.member, c.key, c.what, c.field) for c in input_changes(before, now)] == [
        ("team", "", "C1", "added", ""), ("team", "", "Z9", "removed", ""),
        ("team_deal", "B1", "D3", "changed", "amount"), ("team_deal", "B1", "D4", "added", "")]


def test_the_state_carried_in():
    before = CarriedState(D("100.00"), {"D1": PaidDeal(D("200.00"), "2026-02", "commission")}, ("D0",))
    now = CarriedState(D("0.00"), {"D1": PaidDeal(D("150.00"), "2026-02", "commission"),
                                   "D2": PaidDeal(D("80.00"), "2026-02", "commission")}, ("D9",))
    changes = input_changes(inputs(), inputs(), before, now)
    assert [(c.subject, c.key, c.what, c.before, c.now) for c in changes] == [
        ("draw", "", "changed", "100.00", "0.00"),
        ("paid_deal", "D1", "changed", "200.00", "150.00"), ("paid_deal", "D2", "added", "", "80.00"),
        ("clawed_back", "D0", "removed", "", ""), ("clawed_back", "D9", "added", "", "")]


def test_the_order_is_by_subject_then_key_whatever_the_input_order():
    before = inputs(deal("D2"), deal("D1"), metrics={"calls": MetricValue(D(1), 1)})
    now = inputs(deal("D3"), deal("D0"), rep=Rep("A1", name="Ann B."), metrics={"calls": MetricValue(D(2), 2)},
                 targets={"quota": Target(D(1), "t")})
    first = input_changes(before, now)
    assert [(c.subject, c.key, c.field) for c in first] == [
        ("rep", "", "name"), ("rep", "", "role"), ("rep", "", "team"), ("rep", "", "hired_on"), ("rep", "", "salary"),
        ("deal", "D0", ""), ("deal", "D1", ""), ("deal", "D2", ""), ("deal", "D3", ""),
        ("metric", "calls", "value"), ("metric", "calls", "count"), ("target", "quota", "value")]
    reordered = inputs(*reversed(now.deals), rep=now.rep, metrics=now.metrics, targets=now.targets)
    assert input_changes(before, reordered) == first
