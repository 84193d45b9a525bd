"""Tests of wzcore.binning: the argmin encoder against brute force, the exact posterior y | x against Monte
Carlo, the chunked all-K pass, reproducibility, entropy-coded indices, analysis maps, parameter errors."""

from __future__ import annotations

import functools
import math
import pickle

import numpy as np
import pytest
import torch

from wzcore import binning as B
from wzcore import coding, rd, training
from wzcore.sources import QuadraticGaussian, SignSideInfo

pytestmark = pytest.mark.usefixtures("one_torch_thread")

GAUSS_FORMS = [QuadraticGaussian(1.0, 0.1, "y=x+n"), QuadraticGaussian(1.0, 0.3, "x=y+n")]


def _model(prior: str, K: int = 5, seed: int = 0, lam: float = 3.0, dim: int = 1) -> B.BinningVQ:
    """A small model with every parameter perturbed (non-uniform prior, decoder far from its init)."""
    m = B.BinningVQ(K, lam, prior=prior, hidden=(16, 16), prior_hidden=(8,), dim_x=dim, dim_y=dim, seed=seed)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.5 * torch.randn(p.shape, generator=gen))
    return m


# ---- encoder ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prior", B.PRIORS)
def test_argmin_encoder_matches_brute_force(prior):
    src = GAUSS_FORMS[0]
    m = _model(prior)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 1))
    for ygx in (B.YGivenX(src, "gh", 3), B.YGivenX(src, "mc", 5)):
        yn, w = ygx.nodes(x, rng)
        costs = m.encoder_costs(x, yn, w).numpy()
        brute = np.zeros((x.shape[0], m.K))
        with torch.no_grad():
            for b in range(x.shape[0]):
                for k in range(m.K):
                    ks = np.full(yn.shape[1], k)
                    y = yn[b]  # (N, 1)
                    xh = m.decode(ks, y).double().numpy()[:, 0]
                    r = m.bits(ks, y).double().numpy()
                    brute[b, k] = np.sum(w[b] * (r + m.lam * (x[b, 0] - xh) ** 2))
        np.testing.assert_allclose(costs, brute, rtol=1e-5, atol=1e-4)
        np.testing.assert_array_equal(m.encode_nodes(x, yn, w).numpy(), brute.argmin(1))


@pytest.mark.parametrize("prior", B.PRIORS)
def test_chunked_all_k_pass_equals_plain(prior):
    m = _model(prior, K=7, dim=2)
    src = B.IIDVector(GAUSS_FORMS[1], 2)
    x, _ = src.sample(33, np.random.default_rng(1))
    yn, w = B.YGivenX(src, "gh", 2).nodes(x)
    plain = m.encoder_costs(x, yn, w, chunk=None)
    for chunk in (1, 4, 9, 50):
        torch.testing.assert_close(m.encoder_costs(x, yn, w, chunk=chunk), plain, rtol=1e-6, atol=1e-5)
    # decode_all (the one-hot-free first layer) equals the literal one-hot decoder
    y = yn.reshape(-1, 2)[:10]
    alls = m.decode_all(y)
    for k in range(m.K):
        torch.testing.assert_close(alls[:, k], m.decode(np.full(10, k), y), rtol=1e-6, atol=1e-6)


# ---- the exact posterior y | x ------------------------------------------------------------------------
@pytest.mark.parametrize("src", GAUSS_FORMS, ids=lambda s: s.form)
def test_gauss_hermite_posterior_matches_monte_carlo(src):
    """GH expectation over the exact y | x equals Monte Carlo from the joint sampler (x = y + n included)."""
    rng = np.random.default_rng(2)
    n = 400_000
    xs, ys = src.sample(n, rng)
    # The posterior law from the joint samples: Y | X = x is Gaussian with mean a·x and variance s²
    a_mc = np.dot(xs, ys) / np.dot(xs, xs)
    s2_mc = np.var(ys - a_mc * xs)
    x0 = np.array([[-1.3], [0.2], [2.0]])
    yn, w = B.YGivenX(src, "gh", 6).nodes(x0)
    mean = (w * yn[..., 0]).sum(1)
    var = (w * yn[..., 0] ** 2).sum(1) - mean**2
    np.testing.assert_allclose(mean, a_mc * x0[:, 0], atol=4e-3)
    np.testing.assert_allclose(var, s2_mc, rtol=1e-2)
    # a nonlinear expectation: GH against Monte Carlo draws of y | x
    f = np.tanh
    yd, wd = B.YGivenX(src, "mc", 100_000).nodes(x0, rng)
    yn, w = B.YGivenX(src, "gh", 24).nodes(x0)
    gh = (w * f(3 * yn[..., 0])).sum(1)
    mc = (wd * f(3 * yd[..., 0])).sum(1)
    np.testing.assert_allclose(gh, mc, atol=6e-3)


def test_posterior_nodes_vector_and_sign():
    src = B.IIDVector(GAUSS_FORMS[1], 2)
    ygx = B.YGivenX(src, "gh", 3)
    x = np.array([[0.5, -1.0]])
    yn, w = ygx.nodes(x)
    assert yn.shape == (1, 9, 2) and ygx.n_nodes == 9
    assert w.sum() == pytest.approx(1.0)
    mean, var = GAUSS_FORMS[1].y_posterior(x)
    np.testing.assert_allclose((w[..., None] * yn).sum(1), mean, atol=1e-12)
    np.testing.assert_allclose((w[..., None] * (yn - mean[:, None]) ** 2).sum(1), var + 0 * mean, atol=1e-12)
    mc = B.YGivenX(src, "mc", 4).nodes(x, np.random.default_rng(0))[0]
    assert mc.shape == (1, 4, 2)
    ys, wsg = B.YGivenX(SignSideInfo()).nodes(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(ys[:, 0, 0], [-1.0, 1.0, 1.0])
    np.testing.assert_array_equal(wsg, np.ones((3, 1)))


# ---- training, reproducibility, coding ----------------------------------------------------------------
def _tiny_fit(seed: int, **kw):
    args = dict(K=4, batch=32, warmup_steps=20, hidden=(8, 8), prior_hidden=(8,), seed=seed, progress=False,
                device="cpu", log_every=5)
    args.update(kw)
    return B.fit_binning(GAUSS_FORMS[0], 20.0, 15, **args)


@pytest.mark.parametrize("warmup", B.WARMUPS)
def test_same_seed_same_result(warmup):
    a, b, c = _tiny_fit(3, warmup=warmup), _tiny_fit(3, warmup=warmup), _tiny_fit(4, warmup=warmup)
    sa, sb, sc = a.model.state_dict(), b.model.state_dict(), c.model.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)
    assert a.rd.loss == b.rd.loss and a.rd.metrics == b.rd.metrics
    assert (a.warmup is None) == (warmup == "none")


def test_prior_lr_scale_is_a_learning_rate():
    """θ = c·θ_raw under Adam: one step moves the logits by about c·lr (Adam's first step is lr·sign(g))."""
    m = B.BinningVQ(4, 1.0, prior_lr_scale=10.0)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    before = m.log2_prior().detach().clone()
    logits0 = m.prior_net.logits.detach().clone()
    m.bits(np.array([0, 0, 1])).mean().backward()
    opt.step()
    step = (m.prior_net.logits.detach() - logits0).abs()
    torch.testing.assert_close(step, torch.full((4,), 1e-2), rtol=1e-3, atol=1e-6)
    assert not torch.equal(before, m.log2_prior())


@pytest.mark.parametrize("prior", B.PRIORS)
def test_entropy_coded_indices_round_trip(prior):
    fit = _tiny_fit(0, prior=prior)
    src = GAUSS_FORMS[0]
    r = B.evaluate(fit.model, src, 3000, np.random.default_rng(5), n_pmf=2000)  # round trip checked inside
    assert r["rate_real"] * 3000 >= r["rate_ideal"] * 3000 - 1e-9
    assert r["rate_real"] - r["rate_ideal"] < 8 * (coding.HEADER_BYTES + 8) / 3000
    assert 0 <= r["H_K"] <= math.log2(4) + 1e-12 and r["mse_db"] < 10 * math.log10(1.0)
    assert ("rate_cond_ideal" in r) == (prior == "conditional")
    x, _ = src.sample(500, np.random.default_rng(6))
    k = B.encode(fit.model, x, B.YGivenX(src))
    y_ref = src.sample(100, np.random.default_rng(7))[1]
    pmf = fit.model.marginal_pmf(y_ref)
    assert pmf.sum() == pytest.approx(1.0)
    q = fit.model.index_pmf(y_ref)
    assert q.shape == (100, 4)
    np.testing.assert_allclose(q.mean(0), pmf, rtol=1e-5)
    np.testing.assert_array_equal(coding.decode_categorical(coding.encode_categorical(k, pmf), pmf), k)


def test_sign_and_vector_sources_evaluate():
    s = SignSideInfo()
    fit = B.fit_binning(s, 5.0, 10, K=4, batch=32, warmup_steps=5, hidden=(8,), seed=0, progress=False,
                        device="cpu")
    r = B.evaluate(fit.model, s, 2000, np.random.default_rng(0))
    assert r["H_K_given_Y"] <= r["H_K"] + 1e-12 and r["I_KY"] >= -1e-12
    v = B.IIDVector(GAUSS_FORMS[0], 2)
    fit = B.fit_binning(v, 5.0, 5, K=4, batch=16, warmup="one_label", warmup_steps=5, hidden=(8,),
                        prior="conditional", prior_hidden=(4,), seed=0, progress=False, device="cpu")
    r = B.evaluate(fit.model, v, 500, np.random.default_rng(0), n_pmf=200)
    assert r["sse"] == pytest.approx(2 * r["mse"])


@pytest.mark.parametrize("prior", B.PRIORS)
def test_expected_rd_terms_are_the_encoder_costs_at_k(prior):
    """The 'expected' loss is the argmin's own objective: its per-sample value at k equals C[b, k]."""
    m = _model(prior)
    src = GAUSS_FORMS[0]
    x, _ = src.sample(7, np.random.default_rng(0))
    yn, w = B.YGivenX(src, "mc", 5).nodes(x, np.random.default_rng(1))
    k = np.arange(7) % m.K
    t = m.expected_rd_terms(x, yn, w, k)
    cost = m.encoder_costs(x, yn, w, chunk=None)[torch.arange(7), torch.as_tensor(k)]
    torch.testing.assert_close((t["bits"] + m.lam * t["sse"]).detach(), cost, rtol=1e-5, atol=1e-4)
    # a single node at the true y is the sampled loss
    y = src.sample_y_given_x(x, np.random.default_rng(2), 1)
    one = m.expected_rd_terms(x, y[:, :, None], np.ones((7, 1)), k)
    torch.testing.assert_close(one["loss"], m.rd_terms(x, y[:, 0], k)["loss"])


def test_fit_with_expected_loss_is_seeded_and_differs():
    a = _tiny_fit(0, loss_distortion="expected", expectation="mc")
    b = _tiny_fit(0, loss_distortion="expected", expectation="mc")
    c = _tiny_fit(0, expectation="mc")
    assert a.rd.loss == b.rd.loss and a.rd.loss != c.rd.loss


def test_contiguous_K_is_the_high_rate_cell_count():
    # Δ² = 6/(λ ln 2): at λ = 1000, Δ = 0.0930 and ±4 needs ⌈8/0.0930⌉ = 86 cells
    delta = math.sqrt(6 / (1000 * math.log(2)))
    assert B.contiguous_K(1000.0) == math.ceil(8 / delta)
    assert B.contiguous_K(4000.0) > B.contiguous_K(1000.0) > B.contiguous_K(300.0)
    assert B.contiguous_K(1e-6) == 2
    with pytest.raises(ValueError, match="lam must be"):
        B.contiguous_K(0.0)


def test_sw_blocks_round_trip_through_the_multilevel_coder():
    from wzcore import swc_nq

    fit = _tiny_fit(0, prior="conditional")
    blocks = B.sw_blocks(fit.model, GAUSS_FORMS[0], 2000, 2, np.random.default_rng(3))
    assert len(blocks) == 2
    k, log_q = blocks[0]
    assert k.shape == (2000,) and log_q.shape == (2000, fit.model.K)
    np.testing.assert_allclose(np.exp(log_q).sum(1), 1.0, rtol=1e-9)
    coder = swc_nq.MultilevelSW(2000)  # shipped codes
    res = coder.encode(k, log_q)
    np.testing.assert_array_equal(coder.decode(res.stream, log_q), k)
    np.testing.assert_array_equal(coder.code_with_feedback(k, log_q).k, k)
    again = B.sw_blocks(fit.model, GAUSS_FORMS[0], 2000, 2, np.random.default_rng(3))
    np.testing.assert_array_equal(again[1][0], blocks[1][0])
    # relabelled: the same samples, k → label[k], and the posterior's columns follow the labels
    label = B.centroid_order(fit.model, GAUSS_FORMS[0], 2000, np.random.default_rng(4))
    moved = B.sw_blocks(fit.model, GAUSS_FORMS[0], 2000, 2, np.random.default_rng(3), label=label)
    np.testing.assert_array_equal(moved[0][0], label[k])
    np.testing.assert_allclose(moved[0][1][np.arange(2000), moved[0][0]], log_q[np.arange(2000), k])
    with pytest.raises(ValueError, match="permutation"):
        B.sw_blocks(fit.model, GAUSS_FORMS[0], 100, 1, np.random.default_rng(3), label=np.zeros(4, int))


def test_centroid_order_sorts_indices_by_their_mean_x():
    m = _model("marginal", K=5)
    src = GAUSS_FORMS[0]
    label = B.centroid_order(m, src, 4000, np.random.default_rng(0))
    assert sorted(label) == list(range(5))
    x, _ = src.sample(4000, np.random.default_rng(1))
    k = label[B.encode(m, x, B.YGivenX(src))]
    means = [x[k == j].mean() for j in range(5) if np.any(k == j)]
    assert means == sorted(means)


# ---- analysis -----------------------------------------------------------------------------------------
def test_intervals_periodicity_folding_on_known_maps():
    g = np.linspace(-4, 4, 8001)
    w = B.cell_weights(GAUSS_FORMS[0], g)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    periodic = (np.floor(g / 0.1).astype(int)) % 5  # 5 indices, period 0.5
    counts = rd.intervals_per_index(periodic, w, 1e-3)
    assert set(counts) == set(range(5)) and min(counts.values()) >= 10
    assert B.binning_summary(periodic, w)["frac_multi"] == 1.0
    per = B.periodicity(g, periodic, w)
    assert per["period"] == pytest.approx(0.5, abs=1.5e-3) and per["agreement"] > 0.99
    contiguous = np.searchsorted(np.linspace(-2, 2, 9), g)
    s = B.binning_summary(contiguous, w)
    assert s["frac_multi"] == 0.0 and s["intervals_per_used"] == 1.0
    assert B.periodicity(g, contiguous, w)["agreement"] < 0.05
    folded = np.searchsorted(np.linspace(0, 2, 5), np.abs(g))
    assert B.folding_fraction(g, folded, w) == 1.0
    assert B.sign_sharing(g, folded, w) == pytest.approx(1.0, abs=1e-3)  # all but the x = 0 point
    shifted = np.searchsorted(np.linspace(0, 2, 5), np.where(g < 0, -g + 0.25, g))  # shared, not mirrored
    assert B.sign_sharing(g, shifted, w) == pytest.approx(1.0, abs=1e-3) and B.folding_fraction(g, shifted, w) < 0.7
    assert B.sign_sharing(g, contiguous, w) < 0.2


def test_decoder_vs_mmse_tower_property():
    """Σ_k P(k | y) E[X | k, y] = E[X | y]: the cell quadrature integrates the exact posterior."""
    src = GAUSS_FORMS[0]
    m = _model("marginal", K=6, lam=30.0)
    g = np.linspace(-6, 6, 6001)
    yv = np.array([-1.0, 0.3, 1.7])
    d = B.decoder_vs_mmse(m, src, yv, g)
    assert d["g"].shape == d["mmse"].shape == (d["k"].size, 3)
    np.testing.assert_allclose(d["p_k_given_y"].sum(0), 1.0)
    tower = np.nansum(d["p_k_given_y"] * d["mmse"], axis=0)
    np.testing.assert_allclose(tower, src.posterior(yv)[0], atol=1e-4)
    assert np.all(d["gap"] >= 0)
    km = B.encoder_map(m, src, g)
    assert set(np.unique(km)) == set(d["k"])
    assert B.encoder_map(m, src, g, y=0.5).shape == g.shape


# ---- errors -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, match", [
    (dict(K=1), "K must be"), (dict(lam=0.0), "lam must be"), (dict(prior="joint"), "prior must be"),
    (dict(hidden=()), "hidden must be"), (dict(prior_lr_scale=-1.0), "prior_lr_scale must be"),
    (dict(dim_x=0), "dim_x must be"),
])
def test_model_bad_parameters(kwargs, match):
    args = dict(K=4, lam=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        B.BinningVQ(**args)


@pytest.mark.parametrize("kwargs, match", [
    (dict(warmup="labels"), "warmup must be one of"), (dict(steps=0), "steps must be"),
    (dict(batch=0), "batch must be"), (dict(chunk=0), "chunk must be"), (dict(expectation="qmc"), "method must"),
    (dict(expectation="exact"), "method='exact'"), (dict(prior_lr=0.0), "prior_lr must be"),
    (dict(warmup_repeat=0), "warmup_repeat must be"), (dict(lam=math.inf), "lam must be"),
    (dict(loss_distortion="true"), "loss_distortion must be one of"),
])
def test_fit_bad_parameters(kwargs, match):
    args = dict(lam=1.0, steps=1, progress=False, device="cpu")
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        B.fit_binning(GAUSS_FORMS[0], **args)


def test_analysis_bad_parameters():
    g = np.linspace(-1, 1, 11)
    k = np.zeros(11, dtype=int)
    w = np.full(11, 1 / 11)
    with pytest.raises(ValueError, match="min_mass must be"):
        rd.intervals_per_index(k, w, 1.0)
    with pytest.raises(ValueError, match="x_grid must be strictly increasing"):
        B.cell_weights(GAUSS_FORMS[0], g[::-1])
    with pytest.raises(ValueError, match="uniform"):
        B.periodicity(g**3, k, w)
    with pytest.raises(ValueError, match="scalar model"):
        B.encoder_map(_model("marginal", dim=2), GAUSS_FORMS[0], g)
    with pytest.raises(ValueError, match="rng must be"):
        B.YGivenX(GAUSS_FORMS[0], "mc").nodes(g)
    with pytest.raises(ValueError, match=r"k must be a 1-D integer array with values in \[0, 3\]"):
        B.BinningVQ(4, 1.0).decode(np.array([4]), np.zeros((1, 1)))


def test_model_pickles_through_its_state_dict():
    """Parametrized modules refuse pickle; BinningVQ pickles as (constructor arguments, state dict)."""
    for prior in B.PRIORS:
        fit = _tiny_fit(2, prior=prior)
        copy = pickle.loads(pickle.dumps(fit))
        sa, sb = fit.model.state_dict(), copy.model.state_dict()
        assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
        y = np.linspace(-2, 2, 7)[:, None]
        torch.testing.assert_close(copy.model.decode_all(y), fit.model.decode_all(y), rtol=0, atol=0)
        torch.testing.assert_close(copy.model.log2_prior(y), fit.model.log2_prior(y), rtol=0, atol=0)


def test_fit_parallel_equals_sequential():
    """Two spawned workers return the models a sequential run gives, bit for bit, in the order of the jobs."""
    jobs = {(prior, seed): functools.partial(B.fit_binning, GAUSS_FORMS[0], lam=20.0, steps=15, K=4,
                                             batch=32, warmup_steps=20, hidden=(8, 8), prior_hidden=(8,),
                                             prior=prior, seed=seed, progress=False, device="cpu")
            for prior in B.PRIORS for seed in (0, 1)}
    par = training.fit_parallel(jobs, workers=2, threads=1)
    seq = training.fit_parallel(jobs, workers=1, threads=1)
    assert list(par) == list(jobs) == list(seq)
    for key in jobs:
        sa, sb = par[key].model.state_dict(), seq[key].model.state_dict()
        assert all(torch.equal(sa[k], sb[k]) for k in sa), key
        assert par[key].rd.loss == seq[key].rd.loss
    bad = {"ok": jobs[("marginal", 0)], "bad": functools.partial(jobs[("marginal", 0)], lam=-1.0)}
    with pytest.raises(ValueError, match="lam") as info:
        training.fit_parallel(bad, workers=2)
    assert "job 'bad'" in "".join(getattr(info.value, "__notes__", []))
