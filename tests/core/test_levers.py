"""`payplan.core.levers`: a plan's parameters by path, read and set; weights rescaled; the multiplier."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from payplan.core.levers import LeverError, find, levers, reweigh, scale, set_lever
from payplan.core.plan import Commission, Draw, Fixed, Override, Plan, Scorecard, Spiff
from payplan.plans.files import check_plan_text

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


def _plan(name: str) -> Plan:
    plan, issues = check_plan_text((ROOT / "plans" / name).read_text(encoding="utf-8"), name)
    assert plan is not None, issues
    return plan


AE = _plan("ae-2026-v1.toml")


def _component(plan: Plan, comp_id: str):
    return next(c for c in plan.components if c.id == comp_id)


def _weights(plan: Plan, comp_id: str = "kpi_bonus") -> dict[str, Decimal]:
    return {k.id: k.weight for k in _component(plan, comp_id).kpis}


def test_every_kind_of_path_reads_the_plan_file_values() -> None:
    """The values below are read off plans/ae-2026-v1.toml by eye."""
    expected = {"kpi_bonus.target_incentive": D(2000), "kpi_bonus.kpis.demos.weight": D("0.15"),
                "kpi_bonus.kpis.demos.target": D(8), "kpi_bonus.kpis.cycle.weight": D("0.10"),
                "kpi_bonus.kpis.deal_size.target": D(15000), "margin_commission.tiers.1.rate": D("0.05"),
                "margin_commission.tiers.2.from": D(15000), "margin_commission.tiers.2.to": D(30000),
                "margin_commission.tiers.3.rate": D("0.12"), "margin_commission.tiers.3.to": None,
                "multiplier": D(1)}
    assert {path: find(AE, path).value for path in expected} == expected
    paths = [lever.path for lever in levers(AE)]
    assert len(paths) == 1 + 7 * 2 + 3 * 3 + 1 and len(set(paths)) == len(paths)
    assert find(AE, "kpi_bonus.target_incentive").unit == "money"
    assert find(AE, "margin_commission.tiers.1.rate").unit == "share"
    assert find(AE, "kpi_bonus.kpis.nps.target").unit == "number"


def test_flat_rate_path() -> None:
    balanced = _plan("sim/balanced.toml")
    assert find(balanced, "margin_commission.rate").value == D("0.10")
    changed = set_lever(balanced, "margin_commission.rate", D("0.12"))
    assert _component(changed, "margin_commission").rate == D("0.12")
    assert _component(balanced, "margin_commission").rate == D("0.10")  # the original is untouched


def test_setting_a_target_an_incentive_and_a_tier_rate_changes_only_that() -> None:
    changed = set_lever(AE, "kpi_bonus.kpis.demos.target", D(10))
    changed = set_lever(changed, "kpi_bonus.target_incentive", D("2500.50"))
    changed = set_lever(changed, "margin_commission.tiers.3.rate", D("0.14"))
    before = {lever.path: lever.value for lever in levers(AE)}
    after = {lever.path: lever.value for lever in levers(changed)}
    moved = {path: after[path] for path in before if after[path] != before[path]}
    assert moved == {"kpi_bonus.kpis.demos.target": D(10), "kpi_bonus.target_incentive": D("2500.50"),
                     "margin_commission.tiers.3.rate": D("0.14")}


def test_unknown_path_names_the_known_ones() -> None:
    with pytest.raises(LeverError) as caught:
        set_lever(AE, "kpi_bonus.kpis.calls.weight", D("0.1"))
    message = str(caught.value)
    assert "kpi_bonus.kpis.calls.weight" in message and "ae-2026" in message
    for known in ("kpi_bonus.kpis.demos.weight", "margin_commission.tiers.3.rate", "multiplier"):
        assert known in message


@pytest.mark.parametrize("path, value", [("kpi_bonus.target_incentive", D(-1)), ("multiplier", D("NaN")),
                                         ("kpi_bonus.kpis.demos.weight", D("1.2"))])
def test_impossible_values_are_refused(path: str, value: Decimal) -> None:
    with pytest.raises(LeverError):
        set_lever(AE, path, value)


def test_weight_rescale_by_hand() -> None:
    """demos 0.15 → 0.10: the other six (0.15, 0.15, 0.10, 0.15, 0.15, 0.15 = 0.85) fill 0.90, each × 0.9/0.85."""
    weights = _weights(set_lever(AE, "kpi_bonus.kpis.demos.weight", D("0.10")))
    assert weights["demos"] == D("0.10")
    # 0.15 × 0.9 / 0.85 = 0.158823… → 0.1588; 0.10 × 0.9 / 0.85 = 0.105882… → 0.1059;
    # 5 × 0.1588 + 0.1059 = 0.8999: the remaining 0.0001 goes to the largest (conversion, the first 0.15)
    assert weights == {"demos": D("0.10"), "conversion": D("0.1589"), "deal_size": D("0.1588"),
                       "cycle": D("0.1059"), "crm": D("0.1588"), "script": D("0.1588"), "nps": D("0.1588")}
    assert sum(weights.values()) == 1


def test_weight_of_a_lone_kpi_and_of_everything() -> None:
    all_in = _weights(set_lever(AE, "kpi_bonus.kpis.nps.weight", D(1)))
    assert all_in["nps"] == 1 and all(w == 0 for k, w in all_in.items() if k != "nps")


@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=8), st.integers(0, 10_000), st.data())
def test_weight_rescale_property(raw: list[int], new: int, data) -> None:
    total = sum(raw)
    kpis = [msgspec.structs.replace(_component(AE, "kpi_bonus").kpis[0], id=f"k{i}", weight=D(w) / D(total))
            for i, w in enumerate(raw)]
    chosen = data.draw(st.integers(0, len(raw) - 1))
    weight = D(new) / D(10_000)
    out = {k.id: k.weight for k in reweigh(kpis, f"k{chosen}", weight)}
    assert sum(out.values()) == 1 and out[f"k{chosen}"] == weight
    others = [k for k in kpis if k.id != f"k{chosen}"]
    rest = sum(k.weight for k in others)
    for k in others:  # proportional to the old weights within rounding (half a place + the remainder)
        ideal = k.weight * (1 - weight) / rest
        assert abs(out[k.id] - ideal) <= D("0.00005") * len(others)
        assert out[k.id] >= 0


def test_tier_edges_move_the_neighbour() -> None:
    up = _component(set_lever(AE, "margin_commission.tiers.1.to", D(12000)), "margin_commission").tiers
    assert (up[0].to, up[1].from_, up[1].to, up[2].from_) == (D(12000), D(12000), D(30000), D(30000))
    down = _component(set_lever(AE, "margin_commission.tiers.3.from", D(35000)), "margin_commission").tiers
    assert (down[1].to, down[2].from_, down[0].to, down[1].from_) == (D(35000), D(35000), D(15000), D(15000))
    first = _component(set_lever(AE, "margin_commission.tiers.1.from", D(100)), "margin_commission").tiers
    assert first[0].from_ == D(100) and first[0].to == D(15000)
    last = _component(set_lever(AE, "margin_commission.tiers.3.to", D(90000)), "margin_commission").tiers
    assert last[2].to == D(90000) and [t.rate for t in last] == [D("0.05"), D("0.08"), D("0.12")]


def _every_kind() -> Plan:
    data = {"id": "all", "version": 1, "name": "All", "effective_from": "2026-01-01", "period": "month",
            "currency": "USD", "cap": "9000", "components": [
                {"kind": "scorecard", "id": "sc", "target_incentive": "1000",
                 "kpis": [{"id": "d", "metric": "demos", "weight": "1", "target": "8"}]},
                {"kind": "commission", "id": "flat", "rate": "0.1", "cap": "5000", "floor": "100"},
                {"kind": "commission", "id": "tiered", "cap": "7000", "tiers": [
                    {"from": "0", "to": "1000", "rate": "0.05"}, {"from": "1000", "rate": "0.07"}]},
                {"kind": "spiff", "id": "sp", "metric": "meetings", "per_unit": "25", "cap": "500"},
                {"kind": "spiff", "id": "sd", "per_deal": "200", "rate": "0.01"},
                {"kind": "override", "id": "ov", "rate": "0.02", "cap": "3000", "threshold": "10000"},
                {"kind": "draw", "id": "dr", "amount": "800"},
                {"kind": "fixed", "id": "fx", "amount": "1500"}]}
    return msgspec.convert(data, Plan, strict=False)


def test_multiplier_scales_pay_for_results_not_guarantees() -> None:
    plan, m = _every_kind(), D("1.1")
    out = {c.id: c for c in set_lever(plan, "multiplier", m).components}
    assert set_lever(plan, "multiplier", m) == scale(plan, m)
    assert scale(plan, m).cap == D("9900.0")
    assert out["sc"].target_incentive == 1100 and out["sc"].kpis[0].target == 8
    assert (out["flat"].rate, out["flat"].cap, out["flat"].floor) == (D("0.11"), D(5500), D(110))
    assert [t.rate for t in out["tiered"].tiers] == [D("0.055"), D("0.077")] and out["tiered"].cap == 7700
    assert [t.to for t in out["tiered"].tiers] == [D(1000), None]  # edges are results, not pay
    assert (out["sp"].per_unit, out["sp"].cap) == (D("27.5"), D(550))
    assert (out["sd"].per_deal, out["sd"].rate) == (D(220), D("0.011"))
    assert (out["ov"].rate, out["ov"].cap, out["ov"].threshold) == (D("0.022"), D(3300), D(10000))
    assert isinstance(out["dr"], Draw) and out["dr"].amount == 800
    assert isinstance(out["fx"], Fixed) and out["fx"].amount == 1500
    assert all(isinstance(out[i], t) for i, t in
               (("sc", Scorecard), ("flat", Commission), ("sp", Spiff), ("ov", Override)))


def test_multiplier_one_changes_nothing_priced() -> None:
    plan = _every_kind()
    assert scale(plan, D(1)) == plan
