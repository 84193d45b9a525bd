"""One look for every figure of the book.

Call :func:`theme` once per chapter. Bounds are drawn as lines (:func:`bound`), operational points as
markers (:func:`points`), with axes in the book's units (bits/sample, dB). Index colours use a
colour-blind-safe palette (:func:`index_colors`); figure backgrounds are opaque (dark-mode safe).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

RATE_LABEL = "rate (bits/sample)"
DIST_DB_LABEL = r"distortion $10\log_{10}\mathrm{MSE}$ (dB)"


def theme() -> None:
    """Seaborn ``ticks`` style, colour-blind palette, white opaque backgrounds, readable sizes."""
    sns.set_theme(context="notebook", style="ticks", palette="colorblind", font_scale=1.0)
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.2),
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 1.8,
        "lines.markersize": 6,
    })


def index_colors(k: int) -> list[tuple[float, float, float]]:
    """``k`` distinguishable colours: the colour-blind palette, extended by husl hues when ``k > 10``."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    base = sns.color_palette("colorblind", 10)
    return base[:k] if k <= 10 else base + sns.color_palette("husl", k - 10)


def bound(ax: plt.Axes, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, label: str,
          **kw: object) -> None:
    """A theoretical curve (a line, no markers)."""
    ax.plot(x, y, label=label, **{"lw": 2.0, **kw})


def points(ax: plt.Axes, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, label: str,
           **kw: object) -> None:
    """Operational points of a scheme (markers, thin connecting line)."""
    ax.plot(x, y, label=label, **{"marker": "o", "lw": 0.8, "ls": "--", **kw})


def rd_axes(ax: plt.Axes, *, x_db: bool = True, title: str | None = None) -> None:
    """Label a rate–distortion plot: distortion (dB or MSE) on x, rate (bits/sample) on y."""
    ax.set_xlabel(DIST_DB_LABEL if x_db else "distortion (MSE)")
    ax.set_ylabel(RATE_LABEL)
    if title:
        ax.set_title(title)
    ax.legend()


def index_bands(ax: plt.Axes, x_grid: np.ndarray, index: np.ndarray, k: int | None = None,
                alpha: float = 0.35) -> None:
    """Colour the x axis by quantization index (the review's Fig. 3 encoder picture).

    ``index[i]`` is the cell of ``x_grid[i]`` (sorted grid); a colour seen in several disjoint bands
    means binning.
    """
    if x_grid.shape != index.shape:
        raise ValueError(f"x_grid and index must have the same shape, got {x_grid.shape} and {index.shape}")
    colors = index_colors(int(k if k is not None else index.max() + 1))
    edges = np.flatnonzero(np.diff(index)) + 1
    starts = np.r_[0, edges]
    ends = np.r_[edges, len(index)]
    for s, e in zip(starts, ends, strict=True):
        lo = x_grid[s] if s == 0 else 0.5 * (x_grid[s - 1] + x_grid[s])
        hi = x_grid[e - 1] if e == len(index) else 0.5 * (x_grid[e - 1] + x_grid[e])
        ax.axvspan(lo, hi, color=colors[int(index[s]) % len(colors)], alpha=alpha, lw=0)
