"""Chapter 6 sidecars: the BD-rates recomputed from the plotted curves, the side-information decoders on the
point-to-point codec's bytes, every stream exact, the weights file the one the run evaluated, the claims
re-derived from the run's own thresholds."""

from __future__ import annotations

import hashlib

import numpy as np

from wzcore.image import metrics
from wzcore.results import repo_root

from .sidecars import load_or_skip, run_config

CHAPTER = "06_image_dsc"
SIDE = ("refine", "concat", "attention")


def _load(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)["data"]


def test_bd_rates_recomputed_from_the_curves(profile):
    d = _load(profile, "rd_curves")
    curves = d["curves"]
    for name in (*SIDE, "joint"):
        for quality, prefix in (("psnr", ""), ("ms_ssim", ""), ("psnr", "held_")):
            got = d["bd_rate_percent"][f"{name}/{prefix}{quality}"]
            assert np.isclose(got, metrics.bd_rate(curves["p2p"], curves[name], quality, prefix), atol=1e-9)
            share = d["bd_overlap"][f"{name}/{prefix}{quality}"]
            assert np.isclose(share, metrics.bd_overlap(curves["p2p"], curves[name], quality, prefix))
            assert 0 < share <= 1
    jpeg = {"bpp": d["classical"]["JPEG"]["bpp"], "psnr": d["classical"]["JPEG"]["psnr"]}
    assert np.isclose(d["bd_p2p_vs_jpeg"], metrics.bd_rate(jpeg, curves["p2p"]), atol=1e-9)
    assert np.isclose(d["bd_overlap_p2p_vs_jpeg"], metrics.bd_overlap(jpeg, curves["p2p"]))


def test_side_decoders_decode_the_point_to_point_bytes(profile):
    d = _load(profile, "rd_curves")
    p2p = d["curves"]["p2p"]
    for name in SIDE:
        np.testing.assert_array_equal(d["curves"][name]["bpp"], p2p["bpp"])
        np.testing.assert_array_equal(d["curves"][name]["held_bpp"], p2p["held_bpp"])
    assert all(d["exact"].values()) and len(d["exact"]) == 5 * len(d["lams"])
    # bpp counts whole bytes of a 250 x 370 image
    bits = np.asarray(p2p["bpp"]) * 250 * 370
    np.testing.assert_allclose(bits / 8, np.round(bits / 8), atol=1e-6)


def test_weights_are_the_ones_evaluated_and_small(profile):
    cfg = run_config(profile, CHAPTER)
    path = repo_root() / cfg["weights"]
    d = _load(profile, "rd_curves")
    assert path.stat().st_size <= 5_000_000
    assert hashlib.sha256(path.read_bytes()).hexdigest() == d["weights_sha256"]


def test_claims_rederived(profile):
    cfg = run_config(profile, CHAPTER)
    d = _load(profile, "rd_curves")
    bd = d["bd_rate_percent"]
    best = min(bd[f"{k}/psnr"] for k in SIDE)
    assert best < cfg["dsi_bd_max"]  # dsi_negative_bd_rate
    assert bd["joint/psnr"] <= best  # joint_at_least_as_good
    assert d["bd_p2p_vs_jpeg"] < cfg["jpeg_bd_max"]  # learned_beats_jpeg
    assert np.all(np.diff(d["curves"]["p2p"]["bpp"]) > 0)  # rate_follows_lambda (committed codecs)
