"""One look for every figure of the book.

Call :func:`theme` once per chapter. Bounds are drawn as lines (:func:`bound`), operational points as
markers (:func:`points`), with axes in the book's units (bits/sample, dB). Index colours use a
colour-blind-safe palette (:func:`index_colors`); figure backgrounds are opaque (dark-mode safe).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from scipy.stats import beta

RATE_LABEL = "rate (bits/sample)"
DIST_DB_LABEL = r"distortion $10\log_{10}\mathrm{MSE}$ (dB)"


def theme() -> None:
    """Seaborn ``ticks`` style, colour-blind palette, white opaque backgrounds, readable sizes; inside a
    Jupyter kernel, retina (2×) PNG output of every figure (what the website shows)."""
    try:
        from IPython import get_ipython

        if get_ipython() is not None:
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            set_matplotlib_formats("retina")
    except ImportError:  # plain Python: no inline output to configure
        pass
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


def binning_picture(x_grid: np.ndarray, index: np.ndarray, y_grid: np.ndarray, recon: np.ndarray,
                    k: int | None = None, title: str | None = None,
                    xy_samples: tuple[np.ndarray, np.ndarray] | None = None, *, boundaries: bool = False,
                    recon_ylim: tuple[float, float] | None = None) -> tuple[plt.Figure, np.ndarray]:
    """The review's Fig. 3 for any Wyner–Ziv quantizer, in two panels.

    Left: the encoder's cells over x, coloured by index (``index[i]`` is the index of ``x_grid[i]``); a colour
    recurring in disjoint intervals is binning; ``boundaries`` draws the cell boundaries; the index legend
    is shown for at most 12 indices. Right: the decoder's reconstruction x̂(k, y) against y, one curve per
    index in the same colour (``recon[k]`` over ``y_grid``; NaN where undefined; markers when y takes at most
    three values), optionally over a scatter of (y, x) samples. Returns (figure, axes).
    """
    index = np.asarray(index)
    recon = np.atleast_2d(np.asarray(recon, dtype=float))
    n_k = int(k if k is not None else max(index.max() + 1, recon.shape[0]))
    if recon.shape[1] != np.asarray(y_grid).size:
        raise ValueError(f"recon must have shape (K, len(y_grid)), got {recon.shape}")
    colors = index_colors(n_k)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.0), constrained_layout=True)
    index_bands(axes[0], np.asarray(x_grid), index, n_k, alpha=0.55)
    axes[0].set_xlim(float(np.min(x_grid)), float(np.max(x_grid)))
    axes[0].set_yticks([])
    axes[0].set_xlabel("source x")
    axes[0].set_title("encoder: index k over x")
    if boundaries:
        xg = np.asarray(x_grid)
        axes[0].vlines(0.5 * (xg[1:] + xg[:-1])[np.diff(index) != 0], 0, 1, color="k", lw=0.7)
    if n_k <= 12:
        handles = [mpl.patches.Patch(color=colors[j], alpha=0.55, label=f"k = {j}") for j in range(n_k)]
        axes[0].legend(handles=handles, ncol=min(n_k, 8), loc="upper center", bbox_to_anchor=(0.5, -0.18),
                       fontsize="small")
    if xy_samples is not None:
        axes[1].scatter(xy_samples[1], xy_samples[0], s=2, color="0.6", alpha=0.3, label="samples (y, x)")
    discrete_y = np.asarray(y_grid).size <= 3
    for j in range(recon.shape[0]):
        style = {"marker": "o", "ls": ":", "ms": 5} if discrete_y else {}
        axes[1].plot(y_grid, recon[j], color=colors[j % len(colors)], lw=1.6, **style)
    if discrete_y:
        axes[1].set_xticks(np.asarray(y_grid))
    if recon_ylim is not None:
        axes[1].set_ylim(*recon_ylim)
    axes[1].set_xlabel("side information y")
    axes[1].set_ylabel(r"reconstruction $\hat x(k, y)$")
    axes[1].set_title("decoder: one curve per index k")
    if title:
        fig.suptitle(title)
    return fig, axes


def cells_2d(ax: plt.Axes, xx: np.ndarray, yy: np.ndarray, labels: np.ndarray,
             points: np.ndarray | None = None, samples: np.ndarray | None = None, alpha: float = 0.45) -> None:
    """Quantization cells of a 2-D quantizer (Ballé et al.'s NTC banana picture).

    ``labels`` (shape of the meshgrid ``xx``, ``yy``) is the cell of each grid point; cells are filled with
    the colour-blind palette (label mod 10, so neighbours rarely share a colour) and outlined in black.
    ``points`` (K, 2): reconstruction points (black dots); ``samples`` (N, 2): source samples (grey).
    """
    labels = np.asarray(labels)
    if not (labels.shape == np.shape(xx) == np.shape(yy)) or labels.ndim != 2:
        raise ValueError(f"xx, yy and labels must be 2-D of one shape, got {np.shape(xx)}, {np.shape(yy)}, "
                         f"{labels.shape}")
    _, dense = np.unique(labels, return_inverse=True)
    dense = dense.reshape(labels.shape)
    cmap = mpl.colors.ListedColormap(index_colors(10))
    extent = (float(xx.min()), float(xx.max()), float(yy.min()), float(yy.max()))
    ax.imshow(dense % 10, origin="lower", extent=extent, cmap=cmap, vmin=-0.5, vmax=9.5, alpha=alpha,
              interpolation="nearest", aspect="equal")
    edge = np.zeros(labels.shape, dtype=bool)
    edge[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    edge[1:, :] |= labels[1:, :] != labels[:-1, :]
    ax.contour(xx, yy, edge.astype(float), levels=[0.5], colors="k", linewidths=0.6)
    if samples is not None:
        ax.scatter(samples[:, 0], samples[:, 1], s=1, color="0.35", alpha=0.25, label="samples", rasterized=True)
    if points is not None:
        ax.scatter(points[:, 0], points[:, 1], s=14, color="k", zorder=3, label="reconstructions")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.grid(False)


def rate_region(ax: plt.Axes, region: object, title: str | None = None) -> None:
    """A Slepian–Wolf rate region in the (R_X, R_Y) plane, in bits/sample.

    ``region`` is a :class:`wzcore.bounds.SlepianWolfRegion`: its polygon is filled (clipped at
    1.25·max(H(X), H(Y))), its two corner points drawn as red markers (the first one annotated), and
    H(X), H(Y) marked by dotted lines.
    """
    top = 1.25 * max(region.h_x, region.h_y)
    poly = region.polygon(r_max=top)
    ax.fill(poly[:, 0], poly[:, 1], alpha=0.25, label="achievable region")
    corners = region.corners()
    ax.plot(corners[:, 0], corners[:, 1], "o", color="C3", label="corner points")
    ax.plot([region.h_x, region.h_x], [0, top], ":", color="0.4", lw=1)
    ax.plot([0, top], [region.h_y, region.h_y], ":", color="0.4", lw=1)
    ax.annotate(r"$(H(X|Y),\,H(Y))$", corners[0], textcoords="offset points", xytext=(8, -16))
    ax.set(xlim=(0, top), ylim=(0, top), xlabel=r"$R_X$ (bits/sample)", ylabel=r"$R_Y$ (bits/sample)",
           title=title, aspect="equal")
    ax.text(0.02 * top, region.h_y + 0.02 * top, r"$H(Y)$", ha="left", va="bottom", color="0.3")
    ax.text(region.h_x + 0.01 * top, 0.03 * top, r"$H(X)$", color="0.3")
    ax.legend(loc="lower left")


def fer_points(ax: plt.Axes, results: Sequence[object], label: str, **kw: object) -> None:
    """Frame error rate against rate, for results with ``.rate``, ``.failures``, ``.undetected``, ``.frames``,
    ``.fer_upper`` and ``.confidence`` (:class:`wzcore.slepian_wolf.FERResult`).

    A rate with failures is a marker at the measured FER with a bar from the one-sided Clopper–Pearson lower
    bound to the upper bound ``fer_upper``, both at the result's confidence. A rate at which no frame failed
    has FER 0, which a log axis cannot show and which a finite run cannot prove: it is drawn as an open ▼ at
    its Clopper–Pearson upper bound (1 − (1 − c)^{1/frames}), an upper bound, not a measurement.
    """
    rate = np.array([r.rate for r in results], dtype=float)
    k = np.array([r.failures + r.undetected for r in results])
    n = np.array([r.frames for r in results])
    conf = np.array([r.confidence for r in results], dtype=float)
    upper = np.array([r.fer_upper for r in results], dtype=float)
    hit = k > 0
    fer = k / n
    lower = np.where(hit, beta.ppf(1 - conf, np.maximum(k, 1), n - k + 1), 0.0)
    style = {"marker": "o", "ms": 6, "ls": "none", **kw}
    line = ax.errorbar(rate[hit], fer[hit], yerr=[fer[hit] - lower[hit], upper[hit] - fer[hit]], capsize=2,
                       label=label if hit.any() else None, **style)
    color = line[0].get_color()
    ax.plot(rate[~hit], upper[~hit], "v", mfc="none", mec=color, ms=7,
            label=None if hit.any() else label)


def fer_panel(ax: plt.Axes, sweeps: Sequence[tuple], *, entropies: Sequence[tuple] = (),
              target: float | None = None, target_label: str | None = None,
              title: str | None = None, ylabel: str | None = "frame error rate") -> None:
    """A frame-error-rate panel on a log axis: measured sweeps as markers, bounds as vertical lines.

    ``sweeps``: tuples ``(label, results)`` or ``(label, results, style)`` drawn by :func:`fer_points`;
    ``entropies``: tuples ``(label, rate)`` or ``(label, rate, style)``, the conditional
    entropies the rates are measured against (dotted vertical lines); ``target``: the target frame error
    rate (dashed horizontal line, labelled ``target_label`` if given). ``ylabel=None`` leaves the y axis
    unlabelled (the right panel of a shared-y pair).
    """
    for spec in sweeps:
        label, results, style = (*spec, {})[:3]
        fer_points(ax, results, label, **style)
    for spec in entropies:
        label, rate, style = (*spec, {})[:3]
        ax.axvline(rate, **{"color": "k", "ls": ":", **style}, label=label)
    if target is not None:
        ax.axhline(target, color="0.5", lw=0.8, ls="--", label=target_label)
    ax.set(yscale="log", xlabel="rate $m/n$ (bits/sample)", title=title)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=9)


def _sorted_by_distortion(mse: object, rate: object) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(mse, dtype=float).reshape(-1)
    r = np.asarray(rate, dtype=float).reshape(-1)
    if d.shape != r.shape:
        raise ValueError(f"mse and rate must have the same length, got {d.size} and {r.size}")
    o = np.argsort(d)
    return d[o], r[o]


def _panel(ax: plt.Axes, curves: Sequence[tuple], schemes: Sequence[tuple], to_x: Callable[[np.ndarray], np.ndarray],
           xlabel: str, point_style: dict[str, object], title: str | None, xlim: tuple[float, float] | None,
           ylim: tuple[float, float] | None, legend: str | None) -> None:
    """Bounds as lines, schemes as markers, each ``(label, distortion, rate[, style])`` sorted by distortion
    and drawn at x = ``to_x(distortion)``: the one body of :func:`rd_panel` and :func:`hamming_rd_panel`."""
    for spec in curves:
        label, dist, rate, style = (*spec, {})[:4]
        d, r = _sorted_by_distortion(dist, rate)
        bound(ax, to_x(d), r, label, **style)
    for spec in schemes:
        label, dist, rate, style = (*spec, {})[:4]
        d, r = _sorted_by_distortion(dist, rate)
        points(ax, to_x(d), r, label, **{**point_style, **style})
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(RATE_LABEL)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc=legend, fontsize="small")


def rd_panel(ax: plt.Axes, *, curves: Sequence[tuple] = (), schemes: Sequence[tuple] = (),
             title: str | None = None, xlim: tuple[float, float] | None = None,
             ylim: tuple[float, float] | None = None, legend: str | None = "best") -> None:
    """A rate–distortion panel: rate (bits/sample) against distortion 10 log10 MSE (dB).

    ``curves`` are bounds and reference designs, drawn as lines: tuples ``(label, mse, rate)`` or
    ``(label, mse, rate, style)`` with ``style`` a dict of matplotlib keywords; ``schemes`` are operating
    points, drawn as markers, in the same tuple form. ``legend``: a matplotlib location, or None for none.
    """
    _panel(ax, curves, schemes, lambda d: 10 * np.log10(d), DIST_DB_LABEL, {"ls": "none", "ms": 7}, title,
           xlim, ylim, legend)


def scalar_quantizer(ax: plt.Axes, thresholds: np.ndarray, points: np.ndarray, label: str,
                     x: np.ndarray, **style: object) -> None:
    """Draw a scalar quantizer's map x -> x̂ as a staircase over ``x`` (sorted).

    ``thresholds`` (sorted, length K − 1) separate the K cells whose reconstructions are ``points``.
    """
    t = np.asarray(thresholds, dtype=float)
    p = np.asarray(points, dtype=float)
    if p.size != t.size + 1:
        raise ValueError(f"points must have len(thresholds) + 1 = {t.size + 1} entries, got {p.size}")
    ax.step(x, p[np.searchsorted(t, x)], where="post", label=label, **style)


def density_band(ax: plt.Axes, x: np.ndarray, pdf: np.ndarray, lo: float, hi: float, label: str) -> None:
    """A source density drawn as a grey band along the bottom of ``ax`` (between y = lo and y = hi)."""
    pdf = np.asarray(pdf, dtype=float)
    ax.fill_between(x, lo, lo + (hi - lo) * pdf / pdf.max(), color="0.85", label=label, lw=0)


def rd_figure(panels: Sequence[dict], *, width: float = 6.0, height: float = 4.6) -> plt.Figure:
    """A row of :func:`rd_panel` s, one per dict of its keyword arguments (curves, schemes, title, …)."""
    if not panels:
        raise ValueError("panels must hold at least one panel (a dict of rd_panel arguments)")
    fig, axes = plt.subplots(1, len(panels), figsize=(width * len(panels), height),
                             constrained_layout=True, squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        rd_panel(ax, **panel)
    return fig


def hamming_rd_panel(ax: plt.Axes, *, curves: Sequence[tuple] = (), schemes: Sequence[tuple] = (),
                     title: str | None = None, xlim: tuple[float, float] | None = None,
                     ylim: tuple[float, float] | None = None, legend: str | None = "best") -> None:
    """A rate–distortion panel of a discrete source: rate (bits/sample) against Hamming distortion D.

    As :func:`rd_panel`, with the distortion on a linear axis instead of in dB: ``curves`` (bounds, drawn
    as lines) and ``schemes`` (points, drawn as markers) are tuples ``(label, distortion, rate)`` or
    ``(label, distortion, rate, style)``, each sorted by distortion before it is drawn (NaN rates leave
    gaps). ``legend``: a matplotlib location, or None to leave the legend to the caller.
    """
    _panel(ax, curves, schemes, lambda d: d, "Hamming distortion D", {"ls": "none"}, title, xlim, ylim, legend)
