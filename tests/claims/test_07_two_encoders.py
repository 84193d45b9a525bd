"""Chapter 7 sidecars against theory: every learned point outside the two-terminal region, the references
recomputed from the distortions, the claims re-derived from the run's own thresholds."""

from __future__ import annotations

import math

import numpy as np

from wzcore import two_terminal as tt

from .sidecars import load_or_skip, run_config

CHAPTER = "07_two_encoders"


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_region_panels_against_theory(profile):
    for panel in _load(profile, "region").values():
        rho, d1, d2 = panel["rho"], panel["D1"], panel["D2"]
        ref = tt.reference_rates(d1, d2, rho)
        for key in ("bt_sum", "p2p_sum", "wz1", "p2p1"):
            assert panel[key] == np.float64(ref[key]) or math.isclose(panel[key], ref[key], rel_tol=1e-9)
        np.testing.assert_allclose(panel["r2"], tt.min_r2(np.asarray(panel["r1"]), d1, d2, rho))
        # nothing real sits inside the region: every coded point needs more than the least sum rate
        assert panel["sum_sep"] > ref["bt_sum"]
        assert panel["H12"] > ref["bt_sum"]
        assert panel["r1_sep"] >= panel["H1"] - 1e-9 and panel["r2_sep"] >= panel["H2"] - 1e-9
        if "sum_rc" in panel:
            assert panel["sum_rc"] > panel["H12"] and panel["sum_ff"] > panel["H12"]
            assert panel["ff_failures"] == 0 and panel["rc_failures"] == 0
            assert float(tt.min_r2(panel["r1_first"], d1, d2, rho)) < panel["r2_rc"]  # outside the region


def test_gap_points_and_claims(profile):
    cfg = run_config(profile, CHAPTER)
    d = _load(profile, "sum_rate_gap")
    assert math.isclose(d["scalar_loss_bits"], math.log2(math.pi * math.e / 6), abs_tol=1e-4)
    for p in d["points"]:
        assert 0 < p["ideal"] < p["real_rc"]  # the real coder costs more than the entropy
        assert p["real_rc"] < p["real_ff"] + 1e-9 or p["real_ff"] > p["ideal"]
        if p["rho"] >= cfg["sw_min_rho"]:
            assert p["real_rc"] < p["p2p"]  # learned_sum_rate_below_separate, from the sidecar
        if p["rho"] == cfg["ref_rho"]:
            assert p["ideal"] < cfg["scalar_loss_bits"] + cfg["gap_allowance_bits"]  # learned_sum_rate_gap


def test_encoder_maps(profile):
    cfg = run_config(profile, CHAPTER)
    d = _load(profile, "encoder_maps")
    assert max(d["separate_encoder1"]["frac_multi"], d["separate_encoder2"]["frac_multi"]) >= cfg["bin_min_fraction"]
    for m in d.values():
        k = np.asarray(m["k"])
        assert k.size == len(m["x"]) and k.min() >= 0 and k.max() < cfg["K"]
