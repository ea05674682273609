"""Shared machinery of the studies: a batched simulation loop with checkpoints, per-seed random
streams, settings x seeds grids, provenance (versions) and JSON output.

Why a loop of its own instead of ``reference.run``: the studies need the iterates themselves at
chosen steps (test loss, Hessian eigenvalues) and the training loss at every step (spike
detection), with the optimizer state carried across the whole run. ``simulate`` is the same
array program as the runner - every run of a batch advances in one vectorised ``optimizer.step``
on (R, d) arrays, hyperparameters as (R, 1) columns - and a test checks that it reproduces
``reference.run``'s recorded f on an exact oracle.

Randomness is per seed, not per batch: run r with seed s starts from
``objective.initial_points(1, seed=s)`` and, with a minibatch oracle, draws its minibatches from
``default_rng([stream, s])``. So runs with the same seed but different hyperparameters see the same
start and the same minibatches (common random numbers), and a run's numbers do not depend on what
else is in its batch (a test checks batched = one at a time).
"""
from __future__ import annotations

import itertools
import math
import json
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from reference.backend import row_dot

BLOWUP = 1e100  # as reference.run: a run has diverged once f or ||grad f||^2 is beyond this or not finite


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


# ---------------------------------------------------------------------------------------------
# oracles with per-seed streams


class ExactGrad:
    """g = grad f(x)."""

    stochastic = False

    def describe(self) -> str:
        return "exact"

    def __call__(self, objective, X, grad, t):
        return grad


class SeededMinibatch:
    """g = (1/B) sum_j grad f_{i_j}(x), i_j uniform with replacement: reference.oracles.Minibatch,
    except that run r draws its indices from its own stream default_rng([stream, seed_r]), the
    (steps, B) index table of a seed being drawn once. Unbiased; variance V(x)/B."""

    stochastic = True

    def __init__(self, batch_size: int, run_seeds: Sequence[int], steps: int, n: int, stream: int = 1):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.stream = int(stream)
        tables = {}
        for s in sorted(set(int(s) for s in run_seeds)):
            tables[s] = np.random.default_rng([self.stream, s]).integers(0, n, size=(max(steps, 1), self.batch_size))
        self.idx = np.stack([tables[int(s)] for s in run_seeds], axis=1)  # (steps, R, B)

    def describe(self) -> str:
        return f"minibatch(B={self.batch_size}, per-seed streams)"

    def __call__(self, objective, X, grad, t):
        return objective.component_grad(X, self.idx[t])


# ---------------------------------------------------------------------------------------------
# the loop


@dataclass
class Simulation:
    """What ``simulate`` kept. Arrays indexed [record, run] unless said otherwise.

    ``loss_steps``/``loss``: f(x_n) at the recorded n (every step when asked);
    ``test_loss``: objective.test_value at the same n (when the objective has one);
    ``grad_sq``: ||grad f(x_n)||^2 at the same n; ``min_grad_sq[r]`` = min over every step n <= steps;
    ``checkpoints``/``iterates``: the iterates x_n at the checkpoint steps, shape (C, R, d);
    ``diverged_at[r]``: first n with f or ||grad f||^2 non-finite or beyond BLOWUP (-1 if none);
    records from that n on are NaN."""

    loss_steps: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray | None
    grad_sq: np.ndarray
    min_grad_sq: np.ndarray
    checkpoints: np.ndarray
    iterates: np.ndarray
    diverged_at: np.ndarray
    seconds: float
    meta: dict = field(default_factory=dict)


def simulate(optimizer, objective, x0: np.ndarray, steps: int, hp: Mapping[str, Any], oracle=None,
             record: Sequence[int] | None = None, checkpoints: Sequence[int] = (), test: bool = False) -> Simulation:
    """Run ``optimizer`` from the rows of x0 for ``steps`` steps, all runs as one array program.

    At every step: the full gradient (for ||grad f||^2 and its running minimum), the oracle's
    answer at the optimizer's query point, one ``optimizer.step``. f (and the test loss when
    ``test``) only at ``record`` steps (default: every step)."""
    oracle = oracle or ExactGrad()
    hp_full = optimizer.hyperparameters(hp)
    R = x0.shape[0]
    rec = np.arange(steps + 1) if record is None else np.unique(np.asarray(list(record), dtype=np.int64))
    if rec.size and (rec[0] < 0 or rec[-1] > steps):
        raise ValueError(f"record steps must lie in [0, {steps}]")
    cps = np.unique(np.asarray(list(checkpoints), dtype=np.int64))
    if cps.size and (cps[0] < 0 or cps[-1] > steps):
        raise ValueError(f"checkpoints must lie in [0, {steps}]")
    rec_pos = {int(s): i for i, s in enumerate(rec)}
    cp_pos = {int(s): i for i, s in enumerate(cps)}
    K = len(rec)
    loss = np.full((K, R), np.nan)
    gsq = np.full((K, R), np.nan)
    tloss = np.full((K, R), np.nan) if test else None
    iterates = np.full((len(cps), R, objective.d), np.nan)
    min_g2 = np.full(R, np.inf)
    diverged_at = np.full(R, -1, dtype=np.int64)

    def mark(values, t):
        ok = np.abs(values) <= BLOWUP  # False for NaN and +-inf
        diverged_at[(diverged_at < 0) & ~ok] = t

    both = hasattr(objective, "value_and_grad")  # one forward pass for f and grad f where offered
    t0 = time.perf_counter()
    state = optimizer.init(np.array(x0, dtype=np.float64), hp_full)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            x = state["x"]
            if t in rec_pos and both:
                f, gx = objective.value_and_grad(x)
            else:
                gx = objective.grad(x)
            g2 = row_dot(np, gx, gx)
            mark(g2, t)
            if t in rec_pos:
                if not both:
                    f = objective.value(x)
                mark(f, t)
                dead = diverged_at >= 0
                i = rec_pos[t]
                loss[i] = np.where(dead, np.nan, f)
                gsq[i] = np.where(dead, np.nan, g2)
                if test:
                    tloss[i] = np.where(dead, np.nan, objective.test_value(x))
            alive = diverged_at < 0
            min_g2 = np.where(alive, np.minimum(min_g2, g2), min_g2)
            if t in cp_pos:
                iterates[cp_pos[t]] = np.where(alive[:, None], x, np.nan)
            if t == steps:
                break
            q = optimizer.query(state, hp_full)
            gq = gx if q is x else objective.grad(q)
            state = optimizer.step(state, oracle(objective, q, gq, t), hp_full, t)
    return Simulation(rec, loss, tloss, gsq, min_g2, cps, iterates, diverged_at, time.perf_counter() - t0,
                      meta={"optimizer": optimizer.describe(), "oracle": oracle.describe()})


def min_eigenvalues(objective, X: np.ndarray, iters: int, seed: int = 0) -> np.ndarray:
    """lambda_min of the Hessian at each row of X (NaN rows give NaN), by batched Lanczos on exact
    Hessian-vector products (reference.spectrum); an upper bound on the true lambda_min that is exact
    when iters >= d."""
    from reference.spectrum import extreme_eigenvalues

    X = np.asarray(X, dtype=np.float64)
    ok = np.isfinite(X).all(axis=1)
    out = np.full(X.shape[0], np.nan)
    if ok.any():
        lo, _ = extreme_eigenvalues(objective, X[ok], iters=iters, seed=seed)
        out[ok] = lo
    return out


# ---------------------------------------------------------------------------------------------
# provenance and output


def versions() -> dict:
    import matplotlib

    out = {"python": sys.version.split()[0], "numpy": np.__version__, "matplotlib": matplotlib.__version__,
           "platform": platform.platform()}
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
