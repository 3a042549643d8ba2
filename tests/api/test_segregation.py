"""Segregation of duties widened (issue #19): the importer of a period's facts cannot approve its run.

The probe's case on a copy of the world: finance imports a 900,000 deal closed in April,
finance2 runs and submits April, and finance then tries to approve it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from payplan.store.service_schema import fact_imports

from .conftest import EXTRA_MARCH_DEAL

BIG_APRIL_DEAL = (b"deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,cancelled_at\n"
                  b"BIG1,A1,2026-04-01,2026-04-20,won,900000.00,1000.00,EUR,Core,\n")
DEALS = {"Content-Type": "text/csv"}


def _april_run_submitted_by_finance2(world, client) -> int:
    created = client.post("/runs", json={"plan": "ae-2026@1", "period": "2026-04"}, headers=world.headers("finance2"))
    assert created.status_code == 201, created.text
    run_id = created.json()["id"]
    assert client.post(f"/runs/{run_id}/submit", headers=world.headers("finance2")).status_code == 200
    return run_id


def test_the_importer_of_a_periods_facts_cannot_approve_its_run(world, world_client):
    imported = world_client.post("/facts/deals", content=BIG_APRIL_DEAL, headers={**world.headers("finance"), **DEALS})
    assert imported.status_code == 200, imported.text
    run_id = _april_run_submitted_by_finance2(world, world_client)
    refused = world_client.post(f"/runs/{run_id}/approve", headers=world.headers("finance"))
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert detail.startswith("finance imported facts of 2026-04") and "cannot approve" in detail
    assert world_client.get(f"/runs/{run_id}", headers=world.headers("admin")).json()["state"] == "submitted"
    # admin imported only a March deal (conftest.build_world): April is theirs to approve
    approved = world_client.post(f"/runs/{run_id}/approve", headers=world.headers("admin"))
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_an_import_of_another_period_does_not_bar_the_approver(world, world_client):
    may_deal = BIG_APRIL_DEAL.replace(b"BIG1", b"MAY1").replace(b"2026-04", b"2026-05")
    imported = world_client.post("/facts/deals", content=may_deal, headers={**world.headers("finance"), **DEALS})
    assert imported.status_code == 200, imported.text
    run_id = _april_run_submitted_by_finance2(world, world_client)
    approved = world_client.post(f"/runs/{run_id}/approve", headers=world.headers("finance"))
    assert approved.status_code == 200, approved.text


def test_importing_nothing_new_does_not_make_an_importer(world, world_client):
    """Re-sending the world's March deal adds no row, so finance did not feed March by it."""
    response = world_client.post("/facts/deals", content=EXTRA_MARCH_DEAL, headers={**world.headers("finance"), **DEALS})
    assert response.status_code == 200, response.text
    with world.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fact_imports)).scalar_one() == 1  # admin's, at build
