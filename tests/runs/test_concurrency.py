"""Concurrent requests: of 20 approvals exactly one succeeds; one idempotency key makes one run."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from payplan.access.users import add_user, get_user
from payplan.errors import Conflict
from payplan.runs import lifecycle as runs
from payplan.store import audit

THREADS = 20


def race(engine, work):
    """Run work(conn) in THREADS transactions started together; (results, errors)."""
    barrier = threading.Barrier(THREADS)

    def attempt(_):
        barrier.wait()
        try:
            with engine.begin() as conn:
                return work(conn), None
        except Conflict as exc:
            return None, exc

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(attempt, range(THREADS)))
    return [r for r, _ in outcomes if r is not None], [e for _, e in outcomes if e is not None]


def test_twenty_concurrent_approvals_give_exactly_one_success(engine, tx, company):
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, run.id, company.fin1)
    # two finance users who neither submitted the run nor imported its facts (the fixture's admin did)
    tx(add_user, "fin3", "finance")
    approvers = [company.fin2, tx(get_user, "fin3")]
    counter = iter(range(THREADS))
    done, conflicts = race(engine, lambda conn: runs.approve(conn, run.id, approvers[next(counter) % 2]))
    assert len(done) == 1 and len(conflicts) == THREADS - 1
    final = tx(runs.get_run, run.id)
    assert final.state == "approved" and final.revision == run.revision + 2
    assert [e["action"] for e in tx(audit.entries)].count("run.approve") == 1


def test_one_idempotency_key_concurrently_creates_one_run(engine, tx, company):
    done, conflicts = race(engine, lambda conn: runs.create_run(conn, "svc@1", "2026-03", company.fin1,
                                                                idempotency_key="same-key"))
    assert {r.id for r in done} == {tx(runs.list_runs)[0].id}
    assert len(tx(runs.list_runs)) == 1
    assert (len(done), len(conflicts)) == (THREADS, 0)
