"""Shared machinery of the studies: settings x seeds grids, per-seed starts, batched Lanczos,
statistics (scipy.stats behind one convention), provenance (versions) and JSON output.

The studies run their optimizers with ``reference.run``, the one batched loop: a study lays out a
``Batch`` (settings x seeds as rows, hyperparameters as (R, 1) columns) and asks the runner for what
it needs - the iterates at chosen steps (``checkpoints``: test loss, Hessian eigenvalues,
trajectories), the training loss at every step (``record=range(steps + 1)``: spike detection).

Randomness is per seed, not per batch: run r with seed s starts from
``objective.initial_points(1, seed=s)`` (``initial_points``) and, with a minibatch oracle, draws its
minibatches from ``default_rng([stream, s])`` (``run(..., seed=stream, run_seeds=batch.run_seeds())``).
So runs with the same seed but different hyperparameters see the same start and the same
minibatches (common random numbers), and a run's numbers do not depend on what else is in its batch.
"""
from __future__ import annotations

import itertools
import math
import json
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy import stats

from convcheck.reference.spectrum import extreme_eigenvalues


# ---------------------------------------------------------------------------------------------
# grids


def settings_grid(**axes) -> list[dict]:
    """The product of named axes as a list of dicts, in the order given: settings_grid(a=[1, 2], b=[3])."""
    names = list(axes)
    return [dict(zip(names, combo)) for combo in itertools.product(*(list(axes[n]) for n in names))]


@dataclass
class Batch:
    """R = len(settings) x len(seeds) runs, setting-major: run r has settings[r // S], seeds[r % S]."""

    settings: list[dict]
    seeds: list[int]

    @property
    def R(self) -> int:
        return len(self.settings) * len(self.seeds)

    def columns(self, fixed: Mapping[str, Any] | None = None) -> dict:
        """Hyperparameters: each name that varies over the settings as an (R, 1) column, plus ``fixed``."""
        hp = dict(fixed or {})
        S = len(self.seeds)
        for name in self.settings[0]:
            vals = np.repeat(np.array([float(s[name]) for s in self.settings]), S)
            hp[name] = vals[:, None]
        return hp

    def run_seeds(self) -> np.ndarray:
        return np.tile(np.asarray(self.seeds, dtype=np.int64), len(self.settings))

    def by_setting(self, a: np.ndarray) -> np.ndarray:
        """(..., R) -> (..., n_settings, n_seeds)."""
        return a.reshape(*a.shape[:-1], len(self.settings), len(self.seeds))


def initial_points(objective, seeds: Sequence[int], radius: float = 2.0) -> np.ndarray:
    """Row i: ``objective.initial_points(1, seed=seeds[i])``, so a run's start depends on its seed only."""
    return np.concatenate([objective.initial_points(1, seed=int(s), radius=radius) for s in seeds], axis=0)


def min_eigenvalues(objective, X: np.ndarray, iters: int, seed: int = 0) -> np.ndarray:
    """lambda_min of the Hessian at each row of X (NaN rows give NaN), by batched Lanczos on exact
    Hessian-vector products (reference.spectrum); an upper bound on the true lambda_min that is exact
    when iters >= d."""
    X = np.asarray(X, dtype=np.float64)
    ok = np.isfinite(X).all(axis=1)
    out = np.full(X.shape[0], np.nan)
    if ok.any():
        lo, _ = extreme_eigenvalues(objective, X[ok], iters=iters, seed=seed)
        out[ok] = lo
    return out


# ---------------------------------------------------------------------------------------------
# statistics: scipy.stats, with one convention for every study. A pair with a non-finite member is
# left out; a statistic that is undefined on what is left (too few pairs, a constant variable) is
# NaN (a fit: None), not a warning.


def _finite_pairs(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    return x[ok], y[ok]


def line_fit(x, y) -> dict:
    """Least-squares line y = slope x + intercept on the finite pairs (scipy.stats.linregress), with
    r2 = r^2 and the slope's standard error; None for each when x has fewer than 2 distinct values."""
    x, y = _finite_pairs(x, y)
    if np.unique(x).size < 2:
        return {"slope": None, "intercept": None, "r2": None, "slope_stderr": None, "points": int(x.size)}
    f = stats.linregress(x, y)
    return {"slope": float(f.slope), "intercept": float(f.intercept), "r2": float(f.rvalue) ** 2,
            "slope_stderr": float(f.stderr), "points": int(x.size)}


def correlation(x, y, rank: bool = False) -> float:
    """Pearson's r of the finite pairs (scipy.stats.pearsonr), or with ``rank`` Spearman's rho
    (scipy.stats.spearmanr: Pearson's r of the ranks, tied values sharing their average rank).
    NaN for fewer than 3 pairs or a constant variable."""
    x, y = _finite_pairs(x, y)
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float((stats.spearmanr if rank else stats.pearsonr)(x, y).statistic)


# ---------------------------------------------------------------------------------------------
# provenance and output


def versions() -> dict:
    import matplotlib
    import scipy

    out = {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
           "matplotlib": matplotlib.__version__, "platform": platform.platform()}
    try:
        from importlib.metadata import version

        out["convcheck"] = version("convcheck")
    except Exception:  # not installed: running from a checkout
        out["convcheck"] = "checkout"
    return out


def jsonable(o):
    if isinstance(o, np.ndarray):
        return [jsonable(v) for v in o.tolist()] if o.ndim else jsonable(o.item())
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating, float)):
        v = float(o)
        return v if np.isfinite(v) else None  # JSON has no NaN/inf: null, documented in the study docs
    if isinstance(o, dict):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    return o


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(jsonable(data), indent=1, allow_nan=False))


def fmt(x, digits: int = 3) -> str:
    """A number for tables: %g with ``digits`` significant digits; None/NaN as '-'."""
    if x is None:
        return "-"
    x = float(x)
    return "-" if math.isnan(x) else f"{x:.{digits}g}"


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


Progress = Callable[[str], None]


def quiet(_msg: str) -> None:
    pass


def verdict_lines(result: dict) -> list[str]:
    """The closing lines of a study's text report: its verdict, then its time."""
    return ["verdict:", *(f"  {v}" for v in result["verdict"]), f"({result['seconds']:.1f}s)"]


def summary_head(result: dict) -> dict:
    """The fields every study's JSON summary starts with."""
    return {k: result[k] for k in ("study", "quick", "config", "seconds", "files", "verdict")}
