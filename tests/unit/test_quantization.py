"""Tests for wzcore.quantization: uniform, entropy-constrained and coset (Wyner–Ziv) scalar quantizers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import laplace, norm, truncnorm

from wzcore import bounds, coding
from wzcore import quantization as Q

GAUSS_HR_GAP = 0.5 * np.log2(np.pi * np.e / 6)  # 0.2546 bit = 1.533 dB


# ---------------------------------------------------------------------------------------------- uniform
def test_uniform_index_and_midpoints():
    uq = Q.UniformQuantizer(0.3, offset=0.1)
    x = np.random.default_rng(0).normal(size=1000) * 3
    k = uq.index(x)
    assert np.all(np.abs(uq.reconstruct(k) - x) <= 0.15 + 1e-12)
    lo, hi = uq.edges(k)
    assert np.all((lo <= x) & (x < hi))
    np.testing.assert_array_equal(uq.index(np.array([0.1, 0.25 - 1e-9, 0.25, -0.04])), [0, 0, 1, 0])


def test_uniform_centroid_closed_form():
    uq = Q.UniformQuantizer(0.5)
    k = np.arange(1, 6)
    a, b = uq.edges(k)
    # Exp(1) density: E[X | a <= X < b] = 1 + (a e^-a - b e^-b) / (e^-a - e^-b)
    expected = 1 + (a * np.exp(-a) - b * np.exp(-b)) / (np.exp(-a) - np.exp(-b))
    np.testing.assert_allclose(uq.reconstruct(k, pdf=lambda x: np.exp(-x)), expected, rtol=1e-12)
    np.testing.assert_allclose(uq.reconstruct(k, pdf=np.ones_like), uq.reconstruct(k), rtol=1e-12)


@pytest.mark.parametrize("step", [0.0, -1.0, np.nan])
def test_bad_step_raises(step):
    with pytest.raises(ValueError, match="step"):
        Q.UniformQuantizer(step)
    with pytest.raises(ValueError, match="step"):
        Q.CosetQuantizer(step, 4)


@pytest.mark.parametrize("M", [0, -2, 2.5, True])
def test_bad_M_raises(M):
    with pytest.raises(ValueError, match="M must be"):
        Q.CosetQuantizer(0.5, M)


# ---------------------------------------------------------------------------------------------- ECSQ
GRID = np.linspace(-12, 12, 2**13 + 1)


def test_ecsq_gaussian_high_rate_gap_is_1_53_db():
    e = Q.design_ecsq(norm.pdf, 130.0, GRID, step_factors=(1.0,))
    assert 3.8 < e.rate < 4.2
    gap = e.rate - 0.5 * np.log2(1.0 / e.distortion)  # R_ECSQ(D) - R(D), R(D) = 1/2 log2(sigma^2 / D)
    assert gap == pytest.approx(GAUSS_HR_GAP, abs=2e-3)
    widths = np.diff(e.thresholds[np.abs(e.thresholds) < 2.0])  # uniform in the bulk, up to the grid spacing
    assert np.ptp(widths) <= 1.01 * (GRID[1] - GRID[0])
    assert np.mean(widths) == pytest.approx(np.sqrt(12 * e.distortion), rel=0.01)  # D = step^2 / 12


def test_ecsq_consistency_with_exact_integrals():
    e = Q.design_ecsq(laplace.pdf, 3.0, GRID)
    assert np.all(np.diff(e.thresholds) > 0)
    edges = np.r_[GRID[0], e.thresholds, GRID[-1]]
    assert np.all((edges[:-1] < e.points) & (e.points < edges[1:]))  # centroids inside their cells
    p = np.diff(laplace.cdf(edges))
    p /= p.sum()
    np.testing.assert_allclose(e.probs, p, rtol=1e-5, atol=1e-8)
    D = sum(integrate.quad(lambda x, c=c: (x - c) ** 2 * laplace.pdf(x), lo, hi)[0]
            for lo, hi, c in zip(edges[:-1], edges[1:], e.points, strict=True))
    assert e.distortion == pytest.approx(D / np.diff(laplace.cdf(edges[[0, -1]]))[0], rel=1e-5)
    assert e.rate == pytest.approx(bounds.entropy(e.probs), rel=1e-12)
    assert e.lagrangian == pytest.approx(e.rate + 3.0 * e.distortion, rel=1e-12)
    x = np.linspace(-5, 5, 101)
    k = e.index(x)
    assert np.all(np.diff(k) >= 0)
    assert np.all(e.reconstruct(k) == e.points[k])


def test_ecsq_beats_every_uniform_quantizer():
    lam = 5.0
    e = Q.design_ecsq(laplace.pdf, lam, GRID)
    g, w = GRID, laplace.pdf(GRID) * np.gradient(GRID)
    w = w / w.sum()
    for step in np.geomspace(0.3, 3.0, 15):
        for off in (0.0, 0.5 * step):
            k = np.floor((g - off) / step + 0.5).astype(int)
            k -= k.min()
            p = np.bincount(k, weights=w)
            c = np.bincount(k, weights=w * g)[k] / p[k]
            J = bounds.entropy(p) + lam * np.sum(w * (g - c) ** 2)
            assert e.lagrangian <= J + 1e-12


def test_ecsq_laplace_dead_zone_and_slb():
    h_laplace = np.log2(2 * np.e)  # differential entropy of Laplace(0, 1) in bits
    for lam in (1.0, 2.0, 5.0):
        e = Q.design_ecsq(laplace.pdf, lam, GRID)
        assert np.all(np.diff(e.thresholds) > 0)
        z = int(e.index(0.0))
        zero_w = e.thresholds[z] - e.thresholds[z - 1]
        next_w = e.thresholds[z + 1] - e.thresholds[z]
        assert zero_w > 1.15 * next_w  # dead zone (it narrows towards uniform at high rate)
        assert e.points[z] == pytest.approx(0.0, abs=1e-9)
        slb = h_laplace - 0.5 * np.log2(2 * np.pi * np.e * e.distortion)  # Shannon lower bound <= R(D)
        assert slb < e.rate < slb + GAUSS_HR_GAP


def _ba(x, px, xh, s, iters):
    """Blahut–Arimoto point (R bits, D) at slope s (nats per unit MSE) on a discretised source."""
    d = (x[:, None] - xh[None, :]) ** 2
    A = np.exp(-s * d)
    q = np.full(xh.size, 1.0 / xh.size)
    for _ in range(iters):
        c = A * q
        c /= c.sum(axis=1, keepdims=True)
        q = px @ c
    c = A * q
    c /= c.sum(axis=1, keepdims=True)
    R = float(np.sum(px[:, None] * c * np.log2(np.where(c > 0, c, 1.0) / q[None, :])))
    return R, float(px @ (c * d).sum(axis=1))


def test_ecsq_laplace_gap_to_blahut_arimoto():
    # RESEARCH.md: Laplace(0,1) ECSQ vs R(D): 0.54 dB at 0.65 bit (0.16 dB at 0.2 bit, -> 1.53 dB)
    x = np.linspace(-12, 12, 481)
    px = laplace.pdf(x) / laplace.pdf(x).sum()
    xh = np.linspace(-6, 6, 121)
    pts = np.array([_ba(x, px, xh, s, 1500) for s in (0.55, 0.75, 0.95)])
    e = Q.design_ecsq(laplace.pdf, 1.0, GRID)
    assert pts[0, 0] < e.rate < pts[-1, 0]
    D_rd = np.exp(np.interp(e.rate, pts[:, 0], np.log(pts[:, 1])))
    gap_db = 10 * np.log10(e.distortion / D_rd)
    assert gap_db == pytest.approx(0.54, abs=0.06)


def test_ecsq_bad_input():
    with pytest.raises(ValueError, match="lam"):
        Q.design_ecsq(norm.pdf, 0.0, GRID)
    with pytest.raises(ValueError, match="grid"):
        Q.design_ecsq(norm.pdf, 1.0, GRID[::-1])
    with pytest.raises(ValueError, match="pdf"):
        Q.design_ecsq(-norm.pdf(GRID), 1.0, GRID)
    assert [q.lam for q in Q.ecsq_curve(norm.pdf, [1.0, 4.0], GRID)] == [1.0, 4.0]


# ---------------------------------------------------------------------------------------------- coset
VX, VN = 1.0, 0.01
A_POST = VX / (VX + VN)
COND = VX * VN / (VX + VN)


def test_coset_encode_matches_definition():
    cq = Q.CosetQuantizer(0.3, 5)
    x = np.random.default_rng(1).normal(size=500) * 4
    np.testing.assert_array_equal(cq.encode(x), np.mod(np.round(x / 0.3), 5))
    assert cq.encode(x).min() >= 0 and cq.encode(x).max() < 5


def test_coset_decode_brute_force():
    rng = np.random.default_rng(2)
    cq = Q.CosetQuantizer(0.25, 3)
    k = rng.integers(0, 3, size=6)
    m = rng.normal(size=6)
    v = rng.uniform(0.01, 0.2, size=6)
    xh = cq.decode(k, m, v)
    for i in range(6):  # adaptive quadrature over every cell of coset k within +- 12 std
        s = np.sqrt(v[i])
        qs = [q for q in range(int((m[i] - 12 * s) / 0.25) - 2, int((m[i] + 12 * s) / 0.25) + 3) if q % 3 == k[i]]
        mass = sum(integrate.quad(norm.pdf, (q - 0.5) * 0.25, (q + 0.5) * 0.25, args=(m[i], s))[0] for q in qs)
        mom = sum(integrate.quad(lambda t, mu, sd: t * norm.pdf(t, mu, sd), (q - 0.5) * 0.25, (q + 0.5) * 0.25,
                                 args=(m[i], s))[0] for q in qs)
        assert xh[i] == pytest.approx(mom / mass, abs=1e-9)


def test_coset_large_M_is_plain_quantizer_with_si_mmse():
    cq = Q.CosetQuantizer(0.1, 1000)
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    y = x + rng.normal(scale=np.sqrt(VN), size=200)
    m, s = A_POST * y, np.sqrt(COND)
    q = cq.quantize(x)
    lo, hi = (q - 0.5) * 0.1, (q + 0.5) * 0.1
    expected = truncnorm.mean((lo - m) / s, (hi - m) / s, loc=m, scale=s)
    np.testing.assert_allclose(cq.decode(cq.encode(x), m, COND), expected, atol=1e-9)


def test_coset_M1_carries_no_information():
    e = Q.coset_exact(0.37, 1, VX, VN)
    assert e.mse == pytest.approx(COND, rel=1e-9)
    assert e.rate == 0.0 and e.rate_sw == pytest.approx(0.0, abs=1e-12)
    cq = Q.CosetQuantizer(0.37, 1)
    m = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(cq.decode(np.zeros(7, dtype=int), m, COND), m, atol=1e-10)


def test_index_pmf_exact():
    cq = Q.CosetQuantizer(0.7, 4)
    q = np.arange(-40, 41)
    pq = norm.cdf((q + 0.5) * 0.7, 0.3, 1.5) - norm.cdf((q - 0.5) * 0.7, 0.3, 1.5)
    brute = np.bincount(np.mod(q, 4), weights=pq, minlength=4)
    np.testing.assert_allclose(cq.index_pmf(0.3, 1.5**2), brute / brute.sum(), rtol=1e-10)


@pytest.mark.parametrize(("step", "M"), [(0.2, 4), (0.3, 2), (0.05, 16)])
def test_coset_exact_matches_monte_carlo(step, M):
    rng = np.random.default_rng(4)
    cq = Q.CosetQuantizer(step, M)
    x = rng.normal(size=100_000)
    y = x + rng.normal(scale=np.sqrt(VN), size=x.size)
    k = cq.encode(x)
    err2 = (x - cq.decode(k, A_POST * y, COND)) ** 2
    e = Q.coset_exact(step, M, VX, VN)
    assert abs(err2.mean() - e.mse) < 4 * err2.std() / np.sqrt(x.size)
    freq = np.bincount(k, minlength=M) / k.size
    assert np.max(np.abs(freq - cq.index_pmf(0.0, VX))) < 0.01


def test_coset_real_bytes_beats_rx_and_respects_rwz():
    r = Q.coset_rate_distortion(0.2, 4, VX, VN, 20_000, np.random.default_rng(5))
    assert r.rate_ideal == pytest.approx(r.exact.rate, rel=1e-12)
    assert r.rate_ideal <= r.rate_real <= r.rate_ideal + 8 * coding.HEADER_BYTES / r.n + 0.005
    assert r.mse_db == pytest.approx(10 * np.log10(r.mse))
    assert r.rate_real < 0.5 * np.log2(VX / r.mse) - 1.5  # far below point-to-point R_X(D)
    assert r.rate_real > 0.5 * np.log2(COND / r.mse)  # above R_WZ(D)
    for step in (0.02, 0.1, 0.3, 1.0):
        for M in (1, 2, 3, 8, 32):
            e = Q.coset_exact(step, M, VX, VN)
            assert e.rate_sw <= e.rate + 1e-9
            assert e.rate_sw >= 0.5 * np.log2(COND / e.mse) - 1e-9  # nothing beats R_WZ(D)


def test_coset_round_trip_through_bytes():
    cq = Q.CosetQuantizer(0.15, 6)
    x = np.random.default_rng(6).normal(size=3000)
    k = cq.encode(x)
    pmf = cq.index_pmf(0.0, VX)
    np.testing.assert_array_equal(coding.decode_categorical(coding.encode_categorical(k, pmf), pmf), k)


def test_optimise_coset():
    steps = np.sqrt(COND) * np.geomspace(0.3, 4.0, 12)
    e = Q.optimise_coset(VX, VN, rate=2.0, steps=steps, Ms=range(1, 9))
    assert e.rate <= 2.0 and e.M == 4
    assert e.mse < COND * 2.0 ** (-2 * 0.5)  # the best 2-bit point is worth more than 1 bit of R_WZ
    e_sw = Q.optimise_coset(VX, VN, rate=2.0, steps=steps, Ms=range(1, 17), sw=True)
    assert e_sw.mse < e.mse  # ideal Slepian–Wolf coding of k helps
    gap_db = 10 * np.log10(e_sw.mse / (COND * 2.0 ** (-2 * e_sw.rate_sw)))
    assert 0.0 < gap_db < 2.0  # close to the 1.53 dB scalar-quantizer loss
    with pytest.raises(ValueError, match="exactly one"):
        Q.optimise_coset(VX, VN)
    with pytest.raises(ValueError, match="no \\(step, M\\)"):
        Q.optimise_coset(VX, VN, rate=0.5, steps=[0.01], Ms=[4])


# ---------------------------------------------------------------------------------------------- cell moments
def test_gaussian_cell_moments_match_truncnorm():
    lo = np.array([-np.inf, -1.0, 0.3, 5.0, -12.0])
    hi = np.array([-2.0, 0.5, 0.4, np.inf, -11.0])
    mean, std = 0.2, 1.3
    logZ, m = Q.gaussian_cell_moments(lo, hi, mean, std)
    a, b = (lo - mean) / std, (hi - mean) / std
    np.testing.assert_allclose(logZ, np.log(norm.cdf(b) - norm.cdf(a)), rtol=1e-10)
    np.testing.assert_allclose(m, truncnorm.mean(a, b, loc=mean, scale=std), rtol=1e-8)
    with pytest.raises(ValueError, match="std"):
        Q.gaussian_cell_moments(lo, hi, mean, 0.0)
    with pytest.raises(ValueError, match="lo < hi"):
        Q.gaussian_cell_moments(1.0, 1.0, 0.0, 1.0)
