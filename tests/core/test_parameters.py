"""Per-rep plan parameters: `[[parameters]]` keys with defaults, `<field>_param` references,
the rep's values (RepInputs.parameters) in the fields, the trace naming where each came from,
the lint refusing an undeclared key, and the tally stepping aside."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from payplan.core.engine import evaluate
from payplan.core.inputs import Deal, MetricValue, Rep, RepInputs, Target
from payplan.core.lint import check_plan
from payplan.core.plan import Plan
from payplan.core.tally import batch_reader

D = Decimal


def _plan(**extra) -> Plan:
    raw = {"id": "p", "version": 1, "name": "P", "effective_from": date(2026, 1, 1), "period": "month",
           "currency": "USD",
           "parameters": [{"key": "ae_rate", "default": "0.05"}, {"key": "ti", "default": "1000"}],
           "components": [
               {"kind": "commission", "id": "commission", "rate_param": "ae_rate"},
               {"kind": "scorecard", "id": "bonus", "target_incentive_param": "ti",
                "kpis": [{"id": "revenue", "metric": "revenue", "weight": "1", "target": "10000"}]}]}
    return msgspec.convert({**raw, **extra}, Plan, strict=False)


def _inputs(**parameters: Target) -> RepInputs:
    deal = Deal("D1", "won", D("10000"), closed_at=date(2026, 3, 5))
    return RepInputs(Rep("r1"), "2026-03", {"revenue": MetricValue(D("5000"), 1, ("D1",))}, (deal,),
                     parameters=parameters)


def test_the_reps_values_replace_the_referenced_fields():
    result = evaluate(_plan(), _inputs(ae_rate=Target(D("0.07"), "parameters.csv: r1, ae_rate, from 2026-02-01")))
    amounts = {c.id: c.amount for c in result.components}
    assert amounts == {"commission": D("700.00"), "bonus": D("500.00")}  # 7% × 10,000; 1,000 default × 0.5
    rate = result.trace.find("parameters.ae_rate")
    assert rate.value == D("0.07") and rate.inputs["source"] == "parameters.csv: r1, ae_rate, from 2026-02-01"
    default = result.trace.find("parameters.ti")
    assert default.value == D("1000") and default.formula == "{key} = {value} (plan default)"


def test_defaults_when_the_rep_has_no_row():
    result = evaluate(_plan(), _inputs())
    assert {c.id: c.amount for c in result.components} == {"commission": D("500.00"), "bonus": D("500.00")}


def test_lint_refuses_an_undeclared_key_and_a_duplicate_key():
    plan = _plan(parameters=[{"key": "ti", "default": "1000"}, {"key": "ti", "default": "2000"}])
    found = [(i.code, i.where) for i in check_plan(plan) if i.severity == "error"]
    assert ("unknown-parameter", "components[0].rate_param (commission commission)") in found
    assert any(code == "duplicate-id" and where.startswith("parameters[1].key") for code, where in found)
    assert not [i for i in check_plan(_plan()) if i.severity == "error"]


def test_the_tally_declines_a_plan_with_parameters():
    assert batch_reader(_plan()) is None
    plain = _plan(parameters=[], components=[{"kind": "commission", "id": "commission", "rate": "0.05"}])
    assert batch_reader(plain) is not None
