"""The reliability probe's inputs through the API (SQLite and PostgreSQL): fast, clear 4xx, never a 500.

Each input below once hung the server or answered 500 (issue #18): a 339 KB dotted key,
TOML nested 500 deep, JSON nested 10,000 deep, a NaN threshold, fact amounts of 1e20 and
2^63 cents, a KPI target of 1E-999999.
"""

from __future__ import annotations

import decimal
import time

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import DataError

from payplan.api.problems import problem_response
from payplan.store import schema, service_schema

from .conftest import PLANS

TOML = {"Content-Type": "application/toml"}
JSON = {"Content-Type": "application/json"}
CSV = {"Content-Type": "text/csv"}
AE = (PLANS / "ae-2026-v1.toml").read_text(encoding="utf-8")
DEEP_JSON = b"[" * 10_000 + b"]" * 10_000


def publish(client, company, text: str):
    start = time.perf_counter()
    response = client.post("/plans", content=text.encode(), headers={**TOML, **company.headers("hr")})
    assert time.perf_counter() - start < 2
    return response


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
    return response.json()


def published(company) -> int:
    with company.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(service_schema.plan_versions)).scalar_one()


def test_339_kb_dotted_key_answers_fast_with_the_size_limit(client, company):
    body = problem(publish(client, company, "a" + ".a" * 169_500 + " = 1\n"), 422)  # 1 + 339,000 + 5 chars
    assert body["errors"] == [{"message": "the plan has 339,006 characters; at most 200,000 are accepted",
                               "where": "plan.toml", "code": "plan-too-large"}]


@pytest.mark.parametrize("text, line", [
    ("x = {" + "a = {" * 500 + "}" * 501, 1),
    (AE + "\ndeep = " + "[" * 500 + "]" * 500 + "\n", AE.count("\n") + 2),
])
def test_toml_nested_500_deep_is_a_422_naming_the_line(client, company, text, line):
    [item] = problem(publish(client, company, text), 422)["errors"]
    assert item["code"] == "too-deep" and item["where"] == f"plan.toml:{line}"


@pytest.mark.parametrize("path, who", [("/runs", "finance"), ("/facts/deals", "admin"), ("/simulations", "hr"),
                                       ("/runs/1/reject", "finance")])
def test_json_nested_10000_deep_is_a_400(client, company, path, who):
    body = problem(client.post(path, content=DEEP_JSON, headers={**JSON, **company.headers(who)}), 400)
    assert body["detail"] == "the JSON body is nested more than 32 levels deep"


def test_deep_json_sent_as_another_media_type_to_a_json_handler_is_a_400(client, company):
    body = problem(client.post("/runs", content=DEEP_JSON, headers={"Content-Type": "text/plain",
                                                                     **company.headers("finance")}), 400)
    assert "nested more than 32" in body["detail"]


def test_nan_threshold_in_a_plan_is_a_422_naming_key_and_line(client, company):
    text = AE.replace("threshold = 0.5", "threshold = nan")
    line = AE.splitlines().index("threshold = 0.5") + 1
    [item] = problem(publish(client, company, text), 422)["errors"]
    assert item["where"] == (f"plan.toml:{line}: components[0].kpis[0].threshold "
                             "(scorecard kpi_bonus, kpi demos)")
    assert item["message"] == "threshold: NaN is not a finite number"


@pytest.mark.parametrize("threshold", ["NaN", "Infinity", "1E+999999", "-NaN"])
def test_simulation_threshold_out_of_bounds_is_a_422(client, company, threshold):
    assert publish(client, company, AE).status_code == 201
    request = {"baseline": "ae-2026@1", "proposal": "ae-2026@1", "periods": "2026-03", "threshold": threshold}
    body = problem(client.post("/simulations", json=request, headers=company.headers("hr")), 422)
    assert body["errors"] == [{"message": f"threshold {threshold.lstrip('-')} must be a finite number below 10^15"
                               if threshold != "-NaN" else "threshold -NaN must be a finite number below 10^15",
                               "where": "threshold"}]


@pytest.mark.parametrize("amount", ["100000000000000000000", "92233720368547758.08"])
def test_fact_amounts_of_1e20_and_2_63_cents_are_422_naming_the_cell(client, company, amount):
    csv = ("deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
           f"BIG1,A1,2026-03-02,2026-03-28,won,{amount},1.00,EUR,Core,\n").encode()
    body = problem(client.post("/facts/deals", content=csv, headers={**CSV, **company.headers("admin")}), 422)
    [item] = body["errors"]
    assert (item["file"], item["row"], item["column"]) == ("deals.csv", 2, "amount")
    assert "out of range" in item["message"]
    with company.engine.connect() as conn:
        assert conn.execute(select(schema.deals.c.id).where(schema.deals.c.id == "BIG1")).first() is None


def test_the_largest_storable_amount_is_accepted(client, company):
    csv = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
           b"MAX1,A1,2026-03-02,2026-03-28,won,92233720368547758.07,1.00,EUR,Core,\n")
    response = client.post("/facts/deals", content=csv, headers={**CSV, **company.headers("admin")})
    assert response.status_code == 200, response.text


def test_target_1e_minus_999999_is_refused_and_leaves_the_plan_id_free(client, company):
    line = AE.splitlines().index("target = 8") + 1
    bad = AE.replace("target = 8\n", "target = 1e-999999\n")
    [item] = problem(publish(client, company, bad), 422)["errors"]
    assert item["code"] == "bad-number" and item["where"].startswith(f"plan.toml:{line}: components[0].kpis[0].target")
    assert published(company) == 0
    assert publish(client, company, AE).status_code == 201  # the id is not blocked
    run = client.post("/runs", json={"plan": "ae-2026@1", "period": "2026-03"}, headers=company.headers("finance"))
    assert run.status_code == 201, run.text


@pytest.mark.parametrize("error", [decimal.Overflow, decimal.InvalidOperation, OverflowError])
def test_a_decimal_error_escaping_a_handler_is_a_422_not_a_500(error):
    @get("/boom", sync_to_thread=False)
    def boom() -> str:
        raise error("raised on a request path")

    app = Litestar(route_handlers=[boom], exception_handlers={Exception: problem_response})
    with TestClient(app) as client:
        body = problem(client.get("/boom"), 422)
    assert body["detail"] == "a number in the request is outside the range payplan computes with"
    assert "raised on a request path" not in str(body)


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "0000-12", "9999-Q4"])
def test_a_period_of_a_year_outside_1900_to_9998_is_a_422_everywhere(client, company, period):
    assert publish(client, company, AE).status_code == 201
    expected = f"'{period}': the year must be from 1900 to 9998"
    run = problem(client.post("/runs", json={"plan": "ae-2026@1", "period": period},
                              headers=company.headers("finance")), 422)
    assert run["detail"] == expected
    for path in ("/me/plan", "/me/progress"):
        body = problem(client.get(path, params={"period": period}, headers=company.headers("rep")), 422)
        assert body["detail"] == expected and body["errors"] == [{"message": expected, "where": "period"}]
    simulated = problem(client.post("/simulations", json={"baseline": "ae-2026@1", "proposal": "ae-2026@1",
                                                          "periods": f"2026-01..{period}"},
                                    headers=company.headers("hr")), 422)
    assert simulated["detail"] == f"periods: {expected}"
    with company.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(service_schema.runs)).scalar_one() == 0


def test_a_fact_day_past_the_years_is_a_422_naming_the_cell(client, company):
    csv = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
           b"Y1,A1,2026-03-02,9999-12-31,won,10.00,1.00,EUR,Core,\n")
    [item] = problem(client.post("/facts/deals", content=csv, headers={**CSV, **company.headers("admin")}),
                     422)["errors"]
    assert item == {"message": "9999-12-31 is outside the years 1900 to 9998", "file": "deals.csv", "row": 2,
                    "column": "closed_at"}


def test_too_long_fact_texts_are_a_422_naming_each_cell_on_both_databases(client, company):
    deals = ("deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
             f"{'D' * 100_001},A1,2026-03-02,2026-03-28,won,10.00,1.00,EUR,{'p' * 5000},\n").encode()
    body = problem(client.post("/facts/deals", content=deals, headers={**CSV, **company.headers("admin")}), 422)
    assert body["detail"] == "deals.csv row 2, column deal_id: 100001 characters, at most 64"
    assert [(i["column"], i["message"]) for i in body["errors"]] == [
        ("deal_id", "100001 characters, at most 64"), ("product", "5000 characters, at most 128")]
    reps = ("rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\n"
            f"{'R' * 5001},{'n' * 100_000},,AE,{'t' * 1000},,2025-01-01,,EUR\n").encode()
    body = problem(client.post("/facts/reps", content=reps, headers={**CSV, **company.headers("admin")}), 422)
    assert [(i["file"], i["row"], i["column"], i["message"]) for i in body["errors"]] == [
        ("reps.csv", 2, "rep_id", "5001 characters, at most 64"),
        ("reps.csv", 2, "name", "100000 characters, at most 200"),
        ("reps.csv", 2, "team", "1000 characters, at most 128")]
    with company.engine.connect() as conn:
        assert conn.execute(select(func.max(func.length(schema.deals.c.id)))).scalar_one() < 64
        assert conn.execute(select(func.max(func.length(schema.reps.c.name)))).scalar_one() <= 200


class _Refusal(Exception):
    def __init__(self, text: str, sqlstate: str | None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("sqlstate, text, detail", [
    ("22001", "value too long for type character varying(64)", "a text in the request is longer than its database "
                                                               "column holds"),
    (None, "PostgreSQL text fields cannot contain NUL (0x00) bytes", "a text in the request has a NUL character, "
                                                                     "which the database cannot store"),
    ("22007", "invalid input syntax for type date", "a value in the request cannot be stored"),
])
def test_a_value_the_database_refuses_is_a_422_saying_why(sqlstate, text, detail):
    @get("/refused", sync_to_thread=False)
    def refused() -> None:
        raise DataError("INSERT …", {}, _Refusal(text, sqlstate))

    app = Litestar([refused], exception_handlers={Exception: problem_response})
    with TestClient(app) as test_client:
        assert problem(test_client.get("/refused"), 422)["detail"] == detail
