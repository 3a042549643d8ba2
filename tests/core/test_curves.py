"""Piecewise-linear curves: interpolation, clamping outside the points, steps (hand-computed)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from payplan.core.curves import describe, interpolate

PAYOUT = [(D("0.7"), D(0)), (D(1), D(1)), (D("1.5"), D(2))]  # EX15: threshold, target, stretch


@pytest.mark.parametrize("x, y", [
    ("0", "0"),        # left of the first point: flat at its y
    ("0.7", "0"),      # on the threshold point
    ("0.85", "0.5"),   # halfway from 70% to 100%
    ("1", "1"),
    ("1.2", "1.4"),    # 2x slope above target
    ("1.5", "2"),
    ("3", "2"),        # right of the last point: flat (the cap)
])
def test_linear_between_points_and_flat_outside(x, y):
    assert interpolate(PAYOUT, D(x)) == D(y)


def test_repeated_x_is_a_step_where_the_later_point_wins():
    curve = [(D("0.9"), D(0)), (D("0.9"), D("0.5")), (D(1), D(1))]
    assert interpolate(curve, D("0.8999")) == D(0)
    assert interpolate(curve, D("0.9")) == D("0.5")
    assert interpolate(curve, D("0.95")) == D("0.75")


def test_step_at_the_last_point():
    curve = [(D(0), D(0)), (D(1), D(1)), (D(1), D(2))]
    assert interpolate(curve, D("0.5")) == D("0.5")
    assert interpolate(curve, D(1)) == D(2)
    assert interpolate(curve, D(5)) == D(2)


def test_interpolation_over_raw_values_ex16():
    curve = [(D("1.43036"), D(0)), (D("1.43036"), D("0.5")), (D("1.4747"), D(1)), (D("1.54844"), D("1.8"))]
    # 1 + (1.52 − 1.4747) / (1.54844 − 1.4747) × 0.8 = 1 + 0.0453 / 0.07374 × 0.8
    expected = D(1) + D("0.8") * D("0.0453") / D("0.07374")
    assert interpolate(curve, D("1.52")) == expected
    assert expected.quantize(D("0.001")) == D("1.491")
    assert interpolate(curve, D("1.43")) == D(0)


def test_decreasing_curve_for_a_lower_is_better_metric():
    curve = [(D(10), D("1.5")), (D(20), D(1)), (D(40), D(0))]  # days to close
    assert interpolate(curve, D(5)) == D("1.5")
    assert interpolate(curve, D(15)) == D("1.25")
    assert interpolate(curve, D(30)) == D("0.5")
    assert interpolate(curve, D(90)) == D(0)


def test_single_point_is_constant_and_no_points_is_identity():
    assert interpolate([(D(1), D("0.4"))], D(0)) == D("0.4")
    assert interpolate([(D(1), D("0.4"))], D(7)) == D("0.4")
    assert interpolate([], D("1.23")) == D("1.23")


def test_describe_prints_plain_numbers():
    assert describe(PAYOUT) == "0.7→0, 1→1, 1.5→2"
