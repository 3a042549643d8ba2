"""Plan text bounded before tomllib: each limit named with file and line, real plans untouched, fast."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from payplan.plans.files import check_plan_text, load_plan_text
from payplan.plans.text_limits import MAX_CHARS, MAX_DEPTH, MAX_KEY_PARTS, MAX_LINE, MAX_NUMBER, text_problems

ROOT = Path(__file__).parents[2]
REAL = sorted([*ROOT.glob("plans/**/*.toml"), *ROOT.glob("tests/data/plans/**/*.toml"),
               *ROOT.glob("tests/examples/*/plan.toml")])
AE = (ROOT / "plans" / "ae-2026-v1.toml").read_text(encoding="utf-8")
AFTER = f"p.toml:{AE.count(chr(10)) + 2}"  # the line of text appended after AE and a blank line


def codes(text: str) -> list[tuple[str, str]]:
    return [(i.code, i.where) for i in text_problems(text, "p.toml")]


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(ROOT)))
def test_real_plans_are_far_inside_every_limit(path):
    assert text_problems(path.read_text(encoding="utf-8"), str(path)) == []


def test_the_probe_339_kb_dotted_key_answers_at_once():
    text = "a" + ".a" * 169_500 + " = 1\n"  # 339,004 characters: tomllib took > 120 s on it
    start = time.perf_counter()
    plan, issues = load_plan_text(text, "p.toml")
    assert time.perf_counter() - start < 0.5
    assert plan is None
    assert [(i.code, i.where) for i in issues] == [("plan-too-large", "p.toml")]
    assert f"{len(text):,} characters; at most 200,000" in issues[0].message


def test_a_dotted_key_within_the_size_limit_is_refused_by_its_parts():
    text = AE + "\nx" + ".x" * MAX_KEY_PARTS + " = 1\n"  # 17 parts
    assert codes(text) == [("key-too-long", AFTER)]
    assert codes(AE + "\nx" + ".x" * (MAX_KEY_PARTS - 1) + " = 1\n") == []  # 16 parts pass the scan


def test_toml_nested_500_deep_is_refused_with_its_line():
    arrays = AE + "\ndeep = " + "[" * 500 + "]" * 500 + "\n"
    tables = "x = {" + "a = {" * 500 + "}" * 501
    assert codes(arrays) == [("too-deep", AFTER)]
    assert codes(tables) == [("too-deep", "p.toml:1")]
    plan, issues = load_plan_text(tables, "p.toml")
    assert plan is None and f"more than {MAX_DEPTH} deep" in issues[0].message


def test_nesting_at_the_limit_passes_the_scan():
    # a table header's brackets count too: [[a]] is depth 2
    assert codes("a = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH) == []
    assert codes("a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) == [("too-deep", "p.toml:1")]


def test_brackets_dots_and_quotes_inside_strings_and_comments_do_not_count():
    text = ('a = "' + "[" * 75 + ".a" * 18 + '"\n'
            "b = '''\n" + "[" * 40 + "'''''\n"
            'c = """\\"""' + "{" * 40 + '"""\n'
            "# " + "[" * 40 + "." * 40 + "\n"
            "d = '" + "." * 40 + "'\n")
    assert codes(text) == []
    values = tomllib.loads(text)  # TOML reads the same strings the scan skipped
    assert values["b"] == "[" * 40 + "''" and values["c"] == '"""' + "{" * 40 and values["d"] == "." * 40


def test_a_long_line_and_a_long_number_are_named():
    long_line = AE + "\n# " + "x" * MAX_LINE + "\n"
    assert codes(long_line) == [("line-too-long", AFTER)]
    digits = "n = " + "1" * 5000 + "\n"  # int() refuses more than 4300 digits
    found = dict(codes(digits))
    assert found["value-too-long"] == "p.toml:1" and found["line-too-long"] == "p.toml:1"
    assert codes("n = " + "1" * MAX_NUMBER + "\n") == []


def test_size_limit_is_inclusive():
    assert codes("#" * MAX_CHARS)[0][0] != "plan-too-large"
    assert codes("#" * (MAX_CHARS + 1)) == [("plan-too-large", "p.toml")]


@pytest.mark.parametrize("text", ["a = " + "[" * 500 + "]" * 500, "a = " + "1" * 5000])
def test_check_plan_text_never_raises_on_the_probes(text):
    plan, issues = check_plan_text(text, "p.toml")
    assert plan is None and issues and all(i.severity == "error" for i in issues)
