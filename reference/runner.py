"""The batched runner: R runs of one optimizer advance together as one array program.

``run`` evaluates, at every step t and for every run r, f(x_t), ||grad f(x_t)||^2, the oracle
answer g_t, and keeps running reductions (min and sum of ||grad f||^2, hitting times of
thresholds, the first step at which a run diverged). Full rows are copied to the host only at the
recording steps, which are geometrically spaced for long runs. Per-step checks that must see every
step (the one-step inequality) are *monitors*: callables receiving the step's quantities as device
arrays, which keep their own reductions.

f(x_t) is evaluated at every step only when a monitor needs it; otherwise only at the recorded
iterates (and the one after each, for the decrease), so the hot loop does what a plain training
loop does: one gradient, one row reduction, one optimizer step.

A run diverges at step t when ||grad f(x_t)||^2, or f(x_t) where it is evaluated, is not finite or
exceeds ``blowup``; that step is recorded and the run's records from it on are NaN. Nothing is
raised from the middle of a batch.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from .backend import backend_of, row_dot
from .oracles import Exact, Oracle
from .optimizers.base import Optimizer
from .schedules import Schedule

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
    ``sum_grad_sq`` = sum_{0<=t<=n} ||grad f(x_t)||^2, ``sum_grad_norm`` = sum_{0<=t<=n} ||grad f(x_t)||
    (the non-squared measure of clipping theorems), ``decrease`` = f(x_n) - f(x_{n+1}) (NaN at the
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
    sum_grad_norm: np.ndarray
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


def _resolve(hp: Mapping[str, Any], t: int, xp):
    """Hyperparameters at step t; a schedule's per-run column output goes to the device."""
    out = {}
    for k, v in hp.items():
        if isinstance(v, Schedule):
            v = v(t)
            if not np.isscalar(v):
                v = xp.asarray(v, dtype=np.float64)
        out[k] = v
    return out


def _to_backend(hp: Mapping[str, Any], xp) -> dict:
    """Per-run columns become device arrays once; scalars and schedules stay as they are."""
    return {k: v if isinstance(v, Schedule) or np.isscalar(v) else xp.asarray(v, dtype=np.float64)
            for k, v in hp.items()}


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
        if np.isscalar(v) or np.ndim(v) == 0:
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
    ``monitors`` are called after every step with a dict of device arrays: t, f = f(x_t),
    f_next = f(x_{t+1}), grad_sq = ||grad f(x_t)||^2, inner = <grad f(x_t), g_t>, oracle_sq =
    ||g_t||^2 (g_t is the oracle's answer at the optimizer's query point), alive, hp.
    """
    if not hasattr(x0, "ndim"):
        x0 = np.asarray(x0, dtype=np.float64)
    be = backend_of(x0)
    xp = be.xp
    if x0.ndim != 2 or x0.shape[1] != objective.d:
        raise ValueError(f"x0 must have shape (R, {objective.d}) for {objective.name}; got {tuple(x0.shape)}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer; got {steps!r}")
    R = x0.shape[0]
    oracle = oracle or Exact()
    hp_full = optimizer.hyperparameters(hp)
    _check_hp_shapes(hp_full, R)
    hp_dev = _to_backend(hp_full, xp)
    scheduled = any(isinstance(v, Schedule) for v in hp_dev.values())
    rec = np.asarray(record_steps(steps) if record is None else sorted(set(int(s) for s in record)))
    if rec.size and (rec[0] < 0 or rec[-1] > steps):
        raise ValueError(f"record steps must lie in [0, {steps}]")
    if not blowup > 0 or math.isnan(blowup):
        raise ValueError(f"blowup must be > 0; got {blowup}")
    thresholds = [float(t) for t in thresholds]
    rng = be.rng(seed)

    x0 = xp.asarray(x0, dtype=np.float64)
    hp_t = _resolve(hp_dev, 0, xp)
    state = optimizer.init(x0, hp_t)
    K = len(rec)
    out = {k: np.full((K, R), np.nan) for k in ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm",
                                                 "decrease")}
    hit = {thr: xp.full(R, -1, dtype=np.int64) for thr in thresholds}
    diverged_at = xp.full(R, -1, dtype=np.int64)
    min_g2 = xp.full(R, np.inf)
    sum_g2 = xp.zeros(R)
    sum_g = xp.zeros(R)
    rec_pos = {int(s): i for i, s in enumerate(rec)}
    f_every_step = bool(monitors)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=steps, desc=f"{optimizer.name} on {objective.name}", unit="step", leave=False,
                   disable=None)  # None: only on a terminal

    def mark_diverged(values, t):
        nonlocal diverged_at
        ok = xp.abs(values) <= blowup  # False where NaN, +-inf or beyond the blow-up level
        diverged_at = xp.where((diverged_at < 0) & ~ok, t, diverged_at)

    t0 = time.perf_counter()
    with np.errstate(all="ignore"):
        x = state["x"]
        f = objective.value(x) if f_every_step or 0 in rec_pos else None
        for t in range(steps + 1):
            if scheduled and t > 0 and t < steps:
                hp_t = _resolve(hp_dev, t, xp)
            gx = objective.grad(x)
            g2 = row_dot(xp, gx, gx)
            mark_diverged(g2, t)
            if f is not None:
                mark_diverged(f, t)
            xp.minimum(min_g2, g2, out=min_g2)
            sum_g2 += g2
            gn = xp.sqrt(g2)
            sum_g += gn
            for thr, h in hit.items():
                hit[thr] = xp.where((h < 0) & (g2 <= thr), t, h)

            f_next = None
            if t < steps:
                q = optimizer.query(state, hp_t)
                gq = gx if q is x else objective.grad(q)
                g = oracle(objective, q, gq, rng, t)
                if optimizer.takes_norm and g is gx:  # ||g|| is the norm just reduced: not a second time
                    state = optimizer.step(state, g, hp_t, t, norm=gn[:, None])
                else:
                    state = optimizer.step(state, g, hp_t, t)
                x_next = state["x"]
                if f_every_step or t in rec_pos or t + 1 in rec_pos:
                    f_next = objective.value(x_next)
                if monitors:
                    quantities = {"t": t, "f": f, "f_next": f_next, "grad_sq": g2,
                                  "inner": g2 if g is gx else row_dot(xp, gx, g),
                                  "oracle_sq": g2 if g is gx else row_dot(xp, g, g),
                                  "alive": diverged_at < 0, "hp": hp_t}
                    for m in monitors:
                        m(quantities)

            if t in rec_pos:
                i = rec_pos[t]
                dead = be.to_numpy(diverged_at >= 0)
                for name, arr in (("f", f), ("grad_sq", g2), ("min_grad_sq", min_g2), ("sum_grad_sq", sum_g2),
                                  ("sum_grad_norm", sum_g)):
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
