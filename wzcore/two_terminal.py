"""Two encoders, one decoder: the quadratic-Gaussian two-terminal region and a learned two-encoder quantizer.

**The region.** X1, X2 jointly Gaussian, unit variances, correlation ρ (:class:`wzcore.sources.GaussianPair`),
each seen by its own encoder, both reconstructed by one decoder with MSE distortions D1, D2. The Berger–Tung
inner bound is the rate region here (A. B. Wagner, S. Tavildar, P. Viswanath, "Rate region of the quadratic
Gaussian two-encoder source-coding problem", IEEE Trans. IT 54(5), 2008, Theorem 1):

    R1 ≥ ½ log₂⁺ [(1 − ρ² + ρ²·2^(−2 R2)) / D1],
    R2 ≥ ½ log₂⁺ [(1 − ρ² + ρ²·2^(−2 R1)) / D2],
    R1 + R2 ≥ ½ log₂⁺ [(1 − ρ²)·β(D1, D2) / (2 D1 D2)],   β = 1 + √(1 + 4ρ² D1 D2 / (1 − ρ²)²).

As R2 → ∞ the first constraint becomes the Wyner–Ziv rate ½ log₂((1 − ρ²)/D1) of X1 with X2 at the decoder;
at ρ = 0 the region is R1 ≥ ½ log₂(1/D1), R2 ≥ ½ log₂(1/D2). :func:`min_r2` is the region's lower boundary,
:func:`min_sum_rate` its smallest R1 + R2 (by minimisation over the boundary, so that it holds where the
sum constraint is not the active one), :func:`berger_tung_gaussian` the rates and distortions of the
Gaussian test channels U_i = X_i + N_i that achieve it (the unit tests check the closed forms against it).

**The learned scheme** (:class:`TwoEncoderVQ`), chapter 4's quantizer with two encoders. There is no
encoder network: encoder i maps its own source to one of K_i indices by

    k1*(x1) = argmin_k  E_{X2 | X1 = x1}[ r(k, k2(X2)) + λ1 (x1 − g1(k, k2(X2)))² + λ2 (X2 − g2(k, k2(X2)))² ]

(and symmetrically for encoder 2), the expectation over the other source given its own and over the
other encoder's current map k2(·); a decoder MLP g(k1, k2) → (x̂1, x̂2) on [one-hot(k1) ‖ one-hot(k2)]
(100 → 100 leaky ReLU, as in chapter 4); the rate r from

- ``prior="separate"``: r = −log₂ p1(k1) − log₂ p2(k2), each index entropy-coded on its own;
- ``prior="joint"``: r = −log₂ p(k1, k2), a K1×K2 table — the sum rate H(K1, K2) that Slepian–Wolf coding
  of the pair reaches, e.g. at the corner H(K1) + H(K2 | K1) (K1 coded first, K2 with K1 at the decoder).

The other encoder's map lives on a grid (:class:`PairGrid`, G points on [−L, L]): the expectation is a sum
over the grid cells of the other source with their exact Gaussian masses under N(ρx, 1 − ρ²), the other
source's value in a cell taken at its centre. Grouping the cells by the other encoder's index m, with
A_m(x) = P(k_other = m | x) and B_m(x) = E[X_other·1{k_other = m} | x], the cost is linear in A and B:

    C(x, k) = Σ_m A_m(x)·(r(k, m) + λ_own g_own(k, m)² + λ_oth g_oth(k, m)²) − 2 λ_own x Σ_m A_m(x) g_own(k, m)
              − 2 λ_oth Σ_m B_m(x) g_oth(k, m)   + terms free of k,

so an encoder pass costs two scatter-adds over the grid and two (B × K) matrix products (:func:`encoder_costs`).
Training (:func:`fit_two_encoders`): each step updates both maps on the grid (encoder 1 against encoder 2's
map, then encoder 2 against encoder 1's new one), draws a batch of fresh pairs, encodes each source with
its exact argmin at its own x, and takes an Adam step on mean[r(k1, k2) + λ1 (x1 − x̂1)² + λ2 (x2 − x̂2)²]
(no gradient through the argmins), after a random-label decoder warm-up (chapter 4's). Rates are bits per
sample of each source; :func:`evaluate` counts real bytes (:mod:`wzcore.coding`); :func:`sw_pair_blocks`
gives the blocks for the Slepian–Wolf coder of K2 with K1 at the decoder (:mod:`wzcore.swc_nq`).

Hand-written because no kept library implements a distributed quantizer of this kind (the construction
follows Flynn & Gray's alternating design of encoders for correlated observations, 1987, with chapter 4's
learned decoder and priors).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import minimize, minimize_scalar
from scipy.special import ndtr
from torch import nn

from wzcore import coding, validate
from wzcore.binning import DecoderOnly, Logits, PicklesByState, index_tensor, mlp, scale_lr, seeded_init
from wzcore.bounds import empirical_entropy
from wzcore.sources import GaussianPair
from wzcore.training import History, train
from wzcore.training import device as default_device

__all__ = [
    "PRIORS",
    "PairGrid",
    "TwoEncoderFit",
    "TwoEncoderVQ",
    "berger_tung_gaussian",
    "berger_tung_sum_rate_numeric",
    "beta",
    "encode",
    "encoder_costs",
    "evaluate",
    "fit_two_encoders",
    "min_r2",
    "min_sum_rate",
    "r_single",
    "reference_rates",
    "sum_rate_bound",
    "sw_pair_blocks",
    "update_maps",
]

PRIORS = ("separate", "joint")
LN2 = math.log(2.0)


# ---- the region ------------------------------------------------------------------------------------------
def _rho(rho: float) -> float:
    return validate.interval("rho", rho, -1.0, 1.0, open_low=True, open_high=True)


def _d(name: str, D: Any) -> np.ndarray:
    d = np.asarray(D, dtype=np.float64)
    if not np.all(np.isfinite(d)) or np.any(d <= 0):
        raise ValueError(f"{name} must be finite and > 0, got {D!r}")
    return d


def _log_plus(v: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 0.5 * np.log2(v))


def _out(a: np.ndarray) -> Any:
    return float(a) if a.ndim == 0 else a


def r_single(r_other: Any, D: Any, rho: float) -> Any:
    """The single-rate constraint ½ log₂⁺[(1 − ρ² + ρ² 2^(−2 R_other)) / D] (bits per sample)."""
    rho, d = _rho(rho), _d("D", D)
    r = np.asarray(r_other, dtype=np.float64)
    if np.any(r < 0):
        raise ValueError(f"r_other must be >= 0, got {r_other!r}")
    return _out(_log_plus((1 - rho**2 + rho**2 * np.exp2(-2 * r)) / d))


def beta(D1: Any, D2: Any, rho: float) -> Any:
    """β(D1, D2) = 1 + √(1 + 4ρ² D1 D2 / (1 − ρ²)²)."""
    rho = _rho(rho)
    d1, d2 = _d("D1", D1), _d("D2", D2)
    return _out(1 + np.sqrt(1 + 4 * rho**2 * d1 * d2 / (1 - rho**2) ** 2))


def sum_rate_bound(D1: Any, D2: Any, rho: float) -> Any:
    """The sum-rate constraint ½ log₂⁺[(1 − ρ²) β(D1, D2) / (2 D1 D2)] (bits per sample pair)."""
    rho = _rho(rho)
    d1, d2 = _d("D1", D1), _d("D2", D2)
    return _out(_log_plus((1 - rho**2) * np.asarray(beta(d1, d2, rho)) / (2 * d1 * d2)))


def min_r2(r1: Any, D1: float, D2: float, rho: float) -> Any:
    """The region's lower boundary: the least R2 with (R1, R2) in the region, ∞ where R1 is below the
    smallest R1 of the region (the Wyner–Ziv rate ½ log₂⁺((1 − ρ²)/D1))."""
    rho = _rho(rho)
    d1, d2 = float(_d("D1", D1)), float(_d("D2", D2))
    r1 = np.asarray(r1, dtype=np.float64)
    if np.any(r1 < 0):
        raise ValueError(f"r1 must be >= 0, got {r1!r}")
    s = d1 * np.exp2(2 * r1)  # R1 ≥ ½ log₂((1 − ρ² + ρ² 2^(−2R2)) / D1)  ⇔  ρ² 2^(−2R2) ≤ s − (1 − ρ²)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_r1 = np.where(s >= 1, 0.0, np.where(s > 1 - rho**2, -0.5 * np.log2((s - 1 + rho**2) / max(rho**2, 1e-300)),
                                                  np.inf))
    r2 = np.maximum.reduce([np.zeros_like(r1), from_r1, np.asarray(r_single(r1, d2, rho)),
                            sum_rate_bound(d1, d2, rho) - r1])
    return _out(r2)


def min_sum_rate(D1: float, D2: float, rho: float) -> float:
    """min R1 + R2 over the region at (D1, D2): the Berger–Tung (= optimal) sum rate, bits per sample pair.
    Equal to :func:`sum_rate_bound` where that constraint is active; found by minimising R1 + min_r2(R1)
    (convex in R1) over R1 between the Wyner–Ziv rate and R(D1)."""
    rho = _rho(rho)
    d1, d2 = float(_d("D1", D1)), float(_d("D2", D2))
    lo = float(_log_plus(np.asarray((1 - rho**2) / d1)))
    hi = max(float(_log_plus(np.asarray(1 / d1))), lo)
    f = lambda r: r + float(min_r2(r, d1, d2, rho))  # noqa: E731
    a = lo + 1e-12 * max(1.0, lo)
    if hi - a < 1e-12:
        return f(hi)
    res = minimize_scalar(f, bounds=(a, hi), method="bounded", options={"xatol": 1e-10})
    return float(min(res.fun, f(hi), f(a)))


def berger_tung_gaussian(q1: float, q2: float, rho: float) -> dict[str, float]:
    """Rates and distortions of the Gaussian Berger–Tung scheme U_i = X_i + N_i, N_i ~ N(0, q_i) (q_i = ∞:
    encoder i sends nothing): D_i = [(Σ⁻¹ + Q⁻¹)⁻¹]_ii, sum rate I(X1, X2; U1, U2) = ½ log₂ det(I + ΣQ⁻¹),
    corner rates I(X2; U2) and I(X1; U1 | U2)."""
    rho = _rho(rho)
    q = np.array([float(q1), float(q2)])
    if np.any(~(q > 0)):
        raise ValueError(f"q1 and q2 must be > 0 (inf allowed), got {q1!r}, {q2!r}")
    sigma = np.array([[1.0, rho], [rho, 1.0]])
    qinv = np.diag(1 / q)
    post = np.linalg.inv(np.linalg.inv(sigma) + qinv)
    r_sum = 0.5 * math.log2(np.linalg.det(np.eye(2) + sigma @ qinv))
    r2 = 0.5 * math.log2(1 + 1 / q[1])
    return {"D1": float(post[0, 0]), "D2": float(post[1, 1]), "sum": r_sum, "R2": r2, "R1": r_sum - r2}


def berger_tung_sum_rate_numeric(D1: float, D2: float, rho: float) -> float:
    """min I(X1, X2; U1, U2) over Gaussian test channels U_i = X_i + N_i meeting D1 and D2
    (:func:`berger_tung_gaussian`), by SLSQP over log q_i from five starts — a computation of the sum rate
    that does not use the closed form of :func:`sum_rate_bound` (bits per sample pair)."""
    rho = _rho(rho)
    d1, d2 = float(_d("D1", D1)), float(_d("D2", D2))
    f = lambda v: berger_tung_gaussian(math.exp(v[0]), math.exp(v[1]), rho)  # noqa: E731
    cons = [{"type": "ineq", "fun": lambda v: math.log(d1) - math.log(f(v)["D1"])},
            {"type": "ineq", "fun": lambda v: math.log(d2) - math.log(f(v)["D2"])}]
    best = math.inf
    for x0 in ((-2.0, -2.0), (0.0, -4.0), (-4.0, 0.0), (3.0, -3.0), (-3.0, 3.0)):
        res = minimize(lambda v: f(v)["sum"], x0, method="SLSQP", constraints=cons, bounds=[(-20.0, 12.0)] * 2,
                       options={"ftol": 1e-12, "maxiter": 1000})
        v = res.x
        if res.success and f(v)["D1"] <= d1 * (1 + 1e-6) and f(v)["D2"] <= d2 * (1 + 1e-6):
            best = min(best, float(res.fun))
    if not math.isfinite(best):
        raise RuntimeError(f"no Gaussian test channel found meeting D1 = {d1}, D2 = {d2}")
    return best


def reference_rates(D1: float, D2: float, rho: float) -> dict[str, float]:
    """The rates an operating point with distortions (D1, D2) is measured against (bits per sample):
    ``bt_sum`` (:func:`min_sum_rate`), ``p2p_sum`` = R(D1) + R(D2) (each source coded alone, ½ log₂⁺(1/D_i)),
    ``p2p1``, ``p2p2``, and the Wyner–Ziv rates ``wz1``, ``wz2`` of each source with the other one known
    at the decoder, ½ log₂⁺((1 − ρ²)/D_i)."""
    rho = _rho(rho)
    d1, d2 = float(_d("D1", D1)), float(_d("D2", D2))
    p1, p2 = (float(_log_plus(np.asarray(1 / d))) for d in (d1, d2))
    w1, w2 = (float(_log_plus(np.asarray((1 - rho**2) / d))) for d in (d1, d2))
    return {"bt_sum": min_sum_rate(d1, d2, rho), "p2p_sum": p1 + p2, "p2p1": p1, "p2p2": p2, "wz1": w1,
            "wz2": w2}


# ---- the grid of the other encoder's map -----------------------------------------------------------------
class PairGrid:
    """G grid points on [−L, L], each the centre of a cell (the outer cells reach ±∞), and the masses of the
    cells under the other source's law N(ρx, 1 − ρ²) given one source's value x (:meth:`weights`)."""

    def __init__(self, source: GaussianPair, n_grid: int = 801, half_width: float = 5.0):
        if not isinstance(source, GaussianPair):
            raise ValueError(f"source must be a GaussianPair, got {type(source).__name__}")
        self.source = source
        self.n = validate.integer("n_grid", n_grid, 3)
        self.half_width = validate.positive("half_width", half_width)
        self.x = np.linspace(-self.half_width, self.half_width, self.n)
        self.edges = np.r_[-np.inf, 0.5 * (self.x[1:] + self.x[:-1]), np.inf]
        self.spacing = float(self.x[1] - self.x[0])
        self._w_grid: np.ndarray | None = None

    def weights(self, x: Any = None) -> np.ndarray:
        """P(X_other ∈ cell_j | X_own = x_b), shape (B, G), rows summing to 1; ``x=None``: at the grid points
        themselves (computed once)."""
        if x is None:
            if self._w_grid is None:
                self._w_grid = self.weights(self.x)
            return self._w_grid
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        mean, var = self.source.conditional(x)
        c = ndtr((self.edges[None, :] - mean[:, None]) / math.sqrt(var))
        w = np.diff(c, axis=1)
        return w / w.sum(1, keepdims=True)

    def nearest(self, x: Any) -> np.ndarray:
        """Index of the grid point nearest to each x (clipped to the grid's ends)."""
        i = np.rint((np.asarray(x, dtype=np.float64) + self.half_width) / self.spacing)
        return np.clip(i, 0, self.n - 1).astype(np.int64)

    def __repr__(self) -> str:
        return f"PairGrid({self.source!r}, n_grid={self.n}, half_width={self.half_width})"


# ---- the model ---------------------------------------------------------------------------------------------
class TwoEncoderVQ(PicklesByState, nn.Module):
    """Joint decoder g(k1, k2) → (x̂1, x̂2) and the index prior of the two-encoder quantizer (module docstring).

    ``K1``, ``K2`` indices, ``lam1``, ``lam2`` the weights of the two MSEs, ``prior`` ∈ ``PRIORS``, ``hidden``
    the decoder's hidden widths, ``prior_lr_scale`` = prior_lr / lr (chapter 4's reparametrisation), ``seed``
    the initialisation.
    """

    def __init__(self, K1: int = 32, K2: int = 32, lam1: float = 30.0, lam2: float = 30.0, *,
                 prior: str = "joint", hidden: Sequence[int] = (100, 100), prior_lr_scale: float = 1.0,
                 seed: int = 0):
        super().__init__()
        self.init_kwargs = {"K1": K1, "K2": K2, "lam1": lam1, "lam2": lam2, "prior": prior,
                            "hidden": tuple(hidden), "prior_lr_scale": prior_lr_scale, "seed": seed}
        self.K1, self.K2 = validate.integer("K1", K1, 2), validate.integer("K2", K2, 2)
        self.lam1, self.lam2 = validate.positive("lam1", lam1), validate.positive("lam2", lam2)
        if prior not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {prior!r}")
        if len(hidden) < 1 or any(isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in hidden):
            raise ValueError(f"hidden must be a non-empty sequence of integers >= 1, got {tuple(hidden)}")
        self.prior = prior
        self.dec_in = nn.Linear(self.K1 + self.K2, hidden[0])
        self.dec_rest = nn.Sequential(nn.LeakyReLU(), *mlp(hidden[0], hidden[1:], 2))
        if prior == "separate":
            self.prior_net = nn.ModuleList([Logits(self.K1), Logits(self.K2)])
        else:
            self.prior_net = nn.ModuleList([Logits(self.K1 * self.K2)])
        seeded_init(self, torch.Generator().manual_seed(int(seed)))
        scale_lr(self.prior_net, validate.positive("prior_lr_scale", prior_lr_scale))

    @property
    def device(self) -> torch.device:
        return self.dec_in.weight.device

    def _k(self, k: Any, K: int, name: str) -> torch.Tensor:
        return index_tensor(k, K, self.device, name)

    def decode_table(self) -> torch.Tensor:
        """g(k1, k2) for every pair, shape (K1, K2, 2); the first layer is W[:, k1] + W[:, K1 + k2] + b."""
        W, b = self.dec_in.weight, self.dec_in.bias
        h = W[:, : self.K1].T[:, None, :] + W[:, self.K1:].T[None, :, :] + b
        return self.dec_rest(h)

    def decode(self, k1: Any, k2: Any) -> torch.Tensor:
        """(x̂1, x̂2) = g(k1, k2), shape (B, 2)."""
        k1t, k2t = self._k(k1, self.K1, "k1"), self._k(k2, self.K2, "k2")
        if k1t.shape != k2t.shape:
            raise ValueError(f"k1 and k2 must have the same length, got {k1t.numel()} and {k2t.numel()}")
        x = torch.cat([F.one_hot(k1t, self.K1), F.one_hot(k2t, self.K2)], 1).float()
        return self.dec_rest(self.dec_in(x))

    def log2_pmfs(self) -> tuple[torch.Tensor, torch.Tensor] | torch.Tensor:
        """(log₂ p1, log₂ p2) for separate priors, the (K1, K2) table log₂ p(k1, k2) for the joint one."""
        if self.prior == "separate":
            return tuple(F.log_softmax(m.logits, 0) / LN2 for m in self.prior_net)  # type: ignore[return-value]
        return (F.log_softmax(self.prior_net[0].logits, 0) / LN2).reshape(self.K1, self.K2)

    def rate_table(self) -> torch.Tensor:
        """r(k1, k2) in bits for every pair, shape (K1, K2)."""
        lp = self.log2_pmfs()
        if self.prior == "separate":
            return -(lp[0][:, None] + lp[1][None, :])
        return -lp

    def bits(self, k1: Any, k2: Any) -> torch.Tensor:
        """r(k1, k2) per pair, shape (B,)."""
        k1t, k2t = self._k(k1, self.K1, "k1"), self._k(k2, self.K2, "k2")
        return self.rate_table()[k1t, k2t]

    def pmf(self) -> np.ndarray:
        """The prior's joint pmf of (k1, k2), float64 (K1, K2) (the product p1 p2 for separate priors)."""
        with torch.no_grad():
            p = np.exp2(-self.rate_table().double().cpu().numpy())
        return p / p.sum()

    def extra_repr(self) -> str:
        return f"K1={self.K1}, K2={self.K2}, lam1={self.lam1:g}, lam2={self.lam2:g}, prior={self.prior!r}"


# ---- the encoders ------------------------------------------------------------------------------------------
def _side(side: int) -> int:
    if side not in (1, 2):
        raise ValueError(f"side must be 1 or 2, got {side!r}")
    return side


@torch.no_grad()
def encoder_costs(model: TwoEncoderVQ, grid: PairGrid, side: int, x: Any, other_map: Any) -> torch.Tensor:
    """C[b, k]: encoder ``side``'s expected cost of index k at its source value x_b (module docstring, up to
    terms free of k), the other encoder using ``other_map`` (its index at each grid point), shape (B, K_side);
    ``x=None``: at the grid points."""
    side = _side(side)
    K_oth = model.K2 if side == 1 else model.K1
    omap = torch.as_tensor(np.asarray(other_map), device=model.device).long()
    if omap.shape != (grid.n,) or (omap.numel() and (omap.min() < 0 or omap.max() >= K_oth)):
        raise ValueError(f"other_map must hold {grid.n} indices in [0, {K_oth - 1}]")
    xv = grid.x if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
    w = torch.as_tensor(grid.weights(None if x is None else xv), dtype=torch.float32, device=model.device)
    xg = torch.as_tensor(grid.x, dtype=torch.float32, device=model.device)
    A = torch.zeros(w.shape[0], K_oth, device=model.device).index_add_(1, omap, w)
    Bm = torch.zeros(w.shape[0], K_oth, device=model.device).index_add_(1, omap, w * xg)
    g, r = model.decode_table(), model.rate_table()  # (K1, K2, 2), (K1, K2)
    if side == 2:
        g, r = g.transpose(0, 1).flip(-1), r.T  # rows: own index; component 0: own source
    lam_own, lam_oth = (model.lam1, model.lam2) if side == 1 else (model.lam2, model.lam1)
    g_own, g_oth = g[..., 0], g[..., 1]
    M = r + lam_own * g_own.pow(2) + lam_oth * g_oth.pow(2)
    xt = torch.as_tensor(xv, dtype=torch.float32, device=model.device)[:, None]
    return A @ M.T - 2 * lam_own * xt * (A @ g_own.T) - 2 * lam_oth * (Bm @ g_oth.T)


def encode(model: TwoEncoderVQ, grid: PairGrid, side: int, x: Any, other_map: Any,
           batch: int = 4096) -> np.ndarray:
    """k*(x) of encoder ``side`` at each of its source values (numpy int64), ``batch`` values at a time;
    ``x=None``: its map on the grid."""
    if x is None:
        return encoder_costs(model, grid, side, None, other_map).argmin(1).cpu().numpy()
    xv = np.asarray(x, dtype=np.float64).reshape(-1)
    batch = validate.integer("batch", batch, 1)
    out = np.empty(xv.size, dtype=np.int64)
    for i in range(0, xv.size, batch):
        out[i:i + batch] = encoder_costs(model, grid, side, xv[i:i + batch], other_map).argmin(1).cpu().numpy()
    return out


def update_maps(model: TwoEncoderVQ, grid: PairGrid, map2: Any, sweeps: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``sweeps`` Gauss–Seidel sweeps of the two maps on the grid: map1 ← argmin against map2, then map2 ←
    argmin against the new map1. Returns (map1, map2)."""
    sweeps = validate.integer("sweeps", sweeps, 1)
    m2 = np.asarray(map2)
    for _ in range(sweeps):
        m1 = encode(model, grid, 1, None, m2)
        m2 = encode(model, grid, 2, None, m1)
    return m1, m2


# ---- training -------------------------------------------------------------------------------------------------
@dataclass
class TwoEncoderFit:
    """What :func:`fit_two_encoders` returns: the model, the grid, the two encoders' final maps on it, the
    warm-up's and the RD phase's histories, wall time."""

    model: TwoEncoderVQ
    grid: PairGrid
    map1: np.ndarray
    map2: np.ndarray
    warmup: History | None
    rd: History
    wall_s: float


def fit_two_encoders(source: GaussianPair, lam1: float, lam2: float, steps: int, *, K1: int = 32, K2: int = 32,
                     prior: str = "joint", batch: int = 512, lr: float = 1e-3, prior_lr: float = 1e-2,
                     lr_milestones: Sequence[float] = (0.7,), warmup_steps: int = 2_000, warmup_repeat: int = 2,
                     n_grid: int = 801, half_width: float = 5.0, hidden: Sequence[int] = (100, 100),
                     seed: int = 0, device: torch.device | str | None = None, progress: bool = True,
                     log_every: int = 100) -> TwoEncoderFit:
    """Train a :class:`TwoEncoderVQ` on ``source`` at (λ1, λ2): decoder warm-up, then ``steps`` RD steps.

    Warm-up (``warmup_steps`` > 0; the prior frozen): chapter 4's random labels — max(K1, K2)·``warmup_repeat``
    pairs drawn once, each labelled by an independent uniform (k1, k2), the decoder regressed on them. RD
    phase: per step one Gauss–Seidel sweep of the maps on the grid (:func:`update_maps`), ``batch`` fresh
    pairs encoded by the two maps (each source's index taken at its nearest grid point; :func:`evaluate`
    encodes with the exact argmin at x), Adam on mean[r(k1, k2) + λ1 (x1 − x̂1)² + λ2 (x2 − x̂2)²] at ``lr``
    (prior: ``prior_lr``), × 0.1 at the fractions ``lr_milestones``. Everything derives from ``seed``; CPU
    reruns are bit-identical. History metrics: ``bits``, ``mse1``, ``mse2``, ``used1``, ``used2``.
    """
    if not isinstance(source, GaussianPair):
        raise ValueError(f"source must be a GaussianPair, got {type(source).__name__}")
    steps = validate.integer("steps", steps, 1)
    batch = validate.integer("batch", batch, 1)
    lr, prior_lr = validate.positive("lr", lr), validate.positive("prior_lr", prior_lr)
    warmup_steps = validate.integer("warmup_steps", warmup_steps, 0)
    warmup_repeat = validate.integer("warmup_repeat", warmup_repeat, 1)
    grid = PairGrid(source, n_grid, half_width)
    dev = torch.device(device) if device is not None else default_device()
    init_seed, warm_data_seed, warm_seed, rd_seed = (int(s) for s in np.random.SeedSequence(seed).generate_state(4))
    model = TwoEncoderVQ(K1, K2, lam1, lam2, prior=prior, hidden=hidden, prior_lr_scale=prior_lr / lr,
                         seed=init_seed).to(dev)
    t0 = time.perf_counter()
    warm_hist = None
    if warmup_steps > 0:
        wrng = np.random.default_rng(warm_data_seed)
        m = max(model.K1, model.K2) * warmup_repeat
        x1w, x2w = source.sample(m, wrng)
        xw = np.stack([x1w, x2w], 1)
        k1w, k2w = wrng.integers(0, model.K1, m), wrng.integers(0, model.K2, m)

        def warm_loss(b, gen: torch.Generator):
            x, k1, k2 = b
            return (x - model.decode(k1, k2)).pow(2).sum(1).mean()

        warm_hist = train(DecoderOnly(model), warm_loss, lambda step, rng: (xw, k1w, k2w), warmup_steps, lr,
                          lr_milestones=(), seed=warm_seed, device=dev, progress=progress, log_every=log_every,
                          desc="warm-up (random labels)")

    state = {"map2": np.zeros(grid.n, dtype=np.int64)}
    _, state["map2"] = update_maps(model, grid, state["map2"], sweeps=3)

    def rd_batch(step: int, rng: np.random.Generator):
        return source.sample(batch, rng)

    def rd_loss(b, gen: torch.Generator):
        x1t, x2t = b
        map1, state["map2"] = update_maps(model, grid, state["map2"])
        k1 = map1[grid.nearest(x1t.cpu().numpy())]  # the argmin at the nearest grid point
        k2 = state["map2"][grid.nearest(x2t.cpu().numpy())]
        xh = model.decode(k1, k2)
        se1, se2 = (x1t - xh[:, 0]).pow(2), (x2t - xh[:, 1]).pow(2)
        bits = model.bits(k1, k2)
        loss = (bits + model.lam1 * se1 + model.lam2 * se2).mean()
        return loss, {"bits": bits.mean(), "mse1": se1.mean(), "mse2": se2.mean(),
                      "used1": float(np.unique(k1).size), "used2": float(np.unique(k2).size)}

    rd_hist = train(model, rd_loss, rd_batch, steps, lr, lr_milestones=lr_milestones, seed=rd_seed, device=dev,
                    progress=progress, log_every=log_every,
                    desc=f"two encoders λ=({lam1:g}, {lam2:g}) ({prior})")
    map1, map2 = update_maps(model, grid, state["map2"], sweeps=3)
    return TwoEncoderFit(model.eval(), grid, map1, map2, warm_hist, rd_hist, time.perf_counter() - t0)


# ---- evaluation ------------------------------------------------------------------------------------------------
def _encode_pairs(fit: TwoEncoderFit, x1: np.ndarray, x2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (encode(fit.model, fit.grid, 1, x1, fit.map2), encode(fit.model, fit.grid, 2, x2, fit.map1))


@torch.no_grad()
def evaluate(fit: TwoEncoderFit, n: int, rng: np.random.Generator) -> dict[str, float]:
    """Operating point on ``n`` fresh pairs (rates in bits per sample of each source; sums per pair):

    - ``mse1``, ``mse2`` and their dB values ``mse1_db``, ``mse2_db``;
    - ``H1``, ``H2``, ``H12`` (plug-in H(K1), H(K2), H(K1, K2)) and ``H2_given_1`` = H12 − H1;
    - ``rate_model`` = mean r(k1, k2), the model's own rate (cross-entropy under its prior);
    - real bytes, each stream decoded and checked: ``r1_sep``, ``r2_sep`` — each index entropy-coded on its
      own (:func:`wzcore.coding.encode_categorical`) with the prior's marginal pmf (header and CRC included;
      the point of separate coding); ``r1_first`` = ``r1_sep`` (K1 is coded first at the Slepian–Wolf
      corner; K2's real rate comes from :func:`sw_pair_blocks` and :mod:`wzcore.swc_nq`).
    """
    n = validate.integer("n", n, 1)
    validate.rng(rng)
    x1, x2 = fit.grid.source.sample(n, rng)
    k1, k2 = _encode_pairs(fit, x1, x2)
    xh = np.concatenate([fit.model.decode(k1[i:i + 65536], k2[i:i + 65536]).double().cpu().numpy()
                         for i in range(0, n, 65536)])
    mse1, mse2 = float(np.mean((x1 - xh[:, 0]) ** 2)), float(np.mean((x2 - xh[:, 1]) ** 2))
    pmf = fit.model.pmf()
    out = {"mse1": mse1, "mse2": mse2, "mse1_db": 10 * math.log10(mse1), "mse2_db": 10 * math.log10(mse2),
           "H1": empirical_entropy(k1), "H2": empirical_entropy(k2),
           "H12": empirical_entropy(k1 * fit.model.K2 + k2),
           "rate_model": float(fit.model.bits(k1, k2).double().mean())}
    out["H2_given_1"] = out["H12"] - out["H1"]
    for name, k, p in (("r1_sep", k1, pmf.sum(1)), ("r2_sep", k2, pmf.sum(0))):
        p = np.maximum(p, 1e-12)
        p = p / p.sum()
        stream = coding.encode_categorical(k, p)
        if not np.array_equal(coding.decode_categorical(stream, p), k):
            raise RuntimeError("entropy-coded indices did not round-trip")
        out[name] = 8 * len(stream) / n
    out["r1_first"] = out["r1_sep"]
    return out


def sw_pair_blocks(fit: TwoEncoderFit, n: int, count: int, rng: np.random.Generator,
                   floor: float = 1e-9) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` blocks of ``n`` fresh pairs for the Slepian–Wolf coder of K2 with K1 at the decoder
    (:func:`wzcore.swc_nq.feedback_free`, :func:`wzcore.swc_nq.return_channel`): per block encoder 2's
    indices k2 and the decoder's log-posterior log p(k2 | k1_i) from the prior's joint pmf, an (n, K2) array
    (probabilities floored at ``floor`` and renormalised, so that no index the prior deems impossible is)."""
    n, count = validate.integer("n", n, 1), validate.integer("count", count, 1)
    validate.rng(rng)
    floor = validate.interval("floor", floor, 0.0, 1e-3, open_low=True)
    cond = np.maximum(fit.model.pmf(), floor)
    cond = np.log(cond / cond.sum(1, keepdims=True))
    blocks = []
    for _ in range(count):
        x1, x2 = fit.grid.source.sample(n, rng)
        k1, k2 = _encode_pairs(fit, x1, x2)
        blocks.append((k2, cond[k1]))
    return blocks
