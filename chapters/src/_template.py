# %% [markdown]
# # Title of the new chapter
#
# Copy this notebook to `chapters/NN_short_name.ipynb` (or its source `chapters/src/_template.py` to
# `chapters/src/NN_short_name.py`), add it to `_toc.yml`, register a config for `NN_short_name` in a
# new module `wzcore/profiles/chNN_short_name.py` (copy `ch00_template.py`), and run `make test`: the
# contract tests say what is still missing. Headings carry no numbers: the book numbers chapters,
# sections and figures itself.
#
# Prose first, code cells short; the library (`wzcore`) does the work, and no cell defines a function.
# Quote numbers through glue, e.g. the sample variance is {glue:text}`template_var:.3f`.

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
#
# Every size and seed comes from `cfg`; a cell reads, computes through `wzcore`, and glues the numbers
# the prose quotes.

# %%
x = rng.standard_normal(cfg.n_samples)
var_hat = float(x.var())
run.glue("template_var", var_hat)

# %% [markdown]
# A figure is saved with the numbers it plots (`run.save_figure` writes the PNG and a JSON sidecar,
# glues the figure for the page and closes it); plotting cells are collapsed on the website.

# %% tags=["hide-input"]
fig, ax = plt.subplots()
grid = np.linspace(-4, 4, 200)
ax.hist(x, bins=40, density=True, alpha=0.5, label="samples")
plotting.bound(ax, grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), label="N(0, 1) density")
ax.set(xlabel="x", ylabel="density")
ax.legend()
run.save_figure(fig, "histogram", {"grid": grid, "samples_var": var_hat})

# %% [markdown]
# ```{glue:figure} histogram
# :name: fig-template-histogram
#
# A caption says what is drawn: here a histogram of the samples and the N(0, 1) density.
# ```
#
# The prose refers to the figure by number: {numref}`fig-template-histogram`.
#
# ## Claims
#
# One verdict line per claim; a failed claim stops the chapter (and `make test`).

# %%
# NBVAL_CHECK_OUTPUT
stderr = np.sqrt(2 / cfg.n_samples)
run.claims.check("sample_variance", abs(var_hat - 1) < 5 * stderr,
                 "the sample variance is within 5 standard errors of 1", figure="histogram",
                 var_hat=var_hat)
run.finish()
