"""Tests of wzcore.one_shot: shared randomness, channel simulation, the codes, importance matching."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from wzcore import coding
from wzcore import one_shot as O

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_shared_randomness_is_a_function_of_seed_block_chunk():
    s = O.SharedRandomness(7, "cpu")
    a, b = s.draw(0, 3, 4, 16, 8), s.draw(0, 3, 4, 16, 8)
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    c = s.draw(0, 4, 4, 16, 8)
    assert not torch.equal(a[0], c[0])
    z, lab, e = a
    assert lab.min() >= 0 and lab.max() < 8 and e.min() > 0 and z.dtype == torch.float64


def test_pfr_decoder_regenerates_an_exact_sample_of_p():
    var = 0.05
    mean = np.full(4000, 0.7)
    res = O.pfr_encode(mean, var, 1 + var, seed=3, device="cpu")
    u = O.pfr_decode(res.k, 1 + var, seed=3, device="cpu")
    np.testing.assert_array_equal(u, res.u)
    assert stats.kstest((u - 0.7) / math.sqrt(var), "norm").pvalue > 1e-3  # U_K ~ N(0.7, var) exactly
    wrong = O.pfr_decode(res.k, 1 + var, seed=4, device="cpu")
    assert not np.array_equal(wrong, res.u)  # a wrong seed gives other values (undetectable by itself)
    assert np.all(res.searched >= res.k)  # the search reaches the chosen index


def test_pfr_index_length_tracks_information():
    """E log2 K ≤ I + small: the Li–El Gamal argument (mean over a ~ N(0, 1))."""
    rng = np.random.default_rng(1)
    for info in (1.0, 3.0):
        var = 1 / (2 ** (2 * info) - 1)
        res = O.pfr_encode(rng.standard_normal(3000), var, 1 + var, seed=0, device="cpu")
        assert np.log2(res.k).mean() < info + math.log2(info + 1) + 1
        assert np.log2(res.k).mean() > info - 1.5


@pytest.mark.parametrize("bad", [dict(var=1.5, var_q=1.0), dict(var=-1.0, var_q=1.0)])
def test_pfr_rejects_bad_parameters(bad):
    with pytest.raises(ValueError, match="var"):
        O.pfr_encode(np.zeros(3), bad["var"], bad["var_q"], seed=0)


def test_index_code_round_trips_and_detects_damage():
    rng = np.random.default_rng(2)
    k = np.concatenate([[1, 2, 3, 2**40 + 5], rng.geometric(0.01, 500)])
    lam = O.zipf_exponent(4.0)
    s = O.encode_index(k, lam, seed=9)
    np.testing.assert_array_equal(O.decode_index(s, seed=9), k)
    with pytest.raises(ValueError, match="another shared seed"):
        O.decode_index(s, seed=10)
    bad = bytearray(s)
    bad[len(bad) // 2] ^= 0x10
    with pytest.raises(coding.CorruptStreamError):
        O.decode_index(bytes(bad))
    with pytest.raises(ValueError, match="k"):
        O.encode_index(np.array([0, 1]), lam, seed=0)


def test_label_code_is_log2_L_bits_per_sample():
    rng = np.random.default_rng(3)
    for L in (1, 2, 8, 64):
        lab = rng.integers(0, L, 1001)
        s = O.encode_labels(lab, L, seed=1)
        np.testing.assert_array_equal(O.decode_labels(s, seed=1), lab)
        assert len(s) == coding.FRAME_OVERHEAD + 9 + math.ceil(1001 * math.log2(L) / 8)
    with pytest.raises(ValueError, match="another shared seed"):
        O.decode_labels(s, seed=2)
    with pytest.raises(ValueError, match="power of 2"):
        O.encode_labels(np.zeros(3, int), 3, seed=0)
    with pytest.raises(coding.CorruptStreamError):
        O.decode_labels(O.encode_labels(np.zeros(8, int), 4, seed=0)[:-1])


def _race_match_probability(r1: np.ndarray, r2: np.ndarray, lab: np.ndarray) -> float:
    """P(decoder's choice = encoder's) for fixed proposals and labels, exact over the exponentials:
    Σ_j 1/(1 + Σ_{i≠j} m_ij), m_ij = max(r1_i/r1_j, [ℓ_i = ℓ_j] r2_i/r2_j)."""
    p = 0.0
    for j in range(r1.size):
        m = np.maximum(r1 / r1[j], np.where(lab == lab[j], r2 / r2[j], 0.0))
        p += 1.0 / (1.0 + m.sum() - m[j])
    return p


def test_race_selection_probabilities_on_tiny_N():
    """With N = 4 proposals the matching probability given the proposals and labels is exact (the
    exponentials integrated out); the simulation's match rate agrees within 4 standard errors."""
    model = O.GaussianIML(0.3, 0.5)
    n, N, L = 6000, 4, 2
    a = np.full(n, 0.4)
    t = np.full(n, 0.1)
    res = O.iml_run(model, a, t, N, L, seed=5, block=n, soft=False, device="cpu")
    z, lab, _ = O.SharedRandomness(5, "cpu").draw(0, 0, n, N, L)
    w = math.sqrt(model.var_q) * z
    r1 = torch.exp(model.log_r_a(w, torch.as_tensor(a)[:, None])).numpy()
    r2 = torch.exp(model.log_r_t(w, torch.as_tensor(t)[:, None])).numpy()
    exact = np.array([_race_match_probability(r1[i], r2[i], lab[i].numpy()) for i in range(n)])
    se = math.sqrt(exact.mean() * (1 - exact.mean()) / n)
    assert abs(res.match.mean() - exact.mean()) < 4 * se
    # the encoder's choice follows r1_j / Σ r1 (the exponential race)
    p_first = (r1[:, 0] / r1.sum(1)).mean()
    assert abs((res.j_enc == 0).mean() - p_first) < 4 * math.sqrt(p_first * (1 - p_first) / n)


def test_match_probability_agrees_with_a_large_N_simulation():
    model = O.GaussianIML(0.05, 0.5)
    a, t = model.sample(3000, np.random.default_rng(4))
    res = O.iml_run(model, a, t, 2**12, 4, seed=1, device="cpu")
    exact = O.match_probability(model, a, t, 4).mean()
    assert abs(res.match.mean() - exact) < 4 * math.sqrt(exact * (1 - exact) / a.size) + 0.02
    # the Poisson matching lemma's bound c <= rho / L makes the exact value larger than the bound's
    assert 0 < exact < 1


def test_match_probability_limits():
    a, t = np.array([0.3, -1.0]), np.array([0.2, -0.8])
    model = O.GaussianIML(0.01, 0.5)
    p1, p64 = O.match_probability(model, a, t, 1), O.match_probability(model, a, t, 2**20)
    assert np.all(p1 < p64) and np.all(p64 > 0.999)


def test_soft_decoder_is_no_worse_and_outputs_are_consistent():
    model = O.GaussianIML(0.03, 0.5)
    a, t = model.sample(1500, np.random.default_rng(6))
    res = O.iml_run(model, a, t, 2**11, 8, seed=2, device="cpu")
    mse_h, mse_s = np.mean((res.x_hard - a) ** 2), np.mean((res.x_soft - a) ** 2)
    assert mse_s < mse_h
    matched = res.match
    np.testing.assert_allclose(res.x_hard[matched], model.estimate(res.w_enc[matched], t[matched]))
    again = O.iml_run(model, a, t, 2**11, 8, seed=2, device="cpu")
    np.testing.assert_array_equal(again.x_soft, res.x_soft)  # reruns are identical


def test_iml_rejects_bad_parameters():
    model = O.GaussianIML(0.1)
    with pytest.raises(ValueError, match="n_proposals"):
        O.iml_run(model, np.zeros(2), np.zeros(2), 3000, 2, seed=0, chunk=1024)
    with pytest.raises(ValueError, match="a and t"):
        O.iml_run(model, np.zeros(2), np.zeros(3), 16, 2, seed=0)
    with pytest.raises(ValueError, match="var_w"):
        O.GaussianIML(0.0)
