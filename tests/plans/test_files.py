"""Plan files: loading with file/key/line in every error, hashing, diffing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from payplan.plans.files import (
    PlanError,
    check_plan_text,
    load_plan,
    load_plan_text,
    parse_path,
    path_text,
    plan_diff,
    plan_hash,
)
from payplan.plans.toml_lines import key_lines

DATA = Path(__file__).parents[1] / "data" / "plans"


def issues_of(name: str) -> list:
    text = (DATA / name).read_text()
    plan, issues = load_plan_text(text, f"plans/{Path(name).name}")
    assert plan is None
    return issues


def test_good_plan_loads_with_decimals():
    plan = load_plan(DATA / "good" / "ae-v1.toml")
    assert plan.ref == "ae@1"
    assert plan.components[0].kpis[0].weight == Decimal("0.15")
    assert isinstance(plan.components[1].tiers[1].rate, Decimal)


def test_malformed_toml_names_the_line():
    [issue] = issues_of("bad/malformed.toml")
    assert issue.code == "toml-syntax"
    assert issue.where == "plans/malformed.toml:33"
    assert "column 10" in issue.message


def test_unknown_keys_are_all_named_with_line_and_suggestion():
    first, second = issues_of("bad/typo-key.toml")
    assert first.where == "plans/typo-key.toml:32: components[0].kpis[1].wieght"
    assert "unknown key 'wieght'" in first.message and "'weight'" in first.message
    assert second.where == "plans/typo-key.toml:54: components[1].qutoa"


def test_unknown_component_kind():
    [issue] = issues_of("bad/unknown-kind.toml")
    assert issue.code == "unknown-kind"
    assert issue.where == "plans/unknown-kind.toml:51: components[1].kind"
    assert "'comission'" in issue.message and "commission" in issue.message


def test_wrong_type_and_bad_choice_and_missing_key():
    [wrong] = issues_of("bad/wrong-type.toml")
    assert wrong.where == "plans/wrong-type.toml:26: components[0].kpis[0].target"
    assert "'twelve'" in wrong.message
    [choice] = issues_of("bad/bad-period.toml")
    assert choice.where == "plans/bad-period.toml:7: period"
    assert "'week'" in choice.message and "month, quarter, year" in choice.message
    [missing] = issues_of("bad/missing-name.toml")
    assert (missing.code, missing.where) == ("missing-key", "plans/missing-name.toml: name")


def _with_top_key(line: str) -> str:
    """The good AE plan with one more top-level key, on line 4 (before any table)."""
    lines = (DATA / "good" / "ae-v1.toml").read_text().split("\n")
    return "\n".join([*lines[:3], line, *lines[3:]])


def test_a_bad_negative_total_names_the_key_and_the_choices():
    plan, [issue] = load_plan_text(_with_top_key('negative_total = "keep"'), "plans/ae.toml")
    assert plan is None and issue.code == "invalid-value"
    assert issue.where == "plans/ae.toml:4: negative_total"
    assert issue.message == "'keep' is not allowed; expected one of: carry, forgive, pay"


def test_the_default_negative_total_leaves_the_hash_of_a_plan_alone():
    """Plans published before `negative_total` existed keep their hash: the default is omitted."""
    plain = load_plan(DATA / "good" / "ae-v1.toml")
    carry, _ = load_plan_text(_with_top_key('negative_total = "carry"'), "plans/ae.toml")
    pay, _ = load_plan_text(_with_top_key('negative_total = "pay"'), "plans/ae.toml")
    assert (plain.negative_total, pay.negative_total) == ("carry", "pay")
    assert plan_hash(carry) == plan_hash(plain) != plan_hash(pay)


def test_lint_issues_are_placed_on_lines():
    text = (DATA / "bad" / "lint-errors.toml").read_text()
    plan, issues = check_plan_text(text, "plans/lint.toml")
    assert plan is not None
    wheres = {i.code: i.where for i in issues}
    assert wheres["unknown-metric"] == "plans/lint.toml:45: components[0].kpis[3].metric (scorecard bonus, kpi crm)"
    assert wheres["tiers-gap"].startswith("plans/lint.toml:60: components[1].tiers[1]")
    assert "0.95" in next(i.message for i in issues if i.code == "weights-sum")


def test_load_plan_raises_plan_error_with_issues(tmp_path):
    with pytest.raises(PlanError) as caught:
        load_plan(DATA / "bad" / "malformed.toml")
    assert caught.value.issues[0].code == "toml-syntax"
    with pytest.raises(PlanError, match="cannot read plan file"):
        load_plan(tmp_path / "missing.toml")


def test_hash_is_stable_across_formatting():
    plain = load_plan(DATA / "good" / "ae-v1.toml")
    reformatted = load_plan(DATA / "format" / "ae-v1-reformatted.toml")
    assert plan_hash(plain) == plan_hash(reformatted)
    assert len(plan_hash(plain)) == 64


def test_hash_changes_when_a_rate_changes():
    plan = load_plan(DATA / "good" / "ae-v1.toml")
    commission = plan.components[1]
    tiers = list(commission.tiers)
    tiers[1] = msgspec.structs.replace(tiers[1], rate=Decimal("0.065"))
    changed = msgspec.structs.replace(plan, components=[plan.components[0],
                                                        msgspec.structs.replace(commission, tiers=tiers)])
    assert plan_hash(changed) != plan_hash(plan)


def test_diff_lists_exactly_the_changes():
    old = load_plan(DATA / "good" / "ae-v1.toml")
    new = load_plan(DATA / "good" / "ae-v2.toml")
    assert [str(c) for c in plan_diff(old, new)] == [
        "plan: version 1 → 2",
        "plan: effective_from 2026-01-01 → 2026-04-01",
        "plan: effective_to 2026-03-31 → 2026-06-30",
        "eligibility: roles [AE] → [AE, SDR]",
        "kpi demos: weight 0.15 → 0.20",
        "kpi win-rate: weight 0.35 → 0.30",
        "commission new-biz tier 2: rate 0.06 → 0.07",
        "spiff spiff-q1 added",
    ]
    rate = next(c for c in plan_diff(old, new) if c.field == "rate")
    assert rate.path == "components[1].tiers[1].rate"


def test_diff_of_reformatted_plan_is_empty_and_removal_is_named():
    old = load_plan(DATA / "good" / "ae-v1.toml")
    assert plan_diff(old, load_plan(DATA / "format" / "ae-v1-reformatted.toml")) == []
    new = load_plan(DATA / "good" / "ae-v2.toml")
    assert "spiff spiff-q1 removed" in [str(c) for c in plan_diff(new, old)]


def test_key_paths_round_trip():
    path = ("components", 0, "kpis", 2, "weight")
    assert path_text(path) == "components[0].kpis[2].weight"
    assert parse_path("components[0].kpis[2].weight") == path


def test_key_lines_cover_headers_inline_tables_and_arrays():
    text = 'a = 1\n[[c]]\nk = [\n  { x = "]", y = [1, 2] },\n  { x = 2 },\n]\n[[c]]\n[c.t]\nz.w = """q\n"""\n'
    lines = key_lines(text)
    assert lines[("c", 0, "k", 0, "y")] == 4
    assert lines[("c", 0, "k", 1, "x")] == 5
    assert lines[("c", 1, "t", "z", "w")] == 9


def _paths(value, prefix=()):
    yield prefix
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, prefix + (key,))


@pytest.mark.parametrize("file", sorted(DATA.rglob("*.toml")), ids=lambda p: p.name)
def test_every_key_of_every_fixture_has_a_line(file):
    import tomllib

    text = file.read_text()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pytest.skip("malformed on purpose")
    lines = key_lines(text)
    assert [p for p in _paths(data) if p and p not in lines] == []
