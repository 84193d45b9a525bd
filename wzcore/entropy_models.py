"""Entropy models: learned densities over latents, their quantization and their real bitstreams.

A model here plays the role of CompressAI's ``EntropyBottleneck`` / ``GaussianConditional``: the transform
code (:mod:`wzcore.ntc`, the image codecs) *composes* one; it does not contain one.

* :class:`DeepFactorized` — the "deep factorized" density of Ballé, Minnen, Singh, Hwang, Johnston,
  "Variational image compression with a scale hyperprior" (ICLR 2018, appendix 6.1): per channel a monotone
  map c(u) = f_K ∘ … ∘ f_1(u), f_k(z) = h_k(softplus(H_k) z + b_k), h_k(z) = z + tanh(a_k) ⊙ tanh(z)
  (h_K = identity), CDF = sigmoid(c). Positivity of softplus(H) and abs(tanh(a)) < 1 make c increasing.
* :class:`FactorizedEntropyModel` — that density as an entropy bottleneck: the quantizer
  û = round(u − o) + o with o = median − round(median) (tensorflow-compression's ``offset_heuristic``),
  its training surrogates (additive uniform noise; straight-through rounding), the rate −log2 P(û − ½ < U <
  û + ½), and the integer latents k = round(u − o) coded channel by channel with the model's pmf of the bins
  through :mod:`wzcore.coding` (constriction's ANS).
* :class:`GaussianConditional` — a quantized Gaussian with per-symbol mean μ and scale σ (the conditional
  of a hyperprior, Ballé et al. 2018; Minnen et al. 2018): the residual r = round(u − μ) is coded under
  P(r) = Φ((r + ½)/σ) − Φ((r − ½)/σ), through constriction's ``QuantizedGaussian``.

Stream of :meth:`FactorizedEntropyModel.compress`: one :func:`wzcore.coding.write_frame` of kind ``"FP"``
whose header is C = channels (u16), n (u64) and per channel lo (i32), K (u32) — the integer range
[lo, lo + K) coded — and whose payload is C :func:`wzcore.coding.encode_integers` frames, one per channel.
Universal quantization (Agustsson & Theis, "Universally quantized neural compression", NeurIPS 2020):
with a dither d ~ U(−½, ½) shared by both ends, k = round(u − d), û = k + d, and k is coded under
P(k | d) = P(k + d − ½ < U < k + d + ½) (:meth:`FactorizedEntropyModel.compress_dithered`, kind ``"UD"``,
the same layout). Then û − u is uniform and independent of u, so rate and distortion are those of the
additive-noise training proxy, exactly.

Hand-written rather than imported because the kept stack has no CompressAI / tensorflow-compression.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from wzcore import coding
from wzcore.coding import CorruptStreamError

__all__ = [
    "LIKELIHOOD_BOUND",
    "TAIL_MASS",
    "DeepFactorized",
    "FactorizedEntropyModel",
    "GaussianConditional",
    "quantize",
]

LIKELIHOOD_BOUND = 1e-9
TAIL_MASS = 1e-9
MAX_RANGE = 1 << 20  # largest integer range coded per channel
_PMF_FLOOR = 1e-12  # bins in the far tail keep a tiny mass so that any rounded latent stays codable


def quantize(u: torch.Tensor, centre: torch.Tensor | None, mode: str,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """The quantizer of every entropy model: û = round(u − c) + c for ``mode`` ``"round"``; the same with an
    identity gradient for ``"ste"`` (straight-through); u + U(−½, ½) for ``"noise"`` (the training surrogate
    of Ballé et al., needs ``generator``; ``centre`` is not used)."""
    if mode == "noise":
        if generator is None:
            raise ValueError("mode='noise' needs an explicit torch.Generator (generator=...)")
        return u + torch.rand(u.shape, generator=generator, device=u.device, dtype=u.dtype) - 0.5
    if mode not in ("round", "ste"):
        raise ValueError(f"mode must be 'noise', 'round' or 'ste', got {mode!r}")
    c = torch.zeros((), dtype=u.dtype, device=u.device) if centre is None else centre
    rounded = torch.round(u - c) + c
    return rounded if mode == "round" else u + (rounded - u).detach()


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

        Computed as abs(σ(s·c(u+½)) − σ(s·c(u−½))) with s = −sign(c(u−½) + c(u+½)) so that both sigmoids are
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
        if not 0 < hi - lo <= MAX_RANGE:
            raise ValueError(f"hi - lo must be in [1, {MAX_RANGE}], got lo={lo}, hi={hi}")
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


class FactorizedEntropyModel(nn.Module):
    """An entropy bottleneck over a :class:`DeepFactorized` density (CompressAI's ``EntropyBottleneck``).

    ``quantize`` maps latents u (N, C) to û: ``"noise"`` ũ = u + U(−½, ½) (training; needs a generator),
    ``"round"`` û = round(u − o) + o (the test-time code), ``"ste"`` that rounding with an identity gradient.
    ``bits`` is −Σ_c log2 max(P(û − ½ < U < û + ½), 1e-9) per row; ``compress``/``decompress`` turn the
    integer latents k = round(u − o) into a framed byte stream and back. With ``offset_heuristic`` false,
    o = 0.
    """

    def __init__(self, channels: int, filters: Sequence[int] = (3, 3, 3), init_scale: float = 10.0,
                 *, generator: torch.Generator | None = None, offset_heuristic: bool = True):
        super().__init__()
        self.density = DeepFactorized(channels, filters, init_scale, generator=generator)
        self.channels = channels
        self.offset_heuristic = bool(offset_heuristic)

    def quantization_offset(self) -> np.ndarray:
        """o per channel (float64; zeros without the offset heuristic)."""
        return self.density.quantization_offset() if self.offset_heuristic else np.zeros(self.channels)

    def _offset_t(self, ref: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(self.quantization_offset(), dtype=ref.dtype, device=ref.device)

    def quantize(self, u: torch.Tensor, mode: str = "round",
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """û for ``mode`` in ``"noise"`` (needs ``generator``), ``"round"``, ``"ste"`` (see the class)."""
        return quantize(u, self._offset_t(u) if mode != "noise" else None, mode, generator)

    def bits(self, u_hat: torch.Tensor) -> torch.Tensor:
        """Rate of each row of û in bits, shape (N,)."""
        return self.density.bits(u_hat)

    def indices(self, u: torch.Tensor) -> np.ndarray:
        """The transmitted integers k = round(u − o), int64, shape (N, C)."""
        return torch.round(u - self._offset_t(u)).detach().cpu().numpy().astype(np.int64)

    def dequantize(self, k: np.ndarray, like: torch.Tensor | None = None) -> torch.Tensor:
        """û = k + o as float32 (on ``like``'s device when given)."""
        dev = like.device if like is not None else next(self.parameters()).device
        return torch.as_tensor(np.asarray(k, dtype=np.float64) + self.quantization_offset(),
                               dtype=torch.float32, device=dev)

    def _coding_pmfs(self, lo: np.ndarray, K: np.ndarray) -> list[np.ndarray]:
        pmfs = []
        for p in self.density._grid_pmf(lo, K, self.quantization_offset()):
            p = np.maximum(p, _PMF_FLOOR)
            pmfs.append(p / p.sum())
        return pmfs

    def compress(self, k: np.ndarray) -> bytes:
        """Entropy-code integer latents k (N, C), channel c under the pmf of the bins (k + o_c ± ½)."""
        k = np.asarray(k)
        if k.ndim != 2 or k.shape[1] != self.channels or k.shape[0] < 1:
            raise ValueError(f"k must have shape (N >= 1, {self.channels}), got {k.shape}")
        n = k.shape[0]
        lo_m, hi_m = self.density.support(offset=self.quantization_offset())
        lo = np.minimum(lo_m, k.min(axis=0))
        K = np.maximum(hi_m, k.max(axis=0) + 1) - lo
        if np.any(K > MAX_RANGE) or np.any(np.abs(lo) >= 2**31):
            raise ValueError(f"latents must span at most {MAX_RANGE} integers within int32, got "
                             f"[{lo.min()}, {(lo + K).max()}): the model is not trained for this input")
        header = struct.pack("<HQ", self.channels, n)
        header += b"".join(struct.pack("<iI", int(a), int(b)) for a, b in zip(lo, K, strict=True))
        pmfs = self._coding_pmfs(lo, K)
        payload = b"".join(coding.encode_integers(k[:, c], int(lo[c]), pmfs[c]) for c in range(self.channels))
        return coding.write_frame("FP", header, payload)

    def channel_streams(self, stream: bytes, kind: str = "FP") -> tuple[int, np.ndarray, np.ndarray, list[bytes]]:
        """Parse a :meth:`compress` stream (``kind`` ``"FP"``; ``"UD"``: :meth:`compress_dithered`): (n, lo,
        K, the per-channel coded streams)."""
        header, payload, rest = coding.read_frame(stream, kind)
        if rest:
            raise CorruptStreamError(f"{len(rest)} trailing bytes after the entropy-model stream")
        if len(header) != 10 + 8 * self.channels:
            raise CorruptStreamError(f"header of {len(header)} bytes does not describe {self.channels} channels")
        C, n = struct.unpack_from("<HQ", header, 0)
        if C != self.channels:
            raise CorruptStreamError(f"stream has {C} channels, the model has {self.channels}")
        ranges = np.array([struct.unpack_from("<iI", header, 10 + 8 * c) for c in range(C)], dtype=np.int64)
        if np.any(ranges[:, 1] < 1) or np.any(ranges[:, 1] > MAX_RANGE):
            raise CorruptStreamError(f"channel range sizes must be in [1, {MAX_RANGE}], got {ranges[:, 1]}")
        parts = []
        for _ in range(C):
            part, payload = coding.split_stream(payload, "AC")
            parts.append(part)
        if payload:
            raise CorruptStreamError(f"{len(payload)} trailing bytes after the channel streams")
        return n, ranges[:, 0], ranges[:, 1], parts

    def decompress(self, stream: bytes) -> np.ndarray:
        """Inverse of :meth:`compress`: the int64 latents k, shape (n, C). Raises on a corrupt stream."""
        n, lo, K, parts = self.channel_streams(stream)
        pmfs = self._coding_pmfs(lo, K)
        cols = []
        for c, part in enumerate(parts):
            k_c = coding.decode_integers(part, int(lo[c]), pmfs[c])
            if k_c.size != n:
                raise CorruptStreamError(f"channel {c} holds {k_c.size} symbols, header says n = {n}")
            cols.append(k_c)
        return np.stack(cols, axis=1)


    # ---- universal quantization: subtractive dither shared by encoder and decoder -----------------------
    @torch.no_grad()
    def dithered_pmfs(self, lo: np.ndarray, K: np.ndarray, dither: np.ndarray,
                      rows: int = 8192) -> list[np.ndarray]:
        """Per-sample pmfs of k = round(u − d) given the dither d (Agustsson & Theis 2020): row i of channel c
        is P(k + d_ic − ½ < U_c < k + d_ic + ½) for k = lo_c … lo_c + K_c − 1 (floored, renormalised),
        float64 (n, K_c), computed ``rows`` samples at a time on the CPU."""
        d = np.asarray(dither, dtype=np.float64)
        if d.ndim != 2 or d.shape[1] != self.channels:
            raise ValueError(f"dither must have shape (n, {self.channels}), got {d.shape}")
        out = []
        for c in range(self.channels):
            Kc = int(K[c])
            edges = np.arange(Kc + 1, dtype=np.float64) + float(lo[c]) - 0.5  # bin edges k ± ½
            p = np.empty((d.shape[0], Kc))
            for i in range(0, d.shape[0], rows):
                pts = (edges[None, :] + d[i:i + rows, c:c + 1]).reshape(-1)
                u = torch.zeros(pts.size, self.channels, dtype=torch.float64)
                u[:, c] = torch.as_tensor(pts)
                z = self.density.cdf_logits(u)[:, c].reshape(-1, Kc + 1)
                # P(bin) = σ(z_hi) − σ(z_lo), on the small side of the sigmoids (as likelihood does)
                s = torch.where(z[:, :-1] + z[:, 1:] > 0, -1.0, 1.0).to(z)
                p[i:i + rows] = torch.abs(torch.sigmoid(s * z[:, 1:]) - torch.sigmoid(s * z[:, :-1])).numpy()
            p = np.maximum(p, _PMF_FLOOR)
            out.append(p / p.sum(1, keepdims=True))
        return out

    def compress_dithered(self, k: np.ndarray, dither: np.ndarray) -> bytes:
        """Entropy-code k = round(u − d) (N, C) under P(k | d) (:meth:`dithered_pmfs`): a ``"UD"`` frame with
        the header of :meth:`compress` (C, n, per channel lo and K) and one ``"AC"`` frame per channel."""
        k = np.asarray(k)
        d = np.asarray(dither, dtype=np.float64)
        if k.ndim != 2 or k.shape[1] != self.channels or k.shape[0] < 1 or d.shape != k.shape:
            raise ValueError(f"k and dither must have one shape (N >= 1, {self.channels}), got {k.shape}, {d.shape}")
        lo_m, hi_m = self.density.support()
        lo = np.minimum(lo_m - 1, k.min(axis=0))  # bins shift by up to ½ with the dither
        K = np.maximum(hi_m + 1, k.max(axis=0) + 1) - lo
        if np.any(K > MAX_RANGE) or np.any(np.abs(lo) >= 2**31):
            raise ValueError(f"latents must span at most {MAX_RANGE} integers within int32, got "
                             f"[{lo.min()}, {(lo + K).max()}): the model is not trained for this input")
        header = struct.pack("<HQ", self.channels, k.shape[0])
        header += b"".join(struct.pack("<iI", int(a), int(b)) for a, b in zip(lo, K, strict=True))
        pmfs = self.dithered_pmfs(lo, K, d)
        payload = b"".join(coding.encode_integers(k[:, c], int(lo[c]), pmfs[c]) for c in range(self.channels))
        return coding.write_frame("UD", header, payload)

    def dithered_length(self, stream: bytes) -> int:
        """n, the number of rows in a :meth:`compress_dithered` stream (the decoder draws that much dither)."""
        header, _, _ = coding.read_frame(stream, "UD")
        if len(header) < 10:
            raise CorruptStreamError(f"dithered header of {len(header)} bytes")
        return int(struct.unpack_from("<HQ", header, 0)[1])

    def decompress_dithered(self, stream: bytes, dither: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`compress_dithered` given the same dither: k, int64 (n, C). Raises
        CorruptStreamError on a damaged stream or a different dither (the symbols' CRC fails)."""
        n, lo, K, parts = self.channel_streams(stream, kind="UD")
        d = np.asarray(dither, dtype=np.float64)
        if d.shape != (n, self.channels):
            raise ValueError(f"dither must have shape ({n}, {self.channels}) (the stream's), got {d.shape}")
        pmfs = self.dithered_pmfs(lo, K, d)
        cols = [coding.decode_integers(part, int(lo[c]), pmfs[c]) for c, part in enumerate(parts)]
        return np.stack(cols, axis=1)


class GaussianConditional(nn.Module):
    """A quantized Gaussian with per-symbol mean μ and scale σ (CompressAI's ``GaussianConditional``).

    The conditional model of a hyperprior (Ballé et al. 2018; Minnen, Ballé, Toderici 2018: the means
    and scales come from a hyper-decoder). Quantization is û = round(u − μ) + μ (the residual
    r = round(u − μ) is what is coded; "noise" and "ste" are the training surrogates, as in
    :class:`FactorizedEntropyModel`), and the likelihood of û is

        P(û) = Φ((û − μ + ½)/σ) − Φ((û − μ − ½)/σ),   σ ≥ ``scale_bound``,

    evaluated below the mean and in log space (log Φ), so far tails neither cancel nor underflow. ``compress``
    codes the residuals through constriction's ``QuantizedGaussian`` (:func:`wzcore.coding.encode_gaussian`);
    the residual range is ±``tail`` standard deviations of the largest scale, widened to hold every residual.
    """

    def __init__(self, scale_bound: float = 0.11, tail: float = 12.0):
        super().__init__()
        if not scale_bound > 0:
            raise ValueError(f"scale_bound must be > 0, got {scale_bound!r}")
        if not tail > 0:
            raise ValueError(f"tail must be > 0, got {tail!r}")
        self.scale_bound = float(scale_bound)
        self.tail = float(tail)

    def _scales(self, scales: torch.Tensor) -> torch.Tensor:
        return _LowerBound.apply(scales, self.scale_bound)

    def quantize(self, u: torch.Tensor, means: torch.Tensor, mode: str = "round",
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """û for ``mode`` in ``"noise"`` (u + U(−½, ½); needs ``generator``), ``"round"``, ``"ste"``."""
        if u.shape != means.shape:
            raise ValueError(f"u and means must have one shape, got {tuple(u.shape)} and {tuple(means.shape)}")
        return quantize(u, means, mode, generator)

    def likelihood(self, u_hat: torch.Tensor, means: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """P(û − ½ < U < û + ½) under N(μ, σ²), elementwise."""
        s = self._scales(scales)
        v = torch.abs(u_hat - means)  # by symmetry, both CDFs are evaluated below the mean
        upper = torch.special.log_ndtr((0.5 - v) / s)
        lower = torch.special.log_ndtr((-0.5 - v) / s)
        return torch.exp(upper) * -torch.expm1(lower - upper)  # Φ(b) − Φ(a) in log space

    def bits(self, u_hat: torch.Tensor, means: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """−Σ log2 max(P(û), 1e-9) over all but the first dimension: bits per row, shape (N,)."""
        lik = _LowerBound.apply(self.likelihood(u_hat, means, scales), LIKELIHOOD_BOUND)
        return -torch.log2(lik).reshape(lik.shape[0], -1).sum(dim=1)

    @torch.no_grad()
    def compress(self, u: torch.Tensor, means: torch.Tensor, scales: torch.Tensor) -> bytes:
        """The residuals r = round(u − μ) of every element, coded under N(0, σ²) quantized."""
        r = torch.round(u - means).detach().cpu().numpy().astype(np.int64).reshape(-1)
        sd = self._scales(scales).detach().cpu().double().numpy().reshape(-1)
        if r.size != sd.size:
            raise ValueError(f"u and scales must have one shape, got {tuple(u.shape)} and {tuple(scales.shape)}")
        half = math.ceil(self.tail * float(sd.max(initial=self.scale_bound)))
        lo = min(-half, int(r.min(initial=0)))
        hi = max(half, int(r.max(initial=0)))
        if hi - lo > MAX_RANGE:
            raise ValueError(f"residuals must span at most {MAX_RANGE} integers, got [{lo}, {hi}]")
        return coding.encode_gaussian(r, np.zeros_like(sd), sd, lo, hi)

    @torch.no_grad()
    def decompress(self, stream: bytes, means: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """û = r + μ from a :meth:`compress` stream, with the decoder's own means and scales."""
        sd = self._scales(scales).detach().cpu().double().numpy().reshape(-1)
        r = coding.decode_gaussian(stream, np.zeros_like(sd), sd)
        return torch.as_tensor(r.reshape(tuple(means.shape)), dtype=means.dtype, device=means.device) + means
