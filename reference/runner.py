"""The batched runner: R runs of one optimizer advance together as one array program.

``run`` evaluates, at every step t and for every run r, f(x_t), ||grad f(x_t)||^2, the oracle
answer g_t, and keeps running reductions (min and sum of ||grad f||^2, hitting times of
thresholds, the first step at which a run diverged). Full rows are copied to the host only at the
recording steps, which are geometrically spaced for long runs. Per-step checks that must see every
step (the one-step inequality) are *monitors*: callables receiving the step's quantities as device
arrays, which keep their own reductions.

f(x_t) is evaluated at every step only when a monitor needs it; otherwise only at the recorded
iterates (and the one after each, for the decrease), so the hot loop does what a plain training
loop does: one gradient, one row reduction, one optimizer step. Where f and grad f are both needed
at one point they come from one ``objective.value_and_grad`` call.

It is the only batched loop of convcheck: the studies and checks configure it rather than copy it.
Besides the records it keeps, when asked, *checkpoints* (the iterates, and chosen optimizer state
entries, at chosen steps: every step for a trajectory, a few for Hessian spectra), gives each run a
random stream of its own (``run_seeds``: common random numbers across settings, and a run's numbers
independent of its batch), and skips the full gradient where only f matters (``measure_grad=False``:
a minibatch training run then evaluates component gradients only).

A run diverges at step t when ||grad f(x_t)||^2, or f(x_t) where it is evaluated, is not finite or
exceeds ``blowup``; that step is recorded and the run's records and checkpoints from it on are NaN.
Nothing is raised from the middle of a batch.

Allocation contract (issue 15; reference/buffers.py): with an optimizer that has ``step_into`` and an
objective with ``grad_into``, the runner owns every (R, d) buffer (the iterates, the gradients, the
optimizer's state, its scratch) and a steady-state step makes no fresh (R, d) array: the state is
donated to the step, the next iterate goes into a buffer of a small ring, grad f into one of two.
A monitor may keep the arrays it was handed until its next call returns (the ring has a third
iterate buffer when there are monitors); arrays it keeps longer may be overwritten.

Fused kernels (issue 15; reference/kernels): ``kernels`` ("auto", "numpy", "numba" or "cupy"; default
$CONVCHECK_KERNELS, else "auto") picks whether the in-place steps run as numba kernels, one pass per step,
parallel over runs (CuPy arrays: ElementwiseKernels); ``Trace.meta["kernels"]`` records which ran. With numba
the per-step reductions of grad f(x_t) (||.||^2, its root, min, sums, divergence) are one compiled call too
(``fused.grad_stats``, except where the step takes the norm), and so is the diagonal quadratic's gradient: the
iterates keep their bits, the ||grad f||^2 records agree with NumPy's to rounding (its own summation order).
"""
from __future__ import annotations

import functools
import inspect
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import kernels as _kernels
from .backend import Unsupported, backend_of, row_dot
from .buffers import Workspace, donated, in_place_step, into
from .objectives.base import grad_writer
from .oracles import Exact, Oracle
from .optimizers.base import Optimizer
from .schedules import Schedule
from .streams import SeedStreams

Monitor = Callable[[Mapping[str, Any]], None]
BLOWUP = 1e100  # the default divergence level of f and ||grad f||^2


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
    Without ``measure_grad`` the gradient records are NaN and there are no hitting times.

    Checkpoints (host arrays): at ``checkpoints[c]`` = n, ``iterates[c]`` (R, d) is x_n and
    ``states[name][c]`` the optimizer's state entry ``name`` at x_n; NaN for the runs diverged by n.
    ``run_seeds``: the runs' own oracle streams default_rng([seed, run_seeds[r]]) (None: one stream
    for the batch, seeded with ``seed``).
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
    checkpoints: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    iterates: np.ndarray | None = None
    states: dict = field(default_factory=dict)
    run_seeds: np.ndarray | None = None

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
                v = xp.asarray(v, dtype=xp.float64)
        out[k] = v
    return out


def _to_backend(hp: Mapping[str, Any], xp) -> dict:
    """Per-run columns become device arrays once; scalars and schedules stay as they are."""
    return {k: v if isinstance(v, Schedule) or np.isscalar(v) else xp.asarray(v, dtype=xp.float64)
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


def _steps(values, steps: int, what: str) -> np.ndarray:
    """Sorted distinct iterate indices, each in [0, steps]."""
    out = np.asarray(sorted(set(int(s) for s in values)), dtype=np.int64)
    if out.size and (out[0] < 0 or out[-1] > steps):
        raise ValueError(f"{what} steps must lie in [0, {steps}]")
    return out


def _evaluate(objective, x, with_f: bool, with_grad: bool, out=None, grad_into=None):
    """(f(x) or None, grad f(x) or None): one value_and_grad call where both are wanted; grad f alone
    is written into ``out`` when the runner owns a buffer for it and the objective can (``grad_into``)."""
    if with_f and with_grad:
        return objective.value_and_grad(x)
    if with_grad:
        grad = objective.grad(x) if out is None or grad_into is None else grad_into(x, out)
    return (objective.value(x) if with_f else None), (grad if with_grad else None)


def _refused_where_unported(run_fn):
    """``run`` on a non-NumPy namespace that a piece of the problem does not run under yet raises Unsupported,
    naming the problem, in place of the namespace's AttributeError/TypeError/IndexError (on NumPy those are
    bugs and propagate as they are)."""
    signature = inspect.signature(run_fn)

    @functools.wraps(run_fn)
    def guarded(*args, **kwargs):
        given = signature.bind(*args, **kwargs).arguments  # a wrong call is a TypeError before anything runs
        try:
            return run_fn(*args, **kwargs)
        except (AttributeError, TypeError, IndexError) as e:  # a method, a host array or a host index
            be = backend_of(given["x0"])
            if be.name == "numpy":
                raise
            opt, obj, orc = given["optimizer"], given["objective"], given.get("oracle") or Exact()
            raise Unsupported(f"{obj.name} with {getattr(opt, 'name', type(opt).__name__)} and {orc.describe()} "
                              f"does not run under {be.name} yet ({type(e).__name__}: {e})") from e
    return guarded


@_refused_where_unported
def run(optimizer: Optimizer, objective, x0, steps: int, hp: Mapping[str, Any] | None = None,
        oracle: Oracle | None = None, seed: int = 0, record: Sequence[int] | None = None,
        thresholds: Iterable[float] = (), monitors: Sequence[Monitor] = (),
        blowup: float = BLOWUP, progress: bool = False, *, checkpoints: Iterable[int] = (),
        checkpoint_state: Sequence[str] = (), run_seeds: Sequence[int] | None = None,
        measure_grad: bool = True, kernels: str | None = None) -> Trace:
    """Run ``optimizer`` on ``objective`` from the rows of ``x0`` for ``steps`` steps.

    ``hp`` values are scalars, (R, 1) columns or Schedules. ``oracle`` defaults to Exact().
    ``record`` lists the iterate indices to record (default: ``record_steps(steps)``; every step,
    ``range(steps + 1)``, gives the whole loss curve).
    ``thresholds`` are values of ||grad f||^2 whose hitting times are kept per run.
    ``monitors`` are called after every step with a dict of device arrays: t, x = x_t, x_next, f = f(x_t),
    f_next = f(x_{t+1}), grad_sq = ||grad f(x_t)||^2, inner = <grad f(x_t), g_t>, oracle_sq =
    ||g_t||^2 (g_t is the oracle's answer at the optimizer's query point), alive, hp.
    ``checkpoints`` lists iterate indices n at which x_n, and the state entries named in
    ``checkpoint_state``, are copied to the Trace.
    ``run_seeds`` (one integer per run): run r's oracle draws from its own stream
    default_rng([seed, run_seeds[r]]) (``streams.SeedStreams``), so runs sharing a seed see the same
    noise and minibatches whatever their hyperparameters, and a run's numbers do not depend on the rest
    of its batch. Default: one stream for the batch, default_rng(seed).
    ``measure_grad=False``: grad f is evaluated only where the oracle needs it (the minibatch oracle
    does not), nothing about ||grad f|| is recorded (grad_sq and inner reach monitors as None), and
    divergence is judged on f where it is evaluated.
    ``kernels``: "numba" runs the in-place steps as fused numba kernels (reference/kernels), "cupy" as CuPy
    ElementwiseKernels (reference/kernels/elementwise.py, CuPy arrays only), "numpy" as NumPy
    operations, "auto" numba where it is installed; None reads $CONVCHECK_KERNELS (default "auto").
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
    fused = _kernels.select(xp, kernels)  # checked before anything runs, whatever the optimizer
    oracle = oracle or Exact()
    step_into = in_place_step(optimizer)
    in_place = step_into is not None
    hp_full = optimizer.hyperparameters(hp)
    _check_hp_shapes(hp_full, R)
    hp_dev = _to_backend(hp_full, xp)
    scheduled = any(isinstance(v, Schedule) for v in hp_dev.values())
    rec = record_steps(steps) if record is None else _steps(record, steps, "record")
    cps = _steps(checkpoints, steps, "checkpoint")
    if not blowup > 0 or math.isnan(blowup):
        raise ValueError(f"blowup must be > 0; got {blowup}")
    thresholds = [float(t) for t in thresholds]
    if thresholds and not measure_grad:
        raise ValueError("thresholds are hitting times of ||grad f||^2: they need measure_grad=True")
    if run_seeds is not None:
        run_seeds = np.asarray(run_seeds)
        if run_seeds.shape != (R,):
            raise ValueError(f"run_seeds must give one seed per run ({R}); got shape {run_seeds.shape}")
        rng = SeedStreams(run_seeds, seed, xp)  # host Generators: they also validate the seeds
    else:  # a Generator only where an oracle draws (a namespace may have no random numbers at all)
        rng = be.rng(seed) if oracle.stochastic else None

    x0 = xp.asarray(x0, dtype=xp.float64)
    hp_t = _resolve(hp_dev, 0, xp)
    state = optimizer.init(x0, hp_t)
    if in_place:  # the runner's own buffers: the state (donated to each step), a ring of iterates, two gradients
        state = donated(state, R)
        ring = [state["x"]] + [xp.empty_like(x0) for _ in range(2 if monitors else 1)]
        ws = Workspace(x0, kernels=_kernels.name_of(fused))
        grad_bufs = [xp.empty_like(x0), xp.empty_like(x0)]
    grad_into = grad_writer(objective, fused if in_place else None)
    unknown = [k for k in checkpoint_state if k not in state or np.shape(state[k])[:1] != (R,)]
    if unknown:
        raise ValueError(f"checkpoint_state {unknown[0]!r} is not a per-run entry of {optimizer.name}'s state; "
                         f"it holds {sorted(state)}")
    K, C = len(rec), len(cps)
    out = {k: np.full((K, R), np.nan) for k in ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm",
                                                 "decrease")}
    iterates = np.full((C, R, objective.d), np.nan)
    states = {k: np.full((C, *np.shape(state[k])), np.nan) for k in checkpoint_state}
    hit = {thr: xp.full(R, -1, dtype=xp.int64) for thr in thresholds}
    diverged_at = xp.full(R, -1, dtype=xp.int64)
    min_g2 = xp.full(R, math.inf, dtype=xp.float64)
    sum_g2 = xp.zeros(R, dtype=xp.float64)
    sum_g = xp.zeros(R, dtype=xp.float64)
    # numba kernels: the reductions below in one compiled call (fused.grad_stats), into fresh (R,) vectors g2, gn, as
    # row_dot's are (a monitor may keep them). Not where the step takes the norm: its trajectory would follow the
    # kernel's summation order of ||g||^2, not numpy's. A kernel set without it (CuPy's) leaves them to the namespace
    stats = getattr(fused, "grad_stats", None) if in_place and measure_grad and not optimizer.takes_norm else None
    rec_pos = {int(s): i for i, s in enumerate(rec)}
    cp_pos = {int(s): i for i, s in enumerate(cps)}
    f_every_step = bool(monitors)
    f_at = set(rec_pos) | {s + 1 for s in rec_pos if s < steps}  # x_n recorded, x_{n+1} for the decrease
    needs_grad = oracle.needs_grad

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
        f, gx = _evaluate(objective, x, f_every_step or 0 in f_at, measure_grad, grad_bufs[0] if in_place else None, grad_into)
        g2 = gn = None
        for t in range(steps + 1):
            if scheduled and t > 0 and t < steps:
                hp_t = _resolve(hp_dev, t, xp)
            if measure_grad:
                if stats is not None:
                    g2, gn = xp.empty(R, dtype=xp.float64), xp.empty(R, dtype=xp.float64)
                if stats is None or not stats(gx, t, blowup, g2, gn, min_g2, sum_g2, sum_g, diverged_at):
                    g2 = row_dot(xp, gx, gx)
                    mark_diverged(g2, t)
                    into(xp, xp.minimum, min_g2, g2, out=min_g2)
                    sum_g2 += g2
                    gn = xp.sqrt(g2)
                    sum_g += gn
                for thr, h in hit.items():
                    hit[thr] = xp.where((h < 0) & (g2 <= thr), t, h)
            if f is not None:
                mark_diverged(f, t)

            if t in cp_pos:  # before the step, while the state is x_t's (diverged runs are blanked at the end)
                c = cp_pos[t]
                iterates[c] = be.to_numpy(x)
                for k, arr in states.items():
                    arr[c] = be.to_numpy(state[k])

            f_next = None
            if t < steps:
                q = optimizer.query(state, hp_t)
                gq = gx if q is x else None
                if gq is None and needs_grad:
                    gq = objective.grad(q)
                g = oracle(objective, q, gq, rng, t)
                # ||g|| is the norm just reduced where g is grad f(x_t): not a second time
                kw = {"norm": gn[:, None]} if optimizer.takes_norm and g is gx and gn is not None else {}
                if in_place:
                    ws.x = ring[(t + 1) % len(ring)]  # never x_t (nor, with monitors, x_{t-1})
                    state = step_into(state, g, hp_t, t, ws, **kw)
                else:
                    state = optimizer.step(state, g, hp_t, t, **kw)
                x_next = state["x"]
                f_next, gx_next = _evaluate(objective, x_next, f_every_step or t + 1 in f_at, measure_grad,
                                            grad_bufs[(t + 1) % 2] if in_place else None, grad_into)
                if monitors:
                    if not measure_grad:
                        inner, oracle_sq = None, row_dot(xp, g, g)
                    elif g is gx:
                        inner = oracle_sq = g2
                    else:
                        inner, oracle_sq = row_dot(xp, gx, g), row_dot(xp, g, g)
                    quantities = {"t": t, "x": x, "x_next": x_next, "f": f, "f_next": f_next, "grad_sq": g2,
                                  "inner": inner, "oracle_sq": oracle_sq, "alive": diverged_at < 0, "hp": hp_t}
                    for m in monitors:
                        m(quantities)

            if t in rec_pos:
                i = rec_pos[t]
                dead = be.to_numpy(diverged_at >= 0)
                out["f"][i] = np.where(dead, np.nan, be.to_numpy(f))
                if measure_grad:
                    for name, arr in (("grad_sq", g2), ("min_grad_sq", min_g2), ("sum_grad_sq", sum_g2),
                                      ("sum_grad_norm", sum_g)):
                        out[name][i] = np.where(dead, np.nan, be.to_numpy(arr))
                if f_next is not None:
                    out["decrease"][i] = np.where(dead, np.nan, be.to_numpy(f - f_next))
                if dead.all():
                    break  # every run has diverged: nothing more to learn
            if t < steps:
                x, f, gx = x_next, f_next, gx_next
            if bar is not None and (t % 256 == 0 or t == steps):
                bar.n = t
                bar.refresh()
    seconds = time.perf_counter() - t0
    if bar is not None:
        bar.close()
    diverged_at = be.to_numpy(diverged_at)
    dead = (diverged_at >= 0) & (cps[:, None] >= diverged_at)  # (C, R): checkpoints at or after divergence
    for arr in (iterates, *states.values()):
        arr[dead] = np.nan

    return Trace(optimizer=optimizer.describe(), objective=objective.name, oracle=oracle.describe(),
                 hyperparameters=_describe_hp(hp_full), seed=seed, backend=be.name, steps=rec,
                 **out, hitting_times={thr: be.to_numpy(h) for thr, h in hit.items()},
                 diverged_at=diverged_at, x_final=be.to_numpy(x), seconds=seconds,
                 checkpoints=cps, iterates=iterates, states=states, run_seeds=run_seeds,
                 meta={"kernels": _kernels.name_of(fused if in_place else None)})
