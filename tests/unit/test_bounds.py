"""Checks of wzcore.bounds against closed forms, brute force and independent constructions."""

import math

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from wzcore import bounds as B

LN2 = math.log(2)
HAMMING = 1.0 - np.eye(2)


def dsbs(p):
    return np.array([[(1 - p) / 2, p / 2], [p / 2, (1 - p) / 2]])


def g(p, D):
    D = np.asarray(D, dtype=float)
    return B.binary_entropy(p * (1 - D) + D * (1 - p)) - B.binary_entropy(D)


# ---- entropies
def test_binary_entropy_values():
    assert B.binary_entropy(0.5) == pytest.approx(1.0, abs=1e-15)
    assert B.binary_entropy(0.0) == 0.0 and B.binary_entropy(1.0) == 0.0
    p = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(B.binary_entropy(p), -p * np.log2(p) - (1 - p) * np.log2(1 - p), atol=1e-14)
    np.testing.assert_allclose(B.binary_entropy(p), B.binary_entropy(1 - p), atol=1e-14)
    assert B.binary_entropy(0.11) == pytest.approx(0.4999, abs=1e-4)  # RESEARCH.md ch1


def test_entropy_and_conditional_entropy_brute_force():
    rng = np.random.default_rng(0)
    for shape in [(2, 2), (3, 4), (5, 2)]:
        p = rng.random(shape)
        p[0, 0] = 0.0  # a zero entry must be handled (0 log 0 = 0)
        p /= p.sum()
        h_xy = -sum(v * math.log2(v) for v in p.ravel() if v > 0)
        assert B.entropy(p) == pytest.approx(h_xy, abs=1e-12)
        py = p.sum(0)
        px = p.sum(1)
        h_x_y = -sum(p[i, j] * math.log2(p[i, j] / py[j]) for i in range(shape[0]) for j in range(shape[1])
                     if p[i, j] > 0)
        assert B.conditional_entropy(p) == pytest.approx(h_x_y, abs=1e-12)
        h_x = -sum(v * math.log2(v) for v in px)
        assert B.mutual_information(p) == pytest.approx(h_x - h_x_y, abs=1e-12)
    prod = np.outer([0.2, 0.8], [0.3, 0.3, 0.4])
    assert B.mutual_information(prod) == pytest.approx(0.0, abs=1e-14)
    # X on axis 0: H(X|Y) of a pmf with X = Y deterministic but Y spread is 0; transposed it is not.
    p = np.array([[0.5, 0.0, 0.0], [0.0, 0.25, 0.25]])
    assert B.conditional_entropy(p) == pytest.approx(0.0, abs=1e-15)
    assert B.conditional_entropy(p.T) == pytest.approx(0.5, abs=1e-15)


def test_slepian_wolf_region_dsbs():
    p = 0.11
    r = B.slepian_wolf_region(dsbs(p))
    h = B.binary_entropy(p)
    for v, ref in [(r.h_x_given_y, h), (r.h_y_given_x, h), (r.h_xy, 1 + h), (r.h_x, 1.0), (r.h_y, 1.0)]:
        assert v == pytest.approx(ref, abs=1e-12)
    np.testing.assert_allclose(r.corners(), [[h, 1.0], [1.0, h]], atol=1e-12)
    poly = r.polygon(2.0)
    assert poly.shape == (6, 2) and np.allclose(poly[0], poly[-1])
    assert r.contains(h, 1.0) and r.contains(0.6, 0.9) and not r.contains(h - 0.01, 1.5)
    assert not r.contains(0.5, 0.5 + h - 0.02)
    np.testing.assert_array_equal(r.contains([0.3, 1.0], [1.0, 1.0]), [False, True])


# ---- closed forms
def test_gaussian_closed_forms():
    assert B.rd_gaussian(1.0, 0.25) == pytest.approx(1.0, abs=1e-15)
    assert B.rd_gaussian(4.0, 4.0) == 0.0 and B.rd_gaussian(4.0, 9.0) == 0.0
    assert B.rd_gaussian(1.0, 0.0) == math.inf
    D = np.geomspace(1e-3, 2, 20)
    np.testing.assert_allclose(B.wz_gaussian(0.5, D), np.maximum(0, 0.5 * np.log2(0.5 / D)), atol=1e-15)
    # quadratic-Gaussian: rate gain of side information = ½ log2(σ²_X / σ²_{X|Y}) at every D < σ²_{X|Y}
    var_x, var_n = 1.0, 0.1
    cv = var_x * var_n / (var_x + var_n)
    D = np.geomspace(1e-3, cv, 10)
    np.testing.assert_allclose(B.rd_gaussian(var_x, D) - B.wz_gaussian(cv, D), 0.5 * np.log2(var_x / cv))
    assert B.shannon_lower_bound(0.5 * math.log2(2 * math.pi * math.e), 0.3) == pytest.approx(
        B.rd_gaussian(1.0, 0.3), abs=1e-14)  # the SLB is tight for the Gaussian
    assert B.laplace_diff_entropy(2.0) == pytest.approx(math.log2(4 * math.e), abs=1e-15)


def test_binary_closed_forms():
    assert B.rd_binary(0.5, 0.11) == pytest.approx(1 - B.binary_entropy(0.11), abs=1e-15)
    assert B.rd_binary(0.8, 0.1) == pytest.approx(B.binary_entropy(0.2) - B.binary_entropy(0.1))
    assert B.rd_binary(0.2, 0.2) == 0.0 and B.rd_binary(0.2, 0.7) == 0.0
    assert B.cond_rd_binary(0.11, 0.0) == pytest.approx(B.binary_entropy(0.11))
    assert B.cond_rd_binary(0.11, 0.11) == 0.0 and B.cond_rd_binary(0.11, 0.3) == 0.0
    np.testing.assert_allclose(B.cond_rd_binary(0.25, [0.05, 0.1]),
                               B.binary_entropy(0.25) - B.binary_entropy(np.array([0.05, 0.1])))


# ---- Wyner–Ziv, binary
@pytest.mark.parametrize("p", [0.05, 0.11, 0.25, 0.4])
def test_wz_binary_envelope_properties(p):
    dc, slope = B.wz_binary_critical(p)
    assert 0 < dc < p
    D = np.linspace(0, p, 4001)
    r = B.wz_binary(p, D)
    assert np.all(r <= g(p, D) + 1e-12)  # below g
    assert np.all(np.diff(r, 2) >= -1e-12)  # convex
    inner = (D > 0) & (D < p)
    assert np.all(r[inner] > B.cond_rd_binary(p, D[inner]))  # strict rate loss on (0, p)
    small = D <= dc
    np.testing.assert_allclose(r[small], g(p, D[small]), atol=1e-15)  # equals g below d_c
    assert B.wz_binary(p, p) == 0.0 and B.wz_binary(p, 0.5) == 0.0
    assert B.wz_binary(p, 0.0) == pytest.approx(B.binary_entropy(p), abs=1e-15)
    # tangency: the line through (p, 0) has the slope of g at d_c, and is continuous there
    h = 1e-7
    g_prime = (g(p, dc + h) - g(p, dc - h)) / (2 * h)
    assert slope == pytest.approx(g_prime, rel=1e-6)
    assert g(p, dc) / (dc - p) == pytest.approx(g_prime, rel=1e-6)
    left, right = B.wz_binary(p, dc - 1e-9), B.wz_binary(p, dc + 1e-9)
    assert abs(left - right) < 1e-7
    # the line lies below g on (d_c, p): g is convex, so the tangent line is a supporting line
    mid = (D > dc) & (D < p)
    assert np.all(r[mid] < g(p, D[mid]))


@pytest.mark.parametrize("p", [0.11, 0.25])
def test_wz_binary_equals_brute_force_convex_hull(p):
    D = np.linspace(0, p, 20001)
    pts = np.vstack([np.c_[D, g(p, D)], [[p, 0.0]], [[p, 5.0], [0.0, 5.0]]])  # add a lid to close the hull
    hull = ConvexHull(pts)
    lower = []
    for simplex, eq in zip(hull.simplices, hull.equations, strict=True):
        if eq[1] < -1e-12:  # outward normal points down: a lower facet
            lower.extend(simplex)
    v = np.unique(lower)
    v = v[np.argsort(pts[v, 0])]
    D_test = np.linspace(1e-4, p - 1e-4, 777)
    hull_vals = np.interp(D_test, pts[v, 0], pts[v, 1])
    np.testing.assert_allclose(B.wz_binary(p, D_test), hull_vals, atol=2e-6)
    # the hull's last vertex before (p, 0) is the tangency point
    dc, _ = B.wz_binary_critical(p)
    assert pts[v[-2], 0] == pytest.approx(dc, abs=2 * p / 20000)


def test_wz_binary_edge_cases():
    assert B.wz_binary(0.0, 0.1) == 0.0 and B.wz_binary(0.0, 0.0) == 0.0
    D = np.linspace(0, 0.5, 11)
    np.testing.assert_allclose(B.wz_binary(0.5, D), 1 - B.binary_entropy(D), atol=1e-15)
    np.testing.assert_allclose(B.wz_binary([0.11, 0.25], 0.05),
                               [B.wz_binary(0.11, 0.05), B.wz_binary(0.25, 0.05)])


# ---- Blahut–Arimoto
@pytest.mark.parametrize("p", [0.11, 0.25])
def test_ba_wz_reproduces_wz_binary(p):
    pxy = dsbs(p)
    dc, slope_bits = B.wz_binary_critical(p)
    s_crit = slope_bits * LN2
    slopes = np.concatenate([s_crit * np.geomspace(1.0005, 4, 30), s_crit * np.linspace(0.3, 0.999, 4)])
    R, D = B.wz_curve_ba(pxy, HAMMING, slopes)
    assert np.max(np.abs(R - B.wz_binary(p, D))) < 1e-6
    # Lagrangian check at every slope (this is where time sharing matters): BA's min of R − s·D equals the
    # min over the exact envelope (evaluated on a fine D grid)
    grid = np.linspace(0, p, 200001)
    env = B.wz_binary(p, grid)
    for s, r, d in zip(slopes, R, D, strict=True):
        s_b = s / LN2
        assert r - s_b * d == pytest.approx(np.min(env - s_b * grid), abs=1e-6)
    # on a grid of D, the piecewise-linear interpolation of the BA points (plus the exact critical-slope
    # point) matches the envelope to 1e-3 bit, including the linear part d_c < D < p
    res = B.blahut_arimoto_wz(pxy, HAMMING, s_crit, return_details=True)
    assert dc + 0.1 * (p - dc) < res.distortion < p - 0.1 * (p - dc)  # lands inside the segment
    assert res.rate == pytest.approx(B.wz_binary(p, res.distortion), abs=1e-6)
    # time sharing is active: T = "x̂ = y" (strategy (0, 1)) is used with probability strictly in (0, 1)
    ident = next(i for i, t in enumerate(res.strategies) if tuple(t) == (0, 1))
    assert 0.05 < res.output_pmf[ident] < 0.95
    Ds = np.r_[D, res.distortion, 0.0]
    Rs = np.r_[R, res.rate, B.binary_entropy(p)]
    order = np.argsort(Ds)
    D_grid = np.linspace(0.002, p, 60)
    np.testing.assert_allclose(np.interp(D_grid, Ds[order], Rs[order]), B.wz_binary(p, D_grid), atol=1e-3)


def test_ba_rd_binary_and_cond_rd():
    for q in (0.2, 0.5):
        R, D = B.rd_curve_ba([1 - q, q], HAMMING, [-1.5, -2.0, -4.0, -8.0])
        np.testing.assert_allclose(R, B.rd_binary(q, D), atol=1e-9)
        # at slope s, R'(D) = −h'(D) (bits) = s / ln 2  =>  D = 1 / (1 + e^{−s})
        np.testing.assert_allclose(D[D < min(q, 1 - q)], 1 / (1 + np.exp([1.5, 2.0, 4.0, 8.0]))[D < min(q, 1 - q)],
                                   atol=1e-8)
    for s in (-2.0, -4.0):
        r, d = B.blahut_arimoto_cond_rd(dsbs(0.11), HAMMING, s)
        assert r == pytest.approx(B.cond_rd_binary(0.11, d), abs=1e-9)


def test_ba_gaussian_grid_approaches_rd_gaussian():
    # Lattice sampling of a Gaussian is exact up to theta-function terms ~ exp(−2π² D / Δ²) (< 1e-12 here) and
    # the ±6σ truncation removes ~1e-7 of variance, so 1e-6 bit is a safe but tight tolerance.
    step = 0.1
    grid = np.arange(-6, 6 + step / 2, step)
    slopes = np.array([-1.0, -2.0, -4.0, -8.0, -16.0])
    R, D = B.rd_density_ba(lambda x: np.exp(-x**2 / 2), grid, slopes, tol=1e-10, max_iter=2000)
    np.testing.assert_allclose(R, B.rd_gaussian(1.0, D), atol=1e-6)
    np.testing.assert_allclose(D, -1 / (2 * slopes), rtol=1e-6)


def test_ba_exponential_between_bounds():
    # Exp(1) under MSE: Shannon lower bound log2(e) − ½ log2(2πeD) ≤ R(D) ≤ Gaussian bound ½ log2(1/D)
    R, D = B.rd_exponential_ba(1.0, slopes=[-1.0, -4.0], step=0.1, width=12.0)
    slb = B.shannon_lower_bound(math.log2(math.e), D)
    assert np.all(R > slb + 0.05) and np.all(R < B.rd_gaussian(1.0, D) - 0.05)
    assert np.all(np.diff(R[np.argsort(D)]) < 0)


def test_ba_wz_ternary_sandwich():
    from wzcore.sources import TernarySource

    pxy = TernarySource().p_xy()
    d = 1.0 - np.eye(3)
    for s in (-1.0, -2.0, -4.0):
        r_wz, d_wz = B.blahut_arimoto_wz(pxy, d, s)
        r_c, d_c = B.blahut_arimoto_cond_rd(pxy, d, s)
        r_p, d_p = B.blahut_arimoto_rd(pxy.sum(1), d, s)
        s_b = s / LN2
        # nested feasible sets: Lagrangians ordered cond ≤ WZ ≤ point-to-point
        assert r_c - s_b * d_c <= r_wz - s_b * d_wz + 1e-9
        assert r_wz - s_b * d_wz <= r_p - s_b * d_p + 1e-9
        assert 0 <= r_wz <= B.conditional_entropy(pxy) + 1e-12


# ---- validation
@pytest.mark.parametrize(
    "call",
    [
        lambda: B.binary_entropy(1.2),
        lambda: B.binary_entropy(-0.1),
        lambda: B.entropy([0.5, 0.6]),
        lambda: B.entropy([1.2, -0.2]),
        lambda: B.conditional_entropy([0.5, 0.5]),
        lambda: B.mutual_information(np.full((2, 2), 0.25 + 1e-8)),
        lambda: B.rd_gaussian(-1.0, 0.1),
        lambda: B.rd_gaussian(1.0, -0.1),
        lambda: B.wz_gaussian(0.0, 0.1),
        lambda: B.rd_binary(1.5, 0.1),
        lambda: B.wz_binary(0.7, 0.1),
        lambda: B.wz_binary(0.11, -0.01),
        lambda: B.wz_binary_critical(-0.1),
        lambda: B.cond_rd_binary(0.6, 0.1),
        lambda: B.blahut_arimoto_rd([0.5, 0.5], HAMMING, 1.0),
        lambda: B.blahut_arimoto_rd([0.5, 0.5], np.ones((3, 2)), -1.0),
        lambda: B.blahut_arimoto_wz(dsbs(0.1), np.ones((3, 2)), -1.0),
        lambda: B.blahut_arimoto_wz(dsbs(0.1) * 1.1, HAMMING, -1.0),
        lambda: B.blahut_arimoto_wz(np.full((2, 12), 1 / 24), np.ones((2, 3)), -1.0),  # 3^12 strategies
        lambda: B.laplace_diff_entropy(0.0),
        lambda: B.rd_density_ba(lambda x: np.exp(-x), np.array([0.0, 0.1, 0.3]), [-1.0]),
        lambda: B.slepian_wolf_region(dsbs(0.1)).polygon(0.5),
    ],
)
def test_value_errors(call):
    with pytest.raises(ValueError):
        call()


def test_error_message_names_parameter():
    with pytest.raises(ValueError, match=r"p must be in \[0, 1/2\]"):
        B.wz_binary(0.7, 0.1)
    with pytest.raises(ValueError, match="slope"):
        B.blahut_arimoto_wz(dsbs(0.1), HAMMING, 0.5)


def test_bpsk_awgn_cond_entropy_against_monte_carlo_and_limits():
    from wzcore.bounds import binary_entropy, bpsk_awgn_cond_entropy

    rng = np.random.default_rng(7)
    sigma = 0.8
    x = rng.integers(0, 2, 400_000)
    y = (1 - 2 * x) + sigma * rng.standard_normal(x.size)
    post0 = 1 / (1 + np.exp(-2 * y / sigma**2))  # P(X = 0 | y)
    h_mc = binary_entropy(np.clip(post0, 1e-300, 1 - 1e-16)).mean()
    se = binary_entropy(np.clip(post0, 1e-300, 1 - 1e-16)).std() / np.sqrt(x.size)
    assert abs(bpsk_awgn_cond_entropy(sigma) - h_mc) < 5 * se
    # soft information is worth more than its hard decision: H(X|Y) < h(Q(1/sigma))
    from scipy.stats import norm

    assert bpsk_awgn_cond_entropy(sigma) < binary_entropy(norm.sf(1 / sigma)) - 0.05
    assert bpsk_awgn_cond_entropy(0.05) < 1e-9 and abs(bpsk_awgn_cond_entropy(50.0) - 1) < 1e-3
    with pytest.raises(ValueError, match="sigma"):
        bpsk_awgn_cond_entropy(0.0)


def test_empirical_entropy_of_rows_and_symbols():
    from wzcore.bounds import empirical_entropy

    assert empirical_entropy(np.array([0, 1, 2, 3])) == pytest.approx(2.0)
    assert empirical_entropy(np.array([[0, 1], [0, 1], [1, 0], [1, 1]])) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="empty"):
        empirical_entropy(np.array([]))


def test_tangent_lower_bound_gaussian_and_binary():
    # Gaussian R(D) = ½ log2(1/D) has slope −1/(2D) nats at D: the lines touch it there, lie below elsewhere
    s = np.array([-0.75, -2.0, -5.0, -12.5])
    D_i = -1 / (2 * s)
    D = np.geomspace(0.02, 0.9, 200)
    low = B.tangent_lower_bound(B.rd_gaussian(1.0, D_i), D_i, s, D)
    assert np.all(low <= B.rd_gaussian(1.0, D) + 1e-12)
    np.testing.assert_allclose(B.tangent_lower_bound(B.rd_gaussian(1.0, D_i), D_i, s, D_i),
                               B.rd_gaussian(1.0, D_i), atol=1e-12)
    # between two touching points the bound is strictly below the curve, and equals the larger line
    mid = 0.5 * (D_i[0] + D_i[1])
    line = B.rd_gaussian(1.0, D_i[1]) + s[1] / LN2 * (mid - D_i[1])
    assert isinstance(B.tangent_lower_bound(B.rd_gaussian(1.0, D_i), D_i, s, mid), float)
    assert B.tangent_lower_bound(B.rd_gaussian(1.0, D_i), D_i, s, mid) >= line - 1e-12
    assert B.tangent_lower_bound(B.rd_gaussian(1.0, D_i), D_i, s, mid) < B.rd_gaussian(1.0, mid) - 1e-3
    # on Blahut–Arimoto points of Bern(0.2): a lower bound on the closed form h(q) − h(D)
    slopes = np.array([-1.5, -2.0, -4.0, -8.0])
    R, Dq = B.rd_curve_ba([0.8, 0.2], HAMMING, slopes)
    D_grid = np.linspace(1e-3, 0.2, 100)
    assert np.all(B.tangent_lower_bound(R, Dq, slopes, D_grid) <= B.rd_binary(0.2, D_grid) + 1e-9)
    with pytest.raises(ValueError, match="matching"):
        B.tangent_lower_bound(R, Dq[:2], slopes, D_grid)
    with pytest.raises(ValueError, match="slope"):
        B.tangent_lower_bound(R, Dq, -slopes, D_grid)


def test_rd_hamming_closed_form_meets_blahut_arimoto_in_its_range():
    p = np.array([0.5, 0.3, 0.2])
    ham = 1.0 - np.eye(3)
    R, D = B.rd_curve_ba(p, ham, -np.geomspace(0.3, 20.0, 12), tol=1e-12)
    inside = D <= 2 * 0.2
    assert inside.sum() >= 6 and (~inside).sum() >= 1
    np.testing.assert_allclose(B.rd_hamming(p, D[inside]), R[inside], atol=1e-6)
    # binary case: h(q) − h(D); D = 0: H(X)
    np.testing.assert_allclose(B.rd_hamming([0.3, 0.7], [0.0, 0.1, 0.3]),
                               B.rd_binary(0.3, np.array([0.0, 0.1, 0.3])), atol=1e-12)
    assert B.rd_hamming(p, 0.0) == pytest.approx(B.entropy(p))
    # uniform ternary: the range reaches D = 2/3 (beyond 1/2, where h(D) is no longer h(min(D, 1/2))), R = 0 there
    u = np.full(3, 1 / 3)
    assert B.rd_hamming(u, 2 / 3) == pytest.approx(0.0, abs=1e-12)
    Ru, Du = B.rd_curve_ba(u, ham, np.array([-1.0, -0.5]), tol=1e-12)
    np.testing.assert_allclose(B.rd_hamming(u, Du), Ru, atol=1e-6)
    with pytest.raises(ValueError, match=r"D must be in \[0, \(m - 1\)·p_min\] = \[0, 0.4\]"):
        B.rd_hamming(p, 0.45)
    with pytest.raises(ValueError, match="p_x"):
        B.rd_hamming([0.5, 0.6], 0.1)


def test_time_sharing_point_is_the_envelope_tangent():
    # points on R = 1 − D/0.4 (a line) plus a convex bump: the flattest line from (0.5, 0) touches at D = 0.2
    D = np.array([0.05, 0.1, 0.2, 0.3, 0.45])
    R = np.array([0.9, 0.7, 0.35, 0.3, 0.1])
    i = B.time_sharing_point(R, D, 0.5)
    ratios = R / (0.5 - D)
    assert i == int(np.argmin(ratios))
    # every point lies on or above the segment from (0.5, 0) through point i
    seg = R[i] / (0.5 - D[i]) * (0.5 - D)
    assert np.all(R >= seg - 1e-12)
    with pytest.raises(ValueError, match="below d_zero"):
        B.time_sharing_point(R, D, 0.01)


# ---- the sawbridge's entropy-distortion function -------------------------------------------------------
def test_sawbridge_entropy_distortion_special_points():
    from wzcore.bounds import sawbridge_entropy_distortion as hs
    assert hs(1 / 6) == 0.0 and hs(0.3) == 0.0  # zero rate at and above 1/6
    for k in (2, 3, 7, 50):
        assert hs(1 / (6 * k)) == pytest.approx(math.log2(k), abs=1e-9)  # k equal cells
    d = np.geomspace(1e-4, 1 / 6, 400)
    h = np.asarray(hs(d))
    assert np.all(np.diff(h) <= 1e-12)  # more distortion, fewer bits
    assert np.all(h <= np.log2(np.ceil(1 / (6 * d))) + 1e-9)  # never above log2 of the cell count it needs
    with pytest.raises(ValueError):
        hs(0.0)


def test_sawbridge_minimum_entropy_by_random_search():
    """No distribution of cell widths with the same Σ p² has less entropy than the curve's (x, …, x, y)."""
    from wzcore.bounds import sawbridge_entropy_distortion as hs
    rng = np.random.default_rng(0)
    for _ in range(20_000):
        n = int(rng.integers(2, 7))
        p = rng.dirichlet(np.full(n, rng.choice([0.2, 0.5, 1.0, 3.0])))
        p = p[p > 0]
        assert -(p * np.log2(p)).sum() >= hs((p**2).sum() / 6) - 1e-9


def test_sawbridge_cell_distortion_is_width_over_six():
    """The error of the best reconstruction of an interval cell of U, by Monte Carlo on a fine grid."""
    from wzcore.sources import Sawbridge
    saw = Sawbridge(2000)
    rng = np.random.default_rng(1)
    u = rng.uniform(0.3, 0.55, 20_000)  # one cell of width 0.25
    x = saw.paths(u)
    d = ((x - x.mean(0)) ** 2).mean()  # the cell's conditional mean is the best reconstruction
    assert d == pytest.approx(0.25 / 6, rel=0.02)


def test_sawbridge_lagrangian_optimum_is_the_best_corner():
    from wzcore.bounds import sawbridge_entropy_distortion as hs
    from wzcore.bounds import sawbridge_lagrangian_optimum as lopt
    assert lopt(0.1) == pytest.approx(0.1 / 6)  # one cell: zero rate, D = 1/6
    for lam in (5.0, 20.0, 40.0, 160.0):
        best = lopt(lam)
        d = np.geomspace(1e-4, 1 / 6, 3000)
        assert np.all(np.asarray(hs(d)) + lam * d >= best - 1e-9)  # no point of the curve does better
        k = np.arange(1, 500)
        assert best == pytest.approx(np.min(np.log2(k) + lam / (6 * k)))
