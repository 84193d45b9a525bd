"""Tests for wzcore.swc_nq: nested quantization + Slepian–Wolf coding of bit-planes (real bitstreams)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from wzcore import slepian_wolf as sw
from wzcore.sources import QuadraticGaussian
from wzcore.swc_nq import SWCNQ, bit_probability

N = 2000  # shipped PEG codes (data/ldpc) make this fast
SRC = QuadraticGaussian(1.0, 0.1)
SC = np.sqrt(SRC.cond_var)


def _block(seed: int):
    x, y = SRC.sample(N, np.random.default_rng(seed))
    m, v = SRC.posterior(y)
    return x, m, v


@pytest.fixture(scope="module")
def fine():
    codec = SWCNQ(0.25 * SC, N)
    x, m, v = _block(1)
    return codec, x, m, v, codec.encode(x, m, v)


def test_round_trip_exact_and_high_resolution_theory(fine):
    codec, x, m, v, res = fine
    q = codec.decode_index(res.stream, m, v)
    np.testing.assert_array_equal(q, codec.quantize(x))
    np.testing.assert_array_equal(q, res.q)
    assert res.rate_real == 8 * len(res.stream) / N
    # high resolution: D ≈ Δ²/12 (MMSE reconstruction only helps a little), H(Q|Y) ≈ h(X|Y) − log2 Δ
    d = float(np.mean((x - codec.decode(res.stream, m, v)) ** 2))
    assert 0.85 * codec.step**2 / 12 < d < 1.1 * codec.step**2 / 12
    h_q_y = 0.5 * np.log2(2 * np.pi * np.e * SRC.cond_var) - np.log2(codec.step)
    assert abs(res.rate_ideal - h_q_y) < 0.03
    assert res.rate_real >= h_q_y  # a real code never beats the conditional entropy here
    assert sum(p.rate for p in res.planes) < res.rate_real  # headers and CRCs are counted
    modes = [p.mode for p in res.planes]
    assert modes[0] == "raw" and modes[-1] == "predicted" and "syndrome" in modes


def test_too_low_rate_is_detected_never_wrong(fine):
    codec, x, m, v, res = fine
    plan = [p.mode if p.mode != "syndrome" else codec.rates[0] for p in res.planes]
    coded = [i for i, p in enumerate(res.planes) if p.mode == "syndrome"]
    assert res.planes[coded[0]].cond_entropy > 0.15  # rate 0.04 is far below what this plane needs
    bad = codec.encode(x, m, v, plan=plan)
    with pytest.raises(sw.DecodingError):
        codec.decode_index(bad.stream, m, v)
    # claiming a plane is predictable when it is not: caught by the index CRC
    plan = [p.mode if p.mode != "syndrome" else "predicted" for p in res.planes]
    with pytest.raises(sw.DecodingError, match="CRC"):
        codec.decode_index(codec.encode(x, m, v, plan=plan).stream, m, v)


def test_wrong_step_block_or_corruption_raise(fine):
    codec, _x, m, v, res = fine
    with pytest.raises(ValueError, match="step"):
        SWCNQ(0.3 * SC, N).decode_index(res.stream, m, v)
    with pytest.raises(ValueError, match="n = "):
        SWCNQ(codec.step, 4000).decode_index(res.stream, np.zeros(4000), v)
    broken = bytearray(res.stream)
    broken[40] ^= 0x10
    with pytest.raises(sw.DecodingError):
        codec.decode_index(bytes(broken), m, v)
    with pytest.raises(ValueError):
        codec.decode_index(res.stream[:10], m, v)


def test_bit_probability_brute_force():
    rng = np.random.default_rng(3)
    u = np.arange(16)[None, :].repeat(5, axis=0)
    logw = np.log(rng.random((5, 16)))
    low = np.array([0, 1, 2, 3, 1])
    for j in (0, 1, 2):
        mask = low[:, None] % (1 << j) == u % (1 << j)
        lw = low % (1 << j)
        p = bit_probability(logw, u, lw, j)
        w = np.exp(logw) * mask
        np.testing.assert_allclose(p, (w * ((u >> j) & 1)).sum(1) / w.sum(1), rtol=1e-12)
    # posterior cell masses: one sample, step 1, N(0.3, 1): P(bit0 = 1) = P(q odd)
    codec = SWCNQ(1.0, 64)
    uc, lw = codec._posterior(np.full(64, 0.3), 1.0, -40, 7)
    q = uc[0] - 40
    mass = norm.cdf(q + 0.5, 0.3) - norm.cdf(q - 0.5, 0.3)
    p1 = bit_probability(lw, uc, np.zeros(64, dtype=np.int64), 0)
    np.testing.assert_allclose(p1[0], mass[(uc[0] & 1) == 1].sum() / mass.sum(), rtol=1e-9)


@pytest.mark.parametrize("kw, match", [
    ({"step": 0.0}, "step"), ({"step": np.inf}, "step"), ({"n": 10}, "n must"),
    ({"rates": (0.5, 0.2)}, "rates"), ({"rates": (0.0, 0.5)}, "rates"),
])
def test_bad_parameters_raise(kw, match):
    args = {"step": 0.1, "n": N, **kw}
    with pytest.raises(ValueError, match=match):
        SWCNQ(**args)


def test_bad_inputs_raise(fine):
    codec, x, m, v, res = fine
    with pytest.raises(ValueError, match="x must"):
        codec.encode(x[:-1], m, v)
    with pytest.raises(ValueError, match="post_var"):
        codec.encode(x, m, 0.0)
    with pytest.raises(ValueError, match="post_mean"):
        codec.decode_index(res.stream, m[:5], v)
    with pytest.raises(ValueError, match="plan must"):
        codec.encode(x, m, v, plan=["raw"])
    with pytest.raises(ValueError, match="grid rate"):
        codec.encode(x, m, v, plan=[0.333] * len(res.planes))
