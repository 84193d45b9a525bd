"""Nonlinear transform coding (Ballé, Chou, Minnen, Singh, Johnston, Agustsson, Hwang, Toderici,
"Nonlinear transform coding", IEEE JSTSP 2021), in the style of CompressAI's ``EntropyBottleneck``.

    u = g_a(x),   k = round(u − o),   û = k + o,   x̂ = g_s(û) (or g_s([û, y]) with side information y at
    the decoder only),   rate = −log2 p(û) with p(û) = P(û − ½ < U < û + ½) under a learned factorized
    density of U; o ∈ [−½, ½] centres a bin on each latent's median (tfc's offset heuristic).

Training replaces rounding by additive uniform noise ũ = u + n, n ~ U(−½, ½)^dim_u, so that the rate
−log2 p(ũ) is differentiable, and minimises  L = E[bits] + λ · E[‖x − x̂‖²]  (bits per sample plus λ times
the squared error *summed* over the dim_x components, as in tensorflow-compression's ``toy_sources``).

The model composes its entropy model as CompressAI's ``FactorizedPrior`` does: the transforms g_a, g_s
live here, the density of U, the quantizer and the bitstream live in
:class:`wzcore.entropy_models.FactorizedEntropyModel` (the deep factorized prior of Ballé et al. 2018).
:meth:`NTC.compress` is that model's stream of the integer latents (a :mod:`wzcore.coding` frame).

Universal quantization (E. Agustsson, L. Theis, "Universally quantized neural compression", NeurIPS 2020):
:meth:`NTC.compress_universal` codes k = round(u − d) with a dither d ~ U(−½, ½) drawn from a seed both
ends hold (:func:`universal_dither`), and the decoder uses û = k + d. Since û − u is then uniform and
independent of u, the code's rate and distortion are exactly the additive-noise proxy's that training
minimises (:func:`evaluate_universal` measures both).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from wzcore import coding
from wzcore.entropy_models import FactorizedEntropyModel
from wzcore.training import History, train

_UQ_HEAD = struct.Struct("<I")  # the shared dither seed's tag

__all__ = [
    "NTC",
    "ContiguousCells",
    "contiguous_cells",
    "decoder_outputs",
    "evaluate",
    "evaluate_universal",
    "fit_ntc",
    "quantization_cells_1d",
    "quantization_cells_2d",
    "scalar_quantizer_1d",
    "universal_dither",
]


_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "softplus": nn.Softplus, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU,
    "gelu": nn.GELU, "tanh": nn.Tanh,
}


def _mlp(d_in: int, hidden: Sequence[int], d_out: int, activation: str) -> nn.Sequential:
    layers: list[nn.Module] = []
    d = d_in
    for h in hidden:
        layers += [nn.Linear(d, h), _ACTIVATIONS[activation]()]
        d = h
    layers.append(nn.Linear(d, d_out))
    return nn.Sequential(*layers)


def _as_2d(a: Any, dim: int, name: str, dev: torch.device) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(a, dtype=np.float32)) if not isinstance(a, torch.Tensor) else a
    if t.dim() == 1 and dim == 1:
        t = t[:, None]
    if t.dim() != 2 or t.shape[1] != dim:
        raise ValueError(f"{name} must have shape (N, {dim}), got {tuple(t.shape)}")
    return t.to(device=dev, dtype=torch.float32)


class NTC(nn.Module):
    """Nonlinear transform code: analysis MLP g_a, synthesis MLP g_s, deep factorized prior on u.

    With ``dim_y > 0`` the synthesis sees [û, y] (side information at the decoder only; the encoder is
    blind to y). ``seed`` initialises all parameters (PyTorch's default init, drawn from an explicit
    generator). With ``offset_heuristic`` (default, as in tfc) the test-time quantizer is
    û = round(u − o) + o, o = :meth:`wzcore.entropy_models.FactorizedEntropyModel.quantization_offset`,
    so that one bin is centred on the median of each latent channel (for a symmetric source: a dead zone
    around 0); the transmitted index is k = round(u − o).
    """

    def __init__(self, dim_x: int, dim_u: int, hidden: Sequence[int] = (50, 50), dim_y: int = 0,
                 activation: str = "softplus", *, filters: Sequence[int] = (3, 3, 3),
                 init_scale: float = 10.0, seed: int = 0, offset_heuristic: bool = True):
        super().__init__()
        for name, v, low in (("dim_x", dim_x, 1), ("dim_u", dim_u, 1), ("dim_y", dim_y, 0)):
            if not isinstance(v, int) or v < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
        if any(not isinstance(h, int) or h < 1 for h in hidden):
            raise ValueError(f"hidden must be integers >= 1, got {tuple(hidden)}")
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        self.dim_x, self.dim_u, self.dim_y = dim_x, dim_u, dim_y
        gen = torch.Generator().manual_seed(seed)
        self.g_a = _mlp(dim_x, hidden, dim_u, activation)
        self.g_s = _mlp(dim_u + dim_y, hidden, dim_x, activation)
        for lin in (m for m in self.modules() if isinstance(m, nn.Linear)):  # nn.Linear's init, seeded
            nn.init.kaiming_uniform_(lin.weight, a=math.sqrt(5), generator=gen)
            bound = 1 / math.sqrt(lin.in_features)
            nn.init.uniform_(lin.bias, -bound, bound, generator=gen)
        self.entropy_model = FactorizedEntropyModel(dim_u, filters, init_scale, generator=gen,
                                                    offset_heuristic=offset_heuristic)

    @property
    def _device(self) -> torch.device:
        return next(self.parameters()).device

    def _inputs(self, x: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
        dev = self._device
        xt = _as_2d(x, self.dim_x, "x", dev)
        if self.dim_y == 0:
            if y is not None:
                raise ValueError("y must be None for a model without side information (dim_y = 0)")
            return xt, None
        if y is None:
            raise ValueError(f"y (shape (N, {self.dim_y})) is required: the model has dim_y = {self.dim_y}")
        yt = _as_2d(y, self.dim_y, "y", dev)
        if yt.shape[0] != xt.shape[0]:
            raise ValueError(f"x and y must have the same number of rows, got {xt.shape[0]} and "
                             f"{yt.shape[0]}")
        return xt, yt

    def quantization_offset(self) -> np.ndarray:
        """o per latent channel (float64, zeros without the offset heuristic)."""
        return self.entropy_model.quantization_offset()

    def synthesis(self, u_hat: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        return self.g_s(u_hat if y is None else torch.cat([u_hat, y], dim=1))

    def forward(self, x: Any, y: Any = None, mode: str = "noise",
                generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """dict(x_hat, bits (N,), u, u_hat). ``mode``: "noise" (ũ = u + U(−½, ½), needs ``generator``),
        "round" (û = round(u − o) + o, the test-time code), "ste" (that rounding in the forward pass,
        identity gradient; rate and distortion both evaluated at û)."""
        x, y = self._inputs(x, y)
        u = self.g_a(x)
        u_hat = self.entropy_model.quantize(u, mode, generator)
        return {"x_hat": self.synthesis(u_hat, y), "bits": self.entropy_model.bits(u_hat), "u": u,
                "u_hat": u_hat}

    def rd_terms(self, x: Any, y: Any, lam: float, mode: str = "noise",
                 generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """dict(loss, bits, sse): bits = mean bits per sample, sse = mean Σ_dims (x − x̂)²,
        loss = bits + λ·sse."""
        if not lam >= 0:
            raise ValueError(f"lam must be >= 0, got {lam!r}")
        xt, _ = self._inputs(x, y)
        out = self(xt, y, mode=mode, generator=generator)
        bits = out["bits"].mean()
        sse = (xt - out["x_hat"]).pow(2).sum(dim=1).mean()
        return {"loss": bits + lam * sse, "bits": bits, "sse": sse}

    def loss(self, x: Any, y: Any, lam: float, mode: str = "noise",
             generator: torch.Generator | None = None) -> torch.Tensor:
        """Bits per sample + λ · SSE per sample (squared error summed over the dim_x components)."""
        return self.rd_terms(x, y, lam, mode, generator)["loss"]

    # ---- universal quantization: shared subtractive dither ---------------------------------------------
    @torch.no_grad()
    def compress_universal(self, x: Any, seed: int) -> bytes:
        """Universal quantization of g_a(x): k = round(u − d) with the dither d = :func:`universal_dither`
        (``seed``, shared with the decoder), coded under P(k | d); a ``"UQ"`` frame holding the seed's tag
        (:func:`wzcore.coding.seed_tag`) around the entropy model's ``"UD"`` stream."""
        xt = _as_2d(x, self.dim_x, "x", self._device)
        if not torch.isfinite(xt).all():
            raise ValueError("x must be finite")
        u = self.g_a(xt).double().cpu().numpy()
        d = universal_dither(seed, u.shape[0], self.dim_u)
        k = np.round(u - d).astype(np.int64)
        inner = self.entropy_model.compress_dithered(k, d)
        return coding.write_frame("UQ", _UQ_HEAD.pack(coding.seed_tag(seed)), inner)

    @torch.no_grad()
    def decompress_universal(self, stream: bytes, seed: int, y: Any = None) -> torch.Tensor:
        """x̂ = g_s(k + d) from a :meth:`compress_universal` stream, the decoder regenerating d from ``seed``.
        A stream made with another seed raises ValueError; a damaged one CorruptStreamError."""
        header, inner, rest = coding.read_frame(stream, "UQ")
        if rest or len(header) != _UQ_HEAD.size:
            raise coding.CorruptStreamError("malformed universal-quantization frame")
        coding.check_seed_tag(_UQ_HEAD.unpack(header)[0], seed)
        n = self.entropy_model.dithered_length(inner)
        d = universal_dither(seed, n, self.dim_u)
        k = self.entropy_model.decompress_dithered(inner, d)
        if (self.dim_y == 0) != (y is None):
            raise ValueError(f"y must be {'None' if self.dim_y == 0 else 'given'} (model dim_y = {self.dim_y})")
        yt = None if y is None else _as_2d(y, self.dim_y, "y", self._device)
        u_hat = torch.as_tensor(k + d, dtype=torch.float32, device=self._device)
        return self.synthesis(u_hat, yt)

    # ---- real entropy coding: the entropy model's stream of k ---------------------------------------
    @torch.no_grad()
    def latents(self, x: Any) -> np.ndarray:
        """Transmitted indices k = round(g_a(x) − o) as int64, shape (N, dim_u)."""
        xt = _as_2d(x, self.dim_x, "x", self._device)
        if not torch.isfinite(xt).all():
            raise ValueError("x must be finite")
        return self.entropy_model.indices(self.g_a(xt))

    def compress(self, x: Any) -> bytes:
        """The byte stream of k = round(g_a(x) − o) (:meth:`wzcore.entropy_models.FactorizedEntropyModel.compress`)."""
        return self.entropy_model.compress(self.latents(x))

    def decode_latents(self, stream: bytes) -> np.ndarray:
        """Inverse of the entropy coding in :meth:`compress`: the int64 latents k, shape (n, dim_u)."""
        return self.entropy_model.decompress(stream)

    @torch.no_grad()
    def decompress(self, stream: bytes, y: Any = None) -> torch.Tensor:
        """x̂ = g_s(k + o) (or g_s([k + o, y])) from a :meth:`compress` stream; equals forward(mode="round")."""
        k = self.decode_latents(stream)
        if (self.dim_y == 0) != (y is None):
            want = "None" if self.dim_y == 0 else "given"
            raise ValueError(f"y must be {want} (model dim_y = {self.dim_y})")
        yt = None if y is None else _as_2d(y, self.dim_y, "y", self._device)
        if yt is not None and yt.shape[0] != k.shape[0]:
            raise ValueError(f"y must have n = {k.shape[0]} rows (the stream's), got {yt.shape[0]}")
        return self.synthesis(self.entropy_model.dequantize(k), yt)


# ---- training ----------------------------------------------------------------------------------------
def fit_ntc(sample: Any, dim_x: int, dim_u: int, lam: float, steps: int, *, batch: int = 1024,
            lr: float = 1e-3, seed: int = 0, device: torch.device | str | None = None, progress: bool = True,
            hidden: Sequence[int] = (50, 50), dim_y: int = 0, activation: str = "softplus",
            mode: str = "noise", log_every: int = 100, lr_milestones: Sequence[float] = (0.5, 0.75, 0.875),
            ) -> tuple[NTC, History]:
    """Train an :class:`NTC` on ``bits + λ·SSE`` with :func:`wzcore.training.train` (Adam, Ballé's schedule).

    ``sample`` is a source with ``.sample(n, rng) -> (x, y)`` or a callable ``(n, rng) -> x | (x, y)``
    (numpy or torch; 1-D arrays are read as one column). ``y`` is used only when ``dim_y > 0``. Model
    initialisation and the training streams (numpy rng for the source, torch generator for the noise) are
    derived from ``seed``. History metrics: ``bits`` (per sample) and ``sse``.
    """
    if not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch must be an integer >= 1, got {batch!r}")
    draw = sample.sample if hasattr(sample, "sample") else sample
    init_seed, train_seed = (int(s) for s in np.random.SeedSequence(seed).generate_state(2))
    model = NTC(dim_x, dim_u, hidden, dim_y, activation, seed=init_seed)

    def sample_batch(step: int, rng: np.random.Generator):
        out = draw(batch, rng)
        return tuple(out) if isinstance(out, (tuple, list)) else (out, None)

    def loss_fn(b, gen: torch.Generator):
        x, y = b
        terms = model.rd_terms(x, y if dim_y > 0 else None, lam, mode=mode, generator=gen)
        return terms["loss"], {"bits": terms["bits"], "sse": terms["sse"]}

    hist = train(model, loss_fn, sample_batch, steps, lr, lr_milestones=lr_milestones, seed=train_seed,
                 device=device, progress=progress, log_every=log_every, desc=f"NTC λ={lam:g}")
    return model, hist


# ---- evaluation and pictures -------------------------------------------------------------------------
@torch.no_grad()
def evaluate(model: NTC, x: Any, y: Any = None) -> dict[str, float]:
    """Operational point on test data: dict(rate_bits_model, rate_bits_real, rate_bits_payload, mse, mse_db,
    sse).

    Rates are bits per source sample (one row of x): ``rate_bits_model`` = mean −log2 p(û),
    ``rate_bits_real`` = 8·len(compress(x)) / n (every frame header included, so use
    n ≳ 10⁵), ``rate_bits_payload`` = the ANS payloads only. Distortion from the decoded x̂:
    ``mse`` = mean over rows and components, ``sse`` = mean over rows of Σ_dims (x − x̂)².
    """
    xt, yt = model._inputs(x, y)
    n = xt.shape[0]
    out = model(xt, yt, mode="round")
    stream = model.compress(xt)
    x_hat = model.decompress(stream, yt)
    err = (xt - x_hat).pow(2)
    mse = float(err.mean())
    payload = sum(coding.payload_bits(part) for part in model.entropy_model.channel_streams(stream)[3])
    return {"rate_bits_model": float(out["bits"].mean()), "rate_bits_real": 8 * len(stream) / n,
            "rate_bits_payload": payload / n,
            "mse": mse, "mse_db": 10 * math.log10(mse) if mse > 0 else -math.inf,
            "sse": float(err.sum(dim=1).mean())}


def universal_dither(seed: int, n: int, dim_u: int) -> np.ndarray:
    """The shared dither of universal quantization: n × dim_u draws of U(−½, ½) from
    ``numpy.random.default_rng(seed)`` — regenerated by the decoder from the seed, never sent."""
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return np.random.default_rng(seed).uniform(-0.5, 0.5, (int(n), int(dim_u)))


@torch.no_grad()
def evaluate_universal(model: NTC, x: Any, seed: int, y: Any = None) -> dict[str, float]:
    """Operating point of universal quantization (shared dither from ``seed``) on test data, and of the
    additive-noise proxy it equals in distribution: dict(rate_bits_real (every byte of the ``"UQ"`` frame
    per sample), rate_bits_model (mean −log2 P(k | d)), mse, mse_db, sse, proxy_bits, proxy_sse (the
    training objective's two terms on the same x with fresh noise from ``seed + 1``), and the per-sample
    standard errors bits_se, sse_se, proxy_bits_se, proxy_sse_se). The stream is decoded and checked."""
    xt, yt = model._inputs(x, y)
    n = xt.shape[0]
    stream = model.compress_universal(xt, seed)
    x_hat = model.decompress_universal(stream, seed, yt)
    u = model.g_a(xt)
    d = torch.as_tensor(universal_dither(seed, n, model.dim_u), dtype=u.dtype, device=u.device)
    u_hat = torch.round(u - d) + d
    if not torch.allclose(model.synthesis(u_hat, yt), x_hat, atol=1e-5):
        raise RuntimeError("the universal-quantization stream did not decode to the encoder's reconstruction")
    bits = model.entropy_model.bits(u_hat).double()
    err = (xt - x_hat).pow(2).double()
    gen = torch.Generator(device=xt.device).manual_seed(int(seed) + 1)
    proxy = model(xt, yt, mode="noise", generator=gen)
    p_bits, p_sse = proxy["bits"].double(), (xt - proxy["x_hat"]).pow(2).sum(1).double()
    mse = float(err.mean())
    root_n = math.sqrt(n)
    return {"rate_bits_real": 8 * len(stream) / n, "rate_bits_model": float(bits.mean()),
            "mse": mse, "mse_db": 10 * math.log10(mse) if mse > 0 else -math.inf,
            "sse": float(err.sum(1).mean()), "proxy_bits": float(p_bits.mean()), "proxy_sse": float(p_sse.mean()),
            "bits_se": float(bits.std()) / root_n, "sse_se": float(err.sum(1).std()) / root_n,
            "proxy_bits_se": float(p_bits.std()) / root_n, "proxy_sse_se": float(p_sse.std()) / root_n}


def _labels(k: np.ndarray) -> np.ndarray:
    if k.shape[1] == 1:
        return k[:, 0]
    return np.unique(k, axis=0, return_inverse=True)[1].reshape(-1)


def quantization_cells_1d(model: NTC, x_grid: Any) -> np.ndarray:
    """Quantization index of every x in ``x_grid`` (dim_x = 1): k = round(g_a(x) − o), shape (len(x_grid),).

    For dim_u > 1 the index is a dense label of the distinct latent vectors.
    """
    if model.dim_x != 1:
        raise ValueError(f"quantization_cells_1d needs dim_x = 1, got {model.dim_x}")
    return _labels(model.latents(np.asarray(x_grid, dtype=np.float32).reshape(-1, 1)))


def quantization_cells_2d(model: NTC, xx: Any, yy: Any) -> np.ndarray:
    """Cell label of every grid point (xx, yy) (dim_x = 2), shape xx.shape (k itself when dim_u = 1)."""
    if model.dim_x != 2:
        raise ValueError(f"quantization_cells_2d needs dim_x = 2, got {model.dim_x}")
    xx, yy = np.asarray(xx, dtype=np.float32), np.asarray(yy, dtype=np.float32)
    if xx.shape != yy.shape:
        raise ValueError(f"xx and yy must have the same shape, got {xx.shape} and {yy.shape}")
    return _labels(model.latents(np.stack([xx.ravel(), yy.ravel()], axis=1))).reshape(xx.shape)


@torch.no_grad()
def decoder_outputs(model: NTC, k: Any, y: Any = None) -> np.ndarray:
    """x̂ = g_s(k + o) (or g_s([k + o, y]) for every y) for integer latents k, float64.

    ``k`` has shape (K, dim_u) (or (K,) when dim_u = 1). Without side information the result has shape
    (K, dim_x); with ``y`` of shape (M, dim_y) (or (M,)) it is (K, M, dim_x): the decoder's reconstruction of
    index k as the side information varies (the right panel of the review's Fig. 3).
    """
    k_arr = np.asarray(k, dtype=np.float64)
    if k_arr.ndim == 1 and model.dim_u == 1:
        k_arr = k_arr[:, None]
    if k_arr.ndim != 2 or k_arr.shape[1] != model.dim_u or not np.all(k_arr == np.round(k_arr)):
        raise ValueError(f"k must be integers of shape (K, {model.dim_u}), got shape {k_arr.shape}")
    dev = model._device
    u_hat = torch.as_tensor(k_arr + model.quantization_offset(), dtype=torch.float32, device=dev)
    if model.dim_y == 0:
        if y is not None:
            raise ValueError("y must be None for a model without side information (dim_y = 0)")
        return model.synthesis(u_hat, None).double().cpu().numpy()
    if y is None:
        raise ValueError(f"y is required: the model has dim_y = {model.dim_y}")
    yt = _as_2d(y, model.dim_y, "y", dev)
    K, M = u_hat.shape[0], yt.shape[0]
    out = model.synthesis(u_hat.repeat_interleave(M, dim=0), yt.repeat(K, 1))
    return out.double().cpu().numpy().reshape(K, M, model.dim_x)


def scalar_quantizer_1d(model: NTC, x_grid: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scalar quantizer an NTC with dim_x = dim_u = 1 and no side information implements on a grid.

    Returns (thresholds, k, points): the midpoints between consecutive grid points where the index
    k = round(g_a(x) − o) changes, the index of each cell in order along the (sorted) grid, and its
    reconstruction g_s(k + o). Resolution is the grid spacing.
    """
    if model.dim_x != 1 or model.dim_u != 1 or model.dim_y != 0:
        raise ValueError("scalar_quantizer_1d needs dim_x = dim_u = 1 and dim_y = 0, got "
                         f"{model.dim_x}, {model.dim_u}, {model.dim_y}")
    g = np.asarray(x_grid, dtype=np.float64).reshape(-1)
    if g.size < 2 or not np.all(np.diff(g) > 0):
        raise ValueError("x_grid must be strictly increasing with at least 2 points")
    k = model.latents(g[:, None])[:, 0]
    change = np.flatnonzero(k[1:] != k[:-1])
    thresholds = 0.5 * (g[change] + g[change + 1])
    cells = k[np.r_[0, change + 1]]
    return thresholds, cells, decoder_outputs(model, cells)[:, 0]


@dataclass(frozen=True)
class ContiguousCells:
    """The cells of a scalar NTC quantizer (dim_x = dim_u = 1) when every index owns one interval: ``edges``
    (K + 1 boundaries, the ends ±inf, inner ones the grid midpoints where the index changes) and ``labels``
    (the integer latent of each cell, in the order of x). Positions 0 … K − 1 number the cells along x, so
    their bits have the order a multilevel Slepian–Wolf coder expects (:mod:`wzcore.swc_nq`)."""

    edges: np.ndarray
    labels: np.ndarray

    @property
    def K(self) -> int:
        return int(self.labels.size)

    def position(self, latents: Any) -> np.ndarray:
        """The position along x of the cell of each integer latent (ValueError for one not on the grid)."""
        k = np.asarray(latents).reshape(-1)
        order = np.argsort(self.labels)
        at = np.clip(np.searchsorted(self.labels[order], k), 0, self.K - 1)
        if not np.array_equal(self.labels[order][at], k):
            raise ValueError("a latent has no cell on the grid: widen x_grid")
        return order[at]


def contiguous_cells(model: NTC, x_grid: Any) -> ContiguousCells:
    """The cells of a scalar NTC on ``x_grid`` (:func:`scalar_quantizer_1d`'s thresholds, with or without side
    information at the decoder), checked contiguous: ``ValueError`` if an index owns two intervals (binning).
    The grid must reach the source's tails: a latent seen later but not on the grid cannot be placed."""
    if model.dim_x != 1 or model.dim_u != 1:
        raise ValueError(f"contiguous_cells needs dim_x = dim_u = 1, got {model.dim_x}, {model.dim_u}")
    g = np.asarray(x_grid, dtype=np.float64).reshape(-1)
    if g.size < 2 or not np.all(np.diff(g) > 0):
        raise ValueError("x_grid must be strictly increasing with at least 2 points")
    k = model.latents(g[:, None])[:, 0]
    change = np.flatnonzero(k[1:] != k[:-1])
    labels = k[np.r_[0, change + 1]]
    if np.unique(labels).size != labels.size:
        raise ValueError("an index owns more than one interval: the cells are not contiguous")
    edges = np.r_[-np.inf, 0.5 * (g[change] + g[change + 1]), np.inf]
    return ContiguousCells(edges, labels.astype(np.int64))
