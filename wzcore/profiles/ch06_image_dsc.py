"""Chapter 6 (image coding with decoder-only side information): quick and full configs.

Full trains every codec (the point-to-point hyperprior at each λ, then three side-information decoders
and the joint codec from it) and writes their float16 weights to ``weights``; quick trains one tiny codec
at two λ (the pipeline runs and its rate follows λ) and evaluates the weights the last full run committed.
Both profiles evaluate the same weights on the same pairs, so their claims are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from wzcore.profiles import ChapterConfig, register


@dataclass(frozen=True)
class ImageDSCConfig(ChapterConfig):
    """Config of ``chapters/06_image_dsc.ipynb``: codecs, training schedule, test pairs, claim thresholds."""

    train_all: bool = False  # train every codec and rewrite ``weights`` (full) or only the demo (quick)
    weights: str = "data/results/full/06_image_dsc/weights.pt"  # float16, the last full run (≤ 5 MB)
    lams: tuple[float, ...] = (0.001, 0.002, 0.004, 0.008)  # λ of R + λ·255²·MSE
    N: int = 32  # channels of the transforms
    M: int = 32  # latent channels
    Nh: int = 16  # hyper-latent channels
    crop: int = 128  # training crops (pixels, a multiple of 32)
    pairs: int = 2048  # synthetic training pairs
    batch: int = 8
    p2p_steps: int = 3_000  # point-to-point codec (and the joint codec)
    side_steps: int = 1_500  # side-information decoders (their encoder is frozen)
    lr: float = 1e-3
    max_disp: int = 48  # disparity search range of the decoders (pixels)
    d_max: float = 32.0  # largest disparity of the synthetic training pairs (pixels)
    demo_N: int = 8  # the demo codec trained by every run (quick: the only training)
    demo_steps: int = 300
    demo_lams: tuple[float, ...] = (0.001, 0.008)
    test_scale: int = 2  # the Middlebury pair downsampled ×2: 250 × 370, disparities 4–30 px
    held_out: int = 2  # synthetic test pairs, one per held-out photograph
    held_out_size: int = 256
    jpeg_qualities: tuple[int, ...] = (2, 3, 5, 8, 12, 20, 30, 50)  # (1 and 2 give one file here)
    webp_qualities: tuple[int, ...] = (2, 3, 5, 8, 12, 20, 30, 50)
    # claim thresholds, fixed before the committed run
    dsi_bd_max: float = 0.0  # dsi_negative_bd_rate: the best decoder-SI codec's BD-rate (%) is below it
    jpeg_bd_max: float = 0.0  # learned_beats_jpeg: the learned codec's BD-rate against JPEG (%)


register(
    "06_image_dsc",
    quick=ImageDSCConfig(profile="quick", seed=0),
    full=ImageDSCConfig(profile="full", seed=0, train_all=True),
)
