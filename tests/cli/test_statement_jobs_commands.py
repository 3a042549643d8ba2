"""`payplan statements --run N` as a job, through `payplan` subprocesses on a temporary SQLite
file: with PAYPLAN_JOBS=workers it waits for a worker and writes the same folder the in-process
batch writes (the same file names and manifest, the same signed calculations); `--no-wait` on the default starts a local
worker and `payplan jobs files N -o DIR` writes the files later, skipping those up to date."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from payplan.statements.batch import MANIFEST, read_manifest
from payplan.statements.calculation import attachment_hash
from payplan.statements.pdf import read_attachment

from .test_jobs_commands import payplan  # noqa: F401 - fixture


def folder(path):
    return {p.name: p.read_bytes() for p in path.iterdir() if not p.name.startswith(".")}


def test_statements_wait_for_the_workers_and_fill_the_folder_as_in_process(payplan, tmp_path):
    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    here = payplan("statements", "--run", "1", "--lang", "uk", "-o", str(tmp_path / "here"))
    assert "4 rendered, 0 already up to date" in here.stdout
    assert "--as USER" in payplan("statements", "--run", "1", "-o", str(tmp_path / "x"), jobs="workers",
                                  ok=False).stderr
    worker = subprocess.Popen([sys.executable, "-m", "payplan.cli", "worker", "--poll", "0.1"],
                              env={**payplan.env, "PAYPLAN_JOBS": "workers"}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        queued = payplan("statements", "--run", "1", "--lang", "uk", "-o", str(tmp_path / "queued"),
                         "--as", "fin1", jobs="workers")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    assert "4 rendered, 0 already up to date" in queued.stdout
    assert "printing the statements of run 1 (uk)" in queued.stderr  # progress while it waited
    queued_files, here_files = folder(tmp_path / "queued"), folder(tmp_path / "here")
    assert queued_files.keys() == here_files.keys() and queued_files[MANIFEST] == here_files[MANIFEST]
    for e in read_manifest(tmp_path / "queued").files:  # each PDF embeds the calculation its entry names
        assert attachment_hash(read_attachment(queued_files[e.file]), "uk") == e.result_hash
    assert "done, 4 statements of run 1 (uk)" in payplan("jobs", "show", "1").stdout


def test_no_wait_queues_and_jobs_files_writes_them_later(payplan, tmp_path):
    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    queued = payplan("statements", "--run", "1", "-o", str(tmp_path / "out"), "--as", "hr1", "--no-wait")
    job = queued.stdout.splitlines()[0]
    assert f"payplan jobs files {job} -o DIR" in queued.stdout
    deadline = time.monotonic() + 90
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    written = payplan("jobs", "files", job, "-o", str(tmp_path / "out"))
    assert "4 rendered, 0 already up to date" in written.stdout
    assert len([p for p in (tmp_path / "out").iterdir() if p.suffix == ".pdf"]) == 4
    again = payplan("statements", "--run", "1", "-o", str(tmp_path / "out"))  # in process: nothing to do
    assert "0 rendered, 4 already up to date" in again.stdout
    assert payplan("verify", str(next((tmp_path / "out").glob("*.pdf")))).stdout.startswith("match: ")
    assert "job 99 does not exist" in payplan("jobs", "files", "99", "-o", str(tmp_path / "x"),
                                                 ok=False).stderr and not (tmp_path / "x").exists()


def test_prune_removes_the_files_of_jobs_finished_long_ago(payplan, tmp_path):
    import sqlite3

    payplan("runs", "create", "--plan", "svc@1", "--period", "2026-03", "--as", "fin1")
    job = payplan("statements", "--run", "1", "-o", str(tmp_path / "out"), "--as", "hr1", "--no-wait").stdout.split()[0]
    deadline = time.monotonic() + 90
    while "done" not in (shown := payplan("jobs", "show", job).stdout):
        assert time.monotonic() < deadline, shown
        time.sleep(0.3)
    assert "nothing to remove" in payplan("jobs", "prune", "--older-than", "1", "--as", "admin").stdout
    refused = payplan("jobs", "prune", "--older-than", "1", "--as", "fin1", ok=False)
    assert "remove job files" in refused.stderr and "admin" in refused.stderr
    database = sqlite3.connect(tmp_path / "cli.sqlite")
    with database:
        database.execute("UPDATE jobs SET finished_at = '2026-01-01T00:00:00.000000Z'")
        size = database.execute("SELECT sum(length(content)) FROM job_files").fetchone()[0]
    database.close()
    removed = payplan("jobs", "prune", "--older-than", "30", "--as", "admin").stdout
    assert removed.startswith(f"removed 4 files ({size / 1024:.1f} KiB) of jobs finished before")
    uk = payplan("--lang", "uk", "jobs", "prune", "--older-than", "30", "--as", "admin").stdout
    assert uk.startswith("жодне завдання, завершене до ") and uk.strip().endswith("нічого видаляти"), uk
    gone = payplan("jobs", "files", job, "-o", str(tmp_path / "again"), ok=False).stderr
    assert f"the files of job {job} were removed (payplan jobs prune): print the statements of run 1 again" in gone
