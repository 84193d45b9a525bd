"""Tests of wzcore.two_terminal: the region's closed forms against the Berger–Tung test channels and their
limiting cases, the two-encoder argmin against brute force, training, and the pair's Slepian–Wolf coding."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from wzcore import swc_nq as swnq
from wzcore import two_terminal as tt
from wzcore.sources import GaussianPair


@pytest.mark.parametrize("rho", [0.5, 0.9, 0.99])
@pytest.mark.parametrize("d1, d2", [(0.1, 0.1), (0.05, 0.2), (0.01, 0.01), (0.3, 0.02)])
def test_min_sum_rate_equals_test_channel_optimum(rho, d1, d2):
    assert tt.min_sum_rate(d1, d2, rho) == pytest.approx(tt.berger_tung_sum_rate_numeric(d1, d2, rho), abs=1e-5)
    assert tt.min_sum_rate(d1, d2, rho) >= tt.sum_rate_bound(d1, d2, rho) - 1e-12  # the constraint is a bound


def test_sum_constraint_is_the_sum_rate_when_both_distortions_bind():
    for rho in (0.3, 0.8, 0.95):
        assert tt.min_sum_rate(0.02, 0.03, rho) == pytest.approx(tt.sum_rate_bound(0.02, 0.03, rho), abs=1e-9)


def test_limiting_cases():
    d1, d2 = 0.05, 0.1
    # rho = 0: two separate rate-distortion functions
    assert tt.min_sum_rate(d1, d2, 0.0) == pytest.approx(0.5 * math.log2(1 / (d1 * d2)), abs=1e-9)
    assert tt.sum_rate_bound(d1, d2, 0.0) == pytest.approx(0.5 * math.log2(1 / (d1 * d2)), abs=1e-12)
    assert tt.beta(d1, d2, 0.0) == 2.0
    # R2 -> infinity: R1's constraint is the Wyner-Ziv rate of X1 with X2 at the decoder
    for rho in (0.5, 0.9):
        wz = 0.5 * math.log2((1 - rho**2) / d1)
        assert tt.r_single(60.0, d1, rho) == pytest.approx(wz, abs=1e-12)
        assert math.isinf(tt.min_r2(wz - 1e-6, d1, d2, rho))
        assert math.isfinite(tt.min_r2(wz + 1e-6, d1, d2, rho))
        # R1 = R(D1): X1 alone; then R2 need only be the Wyner-Ziv rate of X2 given the quantized X1
        r1 = 0.5 * math.log2(1 / d1)
        assert tt.min_r2(r1, d1, d2, rho) == pytest.approx(
            max(tt.r_single(r1, d2, rho), tt.sum_rate_bound(d1, d2, rho) - r1), abs=1e-12)
    ref = tt.reference_rates(d1, d2, 0.9)
    assert ref["wz1"] < ref["p2p1"] and ref["bt_sum"] < ref["p2p_sum"]


def test_berger_tung_gaussian_corner():
    """q1 = inf (encoder 1 silent): D1 = 1 − ρ² (1 − D2) — X1 estimated from encoder 2's description."""
    rho, q2 = 0.8, 0.25
    r = tt.berger_tung_gaussian(math.inf, q2, rho)
    d2 = q2 / (1 + q2)
    assert r["D2"] == pytest.approx(d2) and r["D1"] == pytest.approx(1 - rho**2 * (1 - d2))
    assert r["R1"] == pytest.approx(0.0, abs=1e-12) and r["sum"] == pytest.approx(0.5 * math.log2(1 / d2))


@pytest.mark.parametrize("bad", [dict(D1=0.0, D2=0.1, rho=0.5), dict(D1=0.1, D2=-1.0, rho=0.5),
                                 dict(D1=0.1, D2=0.1, rho=1.0), dict(D1=0.1, D2=0.1, rho=float("nan"))])
def test_bad_input_raises(bad):
    with pytest.raises(ValueError):
        tt.min_sum_rate(**bad)
    with pytest.raises(ValueError):
        tt.sum_rate_bound(**bad)


def _tiny(prior="joint", rho=0.9, seed=0):
    src = GaussianPair(rho)
    model = tt.TwoEncoderVQ(3, 4, 5.0, 7.0, prior=prior, hidden=(8,), seed=seed)
    return src, model, tt.PairGrid(src, 41, 4.0)


@pytest.mark.parametrize("prior", tt.PRIORS)
@pytest.mark.parametrize("side", [1, 2])
def test_encoder_argmin_equals_brute_force(prior, side):
    """The scatter-add form of the expected cost against the cost summed cell by cell, for every k."""
    _, model, grid = _tiny(prior)
    rng = np.random.default_rng(3)
    K_oth = model.K2 if side == 1 else model.K1
    other = rng.integers(0, K_oth, grid.n)
    x = rng.normal(size=7)
    costs = tt.encoder_costs(model, grid, side, x, other).double().numpy()
    with torch.no_grad():
        g, r = model.decode_table().double().numpy(), model.rate_table().double().numpy()
    w = grid.weights(x)
    lam_own, lam_oth = (model.lam1, model.lam2) if side == 1 else (model.lam2, model.lam1)
    K_own = model.K1 if side == 1 else model.K2
    brute = np.zeros((x.size, K_own))
    for b in range(x.size):
        for k in range(K_own):
            for j, m in enumerate(other):
                pair = (k, m) if side == 1 else (m, k)
                own, oth = (g[pair][0], g[pair][1]) if side == 1 else (g[pair][1], g[pair][0])
                brute[b, k] += w[b, j] * (r[pair] + lam_own * (x[b] - own) ** 2 + lam_oth * (grid.x[j] - oth) ** 2)
    # equal up to terms free of k: compare the differences to the row minimum, and the argmins
    np.testing.assert_allclose(costs - costs.min(1, keepdims=True), brute - brute.min(1, keepdims=True),
                               atol=2e-4 * max(1.0, np.abs(brute).max()))
    assert np.array_equal(costs.argmin(1), brute.argmin(1))
    assert np.array_equal(tt.encode(model, grid, side, x, other), brute.argmin(1))


def test_grid_weights_and_nearest():
    _, _, grid = _tiny()
    w = grid.weights([0.3, -2.0])
    np.testing.assert_allclose(w.sum(1), 1.0)
    np.testing.assert_allclose(w @ grid.x, 0.9 * np.array([0.3, -2.0]), atol=1e-3)  # E[X2 | X1] = ρ x1
    assert np.array_equal(grid.nearest([-4.0, 4.0, 0.0, 99.0]), [0, 40, 20, 40])
    assert grid.weights() is grid.weights()  # computed once


def test_model_rates_and_validation():
    _, model, _ = _tiny("joint")
    np.testing.assert_allclose(model.pmf().sum(), 1.0)
    np.testing.assert_allclose(model.rate_table().detach().numpy(), math.log2(12), rtol=1e-6)  # uniform start
    _, sep, _ = _tiny("separate")
    np.testing.assert_allclose(sep.bits([0, 2], [3, 1]).detach().numpy(), math.log2(12), rtol=1e-6)
    with pytest.raises(ValueError, match="prior"):
        tt.TwoEncoderVQ(prior="both")
    with pytest.raises(ValueError, match="k2"):
        model.decode([0], [4])
    with pytest.raises(ValueError, match="other_map"):
        tt.encoder_costs(model, tt.PairGrid(GaussianPair(0.5), 41, 4.0), 1, [0.0], np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="side"):
        tt.encode(model, tt.PairGrid(GaussianPair(0.5), 41, 4.0), 3, [0.0], np.zeros(41, dtype=int))


FIT_KW = dict(K1=16, K2=16, warmup_steps=50, n_grid=201, hidden=(32,), progress=False, seed=4)


@pytest.fixture(scope="module")
def fit():
    return tt.fit_two_encoders(GaussianPair(0.95), 20.0, 20.0, 150, **FIT_KW)


def test_fit_is_reproducible_and_learns(fit):
    b = tt.fit_two_encoders(GaussianPair(0.95), 20.0, 20.0, 150, **FIT_KW)
    assert np.array_equal(fit.map1, b.map1) and np.array_equal(fit.map2, b.map2)
    assert fit.rd.loss == b.rd.loss
    assert fit.rd.loss[-1] < fit.rd.loss[0]
    ev = tt.evaluate(fit, 4000, np.random.default_rng(0))
    assert ev["mse1"] < 0.5 and ev["mse2"] < 0.5  # better than the zero-rate 1.0 by far
    assert ev["H12"] <= ev["H1"] + ev["H2"] + 1e-9
    assert ev["r1_sep"] >= ev["H1"] - 0.05  # real bytes do not beat the entropy
    # the model pickles (fit_parallel returns models from worker processes)
    import pickle
    m2 = pickle.loads(pickle.dumps(fit.model))
    torch.testing.assert_close(m2.decode_table(), fit.model.decode_table())


def test_pair_slepian_wolf_round_trip(fit):
    """K2 Slepian–Wolf coded with p(k2 | k1) at the decoder decodes back exactly, with every bit counted."""
    blocks = tt.sw_pair_blocks(fit, 2000, 1, np.random.default_rng(2))
    coder = swnq.MultilevelSW(2000)
    for k2, log_q in blocks:
        assert log_q.shape == (2000, 16)
        np.testing.assert_allclose(np.exp(log_q).sum(1), 1.0)
        res = coder.code_with_feedback(k2, log_q)
        assert np.array_equal(res.k, k2)
        assert res.forward_bits > 0
    with pytest.raises(ValueError):
        tt.sw_pair_blocks(fit, 0, 1, np.random.default_rng(0))
