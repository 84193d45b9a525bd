"""Classical scalar quantizers: the point-to-point and Wyner–Ziv baselines.

- :class:`UniformQuantizer` -- mid-tread uniform quantizer, midpoint or centroid reconstruction.
- :func:`design_ecsq` -- entropy-constrained scalar quantizer (Chou, Lookabaugh, Gray 1989, Lloyd-style)
  for a 1-D density discretised on a fine grid. Convention (the same as NTC's loss ``bits + lam * MSE``):
  minimise the Lagrangian J = R + lam * D, with R = H(cell index) in bits and D the MSE. Given codewords
  c_j and code lengths l_j = -log2 p_j, the best partition assigns x to argmin_j lam (x - c_j)^2 + l_j,
  i.e. intervals bounded by t_j = (c_j + c_{j+1})/2 + (l_{j+1} - l_j) / (2 lam (c_{j+1} - c_j)) (the lower
  envelope of parabolas of equal curvature, computed exactly with a convex-hull pass); then p_j and the
  centroids c_j are updated. J never increases. Several uniform initialisations (steps around the
  high-rate optimum sqrt(6 / (lam ln 2)), two offsets) are tried and the best J is kept.
- :class:`CosetQuantizer` -- DISCUS-style (Pradhan & Ramchandran 2003) Wyner–Ziv scalar quantizer:
  q = round(x / step), transmitted k = q mod M; the decoder, given k and the Gaussian posterior
  N(m, v) of X given Y = y, returns E[X | X in a cell of coset k, Y = y] from truncated-normal moments.
- :func:`coset_exact` (exact H(K), H(K|Y), D by quadrature), :func:`coset_rate_distortion` (Monte Carlo
  with real bytes through :mod:`wzcore.coding`) and :func:`optimise_coset` (grid search over step, M).

Hand-written because neither numpy nor scipy ships ECSQ design or coset decoding; the Gaussian pieces
use ``scipy.special.log_ndtr`` for tail-stable log-probabilities.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr

from wzcore import bounds, coding, validate
from wzcore.sources import QuadraticGaussian

__all__ = [
    "ECSQ",
    "CosetExact",
    "CosetQuantizer",
    "CosetRD",
    "ECSQCurve",
    "UniformQuantizer",
    "cell_log_posterior",
    "coset_exact",
    "coset_rate_distortion",
    "design_ecsq",
    "ecsq_curve",
    "ecsq_reference",
    "gaussian_cell_moments",
    "optimise_coset",
    "uniform_index",
]

_LN2 = np.log(2.0)
_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def uniform_index(x: np.ndarray, step: float, offset: float = 0.0) -> np.ndarray:
    """The index of a mid-tread uniform quantizer, k = floor((x − offset) / step + ½), as int64.

    The one quantizer-index formula of the library (scalar, coset and SWC-NQ quantizers all use it).
    """
    return np.floor((np.asarray(x, dtype=np.float64) - offset) / step + 0.5).astype(np.int64)


# ---------------------------------------------------------------------------------------------------------
# Uniform quantizer
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UniformQuantizer:
    """Mid-tread uniform quantizer: cell k = [offset + (k - 1/2) step, offset + (k + 1/2) step)."""

    step: float
    offset: float = 0.0

    def __post_init__(self) -> None:
        validate.positive("step", self.step)
        if not np.isfinite(self.offset):
            raise ValueError(f"offset must be finite, got {self.offset!r}")

    def index(self, x: np.ndarray) -> np.ndarray:
        """k = floor((x - offset) / step + 1/2) as int64."""
        return uniform_index(x, self.step, self.offset)

    def edges(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper edges of cell(s) k."""
        k = np.asarray(k, dtype=np.float64)
        return self.offset + (k - 0.5) * self.step, self.offset + (k + 0.5) * self.step

    def reconstruct(self, k: np.ndarray, pdf: Callable[[np.ndarray], np.ndarray] | None = None,
                    n_nodes: int = 64) -> np.ndarray:
        """Midpoint offset + k step, or with ``pdf`` the centroid E[X | X in cell k] (Gauss–Legendre)."""
        k = np.asarray(k)
        if pdf is None:
            return self.offset + k.astype(np.float64) * self.step
        lo, hi = self.edges(k)
        t, wt = np.polynomial.legendre.leggauss(n_nodes)
        x = 0.5 * (lo + hi)[..., None] + 0.5 * self.step * t
        f = np.asarray(pdf(x), dtype=np.float64) * wt
        mass = f.sum(axis=-1)
        if np.any(mass <= 0):
            raise ValueError("pdf has zero mass in a requested cell; the centroid is undefined")
        return (f * x).sum(axis=-1) / mass


# ---------------------------------------------------------------------------------------------------------
# Entropy-constrained scalar quantizer
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ECSQ:
    """An entropy-constrained scalar quantizer and its performance on the design density.

    thresholds (n-1,) increasing; points (n,) reconstruction values (cell centroids); probs (n,) cell
    probabilities; rate = H(probs) bits; distortion = MSE; lagrangian = rate + lam * distortion.
    """

    thresholds: np.ndarray
    points: np.ndarray
    probs: np.ndarray
    rate: float
    distortion: float
    lam: float
    lagrangian: float
    iterations: int

    @property
    def distortion_db(self) -> float:
        return float(10 * np.log10(self.distortion))

    def index(self, x: np.ndarray) -> np.ndarray:
        """Cell index in [0, n): number of thresholds <= x."""
        return np.searchsorted(self.thresholds, np.asarray(x, dtype=np.float64), side="right")

    def reconstruct(self, k: np.ndarray) -> np.ndarray:
        return self.points[np.asarray(k)]


def _discretise(pdf, grid) -> tuple[np.ndarray, np.ndarray]:
    g = np.asarray(grid, dtype=np.float64)
    if g.ndim != 1 or g.size < 2 or not np.all(np.diff(g) > 0) or not np.all(np.isfinite(g)):
        raise ValueError("grid must be a finite, strictly increasing 1-D array of >= 2 points")
    f = np.asarray(pdf(g) if callable(pdf) else pdf, dtype=np.float64)
    if f.shape != g.shape:
        raise ValueError(f"pdf values must have the grid's shape {g.shape}, got {f.shape}")
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        raise ValueError("pdf must be finite and non-negative on the grid")
    w = f * np.gradient(g)  # trapezoid-like cell widths
    if w.sum() <= 0:
        raise ValueError("pdf has zero mass on the grid")
    return g, w / w.sum()


def _hull(c: np.ndarray, ell: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower envelope of lam (x - c_j)^2 + ell_j (c increasing): surviving cells and their thresholds."""
    keep: list[int] = []
    ts: list[float] = []
    for j in range(c.size):
        while keep:
            i = keep[-1]
            t = 0.5 * (c[i] + c[j]) + (ell[j] - ell[i]) / (2 * lam * (c[j] - c[i]))
            if ts and t <= ts[-1]:
                keep.pop()
                ts.pop()
                continue
            ts.append(t)
            break
        keep.append(j)
    return np.asarray(keep, dtype=np.int64), np.asarray(ts)


def _lloyd_ecsq(g, w, lam, c, ell, max_iter, tol):
    J_old, it = np.inf, 0
    while it < max_iter:
        it += 1
        keep, t = _hull(c, ell, lam)
        c, ell = c[keep], ell[keep]
        idx = np.searchsorted(t, g, side="right")
        p = np.bincount(idx, weights=w, minlength=c.size)
        nz = np.flatnonzero(p > 0)
        t = t[nz[:-1]]  # boundary after each non-empty cell (empty cells lie inside one grid gap)
        p = p[nz]
        idx = np.searchsorted(t, g, side="right")
        c = np.bincount(idx, weights=w * g, minlength=p.size) / p
        D = float(np.sum(w * (g - c[idx]) ** 2))
        ell = -np.log2(p)
        R = float(np.sum(p * ell))
        J = R + lam * D
        if J_old - J <= tol * max(1.0, abs(J)):
            break
        J_old = J
    # report the partition actually evaluated: boundaries midway between grid points of adjacent cells
    pos = np.flatnonzero(np.diff(idx))
    t = 0.5 * (g[pos] + g[pos + 1])
    return ECSQ(thresholds=t, points=c, probs=p, rate=R, distortion=D, lam=lam, lagrangian=J, iterations=it)


def design_ecsq(pdf: Callable[[np.ndarray], np.ndarray] | np.ndarray, lam: float, grid: np.ndarray,
                step_factors: Sequence[float] = (0.5, 0.71, 1.0, 1.41, 2.0, 2.83),
                max_iter: int = 500, tol: float = 1e-10) -> ECSQ:
    """ECSQ minimising H + lam * MSE for a density on a fine grid (truncated to the grid, renormalised).

    pdf: callable evaluated on ``grid`` or its values there. Initialisations: uniform quantizers with step
    sqrt(6 / (lam ln 2)) * factor (the high-rate optimum times ``step_factors``), offsets 0 and step/2,
    centroid codewords; the result with the smallest Lagrangian is returned.
    """
    lam = validate.positive("lam", lam)
    g, w = _discretise(pdf, grid)
    step0 = np.sqrt(6.0 / (lam * _LN2))
    best: ECSQ | None = None
    for fac in step_factors:
        step = step0 * float(fac)
        for off in (0.0, 0.5 * step):
            k = uniform_index(g, step, off)
            k -= k.min()
            p = np.bincount(k, weights=w)
            nz = p > 0
            c = np.bincount(k, weights=w * g)[nz] / p[nz]
            q = _lloyd_ecsq(g, w, lam, c, -np.log2(p[nz]), max_iter, tol)
            if best is None or q.lagrangian < best.lagrangian:
                best = q
    assert best is not None
    return best


def ecsq_curve(pdf: Callable[[np.ndarray], np.ndarray] | np.ndarray, lams: Sequence[float],
               grid: np.ndarray, **kwargs) -> list[ECSQ]:
    """design_ecsq for each lam (an operational rate-distortion curve)."""
    return [design_ecsq(pdf, lam, grid, **kwargs) for lam in lams]


@dataclass(frozen=True)
class ECSQCurve:
    """Optimal ECSQ designs at distinct, increasing λ: ``rate`` (bits) and ``mse`` arrays, the designs."""

    lams: tuple[float, ...]
    rate: np.ndarray
    mse: np.ndarray
    designs: tuple[ECSQ, ...]

    def at(self, lam: float) -> ECSQ:
        """The design at ``lam`` (one of ``lams``)."""
        if lam not in self.lams:
            raise ValueError(f"lam must be one of the curve's {self.lams}, got {lam!r}")
        return self.designs[self.lams.index(lam)]


def ecsq_reference(pdf: Callable[[np.ndarray], np.ndarray] | np.ndarray, lams: Sequence[float],
                   grid: np.ndarray, **kwargs) -> ECSQCurve:
    """The optimal-ECSQ reference curve at the distinct values of ``lams``, sorted (see :func:`design_ecsq`)."""
    distinct = tuple(sorted(set(float(v) for v in lams)))
    curve = ecsq_curve(pdf, distinct, grid, **kwargs)
    return ECSQCurve(distinct, np.array([q.rate for q in curve]), np.array([q.distortion for q in curve]),
                     tuple(curve))


# ---------------------------------------------------------------------------------------------------------
# Gaussian truncated moments (stable in the tails)
# ---------------------------------------------------------------------------------------------------------
def _log_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(Phi(b) - Phi(a)) for a < b (standard normal), stable in both tails."""
    right = a > 0  # use symmetry Phi(b) - Phi(a) = Phi(-a) - Phi(-b) in the right tail
    hi = np.where(right, log_ndtr(-a), log_ndtr(b))
    lo = np.where(right, log_ndtr(-b), log_ndtr(a))
    with np.errstate(divide="ignore"):
        return hi + np.log1p(-np.exp(lo - hi))


def _trunc_moments(a: np.ndarray, b: np.ndarray):
    """(log Z, E[Z], E[Z^2]) of a standard normal truncated to [a, b]; a, b may be +-inf."""
    logZ = _log_mass(a, b)
    with np.errstate(over="ignore", invalid="ignore"):
        pa = np.where(np.isfinite(a), np.exp(-0.5 * a**2 - _LOG_SQRT_2PI - logZ), 0.0)
        pb = np.where(np.isfinite(b), np.exp(-0.5 * b**2 - _LOG_SQRT_2PI - logZ), 0.0)
        m1 = pa - pb
        m2 = 1.0 + np.where(np.isfinite(a), a * pa, 0.0) - np.where(np.isfinite(b), b * pb, 0.0)
    m1 = np.clip(m1, a, b)
    m2 = np.maximum(m2, m1**2)
    return logZ, m1, m2


def cell_log_posterior(edges: np.ndarray, cdf: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """log P(e_k ≤ X < e_{k+1} | y_i) for the cells of a scalar quantizer, shape (n, K).

    ``edges``: K + 1 increasing cell boundaries (the ends may be ±inf); ``cdf(edges)``: the conditional cdf
    of X given each sample's side information at the edges, shape (n, K + 1) (e.g.
    ``lambda e: source.x_cdf_given_y(e[None, :], y[:, None])``). The decoder's posterior of the index of a
    contiguous quantizer — what a Slepian–Wolf coder of that index (:mod:`wzcore.swc_nq`) is fed with.
    Cells of zero mass get −inf.
    """
    e = np.asarray(edges, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError("edges must be at least 2 strictly increasing boundaries")
    c = np.asarray(cdf(e), dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != e.size or np.any(np.diff(c, axis=1) < -1e-12):
        raise ValueError(f"cdf(edges) must return an (n, {e.size}) array non-decreasing along the edges")
    with np.errstate(divide="ignore"):
        return np.log(np.maximum(np.diff(c, axis=1), 0.0))


def gaussian_cell_moments(lo: np.ndarray, hi: np.ndarray, mean: np.ndarray,
                          std: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """(log P(lo <= X < hi), E[X | lo <= X < hi]) for X ~ N(mean, std^2), broadcast; lo, hi may be +-inf.

    Tail-stable (log_ndtr): the posterior cell masses and MMSE reconstructions of a quantizer cell given
    Gaussian side information (used by :mod:`wzcore.swc_nq`).
    """
    std = np.asarray(std, dtype=np.float64)
    if np.any(~np.isfinite(std)) or np.any(std <= 0):
        raise ValueError("std must be finite and > 0")
    lo, hi, mean = (np.asarray(v, dtype=np.float64) for v in (lo, hi, mean))
    if np.any(~(lo < hi)):
        raise ValueError("need lo < hi for every cell")
    a, b = (lo - mean) / std, (hi - mean) / std
    logZ, z1, _ = _trunc_moments(a, b)
    return logZ, mean + std * z1


# ---------------------------------------------------------------------------------------------------------
# Coset (nested scalar) quantizer for Wyner–Ziv
# ---------------------------------------------------------------------------------------------------------
class CosetQuantizer:
    """DISCUS-style Wyner–Ziv scalar quantizer: q = round(x / step), k = q mod M in [0, M).

    The decoder gets k and the posterior N(post_mean, post_var) of X given Y = y, and returns the MMSE
    estimate E[X | q(X) mod M = k, Y = y], summing truncated-normal moments over the cells of coset k that
    meet post_mean +- 8 posterior std (and always the nearest coset cell on either side).
    """

    WINDOW = 8.0
    _CHUNK = 1 << 21  # elements of the (n, candidates) work arrays per chunk

    def __init__(self, step: float, M: int) -> None:
        self.step = validate.positive("step", step)
        if isinstance(M, bool) or not float(M).is_integer() or int(M) < 1:
            raise ValueError(f"M must be an integer >= 1, got {M!r}")
        self.M = int(M)

    def __repr__(self) -> str:
        return f"CosetQuantizer(step={self.step!r}, M={self.M})"

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """Fine index q = floor(x / step + 1/2)."""
        return uniform_index(x, self.step)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """Coset index k = q mod M in [0, M)."""
        return np.mod(self.quantize(x), self.M)

    def _candidates(self, k, m, s):
        """Fine indices q = k + j M of coset k covering m +- WINDOW s (plus one neighbour each side)."""
        P = self.step * self.M
        j_lo = np.floor((m - self.WINDOW * s - (k - 0.5) * self.step) / P) - 1
        j_hi = np.ceil((m + self.WINDOW * s - (k + 0.5) * self.step) / P) + 1
        n_c = int(np.max(j_hi - j_lo)) + 1
        j = j_lo[:, None] + np.arange(n_c)
        valid = j <= j_hi[:, None]
        return k[:, None] + j * self.M, valid

    def _cell_stats(self, k, m, s):
        """Per candidate cell: log posterior mass, mean, second moment (in x units), validity."""
        q, valid = self._candidates(k, m, s)
        a = ((q - 0.5) * self.step - m[:, None]) / s[:, None]
        b = ((q + 0.5) * self.step - m[:, None]) / s[:, None]
        logZ, z1, z2 = _trunc_moments(a, b)
        logZ = np.where(valid, logZ, -np.inf)
        return logZ, z1, z2, valid

    def decode(self, k: np.ndarray, post_mean: np.ndarray, post_var: np.ndarray | float) -> np.ndarray:
        """x_hat = E[X | coset k, X ~ N(post_mean, post_var)], vectorised over samples."""
        k, m, s = self._broadcast(k, post_mean, post_var)
        out = np.empty(k.size)
        for sl in self._chunks(k, m, s):
            logZ, z1, _, _ = self._cell_stats(k[sl], m[sl], s[sl])
            wts = np.exp(logZ - logZ.max(axis=1, keepdims=True))
            zbar = (wts * z1).sum(axis=1) / wts.sum(axis=1)
            out[sl] = m[sl] + s[sl] * zbar
        return out

    def _broadcast(self, k, post_mean, post_var):
        k, m, v = np.broadcast_arrays(np.asarray(k), np.asarray(post_mean, dtype=np.float64),
                                      np.asarray(post_var, dtype=np.float64))
        if k.size and (not np.issubdtype(k.dtype, np.integer) or k.min() < 0 or k.max() >= self.M):
            raise ValueError(f"k must be integers in [0, {self.M - 1}]")
        if np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise ValueError("post_var must be finite and > 0")
        return k.ravel().astype(np.int64), m.ravel(), np.sqrt(v.ravel())

    def _chunks(self, k, m, s):
        if k.size == 0:
            return []
        per_row = int(np.max(2 * self.WINDOW * s / (self.step * self.M))) + 4
        rows = max(1, self._CHUNK // per_row)
        return [slice(i, i + rows) for i in range(0, k.size, rows)]

    def index_pmf(self, mean: float = 0.0, var: float = 1.0) -> np.ndarray:
        """Exact pmf of k when X ~ N(mean, var): p(k) = sum_j P(q(X) = k + j M), shape (M,)."""
        s = np.sqrt(validate.positive("var", var))
        q_lo = int(np.floor((mean - 12 * s) / self.step)) - 1
        q_hi = int(np.ceil((mean + 12 * s) / self.step)) + 1
        q = np.arange(q_lo, q_hi + 1)
        a = ((q - 0.5) * self.step - mean) / s
        b = ((q + 0.5) * self.step - mean) / s
        pq = np.exp(_log_mass(a, b))
        pk = np.bincount(np.mod(q, self.M), weights=pq, minlength=self.M)
        return pk / pk.sum()


# ---------------------------------------------------------------------------------------------------------
# Quadratic-Gaussian evaluation
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CosetExact:
    """Exact performance of a CosetQuantizer on the quadratic-Gaussian source (numerical quadrature).

    rate = H(K) (entropy coding of k without side information), rate_sw = H(K | Y) (ideal Slepian–Wolf
    coding of k), mse = E[(X - x_hat)^2].
    """

    step: float
    M: int
    rate: float
    rate_sw: float
    mse: float

    @property
    def mse_db(self) -> float:
        return float(10 * np.log10(self.mse))


@functools.lru_cache(maxsize=16_384)
def coset_exact(step: float, M: int, var_x: float, var_n: float, n_quad: int | None = None) -> CosetExact:
    """H(K), H(K|Y) and the MSE of the coset quantizer with MMSE decoding, by quadrature over m = E[X|Y].

    Memoised (the result is a frozen dataclass of floats): :func:`optimise_coset` searches the same
    (step, M) grid at every target rate, so a sweep of rates costs one grid.

    Given m, X ~ N(m, cond_var): for each fine cell q, P(q | m) and its truncated moments give
    d(m) = E[(X - x_hat(q mod M, m))^2 | m] exactly. d and H(K | m) are periodic in m with period
    P = step M (shifting m by P shifts the cells by M indices, same cosets), so E over m ~ N(0, a var_x)
    is a periodic trapezoid rule over one period with the wrapped-Gaussian weight (spectrally accurate).
    """
    cq = CosetQuantizer(step, M)
    src = QuadraticGaussian(var_x, var_n)
    cond_var, var_m = src.cond_var, src.var_x_marginal - src.cond_var  # Var(X|Y), Var(E[X|Y])
    s_c, s_m = np.sqrt(cond_var), np.sqrt(var_m)
    P = cq.step * cq.M
    n_pts = n_quad or int(np.clip(np.ceil(8 * P / min(s_c, cq.step)), 64, 8192))
    mg = (np.arange(n_pts) + 0.5) * (P / n_pts) - 0.5 * P
    n_wrap = int(np.ceil(10 * s_m / P)) + 1
    wm = np.zeros(n_pts)
    for jj in range(-n_wrap, n_wrap + 1):  # wrapped Gaussian weight of each m in one period
        wm += np.exp(-0.5 * ((mg + jj * P) / s_m) ** 2)
    wm /= wm.sum()
    # all fine cells q meeting m +- 8 s_c, for every m in the grid
    q0 = np.floor((mg - 8 * s_c) / cq.step + 0.5).astype(np.int64) - 1
    n_q = int(np.ceil(16 * s_c / cq.step)) + 3
    D = 0.0
    H_sw = 0.0
    rows = max(1, CosetQuantizer._CHUNK // max(n_q, cq.M))
    for i in range(0, n_pts, rows):
        m, w = mg[i:i + rows], wm[i:i + rows]
        q = q0[i:i + rows, None] + np.arange(n_q)
        a = ((q - 0.5) * cq.step - m[:, None]) / s_c
        b = ((q + 0.5) * cq.step - m[:, None]) / s_c
        logZ, z1, z2 = _trunc_moments(a, b)
        pq = np.exp(logZ)
        kq = np.mod(q, cq.M)
        # per (m, k): total mass and first moment, then x_hat(k, m)
        rowid = np.repeat(np.arange(m.size), n_q)
        flat = rowid * cq.M + kq.ravel()
        pk = np.bincount(flat, weights=pq.ravel(), minlength=m.size * cq.M).reshape(m.size, cq.M)
        mk = np.bincount(flat, weights=(pq * z1).ravel(), minlength=m.size * cq.M).reshape(m.size, cq.M)
        zhat = np.divide(mk, pk, out=np.zeros_like(mk), where=pk > 0)
        zh = np.take_along_axis(zhat, kq, axis=1)
        d = (pq * (z2 - 2 * z1 * zh + zh**2)).sum(axis=1) * cond_var
        D += float(np.sum(w * d))
        pkn = pk / pk.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            hk = -np.where(pkn > 0, pkn * np.log2(pkn), 0.0).sum(axis=1)
        H_sw += float(np.sum(w * hk))
    rate = bounds.entropy(cq.index_pmf(0.0, var_x))
    return CosetExact(step=cq.step, M=cq.M, rate=rate, rate_sw=H_sw, mse=D)


@dataclass(frozen=True)
class CosetRD:
    """Monte Carlo run of the coset quantizer with real bytes.

    rate_ideal = H(K) (exact), rate_real = 8 len(bytes) / n (header included), mse measured; exact = the
    quadrature values of :func:`coset_exact` for the same (step, M).
    """

    step: float
    M: int
    n: int
    rate_ideal: float
    rate_real: float
    mse: float
    exact: CosetExact

    @property
    def mse_db(self) -> float:
        return float(10 * np.log10(self.mse))


def coset_rate_distortion(step: float, M: int, var_x: float, var_n: float, n: int,
                          rng: np.random.Generator) -> CosetRD:
    """Sample X ~ N(0, var_x), Y = X + N(0, var_n); encode k, entropy-code to bytes, decode, reconstruct."""
    cq = CosetQuantizer(step, M)
    x, y = QuadraticGaussian(var_x, var_n).sample(n, rng)
    m, cond_var = QuadraticGaussian(var_x, var_n).posterior(y)
    k = cq.encode(x)
    pmf = cq.index_pmf(0.0, var_x)
    stream = coding.encode_categorical(k, pmf)
    k_dec = coding.decode_categorical(stream, pmf)
    x_hat = cq.decode(k_dec, m, cond_var)
    mse = float(np.mean((x - x_hat) ** 2))
    return CosetRD(step=cq.step, M=cq.M, n=int(n), rate_ideal=bounds.entropy(pmf),
                   rate_real=coding.stream_bits(stream) / int(n), mse=mse,
                   exact=coset_exact(step, M, var_x, var_n))


def optimise_coset(var_x: float, var_n: float, lam: float | None = None, rate: float | None = None,
                   steps: Sequence[float] | None = None, Ms: Sequence[int] = tuple(range(1, 33)),
                   sw: bool = False) -> CosetExact:
    """Grid search over (step, M) using exact quadrature values.

    With ``lam``: minimise R + lam * D. With ``rate``: minimise D subject to R <= rate. R is H(K)
    (or H(K|Y) with ``sw=True``). Default steps: 48 log-spaced values in [0.05, 4] * sqrt(Var(X|Y)).
    """
    if (lam is None) == (rate is None):
        raise ValueError("give exactly one of lam (Lagrangian) or rate (target rate in bits)")
    if lam is not None:
        validate.positive("lam", lam)
    if rate is not None and not rate >= 0:
        raise ValueError(f"rate must be >= 0, got {rate!r}")
    cond_var = QuadraticGaussian(var_x, var_n).cond_var
    if steps is None:
        steps = np.sqrt(cond_var) * np.geomspace(0.05, 4.0, 48)
    best, best_val = None, np.inf
    for M in Ms:
        for step in steps:
            e = coset_exact(float(step), int(M), var_x, var_n)
            r = e.rate_sw if sw else e.rate
            if lam is not None:
                val = r + lam * e.mse
            else:
                val = e.mse if r <= rate else np.inf
            if val < best_val:
                best, best_val = e, val
    if best is None:
        raise ValueError(f"no (step, M) on the grid meets rate <= {rate}")
    return best
