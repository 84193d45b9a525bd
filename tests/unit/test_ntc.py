"""Tests of wzcore.ntc: deep factorized density, real coding round trip, corruption, training on Laplace."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from wzcore import coding, ntc
from wzcore.coding import CorruptStreamError, payload_bits
from wzcore.entropy_models import DeepFactorized
from wzcore.rd import count_intervals_per_index

F64 = torch.float64


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _random_density(channels: int = 2, seed: int = 0) -> DeepFactorized:
    """A float64 deep factorized density with every parameter perturbed (gates of both signs, skew)."""
    gen = torch.Generator().manual_seed(seed)
    d = DeepFactorized(channels, generator=gen).to(F64)
    with torch.no_grad():
        for p in d.parameters():
            p.add_(torch.randn(p.shape, generator=gen, dtype=F64))
    return d


def _col(v, channels: int = 2) -> torch.Tensor:
    return torch.as_tensor(v, dtype=F64).reshape(-1, 1).expand(-1, channels).contiguous()


# ---- density -----------------------------------------------------------------------------------------
def test_density_gradcheck_wrt_input_and_parameters():
    d = _random_density()
    u = (3 * torch.randn(7, 2, generator=torch.Generator().manual_seed(1), dtype=F64)).requires_grad_(True)
    assert torch.autograd.gradcheck(d.likelihood, (u,))
    assert torch.autograd.gradcheck(d.bits, (u,))
    params = dict(d.named_parameters())
    names = ["matrices.0", "matrices.2", "biases.1", "factors.2"]

    def lik(*ps):
        return torch.func.functional_call(d, {**params, **dict(zip(names, ps, strict=True))}, (u.detach(),))

    assert torch.autograd.gradcheck(lik, tuple(params[k].detach().clone().requires_grad_(True) for k in names))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cdf_is_monotone(seed):
    d = _random_density(seed=seed)
    with torch.no_grad():
        c = d.cdf_logits(_col(np.linspace(-400, 400, 20001)))
    assert torch.all(torch.diff(c, dim=0) > 0)


@pytest.mark.parametrize("seed", [0, 3])
def test_bin_likelihoods_sum_to_one_and_match_cdf(seed):
    d = _random_density(seed=seed)
    lo, hi = d.support(1e-14)
    a, b = int(lo.min()) - 10, int(hi.max()) + 10
    pmf = d.pmf_table(a, b)
    assert pmf.shape == (2, b - a)
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, rtol=0, atol=1e-6)
    # each bin is F(k + 1/2) - F(k - 1/2): compare with the plain sigmoid difference
    with torch.no_grad():
        k = _col(np.arange(a, b))
        naive = (torch.sigmoid(d.cdf_logits(k + 0.5)) - torch.sigmoid(d.cdf_logits(k - 0.5))).numpy().T
    np.testing.assert_allclose(pmf, naive, rtol=0, atol=1e-14)
    # the row sum is the mass of [a - 1/2, b - 1/2)
    with torch.no_grad():
        edges = torch.sigmoid(d.cdf_logits(_col([a - 0.5, b - 0.5]))).numpy()
    np.testing.assert_allclose(pmf.sum(axis=1), edges[1] - edges[0], rtol=0, atol=1e-12)


def test_likelihood_is_accurate_in_the_upper_tail():
    """Where 1 - F underflows to 0 in the plain difference, the sign trick keeps the relative accuracy."""
    d = _random_density(channels=1)
    with torch.no_grad():
        u = torch.arange(0.0, 3000.0, dtype=F64)[:, None]
        c_lo, c_hi = d.cdf_logits(u - 0.5), d.cdf_logits(u + 0.5)
        i = int(torch.nonzero(c_lo[:, 0] > 40)[0, 0])  # first bin where sigmoid(c) == 1 in float64
        naive = torch.sigmoid(c_hi[i]) - torch.sigmoid(c_lo[i])
        exact = torch.exp(-c_lo[i]) * -torch.expm1(c_lo[i] - c_hi[i])  # σ(-a) - σ(-b) ≈ e^-a - e^-b
        got = d.likelihood(u[i: i + 1])[0]
    assert float(naive) == 0.0
    assert float(got) == pytest.approx(float(exact), rel=1e-6)
    assert float(d.bits(u[i: i + 1])[0].detach()) == pytest.approx(-math.log2(max(float(exact), 1e-9)), rel=1e-9)


def test_support_is_the_smallest_range_with_the_tail_mass():
    d = _random_density()
    tail = 1e-6
    lo, hi = d.support(tail)
    with torch.no_grad():
        F = torch.sigmoid(d.cdf_logits(torch.as_tensor(np.stack([lo - 0.5, lo + 0.5]), dtype=F64))).numpy()
        S = torch.sigmoid(-d.cdf_logits(torch.as_tensor(np.stack([hi - 0.5, hi - 1.5]), dtype=F64))).numpy()
    assert np.all(F[0] <= tail / 2) and np.all(F[1] > tail / 2)  # lo + 1 would leave too much below
    assert np.all(S[0] <= tail / 2) and np.all(S[1] > tail / 2)  # hi - 1 would leave too much above
    # a density shifted by +500 (all its mass on one side of 0) gets the shifted support
    with torch.no_grad():
        d.biases[0].sub_(torch.nn.functional.softplus(d.matrices[0]) * 500)
    lo2, hi2 = d.support(tail)
    np.testing.assert_array_equal(lo2, lo + 500)
    np.testing.assert_array_equal(hi2, hi + 500)


@pytest.mark.parametrize(("args", "match"), [((0,), "channels"), ((2, (3, 0)), "filters"),
                                             ((2, (3,), -1.0), "init_scale")])
def test_density_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        DeepFactorized(*args)


def test_density_input_checks():
    d = _random_density()
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        d.likelihood(torch.zeros(3, 1, dtype=F64))
    with pytest.raises(ValueError, match="hi - lo"):
        d.pmf_table(3, 3)
    with pytest.raises(ValueError, match="tail_mass"):
        d.support(0.0)


# ---- model -------------------------------------------------------------------------------------------
def _x(n: int, dim: int, seed: int = 0, scale: float = 3.0) -> torch.Tensor:
    return torch.as_tensor(np.random.default_rng(seed).laplace(scale=scale, size=(n, dim)), dtype=torch.float32)


def test_forward_modes():
    m = ntc.NTC(1, 1, seed=0)
    x = _x(200, 1)
    out = m(x, mode="round")
    o = torch.as_tensor(m.quantization_offset(), dtype=torch.float32)
    assert torch.equal(out["u_hat"], torch.round(out["u"] - o) + o)
    assert out["bits"].shape == (200,) and out["x_hat"].shape == (200, 1)
    a = m(x, mode="noise", generator=torch.Generator().manual_seed(5))
    b = m(x, mode="noise", generator=torch.Generator().manual_seed(5))
    assert torch.equal(a["u_hat"], b["u_hat"])
    assert torch.all((a["u_hat"] - a["u"]).abs() <= 0.5) and not torch.equal(a["u_hat"], out["u_hat"])
    s = m(x, mode="ste")
    s["u"].retain_grad()
    s["u_hat"].sum().backward()
    assert torch.equal(s["u_hat"], out["u_hat"]) and torch.equal(s["u"].grad, torch.ones_like(s["u"]))
    with pytest.raises(ValueError, match="generator"):
        m(x, mode="noise")
    with pytest.raises(ValueError, match="mode must be"):
        m(x, mode="floor")


def test_loss_is_bits_plus_lambda_sse():
    m = ntc.NTC(2, 2, hidden=(8,), seed=1)
    x = _x(64, 2)
    out = m(x, mode="noise", generator=torch.Generator().manual_seed(3))
    want = out["bits"].mean() + 0.7 * (x - out["x_hat"]).pow(2).sum(dim=1).mean()
    got = m.loss(x, None, 0.7, generator=torch.Generator().manual_seed(3))
    assert float(got.detach()) == pytest.approx(float(want.detach()), rel=1e-6)


def test_input_validation():
    with pytest.raises(ValueError, match="dim_u"):
        ntc.NTC(1, 0)
    with pytest.raises(ValueError, match="activation"):
        ntc.NTC(1, 1, activation="swish")
    m, my = ntc.NTC(1, 1), ntc.NTC(1, 1, dim_y=1)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1\)"):
        m(torch.zeros(4, 2), mode="round")
    with pytest.raises(ValueError, match="y must be None"):
        m(torch.zeros(4, 1), torch.zeros(4, 1), mode="round")
    with pytest.raises(ValueError, match="required"):
        my(torch.zeros(4, 1), mode="round")
    with pytest.raises(ValueError, match="same number of rows"):
        my(torch.zeros(4, 1), torch.zeros(3, 1), mode="round")
    with pytest.raises(ValueError, match="lam"):
        m.loss(torch.zeros(4, 1), None, -1.0, mode="round")


# ---- real coding -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("dim_x", "dim_u", "dim_y"), [(1, 1, 0), (2, 2, 1)])
def test_compress_round_trip_equals_rounding_path(dim_x, dim_u, dim_y):
    m = ntc.NTC(dim_x, dim_u, hidden=(16, 16), dim_y=dim_y, seed=2)
    x = _x(3000, dim_x, scale=20.0)
    y = _x(3000, dim_y, seed=1) if dim_y else None
    stream = m.compress(x)
    assert torch.equal(m.decompress(stream, y), m(x, y, mode="round")["x_hat"])
    np.testing.assert_array_equal(m.decode_latents(stream), m.latents(x))
    ideal = float(m(x, y, mode="round")["bits"].sum().detach())
    real = sum(payload_bits(s) for s in _channel_streams(m, stream))
    assert abs(real - ideal) <= 0.01 * ideal + 64 * dim_u


def _channel_streams(m, stream):
    return m.entropy_model.channel_streams(stream)[3]


def test_round_trip_outside_the_model_support():
    m = ntc.NTC(1, 1, seed=0)
    x = torch.tensor([[-3e4], [0.0], [1.0], [3e4]])
    k = m.latents(x)
    lo, hi = m.entropy_model.density.support()
    assert k.min() < lo[0] or k.max() >= hi[0]  # the extension path is exercised
    assert torch.equal(m.decompress(m.compress(x)), m(x, mode="round")["x_hat"])


def test_corrupted_streams_raise():
    m = ntc.NTC(1, 1, seed=0)
    stream = m.compress(_x(40, 1, scale=10.0))
    assert issubclass(CorruptStreamError, ValueError)
    for i in range(len(stream)):  # every single-byte corruption is detected
        bad = bytearray(stream)
        bad[i] ^= 0xA5
        with pytest.raises(CorruptStreamError):
            m.decompress(bytes(bad))
    for bad in (b"", stream[:10], stream[:-1], stream + b"\x00"):
        with pytest.raises(CorruptStreamError):
            m.decompress(bad)
    with pytest.raises(CorruptStreamError, match="channels"):
        ntc.NTC(2, 2).decompress(stream)


def test_decompress_checks_y():
    m = ntc.NTC(1, 1, dim_y=1, seed=0)
    stream = m.compress(_x(5, 1))
    with pytest.raises(ValueError, match="y must be given"):
        m.decompress(stream)
    with pytest.raises(ValueError, match="rows"):
        m.decompress(stream, torch.zeros(4, 1))


def test_evaluate_is_consistent():
    m = ntc.NTC(1, 1, seed=0)
    x = _x(500, 1, scale=10.0)
    r = ntc.evaluate(m, x)
    with torch.no_grad():
        out = m(x, mode="round")
    assert r["rate_bits_real"] == 8 * len(m.compress(x)) / 500
    header_bytes = coding.FRAME_OVERHEAD + 10 + 8 + coding.HEADER_BYTES  # FP frame, one AC frame
    assert r["rate_bits_real"] - r["rate_bits_payload"] == pytest.approx(8 * header_bytes / 500)
    assert r["rate_bits_model"] == pytest.approx(float(out["bits"].mean()), rel=1e-6)
    assert r["mse"] == pytest.approx(float((x - out["x_hat"]).pow(2).mean()), rel=1e-6)
    assert r["mse_db"] == pytest.approx(10 * math.log10(r["mse"]))


# ---- cells -------------------------------------------------------------------------------------------
def test_quantization_cells_2d_matches_latents():
    m = ntc.NTC(2, 1, hidden=(8,), seed=3)
    xx, yy = np.meshgrid(np.linspace(-20, 20, 9), np.linspace(-20, 20, 7))
    cells = ntc.quantization_cells_2d(m, xx, yy)
    assert cells.shape == (7, 9)
    np.testing.assert_array_equal(cells.ravel(), m.latents(np.stack([xx.ravel(), yy.ravel()], 1))[:, 0])
    with pytest.raises(ValueError, match="dim_x = 1"):
        ntc.quantization_cells_1d(m, np.zeros(3))


# ---- training ----------------------------------------------------------------------------------------
def _laplace(n, rng):
    return rng.laplace(size=(n, 1)), None


def test_fit_ntc_on_laplace_learns_a_monotone_quantizer():
    model, hist = ntc.fit_ntc(_laplace, 1, 1, lam=2.0, steps=400, batch=256, lr=3e-3, seed=0, device="cpu",
                              progress=False, log_every=50)
    assert hist.loss[-1] < hist.loss[0] - 1.0
    assert set(hist.metrics) == {"bits", "sse"}
    grid = np.linspace(-6, 6, 2401)
    k = ntc.quantization_cells_1d(model, grid)
    assert len(np.unique(k)) >= 3  # a real quantizer, not a constant map
    assert set(count_intervals_per_index(k).values()) == {1}  # contiguous cells
    assert np.all(np.diff(k) >= 0) or np.all(np.diff(k) <= 0)


def test_fit_ntc_is_deterministic_given_seed():
    def run(seed):
        m, h = ntc.fit_ntc(_laplace, 1, 1, lam=1.0, steps=20, batch=64, seed=seed, device="cpu",
                           progress=False, hidden=(8,), log_every=5)
        return m.state_dict(), h.loss

    (sa, la), (sb, lb), (_, lc) = run(4), run(4), run(5)
    assert la == lb and all(torch.equal(sa[k], sb[k]) for k in sa)
    assert la != lc


def test_median_and_quantization_offset():
    d = _random_density(seed=4)
    med = d.median()
    with torch.no_grad():
        F = torch.sigmoid(d.cdf_logits(torch.as_tensor(med[None, :], dtype=F64))).numpy()[0]
    np.testing.assert_allclose(F, 0.5, rtol=0, atol=1e-12)
    o = d.quantization_offset()
    assert np.all(np.abs(o) <= 0.5) and np.allclose(np.round(med - o), med - o)
    # with the offset the pmf bins are (k + o - 1/2, k + o + 1/2): still a partition summing to 1
    lo, hi = d.support(1e-12, offset=o)
    pmf = d.pmf_table(int(lo.min()), int(hi.max()), offset=o)
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0, rtol=0, atol=1e-9)


def test_round_mode_centres_a_bin_on_the_median():
    m = ntc.NTC(1, 1, seed=5)
    o = m.quantization_offset()
    assert abs(o[0]) > 1e-3  # an untrained prior has a non-integer median: the offset matters here
    out = m(_x(100, 1), mode="round")
    k = (out["u_hat"] - torch.as_tensor(o, dtype=torch.float32)).detach().numpy()
    np.testing.assert_allclose(k, np.round(k), atol=1e-5)
    np.testing.assert_array_equal(m.latents(_x(100, 1)), np.round(k).astype(np.int64))
    plain = ntc.NTC(1, 1, seed=5, offset_heuristic=False)
    assert torch.equal(plain(_x(100, 1), mode="round")["u_hat"], torch.round(plain.g_a(_x(100, 1))))


def test_compress_rejects_non_finite_and_absurd_inputs():
    m = ntc.NTC(1, 1, seed=0)
    with pytest.raises(ValueError, match="finite"):
        m.compress(torch.tensor([[float("nan")]]))
    with pytest.raises(ValueError, match="at most"):
        m.compress(torch.tensor([[-1e9], [1e9]]))


# ---- scalar quantizer view, decoder outputs, gaps ----------------------------------------------------
def _uniform_ntc(step: float, dim_y: int = 0) -> ntc.NTC:
    """NTC with linear g_a(x) = x / step (no offset) and linear g_s(u, y) = step·u + 2·y."""
    m = ntc.NTC(1, 1, hidden=(), dim_y=dim_y, offset_heuristic=False)
    with torch.no_grad():
        m.g_a[0].weight.fill_(1 / step)
        m.g_a[0].bias.zero_()
        m.g_s[0].weight.copy_(torch.tensor([[step] + [2.0] * dim_y]))
        m.g_s[0].bias.zero_()
    return m


def test_scalar_quantizer_1d_of_a_uniform_quantizer():
    step = 0.75
    grid = np.linspace(-2.0, 2.0, 4001)  # spacing 1e-3
    t, k, pts = ntc.scalar_quantizer_1d(_uniform_ntc(step), grid)
    want = step * (np.arange(-3, 3) + 0.5)  # thresholds ±0.375, ±1.125, ±1.875 inside [-2, 2]
    np.testing.assert_allclose(t, want, atol=1e-3)
    np.testing.assert_array_equal(k, np.arange(-3, 4))
    np.testing.assert_allclose(pts, step * k, rtol=1e-6)
    with pytest.raises(ValueError, match="dim_y = 0"):
        ntc.scalar_quantizer_1d(_uniform_ntc(step, dim_y=1), grid)


def test_decoder_outputs_with_side_information():
    m = _uniform_ntc(0.5, dim_y=1)
    y = np.array([-1.0, 0.0, 1.0])
    out = ntc.decoder_outputs(m, [0, 3], y)
    assert out.shape == (2, 3, 1)
    np.testing.assert_allclose(out[:, :, 0], 0.5 * np.array([[0], [3]]) + 2 * y[None, :], rtol=1e-6)
    with pytest.raises(ValueError, match="y is required"):
        ntc.decoder_outputs(m, [0])
    with pytest.raises(ValueError, match="integers"):
        ntc.decoder_outputs(m, [0.5], y)


def test_contiguous_cells_and_their_posterior_given_y():
    from wzcore.quantization import cell_log_posterior
    from wzcore.sources import QuadraticGaussian, SignSideInfo

    step = 0.75
    cells = ntc.contiguous_cells(_uniform_ntc(step, dim_y=1), np.linspace(-4.0, 4.0, 8001))
    assert cells.K == 11 and cells.edges[0] == -np.inf and cells.edges[-1] == np.inf
    np.testing.assert_allclose(cells.edges[1:-1], step * (np.arange(-5, 5) + 0.5), atol=1e-3)
    np.testing.assert_array_equal(cells.position(np.array([-5, 0, 5])), [0, 5, 10])
    with pytest.raises(ValueError, match="widen x_grid"):
        cells.position(np.array([9]))
    # the posterior of the cell index given y: rows are pmfs, and the exact Gaussian cell masses
    src = QuadraticGaussian(1.0, 0.1)
    _, y = src.sample(4000, np.random.default_rng(0))
    log_q = cell_log_posterior(cells.edges, lambda e: src.x_cdf_given_y(e[None, :], y[:, None]))
    np.testing.assert_allclose(np.exp(log_q).sum(1), 1.0, atol=1e-12)
    m, v = src.posterior(y[:1])
    from scipy.stats import norm
    want = np.diff(norm.cdf(cells.edges, m[0], np.sqrt(v)))
    np.testing.assert_allclose(np.exp(log_q[0]), want, atol=1e-12)
    # sign side information: the cells on the other side of 0 are impossible
    sgn = SignSideInfo(1.0)
    log_s = cell_log_posterior(cells.edges, lambda e: sgn.x_cdf_given_y(e[None, :], np.array([[1.0]])))
    assert np.all(np.isneginf(log_s[0, :5])) and np.exp(log_s[0]).sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="edges"):
        cell_log_posterior(np.array([1.0, 0.0]), lambda e: np.zeros((1, 2)))


# ---- universal quantization (shared subtractive dither) ------------------------------------------------
@pytest.mark.parametrize("dim_x, dim_u, dim_y", [(1, 1, 0), (2, 2, 0), (1, 1, 1)])
def test_universal_round_trip_is_exact(dim_x, dim_u, dim_y):
    model = ntc.NTC(dim_x, dim_u, (8,), dim_y, seed=2)
    rng = np.random.default_rng(0)
    x = 3 * rng.standard_normal((500, dim_x))
    y = rng.standard_normal((500, dim_y)) if dim_y else None
    stream = model.compress_universal(x, seed=11)
    x_hat = model.decompress_universal(stream, 11, y)
    with torch.no_grad():
        u = model.g_a(torch.as_tensor(x, dtype=torch.float32))
        d = torch.as_tensor(ntc.universal_dither(11, 500, dim_u), dtype=torch.float32)
        u_hat = torch.round(u - d) + d
        yt = None if y is None else torch.as_tensor(y, dtype=torch.float32)
        torch.testing.assert_close(x_hat, model.synthesis(u_hat, yt))
    assert np.array_equal(ntc.universal_dither(11, 4, 1), ntc.universal_dither(11, 4, 1))
    assert np.all(np.abs(ntc.universal_dither(3, 1000, 2)) <= 0.5)


def test_universal_wrong_seed_and_damage_raise():
    model = ntc.NTC(1, 1, (8,), seed=1)
    x = np.random.default_rng(1).standard_normal((300, 1))
    stream = model.compress_universal(x, seed=5)
    with pytest.raises(ValueError, match="seed"):
        model.decompress_universal(stream, 6)
    bad = bytearray(stream)
    bad[len(bad) // 2] ^= 0x10
    with pytest.raises(CorruptStreamError):
        model.decompress_universal(bytes(bad), 5)
    with pytest.raises(ValueError):
        ntc.universal_dither(-1, 3, 1)


def test_universal_quantization_equals_the_noise_proxy():
    """û − u uniform and independent of u: rate −log2 P(k | d) and distortion match the additive-noise
    training terms within sampling error (Agustsson & Theis 2020), whatever the (here untrained) model."""
    model = ntc.NTC(1, 1, (8,), seed=3)
    x = 4 * np.random.default_rng(2).laplace(size=(20_000, 1))
    ev = ntc.evaluate_universal(model, x, seed=9)
    for a, b in (("rate_bits_model", "proxy_bits"), ("sse", "proxy_sse")):
        se = math.hypot(ev[{"rate_bits_model": "bits_se", "sse": "sse_se"}[a]], ev[b + "_se"])
        assert abs(ev[a] - ev[b]) < 5 * se, (a, ev[a], ev[b], se)
    assert ev["rate_bits_real"] > ev["rate_bits_model"]  # real bytes carry the frames
    assert ev["rate_bits_real"] < ev["rate_bits_model"] * 1.02 + 0.01
