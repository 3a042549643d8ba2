"""Plan differences in words: labels, shares as percentages, money in the plan currency, gates, in uk too."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec

from payplan.core.plan import Gate
from payplan.plans.change_words import describe, lever_words
from payplan.plans.files import load_plan, plan_diff
from payplan.simulation.report import Figures

ROOT = Path(__file__).resolve().parents[2]
V1 = load_plan(ROOT / "plans" / "ae-2026-v1.toml")
V2 = load_plan(ROOT / "plans" / "ae-2026-v2.toml")


def words(old, new) -> list[str]:
    return [p.text for p in describe(plan_diff(old, new), old, new)]


def with_component(plan, index: int, **fields):
    comps = list(plan.components)
    comps[index] = msgspec.structs.replace(comps[index], **fields)
    return msgspec.structs.replace(plan, components=comps)


def test_shares_and_money_read_as_people_write_them() -> None:
    said = words(V1, V2)
    assert "Product demos weight 15% → 10%" in said and "Margin commission tier 3 rate 12% → 14%" in said
    assert not any("version" in s or "effective" in s for s in said)  # not a change of what is paid
    cheaper = with_component(V1, 0, target_incentive=Decimal(1500))
    assert words(V1, cheaper) == ["KPI bonus target incentive 2000.00 USD → 1500.00 USD"]


def test_a_new_gate_says_what_it_does() -> None:
    base = with_component(V1, 0, gates=[])
    for factor, effect in ((Decimal("0.5"), "halves the KPI bonus"), (Decimal(0), "cancels the KPI bonus"),
                           (Decimal("0.8"), "multiplies the KPI bonus by 0.8")):
        gated = with_component(base, 0, gates=[Gate(factor=factor, metric="crm_hygiene", min=Decimal("0.8"))])
        assert words(base, gated) == [f"new gate: CRM hygiene below 80% {effect}"]


def test_kpis_added_and_removed() -> None:
    kpis = V1.components[0].kpis
    fewer = with_component(V1, 0, kpis=kpis[1:])
    said = words(V1, fewer)
    assert "KPI Product demos removed" in said
    assert f"new KPI Product demos, weight {kpis[0].weight * 100:.0f}%" in words(fewer, V1)


def test_words_in_ukrainian_use_the_plan_labels_and_number_format() -> None:
    said = describe(plan_diff(V1, V2), V1, V2)
    uk = Figures("uk", V2.currency, V2.translations.get("uk"))
    texts = [uk.phrase(p) for p in said]
    assert "Демонстрації продукту: вага 15% → 10%" in texts
    cheaper = with_component(V1, 0, target_incentive=Decimal(1500))
    (money,) = [uk.phrase(p) for p in describe(plan_diff(V1, cheaper), V1, cheaper)]
    assert "2\u00a0000,00 USD → 1\u00a0500,00 USD" in money


def test_the_budget_parameter_in_words() -> None:
    assert lever_words(V1, "margin_commission.tiers.3.rate").text == "Margin commission tier 3 rate"
    assert lever_words(V1, "kpi_bonus.kpis.demos.weight").text == "Product demos weight"
    assert lever_words(V1, "nowhere.rate").text == "nowhere.rate"
