"""SWC-NQ: multilevel Slepian–Wolf coding of quantizer indices from per-sample index posteriors.

Liu, Cheng, Liveris, Xiong, "Slepian–Wolf coded nested lattice quantization for Wyner–Ziv coding",
IEEE Trans. IT 2006, in its scalar form, generalised to any quantizer whose index has a known posterior at
the decoder.

**The general coder** (:class:`MultilevelSW`). The encoder holds integer indices k_i in [0, K) and writes
them in B = ⌈log2 K⌉ bits; the decoder holds per-sample log-posteriors log q(k | y_i) (an (n, K) array, or
an :class:`IndexPosterior` on a window of candidates) and decodes the bit-planes b_0 (LSB) … b_{B−1} in that
order (multilevel coding), so that by the chain rule the ideal rate is

    H(K | Y) = Σ_j H(B_j | Y, B_0 … B_{j−1}).

Plane j is decoded with the per-bit probability P(b_j = 1 | y, b_<j) = Σ_{k ≡ c (2^j), bit j = 1} q(k | y) /
Σ_{k ≡ c (2^j)} q(k | y) (:func:`bit_probability`). Each plane is sent in one of three modes:

* ``PREDICTED`` (rate 0): the decoder's hard decision is already right for every sample (the top planes,
  fully predictable from y: this is what makes the scheme *nested* — skipping them is binning);
* ``SYNDROME``: an LDPC syndrome (:class:`wzcore.slepian_wolf.SyndromeCodec`) at the smallest rate of a grid
  whose belief-propagation decoding, fed with the per-bit LLRs, succeeds (rates more than ``START_MARGIN``
  below the plane's estimated conditional entropy are skipped: they cannot decode);
* ``RAW`` (rate 1): the bits themselves, when no grid rate decodes (the low planes, nearly independent of y).

In :meth:`MultilevelSW.encode` without a plan the mode choice is an **oracle**: the encoder is handed the
decoder's posterior and runs the decoder to keep the cheapest mode that decodes, and the syndromes of the
attempts that failed are not sent. Every byte of the resulting stream is counted, but the choice of each
plane's rate is a genie's (DESIGN §8). Two honest systems replace it:

* **feedback-free** (:func:`feedback_free`): each plane's mode and rate fixed in advance from calibration
  blocks (:meth:`MultilevelSW.provision`); a block the plan cannot decode is a frame error;
* **with a return channel** (:meth:`MultilevelSW.code_with_feedback`, :func:`return_channel`): the decoder
  asks for syndrome bits until its check passes, as LDPCA-based distributed video coding does (Varodayan,
  Aaron, Girod 2006). Per plane: the encoder sends the plane's CRC-32; the decoder acknowledges if its hard
  decision matches (a predicted plane), else it names a starting grid rate (the first at or above its own
  estimate h̄ − ``START_MARGIN``; raw bits if h̄ > ``RAW_ABOVE``, where a syndrome saves at most 1 − h̄ and
  every failed attempt is lost) and the encoder sends that code's syndrome, then rate-compatible increments
  of it (check splitting, :class:`wzcore.slepian_wolf.IncrementalSyndromeCodec`, ``increments`` steps from
  R to 2R), one per negative acknowledgement, until belief propagation converges to a word with the right
  CRC. When a code's increments are exhausted the encoder restarts at the first grid rate ≥ 2R (the bits
  already sent are lost, and counted); beyond the grid, or once the plane's bits would cost more than
  sending it raw, it sends the n raw bits. Counted: every forward message byte-aligned (the header frame,
  CRCs, the syndrome and each increment, raw planes) and every feedback bit (1 per acknowledgement,
  ⌈log₂(#rates + 1)⌉ for the starting rate).

**The quantizer layer** (:class:`SWCNQ`): a fine uniform quantizer q = ⌊x / Δ + ½⌉
(:func:`wzcore.quantization.uniform_index`), k = q − q_min with K = 2^B, and the Gaussian posterior
N(m, v) of X given Y: q(k | y) is the mass of cell q under N(m, v), computed on a window of ±``WINDOW``
posterior standard deviations (:func:`wzcore.quantization.gaussian_cell_moments`). Reconstruction is the MMSE
estimate E[X | q, y] (truncated-normal mean). :func:`evaluate` runs it over blocks and steps.

Stream: one ``"NQ"`` frame of the wzcore stream format (:mod:`wzcore.coding`), little-endian. Header:
n u32, K u32, CRC-32 of k (int32 LE) u32, then the caller's fields (SWC-NQ: q_min i32, Δ f64). Payload, per
plane: a mode byte (0 predicted, 1 raw, 2 + i: syndrome at grid rate i) and its data — nothing, the ⌈n/8⌉
packed bits, or the ``"SW"`` frame of the syndrome codec (self-delimiting, so no one here knows its size).
A decoded index is returned only if every check passes: a damaged stream raises
:class:`~wzcore.coding.CorruptStreamError`, a failed BP or a wrong prediction (CRC of k)
:class:`~wzcore.slepian_wolf.DecodingError`, a stream made for another n, K or step ``ValueError``.

Hand-written because no library implements multilevel Slepian–Wolf coding of quantizer bit-planes; the
LDPC codes and BP decoder are those of :mod:`wzcore.slepian_wolf` (``ldpc``).
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from wzcore import coding, validate
from wzcore import lattice as lt
from wzcore import slepian_wolf as sw
from wzcore.bounds import binary_entropy
from wzcore.quantization import gaussian_cell_moments, uniform_index

__all__ = [
    "DEFAULT_RATES",
    "SWCNQ",
    "FeedbackFreeResult",
    "GaussianPosteriorSource",
    "HonestSystem",
    "IndexPosterior",
    "MultilevelResult",
    "MultilevelSW",
    "NQHeader",
    "PlaneReport",
    "Posterior",
    "ReturnChannelBlock",
    "ReturnChannelPlane",
    "ReturnChannelResult",
    "SWCNQEvaluation",
    "SWCNQPoint",
    "SWCNQResult",
    "binary_entropy_mean",
    "bit_probability",
    "evaluate",
    "feedback_free",
    "nested_lattice_point",
    "return_channel",
    "with_plan",
]

#: Syndrome rates (bits per plane bit) of the LDPC family; the codes of length 2000 and 4000 are shipped.
DEFAULT_RATES: tuple[float, ...] = (0.04, 0.08, 0.12, 0.16, *tuple(round(0.05 * i, 2) for i in range(4, 20)))

_KIND = "NQ"
_HEAD = struct.Struct("<III")  # n, K, crc32(k as int32 LE); the caller's fields follow
_GAUSS = struct.Struct("<id")  # SWCNQ's fields: q_min, step
PREDICTED, RAW, SYNDROME0 = 0, 1, 2
WINDOW = 9.0  # posterior standard deviations covered by the candidate cells
LLR_MAX = 30.0
START_MARGIN = 0.08  # grid rates below (estimated conditional entropy − this) are not tried
PREDICT_RISK = 0.01  # provisioning: a plane is planned as predicted only if its expected wrong decisions <= this
RAW_ABOVE = 0.8  # with a return channel, a plane whose estimated conditional entropy exceeds this goes raw
_MAX_K = 2**31


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


# ----------------------------------------------------------------------------------------------------------
# the general coder: indices in [0, K) with per-sample posteriors
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IndexPosterior:
    """The decoder's posterior of an index k in [0, K), per sample, on a window of candidates.

    ``log_w[i, c]`` = log q(``cand[i, c]`` | y_i) up to a per-sample constant (−inf: impossible); indices not
    among a sample's candidates have probability 0. Both arrays have shape (n, C) (``cand`` may be a
    broadcast view). :meth:`dense` builds the full form, C = K, from an (n, K) array of log-posteriors.
    """

    cand: np.ndarray
    log_w: np.ndarray
    K: int

    def __post_init__(self) -> None:
        K = validate.integer("K", self.K, 1, _MAX_K)
        cand, log_w = np.asarray(self.cand), np.asarray(self.log_w, dtype=np.float64)
        if log_w.ndim != 2 or cand.shape != log_w.shape:
            raise ValueError(f"cand and log_w must be arrays of the same shape (n, C), got {cand.shape} "
                             f"and {log_w.shape}")
        if not np.issubdtype(cand.dtype, np.integer) or (cand.size and (cand.min() < 0 or cand.max() >= K)):
            raise ValueError(f"cand must hold integers in [0, {K - 1}] (K = {K})")
        if np.any(np.isnan(log_w)) or np.any(log_w == np.inf):
            raise ValueError("log_w must hold finite values or -inf (log-probabilities)")
        object.__setattr__(self, "cand", cand.astype(np.int64, copy=False))
        object.__setattr__(self, "log_w", log_w)
        object.__setattr__(self, "K", K)

    @classmethod
    def dense(cls, log_q: np.ndarray) -> IndexPosterior:
        """From log q(k | y_i) for every k: an array of shape (n, K) (rows need not be normalised)."""
        log_q = np.asarray(log_q, dtype=np.float64)
        if log_q.ndim != 2 or log_q.shape[1] < 1:
            raise ValueError(f"log_q must have shape (n, K) with K >= 1, got {log_q.shape}")
        cand = np.broadcast_to(np.arange(log_q.shape[1], dtype=np.int64), log_q.shape)
        return cls(cand, log_q, log_q.shape[1])

    @property
    def n(self) -> int:
        """Number of samples."""
        return self.log_w.shape[0]


@dataclass(frozen=True)
class NQHeader:
    """The fields of an ``"NQ"`` stream's header: block length, alphabet size, CRC-32 of the index, and the
    caller's own fields (``extra``, e.g. SWC-NQ's q_min and step)."""

    n: int
    K: int
    crc_k: int
    extra: bytes

    @property
    def n_planes(self) -> int:
        """B = ⌈log2 K⌉ bit-planes."""
        return (self.K - 1).bit_length()


@dataclass(frozen=True)
class PlaneReport:
    """How one bit-plane was sent: mode ('predicted' | 'syndrome' | 'raw'), rate in bits per sample
    (its data only: the packed bits or the syndrome frame, not the mode byte), and the empirical conditional
    entropy mean h(P(b_j = 1 | y, b_<j))."""

    plane: int
    mode: str
    rate: float
    cond_entropy: float


@dataclass(frozen=True)
class MultilevelResult:
    """One encoded block: the stream, its real rate 8·len/n, the ideal rate Σ_j H(B_j | Y, B_<j) estimate,
    per-plane reports, and the coded index k."""

    stream: bytes
    rate_real: float
    rate_ideal: float
    planes: tuple[PlaneReport, ...]
    k: np.ndarray


#: A posterior argument: an :class:`IndexPosterior`, an (n, K) array of log q(k | y), or (to
#: :meth:`MultilevelSW.decode`) a callable mapping the stream's checked :class:`NQHeader` to one of those.
Posterior = IndexPosterior | np.ndarray | Callable[[NQHeader], IndexPosterior | np.ndarray]


class MultilevelSW:
    """Multilevel Slepian–Wolf coder of indices k in [0, K) for blocks of ``n`` samples, given the decoder's
    per-sample index posteriors (see the module docstring for the scheme and the stream layout).

    ``rates``: the syndrome-rate grid (one PEG LDPC code of length n each, from
    :func:`wzcore.slepian_wolf.load_or_build_code` with ``seed``); ``max_iter``: BP iterations;
    ``increments``: rate-compatible steps from R to 2R of each code with a return channel.
    """

    def __init__(self, n: int, rates: Sequence[float] = DEFAULT_RATES, seed: int = 0, max_iter: int = 100,
                 increments: int = 8) -> None:
        if isinstance(n, bool) or not float(n).is_integer() or not 64 <= int(n) < 2**31:
            raise ValueError(f"n must be an integer in [64, 2^31), got {n!r}")
        r = np.asarray(rates, dtype=np.float64)
        if r.ndim != 1 or r.size == 0 or r.size > 250 or np.any(~((r > 0) & (r < 1))) or np.any(np.diff(r) <= 0):
            raise ValueError(f"rates must be 1 to 250 increasing values in (0, 1), got {rates!r}")
        self.n = int(n)
        self.rates = tuple(float(v) for v in r)
        self.seed = int(seed)
        self.max_iter = validate.integer("max_iter", max_iter)
        self.increments = validate.integer("increments", increments, 1)
        self._codecs: dict[int, sw.SyndromeCodec] = {}
        self._incremental: dict[int, sw.IncrementalSyndromeCodec] = {}

    def __repr__(self) -> str:
        return f"MultilevelSW(n={self.n}, rates={len(self.rates)} codes)"

    def codec(self, i: int) -> sw.SyndromeCodec:
        """The syndrome codec at grid rate ``rates[i]`` (built or loaded once)."""
        if i not in self._codecs:
            h = sw.load_or_build_code(self.n, self.rates[i], self.seed)
            self._codecs[i] = sw.SyndromeCodec(h, max_iter=self.max_iter)
        return self._codecs[i]

    def incremental(self, i: int) -> sw.IncrementalSyndromeCodec:
        """The rate-compatible (check-splitting) codec grown from the grid code ``rates[i]``, for the return
        channel; its split order is seeded by (seed, i), so encoder and decoder build the same one."""
        if i not in self._incremental:
            h = sw.load_or_build_code(self.n, self.rates[i], self.seed)
            steps = min(self.increments, h.shape[0])
            self._incremental[i] = sw.IncrementalSyndromeCodec(
                h, steps, np.random.default_rng([self.seed, i]), max_iter=self.max_iter)
        return self._incremental[i]

    def _posterior(self, posterior: IndexPosterior | np.ndarray) -> IndexPosterior:
        post = posterior if isinstance(posterior, IndexPosterior) else IndexPosterior.dense(posterior)
        if post.n != self.n:
            raise ValueError(f"the posterior must cover n = {self.n} samples, got {post.n}")
        return post

    # ------------------------------------------------------------------ encoder
    def encode(self, k: np.ndarray, posterior: IndexPosterior | np.ndarray,
               plan: Sequence[float | str] | None = None, extra: bytes = b"") -> MultilevelResult:
        """Encode a block of ``n`` indices k in [0, K), K given by ``posterior`` (the decoder's).

        Without ``plan``, each plane's mode and rate are the oracle's choice: the encoder emulates the
        decoder (it is handed ``posterior``) and keeps the cheapest mode that decodes — predicted, else the
        smallest grid rate whose syndrome decodes, else raw. The posterior enters only through this choice;
        the stream itself depends on k alone given the modes. ``plan`` forces per-plane modes instead (a grid
        rate, ``"predicted"`` or ``"raw"``; one entry per plane), e.g. to test that a too-low rate raises at
        the decoder. ``extra``: the caller's fields, stored after this coder's header fields.
        """
        post = self._posterior(posterior)
        k = validate.int_array("k", k)
        if k.size != self.n:
            raise ValueError(f"k must have length n = {self.n}, got {k.size}")
        if k.size and (k.min() < 0 or k.max() >= post.K):
            raise ValueError(f"k must be in [0, {post.K - 1}] (K = {post.K}), got range [{k.min()}, {k.max()}]")
        extra = bytes(extra)
        if _HEAD.size + len(extra) > 2**16 - 1:
            raise ValueError(f"extra must have at most {2**16 - 1 - _HEAD.size} bytes, got {len(extra)}")
        n_planes = (post.K - 1).bit_length()
        if plan is not None and len(plan) != n_planes:
            raise ValueError(f"plan must have one entry per bit-plane ({n_planes}), got {len(plan)}")
        payload = bytearray()
        reports = []
        low = np.zeros(self.n, dtype=np.int64)
        for j in range(n_planes):
            bits = ((k >> j) & 1).astype(np.uint8)
            p1 = bit_probability(post.log_w, post.cand, low, j)
            mode, data = self._choose(bits, p1, None if plan is None else plan[j])
            payload.append(mode)
            payload += data
            name = "predicted" if mode == PREDICTED else "raw" if mode == RAW else "syndrome"
            reports.append(PlaneReport(j, name, 8 * len(data) / self.n, binary_entropy_mean(p1)))
            low |= bits.astype(np.int64) << j
        header = _HEAD.pack(self.n, post.K, zlib.crc32(k.astype("<i4").tobytes())) + extra
        stream = coding.write_frame(_KIND, header, bytes(payload))
        ideal = float(sum(r.cond_entropy for r in reports))
        return MultilevelResult(stream, 8 * len(stream) / self.n, ideal, tuple(reports), k)

    @staticmethod
    def _llr(p1: np.ndarray) -> np.ndarray:
        p1 = np.clip(p1, 1e-13, 1 - 1e-13)
        return np.clip(np.log1p(-p1) - np.log(p1), -LLR_MAX, LLR_MAX)

    def _choose(self, bits: np.ndarray, p1: np.ndarray, forced: float | str | None,
                predict_risk: float | None = None) -> tuple[int, bytes]:
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
        risky = predict_risk is not None and float(np.minimum(p1, 1.0 - p1).sum()) > predict_risk
        if not risky and np.array_equal((p1 > 0.5).astype(np.uint8), bits):
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

    # ------------------------------------------------------------------ with a return channel
    def code_with_feedback(self, k: np.ndarray, posterior: IndexPosterior | np.ndarray,
                           extra: bytes = b"") -> ReturnChannelBlock:
        """Send a block of indices with a return channel (protocol and accounting in the module docstring).

        Both ends are simulated, each with its own knowledge: the encoder's messages depend on k alone, the
        decoder's requests on the posterior and what it has received; the decoder reads only the syndrome
        bits requested so far. Raises DecodingError if the decoded k fails the header's CRC of k (the
        exchange's report is attached to it as ``.block``).
        """
        k = validate.int_array("k", k)
        if k.size != self.n:
            raise ValueError(f"k must have length n = {self.n}, got {k.size}")
        post = self._posterior(posterior)
        if k.size and (k.min() < 0 or k.max() >= post.K):
            raise ValueError(f"k must be in [0, {post.K - 1}] (K = {post.K}), got range [{k.min()}, {k.max()}]")
        header = _HEAD.pack(self.n, post.K, zlib.crc32(k.astype("<i4").tobytes())) + bytes(extra)
        forward = 8 * len(coding.write_frame(_KIND, header, b""))
        feedback = 0
        start_bits = math.ceil(math.log2(len(self.rates) + 1))
        low = np.zeros(self.n, dtype=np.int64)
        reports = []
        for j in range((post.K - 1).bit_length()):
            bits = ((k >> j) & 1).astype(np.uint8)
            p1 = bit_probability(post.log_w, post.cand, low, j)
            h = binary_entropy_mean(p1)
            decoded, outcome, f_bits, b_bits, msgs = self._plane_with_feedback(bits, p1, h, start_bits)
            reports.append(ReturnChannelPlane(j, outcome, f_bits, b_bits, msgs, h))
            forward, feedback = forward + f_bits, feedback + b_bits
            low |= decoded.astype(np.int64) << j
        block = ReturnChannelBlock(low, self.n, forward, feedback, float(sum(r.cond_entropy for r in reports)),
                                   tuple(reports))
        if zlib.crc32(low.astype("<i4").tobytes()) != zlib.crc32(k.astype("<i4").tobytes()):
            err = sw.DecodingError("CRC of the decoded index does not match: a plane was accepted wrongly")
            err.block = block  # what was sent, so that a caller can count it
            raise err
        return block

    def _plane_with_feedback(self, bits: np.ndarray, p1: np.ndarray, h: float,
                             start_bits: int) -> tuple[np.ndarray, str, int, int, int]:
        """One plane's exchange: (decoded bits, outcome, forward bits, feedback bits, syndrome messages)."""
        crc = zlib.crc32(np.packbits(bits).tobytes())
        forward, feedback, messages = 32, 1, 0  # the plane's CRC-32, then ACK or NAK
        hard = (p1 > 0.5).astype(np.uint8)
        if zlib.crc32(np.packbits(hard).tobytes()) == crc:
            return hard, "predicted", forward, feedback, messages
        llr = self._llr(p1)
        feedback += start_bits
        i = None if h > RAW_ABOVE else next((i for i, r in enumerate(self.rates) if r >= h - START_MARGIN), None)
        while i is not None:
            inc = self.incremental(i)
            stream = inc.encode(bits)  # the decoder reads only the prefix sent so far (see the class)
            sent = 0
            for step in range(inc.steps + 1):
                new = inc.m_min + inc.splits(step) - sent
                if forward + 8 * math.ceil(new / 8) > self.n or inc.rate(step) >= 1.0:
                    i = None  # no cheaper than raw
                    break
                forward, sent, messages = forward + 8 * math.ceil(new / 8), sent + new, messages + 1
                feedback += 1  # ACK or NAK of this message
                try:
                    return inc.decode(stream, step, llr=llr), "syndrome", forward, feedback, messages
                except sw.DecodingError:
                    continue
            else:  # every increment of this code failed: restart at the first grid rate >= 2R
                i = next((t for t, r in enumerate(self.rates) if r >= 2 * self.rates[i] - 1e-12), None)
        return bits.copy(), "raw", forward + 8 * ((self.n + 7) // 8), feedback, messages

    # ------------------------------------------------------------------ feedback-free provisioning
    def oracle_plan(self, k: np.ndarray, posterior: IndexPosterior | np.ndarray,
                    predict_risk: float | None = PREDICT_RISK) -> tuple[float | str, ...]:
        """The oracle's per-plane choice for one block (``"predicted"``, a grid rate or ``"raw"``): what the
        encoder would pick if it could run the decoder. Used to *provision* a feedback-free plan, so a plane
        counts as predicted only if, besides being right on this block, its expected number of wrong hard
        decisions Σ_i min(p_i, 1 − p_i) is at most ``predict_risk`` (a plane right on a few calibration
        blocks by luck would otherwise fail on about that fraction of later blocks); None: no such test."""
        post = self._posterior(posterior)
        k = validate.int_array("k", k)
        if k.size != self.n:
            raise ValueError(f"k must have length n = {self.n}, got {k.size}")
        low = np.zeros(self.n, dtype=np.int64)
        plan: list[float | str] = []
        for j in range((post.K - 1).bit_length()):
            bits = ((k >> j) & 1).astype(np.uint8)
            mode, _ = self._choose(bits, bit_probability(post.log_w, post.cand, low, j), None, predict_risk)
            plan.append("predicted" if mode == PREDICTED else "raw" if mode == RAW else self.rates[mode - SYNDROME0])
            low |= bits.astype(np.int64) << j
        return tuple(plan)

    def provision(self, plans: Sequence[Sequence[float | str]], margin: int = 1) -> tuple[float | str, ...]:
        """A feedback-free plan from the oracle plans of calibration blocks (:meth:`oracle_plan`), fixed
        before any test block is coded: per plane, ``"predicted"`` if every calibration block was
        predicted, else the largest syndrome rate seen moved up ``margin`` grid steps (``"raw"`` if a block
        needed raw bits or the grid ends). A test block the plan cannot decode is a frame error: the
        decoder raises, and nothing is resent (no return channel)."""
        if not plans:
            raise ValueError("plans must hold at least one calibration block's oracle plan")
        margin = validate.integer("margin", margin, 0)
        n_planes = len(plans[0])
        if any(len(p) != n_planes for p in plans):
            raise ValueError("plans must all have one entry per bit-plane")
        out: list[float | str] = []
        for j in range(n_planes):
            col = [p[j] for p in plans]
            if all(c == "predicted" for c in col):
                out.append("predicted")
            elif any(c == "raw" for c in col):
                out.append("raw")
            else:
                i = max(self.rates.index(float(c)) for c in col if c != "predicted") + margin
                out.append(self.rates[i] if i < len(self.rates) else "raw")
        return tuple(out)

    # ------------------------------------------------------------------ decoder
    def read_header(self, stream: bytes) -> NQHeader:
        """The checked header of an ``"NQ"`` stream (frame CRC verified; raises CorruptStreamError), with a
        ``ValueError`` if it was made for another block length n."""
        return self._read(stream)[0]

    def _read(self, stream: bytes) -> tuple[NQHeader, bytes]:
        header, payload, rest = coding.read_frame(stream, _KIND)
        if rest:
            raise coding.CorruptStreamError(f"{len(rest)} trailing bytes after the stream")
        if len(header) < _HEAD.size:
            raise coding.CorruptStreamError(f"header of {len(header)} bytes, expected at least {_HEAD.size}")
        n, K, crc_k = _HEAD.unpack_from(header, 0)
        if n != self.n:
            raise ValueError(f"stream is for blocks of n = {n}, this codec has n = {self.n}")
        if not 1 <= K <= _MAX_K:
            raise coding.CorruptStreamError(f"alphabet size K = {K} outside [1, 2^31]")
        return NQHeader(n, K, crc_k, header[_HEAD.size:]), payload

    def decode(self, stream: bytes, posterior: Posterior) -> np.ndarray:
        """The index k (int64) from the stream and the decoder's posterior (``posterior`` may be a callable
        of the checked :class:`NQHeader`, evaluated once, e.g. when the posterior depends on header fields).

        Raises CorruptStreamError on a damaged stream, DecodingError if a plane fails to decode or the CRC of
        k mismatches, ValueError if the stream was made for another n or K.
        """
        head, payload = self._read(stream)
        post = self._posterior(posterior(head) if callable(posterior) else posterior)
        if post.K != head.K:
            raise ValueError(f"stream was coded with K = {head.K}, the posterior has K = {post.K}")
        raw_len = (self.n + 7) // 8
        pos = 0
        low = np.zeros(self.n, dtype=np.int64)
        for j in range(head.n_planes):
            if pos >= len(payload):
                raise coding.CorruptStreamError(f"payload ends before plane {j}")
            mode = payload[pos]
            pos += 1
            p1 = bit_probability(post.log_w, post.cand, low, j)
            if mode == PREDICTED:
                bits = (p1 > 0.5).astype(np.uint8)
            elif mode == RAW:
                if pos + raw_len > len(payload):
                    raise coding.CorruptStreamError(f"payload ends inside raw plane {j}")
                bits = np.unpackbits(np.frombuffer(payload[pos:pos + raw_len], dtype=np.uint8), count=self.n)
                pos += raw_len
            elif mode - SYNDROME0 < len(self.rates):
                frame, rest = coding.split_stream(payload[pos:], "SW")
                bits = self.codec(mode - SYNDROME0).decode(frame, llr=self._llr(p1))
                pos = len(payload) - len(rest)
            else:
                raise ValueError(f"plane {j} is sent at grid rate {mode - SYNDROME0}, this codec has "
                                 f"{len(self.rates)} grid rates")
            low |= bits.astype(np.int64) << j
        if pos != len(payload):
            raise coding.CorruptStreamError("stream length does not match its plane modes")
        if zlib.crc32(low.astype("<i4").tobytes()) != head.crc_k:
            raise sw.DecodingError("CRC of the decoded index does not match: a predicted plane was wrong")
        return low


# ----------------------------------------------------------------------------------------------------------
# with a return channel
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnChannelPlane:
    """One bit-plane sent with a return channel: ``outcome`` ('predicted' | 'syndrome' | 'raw'), the forward
    bits (byte-aligned messages: CRC, syndrome, increments, raw bits), the feedback bits, the number of
    syndrome messages sent (first syndromes and increments), and the plane's empirical conditional entropy
    mean h(P(b_j = 1 | y, b_<j))."""

    plane: int
    outcome: str
    forward_bits: int
    feedback_bits: int
    messages: int
    cond_entropy: float


@dataclass(frozen=True)
class ReturnChannelBlock:
    """One block coded with a return channel: the decoded index (checked against the header's CRC of k),
    bits each way (the header frame included forward), per-plane reports, and the chain-rule ideal rate."""

    k: np.ndarray
    n: int
    forward_bits: int
    feedback_bits: int
    rate_ideal: float
    planes: tuple[ReturnChannelPlane, ...]

    @property
    def rate_real(self) -> float:
        """(forward + feedback bits) / n: everything both ends sent, per sample."""
        return (self.forward_bits + self.feedback_bits) / self.n


@dataclass(frozen=True)
class ReturnChannelResult:
    """Blocks coded with a return channel: ``rate_real`` = all forward and feedback bits / samples,
    ``rate_forward`` and ``rate_feedback`` its parts, ``rate_ideal`` the mean chain-rule estimate,
    ``undetected`` = blocks decoded to a wrong k that passed every check (must be 0), ``failures`` = blocks
    whose decoded k failed the header's CRC (detected; their bits are counted), ``raw_planes`` = planes that
    fell back to raw, ``messages`` = syndrome messages sent."""

    rate_real: float
    rate_forward: float
    rate_feedback: float
    rate_ideal: float
    blocks: int
    undetected: int
    raw_planes: int
    messages: int
    failures: int = 0


def return_channel(coder: MultilevelSW,
                   blocks: Sequence[tuple[np.ndarray, IndexPosterior | np.ndarray]]) -> ReturnChannelResult:
    """Code every block ``(k, posterior)`` with :meth:`MultilevelSW.code_with_feedback`; every bit counted."""
    if not blocks:
        raise ValueError("blocks must hold at least one block (k, posterior)")
    fwd = fb = undetected = failures = raw = messages = 0
    ideal = 0.0
    for k, post in blocks:
        try:
            res = coder.code_with_feedback(k, post)
            undetected += int(not np.array_equal(res.k, k))
        except sw.DecodingError as err:
            res, failures = err.block, failures + 1
        fwd, fb = fwd + res.forward_bits, fb + res.feedback_bits
        ideal += res.rate_ideal
        raw += sum(p.outcome == "raw" for p in res.planes)
        messages += sum(p.messages for p in res.planes)
    n = coder.n * len(blocks)
    return ReturnChannelResult((fwd + fb) / n, fwd / n, fb / n, ideal / len(blocks), len(blocks), undetected,
                               raw, messages, failures)


# ----------------------------------------------------------------------------------------------------------
# SWC-NQ: uniform quantizer + Gaussian posterior over the general coder
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SWCNQResult(MultilevelResult):
    """One encoded SWC-NQ block: a :class:`MultilevelResult` whose ``k`` is u = q − q_min, plus the
    fine index q itself."""

    q: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class SWCNQ:
    """Scalar SWC-NQ codec for blocks of ``n`` samples with a Gaussian posterior of X given Y at the decoder:
    a uniform quantizer of step ``step`` over :class:`MultilevelSW` (``rates``, ``seed``, ``max_iter`` are
    its grid of syndrome rates, code seed and BP iterations).
    """

    def __init__(self, step: float, n: int, rates: Sequence[float] = DEFAULT_RATES, seed: int = 0,
                 max_iter: int = 100) -> None:
        self.step = validate.positive("step", step)
        self.coder = MultilevelSW(n, rates, seed, max_iter)
        self.n, self.rates = self.coder.n, self.coder.rates

    def __repr__(self) -> str:
        return f"SWCNQ(step={self.step!r}, n={self.n}, rates={len(self.rates)} codes)"

    # ------------------------------------------------------------------ pieces
    def codec(self, i: int) -> sw.SyndromeCodec:
        """The syndrome codec at grid rate ``rates[i]``."""
        return self.coder.codec(i)

    def quantize(self, x: np.ndarray) -> np.ndarray:
        """Fine index q = floor(x / step + 1/2)."""
        return uniform_index(x, self.step)

    def posterior(self, post_mean: np.ndarray, post_var: float, q_min: int, K: int) -> IndexPosterior:
        """q(k | y) of k = q − q_min in [0, K) under X ~ N(post_mean, post_var): the cell masses on a window of
        ±WINDOW standard deviations around the posterior mean (candidates outside [0, K) are impossible)."""
        m = np.asarray(post_mean, dtype=np.float64)
        if m.shape != (self.n,) or not np.all(np.isfinite(m)):
            raise ValueError(f"post_mean must be a finite array of length n = {self.n}")
        v = float(post_var)
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"post_var must be a finite number > 0, got {post_var!r}")
        s = np.sqrt(v)
        half = int(np.ceil(WINDOW * s / self.step)) + 1
        q = uniform_index(m, self.step)[:, None] + np.arange(-half, half + 1)
        logZ, _ = gaussian_cell_moments((q - 0.5) * self.step, (q + 0.5) * self.step, m[:, None], s)
        u = q - q_min
        valid = (u >= 0) & (u < K)
        return IndexPosterior(np.where(valid, u, 0), np.where(valid, logZ, -np.inf), K)

    def reconstruct(self, q: np.ndarray, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """MMSE estimate E[X | cell q, X ~ N(post_mean, post_var)]."""
        q = np.asarray(q, dtype=np.float64)
        _, xh = gaussian_cell_moments((q - 0.5) * self.step, (q + 0.5) * self.step, post_mean,
                                      np.sqrt(float(post_var)))
        return xh

    # ------------------------------------------------------------------ encoder / decoder
    def _index(self, x: np.ndarray, K: int | None) -> tuple[np.ndarray, int, int]:
        """(q, q_min, K) of a block: K = 2^B, the smallest power of two ≥ 2 covering the block's range unless
        given (a fixed K, e.g. a feedback-free plan's; ValueError if the block's range exceeds it)."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.n,) or not np.all(np.isfinite(x)):
            raise ValueError(f"x must be a finite array of length n = {self.n}")
        q = self.quantize(x)
        q_min = int(q.min())
        if q_min < -(2**31) or int(q.max()) >= 2**31 or int(q.max()) - q_min >= 2**30:
            raise ValueError("quantization index out of int32 range: step too small for x")
        need = 1 << max(1, int(q.max() - q_min).bit_length())
        if K is None:
            return q, q_min, need
        K = validate.integer("K", K, 2)
        if int(q.max()) - q_min >= K:
            raise ValueError(f"the block's index range {int(q.max()) - q_min + 1} exceeds K = {K}")
        return q, q_min, K

    def encode(self, x: np.ndarray, post_mean: np.ndarray, post_var: float,
               plan: Sequence[float | str] | None = None, K: int | None = None) -> SWCNQResult:
        """Encode a block of ``n`` samples: q = quantize(x), k = q − min q with K = 2^B (B ≥ 1 planes, or the
        given ``K``), coded by :meth:`MultilevelSW.encode` under :meth:`posterior` (the oracle mode choice and
        ``plan`` are its)."""
        q, q_min, K = self._index(x, K)
        post = self.posterior(post_mean, post_var, q_min, K)
        res = self.coder.encode(q - q_min, post, plan, extra=_GAUSS.pack(q_min, self.step))
        return SWCNQResult(res.stream, res.rate_real, res.rate_ideal, res.planes, res.k, q)

    def code_with_feedback(self, x: np.ndarray, post_mean: np.ndarray, post_var: float,
                           K: int | None = None) -> tuple[np.ndarray, ReturnChannelBlock]:
        """Send a block with a return channel (:meth:`MultilevelSW.code_with_feedback`; the header carries
        q_min and the step): the decoded fine index q and the exchange's report (every bit both ways)."""
        q, q_min, K = self._index(x, K)
        post = self.posterior(post_mean, post_var, q_min, K)
        res = self.coder.code_with_feedback(q - q_min, post, extra=_GAUSS.pack(q_min, self.step))
        return res.k + q_min, res

    def decode_index(self, stream: bytes, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """The fine index q from the stream and the posterior N(post_mean, post_var) of X given y.

        Raises CorruptStreamError on a damaged stream, DecodingError if a plane fails to decode or the index
        CRC mismatches, ValueError if the stream was made for another step or block length.
        """
        head = self.coder.read_header(stream)
        if len(head.extra) != _GAUSS.size:
            raise ValueError(f"not an SWC-NQ stream: {len(head.extra)} bytes of quantizer fields, "
                             f"expected {_GAUSS.size}")
        q_min, step = _GAUSS.unpack(head.extra)
        if step != self.step:
            raise ValueError(f"stream was encoded with step = {step!r}, this codec has step = {self.step!r}")
        return self.coder.decode(stream, self.posterior(post_mean, post_var, q_min, head.K)) + q_min

    def decode(self, stream: bytes, post_mean: np.ndarray, post_var: float) -> np.ndarray:
        """x̂ = E[X | q, y] for the decoded index q (raises like :meth:`decode_index`)."""
        return self.reconstruct(self.decode_index(stream, post_mean, post_var), post_mean, post_var)


# ----------------------------------------------------------------------------------------------------------
# evaluation over blocks and steps
# ----------------------------------------------------------------------------------------------------------


class GaussianPosteriorSource(Protocol):
    """A source with ``sample(n, rng) -> (x, y)`` and the Gaussian posterior ``posterior(y) -> (mean, var)``
    (e.g. :class:`wzcore.sources.QuadraticGaussian`)."""

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]: ...

    def posterior(self, y: np.ndarray) -> tuple[np.ndarray, float]: ...


@dataclass(frozen=True)
class HonestSystem:
    """A real SWC-NQ system over the test blocks of one step, every bit counted: ``rate`` = (forward +
    feedback bits) / samples, ``feedback`` its feedback part, ``mse`` with frame errors reconstructed as
    E[X | Y] (what a decoder without the index has), ``failures`` = frame errors (feedback-free: the plan
    did not decode; return channel: the final CRC of k failed, which per-plane CRCs make all but impossible),
    ``bits`` = per block (forward + feedback) bits, ``plan`` = the provisioned plan (feedback-free) and
    ``K`` = the fixed alphabet size both systems use."""

    rate: float
    feedback: float
    mse: float
    failures: int
    bits: tuple[int, ...]
    plan: tuple[float | str, ...] | None
    K: int


@dataclass(frozen=True)
class SWCNQPoint:
    """One operating point over ``blocks`` blocks of n samples. The **oracle** system (mode choice by running
    the decoder, failed attempts not sent): real rate 8·Σ bytes / (n·blocks) (every byte of every stream),
    ideal rate (mean over blocks of Σ_j H(B_j | Y, B_<j)), MSE of the MMSE reconstruction from the *decoded*
    index, whether every block decoded to the exact index, and each block's result. The honest systems on the
    same blocks: ``feedback_free`` and ``return_channel`` (:class:`HonestSystem`; None if not run)."""

    step: float
    rate_real: float
    rate_ideal: float
    mse: float
    exact: bool
    results: tuple[SWCNQResult, ...]
    feedback_free: HonestSystem | None = None
    return_channel: HonestSystem | None = None

    @property
    def planes(self) -> tuple[PlaneReport, ...]:
        """Per-plane reports of the last block."""
        return self.results[-1].planes


@dataclass(frozen=True)
class SWCNQEvaluation:
    """SWC-NQ operating points (one per step) at block length ``n``; arrays over the points as properties.
    ``last_posterior`` = (mean, var) of the last block of the last point, to decode its stream again."""

    n: int
    blocks: int
    points: tuple[SWCNQPoint, ...]
    last_posterior: tuple[np.ndarray, float] = field(repr=False)

    @property
    def steps(self) -> np.ndarray:
        return np.array([p.step for p in self.points])

    @property
    def rate_real(self) -> np.ndarray:
        return np.array([p.rate_real for p in self.points])

    @property
    def rate_ideal(self) -> np.ndarray:
        return np.array([p.rate_ideal for p in self.points])

    @property
    def mse(self) -> np.ndarray:
        return np.array([p.mse for p in self.points])

    @property
    def exact(self) -> bool:
        """Every block of every point decoded to the exact quantization index."""
        return all(p.exact for p in self.points)

    def honest(self, system: str, field_name: str) -> np.ndarray:
        """One field of an honest system over the points: ``system`` 'feedback_free' | 'return_channel',
        ``field_name`` a :class:`HonestSystem` field (rate, feedback, mse, failures)."""
        if system not in ("feedback_free", "return_channel"):
            raise ValueError(f"system must be 'feedback_free' or 'return_channel', got {system!r}")
        if any(getattr(p, system) is None for p in self.points):
            raise ValueError(f"{system} was not run (evaluate(..., calibration=0))")
        return np.array([getattr(getattr(p, system), field_name) for p in self.points], dtype=float)


def evaluate(source: GaussianPosteriorSource, steps: Sequence[float], n: int, blocks: int,
             rng: np.random.Generator, *, calibration: int = 2, margin: int = 1,
             rates: Sequence[float] = DEFAULT_RATES, seed: int = 0, max_iter: int = 100) -> SWCNQEvaluation:
    """Real SWC-NQ operating points, three systems on the same blocks. For each step (outer loop):

    1. ``calibration`` blocks (x, y) = ``source.sample(n, rng)`` fix what a feedback-free system must fix in
       advance — K = 2^(B+1), one plane more than the largest calibration range needs, and the plan
       (:meth:`MultilevelSW.provision` of their oracle plans, ``margin`` grid steps up);
    2. ``blocks`` test blocks, each coded (a) by the **oracle** (block-adaptive K, the mode choice by running
       the decoder), decoded from its stream; (b) **feedback-free** with the plan, decoded, a rejected block a
       frame error reconstructed as E[X | Y]; (c) with a **return channel**
       (:meth:`SWCNQ.code_with_feedback`). Each reconstructs E[X | q, y] from the decoded index and counts
       every byte (and, for (c), every feedback bit).

    ``calibration=0`` runs the oracle alone.
    """
    blocks = validate.integer("blocks", blocks)
    calibration = validate.integer("calibration", calibration, 0)
    validate.rng(rng)
    if len(steps) == 0:
        raise ValueError("steps must hold at least one quantizer step > 0")
    points = []
    m_b: np.ndarray = np.zeros(0)
    v_b = 0.0
    for step in steps:
        codec = SWCNQ(step, n, rates, seed, max_iter)
        K = plan = None
        if calibration:
            cal = [source.sample(codec.n, rng) for _ in range(calibration)]
            K = 2 * max(codec._index(x_c, None)[2] for x_c, _ in cal)
            plans = []
            for x_c, y_c in cal:
                q, q_min, _ = codec._index(x_c, K)
                plans.append(codec.coder.oracle_plan(q - q_min, codec.posterior(*source.posterior(y_c), q_min, K)))
            plan = codec.coder.provision(plans, margin)
        nbytes, sq_err, ideal, exact, results = 0, 0.0, 0.0, True, []
        ff_bits, ff_err, ff_fail, rc_bits, rc_fb, rc_err, rc_fail = [], 0.0, 0, [], 0, 0.0, 0
        for _ in range(blocks):
            x_b, y_b = source.sample(codec.n, rng)
            m_b, v_b = source.posterior(y_b)
            res = codec.encode(x_b, m_b, v_b)
            q_dec = codec.decode_index(res.stream, m_b, v_b)
            exact &= bool(np.array_equal(q_dec, res.q))
            sq_err += float(np.sum((x_b - codec.reconstruct(q_dec, m_b, v_b)) ** 2))
            nbytes += len(res.stream)
            ideal += res.rate_ideal / blocks
            results.append(res)
            if plan is None:
                continue
            # a block wider than the provisioned alphabet: its header carries the larger K, the extra
            # top planes go raw (never seen in calibration, so nothing better is provisioned)
            K_b = max(K, codec._index(x_b, None)[2])
            plan_b = (*plan, *(["raw"] * ((K_b - 1).bit_length() - len(plan))))
            ff = codec.encode(x_b, m_b, v_b, plan_b, K_b)
            ff_bits.append(8 * len(ff.stream))
            try:
                x_hat = codec.decode(ff.stream, m_b, v_b)
            except sw.DecodingError:
                ff_fail, x_hat = ff_fail + 1, m_b
            ff_err += float(np.sum((x_b - x_hat) ** 2))
            try:
                q_rc, rc = codec.code_with_feedback(x_b, m_b, v_b, K_b)
                x_hat = codec.reconstruct(q_rc, m_b, v_b)
            except sw.DecodingError as err:  # the final CRC of k failed: detected, counted
                rc, rc_fail, x_hat = err.block, rc_fail + 1, m_b
            rc_bits.append(rc.forward_bits + rc.feedback_bits)
            rc_fb += rc.feedback_bits
            rc_err += float(np.sum((x_b - x_hat) ** 2))
        n_tot = codec.n * blocks
        honest = {}
        if plan is not None:
            honest = {"feedback_free": HonestSystem(sum(ff_bits) / n_tot, 0.0, ff_err / n_tot, ff_fail,
                                                    tuple(ff_bits), plan, K),
                      "return_channel": HonestSystem(sum(rc_bits) / n_tot, rc_fb / n_tot, rc_err / n_tot,
                                                     rc_fail, tuple(rc_bits), None, K)}
        points.append(SWCNQPoint(codec.step, 8 * nbytes / n_tot, ideal, sq_err / n_tot, exact, tuple(results),
                                 **honest))
    return SWCNQEvaluation(int(n), blocks, tuple(points), (m_b, v_b))


@dataclass(frozen=True)
class FeedbackFreeResult:
    """A feedback-free multilevel SW run: the plan fixed on calibration blocks, then the test blocks.

    ``rate_real`` = every byte of every test stream ×8 / (samples), failed blocks included;
    ``rate_ideal`` = mean of the blocks' chain-rule estimates Σ_j H(B_j | Y, B_<j); ``failures`` = test
    blocks the decoder rejected (a frame error: no return channel, nothing resent); ``undetected`` = blocks
    decoded to a wrong k (must be 0: the CRC of k catches them).
    """

    plan: tuple[float | str, ...]
    rate_real: float
    rate_ideal: float
    blocks: int
    failures: int
    undetected: int

    @property
    def fer(self) -> float:
        """Frame error rate over the test blocks."""
        return self.failures / self.blocks


def feedback_free(coder: MultilevelSW, calibration: Sequence[tuple[np.ndarray, Posterior]],
                  test: Sequence[tuple[np.ndarray, Posterior]], margin: int = 1) -> FeedbackFreeResult:
    """Provision a plan on ``calibration`` blocks ``(k, posterior)`` (:meth:`MultilevelSW.provision`), then
    code every ``test`` block with it (:func:`with_plan`); every byte is counted."""
    if not test:
        raise ValueError("test must hold at least one block (k, posterior)")
    plan = coder.provision([coder.oracle_plan(k, post) for k, post in calibration], margin)
    return with_plan(coder, plan, test)


def with_plan(coder: MultilevelSW, plan: Sequence[float | str],
              test: Sequence[tuple[np.ndarray, Posterior]]) -> FeedbackFreeResult:
    """Code every ``test`` block ``(k, posterior)`` with a fixed per-plane ``plan`` and decode it with its
    posterior (e.g. a plan provisioned for one correlation, tested on another); every byte is counted, a
    block the decoder rejects is a frame error."""
    if not test:
        raise ValueError("test must hold at least one block (k, posterior)")
    plan = tuple(plan)
    bits = ideal = 0.0
    failures = undetected = 0
    for k, post in test:
        res = coder.encode(k, post, plan)
        bits += 8 * len(res.stream)
        ideal += res.rate_ideal
        try:
            undetected += int(not np.array_equal(coder.decode(res.stream, post), res.k))
        except sw.DecodingError:
            failures += 1
    n = coder.n * len(test)
    return FeedbackFreeResult(plan, bits / n, ideal / len(test), len(test), failures, undetected)


def nested_lattice_point(code: lt.NestedLattice, var_n: float, coder: MultilevelSW, blocks: int,
                         rng: np.random.Generator, *, m: int = 4) -> dict[str, float]:
    """Operating point of a 2-D nested lattice Wyner–Ziv code (:class:`wzcore.lattice.NestedLattice`) with its
    coset index Slepian–Wolf coded for real, on pairs X ~ N(0, I₂), Y = X + N, N ~ N(0, var_n·I₂).

    Per block of ``coder.n`` pairs: the encoder sends the coset index k of x's fine lattice point through
    :meth:`MultilevelSW.code_with_feedback` (a return channel; every bit both ways counted) with the
    decoder's posterior P(k | y) of :func:`wzcore.lattice.coset_posterior` (X | y ~ N(y/(1 + var_n),
    var_n/(1 + var_n)·I)); the decoder outputs E[X | k̂, y] for the k̂ it decoded (equal to k, or the block
    is a failure and its pairs keep E[X | y]). Returns per *sample* (half a pair): ``rate_real``,
    ``rate_ideal`` (mean −log₂ P(k | y) / 2, the H(K | Y) estimate), ``mse`` and ``mse_se``; and
    ``failures`` (blocks), ``M`` and ``step``.
    """
    var_n = validate.positive("var_n", var_n)
    blocks = validate.integer("blocks", blocks, 1)
    validate.rng(rng)
    var = var_n / (1 + var_n)
    n = coder.n
    fwd = fb = failures = 0
    ideal, sq = [], []
    for _ in range(blocks):
        x = rng.standard_normal((n, 2))
        y = x + math.sqrt(var_n) * rng.standard_normal((n, 2))
        cp = lt.coset_posterior(code, y / (1 + var_n), var, m=m)
        k = code.encode(x)
        ideal.append(-cp.log_q[np.arange(n), k] / math.log(2) / 2)
        try:
            res = coder.code_with_feedback(k, cp.log_q)
            x_hat = cp.estimate(res.k)
        except sw.DecodingError as err:
            res, failures = err.block, failures + 1
            x_hat = y / (1 + var_n)
        fwd, fb = fwd + res.forward_bits, fb + res.feedback_bits
        sq.append(((x - x_hat) ** 2).sum(1) / 2)
    sq_all = np.concatenate(sq)
    return {"rate_real": (fwd + fb) / (2 * n * blocks), "rate_ideal": float(np.concatenate(ideal).mean()),
            "mse": float(sq_all.mean()), "mse_se": float(sq_all.std() / math.sqrt(sq_all.size)),
            "failures": float(failures), "M": float(code.M), "step": code.step}
