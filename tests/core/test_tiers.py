"""Tier tables: which band owns a value at an exact edge, which rate pays each slice,
and how a segment of the cumulative axis splits across bands (hand-computed values)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from payplan.core.tiers import Band, applied_tiers, band_index, contains, slice_segment

# EX01's bands, gap-free: [0, 500) 25%, [500, 3000) 30%, [3000, ∞) 40%.
BANDS = [Band(D(0), D(500), D("0.25")), Band(D(500), D(3000), D("0.30")), Band(D(3000), None, D("0.40"))]
# EX13's table: two retroactive tiers under a marginal accelerator (edges in money: quota 33,000).
MIXED = [Band(D(0), D(16500), D("0.05"), True), Band(D(16500), D(33000), D("0.10"), True),
         Band(D(33000), None, D("0.20"), False)]


@pytest.mark.parametrize("value, lower, upper", [
    ("0", 0, 0),            # 0 always has a tier
    ("499.99", 0, 0),
    ("500", 1, 0),          # exactly on the edge: [500, …) under "lower", (…, 500] under "upper"
    ("500.01", 1, 1),
    ("3000", 2, 1),
    ("3000.01", 2, 2),
    ("1000000", 2, 2),
])
def test_value_on_an_edge_belongs_to_the_side_the_boundary_names(value, lower, upper):
    assert band_index(BANDS, D(value), "lower") == lower
    assert band_index(BANDS, D(value), "upper") == upper


def test_a_threshold_band_does_not_own_its_start_under_upper():
    threshold = [Band(D(1000), None, D("1.5"))]  # "above 1,000" as (1000, ∞)
    assert not contains(threshold[0], D(1000), "upper", first=True)
    assert contains(threshold[0], D("1000.01"), "upper", first=True)
    assert contains(threshold[0], D(1000), "lower", first=True)
    assert band_index(threshold, D(999), "lower") == -1


def test_a_value_in_a_gap_counts_in_the_band_below():
    gapped = [Band(D(0), D("0.35"), D("0.10")), Band(D("0.36"), D("0.60"), D("0.25"))]
    assert band_index(gapped, D("0.355"), "upper") == 0
    assert band_index(gapped, D("0.355"), "lower") == 0


def test_all_marginal_tiers_pay_their_own_rate():
    assert applied_tiers(BANDS, 2) == [0, 1, 2]


def test_retroactive_tier_reached_repays_every_tier_below():
    retro = [Band(b.start, b.stop, b.rate, True) for b in BANDS]
    assert applied_tiers(retro, 1) == [1, 1, 2]
    assert applied_tiers(retro, 2) == [2, 2, 2]
    assert applied_tiers(retro, -1) == [0, 1, 2]


def test_marginal_accelerator_above_retroactive_tiers_does_not_repay_them():
    # 40,000 of 33,000 reached the marginal 20% tier: the tiers below stay at the
    # retroactive 10% (EX13: 10% × 33,000 + 20% × 7,000 = 4,700).
    assert applied_tiers(MIXED, 2) == [1, 1, 2]
    # Below 50% nothing retroactive above tier 0 was reached.
    assert applied_tiers(MIXED, 0) == [0, 1, 2]


def test_a_straddling_segment_splits_at_the_edge():
    # EX05: prior 145,000 then a 20,000 deal over a 150,000 edge → 5,000 + 15,000.
    bands = [Band(D(0), D(150000), D("0.04")), Band(D(150000), D(250000), D("0.06"))]
    assert slice_segment(bands, D(145000), D(165000)) == [(0, D(5000)), (1, D(15000))]


def test_a_segment_across_every_band():
    assert slice_segment(BANDS, D(0), D(5000)) == [(0, D(500)), (1, D(2500)), (2, D(2000))]


def test_a_segment_ending_exactly_on_an_edge_has_no_empty_slice():
    assert slice_segment(BANDS, D(0), D(500)) == [(0, D(500))]
    assert slice_segment(BANDS, D(500), D(500)) == []


def test_a_segment_below_the_first_band_pays_nothing():
    above = [Band(D(1000), None, D("0.1"))]
    assert slice_segment(above, D(0), D(800)) == []
    assert slice_segment(above, D(800), D(1200)) == [(0, D(200))]
