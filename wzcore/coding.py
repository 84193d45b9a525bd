"""Real entropy coding: integer indices + a probability model -> bytes -> indices.

The arithmetic is `constriction`'s range-ANS stack coder (``constriction.stream.stack.AnsCoder``,
32-bit words, 24-bit probability precision) with ``constriction.stream.model.Categorical(perfect=False)``
models -- one shared pmf for all symbols, or one pmf per symbol (the lazy family form). This module only
adds what constriction does not do: input validation (constriction silently gives zero-probability symbols
the smallest representable mass; here they raise), and a self-delimiting container with integrity checks
so that a corrupted or truncated stream raises :class:`CorruptStreamError` instead of decoding garbage.

Stream layout (little-endian, ``HEADER_BYTES`` = 29 bytes, then the payload)::

    magic    4s   b"WZAC"
    version  u8   1
    n        u64  number of symbols
    K        u32  alphabet size
    crc_sym  u32  CRC-32 of the symbols as int32 little-endian
    n_words  u32  number of 32-bit ANS words in the payload
    crc      u32  CRC-32 of (header bytes before this field + payload)
    payload  n_words * u32 little-endian (the ANS compressed words)

The CRC-32 over header + payload detects every single-bit (indeed every burst <= 32 bits) error
deterministically; the symbol CRC additionally checks the decoded symbols end to end.

Rates: ``ideal_bits`` = sum_i -log2 p_i(s_i); ``stream_bits`` = 8 * len(stream) (header included);
``payload_bits`` = 32 * n_words (header excluded). Overhead = real / ideal - 1.
"""

from __future__ import annotations

import struct
import zlib

import constriction
import numpy as np

__all__ = [
    "HEADER_BYTES",
    "CorruptStreamError",
    "decode_categorical",
    "decode_integers",
    "encode_categorical",
    "encode_integers",
    "ideal_bits",
    "payload_bits",
    "split_stream",
    "stream_bits",
    "validate_pmf",
]

_MAGIC = b"WZAC"
_VERSION = 1
_PREFIX = struct.Struct("<4sBQIII")  # magic, version, n, K, crc_sym, n_words
_CRC = struct.Struct("<I")
HEADER_BYTES = _PREFIX.size + _CRC.size  # 29
_PMF_TOL = 1e-6


class CorruptStreamError(ValueError):
    """The byte stream is not a valid stream for the given pmf (bad magic, truncation, CRC mismatch...)."""


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


def _as_int_array(name: str, values: np.ndarray) -> np.ndarray:
    """A 1-D int64 copy of ``values``; integral floats are accepted, anything else raises naming ``name``."""
    v = np.asarray(values)
    if v.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {v.shape}")
    if v.size and not np.issubdtype(v.dtype, np.integer):
        if not np.issubdtype(v.dtype, np.floating) or not np.all(v == np.round(v)):
            raise ValueError(f"{name} must be integers, got dtype {v.dtype}")
    return v.astype(np.int64)


def _check_symbols(symbols: np.ndarray, p: np.ndarray) -> np.ndarray:
    s = _as_int_array("symbols", symbols)
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
    """Entropy-code symbols in [0, K) under pmf (shape (K,) shared or (n, K) per symbol) to a byte stream."""
    p = validate_pmf(pmf)
    s = _check_symbols(symbols, p)
    n, K = s.size, p.shape[-1]
    if n == 0 or K == 1:  # nothing to code: a one-letter alphabet carries no information
        words = np.zeros(0, dtype="<u4")
    else:
        coder = constriction.stream.stack.AnsCoder()
        coder.encode_reverse(s.astype(np.int32), *_model_args(p))
        words = coder.get_compressed().astype("<u4")
    payload = words.tobytes()
    crc_sym = zlib.crc32(s.astype("<i4").tobytes())
    prefix = _PREFIX.pack(_MAGIC, _VERSION, n, K, crc_sym, words.size)
    return prefix + _CRC.pack(zlib.crc32(prefix + payload)) + payload


def _parse(stream: bytes) -> tuple[int, int, int, int, int]:
    """Validate container; return (n, K, crc_sym, n_words, total_len)."""
    b = bytes(stream)
    if len(b) < HEADER_BYTES:
        raise CorruptStreamError(f"stream truncated: {len(b)} bytes < header size {HEADER_BYTES}")
    magic, version, n, K, crc_sym, n_words = _PREFIX.unpack_from(b, 0)
    if magic != _MAGIC:
        raise CorruptStreamError(f"bad magic {magic!r}, expected {_MAGIC!r}")
    if version != _VERSION:
        raise CorruptStreamError(f"unsupported stream version {version}, expected {_VERSION}")
    total = HEADER_BYTES + 4 * n_words
    if len(b) < total:
        raise CorruptStreamError(f"stream truncated: {len(b)} bytes < {total} announced by the header")
    (crc,) = _CRC.unpack_from(b, _PREFIX.size)
    if zlib.crc32(b[: _PREFIX.size] + b[HEADER_BYTES:total]) != crc:
        raise CorruptStreamError("stream CRC mismatch (corrupted header or payload)")
    return n, K, crc_sym, n_words, total


def split_stream(buf: bytes) -> tuple[bytes, bytes]:
    """Split a concatenation into (first complete stream, rest) using the self-delimiting header."""
    total = _parse(buf)[4]
    return bytes(buf[:total]), bytes(buf[total:])


def decode_categorical(stream: bytes, pmf: np.ndarray) -> np.ndarray:
    """Exact inverse of :func:`encode_categorical`; returns int64 symbols. Raises CorruptStreamError."""
    n, K, crc_sym, n_words, total = _parse(stream)
    if len(stream) != total:
        raise CorruptStreamError(f"{len(stream) - total} trailing bytes after the stream (use split_stream)")
    p = validate_pmf(pmf)
    if p.shape[-1] != K:
        raise CorruptStreamError(f"stream was coded with K = {K} symbols, pmf has K = {p.shape[-1]}")
    if p.ndim == 2 and p.shape[0] != n:
        raise CorruptStreamError(f"stream holds n = {n} symbols, per-symbol pmf has {p.shape[0]} rows")
    if n == 0 or K == 1:
        if n_words != 0:
            raise CorruptStreamError("non-empty payload for a stream that carries no information")
        s = np.zeros(n, dtype=np.int64)
    else:
        words = np.frombuffer(bytes(stream)[HEADER_BYTES:total], dtype="<u4").astype(np.uint32)
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
    v = _as_int_array("values", values)
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
    """Total size of the stream in bits, header included (8 * len(stream))."""
    return 8 * len(stream)


def payload_bits(stream: bytes) -> int:
    """Size of the ANS payload in bits (32 * n_words), header excluded."""
    return 32 * _parse(stream)[3]
