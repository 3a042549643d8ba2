"""Statements of a run in the service database, through `payplan` subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import AE_PLAN, DEMO, needs_poppler, pdftotext

pytestmark = needs_poppler


@pytest.fixture
def payplan(tmp_path: Path):
    env = {**os.environ, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'svc.sqlite'}"}

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert (done.returncode == 0) == ok, f"payplan {' '.join(args)}: {done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done
    return run


def test_run_statements_draft_then_approved(payplan, tmp_path):
    payplan("db", "upgrade")
    payplan("users", "add", "admin", "--role", "admin")
    for name, role in (("fin1", "finance"), ("fin2", "finance"), ("hr1", "hr")):
        payplan("users", "add", name, "--role", role)
    payplan("import", str(DEMO), "--as", "admin")
    payplan("plans", "publish", str(AE_PLAN), "--as", "hr1")
    run = payplan("runs", "create", "--plan", "ae-2026@1", "--period", "2026-03", "--as", "fin1").stdout.split()[0]

    draft = tmp_path / "draft.pdf"
    payplan("statement", "--run", run, "--rep", "AE01", "-o", str(draft))
    assert f"Run #{run} · Draft" in pdftotext(draft)
    assert "match" in payplan("verify", str(draft)).stdout

    payplan("runs", "submit", run, "--as", "fin1")
    payplan("runs", "approve", run, "--as", "fin2")
    approved = tmp_path / "approved.pdf"
    payplan("statement", "--run", run, "--rep", "AE01", "--lang", "uk", "-o", str(approved))
    assert "Затвердив(ла) fin2" in " ".join(pdftotext(approved, layout=False).split())
    assert "match" in payplan("verify", str(approved)).stdout

    out = tmp_path / "all"
    assert "6 rendered" in payplan("statements", "--run", run, "-o", str(out)).stdout
    assert "0 rendered, 6 already up to date" in payplan("statements", "--run", run, "-o", str(out)).stdout
    payplan("statement", "--run", run, "--rep", "NOBODY", "-o", str(tmp_path / "x.pdf"), ok=False)
