"""Tests of wzcore.prefix_code: Huffman lengths, the canonical code's round trip, a damaged stream."""

from __future__ import annotations

import numpy as np
import pytest

from wzcore import coding
from wzcore.bounds import entropy
from wzcore.prefix_code import PrefixCode, huffman_lengths


def test_huffman_lengths_of_hand_computed_cases():
    # dyadic pmf: lengths are -log2 p exactly
    np.testing.assert_array_equal(huffman_lengths([0.5, 0.25, 0.125, 0.125]), [1, 2, 3, 3])
    # (0.4, 0.3, 0.2, 0.1): merge 0.1+0.2, then 0.3+0.3, then 0.4+0.6 -> lengths 1, 2, 3, 3
    np.testing.assert_array_equal(huffman_lengths([0.4, 0.3, 0.2, 0.1]), [1, 2, 3, 3])
    np.testing.assert_array_equal(huffman_lengths([1.0]), [1])
    with pytest.raises(ValueError, match="pmf"):
        huffman_lengths([0.5, 0.6])


def test_expected_length_is_within_one_bit_of_the_entropy_and_kraft_holds():
    rng = np.random.default_rng(3)
    for size in (2, 5, 17):
        p = rng.dirichlet(np.ones(size))
        code = PrefixCode(p)
        assert entropy(p) <= code.expected_length(p) < entropy(p) + 1
        assert np.sum(2.0 ** -code.lengths) <= 1 + 1e-12


def test_round_trip_is_exact_and_the_bits_are_the_codewords_plus_framing():
    rng = np.random.default_rng(0)
    p = np.array([0.6, 0.2, 0.1, 0.05, 0.05, 0.0])
    code = PrefixCode(p)
    k = rng.choice(6, size=1001, p=p)
    k[17] = 5  # a symbol of probability 0 still has a codeword
    stream = code.encode(k)
    np.testing.assert_array_equal(code.decode(stream), k)
    payload = code.payload_bits(k)
    assert payload == code.lengths[k].sum()
    assert 8 * len(coding.read_frame(stream, "HF")[1]) == payload + (-payload % 8)
    np.testing.assert_array_equal(code.decode(code.encode(np.array([], dtype=int))), [])


def test_codewords_are_prefix_free():
    code = PrefixCode([0.3, 0.25, 0.2, 0.15, 0.1])
    words = [format(int(c), f"0{int(n)}b") for c, n in zip(code.codes, code.lengths, strict=True)]
    for i, a in enumerate(words):
        for j, b in enumerate(words):
            assert i == j or not b.startswith(a)


def test_damaged_stream_raises_and_bad_symbols_are_refused():
    code = PrefixCode([0.5, 0.3, 0.2])
    stream = bytearray(code.encode(np.array([0, 1, 2, 2, 1, 0, 0])))
    stream[-6] ^= 0x10
    with pytest.raises(coding.CorruptStreamError):
        code.decode(bytes(stream))
    with pytest.raises(ValueError, match="symbols"):
        code.encode(np.array([0, 3]))
    frame = coding.write_frame("HF", (10**6).to_bytes(4, "big"), b"\x00")  # 10^6 symbols in 8 bits
    with pytest.raises(coding.CorruptStreamError, match="announces"):
        code.decode(frame)
    with pytest.raises(ValueError, match="pmf"):
        PrefixCode(2.0 ** -np.arange(1, 80) / np.sum(2.0 ** -np.arange(1, 80)))  # a 78-bit codeword
