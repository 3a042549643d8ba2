"""A worker keeps its lease on the chunk it computes (`payplan.jobs.lease`), on SQLite and
PostgreSQL: another worker cannot take the chunk over while the first is alive and computing,
however long that takes, and can once the first stopped renewing and the lease ran out."""

from __future__ import annotations

import dataclasses
import time

from sqlalchemy import select

from payplan.jobs.imports import directory_files, enqueue_import
from payplan.jobs.lease import Renewal
from payplan.jobs.kinds import KINDS
from payplan.jobs.worker import work_once
from payplan.runs.jobs import FACTS_IMPORT
from payplan.runs.jobs import job_status
from payplan.store import queue
from payplan.store.service_schema import job_chunks
from payplan.store.transaction import unit_of_work
from tests.jobs.test_import_job import FACTS, counts, people  # noqa: F401 - fixture

LEASE = 0.6  # seconds: renewed every 0.2 s


def test_a_computing_worker_keeps_its_chunk_and_a_stopped_one_loses_it(engine, tx, people):
    job_id = tx(enqueue_import, directory_files(FACTS), people["admin"])
    claim = tx(queue.claim, "w1", LEASE, None)
    assert claim.job_id == job_id
    with Renewal(engine, claim, "w1", LEASE) as renewal:
        time.sleep(3 * LEASE)  # five leases' worth of renewals, and still held
        assert tx(queue.claim, "w2", LEASE, None) is None
    assert renewal.renewed >= 4
    time.sleep(LEASE + 0.2)  # no more renewals: the lease runs out
    taken = tx(queue.claim, "w2", LEASE, None)
    assert (taken.job_id, taken.chunk) == (job_id, 0)
    assert not tx(queue.renew, job_id, 0, "w1", LEASE)  # w1's is gone: it stops renewing
    assert tx(queue.renew, job_id, 0, "w2", LEASE)


def test_a_renewal_stops_once_the_chunk_is_not_the_workers(engine, tx, people):
    tx(enqueue_import, directory_files(FACTS), people["admin"])
    claim = tx(queue.claim, "w1", LEASE, None)
    with Renewal(engine, claim, "w1", LEASE) as renewal:
        tx(lambda conn: queue.finish(conn, claim.job_id, claim.chunk, "key"))  # stored (by anyone)
        time.sleep(3 * LEASE)
        assert not renewal._thread.is_alive()
    assert renewal.renewed == 0


def test_a_chunk_slower_than_its_lease_is_computed_once(engine, tx, people, monkeypatch):
    job_id = tx(enqueue_import, directory_files(FACTS), people["admin"])
    kind = KINDS[FACTS_IMPORT]
    taken = []

    def compute(conn, claim, params):  # takes four leases; meanwhile a second worker looks for work
        for _ in range(4):
            time.sleep(LEASE)
            taken.append(unit_of_work(engine, queue.claim, "w2", LEASE, None))
        return kind.compute(conn, claim, params)

    monkeypatch.setitem(KINDS, FACTS_IMPORT, dataclasses.replace(kind, compute=compute))
    while work_once(engine, "w1", LEASE):
        pass
    assert taken == [None] * 4  # never free while w1 computed it
    assert tx(job_status, job_id).state == "done" and counts(engine) == (5, 4)
    assert tx(lambda conn: conn.execute(select(job_chunks.c.attempts).where(
        job_chunks.c.job_id == job_id)).scalar_one()) == 1
