"""Tests for wzcore.swc_nq: multilevel Slepian–Wolf coding of index bit-planes (any index posterior) and
SWC-NQ, the uniform quantizer with a Gaussian posterior on top of it (real bitstreams)."""

from __future__ import annotations

import math
import struct
import zlib

import numpy as np
import pytest
from scipy.stats import norm

from wzcore import coding, swc_nq
from wzcore import slepian_wolf as sw
from wzcore.quantization import gaussian_cell_moments
from wzcore.sources import QuadraticGaussian
from wzcore.swc_nq import SWCNQ, IndexPosterior, MultilevelSW, bit_probability

N = 2000  # shipped PEG codes (wzcore/data/ldpc) make this fast
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
    with pytest.raises(ValueError, match="step") as info:
        SWCNQ(0.3 * SC, N).decode_index(res.stream, m, v)
    assert not isinstance(info.value, sw.DecodingError | coding.CorruptStreamError)  # a mismatch
    with pytest.raises(ValueError, match="n = "):
        SWCNQ(codec.step, 4000).decode_index(res.stream, np.zeros(4000), v)
    for i in range(len(res.stream)):  # a flip in any byte (frame head, header, modes, syndrome frames, CRC)
        broken = bytearray(res.stream)
        broken[i] ^= 1 << (i % 8)
        with pytest.raises(coding.CorruptStreamError):
            codec.decode_index(bytes(broken), m, v)
    for cut in (0, 10, len(res.stream) // 2, len(res.stream) - 1):
        with pytest.raises(coding.CorruptStreamError, match="truncated"):
            codec.decode_index(res.stream[:cut], m, v)
    with pytest.raises(coding.CorruptStreamError, match="trailing"):
        codec.decode_index(res.stream + b"\x00", m, v)
    with pytest.raises(coding.CorruptStreamError, match="kind"):
        codec.decode_index(codec.codec(0).encode(np.zeros(N, np.uint8)), m, v)
    # a valid "NQ" stream of the general coder (no quantizer fields) is not an SWC-NQ stream
    general = MultilevelSW(N).encode(res.q - res.q.min(), codec.posterior(m, v, int(res.q.min()), 1 << 7))
    with pytest.raises(ValueError, match="not an SWC-NQ stream"):
        codec.decode_index(general.stream, m, v)


def test_stream_is_one_frame_with_embedded_syndrome_frames(fine):
    """The payload walks with read_frame's rest: no one needs the syndrome codec's header size."""
    codec, _x, _m, _v, res = fine
    header, payload, rest = coding.read_frame(res.stream, "NQ")
    assert rest == b"" and len(res.stream) == coding.FRAME_OVERHEAD + len(header) + len(payload)
    head = codec.coder.read_header(res.stream)
    assert (head.n, head.K, head.n_planes) == (N, 1 << len(res.planes), len(res.planes))
    assert head.crc_k == zlib.crc32((res.q - res.q.min()).astype("<i4").tobytes())
    q_min, step = struct.unpack("<id", head.extra)
    assert (q_min, step) == (res.q.min(), codec.step)
    for plane in res.planes:
        mode, payload = payload[0], payload[1:]
        if plane.mode == "predicted":
            assert mode == swc_nq.PREDICTED and plane.rate == 0
        elif plane.mode == "raw":
            assert mode == swc_nq.RAW and plane.rate == 8 * ((N + 7) // 8) / N
            payload = payload[(N + 7) // 8:]
        else:
            c = codec.codec(mode - swc_nq.SYNDROME0)
            _, syndrome, payload = coding.read_frame(payload, "SW")
            assert len(syndrome) == (c.m + 7) // 8
            assert plane.rate == 8 * (sw.HEADER_BYTES + len(syndrome)) / N
    assert payload == b""


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
    post = codec.posterior(np.full(64, 0.3), 1.0, -40, 128)
    uc, lw = post.cand, post.log_w
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


# ---------------------------------------------------------------------------------------------- general coder


def _learned_like(seed: int, n: int = N, K: int = 20):
    """Indices of a non-uniform K-cell quantizer on [−4, 4] (outer cells unbounded, K not a power of 2) and
    their exact posteriors given y: a stand-in for a learned quantizer with an MLP posterior q(k | y)."""
    x, y = SRC.sample(n, np.random.default_rng(seed))
    m, v = SRC.posterior(y)
    edges = np.concatenate([[-np.inf], np.tanh(np.linspace(-1.5, 1.5, K - 1)) * 4 / np.tanh(1.5), [np.inf]])
    k = np.searchsorted(edges, x, side="right") - 1
    log_q, _ = gaussian_cell_moments(edges[:-1], edges[1:], m[:, None], np.sqrt(v))
    return k, log_q


def test_general_coder_any_k_with_dense_posteriors():
    k, log_q = _learned_like(5)
    coder = MultilevelSW(N)
    res = coder.encode(k, log_q + 3.0)  # rows need not be normalised
    assert len(res.planes) == 5 and res.rate_real == 8 * len(res.stream) / N
    np.testing.assert_array_equal(coder.decode(res.stream, log_q), k)
    np.testing.assert_array_equal(coder.decode(res.stream, IndexPosterior.dense(log_q)), k)
    # a callable posterior is evaluated on the checked header (here: it only checks K)
    seen = []
    np.testing.assert_array_equal(coder.decode(res.stream, lambda h: seen.append(h.K) or log_q), k)
    assert seen == [20]
    # the ideal rate Σ_j mean h(P(b_j = 1 | y, b_<j)) at the true low bits is, for k ~ q(· | y) as here, an
    # unbiased estimate of H(K | Y) (chain rule); its standard error at n = 2000 is below 0.01 bit
    p = np.exp(log_q - log_q.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    h_k_y = float(np.mean(-np.sum(np.where(p > 0, p * np.log2(np.where(p > 0, p, 1)), 0.0), axis=1)))
    assert abs(res.rate_ideal - h_k_y) < 0.03
    assert res.rate_real > res.rate_ideal
    assert coder.read_header(res.stream).extra == b""


def test_general_coder_checks():
    k, log_q = _learned_like(6)
    coder = MultilevelSW(N)
    res = coder.encode(k, log_q, extra=b"mine")
    assert coder.read_header(res.stream).extra == b"mine"
    with pytest.raises(ValueError, match="K = 20"):
        coder.decode(res.stream, log_q[:, :16])
    with pytest.raises(ValueError, match="n = 2000"):
        coder.decode(res.stream, log_q[:100])
    with pytest.raises(ValueError, match="n = "):
        MultilevelSW(4000).decode(res.stream, np.zeros((4000, 20)))
    # wrong posterior (another block's): detected, never a wrong index
    _, other = _learned_like(7)
    with pytest.raises(sw.DecodingError):
        coder.decode(res.stream, other)
    with pytest.raises(ValueError, match=r"k must be in \[0, 19\]"):
        coder.encode(np.full(N, 20), log_q)
    with pytest.raises(ValueError, match="k must have length"):
        coder.encode(k[:-1], log_q)
    with pytest.raises(ValueError, match="log_q must have shape"):
        coder.encode(k, log_q[0])
    with pytest.raises(ValueError, match="log_w must hold"):
        coder.encode(k, np.where(log_q < -50, np.nan, log_q))
    with pytest.raises(ValueError, match="cand must hold"):
        IndexPosterior(np.full((N, 2), 20), np.zeros((N, 2)), 20)
    with pytest.raises(ValueError, match="K must be"):
        IndexPosterior(np.zeros((N, 2), int), np.zeros((N, 2)), 0)
    # K = 1 carries nothing: no planes, the stream is the header
    one = coder.encode(np.zeros(N, int), np.zeros((N, 1)))
    assert one.planes == () and len(one.stream) == coding.FRAME_OVERHEAD + 12
    np.testing.assert_array_equal(coder.decode(one.stream, np.zeros((N, 1))), np.zeros(N))


def test_windowed_equals_dense_posterior(fine):
    """SWC-NQ's windowed Gaussian posterior is the dense one up to the mass beyond ±9 standard deviations."""
    codec, _x, m, v, res = fine
    q_min, K = int(res.q.min()), 1 << len(res.planes)
    q = q_min + np.arange(K)
    dense, _ = gaussian_cell_moments((q - 0.5) * codec.step, (q + 0.5) * codec.step, m[:, None], np.sqrt(v))
    general = codec.coder.encode(res.q - q_min, dense)
    assert [p.mode for p in general.planes] == [p.mode for p in res.planes]
    np.testing.assert_allclose([p.cond_entropy for p in general.planes], [p.cond_entropy for p in res.planes],
                               atol=1e-12)
    np.testing.assert_array_equal(codec.coder.decode(general.stream, dense), res.q - q_min)


def test_evaluate_is_the_block_loop():
    steps = (1.0 * SC, 0.5 * SC)
    ev = swc_nq.evaluate(SRC, steps, N, 2, np.random.default_rng(11), calibration=0)
    assert ev.exact and ev.n == N and ev.blocks == 2 and len(ev.points) == 2
    assert ev.points[0].feedback_free is None and ev.points[0].return_channel is None
    rng = np.random.default_rng(11)
    for pt, step in zip(ev.points, steps, strict=True):
        codec = SWCNQ(step, N)
        sq, nbytes = 0.0, 0
        for res in pt.results:
            x, y = SRC.sample(N, rng)
            m, v = SRC.posterior(y)
            again = codec.encode(x, m, v)
            assert again.stream == res.stream
            sq += float(np.sum((x - codec.decode(res.stream, m, v)) ** 2))
            nbytes += len(res.stream)
        assert pt.rate_real == 8 * nbytes / (2 * N) and pt.mse == pytest.approx(sq / (2 * N), rel=1e-12)
        assert pt.rate_ideal == pytest.approx(np.mean([r.rate_ideal for r in pt.results]), rel=1e-12)
        assert pt.mse < step**2 / 12 and pt.planes == pt.results[-1].planes
    np.testing.assert_array_equal(ev.rate_real, [p.rate_real for p in ev.points])
    np.testing.assert_array_equal(ev.steps, steps)
    m, v = ev.last_posterior
    np.testing.assert_array_equal(SWCNQ(steps[-1], N).decode_index(ev.points[-1].results[-1].stream, m, v),
                                  ev.points[-1].results[-1].q)
    with pytest.raises(ValueError, match="blocks"):
        swc_nq.evaluate(SRC, steps, N, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="steps"):
        swc_nq.evaluate(SRC, (), N, 1, np.random.default_rng(0))


def test_evaluate_runs_the_two_honest_systems_on_the_same_blocks():
    step = 0.5 * SC
    ev = swc_nq.evaluate(SRC, (step,), N, 2, np.random.default_rng(12), calibration=2)
    pt = ev.points[0]
    ff, rc = pt.feedback_free, pt.return_channel
    # replay: calibration blocks fix K and the plan, then each test block is coded three ways
    rng = np.random.default_rng(12)
    codec = SWCNQ(step, N)
    cal = [SRC.sample(N, rng) for _ in range(2)]
    B = max(max(1, int(np.ptp(codec.quantize(x))).bit_length()) for x, _ in cal)
    K = 2 * (1 << B)  # one plane more than the largest calibration range needs
    assert ff.K == rc.K == K and ff.plan is not None and len(ff.plan) == (K - 1).bit_length()
    assert ff.plan[-1] == "predicted"  # the spare top plane
    ff_bits, rc_bits = [], []
    for res in pt.results:
        x, y = SRC.sample(N, rng)
        m, v = SRC.posterior(y)
        assert codec.encode(x, m, v).stream == res.stream  # the oracle's block
        ff_bits.append(8 * len(codec.encode(x, m, v, ff.plan, K).stream))
        q, block = codec.code_with_feedback(x, m, v, K)
        np.testing.assert_array_equal(q, res.q)
        rc_bits.append(block.forward_bits + block.feedback_bits)
    assert ff.bits == tuple(ff_bits) and rc.bits == tuple(rc_bits)
    assert ff.rate == sum(ff_bits) / (2 * N) and rc.rate == sum(rc_bits) / (2 * N)
    assert 0 < rc.feedback < 0.05 and ff.feedback == 0.0
    assert rc.mse == pytest.approx(pt.mse, rel=1e-12)  # exact decoding: the oracle's distortion
    # feedback-free distortion: decoded blocks reconstruct as the oracle's, failed ones as E[X | Y]
    rng = np.random.default_rng(12)
    for _ in range(2):  # the calibration blocks
        SRC.sample(N, rng)
    sq = 0.0
    for _ in pt.results:
        x, y = SRC.sample(N, rng)
        m, v = SRC.posterior(y)
        try:
            x_hat = codec.decode(codec.encode(x, m, v, ff.plan, K).stream, m, v)
        except sw.DecodingError:
            x_hat = m
        sq += float(np.sum((x - x_hat) ** 2))
    assert ff.mse == pytest.approx(sq / (2 * N), rel=1e-12)
    assert ev.honest("return_channel", "rate")[0] == rc.rate
    with pytest.raises(ValueError, match="system"):
        ev.honest("oracle", "rate")
    with pytest.raises(ValueError, match="exceeds K"):
        codec.encode(cal[0][0], *SRC.posterior(cal[0][1]), K=4)
    with pytest.raises(ValueError, match="not run"):
        swc_nq.evaluate(SRC, (step,), N, 1, np.random.default_rng(0), calibration=0).honest("feedback_free", "rate")


def test_feedback_free_plan_is_provisioned_from_calibration_blocks():
    coder = MultilevelSW(N)
    plans = [coder.oracle_plan(*_learned_like(s)) for s in (11, 12, 13)]
    plan = coder.provision(plans, margin=1)
    assert len(plan) == len(plans[0])
    for j, entry in enumerate(plan):
        col = [p[j] for p in plans]
        if entry == "predicted":
            assert all(c == "predicted" for c in col)
        elif entry != "raw":  # one grid step above the largest calibration rate
            top = max(coder.rates.index(c) for c in col if c != "predicted")
            assert coder.rates.index(entry) == top + 1
    # a fresh block coded with the fixed plan decodes (or raises, a counted frame error), never wrong
    k, log_q = _learned_like(14)
    res = coder.encode(k, log_q, plan)
    try:
        np.testing.assert_array_equal(coder.decode(res.stream, log_q), k)
    except sw.DecodingError:
        pass
    with pytest.raises(ValueError, match="at least one"):
        coder.provision([])
    with pytest.raises(ValueError, match="margin"):
        coder.provision(plans, margin=-1)


def test_oracle_plan_does_not_plan_a_risky_plane_as_predicted():
    """A plane whose hard decisions are right on this block but expect ~0.3 wrong ones per block is planned
    with a syndrome for provisioning (predict_risk), and as predicted by the bare oracle."""
    rng = np.random.default_rng(0)
    bits = (rng.random(N) < 0.5).astype(np.int64)
    p1 = np.where(bits == 1, 1 - 1.5e-4, 1.5e-4)  # Σ min(p, 1 − p) = 0.3, every hard decision right
    log_q = np.log(np.stack([1 - p1, p1], axis=1))
    coder = MultilevelSW(N)
    assert coder.oracle_plan(bits, log_q, predict_risk=None) == ("predicted",)
    planned = coder.oracle_plan(bits, log_q)
    assert planned != ("predicted",) and planned[0] in coder.rates
    assert coder.oracle_plan(bits, log_q, predict_risk=1.0) == ("predicted",)


def test_feedback_free_counts_every_byte_and_every_failure():
    coder = MultilevelSW(N)
    calib = [_learned_like(s) for s in (21, 22)]
    test = [_learned_like(s) for s in (23, 24, 25)]
    res = swc_nq.feedback_free(coder, calib, test, margin=1)
    streams = [coder.encode(k, post, res.plan).stream for k, post in test]
    assert res.rate_real == pytest.approx(8 * sum(map(len, streams)) / (3 * N))
    assert res.blocks == 3 and 0 <= res.failures <= 3 and res.undetected == 0
    assert res.fer == res.failures / 3
    with pytest.raises(ValueError, match="test"):
        swc_nq.feedback_free(coder, calib, [])


def test_return_channel_decodes_exactly_and_counts_every_bit():
    k, log_q = _learned_like(31)
    coder = MultilevelSW(N)
    res = coder.code_with_feedback(k, log_q)
    np.testing.assert_array_equal(res.k, k)
    assert len(res.planes) == 5
    header_bits = 8 * len(coding.write_frame("NQ", struct.pack("<III", N, 20, 0), b""))
    assert res.forward_bits == header_bits + sum(p.forward_bits for p in res.planes)
    assert res.feedback_bits == sum(p.feedback_bits for p in res.planes)
    assert res.rate_real == (res.forward_bits + res.feedback_bits) / N
    start_bits = int(np.ceil(np.log2(len(coder.rates) + 1)))
    for p in res.planes:
        assert p.forward_bits % 8 == 0 and p.forward_bits >= 32  # byte-aligned messages, CRC first
        if p.outcome == "predicted":  # the CRC and one ACK, nothing else
            assert (p.forward_bits, p.feedback_bits, p.messages) == (32, 1, 0)
        elif p.outcome == "syndrome":  # NAK + start rate, then one ACK/NAK per syndrome message
            assert p.feedback_bits == 1 + start_bits + p.messages and p.messages >= 1
        else:
            assert p.forward_bits >= 8 * ((N + 7) // 8)
    # a syndrome plane costs at least its conditional entropy (Slepian–Wolf converse, up to the estimate's noise)
    for p in res.planes:
        if p.outcome == "syndrome":
            assert p.forward_bits / N > p.cond_entropy - 0.05
    # the rate adapts per block: with the posterior of another block's side information the decoder needs more
    # (or falls back to raw) but still never returns a wrong index
    k2, log_q2 = _learned_like(32)
    noisy = np.log(0.5 * np.exp(log_q2) / np.exp(log_q2).sum(1, keepdims=True) + 0.5 / 20)
    worse = coder.code_with_feedback(k2, noisy)
    np.testing.assert_array_equal(worse.k, k2)
    assert worse.rate_real > coder.code_with_feedback(k2, log_q2).rate_real


def test_return_channel_aggregate_and_checks():
    coder = MultilevelSW(N)
    blocks = [_learned_like(s) for s in (41, 42)]
    res = swc_nq.return_channel(coder, blocks)
    one = [coder.code_with_feedback(k, q) for k, q in blocks]
    assert res.rate_real == pytest.approx(sum(b.forward_bits + b.feedback_bits for b in one) / (2 * N))
    assert res.rate_real == pytest.approx(res.rate_forward + res.rate_feedback)
    assert res.blocks == 2 and res.undetected == 0
    assert res.messages == sum(p.messages for b in one for p in b.planes)
    with pytest.raises(ValueError, match="blocks"):
        swc_nq.return_channel(coder, [])
    k, log_q = blocks[0]
    with pytest.raises(ValueError, match="length n"):
        coder.code_with_feedback(k[:-1], log_q)
    with pytest.raises(ValueError, match=r"k must be in \[0, 19\]"):
        coder.code_with_feedback(np.concatenate([[20], k[1:]]), log_q)
    with pytest.raises(ValueError, match="increments"):
        MultilevelSW(N, increments=0)


def test_return_channel_falls_back_to_raw_when_syndromes_cost_more():
    """An overconfident posterior (it claims crossover 0.11, h = 0.5, for bits that are coin flips): every
    syndrome increment fails, and once the plane's bits would exceed n the encoder sends it raw."""
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 2, N)
    p1 = np.where(rng.random(N) < 0.5, 0.11, 0.89)
    log_q = np.log(np.stack([1 - p1, p1], axis=1))
    coder = MultilevelSW(N)
    res = coder.code_with_feedback(bits, log_q)
    np.testing.assert_array_equal(res.k, bits)
    (plane,) = res.planes
    assert plane.outcome == "raw" and plane.messages >= 2
    start_bits = int(np.ceil(np.log2(len(coder.rates) + 1)))
    assert plane.feedback_bits == 1 + start_bits + plane.messages
    assert plane.forward_bits > 8 * ((N + 7) // 8) + 32  # the failed syndromes are paid for, then the raw bits


def test_return_channel_counts_a_block_whose_final_crc_fails(monkeypatch):
    k, log_q = _learned_like(51)
    coder = MultilevelSW(N)

    def wrong_plane(bits, p1, h, start_bits):  # accept a wrong plane (as a CRC collision would)
        return 1 - bits, "predicted", 32, 1, 0

    monkeypatch.setattr(coder, "_plane_with_feedback", wrong_plane)
    with pytest.raises(sw.DecodingError, match="CRC of the decoded index") as info:
        coder.code_with_feedback(k, log_q)
    assert info.value.block.forward_bits > 32
    res = swc_nq.return_channel(coder, [(k, log_q)])
    assert res.failures == 1 and res.undetected == 0
    assert res.rate_real == pytest.approx((info.value.block.forward_bits + info.value.block.feedback_bits) / N)


@pytest.mark.parametrize("name", ["A2", "Z2"])
def test_nested_lattice_point_real_coding(name):
    """A nested lattice code's coset index, coded with the return channel, decodes exactly and costs more than
    its ideal rate; with the coarse cell spanning 8 posterior standard deviations the decoder's estimate is
    far better than E[X | y] alone."""
    from wzcore import lattice as lt
    lat = {"A2": lt.A2, "Z2": lt.Z2}[name]
    var_n = 0.1
    cond = var_n / (1 + var_n)
    step = math.sqrt(cond / lat.cell_area)
    code = lt.NestedLattice(lat, step, 8)
    o = swc_nq.nested_lattice_point(code, var_n, swc_nq.MultilevelSW(2000), 1, np.random.default_rng(5))
    assert o["failures"] == 0
    assert o["rate_real"] > o["rate_ideal"] > 1.5
    assert o["mse"] < cond / 5
    with pytest.raises(ValueError):
        swc_nq.nested_lattice_point(code, -1.0, swc_nq.MultilevelSW(2000), 1, np.random.default_rng(5))
