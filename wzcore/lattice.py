"""The hexagonal lattice A2 and nested A2 lattice codes (the 2-D case of nested-lattice Wyner–Ziv coding).

**A2.** Generator rows b1 = (1, 0), b2 = (1/2, √3/2): minimum distance 1, cell area V = √3/2, normalised
second moment G(A2) = 5/(36√3) ≈ 0.080188 (Conway and Sloane, *Sphere Packings, Lattices and Groups*, ch. 21),
against G = 1/12 ≈ 0.083333 for the integers: a quantizer with A2 cells loses 10·log10(2πe·G) = 1.366 dB to
the rate–distortion bound at high rate, the scalar one 1.533 dB.

**Nearest point, exact.** A2 is the union of the rectangular lattice R = Z × √3 Z and its coset
R + (1/2, √3/2) (Conway and Sloane, ch. 20): round each coordinate in either coset and keep the closer of the
two candidates (ties go to the first coset). :func:`nearest_a2` does it for arrays of points, in any scale.

**Nested codes** (R. Zamir, S. Shamai, U. Erez, "Nested linear/lattice codes for structured multiterminal
binning", IEEE Trans. IT 2002; Z. Liu et al., "Slepian–Wolf coded nested lattice quantization for Wyner–Ziv
coding", IEEE Trans. Comm. 2006). Fine lattice Λ_f = s·A2, coarse lattice Λ_c = M·s·A2 (index M²). The
encoder sends the coset of its fine point λ = s(i·b1 + j·b2), k = (i mod M)·M + (j mod M); the decoder picks,
in that coset, the point nearest its estimate of x from y (:class:`NestedA2`). With y, the decoder's
posterior of the coset index, P(k | y) = Σ_{λ ∈ coset k} P(λ | y), is what a Slepian–Wolf coder of k needs
(:func:`coset_posterior`, for :mod:`wzcore.swc_nq`), and E[X | k, y] its estimate once k is decoded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wzcore import validate

__all__ = ["A2", "A2_BASIS", "A2_CELL_AREA", "G_A2", "G_Z", "Z2", "CosetPosterior", "Lattice2D", "NestedA2",
           "NestedLattice", "cell_offsets", "coordinates_a2", "coset_posterior", "ideal_sw_point", "nearest_a2"]

A2_BASIS = np.array([[1.0, 0.0], [0.5, math.sqrt(3) / 2]])
A2_CELL_AREA = math.sqrt(3) / 2
G_A2 = 5 / (36 * math.sqrt(3))
G_Z = 1 / 12
_SQ3 = math.sqrt(3)


def _points(x: np.ndarray, name: str = "x") -> np.ndarray:
    v = np.asarray(x, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be a finite array of shape (n, 2), got shape {v.shape}")
    return v


def nearest_a2(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The point of ``scale``·A2 nearest to each row of ``x`` (shape (n, 2)), exactly."""
    x = _points(x) / validate.positive("scale", scale)
    r0 = np.stack([np.round(x[:, 0]), _SQ3 * np.round(x[:, 1] / _SQ3)], axis=1)
    shift = np.array([0.5, _SQ3 / 2])
    y = x - shift
    r1 = np.stack([np.round(y[:, 0]), _SQ3 * np.round(y[:, 1] / _SQ3)], axis=1) + shift
    d0 = ((x - r0) ** 2).sum(1)
    d1 = ((x - r1) ** 2).sum(1)
    return scale * np.where((d1 < d0)[:, None], r1, r0)


def coordinates_a2(points: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Integer coordinates (i, j) of lattice points ``points`` = scale·(i·b1 + j·b2), shape (n, 2) int64."""
    p = _points(points, "points") / validate.positive("scale", scale)
    j = p[:, 1] / (_SQ3 / 2)
    i = p[:, 0] - 0.5 * j
    ij = np.round(np.stack([i, j], axis=1))
    if not np.allclose(ij @ A2_BASIS, p, atol=1e-6):
        raise ValueError("points must lie on the lattice scale·A2")
    return ij.astype(np.int64)


class Lattice2D:
    """A 2-D lattice at unit scale: generator rows ``basis``, exact nearest point ``nearest(x, scale)``, cell
    area, normalised second moment G."""

    def __init__(self, name: str, basis: np.ndarray, nearest: Callable[..., np.ndarray], G: float):
        self.name, self.basis, self._nearest, self.G = name, np.asarray(basis, dtype=np.float64), nearest, G
        self.cell_area = abs(float(np.linalg.det(self.basis)))

    def nearest(self, x: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """The point of ``scale``·lattice nearest to each row of ``x`` (shape (n, 2)), exactly."""
        return self._nearest(x, scale)

    def coordinates(self, points: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """Integer coordinates (i, j) of lattice points ``points`` = scale·(i·b1 + j·b2), shape (n, 2) int64."""
        p = _points(points, "points") / validate.positive("scale", scale)
        ij = np.round(p @ np.linalg.inv(self.basis))
        if not np.allclose(ij @ self.basis, p, atol=1e-6):
            raise ValueError(f"points must lie on the lattice scale·{self.name}")
        return ij.astype(np.int64)

    def __repr__(self) -> str:
        return f"Lattice2D({self.name!r})"


def _nearest_z2(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    s = validate.positive("scale", scale)
    return s * np.round(_points(x) / s)


A2 = Lattice2D("A2", A2_BASIS, nearest_a2, G_A2)
Z2 = Lattice2D("Z2", np.eye(2), _nearest_z2, G_Z)


def cell_offsets(lattice: Lattice2D, m: int) -> np.ndarray:
    """2m² points that tile the Voronoi cell of 0 (unit scale) evenly, symmetric about 0: the midpoint rule
    ((a + ½)·b1 + (c + ½)·b2)/m, a, c = 0 … m−1, each point moved into the cell by subtracting its nearest
    lattice point, together with its mirror image. Each point stands for an area cell_area/(2m²) (a
    quadrature rule for integrals over a cell); the mirror images make the rule's mean exactly the cell's
    centroid, 0, whichever way the nearest-point rule breaks ties on the cell's boundary."""
    m = validate.integer("m", m, 1)
    a, c = np.meshgrid(np.arange(m) + 0.5, np.arange(m) + 0.5, indexing="ij")
    p = (np.stack([a.ravel(), c.ravel()], 1) / m) @ lattice.basis
    off = p - lattice.nearest(p)
    return np.concatenate([off, -off])


def ideal_sw_point(lattice: Lattice2D, step: float, var_n: float, n: int, rng: np.random.Generator, *,
                   m: int = 16) -> dict[str, float]:
    """Operating point of the lattice quantizer ``step``·L of pairs X ~ N(0, I₂), Y = X + N, N ~ N(0, var_n·I₂),
    with the fine index Q Slepian–Wolf coded *ideally* (rate H(Q | Y): the nested quantizer whose coarse
    lattice is large enough for y to single out the coset member) and the decoder's estimate E[X | Q, Y].

    For each of ``n`` pairs, P(Q = λ | y) = ∫_cell(λ) N(x; y/(1+var_n), σ²I) dx, σ² = var_n/(1+var_n), and
    the centroid are quadratures over the 2``m``² points of :func:`cell_offsets`. Returns ``rate`` = mean
    −log₂ P(Q | y) / 2 and ``mse`` = mean ‖x − x̂‖²/2 (per sample), with their standard errors.
    """
    step, var_n = validate.positive("step", step), validate.positive("var_n", var_n)
    n = validate.integer("n", n, 1)
    validate.rng(rng)
    x = rng.standard_normal((n, 2))
    y = x + math.sqrt(var_n) * rng.standard_normal((n, 2))
    mean, var = y / (1 + var_n), var_n / (1 + var_n)
    lam = lattice.nearest(x, step)
    offsets = step * cell_offsets(lattice, m)
    log_area = math.log(step**2 * lattice.cell_area / offsets.shape[0] / (2 * math.pi * var))
    bits, sq = np.empty(n), np.empty(n)
    for i in range(0, n, _CHUNK):
        sl = slice(i, i + _CHUNK)
        pts = lam[sl, None, :] + offsets[None, :, :]  # (chunk, 2m², 2)
        logw = -((pts - mean[sl, None, :]) ** 2).sum(2) / (2 * var)
        top = logw.max(1, keepdims=True)
        w = np.exp(logw - top)
        bits[sl] = -(np.log(w.sum(1)) + top[:, 0] + log_area) / math.log(2) / 2
        xhat = (w[:, :, None] * pts).sum(1) / w.sum(1, keepdims=True)
        sq[sl] = ((x[sl] - xhat) ** 2).sum(1) / 2
    return {"rate": float(bits.mean()), "rate_se": float(bits.std() / math.sqrt(n)),
            "mse": float(sq.mean()), "mse_se": float(sq.std() / math.sqrt(n))}


_CHUNK = 8192


class NestedLattice:
    """Nested lattice pair Λ_f = ``step``·L ⊃ Λ_c = ``M``·``step``·L for a :class:`Lattice2D` L (A2 or Z²):
    M² cosets, log2(M²)/2 bits per sample."""

    def __init__(self, lattice: Lattice2D, step: float, M: int):
        if not isinstance(lattice, Lattice2D):
            raise ValueError(f"lattice must be a Lattice2D (A2 or Z2), got {type(lattice).__name__}")
        self.lattice = lattice
        self.step = validate.positive("step", step)
        self.M = validate.integer("M", M, 1)

    @property
    def n_cosets(self) -> int:
        return self.M * self.M

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """The fine lattice point nearest each row of ``x``."""
        return self.lattice.nearest(x, self.step)

    def coset(self, points: np.ndarray) -> np.ndarray:
        """Coset index k = (i mod M)·M + (j mod M) of fine lattice points, in [0, M²)."""
        ij = self.lattice.coordinates(points, self.step) % self.M
        return ij[:, 0] * self.M + ij[:, 1]

    def encode(self, x: np.ndarray) -> np.ndarray:
        """k(x): the coset of x's fine lattice point."""
        return self.coset(self.quantize(x))

    def coset_leader(self, k: np.ndarray) -> np.ndarray:
        """The fine point step·(i·b1 + j·b2) with (i, j) = divmod(k, M): a representative of coset k."""
        k = validate.int_array("k", k)
        if k.size and (k.min() < 0 or k.max() >= self.n_cosets):
            raise ValueError(f"k must lie in [0, {self.n_cosets - 1}]")
        ij = np.stack([k // self.M, k % self.M], axis=1).astype(np.float64)
        return self.step * ij @ self.lattice.basis

    def decode(self, k: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """The point of coset ``k`` nearest to ``estimate`` (the decoder's guess of x from y), per row."""
        lead = self.coset_leader(k)
        est = _points(estimate, "estimate")
        if est.shape[0] != lead.shape[0]:
            raise ValueError(f"k and estimate must have one row each, got {lead.shape[0]} and {est.shape[0]}")
        return lead + self.lattice.nearest(est - lead, self.M * self.step)

    def __repr__(self) -> str:
        return f"NestedLattice({self.lattice.name}, step={self.step:g}, M={self.M})"


class NestedA2(NestedLattice):
    """Nested lattice pair Λ_f = ``step``·A2 ⊃ Λ_c = ``M``·``step``·A2 (:class:`NestedLattice` of A2)."""

    def __init__(self, step: float, M: int):
        super().__init__(A2, step, M)


@dataclass(frozen=True)
class CosetPosterior:
    """What :func:`coset_posterior` returns for n pairs: ``log_q`` (n, M²), the log-posterior of the coset
    index given y (the input of :class:`wzcore.swc_nq.MultilevelSW`); ``candidates`` (C, 2) integer
    coordinates of the fine points searched around each posterior mean, relative to its nearest fine point;
    and, per pair and candidate, ``log_w`` (n, C) the log-probability of the fine point and ``centroid``
    (n, C, 2) E[X | λ, y]; ``coset`` (n, C) the candidates' coset indices."""

    log_q: np.ndarray
    log_w: np.ndarray
    centroid: np.ndarray
    coset: np.ndarray

    def estimate(self, k: np.ndarray) -> np.ndarray:
        """E[X | K = k, y] per pair: the candidates of coset k weighted by their posterior (n, 2)."""
        k = validate.int_array("k", k)
        if k.size != self.coset.shape[0]:
            raise ValueError(f"k must hold {self.coset.shape[0]} indices, got {k.size}")
        lw = np.where(self.coset == k[:, None], self.log_w, -np.inf)
        top = lw.max(1, keepdims=True)
        if not np.all(np.isfinite(top)):
            raise ValueError("a coset index has no candidate point near its pair's side information")
        w = np.exp(lw - top)
        return (w[:, :, None] * self.centroid).sum(1) / w.sum(1, keepdims=True)


def coset_posterior(code: NestedLattice, mean: np.ndarray, var: float, *, m: int = 4,
                    radius: float = 6.0) -> CosetPosterior:
    """The decoder's posterior of the fine point λ and the coset index k of a nested lattice code, for X | y ~
    N(``mean``, ``var``·I₂) (one row of ``mean`` per pair).

    P(λ | y) = ∫_cell(λ) N(x; mean, var·I) dx and E[X | λ, y] by the 2m²-point rule of :func:`cell_offsets`,
    for every fine point within ``radius`` posterior standard deviations (plus one cell) of the mean — the
    rest carry less than exp(−radius²/2) of the mass; P(k | y) sums them by coset (floored at 1e-300)."""
    mu = _points(mean, "mean")
    var = validate.positive("var", var)
    m = validate.integer("m", m, 1)
    radius = validate.positive("radius", radius)
    reach = radius * math.sqrt(var) + 2 * code.step
    # coordinate i of a point p is p·B⁻¹[:, i], at most |p|·‖B⁻¹[:, i]‖: enough offsets to reach every point
    lim = math.ceil(reach / code.step * np.linalg.norm(np.linalg.inv(code.lattice.basis), axis=0).max()) + 1
    ij = np.stack(np.meshgrid(np.arange(-lim, lim + 1), np.arange(-lim, lim + 1), indexing="ij"), -1).reshape(-1, 2)
    basis = code.lattice.basis
    keep = np.linalg.norm(code.step * ij @ basis, axis=1) <= reach
    cand = ij[keep]  # (C, 2) integer offsets
    base = code.quantize(mu)  # (n, 2) the nearest fine point to the mean
    pts = base[:, None, :] + code.step * (cand @ basis)[None, :, :]  # (n, C, 2)
    offsets = code.step * cell_offsets(code.lattice, m)  # (Q, 2)
    log_area = math.log(code.step**2 * code.lattice.cell_area / offsets.shape[0] / (2 * math.pi * var))
    n, C = pts.shape[:2]
    log_w, centroid = np.empty((n, C)), np.empty((n, C, 2))
    rows = max(1, _CHUNK // max(C, 1))
    for i in range(0, n, rows):
        q = pts[i:i + rows, :, None, :] + offsets[None, None, :, :]  # (r, C, Q, 2)
        lw = -((q - mu[i:i + rows, None, None, :]) ** 2).sum(-1) / (2 * var)
        top = lw.max(-1, keepdims=True)
        w = np.exp(lw - top)
        s = w.sum(-1)
        log_w[i:i + rows] = np.log(s) + top[..., 0] + log_area
        centroid[i:i + rows] = (w[..., None] * q).sum(-2) / s[..., None]
    coset = code.coset(pts.reshape(-1, 2)).reshape(n, C)
    top = log_w.max(1, keepdims=True)
    q_k = np.zeros((n, code.n_cosets))
    np.add.at(q_k, (np.repeat(np.arange(n), C), coset.reshape(-1)), np.exp(log_w - top).reshape(-1))
    q_k = np.maximum(q_k / q_k.sum(1, keepdims=True), 1e-300)
    return CosetPosterior(np.log(q_k / q_k.sum(1, keepdims=True)), log_w, centroid, coset)
