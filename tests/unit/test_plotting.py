"""Tests of wzcore.plotting's rate–distortion panels: what is drawn where (the pixels are the reader's)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

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
