"""`payplan import DIR --update`: a deal the CRM cancelled after its import, as finance records it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"


def test_the_month_after_a_won_deal_the_crm_cancels_it(tmp_path: Path):
    env = {**os.environ, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'pp.sqlite'}", "PAYPLAN_JOBS": "local"}

    def payplan(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, capture_output=True, text=True,
                              timeout=300)
        assert "Traceback" not in done.stderr
        return done

    payplan("db", "upgrade")
    payplan("users", "add", "fiona", "--role", "finance")
    assert payplan("import", str(DEMO), "--as", "fiona").returncode == 0
    header, *rows = (DEMO / "deals.csv").read_text().splitlines()
    won = next(r for r in rows if r.startswith("D0002,"))
    assert won.split(",")[4:10] == ["won", "12556.09", "9040.38", "USD", "analytics", ""]
    may = tmp_path / "may"
    may.mkdir()
    (may / "reps.csv").write_text((DEMO / "reps.csv").read_text())
    cells = won.split(",")
    cells[4], cells[9] = "cancelled", "2026-05-03"
    (may / "deals.csv").write_text(f"{header}\n{','.join(cells)}\n")
    refused = payplan("import", str(may), "--as", "fiona")
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("error: deals.csv row 2, column status: deal_id D0002 is already stored with "
                                      "won, the file has cancelled\nto record the CRM's changes to rows already "
                                      "imported, import again with --update")
    done = payplan("--lang", "uk", "import", str(may), "--as", "fiona", "--update")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-3:] == ["deals: змінено 1 рядок", "  deal_id D0002, status: won → cancelled",
                          "  deal_id D0002, cancelled_at: порожнє → 2026-05-03"]
    assert payplan("import", str(may), "--as", "fiona", "--update").stdout.count("changed") == 0  # done already
