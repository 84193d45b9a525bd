"""Training the image codecs, and the weight file that carries them from a full run to every quick run.

Losses (per batch of synthetic pairs, :func:`wzcore.image.data.training_pairs`):

* point-to-point and joint codecs: L = E[bpp] + λ · 255² · MSE, bpp from the additive-noise proxy
  (Ballé et al. 2018; λ on CompressAI's scale, where 0.0018 … 0.0483 spans its quality levels 1 … 6);
* decoders with side information over a frozen point-to-point codec: L = 255² · MSE (their rate is fixed).

The side-information decoders and the joint codec start from the trained point-to-point codec at the same
λ (the side-information decoders as *exactly* that decoder, through identity-initialised merges), which
keeps the decoder from rebuilding x from y alone at zero rate (the collapse a from-scratch prototype hit).

Weights are rounded to float16 when a model is trained; the run that trains them evaluates the rounded
weights, so a later run that loads the file (:func:`load_codecs`) reproduces its numbers exactly.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch

from wzcore import training
from wzcore.image import data
from wzcore.image.models import KINDS, MULTIPLE, Hyperprior, JointCodec, SideDecoder

__all__ = ["CODECS", "TrainSpec", "codec_from_state", "fit_codec", "load_codecs", "save_codecs", "train_codecs"]

CODECS = ("p2p", *KINDS, "joint")
LR_MILESTONES = (0.8, 0.95)  # short schedules: hold the learning rate for most of the run


@dataclass(frozen=True)
class TrainSpec:
    """What a training job needs: model sizes, data, schedule, seed."""

    N: int = 32
    M: int = 32
    Nh: int = 16
    crop: int = 128
    pairs: int = 1024
    batch: int = 8
    steps: int = 2_000
    lr: float = 1e-3
    max_disp: int = 48
    d_max: float = 32.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.crop % MULTIPLE or self.crop < MULTIPLE:
            raise ValueError(f"crop must be a positive multiple of {MULTIPLE}, got {self.crop}")
        for name in ("N", "M", "Nh", "pairs", "batch", "steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")


@functools.lru_cache(maxsize=2)
def _pairs(n: int, size: int, seed: int, d_max: float) -> np.ndarray:
    return data.training_pairs(n, size, seed, d_max=d_max)


def _sampler(spec: TrainSpec):
    pairs = _pairs(spec.pairs, spec.crop, spec.seed, spec.d_max)

    def sample(step: int, rng: np.random.Generator) -> np.ndarray:
        b = pairs[rng.integers(0, len(pairs), spec.batch)]
        flip = rng.random(spec.batch) < 0.5  # vertical flips keep the epipolar geometry
        b[flip] = b[flip][..., ::-1, :]
        return np.ascontiguousarray(b)

    return sample


def _half(state: Mapping[str, torch.Tensor], drop: str | None = None) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().half() for k, v in state.items() if drop is None or not k.startswith(drop)}


def codec_from_state(name: str, state: Mapping[str, torch.Tensor], spec: TrainSpec,
                     base: Hyperprior | None = None) -> torch.nn.Module:
    """Rebuild codec ``name`` (one of ``CODECS``) from float16 ``state``; side decoders need ``base``."""
    if name not in CODECS:
        raise ValueError(f"name must be one of {CODECS}, got {name!r}")
    if name == "p2p":
        model: torch.nn.Module = Hyperprior(spec.N, spec.M, spec.Nh)
    elif name == "joint":
        model = JointCodec(spec.N, spec.M, spec.Nh, spec.max_disp)
    else:
        if base is None:
            raise ValueError(f"a {name!r} decoder needs its point-to-point base codec")
        model = SideDecoder(base, name, spec.max_disp)
        state = {**{f"base.{k}": v for k, v in base.state_dict().items()}, **state}
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.eval()


def fit_codec(name: str, lam: float, spec: TrainSpec, base_state: Mapping[str, torch.Tensor] | None = None,
              *, progress: bool = False) -> tuple[dict[str, torch.Tensor], dict[str, object]]:
    """Train codec ``name`` at ``lam``; returns (float16 state, a summary of the training history).

    ``base_state``: the point-to-point codec at the same λ (required for every codec but ``"p2p"``).
    """
    if not lam > 0:
        raise ValueError(f"lam must be > 0, got {lam!r}")
    torch.manual_seed(spec.seed)
    base = None
    if name != "p2p":
        if base_state is None:
            raise ValueError(f"codec {name!r} starts from the point-to-point codec: pass base_state")
        base = codec_from_state("p2p", base_state, spec)
    if name == "p2p":
        model: torch.nn.Module = Hyperprior(spec.N, spec.M, spec.Nh)
    elif name == "joint":
        model = JointCodec(spec.N, spec.M, spec.Nh, spec.max_disp)
        model.load_state_dict({k: v.float() for k, v in base_state.items()}, strict=False)
    elif name in KINDS:
        model = SideDecoder(base, name, spec.max_disp)
    else:
        raise ValueError(f"name must be one of {CODECS}, got {name!r}")
    pixels = spec.crop * spec.crop
    side_only = name in KINDS

    def loss(batch: torch.Tensor, gen: torch.Generator):
        x, y = batch[:, :1], batch[:, 1:]
        if side_only:
            x_hat, bits = model(x, y)
        else:
            x_hat, bits = model(x, y if name == "joint" else None, "noise", gen)
        mse = torch.mean((x_hat - x) ** 2)
        bpp = bits.mean() / pixels
        total = 255**2 * mse if side_only else bpp + lam * 255**2 * mse
        return total, {"bpp": bpp, "psnr": -10 * torch.log10(mse)}

    hist = training.train(model, loss, _sampler(spec), spec.steps, spec.lr, seed=spec.seed, progress=progress,
                          desc=f"{name} λ={lam:g}", log_every=max(1, spec.steps // 20),
                          lr_milestones=LR_MILESTONES, clip_norm=1.0)
    state = _half(model.state_dict(), drop="base." if side_only else None)
    summary = {"wall_s": hist.wall_s, "steps": hist.steps, "loss": hist.loss,
               "bpp": hist.metrics["bpp"], "psnr": hist.metrics["psnr"], "device": hist.device}
    return state, summary


def train_codecs(spec: TrainSpec, lams: Sequence[float], side_steps: int, *, threads: int = 1,
                 workers: int | None = None
                 ) -> tuple[dict[str, dict[str, torch.Tensor]], dict[str, dict[str, object]]]:
    """Every codec at every λ, keys ``"<codec>@<λ>"``: the point-to-point codecs first (in parallel), then
    the side-information decoders (``side_steps`` steps each) and the joint codec (``spec.steps``) from
    them. ``workers``/``threads``: as :func:`wzcore.training.fit_parallel`. Returns (float16 states,
    training summaries)."""
    if not lams or any(not lam > 0 for lam in lams):
        raise ValueError(f"lams must be a non-empty sequence of numbers > 0, got {lams!r}")
    side_spec = replace(spec, steps=side_steps)
    stage1 = training.fit_parallel({f"p2p@{lam:g}": partial(fit_codec, "p2p", lam, spec) for lam in lams},
                                   threads=threads, workers=workers)
    jobs = {}
    for name in ("joint", "attention", "refine", "concat"):  # longest first
        for lam in lams:
            base = stage1[f"p2p@{lam:g}"][0]
            jobs[f"{name}@{lam:g}"] = partial(fit_codec, name, lam, spec if name == "joint" else side_spec,
                                              base)
    stage2 = training.fit_parallel(jobs, threads=threads, workers=workers)
    both = {**stage1, **stage2}
    return {k: v[0] for k, v in both.items()}, {k: v[1] for k, v in both.items()}


def save_codecs(path: str | Path, states: Mapping[str, Mapping[str, torch.Tensor]], spec: TrainSpec,
                provenance: Mapping[str, object]) -> str:
    """Write the float16 weights (keys ``"<codec>@<λ>"``) with the spec and provenance; returns the file's
    SHA-256."""
    buf = io.BytesIO()
    torch.save({"spec": asdict(spec), "provenance": dict(provenance),
                "states": {k: dict(v) for k, v in states.items()}}, buf)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(buf.getvalue())
    return hashlib.sha256(buf.getvalue()).hexdigest()


def load_codecs(path: str | Path) -> tuple[dict[str, torch.nn.Module], TrainSpec, dict[str, object], str]:
    """(codecs by key, spec, provenance, SHA-256) from :func:`save_codecs`'s file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the chapter's full profile to train the codecs")
    raw = path.read_bytes()
    blob = torch.load(io.BytesIO(raw), weights_only=True)
    spec = TrainSpec(**blob["spec"])
    states = blob["states"]
    codecs: dict[str, torch.nn.Module] = {}
    for key in sorted(states, key=lambda k: k.split("@")[0] != "p2p"):  # bases first
        name, lam = key.split("@")
        base = codecs.get(f"p2p@{lam}") if name in KINDS else None
        codecs[key] = codec_from_state(name, states[key], spec, base)
    return codecs, spec, blob["provenance"], hashlib.sha256(raw).hexdigest()
