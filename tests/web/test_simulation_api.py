"""POST /simulations asks HR's whole question on the demo company: population, edits, budget, scenarios.

Expected figures come from the plan files and from a first simulation, never from the output checked.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from .conftest import PLANS

AE = tomllib.loads((PLANS / "ae-2026-v2.toml").read_text(encoding="utf-8"), parse_float=Decimal)
BODY = {"baseline": "ae-2026@2", "proposal": "ae-2026@2", "periods": "2026-01..2026-03"}
PROBLEM = "application/problem+json"


def _post(client, company, body: dict, status: int = 200) -> dict:
    response = client.post("/simulations", json=body, headers=company.headers("hanna"))
    assert response.status_code == status, response.text
    return response.json()


def _components(doc: dict, component: str) -> dict[str, tuple[Decimal, Decimal]]:
    return {d["rep_id"]: next((Decimal(c["baseline"]), Decimal(c["proposal"])) for c in d["components"]
                              if c["id"] == component) for d in doc["drivers"]}


def test_plans_for_different_populations_are_refused_naming_both(client, company):
    body = {**BODY, "baseline": "ae-2026@1", "proposal": "sdr-2026@1"}
    problem = _post(client, company, body, 422)
    assert "different populations" in problem["detail"]
    assert "ae-2026@1 covers AE" in problem["detail"] and "sdr-2026@1 covers SDR" in problem["detail"]


def test_a_cross_population_comparison_is_labelled_as_such(client, company):
    doc = _post(client, company, {**BODY, "baseline": "ae-2026@1", "proposal": "sdr-2026@1",
                                  "cross_population": True})
    assert doc["population"]["kind"] == "cross" and set(doc["population"]["roles"]) == {"AE", "SDR"}


def test_doubling_the_target_incentive_doubles_the_kpi_bonus(client, company):
    target = AE["components"][0]["target_incentive"]
    assert AE["components"][0]["id"] == "kpi_bonus" and target == 2000
    doc = _post(client, company, {**BODY, "edits": [{"path": "kpi_bonus.target_incentive", "value": str(2 * target)}]})
    assert doc["proposal"]["origin"] == "edited"
    bonus = _components(doc, "kpi_bonus")
    assert len(bonus) == 6 and any(before > 0 for before, _ in bonus.values())
    lines = len(doc["periods"]) * len(AE["components"][0]["kpis"])  # each KPI line is rounded to the cent
    for rep, (before, after) in bonus.items():
        assert abs(after - 2 * before) <= Decimal("0.01") * lines, rep
    for rep, (before, after) in _components(doc, "margin_commission").items():
        assert before == after, rep


def test_a_fitted_budget_re_simulated_costs_the_budget(client, company):
    first = _post(client, company, BODY)
    budget = (Decimal(first["comparison"]["totals"]["proposal"]["total"]) * Decimal("1.1")).quantize(Decimal("1"))
    tolerance = Decimal(5)
    doc = _post(client, company, {**BODY, "budget": {"amount": str(budget), "lever": "kpi_bonus.target_incentive",
                                                     "tolerance": str(tolerance)}})
    fit = doc["budget"]
    assert fit["met"] and fit["lever"] == "kpi_bonus.target_incentive" and Decimal(fit["value"]) > 2000
    again = _post(client, company, {**BODY, "edits": [{"path": fit["lever"], "value": fit["value"]}]})
    cost = Decimal(again["comparison"]["totals"]["proposal"]["total"])
    assert abs(cost - budget) <= tolerance + Decimal("0.01")


def test_a_role_and_scenarios(client, company):
    doc = _post(client, company, {**BODY, "role": "AE", "scenarios": ["demos +10%"]})
    assert doc["population"]["kind"] == "role" and doc["population"]["role"] == "AE"
    assert [s["shifts"] for s in doc["scenarios"]] == [["demos +10%"]]


@pytest.mark.parametrize("change, status, where", [
    ({"edits": [{"path": "kpi_bonus.nope", "value": "1"}]}, 422, "edits[0]"),
    ({"edits": [{"path": "kpi_bonus.target_incentive", "value": "1E+400"}]}, 422, "edits[0].value"),
    ({"edits": [{"path": "kpi_bonus.target_incentive", "value": "NaN"}]}, 422, "edits[0].value"),
    ({"budget": {"amount": "Infinity", "lever": "kpi_bonus.target_incentive"}}, 422, "budget.amount"),
    ({"budget": {"amount": "1000", "lever": "kpi_bonus.target_incentive", "tolerance": "0"}}, 422,
     "budget.tolerance"),
    ({"budget": {"amount": "1000", "lever": "kpi_bonus.kpis.demos.target"}}, 422, "budget.lever"),
    ({"budget": {"amount": "1000", "lever": "x", "extra": 1}}, 400, "extra"),
    ({"edits": [{"path": "x", "value": "1"}] * 51}, 400, "edits"),
    ({"scenarios": ["x" * 501]}, 400, "scenarios[0]"),
    ({"role": "AE", "team": "EMEA"}, 422, ""),
    ({"colour": "red"}, 400, "colour"),
])
def test_bad_questions_are_problems_naming_the_field(client, company, change, status, where):
    response = client.post("/simulations", json={**BODY, **change}, headers=company.headers("hanna"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    errors = response.json().get("errors", [])
    if status == 422 and where:
        assert where in [e.get("where") for e in errors], response.text
    elif where:  # a schema error: Litestar's place ("body edits") or its message names the field
        assert any(where in f"{e.get('where')} {e['message']}" for e in errors), response.text


def test_the_schema_shows_the_question(client, company):
    schema = client.get("/schema/openapi.json", headers=company.headers("admin")).json()["components"]["schemas"]
    request = next(v for k, v in schema.items() if k.endswith("SimulationRequest"))
    assert {"role", "team", "cross_population", "edits", "budget", "scenarios"} <= set(request["properties"])
