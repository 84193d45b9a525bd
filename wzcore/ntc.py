"""Nonlinear transform coding (Ballé, Chou, Minnen, Singh, Johnston, Agustsson, Hwang, Toderici,
"Nonlinear transform coding", IEEE JSTSP 2021), in the style of CompressAI's ``EntropyBottleneck``.

    u = g_a(x),   k = round(u − o),   û = k + o,   x̂ = g_s(û) (or g_s([û, y]) with side information y at
    the decoder only),   rate = −log2 p(û) with p(û) = P(û − ½ < U < û + ½) under a learned factorized
    density of U; o ∈ [−½, ½] centres a bin on each latent's median (tfc's offset heuristic).

Training replaces rounding by additive uniform noise ũ = u + n, n ~ U(−½, ½)^dim_u, so that the rate
−log2 p(ũ) is differentiable, and minimises  L = E[bits] + λ · E[‖x − x̂‖²]  (bits per sample plus λ times
the squared error *summed* over the dim_x components, as in tensorflow-compression's ``toy_sources``).

The density is Ballé et al. 2018 ("Variational image compression with a scale hyperprior", appendix 6.1),
the "deep factorized" model: per channel a monotone map from R to R (the CDF logits) built from
softplus-positive matrices, biases and tanh gates, c(u) = f_K ∘ … ∘ f_1(u),
f_k(z) = h_k(softplus(H_k) z + b_k) with h_k(z) = z + tanh(a_k) ⊙ tanh(z) (h_K = identity),
and CDF = sigmoid(c). Positivity of softplus(H) and |tanh(a)| < 1 make c increasing.

Hand-written rather than imported because the kept stack has no CompressAI / tensorflow-compression;
real entropy coding goes through :mod:`wzcore.coding` (constriction).

Stream of :meth:`NTC.compress` (little-endian): magic ``b"WNTC"``, version u8, C = dim_u u16, n u64,
then per channel lo i32, K u32 (the integer range [lo, lo + K) coded), a CRC-32 of those header bytes,
then C self-delimiting :mod:`wzcore.coding` streams, one per latent channel (each with its own CRCs).
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from wzcore import coding
from wzcore.coding import CorruptStreamError
from wzcore.training import History, train

__all__ = [
    "NTC",
    "DeepFactorized",
    "count_intervals_per_index",
    "db_gap_at_rate",
    "decoder_outputs",
    "evaluate",
    "fit_ntc",
    "quantization_cells_1d",
    "quantization_cells_2d",
    "scalar_quantizer_1d",
]

LIKELIHOOD_BOUND = 1e-9
TAIL_MASS = 1e-9
_MAX_K = 1 << 20  # largest integer range coded per channel
_PMF_FLOOR = 1e-12  # bins in the far tail keep a tiny mass so that any rounded latent stays codable

_ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "softplus": nn.Softplus, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU,
    "gelu": nn.GELU, "tanh": nn.Tanh,
}


class _LowerBound(torch.autograd.Function):
    """max(x, bound); the gradient still flows where x < bound if it pushes x up (CompressAI's LowerBound)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, bound: float) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.bound = bound
        return x.clamp_min(bound)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (x,) = ctx.saved_tensors
        pass_through = (x >= ctx.bound) | (grad < 0)
        return grad * pass_through.to(grad.dtype), None


class DeepFactorized(nn.Module):
    """Deep factorized density of Ballé et al. 2018 (appendix 6.1), one univariate density per channel.

    ``filters`` are the hidden widths of the per-channel monotone network; ``init_scale`` sets the initial
    spread (the network starts as c(u) ≈ u / init_scale + bias). Inputs u have shape (N, channels).
    """

    def __init__(self, channels: int, filters: Sequence[int] = (3, 3, 3), init_scale: float = 10.0,
                 *, generator: torch.Generator | None = None):
        super().__init__()
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f"channels must be an integer >= 1, got {channels!r}")
        if any(not isinstance(f, int) or f < 1 for f in filters):
            raise ValueError(f"filters must be integers >= 1, got {tuple(filters)}")
        if not init_scale > 0:
            raise ValueError(f"init_scale must be > 0, got {init_scale!r}")
        self.channels = channels
        self.filters = tuple(filters)
        widths = (1, *self.filters, 1)
        scale = init_scale ** (1.0 / (len(widths) - 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for i in range(len(widths) - 1):
            init = math.log(math.expm1(1.0 / scale / widths[i + 1]))
            self.matrices.append(nn.Parameter(torch.full((channels, widths[i + 1], widths[i]), init)))
            bias = torch.empty(channels, widths[i + 1], 1)
            nn.init.uniform_(bias, -0.5, 0.5, generator=generator)
            self.biases.append(nn.Parameter(bias))
            if i < len(widths) - 2:
                self.factors.append(nn.Parameter(torch.zeros(channels, widths[i + 1], 1)))

    def _check(self, u: torch.Tensor) -> None:
        if u.dim() != 2 or u.shape[1] != self.channels:
            raise ValueError(f"u must have shape (N, {self.channels}), got {tuple(u.shape)}")

    def cdf_logits(self, u: torch.Tensor) -> torch.Tensor:
        """c(u) with P(U_c ≤ u) = sigmoid(c(u)); shape (N, C). Parameters are cast to u's dtype/device."""
        self._check(u)
        z = u.t().unsqueeze(1)  # (C, 1, N)
        for i, (m, b) in enumerate(zip(self.matrices, self.biases, strict=True)):
            z = torch.matmul(F.softplus(m.to(u)), z) + b.to(u)
            if i < len(self.factors):
                z = z + torch.tanh(self.factors[i].to(u)) * torch.tanh(z)
        return z.squeeze(1).t()

    def cdf(self, u: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.cdf_logits(u))

    def likelihood(self, u: torch.Tensor) -> torch.Tensor:
        """P(u − ½ < U < u + ½) per entry, shape (N, C).

        Computed as |σ(s·c(u+½)) − σ(s·c(u−½))| with s = −sign(c(u−½) + c(u+½)) so that both sigmoids are
        evaluated on their small side (no 1 − 1 cancellation in the upper tail), as tfc and CompressAI do.
        """
        self._check(u)
        both = self.cdf_logits(torch.cat([u - 0.5, u + 0.5], dim=0))
        lower, upper = both[: u.shape[0]], both[u.shape[0]:]
        s = torch.where(lower + upper > 0, -1.0, 1.0).to(u).detach()
        return torch.abs(torch.sigmoid(s * upper) - torch.sigmoid(s * lower))

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        """The likelihoods P(u − ½ < U < u + ½), shape (N, C)."""
        return self.likelihood(u)

    def bits(self, u: torch.Tensor) -> torch.Tensor:
        """−Σ_c log2 max(likelihood, 1e-9) per sample, shape (N,)."""
        lik = _LowerBound.apply(self.likelihood(u), LIKELIHOOD_BOUND)
        return -torch.log2(lik).sum(dim=1)

    @torch.no_grad()
    def _grid_pmf(self, lo: np.ndarray, K: np.ndarray, offset: np.ndarray | None = None) -> list[np.ndarray]:
        """pmf of bins (k + o_c − ½, k + o_c + ½), k = lo_c .. lo_c + K_c − 1, per channel, in float64 on
        the CPU (bit-reproducible across devices)."""
        k = torch.arange(int(K.max()), dtype=torch.float64)[:, None]
        k = k + torch.as_tensor(lo if offset is None else lo + offset, dtype=torch.float64)
        lik = self.likelihood(k).numpy()
        return [lik[: int(K[c]), c].copy() for c in range(self.channels)]

    def pmf_table(self, lo: int, hi: int, offset: np.ndarray | None = None) -> np.ndarray:
        """pmf of the integer bins lo..hi−1 for every channel, shape (C, hi − lo), float64.

        Bin k is (k + o_c − ½, k + o_c + ½) with o = ``offset`` (default 0); each row sums to
        1 − (mass outside [lo + o_c − ½, hi + o_c − ½)).
        """
        if not (isinstance(lo, (int, np.integer)) and isinstance(hi, (int, np.integer))):
            raise ValueError(f"lo and hi must be integers, got {lo!r}, {hi!r}")
        if not 0 < hi - lo <= _MAX_K:
            raise ValueError(f"hi - lo must be in [1, {_MAX_K}], got lo={lo}, hi={hi}")
        lo_c = np.full(self.channels, int(lo))
        return np.stack(self._grid_pmf(lo_c, np.full(self.channels, hi - lo), offset))

    @torch.no_grad()
    def support(self, tail_mass: float = TAIL_MASS,
                offset: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Smallest integer ranges [lo_c, hi_c) with P(U_c < lo_c + o_c − ½) ≤ t/2 and
        P(U_c > hi_c + o_c − ½) ≤ t/2 (o = ``offset``, default 0): the bins holding all but ``tail_mass``.

        Found by doubling then bisection on the CDF logits (monotone), in float64 on the CPU.
        """
        if not 0 < tail_mass < 1:
            raise ValueError(f"tail_mass must be in (0, 1), got {tail_mass!r}")
        t = math.log(tail_mass / 2) - math.log1p(-tail_mass / 2)  # logit(t/2)
        C = self.channels

        o = np.zeros(C) if offset is None else np.asarray(offset, dtype=np.float64)

        def c_at(v: np.ndarray) -> np.ndarray:
            return self.cdf_logits(torch.as_tensor(v + o, dtype=torch.float64)[None, :]).numpy()[0]

        def largest_true(ok: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
            # per channel, the largest integer v with ok(v), ok being true exactly on (-inf, v*]
            p0 = ok(np.zeros(C))
            good = np.where(p0, 0.0, -np.inf)  # ok(good) is true
            bad = np.where(p0, np.inf, 0.0)  # ok(bad) is false
            step = 1.0
            while np.any(np.isinf(good) | np.isinf(bad)):  # bracket by doubling
                if step > 2.0**40:
                    raise RuntimeError("density support search diverged (the CDF does not reach its tails)")
                need_bad, need_good = np.isinf(bad), np.isinf(good)
                probe = np.where(need_bad, good + step, np.where(need_good, bad - step, 0.0))
                r = ok(probe)
                good = np.where((need_bad | need_good) & r, probe, good)
                bad = np.where((need_bad | need_good) & ~r, probe, bad)
                step *= 2
            while np.any(bad - good > 1):  # bisection on the integers
                mid = np.floor((good + bad) / 2)
                r = ok(mid)
                good, bad = np.where(r, mid, good), np.where(r, bad, mid)
            return good

        lo = largest_true(lambda v: c_at(v - 0.5) <= t)  # P(U < lo - 1/2) <= t/2
        hi = -largest_true(lambda w: c_at(-w - 0.5) >= -t)  # P(U > hi - 1/2) <= t/2
        return lo.astype(np.int64), hi.astype(np.int64)

    @torch.no_grad()
    def median(self) -> np.ndarray:
        """Median of each channel (the root of c(u) = 0), shape (C,), float64, by bracketing + bisection."""
        def c_at(v: np.ndarray) -> np.ndarray:
            return self.cdf_logits(torch.as_tensor(v, dtype=torch.float64)[None, :]).numpy()[0]

        a, b = np.full(self.channels, -1.0), np.full(self.channels, 1.0)
        while np.any(c_at(a) > 0) or np.any(c_at(b) < 0):
            if b.max() > 2.0**40 or a.min() < -(2.0**40):
                raise RuntimeError("median search diverged (the CDF does not reach its tails)")
            a, b = np.where(c_at(a) > 0, 2 * a, a), np.where(c_at(b) < 0, 2 * b, b)
        for _ in range(200):
            m = 0.5 * (a + b)
            if np.all((m == a) | (m == b)):
                break
            neg = c_at(m) < 0
            a, b = np.where(neg, m, a), np.where(neg, b, m)
        return 0.5 * (a + b)

    def quantization_offset(self) -> np.ndarray:
        """o = median − round(median) ∈ [−½, ½]: rounding u − o centres a bin on each channel's median
        (tfc's ``offset_heuristic``, CompressAI's median-centred rounding)."""
        med = self.median()
        return med - np.round(med)


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
    û = round(u − o) + o, o = :meth:`DeepFactorized.quantization_offset`, so that one bin is centred on
    the median of each latent channel (for a symmetric source: a dead zone around 0); the transmitted
    index is k = round(u − o).
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
        self.offset_heuristic = bool(offset_heuristic)
        gen = torch.Generator().manual_seed(seed)
        self.g_a = _mlp(dim_x, hidden, dim_u, activation)
        self.g_s = _mlp(dim_u + dim_y, hidden, dim_x, activation)
        for lin in (m for m in self.modules() if isinstance(m, nn.Linear)):  # nn.Linear's init, seeded
            nn.init.kaiming_uniform_(lin.weight, a=math.sqrt(5), generator=gen)
            bound = 1 / math.sqrt(lin.in_features)
            nn.init.uniform_(lin.bias, -bound, bound, generator=gen)
        self.prior = DeepFactorized(dim_u, filters, init_scale, generator=gen)

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
        return self.prior.quantization_offset() if self.offset_heuristic else np.zeros(self.dim_u)

    def _offset_t(self, ref: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(self.quantization_offset(), dtype=ref.dtype, device=ref.device)

    def synthesis(self, u_hat: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        return self.g_s(u_hat if y is None else torch.cat([u_hat, y], dim=1))

    def forward(self, x: Any, y: Any = None, mode: str = "noise",
                generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """dict(x_hat, bits (N,), u, u_hat). ``mode``: "noise" (ũ = u + U(−½, ½), needs ``generator``),
        "round" (û = round(u − o) + o, the test-time code), "ste" (that rounding in the forward pass,
        identity gradient; rate and distortion both evaluated at û)."""
        x, y = self._inputs(x, y)
        u = self.g_a(x)
        if mode == "noise":
            if generator is None:
                raise ValueError("mode='noise' needs an explicit torch.Generator (generator=...)")
            u_hat = u + torch.rand(u.shape, generator=generator, device=u.device, dtype=u.dtype) - 0.5
        elif mode == "round":
            o = self._offset_t(u)
            u_hat = torch.round(u - o) + o
        elif mode == "ste":
            o = self._offset_t(u)
            u_hat = u + (torch.round(u - o) + o - u).detach()
        else:
            raise ValueError(f"mode must be 'noise', 'round' or 'ste', got {mode!r}")
        return {"x_hat": self.synthesis(u_hat, y), "bits": self.prior.bits(u_hat), "u": u, "u_hat": u_hat}

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

    # ---- real entropy coding -------------------------------------------------------------------------
    def _coding_pmfs(self, lo: np.ndarray, K: np.ndarray, o: np.ndarray) -> list[np.ndarray]:
        pmfs = []
        for p in self.prior._grid_pmf(lo, K, o):
            p = np.maximum(p, _PMF_FLOOR)
            pmfs.append(p / p.sum())
        return pmfs

    @torch.no_grad()
    def latents(self, x: Any) -> np.ndarray:
        """Transmitted indices k = round(g_a(x) − o) as int64, shape (N, dim_u)."""
        xt = _as_2d(x, self.dim_x, "x", self._device)
        if not torch.isfinite(xt).all():
            raise ValueError("x must be finite")
        u = self.g_a(xt)
        return torch.round(u - self._offset_t(u)).cpu().numpy().astype(np.int64)

    def compress(self, x: Any) -> bytes:
        """Entropy-code k = round(g_a(x) − o) channel by channel with the model's pmf of the bins
        (k + o − ½, k + o + ½) (the header carries n and the coded ranges)."""
        k = self.latents(x)
        n = k.shape[0]
        if n < 1:
            raise ValueError("x must have at least one row")
        o = self.quantization_offset()
        lo_m, hi_m = self.prior.support(offset=o)
        lo = np.minimum(lo_m, k.min(axis=0))
        K = np.maximum(hi_m, k.max(axis=0) + 1) - lo
        if np.any(K > _MAX_K) or np.any(np.abs(lo) >= 2**31):
            raise ValueError(f"latents must span at most {_MAX_K} integers within int32, got [{lo.min()}, "
                             f"{(lo + K).max()}): the model is not trained for this x")
        header = struct.pack("<4sBHQ", b"WNTC", 1, self.dim_u, n)
        header += b"".join(struct.pack("<iI", int(a), int(b)) for a, b in zip(lo, K, strict=True))
        header += struct.pack("<I", zlib.crc32(header))
        pmfs = self._coding_pmfs(lo, K, o)
        return header + b"".join(coding.encode_integers(k[:, c], int(lo[c]), pmfs[c])
                                 for c in range(self.dim_u))

    def _parse(self, stream: bytes) -> tuple[int, np.ndarray, np.ndarray, bytes]:
        b = bytes(stream)
        size = 15 + 8 * self.dim_u + 4
        if len(b) < size:
            raise CorruptStreamError(f"stream truncated: {len(b)} bytes < NTC header size {size}")
        magic, version, C, n = struct.unpack_from("<4sBHQ", b, 0)
        if magic != b"WNTC" or version != 1:
            raise CorruptStreamError(f"not an NTC stream (magic {magic!r}, version {version})")
        if C != self.dim_u:
            raise CorruptStreamError(f"stream has {C} latent channels, the model has dim_u = {self.dim_u}")
        (crc,) = struct.unpack_from("<I", b, size - 4)
        if zlib.crc32(b[: size - 4]) != crc:
            raise CorruptStreamError("NTC header CRC mismatch")
        ranges = np.array([struct.unpack_from("<iI", b, 15 + 8 * c) for c in range(C)], dtype=np.int64)
        if np.any(ranges[:, 1] < 1) or np.any(ranges[:, 1] > _MAX_K):
            raise CorruptStreamError(f"channel range sizes must be in [1, {_MAX_K}], got {ranges[:, 1]}")
        return n, ranges[:, 0], ranges[:, 1], b[size:]

    def decode_latents(self, stream: bytes) -> np.ndarray:
        """Inverse of the entropy coding in :meth:`compress`: the int64 latents k, shape (n, dim_u)."""
        n, lo, K, rest = self._parse(stream)
        pmfs = self._coding_pmfs(lo, K, self.quantization_offset())
        cols = []
        for c in range(self.dim_u):
            part, rest = coding.split_stream(rest)
            k_c = coding.decode_integers(part, int(lo[c]), pmfs[c])
            if k_c.size != n:
                raise CorruptStreamError(f"channel {c} holds {k_c.size} symbols, header says n = {n}")
            cols.append(k_c)
        if rest:
            raise CorruptStreamError(f"{len(rest)} trailing bytes after the NTC stream")
        return np.stack(cols, axis=1)

    @torch.no_grad()
    def decompress(self, stream: bytes, y: Any = None) -> torch.Tensor:
        """x̂ = g_s(k + o) (or g_s([k + o, y])) from a :meth:`compress` stream; equals forward(mode="round")."""
        k = self.decode_latents(stream)
        dev = self._device
        if (self.dim_y == 0) != (y is None):
            want = "None" if self.dim_y == 0 else "given"
            raise ValueError(f"y must be {want} (model dim_y = {self.dim_y})")
        yt = None if y is None else _as_2d(y, self.dim_y, "y", dev)
        if yt is not None and yt.shape[0] != k.shape[0]:
            raise ValueError(f"y must have n = {k.shape[0]} rows (the stream's), got {yt.shape[0]}")
        k_t = torch.as_tensor(k, dtype=torch.float32, device=dev)
        return self.synthesis(k_t + self._offset_t(k_t), yt)


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
    ``rate_bits_real`` = 8·len(compress(x)) / n (headers included: 19 + 37·dim_u bytes, so use
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
    rest, payload = model._parse(stream)[3], 0
    while rest:
        part, rest = coding.split_stream(rest)
        payload += coding.payload_bits(part)
    return {"rate_bits_model": float(out["bits"].mean()), "rate_bits_real": 8 * len(stream) / n,
            "rate_bits_payload": payload / n,
            "mse": mse, "mse_db": 10 * math.log10(mse) if mse > 0 else -math.inf,
            "sse": float(err.sum(dim=1).mean())}


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


def count_intervals_per_index(indices: Any) -> dict[int, int]:
    """index -> number of maximal runs in a sequence of indices over a sorted grid.

    A quantizer whose every index occupies one run has contiguous cells (no binning); a count > 1 means
    the index is reused on disjoint intervals (binning, as a Wyner–Ziv code does).
    """
    k = np.asarray(indices).reshape(-1)
    if k.size == 0:
        return {}
    starts = np.r_[True, k[1:] != k[:-1]]
    vals, counts = np.unique(k[starts], return_counts=True)
    return {int(v): int(c) for v, c in zip(vals, counts, strict=True)}



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


def db_gap_at_rate(rate: Any, mse: Any, ref_rate: Any, ref_mse: Any) -> np.ndarray:
    """10 log10(mse / D_ref(rate)) in dB: distance of operating points to a reference curve at equal rate.

    D_ref is the reference curve (``ref_rate``, ``ref_mse``: points of an operational or theoretical R(D)
    curve) interpolated linearly in (rate, dB); positive means worse than the reference. Rates outside
    the reference's range raise (no extrapolation).
    """
    R = np.atleast_1d(np.asarray(rate, dtype=np.float64))
    D = np.atleast_1d(np.asarray(mse, dtype=np.float64))
    Rr = np.asarray(ref_rate, dtype=np.float64).reshape(-1)
    Dr = np.asarray(ref_mse, dtype=np.float64).reshape(-1)
    if R.shape != D.shape or Rr.shape != Dr.shape or Rr.size < 2:
        raise ValueError("rate/mse and ref_rate/ref_mse must be matching arrays (the reference with >= 2 points)")
    if np.any(D <= 0) or np.any(Dr <= 0):
        raise ValueError("mse and ref_mse must be > 0")
    o = np.argsort(Rr)
    Rr, Dr = Rr[o], Dr[o]
    if np.any(R < Rr[0]) or np.any(R > Rr[-1]):
        raise ValueError(f"rate must lie in the reference's range [{Rr[0]:.4g}, {Rr[-1]:.4g}], got {R}")
    return 10 * np.log10(D) - np.interp(R, Rr, 10 * np.log10(Dr))
