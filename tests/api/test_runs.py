"""Runs over HTTP: idempotency keys, stale revisions and illegal transitions (409), bad input (422)."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from litestar.testing import TestClient
from sqlalchemy import func, select

from payplan.app import create_app
from payplan.store.service_schema import runs

from .conftest import settings_for

APRIL = {"plan": "ae-2026@1", "period": "2026-04"}


def run_count(world) -> int:
    with world.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(runs)).scalar_one()


def test_repeated_idempotency_key_gives_one_run(world, world_client):
    before = run_count(world)
    headers = {**world.headers("finance"), "Idempotency-Key": "april-run-1"}
    first = world_client.post("/runs", json=APRIL, headers=headers)
    second = world_client.post("/runs", json=APRIL, headers=headers)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json()["id"] == second.json()["id"]
    assert run_count(world) == before + 1


def test_same_key_for_another_request_is_409(world, world_client):
    headers = {**world.headers("finance"), "Idempotency-Key": "k"}
    assert world_client.post("/runs", json=APRIL, headers=headers).status_code == 201
    other = world_client.post("/runs", json={**APRIL, "period": "2026-05"}, headers=headers)
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")


def test_concurrent_requests_with_one_key_create_one_run(world):
    app = create_app(settings_for(world.url))
    before = run_count(world)
    headers = {**world.headers("finance"), "Idempotency-Key": "race"}

    with TestClient(app) as client, ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: client.post("/runs", json=APRIL, headers=headers), range(4)))
    ok = [r for r in responses if r.status_code == 201]
    assert ok and {r.json()["id"] for r in ok} == {ok[0].json()["id"]}
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    assert run_count(world) == before + 1


def test_second_regular_run_for_the_same_period_is_409(world, world_client):
    response = world_client.post("/runs", json={"plan": "ae-2026@1", "period": "2026-03"},
                                 headers=world.headers("finance"))
    assert response.status_code == 409


def test_stale_revision_is_409(world, world_client):
    draft = world.runs["draft"]
    revision = world_client.get(f"/runs/{draft}", headers=world.headers("finance")).json()["revision"]
    assert world_client.post(f"/runs/{draft}/recompute?revision={revision}",
                             headers=world.headers("finance")).status_code == 200
    stale = world_client.post(f"/runs/{draft}/submit?revision={revision}", headers=world.headers("finance"))
    assert stale.status_code == 409


def test_illegal_transitions_are_409(world, world_client):
    finance = world.headers("finance")
    assert world_client.post(f"/runs/{world.runs['draft']}/pay", headers=finance).status_code == 409
    assert world_client.post(f"/runs/{world.runs['approved']}/recompute", headers=finance).status_code == 409
    assert world_client.post(f"/runs/{world.runs['approved']}/submit", headers=finance).status_code == 409
    reject = world_client.post(f"/runs/{world.runs['draft']}/reject", json={"reason": "no"}, headers=finance)
    assert reject.status_code == 409


def test_reject_returns_to_draft_with_the_reason(world, world_client):
    response = world_client.post(f"/runs/{world.runs['submitted']}/reject", json={"reason": "missing deals"},
                                 headers=world.headers("finance2"))
    assert response.status_code == 200
    assert response.json()["state"] == "draft" and response.json()["rejected_reason"] == "missing deals"


def test_bad_run_requests(world, world_client):
    finance = world.headers("finance")
    unknown = world_client.post("/runs", json={"plan": "nope@1", "period": "2026-04"}, headers=finance)
    assert unknown.status_code == 404
    bad_period = world_client.post("/runs", json={"plan": "ae-2026@1", "period": "2026-Q2"}, headers=finance)
    assert bad_period.status_code == 422
    missing = world_client.post("/runs", json={"plan": "ae-2026@1"}, headers=finance)
    assert missing.status_code == 400 and missing.json()["errors"]
    assert world_client.get("/runs/999999", headers=finance).status_code == 404


def test_adjustment_pays_the_difference(world, world_client):
    response = world_client.post(f"/runs/{world.runs['approved']}/adjust", headers=world.headers("finance"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "adjustment" and body["adjusts_run_id"] == world.runs["approved"]
    assert body["state"] == "draft" and body["reps"] >= 1


def test_an_adjustments_result_says_why_pay_changed(world, world_client):
    finance = world.headers("finance")
    adjustment = world_client.post(f"/runs/{world.runs['approved']}/adjust", headers=finance).json()["id"]
    body = world_client.get(f"/runs/{adjustment}/results/A1", headers=finance).json()
    why = body["why"]
    assert why["compared_with"] == world.runs["approved"] and why["unknown"] == ""
    assert {"subject": "deal", "key": "LATE1", "what": "added", "status": "won", "amount": "5000.00",
            "day": "2026-03-28"} in why["changes"]  # EXTRA_MARCH_DEAL, uploaded after March was approved
    (upload,) = why["files"]
    assert (upload["source"], upload["kind"], upload["imported_by"], upload["first_day"], upload["last_day"]) == (
        "deals.csv", "deals", "admin", "2026-03-02", "2026-03-28")
    regular = world_client.get(f"/runs/{world.runs['approved']}/results/A1", headers=finance).json()
    assert regular["why"] is None


def test_the_payroll_export_adds_up_to_the_run_total(world, world_client):
    finance = world.headers("finance")
    approved = world.runs["approved"]
    run = world_client.get(f"/runs/{approved}", headers=finance).json()
    exported = world_client.get(f"/runs/{approved}/export.csv", headers=finance)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == run["reps"] and sum(Decimal(r["total"]) for r in rows) == Decimal(run["total"])
    document = world_client.get(f"/runs/{approved}/export.json", headers=finance).json()
    assert Decimal(document["total"]) == Decimal(run["total"])
    assert sum(Decimal(line["amount"]) for line in document["lines"]) == Decimal(run["total"])
    journal = list(csv.DictReader(io.StringIO(world_client.get(f"/runs/{approved}/export.csv?form=journal",
                                                                headers=finance).text)))
    assert sum(Decimal(e["debit"]) for e in journal) == sum(Decimal(e["credit"]) for e in journal)


def test_the_review_counts_every_flag(world, world_client):
    review = world_client.get(f"/runs/{world.runs['approved']}/review", headers=world.headers("finance")).json()
    assert set(review["counts"]) >= {"pay_up", "pay_down", "no_data", "gate_cut", "no_plan"}
    assert sum(Decimal(r["total"]) for r in review["reps"] if r["total"] is not None) == Decimal(review["total"])
