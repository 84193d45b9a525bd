# %% [markdown]
# # Chapter NN: Title of the new chapter
#
# Copy this notebook to `chapters/NN_short_name.ipynb` (or its source `chapters/src/_template.py` to
# `chapters/src/NN_short_name.py`), add it to `_toc.yml`, register a config for `NN_short_name` in
# `wzcore/profiles.py`, and run `make test`: the contract tests say what is still missing.
#
# Prose first, code cells short; the library (`wzcore`) does the work. Quote numbers through glue, e.g.
# the sample variance is {glue:text}`template_var:.3f`.

# %% tags=["parameters"]
PROFILE = "auto"

# %%
import matplotlib.pyplot as plt
import numpy as np

from wzcore import plotting, profiles, results

CHAPTER = "_template"
cfg = profiles.load(CHAPTER, PROFILE)
print(cfg.describe())
run = results.Run(CHAPTER, cfg)
plotting.theme()
rng = np.random.default_rng(cfg.seed)

# %% [markdown]
# ## A computation
# Every size and seed comes from `cfg`; a cell reads, computes through `wzcore`, and plots.

# %%
x = rng.standard_normal(cfg.n_samples)
var_hat = float(x.var())
run.glue("template_var", var_hat)

fig, ax = plt.subplots()
grid = np.linspace(-4, 4, 200)
ax.hist(x, bins=40, density=True, alpha=0.5, label="samples")
plotting.bound(ax, grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), label="N(0, 1) density")
ax.set_xlabel("x")
ax.set_ylabel("density")
ax.legend()
run.save_figure(fig, "histogram", {"grid": grid, "samples_var": var_hat})
plt.show()

# %% [markdown]
# ## Claims
# One verdict line per claim; a failed claim stops the chapter (and `make test`).

# %%
# NBVAL_CHECK_OUTPUT
stderr = np.sqrt(2 / cfg.n_samples)
run.claims.check("sample_variance", abs(var_hat - 1) < 5 * stderr,
                 "the sample variance is within 5 standard errors of 1", var_hat=var_hat)
run.finish()
