"""Slepian–Wolf coding of a doubly symmetric binary source, every byte counted.

X is a uniform bit string of length n = 10⁴; the decoder knows Y = X ⊕ Z with
Z ~ Bernoulli(p). The encoder sends only the syndrome of X under a shipped LDPC
code; the decoder recovers X by belief propagation from the syndrome and Y, and
checks it against the CRC-32 in the stream's header.
"""

import time

import numpy as np

from wzcore import bounds, sources
from wzcore import slepian_wolf as sw

n, p, rate = 10_000, 0.11, 0.56  # H(X|Y) = h(0.11) = 0.4999 bit
t0 = time.perf_counter()
codec = sw.syndrome_codecs(n, [rate])[rate]  # reads the shipped PEG code
load_s = time.perf_counter() - t0

x, y = sources.DSBS(p).sample(n, np.random.default_rng(1))
stream = codec.encode(x)  # bytes: header, CRC-32 of x, packed syndrome
x_hat = codec.decode(stream, y=y, p=p)  # raises DecodingError, never a wrong x
assert np.array_equal(x_hat, x)

bits = 8 * len(stream) / n
h = bounds.binary_entropy(p)
print(f"code loaded in {load_s:.2f} s; "
      f"{len(stream)} bytes for {n} bits: {bits:.4f} bit/bit")
print(f"H(X|Y) = {h:.4f} bit/bit; gap {bits - h:.4f}")
