"""Execution profiles: ``PROFILE`` -> a frozen, per-chapter configuration.

Every size, step count, λ grid and seed a chapter uses lives in its config dataclass here, never in a
notebook cell. A chapter's only parameter is ``PROFILE``:

* ``"quick"``: a 2-core laptop runs every chapter in minutes (what CI runs);
* ``"full"``: the paper-quality settings (one GPU, or patience);
* ``"auto"``: ``"full"`` when ``torch.cuda.is_available()``, else ``"quick"``.

>>> cfg = load("01_slepian_wolf", "quick")   # doctest: +SKIP
>>> cfg.profile, cfg.seed                     # doctest: +SKIP

A new chapter registers its config with :func:`register` (see ``chapters/extending.md``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

PROFILES: tuple[str, ...] = ("quick", "full")
_REGISTRY: dict[str, dict[str, ChapterConfig]] = {}


@dataclass(frozen=True)
class ChapterConfig:
    """Fields every chapter config has: the resolved profile and the master seed."""

    profile: str
    seed: int

    def fields(self) -> dict[str, object]:
        """The chapter-specific fields (everything but ``profile``), in declaration order."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "profile"}

    def describe(self) -> str:
        """A printable table of the configuration (what the notebook shows under its parameters)."""
        rows = [f"{type(self).__name__} (profile = {self.profile!r})"]
        width = max(len(k) for k in self.fields())
        rows += [f"  {k:<{width}} = {v!r}" for k, v in self.fields().items()]
        return "\n".join(rows)


def resolve(profile: str) -> str:
    """Map ``"auto"`` to ``"full"`` on a CUDA machine and ``"quick"`` otherwise; validate the name."""
    if profile == "auto":
        import torch

        return "full" if torch.cuda.is_available() else "quick"
    if profile not in PROFILES:
        raise ValueError(f"PROFILE must be one of 'auto', {', '.join(map(repr, PROFILES))}; got {profile!r}")
    return profile


def register(chapter: str, quick: ChapterConfig, full: ChapterConfig) -> None:
    """Register a chapter's two configurations (same dataclass type, profiles ``quick`` and ``full``)."""
    if type(quick) is not type(full):
        raise ValueError(f"chapter {chapter!r}: quick and full configs must have the same type")
    if (quick.profile, full.profile) != ("quick", "full"):
        raise ValueError(f"chapter {chapter!r}: configs must carry profile='quick' and profile='full'")
    _REGISTRY[chapter] = {"quick": quick, "full": full}


def chapters() -> list[str]:
    """Registered chapter ids (notebook stems, e.g. ``"01_slepian_wolf"``)."""
    return sorted(_REGISTRY)


def _chapter_id(chapter: str) -> str:
    if chapter in _REGISTRY:
        return chapter
    matches = [c for c in _REGISTRY if c.split("_", 1)[0] == chapter]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(
        f"chapter must be one of {chapters()} (or its number); got {chapter!r}. "
        "A new chapter registers its config in wzcore/profiles.py (see chapters/extending.md)."
    )


def load(chapter: str, profile: str = "auto") -> ChapterConfig:
    """The frozen config of ``chapter`` (id or number) for ``profile`` (``auto``/``quick``/``full``)."""
    return _REGISTRY[_chapter_id(chapter)][resolve(profile)]


def config_type(chapter: str) -> type[ChapterConfig]:
    """The config dataclass of a chapter (contract tests check every field is read by the notebook)."""
    return type(_REGISTRY[_chapter_id(chapter)]["quick"])


# --------------------------------------------------------------------------------------------------
# Chapter configurations. One frozen dataclass per chapter; every field must be read by the notebook.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateConfig(ChapterConfig):
    """Config of ``chapters/_template.ipynb`` (copy this class for a new chapter)."""

    n_samples: int = 1000


register(
    "_template",
    quick=TemplateConfig(profile="quick", seed=0, n_samples=2_000),
    full=TemplateConfig(profile="full", seed=0, n_samples=200_000),
)


# ---- chapter 01: Slepian–Wolf (lead) ----


@dataclass(frozen=True)
class SlepianWolfConfig(ChapterConfig):
    """Chapter 1: DSBS(p) rate region, random binning at tiny n, LDPC syndrome codec (PEG + BP)."""

    p: float = 0.11  # DSBS crossover; H(X|Y) = h(p)
    stereo_levels: int = 8  # grey levels of the stereo-pixel source read from data
    binning_lengths: tuple[int, ...] = (6, 10, 14)  # n for exhaustive ML decoding of random bins
    binning_rates: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
    binning_trials: int = 1000
    short_n: int = 1000  # the short LDPC code length (codes built on the fly)
    short_rates: tuple[float, ...] = (0.6, 0.62, 0.64, 0.66, 0.68, 0.7, 0.75)
    long_n: int = 10_000  # the long code length (codes shipped in data/ldpc)
    long_rates: tuple[float, ...] = (0.55, 0.56, 0.58, 0.6)
    frames_short: int = 100
    frames_long: int = 30
    target_fer: float = 0.01  # frame error rate at which the gap to H(X|Y) is read
    max_iter: int = 100  # BP iterations
    code_seed: int = 0  # PEG construction seed (the codes shipped in data/ldpc use 0)
    soft_sigma: float = 0.815  # BPSK/AWGN soft side information; hard decision gives crossover Q(1/σ) ≈ 0.11
    soft_rates: tuple[float, ...] = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
    soft_frames: int = 60


register(
    "01_slepian_wolf",
    quick=SlepianWolfConfig(profile="quick", seed=1),
    full=SlepianWolfConfig(
        profile="full", seed=1, binning_lengths=(6, 10, 14, 18), binning_trials=4000,
        short_rates=(0.58, 0.6, 0.62, 0.64, 0.66, 0.68, 0.7, 0.75, 0.8),
        long_rates=(0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.6), frames_short=1000, frames_long=300,
        max_iter=200, soft_rates=(0.42, 0.45, 0.48, 0.5, 0.52, 0.55, 0.6, 0.65, 0.7), soft_frames=400,
    ),
)

# ---- end chapter 01 ----

# ---- chapter 02: Wyner–Ziv ----
@dataclass(frozen=True)
class WynerZivConfig(ChapterConfig):
    """Config of ``chapters/02_wyner_ziv.ipynb``: bounds, the DISCUS coset quantizer, SWC-NQ."""

    var_n: float = 0.1  # quadratic-Gaussian Y = X + N, X ~ N(0, 1): Var(X|Y) = var_n / (1 + var_n)
    p_dsbs: float = 0.25  # DSBS crossover for the binary Wyner–Ziv curves
    ba_slopes: int = 12  # Blahut–Arimoto Lagrange slopes per curve
    coset_rates: tuple[float, ...] = (1.0, 2.0, 3.0)  # target rates of the optimised coset quantizer
    gap_rates: tuple[float, ...] = (1.0, 2.0, 3.0)  # rates at which gaps to R_WZ are quoted (in coset_rates)
    coset_steps: int = 32  # step grid size of the (step, M) search
    coset_max_m: int = 32  # M in 1..coset_max_m
    coset_n: int = 20_000  # Monte Carlo samples for the real-bytes coset codec
    swc_n: int = 4_000  # SWC-NQ block length (LDPC code length; shipped PEG codes at 2000 and 4000)
    swc_steps: tuple[float, ...] = (2.0, 1.0, 0.5)  # SWC-NQ steps in units of sqrt(Var(X|Y))
    swc_blocks: int = 1  # SWC-NQ blocks per operating point
    ecsq_points: int = 9  # point-to-point ECSQ designs (rates ~0.5 to ~4.5 bits)
    fig3_m: int = 4  # coset count M of the Fig. 3-style binning picture


register(
    "02_wyner_ziv",
    quick=WynerZivConfig(profile="quick", seed=0),
    full=WynerZivConfig(profile="full", seed=0, ba_slopes=30, coset_rates=(1.0, 1.5, 2.0, 2.5, 3.0, 3.5),
                        coset_steps=64, coset_n=400_000, swc_steps=(2.0, 1.4, 1.0, 0.7, 0.5, 0.35),
                        swc_blocks=10),
)

# ---- end chapter 02 ----

# ---- chapter 03: nonlinear transform coding ----
@dataclass(frozen=True)
class NTCConfig(ChapterConfig):
    """Config of ``chapters/03_ntc.ipynb``: NTC on Laplace and banana, NTC with decoder side information."""

    steps: int = 2000  # Adam steps per NTC model (lr ×0.1 at 1/2, 3/4, 7/8)
    lr: float = 3e-3
    batch: int = 1024
    laplace_lams: tuple[float, ...] = (3.0, 10.0, 30.0)  # λ of loss bits + λ·SSE
    ste_lam: float = 10.0  # the straight-through variant is trained at this λ (one of laplace_lams)
    ecsq_lams: tuple[float, ...] = (1.5, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0)  # optimal ECSQ reference curve
    ecsq_grid: int = 8001  # grid points on [−20, 20] for the ECSQ design
    ecsq_inits: tuple[float, ...] = (0.71, 1.0, 1.41)  # initial steps (× the high-rate optimum) of the ECSQ design
    ba_lams: tuple[float, ...] = (2.0, 8.0, 32.0, 64.0)  # Blahut–Arimoto slopes −λ ln 2 (nats per unit MSE)
    ba_step: float = 0.05  # Blahut–Arimoto grid step
    sign_lams: tuple[float, ...] = (42.0,)  # NTC with decoder SI on X ~ Laplace, Y = sign X
    qg_lams: tuple[float, ...] = (100.0,)  # NTC with decoder SI on the quadratic-Gaussian source
    qg_var_n: float = 0.1  # Y = X + N, N ~ N(0, var_n)
    banana_lam: float = 4.0
    banana_hidden: tuple[int, ...] = (100, 100)
    banana_steps: int = 2000
    n_eval: int = 200_000  # test samples per operating point (real bitstreams)
    cell_grid: int = 4001  # x grid points for thresholds and intervals per index
    banana_grid: int = 300  # per axis, for the 2-D cell picture
    ecsq_tol_db: float = 0.3  # NTC vs optimal ECSQ at equal rate
    wz_margin_bits: float = 0.5  # NTC with SI stays at least this far above R_WZ(D)
    si_saving_frac: float = 0.6  # ... and realises less than this fraction of R_ECSQ − R_WZ (full: ≤ 0.50)
    coding_overhead: float = 0.01  # real bitstream over ideal rate, relative


register(
    "03_ntc",
    quick=NTCConfig(profile="quick", seed=0),
    full=NTCConfig(profile="full", seed=0, steps=10_000, lr=1e-3,
                   laplace_lams=(1.5, 3.0, 6.0, 10.0, 20.0, 40.0, 80.0),
                   ecsq_lams=(1.0, 1.5, 2.2, 3.0, 4.5, 6.0, 8.5, 12.0, 17.0, 24.0, 34.0, 48.0, 68.0, 96.0, 136.0),
                   ecsq_grid=16001, ecsq_inits=(0.5, 0.71, 1.0, 1.41, 2.0, 2.83),
                   ba_lams=(1.0, 1.5, 2.2, 3.2, 4.6, 6.8, 10.0, 15.0, 22.0, 32.0, 46.0, 68.0, 100.0, 160.0),
                   ba_step=0.025, sign_lams=(10.0, 20.0, 42.0, 80.0),
                   qg_lams=(60.0, 100.0, 200.0, 400.0), banana_steps=10_000, n_eval=500_000,
                   cell_grid=20001, banana_grid=500, ecsq_tol_db=0.1),
)
# ---- end chapter 03 ----


__all__ = ["PROFILES", "ChapterConfig", "chapters", "config_type", "field", "load", "register", "resolve"]
