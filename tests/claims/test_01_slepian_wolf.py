"""Chapter 1's figure data against theory (quick: this run; full: the committed full-profile sidecars)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wzcore import bounds
from wzcore import slepian_wolf as sw

from .sidecars import load_or_skip

CHAPTER = "01_slepian_wolf"


def _sidecar(profile: str, name: str) -> dict:
    return load_or_skip(profile, CHAPTER, name)


def test_rate_regions_match_closed_forms_and_recomputation(profile):
    side = _sidecar(profile, "rate_regions")
    p = side["data"]["p"]
    dsbs, stereo = side["data"]["regions"].values()
    h = bounds.binary_entropy(p)
    assert dsbs["h_x_given_y"] == pytest.approx(h, abs=1e-12)
    assert dsbs["h_xy"] == pytest.approx(1 + h, abs=1e-12)
    assert dsbs["h_x"] == pytest.approx(1.0, abs=1e-12)
    region = bounds.slepian_wolf_region(np.array(side["data"]["p_stereo"]))
    assert stereo["h_x_given_y"] == pytest.approx(region.h_x_given_y, abs=1e-12)
    # chain rule: H(X,Y) = H(Y) + H(X|Y) = H(X) + H(Y|X)
    for reg in (dsbs, stereo):
        assert reg["h_xy"] == pytest.approx(reg["h_y"] + reg["h_x_given_y"], abs=1e-9)
        assert reg["h_xy"] == pytest.approx(reg["h_x"] + reg["h_y_given_x"], abs=1e-9)
        np.testing.assert_allclose(reg["corners"], [[reg["h_x_given_y"], reg["h_y"]], [reg["h_x"], reg["h_y_given_x"]]],
                                   atol=1e-12)


def test_random_binning_respects_fano(profile):
    """Fano: a bin index of ⌈nR⌉ bits leaves H(X^n|Y^n, bin) ≥ n h(p) − ⌈nR⌉, so P_e ≥ (n h(p) − ⌈nR⌉ − 1)/n."""
    d = _sidecar(profile, "random_binning")["data"]
    pe, trials, h = np.array(d["error_probability"]), d["trials"], bounds.binary_entropy(d["p"])
    assert pe.shape == (len(d["lengths"]), len(d["rates"]))
    assert np.all((pe >= 0) & (pe <= 1))
    for i, n in enumerate(d["lengths"]):
        for j, r in enumerate(d["rates"]):
            fano = (n * h - math.ceil(n * r) - 1) / n
            assert pe[i, j] >= fano - 4 * math.sqrt(0.25 / trials), (n, r)
    # the threshold: far above H(X|Y) the longest blocks err rarely
    assert pe[-1, -1] < (0.05 if profile == "quick" else 0.02)
    # the claim binning_threshold_forms: the curves cross within 1/min(n) of h(p)
    cross = sw.binning_crossing(d["lengths"], d["rates"], pe)
    assert abs(cross - h) <= 1 / min(d["lengths"])


def test_syndrome_codec_gap_and_detection(profile):
    d = _sidecar(profile, "fer_vs_rate")["data"]
    h = bounds.binary_entropy(d["p"])
    assert d["h_x_given_y"] == pytest.approx(h, abs=1e-12)
    for key in ("short", "long", "soft", "hard"):
        for res in d[key]:
            assert res["undetected"] == 0, f"undetected decoding error in {key} at rate {res['rate']}"
            assert res["fer"] == pytest.approx((res["failures"] + res["undetected"]) / res["frames"])
    fer_long = [sw.FERResult(**r) for r in d["long"]]
    need = sw.required_rate(fer_long, d["target_fer"])
    assert need == pytest.approx(d["rate_needed"]["long"])
    # acceptance: n = 10^4, FER <= 1e-2 at rate <= h(p) + 0.1 (full: >= 200 frames per rate; goal + 0.06)
    assert need - h <= 0.1
    if profile == "full":
        assert min(r.frames for r in fer_long) >= 200
        assert need - h <= 0.07
    assert d["h_soft"] == pytest.approx(bounds.bpsk_awgn_cond_entropy(d["soft_sigma"]), abs=1e-9)
    assert d["h_soft"] < bounds.binary_entropy(d["p_hard"])
