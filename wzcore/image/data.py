"""Stereo pairs for distributed source coding, from data that ships with scikit-image (no download).

``skimage.data.stereo_motorcycle()`` is the Middlebury 2014 "Motorcycle" pair (downsampled ×4): two
500×741 RGB views and the left view's disparity map (``inf`` where unknown). A left pixel at (r, c)
sees the same scene point as the right pixel at (r, c − d(r, c)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StereoPair:
    """Two grey-level views in [0, 1] and the left view's disparity (``inf``/``nan`` = unknown)."""

    left: np.ndarray
    right: np.ndarray
    disparity: np.ndarray


def _grey(rgb: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma of an 8-bit RGB image, scaled to [0, 1]."""
    return (rgb[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])) / 255.0


def stereo_motorcycle() -> StereoPair:
    """The Middlebury Motorcycle pair bundled with scikit-image, as grey levels."""
    from skimage import data

    left, right, disparity = data.stereo_motorcycle()
    return StereoPair(_grey(left), _grey(right), disparity.astype(np.float64))


def aligned_pixel_pairs(pair: StereoPair, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Co-located pixel pairs (x from the left view, y from the right view at c − d), uniformly
    quantized to ``levels`` grey levels: samples of a correlated discrete source pair (X, Y).

    Pixels whose disparity is unknown or points outside the right image are dropped.
    """
    if not 2 <= levels <= 256:
        raise ValueError(f"levels must be in [2, 256], got {levels}")
    rows, cols = np.indices(pair.left.shape)
    d = pair.disparity
    valid = np.isfinite(d)
    c_right = np.where(valid, np.rint(cols - np.where(valid, d, 0)), -1).astype(int)
    valid &= (c_right >= 0) & (c_right < pair.right.shape[1])
    x = pair.left[valid]
    y = pair.right[rows[valid], c_right[valid]]
    quant = lambda v: np.minimum((v * levels).astype(int), levels - 1)  # noqa: E731
    return quant(x), quant(y)


def empirical_joint_pmf(x: np.ndarray, y: np.ndarray, kx: int, ky: int) -> np.ndarray:
    """The joint type of integer samples: ``p[i, j] = #{x = i, y = j} / n`` (X on axis 0)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.ndim != 1 or len(x) == 0:
        raise ValueError(f"x and y must be non-empty 1-D arrays of equal length, got {x.shape} and {y.shape}")
    if x.min() < 0 or x.max() >= kx or y.min() < 0 or y.max() >= ky:
        raise ValueError(f"samples must lie in [0, kx) x [0, ky) = [0, {kx}) x [0, {ky})")
    counts = np.bincount(x * ky + y, minlength=kx * ky).reshape(kx, ky)
    return counts / counts.sum()
