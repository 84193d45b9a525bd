"""Empirical statistics of wzcore.sources against their closed forms (tolerances ≈ 5 standard errors)."""

import math

import numpy as np
import pytest

from wzcore import sources as S

N = 200_000


def rng(seed=0):
    return np.random.default_rng(seed)


def se_mean(var, n=N):
    return math.sqrt(var / n)


def se_var(var, kurt_excess=0.0, n=N):
    """Standard error of the sample variance: var·sqrt((2 + excess kurtosis)/n)."""
    return var * math.sqrt((2 + kurt_excess) / n)


@pytest.mark.parametrize("p", [0.0, 0.11, 0.25, 0.5])
def test_dsbs_statistics(p):
    src = S.DSBS(p)
    x, y = src.sample(N, rng())
    assert x.dtype == np.uint8 and y.dtype == np.uint8 and set(np.unique(x)) <= {0, 1}
    assert abs(x.mean() - 0.5) < 5 * se_mean(0.25)
    assert abs(y.mean() - 0.5) < 5 * se_mean(0.25)
    assert abs((x != y).mean() - p) <= 5 * se_mean(p * (1 - p)) + 1e-12
    pxy = src.p_xy()
    assert pxy.sum() == pytest.approx(1.0) and pxy[0, 1] == pytest.approx(p / 2)
    emp = np.histogram2d(x, y, bins=2)[0] / N
    assert np.all(np.abs(emp - pxy) < 5 * np.sqrt(pxy * (1 - pxy) / N) + 1e-12)
    h = 0.0 if p == 0 else -p * math.log2(p) - (1 - p) * math.log2(1 - p)
    assert src.cond_entropy == pytest.approx(h, abs=1e-15)
    y2 = src.sample_y_given_x(x, rng(1))
    assert abs((x != y2).mean() - p) <= 5 * se_mean(p * (1 - p)) + 1e-12


def test_dsbs_reproducible_with_same_seed():
    a = S.DSBS(0.11).sample(1000, rng(7))
    b = S.DSBS(0.11).sample(1000, rng(7))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


@pytest.mark.parametrize("form", ["y=x+n", "x=y+n"])
def test_quadratic_gaussian_statistics(form):
    var_root, var_n = 1.0, 0.1
    src = S.QuadraticGaussian(var_root, var_n, form=form)
    x, y = src.sample(N, rng())
    var_x = var_root if form == "y=x+n" else var_root + var_n
    var_y = var_root + var_n if form == "y=x+n" else var_root
    assert src.var_x_marginal == pytest.approx(var_x) and src.var_y == pytest.approx(var_y)
    assert abs(x.mean()) < 5 * se_mean(var_x) and abs(y.mean()) < 5 * se_mean(var_y)
    assert abs(x.var() - var_x) < 5 * se_var(var_x)
    assert abs(y.var() - var_y) < 5 * se_var(var_y)
    assert abs(np.mean(x * y) - var_root) < 5 * math.sqrt(2 * var_x * var_y / N)  # Cov(X, Y) = var_root
    cond = var_root * var_n / (var_root + var_n) if form == "y=x+n" else var_n
    assert src.cond_var == pytest.approx(cond, rel=1e-15)
    # the posterior mean is the MMSE estimator: its error variance is Var(X|Y), uncorrelated with y
    mean, var = src.posterior(y)
    err = x - mean
    assert var == pytest.approx(cond) and abs(err.var() - cond) < 5 * se_var(cond)
    assert abs(np.mean(err * y)) < 5 * math.sqrt(cond * var_y / N)


@pytest.mark.parametrize("form", ["y=x+n", "x=y+n"])
def test_quadratic_gaussian_sample_y_given_x_is_exact_posterior(form):
    src = S.QuadraticGaussian(1.0, 0.25, form=form)
    x, y = src.sample(N, rng())
    k = 4
    yk = src.sample_y_given_x(x, rng(1), k=k)
    assert yk.shape == (N, k)
    # (x, y_k) must have the same joint law as (x, y): compare regression slope and residual variance
    slope_true = np.mean(x * y) / np.mean(x * x)
    res_true = np.var(y - slope_true * x)
    for j in range(k):
        slope = np.mean(x * yk[:, j]) / np.mean(x * x)
        assert abs(slope - slope_true) < 5 * math.sqrt(2 * res_true / (N * np.mean(x * x)))
        assert abs(np.var(yk[:, j] - slope * x) - res_true) < 5 * se_var(res_true) * math.sqrt(2)
    m, v = src.y_posterior(np.array([2.0]))
    if form == "x=y+n":
        assert m[0] == pytest.approx(2.0 / 1.25) and v == pytest.approx(0.25 / 1.25)
    else:
        assert m[0] == pytest.approx(2.0) and v == pytest.approx(0.25)


def test_laplace():
    b = 1.5
    src = S.Laplace(b)
    x, none = src.sample(N, rng())
    assert none is None
    assert abs(x.mean()) < 5 * se_mean(2 * b**2)
    assert abs(x.var() - 2 * b**2) < 5 * se_var(2 * b**2, kurt_excess=3.0)
    for t in (-2.0, -0.3, 0.0, 1.0, 4.0):
        c = src.cdf(t)
        assert abs((x <= t).mean() - c) < 5 * math.sqrt(c * (1 - c) / N) + 1e-12
    grid = np.linspace(-40 * b, 40 * b, 400_001)
    dx = grid[1] - grid[0]
    pdf = src.pdf(grid)
    assert pdf.sum() * dx == pytest.approx(1.0, abs=1e-4)
    h = -(pdf * np.log2(pdf)).sum() * dx
    assert src.diff_entropy_bits == pytest.approx(h, abs=1e-4)
    assert src.diff_entropy_bits == pytest.approx(math.log2(2 * math.e * b), abs=1e-15)


def test_sign_side_info():
    b = 1.0
    src = S.SignSideInfo(b)
    x, y = src.sample(N, rng())
    assert set(np.unique(y)) == {-1.0, 1.0}
    assert np.array_equal(y, np.where(x >= 0, 1.0, -1.0))
    assert abs((y > 0).mean() - 0.5) < 5 * se_mean(0.25)
    mean, var = src.posterior(y)
    err = x - mean
    assert var == pytest.approx(b**2) and abs(err.mean()) < 5 * se_mean(b**2)
    assert abs(err.var() - src.cond_var) < 5 * se_var(b**2, kurt_excess=6.0)  # |X| − b is Exp − mean
    yk = src.sample_y_given_x(x[:10], rng(1), k=3)
    assert yk.shape == (10, 3) and np.all(yk == y[:10, None])
    assert src.var_x_marginal == pytest.approx(2 * b**2)


def test_banana_matches_its_definition():
    src = S.Banana()
    x, none = src.sample(N, rng())
    assert none is None and x.shape == (N, 2)
    # mean from the construction: R(240°)ᵀ (0, −0.1·9) − (1, 1)
    phi = math.radians(240)
    rot = np.array([[math.cos(phi), -math.sin(phi)], [math.sin(phi), math.cos(phi)]])
    mean = rot.T @ np.array([0.0, -0.9]) - 1.0
    np.testing.assert_allclose(src.mean, mean, atol=1e-14)
    cov = np.cov(x.T)
    se = np.sqrt(np.diag(cov) / N)
    assert np.all(np.abs(x.mean(0) - mean) < 5 * se)
    # the forward chain (shift, rotate, bend, as in tfp's Invert(Chain(...))) maps samples back to
    # N(0, diag(9, 0.25)) with z1 ⟂ z2
    z = src.latent(x)
    assert abs(z[:, 0].var() - 9.0) < 5 * se_var(9.0) and abs(z[:, 1].var() - 0.25) < 5 * se_var(0.25)
    assert abs(z[:, 0].mean()) < 5 * se_mean(9.0) and abs(z[:, 1].mean()) < 5 * se_mean(0.25)
    assert abs(np.mean(z[:, 0] * z[:, 1])) < 5 * math.sqrt(9 * 0.25 / N)
    # the density integrates to 1 (unit-Jacobian transform)
    g = np.linspace(-16, 14, 601)
    xx, yy = np.meshgrid(g, g)
    mass = src.pdf(np.stack([xx, yy], -1)).sum() * (g[1] - g[0]) ** 2
    assert mass == pytest.approx(1.0, abs=1e-3)


def test_ternary_and_discrete_joint():
    src = S.TernarySource(eps=0.2, p_x=(0.5, 0.3, 0.2), a=0.7)
    pxy = src.p_xy()
    assert pxy.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(pxy.sum(1), [0.5, 0.3, 0.2])
    assert pxy[0, 0] == pytest.approx(0.5 * 0.8) and pxy[0, 1] == pytest.approx(0.5 * 0.14)
    assert pxy[2, 0] == pytest.approx(0.2 * 0.14)  # 2 + 1 mod 3 = 0
    x, y = src.sample(N, rng())
    emp = np.zeros((3, 3))
    np.add.at(emp, (x, y), 1.0 / N)
    assert np.all(np.abs(emp - pxy) < 5 * np.sqrt(pxy * (1 - pxy) / N) + 1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: S.DSBS(0.6),
        lambda: S.DSBS(-0.01),
        lambda: S.QuadraticGaussian(var_x=0.0),
        lambda: S.QuadraticGaussian(var_n=-1.0),
        lambda: S.QuadraticGaussian(form="x=y*n"),
        lambda: S.Laplace(0.0),
        lambda: S.SignSideInfo(-1.0),
        lambda: S.DSBS(0.1).sample(0, rng()),
        lambda: S.DSBS(0.1).sample(2.5, rng()),
        lambda: S.Laplace().sample(10, 0),
        lambda: S.QuadraticGaussian().sample_y_given_x(np.zeros(3), rng(), k=0),
        lambda: S.TernarySource(eps=1.5),
        lambda: S.TernarySource(p_x=(0.5, 0.5, 0.5)),
        lambda: S.DiscreteJoint(np.array([[0.5, 0.6]])),
        lambda: S.DiscreteJoint(np.array([0.5, 0.5])),
        lambda: S.Banana().latent(np.zeros((3, 3))),
    ],
)
def test_value_errors(call):
    with pytest.raises(ValueError):
        call()


def test_error_message_names_parameter():
    with pytest.raises(ValueError, match=r"p must be in \[0, 1/2\], got 0.7"):
        S.DSBS(0.7)
    with pytest.raises(ValueError, match="var_n"):
        S.QuadraticGaussian(var_n=0.0)
