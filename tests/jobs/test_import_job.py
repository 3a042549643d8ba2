"""A fact import as a job (`payplan.jobs.imports`) on SQLite and PostgreSQL: the files travel in
the database, a worker imports them once, on behalf of whoever queued them, with the audit rows
of an import here and now; a file with problems fails the job naming file, row and column, and
imports nothing."""

from __future__ import annotations

import re

import msgspec
import pytest
from sqlalchemy import func, select

from payplan.access.users import add_user, get_user
from payplan.errors import Forbidden, Invalid
from payplan.jobs.imports import directory_files, enqueue_import
from payplan.jobs.worker import _compute, store_chunk, work_once
from payplan.i18n import gettext
from payplan.runs.jobs import job_reason, job_status
from payplan.store import audit, queue
from payplan.store.schema import deals, reps
from payplan.store.service_schema import job_files
from tests.service_db import DATA

FACTS = DATA / "facts"  # 5 reps, 4 deals


@pytest.fixture
def people(engine, tx):
    for name, role in (("admin", "admin"), ("fin1", "finance"), ("hr1", "hr")):
        tx(add_user, name, role)
    return {name: tx(get_user, name) for name in ("admin", "fin1", "hr1")}


def drain(engine) -> None:
    while work_once(engine, "test-worker"):
        pass


def counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (reps, deals))


def test_a_directory_is_imported_by_a_worker_as_it_would_be_here(engine, tx, people):
    files = directory_files(FACTS)
    assert sorted(files) == ["deals.csv", "reps.csv"]
    job_id = tx(enqueue_import, files, people["fin1"])
    queued = tx(job_status, job_id)
    assert (queued.kind, queued.state, queued.reps_done, queued.reps_total, queued.files) == (
        "facts.import", "queued", 0, 1, 0)  # the files sent are not files made
    assert counts(engine) == (0, 0)
    drain(engine)
    done = tx(job_status, job_id)
    assert (done.state, done.error) == ("done", None)
    assert {k: n for k, n in done.imported.items() if n} == {"reps": 5, "deals": 4}  # every kind, as here
    assert counts(engine) == (5, 4)
    with engine.connect() as conn:
        imports = [e for e in audit.entries(conn, limit=20) if e["action"] == "facts.import"]
        assert sorted(e["object"] for e in imports) == ["file deals.csv", "file reps.csv"]
        assert {e["actor"] for e in imports} == {"fin1"}  # on behalf of whoever queued it
        assert audit.verify(conn) == []
    again = tx(enqueue_import, files, people["fin1"])  # idempotent, as an import here is
    drain(engine)
    assert not any(tx(job_status, again).imported.values()) and counts(engine) == (5, 4)


def test_a_chunk_computed_twice_imports_once(engine, tx, people):
    job_id = tx(enqueue_import, directory_files(FACTS), people["admin"])
    claim = tx(queue.claim, "w1", 60.0, None)
    key, files = tx(_compute, claim)
    assert tx(store_chunk, claim, key, files) is True
    assert tx(store_chunk, claim, key, files) is True  # the second is refused by the done mark
    with engine.connect() as conn:
        reports = conn.execute(select(func.count()).select_from(job_files).where(
            job_files.c.job_id == job_id, job_files.c.item == "imported")).scalar_one()
    assert reports == 1 and counts(engine) == (5, 4)


def test_a_file_with_problems_fails_the_job_and_imports_nothing(engine, tx, people):
    files = directory_files(FACTS)
    files["deals.csv"] = files["deals.csv"].replace(b"500.00,100.00", b"5OO.00,100.00")
    job_id = tx(enqueue_import, files, people["fin1"])
    drain(engine)
    failed = tx(job_status, job_id)
    assert failed.state == "failed" and failed.imported is None
    assert failed.error == "nothing was imported: deals.csv row 3, column amount: '5OO.00' is not a decimal amount"
    assert counts(engine) == (0, 0)  # not even the reps: all or nothing
    # kept as message ids with their fields, so a Ukrainian reader reads every word in Ukrainian
    said = tx(job_reason, job_id).say(lambda message: gettext("uk", message))
    assert said == "нічого не імпортовано: deals.csv, рядок 3, стовпець amount: '5OO.00' — не десяткова сума"


def test_many_problems_are_said_in_the_readers_language_the_first_ones_named(engine, tx, people):
    files = directory_files(FACTS)
    files["deals.csv"] = re.sub(rb",(\d+\.\d\d),", rb",\1x,", files["deals.csv"])  # each amount of the 4 rows
    job_id = tx(enqueue_import, files, people["fin1"])
    drain(engine)
    reason = tx(job_reason, job_id)
    english = reason.say(lambda message: message)
    assert english == tx(job_status, job_id).error and english.count("deals.csv row ") == 4
    ukrainian = reason.say(lambda message: gettext("uk", message))
    assert ukrainian.startswith("нічого не імпортовано: deals.csv, рядок 2, стовпець amount: '2000.00x' — не ")
    assert ukrainian.count("deals.csv, рядок ") == 4 and "row" not in ukrainian


def test_one_upload_checks_what_is_stored_and_who_may(engine, tx, people):
    tx(enqueue_import, directory_files(FACTS), people["admin"])
    drain(engine)
    targets = b"scope,scope_id,period,metric,target\nrep,A1,2026-03,revenue,1000.00\n"
    job_id = tx(enqueue_import, {"targets.csv": targets}, people["hr1"], upload="targets")
    drain(engine)
    assert tx(job_status, job_id).imported == {"targets": 1}
    with pytest.raises(Forbidden, match="a hr cannot import deals facts"):
        tx(enqueue_import, {"deals.csv": b"x"}, people["hr1"], upload="deals")
    with pytest.raises(Invalid, match="there is no fact file to import"):
        tx(enqueue_import, {}, people["fin1"])
    unknown = b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n" \
              b"D9,ZZ,2026-03-01,2026-03-02,won,10.00,1.00,USD,Core,\n"
    bad = tx(enqueue_import, {"deals.csv": unknown}, people["fin1"], upload="deals")
    drain(engine)
    status = tx(job_status, bad)
    assert status.state == "failed" and "ZZ" in status.error and counts(engine) == (5, 4)
    with engine.connect() as conn:
        stored = conn.execute(select(job_files.c.content).where(job_files.c.job_id == job_id,
                                                                job_files.c.item == "imported")).scalar_one()
    assert msgspec.json.decode(stored) == {"targets": 1}
