"""Real entropy coding (integer indices + a probability model -> bytes -> indices) and THE stream format.

**One stream format.** Every codec in wzcore writes its bytes as one or more *frames* (:func:`write_frame`,
:func:`read_frame`), in one byte order (little-endian)::

    magic        2s   b"WZ"
    kind         2s   two ASCII characters naming the codec (see below)
    version      u8   FRAME_VERSION = 1
    header_len   u16  length of the codec's header
    payload_len  u32  length of the codec's payload
    header       header_len bytes   (the codec's own fields)
    payload      payload_len bytes
    crc          u32  CRC-32 (zlib) of every byte before it

``FRAME_OVERHEAD`` = 15 bytes surround header + payload. Frames are self-delimiting: :func:`read_frame`
returns ``(header, payload, rest)``, so concatenated or nested frames split without anyone knowing another
codec's header size. The CRC-32 detects every error burst of at most 32 bits deterministically (every
single-bit flip in particular); a bad magic, a wrong kind, an unsupported version, a truncation or a CRC
mismatch raise :class:`CorruptStreamError` and never decode garbage. Kinds in use: ``"AC"`` categorical
entropy coding (this module), ``"SW"`` LDPC syndrome and ``"SI"`` incremental syndrome
(:mod:`wzcore.slepian_wolf`), ``"NQ"`` multilevel Slepian–Wolf coding of indices (:mod:`wzcore.swc_nq`),
``"NT"`` nonlinear transform coding (:mod:`wzcore.ntc`).

**Categorical coding.** The arithmetic is `constriction`'s range-ANS stack coder
(``constriction.stream.stack.AnsCoder``, 32-bit words, 24-bit probability precision) with
``constriction.stream.model.Categorical(perfect=False)`` models -- one shared pmf for all symbols, or one pmf
per symbol (the lazy family form). This module only adds what constriction does not do: input validation
(constriction silently gives zero-probability symbols the smallest representable mass; here they raise) and
the framing above. An ``"AC"`` frame carries (``HEADER_BYTES`` = FRAME_OVERHEAD + 12 = 27 bytes besides the
payload)::

    header   n u32 (number of symbols), K u32 (alphabet size), crc_sym u32 (CRC-32 of the symbols as int32 LE)
    payload  the ANS compressed words, u32 little-endian

The symbol CRC checks the decoded symbols end to end (it catches decoding under a different pmf).

Rates: ``ideal_bits`` = sum_i -log2 p_i(s_i); ``stream_bits`` = 8 * len(stream) (framing included);
``payload_bits`` = 8 * payload_len (framing excluded). Overhead = real / ideal - 1.
"""

from __future__ import annotations

import struct
import zlib

import constriction
import numpy as np

from wzcore import validate

__all__ = [
    "FRAME_OVERHEAD",
    "FRAME_VERSION",
    "HEADER_BYTES",
    "CorruptStreamError",
    "check_seed_tag",
    "decode_categorical",
    "decode_gaussian",
    "decode_integers",
    "encode_categorical",
    "encode_gaussian",
    "encode_integers",
    "frame_bits",
    "ideal_bits",
    "payload_bits",
    "read_frame",
    "seed_tag",
    "split_stream",
    "stream_bits",
    "validate_pmf",
    "write_frame",
]

_FRAME_MAGIC = b"WZ"
FRAME_VERSION = 1
_FRAME_HEAD = struct.Struct("<2s2sBHI")  # magic, kind, version, header_len, payload_len
_FRAME_CRC = struct.Struct("<I")
#: Bytes of framing around a frame's header and payload (fixed head + CRC-32).
FRAME_OVERHEAD = _FRAME_HEAD.size + _FRAME_CRC.size  # 15
_MAX_HEADER = 2**16 - 1
_MAX_PAYLOAD = 2**32 - 1

_AC_KIND = "AC"
_AC_HEAD = struct.Struct("<III")  # n, K, crc_sym
#: Size in bytes of a categorical stream without payload (framing + its header): 27.
HEADER_BYTES = FRAME_OVERHEAD + _AC_HEAD.size
_PMF_TOL = 1e-6


class CorruptStreamError(ValueError):
    """The byte stream is not a valid stream (bad magic, wrong kind, truncation, CRC mismatch...)."""


# ----------------------------------------------------------------------------------------------------------
# frames
# ----------------------------------------------------------------------------------------------------------


def _check_kind(kind: str) -> bytes:
    if not (isinstance(kind, str) and len(kind) == 2 and all(" " < c <= "~" for c in kind)):
        raise ValueError(f"kind must be a string of 2 printable ASCII characters (e.g. 'AC'), got {kind!r}")
    return kind.encode("ascii")


def write_frame(kind: str, header: bytes, payload: bytes) -> bytes:
    """One frame: magic, ``kind``, version, lengths, ``header``, ``payload``, CRC-32 of all of it.

    ``header`` at most 65535 bytes, ``payload`` at most 2^32 − 1 bytes (ValueError otherwise).
    """
    k = _check_kind(kind)
    header, payload = bytes(header), bytes(payload)
    if len(header) > _MAX_HEADER:
        raise ValueError(f"header must have at most {_MAX_HEADER} bytes, got {len(header)}")
    if len(payload) > _MAX_PAYLOAD:
        raise ValueError(f"payload must have at most {_MAX_PAYLOAD} bytes, got {len(payload)}")
    body = _FRAME_HEAD.pack(_FRAME_MAGIC, k, FRAME_VERSION, len(header), len(payload)) + header + payload
    return body + _FRAME_CRC.pack(zlib.crc32(body))


def _read(stream: bytes, kind: str | None) -> tuple[int, int, bytes]:
    """Validate the first frame of ``stream`` (of ``kind`` unless None); return (header_len, total, bytes)."""
    want = None if kind is None else _check_kind(kind)
    b = bytes(stream)
    if len(b) < _FRAME_HEAD.size:
        raise CorruptStreamError(f"stream truncated: {len(b)} bytes < frame head of {_FRAME_HEAD.size}")
    magic, got, version, h_len, p_len = _FRAME_HEAD.unpack_from(b, 0)
    if magic != _FRAME_MAGIC:
        raise CorruptStreamError(f"bad magic {magic!r}, expected {_FRAME_MAGIC!r}")
    if want is not None and got != want:
        raise CorruptStreamError(f"wrong stream kind {got!r}, expected {want!r}")
    if version != FRAME_VERSION:
        raise CorruptStreamError(f"unsupported stream version {version}, expected {FRAME_VERSION}")
    end = _FRAME_HEAD.size + h_len + p_len
    total = end + _FRAME_CRC.size
    if len(b) < total:
        raise CorruptStreamError(f"stream truncated: {len(b)} bytes < {total} announced by the frame head")
    if zlib.crc32(memoryview(b)[:end]) != _FRAME_CRC.unpack_from(b, end)[0]:
        raise CorruptStreamError("stream CRC mismatch (corrupted frame head, header or payload)")
    return h_len, total, b


def read_frame(stream: bytes, kind: str) -> tuple[bytes, bytes, bytes]:
    """Inverse of :func:`write_frame` for the first frame of ``stream``: ``(header, payload, rest)``.

    ``rest`` is whatever follows the frame (empty for a single frame). Raises :class:`CorruptStreamError` on a
    bad magic, a kind other than ``kind``, an unsupported version, truncation or a CRC mismatch.
    """
    _check_kind(kind)
    h_len, total, b = _read(stream, kind)
    start = _FRAME_HEAD.size
    return b[start:start + h_len], b[start + h_len:total - _FRAME_CRC.size], b[total:]


def split_stream(stream: bytes, kind: str | None = None) -> tuple[bytes, bytes]:
    """(first complete frame, rest) of a concatenation of frames (checked like :func:`read_frame`; any kind
    if ``kind`` is None)."""
    _, total, b = _read(stream, kind)
    return b[:total], b[total:]


def frame_bits(stream: bytes) -> int:
    """Size in bits of the first frame of ``stream``, framing included (checked like :func:`read_frame`)."""
    return 8 * _read(stream, None)[1]


# ----------------------------------------------------------------------------------------------------------
# categorical coding
# ----------------------------------------------------------------------------------------------------------


def validate_pmf(pmf: np.ndarray, n: int | None = None) -> np.ndarray:
    """Check a pmf of shape (K,) or (n, K): finite, >= 0, rows summing to 1 within 1e-6.

    Returns the float64 pmf renormalised to sum exactly to 1 per row (for coding).
    """
    p = np.asarray(pmf, dtype=np.float64)
    if p.ndim not in (1, 2):
        raise ValueError(f"pmf must have shape (K,) or (n, K), got shape {p.shape}")
    if p.shape[-1] < 1:
        raise ValueError(f"pmf must have K >= 1 entries, got shape {p.shape}")
    if p.ndim == 2 and n is not None and p.shape[0] != n:
        raise ValueError(f"per-symbol pmf must have shape (n, K) = ({n}, K), got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("pmf must be finite")
    if np.any(p < 0):
        raise ValueError(f"pmf must be non-negative, got min {p.min()}")
    sums = p.sum(axis=-1)
    if np.any(np.abs(sums - 1.0) > _PMF_TOL):
        worst = float(sums.flat[np.argmax(np.abs(sums - 1.0))])
        raise ValueError(f"pmf must sum to 1 within {_PMF_TOL} along its last axis, got a sum of {worst!r}")
    return p / sums[..., None]


def _check_symbols(symbols: np.ndarray, p: np.ndarray) -> np.ndarray:
    s = validate.int_array("symbols", symbols)
    K = p.shape[-1]
    if s.size and (s.min() < 0 or s.max() >= K):
        raise ValueError(f"symbols must be in [0, {K - 1}] (K = {K}), got range [{s.min()}, {s.max()}]")
    if p.ndim == 2 and p.shape[0] != s.size:
        raise ValueError(f"per-symbol pmf must have shape (n, K) = ({s.size}, K), got shape {p.shape}")
    if s.size:
        ps = p[s] if p.ndim == 1 else p[np.arange(s.size), s]
        if np.any(ps <= 0):
            i = int(np.argmax(ps <= 0))
            raise ValueError(f"symbol {s[i]} at position {i} has zero probability under pmf; cannot be coded")
    return s


def _model_args(p: np.ndarray):
    """constriction model (+ per-symbol parameter array) for a validated pmf."""
    if p.ndim == 1:
        return (constriction.stream.model.Categorical(p, perfect=False),)
    return (constriction.stream.model.Categorical(perfect=False), np.ascontiguousarray(p))


def ideal_bits(symbols: np.ndarray, pmf: np.ndarray) -> float:
    """Ideal code length sum_i -log2 p_i(s_i) in bits (the information content of the sequence)."""
    p = validate_pmf(pmf)
    s = _check_symbols(symbols, p)
    if s.size == 0:
        return 0.0
    ps = p[s] if p.ndim == 1 else p[np.arange(s.size), s]
    return float(-np.log2(ps).sum())


def encode_categorical(symbols: np.ndarray, pmf: np.ndarray) -> bytes:
    """Entropy-code symbols in [0, K) under pmf (shape (K,) shared or (n, K) per symbol) to an ``"AC"`` frame."""
    p = validate_pmf(pmf)
    s = _check_symbols(symbols, p)
    n, K = s.size, p.shape[-1]
    if n >= 2**32:
        raise ValueError(f"symbols must hold fewer than 2^32 values, got {n}")
    if n == 0 or K == 1:  # nothing to code: a one-letter alphabet carries no information
        words = np.zeros(0, dtype="<u4")
    else:
        coder = constriction.stream.stack.AnsCoder()
        coder.encode_reverse(s.astype(np.int32), *_model_args(p))
        words = coder.get_compressed().astype("<u4")
    header = _AC_HEAD.pack(n, K, zlib.crc32(s.astype("<i4").tobytes()))
    return write_frame(_AC_KIND, header, words.tobytes())


def _parse(stream: bytes) -> tuple[int, int, int, bytes]:
    """Validate a single ``"AC"`` frame; return (n, K, crc_sym, payload)."""
    header, payload, rest = read_frame(stream, _AC_KIND)
    if rest:
        raise CorruptStreamError(f"{len(rest)} trailing bytes after the stream (use split_stream)")
    if len(header) != _AC_HEAD.size:
        raise CorruptStreamError(f"categorical header of {len(header)} bytes, expected {_AC_HEAD.size}")
    if len(payload) % 4:
        raise CorruptStreamError(f"payload of {len(payload)} bytes is not a whole number of 32-bit words")
    n, K, crc_sym = _AC_HEAD.unpack(header)
    return n, K, crc_sym, payload


def decode_categorical(stream: bytes, pmf: np.ndarray) -> np.ndarray:
    """Exact inverse of :func:`encode_categorical`; returns int64 symbols. Raises CorruptStreamError."""
    n, K, crc_sym, payload = _parse(stream)
    p = validate_pmf(pmf)
    if p.shape[-1] != K:
        raise CorruptStreamError(f"stream was coded with K = {K} symbols, pmf has K = {p.shape[-1]}")
    if p.ndim == 2 and p.shape[0] != n:
        raise CorruptStreamError(f"stream holds n = {n} symbols, per-symbol pmf has {p.shape[0]} rows")
    if n == 0 or K == 1:
        if payload:
            raise CorruptStreamError("non-empty payload for a stream that carries no information")
        s = np.zeros(n, dtype=np.int64)
    else:
        words = np.frombuffer(payload, dtype="<u4").astype(np.uint32)
        try:
            coder = constriction.stream.stack.AnsCoder(words)
            args = _model_args(p)
            s = coder.decode(*args) if p.ndim == 2 else coder.decode(args[0], n)
            empty = coder.is_empty()
        except Exception as e:  # constriction rejects some invalid word sequences itself
            raise CorruptStreamError(f"ANS decoding failed: {e}") from e
        if not empty:
            raise CorruptStreamError("ANS payload not fully consumed: stream does not match the pmf")
        s = np.asarray(s, dtype=np.int64)
    if zlib.crc32(s.astype("<i4").tobytes()) != crc_sym:
        raise CorruptStreamError("symbol CRC mismatch: decoded symbols differ from the encoded ones "
                                 "(wrong pmf?)")
    return s


def _integer_range_check(values: np.ndarray, lo: int, K: int) -> np.ndarray:
    v = validate.int_array("values", values)
    if v.size and (v.min() < lo or v.max() > lo + K - 1):
        raise ValueError(f"values must be in [{lo}, {lo + K - 1}] (lo = {lo}, K = {K}), "
                         f"got range [{v.min()}, {v.max()}]")
    return v


def encode_integers(values: np.ndarray, lo: int, pmf: np.ndarray) -> bytes:
    """Entropy-code integers in [lo, lo + K) where pmf[j] is the probability of the integer lo + j."""
    K = np.asarray(pmf).shape[-1]
    v = _integer_range_check(values, int(lo), K)
    return encode_categorical(v - int(lo), pmf)


def decode_integers(stream: bytes, lo: int, pmf: np.ndarray) -> np.ndarray:
    """Inverse of :func:`encode_integers`."""
    return decode_categorical(stream, pmf) + int(lo)


def stream_bits(stream: bytes) -> int:
    """Total size of the stream in bits, framing and header included (8 * len(stream))."""
    return 8 * len(stream)


def payload_bits(stream: bytes) -> int:
    """Size of the ANS payload of an ``"AC"`` stream in bits, framing and header excluded."""
    return 8 * len(_parse(stream)[3])


# ----------------------------------------------------------------------------------------------------------
# quantized Gaussian (per-symbol mean and scale): the conditional of a hyperprior
# ----------------------------------------------------------------------------------------------------------
_QG_KIND = "QG"
_QG_HEAD = struct.Struct("<IiiI")  # n, lo, hi, crc_sym


def _gaussian_params(means: np.ndarray, stds: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    mu = np.ascontiguousarray(np.asarray(means, dtype=np.float64).reshape(-1))
    sd = np.ascontiguousarray(np.asarray(stds, dtype=np.float64).reshape(-1))
    if mu.size != n or sd.size != n:
        raise ValueError(f"means and stds must hold one value per symbol ({n}), got {mu.size} and {sd.size}")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sd))) or np.any(sd <= 0):
        raise ValueError("means must be finite and stds finite and > 0")
    return mu, sd


def encode_gaussian(symbols: np.ndarray, means: np.ndarray, stds: np.ndarray, lo: int, hi: int) -> bytes:
    """Entropy-code integers in [lo, hi], symbol i under N(means[i], stds[i]²) quantized to unit bins.

    P(s) = Φ((s + ½ − μ)/σ) − Φ((s − ½ − μ)/σ) on [lo, hi] (constriction's ``QuantizedGaussian``, which
    gives every symbol of the range a non-zero mass). One ``"QG"`` frame: header n u32, lo i32, hi i32,
    CRC-32 of the symbols; payload the ANS words.
    """
    s = validate.int_array("symbols", symbols)
    lo, hi = int(lo), int(hi)
    if not -(2**31) <= lo < hi < 2**31:
        raise ValueError(f"lo and hi must satisfy -2^31 <= lo < hi < 2^31, got lo={lo}, hi={hi}")
    if s.size and (s.min() < lo or s.max() > hi):
        raise ValueError(f"symbols must be in [{lo}, {hi}], got range [{s.min()}, {s.max()}]")
    if s.size >= 2**32:
        raise ValueError(f"symbols must hold fewer than 2^32 values, got {s.size}")
    mu, sd = _gaussian_params(means, stds, s.size)
    words = np.zeros(0, dtype="<u4")
    if s.size:
        coder = constriction.stream.stack.AnsCoder()
        coder.encode_reverse(s.astype(np.int32), constriction.stream.model.QuantizedGaussian(lo, hi), mu, sd)
        words = coder.get_compressed().astype("<u4")
    header = _QG_HEAD.pack(s.size, lo, hi, zlib.crc32(s.astype("<i4").tobytes()))
    return write_frame(_QG_KIND, header, words.tobytes())


def decode_gaussian(stream: bytes, means: np.ndarray, stds: np.ndarray) -> np.ndarray:
    """Exact inverse of :func:`encode_gaussian` (the same means and stds); raises CorruptStreamError."""
    header, payload, rest = read_frame(stream, _QG_KIND)
    if rest or len(header) != _QG_HEAD.size or len(payload) % 4:
        raise CorruptStreamError("malformed quantized-Gaussian stream (header, payload or trailing bytes)")
    n, lo, hi, crc_sym = _QG_HEAD.unpack(header)
    if not lo < hi:
        raise CorruptStreamError(f"stream announces an empty symbol range [{lo}, {hi}]")
    mu, sd = _gaussian_params(means, stds, n)
    s = np.zeros(0, dtype=np.int64)
    if n:
        try:
            coder = constriction.stream.stack.AnsCoder(np.frombuffer(payload, dtype="<u4").astype(np.uint32))
            s = np.asarray(coder.decode(constriction.stream.model.QuantizedGaussian(lo, hi), mu, sd),
                           dtype=np.int64)
            empty = coder.is_empty()
        except Exception as e:  # constriction rejects some invalid word sequences itself
            raise CorruptStreamError(f"ANS decoding failed: {e}") from e
        if not empty:
            raise CorruptStreamError("ANS payload not fully consumed: stream does not match the model")
    if zlib.crc32(s.astype("<i4").tobytes()) != crc_sym:
        raise CorruptStreamError("symbol CRC mismatch: wrong means/stds for this stream?")
    return s


def seed_tag(seed: int) -> int:
    """CRC-32 of a shared seed (8 bytes, little-endian). Streams whose decoding regenerates randomness from a
    seed (shared dither, shared proposals) carry it, so that a decoder holding another seed finds out instead
    of returning a wrong but plausible result. Detection is certain for seeds whose tags differ (all but 1 in
    2^32 pairs)."""
    return zlib.crc32(int(validate.integer("seed", seed, 0, 2**64 - 1)).to_bytes(8, "little"))


def check_seed_tag(tag: int, seed: int | None) -> None:
    """Raise ValueError if ``tag`` (read from a stream) is not :func:`seed_tag` of ``seed`` (None: no check)."""
    if seed is not None and seed_tag(seed) != tag:
        raise ValueError("the stream was made with another shared seed (seed tag mismatch)")
