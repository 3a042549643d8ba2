"""`payplan runs create --no-wait`, `payplan worker` and `payplan jobs show`, through `payplan`
subprocesses on a temporary SQLite file: a queued run is computed by a worker (started by
hand, or by `runs create --no-wait` itself on the default) and is the run `runs create`
makes in one transaction (4 reps, total 550.00: tests/runs/test_runs.py's hand-checked March)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.service_db import DATA


@pytest.fixture
def payplan(tmp_path: Path):
    env = {**os.environ, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"}
    env.pop("PAYPLAN_JOBS", None)

    def run(*args: str, ok: bool = True, jobs: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "payplan.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120, env={**env, **({"PAYPLAN_JOBS": jobs} if jobs else {})})
        assert (done.returncode == 0) == ok, f"payplan {' '.join(args)}: {done.returncode}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr
        return done
    run("db", "upgrade")
    run("users", "add", "admin", "--role", "admin")
    run("import", str(DATA / "facts"), "--as", "admin")
    run("users", "add", "fin1", "--role", "finance")
    run("users", "add", "hr1", "--role", "hr")
    run("plans", "publish", str(DATA / "plan.toml"), "--as", "hr1")
    run.env = env
    return run


def test_a_queued_run_is_computed_by_a_worker(payplan):
    queued = payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1", "--no-wait",
                     jobs="workers").stdout.splitlines()
    assert queued[0] == "1" and "payplan jobs show 1" in queued[1]
    assert "computing the run of svc@1 for 2026-03, 0 of 4 reps" in payplan("jobs", "show", "1").stdout
    assert "already computing" in payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03",
                                          "--as", "fin1", "--no-wait", jobs="workers", ok=False).stderr
    payplan("worker", "--until-idle")
    assert "job 1: done, run 1 (4 of 4 reps)" in payplan("jobs", "show", "1").stdout
    shown = payplan("runs", "show", "1", "--as", "fin1").stdout
    assert "total: 550.00" in shown
    assert "chain intact" in payplan("audit", "verify").stdout


def test_runs_create_waits_for_the_workers_and_prints_the_run_first(payplan):
    worker = subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--poll", "0.1"],
                              env={**payplan.env, "PAYPLAN_JOBS": "workers"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        created = payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1",
                          jobs="workers")
    finally:
        worker.send_signal(signal.SIGTERM)  # stops after its current step
        assert worker.wait(timeout=30) == 0
    lines = created.stdout.splitlines()
    assert lines[0] == "1" and "4 reps, total 550.00" in lines[1]
    assert "of 4 reps" in created.stderr  # progress while it waited


def test_no_wait_on_the_default_starts_a_local_worker(payplan):
    queued = payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1", "--no-wait")
    job = queued.stdout.splitlines()[0]
    deadline = time.monotonic() + 60
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert "4 of 4 reps" in shown
    assert "total: 550.00" in payplan("runs", "show", "1", "--as", "fin1").stdout


def test_runs_recompute_here_queued_and_waited_for(payplan):
    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    here = payplan("runs", "recompute", "1", "--as", "fin1").stdout.splitlines()
    assert here[0] == "1" and "4 reps, total 550.00" in here[1]
    queued = payplan("runs", "recompute", "1", "--as", "fin1", "--no-wait", jobs="workers").stdout.splitlines()
    assert queued[0] == "1" and "payplan jobs show 1" in queued[1]  # job 1 recomputes run 1
    assert "recomputing run 1 of svc@1 for 2026-03, 0 of 4 reps" in payplan("jobs", "show", "1").stdout
    assert "already recomputing run 1" in payplan("runs", "recompute", "1", "--as", "fin1", "--no-wait",
                                                  jobs="workers", ok=False).stderr
    payplan("worker", "--until-idle")
    assert "job 1: done, run 1 (4 of 4 reps)" in payplan("jobs", "show", "1").stdout
    assert "(revision 3)" in payplan("runs", "show", "1", "--as", "fin1").stdout  # recomputed twice
    worker = subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--poll", "0.1"],
                              env={**payplan.env, "PAYPLAN_JOBS": "workers"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        waited = payplan("runs", "recompute", "1", "--as", "fin1", jobs="workers")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    assert waited.stdout.splitlines()[0] == "1" and "4 reps, total 550.00" in waited.stdout
    assert "of 4 reps" in waited.stderr
    payplan("runs", "submit", "1", "--as", "fin1")
    refused = payplan("runs", "recompute", "1", "--as", "fin1", "--no-wait", ok=False)
    assert "run 1 is submitted, so it cannot be recomputed" in refused.stderr
    assert "chain intact" in payplan("audit", "verify").stdout


def fact_folder(folder: Path, deal: str) -> Path:
    """A directory of the test reps and one deal (a CSV line)."""
    folder.mkdir()
    (folder / "reps.csv").write_bytes((DATA / "facts" / "reps.csv").read_bytes())
    (folder / "deals.csv").write_text("deal_id,rep_id,created_at,closed_at,status,amount,cost,currency,product,"
                                      f"cancelled_at\n{deal}\n")
    return folder


def test_a_directory_is_imported_as_a_job(payplan, tmp_path):
    folder = fact_folder(tmp_path / "more", "JOB1,A1,2026-03-02,2026-03-20,won,300.00,10.00,USD,Core,")
    queued = payplan("import", str(folder), "--as", "fin1", "--no-wait").stdout.splitlines()
    job = queued[0]
    assert f"payplan jobs show {job}" in queued[1]
    deadline = time.monotonic() + 60
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert shown.strip() == f"job {job}: done, imported deals: 1 new"
    assert payplan("--lang", "uk", "jobs", "show", job).stdout.strip() == f"завдання {job}: виконано, імпортовано deals: 1 новий"
    again = payplan("import", str(folder), "--as", "fin1", "--no-wait").stdout.split()[0]
    while "done" not in (shown := payplan("jobs", "show", again).stdout):
        time.sleep(0.3)
    assert shown.strip() == f"job {again}: done, imported nothing new"
    refused = payplan("import", str(folder), "--as", "hr1", "--no-wait", ok=False).stderr
    assert "a hr cannot import deals, reps facts" in refused


def test_an_export_through_a_mapping_is_imported_as_a_job(payplan, tmp_path):
    from tests.jobs.test_mapped_import_job import EXPORT, MAPPING, OWNERS

    (tmp_path / "owners").mkdir()
    (tmp_path / "owners" / "crm-owners.csv").write_text(OWNERS)
    (tmp_path / "crm-deals.toml").write_text(MAPPING)
    (tmp_path / "crm.csv").write_bytes(EXPORT)
    export = ("import", str(tmp_path / "crm.csv"), "--mapping", str(tmp_path / "crm-deals.toml"), "--as", "fin1")
    refused = payplan(*export, "--check", "--no-wait", ok=False).stderr
    assert "--check says now what an import would do: it is not queued" in refused
    job = payplan(*export, "--no-wait").stdout.split()[0]
    deadline = time.monotonic() + 60
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert shown.strip() == f"job {job}: done, imported deals: 2 new; 1 row skipped by the mapping"
    assert payplan("--lang", "uk", "jobs", "show", job).stdout.strip() == (
        f"завдання {job}: виконано, імпортовано deals: 2 нові; 1 рядок пропущено за мапінгом")
    (tmp_path / "broken.toml").write_text(MAPPING.replace('version = 2', 'version = 0'))
    broken = payplan(*export[:3], str(tmp_path / "broken.toml"), "--as", "fin1", "--no-wait", ok=False).stderr
    assert "broken.toml, key version: a whole number of at least 1" in broken


def test_a_failed_import_job_says_its_problems_in_the_commands_language(payplan, tmp_path):
    folder = fact_folder(tmp_path / "bad", "JOB2,A1,2026-03-02,2026-03-20,won,3OO.00,10.00,USD,Core,")
    job = payplan("import", str(folder), "--as", "fin1", "--no-wait").stdout.split()[0]
    deadline = time.monotonic() + 60
    while "failed" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert shown.strip() == (f"job {job}: failed: nothing was imported: "
                             "deals.csv row 2, column amount: '3OO.00' is not a decimal amount")
    assert payplan("--lang", "uk", "jobs", "show", job).stdout.strip() == (
        f"завдання {job}: не вдалося: нічого не імпортовано: "
        "deals.csv, рядок 2, стовпець amount: '3OO.00' — не десяткова сума")
    worker = subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--poll", "0.1"],
                              env={**payplan.env, "PAYPLAN_JOBS": "workers"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:  # waiting for the workers, the import fails with the same reason, in Ukrainian too
        waited = payplan("--lang", "uk", "import", str(folder), "--as", "fin1", ok=False, jobs="workers")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    assert "нічого не імпортовано: deals.csv, рядок 2, стовпець amount: '3OO.00' — не десяткова сума" in waited.stderr


def test_an_adjustment_is_queued_and_shown(payplan):
    payplan("users", "add", "fin2", "--role", "finance")
    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    payplan("runs", "submit", "1", "--as", "fin1")
    payplan("runs", "approve", "1", "--as", "fin2")
    payplan("import", str(DATA / "late"), "--as", "admin")  # D5: A2 from 100.00 to 150.00
    queued = payplan("runs", "adjust", "1", "--as", "fin1", "--no-wait", jobs="workers").stdout.splitlines()
    job = queued[0]
    assert f"payplan jobs show {job}" in queued[1]
    assert payplan("jobs", "show", job).stdout.strip() == \
        f"job {job}: computing an adjustment of svc@1 for 2026-03, 0 of 4 reps"
    assert f"job {job} is already computing an adjustment of run 1" in payplan(
        "runs", "adjust", "1", "--as", "fin1", "--no-wait", jobs="workers", ok=False).stderr
    payplan("worker", "--until-idle")
    assert payplan("jobs", "show", job).stdout.strip() == f"job {job}: done, run 2 (4 of 4 reps)"
    shown = payplan("runs", "show", "2", "--as", "fin1").stdout
    assert "run 2: adjustment, svc@1, 2026-03, draft" in shown and "adjusts run 1" in shown
    assert "total: 50.00" in shown


def test_a_simulation_is_queued_and_its_report_written_later(payplan, tmp_path):
    proposal = tmp_path / "svc-15.toml"  # a draft: its text travels with the job
    proposal.write_text((DATA / "plan.toml").read_text().replace("rate = 0.10", "rate = 0.15"))
    asked = ("simulate", "--baseline", "svc@1", "--proposal", str(proposal), "--periods", "2026-03..2026-03")
    assert "--no-wait queues a job on someone's behalf: give --as USER" in payplan(*asked, "--no-wait", ok=False).stderr
    assert "a finance cannot run simulations (only hr, admin)" in payplan(*asked, "--as", "fin1", "--no-wait", ok=False).stderr
    job = payplan(*asked, "--as", "hr1", "--no-wait").stdout.split()[0]
    deadline = time.monotonic() + 60
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert shown.strip() == f"job {job}: done, its report: payplan simulate --job {job}"
    queued = json.loads(payplan("simulate", "--job", job, "--format", "json").stdout)
    here = json.loads(payplan(*asked, "--format", "json").stdout)  # in place, as before
    assert queued["comparison"] == here["comparison"]  # every rep's pay under both plans
    # 10% → 15% of March's won revenue (hand-checked in tests/runs/test_runs.py: 550.00 paid under 10%)
    # A1 2000 → 300, A2 500 → 75 topped up to 100, A3 1500 → 225, B1 the 100 guarantee
    totals = queued["comparison"]["totals"]
    assert (totals["baseline"]["total"], totals["proposal"]["total"]) == ("550.00", "725.00")
    missing = payplan("simulate", "--job", "999", ok=False).stderr
    assert "simulation 999 does not exist" in missing
