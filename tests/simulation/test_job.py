"""A simulation as a job (PAYPLAN_JOBS=workers): POST /simulations answers 202 with the
Location of the report; a worker computes it; GET /simulations/{job} answers 202 until then,
then the same report, in every format, as the request computed in place (PAYPLAN_JOBS=local)."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from payplan.app import create_app
from payplan.jobs.worker import store_chunk, work_once, _compute
from payplan.settings import Settings
from payplan.store import queue
from payplan.store.db import make_engine
from payplan.store.service_schema import job_files

from .test_api import BODY
from .test_readonly import _snapshot


def _client(service, jobs: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=service.url, secret="test-secret-0123456789abcdef0123456789",
                                          max_upload_bytes=1_000_000, timezone="UTC", jobs=jobs)))


def _drain(service) -> None:
    engine = make_engine(service.url)
    try:
        while work_once(engine, "test-worker"):
            pass
    finally:
        engine.dispose()


def test_a_queued_simulation_gives_the_same_report(service) -> None:
    hr = service.headers("hr")
    with _client(service, "local") as client:
        here = client.post("/simulations", json=BODY, headers=hr)
        here_csv = client.post("/simulations?format=csv", json=BODY, headers=hr).text
    assert here.status_code == 200
    with _client(service, "workers") as client:
        queued = client.post("/simulations", json=BODY, headers=hr)
        assert queued.status_code == 202, queued.text
        location = queued.headers["location"]
        assert location == f"/simulations/{queued.json()['id']}"
        waiting = client.get(location, headers=hr)
        assert waiting.status_code == 202 and waiting.json()["state"] == "queued"
        assert (waiting.json()["reps_done"], waiting.json()["reps_total"]) == (0, 1)
        before = _snapshot(service.url)
        _drain(service)
        after = _snapshot(service.url)
        changed = {name for name in before if before[name] != after[name]}
        assert changed == {"jobs", "job_chunks", "job_files"}  # only the job's own rows: no fact, plan or run
        done = client.get(location, headers=hr)
        assert done.status_code == 200, done.text
        assert done.json() == here.json()
        assert done.json()["comparison"]["totals"]["cost_delta"] == "-9959.61"  # test_api's hand-checked figure
        assert client.get(location + "?format=csv", headers=hr).text == here_csv
        pdf = client.get(location + "?format=pdf&lang=uk", headers=service.headers("admin"))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        for who in ("finance", "rep"):
            assert client.get(location, headers=service.headers(who)).status_code == 403
            assert client.post("/simulations", json=BODY, headers=service.headers(who)).status_code == 403


def test_a_simulation_computed_twice_is_kept_once(service) -> None:
    engine = make_engine(service.url)
    try:
        with _client(service, "workers") as client:
            job_id = client.post("/simulations", json=BODY, headers=service.headers("hr")).json()["id"]
        with engine.begin() as conn:
            first = queue.claim(conn, "w1", 0)  # its lease has run out at once: w1 looks dead
        with engine.begin() as conn:
            second = queue.claim(conn, "w2", 60)
        assert first == second and first.job_id == job_id
        with engine.connect() as conn:
            late, early = _compute(conn, first), _compute(conn, second)
        assert late == early  # the same document, the same key
        with engine.begin() as conn:
            assert store_chunk(conn, second, *early) is True
        with engine.begin() as conn:
            assert store_chunk(conn, first, *late) is True  # done already: nothing stored again
            assert conn.execute(select(func.count()).select_from(job_files)).scalar() == 1
    finally:
        engine.dispose()


def test_a_failing_simulation_fails_its_job(service) -> None:
    hr = service.headers("hr")
    with _client(service, "workers") as client:
        bad = {**BODY, "proposal": "sim-balanced@9"}
        location = client.post("/simulations", json=bad, headers=hr).headers["location"]
        _drain(service)
        failed = client.get(location, headers=hr)
        assert failed.status_code == 409
        assert "sim-balanced@9" in failed.json()["detail"]
        assert client.get("/simulations/999", headers=hr).status_code == 404
