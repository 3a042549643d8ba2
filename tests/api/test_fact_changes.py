"""A deal the CRM changed after its import: refused as it was, recorded as a change on request.

The world's admin imported LATE1, won on 28 March. In May the CRM cancels it; finance re-sends
the row with `?update=true`: the stored deal becomes cancelled, the answer and the audit row say
which columns changed and how, and finance becomes an importer of March (the deal's old close
day) and of May (its cancellation), so may approve neither month's run.
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import select

from payplan.store.schema import deals
from payplan.store.service_schema import audit_log, fact_imports, users

from .conftest import EXTRA_MARCH_DEAL

CSV = {"Content-Type": "text/csv"}
CANCELLED = EXTRA_MARCH_DEAL.replace(b",won,5000.00,1000.00,EUR,Core,", b",cancelled,5000.00,1000.00,EUR,Core,2026-05-04")


def _post(world, client, body: bytes, query: str = ""):
    return client.post(f"/facts/deals{query}", content=body, headers={**world.headers("finance"), **CSV})


def test_a_changed_deal_is_refused_unless_the_import_records_changes(world, world_client):
    refused = _post(world, world_client, CANCELLED)
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {
        "message": "deal_id LATE1 is already stored with won, the file has cancelled", "file": "deals.csv",
        "row": 2, "column": "status"}
    with world.engine.connect() as conn:
        assert conn.execute(select(deals.c.status).where(deals.c.id == "LATE1")).scalar_one() == "won"


def test_the_crm_cancelling_a_won_deal_is_recorded_and_audited(world, world_client):
    done = _post(world, world_client, CANCELLED, "?update=true")
    assert done.status_code == 200, done.text
    report = done.json()
    assert (report["rows"], report["inserted"]) == (1, 0)
    assert [(c["key"], c["column"], c["before"], c["now"]) for c in report["changed"]] == [
        ("deal_id LATE1", "status", "won", "cancelled"), ("deal_id LATE1", "cancelled_at", "", "2026-05-04")]
    with world.engine.connect() as conn:
        stored = conn.execute(select(deals.c.status, deals.c.cancelled_at, deals.c.closed_at)
                              .where(deals.c.id == "LATE1")).one()
        assert tuple(stored) == ("cancelled", date(2026, 5, 4), date(2026, 3, 28))
        detail = msgspec.json.decode(conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "facts.import")
                                                  .order_by(audit_log.c.id.desc())).scalars().first())
        assert detail["changed_rows"] == 1 and detail["new_rows"] == 0
        assert detail["changes"][0] == {"key": "deal_id LATE1", "column": "status", "before": "won", "now": "cancelled"}
        spans = conn.execute(select(fact_imports.c.first_day, fact_imports.c.last_day)
                             .join(users, users.c.id == fact_imports.c.user_id).where(users.c.name == "finance")).all()
        assert [tuple(s) for s in spans] == [(date(2026, 3, 2), date(2026, 5, 4))]
    again = _post(world, world_client, CANCELLED, "?update=true")  # nothing left to change
    assert again.status_code == 200 and again.json()["changed"] == [] and again.json()["inserted"] == 0


def test_a_changed_close_day_bars_the_importer_from_the_old_day_too(world, world_client):
    moved = EXTRA_MARCH_DEAL.replace(b"2026-03-28", b"2026-04-03")
    assert _post(world, world_client, moved, "?update=true").status_code == 200
    with world.engine.connect() as conn:
        (span,) = conn.execute(select(fact_imports.c.first_day, fact_imports.c.last_day)
                               .join(users, users.c.id == fact_imports.c.user_id).where(users.c.name == "finance")).all()
    assert tuple(span) == (date(2026, 3, 2), date(2026, 4, 3))  # March the 28th included: it counted there
