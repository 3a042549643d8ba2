"""`payplan worker` drains the job queue; `payplan jobs show N` says where a job stands;
`payplan jobs prune` removes the files of jobs finished long ago (`payplan.jobs.retention`).

`payplan jobs files N -o DIR` (a done batch of statements into a folder) is in
`payplan.cli.statements`.

Any number of workers on any number of machines share the queue in the database
(`payplan.store.queue`). A worker stops after its current step on SIGTERM or
Ctrl-C; one killed outright (SIGKILL) loses only its claim, which another worker
takes when the lease runs out. `wait_for` is how `runs create` waits for its job
(PAYPLAN_JOBS=workers); `start_local_worker` is how `runs create --no-wait` has its job
computed on the embedded default, with no service to run. Must not hold business rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
import signal
import socket
import time
from datetime import datetime, timezone
from decimal import Decimal

import click
from sqlalchemy import Connection

from payplan.cli.database import acting, as_user, database_url, transaction
from payplan.cli.language import _, ngettext, numbers
from payplan.access.users import User
from payplan.errors import Invalid, PayplanError
from payplan.i18n import N_
from payplan.jobs import local
from payplan.jobs.imports import FACTS_IMPORT
from payplan.jobs.retention import prune_files
from payplan.jobs.statements import STATEMENTS_BATCH
from payplan.runs.adjust_job import RUN_ADJUST
from payplan.runs.recompute_job import RUN_RECOMPUTE
from payplan.simulation.job import SIMULATION
from payplan.jobs.worker import work_once
from payplan.runs.jobs import JobStatus, job_reason, job_status
from payplan.settings import get_settings
from payplan.store import queue
from payplan.store.db import make_engine
from payplan.store.transaction import unit_of_work


@click.command("worker")
@click.option("--lease", type=click.FloatRange(1, 3600), default=queue.LEASE_SECONDS, show_default=True,
              help="Seconds a claimed chunk stays this worker's; then another worker may take it.")
@click.option("--poll", type=click.FloatRange(0.05, 60), default=1.0, show_default=True,
              help="Seconds to wait when the queue is empty.")
@click.option("--until-idle", is_flag=True, help="Exit once the queue is empty.")
def worker(lease: float, poll: float, until_idle: bool) -> None:
    """Drain the job queue (runs, statements), on this machine, beside any number of other workers."""
    name = f"{socket.gethostname()}:{os.getpid()}"[:100]
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stopping.append(True))
    engine = make_engine(database_url())
    click.echo(_("worker %(name)s: waiting for jobs", name=name), err=True)
    try:
        while not stopping:
            if not _step(engine, name, lease):
                if until_idle:
                    break
                time.sleep(poll)
    finally:
        engine.dispose()


def _step(engine, name: str, lease: float) -> bool:
    """One step of work; a failure is said and the worker goes on (the chunk's lease runs out
    and it is tried again, up to `queue.MAX_ATTEMPTS` times before its job fails)."""
    try:
        return work_once(engine, name, lease)
    except Exception as exc:  # noqa: BLE001 - a worker outlives one bad step (the database restarting)
        click.echo(_("worker %(name)s: a step failed, it will be tried again: %(error)s", name=name,
                     error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__), err=True)
        return False


@click.group("jobs")
def jobs_group() -> None:
    """Jobs: where a queued computation stands, and what it made."""


@jobs_group.command("show")
@click.argument("job_id", type=int)
def jobs_show(job_id: int) -> None:
    """Show job N: its state, reps done of the total, and the run it made."""
    status, reason = transaction(lambda conn: (job_status(conn, job_id), job_reason(conn, job_id)))
    click.echo(status_line(status, reason))


@jobs_group.command("prune")
@click.option("--older-than", "days", required=True, type=int, metavar="DAYS",
              help="Remove the files of jobs finished more than DAYS days ago.")
@as_user
def jobs_prune(days: int, as_name: str) -> None:
    """Remove the files (statements, simulations) of jobs finished more than DAYS days ago (admin).

    The jobs and the runs they made stay; the files can be made again from them. Written to the
    audit log."""
    pruned = acting(as_name, lambda conn, user: prune_files(conn, user, days, datetime.now(timezone.utc)))
    before = pruned.before[:16].replace("T", " ") + " UTC"  # to the minute: 2026-11-05 12:00 UTC
    if not pruned.files:
        click.echo(_("no job finished before %(time)s has files: nothing to remove", time=before))
        return
    click.echo(ngettext("removed %(files)s file (%(size)s) of jobs finished before %(time)s",
                        "removed %(files)s files (%(size)s) of jobs finished before %(time)s", pruned.files,
                        files=pruned.files, size=_size(pruned.bytes), time=before))


def _size(n: int) -> str:
    """Bytes as the reader counts them: KiB or MiB, one decimal."""
    if n < 1024 * 1024:
        return _("%(size)s KiB", size=numbers().number(Decimal(n) / 1024, 1))
    return _("%(size)s MiB", size=numbers().number(Decimal(n) / (1024 * 1024), 1))


def status_line(status: JobStatus, reason: PayplanError | None = None) -> str:
    """Where the job stands, in the command's language; `reason`: why it failed (`job_reason`)."""
    if status.state == "failed":
        said = reason.say(lambda message: _(message)) if reason is not None else status.error
        return _("job %(job)s: failed: %(error)s", job=status.id, error=said)
    if status.kind == STATEMENTS_BATCH:
        return _statements_line(status)
    if status.kind == FACTS_IMPORT:
        return _import_line(status)
    if status.kind == SIMULATION:
        return (_("job %(job)s: done, its report: payplan simulate --job %(job)s", job=status.id)
                if status.state == "done" else
                _("job %(job)s: simulating a proposal next to %(plan)s over %(periods)s", job=status.id,
                  plan=status.plan, periods=status.period))
    if status.state == "done":
        return _("job %(job)s: done, run %(run)s (%(done)s of %(total)s reps)", job=status.id, run=status.run_id,
                 done=status.reps_done, total=status.reps_total)
    if status.kind == RUN_ADJUST:
        return _("job %(job)s: computing an adjustment of %(plan)s for %(period)s, %(done)s of %(total)s reps",
                 job=status.id, plan=status.plan, period=status.period, done=status.reps_done,
                 total=status.reps_total)
    if status.kind == RUN_RECOMPUTE:
        return _("job %(job)s: recomputing run %(run)s of %(plan)s for %(period)s, %(done)s of %(total)s reps",
                 job=status.id, run=status.run_id, plan=status.plan, period=status.period, done=status.reps_done,
                 total=status.reps_total)
    return _("job %(job)s: computing the run of %(plan)s for %(period)s, %(done)s of %(total)s reps", job=status.id,
             plan=status.plan, period=status.period, done=status.reps_done, total=status.reps_total)


def new_rows(kind: str, new: int) -> str:
    """"deals: 3 new", in the command's language (its plural, its thousands: "4 059")."""
    return ngettext("%(kind)s: %(new)s new", "%(kind)s: %(new)s new", new, kind=kind,
                    new=numbers().number(Decimal(new), 0))


def changed_rows(kind: str, count: int) -> str:
    """"deals: 1 row changed", in the command's language (its plural)."""
    return ngettext("%(kind)s: %(num)s row changed", "%(kind)s: %(num)s rows changed", count, kind=kind)


def _import_line(status: JobStatus) -> str:
    if status.state == "done":
        counts = ", ".join(new_rows(kind, new) for kind, new in (status.imported or {}).items() if new)
        done = _("job %(job)s: done, imported %(counts)s", job=status.id, counts=counts or _("nothing new"))
        if status.changed:
            done += "; " + ", ".join(changed_rows(kind, count) for kind, count in status.changed.items())
        return done + (ngettext("; %(num)s row skipped by the mapping", "; %(num)s rows skipped by the mapping",
                                status.skipped) if status.skipped else "")
    return _("job %(job)s: importing fact files", job=status.id)


def _statements_line(status: JobStatus) -> str:
    if status.state == "done":
        return _("job %(job)s: done, %(files)s statements of run %(run)s (%(language)s)", job=status.id,
                 files=status.files, run=status.run_id, language=status.lang)
    return _("job %(job)s: printing the statements of run %(run)s (%(language)s), %(done)s of %(total)s reps",
             job=status.id, run=status.run_id, language=status.lang, done=status.reps_done, total=status.reps_total)


def wait_for(job_id: int) -> JobStatus:
    """The job once the workers finished it; its progress on stderr as it changes."""
    engine = make_engine(database_url())
    shown = None
    try:
        while (status := unit_of_work(engine, job_status, job_id, write=False)).state == "queued":
            if status.reps_done != shown:
                click.echo(status_line(status), err=True)
                shown = status.reps_done
            time.sleep(0.5)
        reason = unit_of_work(engine, job_reason, job_id, write=False)
    finally:
        engine.dispose()
    if status.state == "failed":  # the reason said in the command's language (`payplan.cli.main`)
        raise Invalid(N_("job %(job)s failed: %(error)s"), job=job_id,
                      error=reason.phrase() if reason is not None else status.error or "")
    return status


def queued_job(as_name: str, no_wait: bool, enqueue: Callable[[Connection, User], int]) -> JobStatus | None:
    """Queue a job on behalf of `as_name`; with `no_wait` print its number (a local worker computes it
    on the default) and give None, else wait for the workers and give the job as they left it."""
    job_id = acting(as_name, enqueue)
    if no_wait:
        start_local_worker()
        click.echo(job_id)
        click.echo(_("job %(job)s queued: payplan jobs show %(job)s", job=job_id))
        return None
    return wait_for(job_id)


def start_local_worker() -> None:
    """A detached `payplan worker --until-idle` for a job queued without waiting on the embedded default."""
    if get_settings().jobs == "local":
        local.start_local_worker(database_url())
