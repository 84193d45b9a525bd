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


# ---- synthetic stereo pairs ---------------------------------------------------------------------------------
def test_warp_occludes_the_strip_beside_a_near_object():
    # background disparity d0, a block at columns [a, b) with d1 > d0: in the right view the block lands on
    # [a - d1, b - d1), and the background strip [b - d1, b - d0) (width d1 - d0) is seen by the right camera
    # only; so is the right edge [W - d0, W), beyond the left view
    h, w, d0, d1, a, b = 20, 60, 3, 9, 25, 40
    rng = np.random.default_rng(0)
    left, hidden = rng.random((h, w)), -np.ones((h, w))
    d = np.full((h, w), float(d0))
    d[5:15, a:b] = d1
    right, occ = data.warp_right(left, d, hidden)
    want = np.zeros((h, w), dtype=bool)
    want[5:15, b - d1:b - d0] = True
    want[:, w - d0:] = True
    np.testing.assert_array_equal(occ, want)
    np.testing.assert_array_equal(right[occ], -1.0)
    np.testing.assert_array_equal(right[10, a - d1:b - d1], left[10, a:b])  # the near block wins
    np.testing.assert_array_equal(right[0, : w - d0], left[0, d0:])


def test_warp_rejects_negative_disparity():
    z = np.zeros((4, 4))
    with pytest.raises(ValueError, match="disparity"):
        data.warp_right(z, z - 1, z)


def test_synthetic_pairs_are_seeded_and_in_range():
    a = data.training_pairs(3, 64, seed=5)
    b = data.training_pairs(3, 64, seed=5)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 2, 64, 64) and a.min() >= 0 and a.max() <= 1
    held = data.held_out_pairs(2, 64, seed=5)
    assert all(p.disparity.max() <= 32 and p.disparity.min() >= 2 for p in held)
    assert not set(data.HELD_OUT_PHOTOS) & set(data.TRAIN_PHOTOS)
    with pytest.raises(ValueError, match="n must be"):
        data.training_pairs(0, 64, seed=0)


def test_downsample_averages_blocks_and_scales_disparity():
    d = np.array([[4.0, 4.0, 8.0, np.inf], [4.0, 4.0, 8.0, 8.0]])
    img = np.arange(8, dtype=float).reshape(2, 4)
    small = data.downsample(data.StereoPair(img, img, d), 2)
    np.testing.assert_allclose(small.left, [[2.5, 4.5]])
    np.testing.assert_allclose(small.disparity[0, 0], 2.0)
    assert np.isnan(small.disparity[0, 1])


def test_align_to_left_recovers_a_shifted_view():
    rng = np.random.default_rng(1)
    left = rng.random((10, 30))
    right = np.roll(left, -4, axis=1)  # right(c) = left(c + 4): disparity 4
    pair = data.StereoPair(left, right, np.full(left.shape, 4.0))
    aligned, known = data.align_to_left(pair)
    np.testing.assert_array_equal(known[:, :4], False)
    np.testing.assert_allclose(aligned[known], left[known])
