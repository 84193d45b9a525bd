# %% [markdown]
# # Learned binning
#
# The previous chapter found that nonlinear transform coding with side information at the decoder
# learns contiguous cells: it uses $y$ to reconstruct, but it never *bins*. The review
# {cite}`ozyilkan2024review` (Section V and its Fig. 3) presents the answer of its own authors
# {cite}`ozyilkan2023learned,ozyilkan2024neural`: drop the encoder network altogether, and let the
# encoder be the best index for the current decoder. The resulting entropy-constrained vector
# quantizer, trained end to end, *discovers* binning — one index for several distant intervals of
# $x$, told apart at the decoder by $y$ — the mechanism of the Wyner–Ziv achievability proof and of
# DISCUS-style codes ({doc}`02_wyner_ziv`).
#
# This chapter reproduces the review's Fig. 3 on the quadratic-Gaussian source and its sign
# side-information counterpart, then goes where the paper does not: both of its priors with real
# bitstreams (an entropy code for the marginal prior, a Slepian–Wolf code for the conditional one),
# an ablation that asks what makes binning appear, and a test of the trained models on side
# information noisier or cleaner than the one they were trained on.

# %% tags=["parameters"]
PROFILE = "auto"

# %%
import time
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy.stats import norm

from wzcore import binning, bounds, ntc, plotting, profiles, rd, results, sources
from wzcore import quantization as qz
from wzcore import swc_nq as swnq
from wzcore.training import fit_parallel

CHAPTER = "04_learned_binning"
cfg = profiles.load(CHAPTER, PROFILE)
print(cfg.describe())
run = results.Run(CHAPTER, cfg)
plotting.theme()
rng = np.random.default_rng(cfg.seed)
torch.set_num_threads(cfg.threads)  # small networks: one thread (see the config)
fit_kw = {"batch": cfg.batch, "warmup_steps": cfg.warmup_steps, "progress": False}
vq_fit = partial(binning.fit_binning, K=cfg.K, seed=cfg.seed, **fit_kw)
ntc_fit = partial(ntc.fit_ntc, dim_x=1, dim_u=1, dim_y=1, steps=cfg.ntc_steps, lr=1e-3,
                  seed=cfg.seed, progress=False)

# %% [markdown]
# The configuration above (collapsed on the website) fixes the schedule. The paper trains for
# 200,000 steps on a GPU; the *quick* profile trains for a couple of thousand steps so that a laptop
# runs the chapter in a few minutes, and the *full* profile, which produced the website's figures,
# trains several times longer on a 2-core CPU. Every random choice derives from the profile's seed.
#
# ## The model
#
# There is no encoder network. A decoder $g(k, y)$ — an MLP on the one-hot index and the side
# information, two hidden layers of 100 leaky-ReLU units — reconstructs $x$, and a prior over the
# $K$ indices gives the rate. The encoder picks, for each $x$, the index that would cost least on
# average over the side information it does not see:
#
# $$
# k^*(x) = \arg\min_k \; \mathbb E_{Y\mid X=x}\big[\, r(k, Y) + \lambda\,(x - g(k, Y))^2 \,\big],
# $$ (vq-encoder)
#
# and training minimises $\mathbb E[r(k^*, Y) + \lambda (X - g(k^*, Y))^2]$ over the decoder and the
# prior. Two priors give two rates:
#
# * **marginal**, $r(k, y) = -\log_2 p(k)$ with $K$ free logits (the authors' notebook): the index is
#   entropy coded *without* side information, so any saving over a point-to-point code must come
#   from binning in the quantizer itself;
# * **conditional**, $r(k, y) = -\log_2 q(k \mid y)$ with $q$ an MLP on $y$ (the paper's other
#   variant): the rate is $H(K \mid Y)$, which only a Slepian–Wolf code of the index realises; here
#   the entropy coder can do the binning, so the quantizer may stay contiguous.
#
# The expectation in {eq}`vq-encoder` uses the exact law of $Y \mid X = x$ (the authors' notebook
# samples an approximation for the form $x = y + n$): a 4-node Gauss–Hermite rule for the Gaussian
# source, the single value $y = \operatorname{sign} x$ for sign side information. Before the
# rate–distortion phase the decoder is *warmed up*: regressed on a few fixed samples of $x$, each
# with an independent random index label, the prior frozen — the paper's recipe, which we put to
# the test below.
#
# ## The quadratic-Gaussian source: the review's Fig. 3
#
# $X \sim \mathcal N(0, 1)$, $Y = X + N$ with $N \sim \mathcal N(0, \sigma_n^2)$,
# $\sigma_n^2$ = {glue:text}`var_n:.2f`, so that $\sigma^2_{X\mid Y}$ = {glue:text}`cond_var:.5f`
# and $R_{\mathrm{WZ}}(D) = \tfrac12\log_2(\sigma^2_{X\mid Y}/D)$. We train the marginal-prior model
# with $K$ = {glue:text}`K:d` indices at $\lambda$ = {glue:text}`fig_lam:.0f`.
#
# This cell trains that model and every other the chapter uses — the sign side-information model,
# the conditional-prior models, the two NTC models compared with them and the ablation's retrained
# models, each described in its section. They are independent of one another, so
# `training.fit_parallel` trains them at once, one process per CPU core (on a GPU, one after
# another); each model is bit for bit the one a sequential run with the same number of threads
# gives, as it draws all its randomness from its own seed.

# %%
qg = sources.QuadraticGaussian(1.0, cfg.var_n)
sign_src = sources.SignSideInfo(1.0)
cond_Ks = {lam: binning.contiguous_K(lam, cfg.cond_x_max) for lam in cfg.cond_lams}
jobs = {("conditional", lam): partial(vq_fit, qg, lam, cfg.cond_steps, K=K,
                                      prior="conditional", batch=cfg.cond_batch)
        for lam, K in cond_Ks.items()}  # the longest jobs first
jobs |= {("marginal", lam): partial(vq_fit, qg, lam, cfg.steps)
         for lam in sorted({cfg.fig_lam, *cfg.lams})}
jobs["sign"] = partial(vq_fit, sign_src, cfg.sign_lam, cfg.sign_steps,
                       warmup_steps=cfg.sign_warmup_steps)
jobs["ntc"] = partial(ntc_fit, qg, lam=cfg.ntc_lam)
jobs["sign_ntc"] = partial(ntc_fit, sign_src, lam=cfg.sign_lam)

# %% [markdown]
# The ablation's models, one per warm-up and seed; the paper's random labels at the profile's seed
# and schedule are the Fig. 3 model itself, not trained twice.

# %%
abl_keys = {}
for mode in cfg.ablation_modes:
    for seed in cfg.ablation_seeds:
        if (mode, seed, cfg.ablation_steps) == ("random", cfg.seed, cfg.steps):
            abl_keys[mode, seed] = ("marginal", cfg.fig_lam)
            continue
        warm = binning.AUTHORS if mode == "authors" else {"warmup": mode}
        abl_keys[mode, seed] = key = ("ablation", mode, seed)
        jobs[key] = partial(vq_fit, qg, cfg.fig_lam, cfg.ablation_steps, seed=seed,
                            **warm)

# %%
t0 = time.perf_counter()
trained = fit_parallel(jobs, threads=cfg.threads)
fits = {lam: trained["marginal", lam] for lam in sorted({cfg.fig_lam, *cfg.lams})}
vq = fits[cfg.fig_lam].model
run.glue("var_n", cfg.var_n)
run.glue("cond_var", qg.cond_var)
run.glue("K", cfg.K)
run.glue("fig_lam", cfg.fig_lam)
busy = sum(f.wall_s for f in trained.values() if isinstance(f, binning.BinningFit))
print(f"trained {len(trained)} models in {time.perf_counter() - t0:.0f} s "
      f"({busy:.0f} s for the VQ models); the λ = {cfg.fig_lam:g} model took "
      f"{fits[cfg.fig_lam].wall_s:.0f} s")

# %% [markdown]
# The encoder map $k^*(x)$ on a fine grid of $x$ (with the encoder's own expectation over $y$),
# weighted by the probability of each grid cell, tells whether the model bins: we count, for every
# index in use, its disjoint intervals of probability at least {glue:text}`min_mass:.0e`, and look
# for a period in the pattern (the shift at which the map best agrees with itself).

# %%
x_grid = np.linspace(-cfg.x_lim, cfg.x_lim, cfg.grid_points)
w_qg = binning.cell_weights(qg, x_grid)
k_qg = binning.encoder_map(vq, qg, x_grid)
bins_qg = binning.binning_summary(k_qg, w_qg, cfg.min_mass)
period = binning.periodicity(x_grid, k_qg, w_qg)

# %% [markdown]
# The binning statistics of this map: how many indices carry probability, how many disjoint
# intervals each owns on average, the share of them that own two or more, and the best period.

# %%
print(f"indices used {bins_qg['n_used']:.0f} of {cfg.K}; intervals per used index "
      f"{bins_qg['intervals_per_used']:.2f}")
print(f"share of used indices with >= 2 intervals {bins_qg['frac_multi']:.2f}")
print(f"best period {period['period']:.3f} (agreement {period['agreement']:.2f})")
run.glue("min_mass", cfg.min_mass)
for key in ("n_used", "intervals_per_used", "frac_multi"):
    run.glue(f"qg_{key}", bins_qg[key])
run.glue("qg_period", period["period"])
run.glue("qg_period_agreement", period["agreement"])

# %% [markdown]
# The decoder is checked against the best possible one for this encoder: with the cells of each
# index known, the exact MMSE estimate $\mathbb E[X \mid K = k, Y = y]$ is a quadrature over the
# cells under the Gaussian posterior of $X$ given $y$. The excess MSE of $g$ over it, averaged over
# the indices, is printed for a few values of $y$.

# %%
y_check = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
vs_mmse = binning.decoder_vs_mmse(vq, qg, y_check, x_grid)
excess_db = 10 * np.log10(1 + vs_mmse["gap"] / qg.cond_var)
print("y               " + "  ".join(f"{v:6.1f}" for v in y_check))
print("excess MSE (dB) " + "  ".join(f"{v:6.3f}" for v in excess_db))
run.glue("qg_excess_db", float(excess_db.max()))

# %% tags=["hide-input"]
window = np.abs(x_grid) <= 3.5
y_plot = np.linspace(-3.5, 3.5, 141)
recon = binning.decoder_outputs(vq, y_plot[:, None])[:, :, 0]
recon[~np.isin(np.arange(cfg.K), np.unique(k_qg[window]))] = np.nan
x_s, y_s = qg.sample(3000, np.random.default_rng(cfg.seed + 1))
fig, _ = plotting.binning_picture(
    x_grid[window], k_qg[window], y_plot, recon, k=cfg.K, boundaries=True,
    xy_samples=(x_s, y_s), recon_ylim=(-3.5, 3.5),
    title=f"learned VQ, quadratic-Gaussian, λ = {cfg.fig_lam:g}: "
          f"{bins_qg['frac_multi']:.0%} of the used indices own several intervals")
run.save_figure(fig, "vq_binning_gaussian", {
    "lam": cfg.fig_lam, "x_grid": x_grid[window], "index": k_qg[window],
    "y_grid": y_plot, "recon": recon, "summary": bins_qg, "period": period["period"],
    "period_agreement": period["agreement"], "excess_db": excess_db})

# %% [markdown]
# ```{glue:figure} vq_binning_gaussian
# :name: fig-vq-binning-gaussian
#
# The learned quantizer on the quadratic-Gaussian source, as in the review's Fig. 3. Left: the
# encoder's index $k^*(x)$ over $x$, one colour per index, boundaries in black. Right: the decoder's
# reconstruction $g(k, y)$ against $y$ for every index in use, in the same colours, over samples
# $(y, x)$ in grey.
# ```
#
# {numref}`fig-vq-binning-gaussian` is the review's Fig. 3 recomputed: the same colour returns in
# disjoint intervals of $x$. Of the {glue:text}`qg_n_used:.0f` indices in use, a fraction
# {glue:text}`qg_frac_multi:.2f` own two or more intervals (on average
# {glue:text}`qg_intervals_per_used:.2f` each). The pattern is only *periodic-like*: the best shift,
# {glue:text}`qg_period:.2f`, maps the index pattern onto itself for a fraction
# {glue:text}`qg_period_agreement:.2f` of the probability, far from the exact period of a coset
# code. On the right, each index's curve follows $y$ in the interval where $x$ is likely given $y$
# and jumps between its intervals — the decoder resolves the bin with the side information. It is
# within {glue:text}`qg_excess_db:.3f` dB of the exact MMSE decoder for this encoder at the values
# of $y$ checked.
#
# ## Sign side information
#
# $X \sim \mathrm{Laplace}(0, 1)$ and $Y = \operatorname{sign} X$: the decoder knows the sign, so an
# optimal code quantizes $|X|$ and gives $x$ and $-x$ the same index. The model is trained at the
# paper's $\lambda$ = {glue:text}`sign_lam:.0f`.

# %%
sign_vq = trained["sign"].model
sign_ev = binning.evaluate(sign_vq, sign_src, cfg.n_eval, rng)

# %% [markdown]
# Two measures of sharing across the sign: the probability that falls in indices used on both
# sides of 0 (`binning.sign_sharing`), and the stricter *mirror folding*, the probability of the
# $x$ whose index equals the index of $-x$ (`rd.folding_fraction`). The evaluation also reports the
# mutual information $I(K; Y)$ between the index and the sign.

# %%
w_sign = binning.cell_weights(sign_src, x_grid)
k_sign = binning.encoder_map(sign_vq, sign_src, x_grid)
sharing = binning.sign_sharing(x_grid, k_sign, w_sign, cfg.min_mass)
folding = rd.folding_fraction(x_grid, k_sign, w_sign)
print(f"H(K) {sign_ev['H_K']:.3f} bits, I(K; Y) {sign_ev['I_KY']:.3f} bits, "
      f"MSE {sign_ev['mse_db']:.2f} dB")
print(f"mass in indices used on both sides of 0: {sharing:.3f}; "
      f"mirror folding {folding:.3f}")

# %% [markdown]
# The point-to-point reference is the Laplace $R(D)$ and the Wyner–Ziv bound is the $R(D)$ of
# $|X| \sim \mathrm{Exp}(1)$, both by Blahut–Arimoto {cite}`blahut1972computation`, read at the
# model's distortion.

# %%
ba_slopes = -np.log(2) * np.asarray(cfg.ba_lams)
lap_R, lap_D = bounds.rd_laplace_ba(1.0, ba_slopes, step=cfg.ba_step, tol=cfg.ba_tol)
exp_R, exp_D = bounds.rd_exponential_ba(1.0, ba_slopes, step=cfg.ba_step,
                                       tol=cfg.ba_tol)
sign_rx = rd.rate_at_distortion(sign_ev["mse"], lap_R, lap_D)
sign_rwz = rd.rate_at_distortion(sign_ev["mse"], exp_R, exp_D)
print(f"at D = {sign_ev['mse_db']:.2f} dB: R_X(D) {sign_rx:.3f}, "
      f"R_WZ(D) {sign_rwz:.3f}")
print(f"learned VQ (real bytes) {sign_ev['rate_real']:.3f} bits/sample")
sign_glue = {"sign_lam": cfg.sign_lam, "sign_H": sign_ev["H_K"],
             "sign_mi": sign_ev["I_KY"],
             "sign_sharing": sharing, "sign_folding": folding, "sign_rx": sign_rx,
             "sign_rwz": sign_rwz, "sign_real": sign_ev["rate_real"]}
for name, value in sign_glue.items():
    run.glue(name, value)

# %% tags=["hide-input"]
window = np.abs(x_grid) <= 5.0
recon_s = binning.decoder_outputs(sign_vq, np.array([[-1.0], [1.0]]))[:, :, 0]
recon_s[~np.isin(np.arange(cfg.K), np.unique(k_sign[window]))] = np.nan
fig, _ = plotting.binning_picture(
    x_grid[window], k_sign[window], np.array([-1.0, 1.0]), recon_s, k=cfg.K,
    boundaries=True, recon_ylim=(-5.5, 5.5),
    title=f"learned VQ, sign side information, λ = {cfg.sign_lam:g}: "
          f"{sharing:.0%} of the mass in indices shared across ±x")
run.save_figure(fig, "vq_binning_sign", {
    "lam": cfg.sign_lam, "x_grid": x_grid[window], "index": k_sign[window],
    "recon": recon_s, "sharing": sharing, "folding": folding, "H_K": sign_ev["H_K"],
    "I_KY": sign_ev["I_KY"], "mse": sign_ev["mse"], "rate_real": sign_ev["rate_real"],
    "R_X": sign_rx, "R_WZ": sign_rwz})

# %% [markdown]
# ```{glue:figure} vq_binning_sign
# :name: fig-vq-binning-sign
#
# The learned quantizer with sign side information. Left: the encoder's index over $x$. Right: the
# decoder's reconstruction for $y = -1$ and $y = +1$, one colour per index: an index used on both
# sides of 0 decodes to a negative value when $y = -1$ and a positive one when $y = +1$.
# ```
#
# In {numref}`fig-vq-binning-sign` the indices are shared across the sign: a fraction
# {glue:text}`sign_sharing:.2f` of the probability falls in indices used on both sides of 0, and
# the index carries only {glue:text}`sign_mi:.2f` bit of information about $Y$ (of the one bit $Y$
# holds) — the encoder does not spend rate on what the decoder knows. The sharing is not yet a
# clean mirror image: the share of mass whose index at $-x$ equals the one at $x$ is
# {glue:text}`sign_folding:.2f`; the paper reports the mirror pattern after much longer training.
# The real rate, {glue:text}`sign_real:.2f` bits, is below the point-to-point
# $R_X(D)$ = {glue:text}`sign_rx:.2f` and above $R_{\mathrm{WZ}}(D)$ = {glue:text}`sign_rwz:.2f`.
#
# ## The conditional prior and real Slepian–Wolf bits
#
# With the conditional prior the rate term is $-\log_2 q(k \mid y)$: the encoder is charged only
# for what the decoder cannot guess from $y$. Its indices must then be sent by a Slepian–Wolf code:
# we use the multilevel LDPC syndrome coder of {doc}`02_wyner_ziv`, fed per sample with the
# decoder's index posterior $q(k \mid y)$. A quantizer that leaves the binning to the
# Slepian–Wolf code has contiguous cells, and $K$ = 32 would cap its resolution (cells about
# 0.25 wide over $\pm 4$). So $K$ is chosen per $\lambda$ (`binning.contiguous_K`): at high rate
# the loss $R + \lambda D$ of a quantizer of step $\Delta$ is least at
# $\Delta^2 = 6/(\lambda \ln 2)$, and covering $\pm 4$ takes $\lceil 8/\Delta \rceil$ cells —
# here $K$ = {glue:text}`cond_Ks`. The marginal model keeps the paper's 32: a binning quantizer
# reuses its indices. The model at $\lambda$ = {glue:text}`cond_lam:.0f` ($K$ =
# {glue:text}`cond_K:d`) is the one whose indices are coded for real below.

# %%
cond_fits = {lam: trained["conditional", lam] for lam in cfg.cond_lams}
cond_vq = cond_fits[cfg.fig_lam].model  # the model coded for real below
k_cond = binning.encoder_map(cond_vq, qg, x_grid)
bins_cond = binning.binning_summary(k_cond, w_qg, cfg.min_mass)
run.glue("cond_K", cond_Ks[cfg.fig_lam])
run.glue("cond_lam", cfg.fig_lam)
run.glue("cond_Ks", ", ".join(f"{K} at λ = {lam:g}" for lam, K in cond_Ks.items()))
run.glue("cond_frac_multi", bins_cond["frac_multi"])
print(f"conditional prior, λ = {cfg.fig_lam:g}: {bins_cond['n_used']:.0f} indices "
      f"used, share with >= 2 intervals {bins_cond['frac_multi']:.2f}")

# %% [markdown]
# Every model is now evaluated on {glue:text}`n_eval:,d` fresh samples: the distortion with the true
# $y$ at the decoder, the model rate, and the size of a real bitstream. For the marginal prior the
# indices are entropy coded with $p(k)$ (constriction's ANS, checked on decoding).

# %%
ev_marg = {lam: binning.evaluate(f.model, qg, cfg.n_eval, rng)
           for lam, f in fits.items()}
ev_cond = {lam: binning.evaluate(f.model, qg, cfg.n_eval, rng)
           for lam, f in cond_fits.items()}
print("prior        λ      MSE dB   H(K)   −log2 q(k|y)  real bytes (bits/sample)")
for lam, e in ev_marg.items():
    print(f"marginal    {lam:6.0f}  {e['mse_db']:7.2f}  {e['H_K']:5.3f}  {'':12s}  "
          f"{e['rate_real']:.3f}")
for lam, e in ev_cond.items():
    print(f"conditional {lam:6.0f}  {e['mse_db']:7.2f}  {e['H_K']:5.3f}  "
          f"{e['rate_cond_ideal']:12.3f}  {e['rate_real']:.3f} (no SI)")
run.glue("n_eval", cfg.n_eval)

# %% [markdown]
# Read the table by columns: $H(K)$ is the plug-in entropy of the indices sent, the rate of an
# ideal code *without* side information; $-\log_2 q(k \mid y)$ is the conditional model's own rate
# estimate, reachable only with $y$ at the decoder; the last column is a real entropy-coded
# stream without side information, which for the conditional model is far above its
# $H(K \mid Y)$ — the price of ignoring $y$ when the quantizer itself does not bin.
#
# **Slepian–Wolf coding of the conditional model's indices**, feedback-free and with every byte
# counted. The encoder cannot run the decoder, so each bit-plane's code rate is *provisioned* in
# advance: on {glue:text}`sw_calib:d` calibration blocks of {glue:text}`sw_n:,d` samples we record
# which rate the plane would have needed, and fix the largest one plus
# {glue:text}`sw_margin_steps:d` grid step. Then {glue:text}`sw_test:d` fresh blocks are coded with
# that plan; a block the decoder cannot decode is a frame error (nothing is resent).

# %%
coder = swnq.MultilevelSW(cfg.sw_n)
sw_blocks = binning.sw_blocks(cond_vq, qg, cfg.sw_n, cfg.sw_calib + cfg.sw_test, rng)

# %% [markdown]
# Each block is a pair: the encoder's indices and the decoder's log-posterior
# $\log q(k \mid y_i)$ of every sample. The first blocks provision the plan, the others are coded
# with it; the rate counts every byte of the test streams, headers and failed blocks included.

# %%
sw_res = swnq.feedback_free(coder, sw_blocks[:cfg.sw_calib], sw_blocks[cfg.sw_calib:],
                              cfg.sw_margin_steps)
print(f"plan per bit-plane (LSB first): {sw_res.plan}")
print(f"real {sw_res.rate_real:.3f} bits/sample vs H(K|Y) estimate "
      f"{sw_res.rate_ideal:.3f}")
print(f"frame errors {sw_res.failures}/{sw_res.blocks}, undetected {sw_res.undetected}")
sw_D = ev_cond[cfg.fig_lam]["mse"]  # the distortion of the model coded for real
sw_rx = float(bounds.rd_gaussian(1.0, sw_D))
print(f"R_X(D) at the model's distortion: {sw_rx:.3f} bits/sample")

# %% [markdown]
# **With a return channel** the decoder asks for what it needs, block by block
# (`swnq.return_channel`, the protocol of LDPCA-based distributed video coding). For each
# bit-plane the encoder first sends the plane's CRC; if the decoder's guess from $y$ already
# matches, it acknowledges and the plane costs 32 bits. Otherwise it names a starting syndrome
# rate from its own estimate of the plane's conditional entropy, and then asks for
# rate-compatible increments of that syndrome (split parity checks) one at a time until belief
# propagation converges to a word with the right CRC. Counted: every forward message
# byte-aligned, failed attempts included, and every feedback bit. The same test blocks are
# coded twice: with the model's own index labels, and relabelled by the position of each
# index's cell along $x$ (`binning.centroid_order`), which changes no entropy but decides how
# the information splits over the bit-planes.

# %%
test_blocks = sw_blocks[cfg.sw_calib:]
rc_res = swnq.return_channel(coder, test_blocks)
label = binning.centroid_order(cond_vq, qg, cfg.n_eval, rng)
sorted_blocks = binning.relabel(sw_blocks, label)
rc_sorted = swnq.return_channel(coder, sorted_blocks[cfg.sw_calib:])
ff_sorted = swnq.feedback_free(coder, sorted_blocks[:cfg.sw_calib],
                               sorted_blocks[cfg.sw_calib:], cfg.sw_margin_steps)

# %%
print("labels   system           real   forward  feedback  H(K|Y) est.  errors")
for lab, ff, rc in (("learned", sw_res, rc_res), ("sorted", ff_sorted, rc_sorted)):
    print(f"{lab:8s} feedback-free  {ff.rate_real:6.3f}  {ff.rate_real:7.3f}  "
          f"{0:8.3f}  {ff.rate_ideal:11.3f}  {ff.failures}/{ff.blocks} frame")
    print(f"{lab:8s} return channel {rc.rate_real:6.3f}  {rc.rate_forward:7.3f}  "
          f"{rc.rate_feedback:8.3f}  {rc.rate_ideal:11.3f}  {rc.undetected} wrong")

# %%
sw_glue = {"sw_calib": cfg.sw_calib, "sw_test": cfg.sw_test, "sw_n": cfg.sw_n,
           "sw_margin_steps": cfg.sw_margin_steps, "sw_real": sw_res.rate_real,
           "sw_ideal": sw_res.rate_ideal, "sw_rx": sw_rx,
           "sw_overhead": sw_res.rate_real - sw_res.rate_ideal,
           "sw_plan": ", ".join(str(p) for p in sw_res.plan),
           "sw_failures": sw_res.failures, "rc_real": rc_res.rate_real,
           "rc_feedback": rc_res.rate_feedback,
           "rc_overhead": rc_res.rate_real - rc_res.rate_ideal,
           "rc_sorted": rc_sorted.rate_real, "ff_sorted": ff_sorted.rate_real,
           "ff_sorted_failures": ff_sorted.failures,
           "ff_sorted_plan": ", ".join(str(p) for p in ff_sorted.plan),
           "rc_sorted_overhead": rc_sorted.rate_real - rc_sorted.rate_ideal}
for name, value in sw_glue.items():
    run.glue(name, value)

# %% [markdown]
# ## Rate against distortion
#
# The references, all on this source: $R_X(D)$ without side information, $R_{\mathrm{WZ}}(D)$, the
# optimal entropy-constrained scalar quantizer that ignores $y$ {cite}`chou1989entropy`, the coset
# quantizer of {doc}`02_wyner_ziv` with ideal Slepian–Wolf coding (its step and number of cosets
# optimised at each rate, exact by quadrature), and chapter 3's NTC with the side information at
# its decoder, trained here on this source.

# %%
grid = np.linspace(-10, 10, 8001)
ecsq = qz.ecsq_reference(norm.pdf, cfg.ecsq_lams, grid)
coset = [qz.optimise_coset(1.0, cfg.var_n, rate=r, sw=True) for r in cfg.coset_rates]
coset_R = np.array([c.rate_sw for c in coset])
coset_D = np.array([c.mse for c in coset])
x_t, y_t = qg.sample(cfg.n_eval, rng)
ntc_model, _ = trained["ntc"]
ntc_ev = ntc.evaluate(ntc_model, x_t, y_t)

# %% [markdown]
# The distance of each scheme to $R_{\mathrm{WZ}}$ is read in dB at equal rate,
# $10\log_{10}\big(D / D_{\mathrm{WZ}}(R)\big)$ with $D_{\mathrm{WZ}}(R) = \sigma^2_{X\mid Y}2^{-2R}$,
# a straight line in (rate, dB) that `rd.gap_db_at_rate` interpolates exactly.

# %%
R_line = np.linspace(0.0, 8.0, 81)
D_line = qg.cond_var * 2.0 ** (-2 * R_line)
marg_R = np.array([e["rate_real"] for e in ev_marg.values()])
marg_D = np.array([e["mse"] for e in ev_marg.values()])
cond_R = np.array([e["rate_cond_ideal"] for e in ev_cond.values()])
cond_D = np.array([e["mse"] for e in ev_cond.values()])
gap_marg = rd.gap_db_at_rate(marg_R, marg_D, R_line, D_line)
gap_cond = rd.gap_db_at_rate(cond_R, cond_D, R_line, D_line)
gap_ntc = rd.gap_db_at_rate(ntc_ev["rate_bits_real"], ntc_ev["mse"], R_line, D_line)
gap_coset = rd.gap_db_at_rate(coset_R, coset_D, R_line, D_line)

# %% [markdown]
# The marginal model is also compared with the point-to-point bound: $R_X(D) - R$, in bits at its
# own distortion, is what binning saves without any help from the entropy coder.

# %%
margin_rx = bounds.rd_gaussian(1.0, marg_D) - marg_R
print(f"gap to R_WZ (dB): marginal {np.round(gap_marg, 2)}, "
      f"conditional {np.round(gap_cond, 2)}")
print(f"  NTC with SI {gap_ntc:.2f}, coset + ideal SW {np.round(gap_coset, 2)}")
print(f"R_X(D) − rate, marginal prior: {np.round(margin_rx, 3)} bits")

# %%
for name, value in {"gap_marg_min": float(gap_marg.min()),
                    "gap_cond_min": float(gap_cond.min()),
                    "gap_cond_max": float(gap_cond.max()), "gap_ntc": gap_ntc,
                    "gap_coset_min": float(gap_coset.min()),
                    "margin_rx_min": float(margin_rx.min())}.items():
    run.glue(name, value)
rd_data = {"marg_lams": list(ev_marg), "marg_R": marg_R, "marg_D": marg_D,
           "marg_H": [e["H_K"] for e in ev_marg.values()], "cond_lams": list(ev_cond),
           "cond_R": cond_R, "cond_D": cond_D, "sw_real": sw_res.rate_real,
           "sw_ideal": sw_res.rate_ideal, "sw_D": sw_D,
           "rc_real": rc_res.rate_real,
           "rc_sorted": rc_sorted.rate_real, "ff_sorted": ff_sorted.rate_real,
           "ntc_R": ntc_ev["rate_bits_real"], "ntc_D": ntc_ev["mse"],
           "coset_R": coset_R,
           "coset_D": coset_D, "ecsq_R": ecsq.rate, "ecsq_D": ecsq.mse,
           "cond_var": qg.cond_var, "gap_marg_db": gap_marg,
           "gap_cond_db": gap_cond, "gap_ntc_db": gap_ntc, "gap_coset_db": gap_coset}

# %% tags=["hide-input"]
D_all = np.r_[marg_D, cond_D, coset_D, ntc_ev["mse"]]
Dp = np.geomspace(D_all.min() / 2, min(1.0, D_all.max() * 4), 200)
fig, ax = plt.subplots(figsize=(10.5, 5.0), constrained_layout=True)
plotting.rd_panel(ax, curves=[
    (r"$R_X(D)$", Dp, bounds.rd_gaussian(1.0, Dp), {"color": "k"}),
    (r"$R_{\mathrm{WZ}}(D)$", Dp, bounds.wz_gaussian(qg.cond_var, Dp), {"color": "C1"}),
    ("optimal ECSQ, no SI", ecsq.mse, ecsq.rate, {"color": "C0"}),
    ("coset quantizer + ideal SW", coset_D, coset_R, {"color": "C2", "ls": "--"}),
], schemes=[
    ("learned VQ, marginal prior (real bytes)", marg_D, marg_R,
     {"color": "C3", "ms": 8}),
    (r"learned VQ, conditional prior: $H(K|Y)$", cond_D, cond_R,
     {"color": "C4", "marker": "s"}),
    ("conditional, real SW: feedback-free", [sw_D], [sw_res.rate_real],
     {"color": "C4", "marker": "D", "mfc": "none"}),
    ("conditional, real SW: return channel", [sw_D], [rc_res.rate_real],
     {"color": "C4", "marker": "v", "mfc": "none"}),
    ("conditional, real SW: return channel, sorted labels", [sw_D],
     [rc_sorted.rate_real], {"color": "C4", "marker": "v"}),
    ("NTC with decoder SI (real bytes)", [ntc_ev["mse"]], [ntc_ev["rate_bits_real"]],
     {"color": "C5", "marker": "^"}),
], title=rf"quadratic-Gaussian, $\sigma_n^2$ = {cfg.var_n:g}", legend=None)
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
run.save_figure(fig, "vq_rd", rd_data)

# %% [markdown]
# ```{glue:figure} vq_rd
# :name: fig-vq-rd
#
# Rate against distortion on the quadratic-Gaussian source. Lines: $R_X(D)$, $R_{\mathrm{WZ}}(D)$,
# the optimal ECSQ without side information and the coset quantizer with ideal Slepian–Wolf
# coding. Markers: the learned VQ with the marginal prior (real entropy-coded bytes), with the
# conditional prior (the ideal rate $H(K \mid Y)$ under $q$, and real Slepian–Wolf bits:
# feedback-free, and with a return channel for the learned and the sorted index labels), and NTC
# with decoder side information.
# ```
#
# {numref}`fig-vq-rd` answers the review's claim. With the marginal prior the learned VQ is below
# the point-to-point $R_X(D)$ by at least {glue:text}`margin_rx_min:.2f` bit, with real bytes,
# although its index is coded without any side information: the saving is the binning of
# {numref}`fig-vq-binning-gaussian`. Its index is still coded without the side information, so
# at equal rate it stays {glue:text}`gap_marg_min:.1f` dB or more from $R_{\mathrm{WZ}}$; NTC with
# side information at its decoder, which does not bin, is {glue:text}`gap_ntc:.1f` dB away. With
# the conditional prior the ideal rate $H(K \mid Y)$ comes to {glue:text}`gap_cond_min:.1f` to
# {glue:text}`gap_cond_max:.1f` dB of $R_{\mathrm{WZ}}$ over its values of $\lambda$; the coset
# quantizer with ideal Slepian–Wolf coding, the hand-made design of chapter 2, is at
# {glue:text}`gap_coset_min:.1f` dB, close to the 1.53 dB loss of any scalar quantizer at high
# rate. The conditional model bins less (a fraction
# {glue:text}`cond_frac_multi:.2f` of its indices own several intervals): the Slepian–Wolf code
# does the binning, as in DISCUS and SWC-NQ.
#
# The *real* Slepian–Wolf codes of the conditional model's indices, every bit counted, are all
# below the point-to-point $R_X(D)$ = {glue:text}`sw_rx:.2f` at the same distortion — what the
# review claims for learned distributed compressors with Slepian–Wolf coding — but far from the
# ideal rate. Feedback-free, the plan costs {glue:text}`sw_real:.2f` bits per sample against the
# estimate {glue:text}`sw_ideal:.2f`, with {glue:text}`sw_failures:d` frame errors among the test
# blocks; the plan (per bit-plane, least significant first: {glue:text}`sw_plan`) shows where the
# bits go: the low planes of an index are nearly unpredictable from $y$ and go raw or at high
# syndrome rates, and every syndrome plane pays the LDPC code's gap at this block length plus one
# provisioning step. Before the first run we had estimated that overhead at under 0.8 bit; this
# run measures {glue:text}`sw_overhead:.2f` bit. With a return channel the rate adapts to each
# block: {glue:text}`rc_real:.2f` bits per sample, of which {glue:text}`rc_feedback:.3f` are
# feedback, {glue:text}`rc_overhead:.2f` bit above the estimate. Relabelling the indices in the
# order of their cells along $x$ changes no entropy, but it moves the uncertainty into the low
# bit-planes, which go raw at a cost near their entropy, and leaves the high ones to $y$: with a
# return channel the sorted labels cost {glue:text}`rc_sorted:.2f` bits
# ({glue:text}`rc_sorted_overhead:.2f` above the estimate), feedback-free
# {glue:text}`ff_sorted:.2f` ({glue:text}`ff_sorted_failures:d` frame errors; plan
# {glue:text}`ff_sorted_plan`). The labels a network learns carry no order; the bit-planes of a
# multilevel code need one.
#
# ## What makes binning appear?
#
# The paper's warm-up regresses the decoder on $K$ samples of $x$, each copy carrying an
# *independent random* index label, so an index starts out decoding to several distant values of
# $x$ — binning is, arguably, planted. We retrain the marginal model at
# $\lambda$ = {glue:text}`fig_lam:.0f` with the warm-ups — random labels (the paper's), one label
# per sample (a permutation, so each index starts at one value), none, and the paper's random
# labels with the authors' own loss (16 Monte-Carlo draws of $y \mid x$ in the encoder, and the
# loss averaged over the same draws instead of taken at the true $y$; `binning.AUTHORS`) — here
# {glue:text}`abl_modes`. Each model is trained from its own seed, evaluated on fresh samples and
# mapped on the same grid as above; the random-label model of the profile's seed is the one of
# {numref}`fig-vq-binning-gaussian` when the schedules agree. The runs last
# {glue:text}`ablation_steps:,d` rate–distortion steps each, over the seeds
# {glue:text}`ablation_seeds`.

# %%
ablation = {mode: [] for mode in cfg.ablation_modes}
for mode in cfg.ablation_modes:
    for seed in cfg.ablation_seeds:
        f = trained[abl_keys[mode, seed]]
        e = binning.evaluate(f.model, qg, cfg.n_eval // 4, np.random.default_rng(seed))
        k_map = binning.encoder_map(f.model, qg, x_grid)
        s = binning.binning_summary(k_map, w_qg, cfg.min_mass)
        margin = float(bounds.rd_gaussian(1.0, e["mse"]) - e["H_K"])
        row = {"seed": seed, "frac_multi": s["frac_multi"], "H_K": e["H_K"],
               "mse_db": e["mse_db"], "margin_rx": margin}
        ablation[mode].append(row)
run.glue("ablation_steps", cfg.ablation_steps)
run.glue("ablation_seeds", ", ".join(str(s) for s in cfg.ablation_seeds))

# %%
print("warm-up     seed  share with >= 2 intervals  H(K)   MSE dB  R_X(D) − H(K)")
for mode, rows in ablation.items():
    for r in rows:
        print(f"{mode:10s}  {r['seed']:4d}  {r['frac_multi']:25.2f}  {r['H_K']:5.2f}  "
              f"{r['mse_db']:7.2f}  {r['margin_rx']:+.3f}")
frac = {m: np.array([r["frac_multi"] for r in rows]) for m, rows in ablation.items()}
names = {"random": "random labels", "one_label": "one label per sample",
         "none": "no warm-up",
         "authors": "random labels, the authors' Monte-Carlo loss"}
run.glue("abl_ranges", "; ".join(f"{names[m]}: {f.min():.2f} to {f.max():.2f}"
                                 for m, f in frac.items()))
run.glue("abl_modes", ", ".join(names[m] for m in cfg.ablation_modes))

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4.0), constrained_layout=True)
for i, mode in enumerate(cfg.ablation_modes):
    rows = ablation[mode]
    axes[0].plot([i] * len(rows), [r["frac_multi"] for r in rows], "o", color=f"C{i}",
                 ms=8)
    axes[1].plot([r["mse_db"] for r in rows], [r["margin_rx"] for r in rows], "o",
                 color=f"C{i}", ms=8, label=mode)
axes[0].axhline(cfg.bins_frac_min, color="0.5", ls="--", lw=1)
axes[0].set(xticks=range(len(ablation)), xticklabels=list(ablation), ylim=(-0.05, 1.05),
            ylabel="used indices with ≥ 2 intervals", title="binning after training")
axes[1].axhline(0.0, color="k", lw=1)
axes[1].set(xlabel=plotting.DIST_DB_LABEL, ylabel=r"$R_X(D) - H(K)$ (bits)",
            title="rate saving over the point-to-point bound")
axes[1].legend(title="warm-up", fontsize="small")
run.save_figure(fig, "vq_ablation", {"ablation": ablation, "steps": cfg.ablation_steps,
                                     "lam": cfg.fig_lam})

# %% [markdown]
# ```{glue:figure} vq_ablation
# :name: fig-vq-ablation
#
# The warm-up ablation: for each warm-up (random labels, one label per sample, none) and seed, the
# share of used indices that own two or more intervals (left; dashed: the claim's threshold) and the
# rate saving $R_X(D) - H(K)$ over the point-to-point bound at the model's distortion (right).
# ```
#
# {numref}`fig-vq-ablation` answers the question. The share of used indices that own several
# intervals, over the seeds, is — {glue:text}`abl_ranges`. In these runs binning is what the
# initialisation plants:
# rate–distortion training keeps and prunes the multi-interval indices that random labels create,
# but from a one-label start it stays with contiguous cells — a local optimum of the argmin
# encoder, which moves an index only where it is already competitive. The rate follows: only the
# binned models beat $R_X(D)$ by a clear margin. The authors' own loss (the full profile's fourth
# warm-up entry: the same random labels, with the distortion averaged over 16 Monte-Carlo draws of
# $y \mid x$) bins as the random-label runs do. No paper reports this; it does not diminish the
# result — binning *is* the better solution, and training finds it from a start that makes it
# reachable — but "discovers" means "keeps and shapes" here.
# Without a warm-up (full profile only) the decoder starts from its random initialisation, which
# also scatters the reconstructions of an index, and how much binning survives depends on the seed.
#
# ## Beyond the paper: a different correlation at test time
#
# A Wyner–Ziv code is designed for one correlation between $X$ and $Y$. We keep the models
# trained at $\sigma_n^2$ = {glue:text}`var_n:.2f` — the encoder still averages over the
# side information it was trained for, the decoder still uses the $q(k \mid y)$ it learned — and
# decode sources whose side-information noise $\sigma_n'^2$ is different, beside the coset
# quantizer of chapter 2 (designed for the training correlation and decoded with its posterior)
# and the NTC model above. For the conditional model we also code the indices for real, on
# {glue:text}`sw_mismatch_blocks:d` block(s) per correlation with the sorted labels: with the
# return channel, whose rate adapts, and feedback-free with the plan provisioned at the training
# correlation.

# %%
ygx = binning.YGivenX(qg)  # the encoder's y | x stays the training one
near = coset[int(np.argmin(np.abs(np.log(coset_D / sw_D))))]  # the nearest in D
coset_q = qz.CosetQuantizer(near.step, near.M)
mismatch = []
for v in cfg.mismatch_var_n:
    src_v = sources.QuadraticGaussian(1.0, v)
    e_m = binning.evaluate(vq, src_v, cfg.n_eval // 4, rng, ygx=ygx)
    e_c = binning.evaluate(cond_vq, src_v, cfg.n_eval // 4, rng, ygx=ygx)
    x_v, y_v = src_v.sample(cfg.n_eval // 4, rng)
    m_v, cv_v = qg.posterior(y_v)  # the decoder assumes the training correlation
    d_coset = np.mean((x_v - coset_q.decode(coset_q.encode(x_v), m_v, cv_v)) ** 2)
    e_n = ntc.evaluate(ntc_model, x_v, y_v)
    blocks_v = binning.sw_blocks(cond_vq, src_v, cfg.sw_n, cfg.sw_mismatch_blocks, rng,
                                 ygx=ygx, label=label)
    rc_v = swnq.return_channel(coder, blocks_v)
    ff_v = swnq.with_plan(coder, ff_sorted.plan, blocks_v)
    mismatch.append({"var_n": v, "marg_db": e_m["mse_db"], "cond_db": e_c["mse_db"],
                     "cond_rate": e_c["rate_cond_ideal"], "rc_real": rc_v.rate_real,
                     "ff_real": ff_v.rate_real, "ff_failures": ff_v.failures,
                     "coset_db": 10 * np.log10(d_coset),
                     "ntc_db": 10 * np.log10(e_n["mse"])})

# %%
print("σ'²     marginal  conditional  coset   NTC     −log2 q  SW return  SW fixed")
print("        dB        dB           dB      dB      (bits)   (bits)     (errors)")
for m in mismatch:
    print(f"{m['var_n']:.4f}  {m['marg_db']:8.2f}  {m['cond_db']:11.2f}  "
          f"{m['coset_db']:6.2f}  {m['ntc_db']:6.2f}  {m['cond_rate']:7.3f}  "
          f"{m['rc_real']:9.3f}  {m['ff_failures']}/{cfg.sw_mismatch_blocks}")

# %% [markdown]
# The sign model meets the same test on a Laplace source of another scale $b'$ (trained at
# $b = 1$), beside NTC with sign side information trained on the same source at the same
# $\lambda$. With $Y = \operatorname{sign} X$ the encoder's view of the side information does not
# change, but the magnitudes do; distortion is shown relative to $\operatorname{Var}(X \mid Y) =
# b'^2$, the distortion at rate zero.

# %%
sign_ntc, _ = trained["sign_ntc"]
scale_rows = []
for b in cfg.mismatch_scales:
    src_b = sources.SignSideInfo(b)
    e_v = binning.evaluate(sign_vq, src_b, cfg.n_eval // 4, rng)
    x_b, y_b = src_b.sample(cfg.n_eval // 4, rng)
    e_n = ntc.evaluate(sign_ntc, x_b, y_b)
    scale_rows.append({"scale": b, "vq_db": e_v["mse_db"] - 20 * np.log10(b),
                       "vq_rate": e_v["rate_real"],
                       "ntc_db": 10 * np.log10(e_n["mse"] / b**2),
                       "ntc_rate": e_n["rate_bits_real"]})
print("b'     VQ: D/b'² dB  bits    NTC: D/b'² dB  bits")
for r in scale_rows:
    print(f"{r['scale']:4.2f}  {r['vq_db']:13.2f}  {r['vq_rate']:5.3f}  "
          f"{r['ntc_db']:14.2f}  {r['ntc_rate']:5.3f}")

# %%
train_row = next(m for m in mismatch if m["var_n"] == cfg.var_n)
noisiest = mismatch[-1]
loss = {key: noisiest[key] - train_row[key]
        for key in ("marg_db", "cond_db", "coset_db", "ntc_db")}
b_row = next(r for r in scale_rows if r["scale"] == 1.0)
widest = scale_rows[-1]
for name, value in {"mm_noisiest": noisiest["var_n"], "mm_marg_loss": loss["marg_db"],
                    "mm_cond_loss": loss["cond_db"], "mm_coset_loss": loss["coset_db"],
                    "mm_ntc_loss": loss["ntc_db"],
                    "mm_rate_growth": noisiest["cond_rate"] - train_row["cond_rate"],
                    "mm_rc_train": train_row["rc_real"],
                    "mm_rc_noisiest": noisiest["rc_real"],
                    "mm_ff_noisiest_fail": noisiest["ff_failures"],
                    "sw_mismatch_blocks": cfg.sw_mismatch_blocks,
                    "mm_scale": widest["scale"],
                    "mm_sign_vq_loss": widest["vq_db"] - b_row["vq_db"],
                    "mm_sign_ntc_loss": widest["ntc_db"] - b_row["ntc_db"],
                    "mm_sign_vq_rate": widest["vq_rate"] - b_row["vq_rate"],
                    "mm_sign_ntc_rate": widest["ntc_rate"] - b_row["ntc_rate"]}.items():
    run.glue(name, value)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 2, figsize=(11, 7.6), constrained_layout=True)
v_all = np.array(cfg.mismatch_var_n)
for key, label_, color in (("marg_db", "learned VQ, marginal prior", "C3"),
                           ("cond_db", "learned VQ, conditional prior", "C4"),
                           ("coset_db", "coset quantizer (chapter 2)", "C2"),
                           ("ntc_db", "NTC with decoder SI", "C5")):
    axes[0, 0].plot(v_all, [m[key] for m in mismatch], "o-", color=color, label=label_)
for key, label_, style in (("cond_rate", r"$-\log_2 q(k|y)$ (ideal)", "s--"),
                           ("rc_real", "real SW, return channel", "v-"),
                           ("ff_real", "real SW, plan fixed at training", "D:")):
    axes[0, 1].plot(v_all, [m[key] for m in mismatch], style, color="C4", label=label_)
failed = [m for m in mismatch if m["ff_failures"] > 0]
axes[0, 1].plot([m["var_n"] for m in failed], [m["ff_real"] for m in failed], "kx",
                ms=10, mew=2, label="fixed plan: a frame error")
s_all = np.array(cfg.mismatch_scales)
for key, label_, color in (("vq", "learned VQ (marginal prior)", "C3"),
                           ("ntc", "NTC with decoder SI", "C5")):
    axes[1, 0].plot(s_all, [r[f"{key}_db"] for r in scale_rows], "o-", color=color,
                    label=label_)
    axes[1, 1].plot(s_all, [r[f"{key}_rate"] for r in scale_rows], "o-", color=color,
                    label=label_)
x_axes = ((v_all, cfg.var_n, r"side-information noise at test time $\sigma_n'^2$"),
          (s_all, 1.0, r"Laplace scale at test time $b'$"))
for row, (ticks, train, label_) in enumerate(x_axes):
    for ax in axes[row]:
        ax.axvline(train, color="0.5", ls="--", lw=1)
        ax.set(xscale="log", xlabel=label_, xticks=ticks,
               xticklabels=[f"{t:g}" for t in ticks])
        ax.minorticks_off()
axes[0, 0].set(ylabel=plotting.DIST_DB_LABEL, title="Gaussian: distortion")
axes[0, 1].set(ylabel="bits per sample", title="Gaussian: conditional model's rate")
axes[1, 0].set(ylabel=r"$10\log_{10}(D / b'^2)$ (dB)", title="sign SI: distortion")
axes[1, 1].set(ylabel="bits per sample (real)", title="sign SI: rate")
for ax in axes.flat:
    ax.legend(fontsize="small", loc="best")
run.save_figure(fig, "vq_mismatch", {"rows": mismatch, "train_var_n": cfg.var_n,
                                     "scale_rows": scale_rows, "label": label})

# %% [markdown]
# ```{glue:figure} vq_mismatch
# :name: fig-vq-mismatch
#
# Decoding a correlation the models were not trained on (dashed: the training value). Top: the
# quadratic-Gaussian source with side-information noise $\sigma_n'^2$ — distortion of the learned
# VQ with either prior, the coset quantizer and NTC (left), and the conditional model's rate: its
# ideal $-\log_2 q(k \mid y)$ under the trained $q$, the real Slepian–Wolf bits with a return
# channel, and the real bits with the plan fixed at the training correlation (right; a cross marks
# a correlation where it had a frame error). Bottom: sign side information on a Laplace source of
# scale $b'$ — distortion relative to $b'^2$ (left) and real rate (right) of the sign model and of
# NTC.
# ```
#
# {numref}`fig-vq-mismatch`, top left: cleaner side information helps every scheme a little;
# noisier side information hurts, because the intervals of a bin are spaced for the training
# noise and a noisier $y$ confuses them more often. At $\sigma_n'^2$ =
# {glue:text}`mm_noisiest:.2f` the marginal model loses {glue:text}`mm_marg_loss:.1f` dB and the
# conditional one {glue:text}`mm_cond_loss:.1f` dB against the training correlation; the coset
# quantizer loses {glue:text}`mm_coset_loss:.1f` dB and NTC {glue:text}`mm_ntc_loss:.1f` dB. The
# learned bins are spaced as tightly as the training noise allows — that is where their rate
# saving comes from — so they pay first when the noise grows; NTC, which does not bin, uses $y$
# only to refine its reconstruction and loses least. Top right: the rate of the conditional model
# grows with the noise — its $-\log_2 q(k \mid y)$ by {glue:text}`mm_rate_growth:.2f` bit at the
# noisiest point. The return channel decodes every block, but its real rate grows much faster
# (from {glue:text}`mm_rc_train:.2f` to {glue:text}`mm_rc_noisiest:.2f` bits per sample): the
# decoder's posterior, learned for cleaner side information, is overconfident, so it asks for too
# few syndrome bits, each failed attempt is paid for, and planes end up raw — in the full run, at
# the noisiest point, more than the $\lceil \log_2 K \rceil$ raw bits of the index itself. The
# plan fixed at the training correlation keeps its rate and fails on
# {glue:text}`mm_ff_noisiest_fail:d` of {glue:text}`sw_mismatch_blocks:d` block(s) at the noisiest
# point. Either way, a Slepian–Wolf code needs a decoder model of the correlation it will meet.
#
# Bottom: the sign model's encoder is the same at every scale (it sees only $x$), so a wider
# Laplace source sends more of its mass to the outer cells. At $b'$ = {glue:text}`mm_scale:.1f`
# the sign model's distortion, relative to $b'^2$, changes by {glue:text}`mm_sign_vq_loss:+.1f` dB
# and its rate by {glue:text}`mm_sign_vq_rate:+.2f` bit; NTC's by
# {glue:text}`mm_sign_ntc_loss:+.1f` dB and {glue:text}`mm_sign_ntc_rate:+.2f` bit. A learned
# Wyner–Ziv code, like a hand-made one, is a code for one source and one correlation; training it
# over a range of them is an open question the review also raises.
#
# ## Claims
#
# The chapter's claims restate what the review asserts about these learned compressors and what
# the issue that commissioned this chapter asked the run to test. Each threshold is a field of the
# configuration, fixed from prototype runs before the committed run
# (`tools/prototype_binning.py`; the configuration's comments give the numbers per profile):
# binning at the paper's warm-up (a third of the used indices; the prototypes, three seeds each,
# gave 0.46 to 0.86), sharing across the sign (0.9 of the mass; the prototypes shared 0.94 to
# 0.99), the conditional prior's distance to $R_{\mathrm{WZ}}$ (2.5 dB at the full schedule,
# where three seeds at each of $\lambda$ = 300, 1000 and 3000, trained on a GPU, came to 1.72 to
# 2.12 dB; 3 dB at the quick one; the paper's goal of 1.6 dB is not claimed: our schedules are a
# small fraction of the paper's). A failed claim stops the chapter, so a reader of this page knows
# that every verdict below was computed by this run.

# %%
run.claims.check(
    "vq_bins_gaussian", bins_qg["frac_multi"] >= cfg.bins_frac_min,
    "with the marginal prior and the paper's warm-up, at least cfg.bins_frac_min of "
    "the used indices own two or more disjoint intervals of probability >= "
    "cfg.min_mass",
    figure="vq_binning_gaussian", frac_multi=bins_qg["frac_multi"])

# %% [markdown]
# With sign side information the claim is about sharing: the indices are reused across the sign,
# and the index tells little about $Y$.

# %%
run.claims.check(
    "vq_folds_sign",
    sharing >= cfg.sign_sharing_min and sign_ev["I_KY"] <= cfg.sign_mi_max,
    "with sign side information indices are shared across ±x (mass >= "
    "cfg.sign_sharing_min) and I(K; Y) <= cfg.sign_mi_max bit",
    figure="vq_binning_sign", sharing=sharing,
    I_KY=sign_ev["I_KY"], folding=folding)
run.claims.check(
    "vq_beats_p2p", bool(np.all(margin_rx > 0)),
    "with the marginal prior the real rate is below R_X(D) at equal distortion at "
    "every λ",
    figure="vq_rd", margins=margin_rx)

# %% [markdown]
# The last three claims compare the conditional model with the Wyner–Ziv bound, its real
# Slepian–Wolf bits with the point-to-point bound, and the marginal model with NTC; the evidence
# of each (the gaps in dB, the real and ideal bits) is saved with the verdict in the run's
# `claims.json`, and the reproducibility page links every claim to its figure.

# %%
# NBVAL_CHECK_OUTPUT
run.claims.check(
    "vq_conditional_near_wz", bool(np.all(gap_cond <= cfg.cond_gap_db)),
    "with the conditional prior, H(K|Y) is within cfg.cond_gap_db of R_WZ(D) at "
    "equal rate",
    figure="vq_rd", gap_db=gap_cond, lams=list(ev_cond))
run.claims.check(
    "vq_real_sw_rate",
    sw_rx > max(sw_res.rate_real, rc_res.rate_real)
    and sw_res.undetected + rc_res.undetected == 0,
    "with real Slepian-Wolf coding of its indices, feedback-free and with a return "
    "channel, every bit counted, the conditional VQ is below R_X(D), with no "
    "undetected error", figure="vq_rd",
    real_bits=sw_res.rate_real, return_channel_bits=rc_res.rate_real,
    ideal_bits=sw_res.rate_ideal, r_x=sw_rx, failures=sw_res.failures)
run.claims.check(
    "vq_beats_ntc_si", float(gap_marg.min()) < gap_ntc,
    "the learned VQ (marginal prior) comes closer to R_WZ(D) than NTC with decoder "
    "side information", figure="vq_rd", gap_vq=gap_marg, gap_ntc=gap_ntc)
run.finish()
