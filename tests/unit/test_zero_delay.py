"""Tests of wzcore.zero_delay: the source's statistics, the closed loop, the two designs, the bound."""

from __future__ import annotations

import numpy as np
import pytest

from wzcore import zero_delay as zd

SRC = zd.GaussMarkovSI(0.9, 0.5)


def _data(seed: int, n_seq: int = 60, T: int = 80):
    return SRC.sample(n_seq, T, np.random.default_rng(seed))


def test_source_is_stationary_with_the_stated_correlation():
    x, y = SRC.sample(4000, 30, np.random.default_rng(1))
    assert np.var(x[:, -1]) == pytest.approx(1.0, abs=0.06)
    assert np.mean(x[:, 1:] * x[:, :-1]) == pytest.approx(0.9, abs=0.03)
    assert np.var(y - x) == pytest.approx(0.5, abs=0.02)


def test_genie_conditional_variance_matches_a_regression_on_samples():
    x, y = SRC.sample(20_000, 3, np.random.default_rng(2))
    A = np.stack([x[:, 1], y[:, 2]], axis=1)  # regress X_t on (X_{t-1}, Y_t)
    coef, *_ = np.linalg.lstsq(A, x[:, 2], rcond=None)
    assert np.var(x[:, 2] - A @ coef) == pytest.approx(SRC.genie_cond_var, rel=0.04)
    assert SRC.genie_cond_var < SRC.memoryless_cond_var
    assert SRC.genie_mse(1.0) == pytest.approx(SRC.genie_cond_var / 4)


def test_fine_quantization_with_many_cosets_has_the_uniform_error_and_no_bin_errors():
    x, y = _data(3)
    d = zd.Design(step=0.1, M=64, var_e=0.2)
    run = zd.simulate([d], SRC, x, y)
    assert run.bin_errors[0] == 0
    assert run.mse[0] == pytest.approx(0.1**2 / 12, rel=0.15)  # E[(e - centroid)^2] ~ step^2 / 12
    # the encoder's innovation: prediction from the quantized past, Var ~ (1 - a^2) + a^2 step^2/12
    assert run.var_e[0] == pytest.approx(0.19 + 0.81 * 0.1**2 / 12, rel=0.08)


def test_a_bin_error_desynchronises_the_states_and_costs_distortion():
    x, y = _data(4)
    coarse = zd.simulate([zd.Design(step=0.3, M=2, var_e=0.2)], SRC, x, y)
    safe = zd.simulate([zd.Design(step=0.3, M=16, var_e=0.2)], SRC, x, y)
    assert coarse.bin_errors[0] > 0.01 and safe.bin_errors[0] == 0
    assert coarse.mse[0] > 3 * safe.mse[0]


def test_memoryless_design_ignores_the_past():
    x, y = _data(5)
    d = zd.Design(step=0.5, M=8, var_e=1.0, predict=False)
    run = zd.simulate([d], SRC, x, y)
    # without prediction the "innovation" is X itself
    assert run.var_e[0] == pytest.approx(np.mean(x[:, 1:] ** 2), rel=1e-9)  # E[e^2], steady state
    np.testing.assert_array_equal(run.k[0], np.mod(np.floor(x / 0.5 + 0.5), 8))


def test_evaluate_codes_real_bits_that_decode_and_respect_the_bound():
    x, y = _data(6)
    xt, yt = _data(7)
    p = zd.evaluate(zd.Design(step=0.6, M=8, var_e=0.22), SRC, x, y, xt, yt)
    assert p.exact
    assert p.rate_ideal <= p.rate_code + 1e-12 and p.rate_code < p.rate_ideal + 1
    assert p.rate_real > p.rate_code  # framing and padding
    assert p.mse > SRC.genie_mse(p.rate_code)
    assert p.lagrangian(10.0) == pytest.approx(p.rate_code + 10 * p.mse)
    assert zd.lagrangian_gap(p, p, 10.0) == (0.0, 0.0)
    assert p.seq_bits.mean() == pytest.approx(p.rate_code)


def test_iterative_design_settles_and_matches_the_exhaustive_search_on_its_training_data():
    x, y = _data(8)
    steps, Ms = np.geomspace(0.15, 2.0, 10), range(2, 13)
    ex, n_ex = zd.design_exhaustive(SRC, 24.0, steps, Ms, x, y)
    it, n_it = zd.design_iterative(SRC, 24.0, steps, Ms, x, y)
    assert n_ex == 10 * 11 + 10  # every grid point plus one innovation-variance run per step
    assert n_it < n_ex / 3
    assert it.var_e == zd.innovation_variance([it.step], SRC, x, y)[it.step]  # run on its own s2
    J = {}
    for name, d in (("ex", ex), ("it", it)):
        J[name] = zd.evaluate(d, SRC, x, y, x, y).lagrangian(24.0)
    assert J["it"] <= 1.02 * J["ex"]
    again = zd.design_iterative(SRC, 24.0, steps, Ms, x, y)
    assert again[0] == it  # deterministic


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="a"):
        zd.GaussMarkovSI(1.0, 0.5)
    with pytest.raises(ValueError, match="var_z"):
        zd.GaussMarkovSI(0.5, 0.0)
    with pytest.raises(ValueError, match="M"):
        zd.Design(0.5, 1, 0.2)
    x, y = _data(9, 4, 5)
    with pytest.raises(ValueError, match="shape"):
        zd.simulate([zd.Design(0.5, 4, 0.2)], SRC, x, y[:, :3])
    with pytest.raises(ValueError, match="Ms"):
        zd.design_iterative(SRC, 1.0, [0.5], [1, 2], x, y)
    with pytest.raises(ValueError, match="steps"):
        zd.design_exhaustive(SRC, 1.0, [0.5, 0.4], [2, 3], x, y)
    with pytest.raises(ValueError, match="finite"):
        zd.simulate([zd.Design(0.5, 4, 0.2)], SRC, np.where(x > 0, np.nan, x), y)
    with pytest.raises(ValueError, match="rate"):
        SRC.genie_mse(float("nan"))
    with pytest.raises(ValueError, match="T"):
        SRC.sample(3, 1, np.random.default_rng(0))


def test_a_gap_needs_the_same_test_sequences_and_two_of_them():
    x, y = _data(10)
    d = zd.Design(step=0.6, M=8, var_e=0.22)
    p = zd.evaluate(d, SRC, x, y, *_data(11))
    q = zd.evaluate(d, SRC, x, y, *_data(12))
    with pytest.raises(ValueError, match="same test sequences"):
        zd.lagrangian_gap(p, q, 1.0)
    one = zd.evaluate(d, SRC, x, y, *_data(13, n_seq=1))
    with pytest.raises(ValueError, match=">= 2 test sequences"):
        zd.lagrangian_gap(one, one, 1.0)


def test_innovation_variance_depends_on_the_step_alone():
    x, y = _data(14)
    runs = zd.simulate([zd.Design(0.3, 2, 0.2), zd.Design(0.3, 16, 1.0), zd.Design(0.3, 5, 0.5)], SRC, x, y)
    assert np.ptp(runs.var_e) == 0
    assert zd.innovation_variance([0.3], SRC, x, y)[0.3] == runs.var_e[0]
