"""The tally's band lookup (`ladder.reach`) answers exactly what `band_index` answers.

Bands are drawn as the linter allows them and as it does not: edges that follow one
another, gaps, zero-width bands, an open or closed last band, a first band starting
below, at or above 0; values on, between, below and above the edges; both boundaries.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from payplan.core.tally.ladder import reach
from payplan.core.tiers import Band, band_index

EDGES = st.sampled_from([Decimal(x) for x in ("-5", "0", "0.5", "1", "1.0", "2.25", "10", "100")])


@st.composite
def bands(draw) -> list[Band]:
    edges = sorted(draw(st.lists(EDGES, min_size=1, max_size=6)))
    out, start = [], edges[0]
    for stop in edges[1:]:
        if draw(st.integers(0, 5)) == 0 and stop > start:  # now and then a gap before the next band
            start = stop
            continue
        out.append(Band(start, stop, Decimal("0.1")))
        start = stop
    if not out or draw(st.booleans()):
        out.append(Band(start, None, Decimal("0.2")))
    return out


@settings(max_examples=400, deadline=None)
@given(bands(), st.sampled_from(["lower", "upper"]), st.lists(EDGES | st.decimals("-6", "120", places=2), max_size=8))
def test_reach_is_band_index(bands_, boundary, values):
    find = reach(bands_, boundary)
    for value in values + [band.start for band in bands_] + [band.stop for band in bands_ if band.stop is not None]:
        assert find(value) == band_index(bands_, value, boundary), (bands_, boundary, value)


def test_contiguous_bands_are_bisected_and_gaps_are_not():
    """The fast path is really taken for the usual ladder (else this file proves nothing)."""
    ladder = [Band(Decimal(0), Decimal(10), Decimal("0.1")), Band(Decimal(10), None, Decimal("0.2"))]
    gapped = [Band(Decimal(0), Decimal(5), Decimal("0.1")), Band(Decimal(10), None, Decimal("0.2"))]
    assert "band_index" not in reach(ladder, "lower").__code__.co_names
    assert "band_index" in reach(gapped, "lower").__code__.co_names
