"""Runs as jobs over HTTP (PAYPLAN_JOBS=workers): POST /runs answers 202 with the job's
Location, GET /jobs/{id} shows reps done of the total, then the run it made; the run's
total equals the run made here and now (PAYPLAN_JOBS=local, 201) on another copy."""

from __future__ import annotations

import msgspec
from litestar.testing import TestClient

from payplan.app import create_app
from payplan.jobs.worker import work_once

from .conftest import settings_for

APRIL = {"plan": "ae-2026@1", "period": "2026-04"}


def workers_client(world) -> TestClient:
    settings = msgspec.structs.replace(settings_for(world.url), jobs="workers")
    return TestClient(create_app(settings))


def test_a_queued_run_answers_202_then_its_job_names_the_run(world, world_client):
    finance = world.headers("finance")
    with workers_client(world) as client:
        queued = client.post("/runs", json=APRIL, headers=finance)
        assert queued.status_code == 202, queued.text
        location = queued.headers["location"]
        job = client.get(location, headers=finance).json()
        assert location == f"/jobs/{job['id']}" and job["state"] == "queued" and job["run_id"] is None
        assert job["reps_done"] == 0 and job["reps_total"] == queued.json()["reps_total"] > 0
        assert client.post("/runs", json=APRIL, headers=finance).status_code == 409  # already queued
        while work_once(world.engine, "test-worker"):
            pass
        done = client.get(location, headers=finance).json()
        assert done["state"] == "done" and done["reps_done"] == done["reps_total"] == job["reps_total"]
        run = client.get(f"/runs/{done['run_id']}", headers=finance).json()
        assert client.get(location, headers=world.headers("rep")).status_code == 403
    assert (run["state"], run["period"], run["reps"]) == ("draft", "2026-04", job["reps_total"])
    # the same run computed in the request, on the default: same hashes and total
    with world.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM run_results WHERE run_id = %d" % run["id"])
        conn.exec_driver_sql("UPDATE jobs SET run_id = NULL")
        conn.exec_driver_sql("DELETE FROM runs WHERE id = %d" % run["id"])
    here = world_client.post("/runs", json=APRIL, headers=finance)
    assert here.status_code == 201
    assert {k: here.json()[k] for k in ("inputs_hash", "outputs_hash", "reps", "total")} == \
        {k: run[k] for k in ("inputs_hash", "outputs_hash", "reps", "total")}


def test_a_queued_recompute_answers_202_and_leaves_the_run_as_recompute_does(world, world_client):
    finance, draft = world.headers("finance"), world.runs["draft"]
    before = world_client.get(f"/runs/{draft}", headers=finance).json()
    here = world_client.post(f"/runs/{draft}/recompute?revision={before['revision']}", headers=finance)
    assert here.status_code == 200, here.text  # the default: here and now
    with workers_client(world) as client:
        stale = client.post(f"/runs/{draft}/recompute?revision={before['revision']}", headers=finance)
        assert stale.status_code == 409  # the revision read is checked when queuing
        queued = client.post(f"/runs/{draft}/recompute", headers=finance)
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert queued.headers["location"] == f"/jobs/{job['id']}"
        assert (job["kind"], job["state"], job["run_id"], job["reps_done"]) == ("run.recompute", "queued", draft, 0)
        assert job["reps_total"] == here.json()["reps"] > 0
        assert client.post(f"/runs/{draft}/recompute", headers=finance).status_code == 409  # already queued
        while work_once(world.engine, "test-worker"):
            pass
        done = client.get(queued.headers["location"], headers=finance).json()
        after = client.get(f"/runs/{draft}", headers=finance).json()
    assert (done["state"], done["reps_done"]) == ("done", job["reps_total"])
    assert after["revision"] == here.json()["revision"] + 1
    assert {k: after[k] for k in ("state", "inputs_hash", "outputs_hash", "reps", "total")} == \
        {k: here.json()[k] for k in ("state", "inputs_hash", "outputs_hash", "reps", "total")}


def test_an_uploaded_fact_file_is_queued_then_imported_by_a_worker(world, world_client):
    """POST /facts/{kind} under PAYPLAN_JOBS=workers: 202 with the job's Location, nothing imported
    until a worker runs it, then the new rows per kind; a file with problems fails the job."""
    finance, csv = world.headers("finance"), {"Content-Type": "text/csv"}
    deal = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
            b"QUEUED1,A1,2026-04-01,2026-04-20,won,1234.00,100.00,EUR,Core,\n")
    with workers_client(world) as client:
        queued = client.post("/facts/deals", content=deal, headers={**finance, **csv})
        assert queued.status_code == 202, queued.text
        location = queued.headers["location"]
        job = client.get(location, headers=finance).json()
        assert (job["kind"], job["state"], job["imported"]) == ("facts.import", "queued", None)
        assert client.post("/facts/deals", content=deal, headers={**world.headers("hr"), **csv}).status_code == 403
        while work_once(world.engine, "test-worker"):
            pass
        assert client.get(location, headers=finance).json()["imported"] == {"deals": 1}
        bad = client.post("/facts/deals", content=deal.replace(b"1234.00", b"12x34"), headers={**finance, **csv})
        while work_once(world.engine, "test-worker"):
            pass
        failed = client.get(bad.headers["location"], headers=finance).json()
    assert failed["state"] == "failed" and "deals.csv row 2, column amount" in failed["error"]
    here = world_client.post("/facts/deals", content=deal, headers={**finance, **csv})  # the same file, here
    assert here.status_code == 200 and here.json()["inserted"] == 0  # already imported by the worker


def test_a_queued_adjustment_answers_202_and_makes_the_run_adjust_makes(world, world_client):
    finance, approved = world.headers("finance"), world.runs["approved"]
    with workers_client(world) as client:
        queued = client.post(f"/runs/{approved}/adjust", headers=finance)
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert queued.headers["location"] == f"/jobs/{job['id']}"
        assert (job["kind"], job["state"], job["run_id"]) == ("run.adjust", "queued", None)
        assert client.post(f"/runs/{approved}/adjust", headers=finance).status_code == 409  # already queued
        assert client.post(f"/runs/{approved}/adjust", headers=world.headers("rep")).status_code == 403
        while work_once(world.engine, "test-worker"):
            pass
        done = client.get(queued.headers["location"], headers=finance).json()
        made = client.get(f"/runs/{done['run_id']}", headers=finance).json()
    assert done["state"] == "done" and (made["kind"], made["state"], made["adjusts_run_id"]) == (
        "adjustment", "draft", approved)
    # the same adjustment made in the request, on the default: same hashes, reps and delta
    with world.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM run_results WHERE run_id = %d" % made["id"])
        conn.exec_driver_sql("UPDATE jobs SET run_id = NULL")
        conn.exec_driver_sql("DELETE FROM runs WHERE id = %d" % made["id"])
    here = world_client.post(f"/runs/{approved}/adjust", headers=finance)
    assert here.status_code == 201, here.text
    assert {k: here.json()[k] for k in ("inputs_hash", "outputs_hash", "reps", "total")} == \
        {k: made[k] for k in ("inputs_hash", "outputs_hash", "reps", "total")}
