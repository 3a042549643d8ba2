"""The service commands end to end, through `payplan` subprocesses on a temporary SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service_db import DATA


@pytest.fixture
def payplan(tmp_path: Path):
    env = {**os.environ, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}

    def run(*args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, cwd=tmp_path,
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert (done.returncode == 0) == ok, f"payplan {' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done
    run.db = tmp_path / "cli.sqlite"
    return run


def test_the_whole_service_flow(payplan):
    assert "created at revision" in payplan("db", "upgrade").stdout
    assert "is up to date (revision" in payplan("db", "upgrade").stdout
    admin = payplan("users", "add", "admin", "--role", "admin", "--password-stdin", stdin="s3cret-admin-2026\n")
    token = admin.stdout.strip().splitlines()[-1]
    assert len(token) >= 43 and " " not in token
    payplan("import", str(DATA / "facts"), "--as", "admin")
    for name, role in (("fin1", "finance"), ("fin2", "finance"), ("hr1", "hr")):
        payplan("users", "add", name, "--role", role)
    payplan("users", "add", "ann", "--role", "rep", "--rep-id", "A1")
    assert "svc@1" in payplan("plans", "publish", str(DATA / "plan.toml"), "--as", "hr1").stdout
    created = payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1").stdout
    number = created.splitlines()[0]
    assert number == "1" and "4 reps, total 550.00" in created
    # a draft cannot be approved: one sentence, whose empty "(immutable …)" part stays empty
    draft = payplan("runs", "approve", number, "--as", "fin2", ok=False).stderr
    assert draft.strip() == "error: run 1 is draft, so it cannot be approved"
    draft_uk = payplan("--lang", "uk", "runs", "approve", number, "--as", "fin2", ok=False).stderr.strip()
    assert draft_uk.startswith("помилка: розрахунок 1 має стан «чернетка»") and len(draft_uk.splitlines()) == 1, draft_uk
    assert "Project-Id-Version" not in draft_uk
    payplan("runs", "submit", number, "--as", "fin1")
    refused = payplan("runs", "approve", number, "--as", "fin1", ok=False)
    assert refused.returncode == 1 and "cannot approve" in refused.stderr
    payplan("runs", "approve", number, "--as", "hr1", ok=False)
    assert "approved" in payplan("runs", "approve", number, "--as", "fin2").stdout
    own = payplan("runs", "show", number, "--as", "ann").stdout
    assert "A1" in own and "200.00" in own and "A2" not in own
    assert "paid" in payplan("runs", "pay", number, "--as", "fin1").stdout
    assert "chain intact" in payplan("audit", "verify").stdout


def test_errors_exit_non_zero_without_traceback(payplan):
    payplan("db", "upgrade")
    assert "no user named" in payplan("import", str(DATA / "facts"), "--as", "ghost", ok=False).stderr
    payplan("users", "add", "admin", "--role", "admin")
    assert payplan("users", "add", "x", "--role", "boss", ok=False).returncode == 2
    assert "not published" in payplan("runs", "create", "--plan", "nope@1", "--period", "2026-03",
                                      "--as", "admin", ok=False).stderr


def test_audit_verify_fails_on_tampering(payplan):
    payplan("db", "upgrade")
    payplan("users", "add", "admin", "--role", "admin")
    payplan("import", str(DATA / "facts"), "--as", "admin")
    with sqlite3.connect(payplan.db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    assert "edited" in payplan("audit", "verify", ok=False).stderr


def test_a_run_or_a_score_of_a_year_outside_1900_to_9998_is_refused_without_traceback(payplan, tmp_path):
    payplan("db", "upgrade")
    payplan("users", "add", "admin", "--role", "admin")
    payplan("users", "add", "fin1", "--role", "finance")
    payplan("import", str(DATA / "facts"), "--as", "admin")
    payplan("plans", "publish", str(DATA / "plan.toml"), "--as", "admin")
    for period in ("9999-12", "0000-01"):
        refused = payplan("runs", "create", "--plan", "svc@1", "--period", period, "--as", "fin1", ok=False)
        assert refused.returncode == 1
        assert refused.stderr.strip() == f"error: '{period}': the year must be from 1900 to 9998"
    folder = tmp_path / "late"
    folder.mkdir()
    (folder / "reps.csv").write_text((DATA / "facts" / "reps.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "scores.csv").write_text("rep_id,period,kind,value\nA1,9999-12,crm_hygiene,0.5\n", encoding="utf-8")
    scores = payplan("import", str(folder), "--as", "admin", ok=False).stderr
    assert "scores.csv row 2, column period: '9999-12': the year must be from 1900 to 9998" in scores
