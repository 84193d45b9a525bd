"""Chapter 1 (Slepian–Wolf): the quick and full configurations."""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


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
    long_n: int = 10_000  # the long code length (codes shipped in wzcore/data/ldpc)
    long_rates: tuple[float, ...] = (0.55, 0.56, 0.58, 0.6)
    frames_short: int = 100
    frames_long: int = 30
    target_fer: float = 0.01  # frame error rate at which the gap to H(X|Y) is read
    max_iter: int = 100  # BP iterations
    code_seed: int = 0  # PEG construction seed (the codes shipped in wzcore/data/ldpc use 0)
    soft_sigma: float = 0.815  # BPSK/AWGN soft side information; hard decision gives crossover Q(1/σ) ≈ 0.11
    soft_rates: tuple[float, ...] = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
    soft_frames: int = 60
    soft_target_fer: float = 0.05  # FER at which soft and hard side information are compared
    gap_tol_bits: float = 0.1  # claim: at n = long_n the codec is within this of H(X|Y) at target_fer


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
