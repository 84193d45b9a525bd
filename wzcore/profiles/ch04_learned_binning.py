"""Chapter 4 (learned binning): the quick and full configurations.

The chapter trains its models in parallel, one process per core (``training.fit_parallel``; bit-identical to
a sequential run). Quick: 110 s on the 2-core CPU (146 s sequential; five models, 83 s of training in 52 s).
Full: 19 VQ and 2 NTC models, 2374 s on the 2-core CPU with other work beside it (3720 s sequential). The
quick schedule and the claim thresholds were fixed from prototype runs (``tools/prototype_binning.py``, three
seeds) before the committed runs (see the chapter's prose and the closing notes of issue 15); the full
schedules are a small fraction of the paper's 200 k steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


@dataclass(frozen=True)
class LearnedBinningConfig(ChapterConfig):
    """Chapter 4: the variational entropy-constrained VQ with decoder side information."""

    # torch CPU threads: on 2 cores two threads train faster in a plain process (13 against 24 ms per step) but
    # slower under papermill, whose parent process shares the cores (Fig. 3 model's cell: 59.5 s against 44.4 s)
    threads: int = 1
    var_n: float = 0.01  # quadratic-Gaussian Y = X + N, X ~ N(0, 1), N ~ N(0, var_n)
    K: int = 32  # indices of the marginal-prior model (the paper's)
    # the conditional-prior model's K is chosen per λ by binning.contiguous_K (contiguous cells of the high-rate
    # width over ±4): 86 at λ = 1000 (prototypes, quick, seeds 0/1: 2.09/2.16 dB from R_WZ, K = 64: 2.27/2.16)
    cond_x_max: float = 4.0
    fig_lam: float = 1000.0  # λ of the Gaussian Fig. 3 model
    sign_lam: float = 42.0  # λ of the sign-side-information model (the paper's)
    lams: tuple[float, ...] = (1000.0,)  # marginal-prior λ sweep (fig_lam's model is reused)
    cond_lams: tuple[float, ...] = (1000.0,)  # conditional-prior λ sweep; holds fig_lam (its model is SW coded)
    # decoder warm-up on random index labels (prior frozen) and rate–distortion steps of the Gaussian models.
    # Quick: prototypes at 5 k and 1 k (seeds 0-2) kept 0.80, 0.46, 0.65 of the used indices binned
    warmup_steps: int = 5_000
    steps: int = 1_000
    sign_steps: int = 1_500
    # the sign model's warm-up: at 5 k warm-up and 1 k steps one prototype seed of three shared only 0.88 of the
    # mass (I(K; Y) = 0.57 bit), below vq_folds_sign's thresholds; 10 k and 1.5 k is the schedule verified before
    sign_warmup_steps: int = 10_000
    # the conditional model: quick prototypes at 500 steps of batch 128 (seeds 0-2): 2.50, 2.67, 2.53 dB from R_WZ
    cond_steps: int = 500
    batch: int = 256
    cond_batch: int = 128  # the conditional model's batch (its all-K pass costs K = 86 rows per node at λ = 1000)
    n_eval: int = 16_384  # fresh test samples per operating point
    x_lim: float = 10.0  # the analysis grid is [-x_lim, x_lim] (the paper's)
    grid_points: int = 10_001
    min_mass: float = 1e-3  # an interval counts when its probability is at least this
    ntc_lam: float = 1000.0  # NTC with decoder side information, for comparison (chapter 3's model)
    ntc_steps: int = 1_000
    coset_rates: tuple[float, ...] = (1.0, 2.0, 3.0)  # coset quantizer + ideal SW (chapter 2)
    ba_lams: tuple[float, ...] = (5.0, 10.0, 20.0, 40.0, 80.0, 150.0)  # sign SI: Blahut–Arimoto slopes
    ba_step: float = 0.05  # Blahut–Arimoto grid step
    ba_tol: float = 1e-3  # Blahut's certified gap per point, nats (quick: 2 s; 1e-4 agrees within 3e-4 bit, 14 s)
    ecsq_lams: tuple[float, ...] = (100.0, 300.0, 1000.0, 3000.0)  # optimal ECSQ without SI
    sw_n: int = 4_000  # Slepian–Wolf block length (shipped PEG codes)
    sw_calib: int = 2  # calibration blocks that provision the feedback-free plan
    sw_test: int = 1  # test blocks coded with that plan (and with the return channel)
    sw_margin_steps: int = 1  # grid steps above the largest calibration rate
    # warm-ups compared (binning.WARMUPS), and "authors": random labels with the authors' loss (16 Monte-Carlo
    # draws of y | x in the encoder and the loss, binning.fit_binning(loss_distortion="expected")); quick: one
    ablation_modes: tuple[str, ...] = ("random",)
    ablation_seeds: tuple[int, ...] = (0,)
    ablation_steps: int = 1_000  # = steps: the random-label model of the seed is the Fig. 3 one
    mismatch_var_n: tuple[float, ...] = (0.0025, 0.01, 0.04)  # σ'² at test time
    mismatch_scales: tuple[float, ...] = (0.5, 1.0, 2.0)  # Laplace scale b' at test time (sign SI)
    sw_mismatch_blocks: int = 1  # Slepian–Wolf blocks coded per test correlation
    # claim thresholds, fixed before the committed run
    bins_frac_min: float = 1 / 3  # vq_bins_gaussian: share of used indices owning >= 2 intervals
    sign_sharing_min: float = 0.9  # vq_folds_sign: mass in indices used on both sides of 0
    sign_mi_max: float = 0.5  # vq_folds_sign: I(K; Y) in bits (sharing drives it towards 0 of 1 bit)
    # vq_conditional_near_wz, dB at equal rate. Quick: 3 dB, fixed when prototypes at 1000 steps of batch 256 gave
    # 2.06-2.26 dB; at the present quick schedule (above) they give 2.50-2.67. Full: 2.5 dB; GPU
    # prototypes at the full schedule (tools/prototype_binning.py, seeds 0-2): 1.72-1.82 dB at λ = 300, 1.92-2.06
    # at 1000, 2.02-2.12 at 3000
    cond_gap_db: float = 3.0


register(
    "04_learned_binning",
    quick=LearnedBinningConfig(profile="quick", seed=0),
    full=LearnedBinningConfig(
        profile="full", seed=0, lams=(300.0, 1000.0, 3000.0), cond_lams=(300.0, 1000.0, 3000.0),
        warmup_steps=30_000, sign_warmup_steps=30_000, steps=8_000, sign_steps=12_000, cond_steps=6_000,
        n_eval=131_072,
        grid_points=20_001, ntc_steps=10_000, sw_calib=4, sw_test=12, cond_batch=256,
        coset_rates=(1.0, 1.5, 2.0, 2.5, 3.0, 3.5), ba_tol=1e-4, ecsq_lams=(30.0, 100.0, 300.0, 1000.0, 3000.0),
        ba_lams=(3.0, 5.0, 8.0, 12.0, 20.0, 30.0, 50.0, 80.0, 120.0, 200.0),
        ablation_modes=("random", "one_label", "none", "authors"), ablation_seeds=(0, 1, 2), ablation_steps=2_000,
        cond_gap_db=2.5, sw_mismatch_blocks=3, mismatch_var_n=(0.0025, 0.005, 0.01, 0.02, 0.04),
        mismatch_scales=(0.5, 0.75, 1.0, 1.5, 2.0),
    ),
)
