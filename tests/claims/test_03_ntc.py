"""Chapter 3 sidecars against theory: NTC vs optimal ECSQ and R(D) on Laplace, NTC with decoder SI vs R_WZ."""

from __future__ import annotations

import math

import numpy as np

from wzcore import bounds, rd

from .sidecars import load_or_skip, run_config

CHAPTER = "03_ntc"
SCALAR_LOSS_DB = 10 * np.log10(np.pi * np.e / 6)  # 1.533 dB
H_LAPLACE = math.log2(2 * math.e)  # h(Laplace(0, 1)) in bits
H_EXP = math.log2(math.e)  # h(Exp(1)) in bits


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_ntc_on_laplace_meets_ecsq(profile):
    d = _load(profile, "rd_laplace")
    R, Rm, D = np.array(d["ntc_R_real"]), np.array(d["ntc_R_model"]), np.array(d["ntc_D"])
    gap = rd.gap_db_at_rate(R, D, d["ecsq_R"], d["ecsq_D"])
    np.testing.assert_allclose(gap, d["gap_ecsq_db"], atol=1e-9)
    tol = run_config(profile, CHAPTER)["ecsq_tol_db"]  # the claim's own threshold
    assert np.all(np.abs(gap) < tol)
    ste_gap = rd.gap_db_at_rate(d["ste_R_real"], d["ste_D"], d["ecsq_R"], d["ecsq_D"])
    np.testing.assert_allclose(ste_gap, d["ste_gap_db"], atol=1e-9)  # straight-through: recomputed, and
    assert np.all(np.asarray(d["ste_gap_db"]) > -tol)  # no better than the optimal ECSQ
    # no operating point beats the Shannon lower bound (a certified bound on R(D))
    assert np.all(Rm > bounds.shannon_lower_bound(H_LAPLACE, D))
    # real bitstream: above the model rate, by at most the claim's relative overhead
    overhead = run_config(profile, CHAPTER)["coding_overhead"]
    assert np.all(R >= Rm) and np.all(R < (1 + overhead) * Rm)


def test_ecsq_and_ba_against_bounds(profile):
    d = _load(profile, "rd_laplace")
    ba_R, ba_D = np.array(d["ba_R"]), np.array(d["ba_D"])
    # BA R(D) on a grid sits on or above the Shannon lower bound (up to the discretisation, ~1e-3 bit)
    assert np.all(ba_R > bounds.shannon_lower_bound(H_LAPLACE, ba_D) - 2e-3)
    # the optimal ECSQ is worse than R(D) but by less than the high-rate scalar loss (1.53 dB)
    eR, eD = np.array(d["ecsq_R"]), np.array(d["ecsq_D"])
    inside = (eR > ba_R.min()) & (eR < ba_R.max())
    g = rd.gap_db_at_rate(eR[inside], eD[inside], ba_R, ba_D)
    assert np.all(g > -0.02) and np.all(g < SCALAR_LOSS_DB + 0.05)


def test_learned_dead_zone(profile):
    d = _load(profile, "laplace_quantizer")
    assert d["zero_cell_ntc"] > d["step_ntc"]  # a dead zone
    np.testing.assert_allclose(d["ratio_ntc"], d["zero_cell_ntc"] / d["step_ntc"], rtol=1e-12)
    np.testing.assert_allclose(d["ratio_ecsq"], d["zero_cell_ecsq"] / d["step_ecsq"], rtol=1e-12)
    assert d["ratio_ecsq"] > 1 and d["ratio_ntc"] > 1
    assert d["max_threshold_diff"] < (0.1 if profile == "quick" else 0.06)
    t = np.array(d["ntc_thresholds"])
    inner = np.abs(t) < 4
    np.testing.assert_allclose(t[inner], -t[inner][::-1], atol=0.1)  # symmetric like the source


def test_side_info_ntc_does_not_bin(profile):
    d = _load(profile, "rd_side_info")
    for name in ("sign", "qg"):
        assert d[name]["runs_max"] == 1
        for runs in d[name]["runs"]:
            assert set(runs.values()) == {1} and len(runs) >= 3
    for name in ("sign", "qg"):
        fig = _load(profile, f"no_binning_{name}")
        assert set(rd.count_intervals_per_index(fig["index"]).values()) == {1}


def test_side_info_ntc_against_the_bounds(profile):
    d = _load(profile, "rd_side_info")
    # quadratic-Gaussian: closed-form R_WZ; every rate above it, the SW rates ordered
    q = d["qg"]
    R, D = np.array(q["R_real"]), np.array(q["D"])
    np.testing.assert_allclose(q["R_wz"], bounds.wz_gaussian(d["qg_cond_var"], D), atol=1e-12)
    # sign SI: R_WZ = R(D) of Exp(1); the interpolated BA value is above the Shannon lower bound
    s = d["sign"]
    assert np.all(np.array(s["R_wz"]) >= bounds.shannon_lower_bound(H_EXP, np.array(s["D"])) - 2e-3)
    for name in ("sign", "qg"):
        x = d[name]
        R, H, Rsw, Rwz = (np.array(x[k]) for k in ("R_real", "H_sw", "R_sw", "R_wz"))
        # entropy-coded ≥ H(K) ≥ H(K|Y) ≥ R_WZ(D) (K with g_s(K, Y) is a Wyner–Ziv code); real SW ≥ ideal
        assert np.all(R > H) and np.all(H > Rwz - 1e-3) and np.all(Rsw > H - 0.02)
    # no folding beyond the cell of 0 (the claim si_cells_contiguous)
    assert max(d["sign_folding"]) == 0.0



def test_universal_quantization_against_the_proxy(profile):
    d = _load(profile, "universal_quantization")
    cfg = run_config(profile, CHAPTER)
    assert np.all(np.asarray(d["z_rate"]) < cfg["uq_z"]) and np.all(np.asarray(d["z_sse"]) < cfg["uq_z"])
    R, Rm = np.asarray(d["R_uq"]), np.asarray(d["R_uq_model"])
    assert np.all(R >= Rm) and np.all(R < (1 + cfg["coding_overhead"]) * Rm + 0.01)  # real bytes, framed
    gap = rd.gap_db_at_rate(R, d["D_uq"], _load(profile, "rd_laplace")["ecsq_R"],
                            _load(profile, "rd_laplace")["ecsq_D"])
    np.testing.assert_allclose(gap, d["gap_uq_db"], atol=1e-9)
    # nothing beats the Shannon lower bound, dithered or not
    assert np.all(Rm > bounds.shannon_lower_bound(H_LAPLACE, np.asarray(d["D_uq"])))


def test_sawbridge_against_the_optimal_curve(profile):
    d = _load(profile, "sawbridge")
    cfg = run_config(profile, CHAPTER)
    D, R = np.asarray(d["D"]), np.asarray(d["R_real"])
    np.testing.assert_allclose(d["H_star"], bounds.sawbridge_entropy_distortion(D))  # the curve recomputed
    assert np.all(D < 1 / 6)  # below the zero-rate distortion
    # nothing beats H*(D) (up to the grid: m points of t, error O(1/m^2) in D), nor the Lagrangian's optimum
    assert np.all(R > np.asarray(bounds.sawbridge_entropy_distortion(D * (1 + 4 / d["m"]))))
    assert np.all(np.asarray(d["lagrangian_excess"]) > -4 / d["m"])
    lams = np.asarray(d["lams"])
    excess = R + lams * D - np.array([bounds.sawbridge_lagrangian_optimum(v) for v in lams])
    np.testing.assert_allclose(d["lagrangian_excess"], excess, atol=1e-9)
    assert np.any(np.asarray(d["gap_bits"]) > cfg["saw_tol_bits"])  # the claim, from the sidecar
