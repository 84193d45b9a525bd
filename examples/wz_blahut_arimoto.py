"""The Wyner–Ziv rate–distortion function of a discrete source (Blahut–Arimoto).

A doubly symmetric binary source with crossover p = 0.25, Hamming distortion:
the strategy-form Blahut–Arimoto iteration (Dupuis, Yu & Willems 2004) gives
points of R_WZ(D), checked against Wyner and Ziv's closed form for this source
and against the conditional R(D) (side information at the encoder too), which
can only be lower.
"""

import numpy as np

from wzcore import bounds, sources

p = 0.25
p_xy = sources.DSBS(p).p_xy()
hamming = 1.0 - np.eye(2)
slopes = -np.array([1.0, 2.0, 4.0, 8.0])  # nats per unit distortion

R, D = bounds.wz_curve_ba(p_xy, hamming, slopes)
closed = bounds.wz_binary(p, D)
cond = bounds.cond_rd_binary(p, D)
print("   D       R_WZ (BA)   R_WZ (closed form)   R_X|Y(D)")
for r, d, c, rc in zip(R, D, closed, cond, strict=True):
    print(f"{d:.4f}   {r:9.5f}   {c:18.5f}   {rc:8.5f}")
assert np.allclose(R, closed, atol=1e-6), "BA disagrees with the closed form"
assert np.all(cond <= R + 1e-9), "R_X|Y(D) must not exceed R_WZ(D)"
