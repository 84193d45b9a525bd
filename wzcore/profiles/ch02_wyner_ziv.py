"""Chapter 2 (Wyner–Ziv): the quick and full configurations."""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


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
    swc_blocks: int = 2  # SWC-NQ test blocks per operating point (each coded by all three systems)
    swc_calib: int = 2  # calibration blocks that fix the feedback-free plan and alphabet, per step
    swc_margin: int = 1  # grid steps above the largest calibration rate (feedback-free)
    ecsq_points: int = 9  # point-to-point ECSQ designs (rates ~0.5 to ~4.5 bits)
    fig3_m: int = 4  # coset count M of the Fig. 3-style binning picture
    strong_si_ratio: float = 0.1  # claim coset_beats_p2p is made for Var(X|Y)/Var(X) <= this
    ba_tol_bits: float = 1e-6  # claim: Blahut–Arimoto meets the closed-form binary R_WZ within this
    # claim coset_sw_near_scalar_loss: at rates >= coset_hr_rate the ideal-SW coset gap to R_WZ is the high-rate
    # scalar loss 10 log10(πe/6) = 1.533 dB within ± coset_hr_tol_db (theory; the tolerance)
    coset_hr_rate: float = 2.0
    coset_hr_tol_db: float = 0.1
    # the hexagonal lattice A2 against Z² (pairs of samples), fine index ideally Slepian–Wolf coded: cell sizes
    # √(cell area) in units of σ_X|Y (equal areas for both lattices), pairs per point, quadrature points per cell
    a2_cells: tuple[float, ...] = (2.0, 1.0, 0.5, 0.25)
    a2_pairs: int = 20_000
    a2_quad: int = 16  # 2·a2_quad² points per cell (wzcore.lattice.cell_offsets)
    a2_picture_m: int = 3  # coarse/fine scale M of the nested-lattice picture (M² cosets)
    # claim a2_beats_scalar: at every size A2's gap to R_WZ is below Z²'s, and at the smallest two the difference
    # is 10 log10(G(Z)/G(A2)) = 0.167 dB within this tolerance (Monte Carlo: about 0.04 dB per point at 2·10⁴ pairs)
    a2_hr_tol_db: float = 0.1
    # the same nested codes with a finite coarse lattice, their coset index Slepian–Wolf coded for real (return
    # channel): cell sizes as above, the coarse lattice M·step·L with M the smallest power of 2 whose coarse cell
    # spans a2_sw_reach posterior standard deviations, blocks of a2_sw_n pairs
    a2_sw_cells: tuple[float, ...] = (1.0,)
    a2_sw_reach: float = 8.0
    a2_sw_n: int = 2_000
    a2_sw_blocks: int = 1
    # zero-delay Wyner–Ziv (Domanovitz et al. 2022): X_t = a X_{t−1} + √(1−a²) U_t, Y_t = X_t + N(0, zd_var_z);
    # training and test sets of zd_seqs sequences of zd_T samples each; the (step, M) grid of both designs:
    # zd_steps log-spaced steps in [zd_step_lo, zd_step_hi], M = 2 … zd_max_m
    zd_a: float = 0.9
    zd_var_z: float = 0.5
    zd_lams: tuple[float, ...] = (6.0, 24.0)  # Lagrangians J = R + λ D of the designs
    zd_seqs: int = 60
    zd_T: int = 100
    zd_steps: int = 10
    zd_step_lo: float = 0.08
    zd_step_hi: float = 2.5
    zd_max_m: int = 16
    # claim zero_delay_iterative_matches_exhaustive: at every λ the iterative design's test Lagrangian exceeds the
    # exhaustive search's by at most 3 standard errors (paired, over test sequences) plus zd_match_rel of it
    zd_match_rel: float = 0.01


register(
    "02_wyner_ziv",
    quick=WynerZivConfig(profile="quick", seed=0),
    full=WynerZivConfig(profile="full", seed=0, ba_slopes=30, coset_rates=(1.0, 1.5, 2.0, 2.5, 3.0, 3.5),
                        coset_steps=64, coset_n=400_000, swc_steps=(2.0, 1.4, 1.0, 0.7, 0.5, 0.35),
                        swc_blocks=10, swc_calib=4, a2_pairs=100_000,
                        a2_cells=(2.0, 1.4, 1.0, 0.7, 0.5, 0.35, 0.25, 0.18),
                        a2_sw_cells=(2.0, 1.4, 1.0, 0.7, 0.5), a2_sw_n=4_000, a2_sw_blocks=4,
                        zd_lams=(4.0, 8.0, 16.0, 32.0, 64.0, 128.0), zd_seqs=300, zd_T=200, zd_steps=24,
                        zd_max_m=24),
)
