"""Tests of wzcore.rd: operating points, gaps to a curve, BD-rate, intervals and folding of a quantizer map."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from wzcore import rd

R = np.array([1.0, 2.0, 3.0])
D = 2.0 ** (-2 * R)  # 6.02 dB per bit: linear in (rate, dB)


def test_operating_point():
    p = rd.OperatingPoint(1.0, 0.25, "ideal", "ECSQ")
    assert p.db == pytest.approx(10 * np.log10(0.25))
    for bad in ({"rate": -0.1, "mse": 1.0}, {"rate": 1.0, "mse": 0.0}, {"rate": np.nan, "mse": 1.0}):
        with pytest.raises(ValueError, match=r"rate|mse"):
            rd.OperatingPoint(**bad)
    with pytest.raises(ValueError, match="kind"):
        rd.OperatingPoint(1.0, 1.0, "genie")


def test_gap_db_at_rate_is_exact_on_a_log_linear_curve():
    gap = rd.gap_db_at_rate([1.5, 2.5], 2 * 2.0 ** (-2 * np.array([1.5, 2.5])), R, D)
    np.testing.assert_allclose(gap, 10 * np.log10(2), rtol=1e-12)
    assert isinstance(rd.gap_db_at_rate(1.5, 2 * 2.0**-3, R, D), float)
    with pytest.raises(ValueError, match="range"):
        rd.gap_db_at_rate(3.5, 0.1, R, D)
    with pytest.raises(ValueError, match="> 0"):
        rd.gap_db_at_rate(1.5, 0.0, R, D)
    with pytest.raises(ValueError, match=">= 2 points"):
        rd.gap_db_at_rate(1.5, 0.1, [1.0], [0.1])


def test_gap_bits_at_distortion_is_exact_on_a_log_linear_curve():
    # half the distortion of the curve at rate r needs r + 1/2 bit on R(D) = ½ log2(1/D)
    gap = rd.gap_bits_at_distortion([2.0, 2.5], 2.0 ** (-2 * np.array([1.5, 2.0])), R, D)
    np.testing.assert_allclose(gap, 0.5, rtol=1e-12)
    with pytest.raises(ValueError, match="range"):
        rd.gap_bits_at_distortion(1.0, 1e-6, R, D)


def test_bd_rate_of_a_curve_shifted_by_a_fixed_rate_ratio():
    r = np.array([0.5, 1.0, 2.0, 4.0])
    d = 2.0 ** (-2 * r)
    assert rd.bd_rate(r, d, r, d) == pytest.approx(0.0, abs=1e-9)
    # the test curve needs 10 % less rate at every distortion -> BD-rate -10 %
    assert rd.bd_rate(r, d, 0.9 * r, d) == pytest.approx(-10.0, abs=1e-6)
    with pytest.raises(ValueError, match="> 0"):
        rd.bd_rate([0.0, 1, 2, 3], d, r, d)


def test_bd_overlap_is_the_shared_share_of_the_quality_range():
    # qualities 10..40 dB and 25..55 dB: they share 25..40 (15 dB) of 10..55 (45 dB) -> 1/3
    da, dt = 10 ** (-np.array([10.0, 20, 30, 40]) / 10), 10 ** (-np.array([25.0, 35, 45, 55]) / 10)
    assert rd.bd_overlap(da, dt) == pytest.approx(1 / 3)
    assert rd.bd_overlap(da, da) == pytest.approx(1.0)
    r = np.array([0.5, 1.0, 2.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a partial overlap is reported by bd_overlap, not warned about
        rd.bd_rate(r, da, r, dt)
    far = 10 ** (-np.array([50.0, 60, 70, 80]) / 10)
    assert rd.bd_overlap(da, far) == 0.0
    with pytest.raises(ValueError, match="no range of quality"):
        rd.bd_rate(r, da, r, far)


def test_count_intervals_per_index():
    assert rd.count_intervals_per_index([0, 0, 1, 1, 0, 2, 2, 1]) == {0: 2, 1: 2, 2: 1}
    assert rd.count_intervals_per_index(np.array([-1, -1, 0, 1])) == {-1: 1, 0: 1, 1: 1}
    assert rd.count_intervals_per_index([]) == {}


def test_multi_interval_fraction_ignores_light_slivers():
    k = np.array([0, 0, 1, 1, 0, 2, 2, 1])
    w = np.full(8, 1 / 8)
    assert rd.multi_interval_fraction(k, w) == pytest.approx(2 / 3)  # indices 0 and 1 are binned
    w2 = w.copy()
    w2[4] = 1e-6  # the second run of index 0 is a sliver
    w2 /= w2.sum()
    assert rd.multi_interval_fraction(k, w2) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="min_mass"):
        rd.multi_interval_fraction(k, w, min_mass=1.0)


def test_folding_fraction():
    x = np.linspace(-2, 2, 401)
    w = np.exp(-np.abs(x))
    folded = np.round(np.abs(x)).astype(int)  # k(x) = k(−x): every cell shared with its mirror
    contiguous = np.round(x).astype(int)
    assert rd.folding_fraction(x, folded, w) == pytest.approx(1.0)
    central = w[np.abs(x) < 0.5].sum() / w.sum()
    assert rd.folding_fraction(x, contiguous, w) == pytest.approx(central, abs=0.01)
    assert rd.folding_fraction(x, contiguous, w, exclude_zero_cell=True) == 0.0
    outer = w[folded != 0].sum() / w.sum()  # folded: all but the cell of 0 is shared beyond it
    assert rd.folding_fraction(x, folded, w, exclude_zero_cell=True) == pytest.approx(outer)
    # the zero cell's index reused far from 0 (binning) still counts as folding there
    reused = np.where(np.abs(x) > 1.5, 0, contiguous)
    far = w[np.abs(x) > 1.5].sum() / w.sum()
    assert rd.folding_fraction(x, reused, w, exclude_zero_cell=True) == pytest.approx(far)
    with pytest.raises(ValueError, match="symmetric"):
        rd.folding_fraction(x + 0.1, folded, w)


def test_rate_at_distortion_reads_the_curve():
    np.testing.assert_allclose(rd.rate_at_distortion(D, R, D), R, rtol=1e-12)
    assert rd.rate_at_distortion(2.0**-3, R, D) == pytest.approx(1.5)


def test_dead_zone_and_threshold_distance():
    t = np.array([-3.0, -2.0, -0.75, 0.75, 2.0, 3.0])  # zero cell 1.5, other cells 1.25 and 1.0
    shape = rd.dead_zone(t)
    assert shape["zero_cell"] == pytest.approx(1.5)
    assert shape["step"] == pytest.approx(1.25)
    assert rd.threshold_distance(t, t + 0.1) == pytest.approx(0.1)
    assert rd.threshold_distance(t, t[1:]) == np.inf
    assert rd.threshold_distance(t, t[1:], within=2.5) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="negative and positive"):
        rd.dead_zone([1.0, 2.0, 3.0])
