"""/finance/import with a mapping: a CRM export checked, imported once, or refused with its row and column named."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from payplan.app import create_app
from payplan.store.schema import deals
from payplan.store.service_schema import audit_log, fact_imports

from .conftest import HTML, settings_for
from .test_pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
EXPORT = (ROOT / "tests" / "facts" / "data" / "crm" / "pipedrive-deals.csv").read_bytes()


@pytest.fixture
def finance(company):
    settings = msgspec.structs.replace(settings_for(company.url), mappings=str(ROOT / "tests" / "facts" / "data" / "crm" / "mappings"))
    with TestClient(create_app(settings)) as client:
        sign_in(client, "fiona")
        yield client


def upload(client, body: bytes, check: bool = False):
    data = {"_csrf_token": client.cookies.get("payplan_csrf"), "kind": "deals", "mapping": "pipedrive-deals"}
    return client.post("/finance/import", data={**data, **({"check": "1"} if check else {})},
                       files={"file": ("pipedrive.csv", body, "text/csv")}, headers=HTML)


def stored(company) -> dict:
    with company.engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(deals).where(deals.c.id.in_(["101", "102", "103", "104"])))}


def test_the_form_offers_the_mappings(finance):
    page = finance.get("/finance/import", headers=HTML).text
    assert 'id="mapping"' in page and 'value="pipedrive-deals"' in page


def test_a_check_imports_nothing_then_the_import_stores_the_rows_once(finance, company):
    checked = upload(finance, EXPORT, check=True)
    assert checked.status_code == 200, checked.text
    assert "3 would be imported (3 new), 1 skipped. Nothing was imported." in checked.text
    assert "row 5 skipped: partner deals are not paid on" in checked.text and not stored(company)
    done = upload(finance, EXPORT)
    assert "4 rows read, 3 imported (3 new), 1 skipped." in done.text
    rows = stored(company)
    assert set(rows) == {"101", "102", "103"} and rows["101"].rep_id == "MGR01" and rows["102"].rep_id == "MGR02"
    assert "3 imported (0 new)" in upload(finance, EXPORT).text


def test_an_unknown_owner_is_named_and_nothing_is_imported(finance, company):
    refused = upload(finance, EXPORT.replace(b"Andrii Shevchenko,4286.40", b"Nobody Known,4286.40"))
    assert refused.status_code == 422 and "Nothing was imported." in refused.text
    assert "pipedrive.csv row 3, column Deal - Owner: unknown owner" in refused.text and not stored(company)


def test_the_audit_row_and_the_recent_imports_name_the_mapping_and_its_version(finance, company):
    upload(finance, EXPORT)
    with company.engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.object, audit_log.c.detail)
                            .where(audit_log.c.action == "facts.import")).all()
        recorded = conn.execute(select(fact_imports.c.source, fact_imports.c.mapping_id,
                                       fact_imports.c.mapping_version)).all()
    mapped = [msgspec.json.decode(detail) for object_, detail in rows if object_ == "file pipedrive.csv"]
    assert [(d["mapping"], d["mapping_version"], d["new_rows"]) for d in mapped] == [("pipedrive-deals", 1, 3)]
    assert [r for r in recorded if r.source == "pipedrive.csv"] == [("pipedrive.csv", "pipedrive-deals", 1)]
    page = finance.get("/finance/import", headers=HTML).text
    recent = page[page.index('id="recent"'):]
    assert '<td class="mono">pipedrive.csv</td><td class="mono">pipedrive-deals v1</td>' in recent


def test_under_workers_the_import_opens_its_job_page_and_a_check_answers_at_once(company):
    import re

    from payplan.jobs.worker import work_once

    settings = msgspec.structs.replace(settings_for(company.url), jobs="workers",
                                       mappings=str(ROOT / "tests" / "facts" / "data" / "crm" / "mappings"))
    with TestClient(create_app(settings)) as client:
        sign_in(client, "fiona")
        checked = upload(client, EXPORT, check=True)
        assert "3 would be imported (3 new), 1 skipped. Nothing was imported." in checked.text
        queued = upload(client, EXPORT)
        (job_path,) = re.findall(r"/finance/jobs/\d+", str(queued.url))
        assert queued.status_code == 200 and not stored(company)  # nothing until a worker imports it
        while work_once(company.engine, "test-worker"):
            pass
        done = client.get(job_path, headers=HTML).text
    assert 'id="state">Done' in done and '<span class="imported" id="imported-deals">deals: 3 new</span>' in done
    assert '<span id="skipped">1 row skipped by the mapping</span>' in done  # row 5: a partner deal
    rows = stored(company)
    assert set(rows) == {"101", "102", "103"} and rows["101"].rep_id == "MGR01"


def test_record_changes_takes_a_deal_won_since_and_lists_it(finance, company):
    upload(finance, EXPORT)
    later = EXPORT.replace(b",Open,Sales,2026-02-26 12:00:00,,", b",Won,Sales,2026-02-26 12:00:00,2026-03-20 10:00:00,")
    refused = upload(finance, later)
    assert refused.status_code == 422 and "Deal - ID 103 is already stored with empty" in refused.text
    assert 'id="update"' in refused.text and stored(company)["103"].status == "open"
    data = {"_csrf_token": finance.cookies.get("payplan_csrf"), "kind": "deals", "mapping": "pipedrive-deals",
            "update": "1"}
    done = finance.post("/finance/import", data=data, files={"file": ("pipedrive.csv", later, "text/csv")},
                        headers=HTML)
    assert done.status_code == 200, done.text
    changed = done.text[done.text.index('id="changed"'):]
    assert "1 stored row changed:" in changed
    assert "<li>Deal - ID 103, Deal - Deal closed on: empty → 2026-03-20</li>" in changed
    assert "<li>Deal - ID 103, Deal - Status: open → won</li>" in changed
    assert stored(company)["103"].status == "won"
