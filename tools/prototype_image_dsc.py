"""Prototype runs that fix chapter 6's settings and claim thresholds before a committed run (not part of the
book): every codec of the chapter at the given λ and seeds, trained with ``wzcore.image.fit.train_codecs``,
evaluated on the real test pair and the held-out synthetic pairs, with the BD-rates the claims use.

    python tools/prototype_image_dsc.py --seeds 0 1 --p2p-steps 3000 --side-steps 1500 --out proto.json

Each seed prints one JSON line: settings, wall times, BD-rates (PSNR, MS-SSIM, held-out PSNR) of every
codec against the point-to-point one, and the point-to-point codec's against JPEG.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main() -> None:
    import torch

    from wzcore.image import data, fit, metrics

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--lams", type=float, nargs="+", default=[0.0025, 0.005, 0.01, 0.02])
    ap.add_argument("--p2p-steps", type=int, default=3000)
    ap.add_argument("--side-steps", type=int, default=1500)
    ap.add_argument("--pairs", type=int, default=2048)
    ap.add_argument("--N", type=int, default=32)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    test = data.downsample(data.stereo_motorcycle(), 2)
    held = data.held_out_pairs(2, 256, 0)
    jpeg = metrics.pillow_curve(test.left, "JPEG", (5, 10, 20, 30, 50, 70))
    lines = []
    for seed in args.seeds:
        spec = fit.TrainSpec(N=args.N, M=args.N, steps=args.p2p_steps, pairs=args.pairs, seed=seed,
                             batch=args.batch)
        t0 = time.perf_counter()
        states, log = fit.train_codecs(spec, args.lams, args.side_steps, workers=args.workers)
        wall = time.perf_counter() - t0
        evals, held_evals = {}, {}
        base = {}
        for key in sorted(states, key=lambda k: k.split("@")[0] != "p2p"):
            name, lam = key.split("@")
            codec = fit.codec_from_state(name, states[key], spec, base.get(lam))
            if name == "p2p":
                base[lam] = codec
            evals[key] = metrics.evaluate_codec(codec, test.left, test.right)
            held_evals[key] = [metrics.evaluate_codec(codec, p.left, p.right) for p in held]
        curves = metrics.rd_curves(evals, held_evals, fit.CODECS, args.lams)
        print(json.dumps({n: [np.round(c[k], 3).tolist() for k in ("bpp", "psnr", "held_bpp", "held_psnr")]
                          for n, c in curves.items()}), flush=True)

        def safe_bd(*a):
            try:
                return metrics.bd_rate(*a)
            except ValueError as exc:
                return str(exc)

        bd = {f"{n}/{pre}{q}": safe_bd(curves["p2p"], curves[n], q, pre)
              for n in fit.CODECS[1:] for q, pre in (("psnr", ""), ("ms_ssim", ""), ("psnr", "held_"))}
        line = {"seed": seed, "wall_s": wall, "train_s": {k: v["wall_s"] for k, v in log.items()},
                "device": next(iter(log.values()))["device"], "bd": bd,
                "bd_p2p_vs_jpeg": safe_bd({"bpp": jpeg["bpp"], "psnr": jpeg["psnr"]}, curves["p2p"]),
                "jpeg": jpeg,
                "curves": curves, "args": vars(args)}
        print(json.dumps({k: line[k] for k in ("seed", "wall_s", "device", "bd", "bd_p2p_vs_jpeg")}), flush=True)
        lines.append(line)
        if args.out:
            with open(args.out, "w") as f:
                json.dump(lines, f)
    del torch


if __name__ == "__main__":
    main()
