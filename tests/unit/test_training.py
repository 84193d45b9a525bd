"""Tests of wzcore.training: schedule, history, determinism, NaN stop, argument checks."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

from wzcore import training
from wzcore.training import NonFiniteLossError, train

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _regression():
    """Linear regression t = 3x - 1 + noise drawn from the loop's torch generator."""
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():  # deterministic start without touching the global RNG
        model.weight.fill_(0.5)
        model.bias.fill_(0.0)

    def sample_batch(step, rng):
        x = rng.normal(size=(64, 1))
        return x, 3 * x - 1

    def loss_fn(batch, gen):
        x, t = batch
        noise = 0.01 * torch.randn(t.shape, generator=gen, device=t.device)
        mse = (model(x) - t - noise).pow(2).mean()
        return mse, {"mse": mse, "w": float(model.weight.detach())}

    return model, loss_fn, sample_batch


def test_device_is_cuda_iff_available():
    assert training.device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_train_fits_linear_regression():
    model, loss_fn, sample_batch = _regression()
    hist = train(model, loss_fn, sample_batch, 600, 0.05, seed=1, device="cpu", progress=False, log_every=50)
    assert float(model.weight.detach()) == pytest.approx(3.0, abs=0.01)
    assert float(model.bias.detach()) == pytest.approx(-1.0, abs=0.01)
    assert hist.steps == list(range(50, 601, 50))
    assert hist.loss[-1] < 1e-3 < hist.loss[0]
    assert set(hist.metrics) == {"mse", "w"} and len(hist.metrics["w"]) == len(hist.steps)
    assert hist.wall_s > 0 and hist.seconds_per_step == pytest.approx(hist.wall_s / 600)


def test_train_is_deterministic_given_seed():
    runs = []
    for _ in range(2):
        model, loss_fn, sample_batch = _regression()
        hist = train(model, loss_fn, sample_batch, 40, 0.01, seed=7, device="cpu", progress=False, log_every=1)
        runs.append((hist.loss, float(model.weight.detach()), float(model.bias.detach())))
    assert runs[0] == runs[1]
    model, loss_fn, sample_batch = _regression()
    other = train(model, loss_fn, sample_batch, 40, 0.01, seed=8, device="cpu", progress=False, log_every=1)
    assert other.loss != runs[0][0]


def test_lr_schedule_and_interval_means():
    p = torch.nn.Parameter(torch.zeros(()))
    calls = []

    def loss_fn(batch, gen):
        calls.append(len(calls) + 1)
        return (p - 1.0) ** 2, {"step": float(len(calls))}

    hist = train(torch.nn.ParameterList([p]), loss_fn, lambda s, r: None, 16, 0.1, seed=0, device="cpu",
                 progress=False, log_every=1)
    # milestones at 8, 12, 14 of 16 steps: ×0.1 from step 9, 13, 15 on
    expected = [0.1] * 8 + [0.01] * 4 + [1e-3] * 2 + [1e-4] * 2
    assert hist.lr == pytest.approx(expected, rel=1e-12)
    hist = train(torch.nn.ParameterList([p]), loss_fn, lambda s, r: None, 10, 0.1, seed=0, device="cpu",
                 progress=False, log_every=4)
    assert hist.steps == [4, 8, 10]
    first = 16  # the 16 calls of the first run
    assert hist.metrics["step"] == pytest.approx([first + 2.5, first + 6.5, first + 9.5])


def test_nan_loss_raises_with_step():
    p = torch.nn.Parameter(torch.ones(()))
    n = {"i": 0}

    def loss_fn(batch, gen):
        n["i"] += 1
        return p * (float("nan") if n["i"] == 3 else 1.0)

    with pytest.raises(NonFiniteLossError, match="step 3 of 10"):
        train(torch.nn.ParameterList([p]), loss_fn, lambda s, r: None, 10, 1e-3, seed=0, device="cpu",
              progress=False)
    assert issubclass(NonFiniteLossError, FloatingPointError)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"steps": 0}, "steps"), ({"lr": -1.0}, "lr must"), ({"lr": float("nan")}, "lr must"),
     ({"log_every": 0}, "log_every"), ({"lr_milestones": (0.5, 1.0)}, "lr_milestones")],
)
def test_bad_arguments_raise(kwargs, match):
    model, loss_fn, sample_batch = _regression()
    args = {"steps": 5, "lr": 1e-3} | kwargs
    with pytest.raises(ValueError, match=match):
        train(model, loss_fn, sample_batch, args.pop("steps"), args.pop("lr"), seed=0, device="cpu",
              progress=False, **args)


def test_bad_loss_fn_outputs_raise():
    model, _, sample_batch = _regression()
    with pytest.raises(TypeError, match="loss_fn must return"):
        train(model, lambda b, g: [1.0], sample_batch, 2, 1e-3, seed=0, device="cpu", progress=False)
    with pytest.raises(ValueError, match="scalar"):
        train(model, lambda b, g: model(b[0]), sample_batch, 2, 1e-3, seed=0, device="cpu", progress=False)


def test_move_to_converts_numpy_float_to_float32():
    out = training.move_to({"a": np.ones(3), "b": (np.arange(2), torch.ones(1))}, torch.device("cpu"))
    assert out["a"].dtype == torch.float32 and out["b"][0].dtype == torch.int64
    assert isinstance(out["b"], tuple)


def _square(v: int) -> int:
    return v * v


def test_fit_parallel_arguments():
    jobs = {"a": functools.partial(_square, 3), "b": functools.partial(_square, 4)}
    assert training.fit_parallel(jobs, workers=1) == {"a": 9, "b": 16}
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="workers"):
            training.fit_parallel(jobs, workers=bad)
    with pytest.raises(ValueError, match="threads"):
        training.fit_parallel(jobs, threads=0)
    with pytest.raises(ValueError, match="callable"):
        training.fit_parallel({"a": 3})
    with pytest.raises(TypeError) as info:
        training.fit_parallel({"x": functools.partial(_square, w=1)}, workers=1)
    assert "job 'x'" in "".join(info.value.__notes__)
    assert training.cpu_cores() >= 1


def test_gradient_clipping_bounds_the_applied_gradient():
    model, loss_fn, sample_batch = _regression()
    grads = []
    model.weight.register_hook(lambda g: grads.append(float(g.abs().max())))
    train(model, loss_fn, sample_batch, 1, 0.1, seed=0, progress=False, clip_norm=1e-3)
    assert grads and grads[0] > 1e-3  # the raw gradient is larger than the clip ...
    total = sum(float(p.grad.norm()) ** 2 for p in model.parameters()) ** 0.5
    assert total <= 1e-3 + 1e-9  # ... and the one the optimizer applied is clipped
    with pytest.raises(ValueError, match="clip_norm"):
        train(model, loss_fn, sample_batch, 1, 0.1, seed=0, progress=False, clip_norm=0.0)
