"""An HR simulation as a job: queued by whoever may simulate, computed whole by one worker, kept.

A simulation is one chunk (its scoring already spreads over processes, and its
budget fit needs every rep at once): a worker computes it on a read-only
transaction, exactly as `POST /simulations` does in the request, and stores the
`Simulation` as JSON in `job_files` (item "simulation"), in the transaction that
marks the chunk done, so a simulation computed twice is kept once. The report in
any format and language is rendered from that document when asked for
(`payplan.api.simulate`). The job's params hold the plans as given (published
references, or drafts as TOML text: never a path). Must not render or write
anything but the job's own rows.
"""

from __future__ import annotations

import hashlib

import msgspec
from sqlalchemy import Connection, insert, select

from payplan.access.users import User
from payplan.errors import Conflict, NotFound
from payplan.i18n import N_
from payplan.runs.lifecycle import require
from payplan.simulation.drafts import DraftPlan
from payplan.simulation.model import Question, Simulation
from payplan.simulation.simulate import simulate
from payplan.store import idempotency, queue
from payplan.store.records import canonical_json, now_text
from payplan.store.service_schema import job_files, jobs

SIMULATION = "simulation"
ITEM = "simulation"  # the job's one item, and its file's item key
SIMULATORS = ("hr", "admin")


def enqueue_simulation(conn: Connection, baseline: str | DraftPlan, proposal: str | DraftPlan, periods: str,
                       question: Question, actor: User, idempotency_key: str | None = None) -> int:
    """Queue the simulation; returns the job's id (the same job again for the same key)."""
    require(actor, SIMULATORS, N_("run simulations"))
    params = {"baseline": _plan(baseline), "proposal": _plan(proposal), "periods": periods,
              "question": msgspec.to_builtins(question)}
    if idempotency_key is not None:
        prior = idempotency.claim(conn, idempotency_key, actor.id, "simulations", params)
        if prior is not None:
            return prior["job_id"]
    key = hashlib.sha256(canonical_json({"kind": SIMULATION, **params}).encode()).hexdigest()
    job_id = conn.execute(insert(jobs).values(
        kind=SIMULATION, params=canonical_json({**params, "plan": _name(baseline), "period": periods}),
        inputs_key=key, state="queued", requested_by=actor.id, created_at=now_text(), reps_total=1,
    ).returning(jobs.c.id)).scalar_one()
    queue.add_chunks(conn, job_id, [[ITEM]])
    if idempotency_key is not None:
        idempotency.remember(conn, idempotency_key, actor.id, "simulations", params, {"job_id": job_id})
    return job_id


def _plan(given: str | DraftPlan) -> str | dict:
    return given if isinstance(given, str) else {"toml": given.toml, "name": given.name}


def _name(given: str | DraftPlan) -> str:
    return given if isinstance(given, str) else given.name


def _given(param: str | dict) -> str | DraftPlan:
    return param if isinstance(param, str) else DraftPlan(param["toml"], param["name"])


def compute(conn: Connection, claim: queue.Claim, params: dict) -> tuple[str, bytes]:
    """The simulation's JSON document (the connection is the worker's read transaction)."""
    question = msgspec.convert(params["question"], Question)
    sim = simulate(conn, _given(params["baseline"]), _given(params["proposal"]), params["periods"],
                   question=question, plans_conn=conn, files=False)
    document = msgspec.json.encode(sim)
    return hashlib.sha256(document).hexdigest(), document


def store(conn: Connection, claim: queue.Claim, document: bytes) -> None:
    conn.execute(insert(job_files).values(
        job_id=claim.job_id, item=ITEM, chunk=claim.chunk, name="simulation.json", media_type="application/json",
        digest=hashlib.sha256(document).hexdigest(), content=document))


def complete(conn: Connection, job_id: int, params: dict) -> bool:
    return queue.close(conn, job_id, "done")


def simulation_of(conn: Connection, job_id: int) -> Simulation | None:
    """The simulation a finished job made; None while it is still queued; NotFound for any other job,
    Conflict once its document was removed (`payplan.jobs.retention`)."""
    job = conn.execute(select(jobs.c.kind, jobs.c.state).where(jobs.c.id == job_id)).first()
    if job is None or job.kind != SIMULATION:
        raise NotFound(N_("simulation %(job)s does not exist"), job=job_id)
    content = conn.execute(select(job_files.c.content).where(
        job_files.c.job_id == job_id, job_files.c.item == ITEM)).scalar()
    if content is None and job.state == "done":
        raise Conflict(N_("the report of simulation %(job)s was removed (payplan jobs prune): run it again"),
                       job=job_id)
    return None if content is None else msgspec.json.decode(content, type=Simulation)
