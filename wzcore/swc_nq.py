"""SWC-NQ: nested (uniform) quantization + Slepian–Wolf coding of the index bit-planes.

Liu, Cheng, Liveris, Xiong, "Slepian–Wolf coded nested lattice quantization for Wyner–Ziv coding",
IEEE Trans. IT 2006, in its scalar form. The encoder quantizes x with a fine uniform quantizer,
q = floor(x / step + 1/2), writes u = q − q_min in B bits and codes the bit-planes b_0 (LSB) … b_{B−1}
one at a time; the decoder, holding the Gaussian posterior N(m, v) of X given Y = y, decodes the planes
in that order (multilevel coding), so the ideal rate is, by the chain rule,

    H(Q | Y) = Σ_j H(B_j | Y, B_0 … B_{j−1}).

Plane j is decoded with the per-bit probability P(b_j = 1 | y, b_<j) = Σ_{q ≡ c (2^j), bit j = 1} P(q | y) /
Σ_{q ≡ c (2^j)} P(q | y), with P(q | y) the posterior mass of cell q (:func:`bit_probability`). Each plane
is sent in one of three modes, chosen by a **rate-adaptive feedback** emulation (as LDPCA-based
distributed video coding does: the decoder requests syndrome bits until its check passes):

* ``PREDICTED`` (rate 0): the decoder's hard decision is already right for every sample (the top planes,
  fully predictable from y: this is what makes the scheme *nested* — skipping them is binning);
* ``SYNDROME``: an LDPC syndrome (:class:`wzcore.slepian_wolf.SyndromeCodec`) at the smallest rate of a grid
  whose belief-propagation decoding, fed with the per-bit LLRs, succeeds (rates more than ``START_MARGIN``
  below the plane's estimated conditional entropy are skipped: they cannot decode);
* ``RAW`` (rate 1): the bits themselves, when no grid rate decodes (the low planes, nearly independent of y).

Bitstream (big-endian): magic ``b"SWNQ"``, version u8, n u32, B u8, q_min i32, step f64, then per plane a
mode byte (0 predicted, 1 raw, 2 + i: syndrome at grid rate i) and its payload (the SyndromeCodec stream —
which carries its own CRC-32 — or the packed bits), then CRC-32 of the decoded u (int32) and CRC-32 of all
previous bytes. A decoded index is returned only if every CRC matches: a failed BP or a wrong prediction
raises :class:`~wzcore.slepian_wolf.DecodingError`; a stream made for another ``step`` or ``n`` raises
``ValueError``. Reconstruction is the MMSE estimate E[X | q, y] (truncated-normal mean).

Hand-written because no library implements multilevel Slepian–Wolf coding of quantizer bit-planes; the
LDPC codes and BP decoder are those of :mod:`wzcore.slepian_wolf` (``ldpc``), the Gaussian cell masses
those of :func:`wzcore.quantization.gaussian_cell_moments`.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wzcore import slepian_wolf as sw
from wzcore.bounds import binary_entropy
from wzcore.quantization import gaussian_cell_moments

__all__ = [
    "DEFAULT_RATES",
    "SWCNQ",
    "PlaneReport",
    "SWCNQResult",
    "binary_entropy_mean",
    "bit_probability",
]

#: Syndrome rates (bits per plane bit) of the LDPC family; the codes of length 2000 and 4000 are shipped.
DEFAULT_RATES: tuple[float, ...] = (0.04, 0.08, 0.12, 0.16, *tuple(round(0.05 * i, 2) for i in range(4, 20)))

_MAGIC = b"SWNQ"
_VERSION = 1
_HEAD = struct.Struct(">4sBIBid")
_CRC = struct.Struct(">I")
PREDICTED, RAW, SYNDROME0 = 0, 1, 2
WINDOW = 9.0  # posterior standard deviations covered by the candidate cells
LLR_MAX = 30.0
START_MARGIN = 0.08  # grid rates below (estimated conditional entropy − this) are not tried


def binary_entropy_mean(p1: np.ndarray) -> float:
    """Mean of h(p_i) in bits: the empirical conditional entropy of a bit-plane given its soft information."""
    return float(np.mean(binary_entropy(np.asarray(p1, dtype=np.float64))))


def bit_probability(log_w: np.ndarray, u_cand: np.ndarray, low: np.ndarray, j: int) -> np.ndarray:
    """P(bit j of u = 1 | candidates consistent with the decoded low bits), per sample.

    ``log_w[i, c]``: log posterior mass of candidate index ``u_cand[i, c]`` (−inf for impossible ones);
    ``low[i]``: the decoded value of u mod 2^j. Samples with no consistent candidate get 1/2.
    """
    mask = (u_cand & ((1 << j) - 1)) == low[:, None]
    lw = np.where(mask, log_w, -np.inf)
    top = lw.max(axis=1, keepdims=True)
    ok = np.isfinite(top[:, 0])
    w = np.exp(lw - np.where(np.isfinite(top), top, 0.0))
    tot = w.sum(axis=1)
    one = (w * ((u_cand >> j) & 1)).sum(axis=1)
    return np.where(ok, one / np.where(ok, tot, 1.0), 0.5)


@dataclass(frozen=True)
class PlaneReport:
    """How one bit-plane was sent: mode ('predicted' | 'syndrome' | 'raw'), rate in bits per sample
    (payload only), and the empirical conditional entropy mean h(P(b_j = 1 | y, b_<j))."""

    plane: int
    mode: str
    rate: float
    cond_entropy: float


@dataclass(frozen=True)
class SWCNQResult:
    """One encoded block: the stream, its real rate 8·len/n, the ideal rate Σ_j H(B_j | Y, B_<j) estimate,
    per-plane reports, and the fine index q."""

    stream: bytes
    rate_real: float
    rate_ideal: float
    planes: tuple[PlaneReport, ...]
    q: np.ndarray


class SWCNQ:
    """Scalar SWC-NQ codec for blocks of ``n`` samples with a Gaussian posterior of X given Y at the decoder.

    ``step``: fine quantizer step; ``rates``: the syndrome-rate grid (one PEG LDPC code of length n each,
    from :func:`wzcore.slepian_wolf.load_or_build_code`); ``max_iter``: BP iterations.
    """

    def __init__(self, step: float, n: int, rates: Sequence[float] = DEFAULT_RATES, seed: int = 0,
                 max_iter: int = 100) -> None:
        step = float(step)
        if not np.isfinite(step) or step <= 0:
            raise ValueError(f"step must be a finite number > 0, got {step!r}")
        if isinstance(n, bool) or not float(n).is_integer() or not 64 <= int(n) < 2**31:
            raise ValueError(f"n must be an integer in [64, 2^31), got {n!r}")
        r = np.asarray(rates, dtype=np.float64)
        if r.ndim != 1 or r.size == 0 or r.size > 250 or np.any(~((r > 0) & (r < 1))) or np.any(np.diff(r) <= 0):
            raise ValueError(f"rates must be 1 to 250 increasing values in (0, 1), got {rates!r}")
        self.step, self.n = step, int(n)
        self.rates = tuple(float(v) for v in r)
        self.seed, self.max_iter = int(seed), int(max_iter)
        self._codecs: dict[int, sw.SyndromeCodec] = {}

    def __repr__(self) -> str:
        return f"SWCNQ(step={self.step!r}, n={self.n}, rates={len(self.rates)} codes)"

    # ------------------------------------------------------------------ pieces
    def codec(self, i: int) -> sw.SyndromeCodec:
        """The syndrome codec at grid rate ``rates[i]`` (built or loaded once)."""
        if i not in self._codecs:
            h = sw.load_or_build_code(self.n, self.rates[i], self.seed)
            self._codecs[i] = sw.SyndromeCodec(h, max_iter=self.max_iter)
        return self._codecs[i]

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """Fine index q = floor(x / step + 1/2)."""
        return np.floor(np.asarray(x, dtype=np.float64) / self.step + 0.5).astype(np.int64)

    def _posterior(self, post_mean, post_var, q_min: int, n_planes: int):
        """Candidate indices u (n, C) around the posterior mean and their log posterior masses."""
        m = np.asarray(post_mean, dtype=np.float64)
        if m.shape != (self.n,) or not np.all(np.isfinite(m)):
            raise ValueError(f"post_mean must be a finite array of length n = {self.n}")
        v = float(post_var)
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"post_var must be a finite number > 0, got {post_var!r}")
        s = np.sqrt(v)
        half = int(np.ceil(WINDOW * s / self.step)) + 1
        q = np.floor(m / self.step + 0.5).astype(np.int64)[:, None] + np.arange(-half, half + 1)
        logZ, _ = gaussian_cell_moments((q - 0.5) * self.step, (q + 0.5) * self.step, m[:, None], s)
        u = q - q_min
        valid = (u >= 0) & (u < (1 << n_planes))
        return np.where(valid, u, 0), np.where(valid, logZ, -np.inf)

    def reconstruct(self, q: np.ndarray, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """MMSE estimate E[X | cell q, X ~ N(post_mean, post_var)]."""
        q = np.asarray(q, dtype=np.float64)
        _, xh = gaussian_cell_moments((q - 0.5) * self.step, (q + 0.5) * self.step, post_mean,
                                      np.sqrt(float(post_var)))
        return xh

    # ------------------------------------------------------------------ encoder
    def encode(self, x: np.ndarray, post_mean: np.ndarray, post_var: float,
               plan: Sequence[float | str] | None = None) -> SWCNQResult:
        """Encode a block of ``n`` samples.

        Without ``plan``, each plane's mode and rate are chosen by rate-adaptive feedback: the encoder
        emulates the decoder (which holds ``post_mean``, ``post_var``) and keeps the cheapest mode that
        decodes — predicted, else the smallest grid rate whose syndrome decodes, else raw. The side
        information enters only through this feedback; the stream itself depends on x alone given the
        chosen modes. ``plan`` forces per-plane modes instead (a grid rate, ``"predicted"`` or ``"raw"``;
        one entry per plane), e.g. to test that a too-low rate raises at the decoder.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.n,) or not np.all(np.isfinite(x)):
            raise ValueError(f"x must be a finite array of length n = {self.n}")
        q = self.quantize(x)
        q_min = int(q.min())
        if q_min < -(2**31) or int(q.max()) >= 2**31:
            raise ValueError("quantization index out of int32 range: step too small for x")
        u = q - q_min
        n_planes = max(1, int(u.max()).bit_length())
        if plan is not None and len(plan) != n_planes:
            raise ValueError(f"plan must have one entry per bit-plane ({n_planes}), got {len(plan)}")
        u_cand, log_w = self._posterior(post_mean, post_var, q_min, n_planes)
        out = bytearray(_HEAD.pack(_MAGIC, _VERSION, self.n, n_planes, q_min, self.step))
        reports = []
        low = np.zeros(self.n, dtype=np.int64)
        for j in range(n_planes):
            bits = ((u >> j) & 1).astype(np.uint8)
            p1 = bit_probability(log_w, u_cand, low, j)
            mode, payload = self._choose(bits, p1, None if plan is None else plan[j])
            out.append(mode)
            out += payload
            name = "predicted" if mode == PREDICTED else "raw" if mode == RAW else "syndrome"
            reports.append(PlaneReport(j, name, 8 * len(payload) / self.n, binary_entropy_mean(p1)))
            low |= bits.astype(np.int64) << j
        out += _CRC.pack(zlib.crc32(u.astype(">i4").tobytes()))
        out += _CRC.pack(zlib.crc32(bytes(out)))
        stream = bytes(out)
        ideal = float(sum(r.cond_entropy for r in reports))
        return SWCNQResult(stream, 8 * len(stream) / self.n, ideal, tuple(reports), q)

    def _llr(self, p1: np.ndarray) -> np.ndarray:
        p1 = np.clip(p1, 1e-13, 1 - 1e-13)
        return np.clip(np.log1p(-p1) - np.log(p1), -LLR_MAX, LLR_MAX)

    def _choose(self, bits: np.ndarray, p1: np.ndarray, forced: float | str | None) -> tuple[int, bytes]:
        if forced is not None:
            if forced == "predicted":
                return PREDICTED, b""
            if forced == "raw":
                return RAW, np.packbits(bits).tobytes()
            idx = [i for i, r in enumerate(self.rates) if abs(r - float(forced)) < 1e-9]
            if not idx:
                raise ValueError(f"plan entries must be 'predicted', 'raw' or a grid rate {self.rates}, "
                                 f"got {forced!r}")
            return SYNDROME0 + idx[0], self.codec(idx[0]).encode(bits)
        if np.array_equal((p1 > 0.5).astype(np.uint8), bits):
            return PREDICTED, b""
        llr = self._llr(p1)
        # rates well below the plane's conditional entropy cannot decode (Slepian–Wolf converse) and each
        # failed BP attempt costs max_iter iterations: start the search at the estimate minus START_MARGIN
        floor = binary_entropy_mean(p1) - START_MARGIN
        for i in range(len(self.rates)):
            if self.rates[i] < floor:
                continue
            c = self.codec(i)
            stream = c.encode(bits)
            if 8 * len(stream) >= self.n:  # no cheaper than sending the bits
                break
            try:
                c.decode(stream, llr=llr)
            except sw.DecodingError:
                continue
            return SYNDROME0 + i, stream
        return RAW, np.packbits(bits).tobytes()

    # ------------------------------------------------------------------ decoder
    def decode_index(self, stream: bytes, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """The fine index q from the stream and the posterior N(post_mean, post_var) of X given y.

        Raises DecodingError if a plane fails to decode or a CRC mismatches; ValueError if the stream was
        made for another step or block length, or is malformed.
        """
        b = bytes(stream)
        if len(b) < _HEAD.size + 2 * _CRC.size:
            raise ValueError(f"stream too short ({len(b)} bytes) for an SWC-NQ stream")
        magic, version, n, n_planes, q_min, step = _HEAD.unpack_from(b, 0)
        if magic != _MAGIC or version != _VERSION:
            raise ValueError(f"not an SWC-NQ v{_VERSION} stream (magic {magic!r}, version {version})")
        if zlib.crc32(b[:-_CRC.size]) != _CRC.unpack(b[-_CRC.size:])[0]:
            raise sw.DecodingError("stream CRC mismatch: corrupted SWC-NQ bitstream")
        if n != self.n:
            raise ValueError(f"stream is for blocks of n = {n}, this codec has n = {self.n}")
        if step != self.step:
            raise ValueError(f"stream was encoded with step = {step!r}, this codec has step = {self.step!r}")
        u_cand, log_w = self._posterior(post_mean, post_var, q_min, n_planes)
        pos = _HEAD.size
        low = np.zeros(self.n, dtype=np.int64)
        raw_len = (self.n + 7) // 8
        for j in range(n_planes):
            mode = b[pos]
            pos += 1
            p1 = bit_probability(log_w, u_cand, low, j)
            if mode == PREDICTED:
                bits = (p1 > 0.5).astype(np.uint8)
            elif mode == RAW:
                bits = np.unpackbits(np.frombuffer(b[pos:pos + raw_len], dtype=np.uint8), count=self.n)
                pos += raw_len
            elif mode - SYNDROME0 < len(self.rates):
                c = self.codec(mode - SYNDROME0)
                size = 20 + (c.m + 7) // 8
                bits = c.decode(b[pos:pos + size], llr=self._llr(p1))
                pos += size
            else:
                raise ValueError(f"bad plane mode byte {mode} in plane {j}")
            low |= bits.astype(np.int64) << j
        if pos != len(b) - 2 * _CRC.size:
            raise ValueError("stream length does not match its plane modes")
        if zlib.crc32(low.astype(">i4").tobytes()) != _CRC.unpack_from(b, pos)[0]:
            raise sw.DecodingError("CRC of the decoded index does not match: a predicted plane was wrong")
        return low + q_min

    def decode(self, stream: bytes, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """x̂ = E[X | q, y] for the decoded index q (raises like :meth:`decode_index`)."""
        return self.reconstruct(self.decode_index(stream, post_mean, post_var), post_mean, post_var)
