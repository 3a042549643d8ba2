"""A CRM export through a mapping, imported as a job (`payplan.jobs.imports.enqueue_mapped`) on
SQLite and PostgreSQL: the mapping's file and its owners file travel with the job, so a worker on
another machine imports through the mapping as it was when the job was queued; the rows are the
ones the same import in the request stores; problems fail the job and import nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from payplan.errors import Forbidden, Invalid
from payplan.i18n import gettext
from payplan.jobs.imports import directory_files, enqueue_import, enqueue_mapped
from payplan.runs.jobs import job_reason, job_status
from payplan.store import audit
from payplan.store.schema import deals
from payplan.store.service_schema import job_files
from tests.api.test_mapped import MAPPING as API_MAPPING
from tests.jobs.test_import_job import FACTS, drain, people  # noqa: F401 - fixture

# the API tests' mapping, its owners read from an owners file beside it instead of the reps' e-mails
MAPPING = API_MAPPING.replace('owners_from = "reps.csv:email"', 'owners_file = "owners/crm-owners.csv"')
OWNERS = "owner,rep_id\nann@corp.example,A1\nben@corp.example,A2\n"
EXPORT = ("Deal;Owner e-mail;Created;Closed;Stage;Amount;Currency\n"
          "CRM1;ANN@corp.example;01.03.2026;15.03.2026;Closed Won;1500,50;USD\n"
          "CRM2;ben@corp.example;02.03.2026;;In progress;99,99;USD\n"
          "CRM3;nobody@corp.example;02.03.2026;;Spam;1,00;USD\n").encode()


@pytest.fixture
def mapping(tmp_path):
    """The mapping file, with its owners file in a folder beside it."""
    (tmp_path / "owners").mkdir()
    (tmp_path / "owners" / "crm-owners.csv").write_text(OWNERS)
    path = tmp_path / "crm-deals.toml"
    path.write_text(MAPPING)
    return path


def stored(engine) -> dict:
    with engine.connect() as conn:
        return {r.id: (r.rep_id, r.status, r.amount, str(r.created_at)) for r in conn.execute(
            select(deals).where(deals.c.id.like("CRM%")))}


def test_an_export_is_imported_by_a_worker_through_the_mapping_as_queued(engine, tx, people, mapping):
    tx(enqueue_import, directory_files(FACTS), people["admin"])
    drain(engine)
    job_id = tx(enqueue_mapped, mapping, "crm.csv", EXPORT, people["fin1"])
    # changed after queueing: the worker reads the mapping and owners as they were sent
    (mapping.parent / "owners" / "crm-owners.csv").write_text(OWNERS.replace(",A1", ",A3").replace(",A2", ",A3"))
    mapping.write_text(MAPPING.replace('"Closed Won" = "won"', '"Closed Won" = "lost"'))
    assert stored(engine) == {}
    drain(engine)
    status = tx(job_status, job_id)
    assert (status.state, status.imported, status.skipped) == ("done", {"deals": 2}, 1)  # CRM3: spam
    with engine.connect() as conn:
        kept = conn.execute(select(job_files.c.content).where(job_files.c.job_id == job_id,
                                                              job_files.c.item == "skipped")).scalar_one()
    assert json.loads(kept) == [{"row": 4, "reason": "not a deal"}]  # the mapping's own words
    assert stored(engine) == {"CRM1": ("A1", "won", Decimal("1500.50"), "2026-03-01"),
                              "CRM2": ("A2", "open", Decimal("99.99"), "2026-03-02")}
    with engine.connect() as conn:
        rows = [e for e in audit.entries(conn, limit=20) if e["action"] == "facts.import"
                and e["object"] == "file crm.csv"]
    assert len(rows) == 1 and rows[0]["actor"] == "fin1"
    detail = json.loads(rows[0]["detail"])
    assert (detail["mapping"], detail["mapping_version"]) == ("crm-deals", 2)


def test_a_bad_export_fails_the_job_in_the_readers_language(engine, tx, people, mapping):
    tx(enqueue_import, directory_files(FACTS), people["admin"])
    drain(engine)
    job_id = tx(enqueue_mapped, mapping, "crm.csv", EXPORT.replace(b"1500,50", b"15OO,50"), people["fin1"])
    drain(engine)
    assert tx(job_status, job_id).state == "failed" and stored(engine) == {}  # not even CRM2
    said = tx(job_reason, job_id).say(lambda message: gettext("uk", message))
    assert said.startswith("нічого не імпортовано: crm.csv, рядок 2, стовпець Amount: ")


def test_who_may_queue_and_a_broken_mapping(engine, tx, people, mapping, tmp_path):
    with pytest.raises(Forbidden, match="a hr cannot import deals facts"):
        tx(enqueue_mapped, mapping, "crm.csv", EXPORT, people["hr1"])
    broken = tmp_path / "broken.toml"
    broken.write_text(MAPPING.replace('kind = "deals"', 'kind = "invoices"'))
    with pytest.raises(Invalid, match="broken.toml, key kind: 'invoices' is not one of"):
        tx(enqueue_mapped, broken, "crm.csv", EXPORT, people["fin1"])
