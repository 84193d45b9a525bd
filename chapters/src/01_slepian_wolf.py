# %% [markdown]
# # Slepian–Wolf coding
#
# Two correlated sources $X$ and $Y$ are observed by two encoders that cannot talk to
# each other; one decoder wants both back, losslessly. Slepian and Wolf
# {cite}`slepian1973noiseless` showed that separate encoding loses nothing in sum rate:
# the rates $(R_X, R_Y)$ are achievable if and only if
#
# $$
# \begin{aligned}
# R_X &\ge H(X\mid Y), \\
# R_Y &\ge H(Y\mid X), \\
# R_X + R_Y &\ge H(X, Y).
# \end{aligned}
# $$ (sw-region)
#
# At the corner point $(H(X\mid Y), H(Y))$ of {eq}`sw-region`, $Y$ is sent at its
# entropy and becomes side information at the decoder; $X$ is compressed to $H(X\mid Y)$
# bits per sample although its encoder never sees $Y$. This is the setting the review
# starts from {cite}`ozyilkan2024review` (its Theorem 1 and Fig. 1), and the one every
# later chapter builds on. The achievability proof uses *random binning*; practical
# codes replace random bins by the cosets of a linear code and send a *syndrome*
# {cite}`liveris2002compression`.
#
# This chapter computes the region for a doubly symmetric binary source and for a source
# read from real data, decodes random bins exhaustively at tiny block lengths, and runs
# a real syndrome codec: LDPC parity-check matrices built by progressive edge growth
# {cite}`hu2005regular`, belief-propagation decoding, and bitstreams that decode back or
# raise.

# %% tags=["parameters"]
PROFILE = "auto"

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm

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
# The configuration printed above (collapsed on the website) is everything this run
# chooses: the crossover probability $p$ of the binary source, the block lengths and
# rates of the random-binning experiment, the two LDPC code lengths with the rates at
# which each is measured, the number of frames per rate, the target frame error rate and
# the number of belief-propagation iterations. The *quick* profile measures tens to a
# hundred frames per rate so that the chapter runs in about a minute on a laptop; the
# *full* profile, which produced the website's figures, measures six to ten times more
# frames per rate on denser rate grids, and random binning at one more block length over
# four times the trials. Every random draw — random bins, source blocks, noise — comes
# from the one generator seeded by the profile, in a fixed order, so a rerun reproduces
# every number below.
#
# ## The rate region
#
# **A doubly symmetric binary source.** DSBS($p$): $X \sim \mathrm{Bern}(1/2)$ and
# $Y = X \oplus Z$ with $Z \sim \mathrm{Bern}(p)$ independent of $X$. Then
# $H(X) = H(Y) = 1$, $H(X\mid Y) = h(p)$ and $H(X, Y) = 1 + h(p)$, with $h$ the binary
# entropy.
#
# **A source read from data.** The Middlebury *Motorcycle* stereo pair that ships with
# scikit-image gives pairs of co-located grey levels: $X$ a pixel of the left view, $Y$
# the pixel of the right view that sees the same scene point (found through the
# disparity map), both quantized to a few levels. Its joint type is a correlated source
# with no closed form; the region follows from the entropies of the empirical pmf.

# %%
dsbs = sources.DSBS(cfg.p)
region_dsbs = bounds.slepian_wolf_region(dsbs.p_xy())

pair = image_data.stereo_motorcycle()
x_px, y_px = image_data.aligned_pixel_pairs(pair, cfg.stereo_levels)
levels = cfg.stereo_levels
p_stereo = image_data.empirical_joint_pmf(x_px, y_px, levels, levels)
region_stereo = bounds.slepian_wolf_region(p_stereo)

# %% [markdown]
# The five entropies that fix each region, in bits per sample. Each row obeys the chain
# rule $H(X, Y) = H(Y) + H(X\mid Y) = H(X) + H(Y\mid X)$, so the two corner points of
# {eq}`sw-region`, $(H(X\mid Y), H(Y))$ and $(H(X), H(Y\mid X))$, both lie on the
# sum-rate line $R_X + R_Y = H(X, Y)$.

# %%
labels = [f"DSBS(p = {cfg.p})", f"stereo pixels, {cfg.stereo_levels} levels"]
print(f"{'source':24s}  H(X)   H(Y)  H(X|Y)  H(Y|X)  H(X,Y)  (bits)")
for name, reg in zip(labels, [region_dsbs, region_stereo], strict=True):
    print(f"{name:24s} {reg.h_x:5.3f}  {reg.h_y:5.3f}  {reg.h_x_given_y:6.3f}  "
          f"{reg.h_y_given_x:6.3f}  {reg.h_xy:6.3f}")
run.glue("p", cfg.p)
run.glue("h_p", region_dsbs.h_x_given_y)
run.glue("stereo_hx", region_stereo.h_x)
run.glue("stereo_hxy", region_stereo.h_x_given_y)
run.glue("stereo_pairs", len(x_px))

# %% tags=["hide-input"]
regions = {f"DSBS($p$ = {cfg.p:.2f})": region_dsbs,
           f"stereo pixels ({cfg.stereo_levels} levels)": region_stereo}
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
for ax, (name, reg) in zip(axes, regions.items(), strict=True):
    plotting.rate_region(ax, reg, title=name)
fig.suptitle("Slepian–Wolf rate regions (separate encoders, joint decoder)")
fig.tight_layout()
region_data = {name: {"corners": reg.corners(), "h_x": reg.h_x, "h_y": reg.h_y,
                      "h_x_given_y": reg.h_x_given_y, "h_y_given_x": reg.h_y_given_x,
                      "h_xy": reg.h_xy} for name, reg in regions.items()}
run.save_figure(fig, "rate_regions",
                {"p": cfg.p, "regions": region_data, "p_stereo": p_stereo})

# %% [markdown]
# ```{glue:figure} rate_regions
# :name: fig-rate-regions
#
# The Slepian–Wolf region {eq}`sw-region` in the plane of the two rates $(R_X, R_Y)$, in
# bits/sample, for the DSBS (left) and the stereo pixel pairs (right). Shaded: the
# achievable region; red dots: its two corner points; dotted lines: $R_X = H(X)$ and
# $R_Y = H(Y)$, the rates each source needs on its own.
# ```
#
# In {numref}`fig-rate-regions` the region reaches left of the dotted line $R_X = H(X)$:
# the gap between the corner point and that line is what side information at the decoder
# saves. It is worth a lot for the stereo pair: $X$ alone needs $H(X) =$
# {glue:text}`stereo_hx:.2f` bits per pixel, but only $H(X\mid Y) =$
# {glue:text}`stereo_hxy:.2f` when the decoder has the other view (estimated from
# {glue:text}`stereo_pairs:,` pixel pairs) — and by Slepian–Wolf the encoder of $X$
# never needs to see $Y$ to get there. Two caveats: these are entropies of single pixels
# (a memoryless model; neighbouring pixels are correlated too, so both rates overstate what a
# real image needs), and the pairs are aligned by the ground-truth disparity map — an oracle a
# real decoder would have to estimate. For the DSBS with $p =$ {glue:text}`p:.2f`,
# $H(X\mid Y) = h(p) =$ {glue:text}`h_p:.4f` bit.
#
# ## Random binning, decoded exhaustively
#
# The proof of the theorem throws all $2^n$ sequences $x^n$ into $2^{nR}$ bins at random
# and sends only the bin index. The decoder looks in that bin for the sequence that best
# explains $y^n$ (here: maximum likelihood, the member closest to $y^n$ in Hamming
# distance). When $R > H(X\mid Y)$ the bin of $x^n$ rarely holds another sequence as
# plausible as $x^n$ and the error probability vanishes as $n$ grows; below $H(X\mid Y)$
# it tends to one. At tiny $n$ we can run this literally — every bin, every candidate —
# and watch the threshold form. Each trial draws a fresh random assignment of all $2^n$
# sequences to bins, a source block and its side information, so the error probability
# below averages over codes as well as over sources, exactly as the proof does.

# %%
binning = np.array([[sw.random_binning_ml_error(n, r, cfg.p, cfg.binning_trials, rng)
                     for r in cfg.binning_rates] for n in cfg.binning_lengths])

# %% [markdown]
# The table lists the measured error probability per nominal rate $R$ (rows) and block
# length $n$ (columns), each over the number of trials set in the configuration; a block
# of $n$ bits is put into $2^{\lceil nR \rceil}$ bins, so the rate it really uses is
# $\lceil nR \rceil / n$, the axis of the figure. Read a row
# from left to right to see what a longer block does at that rate.

# %%
print("  rate" + "".join(f"{f'n = {n}':>9s}" for n in cfg.binning_lengths))
for r, pe in zip(cfg.binning_rates, binning.T, strict=True):
    print(f"{r:6.2f}" + "".join(f"{v:9.3f}" for v in pe))
cross = sw.binning_crossing(cfg.binning_lengths, cfg.binning_rates, binning)
run.glue("binning_cross", cross)
run.glue("binning_cross_gap", cross - region_dsbs.h_x_given_y)
run.glue("binning_res", 1 / min(cfg.binning_lengths))

# %% tags=["hide-input"]
fig, ax = plt.subplots()
for n, pe in zip(cfg.binning_lengths, binning, strict=True):  # 2^⌈nR⌉ bins: rate ⌈nR⌉/n
    used = np.ceil(n * np.asarray(cfg.binning_rates)) / n
    plotting.points(ax, used, pe, label=f"$n$ = {n}")
ax.axvline(region_dsbs.h_x_given_y, color="k", lw=1.2, ls=":", label=r"$H(X|Y) = h(p)$")
ax.set(xlabel=r"rate $\lceil nR \rceil / n$ (bits/sample)", ylabel="error probability",
       title=f"Random binning + exhaustive ML decoding, DSBS($p$ = {cfg.p})")
ax.legend()
run.save_figure(fig, "random_binning", {
    "p": cfg.p, "lengths": cfg.binning_lengths, "rates": cfg.binning_rates,
    "trials": cfg.binning_trials, "error_probability": binning})

# %% [markdown]
# ```{glue:figure} random_binning
# :name: fig-random-binning
#
# Error probability of random binning with exhaustive maximum-likelihood decoding on the
# DSBS, against the rate actually used, $\lceil nR \rceil / n$ bits/sample ($2^{\lceil nR \rceil}$
# bins for a nominal rate $R$). Markers: one block length $n$ each, measured over fresh random
# bins per trial; dotted line: $H(X\mid Y) = h(p)$.
# ```
#
# The curves of {numref}`fig-random-binning` cross near $H(X\mid Y)$: below it longer
# blocks make errors *more* likely, above it less likely. The longest and the shortest
# block cross at {glue:text}`binning_cross:.3f` bit/sample, {glue:text}`binning_cross_gap:.3f`
# above $h(p)$; at these tiny $n$ the threshold sits a little above its limit, and the rate
# grid of the shortest block, steps of $1/n$ = {glue:text}`binning_res:.3f`, is as finely as
# the crossing can be read. Exhaustive decoding costs
# $2^n$ per block, so this is as far as random bins go. Practical codes need structure.
#
# ## A real codec: LDPC syndromes and belief propagation
#
# Take the bins to be the cosets of a binary linear code with parity-check matrix $H$
# ($m \times n$): the bin index of $x$ is its syndrome $s = Hx$, so the rate is
# $R = m/n$. The decoder knows $y = x \oplus e$ and computes $Hy \oplus s = He$: it must
# find the most likely error pattern $e$ with that syndrome — exactly the decoding
# problem of a rate-$(1-R)$ channel code on the correlation channel, a BSC($p$) here.
# With a sparse $H$ belief propagation solves it nearly optimally, and with a good
# irregular degree profile {cite}`richardson2001design` the needed rate approaches
# $h(p)$ {cite}`liveris2002compression`.
#
# `wzcore.slepian_wolf` builds $H$ by progressive edge growth {cite}`hu2005regular`
# (large girth, an irregular variable-degree profile), writes a real stream — header,
# packed syndrome and CRC-32 checks — and decodes with `ldpc`'s belief propagation. A
# decoding failure is *detected* (BP does not converge or the CRC of the decoded word
# fails) and raised, never returned as data. `sw.syndrome_codecs` gives one codec per
# rate; the long codes ($n$ = {glue:text}`long_n:,d`) ship with the book, the short ones
# are built on the fly. First one block at the highest long-code rate, encoded and
# decoded:

# %%
long_codes = sw.syndrome_codecs(cfg.long_n, cfg.long_rates, seed=cfg.code_seed,
                                max_iter=cfg.max_iter)
codec = long_codes[max(cfg.long_rates)]
x, y = dsbs.sample(cfg.long_n, rng)
stream = codec.encode(x)
x_hat = codec.decode(stream, y=y, p=cfg.p)
round_trip_ok = bool(np.array_equal(x_hat, x))
print(f"n = {codec.n}, m = {codec.m}: stream of {len(stream)} bytes "
      f"= {8 * len(stream) / codec.n:.4f} bits/sample")
print(f"(syndrome {codec.m / codec.n:.4f} + header/CRC); "
      f"decoded exactly: {round_trip_ok}")
run.glue("long_n", cfg.long_n)
run.glue("stream_bytes", len(stream))
run.glue("header_bytes", len(stream) - (codec.m + 7) // 8)
run.glue("header_rate", 8 * (len(stream) - (codec.m + 7) // 8) / codec.n)

# %% [markdown]
# The {glue:text}`stream_bytes:d` bytes of the stream are the packed syndrome, $m/8$
# bytes, and {glue:text}`header_bytes:d` bytes of framing: the library's one stream
# format (magic, kind, version, lengths and a CRC-32 of the frame) and the syndrome
# header ($n$, $m$ and a CRC-32 of $x$ itself, which lets the decoder check its answer).
# Every rate below is the rate $m/n$ of the syndrome; on a block of this length the
# framing adds {glue:text}`header_rate:.4f` bit per sample to it.
#
# A real decoder must also refuse damaged input. We flip one bit in the middle of the
# stream (inside the syndrome), then cut the last three bytes off an intact one, and
# decode each with the same side information:

# %%
corrupted = bytearray(stream)
corrupted[len(corrupted) // 2] ^= 0x10
try:
    codec.decode(bytes(corrupted), y=y, p=cfg.p)
    corruption_detected = False
except ValueError as err:
    corruption_detected = True
    print(f"corrupted stream -> {type(err).__name__}:\n  {err}")

# %%
try:
    codec.decode(stream[:-3], y=y, p=cfg.p)
    truncation_detected = False
except ValueError as err:
    truncation_detected = True
    print(f"truncated stream -> {type(err).__name__}:\n  {err}")

# %% [markdown]
# Both raise before belief propagation runs: the CRC of the frame catches the flipped
# bit, and the length announced in the frame head catches the truncation. A damaged
# syndrome would otherwise send belief propagation to the wrong coset; the frame checks
# stop it first, and the CRC-32 of $x$ in the header remains as the last check on the
# decoded word.
#
# Now the frame error rate against the rate, at two block lengths. Every frame is a
# fresh $(x, y)$ pair, a real stream and a checked decode; a frame counts as an error if
# the decoder raises (an undetected wrong word would be counted separately — there must
# be none). `sw.fer_sweep` runs `sw.frame_error_rate` at each codec in turn, all frames
# drawn from the chapter's one generator.

# %%
short_codes = sw.syndrome_codecs(cfg.short_n, cfg.short_rates, seed=cfg.code_seed,
                                 max_iter=cfg.max_iter)
fer_short = sw.fer_sweep(short_codes.values(), cfg.p, cfg.frames_short, rng)
fer_long = sw.fer_sweep(long_codes.values(), cfg.p, cfg.frames_long, rng)

# %% [markdown]
# One row per measured rate, one column per code length; each entry counts the failed
# frames out of the frames sent, and a dot marks a rate at which that length was not
# measured. The rate a system must provision is read from the bottom of each column (the
# highest rate) upwards: it is the lowest rate from which on *every* measured rate meets
# the target frame error rate (`sw.required_rate`), so a lucky rate below a failing one
# does not count.

# %%
print(sw.fer_table({f"n = {cfg.short_n}": fer_short, f"n = {cfg.long_n}": fer_long}))
need_short = sw.required_rate(fer_short, cfg.target_fer)
need_long = sw.required_rate(fer_long, cfg.target_fer)
gap_short = need_short - region_dsbs.h_x_given_y
gap_long = need_long - region_dsbs.h_x_given_y
undetected = sum(r.undetected for r in fer_short + fer_long)
print(f"rate needed for FER <= {cfg.target_fer}:")
for n, need, gap in [(cfg.short_n, need_short, gap_short),
                     (cfg.long_n, need_long, gap_long)]:
    print(f"  n = {n:5d}: {need:.3f} bits/sample, gap to H(X|Y) {gap:.3f} bit")
print(f"undetected errors: {undetected}")
head_bits = 8 * sw.HEADER_BYTES  # the frame around every syndrome: what m/n leaves out
for n, need in [(cfg.short_n, need_short), (cfg.long_n, need_long)]:
    print(f"  n = {n:5d}: stream rate with its header {need + head_bits / n:.3f} "
          f"(+{head_bits / n:.4f})")

# %%
run.glue("gap_short", gap_short)
run.glue("gap_long", gap_long)
run.glue("head_long", head_bits / cfg.long_n)
run.glue("head_short", head_bits / cfg.short_n)
run.glue("gap_tol", cfg.gap_tol_bits)
run.glue("need_long", need_long)
run.glue("frames_long", cfg.frames_long)
run.glue("short_n", cfg.short_n)

# %% [markdown]
# **Soft side information.** When $Y$ is a noisy *real-valued* observation — here $x$
# sent as $\pm 1$ through Gaussian noise of standard deviation $\sigma$ — the decoder
# feeds belief propagation the per-bit log-likelihood ratios $L_i = 2y_i/\sigma^2$
# instead of hard bits. The conditional entropy drops from $h(Q(1/\sigma))$ (hard
# decisions) to
#
# $$
# H(X\mid Y) = \mathbb{E}\,\log_2\left(1 + e^{-L}\right),
# $$ (soft-entropy)
#
# and so does the rate the codec needs. The $\sigma$ of the configuration makes the
# hard-decision crossover $Q(1/\sigma) =$ {glue:text}`p_hard:.4f` nearly the $p$ of the
# DSBS above, so the hard-decision decoder faces almost the same channel as before. Both
# decoders use the same short codes and the same number of frames per rate.

# %%
p_hard = float(norm.sf(1 / cfg.soft_sigma))
h_soft = bounds.bpsk_awgn_cond_entropy(cfg.soft_sigma)
h_hard = bounds.binary_entropy(p_hard)
soft_codes = sw.syndrome_codecs(cfg.short_n, cfg.soft_rates, seed=cfg.code_seed,
                                max_iter=cfg.max_iter)
fer_soft = sw.fer_sweep(soft_codes.values(), cfg.p, cfg.soft_frames, rng,
                        soft_sigma=cfg.soft_sigma)
fer_hard = sw.fer_sweep(soft_codes.values(), p_hard, cfg.soft_frames, rng)

# %% [markdown]
# The two conditional entropies, then the failed frames per rate for the soft decoder
# (LLRs) and for the decoder that sees only the hard decisions $\hat y_i = [y_i < 0]$,
# in the same form as the table above.

# %%
print(f"sigma = {cfg.soft_sigma}: hard-decision crossover {p_hard:.4f}, "
      f"h = {h_hard:.4f}; soft H(X|Y) = {h_soft:.4f} bits")
print(sw.fer_table({"soft LLRs": fer_soft, "hard decisions": fer_hard}))
need_soft = sw.required_rate(fer_soft, cfg.soft_target_fer)
need_hard = sw.required_rate(fer_hard, cfg.soft_target_fer)
run.glue("h_soft", h_soft)
run.glue("h_hard", h_hard)
run.glue("soft_gain", h_hard - h_soft)
run.glue("p_hard", p_hard)
run.glue("soft_target", cfg.soft_target_fer)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.4), sharey=True)
plotting.fer_panel(
    axes[0], [(f"PEG LDPC, $n$ = {cfg.short_n}", fer_short),
              (f"PEG LDPC, $n$ = {cfg.long_n}", fer_long)],
    entropies=[(r"$H(X|Y) = h(p)$", region_dsbs.h_x_given_y)], target=cfg.target_fer,
    target_label="target FER", title=f"Hard side information, DSBS($p$ = {cfg.p})")
plotting.fer_panel(
    axes[1], [("soft LLRs", fer_soft, {"color": "C2"}),
              ("hard decisions", fer_hard, {"color": "C4"})],
    entropies=[(r"$H(X|Y)$, soft", h_soft, {"color": "C2"}),
               (r"$H(X|\hat Y)$, hard", h_hard, {"color": "C4"})],
    target=cfg.target_fer, ylabel=None,
    title=f"BPSK + AWGN, $\\sigma$ = {cfg.soft_sigma}, $n$ = {cfg.short_n}")
fig.text(0.5, -0.02, "bars: 95 % Clopper–Pearson bounds;  ▽: no failed frame, drawn "
         "at its 95 % upper bound", ha="center", fontsize=9, color="0.3")
fig.tight_layout()
run.save_figure(fig, "fer_vs_rate", {
    "p": cfg.p, "h_x_given_y": region_dsbs.h_x_given_y, "target_fer": cfg.target_fer,
    "short": fer_short, "long": fer_long, "soft": fer_soft, "hard": fer_hard,
    "soft_sigma": cfg.soft_sigma, "h_soft": h_soft, "p_hard": p_hard,
    "rate_needed": {"short": need_short, "long": need_long},
})

# %% [markdown]
# ```{glue:figure} fer_vs_rate
# :name: fig-fer-vs-rate
#
# Frame error rate of the LDPC syndrome codec against its rate $m/n$ in bits/sample (log
# scale). Left: the DSBS at two code lengths, with $H(X\mid Y) = h(p)$ (dotted) and the
# target frame error rate (dashed). Right: soft side information (LLRs, green) against
# its hard decisions (purple) at the short length, each with its conditional entropy
# (dotted). Bars: one-sided 95 % Clopper–Pearson bounds on the frame error rate. An open
# triangle marks a rate at which no frame failed, drawn at its 95 % upper bound — with few frames
# that bound is far from zero.
# ```
#
# In {numref}`fig-fer-vs-rate`, at $n$ = {glue:text}`long_n:,d` the codec reaches the
# target frame error rate at {glue:text}`need_long:.3f` bit/sample, a gap of
# {glue:text}`gap_long:.3f` bit to $H(X\mid Y)$ (over {glue:text}`frames_long` frames
# per rate in this run); at $n$ = {glue:text}`short_n:,d` the gap is
# {glue:text}`gap_short:.3f` bit. Longer codes get closer, as the theorem promises, and
# the remaining gap is the price of finite length and of belief propagation. These rates
# are $m/n$, the syndrome alone; the stream also carries its frame ({glue:text}`header_bytes:d`
# bytes), which adds {glue:text}`head_long:.4f` bit per sample at $n$ =
# {glue:text}`long_n:,d` and {glue:text}`head_short:.3f` at $n$ = {glue:text}`short_n:,d`. With soft
# side information the rate falls further, towards $H(X\mid Y) =$
# {glue:text}`h_soft:.3f` of {eq}`soft-entropy` instead of the {glue:text}`h_hard:.3f`
# of hard decisions: keeping the reliability of each bit is worth about
# {glue:text}`soft_gain:.2f` bit per sample here.
#
# ## Claims
#
# Each claim below is a statement of this chapter that the run could have refuted,
# checked on the numbers computed above; the figure named with each claim is its
# evidence. The first three concern the region, random binning and the codec's round
# trip.

# %%
run.claims.check(
    "stereo_side_information_halves_rate",
    region_stereo.h_x_given_y < 0.5 * region_stereo.h_x,
    "the other stereo view as decoder side information cuts the rate of X below H(X)/2",
    figure="rate_regions", h_x=region_stereo.h_x, h_x_given_y=region_stereo.h_x_given_y)
resolution = 1 / min(cfg.binning_lengths)  # the coarsest grid of used rates, ⌈nR⌉/n
run.claims.check(
    "binning_threshold_forms", abs(cross - region_dsbs.h_x_given_y) <= resolution,
    "random binning: the longest blocks start to err less than the shortest within "
    "1/min(n) of H(X|Y) (rates ⌈nR⌉/n)", figure="random_binning", crossing=cross,
    h_x_given_y=region_dsbs.h_x_given_y, resolution=resolution, pe=binning)
run.claims.check(
    "codec_round_trip", round_trip_ok and corruption_detected and truncation_detected,
    "the syndrome stream decodes back to x exactly; corrupted and truncated streams "
    "raise")

# %% [markdown]
# The last three read the frame error rates: the long code meets the target within
# {glue:text}`gap_tol:.1f` bit of $H(X\mid Y)$ and beats the short one, and soft side
# information needs less rate than its hard decisions (both read at a frame error rate of
# {glue:text}`soft_target:.2f`). That no wrong word is ever returned (the CRC check) is a
# property of the codec, tested by the unit tests, and counted here:
# {glue:text}`undetected:d` undetected errors. The verdicts of all claims are printed by `run.finish()`,
# which stops the chapter if one fails.

# %%
# NBVAL_CHECK_OUTPUT
run.glue("undetected", undetected)
run.claims.check(
    "gap_within_0p1_bit_at_n1e4", gap_long <= cfg.gap_tol_bits,
    "at n = cfg.long_n the codec meets the target FER within cfg.gap_tol_bits of "
    "H(X|Y)",
    figure="fer_vs_rate", gap_long=gap_long, rate_needed=need_long,
    frames=cfg.frames_long)
run.claims.check(
    "longer_code_closer", gap_long < gap_short,
    "the n = cfg.long_n code needs less rate than the n = cfg.short_n code",
    figure="fer_vs_rate", gap_long=gap_long, gap_short=gap_short)
run.claims.check(
    "soft_beats_hard", need_soft < need_hard and h_soft < h_hard,
    "soft side information (LLRs) needs less rate than its hard decisions",
    figure="fer_vs_rate", soft=need_soft, hard=need_hard)
run.finish()
