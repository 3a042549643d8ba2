"""Segregation of duties widened (issue #19): the importer of a period's facts cannot approve its run.

The probe's case on a copy of the world: finance imports a 900,000 deal closed in April,
finance2 runs and submits April, and finance then tries to approve it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from payplan.access.users import get_user
from payplan.facts.audited import import_fact_set
from payplan.facts.rows import FactSet, FxRateRow

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


def _imported(world, client, kind: str, body: bytes, who: str = "finance") -> None:
    response = client.post(f"/facts/{kind}", content=body, headers={**world.headers(who), **DEALS})
    assert response.status_code == 200, response.text


def _refused_to(world, client, run_id: int, who: str, files: str) -> None:
    refused = client.post(f"/runs/{run_id}/approve", headers=world.headers(who))
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"].startswith(f"{who} imported facts of 2026-04 ({files})")


def test_a_parameter_in_effect_from_an_earlier_day_bars_its_importer(world, world_client):
    """The security probe's case: a rate set from January still pays in April."""
    _imported(world, world_client, "parameters", b"rep_id,key,value,effective_from\nA1,ae_rate,0.90,2026-02-01\n")
    _refused_to(world, world_client, _april_run_submitted_by_finance2(world, world_client), "finance",
                "parameters.csv")


def test_an_earlier_exchange_rate_bars_its_importer(world, world_client):
    """fx_rates.csv comes in a directory (`payplan import`), through the same audited import."""
    rate = FxRateRow(date(2026, 3, 15), "USD", "EUR", Decimal("0.92"), row=2)
    with world.engine.begin() as conn:
        import_fact_set(conn, FactSet(fx_rates=(rate,), sources={"fx_rates": "fx_rates.csv"}),
                        get_user(conn, "finance"))
    _refused_to(world, world_client, _april_run_submitted_by_finance2(world, world_client), "finance",
                "fx_rates.csv")


def test_a_credit_bars_its_importer_for_the_days_of_its_deal(world, world_client):
    """Admin imports an April deal; finance then splits its credit: April is no longer finance's to approve."""
    _imported(world, world_client, "deals", BIG_APRIL_DEAL, who="admin")
    _imported(world, world_client, "credits", b"deal_id,rep_id,share\nBIG1,A1,0.5\nBIG1,A2,0.5\n")
    _refused_to(world, world_client, _april_run_submitted_by_finance2(world, world_client), "finance", "credits.csv")
