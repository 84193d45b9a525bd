"""Tests for wzcore.coding: round trips, integrity checks, overhead against the ideal code length."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wzcore import coding


def _sample(rng: np.random.Generator, pmf: np.ndarray, n: int) -> np.ndarray:
    if pmf.ndim == 1:
        return rng.choice(pmf.size, size=n, p=pmf)
    u = rng.random((n, 1))
    return np.minimum((np.cumsum(pmf, axis=1) < u).sum(axis=1), pmf.shape[1] - 1)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), K=st.integers(1, 40), n=st.integers(0, 400),
       per_symbol=st.booleans(), alpha=st.sampled_from([0.02, 0.3, 1.0, 10.0]))
def test_round_trip_random_pmfs(seed, K, n, per_symbol, alpha):
    rng = np.random.default_rng(seed)
    pmf = rng.dirichlet(np.full(K, alpha), size=n if per_symbol else None)
    pmf = np.maximum(pmf, 1e-300)  # dirichlet may underflow to exact 0
    pmf /= pmf.sum(axis=-1, keepdims=True)
    s = _sample(rng, pmf, n)
    b = coding.encode_categorical(s, pmf)
    out = coding.decode_categorical(b, pmf)
    np.testing.assert_array_equal(out, s)
    assert out.dtype == np.int64
    assert coding.stream_bits(b) == 8 * len(b) == 8 * coding.HEADER_BYTES + coding.payload_bits(b)


def test_very_skewed_pmf_round_trip_and_rate():
    rng = np.random.default_rng(1)
    pmf = np.array([1 - 1e-6 - 1e-9, 1e-6, 1e-9])
    s = np.zeros(50_000, dtype=int)
    s[rng.choice(s.size, 3, replace=False)] = [1, 2, 1]
    b = coding.encode_categorical(s, pmf)
    np.testing.assert_array_equal(coding.decode_categorical(b, pmf), s)
    # the rare symbols cost ~20 and ~30 bits each; the rest ~1.4e-6 bit each; 24-bit precision caps p(0)
    assert coding.payload_bits(b) <= coding.ideal_bits(s, pmf) + 64 + 50_000 * 2**-23


def test_zero_length_and_single_letter_alphabet():
    for pmf in (np.array([0.3, 0.7]), np.array([1.0])):
        b = coding.encode_categorical(np.zeros(0, dtype=int), pmf)
        assert len(b) == coding.HEADER_BYTES
        assert coding.decode_categorical(b, pmf).size == 0
    b = coding.encode_categorical(np.zeros(17, dtype=int), np.array([1.0]))
    assert coding.payload_bits(b) == 0
    np.testing.assert_array_equal(coding.decode_categorical(b, np.array([1.0])), np.zeros(17))


def test_overhead_below_one_percent():
    rng = np.random.default_rng(2)
    pmf = np.array([0.5, 0.2, 0.15, 0.1, 0.05])  # moderately skewed, H = 1.94 bit
    s = rng.choice(pmf.size, size=20_000, p=pmf)
    b = coding.encode_categorical(s, pmf)
    ideal = coding.ideal_bits(s, pmf)
    assert coding.payload_bits(b) / ideal - 1 < 0.01
    assert coding.stream_bits(b) / ideal - 1 < 0.01  # 27 bytes of framing = 216 bits, < 1 % of ~39 kbit
    # ideal_bits is the closed form sum -log2 p
    assert ideal == pytest.approx(-np.log2(pmf[s]).sum(), rel=1e-12)


def test_every_single_bit_flip_raises():
    rng = np.random.default_rng(3)
    pmf = np.array([0.7, 0.2, 0.1])
    s = rng.choice(3, size=300, p=pmf)
    b = bytearray(coding.encode_categorical(s, pmf))
    for i in range(8 * len(b)):
        c = bytearray(b)
        c[i // 8] ^= 1 << (i % 8)
        with pytest.raises(coding.CorruptStreamError):
            coding.decode_categorical(bytes(c), pmf)


def test_truncation_and_trailing_bytes_raise():
    pmf = np.array([0.25, 0.25, 0.5])
    s = np.random.default_rng(4).choice(3, size=500, p=pmf)
    b = coding.encode_categorical(s, pmf)
    for cut in (0, 3, coding.HEADER_BYTES - 1, coding.HEADER_BYTES, len(b) - 4, len(b) - 1):
        with pytest.raises(coding.CorruptStreamError, match="truncated"):
            coding.decode_categorical(b[:cut], pmf)
    with pytest.raises(coding.CorruptStreamError, match="trailing"):
        coding.decode_categorical(b + b"\x00", pmf)
    first, rest = coding.split_stream(b + b + b"xyz")
    assert first == b
    np.testing.assert_array_equal(coding.decode_categorical(coding.split_stream(rest)[0], pmf), s)


def test_stream_is_one_ac_frame():
    pmf = np.array([0.6, 0.3, 0.1])
    s = np.random.default_rng(7).choice(3, size=1000, p=pmf)
    b = coding.encode_categorical(s, pmf)
    header, payload, rest = coding.read_frame(b, "AC")
    assert rest == b"" and len(header) == coding.HEADER_BYTES - coding.FRAME_OVERHEAD
    assert coding.payload_bits(b) == 8 * len(payload) and len(payload) % 4 == 0
    assert np.frombuffer(header, "<u4")[:2].tolist() == [1000, 3]  # n, K (then the symbol CRC)
    # well-formed "AC" frames that no encoder writes: wrong header size, payload not in 32-bit words
    with pytest.raises(coding.CorruptStreamError, match="header"):
        coding.decode_categorical(coding.write_frame("AC", header[:-1], payload), pmf)
    with pytest.raises(coding.CorruptStreamError, match="32-bit words"):
        coding.decode_categorical(coding.write_frame("AC", header, payload[:-1]), pmf)
    with pytest.raises(coding.CorruptStreamError, match="kind"):
        coding.decode_categorical(coding.write_frame("SW", header, payload), pmf)


def test_bad_magic_and_wrong_pmf_raise():
    pmf = np.array([0.5, 0.3, 0.2])
    s = np.random.default_rng(5).choice(3, size=200, p=pmf)
    b = coding.encode_categorical(s, pmf)
    with pytest.raises(coding.CorruptStreamError, match="magic"):
        coding.decode_categorical(b"XXXX" + b[4:], pmf)
    with pytest.raises(coding.CorruptStreamError, match="K = 3"):
        coding.decode_categorical(b, np.array([0.25, 0.25, 0.25, 0.25]))
    with pytest.raises(coding.CorruptStreamError, match="n = 200"):
        coding.decode_categorical(b, np.tile(pmf, (199, 1)))
    with pytest.raises(coding.CorruptStreamError):  # a different pmf of the right shape decodes other symbols
        coding.decode_categorical(b, np.array([0.2, 0.3, 0.5]))


def test_invalid_inputs_raise_value_error():
    pmf = np.array([0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match="zero probability"):
        coding.encode_categorical(np.array([0, 2]), pmf)
    with pytest.raises(ValueError, match="zero probability"):
        coding.ideal_bits(np.array([2]), pmf)
    with pytest.raises(ValueError, match="sum to 1"):
        coding.encode_categorical(np.array([0]), np.array([0.5, 0.4]))
    with pytest.raises(ValueError, match="non-negative"):
        coding.encode_categorical(np.array([0]), np.array([1.5, -0.5]))
    with pytest.raises(ValueError, match="finite"):
        coding.encode_categorical(np.array([0]), np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match="shape"):
        coding.encode_categorical(np.array([0]), np.ones((1, 1, 2)) / 2)
    with pytest.raises(ValueError, match=r"shape \(n, K\)"):
        coding.encode_categorical(np.array([0, 1]), np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        coding.encode_categorical(np.array([3]), np.full(3, 1 / 3))
    with pytest.raises(ValueError, match="integers"):
        coding.encode_categorical(np.array([0.5]), np.full(3, 1 / 3))
    # tolerance: 1e-7 off is accepted (and renormalised), 1e-5 is not
    near = np.array([0.5, 0.5 + 1e-7])
    b = coding.encode_categorical(np.array([1, 0]), near)
    np.testing.assert_array_equal(coding.decode_categorical(b, near), [1, 0])
    with pytest.raises(ValueError, match="sum to 1"):
        coding.encode_categorical(np.array([0]), np.array([0.5, 0.5 + 1e-5]))


def test_integers_round_trip_and_range():
    rng = np.random.default_rng(6)
    lo, K = -7, 15
    z = np.arange(lo, lo + K)
    pmf = np.exp(-np.abs(z) / 2.0)
    pmf /= pmf.sum()
    v = rng.choice(z, size=3000, p=pmf)
    b = coding.encode_integers(v, lo, pmf)
    np.testing.assert_array_equal(coding.decode_integers(b, lo, pmf), v)
    with pytest.raises(ValueError, match=r"\[-7, 7\]"):
        coding.encode_integers(np.array([0, 8]), lo, pmf)
    with pytest.raises(ValueError, match=r"\[-7, 7\]"):
        coding.encode_integers(np.array([-8]), lo, pmf)
