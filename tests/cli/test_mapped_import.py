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


def test_an_open_deal_won_since_is_refused_then_recorded_with_update(cli, tmp_path):
    cli("import", "--mapping", str(MAPPING), str(EXPORT), "--as", "fin")
    later = tmp_path / "later.csv"
    later.write_bytes(EXPORT.read_bytes().replace(b",Open,Sales,2026-02-26 12:00:00,,", b",Won,Sales,2026-02-26 "
                                                  b"12:00:00,2026-03-20 10:00:00,"))
    refused = cli("import", "--mapping", str(MAPPING), str(later), "--as", "fin", ok=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines() == [  # the export's own row, column and id; what to do about it
        "error: later.csv row 4, column Deal - Deal closed on: Deal - ID 103 is already stored with empty, the file "
        "has 2026-03-20", "to record the CRM's changes to rows already imported, import again with --update"]
    checked = cli("import", "--mapping", str(MAPPING), str(later), "--check", "--update", "--as", "fin").stdout
    assert checked.splitlines()[-3:] == ["deals: 1 row would change",
                                         "  Deal - ID 103, Deal - Deal closed on: empty → 2026-03-20",
                                         "  Deal - ID 103, Deal - Status: open → won"]
    assert ("103", "MGR01", "open", 4121547, 1731050) in stored(cli.db)  # a check writes nothing
    done = cli("import", "--mapping", str(MAPPING), str(later), "--update", "--as", "fin").stdout
    assert "deals: 3 rows imported (0 new), 1 skipped" in done and "deals: 1 row changed" in done
    with sqlite3.connect(cli.db) as conn:
        assert conn.execute("SELECT status, closed_at FROM deals WHERE id = '103'").fetchone() == ("won", "2026-03-20")
    again = cli("import", "--mapping", str(MAPPING), str(later), "--update", "--as", "fin").stdout
    assert "changed" not in again and "(0 new)" in again


def test_an_update_queued_as_a_job_counts_its_changes_in_jobs_show(cli, tmp_path):
    import time

    cli("import", "--mapping", str(MAPPING), str(EXPORT), "--as", "fin")
    later = tmp_path / "later.csv"
    later.write_bytes(EXPORT.read_bytes().replace(b",Open,Sales,2026-02-26 12:00:00,,", b",Won,Sales,2026-02-26 "
                                                  b"12:00:00,2026-03-20 10:00:00,"))
    job = cli("import", "--mapping", str(MAPPING), str(later), "--update", "--no-wait", "--as", "fin").stdout
    number = job.splitlines()[0]
    for _ in range(120):  # the detached local worker imports it
        shown = cli("jobs", "show", number).stdout
        if "done" in shown:
            break
        time.sleep(0.5)
    assert shown.strip() == f"job {number}: done, imported nothing new; deals: 1 row changed; 1 row skipped by the mapping"
