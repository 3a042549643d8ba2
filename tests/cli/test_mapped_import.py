"""`payplan import --mapping M EXPORT [--check]` end to end, through `payplan` subprocesses on SQLite."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_service_commands import payplan  # noqa: F401 - the subprocess fixture

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "tests" / "facts" / "data" / "crm" / "mappings" / "pipedrive-deals.toml"
EXPORT = ROOT / "tests" / "facts" / "data" / "crm" / "pipedrive-deals.csv"


@pytest.fixture
def cli(payplan, tmp_path: Path):
    """`payplan` on a fresh SQLite file holding the demo reps and a finance user "fin"."""
    run = payplan
    run("db", "upgrade")
    run("users", "add", "fin", "--role", "finance")
    (tmp_path / "reps").mkdir()
    shutil.copy(ROOT / "examples" / "demo" / "reps.csv", tmp_path / "reps" / "reps.csv")
    run("import", str(tmp_path / "reps"), "--as", "fin")
    return run


def stored(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, rep_id, status, amount, cost FROM deals ORDER BY id").fetchall()


def test_check_then_import_then_import_again(cli):
    checked = cli("import", "--mapping", str(MAPPING), str(EXPORT), "--check", "--as", "fin").stdout
    assert "deals: 3 rows would be imported (3 new), 1 skipped" in checked
    assert "row 5 skipped: partner deals are not paid on" in checked and stored(cli.db) == []
    assert f"{EXPORT.name} (pipedrive-deals v1) → deals: 3 rows imported (3 new), 1 skipped" in cli(
        "import", "--mapping", str(MAPPING), str(EXPORT), "--as", "fin").stdout  # the mapping and its version
    # amounts in cents: 12556.09 − 3515.71 = 9040.38; 4286.40 − 1071.60 = 3214.80; 41215.47 − 23904.97 = 17310.50
    assert stored(cli.db) == [("101", "MGR01", "won", 1255609, 904038), ("102", "MGR02", "lost", 428640, 321480),
                                  ("103", "MGR01", "open", 4121547, 1731050)]
    again = cli("import", "--mapping", str(MAPPING), str(EXPORT), "--as", "fin").stdout
    assert "(0 new)" in again and len(stored(cli.db)) == 3


def test_a_bad_export_is_named_and_nothing_is_imported(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(EXPORT.read_bytes().replace(b",Lost,", b",Frozen,"))
    checked = cli("import", "--mapping", str(MAPPING), str(bad), "--check", "--as", "fin", ok=False)
    assert checked.returncode == 1
    assert "bad.csv row 3, column Deal - Status: 'Frozen' is not a stage of mapping pipedrive-deals" in checked.stderr
    refused = cli("import", "--mapping", str(MAPPING), str(bad), "--as", "fin", ok=False)
    assert "bad.csv row 3, column Deal - Status" in refused.stderr and stored(cli.db) == []


def test_the_directory_form_still_works_and_arguments_are_checked(cli):
    assert cli("import", str(EXPORT), "--as", "fin", ok=False).returncode == 2  # a file without --mapping
    assert cli("import", "--mapping", str(MAPPING), str(EXPORT.parent), "--as", "fin", ok=False).returncode == 2
