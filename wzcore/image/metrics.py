"""Image quality, real bit counts and the classical baselines.

* PSNR = 10 log10(1 / MSE) for images in [0, 1]; MS-SSIM through ``pytorch-msssim`` (Wang, Simoncelli,
  Bovik 2003; five scales, 11-tap Gaussian window, so both sides must exceed 160 pixels).
* bpp = 8 · bytes / pixels of the original (unpadded) image, every byte of the stream counted.
* JPEG and WebP through Pillow at a sweep of quality settings (8-bit grey images), their files' bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import torch

__all__ = ["bd_overlap", "bd_rate", "bpp", "efficient_points", "evaluate_codec", "ms_ssim", "pillow_codec",
           "pillow_curve", "psnr", "rd_curves", "to_tensor"]

FORMATS = ("JPEG", "WEBP")


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """A grey image (H, W) in [0, 1] as a float32 tensor (1, 1, H, W)."""
    img = np.asarray(img)
    if img.ndim != 2:
        raise ValueError(f"img must be 2-D (H, W), got shape {img.shape}")
    return torch.as_tensor(img, dtype=torch.float32)[None, None]


def psnr(x: torch.Tensor | np.ndarray, x_hat: torch.Tensor | np.ndarray) -> float:
    """10 log10(1 / MSE) in dB for images in [0, 1] (x̂ clipped to [0, 1] first, as a display would)."""
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    x_hat = torch.as_tensor(np.asarray(x_hat, dtype=np.float64)).clamp(0, 1)
    if x.shape != x_hat.shape:
        raise ValueError(f"x and x_hat must have one shape, got {tuple(x.shape)} and {tuple(x_hat.shape)}")
    mse = float(torch.mean((x - x_hat) ** 2))
    return float("inf") if mse == 0 else float(-10 * np.log10(mse))


def ms_ssim(x: torch.Tensor | np.ndarray, x_hat: torch.Tensor | np.ndarray) -> float:
    """MS-SSIM of two grey images in [0, 1] (shape (H, W) or (1, 1, H, W); x̂ clipped to [0, 1])."""
    from pytorch_msssim import ms_ssim as _ms_ssim

    x = torch.as_tensor(np.asarray(x, dtype=np.float32)).reshape(1, 1, *np.shape(x)[-2:])
    x_hat = torch.as_tensor(np.asarray(x_hat, dtype=np.float32)).reshape(x.shape).clamp(0, 1)
    if min(x.shape[-2:]) <= 160:
        raise ValueError(f"MS-SSIM needs both sides > 160 pixels, got {tuple(x.shape[-2:])}")
    return float(_ms_ssim(x, x_hat, data_range=1.0, size_average=True))


def bpp(stream: bytes, shape: Sequence[int]) -> float:
    """8 · len(stream) / (H · W) for an image of ``shape`` (…, H, W)."""
    h, w = shape[-2:]
    return 8 * len(stream) / (h * w)


def pillow_codec(img: np.ndarray, fmt: str, quality: int) -> tuple[bytes, np.ndarray]:
    """(file bytes, decoded image in [0, 1]) of a grey image coded by Pillow as ``fmt`` at ``quality``."""
    from PIL import Image

    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be in [1, 100], got {quality}")
    pixels = np.clip(np.rint(np.asarray(img) * 255), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buf, format=fmt, quality=quality)
    data = buf.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float64) / 255.0
    return data, decoded


@torch.no_grad()
def evaluate_codec(codec: torch.nn.Module, x: np.ndarray, y: np.ndarray, with_ms_ssim: bool = True
                   ) -> dict[str, float | bool]:
    """One codec on one pair: compress x (the encoder gets y only if the codec is joint), decode with y,
    and report bpp (every byte), PSNR, MS-SSIM and whether the decoded image equals the model's own
    quantized reconstruction (``exact``, to the last bit)."""
    xt, yt = to_tensor(x), to_tensor(y)
    stream = codec.compress(xt, yt)
    x_hat = codec.decompress(stream, yt)
    exact = bool(torch.equal(x_hat, codec.reconstruct(xt, yt)))
    out: dict[str, float | bool] = {"bpp": bpp(stream, x.shape), "psnr": psnr(x, x_hat[0, 0].numpy()),
                                    "exact": exact}
    if with_ms_ssim:
        out["ms_ssim"] = ms_ssim(x, x_hat[0, 0].numpy())
    return out


def pillow_curve(img: np.ndarray, fmt: str, qualities: Sequence[int]) -> dict[str, list[float]]:
    """bpp, PSNR and MS-SSIM of a classical codec over ``qualities`` (as lists, in that order)."""
    out: dict[str, list[float]] = {"quality": [], "bpp": [], "psnr": [], "ms_ssim": []}
    for q in qualities:
        stream, decoded = pillow_codec(img, fmt, q)
        out["quality"].append(q)
        out["bpp"].append(bpp(stream, img.shape))
        out["psnr"].append(psnr(img, decoded))
        if min(img.shape) > 160:
            out["ms_ssim"].append(ms_ssim(img, decoded))
    return out


def rd_curves(evals: Mapping[str, Mapping[str, float]], held: Mapping[str, Sequence[Mapping[str, float]]],
              codecs: Sequence[str], lams: Sequence[float]) -> dict[str, dict[str, list[float]]]:
    """Per codec, over ``lams`` (keys ``"<codec>@<λ:g>"``): bpp, PSNR and MS-SSIM on the test pair, and bpp
    and PSNR averaged over the held-out pairs (PSNR of the mean MSE)."""
    out: dict[str, dict[str, list[float]]] = {}
    for name in codecs:
        keys = [f"{name}@{lam:g}" for lam in lams]
        missing = [k for k in keys if k not in evals or k not in held]
        if missing:
            raise ValueError(f"no evaluation for {missing}")
        mse = [np.mean([10 ** (-e["psnr"] / 10) for e in held[k]]) for k in keys]
        out[name] = {"bpp": [evals[k]["bpp"] for k in keys], "psnr": [evals[k]["psnr"] for k in keys],
                     "ms_ssim": [evals[k]["ms_ssim"] for k in keys],
                     "held_bpp": [float(np.mean([e["bpp"] for e in held[k]])) for k in keys],
                     "held_psnr": [float(-10 * np.log10(m)) for m in mse]}
    return out


def _bd_curve(c: Mapping[str, Sequence[float]], quality: str, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """(bpp, loss) of a curve's efficient points; loss = 10^(−PSNR/10) or 1 − MS-SSIM."""
    if quality not in ("psnr", "ms_ssim"):
        raise ValueError(f"quality must be 'psnr' or 'ms_ssim', got {quality!r}")
    q = np.asarray(c[prefix + quality], dtype=float)
    return efficient_points(np.asarray(c[prefix + "bpp"], dtype=float),
                            10 ** (-q / 10) if quality == "psnr" else 1 - q)


def bd_rate(anchor: Mapping[str, Sequence[float]], test: Mapping[str, Sequence[float]],
            quality: str = "psnr", prefix: str = "") -> float:
    """BD-rate (%) of curve ``test`` against ``anchor`` (dicts of ``bpp``/``psnr``/``ms_ssim`` lists, keys
    with ``prefix``), through :func:`wzcore.rd.bd_rate`; MS-SSIM enters as −10 log10(1 − MS-SSIM) dB."""
    from wzcore import rd

    return rd.bd_rate(*_bd_curve(anchor, quality, prefix), *_bd_curve(test, quality, prefix))


def bd_overlap(anchor: Mapping[str, Sequence[float]], test: Mapping[str, Sequence[float]],
               quality: str = "psnr", prefix: str = "") -> float:
    """The share of the two curves' quality range that :func:`bd_rate` averages over
    (:func:`wzcore.rd.bd_overlap`, on the same efficient points)."""
    from wzcore import rd

    return rd.bd_overlap(_bd_curve(anchor, quality, prefix)[1], _bd_curve(test, quality, prefix)[1])


def efficient_points(rate: np.ndarray, loss: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The operating points no other point beats in both rate and loss, by increasing rate (a codec
    trained at a larger λ that lands at more bits *and* a larger loss is dominated: a user would not pick
    it, and a Bjøntegaard curve must be monotone). Raises ValueError if fewer than two remain."""
    order = np.lexsort((loss, rate))
    keep, best = [], np.inf
    for i in order:
        if loss[i] < best:
            keep.append(i)
            best = loss[i]
    if len(keep) < 2:
        raise ValueError(f"a rate-distortion curve needs >= 2 efficient points, got {len(keep)}")
    return rate[keep], loss[keep]
