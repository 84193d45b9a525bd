"""Learned image codecs for one grey view x, with a correlated view y at the decoder (or at both ends).

* :class:`Hyperprior` — the point-to-point codec: the scale hyperprior of Ballé, Minnen, Singh, Hwang,
  Johnston, "Variational image compression with a scale hyperprior" (ICLR 2018), small enough for a CPU.
  Analysis g_a (three 5×5 stride-2 convolutions with GDN; Ballé's has four, but three leave this small
  model the latent resolution to reach higher rates) maps x to latents u at 1/8 resolution; the
  hyper-analysis h_a maps u to z at 1/32; the hyper-synthesis h_s turns ẑ into the scales σ of a zero-mean
  quantized Gaussian for û (:class:`wzcore.entropy_models.GaussianConditional`); ẑ itself is coded under a
  learned factorized density (:class:`wzcore.entropy_models.FactorizedEntropyModel`). Training minimises
  R + λ · 255² · MSE with R = −log2 P(ũ | ẑ) − log2 P(z̃) in bits per pixel (additive-noise proxy).
* :class:`SideDecoder` — a decoder that also reads y, over a *frozen* point-to-point codec: the encoder is
  blind to y and the bits are exactly the point-to-point codec's. Three kinds, after the papers the review
  cites: ``"refine"`` (Ayzik & Avidan, ECCV 2020: the decoded image looks up its best-matching patches of y
  by block matching along the epipolar row and a small network fuses them), ``"concat"`` (NDIC, Mital et al.,
  DCC 2022: features of y concatenated into the synthesis transform at 1/4 resolution) and ``"attention"``
  (NDIC-CAM, Mital et al., WACV 2023: the synthesis features attend to y's features along the same row,
  which aligns them; the attention's mean offset is a disparity estimate).
* :class:`JointCodec` — the conditional codec with y at both ends (the upper reference): the analysis and
  the synthesis both attend to y's features; trained end to end.

Bitstream (``"IH"`` frame): header H u16, W u16 (the image's size before padding to a multiple of 32), lo
i32, K u32 (the range [lo, lo + K) of ẑ's integers);
payload the ẑ stream (one ``"AC"`` frame, every symbol under its channel's pmf) followed by the û residuals
(one ``"QG"`` frame). bpp counts every byte, framing included.

Hand-written rather than imported because CompressAI cannot be installed with the pinned CPU torch.
"""

from __future__ import annotations

import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from wzcore import coding
from wzcore.coding import CorruptStreamError
from wzcore.entropy_models import FactorizedEntropyModel, GaussianConditional

__all__ = ["GDN", "Hyperprior", "JointCodec", "RowAttention", "SideDecoder", "block_match", "pad_to"]

MULTIPLE = 32  # the codecs' total downsampling: images are padded to a multiple of it


def _conv(cin: int, cout: int, k: int = 5, s: int = 2) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, k, s, k // 2)


def _deconv(cin: int, cout: int, k: int = 5, s: int = 2) -> nn.ConvTranspose2d:
    return nn.ConvTranspose2d(cin, cout, k, s, k // 2, output_padding=s - 1)


class GDN(nn.Module):
    """Generalized divisive normalization (Ballé, Laparra, Simoncelli, ICLR 2016):
    v_i = u_i / sqrt(β_i + Σ_j γ_ij u_j²), or u_i · sqrt(…) when ``inverse`` (IGDN). β ≥ 1e-6, γ ≥ 0
    by taking absolute values of the parameters."""

    def __init__(self, channels: int, inverse: bool = False):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.ones(channels))
        self.gamma = nn.Parameter(0.1 * torch.eye(channels))

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        """GDN (or IGDN) of a batch (N, C, H, W), channel by channel as in the class docstring."""
        c = self.gamma.shape[0]
        norm = F.conv2d(u * u, self.gamma.abs().reshape(c, c, 1, 1), self.beta.abs() + 1e-6)
        return u * torch.sqrt(norm) if self.inverse else u * torch.rsqrt(norm)


def pad_to(x: torch.Tensor, multiple: int = MULTIPLE) -> torch.Tensor:
    """Pad (N, C, H, W) on the bottom and right by edge replication to multiples of ``multiple``."""
    h, w = x.shape[-2:]
    ph, pw = -h % multiple, -w % multiple
    return F.pad(x, (0, pw, 0, ph), mode="replicate") if ph or pw else x


def _check_image(x: torch.Tensor, name: str = "x") -> None:
    if x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"{name} must have shape (N, 1, H, W), got {tuple(x.shape)}")
    if x.shape[-2] % MULTIPLE or x.shape[-1] % MULTIPLE:
        raise ValueError(f"{name}'s height and width must be multiples of {MULTIPLE} (use pad_to), "
                         f"got {tuple(x.shape[-2:])}")


class Hyperprior(nn.Module):
    """The scale-hyperprior codec (see the module docstring); ``N`` channels inside, ``M`` latent channels."""

    def __init__(self, N: int = 32, M: int = 32, Nh: int = 16):
        super().__init__()
        if N < 1 or M < 1 or Nh < 1:
            raise ValueError(f"N, M and Nh must be >= 1, got {N}, {M}, {Nh}")
        self.N, self.M, self.Nh = N, M, Nh
        self.g_a_high = nn.Sequential(_conv(1, N), GDN(N), _conv(N, N), GDN(N))  # x -> 1/4
        self.g_a_low = nn.Sequential(_conv(N, M))  # 1/4 -> 1/8
        self.g_s_low = nn.Sequential(_deconv(M, N), GDN(N, True))  # 1/8 -> 1/4
        self.g_s_high = nn.Sequential(_deconv(N, N), GDN(N, True), _deconv(N, 1))  # 1/4 -> x
        self.h_a = nn.Sequential(_conv(M, Nh, 3, 1), nn.ReLU(), _conv(Nh, Nh, 3), nn.ReLU(), _conv(Nh, Nh, 3))
        self.h_s = nn.Sequential(_deconv(Nh, Nh, 3), nn.ReLU(), _deconv(Nh, Nh, 3), nn.ReLU(),
                                 _conv(Nh, M, 3, 1), nn.ReLU())
        self.entropy_z = FactorizedEntropyModel(Nh)
        self.gaussian = GaussianConditional()

    # -- the pieces a side-information codec reuses ------------------------------------------------------
    def analysis(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """u = g_a(x) (the point-to-point encoder ignores ``y``)."""
        return self.g_a_low(self.g_a_high(x))

    def synthesis(self, u_hat: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """x̂ = g_s(û)."""
        return self.g_s_high(self.g_s_low(u_hat))

    def _z_rows(self, z: torch.Tensor) -> torch.Tensor:
        return z.permute(0, 2, 3, 1).reshape(-1, self.Nh)

    def _z_map(self, rows: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        n, _, h, w = like.shape
        return rows.reshape(n, h, w, self.Nh).permute(0, 3, 1, 2)

    def rate_terms(self, u: torch.Tensor, mode: str, gen: torch.Generator | None = None
                   ) -> tuple[torch.Tensor, torch.Tensor]:
        """(û for the decoder, bits per image): z̃ and ũ by ``mode`` ("noise" in training: the decoder gets
        straight-through rounded û; "round" at test)."""
        z = self.h_a(u)
        z_rows = self._z_rows(z)
        z_hat = self.entropy_z.quantize(z_rows, mode, gen)
        bits_z = self.entropy_z.bits(z_hat).reshape(u.shape[0], -1).sum(dim=1)
        scales = self.h_s(self._z_map(z_hat, z))
        zeros = torch.zeros_like(u)
        u_tilde = self.gaussian.quantize(u, zeros, mode, gen)
        bits_u = self.gaussian.bits(u_tilde, zeros, scales)
        u_dec = self.gaussian.quantize(u, zeros, "ste") if mode == "noise" else u_tilde
        return u_dec, bits_z + bits_u

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None, mode: str = "noise",
                gen: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(x̂, bits per image) of a batch (N, 1, H, W) with H, W multiples of ``MULTIPLE`` (32)."""
        _check_image(x)
        u_hat, bits = self.rate_terms(self.analysis(x, y), mode, gen)
        return self.synthesis(u_hat, y), bits

    # -- real bits ---------------------------------------------------------------------------------------
    @torch.no_grad()
    def compress(self, x: torch.Tensor, y: torch.Tensor | None = None) -> bytes:
        """One image (1, 1, H, W) in [0, 1], any H, W ≤ 65535: the ``"IH"`` frame (see the module)."""
        if x.dim() != 4 or x.shape[:2] != (1, 1):
            raise ValueError(f"x must have shape (1, 1, H, W), got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        if not (0 < h < 2**16 and 0 < w < 2**16):
            raise ValueError(f"height and width must be in [1, 65535], got {h}, {w}")
        xp = pad_to(x)
        yp = pad_to(y) if y is not None else None
        u = self.analysis(xp, yp)
        z = self.h_a(u)
        k = self.entropy_z.indices(self._z_rows(z))
        lo, K, z_stream = self._code_z(k)
        scales = self._hyper_scales(k, z.shape[-2], z.shape[-1])
        u_stream = self.gaussian.compress(u, torch.zeros_like(u), scales)
        return coding.write_frame("IH", struct.pack("<HHiI", h, w, lo, K), z_stream + u_stream)

    @torch.no_grad()
    def decode_latents(self, stream: bytes) -> tuple[torch.Tensor, tuple[int, int]]:
        """(û, (H, W)) from an ``"IH"`` stream. Raises CorruptStreamError on a corrupt stream."""
        header, payload, rest = coding.read_frame(stream, "IH")
        if rest or len(header) != 12:
            raise CorruptStreamError("malformed image stream (header size or trailing bytes)")
        h, w, lo, K = struct.unpack("<HHiI", header)
        if h == 0 or w == 0 or not 1 <= K <= 1 << 16:
            raise CorruptStreamError(f"image size {h} x {w} or hyper-latent range {K} in the header")
        hz, wz = -(-h // MULTIPLE), -(-w // MULTIPLE)
        z_stream, u_stream = coding.split_stream(payload, "AC")
        k = self._decode_z(z_stream, lo, K, hz * wz)
        scales = self._hyper_scales(k, hz, wz)
        u_hat = self.gaussian.decompress(u_stream, torch.zeros_like(scales), scales)
        return u_hat, (h, w)

    @torch.no_grad()
    def decompress(self, stream: bytes, y: torch.Tensor | None = None) -> torch.Tensor:
        """x̂ (1, 1, H, W) from :meth:`compress`'s bytes (and the same ``y`` for a joint codec)."""
        u_hat, (h, w) = self.decode_latents(stream)
        yp = pad_to(y) if y is not None else None
        return self.synthesis(u_hat, yp)[..., :h, :w]

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The model's test-time reconstruction (rounded latents), without coding: what
        ``decompress(compress(x))`` must return."""
        xp = pad_to(x)
        yp = pad_to(y) if y is not None else None
        u_hat, _ = self.rate_terms(self.analysis(xp, yp), "round")
        return self.synthesis(u_hat, yp)[..., : x.shape[-2], : x.shape[-1]]

    def _hyper_scales(self, k: np.ndarray, hz: int, wz: int) -> torch.Tensor:
        """σ = h_s(ẑ) from the integers of ẑ: one code path, one memory layout, for the encoder and the
        decoder alike (the entropy coder needs bit-identical scales at both ends)."""
        dev = next(self.parameters()).device
        z_hat = self.entropy_z.dequantize(np.ascontiguousarray(k, dtype=np.int64), like=None)
        z_hat = z_hat.to(dev).reshape(1, hz, wz, self.Nh).permute(0, 3, 1, 2).contiguous()
        return self.h_s(z_hat).contiguous()

    def _pmfs(self, lo: int, K: int, n_pos: int) -> np.ndarray:
        table = self.entropy_z.density.pmf_table(lo, lo + K, self.entropy_z.quantization_offset())
        table = np.maximum(table, 1e-12)
        table /= table.sum(axis=1, keepdims=True)
        return np.tile(table, (n_pos, 1))  # symbols in row-major (position, channel) order

    def _code_z(self, k: np.ndarray) -> tuple[int, int, bytes]:
        """(lo, K, the "AC" frame) of ẑ's integers in [lo, lo + K), all under their channel's pmf."""
        lo_m, hi_m = self.entropy_z.density.support(offset=self.entropy_z.quantization_offset())
        lo, hi = int(min(lo_m.min(), k.min())), int(max(hi_m.max(), k.max() + 1))
        if hi - lo > 1 << 16:
            raise ValueError(f"hyper-latents span {hi - lo} integers (at most 65536): the model is not "
                             "trained for this input")
        pmfs = self._pmfs(lo, hi - lo, k.shape[0])
        return lo, hi - lo, coding.encode_categorical((k - lo).reshape(-1), pmfs)

    def _decode_z(self, stream: bytes, lo: int, K: int, n_pos: int) -> np.ndarray:
        s = coding.decode_categorical(stream, self._pmfs(lo, K, n_pos))
        if s.size != n_pos * self.Nh:
            raise CorruptStreamError(f"{s.size} hyper-latents, expected {n_pos * self.Nh}")
        return s.reshape(n_pos, self.Nh) + lo


# ---- decoder side information ----------------------------------------------------------------------------
def block_match(x: torch.Tensor, y: torch.Tensor, max_disp: int, window: int = 7
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """For each pixel of x, the horizontal shift d ∈ [0, max_disp] whose ``window`` × ``window`` block of y
    at (r, c − d) is closest in mean absolute difference (after removing each block's mean, so an exposure
    change does not mislead it): returns (y aligned to x, d) — Ayzik & Avidan's side-image search, on the
    epipolar row of a rectified pair."""
    if max_disp < 0:
        raise ValueError(f"max_disp must be >= 0, got {max_disp}")
    def pool(t: torch.Tensor) -> torch.Tensor:  # separable box filter, edges replicated
        t = F.avg_pool2d(F.pad(t, (window // 2, window // 2, 0, 0), mode="replicate"), (1, window), 1)
        return F.avg_pool2d(F.pad(t, (0, 0, window // 2, window // 2), mode="replicate"), (window, 1), 1)

    w = y.shape[-1]
    shifts = range(max_disp + 1)
    yc = y - pool(y)
    shifted = torch.stack([F.pad(y, (d, 0, 0, 0), mode="replicate")[..., :w] for d in shifts])
    shifted_c = torch.stack([F.pad(yc, (d, 0, 0, 0), mode="replicate")[..., :w] for d in shifts])
    diff = (x - pool(x)).unsqueeze(0) - shifted_c  # (D + 1, N, 1, H, W)
    cost = pool(diff.abs().flatten(0, 1)).reshape(diff.shape)
    d = cost.argmin(dim=0, keepdim=True)
    return torch.gather(shifted, 0, d)[0], d[0].to(x.dtype)


class RowAttention(nn.Module):
    """Attention of each query position to the key positions of the same row at offsets 0 … ``span``
    to its left (the disparities of a rectified pair: left pixel c sees right pixel c − d). Scores are
    ⟨q, k⟩/√C of 1×1 projections; the output is the attended values and the mean offset Σ a_o·o."""

    def __init__(self, channels: int, span: int):
        super().__init__()
        self.span = span
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)

    def _shifts(self, t: torch.Tensor) -> torch.Tensor:
        w = t.shape[-1]
        return torch.stack([F.pad(t, (o, 0, 0, 0), mode="replicate")[..., :w] for o in range(self.span + 1)],
                           dim=2)

    def forward(self, query: torch.Tensor, side: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(attended values (N, C, H, W), mean offset (N, 1, H, W)) of ``query`` over ``side``."""
        q = self.q(query).unsqueeze(2)  # (N, C, 1, H, W)
        k, v = self._shifts(self.k(side)), self._shifts(self.v(side))  # (N, C, O, H, W)
        a = torch.softmax((q * k).sum(dim=1) / q.shape[1] ** 0.5, dim=1)  # (N, O, H, W)
        out = (a.unsqueeze(1) * v).sum(dim=2)
        offsets = torch.arange(self.span + 1, dtype=a.dtype, device=a.device).reshape(1, -1, 1, 1)
        return out, (a * offsets).sum(dim=1, keepdim=True)


class _SideFeatures(nn.Module):
    """y -> features at 1/4 resolution (5×5 and 3×3 stride-2 convolutions with GDN)."""

    def __init__(self, N: int):
        super().__init__()
        self.net = nn.Sequential(_conv(1, N), GDN(N), _conv(N, N, 3))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.net(y)


def _merge(N: int) -> nn.Conv2d:
    """1×1 conv [f, s] -> f' that starts as the identity on f and zero on s (training starts from the
    point-to-point decoder)."""
    m = nn.Conv2d(2 * N, N, 1)
    with torch.no_grad():
        m.weight.zero_()
        m.weight[:, :N, 0, 0] = torch.eye(N)
        m.bias.zero_()
    return m


KINDS = ("refine", "concat", "attention")


class SideDecoder(nn.Module):
    """A decoder with side information y over a frozen point-to-point :class:`Hyperprior` ``base``.

    The bits are ``base``'s (``compress`` ignores y); only the decoder is trained, on the rounded û, to
    minimise MSE. ``kind``: ``"refine"`` x̂ = x̂₀ + r([x̂₀, BM(x̂₀, y)]) with x̂₀ = base's decoding and BM
    :func:`block_match`; ``"concat"`` the synthesis with y's features merged at 1/4 resolution;
    ``"attention"`` the same after :class:`RowAttention` (``max_disp`` in pixels)."""

    def __init__(self, base: Hyperprior, kind: str, max_disp: int = 48):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if max_disp < 4:
            raise ValueError(f"max_disp must be >= 4, got {max_disp}")
        self.base, self.kind, self.max_disp = base, kind, max_disp
        base.requires_grad_(False)
        N = base.N
        if kind == "refine":
            self.refine = nn.Sequential(nn.Conv2d(3, N, 5, 1, 2), nn.ReLU(), nn.Conv2d(N, N, 3, 1, 1), nn.ReLU(),
                                        nn.Conv2d(N, 1, 3, 1, 1))
            with torch.no_grad():
                self.refine[-1].weight.zero_()
                self.refine[-1].bias.zero_()
        else:
            import copy

            self.g_s_low, self.g_s_high = copy.deepcopy(base.g_s_low), copy.deepcopy(base.g_s_high)
            self.g_s_low.requires_grad_(True)
            self.g_s_high.requires_grad_(True)
            self.side = _SideFeatures(N)
            self.merge = _merge(N)
            self.attn = RowAttention(N, max_disp // 4) if kind == "attention" else None

    @property
    def N(self) -> int:
        return self.base.N

    def decode(self, u_hat: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(x̂, disparity estimate or None) from rounded latents and the padded side view."""
        if self.kind == "refine":
            x0 = self.base.synthesis(u_hat)
            y_al, d = block_match(x0.detach(), y, self.max_disp)
            return x0 + self.refine(torch.cat([x0, y_al, x0 - y_al], dim=1)), d
        f = self.g_s_low(u_hat)
        s = self.side(y)
        d = None
        if self.attn is not None:
            s, d = self.attn(f, s)
            d = 4 * F.interpolate(d, scale_factor=4, mode="nearest")
        return self.g_s_high(self.merge(torch.cat([f, s], dim=1))), d

    def forward(self, x: torch.Tensor, y: torch.Tensor, mode: str = "round",
                gen: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(x̂, bits per image); the bits are the frozen base's, rounded (test) latents."""
        _check_image(x)
        _check_image(y, "y")
        with torch.no_grad():
            u_hat, bits = self.base.rate_terms(self.base.analysis(x), "round")
        return self.decode(u_hat, y)[0], bits

    def compress(self, x: torch.Tensor, y: torch.Tensor | None = None) -> bytes:
        """The base codec's bytes: the encoder never sees y."""
        return self.base.compress(x)

    @torch.no_grad()
    def decompress(self, stream: bytes, y: torch.Tensor) -> torch.Tensor:
        u_hat, (h, w) = self.base.decode_latents(stream)
        return self.decode(u_hat, pad_to(y))[0][..., :h, :w]

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        xp, yp = pad_to(x), pad_to(y)
        u_hat, _ = self.base.rate_terms(self.base.analysis(xp), "round")
        return self.decode(u_hat, yp)[0][..., : x.shape[-2], : x.shape[-1]]

    @torch.no_grad()
    def disparity(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The disparity the decoder uses (block matching, or the attention's mean offset), (1, 1, H, W)."""
        xp, yp = pad_to(x), pad_to(y)
        u_hat, _ = self.base.rate_terms(self.base.analysis(xp), "round")
        d = self.decode(u_hat, yp)[1]
        if d is None:
            raise ValueError(f"a {self.kind!r} decoder estimates no disparity")
        return d[..., : x.shape[-2], : x.shape[-1]]


class JointCodec(Hyperprior):
    """The conditional codec: y at the encoder and the decoder, each attending to y's features along the
    row at 1/4 resolution (:class:`RowAttention`) and merging them; otherwise :class:`Hyperprior`."""

    def __init__(self, N: int = 32, M: int = 32, Nh: int = 16, max_disp: int = 48):
        super().__init__(N, M, Nh)
        self.side_a, self.side_s = _SideFeatures(N), _SideFeatures(N)
        self.attn_a, self.attn_s = RowAttention(N, max_disp // 4), RowAttention(N, max_disp // 4)
        self.merge_a, self.merge_s = _merge(N), _merge(N)

    def analysis(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if y is None:
            raise ValueError("the joint codec needs the side view y at the encoder")
        f = self.g_a_high(x)
        s, _ = self.attn_a(f, self.side_a(y))
        return self.g_a_low(self.merge_a(torch.cat([f, s], dim=1)))

    def synthesis(self, u_hat: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if y is None:
            raise ValueError("the joint codec needs the side view y at the decoder")
        f = self.g_s_low(u_hat)
        s, _ = self.attn_s(f, self.side_s(y))
        return self.g_s_high(self.merge_s(torch.cat([f, s], dim=1)))
