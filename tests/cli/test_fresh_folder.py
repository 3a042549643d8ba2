"""Database commands in a folder with no payplan database (or one at an old schema) say so in
one line, exit non-zero, print no traceback and create no file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [
    ["users", "add", "bob", "--role", "admin"],
    ["import", str(ROOT / "examples" / "demo"), "--as", "bob"],
    ["plans", "publish", str(ROOT / "plans" / "sdr-2026.toml"), "--as", "bob"],
    ["runs", "create", "--plan", "sdr-2026@1", "--period", "2026-03", "--as", "bob"],
    ["runs", "submit", "1", "--as", "bob"],
    ["runs", "approve", "1", "--as", "bob"],
    ["runs", "reject", "1", "--reason", "x", "--as", "bob"],
    ["runs", "pay", "1", "--as", "bob"],
    ["runs", "show", "1", "--as", "bob"],
    ["runs", "adjust", "1", "--as", "bob"],
    ["runs", "list"],
    ["audit", "verify"],
    ["statement", "--run", "1", "--rep", "AE01", "-o", "s.pdf"],
    ["statements", "--run", "1", "-o", "out"],
    ["simulate", "--baseline", "ae-2026@1", "--proposal", "ae-2026@2", "--periods", "2026-01..2026-03"],
    ["serve", "--port", "1"],
]


def _payplan(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PAYPLAN_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "payplan.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_database_command_in_an_empty_folder_says_what_to_run(args: list[str], tmp_path: Path) -> None:
    done = _payplan(args, tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip() == "error: no payplan database at payplan.sqlite: run `payplan db upgrade` first"
    assert "Traceback" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_database_at_an_old_revision_says_what_to_run(tmp_path: Path) -> None:
    assert _payplan(["db", "upgrade"], tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "payplan.sqlite") as db:
        db.execute("UPDATE alembic_version SET version_num = '0000_before'")
    done = _payplan(["runs", "show", "1", "--as", "bob"], tmp_path)
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1
    assert "is at revision 0000_before" in done.stderr and "run `payplan db upgrade` first" in done.stderr


def test_after_db_upgrade_the_commands_work(tmp_path: Path) -> None:
    assert _payplan(["db", "upgrade"], tmp_path).returncode == 0
    done = _payplan(["users", "add", "bob", "--role", "admin"], tmp_path)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1]
