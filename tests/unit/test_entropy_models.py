"""Tests of wzcore.entropy_models beyond the factorized prior (tested through NTC in test_ntc.py):
the quantized Gaussian conditional and its real bitstream."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import norm

from wzcore import coding
from wzcore.coding import CorruptStreamError
from wzcore.entropy_models import FactorizedEntropyModel, GaussianConditional

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _latents(n: int = 4000, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    means = 3 * torch.randn(n, 4, generator=g, dtype=torch.float64)
    scales = 0.05 + 4 * torch.rand(n, 4, generator=g, dtype=torch.float64)
    u = means + scales * torch.randn(n, 4, generator=g, dtype=torch.float64)
    return u, means, scales


def test_likelihood_matches_the_normal_cdf_and_sums_to_one():
    gc = GaussianConditional(scale_bound=0.11)
    mu, sigma = torch.tensor(0.3, dtype=torch.float64), torch.tensor(1.7, dtype=torch.float64)
    k = torch.arange(-40, 41, dtype=torch.float64) + mu
    lik = gc.likelihood(k, mu.expand_as(k), sigma.expand_as(k)).numpy()
    v = np.abs(k.numpy() - 0.3)  # scipy's Φ is accurate below the mean: use the symmetric form there
    ref = norm.cdf((0.5 - v) / 1.7) - norm.cdf((-0.5 - v) / 1.7)
    np.testing.assert_allclose(lik, ref, rtol=1e-6, atol=1e-200)
    assert lik.sum() == pytest.approx(1.0, abs=1e-12)
    far = gc.likelihood(torch.tensor([60.0], dtype=torch.float64), torch.zeros(1, dtype=torch.float64),
                        torch.ones(1, dtype=torch.float64))
    assert 0 < float(far) < 1e-300 or float(far) == 0.0  # no cancellation to a negative value
    assert float(far) >= 0


def test_round_trip_and_real_rate_close_to_the_model_rate():
    u, means, scales = _latents()
    gc = GaussianConditional()
    u_hat = gc.quantize(u, means, "round")
    stream = gc.compress(u, means, scales)
    assert torch.equal(gc.decompress(stream, means, scales), u_hat)
    ideal = float(gc.bits(u_hat, means, scales).sum())
    real = 8 * len(stream)
    assert ideal < real < 1.01 * ideal + 8 * 64


def test_quantize_modes():
    u, means, _ = _latents(50)
    gc = GaussianConditional()
    noisy = gc.quantize(u, means, "noise", torch.Generator().manual_seed(1))
    assert torch.all((noisy - u).abs() <= 0.5)
    ste = gc.quantize(u.clone().requires_grad_(True), means, "ste")
    assert torch.allclose(ste, gc.quantize(u, means, "round"))
    with pytest.raises(ValueError, match="mode"):
        gc.quantize(u, means, "floor")
    with pytest.raises(ValueError, match="generator"):
        gc.quantize(u, means, "noise")


def test_corrupt_or_mismatched_streams_raise():
    u, means, scales = _latents(200)
    gc = GaussianConditional()
    stream = bytearray(gc.compress(u, means, scales))
    for i in range(0, len(stream), 7):
        bad = bytearray(stream)
        bad[i] ^= 0x10
        with pytest.raises(CorruptStreamError):
            gc.decompress(bytes(bad), means, scales)
    with pytest.raises(CorruptStreamError):
        gc.decompress(bytes(stream), means, 2 * scales)  # the decoder's scales differ
    with pytest.raises(ValueError, match="scale_bound"):
        GaussianConditional(scale_bound=0.0)
    with pytest.raises(ValueError, match="stds"):
        coding.encode_gaussian(np.array([0, 1]), np.zeros(2), np.array([1.0, -1.0]), -5, 5)
    with pytest.raises(ValueError, match=r"\[-5, 5\]"):
        coding.encode_gaussian(np.array([0, 9]), np.zeros(2), np.ones(2), -5, 5)


def test_factorized_model_stream_rejects_trailing_bytes():
    em = FactorizedEntropyModel(2, generator=torch.Generator().manual_seed(0))
    k = np.array([[0, 1], [2, -1], [0, 0]])
    stream = em.compress(k)
    np.testing.assert_array_equal(em.decompress(stream), k)
    with pytest.raises(CorruptStreamError):
        em.decompress(stream + b"\x00")
    with pytest.raises(ValueError, match="shape"):
        em.compress(np.zeros((3, 3), dtype=int))
