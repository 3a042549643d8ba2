"""Lint that respects decisions (issue #15): `[lint] accept` turns a warning into an accepted one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from payplan.plans.files import check_plan_text

ROOT = Path(__file__).resolve().parents[2]

# The smallest plan with a warning: a commission on revenue that nothing checks against margin.
PLAN = """
id = "accept"
version = 1
name = "Revenue commission, margin knowingly ignored"
effective_from = 2026-01-01
period = "month"
currency = "USD"

[[components]]
kind = "commission"
id = "rev"
rate = 0.04
"""
ACCEPT = """
[lint]
accept = [{ rule = "ignores-margin", reason = "resellers sell at list price: margin is fixed" }]
"""


def check(text: str) -> list:
    plan, issues = check_plan_text(text, "accept.toml")
    assert plan is not None
    return issues


def test_without_accept_the_warning_is_a_warning():
    (issue,) = check(PLAN)
    assert (issue.severity, issue.code) == ("warning", "ignores-margin")


def test_an_accepted_warning_is_reported_as_accepted_with_its_reason():
    (issue,) = check(PLAN + ACCEPT)
    assert (issue.severity, issue.code) == ("accepted", "ignores-margin")
    assert issue.reason == "resellers sell at list price: margin is fixed"
    assert issue.where == "accept.toml:9: components[0].base (commission rev)"
    assert str(issue).endswith("[ignores-margin] (resellers sell at list price: margin is fixed)")


def test_accept_limited_to_a_key_path():
    here = PLAN + '[lint]\naccept = [{ rule = "ignores-margin", reason = "fixed", where = "components[0]" }]\n'
    assert [i.severity for i in check(here)] == ["accepted"]
    elsewhere = PLAN + '[lint]\naccept = [{ rule = "ignores-margin", reason = "fixed", where = "components[1]" }]\n'
    assert sorted((i.severity, i.code) for i in check(elsewhere)) == [
        ("warning", "accept-unused"), ("warning", "ignores-margin")]


def test_an_accept_without_a_reason_is_an_error():
    issues = check(PLAN + '[lint]\naccept = [{ rule = "ignores-margin", reason = " " }]\n')
    error = [i for i in issues if i.severity == "error"]
    assert [i.code for i in error] == ["accept-reason"]
    assert error[0].where == "accept.toml:14: lint.accept[0].reason"


def test_an_accept_for_a_rule_that_never_fires_is_a_warning():
    issues = check(PLAN + ACCEPT.replace("]\n", "]\n", 1).replace(
        "}]", '}, { rule = "volume-only", reason = "no scorecard yet" }]'))
    assert sorted((i.severity, i.code) for i in issues) == [("accepted", "ignores-margin"), ("warning", "accept-unused")]
    unused = next(i for i in issues if i.code == "accept-unused")
    assert "'volume-only'" in unused.message and "lint.accept[1].rule" in unused.where


def test_errors_are_never_accepted():
    text = PLAN.replace("rate = 0.04", "rate = 0.04\ntarget_incentive = 100") + \
        '[lint]\naccept = [{ rule = "conflicting-fields", reason = "we like both" }]\n'
    codes = sorted((i.severity, i.code) for i in check(text))
    assert ("error", "conflicting-fields") in codes and ("warning", "accept-unused") in codes


def test_plans_check_prints_accepted_warnings_as_accepted(tmp_path):
    (tmp_path / "p.toml").write_text(PLAN + ACCEPT, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "payplan.cli", "plans", "check", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "LANG": "C"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "accepted: commission rev pays on revenue" in out.stdout
    assert "(resellers sell at list price: margin is fixed)" in out.stdout
    assert "checked 1 plan file: 0 errors, 0 warnings" in out.stdout
    assert "1 warning accepted by its plan" in out.stdout
