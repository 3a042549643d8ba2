"""The tally's contract: no plan mechanic is neither covered nor declined by the fast path.

`payplan.core.tally.contract` lists every component kind and every plan field with
its answer. A new component kind or field added to `payplan.core.plan` without an
answer there fails here, as does a "declined" mechanic the tally does not decline
or a "covered" kind it declines. (That covered mechanics give the engine's figures
is tests/core/test_tally.py's job.)
"""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal

import msgspec
import pytest

from payplan.core import plan as schema
from payplan.core.tally import batch_reader, tally_reader
from payplan.core.tally.contract import COVERED, DECLINED, DECLINED_VALUES, FIELDS, KINDS, NOT_SCORED

SCORECARD = {"kind": "scorecard", "id": "bonus", "target_incentive": "1000",
             "kpis": [{"id": "demos", "metric": "demos", "weight": "1", "target": "10"}]}
MINIMAL = {
    "Scorecard": SCORECARD,
    "Commission": {"kind": "commission", "id": "commission", "rate": "0.1"},
    "Spiff": {"kind": "spiff", "id": "spiff", "per_deal": "50"},
    "Fixed": {"kind": "fixed", "id": "base", "amount": "3000"},
    "Override": {"kind": "override", "id": "override", "rate": "0.02"},
    "Draw": {"kind": "draw", "id": "draw", "amount": "2000"},
    "Pool": {"kind": "pool", "id": "pool", "amount": "3000"},
}


def _plan(*components: dict) -> schema.Plan:
    return msgspec.convert({"id": "p", "version": 1, "name": "P", "effective_from": date(2026, 1, 1),
                            "period": "month", "currency": "USD", "components": list(components)},
                           schema.Plan, strict=False)


def _structs(root: type) -> set[type]:
    """Every msgspec Struct type reachable from `root` through its fields' annotations."""
    found: set[type] = set()
    todo = [root]
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            if kind in found:
                continue
            found.add(kind)
            todo += list(typing.get_type_hints(kind).values())
        else:
            todo += list(typing.get_args(kind))
    return found


def _plan_fields() -> set[str]:
    return {f"{kind.__name__}.{name}" for kind in _structs(schema.Plan) for name in kind.__struct_fields__}


def test_every_component_kind_is_covered_or_declined() -> None:
    kinds = set(typing.get_args(schema.Component))
    assert kinds == set(KINDS), f"kinds without an answer: {kinds - set(KINDS)}; stale: {set(KINDS) - kinds}"
    assert set(MINIMAL) == {k.__name__ for k in kinds}


def test_every_plan_field_has_an_answer() -> None:
    fields = _plan_fields()
    # 90-odd fields today: a walk that found only a handful would make this test vacuous
    assert len(fields) > 80 and "Commission.tiers" in fields and "Kpi.curve" in fields
    missing, stale = sorted(fields - set(FIELDS)), sorted(set(FIELDS) - fields)
    assert not missing, f"plan fields neither covered nor declined by the tally (core/tally/contract.py): {missing}"
    assert not stale, f"the tally's contract names fields the plan no longer has: {stale}"
    assert set(FIELDS.values()) <= {COVERED, DECLINED, NOT_SCORED}


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_a_kind_is_tallied_exactly_when_the_contract_says_so(kind: str) -> None:
    answer = KINDS[getattr(schema, kind)]
    plan = _plan(SCORECARD, MINIMAL[kind]) if kind != "Scorecard" else _plan(SCORECARD)
    covered = batch_reader(plan) is not None
    assert covered == (answer == COVERED), f"{kind} is {answer} in the contract, but the tally {'covers' if covered else 'declines'} it"
    assert (tally_reader(plan) is not None) == covered


def test_the_fields_of_a_declined_kind_are_declined() -> None:
    """A declined kind's fields cannot be "covered"; its words stay "not scored"."""
    declined_kinds = {kind.__name__ for kind, answer in KINDS.items() if answer == DECLINED}
    for field, answer in FIELDS.items():
        if field.split(".")[0] in declined_kinds:
            assert answer == (NOT_SCORED if field.endswith((".label", ".why")) else DECLINED), field


@pytest.mark.parametrize(("field", "value"), DECLINED_VALUES)
def test_a_declined_value_makes_the_tally_step_aside(field: str, value: str) -> None:
    kind, name = field.split(".")
    component = {**MINIMAL[kind], name: value}
    plan = _plan(component) if kind == "Scorecard" else _plan(SCORECARD, component)
    assert batch_reader(plan) is None, f"{field} = {value!r} is declined in the contract, yet the tally answers"
    # the same component without that value is tallied: the value is what declines
    assert batch_reader(_plan(SCORECARD) if kind == "Scorecard" else _plan(SCORECARD, MINIMAL[kind])) is not None


def test_covered_bases_are_tallied() -> None:
    for base in ("revenue", "margin"):
        assert batch_reader(_plan({**MINIMAL["Commission"], "base": base})) is not None
        assert batch_reader(_plan({**MINIMAL["Spiff"], "base": base, "rate": Decimal("0.01"),
                                   "per_deal": None})) is not None


@pytest.mark.parametrize("scope", ["component", "total"])
def test_a_rounding_scope_other_than_line_makes_the_tally_step_aside(scope: str) -> None:
    plan = _plan(SCORECARD, MINIMAL["Commission"])
    assert batch_reader(plan) is not None
    assert batch_reader(msgspec.structs.replace(plan, rounding=schema.Rounding(scope=scope))) is None
