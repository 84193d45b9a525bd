"""Chapter 5 sidecars against theory: channel simulation lengths, importance matching against the bounds."""

from __future__ import annotations

import numpy as np

from wzcore import one_shot

from .sidecars import load_or_skip, run_config

CHAPTER = "05_one_shot"


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_channel_simulation_lengths(profile):
    d = _load(profile, "pfr_length_cost")
    info, bits, log2k = (np.asarray(d[k]) for k in ("I", "real_bits", "log2K"))
    np.testing.assert_allclose(d["li_el_gamal"], info + np.log2(info + 1) + 4)  # the bound recomputed
    assert np.all(bits < one_shot.li_el_gamal_bound(info))
    assert np.all(bits > log2k)  # the coded index costs more than the mean log2 K (octave entropy, framing)
    assert np.all(np.diff(np.log2(d["median_searched"])) > 0)  # more information, more proposals


def test_importance_matching_respects_the_bounds(profile):
    d = _load(profile, "iml_rd")
    cfg = run_config(profile, CHAPTER)
    R = np.asarray(d["rate_bits"])
    d_wz = 10 * np.log10(d["var_zeta"] / (1 + d["var_zeta"]) * 2.0 ** (-2 * R))
    np.testing.assert_allclose(d["mmse_t_db"], 10 * np.log10(1 / 3), atol=1e-12)
    for key in ("reference_db", "hard_db", "soft_db", "soft_same_db", "coset_db"):
        assert np.all(np.asarray(d[key]) > d_wz), key  # nothing beats D_WZ(R)
    # the paper's decoder on the paper's grid is one of the choices the wide search could make
    assert np.all(np.asarray(d["hard_db"]) <= np.asarray(d["reference_db"]) + 1.0)
    assert set(d["var_w_paper"]) <= set(cfg["paper_var_w"])
    assert np.all((np.asarray(d["match"]) > 0) & (np.asarray(d["match"]) < 1))
    # the claim, from the sidecar and the run's own thresholds
    assert np.all(np.asarray(d["reference_db"]) > np.asarray(cfg["paper_mse_db"]) + cfg["paper_gap_db"])
