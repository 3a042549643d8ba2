"""`payplan demo --no-serve` seeds a working company, and seeding twice changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from payplan.store.db import make_engine
from payplan.store.service_schema import audit_log, plan_versions, runs, users


def _demo(url: str, *lang: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "payplan.cli", *lang, "demo", "--no-serve"], capture_output=True,
                          text=True, env=env, timeout=300)


def test_demo_seeds_once_and_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = _demo(url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("token for ") == 6
    engine = make_engine(url)
    with engine.connect() as conn:
        states = {(ref, period): state for ref, period, state in conn.execute(
            select(plan_versions.c.plan_id, runs.c.period, runs.c.state)
            .join(plan_versions, plan_versions.c.id == runs.c.plan_version_id)).all()}
        audit_rows = conn.execute(select(func.count()).select_from(audit_log)).scalar()
    assert states == {("ae-2026", "2026-01"): "paid", ("ae-2026", "2026-02"): "approved",
                      ("ae-2026", "2026-03"): "draft",  # and the managers' own pay:
                      ("manager-2026", "2026-01"): "paid", ("manager-2026", "2026-02"): "approved"}
    second = _demo(url)
    assert second.returncode == 0, second.stderr
    assert "token for" not in second.stdout
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar() == 5
        # Every import is audited, even one that adds nothing: 7 fact files, nothing else new.
        new = conn.execute(select(audit_log.c.action).where(audit_log.c.id > audit_rows)).scalars().all()
        assert new == ["facts.import"] * 7
    engine.dispose()


def test_the_demo_introduces_each_user_and_what_to_try(tmp_path):
    done = _demo(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    assert done.returncode == 0, done.stderr
    assert "once `payplan serve` runs, sign in at http://127.0.0.1:8000/signin as:" in done.stdout
    for line in ("fiona (finance): review draft run 3 (March) at /finance/runs/3 (filter its flags) and submit it",
                 "felix (finance): approve run 3 once fiona has submitted it", "hanna (hr): simulate",
                 "olena (manager): your own pay and your team's", "iryna (rep): your pay at /pay", "admin (admin): everything"):
        assert f"  {line}" in done.stdout, line


def test_the_demo_introduces_its_users_in_ukrainian(tmp_path):
    done = _demo(f"sqlite:///{tmp_path / 'demo.sqlite'}", "--lang", "uk")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("демокомпанію створено: користувачі admin, fiona, felix, hanna, olena, iryna (пароль "
                        "'payplan-demo-2026'); розрахунок 2026-01 виплачено, 2026-02 затверджено, 2026-03 — чернетка")
    assert lines[1] == "коли запуститься `payplan serve`, увійдіть на http://127.0.0.1:8000/signin як:"
    assert "  felix (фінанси): затвердьте розрахунок 3, щойно fiona його подасть" in done.stdout
    assert "  iryna (менеджер з продажу): ваші виплати на /pay" in done.stdout
    assert done.stdout.count("токен для ") == 6
    for english in ("seeded", "sign in", "token for", "approve run", "your pay"):
        assert english not in done.stdout, english


def test_the_demo_refuses_a_database_with_other_users(tmp_path):
    """Its users' password is public: never beside real people (a newcomer seeded a working database)."""
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    env = {**os.environ, "PAYPLAN_DATABASE_URL": url}
    for args in (["db", "upgrade"], ["users", "add", "alice", "--role", "finance"]):
        subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, check=True, capture_output=True)
    refused = _demo(url)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == ("error: this database has users the demo did not make (alice): the demo seeds "
                                      "only a new database, or one it seeded before; set PAYPLAN_DATABASE_URL to a new one")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(runs)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(users)).scalar() == 1
    engine.dispose()
