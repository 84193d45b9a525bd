"""Chapter 4 sidecars against theory: the learned VQ's operating points, bounds and binning measures."""

from __future__ import annotations

import numpy as np

from wzcore import bounds, rd

from .sidecars import load_or_skip, run_config

CHAPTER = "04_learned_binning"


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_operating_points_respect_the_bounds(profile):
    d = _load(profile, "vq_rd")
    cv = d["cond_var"]
    for R, D in ((d["marg_R"], d["marg_D"]), (d["cond_R"], d["cond_D"]), (d["coset_R"], d["coset_D"])):
        R, D = np.asarray(R), np.asarray(D)
        assert np.all(R > bounds.wz_gaussian(cv, D))  # nothing beats R_WZ(D)
    # the marginal prior's real rate beats the point-to-point bound (the claim), by at least its margins
    marg_R, marg_D = np.asarray(d["marg_R"]), np.asarray(d["marg_D"])
    assert np.all(marg_R < bounds.rd_gaussian(1.0, marg_D))
    # the optimal ECSQ without side information is above R_X(D) but within the scalar loss (1.53 dB)
    eR, eD = np.asarray(d["ecsq_R"]), np.asarray(d["ecsq_D"])
    gap = 10 * np.log10(eD / 2.0 ** (-2 * eR))
    assert np.all(gap > 0) and np.all(gap < 10 * np.log10(np.pi * np.e / 6) + 0.05)


def test_gaps_are_recomputed_from_the_points(profile):
    d = _load(profile, "vq_rd")
    R_line = np.linspace(0.0, 8.0, 81)
    D_line = d["cond_var"] * 2.0 ** (-2 * R_line)
    for key, R, D in (("gap_cond_db", d["cond_R"], d["cond_D"]), ("gap_marg_db", d["marg_R"], d["marg_D"])):
        np.testing.assert_allclose(rd.gap_db_at_rate(R, D, R_line, D_line), d[key], atol=1e-9)
    # the closed form: gap = 10 log10(D / (σ² 2^(−2R)))
    R, D = np.asarray(d["cond_R"]), np.asarray(d["cond_D"])
    np.testing.assert_allclose(d["gap_cond_db"], 10 * np.log10(D / (d["cond_var"] * 2.0 ** (-2 * R))),
                               atol=1e-9)
    assert np.all(np.asarray(d["gap_cond_db"]) <= run_config(profile, CHAPTER)["cond_gap_db"])


def test_real_slepian_wolf_bits_exceed_the_ideal_rate(profile):
    d = _load(profile, "vq_rd")
    assert d["sw_real"] > d["sw_ideal"] > 0  # a real code cannot beat the conditional entropy estimate
    assert d["sw_real"] < bounds.rd_gaussian(1.0, d["sw_D"])  # the claim: below the point-to-point bound
    assert d["rc_real"] < bounds.rd_gaussian(1.0, d["sw_D"])  # with a return channel too
    for key in ("rc_real", "rc_sorted", "ff_sorted"):  # no real code beats the estimate (up to its noise)
        assert d[key] > d["sw_ideal"] - 0.05


def test_binning_measures(profile):
    g = _load(profile, "vq_binning_gaussian")
    cfg = run_config(profile, CHAPTER)
    assert g["summary"]["frac_multi"] >= cfg["bins_frac_min"]
    assert set(rd.count_intervals_per_index(g["index"]).values()) != {1}  # some index recurs
    s = _load(profile, "vq_binning_sign")
    assert s["sharing"] >= cfg["sign_sharing_min"] and 0 <= s["I_KY"] <= cfg["sign_mi_max"]
    assert s["R_WZ"] < s["R_X"]  # side information helps (Exp(1) R(D) below Laplace R(D))
