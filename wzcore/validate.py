"""Argument checks shared by every module: bad input raises a ``ValueError`` that names the parameter and
its valid range (DESIGN §5), never a NaN or a silent clamp. One module, so no other keeps a private copy.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["int_array", "integer", "interval", "pmf", "positive", "probability", "rng"]


def positive(name: str, value: float) -> float:
    """``value`` as a float, which must be finite and > 0."""
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def integer(name: str, value: int, low: int = 1, high: int | None = None) -> int:
    """``value`` as an int in [low, high] (``high`` None: no upper limit); bools are rejected."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low or (
            high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be an integer >= {low}{upper}, got {value!r}")
    return int(value)


def interval(name: str, value: float, lo: float, hi: float, *, open_low: bool = False,
             open_high: bool = False) -> float:
    """``value`` as a finite float in [lo, hi] (open at either end on request)."""
    v = float(value)
    lo_ok = v > lo if open_low else v >= lo
    hi_ok = v < hi if open_high else v <= hi
    if not (math.isfinite(v) and lo_ok and hi_ok):
        text = ("(" if open_low else "[") + f"{lo:g}, {hi:g}" + (")" if open_high else "]")
        raise ValueError(f"{name} must be in {text}, got {value!r}")
    return v


def probability(name: str, value: float, *, open_low: bool = False, open_high: bool = False) -> float:
    """``value`` as a float in [0, 1] (open at either end on request)."""
    return interval(name, value, 0.0, 1.0, open_low=open_low, open_high=open_high)


def rng(generator: np.random.Generator) -> np.random.Generator:
    """``generator``, which must be a ``numpy.random.Generator`` (explicit, seeded randomness)."""
    if not isinstance(generator, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(generator).__name__}")
    return generator


def int_array(name: str, values: object) -> np.ndarray:
    """A 1-D int64 copy of ``values``; integral floats are accepted, anything else raises naming ``name``."""
    v = np.asarray(values)
    if v.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {v.shape}")
    if v.size and not np.issubdtype(v.dtype, np.integer):
        if not np.issubdtype(v.dtype, np.floating) or not np.all(v == np.round(v)):
            raise ValueError(f"{name} must be integers, got dtype {v.dtype}")
    return v.astype(np.int64)


def pmf(name: str, p: object, ndim: int | None = None, tol: float = 1e-9) -> np.ndarray:
    """``p`` as a float64 array of finite, non-negative entries summing to 1 within ``tol`` (all entries
    together: a joint pmf of any shape); ``ndim`` fixes the number of dimensions."""
    a = np.asarray(p, dtype=float)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"{name} must have finite, non-negative entries")
    if abs(a.sum() - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1 within {tol:g}, got {a.sum()!r}")
    return a
