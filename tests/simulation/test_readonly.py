"""A simulation never writes: every table of a migrated service database (facts, plan
versions, runs, run results, audit, users) holds the same rows before and after."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.exc import OperationalError

from payplan.simulation.simulate import read_only, simulate_database
from payplan.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "plans"


@pytest.fixture
def service_db(service) -> str:
    """Demo facts, both simulation plans and ae-2026@1 published, and a draft run of 2026-03."""
    return service.url


def _snapshot(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        tables = {name: sorted(map(tuple, conn.execute(select(table))), key=repr)
                  for name, table in meta.tables.items()}
    engine.dispose()
    return tables


def test_tables_are_unchanged(service_db: str, tmp_path: Path) -> None:
    before = _snapshot(service_db)
    assert before["runs"] and before["run_results"] and before["deals"] and before["plan_versions"]
    draft = tmp_path / "draft.toml"
    draft.write_text((PLANS / "sim" / "balanced.toml").read_text().replace("rate = 0.10", "rate = 0.12"))
    sim = simulate_database(service_db, "sim-volume-only@1", str(draft), "2026-01..2026-06", Decimal(100))
    again = simulate_database(service_db, "ae-2026@1", "sim-balanced@1", "2026-01..2026-06")
    assert sim.baseline.origin == "published" and sim.proposal.origin == "file"
    assert sim.comparison.totals.baseline.total == Decimal("125847.62")  # the same as from the files
    assert again.comparison.rows
    assert _snapshot(service_db) == before


def test_the_connection_refuses_writes(service_db: str) -> None:
    with read_only(service_db) as conn:
        with pytest.raises(OperationalError, match="readonly"):
            conn.exec_driver_sql("DELETE FROM runs")
    assert _snapshot(service_db)["runs"]


def test_unknown_published_plan(service_db: str) -> None:
    from payplan.errors import NotFound

    with pytest.raises(NotFound, match="plan sim-balanced@7 is not published"):
        simulate_database(service_db, "sim-volume-only@1", "sim-balanced@7", "2026-01..2026-06")
