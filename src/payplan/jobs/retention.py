"""How long a finished job's files are kept: `prune_files` removes those of jobs finished long ago.

A job's files (`job_files`: a batch's signed statements, a simulation's document) are
made again on demand from what stays: a run's stored results and inputs, the plans
and facts. So an admin may remove the files of jobs that finished (done or failed)
more than a number of days ago; the jobs themselves, and the runs they made, stay,
and the removal is written to the audit log. A job still queued is never touched.
Must not remove runs, results or anything a run's audit or verification reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import Connection, delete, func, select

from payplan.access.users import User
from payplan.errors import Invalid
from payplan.i18n import N_
from payplan.runs.lifecycle import require
from payplan.store import audit
from payplan.store.service_schema import job_files, jobs

PRUNERS = ("admin",)
_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # `records.now_text`'s, so the text compares as the time


class Pruned(msgspec.Struct, frozen=True):
    """What `prune_files` removed: files, their bytes, and of how many jobs."""

    files: int
    bytes: int
    jobs: int
    before: str


def prune_files(conn: Connection, actor: User, older_than_days: int, now: datetime) -> Pruned:
    """Remove the files of jobs finished more than `older_than_days` days before `now` (UTC)."""
    require(actor, PRUNERS, N_("remove job files"))
    if older_than_days < 1:
        raise Invalid(N_("keep job files at least 1 day, not %(days)s"), days=older_than_days, words=("days",))
    before = (now - timedelta(days=older_than_days)).strftime(_FORMAT)
    finished = (select(jobs.c.id).where(jobs.c.state.in_(("done", "failed")), jobs.c.finished_at < before)
                .scalar_subquery())
    files, size, owners = conn.execute(select(
        func.count(), func.coalesce(func.sum(func.length(job_files.c.content)), 0),
        func.count(func.distinct(job_files.c.job_id))).where(job_files.c.job_id.in_(finished))).one()
    pruned = Pruned(files, int(size), owners, before)
    if files:
        conn.execute(delete(job_files).where(job_files.c.job_id.in_(finished)))
        audit.record(conn, actor.name, "jobs.prune", "job files",
                     {"finished_before": before, "files": files, "bytes": pruned.bytes, "jobs": owners})
    return pruned
