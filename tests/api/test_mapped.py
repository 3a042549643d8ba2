"""POST /facts/mapped/{mapping} and GET /facts/mappings: a CRM export through a mapping of the mappings folder."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from payplan.app import create_app
from payplan.store import schema

from .conftest import settings_for

MAPPING = """id = "crm-deals"
version = 2
kind = "deals"
title = "Test CRM deals"
decimal = ","
date_formats = ["%d.%m.%Y"]
owners_from = "reps.csv:email"

[columns]
deal_id = "Deal"
rep_id = "Owner e-mail"
created_at = "Created"
closed_at = "Closed"
status = "Stage"
amount = "Amount"
currency = "Currency"

[stages]
"Closed Won" = "won"
"In progress" = "open"

[[skip]]
column = "Stage"
equals = "Spam"
reason = "not a deal"
"""
EXPORT = ("Deal;Owner e-mail;Created;Closed;Stage;Amount;Currency\n"
          "CRM1;ANDRII@example.com;01.03.2026;15.03.2026;Closed Won;1500,50;EUR\n"
          "CRM2;anna@example.com;02.03.2026;;In progress;99,99;EUR\n"
          "CRM3;nobody@example.com;02.03.2026;;Spam;1,00;EUR\n").encode("cp1251")
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def mapped_client(company, tmp_path):
    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "crm-deals.toml").write_text(MAPPING, encoding="utf-8")
    settings = msgspec.structs.replace(settings_for(company.url), mappings=str(folder))
    with TestClient(create_app(settings)) as client:
        yield client


def deals(company, *ids):
    with company.engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(schema.deals).where(schema.deals.c.id.in_(ids)))}


def post(client, company, body, who="finance", query="?file=crm.csv"):
    return client.post(f"/facts/mapped/crm-deals{query}", content=body, headers={**CSV, **company.headers(who)})


def test_the_mappings_are_listed(mapped_client, company):
    listed = mapped_client.get("/facts/mappings", headers=company.headers("finance"))
    assert listed.status_code == 200 and listed.json() == [
        {"id": "crm-deals", "version": 2, "kind": "deals", "title": "Test CRM deals"}]
    assert mapped_client.get("/facts/mappings", headers=company.headers("rep")).status_code == 403


def test_an_export_is_checked_then_imported_once(mapped_client, company):
    checked = post(mapped_client, company, EXPORT, query="?file=crm.csv&check=true")
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert (report["rows"], report["imported"], report["inserted"], report["checked_only"]) == (3, 2, 2, True)
    assert report["skipped"] == [{"row": 4, "reason": "not a deal"}] and not deals(company, "CRM1", "CRM2")
    done = post(mapped_client, company, EXPORT)
    assert done.status_code == 200 and done.json()["inserted"] == 2 and done.json()["mapping"] == "crm-deals"
    stored = deals(company, "CRM1", "CRM2")
    assert stored["CRM1"].rep_id == "A1" and stored["CRM1"].amount == Decimal("1500.50")
    assert str(stored["CRM1"].closed_at) == "2026-03-15" and stored["CRM2"].status == "open"
    assert post(mapped_client, company, EXPORT).json()["inserted"] == 0  # idempotent


def test_an_unknown_stage_is_a_problem_and_nothing_is_imported(mapped_client, company):
    bad = EXPORT.replace("In progress".encode(), b"Negotiation")
    with company.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.deals)).scalar_one()
    response = post(mapped_client, company, bad)
    assert response.status_code == 422
    assert "crm.csv row 3, column Stage: 'Negotiation' is not a stage of mapping crm-deals" in response.text
    with company.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.deals)).scalar_one() == before
    checked = post(mapped_client, company, bad, query="?file=crm.csv&check=true").json()
    assert checked["problem_count"] == 1 and checked["problems"][0].startswith("crm.csv row 3, column Stage")


def test_who_may_import_and_unknown_mappings(mapped_client, company):
    assert post(mapped_client, company, EXPORT, who="hr").status_code == 403  # hr imports targets only
    assert post(mapped_client, company, EXPORT, who="rep").status_code == 403
    missing = mapped_client.post("/facts/mapped/nope", content=EXPORT, headers={**CSV, **company.headers("admin")})
    assert missing.status_code == 404


def test_an_unknown_rep_from_the_store_check_names_the_source_column(mapped_client, company, tmp_path):
    folder = tmp_path / "mappings"
    plain = MAPPING.replace('owners_from = "reps.csv:email"\n', "").replace('rep_id = "Owner e-mail"',
                                                                           'rep_id = "Owner id"')
    (folder / "crm-deals.toml").write_text(plain, encoding="utf-8")
    export = EXPORT.replace("Owner e-mail".encode(), b"Owner id").replace(b"ANDRII@example.com", b"A1") \
        .replace(b"anna@example.com", b"ZZ9")
    response = post(mapped_client, company, export)
    assert response.status_code == 422 and "crm.csv row 3, column Owner id: unknown rep 'ZZ9'" in response.text


def test_under_workers_an_export_is_queued_with_its_mapping_and_a_check_is_not(company, tmp_path):
    from payplan.jobs.worker import work_once

    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "crm-deals.toml").write_text(MAPPING, encoding="utf-8")
    settings = msgspec.structs.replace(settings_for(company.url), mappings=str(folder), jobs="workers")
    finance = company.headers("finance")
    with TestClient(create_app(settings)) as client:
        checked = post(client, company, EXPORT, query="?file=crm.csv&check=true")
        assert checked.status_code == 200 and checked.json()["checked_only"]  # a check answers now
        queued = post(client, company, EXPORT)
        assert queued.status_code == 202, queued.text
        location = queued.headers["location"]
        assert location == f"/jobs/{queued.json()['id']}" and queued.json()["kind"] == "facts.import"
        assert not deals(company, "CRM1", "CRM2")  # nothing until a worker imports it
        assert post(client, company, EXPORT, who="hr").status_code == 403
        while work_once(company.engine, "test-worker"):
            pass
        done = client.get(location, headers=finance).json()
    assert (done["state"], done["imported"]) == ("done", {"deals": 2})
    stored = deals(company, "CRM1", "CRM2")
    assert stored["CRM1"].rep_id == "A1" and stored["CRM1"].amount == Decimal("1500.50")


def test_a_deal_won_since_its_import_is_recorded_with_update(mapped_client, company):
    post(mapped_client, company, EXPORT)
    won = EXPORT.replace("02.03.2026;;In progress".encode(), b"02.03.2026;20.03.2026;Closed Won")
    refused = post(mapped_client, company, won)
    assert refused.status_code == 422 and deals(company, "CRM2")["CRM2"].status == "open"
    assert refused.json()["errors"][0] == {
        "message": "Deal CRM2 is already stored with empty, the file has 2026-03-20", "file": "crm.csv", "row": 3,
        "column": "Closed"}
    done = post(mapped_client, company, won, query="?file=crm.csv&update=true")
    assert done.status_code == 200, done.text
    assert [(c["key"], c["column"], c["before"], c["now"]) for c in done.json()["changed"]] == [
        ("Deal CRM2", "Closed", "", "2026-03-20"), ("Deal CRM2", "Stage", "open", "won")]
    stored = deals(company, "CRM2")["CRM2"]
    assert (stored.status, str(stored.closed_at)) == ("won", "2026-03-20")
    assert post(mapped_client, company, won, query="?file=crm.csv&update=true").json()["changed"] == []


def test_under_workers_an_update_job_counts_the_rows_it_changed(company, tmp_path):
    from payplan.jobs.worker import work_once

    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "crm-deals.toml").write_text(MAPPING, encoding="utf-8")
    settings = msgspec.structs.replace(settings_for(company.url), mappings=str(folder), jobs="workers")
    won = EXPORT.replace("02.03.2026;;In progress".encode(), b"02.03.2026;20.03.2026;Closed Won")
    with TestClient(create_app(settings)) as client:
        locations = [post(client, company, EXPORT).headers["location"],
                     post(client, company, won, query="?file=crm.csv&update=true").headers["location"]]
        while work_once(company.engine, "test-worker"):
            pass
        first, second = (client.get(where, headers=company.headers("finance")).json() for where in locations)
    assert (first["state"], first["imported"], first["changed"]) == ("done", {"deals": 2}, {})
    assert (second["state"], second["imported"], second["changed"]) == ("done", {"deals": 0}, {"deals": 1})
    assert deals(company, "CRM2")["CRM2"].status == "won"
