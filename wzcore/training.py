"""One training loop for every learned model of the book (NTC, learned VQ, ...).

``train`` runs Adam with the piecewise-constant learning-rate schedule of Ballé et al. (the rate is
multiplied by 0.1 at the fractions ``lr_milestones`` = (1/2, 3/4, 7/8) of the steps, as in
tensorflow-compression's ``models/toy_sources``), shows a tqdm bar with the running loss, records a
:class:`History`, and stops with :class:`NonFiniteLossError` as soon as the loss is NaN/inf instead of
training on garbage.

Randomness is explicit: from ``seed`` the loop derives one ``numpy.random.Generator`` handed to
``sample_batch`` (the sources of :mod:`wzcore.sources` draw with numpy) and one ``torch.Generator`` on the
training device handed to ``loss_fn`` (for the additive noise / sampling inside the model). The model's
initial parameters are the caller's business (build it under ``torch.random.fork_rng`` or with an explicit
generator). With the same initial model and seed two CPU runs are bit-identical; on CUDA, non-deterministic
kernels may make them differ in the last bits.

Written by hand because torch has no trainer; the loop is twenty lines and keeps the dependency set small.

:func:`fit_parallel` trains independent models at once, one spawned process per CPU core, each with a fixed
number of torch threads; on the CPU every result is bit-identical to the same call run in sequence with that
many threads (each model's randomness comes from its own seed), so a chapter's numbers do not depend on the
number of cores. With CUDA the jobs run one after another in the calling process.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

__all__ = ["History", "NonFiniteLossError", "cpu_cores", "device", "fit_parallel", "move_to", "train"]

LossOut = torch.Tensor | tuple[torch.Tensor, Mapping[str, Any]]


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite."""


@dataclass
class History:
    """What ``train`` records every ``log_every`` steps (means over the steps since the previous record)."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    lr: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    device: str = "cpu"

    @property
    def seconds_per_step(self) -> float:
        """Mean wall time of one step (sampling, forward, backward, update)."""
        return self.wall_s / self.steps[-1] if self.steps else math.nan

    @property
    def final_loss(self) -> float:
        return self.loss[-1] if self.loss else math.nan


def device() -> torch.device:
    """The device every model of the book trains on: CUDA when available, else the CPU (DESIGN §5)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def move_to(batch: Any, dev: torch.device) -> Any:
    """Move a batch (tensor, numpy array, or tuple/list/dict of them) to ``dev``; numpy floats -> float32."""
    if isinstance(batch, torch.Tensor):
        return batch.to(dev)
    if isinstance(batch, np.ndarray):
        t = torch.from_numpy(batch)
        return (t.float() if t.is_floating_point() else t).to(dev)
    if isinstance(batch, Mapping):
        return {k: move_to(v, dev) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(move_to(v, dev) for v in batch)
    return batch


def _split(out: LossOut) -> tuple[torch.Tensor, Mapping[str, Any]]:
    if isinstance(out, torch.Tensor):
        return out, {}
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], Mapping):
        return out[0], out[1]
    raise TypeError("loss_fn must return a scalar tensor or (scalar tensor, dict of metrics), "
                    f"got {type(out).__name__}")


def train(
    model: torch.nn.Module,
    loss_fn: Callable[[Any, torch.Generator], LossOut],
    sample_batch: Callable[[int, np.random.Generator], Any],
    steps: int,
    lr: float,
    *,
    lr_milestones: Sequence[float] = (0.5, 0.75, 0.875),
    seed: int,
    device: torch.device | str | None = None,
    progress: bool = True,
    log_every: int = 100,
    desc: str = "train",
    clip_norm: float | None = None,
) -> History:
    """Minimise ``loss_fn`` over ``model``'s parameters with Adam for ``steps`` steps.

    Each step: ``batch = sample_batch(step, rng)`` (``rng`` a numpy Generator seeded by ``seed``; numpy
    arrays are moved to the device as float32), ``out = loss_fn(batch, gen)`` (``gen`` a torch Generator on
    the device, seeded by ``seed``), returning a scalar loss or ``(loss, {name: value})``; the metrics are
    recorded in ``History.metrics``. The learning rate is ``lr · 0.1^(number of milestones passed)``, the
    milestones being the fractions ``lr_milestones`` of ``steps``. The model is moved to ``device``
    (default :func:`device`) and left in train mode; it is trained in place.

    ``clip_norm``: if given, the gradient's global norm is clipped to it before each step (CompressAI's
    image-codec training clips at 1).

    Raises NonFiniteLossError at the first step whose loss is NaN or infinite.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    if not isinstance(log_every, int) or log_every < 1:
        raise ValueError(f"log_every must be an integer >= 1, got {log_every!r}")
    if clip_norm is not None and not (clip_norm > 0 and math.isfinite(clip_norm)):
        raise ValueError(f"clip_norm must be None or a finite number > 0, got {clip_norm!r}")
    if any(not 0.0 < f < 1.0 for f in lr_milestones):
        raise ValueError(f"lr_milestones must be fractions in (0, 1), got {tuple(lr_milestones)}")
    dev = torch.device(device) if device is not None else _default_device()
    model.to(dev).train()
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    opt = torch.optim.Adam(params, lr=lr)
    milestones = sorted({max(1, round(f * steps)) for f in lr_milestones})
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=milestones, gamma=0.1)
    rng = np.random.default_rng(seed)
    gen = torch.Generator(device=dev).manual_seed(seed)

    hist = History(device=str(dev))
    acc_loss, acc_metrics, acc_n = 0.0, {}, 0
    t0 = time.perf_counter()
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, mininterval=0.5, leave=False)
    for step in bar:
        batch = move_to(sample_batch(step, rng), dev)
        loss, metrics = _split(loss_fn(batch, gen))
        if loss.dim() != 0:
            raise ValueError(f"loss_fn must return a scalar loss, got shape {tuple(loss.shape)}")
        value = float(loss.detach())
        if not math.isfinite(value):
            lr_now = opt.param_groups[0]["lr"]
            raise NonFiniteLossError(f"{desc}: loss is {value} at step {step} of {steps} (lr {lr_now:.3g}); "
                                     "lower the learning rate or check the model")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, clip_norm)
        lr_now = opt.param_groups[0]["lr"]
        opt.step()
        sched.step()
        acc_loss += value
        for k, v in metrics.items():
            acc_metrics[k] = acc_metrics.get(k, 0.0) + float(v.detach() if isinstance(v, torch.Tensor) else v)
        acc_n += 1
        if step % log_every == 0 or step == steps:
            hist.steps.append(step)
            hist.loss.append(acc_loss / acc_n)
            hist.lr.append(lr_now)
            for k, v in acc_metrics.items():
                hist.metrics.setdefault(k, []).append(v / acc_n)
            bar.set_postfix(loss=f"{acc_loss / acc_n:.4g}", refresh=False)
            acc_loss, acc_metrics, acc_n = 0.0, {}, 0
    bar.close()
    hist.wall_s = time.perf_counter() - t0
    return hist


_default_device = device  # ``train`` has a parameter named ``device``


# ---- independent models in parallel ----------------------------------------------------------------------
@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _worker_init(threads: int) -> None:
    torch.set_num_threads(threads)


def cpu_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def fit_parallel(jobs: Mapping[Hashable, Callable[[], Any]], *, workers: int | None = None, threads: int = 1,
                 progress: bool = False) -> dict[Hashable, Any]:
    """``{key: job()}`` for every ``key, job`` of ``jobs``, the calls in parallel processes.

    Each job is a picklable call without arguments — ``functools.partial(fit, ...)`` of a module-level
    function such as :func:`wzcore.binning.fit_binning` or :func:`wzcore.ntc.fit_ntc` — and its result must
    pickle; the results come back in the order of ``jobs``. ``workers`` processes (default: one per CPU core,
    at most one per job; on a CUDA machine 1) are started with the ``spawn`` method (a fresh interpreter: no
    forked torch state), each with ``threads`` torch threads; the jobs are handed out in the order given, so
    put the longest first. ``workers=1`` runs the calls here, one after another, with ``threads`` torch
    threads. An exception in a job is raised here, with a note naming its key.
    """
    bad = [key for key, job in jobs.items() if not callable(job)]
    if bad:
        raise ValueError(f"every job must be a callable without arguments (functools.partial); not {bad[0]!r}")
    threads = int(threads)
    if threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    if workers is None:
        workers = 1 if torch.cuda.is_available() else min(len(jobs), cpu_cores())
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    out: dict[Hashable, Any] = {}
    bar = tqdm(total=len(jobs), desc="models", disable=not progress, leave=False)
    if workers == 1 or len(jobs) <= 1:
        with _torch_threads(threads):
            for key, job in jobs.items():
                out[key] = _run_job(key, job)
                bar.update()
        bar.close()
        return out
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init, initargs=(threads,)) as pool:
        futures = {pool.submit(job): key for key, job in jobs.items()}
        for fut in as_completed(futures):
            key = futures[fut]
            try:
                out[key] = fut.result()
            except Exception as exc:
                for other in futures:
                    other.cancel()
                exc.add_note(f"in fit_parallel job {key!r}")
                raise
            bar.update()
    bar.close()
    return {key: out[key] for key in jobs}


def _run_job(key: Hashable, job: Callable[[], Any]) -> Any:
    try:
        return job()
    except Exception as exc:
        exc.add_note(f"in fit_parallel job {key!r}")
        raise
