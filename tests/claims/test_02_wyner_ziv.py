"""Chapter 2 sidecars against theory: Wyner–Ziv bounds, coset quantizer and SWC-NQ operating points."""

from __future__ import annotations

import numpy as np

from wzcore import bounds, rd

from .sidecars import load_or_skip, run_config

CHAPTER = "02_wyner_ziv"
SCALAR_LOSS_DB = 10 * np.log10(np.pi * np.e / 6)  # 1.533 dB


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_dsbs_ba_on_closed_form(profile):
    d = _load(profile, "dsbs_bounds")
    p = d["p"]
    D, R = np.array(d["ba_D"]), np.array(d["ba_R"])
    np.testing.assert_allclose(R, bounds.wz_binary(p, D), atol=1e-6)
    Dg = np.array(d["D"])
    np.testing.assert_allclose(d["R_wz"], bounds.wz_binary(p, Dg), atol=1e-12)
    inside = (Dg > 1e-3) & (Dg < p - 1e-3)
    assert np.all(np.array(d["R_wz"])[inside] > np.array(d["R_cond"])[inside])
    dc, _ = bounds.wz_binary_critical(p)
    assert abs(d["d_c"] - dc) < 1e-12 and 0 < dc < p


def test_ternary_ba_sandwich(profile):
    d = _load(profile, "ternary_ba")
    assert d["sandwich_low"] and d["sandwich_high"]
    # the largest WZ rate (D -> 0) equals H(X|Y) of the source, below H(X)
    assert max(d["wz_R"]) < max(d["x_R"])
    assert min(d["wz_D"]) >= 0 and max(d["wz_D"]) <= d["D_max_wz"] + 1e-9


def test_coset_points_against_bounds(profile):
    d = _load(profile, "rd_gaussian")
    cv = d["cond_var"]
    assert cv <= 0.1
    R, D = np.array(d["coset_real_R"]), np.array(d["coset_real_D"])
    assert np.all(R < bounds.rd_gaussian(1.0, D))  # beats every point-to-point code
    assert np.all(R > bounds.wz_gaussian(cv, D))
    # real bytes cost at most the header + ~1 % over the exact entropy H(K)
    assert np.all(R - np.array(d["coset_real_exact_R"]) < 0.03)
    gap_sw = np.array(d["gap_sw_db"])
    tol = 0.3 if profile == "quick" else 0.15
    hi = [i for i, r in enumerate(d["coset_rates"]) if r >= 2.0]
    assert np.all(np.abs(gap_sw[hi] - SCALAR_LOSS_DB) < tol)  # approaches 1.53 dB at high rate
    assert np.all(np.array(d["gap_real_db"]) > gap_sw)


def test_ecsq_reference_is_p2p(profile):
    d = _load(profile, "rd_gaussian")
    R, D = np.array(d["ecsq_R"]), np.array(d["ecsq_D"])
    gap = 10 * np.log10(D / 2.0 ** (-2 * R))
    assert np.all(gap > 0) and np.all(gap < SCALAR_LOSS_DB + 0.05)


def test_swc_nq_operating_points(profile):
    d = _load(profile, "rd_gaussian")
    cv = d["cond_var"]
    R, H, D = np.array(d["swc_R"]), np.array(d["swc_H"]), np.array(d["swc_D"])
    step = np.array(d["swc_step"])
    assert d["swc_exact"]
    assert np.all(R < bounds.rd_gaussian(1.0, D))
    assert np.all(R > H) and np.all(H > bounds.wz_gaussian(cv, D))
    assert np.all(D < step**2 / 12 * 1.05)  # MMSE reconstruction of exactly decoded cells
    # ideal rate ≈ h(X|Y) − log2 Δ at the finest step (high resolution)
    h_hr = 0.5 * np.log2(2 * np.pi * np.e * cv) - np.log2(step.min())
    assert abs(H[np.argmin(step)] - h_hr) < 0.05
    # real overhead (LDPC loss, rate grid, container) stays below 0.6 bit at n = swc_n
    assert np.all(R - H < 0.6)


def test_swc_nq_honest_systems(profile):
    d = _load(profile, "rd_gaussian")
    cv, n = d["cond_var"], d["swc_n"]
    H = np.array(d["swc_H"])
    for key in ("ff", "rc"):
        R, D = np.array(d[f"swc_{key}_R"]), np.array(d[f"swc_{key}_D"])
        bits = [np.asarray(b) for b in d[f"swc_{key}_bits"]]
        # the rate is the bits on the wire over the samples, block by block
        np.testing.assert_allclose(R, [b.sum() / (n * b.size) for b in bits], rtol=0, atol=1e-12)
        assert np.all(R < bounds.rd_gaussian(1.0, D))  # the claim
        assert np.all(R > H - 0.02) and np.all(R > bounds.wz_gaussian(cv, D))  # nothing beats the bounds
        R_line = np.linspace(0.0, 10.0, 2001)
        gap = rd.gap_bits_at_distortion(R, D, R_line, cv * 2.0 ** (-2 * R_line))
        np.testing.assert_allclose(gap, d[f"swc_gap_{key}_bits"], atol=1e-9)
    # the return channel decodes every block: its distortion is the oracle's (same blocks, exact index)
    np.testing.assert_allclose(d["swc_rc_D"], d["swc_D"], rtol=1e-12)
    assert np.all(np.asarray(d["swc_rc_feedback"]) > 0)


def test_lattice_gaps_meet_high_resolution_theory(profile):
    """The A2 and Z² quantizers of pairs: each gap to R_WZ near 10 log10(2πe G) (exact at high rate; the Monte
    Carlo and the quadrature add a few hundredths of a dB), and the hexagon below the square."""
    d = load_or_skip(profile, CHAPTER, "a2_lattice")["data"]
    gz, ga = np.asarray(d["gap_z2_db"]), np.asarray(d["gap_a2_db"])
    np.testing.assert_allclose(d["hex_gain_db"], 10 * np.log10(d["G_Z"] / d["G_A2"]))
    assert np.all(ga < gz)
    small = np.asarray(d["cell_size"]) <= 1.0
    assert np.all(np.abs(gz[small] - 10 * np.log10(2 * np.pi * np.e * d["G_Z"])) < 0.15)
    assert np.all(np.abs(ga[small] - 10 * np.log10(2 * np.pi * np.e * d["G_A2"])) < 0.15)


def test_nested_lattice_codes_with_real_coding(profile):
    d = load_or_skip(profile, CHAPTER, "a2_lattice")["data"]
    cfg = run_config(profile, CHAPTER)
    sigma = np.sqrt(cfg["var_n"] / (1 + cfg["var_n"]))
    assert len(d["nested_real"]) == 2 * len(cfg["a2_sw_cells"])
    for r in d["nested_real"]:
        assert r["failures"] == 0
        assert r["rate_real"] > r["rate_ideal"]  # the real coder costs more than H(K | Y)
        assert 0 < r["gap_ideal_db"] < r["gap_real_db"]  # nothing reaches R_WZ, real or ideal
        reach = r["M"] * r["step"] / sigma  # the coarse cell spans the configured reach, with M the least such
        assert cfg["a2_sw_reach"] <= reach < 2 * cfg["a2_sw_reach"]


def test_zero_delay_points_against_the_genie_bound_and_the_prefix_code(profile):
    """Zero-delay codes: the bound's conditional variances recomputed from (a, σ_Z²); every point above the
    genie bound at its real rate, its prefix code within one bit of H(K) and at least one bit per sample;
    the iterative design cheaper than the exhaustive search; the claim's gaps as stored."""
    d = load_or_skip(profile, CHAPTER, "zero_delay")["data"]
    a, vz = d["a"], d["var_z"]
    assert np.isclose(d["genie_cond_var"], (1 - a**2) * vz / (1 - a**2 + vz))
    assert np.isclose(d["memoryless_cond_var"], vz / (1 + vz))
    for name in ("exhaustive", "iterative", "memoryless"):
        R, Ri, D = (np.asarray(d[f"{name}_{k}"]) for k in ("rate_code", "rate_ideal", "mse"))
        assert np.all(D > d["genie_cond_var"] * 2.0 ** (-2 * R))
        assert np.all((R >= 1) & (R >= Ri - 1e-12) & (R < Ri + 1))
        assert np.all(np.asarray(d[f"{name}_rate_real"]) > R)  # framing and padding on top
    bound_db = 10 * np.log10(np.asarray(d["exhaustive_mse"]) / d["genie_cond_var"]) + 20 * np.log10(2) * \
        np.asarray(d["exhaustive_rate_code"])
    np.testing.assert_allclose(d["bound_gap_db"], bound_db, atol=1e-9)
    assert max(d["runs"]["iterative"]) * 3 < min(d["runs"]["exhaustive"])
    assert len(d["gap_iterative"]) == len(d["lams"]) == len(d["gap_memoryless"])
