"""Argument checks shared by the objectives: each error names the argument it rejects."""
from __future__ import annotations

import math

import numpy as np


def finite_array(value, name: str, ndim: int) -> np.ndarray:
    """A non-empty finite float64 array with ``ndim`` axes."""
    a = np.asarray(value, dtype=np.float64)
    if a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array; got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite; it contains inf or NaN")
    return a


def positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def nonneg_float(value, name: str) -> float:
    """A finite number >= 0 (NaN is rejected too)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}") from None
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return v


def seeded_rng(seed) -> np.random.Generator:
    """Problem data come from NumPy on the host (then live on any backend): same seed, same problem."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (problems are reproducible); got {seed!r}")
    return np.random.default_rng(int(seed))
