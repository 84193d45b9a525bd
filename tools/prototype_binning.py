"""Prototype runs that fix chapter 4's claim thresholds before a committed run (not part of the book).

Each job trains one learned-VQ model with ``wzcore.binning.fit_binning`` and prints one JSON line: the
configuration, the wall time of the warm-up and of the rate–distortion phase, the binning share, and the
gap in dB to R_WZ(D) at equal rate (conditional prior: rate = mean −log2 q(k|y); marginal: real bytes); with
``--source sign`` (Laplace, sign side information) the sharing across ±x and I(K; Y) instead of the gap.

    python tools/prototype_binning.py --prior conditional --lams 300 1000 3000 --seeds 0 1 2 \
        --warmup-steps 30000 --steps 6000 --jobs 9

``--jobs N`` runs N jobs in parallel processes (one torch thread each); ``--device`` picks cpu or cuda.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np


def one(job: dict) -> dict:
    import torch

    from wzcore import binning, rd, sources

    torch.set_num_threads(job["threads"])
    sign = job["source"] == "sign"
    qg = sources.SignSideInfo(1.0) if sign else sources.QuadraticGaussian(1.0, job["var_n"])
    K = binning.contiguous_K(job["lam"], 4.0) if job["prior"] == "conditional" else job["K"]
    t0 = time.perf_counter()
    fit = binning.fit_binning(qg, job["lam"], job["steps"], K=K, prior=job["prior"], batch=job["batch"],
                              warmup_steps=job["warmup_steps"], warmup=job["warmup"], seed=job["seed"],
                              device=job["device"], progress=False)
    wall = time.perf_counter() - t0
    ev = binning.evaluate(fit.model, qg, job["n_eval"], np.random.default_rng(job["seed"] + 100))
    grid = np.linspace(-job["x_lim"], job["x_lim"], 10_001)
    k_map, weights = binning.encoder_map(fit.model, qg, grid), binning.cell_weights(qg, grid)
    summary = binning.binning_summary(k_map, weights, 1e-3)
    warm_s = fit.warmup.wall_s if fit.warmup is not None else 0.0
    out = {**job, "K_used": K, "wall_s": round(wall, 1), "warmup_s": round(warm_s, 1),
           "rd_ms_per_step": round(1e3 * fit.rd.seconds_per_step, 2), "mse_db": round(ev["mse_db"], 3),
           "H_K": round(ev["H_K"], 4), "frac_multi": round(summary["frac_multi"], 3), "n_used": summary["n_used"]}
    if sign:  # the sharing measures of vq_folds_sign
        return {**out, "rate": round(ev["rate_real"], 4), "I_KY": round(ev["I_KY"], 4),
                "sharing": round(binning.sign_sharing(grid, k_map, weights, 1e-3), 4)}
    R_line = np.linspace(0.0, 10.0, 101)
    D_line = qg.cond_var * 2.0 ** (-2 * R_line)
    rate = ev["rate_cond_ideal"] if job["prior"] == "conditional" else ev["rate_real"]
    gap = float(rd.gap_db_at_rate(rate, ev["mse"], R_line, D_line))
    return {**out, "rate": round(rate, 4), "gap_db": round(gap, 3)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--source", default="gaussian", choices=["gaussian", "sign"])
    p.add_argument("--prior", default="conditional", choices=["marginal", "conditional"])
    p.add_argument("--lams", type=float, nargs="+", default=[1000.0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--steps", type=int, nargs="+", default=[1000])
    p.add_argument("--warmup-steps", type=int, default=10_000)
    p.add_argument("--warmup", default="random")
    p.add_argument("--K", type=int, default=32)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--var-n", type=float, default=0.01)
    p.add_argument("--n-eval", type=int, default=65_536)
    p.add_argument("--x-lim", type=float, default=10.0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--jobs", type=int, default=1)
    a = p.parse_args(argv)
    jobs = [{"source": a.source, "prior": a.prior, "lam": lam, "seed": s, "steps": st, "warmup_steps": a.warmup_steps,
             "warmup": a.warmup, "K": a.K, "batch": a.batch, "var_n": a.var_n, "n_eval": a.n_eval,
             "x_lim": a.x_lim, "device": a.device, "threads": a.threads}
            for lam, s, st in itertools.product(a.lams, a.seeds, a.steps)]
    if a.jobs == 1:
        results = map(one, jobs)
    else:
        import multiprocessing as mp

        pool = ProcessPoolExecutor(a.jobs, mp_context=mp.get_context("spawn"))
        results = as_completed([pool.submit(one, j) for j in jobs])
        results = (f.result() for f in results)
    for r in results:
        print(json.dumps(r), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
