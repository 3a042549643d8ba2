"""POST /facts/{kind}: CSV and JSON uploads, limits, row-level problems, all-or-nothing, audit."""

from __future__ import annotations

import json

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from payplan.app import create_app
from payplan.store import audit, schema

from .conftest import settings_for

CSV = {"Content-Type": "text/csv"}
JSON = {"Content-Type": "application/json"}
NEW_DEALS = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
             b"N1,A1,2026-03-01,2026-03-15,won,100.00,10.00,EUR,Core,\n"
             b"N2,A2,2026-03-02,,open,200.00,,EUR,Core,\n")


def count(company, table) -> int:
    with company.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def post(client, company, kind, body, headers=CSV, who="admin"):
    return client.post(f"/facts/{kind}", content=body, headers={**headers, **company.headers(who)})


def test_csv_upload_imports_rows_and_writes_one_audit_record(client, company):
    before_deals, before_audit = count(company, schema.deals), count(company, audit.audit_log)
    response = post(client, company, "deals", NEW_DEALS)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["kind"] == "deals" and report["file"] == "deals.csv"
    assert report["rows"] == 2 and report["inserted"] == 2 and len(report["sha256"]) == 64
    assert count(company, schema.deals) == before_deals + 2
    assert count(company, audit.audit_log) == before_audit + 1
    again = post(client, company, "deals", NEW_DEALS)  # idempotent on the external ids
    assert again.json()["inserted"] == 0 and count(company, schema.deals) == before_deals + 2


def test_json_upload(client, company):
    rows = [{"activity_id": "J1", "rep_id": "A1", "kind": "call", "occurred_at": "2026-03-03"},
            {"activity_id": "J2", "rep_id": "M1", "kind": "demo", "occurred_at": "2026-03-04"}]
    response = post(client, company, "activities", json.dumps(rows).encode(), JSON)
    assert response.status_code == 200, response.text
    assert response.json()["file"] == "activities.json" and response.json()["inserted"] == 2


def test_oversize_upload_is_413_before_anything_is_stored(company):
    before = count(company, schema.deals)
    with TestClient(create_app(settings_for(company.url, max_upload_bytes=100))) as client:
        response = post(client, company, "deals", NEW_DEALS)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 413
    assert count(company, schema.deals) == before


def _problem(response, status=422):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_latin1_file_is_422_naming_the_file(client, company):
    body = "rep_id,name,role,team,hired_on,currency\nZ1,Zoë Café,AE,EMEA,2026-01-01,EUR\n".encode("latin-1")
    before = count(company, schema.reps)
    problem = _problem(post(client, company, "reps", body))
    assert problem["errors"][0]["file"] == "reps.csv"
    assert "UTF-8" in problem["errors"][0]["message"]
    assert count(company, schema.reps) == before


def test_bad_date_is_422_naming_file_row_and_column(client, company):
    body = NEW_DEALS.replace(b"2026-03-15", b"2026-13-45")
    problem = _problem(post(client, company, "deals", body))
    assert {"file": "deals.csv", "row": 2, "column": "closed_at"}.items() <= problem["errors"][0].items()
    assert count(company, schema.deals) == 11  # nothing half-imported: N2 is not stored either


def test_unknown_rep_is_422(client, company):
    body = NEW_DEALS.replace(b"N2,A2", b"N2,NOBODY")
    problem = _problem(post(client, company, "deals", body))
    error = problem["errors"][0]
    assert (error["file"], error["row"], error["column"]) == ("deals.csv", 3, "rep_id")
    assert "NOBODY" in error["message"]
    assert count(company, schema.deals) == 11


def test_duplicate_id_with_different_content_in_the_file_is_422(client, company):
    body = NEW_DEALS + b"N1,A1,2026-03-01,2026-03-15,won,999.00,10.00,EUR,Core,\n"
    problem = _problem(post(client, company, "deals", body))
    assert (problem["errors"][0]["row"], problem["errors"][0]["column"]) == (4, "deal_id")
    assert count(company, schema.deals) == 11


def test_id_stored_with_different_content_is_422_and_nothing_is_imported(client, company):
    body = NEW_DEALS + b"D1,A1,2026-02-10,2026-03-05,won,1.00,600.00,EUR,Core,\n"
    problem = _problem(post(client, company, "deals", body))
    assert {"file": "deals.csv", "row": 4, "column": "amount"}.items() <= problem["errors"][0].items()
    assert count(company, schema.deals) == 11
    assert problem["type"] == "urn:payplan:problem:invalid"


def test_new_rep_may_report_to_a_stored_manager(client, company):
    body = b"rep_id,name,role,team,manager_id,hired_on,currency\nA9,New Hire,AE,EMEA,M1,2026-03-01,EUR\n"
    before = count(company, schema.reps)
    response = post(client, company, "reps", body)
    assert response.status_code == 200, response.text
    assert count(company, schema.reps) == before + 1


def test_credit_for_a_stored_deal(client, company):
    body = b"deal_id,rep_id,share\nD3,A1,0.5\nD3,A2,0.5\n"
    assert post(client, company, "credits", body).status_code == 200, post(client, company, "credits", body).text


@pytest.mark.parametrize("body", [b"", b"rep_id,name\n", b"\xff\xfe\x00"])
def test_empty_or_headless_files_are_422(client, company, body):
    _problem(post(client, company, "reps", body))


def test_wrong_content_type_is_415(client, company):
    _problem(post(client, company, "reps", b"<reps/>", {"Content-Type": "application/xml"}), 415)


def test_unknown_kind_is_a_client_error(client, company):
    response = post(client, company, "invoices", b"a\n1\n")
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("who, kind, status", [
    ("finance", "deals", 200), ("hr", "targets", 200), ("hr", "deals", 403),
    ("manager", "targets", 403), ("rep", "activities", 403),
])
def test_who_may_import_what(client, company, who, kind, status):
    bodies = {"deals": NEW_DEALS, "targets": b"scope,scope_id,period,metric,target\nrep,A1,2026-05,revenue,5\n",
              "activities": b"activity_id,rep_id,kind,occurred_at\nQ1,A1,call,2026-03-01\n"}
    assert post(client, company, kind, bodies[kind], who=who).status_code == status
