"""Aligned text columns: right-aligned cells end at the same place whatever their digits."""

from __future__ import annotations

from payplan.statements.columns import Columns, spaces, text_units


def test_right_aligned_cells_share_their_right_edge():
    cols = Columns([20, 30, 25], "lrr", 8)
    a = cols.line(["D1", "1,234,567.89", "5.00"])
    b = cols.line(["LONGER-ID", "7.10", "-12,345.00"])
    assert abs(text_units(a) - text_units(b)) <= 204  # within one hair space
    assert a.endswith("5.00") and b.endswith("-12,345.00")


def test_spaces_never_exceed_the_width_asked():
    for units in (0, 1, 204, 650, 1303, 2047, 2048, 5000):
        assert text_units(spaces(units)) <= units
        assert units - text_units(spaces(units)) < 204 or units < 204
