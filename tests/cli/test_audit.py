"""`payplan audit anchor | verify --anchor | rekey` end to end, through `payplan` subprocesses, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, insert, select, update

from payplan.cli.main import cli
from payplan.store.db import make_engine
from payplan.store.records import canonical_json
from payplan.store.service_schema import audit_log, run_results, users
from tests.service_db import DATA, db_url  # noqa: F401 - SQLite and a throw-away PostgreSQL database


def _payplan(env: dict, cwd: Path):
    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, cwd=cwd,
                              capture_output=True, text=True, timeout=120)
        assert (done.returncode == 0) == ok, f"payplan {' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done
    return run


@pytest.fixture
def books(db_url, tmp_path):
    """An approved run written through the commands; `sql` runs statements on the same database."""
    payplan = _payplan({**os.environ, "PAYPLAN_DATABASE_URL": db_url}, tmp_path)
    payplan("db", "upgrade")
    for name, role in (("admin", "admin"), ("fin1", "finance"), ("fin2", "finance"), ("hr1", "hr")):
        payplan("users", "add", name, "--role", role)
    payplan("import", str(DATA / "facts"), "--as", "admin")
    payplan("plans", "publish", str(DATA / "plan.toml"), "--as", "hr1")
    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    payplan("runs", "submit", "1", "--as", "fin1")
    payplan("runs", "approve", "1", "--as", "fin2")
    engine = make_engine(db_url)

    def sql(statement):
        with engine.begin() as conn:
            return conn.execute(statement)
    payplan.sql = sql
    yield payplan
    engine.dispose()


def test_anchor_then_verify_appended_truncated_forged(books):
    anchor = books("audit", "anchor").stdout.strip()
    seq = int(anchor.split(":")[0])
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", anchor) and seq == 10  # 4 users, 2 files, 1 plan, 3 run steps
    assert "hash chain intact" in books("audit", "verify", "--anchor", anchor).stdout

    books("runs", "pay", "1", "--as", "fin1")  # honest work after the anchor: listed, not an error
    out = books("audit", "verify", "--anchor", anchor).stdout
    assert f"1 row appended after the anchor {seq}:" in out and f"audit row {seq + 1}: run.pay run 1 by fin1" in out
    uk = books("--lang", "uk", "audit", "verify", "--anchor", anchor).stdout
    assert f"рядок аудиту {seq + 1}: run.pay run 1, виконав(ла) fin1," in uk and "by fin1" not in uk

    books.sql(delete(audit_log).where(audit_log.c.id >= seq))  # truncated: the anchored row is gone
    failed = books("audit", "verify", "--anchor", anchor, ok=False)
    assert f"the log ends at row {seq - 1} but the anchor names row {seq}" in failed.stderr


def test_a_forged_row_and_an_edited_result_fail(books):
    anchor = books("audit", "anchor").stdout.strip()
    last = books.sql(select(audit_log).order_by(audit_log.c.id.desc()).limit(1)).mappings().one()
    row = {"id": last["id"] + 1, "at": last["at"], "actor": "fin2", "action": "run.pay", "object": "run 1",
           "detail": canonical_json({}), "prev_hash": last["hash"], "hash": "0" * 64}
    books.sql(insert(audit_log).values(**row))
    failed = books("audit", "verify", "--anchor", anchor, ok=False)
    assert f"audit row {row['id']}: its content does not match its hash (the row was edited)" in failed.stderr
    uk = books("--lang", "uk", "audit", "verify", "--anchor", anchor, ok=False)
    assert uk.stderr == (f"рядок аудиту {row['id']}: його вміст не відповідає його хешу (рядок відредаговано)\n")
    books.sql(delete(audit_log).where(audit_log.c.id == row["id"]))

    books.sql(update(run_results).where(run_results.c.rep_id == "A1").values(total=Decimal("2000.00")))
    failed = books("audit", "verify", "--anchor", anchor, ok=False)
    assert "run 1, rep A1: stored total 2000.00 is not its result's total 200.00" in failed.stderr

    books.sql(update(run_results).where(run_results.c.rep_id == "A1").values(total=Decimal("200.00")))
    books.sql(update(users).where(users.c.name == "hr1").values(role="admin"))
    failed = books("audit", "verify", "--anchor", anchor, ok=False)
    hr1 = books.sql(select(users.c.id).where(users.c.name == "hr1")).scalar_one()
    assert f"users {hr1}: does not match its digest in audit row" in failed.stderr


def test_bad_anchor_is_a_usage_error(books):
    done = books("audit", "verify", "--anchor", "12:nothex", ok=False)
    assert done.returncode == 2 and "SEQ:MAC" in done.stderr
    assert books.sql(select(func.count()).select_from(audit_log)).scalar_one() == 10


def test_keys_are_generated_once_beside_a_sqlite_database_and_never_in_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PAYPLAN_KEY_DIR", "PAYPLAN_AUDIT_KEY")}
    database = tmp_path / "books.sqlite"
    payplan = _payplan({**env, "PAYPLAN_DATABASE_URL": f"sqlite:///{database}"}, tmp_path)
    payplan("db", "upgrade")
    payplan("users", "add", "admin", "--role", "admin")
    key = tmp_path / "books.sqlite.audit-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    payplan("users", "add", "fin1", "--role", "finance")
    assert key.read_text() == first and first.strip() not in database.read_bytes().decode("latin-1")
    pem = payplan("keys", "show").stdout
    signing = tmp_path / "books.sqlite.signing-key"
    assert pem.startswith("-----BEGIN PUBLIC KEY-----") and stat.S_IMODE(signing.stat().st_mode) == 0o600
    assert "hash chain intact" in payplan("audit", "verify").stdout
    key.write_text("00" * 32 + "\n")  # a different key: every MAC fails, and the message says why
    failed = payplan("audit", "verify", ok=False)
    assert "PAYPLAN_AUDIT_KEY is not the key this log was written with" in failed.stderr


def test_a_malformed_audit_anchor_is_refused_in_ukrainian():
    result = CliRunner().invoke(cli, ["--lang", "uk", "audit", "verify", "--anchor", "nonsense"])
    assert result.exit_code == 2
    assert "вкажіть SEQ:MAC так, як його надрукувала `payplan audit anchor`" in result.output
