"""Tests of wzcore.plotting's rate–distortion panels: what is drawn where (the pixels are the reader's)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from wzcore import plotting


def test_rd_panel_draws_in_db_and_hamming_panel_linearly():
    D = np.array([0.1, 0.01])  # unsorted on purpose once reversed below
    R = np.array([1.0, 2.0])
    fig, (a, b) = plt.subplots(1, 2)
    plotting.rd_panel(a, curves=[("bound", D[::-1], R[::-1])], schemes=[("pts", D, R, {"color": "k"})])
    plotting.hamming_rd_panel(b, curves=[("bound", D, R)], schemes=[("pts", D, R)], legend=None)
    bound, pts = a.get_lines()
    np.testing.assert_allclose(bound.get_xdata(), [-20.0, -10.0])  # sorted by distortion, in dB
    np.testing.assert_allclose(bound.get_ydata(), [2.0, 1.0])
    assert pts.get_linestyle() == "None" and pts.get_markersize() == 7
    np.testing.assert_allclose(b.get_lines()[0].get_xdata(), [0.01, 0.1])  # linear Hamming distortion
    assert b.get_xlabel() == "Hamming distortion D" and a.get_xlabel() == plotting.DIST_DB_LABEL
    assert a.get_legend() is not None and b.get_legend() is None
    plt.close(fig)


def test_fer_points_draws_bounds_and_upper_bounds():
    from wzcore.slepian_wolf import FERResult

    def res(rate, k, n):
        from scipy.stats import beta
        up = 1.0 if k >= n else float(beta.ppf(0.95, k + 1, n - k))
        return FERResult(rate, 0.1, n, k, 0, k / n, up, 0.95, 0.0, 0.0)

    fig, ax = plt.subplots()
    plotting.fer_points(ax, [res(0.5, 10, 100), res(0.6, 0, 100)], "codec")
    # the zero-failure rate is an open triangle at its Clopper–Pearson upper bound 1 − 0.05^(1/100)
    tri = [ln for ln in ax.lines if ln.get_marker() == "v"]
    assert len(tri) == 1
    np.testing.assert_allclose(tri[0].get_ydata(), [1 - 0.05 ** (1 / 100)], rtol=1e-9)
    # the measured point carries a bar from the lower to the upper bound
    bars = [c for c in ax.collections if c.get_segments()]
    (seg,) = bars[0].get_segments()
    lo, hi = sorted(seg[:, 1])
    assert lo < 0.1 < hi and hi == pytest.approx(res(0.5, 10, 100).fer_upper)
    plt.close(fig)
