"""The batched runner: R runs of one optimizer advance together as one array program.

``run`` evaluates, at every step t and for every run r, f(x_t), ||grad f(x_t)||^2, the oracle
answer g_t, and keeps running reductions (min and sum of ||grad f||^2, hitting times of
thresholds, the first step at which a run diverged). Full rows are copied to the host only at the
recording steps, which are geometrically spaced for long runs. Per-step checks that must see every
step (the one-step inequality) are *monitors*: callables receiving the step's quantities as device
arrays, which keep their own reductions.

A run diverges at step t when f(x_t) is not finite or exceeds ``blowup`` in absolute value; its
step is recorded and its later records are NaN. Nothing is raised from the middle of a batch.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .backend import backend_of
from .oracles import Exact, Oracle
from .optimizers.base import Optimizer
from .schedules import Schedule, at

Monitor = Callable[[Mapping[str, Any]], None]


def record_steps(steps: int, points: int = 60) -> np.ndarray:
    """Iterate indices 0..steps to record: all of 0..10, then geometrically spaced, and steps."""
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")
    dense = np.arange(min(steps, 10) + 1)
    geo = np.unique(np.round(np.geomspace(1, max(steps, 1), points)).astype(int))
    return np.unique(np.concatenate([dense, geo[geo <= steps], [steps]]))


@dataclass
class Trace:
    """What a batched run recorded. Arrays of shape (K, R) are indexed [record, run].

    At record k, ``steps[k]`` is the iterate index n (x_n is reached after n steps):
    ``f`` = f(x_n), ``grad_sq`` = ||grad f(x_n)||^2, ``min_grad_sq`` = min_{0<=t<=n} ||grad f(x_t)||^2,
    ``sum_grad_sq`` = sum_{0<=t<=n} ||grad f(x_t)||^2, ``decrease`` = f(x_n) - f(x_{n+1}) (NaN at the
    last iterate). ``hitting_times[thr][r]`` is the first n with ||grad f(x_n)||^2 <= thr (-1 if none);
    ``diverged_at[r]`` the first n with f(x_n) non-finite or beyond the blow-up level (-1 if none).
    """

    optimizer: str
    objective: str
    oracle: str
    hyperparameters: dict
    seed: int
    backend: str
    steps: np.ndarray
    f: np.ndarray
    grad_sq: np.ndarray
    min_grad_sq: np.ndarray
    sum_grad_sq: np.ndarray
    decrease: np.ndarray
    hitting_times: dict
    diverged_at: np.ndarray
    x_final: np.ndarray
    seconds: float = 0.0
    meta: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return self.f.shape[1]

    @property
    def f0(self) -> np.ndarray:
        return self.f[0]

    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0


def _resolve(hp: Mapping[str, Any], t: int):
    return {k: at(v, t) for k, v in hp.items()}


def _to_backend(hp: Mapping[str, Any], xp) -> dict:
    """Per-run columns become device arrays once; scalars and schedules stay as they are."""
    out = {}
    for k, v in hp.items():
        if isinstance(v, Schedule) or np.isscalar(v):
            out[k] = v
        else:
            out[k] = xp.asarray(v, dtype=np.float64)
    return out


def _describe_hp(hp: Mapping[str, Any]) -> dict:
    def one(v):
        if isinstance(v, Schedule):
            return {"schedule": v.name, **{k: _plain(p) for k, p in v.params.items()}}
        return _plain(v)

    return {k: one(v) for k, v in hp.items()}


def _plain(v):
    if np.isscalar(v):
        return float(v) if not isinstance(v, (bool, int)) else v
    return np.asarray(v).ravel().tolist()


def _check_hp_shapes(hp: Mapping[str, Any], R: int):
    for k, v in hp.items():
        if isinstance(v, Schedule):
            v = v(0)
        if np.isscalar(v):
            continue
        shape = tuple(np.shape(v))
        if shape not in ((R, 1), (1, 1), (1,)):
            raise ValueError(f"hyperparameter {k!r} must be a scalar or an ({R}, 1) column; got shape {shape}")


def run(optimizer: Optimizer, objective, x0, steps: int, hp: Mapping[str, Any] | None = None,
        oracle: Oracle | None = None, seed: int = 0, record: Sequence[int] | None = None,
        thresholds: Iterable[float] = (), monitors: Sequence[Monitor] = (),
        blowup: float = 1e100, progress: bool = False) -> Trace:
    """Run ``optimizer`` on ``objective`` from the rows of ``x0`` for ``steps`` steps.

    ``hp`` values are scalars, (R, 1) columns or Schedules. ``oracle`` defaults to Exact().
    ``record`` lists the iterate indices to record (default: ``record_steps(steps)``).
    ``thresholds`` are values of ||grad f||^2 whose hitting times are kept per run.
    """
    be = backend_of(x0)
    xp = be.xp
    if x0.ndim != 2:
        raise ValueError(f"x0 must have shape (R, d); got {tuple(x0.shape)}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer; got {steps!r}")
    R = x0.shape[0]
    oracle = oracle or Exact()
    hp_full = optimizer.hyperparameters(hp)
    _check_hp_shapes(hp_full, R)
    hp_dev = _to_backend(hp_full, xp)
    rec = np.asarray(record_steps(steps) if record is None else sorted(set(int(s) for s in record)))
    if rec.size and (rec[0] < 0 or rec[-1] > steps):
        raise ValueError(f"record steps must lie in [0, {steps}]")
    thresholds = [float(t) for t in thresholds]
    rng = be.rng(seed)

    x0 = xp.asarray(x0, dtype=np.float64)
    state = optimizer.init(x0, _resolve(hp_dev, 0))
    K = len(rec)
    out = {k: np.full((K, R), np.nan) for k in ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "decrease")}
    hit = {thr: xp.full(R, -1, dtype=np.int64) for thr in thresholds}
    diverged_at = xp.full(R, -1, dtype=np.int64)
    min_g2 = xp.full(R, np.inf)
    sum_g2 = xp.zeros(R)
    rec_pos = {int(s): i for i, s in enumerate(rec)}

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, desc=f"{optimizer.name} on {objective.name}", unit="step", leave=False)

    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        x = state["x"]
        f = objective.value(x)
        for t in range(steps + 1):
            hp_t = _resolve(hp_dev, t)
            gx = objective.grad(x)
            g2 = (gx * gx).sum(axis=1)
            bad = ~xp.isfinite(f) | (xp.abs(f) > blowup)
            diverged_at = xp.where((diverged_at < 0) & bad, t, diverged_at)
            min_g2 = xp.minimum(min_g2, g2)
            sum_g2 = sum_g2 + g2
            for thr, h in hit.items():
                hit[thr] = xp.where((h < 0) & (g2 <= thr), t, h)

            if t < steps:
                q = optimizer.query(state, hp_t)
                gq = gx if q is x else objective.grad(q)
                g = oracle(objective, q, gq, rng, t)
                state = optimizer.step(state, g, hp_t, t)
                x_next = state["x"]
                f_next = objective.value(x_next)
                if monitors:
                    alive = diverged_at < 0
                    quantities = {"t": t, "f": f, "f_next": f_next, "grad_sq": g2,
                                  "inner": (gx * g).sum(axis=1) if g is not gx else g2,
                                  "oracle_sq": (g * g).sum(axis=1) if g is not gx else g2,
                                  "alive": alive, "hp": hp_t}
                    for m in monitors:
                        m(quantities)
            else:
                f_next = None

            if t in rec_pos:
                i = rec_pos[t]
                dead = be.to_numpy(diverged_at >= 0)
                for name, arr in (("f", f), ("grad_sq", g2), ("min_grad_sq", min_g2), ("sum_grad_sq", sum_g2)):
                    out[name][i] = np.where(dead, np.nan, be.to_numpy(arr))
                if f_next is not None:
                    out["decrease"][i] = np.where(dead, np.nan, be.to_numpy(f - f_next))
                if dead.all():
                    break  # every run has diverged: nothing more to learn
            if t < steps:
                x, f = x_next, f_next
            if bar is not None and (t % 256 == 0 or t == steps):
                bar.n = t
                bar.refresh()
    seconds = time.perf_counter() - t0
    if bar is not None:
        bar.close()

    return Trace(optimizer=optimizer.describe(), objective=objective.name, oracle=oracle.describe(),
                 hyperparameters=_describe_hp(hp_full), seed=seed, backend=be.name, steps=rec,
                 **out, hitting_times={thr: be.to_numpy(h) for thr, h in hit.items()},
                 diverged_at=be.to_numpy(diverged_at), x_final=be.to_numpy(x), seconds=seconds)
