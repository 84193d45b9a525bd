"""Rate–distortion bookkeeping shared by every chapter: operating points, gaps to a curve, BD-rate, and
the shape of a quantizer map (intervals per index, ±x folding).

* An :class:`OperatingPoint` is one (rate, distortion) pair of a scheme: rate in bits per source sample,
  distortion as MSE (and ``db`` = 10 log10 MSE), and how the rate was obtained — ``"real"`` (bytes on the
  wire, every header and feedback bit counted), ``"ideal"`` (an entropy or a model's cross-entropy) or
  ``"oracle"`` (a choice a real system could not make, DESIGN §8).
* Gaps to a reference curve (a bound, or another scheme's points):

  - :func:`gap_db_at_rate`: 10 log10 D − 10 log10 D_ref(R), the distance *at equal rate* in dB, with the
    reference interpolated linearly in (rate, dB);
  - :func:`gap_bits_at_distortion`: R − R_ref(D), the distance *at equal distortion* in bits, the reference
    interpolated linearly in (dB, rate) — a chord, so for a convex R(D) it errs on the reference's high side.

  Neither extrapolates: a point outside the reference's range raises ``ValueError``.
* :func:`bd_rate`: the Bjøntegaard-delta rate (%) of a test curve against an anchor, through the
  ``bjontegaard`` package (piecewise cubic, ``pchip``, by default), and :func:`bd_overlap`: the share of the
  two curves' quality range the average is taken over (report it beside a BD-rate that covers little).
* :func:`count_intervals_per_index` and :func:`folding_fraction`: what a quantizer map ``k(x)`` on a sorted
  grid looks like. An index owning several disjoint intervals is *binning* (a Wyner–Ziv code reuses an index
  far apart); an index shared by x and −x is *folding* (what sign side information allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "OperatingPoint",
    "bd_overlap",
    "bd_rate",
    "count_intervals_per_index",
    "dead_zone",
    "folding_fraction",
    "gap_bits_at_distortion",
    "gap_db_at_rate",
    "intervals_per_index",
    "multi_interval_fraction",
    "rate_at_distortion",
    "runs",
    "threshold_distance",
]

RateKind = Literal["real", "ideal", "oracle"]


@dataclass(frozen=True)
class OperatingPoint:
    """One operating point: ``rate`` (bits/sample), ``mse``, ``kind`` of rate and a ``label``."""

    rate: float
    mse: float
    kind: RateKind = "real"
    label: str = ""

    def __post_init__(self) -> None:
        if not np.isfinite(self.rate) or self.rate < 0:
            raise ValueError(f"rate must be a finite number >= 0 (bits/sample), got {self.rate!r}")
        if not np.isfinite(self.mse) or self.mse <= 0:
            raise ValueError(f"mse must be a finite number > 0, got {self.mse!r}")
        if self.kind not in ("real", "ideal", "oracle"):
            raise ValueError(f"kind must be 'real', 'ideal' or 'oracle', got {self.kind!r}")

    @property
    def db(self) -> float:
        """Distortion in dB, 10 log10 MSE."""
        return float(10 * np.log10(self.mse))


def _curve(ref_rate: object, ref_mse: object) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(ref_rate, dtype=np.float64).reshape(-1)
    d = np.asarray(ref_mse, dtype=np.float64).reshape(-1)
    if r.shape != d.shape or r.size < 2:
        raise ValueError(f"ref_rate and ref_mse must be matching arrays of >= 2 points, got shapes "
                         f"{r.shape} and {d.shape}")
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(d))) or np.any(d <= 0):
        raise ValueError("ref_rate must be finite and ref_mse finite and > 0")
    return r, d


def _points(rate: object, mse: object) -> tuple[np.ndarray, np.ndarray]:
    r = np.atleast_1d(np.asarray(rate, dtype=np.float64))
    d = np.atleast_1d(np.asarray(mse, dtype=np.float64))
    if r.shape != d.shape:
        raise ValueError(f"rate and mse must have the same shape, got {r.shape} and {d.shape}")
    if np.any(d <= 0) or not np.all(np.isfinite(d)):
        raise ValueError("mse must be finite and > 0")
    return r, d


def _interp_strict(x: np.ndarray, xp: np.ndarray, fp: np.ndarray, what: str) -> np.ndarray:
    o = np.argsort(xp)
    xp, fp = xp[o], fp[o]
    if np.any(x < xp[0] - 1e-12) or np.any(x > xp[-1] + 1e-12):
        raise ValueError(f"{what} must lie in the reference's range [{xp[0]:.4g}, {xp[-1]:.4g}], got "
                         f"{np.round(x, 4)}: widen the reference curve")
    return np.interp(x, xp, fp)


def gap_db_at_rate(rate: object, mse: object, ref_rate: object, ref_mse: object) -> np.ndarray | float:
    """10 log10(mse / D_ref(rate)) in dB: how much worse than the reference at equal rate (> 0: worse).

    D_ref is the reference curve interpolated linearly in (rate, dB). Scalars in, a float out.
    """
    r, d = _points(rate, mse)
    rr, dr = _curve(ref_rate, ref_mse)
    gap = 10 * np.log10(d) - _interp_strict(r, rr, 10 * np.log10(dr), "rate")
    return float(gap[0]) if np.ndim(rate) == 0 else gap


def rate_at_distortion(mse: object, ref_rate: object, ref_mse: object) -> np.ndarray | float:
    """R_ref(mse): the reference curve's rate at the given distortions, linear in (dB, rate)."""
    d = np.atleast_1d(np.asarray(mse, dtype=np.float64))
    _points(np.zeros_like(d), d)
    rr, dr = _curve(ref_rate, ref_mse)
    r = _interp_strict(10 * np.log10(d), 10 * np.log10(dr), rr, "distortion (dB)")
    return float(r[0]) if np.ndim(mse) == 0 else r


def gap_bits_at_distortion(rate: object, mse: object, ref_rate: object,
                           ref_mse: object) -> np.ndarray | float:
    """rate − R_ref(mse) in bits: how much more rate than the reference at equal distortion (> 0: more).

    R_ref is :func:`rate_at_distortion`. Scalars in, a float out.
    """
    r, d = _points(rate, mse)
    gap = r - rate_at_distortion(d, ref_rate, ref_mse)
    return float(gap[0]) if np.ndim(rate) == 0 else gap


def bd_overlap(anchor_mse: object, test_mse: object) -> float:
    """The share of the union of the two curves' quality ranges (in dB) that both cover: the interval a
    BD-rate averages over, as a fraction of the whole (1: the same range; 0: disjoint).

    The ``bjontegaard`` package warns below 0.75; :func:`bd_rate` does not, so report this number beside
    a BD-rate instead (a small overlap means the average says nothing about the rest of either curve).
    """
    qa = -10 * np.log10(_points(np.ones(np.size(anchor_mse)), anchor_mse)[1])
    qt = -10 * np.log10(_points(np.ones(np.size(test_mse)), test_mse)[1])
    union = max(qa.max(), qt.max()) - min(qa.min(), qt.min())
    shared = min(qa.max(), qt.max()) - max(qa.min(), qt.min())
    if union <= 0:
        raise ValueError("anchor_mse and test_mse must span a range of distortions")
    return float(max(shared, 0.0) / union)


def bd_rate(anchor_rate: object, anchor_mse: object, test_rate: object, test_mse: object,
            method: str = "pchip") -> float:
    """Bjøntegaard-delta rate in percent of the test curve against the anchor (< 0: the test saves rate).

    Quality is −10 log10 MSE (higher is better), as the ``bjontegaard`` package expects; both curves need
    ≥ 4 points for the cubic methods (G. Bjøntegaard, VCEG-M33, 2001; pchip as in VCEG-AL22). The average
    is over the quality range both curves cover (:func:`bd_overlap`, reported by the caller rather than
    warned about); curves that share no quality raise ``ValueError``.
    """
    import bjontegaard

    ra, da = _points(anchor_rate, anchor_mse)
    rt, dt = _points(test_rate, test_mse)
    if np.any(ra <= 0) or np.any(rt <= 0):
        raise ValueError("anchor_rate and test_rate must be > 0 (BD-rate integrates log rate)")
    if bd_overlap(da, dt) == 0:
        raise ValueError("the two curves share no range of quality: a BD-rate is undefined")
    return float(bjontegaard.bd_rate(ra, -10 * np.log10(da), rt, -10 * np.log10(dt), method=method,
                                     require_matching_points=False, min_overlap=0))


def runs(indices: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(index, mass, start position) of every maximal run of equal indices on a sorted grid, the mass being
    the sum of ``weights`` over the run. The one run finder of the quantizer-map measures below."""
    starts = np.flatnonzero(np.r_[True, indices[1:] != indices[:-1]])
    return indices[starts], np.add.reduceat(weights, starts), starts


def _count(keys: np.ndarray) -> dict[int, int]:
    vals, counts = np.unique(keys, return_counts=True)
    return {int(v): int(c) for v, c in zip(vals, counts, strict=True)}


def count_intervals_per_index(indices: object) -> dict[int, int]:
    """index -> number of maximal runs of that index in a sequence over a sorted grid.

    A quantizer whose every index occupies one run has contiguous cells; a count > 1 means the index is
    reused on disjoint intervals (binning, as a Wyner–Ziv code does).
    """
    k = np.asarray(indices).reshape(-1)
    if k.size == 0:
        return {}
    return _count(runs(k, np.ones(k.size))[0])


def intervals_per_index(indices: object, weights: object, min_mass: float = 1e-3) -> dict[int, int]:
    """index -> number of its disjoint runs on the sorted grid whose probability is ≥ ``min_mass``.

    ``weights`` is the probability of each grid cell; indices with no such run are left out (unused).
    Runs lighter than ``min_mass`` are ignored: a sliver at a cell boundary is not binning.
    """
    k = np.asarray(indices).reshape(-1)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if k.shape != w.shape or k.size == 0:
        raise ValueError(f"indices and weights must be non-empty and of equal length, got {k.size} and {w.size}")
    if not 0 <= min_mass < 1:
        raise ValueError(f"min_mass must be in [0, 1), got {min_mass!r}")
    index, mass, _ = runs(k, w)
    return _count(index[mass >= min_mass])


def multi_interval_fraction(indices: object, weights: object, min_mass: float = 1e-3) -> float:
    """Fraction of the used indices that own ≥ 2 disjoint intervals each of probability ≥ ``min_mass``.

    ``indices`` is k(x) on a sorted grid, ``weights`` the probability of each grid cell (p(x)·Δx); runs
    lighter than ``min_mass`` are ignored (a sliver at a cell boundary is not binning), and an index is
    *used* if one of its runs is kept.
    """
    runs = np.array(list(intervals_per_index(indices, weights, min_mass).values()))
    return float(np.mean(runs >= 2)) if runs.size else 0.0


def folding_fraction(x_grid: object, indices: object, weights: object, exclude_zero_cell: bool = False) -> float:
    """P(k(−X) = k(X)) over the grid's weights: the mass whose index is shared with its mirror image.

    ``x_grid`` must be sorted and symmetric about 0 (x_grid[::-1] == −x_grid); ``weights`` is the probability
    of each grid point. A quantizer that folds ±x onto the same index (possible when the decoder knows
    sign x) scores 1; a contiguous quantizer of a symmetric source scores only the mass of its central cell,
    and 0 with ``exclude_zero_cell`` (the run of grid points around 0 that share the index of the point
    nearest 0 is left out of the numerator: folding *beyond* the cell that holds 0; the same index reused
    elsewhere still counts).
    """
    x = np.asarray(x_grid, dtype=np.float64).reshape(-1)
    k = np.asarray(indices).reshape(-1)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if not (x.shape == k.shape == w.shape) or x.size < 2:
        raise ValueError("x_grid, indices and weights must have equal length >= 2")
    if not np.all(np.diff(x) > 0) or not np.allclose(x[::-1], -x, atol=1e-9 * np.abs(x).max()):
        raise ValueError("x_grid must be strictly increasing and symmetric about 0")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be >= 0 with a positive sum")
    same = k == k[::-1]
    if exclude_zero_cell:
        zero = int(np.argmin(np.abs(x)))
        cell = np.flatnonzero(k != k[zero])
        lo = cell[cell < zero].max() + 1 if np.any(cell < zero) else 0
        hi = cell[cell > zero].min() if np.any(cell > zero) else x.size
        same[lo:hi] = False
    return float(np.sum(w * same) / w.sum())


def dead_zone(thresholds: object, within: float = np.inf) -> dict[str, float]:
    """The shape of a symmetric scalar quantizer from its sorted thresholds.

    ``zero_cell``: the width of the cell holding 0 (between the largest negative and the smallest
    positive threshold); ``step``: the median distance between consecutive thresholds in
    (−within, within), the zero cell included. A dead-zone quantizer has zero_cell > step
    (Sullivan 1996).
    """
    t = np.sort(np.asarray(thresholds, dtype=np.float64).reshape(-1))
    if not (np.any(t < 0) and np.any(t > 0)):
        raise ValueError("thresholds must include negative and positive values (a cell around 0)")
    inner = t[np.abs(t) < within]
    if inner.size < 3:
        raise ValueError(f"at least 3 thresholds must lie within ±{within}, got {inner.size}")
    return {"zero_cell": float(t[t > 0].min() - t[t < 0].max()),
            "step": float(np.median(np.diff(inner)))}


def threshold_distance(thresholds: object, reference: object, within: float = np.inf) -> float:
    """max abs(t_i − t_ref,i) over the thresholds in (−within, within); inf if their counts differ there."""
    a = np.sort(np.asarray(thresholds, dtype=np.float64).reshape(-1))
    b = np.sort(np.asarray(reference, dtype=np.float64).reshape(-1))
    a, b = a[np.abs(a) < within], b[np.abs(b) < within]
    return float(np.max(np.abs(a - b))) if a.size == b.size and a.size else float("inf")
