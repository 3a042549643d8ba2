"""`payplan plans check` and `plans publish` on the reliability probe's plans: exit 1, file and line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import payplan as payplan_package
from payplan.cli.main import cli

AE = (Path(__file__).parents[2] / "plans" / "ae-2026-v1.toml").read_text(encoding="utf-8")
TARGET_LINE = AE.splitlines().index("target = 8") + 1


def check(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    path = tmp_path / "probe.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["plans", "check", str(path)])
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, [line.replace(str(path), "probe.toml") for line in result.output.splitlines()]


def test_check_refuses_a_target_of_1e_minus_999999(tmp_path):
    code, lines = check(tmp_path, AE.replace("target = 8\n", "target = 1e-999999\n"))
    assert code == 1
    assert lines[0] == (f"probe.toml:{TARGET_LINE}: components[0].kpis[0].target (scorecard kpi_bonus, kpi demos): "
                        "error: target: 1E-999999 has more than 28 decimal places [bad-number]")


def test_check_refuses_a_plan_whose_rehearsal_fails(tmp_path):
    # a clawback window reaching before year 1: the rehearsal's date arithmetic overflows
    code, lines = check(tmp_path, AE.replace("window_days = 90", "window_days = 99999999"))
    assert code == 1 and "[evaluation-fails]" in lines[0] and "date value out of range" in lines[0]


@pytest.mark.parametrize("old, new", [("effective_to = 2026-06-30", "effective_to = 9999-12-31"),
                                      ("effective_from = 2026-01-01", "effective_from = 0001-01-01")])
def test_check_refuses_a_plan_date_outside_1900_to_9998_naming_its_key(tmp_path, old, new):
    key, _, day = new.partition(" = ")
    line = AE.splitlines().index(old) + 1
    code, lines = check(tmp_path, AE.replace(old, new))
    assert code == 1
    assert lines[0] == f"probe.toml:{line}: {key}: error: {key}: {day} is outside the years 1900 to 9998 [bad-date]"


@pytest.mark.parametrize("text, code_name", [
    ("a" + ".a" * 169_500 + " = 1\n", "plan-too-large"),
    ("x = {" + "a = {" * 500 + "}" * 501, "too-deep"),
    ("n = " + "7" * 5000 + "\n", "value-too-long"),
])
def test_check_answers_the_hostile_texts_fast(tmp_path, text, code_name):
    start = time.perf_counter()
    code, lines = check(tmp_path, text)
    assert time.perf_counter() - start < 2
    assert code == 1 and any(f"[{code_name}]" in line for line in lines)


def test_publish_refuses_the_1e_minus_999999_plan_without_traceback(tmp_path):
    source = str(Path(payplan_package.__file__).parents[1])  # these sources, whatever the cwd
    env = {**os.environ, "PAYPLAN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "PYTHONPATH": source}
    plan = tmp_path / "tiny.toml"
    plan.write_text(AE.replace("target = 8\n", "target = 1e-999999\n"), encoding="utf-8")

    def payplan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "payplan.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    assert payplan("db", "upgrade").returncode == 0
    assert payplan("users", "add", "hr1", "--role", "hr").returncode == 0
    done = payplan("plans", "publish", str(plan), "--as", "hr1")
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    assert f"{plan}:{TARGET_LINE}: components[0].kpis[0].target" in done.stderr + done.stdout
    assert "1E-999999 has more than 28 decimal places" in done.stderr + done.stdout
