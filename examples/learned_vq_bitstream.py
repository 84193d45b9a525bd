"""A learned Wyner–Ziv quantizer (Özyılkan, Ballé & Erkip) and its bitstream.

Trains the entropy-constrained VQ with a marginal prior on the
quadratic-Gaussian source (X ~ N(0, 1), Y = X + N, Var N = 0.01) for a few
hundred steps, encodes fresh samples to bytes (the indices entropy-coded with
the learned prior), decodes them, reconstructs with the side information, and
compares the rate with the point-to-point bound R_X(D).
"""

import numpy as np
import torch

from wzcore import binning, bounds, coding, sources

source = sources.QuadraticGaussian(1.0, 0.01)
fit = binning.fit_binning(source, lam=300.0, steps=300, K=32, batch=256,
                          warmup_steps=2000, seed=0, progress=False)
model = fit.model

rng = np.random.default_rng(7)
x, y = source.sample(20_000, rng)
k = binning.encode(model, x, binning.YGivenX(source))  # sees x only
pmf = model.marginal_pmf()
pmf = pmf / pmf.sum()
stream = coding.encode_categorical(k, pmf)  # what is sent
k_rx = coding.decode_categorical(stream, pmf)  # what the decoder reads
assert np.array_equal(k_rx, k)
with torch.no_grad():  # the decoder reconstructs with the side information
    x_hat = model.decode(k_rx, y).double().cpu().numpy()[:, 0]

mse = float(np.mean((x - x_hat) ** 2))
rate = 8 * len(stream) / x.size
print(f"{len(stream)} bytes for {x.size} samples: {rate:.3f} bit/sample "
      f"at MSE {10 * np.log10(mse):.2f} dB")
print(f"R_X(D) = {bounds.rd_gaussian(1.0, mse):.3f} bit/sample (no side "
      f"information), R_WZ(D) = {bounds.wz_gaussian(source.cond_var, mse):.3f}")
