"""Races against a real server (uvicorn, `payplan serve`) on SQLite and PostgreSQL.

Sixteen clients at once send the same idempotent `POST /runs`, approve the same run, or
upload the same fact file. Each race has exactly one effect, every other answer is the
stored answer or a 409, no answer is a 5xx, `/health` answers within a second during and
after, and on PostgreSQL no session is left idle in a transaction.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from payplan.access.users import add_user, get_user
from payplan.facts.audited import import_directory
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.store import audit
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade
from payplan.store.schema import deals
from payplan.store.service_schema import runs as runs_table
from tests.api.test_serve import free_port, wait_for
from tests.service_db import DATA, PG_URL, PLAN_TEXT, _throwaway_postgres

CLIENTS = 16
SECRET = "race-secret-0123456789abcdef0123456789abcdef"
NEW_DEALS = "deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n" + "".join(
    f"R{i:03d},A{1 + i % 3},2026-03-01,2026-03-{2 + i % 20:02d},won,{100 + i}.50,10.00,USD,Core,\n" for i in range(40))


class Server:
    def __init__(self, url: str, base: str, tokens: dict[str, str]) -> None:
        self.url, self.base, self.tokens = url, base, tokens

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path: Path) -> Iterator[Server]:
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path / 'race.sqlite'}"])
    elif not PG_URL:
        pytest.skip("PAYPLAN_TEST_DATABASE_URL is not set")
    else:
        urls = _throwaway_postgres(PG_URL)
    url = next(urls)
    tokens = _seed(url)
    port = free_port()
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url, "PAYPLAN_SECRET": SECRET}
    process = subprocess.Popen([sys.executable, "-m", "payplan.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/health")
        yield Server(url, f"http://127.0.0.1:{port}", tokens)
    finally:
        process.terminate()
        process.wait(timeout=20)
        next(urls, None)  # drops the PostgreSQL database


def _seed(url: str) -> dict[str, str]:
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            tokens = {name: add_user(conn, name, role) for name, role in
                      (("admin", "admin"), ("hr1", "hr"), ("fin1", "finance"), ("fin2", "finance"),
                                         ("fin3", "finance"))}
            import_directory(conn, DATA / "facts", get_user(conn, "admin"))
            plan_store.publish(conn, PLAN_TEXT, "plan.toml", get_user(conn, "hr1"))
        return tokens
    finally:
        engine.dispose()


def _race(server: Server, send) -> list[httpx.Response]:
    """`send(client, n)` from CLIENTS threads released together, while /health is polled."""
    barrier = threading.Barrier(CLIENTS)
    health: list[tuple[float, int]] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=server.base, timeout=5) as client:
            while not stop.is_set():
                started = time.perf_counter()
                status = client.get("/health").status_code
                health.append((time.perf_counter() - started, status))
                time.sleep(0.05)

    def one(n: int) -> httpx.Response:
        with httpx.Client(base_url=server.base, timeout=60) as client:
            barrier.wait()
            return send(client, n)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = list(pool.map(one, range(CLIENTS)))
    finally:
        time.sleep(0.3)  # health after the race, too
        stop.set()
        poller.join()
    assert [r.status_code for r in answers if r.status_code >= 500] == []
    assert health and all(status == 200 for _, status in health), health
    assert max(seconds for seconds, _ in health) < 1.0, max(health)
    _no_idle_transactions(server.url)
    return answers


def _no_idle_transactions(url: str) -> None:
    dsn = make_url(url)
    if dsn.get_backend_name() != "postgresql":
        return
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            idle = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                                     "AND state LIKE 'idle in transaction%'"), {"db": dsn.database}).scalar()
    finally:
        engine.dispose()
    assert idle == 0


def _count(url: str, query):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def test_same_key_creates_make_one_run(server: Server) -> None:
    answers = _race(server, lambda client, n: client.post(
        "/runs", json={"plan": "svc@1", "period": "2026-03"}, headers=server.headers("fin1", **{"Idempotency-Key": "k-1"})))
    ok = [r.json()["id"] for r in answers if r.status_code in (200, 201)]
    assert set(ok) and len(set(ok)) == 1 and all(r.status_code in (200, 201, 409) for r in answers)
    assert _count(server.url, select(func.count()).select_from(runs_table)) == 1


def test_parallel_approvals_approve_once(server: Server) -> None:
    engine = make_engine(server.url)
    try:
        with engine.begin() as conn:
            run = runs.create_run(conn, "svc@1", "2026-03", get_user(conn, "fin1"))
            runs.submit(conn, run.id, get_user(conn, "fin1"))
    finally:
        engine.dispose()
    answers = _race(server, lambda client, n: client.post(
        f"/runs/{run.id}/approve", headers=server.headers("fin2" if n % 2 else "fin3")))  # admin imported the facts
    assert sorted(r.status_code for r in answers) == [200] + [409] * (CLIENTS - 1)
    engine = make_engine(server.url)
    try:
        with engine.connect() as conn:
            assert runs.get_run(conn, run.id).state == "approved"
            assert [e["action"] for e in audit.entries(conn)].count("run.approve") == 1
    finally:
        engine.dispose()


def test_identical_imports_store_the_rows_once(server: Server) -> None:
    before = _count(server.url, select(func.count()).select_from(deals))
    answers = _race(server, lambda client, n: client.post(
        "/facts/deals", content=NEW_DEALS.encode(), headers=server.headers("admin", **{"Content-Type": "text/csv"})))
    assert all(r.status_code in (200, 409) for r in answers)
    new = [r.json()["inserted"] for r in answers if r.status_code == 200]
    assert sorted(new, reverse=True)[0] == 40 and sum(new) == 40  # one import stored them, the rest found them
    assert _count(server.url, select(func.count()).select_from(deals)) == before + 40
