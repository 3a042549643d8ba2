"""Removing the files of jobs finished long ago (`payplan.jobs.retention`): only finished jobs'
files older than asked, never a queued job's, never a run; by an admin; on the audit log."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest
from sqlalchemy import func, insert, select

from payplan.errors import Forbidden, Invalid
from payplan.jobs.retention import prune_files
from payplan.store import audit
from payplan.store.service_schema import job_files, jobs

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def a_job(conn, company, state: str, finished_at: str | None, files: list[bytes]) -> int:
    job_id = conn.execute(insert(jobs).values(
        kind="statements.batch", params="{}", inputs_key=f"k{state}{finished_at}", state=state,
        requested_by=company.fin1.id, created_at="2026-01-01T00:00:00.000000Z", finished_at=finished_at,
        reps_total=len(files)).returning(jobs.c.id)).scalar_one()
    for n, content in enumerate(files):
        conn.execute(insert(job_files).values(job_id=job_id, item=f"R{n}", chunk=0, name=f"R{n}.pdf",
                                              media_type="application/pdf", digest="0" * 64, content=content))
    return job_id


def remaining(conn) -> dict[int, int]:
    return dict(conn.execute(select(job_files.c.job_id, func.count()).group_by(job_files.c.job_id)).all())


def test_only_the_files_of_jobs_finished_before_the_cut_go(engine, company):
    with engine.begin() as conn:
        old_done = a_job(conn, company, "done", "2026-10-01T08:00:00.000000Z", [b"a" * 1000, b"b" * 2000])
        old_failed = a_job(conn, company, "failed", "2026-11-04T11:59:59.999999Z", [b"c" * 500])
        recent = a_job(conn, company, "done", "2026-11-05T12:00:00.000001Z", [b"d"])  # 29.99… days ago
        queued = a_job(conn, company, "queued", None, [b"e"])
        pruned = prune_files(conn, company.admin, 30, NOW)
        assert (pruned.files, pruned.bytes, pruned.jobs) == (3, 3500, 2)
        assert pruned.before == "2026-11-05T12:00:00.000000Z"
        assert remaining(conn) == {recent: 1, queued: 1}
        assert conn.execute(select(func.count()).select_from(jobs)).scalar() == 4  # the jobs stay
        entry = next(e for e in audit.entries(conn, limit=5) if e["action"] == "jobs.prune")
        detail = msgspec.json.decode(entry["detail"])
        assert entry["actor"] == "admin" and (detail["files"], detail["bytes"], detail["jobs"]) == (3, 3500, 2)
        assert audit.verify(conn) == []
        again = prune_files(conn, company.admin, 30, NOW)  # nothing left: nothing written
        assert (again.files, again.bytes, again.jobs) == (0, 0, 0)
        assert sum(e["action"] == "jobs.prune" for e in audit.entries(conn, limit=10)) == 1
    with engine.connect() as conn:
        assert {old_done, old_failed}.isdisjoint(remaining(conn))


def test_only_an_admin_prunes_and_keeps_a_day_at_least(engine, company):
    with engine.begin() as conn:
        for user in (company.fin1, company.hr1):
            with pytest.raises(Forbidden):
                prune_files(conn, user, 30, NOW)
        with pytest.raises(Invalid, match="at least 1 day, not 0"):
            prune_files(conn, company.admin, 0, NOW)
