"""Semantic plan checks: each rule on a small plan with real values."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from payplan.core.lint import check_plan, check_versions
from payplan.core.plan import Plan

D = Decimal


def kpi(id: str, metric: str, weight: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, "metric": metric, "weight": D(weight), "why": f"{id} matters", **extra}


def base_plan() -> dict[str, Any]:
    """A plan with no issue at all: four KPIs incl. quality, commission on margin."""
    return {
        "id": "ae", "version": 1, "name": "AE", "effective_from": date(2026, 1, 1),
        "period": "month", "currency": "USD",
        "components": [
            {"kind": "scorecard", "id": "bonus", "target_incentive": D(2000), "kpis": [
                kpi("demos", "demos", "0.15"), kpi("win", "win_rate", "0.35"),
                kpi("margin", "margin_rate", "0.30"), kpi("crm", "crm_hygiene", "0.20"),
            ]},
            {"kind": "commission", "id": "new-biz", "base": "margin", "tiers": [
                {"from": D(0), "to": D(50000), "rate": D("0.05")},
                {"from": D(50000), "to": D(100000), "rate": D("0.06")},
                {"from": D(100000), "rate": D("0.08")},
            ]},
        ],
    }


def make(changes: Any = None, **top: Any) -> Plan:
    data = copy.deepcopy(base_plan())
    if changes:
        changes(data)
    data.update(top)
    return msgspec.convert(data, Plan)


def codes(issues: list) -> list[str]:
    return [i.code for i in issues]


def only(issues: list, code: str):
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, issues
    return found[0]


def kpis(data: dict) -> list[dict]:
    return data["components"][0]["kpis"]


def tiers(data: dict) -> list[dict]:
    return data["components"][1]["tiers"]


def test_base_plan_is_clean():
    assert check_plan(make()) == []


def test_weights_summing_to_095_show_the_sum():
    def change(d):
        kpis(d)[0]["weight"] = D("0.10")
    issue = only(check_plan(make(change)), "weights-sum")
    assert issue.severity == "error"
    assert "sum to 0.95" in issue.message and "scorecard bonus" in issue.message
    assert issue.where == "components[0].kpis (scorecard bonus)"


def test_negative_weight_is_named():
    def change(d):
        kpis(d)[0]["weight"] = D("-0.10")
        kpis(d)[1]["weight"] = D("0.60")
    issue = only(check_plan(make(change)), "negative")
    assert "weight is -0.10" in issue.message
    assert issue.where == "components[0].kpis[0].weight (scorecard bonus, kpi demos)"


def test_unknown_metric_names_kpi_path_and_suggests():
    def change(d):
        kpis(d)[2]["metric"] = "margn_rate"
    issue = only(check_plan(make(change)), "unknown-metric")
    assert issue.where == "components[0].kpis[2].metric (scorecard bonus, kpi margin)"
    assert "'margn_rate'" in issue.message and "margin_rate" in issue.message


def test_custom_score_kind_is_a_known_metric():
    def change(d):
        kpis(d)[3]["metric"] = "score:call_audit"
    assert check_plan(make(change)) == []


def test_overlapping_tiers_name_indexes_and_values():
    def change(d):
        tiers(d)[1]["from"] = D(40000)
    issue = only(check_plan(make(change)), "tiers-overlap")
    assert "tiers[0] (0 to 50000) and tiers[1] (40000 to 100000)" in issue.message
    assert issue.where == "components[1].tiers[1] (commission new-biz)"


def test_gap_between_tiers():
    def change(d):
        tiers(d)[0]["to"] = D("49999.99")
    issue = only(check_plan(make(change)), "tiers-gap")
    assert "from 49999.99 to 50000" in issue.message


def test_only_last_tier_may_be_open_and_from_below_to():
    def change(d):
        del tiers(d)[0]["to"]
        tiers(d)[2]["to"] = D(100000)
    assert {"tier-open", "tier-range"} <= set(codes(check_plan(make(change))))


def test_curve_x_must_not_decrease():
    def change(d):
        kpis(d)[0]["curve"] = [[D(0), D(0)], [D(10), D(1)], [D(8), D("1.2")]]
    issue = only(check_plan(make(change)), "curve-order")
    assert issue.where == "components[0].kpis[0].curve[2] (scorecard bonus, kpi demos)"


def test_duplicate_component_and_kpi_ids():
    def change(d):
        d["components"][1]["id"] = "bonus"
        kpis(d)[1]["id"] = "demos"
    assert codes(check_plan(make(change))).count("duplicate-id") == 2


def test_cap_below_floor_and_negative_rate():
    def change(d):
        d["components"][1].update(cap=D(100), floor=D(200))
        tiers(d)[2]["rate"] = D("-0.01")
    found = codes(check_plan(make(change)))
    assert "cap-below-floor" in found and "negative" in found


@pytest.mark.parametrize(("amount", "flagged"), [("0", True), ("-5", True), ("500", False)])
def test_draw_amount_must_be_positive(amount, flagged):
    def change(d):
        d["components"].append({"kind": "draw", "id": "ramp", "amount": D(amount)})
    assert ("draw-amount" in codes(check_plan(make(change)))) is flagged


def test_header_checks():
    plan = make(effective_to=date(2025, 12, 31), currency="usd", rounding={"places": 8})
    assert set(codes(check_plan(plan))) == {"effective-dates", "currency", "rounding-places"}


def test_non_finite_number_is_reported_alone():
    def change(d):
        kpis(d)[0]["weight"] = D("NaN")
    assert codes(check_plan(make(change))) == ["bad-number"]


def test_quota_needed_without_quota_is_a_warning():
    def change(d):
        d["components"][1]["tiers_on"] = "attainment"
    issue = only(check_plan(make(change)), "quota-from-targets")
    assert issue.severity == "warning" and "'quota'" in issue.message


def test_classic_mistakes_are_warnings():
    def change(d):
        d["components"][0]["kpis"] = [{"id": "calls", "metric": "calls", "weight": D(1)}]
        d["components"][1] = {"kind": "commission", "id": "bookings", "rate": D("0.02")}
    issues = check_plan(make(change))
    assert {i.severity for i in issues} == {"warning"}
    assert set(codes(issues)) == {"single-kpi", "volume-only", "no-quality-kpi", "kpi-why", "ignores-margin"}


def test_more_than_seven_kpis():
    def change(d):
        d["components"][0]["kpis"] = [kpi(f"k{i}", "crm_hygiene", "0.125") for i in range(8)]
    assert "too-many-kpis" in codes(check_plan(make(change)))


def test_margin_kpi_silences_revenue_commission_warning():
    def change(d):
        d["components"][1] = {"kind": "commission", "id": "bookings", "rate": D("0.02")}
    assert check_plan(make(change)) == []  # the scorecard has a margin_rate KPI


def test_versions_overlap_and_numbers():
    v1 = make(effective_to=None)
    v2 = make(version=2, effective_from=date(2026, 4, 1))
    issue = only(check_versions([v1, v2]), "versions-overlap")
    assert "ae@2 (2026-04-01..open) overlaps ae@1 (2026-01-01..open)" in issue.message
    assert "effective_to = 2026-03-31" in issue.message
    assert issue.where == "effective_from (ae@2)"
    assert check_versions([make(effective_to=date(2026, 3, 31)), v2]) == []


def test_versions_duplicate_and_falling_numbers():
    early = make(version=3, effective_to=date(2026, 3, 31))
    late = make(version=2, effective_from=date(2026, 4, 1))
    assert codes(check_versions([early, late])) == ["version-order"]
    assert codes(check_versions([make(), make()])) == ["version-duplicate"]
    other = make(id="sdr", effective_to=None)
    assert check_versions([make(), other]) == []


def test_target_incentive_next_to_tiers_is_an_error_at_its_key():
    def change(d):
        d["components"][1]["target_incentive"] = D(1000)
    issue = only(check_plan(make(change)), "conflicting-fields")
    assert issue.severity == "error"
    assert issue.where == "components[1].target_incentive (commission new-biz)"
    assert "target_incentive and tiers" in issue.message


def test_target_incentive_next_to_rate_and_rate_next_to_tiers_are_errors():
    def change(d):
        del d["components"][1]["tiers"]
        d["components"][1].update(rate=D("0.05"), target_incentive=D(1000), quota=D(50000))
    issue = only(check_plan(make(change)), "conflicting-fields")
    assert "target_incentive and rate" in issue.message

    def change2(d):
        d["components"][1]["rate"] = D("0.05")
    issue = only(check_plan(make(change2)), "conflicting-fields")
    assert issue.where == "components[1].rate (commission new-biz)"
    assert "rate and tiers" in issue.message
