"""Input limits of `payplan.core.bounds`: JSON nesting found exactly, plan numbers bounded."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payplan.core.bounds import (
    FACT_MICRO, FACT_MONEY, JSON_DEPTH, PLAN_INTEGER, json_too_deep, places, plan_number_problem,
)

# Keys and strings full of what could fool a scanner: brackets, quotes, backslashes.
TRICKY = st.text(alphabet='[]{}"\\ab\n\u00e9', max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TRICKY, children, max_size=3),
    max_leaves=40,
)


def depth(value) -> int:
    """Nesting depth computed on the decoded value (independent of the scan)."""
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@given(JSON_VALUES, st.integers(min_value=0, max_value=12))
@settings(max_examples=400, deadline=None)
def test_json_depth_scan_agrees_with_the_decoded_depth(value, limit):
    data = json.dumps(value, ensure_ascii=False).encode()
    assert json_too_deep(data, limit) == (depth(value) > limit)


def test_json_10000_deep_is_too_deep_and_32_is_not():
    assert json_too_deep(b"[" * 10_000 + b"]" * 10_000)
    assert not json_too_deep(b"[" * JSON_DEPTH + b"]" * JSON_DEPTH)
    assert json_too_deep(b"[" * (JSON_DEPTH + 1) + b"]" * (JSON_DEPTH + 1))
    assert not json_too_deep(json.dumps({"a": "[" * 1000}).encode())  # brackets in a string


def test_json_scan_grows_linearly_with_the_body():
    """10 MB take about ten times what 1 MB takes (a quadratic scan would take a hundred):
    a ratio of CPU times, each the best of three, so a loaded machine does not fail it."""
    def body(n: int) -> bytes:
        return b"[" + b'{"a":"x[\\"","b":[1,2,{"c":"]]"}]},' * n + b"{}]"

    def best(data: bytes) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            assert not json_too_deep(data)
            times.append(time.process_time() - start)
        return max(min(times), 1e-4)

    assert best(body(300_000)) < 30 * best(body(30_000))


@pytest.mark.parametrize("text, reason", [
    ("NaN", "not a finite number"), ("Infinity", "not a finite number"),
    ("1E+15", "out of range"), ("-1000000000000000", "out of range"),
    ("1E-999999", "more than 28 decimal places"), ("1E-29", "more than 28 decimal places"),
])
def test_unusable_plan_numbers(text, reason):
    assert reason in plan_number_problem(Decimal(text))


@pytest.mark.parametrize("text", ["0", "999999999999999.999999999999", "-0.05", "1E-12", "1E+14"])
def test_usable_plan_numbers(text):
    assert plan_number_problem(Decimal(text)) is None


def test_plan_integers_below_a_billion():
    assert plan_number_problem(999_999_999) is None
    assert "too large" in plan_number_problem(PLAN_INTEGER)
    assert plan_number_problem(True) is None


def test_fact_limits_are_the_64_bit_columns():
    # 2^63 = 9223372036854775808: the largest cents and millionths a signed 64-bit integer holds
    assert FACT_MONEY == Decimal("92233720368547758.07")
    assert FACT_MICRO == Decimal("9223372036854.775807")


def test_places():
    assert [places(Decimal(t)) for t in ("1.50", "1E+3", "1E-7", "12")] == [2, 0, 7, 0]
