"""Huffman prefix codes: the entropy code a zero-delay system can use.

An arithmetic or ANS coder (:mod:`wzcore.coding`) reaches H(K) per symbol over a block, but it holds the
bits of a symbol until later symbols arrive: a delay. A prefix code sends each symbol's codeword the moment
the symbol is known, and the decoder reads it back the moment the codeword ends (Kaspi & Merhav,
arXiv:1301.0079, show that zero-delay codes are instantaneous codes of this kind). Huffman's code (Huffman
1952) is the optimal prefix code for a known pmf: its expected length L satisfies H(K) ≤ L < H(K) + 1.

- :func:`huffman_lengths`: optimal codeword lengths for a pmf (every symbol gets a codeword).
- :class:`PrefixCode`: the canonical code of those lengths; ``encode`` writes a framed ``"HF"`` stream
  (header: the number of symbols), ``decode`` reads it back symbol by symbol, raising
  :class:`~wzcore.coding.CorruptStreamError` on a damaged stream.
"""

from __future__ import annotations

import heapq
import struct

import numpy as np

from wzcore import coding, validate

__all__ = ["PrefixCode", "huffman_lengths"]

_HEAD = struct.Struct(">I")  # number of symbols in the stream


def huffman_lengths(pmf: object) -> np.ndarray:
    """Codeword lengths of a Huffman code for ``pmf`` (int64, one per symbol; a single symbol gets 1 bit).

    Symbols of probability 0 still get a codeword (a stream may contain them; they cost the most bits).
    """
    p = validate.pmf("pmf", pmf, ndim=1)
    if p.size == 1:
        return np.ones(1, dtype=np.int64)
    lengths = np.zeros(p.size, dtype=np.int64)
    heap = [(float(pi), i, [i]) for i, pi in enumerate(p)]
    heapq.heapify(heap)
    tie = p.size
    while len(heap) > 1:
        p1, _, s1 = heapq.heappop(heap)
        p2, _, s2 = heapq.heappop(heap)
        lengths[s1 + s2] += 1  # every symbol under the merged node is one bit deeper
        heapq.heappush(heap, (p1 + p2, tie, s1 + s2))
        tie += 1
    return lengths


class PrefixCode:
    """The canonical prefix code with the Huffman lengths of ``pmf`` (a design-time table both ends hold)."""

    MAX_LENGTH = 62  # codewords are held in int64

    def __init__(self, pmf: object):
        self.lengths = huffman_lengths(pmf)
        if self.lengths.max() > self.MAX_LENGTH:
            raise ValueError(f"pmf gives a codeword of {self.lengths.max()} bits (at most {self.MAX_LENGTH}): "
                             "merge its rarest symbols")
        order = np.lexsort((np.arange(self.lengths.size), self.lengths))
        self.codes = np.zeros(self.lengths.size, dtype=np.int64)
        code, prev = 0, int(self.lengths[order[0]])
        for j, s in enumerate(order):
            if j:
                code = (code + 1) << (int(self.lengths[s]) - prev)
            self.codes[s], prev = code, int(self.lengths[s])
        self._table = {(int(self.lengths[s]), int(self.codes[s])): int(s) for s in range(self.lengths.size)}

    @property
    def size(self) -> int:
        return int(self.lengths.size)

    def expected_length(self, pmf: object) -> float:
        """Σ p(k) ℓ(k) in bits: the code's rate on a source with ``pmf``."""
        p = validate.pmf("pmf", pmf, ndim=1)
        if p.size != self.size:
            raise ValueError(f"pmf must have {self.size} entries, got {p.size}")
        return float(p @ self.lengths)

    def payload_bits(self, symbols: object) -> int:
        """Σ ℓ(k_i): the bits sent for ``symbols``, no framing or padding."""
        return int(self.lengths[self._symbols(symbols)].sum())

    def _symbols(self, symbols: object) -> np.ndarray:
        k = validate.int_array("symbols", symbols).ravel()
        if k.size and (k.min() < 0 or k.max() >= self.size):
            raise ValueError(f"symbols must be integers in [0, {self.size - 1}]")
        return k

    def encode(self, symbols: object) -> bytes:
        """The codewords of ``symbols`` in order, padded to whole bytes, in one ``"HF"`` frame."""
        k = self._symbols(symbols)
        if k.size >= 2**32:
            raise ValueError(f"at most 2^32 - 1 symbols per stream, got {k.size}")
        bits = "".join(format(int(c), f"0{int(n)}b") for c, n in zip(self.codes[k], self.lengths[k], strict=True))
        bits += "0" * (-len(bits) % 8)
        payload = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
        return coding.write_frame("HF", _HEAD.pack(k.size), payload)

    def decode(self, stream: bytes) -> np.ndarray:
        """Inverse of :meth:`encode`; raises :class:`~wzcore.coding.CorruptStreamError` if the stream is
        damaged (frame checks), ends inside a codeword, or leaves more than byte padding unread."""
        header, payload, rest = coding.read_frame(stream, "HF")
        if rest or len(header) != _HEAD.size:
            raise coding.CorruptStreamError("malformed prefix-code frame")
        n = _HEAD.unpack(header)[0]
        if n > 8 * len(payload):  # every codeword has at least one bit
            raise coding.CorruptStreamError(f"header announces {n} symbols, the payload holds at most "
                                            f"{8 * len(payload)}")
        bits = "".join(format(b, "08b") for b in payload)
        out = np.empty(n, dtype=np.int64)
        pos, max_len = 0, int(self.lengths.max())
        for i in range(n):
            code, length = 0, 0
            while True:
                if pos >= len(bits):
                    raise coding.CorruptStreamError(f"stream ends inside the codeword of symbol {i} of {n}")
                if length >= max_len:
                    raise coding.CorruptStreamError(f"no codeword matches the bits of symbol {i} of {n}")
                code, length, pos = (code << 1) | (bits[pos] == "1"), length + 1, pos + 1
                s = self._table.get((length, code))
                if s is not None:
                    out[i] = s
                    break
        if len(bits) - pos >= 8 or "1" in bits[pos:]:
            raise coding.CorruptStreamError("bits left after the last codeword")
        return out
