"""What a plan needs from the fact store: a deal's extra fields only for a formula base."""

from __future__ import annotations

from pathlib import Path

from payplan.core.needs import plan_needs
from payplan.plans.files import load_plan

ROOT = Path(__file__).parents[2]


def test_a_formula_base_needs_the_deals_fields():
    assert plan_needs(load_plan(ROOT / "tests" / "examples" / "EX-formula-functions" / "plan.toml")).fields


def test_revenue_and_margin_bases_need_no_fields():
    for path in (ROOT / "tests" / "examples" / "EX01" / "plan.toml", ROOT / "plans" / "ae-2026-v1.toml"):
        assert not plan_needs(load_plan(path)).fields, path
