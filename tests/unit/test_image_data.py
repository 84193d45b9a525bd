import numpy as np
import pytest

from wzcore.image import data


def test_empirical_joint_pmf_counts_pairs():
    x = np.array([0, 0, 1, 2, 2, 2])
    y = np.array([1, 1, 0, 2, 2, 1])
    p = data.empirical_joint_pmf(x, y, 3, 3)
    want = np.zeros((3, 3))
    want[0, 1], want[1, 0], want[2, 2], want[2, 1] = 2, 1, 2, 1
    np.testing.assert_allclose(p, want / 6)


def test_empirical_joint_pmf_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, kx\)"):
        data.empirical_joint_pmf(np.array([3]), np.array([0]), 3, 3)


def test_aligned_pairs_of_the_motorcycle_are_strongly_correlated():
    pair = data.stereo_motorcycle()
    assert pair.left.shape == pair.right.shape == pair.disparity.shape == (500, 741)
    x, y = data.aligned_pixel_pairs(pair, levels=8)
    assert len(x) > 0.8 * pair.left.size
    assert x.min() >= 0 and x.max() <= 7
    # disparity alignment must beat the unaligned co-located pixels by a wide margin
    aligned = np.mean(x == y)
    ux = np.minimum((pair.left * 8).astype(int), 7).ravel()
    uy = np.minimum((pair.right * 8).astype(int), 7).ravel()
    assert aligned > 0.6 and aligned > np.mean(ux == uy) + 0.1


def test_levels_are_validated():
    pair = data.StereoPair(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="levels"):
        data.aligned_pixel_pairs(pair, levels=1)
