"""Learned entropy-constrained vector quantization with decoder side information — the compressor that
discovers binning (E. Özyılkan, J. Ballé, E. Erkip, "Learned Wyner–Ziv compressors recover binning",
ISIT 2023; "Neural distributed compressor discovers binning", IEEE JSAIT 2024, arXiv 2310.16961).

**Model.** There is no encoder network. A decoder MLP  x̂ = g(k, y)  maps [one-hot(k) ‖ y] through
100 → 100 → dim_x units with leaky ReLU, for K indices k ∈ {0, …, K−1}, and an index prior gives the rate:

- ``prior="marginal"`` (the paper's notebook): p(k) = softmax(θ)_k, K free logits; the rate −log₂ p(k)
  averages to the cross-entropy ≥ H(K), reachable by entropy coding k with p (no side information);
- ``prior="conditional"`` (the paper's other variant): q(k | y) = softmax(f(y))_k, an MLP f on y; the rate
  −log₂ q(k | y) averages to ≥ H(K | Y), reachable only by Slepian–Wolf coding of k with y at the decoder.

**Encoder** (the paper's Eq. 18): the best index for the current decoder,

    k*(x) = argmin_k  E_{Y|X=x}[ r(k, Y) + λ ‖x − g(k, Y)‖² ],
    r(k, y) = −log₂ p(k)  (marginal)   or   −log₂ q(k | y)  (conditional),

the encoder knowing p(y | x) but not y. The expectation is a weighted sum over nodes y_j with weights w_j
(:class:`YGivenX`): N Monte-Carlo draws of the *exact* y | x with w_j = 1/N (the paper; N = 16 for Gaussian
sources), an N-point Gauss–Hermite rule for the Gaussian y | x (deterministic; 4 nodes suffice at
σ_n² = 0.01), or the single point y = sign x for sign side information. For ``x = y + n`` the exact
posterior is Y | X = x ~ N(x·σ_y²/(σ_y² + σ_n²), σ_y²σ_n²/(σ_y² + σ_n²)); the authors' notebook samples an
approximation, this module the exact law. The all-K pass uses g's first layer being affine in the one-hot:
W·[e_k ‖ y] + b = W_k + (W_y y + b), so the K hidden vectors of one y cost one K×H addition; it runs in
chunks of ``chunk`` y-rows, on the device of the model's parameters.

**Loss** (per batch, the paper's): L = mean[ r(k*, y) + λ ‖x − g(k*, y)‖² ] with y the true side
information drawn with x and k* from the encoder above (no gradient through the argmin); the gradient
reaches the decoder and the prior. Distortion is the squared error *summed* over dim_x components, rates
are bits per source vector (per sample for the scalar sources of the paper).

**Training** (:func:`fit_binning`) runs :func:`wzcore.training.train` twice. (1) Decoder warm-up with the
prior frozen, three modes: ``"random"`` — the paper's: K x samples drawn once, tiled ``repeat`` times (2 for
Gaussian sources, 1 for sign SI in the notebook), every copy labelled by an independent UniformInt[0, K)
index drawn once, fresh y | x each step, g regressed on ‖x − g(label, y)‖²; ``"one_label"`` — each of the K
samples one label (a random permutation, the copies sharing it); ``"none"``. (2) Rate–distortion training:
Adam, lr 10⁻³ × 0.1 at 70 % of the steps (the paper's). The prior's parameters get their own learning rate
``prior_lr`` (10⁻² lets the rate move within thousands of steps): they are stored as θ_raw with
θ = (prior_lr / lr)·θ_raw (a ``torch.nn.utils.parametrize`` reparametrisation), which under Adam — invariant
to the scale of a gradient — is exactly a learning rate ``prior_lr`` on θ (up to Adam's ε), and keeps the
one training loop of :mod:`wzcore.training` (one optimizer, one schedule).

**Analysis** (scalar sources): :func:`encoder_map` (k*(x) on a grid, with the encoder's expectation or at a
fixed y), :func:`wzcore.rd.intervals_per_index` and :func:`binning_summary` (disjoint runs of an index with probability
≥ a threshold — binning), :func:`wzcore.rd.folding_fraction` (mass whose index at −x equals that at x),
:func:`sign_sharing` (mass in indices used on both sides of 0),
:func:`periodicity` (the shift at which the index pattern best repeats), :func:`decoder_vs_mmse` (g(k, y)
against the exact MMSE estimate E[X | K = k, Y = y], by quadrature over the cell set of k).

**Evaluation** (:func:`evaluate`): MSE and dB on fresh samples with the true y at the decoder; the ideal rate
mean −log₂ p(k); the plug-in H(K); for the conditional prior mean −log₂ q(k | y) (the H(K | Y) estimate
under q, an *ideal* Slepian–Wolf rate); and *real* bytes: the indices entropy-coded with the model's
marginal pmf through :func:`wzcore.coding.encode_categorical` (constriction), decoded and checked.

Hand-written because no kept library implements this model (the authors' code is a JAX notebook).
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
from scipy.special import ndtr
from torch import nn
from torch.nn.utils import parametrize

from wzcore import coding, validate
from wzcore.bounds import empirical_entropy
from wzcore.rd import folding_fraction, intervals_per_index, multi_interval_fraction, runs
from wzcore.sources import QuadraticGaussian, SignSideInfo
from wzcore.training import History, train
from wzcore.training import device as default_device

__all__ = [
    "AUTHORS",
    "EXPECTATIONS",
    "LOSS_DISTORTIONS",
    "PRIORS",
    "WARMUPS",
    "BinningFit",
    "BinningVQ",
    "DecoderOnly",
    "IIDVector",
    "Logits",
    "LrScale",
    "PicklesByState",
    "YGivenX",
    "binning_summary",
    "cell_weights",
    "centroid_order",
    "contiguous_K",
    "decoder_outputs",
    "decoder_vs_mmse",
    "encode",
    "encoder_map",
    "evaluate",
    "fit_binning",
    "folding_fraction",
    "index_tensor",
    "mlp",
    "periodicity",
    "rebuild",
    "relabel",
    "scale_lr",
    "seeded_init",
    "sign_sharing",
    "sw_blocks",
]

PRIORS = ("marginal", "conditional")
WARMUPS = ("random", "one_label", "none")
EXPECTATIONS = ("auto", "gh", "mc", "exact")
LOSS_DISTORTIONS = ("sampled", "expected")
#: The authors' notebook's training options (fit_binning keywords): random-label warm-up, 16 Monte-Carlo draws
#: of y | x in the encoder, and the loss averaged over the same draws.
AUTHORS = {"warmup": "random", "expectation": "mc", "n_nodes": 16, "loss_distortion": "expected"}
LN2 = math.log(2.0)
_DEFAULT_NODES = {"gh": 4, "mc": 16, "exact": 1}


# ---- validation helpers --------------------------------------------------------------------------------
_AUTO_CHUNK = {"cpu": 128, "cuda": 16384}


def _check_chunk(chunk: Any, dev: torch.device | None = None) -> int | None:
    """``"auto"``: 128 y-rows on CPU (a training step at K = 32, 4 nodes, batch 256 on a 2-core CPU took 28,
    24 and 44 ms for blocks of 32, 128 and all rows with one torch thread, 15, 12 and 28 ms with two: larger
    blocks cost page faults), 16384 on CUDA; ``None``: everything in one block."""
    if isinstance(chunk, str):
        if chunk != "auto":
            raise ValueError(f"chunk must be 'auto', None or an integer >= 1, got {chunk!r}")
        return None if dev is None else _AUTO_CHUNK.get(dev.type, 32)
    return None if chunk is None else validate.integer("chunk", chunk, 1)


def _rows(a: Any, dim: int, name: str) -> np.ndarray:
    """float64 array of shape (n, dim); a 1-D array is one column when dim = 1."""
    v = np.asarray(a, dtype=np.float64)
    if v.ndim == 1 and dim == 1:
        v = v[:, None]
    if v.ndim != 2 or v.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}), got {v.shape}")
    return v


# ---- vector sources ------------------------------------------------------------------------------------
class IIDVector:
    """``dim`` i.i.d. copies of a scalar source pair (:class:`QuadraticGaussian` or :class:`SignSideInfo`):
    x, y of shape (n, dim). A test bed for dim_x = dim_y > 1 (per component, all statistics are the base's;
    R_WZ per vector is dim times the base's).

    Kept here rather than in :mod:`wzcore.sources` because only this module needs vector sources so far.
    """

    def __init__(self, base: QuadraticGaussian | SignSideInfo, dim: int):
        if not isinstance(base, QuadraticGaussian | SignSideInfo):
            raise ValueError(f"base must be a QuadraticGaussian or SignSideInfo, got {type(base).__name__}")
        self.base, self.dim = base, validate.integer("dim", dim, 1)

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.base.sample(validate.integer("n", n, 1) * self.dim, rng)
        return x.reshape(n, self.dim), y.reshape(n, self.dim)

    def sample_y_given_x(self, x: np.ndarray, rng: np.random.Generator, k: int = 1) -> np.ndarray:
        """Exact draws of Y | X = x, shape x.shape + (k,)."""
        return self.base.sample_y_given_x(np.asarray(x, dtype=np.float64), rng, k)

    @property
    def cond_var(self) -> float:
        return self.base.cond_var

    @property
    def var_x_marginal(self) -> float:
        return self.base.var_x_marginal

    def __repr__(self) -> str:
        return f"IIDVector({self.base!r}, dim={self.dim})"


def _base(source: Any) -> Any:
    return source.base if isinstance(source, IIDVector) else source


def _dim(source: Any) -> int:
    return source.dim if isinstance(source, IIDVector) else 1


# ---- the encoder's expectation over y | x -------------------------------------------------------------
class YGivenX:
    """Nodes y_j and weights w_j with E_{Y|X=x}[f(Y)] ≈ Σ_j w_j f(y_j), for the encoder's argmin.

    ``method``:

    - ``"gh"``: Gauss–Hermite rule for a Gaussian Y | X = x ~ N(m(x), s²) (both forms of
      :class:`QuadraticGaussian`, from its exact ``y_posterior``): y_j = m + √2·s·t_j, w_j = ω_j/√π with
      (t_j, ω_j) = ``numpy.polynomial.hermite.hermgauss(n)``; exact for polynomials of degree < 2n in y. For
      vector sources the tensor-product rule (n^dim nodes).
    - ``"mc"``: n exact draws of Y | X = x (``source.sample_y_given_x``), w_j = 1/n (the paper; n = 16).
    - ``"exact"``: Y is a function of X (sign side information): the single node y = sign x, weight 1.
    - ``"auto"``: ``"exact"`` for :class:`SignSideInfo`, else ``"gh"``.

    ``n`` defaults to 4 (gh), 16 (mc), 1 (exact).
    """

    def __init__(self, source: Any, method: str = "auto", n: int | None = None):
        base = _base(source)
        if not isinstance(base, QuadraticGaussian | SignSideInfo):
            raise ValueError("source must be a QuadraticGaussian, SignSideInfo or an IIDVector of one, got "
                             f"{type(source).__name__}")
        if method not in EXPECTATIONS:
            raise ValueError(f"method must be one of {EXPECTATIONS}, got {method!r}")
        deterministic = isinstance(base, SignSideInfo)
        if method == "auto":
            method = "exact" if deterministic else "gh"
        if method == "exact" and not deterministic:
            raise ValueError("method='exact' needs side information that is a function of x (SignSideInfo); "
                             "use 'gh' or 'mc'")
        if method == "gh" and deterministic:
            method = "exact"  # a point mass: every quadrature rule is this one node
        self.source, self.method, self.dim = source, method, _dim(source)
        self.n = _DEFAULT_NODES[method] if n is None else validate.integer("n", n, 1)
        if method == "exact":
            self.n = 1
        if method == "gh":
            t, w = np.polynomial.hermite.hermgauss(self.n)
            grids = np.meshgrid(*([t] * self.dim), indexing="ij")
            wgrids = np.meshgrid(*([w] * self.dim), indexing="ij")
            self._t = np.stack([g.ravel() for g in grids], axis=1)  # (n^dim, dim)
            self._w = np.prod(np.stack([g.ravel() for g in wgrids], axis=1), axis=1) / math.pi ** (self.dim / 2)

    @property
    def n_nodes(self) -> int:
        """Number of nodes per x (n^dim for the Gauss–Hermite rule of a vector source)."""
        return self._t.shape[0] if self.method == "gh" else self.n

    def nodes(self, x: Any, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(y, w): y of shape (B, N, dim), w of shape (B, N), for x of shape (B, dim) (or (B,) if dim = 1).

        ``rng`` (a numpy Generator) is needed for ``"mc"`` only.
        """
        x = _rows(x, self.dim, "x")
        B = x.shape[0]
        if self.method == "exact":
            y = np.where(x >= 0, 1.0, -1.0)[:, None, :]
            return y, np.ones((B, 1))
        if self.method == "mc":
            validate.rng(rng)  # Monte Carlo nodes need explicit randomness
            xs = x[:, 0] if isinstance(self.source, QuadraticGaussian) else x
            y = self.source.sample_y_given_x(xs, rng, self.n)  # (B, N) or (B, dim, N)
            y = y[:, :, None] if y.ndim == 2 else np.swapaxes(y, 1, 2)
            return y, np.full((B, self.n), 1.0 / self.n)
        base = _base(self.source)
        mean, var = base.y_posterior(x)  # (B, dim), float
        y = mean[:, None, :] + math.sqrt(2 * var) * self._t[None, :, :]
        return y, np.broadcast_to(self._w, (B, self._w.size)).copy()

    def sample(self, x: Any, rng: np.random.Generator) -> np.ndarray:
        """One exact draw of Y | X = x per row, shape (B, dim)."""
        x = _rows(x, self.dim, "x")
        base = _base(self.source)
        return base.sample_y_given_x(x, rng, 1)[..., 0]

    def __repr__(self) -> str:
        return f"YGivenX({self.source!r}, method={self.method!r}, n={self.n})"


# ---- the model -----------------------------------------------------------------------------------------
class LrScale(nn.Module):
    """θ = c·θ_raw: under Adam, a learning rate lr on θ_raw is a learning rate c·lr on θ."""

    def __init__(self, c: float):
        super().__init__()
        self.c = float(c)

    def forward(self, raw: torch.Tensor) -> torch.Tensor:
        """θ = c·θ_raw."""
        return self.c * raw

    def right_inverse(self, value: torch.Tensor) -> torch.Tensor:
        """θ_raw = θ / c (used when a value is assigned to θ)."""
        return value / self.c


class Logits(nn.Module):
    """K free logits θ (a marginal index prior p(k) = softmax(θ)_k), starting at 0 (uniform)."""

    def __init__(self, K: int):
        super().__init__()
        self.logits = nn.Parameter(torch.zeros(K))


def mlp(d_in: int, hidden: Sequence[int], d_out: int) -> nn.Sequential:
    """Linear layers d_in → hidden… → d_out with leaky ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    d = d_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.LeakyReLU()]
        d = h
    layers.append(nn.Linear(d, d_out))
    return nn.Sequential(*layers)


def seeded_init(module: nn.Module, gen: torch.Generator) -> None:
    """PyTorch's default initialisation of every ``nn.Linear`` in ``module``, drawn from ``gen``."""
    for lin in (m for m in module.modules() if isinstance(m, nn.Linear)):
        nn.init.kaiming_uniform_(lin.weight, a=math.sqrt(5), generator=gen)
        bound = 1 / math.sqrt(lin.in_features)
        nn.init.uniform_(lin.bias, -bound, bound, generator=gen)


def scale_lr(module: nn.Module, scale: float) -> None:
    """Reparametrise every parameter θ of ``module`` as θ = scale·θ_raw (:class:`LrScale`): under Adam its
    learning rate becomes scale × the optimizer's (the index priors' own learning rate)."""
    for mod in list(module.modules()):
        for pname in [n for n, _ in mod.named_parameters(recurse=False)]:
            parametrize.register_parametrization(mod, pname, LrScale(scale))


class PicklesByState:
    """Mixin: pickle a module as (its class, constructor arguments ``init_kwargs``, CPU state dict). A
    parametrized module pickles no other way, and :func:`wzcore.training.fit_parallel` returns models from
    its worker processes by pickle; the copy is rebuilt on the CPU, in train mode."""

    init_kwargs: dict[str, Any]

    def __reduce_ex__(self, protocol: int) -> tuple[Any, tuple[Any, ...]]:
        state = {k: v.detach().cpu() for k, v in self.state_dict().items()}
        return rebuild, (type(self), self.init_kwargs, state)


def rebuild(cls: type, init_kwargs: dict[str, Any], state: dict[str, torch.Tensor]) -> nn.Module:
    """Inverse of :class:`PicklesByState`'s pickling: ``cls(**init_kwargs)`` with ``state`` loaded."""
    model = cls(**init_kwargs)
    model.load_state_dict(state)
    return model


def index_tensor(k: Any, K: int, device: torch.device, name: str = "k") -> torch.Tensor:
    """Indices as a 1-D int64 tensor on ``device``; ValueError unless integers in [0, K − 1]."""
    kt = torch.as_tensor(np.asarray(k) if not isinstance(k, torch.Tensor) else k, device=device)
    if kt.dim() != 1 or kt.is_floating_point() or (kt.numel() and (kt.min() < 0 or kt.max() >= K)):
        raise ValueError(f"{name} must be a 1-D integer array with values in [0, {K - 1}]")
    return kt.long()


class DecoderOnly(nn.Module):
    """The decoder layers ``dec_in``, ``dec_rest`` of a model, as a module of their own (the decoder
    warm-up trains these parameters only)."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.dec_in, self.dec_rest = model.dec_in, model.dec_rest


class BinningVQ(PicklesByState, nn.Module):
    """Decoder g(k, y), index prior, and the argmin encoder of Özyılkan, Ballé & Erkip (module docstring).

    ``K`` indices, ``lam`` = λ of the encoder and loss, ``prior`` ∈ ``PRIORS``, ``hidden`` the decoder's hidden
    widths (the paper: 100, 100), ``prior_hidden`` those of the conditional prior's MLP on y,
    ``prior_lr_scale`` = prior_lr / lr (see the module docstring), ``seed`` the initialisation (PyTorch's
    default init for the linear layers, drawn from an explicit generator; the marginal logits start at 0).
    """

    def __init__(self, K: int = 32, lam: float = 1.0, *, dim_x: int = 1, dim_y: int = 1, prior: str = "marginal",
                 hidden: Sequence[int] = (100, 100), prior_hidden: Sequence[int] = (100, 100),
                 prior_lr_scale: float = 1.0, seed: int = 0):
        super().__init__()
        self.init_kwargs = {"K": K, "lam": lam, "dim_x": dim_x, "dim_y": dim_y, "prior": prior,
                            "hidden": tuple(hidden), "prior_hidden": tuple(prior_hidden),
                            "prior_lr_scale": prior_lr_scale, "seed": seed}
        self.K = validate.integer("K", K, 2)
        self.lam = validate.positive("lam", lam)
        self.dim_x = validate.integer("dim_x", dim_x, 1)
        self.dim_y = validate.integer("dim_y", dim_y, 1)
        if prior not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {prior!r}")
        for name, hs in (("hidden", hidden), ("prior_hidden", prior_hidden)):
            if len(hs) < 1 or any(isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in hs):
                raise ValueError(f"{name} must be a non-empty sequence of integers >= 1, got {tuple(hs)}")
        scale = validate.positive("prior_lr_scale", prior_lr_scale)
        self.prior = prior
        gen = torch.Generator().manual_seed(int(seed))
        self.dec_in = nn.Linear(self.K + self.dim_y, hidden[0])
        self.dec_rest = nn.Sequential(nn.LeakyReLU(), *mlp(hidden[0], hidden[1:], self.dim_x))
        self.prior_net = Logits(self.K) if prior == "marginal" else mlp(self.dim_y, prior_hidden, self.K)
        seeded_init(self, gen)
        self.prior_lr_scale = scale
        scale_lr(self.prior_net, scale)

    # -- plumbing
    @property
    def device(self) -> torch.device:
        return self.dec_in.weight.device

    def _t(self, a: Any, dim: int, name: str) -> torch.Tensor:
        if isinstance(a, torch.Tensor):
            t = a.to(self.device, torch.float32)
            if t.dim() == 1 and dim == 1:
                t = t[:, None]
            if t.dim() != 2 or t.shape[1] != dim:
                raise ValueError(f"{name} must have shape (n, {dim}), got {tuple(t.shape)}")
            return t
        return torch.as_tensor(_rows(a, dim, name), dtype=torch.float32, device=self.device)

    def _k(self, k: Any) -> torch.Tensor:
        return index_tensor(k, self.K, self.device)

    # -- decoder and prior
    def decode(self, k: Any, y: Any) -> torch.Tensor:
        """x̂ = g(k, y) = MLP([one-hot(k) ‖ y]), shape (B, dim_x), for k of shape (B,) and y (B, dim_y)."""
        kt, yt = self._k(k), self._t(y, self.dim_y, "y")
        if kt.shape[0] != yt.shape[0]:
            raise ValueError(f"k and y must have the same length, got {kt.shape[0]} and {yt.shape[0]}")
        onehot = F.one_hot(kt, self.K).to(yt.dtype)
        return self.dec_rest(self.dec_in(torch.cat([onehot, yt], dim=1)))

    def decode_all(self, y: Any) -> torch.Tensor:
        """g(k, y) for every k: shape (M, K, dim_x) for y of shape (M, dim_y).

        First layer W·[e_k ‖ y] + b = W[:, k] + W_y y + b, so the one-hot product is a gather-free add.
        """
        yt = self._t(y, self.dim_y, "y")
        W, b = self.dec_in.weight, self.dec_in.bias
        h = F.linear(yt, W[:, self.K:], b)[:, None, :] + W[:, : self.K].T[None, :, :]
        return self.dec_rest(h)

    def log2_prior(self, y: Any = None) -> torch.Tensor:
        """log₂ p(k) of shape (K,) (marginal; ``y`` ignored) or log₂ q(k | y) of shape (M, K) (conditional)."""
        if self.prior == "marginal":
            return F.log_softmax(self.prior_net.logits, dim=0) / LN2
        if y is None:
            raise ValueError("y is required for the conditional prior q(k | y)")
        return F.log_softmax(self.prior_net(self._t(y, self.dim_y, "y")), dim=1) / LN2

    def bits(self, k: Any, y: Any = None) -> torch.Tensor:
        """r(k, y) = −log₂ p(k) or −log₂ q(k | y), shape (B,)."""
        kt = self._k(k)
        lp = self.log2_prior(y)
        return -(lp[kt] if lp.dim() == 1 else lp.gather(1, kt[:, None])[:, 0])

    # -- encoder
    def encoder_costs(self, x: Any, y_nodes: Any, w: Any, chunk: int | str | None = "auto") -> torch.Tensor:
        """C[b, k] = Σ_j w[b, j]·(r(k, y_bj) + λ‖x_b − g(k, y_bj)‖²), shape (B, K).

        ``x`` (B, dim_x), ``y_nodes`` (B, N, dim_y), ``w`` (B, N) or (N,). Computed ``chunk`` y-rows at a time
        (``"auto"``: 32 on CPU, 16384 on CUDA; ``None``: all at once); no gradient.
        """
        chunk = _check_chunk(chunk, self.device)
        xt = self._t(x, self.dim_x, "x")
        yn = torch.as_tensor(y_nodes, dtype=torch.float32, device=self.device)
        if yn.dim() == 2 and self.dim_y == 1:
            yn = yn[:, :, None]
        B = xt.shape[0]
        if yn.dim() != 3 or yn.shape[0] != B or yn.shape[2] != self.dim_y:
            raise ValueError(f"y_nodes must have shape ({B}, N, {self.dim_y}), got {tuple(yn.shape)}")
        N = yn.shape[1]
        wt = torch.as_tensor(w, dtype=torch.float32, device=self.device)
        wt = wt.expand(B, N) if wt.dim() == 1 else wt
        if tuple(wt.shape) != (B, N):
            raise ValueError(f"w must have shape ({B}, {N}) or ({N},), got {tuple(wt.shape)}")
        rows = B if chunk is None else max(1, chunk // N)
        out = torch.empty(B, self.K, device=self.device)
        with torch.no_grad():
            lp_marg = self.log2_prior() if self.prior == "marginal" else None
            for i in range(0, B, rows):
                xc, yc, wc = xt[i:i + rows], yn[i:i + rows], wt[i:i + rows]
                b = xc.shape[0]
                yflat = yc.reshape(b * N, self.dim_y)
                g = self.decode_all(yflat).reshape(b, N, self.K, self.dim_x)
                cost = self.lam * (xc[:, None, None, :] - g).pow(2).sum(-1)  # (b, N, K)
                if lp_marg is None:
                    cost = cost - self.log2_prior(yflat).reshape(b, N, self.K)
                c = (wc[:, :, None] * cost).sum(1)
                out[i:i + rows] = c if lp_marg is None else c - lp_marg[None, :]
        return out

    def encode_nodes(self, x: Any, y_nodes: Any, w: Any, chunk: int | str | None = "auto") -> torch.Tensor:
        """k*(x) = argmin_k of :meth:`encoder_costs`, shape (B,) (int64 on the model's device)."""
        return self.encoder_costs(x, y_nodes, w, chunk).argmin(dim=1)

    def rd_terms(self, x: Any, y: Any, k: Any) -> dict[str, torch.Tensor]:
        """bits r(k, y), sse ‖x − g(k, y)‖² (shape (B,)) and loss = mean(bits + λ·sse), with gradients."""
        xt, yt = self._t(x, self.dim_x, "x"), self._t(y, self.dim_y, "y")
        bits = self.bits(k, yt)
        sse = (xt - self.decode(k, yt)).pow(2).sum(1)
        return {"bits": bits, "sse": sse, "loss": (bits + self.lam * sse).mean()}

    def expected_rd_terms(self, x: Any, y_nodes: Any, w: Any, k: Any) -> dict[str, torch.Tensor]:
        """:meth:`rd_terms` averaged over the encoder's nodes: bits Σ_j w_j r(k, y_j), sse Σ_j w_j ‖x − g(k,
        y_j)‖² (shape (B,)), loss = mean(bits + λ·sse); ``y_nodes`` (B, N, dim_y), ``w`` (B, N)."""
        xt, kt = self._t(x, self.dim_x, "x"), self._k(k)
        yn = torch.as_tensor(y_nodes, dtype=torch.float32, device=self.device).reshape(xt.shape[0], -1, self.dim_y)
        wt = torch.as_tensor(w, dtype=torch.float32, device=self.device).reshape(xt.shape[0], -1)
        B, N = wt.shape
        if yn.shape[1] != N:
            raise ValueError(f"y_nodes has {yn.shape[1]} nodes per row, w has {N}")
        k_rep, y_flat = kt.repeat_interleave(N), yn.reshape(B * N, self.dim_y)
        bits = (wt * self.bits(k_rep, y_flat).reshape(B, N)).sum(1)
        sq = (xt.repeat_interleave(N, 0) - self.decode(k_rep, y_flat)).pow(2).sum(1).reshape(B, N)
        sse = (wt * sq).sum(1)
        return {"bits": bits, "sse": sse, "loss": (bits + self.lam * sse).mean()}

    def index_pmf(self, y: Any) -> np.ndarray:
        """The prior's pmf of k for each row of ``y``, float64 (M, K): q(k | y), or p(k) on every row (marginal)
        — the per-sample index posteriors a Slepian–Wolf coder of k (:mod:`wzcore.swc_nq`) takes."""
        with torch.no_grad():
            yt = self._t(y, self.dim_y, "y")
            lp = self.log2_prior(yt).double()
            lp = lp.expand(yt.shape[0], self.K) if lp.dim() == 1 else lp
            p = (2.0**lp).cpu().numpy()
        return p / p.sum(1, keepdims=True)

    def marginal_pmf(self, y: Any = None) -> np.ndarray:
        """The pmf the index is entropy-coded with, float64 (K,): p(k), or for the conditional prior the mean
        of q(k | y) over the rows of ``y`` (side-information samples independent of the coded data)."""
        with torch.no_grad():
            if self.prior == "marginal":
                return torch.softmax(self.prior_net.logits.double(), 0).cpu().numpy()
            if y is None:
                raise ValueError("y is required to marginalise the conditional prior q(k | y)")
            return (2.0 ** self.log2_prior(y).double()).mean(0).cpu().numpy()

    def extra_repr(self) -> str:
        return f"K={self.K}, lam={self.lam:g}, prior={self.prior!r}, dim_x={self.dim_x}, dim_y={self.dim_y}"


def encode(model: BinningVQ, x: Any, ygx: YGivenX, rng: np.random.Generator | None = None,
           chunk: int | str | None = "auto", batch: int = 16384) -> np.ndarray:
    """k*(x) for every row of x (numpy int64), ``batch`` rows at a time, nodes from ``ygx``."""
    x = _rows(x, model.dim_x, "x")
    batch = validate.integer("batch", batch, 1)
    out = np.empty(x.shape[0], dtype=np.int64)
    for i in range(0, x.shape[0], batch):
        yn, w = ygx.nodes(x[i:i + batch], rng)
        out[i:i + batch] = model.encode_nodes(x[i:i + batch], yn, w, chunk).cpu().numpy()
    return out


def contiguous_K(lam: float, x_max: float = 4.0) -> int:
    """Indices a *contiguous* quantizer needs at λ: ⌈2·x_max / Δ⌉ cells of the high-rate optimal width.

    At high rate an entropy-coded scalar quantizer of step Δ costs h − log₂ Δ bits (with or without
    Slepian–Wolf coding of the index: h is h(X) or h(X | Y)) and distorts Δ²/12, so the loss
    R + λD is least at Δ² = 6 / (λ ln 2) (D = 1/(2 λ ln 2)); covering [−x_max, x_max] (±4 σ of a unit
    Gaussian: tail mass 6·10⁻⁵) takes ⌈2·x_max/Δ⌉ cells. A binning quantizer reuses indices and needs
    fewer (the paper's K = 32 at λ = 1000, where this rule gives 86).
    """
    lam = validate.positive("lam", lam)
    x_max = validate.positive("x_max", x_max)
    return max(2, math.ceil(2 * x_max / math.sqrt(6.0 / (lam * LN2))))


def centroid_order(model: BinningVQ, source: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """A relabelling of the indices by their centroids: ``label[k]`` = rank of E[X | K = k] (first
    component), estimated on ``n`` samples; unused indices go last. Learned labels carry no order; sorted by
    x, the low bits of a contiguous quantizer's index are its fine position and the high bits are what y
    predicts — the bit-plane structure SWC-NQ relies on (:mod:`wzcore.swc_nq`). The entropy is unchanged."""
    n = validate.integer("n", n, 1)
    validate.rng(rng)
    x = _rows(source.sample(n, rng)[0], model.dim_x, "x")
    k = encode(model, x, YGivenX(source), rng)
    counts = np.bincount(k, minlength=model.K)
    sums = np.bincount(k, weights=x[:, 0], minlength=model.K)
    centroid = np.where(counts > 0, sums / np.maximum(counts, 1), np.inf)
    label = np.empty(model.K, dtype=np.int64)
    label[np.argsort(centroid, kind="stable")] = np.arange(model.K)
    return label


def sw_blocks(model: BinningVQ, source: Any, n: int, count: int, rng: np.random.Generator, *,
              ygx: YGivenX | None = None, label: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """``count`` blocks of ``n`` fresh samples for a Slepian–Wolf coder of the indices
    (:func:`wzcore.swc_nq.feedback_free`, :func:`wzcore.swc_nq.return_channel`): per block the encoder's
    indices k*(x) and the decoder's log-posterior log q(k | y_i), an (n, K) array from the model's prior at the
    true y (the marginal prior gives p(k) on every row). ``ygx``: the encoder's y | x (default: the source's
    own; pass the training source's to test a mismatched correlation). ``label``: a permutation of the K
    indices (e.g. :func:`centroid_order`) applied to both k and the posterior's columns."""
    n, count = validate.integer("n", n, 1), validate.integer("count", count, 1)
    validate.rng(rng)
    ygx = YGivenX(source) if ygx is None else ygx
    dim = _dim(source)
    blocks = []
    for _ in range(count):
        x, y = source.sample(n, rng)
        x, y = _rows(x, dim, "x"), _rows(y, dim, "y")
        blocks.append((encode(model, x, ygx, rng), np.log(model.index_pmf(y))))
    return blocks if label is None else relabel(blocks, label)


def relabel(blocks: Sequence[tuple[np.ndarray, np.ndarray]],
            label: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Blocks ``(k, log_q)`` (:func:`sw_blocks`) with the indices renamed k → ``label[k]`` and the posterior's
    columns moved with them (``label``: a permutation of the K indices, e.g. :func:`centroid_order`)."""
    label = validate.int_array("label", label)
    if not np.array_equal(np.sort(label), np.arange(label.size)):
        raise ValueError(f"label must be a permutation of 0 … {label.size - 1}")
    inverse = np.argsort(label)
    out = []
    for k, log_q in blocks:
        if log_q.shape[1] != label.size:
            raise ValueError(f"label has {label.size} entries, the posterior {log_q.shape[1]} columns")
        out.append((label[k], log_q[:, inverse]))
    return out


# ---- training ------------------------------------------------------------------------------------------
@dataclass
class BinningFit:
    """What :func:`fit_binning` returns: the model, the warm-up's and the RD phase's histories, wall time."""

    model: BinningVQ
    warmup: History | None
    rd: History
    wall_s: float


def _default_repeat(source: Any) -> int:
    return 1 if isinstance(_base(source), SignSideInfo) else 2


def fit_binning(source: Any, lam: float, steps: int, *, K: int = 32, prior: str = "marginal", batch: int = 512,
                lr: float = 1e-3, prior_lr: float = 1e-2, lr_milestones: Sequence[float] = (0.7,),
                expectation: str = "auto", n_nodes: int | None = None, chunk: int | str | None = "auto",
                loss_distortion: str = "sampled", warmup: str = "random", warmup_steps: int = 10_000,
                warmup_repeat: int | None = None, warmup_lr: float = 1e-3, hidden: Sequence[int] = (100, 100),
                prior_hidden: Sequence[int] = (100, 100), seed: int = 0, device: torch.device | str | None = None,
                progress: bool = True, log_every: int = 100) -> BinningFit:
    """Train a :class:`BinningVQ` on ``source`` at λ = ``lam``: decoder warm-up, then ``steps`` RD steps.

    ``source``: :class:`QuadraticGaussian`, :class:`SignSideInfo` or an :class:`IIDVector` of one.
    Warm-up (prior frozen, Adam at ``warmup_lr``, constant): ``warmup`` ∈ ``WARMUPS`` for ``warmup_steps``
    steps on K·``warmup_repeat`` fixed samples (default repeat 2 for Gaussian sources, 1 for sign SI, as in
    the authors' notebook). RD phase: batches of ``batch`` fresh (x, y), k* from the encoder with expectation
    ``expectation`` (:class:`YGivenX`, ``n_nodes`` nodes), loss mean[r(k*, y) + λ‖x − g(k*, y)‖²], Adam at
    ``lr`` (prior: ``prior_lr``), × 0.1 at the fractions ``lr_milestones`` of ``steps`` (the paper: 0.7).
    ``loss_distortion``: ``"sampled"`` — the loss's terms at the true y drawn with x (above); ``"expected"`` —
    both terms averaged over the encoder's nodes, Σ_j w_j [r(k*, y_j) + λ‖x − g(k*, y_j)‖²] (the authors'
    notebook: its 16 Monte-Carlo draws of y | x, ``expectation="mc"``), the same objective the argmin minimises.
    Everything derives from ``seed`` (initialisation, warm-up set and labels, batches); CPU reruns are
    bit-identical. History metrics: ``bits`` (mean rate of k*), ``sse``, ``used`` (distinct k* per batch).
    """
    lam = validate.positive("lam", lam)
    steps = validate.integer("steps", steps, 1)
    batch = validate.integer("batch", batch, 1)
    lr, prior_lr = validate.positive("lr", lr), validate.positive("prior_lr", prior_lr)
    warmup_lr = validate.positive("warmup_lr", warmup_lr)
    if warmup not in WARMUPS:
        raise ValueError(f"warmup must be one of {WARMUPS}, got {warmup!r}")
    if loss_distortion not in LOSS_DISTORTIONS:
        raise ValueError(f"loss_distortion must be one of {LOSS_DISTORTIONS}, got {loss_distortion!r}")
    warmup_steps = validate.integer("warmup_steps", warmup_steps, 0)
    repeat = _default_repeat(source) if warmup_repeat is None else validate.integer("warmup_repeat", warmup_repeat, 1)
    _check_chunk(chunk, torch.device("cpu"))  # validate early; resolved on the model's device
    ygx = YGivenX(source, expectation, n_nodes)
    dim = _dim(source)
    dev = torch.device(device) if device is not None else default_device()
    init_seed, warm_data_seed, warm_seed, rd_seed = (int(s) for s in np.random.SeedSequence(seed).generate_state(4))
    model = BinningVQ(K, lam, dim_x=dim, dim_y=dim, prior=prior, hidden=hidden, prior_hidden=prior_hidden,
                      prior_lr_scale=prior_lr / lr, seed=init_seed).to(dev)
    t0 = time.perf_counter()

    warm_hist = None
    if warmup != "none" and warmup_steps > 0:
        wrng = np.random.default_rng(warm_data_seed)
        xs = _rows(source.sample(K, wrng)[0], dim, "x")
        if warmup == "random":
            labels = wrng.integers(0, K, size=K * repeat)
        else:
            labels = np.tile(wrng.permutation(K), repeat)
        xs = np.tile(xs, (repeat, 1))
        dec = DecoderOnly(model)

        def warm_batch(step: int, rng: np.random.Generator):
            return xs, labels, ygx.sample(xs, rng)

        def warm_loss(b, gen: torch.Generator):
            x, k, y = b
            return (x - model.decode(k, y)).pow(2).sum(1).mean()

        warm_hist = train(dec, warm_loss, warm_batch, warmup_steps, warmup_lr, lr_milestones=(), seed=warm_seed,
                          device=dev, progress=progress, log_every=log_every, desc=f"warm-up ({warmup})")

    def rd_batch(step: int, rng: np.random.Generator):
        x, y = source.sample(batch, rng)
        x, y = _rows(x, dim, "x"), _rows(y, dim, "y")
        yn, w = ygx.nodes(x, rng)
        return x, y, yn, w

    def rd_loss(b, gen: torch.Generator):
        x, y, yn, w = b
        k = model.encode_nodes(x, yn, w, chunk)
        t = model.rd_terms(x, y, k) if loss_distortion == "sampled" else model.expected_rd_terms(x, yn, w, k)
        return t["loss"], {"bits": t["bits"].mean(), "sse": t["sse"].mean(), "used": float(k.unique().numel())}

    rd_hist = train(model, rd_loss, rd_batch, steps, lr, lr_milestones=lr_milestones, seed=rd_seed, device=dev,
                    progress=progress, log_every=log_every, desc=f"binning VQ λ={lam:g} ({prior})")
    return BinningFit(model=model, warmup=warm_hist, rd=rd_hist, wall_s=time.perf_counter() - t0)


# ---- evaluation ----------------------------------------------------------------------------------------
@torch.no_grad()
def evaluate(model: BinningVQ, source: Any, n: int, rng: np.random.Generator, *, ygx: YGivenX | None = None,
             chunk: int | str | None = "auto", batch: int = 16384, n_pmf: int = 65536) -> dict[str, float]:
    """Operating point on ``n`` fresh samples (x, y) of ``source`` (drawn from ``rng``); the decoder gets the
    true y. Returns a dict of floats (rates in bits per source vector — per sample for scalar sources):

    - ``mse`` (per component), ``mse_db`` = 10 log10 mse, ``sse`` (per vector);
    - ``rate_ideal`` = mean −log₂ p̄(k) with p̄ the coding pmf (the marginal prior's p(k); for the conditional
      prior the mean of q(k | y) over ``n_pmf`` side-information samples drawn *before* and apart from the
      coded data), ``H_K`` = plug-in H(K) of the coded indices;
    - ``rate_real`` = 8·len(stream)/n, the indices entropy-coded with p̄ by :func:`wzcore.coding.encode_categorical`
      (header and CRCs included), ``rate_payload`` without the header; the stream is
      decoded and compared (``RuntimeError`` on a mismatch);
    - conditional prior: ``rate_cond_ideal`` = mean −log₂ q(k | y), the H(K | Y) estimate under q (an ideal
      Slepian–Wolf rate, not a real one);
    - sign side information: ``H_K_given_Y`` (plug-in over the pairs (k, y)) and ``I_KY`` = H_K − H_K_given_Y;
    - ``n_used`` = number of distinct indices sent.

    ``ygx`` defaults to ``YGivenX(source)`` (Gauss–Hermite / exact).
    """
    n = validate.integer("n", n, 1)
    validate.rng(rng)
    ygx = YGivenX(source) if ygx is None else ygx
    dim = _dim(source)
    y_pmf = _rows(source.sample(n_pmf, rng)[1], dim, "y") if model.prior == "conditional" else None
    x, y = source.sample(n, rng)
    x, y = _rows(x, dim, "x"), _rows(y, dim, "y")
    k = encode(model, x, ygx, rng, chunk, batch)
    sse = np.empty(n)
    bits_c = np.empty(n) if model.prior == "conditional" else None
    for i in range(0, n, batch):
        xh = model.decode(k[i:i + batch], y[i:i + batch]).double().cpu().numpy()
        sse[i:i + batch] = ((x[i:i + batch] - xh) ** 2).sum(1)
        if bits_c is not None:
            bits_c[i:i + batch] = model.bits(k[i:i + batch], y[i:i + batch]).double().cpu().numpy()
    pmf = model.marginal_pmf(y_pmf)
    pmf = pmf / pmf.sum()
    stream = coding.encode_categorical(k, pmf)
    if not np.array_equal(coding.decode_categorical(stream, pmf), k):
        raise RuntimeError("entropy-coded indices did not round-trip")
    mse = float(sse.mean() / dim)
    out = {"mse": mse, "mse_db": 10 * math.log10(mse) if mse > 0 else -math.inf, "sse": float(sse.mean()),
           "rate_ideal": coding.ideal_bits(k, pmf) / n, "H_K": empirical_entropy(k),
           "rate_real": 8 * len(stream) / n, "rate_payload": coding.payload_bits(stream) / n,
           "n_used": float(np.unique(k).size)}
    if bits_c is not None:
        out["rate_cond_ideal"] = float(bits_c.mean())
    if isinstance(_base(source), SignSideInfo):
        yk = k * (2 ** dim) + ((y > 0).astype(np.int64) * (2 ** np.arange(dim))).sum(1)
        h_ky = empirical_entropy(yk)
        h_y = empirical_entropy(((y > 0).astype(np.int64) * (2 ** np.arange(dim))).sum(1))
        out["H_K_given_Y"] = h_ky - h_y
        out["I_KY"] = out["H_K"] - out["H_K_given_Y"]
    return out


# ---- analysis of scalar models -------------------------------------------------------------------------
def _scalar(model: BinningVQ, source: Any) -> Any:
    if model.dim_x != 1 or model.dim_y != 1 or isinstance(source, IIDVector):
        raise ValueError(f"this analysis needs a scalar model and source (dim_x = dim_y = 1), got "
                         f"dim_x = {model.dim_x}, dim_y = {model.dim_y}")
    if not isinstance(source, QuadraticGaussian | SignSideInfo):
        raise ValueError(f"source must be a QuadraticGaussian or SignSideInfo, got {type(source).__name__}")
    return source


def _grid(x_grid: Any) -> np.ndarray:
    g = np.asarray(x_grid, dtype=np.float64).reshape(-1)
    if g.size < 2 or not np.all(np.diff(g) > 0):
        raise ValueError("x_grid must be strictly increasing with at least 2 points")
    return g


def _x_cdf(source: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(source, SignSideInfo):
        b = source.scale
        half = 0.5 * np.exp(-np.abs(x) / b)
        return np.where(x < 0, half, 1.0 - half)
    return ndtr(x / math.sqrt(source.var_x_marginal))


def cell_weights(source: Any, x_grid: Any) -> np.ndarray:
    """Probability P(X ∈ cell_i) of each grid point's cell (cells split at the midpoints between points, the
    outermost ones reaching ±∞), from the exact CDF of X (Gaussian or Laplace); sums to 1."""
    g = _grid(x_grid)
    base = _base(source)
    if not isinstance(base, QuadraticGaussian | SignSideInfo) or isinstance(source, IIDVector):
        raise ValueError(f"source must be a scalar QuadraticGaussian or SignSideInfo, got {source!r}")
    edges = np.r_[-np.inf, 0.5 * (g[1:] + g[:-1]), np.inf]
    c = _x_cdf(source, edges)
    return np.diff(c)


@torch.no_grad()
def encoder_map(model: BinningVQ, source: Any, x_grid: Any, y: float | None = None, *,
                ygx: YGivenX | None = None, rng: np.random.Generator | None = None,
                chunk: int | str | None = "auto") -> np.ndarray:
    """k*(x) on ``x_grid`` (int64, one per point), for a scalar model.

    ``y=None``: the encoder's map, with its expectation over y | x (``ygx``, default Gauss–Hermite / exact;
    ``rng`` for Monte Carlo) — the encoder never sees y. ``y`` a number: argmin_k r(k, y) + λ(x − g(k, y))² at
    that fixed y (the quantizer a decoder-side genie would draw for this y).
    """
    _scalar(model, source)
    g = _grid(x_grid)
    if y is None:
        return encode(model, g, ygx or YGivenX(source), rng, chunk)
    yn = np.full((g.size, 1, 1), float(y))
    return model.encode_nodes(g, yn, np.ones(1), chunk).cpu().numpy()


def binning_summary(k_grid: Any, weights: Any, min_mass: float = 1e-3) -> dict[str, float]:
    """Binning statistics of a quantizer map: ``n_used`` (indices with a run of mass ≥ ``min_mass``),
    ``intervals_per_used`` (mean number of such runs per used index), ``frac_multi`` (fraction of used indices
    with ≥ 2 such runs — the claim ``vq_bins_gaussian``), ``max_intervals``."""
    counts = intervals_per_index(k_grid, weights, min_mass)
    c = np.array(list(counts.values()), dtype=np.float64)
    if c.size == 0:
        return {"n_used": 0.0, "intervals_per_used": math.nan, "frac_multi": 0.0, "max_intervals": 0.0}
    frac = multi_interval_fraction(k_grid, weights, min_mass)
    return {"n_used": float(c.size), "intervals_per_used": float(c.mean()), "frac_multi": frac,
            "max_intervals": float(c.max())}


def sign_sharing(x_grid: Any, k_grid: Any, weights: Any, min_mass: float = 1e-3) -> float:
    """Probability of the x whose index is also used on the other side of 0: an index k is *shared* when its
    cells carry mass ≥ ``min_mass`` both on x < 0 and on x ≥ 0. With sign side information the decoder tells
    the two apart, so sharing costs no distortion and saves about one bit (ideally I(K; Y) → 0); a
    contiguous quantizer shares only the cell that straddles 0. Unlike :func:`wzcore.rd.folding_fraction` it
    does not ask the shared cells to be mirror images."""
    x = _grid(x_grid)
    k = np.asarray(k_grid).reshape(-1)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if not (x.shape == k.shape == w.shape):
        raise ValueError("x_grid, k_grid and weights must have equal length")
    if not 0 <= min_mass < 1:
        raise ValueError(f"min_mass must be in [0, 1), got {min_mass!r}")
    vals, inv = np.unique(k, return_inverse=True)
    neg = np.bincount(inv, weights=w * (x < 0), minlength=vals.size)
    pos = np.bincount(inv, weights=w * (x >= 0), minlength=vals.size)
    shared = (neg >= min_mass) & (pos >= min_mass)
    return float(np.sum(w * shared[inv]) / w.sum())


def periodicity(x_grid: Any, k_grid: Any, weights: Any, min_shift: float | None = None,
                max_shift: float | None = None) -> dict[str, Any]:
    """How well the index pattern repeats under a shift T (uniform grid, shifts on the grid spacing):

        A(T) = Σ_i v_i(T)·[k(x_i) = k(x_i + T)] / Σ_i v_i(T),   v_i(T) = min(w(x_i), w(x_i + T)),

    a pair weighted by the lighter of its two cell probabilities (both ends must carry mass). A contiguous
    quantizer has A(T) ≈ 0 beyond one cell width; a periodic binning pattern of period T₀ has A(T₀) near 1.
    Shifts range over [``min_shift``, ``max_shift``]; the default ``min_shift`` is twice the widest run of mass
    ≥ 1e-3 within the central 99.9 % of the mass (so that a cell's agreement with itself does not count),
    ``max_shift`` half the grid span. Returns ``period`` (the smallest local maximum of A within 0.01 of the
    largest — the fundamental period rather than a multiple), ``agreement`` (A at it), and the curve ``shifts``, ``A``.
    """
    x = _grid(x_grid)
    k = np.asarray(k_grid).reshape(-1)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if not (x.shape == k.shape == w.shape):
        raise ValueError("x_grid, k_grid and weights must have equal length")
    dx = np.diff(x)
    if not np.allclose(dx, dx[0], rtol=1e-6):
        raise ValueError("x_grid must be uniform for periodicity")
    dx = float(dx[0])
    if min_shift is None:  # widest run of mass >= 1e-3, measured inside the central 99.9 % of the mass
        _, mass, starts = runs(k, w)
        cw = np.cumsum(w) / w.sum()
        lo_x, hi_x = x[np.searchsorted(cw, 5e-4)], x[min(np.searchsorted(cw, 1 - 5e-4), x.size - 1)]
        ends = np.r_[starts[1:], k.size] - 1
        width = (np.minimum(x[ends], hi_x) - np.maximum(x[starts], lo_x))[mass >= 1e-3]
        min_shift = 2 * max(float(width.max()) if width.size else 0.0, dx)
    if max_shift is None:
        max_shift = 0.5 * (x[-1] - x[0])
    lo, hi = max(1, round(min_shift / dx)), min(k.size - 1, round(max_shift / dx))
    if lo > hi:
        raise ValueError(f"min_shift must be <= max_shift within the grid, got {min_shift} > {max_shift}")
    shifts = np.arange(lo, hi + 1)
    A = np.empty(shifts.size)
    for j, s in enumerate(shifts):
        ww = np.minimum(w[:-s], w[s:])  # weight a pair by its lighter end: both sides must carry mass
        A[j] = float(np.sum(ww * (k[:-s] == k[s:])) / max(ww.sum(), 1e-300))
    peak = np.r_[A[:1] >= A[1:2], (A[1:-1] >= A[:-2]) & (A[1:-1] >= A[2:]), A[-1:] >= A[-2:-1]][: A.size]
    best = int(np.flatnonzero(peak & (A >= A.max() - 0.01))[0])  # the fundamental period, not a multiple
    return {"period": float(shifts[best] * dx), "agreement": float(A[best]), "shifts": shifts * dx, "A": A}


def _x_given_y_pdf(source: Any, x: np.ndarray, y: float) -> np.ndarray:
    if isinstance(source, SignSideInfo):
        b = source.scale
        return np.where((x >= 0) == (y >= 0), np.exp(-np.abs(x) / b) / b, 0.0)
    mean, var = source.posterior(np.asarray(y))
    return np.exp(-0.5 * (x - float(mean)) ** 2 / var) / math.sqrt(2 * math.pi * var)


@torch.no_grad()
def decoder_outputs(model: BinningVQ, y: Any) -> np.ndarray:
    """g(k, y) for every index and every y: float64 array (K, M, dim_x) for y of shape (M, dim_y)."""
    return model.decode_all(y).double().cpu().numpy().transpose(1, 0, 2)


@torch.no_grad()
def decoder_vs_mmse(model: BinningVQ, source: Any, y_values: Any, x_grid: Any, *, ygx: YGivenX | None = None,
                    rng: np.random.Generator | None = None, chunk: int | str | None = "auto") -> dict[str, np.ndarray]:
    """The decoder g(k, y) against the exact MMSE estimate E[X | K = k, Y = y] (scalar sources).

    The cell set of k is {x : k*(x) = k} for the encoder's map (:func:`encoder_map`, y = None) on the fine
    ``x_grid``; with the exact density p(x | y) (Gaussian posterior; for sign SI ``|x|`` ~ Exp(b) on the side of
    y) E[X | k, y] = Σ_{x_i ∈ cell k} x_i p(x_i | y) / Σ_{x_i ∈ cell k} p(x_i | y) (a Riemann rule on the
    grid; the grid must resolve p(x | y)). Returns ``k`` (the used indices), ``g`` and ``mmse`` of shape
    (len(k), M) (NaN where P(K = k | y) = 0), ``p_k_given_y`` (len(k), M), and ``gap`` (M,) =
    Σ_k P(k | y)·(g − E[X | k, y])², the excess MSE of the decoder over the optimal one at each y.
    """
    _scalar(model, source)
    g_x = _grid(x_grid)
    yv = np.asarray(y_values, dtype=np.float64).reshape(-1)
    kmap = encoder_map(model, source, g_x, None, ygx=ygx, rng=rng, chunk=chunk)
    used = np.unique(kmap)
    dec = decoder_outputs(model, yv[:, None])[used, :, 0]  # (U, M)
    mm = np.full((used.size, yv.size), np.nan)
    pk = np.zeros((used.size, yv.size))
    onehot = kmap[None, :] == used[:, None]  # (U, G)
    for j, yy in enumerate(yv):
        p = _x_given_y_pdf(source, g_x, yy)
        mass = onehot @ p
        tot = mass.sum()
        pk[:, j] = mass / tot if tot > 0 else 0.0
        ok = mass > 0
        mm[ok, j] = (onehot[ok] @ (g_x * p)) / mass[ok]
    gap = np.nansum(pk * (dec - np.nan_to_num(mm)) ** 2 * (pk > 0), axis=0)
    return {"k": used, "g": dec, "mmse": mm, "p_k_given_y": pk, "gap": gap}
