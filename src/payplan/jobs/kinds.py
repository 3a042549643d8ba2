"""The kinds of job a worker knows: for each, how a chunk is computed, stored and the job finished.

A kind's `compute(conn, claim, params)` reads only (a read transaction) and returns
(key, made): what the chunk made. A kind with long work that needs no database
(rendering) splits it: `compute` returns what it read, and `make(read, params)` turns
that into (key, made) after the read transaction, so none stays open while it works
(PostgreSQL ends a transaction idle too long). `store(conn, claim, made)` writes it, in
the transaction that has just marked the chunk done (so a chunk computed twice is stored once);
`complete(conn, job_id, params)` turns a job whose every chunk is stored into its
result, in one transaction. Must not claim chunks or loop: `payplan.jobs.worker` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from payplan.jobs import imports as import_job
from payplan.jobs import statements as statements_job
from payplan.runs import adjust_job, recompute_job
from payplan.runs import worker as run_job
from payplan.runs.jobs import RUN_CREATE
from payplan.simulation import job as simulation_job
from payplan.store.queue import Claim


@dataclass(frozen=True)
class Kind:
    compute: Callable[[Connection, Claim, dict], Any]
    store: Callable[[Connection, Claim, Any], None]
    complete: Callable[[Connection, int, dict], bool]
    make: Callable[[Any, dict], tuple[str, Any]] | None = None


KINDS: dict[str, Kind] = {
    RUN_CREATE: Kind(run_job.compute, run_job.store_rows, run_job.complete),
    recompute_job.RUN_RECOMPUTE: Kind(recompute_job.compute, run_job.store_rows, recompute_job.complete),
    adjust_job.RUN_ADJUST: Kind(recompute_job.compute, run_job.store_rows, adjust_job.complete),
    simulation_job.SIMULATION: Kind(simulation_job.compute, simulation_job.store, simulation_job.complete),
    import_job.FACTS_IMPORT: Kind(import_job.compute, import_job.store, import_job.complete),
    statements_job.STATEMENTS_BATCH: Kind(statements_job.read, statements_job.store, statements_job.complete,
                                          statements_job.render),
}
