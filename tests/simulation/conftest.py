"""A migrated service database with the demo facts, the simulation plans and ae-2026@1
published by HR, a draft run of 2026-03, and users hr / finance / rep (AE01)."""

from __future__ import annotations

from pathlib import Path

import pytest

from payplan.access.users import add_user, get_user
from payplan.facts.imports import import_facts
from payplan.facts.read import read_facts
from payplan.plans import versions as plan_store
from payplan.runs import lifecycle as runs
from payplan.store.db import make_engine
from payplan.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "plans"


class ServiceDb:
    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url, self.tokens = url, tokens

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def service(tmp_path: Path) -> ServiceDb:
    url = f"sqlite:///{tmp_path / 'payplan.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        import_facts(conn, read_facts(ROOT / "examples" / "demo"))
        tokens = {name: add_user(conn, name, role, rep) for name, role, rep in (
            ("hr", "hr", None), ("finance", "finance", None), ("admin", "admin", None), ("rep", "rep", "AE01"))}
        for name in ("sim/volume-only.toml", "sim/balanced.toml", "ae-2026-v1.toml"):
            plan_store.publish(conn, (PLANS / name).read_text(encoding="utf-8"), name, get_user(conn, "hr"))
        runs.create_run(conn, "sim-volume-only@1", "2026-03", get_user(conn, "finance"))
    engine.dispose()
    return ServiceDb(url, tokens)
