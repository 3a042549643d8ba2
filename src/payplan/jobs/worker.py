"""What a worker does: claim a chunk, compute it, store it once, and finish whole jobs.

Each step is its own unit of work (`payplan.store.transaction`: retried while the
database is busy). A chunk is computed on a read transaction by its job's kind
(`payplan.jobs.kinds`), then stored in one write transaction that first marks it
done (`queue.finish`): of two workers that computed the same chunk (a lease ran
out, a retry) only one stores what it made. While it computes, the worker keeps its
lease (`payplan.jobs.lease`). The job's last step runs once, in one
transaction, when every chunk is stored. Must not know what a kind computes.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import Connection, Engine

from payplan.errors import PayplanError
from payplan.gcpause import collector_paused
from payplan.i18n import N_
from payplan.jobs.kinds import KINDS
from payplan.jobs.lease import Renewal
from payplan.runs.worker import fail
from payplan.store import queue
from payplan.store.transaction import unit_of_work


def work_once(engine: Engine, worker: str, lease_seconds: float = queue.LEASE_SECONDS,
              job_id: int | None = None) -> bool:
    """Do one step (on job `job_id` only, if given): compute and store one chunk, or finish
    a whole job. False when there was nothing to do."""
    claim = unit_of_work(engine, queue.claim, worker, lease_seconds, job_id)
    if claim is None:
        finished = False
        for whole, kind, params in unit_of_work(engine, queue.whole_jobs, write=False):
            if job_id in (None, whole):
                finished = unit_of_work(engine, complete, whole, kind, params) or finished
        return finished
    with collector_paused():  # scoring, rendering and storing build no cycles (payplan.gcpause)
        try:
            with Renewal(engine, claim, worker, lease_seconds):  # however long computing takes
                key, made = make(claim, unit_of_work(engine, _compute, claim, write=False))
            whole = unit_of_work(engine, store_chunk, claim, key, made)
        except PayplanError as exc:  # a plan or data error fails the job, for the person who asked;
            # storing rolled back whole (the chunk is not marked done); other chunks' staged rows go
            unit_of_work(engine, fail, claim.job_id, exc)
            return True
        del made
    if whole:
        unit_of_work(engine, complete, claim.job_id, claim.kind, claim.params)
    return True


def _kind(name: str):
    if name not in KINDS:
        raise PayplanError(N_("this worker does not know jobs of kind %(kind)s: upgrade it"), kind=name)
    return KINDS[name]


def _compute(conn: Connection, claim: queue.Claim) -> tuple[str, Any]:
    return _kind(claim.kind).compute(conn, claim, msgspec.json.decode(claim.params))


def make(claim: queue.Claim, read: Any) -> tuple[str, Any]:
    """(key, what the chunk made): `compute`'s own, or its kind's `make` of what `compute` read,
    outside any transaction."""
    kind = _kind(claim.kind)
    return read if kind.make is None else kind.make(read, msgspec.json.decode(claim.params))


def store_chunk(conn: Connection, claim: queue.Claim, key: str, made: Any) -> bool:
    """Store what the chunk made unless it is done already; True when the job's every chunk is done."""
    if queue.finish(conn, claim.job_id, claim.chunk, key):
        _kind(claim.kind).store(conn, claim, made)
    return queue.unfinished(conn, claim.job_id) == 0


def complete(conn: Connection, job_id: int, kind: str, params: str) -> bool:
    """The job's last step, once every chunk is stored; False when there is nothing to do."""
    if queue.unfinished(conn, job_id) != 0 or not queue.queued(conn, job_id):
        return False
    return _kind(kind).complete(conn, job_id, msgspec.json.decode(params))
