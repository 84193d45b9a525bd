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


# ---- photographs and synthetic stereo pairs (training and held-out tests) ----------------------------------
# Split by image, never by crop: no training crop comes from a held-out photograph or from the real pair.
TRAIN_PHOTOS: tuple[str, ...] = ("astronaut", "camera", "rocket", "coins", "moon", "brick", "grass", "gravel",
                                 "hubble_deep_field", "immunohistochemistry", "retina", "clock", "cell")
HELD_OUT_PHOTOS: tuple[str, ...] = ("coffee", "chelsea")


def photo(name: str) -> np.ndarray:
    """A photograph shipped with scikit-image, as grey levels in [0, 1] (float64)."""
    from skimage import data

    if name not in TRAIN_PHOTOS + HELD_OUT_PHOTOS:
        raise ValueError(f"name must be one of {TRAIN_PHOTOS + HELD_OUT_PHOTOS}, got {name!r}")
    img = getattr(data, name)()
    return _grey(img) if img.ndim == 3 else img.astype(np.float64) / 255.0


def downsample(pair: StereoPair, factor: int) -> StereoPair:
    """Average ``factor`` × ``factor`` blocks of both views (edges cropped to a multiple of ``factor``);
    disparities are divided by ``factor`` (unknown where any pixel of the block is unknown)."""
    if not isinstance(factor, int) or factor < 1:
        raise ValueError(f"factor must be an integer >= 1, got {factor!r}")
    h, w = (s - s % factor for s in pair.left.shape)

    def pool(a: np.ndarray) -> np.ndarray:
        return a[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))

    d = np.where(np.isfinite(pair.disparity), pair.disparity, np.nan)
    return StereoPair(pool(pair.left), pool(pair.right), pool(d) / factor)


def warp_right(left: np.ndarray, disparity: np.ndarray, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The right view of a scene whose left view is ``left`` with per-pixel ``disparity`` d ≥ 0.

    Forward warp with a z-buffer: left pixel (r, c) lands on right pixel (r, round(c − d)); where several
    land on one pixel the nearest (largest d) wins. Right pixels that no left pixel reaches are *occluded*
    (seen by the right camera only: behind a nearer object, or beyond the left view's edge); they show
    ``hidden``, content the left view does not hold. Returns (right, occluded mask).
    """
    left, disparity, hidden = (np.asarray(a, dtype=np.float64) for a in (left, disparity, hidden))
    if left.ndim != 2 or disparity.shape != left.shape or hidden.shape != left.shape:
        raise ValueError(f"left, disparity and hidden must be 2-D of one shape, got {left.shape}, "
                         f"{disparity.shape}, {hidden.shape}")
    if not np.all(np.isfinite(disparity)) or disparity.min() < 0:
        raise ValueError("disparity must be finite and >= 0")
    h, w = left.shape
    rows, cols = np.indices(left.shape)
    t = np.rint(cols - disparity).astype(np.int64)
    ok = (t >= 0) & (t < w)
    target = (rows * w + t)[ok]
    d, src = disparity[ok], (rows * w + cols)[ok]
    zbuf = np.full(h * w, -np.inf)
    np.maximum.at(zbuf, target, d)
    near = d == zbuf[target]
    winner = np.full(h * w, -1)
    np.maximum.at(winner, target[near], src[near])  # ties at one depth: the rightmost source, deterministic
    occluded = winner < 0
    right = np.where(occluded, hidden.ravel(), left.ravel()[np.maximum(winner, 0)])
    return right.reshape(h, w), occluded.reshape(h, w)


def random_disparity(shape: tuple[int, int], rng: np.random.Generator, d_min: float, d_max: float,
                     objects: int = 3) -> np.ndarray:
    """A slanted background plane with disparity in [d_min, (d_min + d_max)/2] and up to ``objects``
    nearer fronto-parallel rectangles, all within [d_min, d_max] (pixels)."""
    if not 0 <= d_min < d_max:
        raise ValueError(f"need 0 <= d_min < d_max, got {d_min}, {d_max}")
    h, w = shape
    mid = (d_min + d_max) / 2
    rows, cols = np.indices(shape)
    a = rng.uniform(d_min, mid)
    slope_c, slope_r = rng.uniform(-0.1, 0.1, size=2) * (mid - d_min)
    d = np.clip(a + slope_c * cols / w + slope_r * rows / h, d_min, mid)
    for _ in range(rng.integers(0, objects + 1)):
        r0, c0 = rng.integers(0, h // 2), rng.integers(0, w // 2)
        rh, cw = rng.integers(h // 6, h // 2 + 1), rng.integers(w // 6, w // 2 + 1)
        d[r0:r0 + rh, c0:c0 + cw] = rng.uniform(mid, d_max)
    return d


def synthetic_pair(img: np.ndarray, size: int, rng: np.random.Generator, d_min: float = 2.0,
                   d_max: float = 32.0, noise: tuple[float, float] = (0.002, 0.02)) -> StereoPair:
    """A stereo pair made from one grey photograph: a random ``size`` × ``size`` crop as the left view, the
    right view warped by :func:`random_disparity` (occlusions show another crop of the photograph), then
    an exposure change (gain, gamma, offset) and independent sensor noise of s.d. in ``noise`` on both."""
    h, w = img.shape
    if size > min(h, w):
        raise ValueError(f"size must be at most the photograph's smaller side {min(h, w)}, got {size}")
    r, c, r2, c2 = rng.integers(0, h - size + 1), rng.integers(0, w - size + 1), \
        rng.integers(0, h - size + 1), rng.integers(0, w - size + 1)
    left = img[r:r + size, c:c + size]
    disparity = random_disparity((size, size), rng, d_min, d_max)
    right, _ = warp_right(left, disparity, img[r2:r2 + size, c2:c2 + size][:, ::-1])
    gain, gamma, offset = rng.uniform(0.8, 1.2), rng.uniform(0.85, 1.15), rng.uniform(-0.05, 0.05)
    right = gain * right**gamma + offset
    sd = rng.uniform(*noise)
    left = left + sd * rng.standard_normal(left.shape)
    right = right + sd * rng.standard_normal(right.shape)
    return StereoPair(np.clip(left, 0, 1), np.clip(right, 0, 1), disparity)


def training_pairs(n: int, size: int, seed: int, photos: tuple[str, ...] = TRAIN_PHOTOS,
                   d_max: float = 32.0) -> np.ndarray:
    """``n`` synthetic pairs from ``photos`` (cycled), float32 of shape (n, 2, size, size): [left, right]."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    rng = np.random.default_rng(seed)
    imgs = [photo(p) for p in photos]
    out = np.empty((n, 2, size, size), dtype=np.float32)
    for i in range(n):
        p = synthetic_pair(imgs[i % len(imgs)], size, rng, d_max=d_max)
        out[i, 0], out[i, 1] = p.left, p.right
    return out


def align_to_left(pair: StereoPair) -> tuple[np.ndarray, np.ndarray]:
    """The right view sampled where each left pixel's scene point lies, (r, round(c − d)), and the mask of
    pixels where that is known (finite disparity, inside the right view): the best a decoder that knew
    the true disparity could take from y for free."""
    rows, cols = np.indices(pair.left.shape)
    d = pair.disparity
    known = np.isfinite(d)
    c_right = np.rint(cols - np.where(known, d, 0)).astype(int)
    known &= (c_right >= 0) & (c_right < pair.right.shape[1])
    aligned = np.where(known, pair.right[rows, np.clip(c_right, 0, pair.right.shape[1] - 1)], np.nan)
    return aligned, known


def held_out_pairs(n: int, size: int, seed: int, d_max: float = 32.0) -> list[StereoPair]:
    """``n`` synthetic pairs (``size`` × ``size``) from ``HELD_OUT_PHOTOS``, cycled: test pairs whose
    correlation is controlled, from photographs no training crop comes from."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    rng = np.random.default_rng([seed, 6])
    imgs = [photo(p) for p in HELD_OUT_PHOTOS]
    return [synthetic_pair(imgs[i % len(imgs)], size, rng, d_max=d_max) for i in range(n)]
