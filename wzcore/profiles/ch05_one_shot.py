"""Chapter 5 (one-shot Wyner–Ziv with shared randomness): the quick and full configurations.

The full profile holds the reference setting of Phan, Khisti and Louizos (N = 2^15 proposals, L = 2 … 64,
their σ² grid); its sample counts are smaller than theirs (σ² chosen on 500 samples and evaluated on 4,000
instead of 10^4 and 10^5), so that a 2-core CPU runs it in about a quarter of an hour.
"""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


@dataclass(frozen=True)
class OneShotConfig(ChapterConfig):
    """Config of ``chapters/05_one_shot.ipynb``: channel simulation and importance-matching Wyner–Ziv."""

    threads: int = 1  # torch CPU threads
    # channel simulation (Poisson functional representation) of W = A + V, A ~ N(0, 1), at I(A; W) bits
    pfr_info_bits: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    pfr_samples: int = 2_000  # samples (indices coded in one stream) per I
    # importance-matching Wyner–Ziv: A ~ N(0, 1), T = A + ζ
    var_zeta: float = 0.5
    n_proposals: int = 2**11  # N proposals per sample (the reference setting: 2^15, full profile)
    rate_bits: tuple[int, ...] = (1, 2, 3, 4, 5, 6)  # log2 L
    paper_var_w: tuple[float, ...] = (0.01, 0.008, 0.006, 0.005, 0.003, 0.002, 0.001)  # the paper's σ² grid
    wide_var_w: tuple[float, ...] = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)  # the wider grid searched here
    n_select: int = 200  # samples on which σ² is chosen per rate and decoder (the paper: 10^4)
    n_eval: int = 1_000  # fresh samples that evaluate the chosen σ² (the paper: 10^5)
    # the paper's Table 10, single decoder, dB at 1 … 6 bits (quoted, not computed)
    paper_mse_db: tuple[float, ...] = (-9.70, -12.75, -16.01, -19.55, -23.40, -27.35)
    exact_nodes: int = 64  # Gauss–Hermite nodes of the exact matching probability
    # claim thresholds, fixed before the committed run
    match_z: float = 4.0  # matching_prob_exact: |simulated − exact| <= match_z standard errors + match_finite_n
    match_finite_n: float = 0.02  # allowance for N finite (the expression is the N → ∞ limit)
    paper_gap_db: float = 3.0  # iml_reference_setup: the measured distortion stays this far above the paper's
    low_rate_max: int = 3  # iml_not_below_rx: rates <= this
    cost_slope_min: float = 0.5  # cost_exponential: lower 95 % limit of the slope of log2(work) against I


register(
    "05_one_shot",
    quick=OneShotConfig(profile="quick", seed=0),
    full=OneShotConfig(profile="full", seed=0, n_proposals=2**15, n_select=500, n_eval=4_000,
                       pfr_samples=10_000),
)
