"""The plan page says the newer mechanics in words, in en and uk: team pools, SPIFFs tiered on
deal count, overrides on the team's commission, year-to-date and window-end commissions,
windows of N periods, window scorecards, product exclusions. The figures in each sentence are read from the example plan files."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from payplan.i18n import Words
from payplan.plans.files import load_plan
from payplan.statements.plan_page import plan_page

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _page(example: str, lang: str = "en"):
    plan = load_plan(EXAMPLES / example / "plan.toml")
    raw = tomllib.loads((EXAMPLES / example / "plan.toml").read_text(), parse_float=Decimal)
    return plan_page(1, plan, Words(lang, 2, plan.translations.get(lang))), raw


def _rules(page) -> str:
    return " ".join(rule for c in page.components for rule in c.rules)


def test_a_team_pool_says_its_size_and_how_it_is_shared() -> None:
    page, raw = _page("EX-team-pool")
    pools = {c["id"]: c for c in raw["components"] if c["kind"] == "pool"}
    said = {c.id: " ".join(c.rules) for c in page.components}
    for cid, pool in pools.items():
        assert "team pool" in said[cid]
        assert {"equal": "equal shares", "attainment": "each member's attainment",
                "revenue": "each member's credited revenue"}[pool.get("split", "equal")] in said[cid]
        if "rate" in pool:
            assert f"{Decimal(pool['rate']) * 100:.2f}%" in said[cid]


def test_spiff_count_tiers_list_each_band() -> None:
    page, raw = _page("EX-spiff-count-tiers")
    said = {c.id: " ".join(c.rules) for c in page.components}
    for spiff in (c for c in raw["components"] if c["kind"] == "spiff" and "tiers" in c):
        assert "number of qualifying deals" in said[spiff["id"]]
        for tier in spiff["tiers"]:
            band = (f"deals {tier['from']} to {tier['to'] - 1}" if "to" in tier else f"from deal {tier['from']}")
            assert f"{band}: {Decimal(tier['rate']):,.2f} each" in said[spiff["id"]]


def test_an_override_on_commission_names_the_commission() -> None:
    page, raw = _page("EX-override-on-commission")
    (override,) = [c for c in raw["components"] if c["kind"] == "override"]
    assert f"commission your team earns ({override['on']})" in _rules(page)


@pytest.mark.parametrize("example, words", [("EX-ytd-accelerator", "since the start of the year"),
                                            ("EX-quarter-bonus", "last period of the quarter")])
def test_window_commissions_say_their_window(example: str, words: str) -> None:
    page, _ = _page(example)
    assert words in _rules(page)


def test_a_window_scorecard_says_its_window_its_sums_and_its_incentive_for_the_window() -> None:
    page, raw = _page("EX-quarter-scorecard")
    (card,) = [c for c in raw["components"] if c["kind"] == "scorecard"]
    said = {c.id: " ".join(c.rules) for c in page.components}[card["id"]]
    assert "measured on the quarter so far" in said and "ratios from the quarter's totals" in said
    assert f"{card['label']}: {Decimal(card['target_incentive']):,.2f} a quarter at a 100% score." in said
    assert "last period of the quarter" in said and "a period at a 100% score" not in said


def test_windows_of_n_periods_say_their_length_and_start() -> None:
    page, raw = _page("EX-window-periods")
    said = {c.id: " ".join(c.rules) for c in page.components}
    for comp in raw["components"]:
        start = comp["window_start"]
        assert f"{comp['window_periods']} periods long (windows follow each other from " \
               f"{start:%b} {start.day}, {start.year})" in said[comp["id"]]


def test_excluded_products_are_named() -> None:
    page, raw = _page("EX-exclude-products")
    excluded = {p for c in raw["components"] for p in c.get("exclude_products", [])}
    assert excluded and all(p in _rules(page) for p in excluded)


@pytest.mark.parametrize("example", ["EX-team-pool", "EX-spiff-count-tiers", "EX-override-on-commission",
                                     "EX-ytd-accelerator", "EX-quarter-bonus", "EX-quarter-scorecard",
                                     "EX-window-periods"])
def test_the_same_rules_in_ukrainian_leave_no_english_sentence(example: str) -> None:
    page, _ = _page(example, "uk")
    text = _rules(page)
    for english in ("team pool", "qualifying deals", "commission your team", "since the start", "last period",
                    "so far", "periods long", "at a 100"):
        assert english not in text
