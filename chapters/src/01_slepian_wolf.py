# %% [markdown]
# # 1. Slepian–Wolf coding
#
# Two correlated sources $X$ and $Y$ are observed by two encoders that cannot talk to each other; one decoder
# wants both back, losslessly. Slepian and Wolf {cite}`slepian1973noiseless` showed that separate encoding
# loses nothing in sum rate: the rates $(R_X, R_Y)$ are achievable if and only if
#
# $$
# R_X \ge H(X\mid Y), \qquad R_Y \ge H(Y\mid X), \qquad R_X + R_Y \ge H(X, Y).
# $$
#
# At the corner point $(H(X\mid Y), H(Y))$, $Y$ is sent at its entropy and becomes side information at the
# decoder; $X$ is compressed to $H(X\mid Y)$ bits per sample although its encoder never sees $Y$. This is the
# setting the review starts from {cite}`ozyilkan2024review` (its Theorem 1 and Fig. 1), and the one every later
# chapter builds on. The achievability proof uses *random binning*; practical codes replace random bins by the
# cosets of a linear code and send a *syndrome* {cite}`liveris2002compression`.
#
# This chapter computes the region for a doubly symmetric binary source and for a source read from real data,
# decodes random bins exhaustively at tiny block lengths, and runs a real syndrome codec: LDPC parity-check
# matrices built by progressive edge growth {cite}`hu2005regular`, belief-propagation decoding, and bitstreams
# that decode back or raise.

# %% tags=["parameters"]
PROFILE = "auto"

# %%
import matplotlib.pyplot as plt
import numpy as np

from wzcore import bounds, plotting, profiles, results, sources
from wzcore import slepian_wolf as sw
from wzcore.image import data as image_data

CHAPTER = "01_slepian_wolf"
cfg = profiles.load(CHAPTER, PROFILE)
print(cfg.describe())
run = results.Run(CHAPTER, cfg)
plotting.theme()
rng = np.random.default_rng(cfg.seed)

# %% [markdown]
# ## 1.1 The rate region
#
# **A doubly symmetric binary source.** DSBS($p$): $X \sim \mathrm{Bern}(1/2)$ and $Y = X \oplus Z$ with
# $Z \sim \mathrm{Bern}(p)$ independent of $X$. Then $H(X) = H(Y) = 1$, $H(X\mid Y) = h(p)$ and
# $H(X, Y) = 1 + h(p)$, with $h$ the binary entropy.
#
# **A source read from data.** The Middlebury *Motorcycle* stereo pair that ships with scikit-image gives
# pairs of co-located grey levels: $X$ a pixel of the left view, $Y$ the pixel of the right view that sees the
# same scene point (found through the disparity map), both quantized to a few levels. Its joint type is a
# correlated source with no closed form; the region follows from the entropies of the empirical pmf.

# %%
dsbs = sources.DSBS(cfg.p)
region_dsbs = bounds.slepian_wolf_region(dsbs.p_xy())

pair = image_data.stereo_motorcycle()
x_px, y_px = image_data.aligned_pixel_pairs(pair, cfg.stereo_levels)
p_stereo = image_data.empirical_joint_pmf(x_px, y_px, cfg.stereo_levels, cfg.stereo_levels)
region_stereo = bounds.slepian_wolf_region(p_stereo)

for name, reg in [(f"DSBS(p={cfg.p})", region_dsbs), (f"stereo pixels, {cfg.stereo_levels} levels", region_stereo)]:
    print(f"{name:28s} H(X)={reg.h_x:.3f}  H(Y)={reg.h_y:.3f}  H(X|Y)={reg.h_x_given_y:.3f}  "
          f"H(Y|X)={reg.h_y_given_x:.3f}  H(X,Y)={reg.h_xy:.3f} bits")
run.glue("h_p", region_dsbs.h_x_given_y)
run.glue("stereo_hx", region_stereo.h_x)
run.glue("stereo_hxy", region_stereo.h_x_given_y)
run.glue("stereo_pairs", len(x_px))

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
region_data = {}
for ax, (name, reg) in zip(axes, [(f"DSBS($p$ = {cfg.p:.2f})", region_dsbs),
                                  (f"stereo pixels ({cfg.stereo_levels} levels)", region_stereo)], strict=True):
    top = 1.25 * max(reg.h_x, reg.h_y)
    poly = reg.polygon(r_max=top)
    ax.fill(poly[:, 0], poly[:, 1], alpha=0.25, label="achievable region")
    corners = reg.corners()
    ax.plot(corners[:, 0], corners[:, 1], "o", color="C3", label="corner points")
    ax.plot([reg.h_x, reg.h_x], [0, top], ":", color="0.4", lw=1)
    ax.plot([0, top], [reg.h_y, reg.h_y], ":", color="0.4", lw=1)
    ax.annotate(r"$(H(X|Y),\,H(Y))$", corners[0], textcoords="offset points", xytext=(8, -16))
    ax.set(xlim=(0, top), ylim=(0, top), xlabel=r"$R_X$ (bits/sample)", ylabel=r"$R_Y$ (bits/sample)",
           title=name, aspect="equal")
    ax.text(0.02 * top, reg.h_y + 0.02 * top, r"$H(Y)$", ha="left", va="bottom", color="0.3")
    ax.text(reg.h_x + 0.01 * top, 0.03 * top, r"$H(X)$", color="0.3")
    ax.legend(loc="lower left")
    region_data[name] = {"corners": corners, "h_x": reg.h_x, "h_y": reg.h_y, "h_x_given_y": reg.h_x_given_y,
                         "h_y_given_x": reg.h_y_given_x, "h_xy": reg.h_xy}
fig.suptitle("Slepian–Wolf rate regions (separate encoders, joint decoder)")
fig.tight_layout()
run.save_figure(fig, "rate_regions", {"p": cfg.p, "regions": region_data, "p_stereo": p_stereo})
plt.show()

# %% [markdown]
# Side information is worth a lot for the stereo pair: $X$ alone needs $H(X) =$ {glue:text}`stereo_hx:.2f`
# bits per pixel, but only $H(X\mid Y) =$ {glue:text}`stereo_hxy:.2f` when the decoder has the other view
# (estimated from {glue:text}`stereo_pairs:,` pixel pairs) — and by Slepian–Wolf the encoder of $X$ never needs to
# see $Y$ to get there. For the DSBS with $p =$ 0.11, $H(X\mid Y) = h(p) =$ {glue:text}`h_p:.4f` bit.
#
# ## 1.2 Random binning, decoded exhaustively
#
# The proof of the theorem throws all $2^n$ sequences $x^n$ into $2^{nR}$ bins at random and sends only the bin
# index. The decoder looks in that bin for the sequence that best explains $y^n$ (here: maximum likelihood, the
# member closest to $y^n$ in Hamming distance). When $R > H(X\mid Y)$ the bin of $x^n$ rarely holds another
# sequence as plausible as $x^n$ and the error probability vanishes as $n$ grows; below $H(X\mid Y)$ it tends to
# one. At tiny $n$ we can run this literally — every bin, every candidate — and watch the threshold form.

# %%
binning = np.array([[sw.random_binning_ml_error(n, r, cfg.p, cfg.binning_trials, rng) for r in cfg.binning_rates]
                    for n in cfg.binning_lengths])

fig, ax = plt.subplots()
for n, pe in zip(cfg.binning_lengths, binning, strict=True):
    plotting.points(ax, cfg.binning_rates, pe, label=f"$n$ = {n}")
ax.axvline(region_dsbs.h_x_given_y, color="k", lw=1.2, ls=":", label=r"$H(X|Y) = h(p)$")
ax.set(xlabel="rate $R$ (bits/sample)", ylabel="error probability",
       title=f"Random binning + exhaustive ML decoding, DSBS($p$ = {cfg.p})")
ax.legend()
run.save_figure(fig, "random_binning", {"p": cfg.p, "lengths": cfg.binning_lengths, "rates": cfg.binning_rates,
                                         "trials": cfg.binning_trials, "error_probability": binning})
plt.show()

# %% [markdown]
# The curves cross near $H(X\mid Y)$: below it longer blocks make errors *more* likely, above it less likely.
# Exhaustive decoding costs $2^n$ per block, so this is as far as random bins go. Practical codes need
# structure.
#
# ## 1.3 A real codec: LDPC syndromes and belief propagation
#
# Take the bins to be the cosets of a binary linear code with parity-check matrix $H$ ($m \times n$): the bin
# index of $x$ is its syndrome $s = Hx$, so the rate is $R = m/n$. The decoder knows $y = x \oplus e$ and
# computes $Hy \oplus s = He$: it must find the most likely error pattern $e$ with that syndrome — exactly the
# decoding problem of a rate-$(1-R)$ channel code on the correlation channel, a BSC($p$) here. With a sparse $H$
# belief propagation solves it nearly optimally, and with a good irregular degree profile
# {cite}`richardson2001design` the needed rate approaches $h(p)$ {cite}`liveris2002compression`.
#
# `wzcore.slepian_wolf` builds $H$ by progressive edge growth {cite}`hu2005regular` (large girth, an irregular
# variable-degree profile), writes a real stream — header, packed syndrome and CRC-32 checks — and decodes with
# `ldpc`'s belief propagation. A decoding failure is *detected* (BP does not converge or the CRC of the decoded
# word fails) and raised, never returned as data.

# %%
long_codes = {r: sw.SyndromeCodec(sw.load_or_build_code(cfg.long_n, r, cfg.code_seed), max_iter=cfg.max_iter)
              for r in cfg.long_rates}
codec = long_codes[max(cfg.long_rates)]
x, y = dsbs.sample(cfg.long_n, rng)
stream = codec.encode(x)
x_hat = codec.decode(stream, y=y, p=cfg.p)
round_trip_ok = bool(np.array_equal(x_hat, x))
print(f"n = {codec.n}, m = {codec.m}: stream of {len(stream)} bytes = {8 * len(stream) / codec.n:.4f} bits/sample "
      f"(syndrome {codec.m / codec.n:.4f} + header/CRC); decoded exactly: {round_trip_ok}")

corrupted = bytearray(stream)
corrupted[len(corrupted) // 2] ^= 0x10
try:
    codec.decode(bytes(corrupted), y=y, p=cfg.p)
    corruption_detected = False
except ValueError as err:
    corruption_detected = True
    print(f"corrupted stream -> {type(err).__name__}: {err}")
try:
    codec.decode(stream[:-3], y=y, p=cfg.p)
    truncation_detected = False
except ValueError as err:
    truncation_detected = True
    print(f"truncated stream -> {type(err).__name__}: {err}")

# %% [markdown]
# Now the frame error rate against the rate, at two block lengths. Every frame is a fresh $(x, y)$ pair, a real
# stream and a checked decode; a frame counts as an error if the decoder raises (an undetected wrong word would
# be counted separately — there must be none).

# %%
def fer_sweep(n, rates, frames, **kwargs):
    codes = long_codes if n == cfg.long_n else {}
    out = []
    for r in rates:
        c = codes.get(r) or sw.SyndromeCodec(sw.load_or_build_code(n, r, cfg.code_seed), max_iter=cfg.max_iter)
        out.append(sw.frame_error_rate(c, cfg.p, frames, rng, progress=False, **kwargs))
    return out


fer_short = fer_sweep(cfg.short_n, cfg.short_rates, cfg.frames_short)
fer_long = fer_sweep(cfg.long_n, cfg.long_rates, cfg.frames_long)
need_short = sw.required_rate(fer_short, cfg.target_fer)
need_long = sw.required_rate(fer_long, cfg.target_fer)
gap_short, gap_long = need_short - region_dsbs.h_x_given_y, need_long - region_dsbs.h_x_given_y
undetected = sum(r.undetected for r in fer_short + fer_long)
for n, res in [(cfg.short_n, fer_short), (cfg.long_n, fer_long)]:
    print(f"n = {n}: " + "  ".join(f"R={r.rate:.3f}: {r.failures}/{r.frames}" for r in res))
print(f"rate needed for FER <= {cfg.target_fer}: n={cfg.short_n}: {need_short:.3f} (gap {gap_short:.3f} bit), "
      f"n={cfg.long_n}: {need_long:.3f} (gap {gap_long:.3f} bit); undetected errors: {undetected}")
run.glue("gap_short", gap_short)
run.glue("gap_long", gap_long)
run.glue("need_long", need_long)
run.glue("frames_long", cfg.frames_long)

# %% [markdown]
# **Soft side information.** When $Y$ is a noisy *real-valued* observation — here $x$ sent as $\pm 1$ through
# Gaussian noise of standard deviation $\sigma$ — the decoder feeds belief propagation the per-bit
# log-likelihood ratios $L_i = 2y_i/\sigma^2$ instead of hard bits. The conditional entropy drops from
# $h(Q(1/\sigma))$ (hard decisions) to $H(X\mid Y) = \mathbb{E}\,\log_2(1 + e^{-L})$, and so does the rate the
# codec needs.

# %%
from scipy.stats import norm

p_hard = float(norm.sf(1 / cfg.soft_sigma))
h_soft = bounds.bpsk_awgn_cond_entropy(cfg.soft_sigma)
fer_soft = fer_sweep(cfg.short_n, cfg.soft_rates, cfg.soft_frames, soft_sigma=cfg.soft_sigma)
fer_hard = [sw.frame_error_rate(sw.SyndromeCodec(sw.load_or_build_code(cfg.short_n, r, cfg.code_seed),
                                                  max_iter=cfg.max_iter), p_hard, cfg.soft_frames, rng,
                                progress=False) for r in cfg.soft_rates]
print(f"sigma = {cfg.soft_sigma}: hard-decision crossover {p_hard:.4f}, h = {bounds.binary_entropy(p_hard):.4f}; "
      f"soft H(X|Y) = {h_soft:.4f} bits")
print("soft: " + "  ".join(f"R={r.rate:.2f}: {r.failures}/{r.frames}" for r in fer_soft))
print("hard: " + "  ".join(f"R={r.rate:.2f}: {r.failures}/{r.frames}" for r in fer_hard))
run.glue("h_soft", h_soft)
run.glue("h_hard", bounds.binary_entropy(p_hard))

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.4), sharey=True)
floor = 0.5 / max(cfg.frames_long, cfg.frames_short, cfg.soft_frames)  # plot zero-error points at the floor


def fer_points(ax, res, label, **kw):
    fer = np.array([max(r.fer, floor) for r in res])
    plotting.points(ax, [r.rate for r in res], fer, label=label, **kw)
    zero = [r.fer == 0 for r in res]
    ax.plot(np.array([r.rate for r in res])[zero], fer[zero], "v", color="0.2", ms=5)


fer_points(axes[0], fer_short, f"PEG LDPC, $n$ = {cfg.short_n}")
fer_points(axes[0], fer_long, f"PEG LDPC, $n$ = {cfg.long_n}")
axes[0].axvline(region_dsbs.h_x_given_y, color="k", ls=":", label=r"$H(X|Y) = h(p)$")
axes[0].axhline(cfg.target_fer, color="0.5", lw=0.8, ls="--", label="target FER")
axes[0].set(yscale="log", xlabel="rate $m/n$ (bits/sample)", ylabel="frame error rate",
            title=f"Hard side information, DSBS($p$ = {cfg.p})")
axes[0].legend(fontsize=9)
fer_points(axes[1], fer_soft, "soft LLRs", color="C2")
fer_points(axes[1], fer_hard, "hard decisions", color="C4")
axes[1].axvline(h_soft, color="C2", ls=":", label=r"$H(X|Y)$, soft")
axes[1].axvline(bounds.binary_entropy(p_hard), color="C4", ls=":", label=r"$H(X|\hat Y)$, hard")
axes[1].axhline(cfg.target_fer, color="0.5", lw=0.8, ls="--")
axes[1].set(xlabel="rate $m/n$ (bits/sample)", title=f"BPSK + AWGN, $\\sigma$ = {cfg.soft_sigma}, $n$ = {cfg.short_n}")
axes[1].legend(fontsize=9)
fig.text(0.5, -0.02, "▼: no error in any frame (plotted at half a frame)", ha="center", fontsize=9, color="0.3")
fig.tight_layout()
run.save_figure(fig, "fer_vs_rate", {
    "p": cfg.p, "h_x_given_y": region_dsbs.h_x_given_y, "target_fer": cfg.target_fer,
    "short": fer_short, "long": fer_long, "soft": fer_soft, "hard": fer_hard, "soft_sigma": cfg.soft_sigma,
    "h_soft": h_soft, "p_hard": p_hard, "rate_needed": {"short": need_short, "long": need_long},
})
plt.show()

# %% [markdown]
# At $n =$ 10⁴ the codec reaches the target frame error rate at {glue:text}`need_long:.3f` bit/sample, a gap of
# {glue:text}`gap_long:.3f` bit to $H(X\mid Y)$ (over {glue:text}`frames_long` frames per rate in this run); at
# $n =$ 10³ the gap is {glue:text}`gap_short:.3f` bit. Longer codes get closer, as the theorem promises, and the
# remaining gap is the price of finite length and of belief propagation. With soft side information the rate
# falls further, towards $H(X\mid Y) =$ {glue:text}`h_soft:.3f` instead of the {glue:text}`h_hard:.3f` of hard
# decisions: keeping the reliability of each bit is worth about a tenth of a bit per sample here.
#
# ## Claims

# %%
# NBVAL_CHECK_OUTPUT
run.claims.check("dsbs_corner_is_h_p", abs(region_dsbs.h_x_given_y - bounds.binary_entropy(cfg.p)) < 1e-12,
                 "the DSBS corner point R_X = H(X|Y) equals the binary entropy h(p)")
run.claims.check("stereo_side_information_halves_rate", region_stereo.h_x_given_y < 0.5 * region_stereo.h_x,
                 "decoder side information (the other stereo view) cuts the rate of X to below half of H(X)",
                 h_x=region_stereo.h_x, h_x_given_y=region_stereo.h_x_given_y)
rates = np.array(cfg.binning_rates)
lo, hi = np.argmin(rates), np.argmax(rates)
run.claims.check("binning_threshold_forms",
                 binning[-1, lo] > binning[0, lo] and binning[-1, hi] < binning[0, hi],
                 "random binning: longer blocks err more below H(X|Y) and less above it",
                 low_rate=rates[lo], high_rate=rates[hi], pe=binning)
run.claims.check("codec_round_trip", round_trip_ok and corruption_detected and truncation_detected,
                 "the syndrome stream decodes back to x exactly; corrupted and truncated streams raise")
run.claims.check("no_undetected_errors", undetected == 0, "every decoding failure is detected (CRC), none returned")
run.claims.check("gap_within_0p1_bit_at_n1e4", gap_long <= 0.1,
                 "at n = 10^4 the codec meets the target frame error rate within 0.1 bit of H(X|Y)",
                 gap_long=gap_long, rate_needed=need_long, frames=cfg.frames_long)
run.claims.check("longer_code_closer", gap_long < gap_short,
                 "the n = 10^4 code needs less rate than the n = 10^3 code", gap_long=gap_long, gap_short=gap_short)
need_soft, need_hard = sw.required_rate(fer_soft, 0.05), sw.required_rate(fer_hard, 0.05)
run.claims.check("soft_beats_hard", need_soft < need_hard and h_soft < bounds.binary_entropy(p_hard),
                 "soft side information (LLRs) needs less rate than its hard decisions",
                 soft=need_soft, hard=need_hard)
run.finish()
