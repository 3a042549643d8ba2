"""`payplan statements --run N -o DIR` over reps whose ids sanitise alike (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys

import msgspec

from payplan.facts.audited import import_directory
from payplan.runs import lifecycle as runs
from payplan.statements.batch import MANIFEST
from payplan.statements.verify import verify_file
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - fixtures

from .test_batch import TRICKY


def test_a_runs_batch_writes_a_file_per_rep_and_then_nothing(db_url, tx, company, tmp_path):
    facts = tmp_path / "facts"
    facts.mkdir()
    rows = "".join(f"{rep},Rep {n},r{n}@example.com,AE,East,,2025-01-01,,USD\n" for n, rep in enumerate(TRICKY))
    (facts / "reps.csv").write_text("rep_id,name,email,role,team,manager_id,hired_on,terminated_on,currency\n" + rows,
                                    encoding="utf-8")
    tx(import_directory, facts, company.admin)
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    out = tmp_path / "out"
    env = {**os.environ, "PAYPLAN_DATABASE_URL": db_url}

    def statements() -> str:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", "statements", "--run", str(run.id), "-o", str(out),
                               "--workers", "2"], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "12 rendered" in statements()  # the 8 reps and the 4 reps of the service facts
    files = msgspec.json.decode((out / MANIFEST).read_bytes())["files"]
    assert {e["rep_id"] for e in files} >= set(TRICKY) and len({e["file"] for e in files}) == len(files) == 12
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(e["file"] for e in files)
    assert all(verify_file(out / e["file"]).ok for e in files if e["rep_id"] in ("ZZ/1", "Олег"))
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert "0 rendered, 12 already up to date" in statements()
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
