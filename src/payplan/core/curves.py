"""Piecewise-linear curves: metric value → attainment, score → payout ratio.

Points are (x, y) with non-decreasing x. Between points the curve is linear;
outside it is flat (the first / last y), unless a `slope` is given: past the last
point the curve then keeps rising (or falling) by `slope` per unit of x. A
repeated x is a step; `boundary` says which side owns it: "lower" (the default)
= at exactly that x the later point wins, so `[[0.7, 0], [0.7, 0.5]]` pays 50%
from 70% on; "upper" = the earlier point wins, so it pays 50% only above 70%.
Must not know about plans or money.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from decimal import Decimal

Point = tuple[Decimal, Decimal]


def interpolate(points: list[Point] | tuple[Point, ...], x: Decimal, boundary: str = "lower",
                slope: Decimal | None = None) -> Decimal:
    """The curve's value at `x`."""
    if not points:
        return x
    xs = [p[0] for p in points]
    if x < xs[0]:
        return points[0][1]
    if slope is not None and x > xs[-1]:
        return points[-1][1] + slope * (x - xs[-1])
    if boundary == "upper":
        i = bisect_left(xs, x)  # the first point at or right of x
        if i < len(points) and xs[i] == x:
            return points[i][1]
    else:
        i = bisect_right(xs, x)  # first point strictly right of x
    if i >= len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    if x1 == x0:
        return y1
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def compiled(points: list[Point] | tuple[Point, ...], boundary: str = "lower",
             slope: Decimal | None = None) -> Callable[[Decimal], Decimal]:
    """`interpolate` over fixed points, for a hot loop: the search list and each
    segment's rise and run are worked out once. The Decimal operations at `x` are
    interpolate's own, in its order, so the results are identical."""
    if not points:
        return _same
    if boundary != "lower" or slope is not None:
        return lambda x: interpolate(points, x, boundary, slope)
    xs = [p[0] for p in points]
    first_x, first_y, last_y, count = xs[0], points[0][1], points[-1][1], len(points)
    # segment i (between points i-1 and i): (x0, y0, y1 - y0, x1 - x0, a step?, y1)
    segments = [None] + [(x0, y0, y1 - y0, x1 - x0, x1 == x0, y1)
                         for (x0, y0), (x1, y1) in zip(points, points[1:])]

    def at(x: Decimal) -> Decimal:
        if x < first_x:
            return first_y
        i = bisect_right(xs, x)
        if i >= count:
            return last_y
        x0, y0, rise, run, step, y1 = segments[i]
        return y1 if step else y0 + rise * (x - x0) / run

    return at


def _same(x: Decimal) -> Decimal:
    return x


def describe(points: list[Point] | tuple[Point, ...], slope: Decimal | None = None) -> str:
    """The curve's points for the trace: '0.7→0, 1→1, 1.5→2', numbers only, so a
    template prints it as an `{x:interval}` field (its numbers in the reader's way).
    A slope past the last point reads '1.5→2, +2/1' (rising 2 per 1 of x)."""
    text = ", ".join(f"{_plain(x)}→{_plain(y)}" for x, y in points)
    if slope is not None:
        text += f", {'+' if slope >= 0 else '−'}{_plain(abs(slope))}/1"
    return text


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
