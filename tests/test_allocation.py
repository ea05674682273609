"""The allocation contract (reference/buffers.py): after the first step, a steady-state step of the runner
makes no fresh (R, d) array, for every optimizer that has ``step_into`` and an objective with
``grad_into``. Counted with tracemalloc (numpy reports its data buffers to it): the objective's gradient,
called once per step, reads the peak traced memory since its previous call; a fresh (R, d) array made
anywhere in the step raises that peak above the level at the previous call by its size, R * d * 8
bytes. (A ufunc broadcasting a (d,) operand uses numpy's fixed iteration buffer, np.getbufsize()
elements = 64 KiB whatever R and d: the arrays here are 4x larger, the bound half of one.)"""
from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest

from convcheck.reference import run
from convcheck.reference import optimizers as opts
from convcheck.reference.objectives import Quadratic, SinSquared

R, D, STEPS = 64, 512, 12
ARRAY = R * D * 8  # bytes of one (R, d) float64 array


def probed(base):
    """An objective of ``base``'s class whose gradient records, per call, the peak traced memory above
    the current level since the previous call (i.e. during one step of the runner)."""

    class Probe(type(base)):
        def grad(self, X):
            self.excess.append(_excess())
            self.inside = True  # SinSquared's grad is grad_into on a fresh array: count the call once
            try:
                return super().grad(X)
            finally:
                self.inside = False

        def grad_into(self, X, out):
            if not self.inside:
                self.excess.append(_excess())
            return super().grad_into(X, out)

    probe = Probe.__new__(Probe)
    probe.__dict__.update(base.__dict__, excess=[], inside=False)
    return probe


def _excess(last=[0]) -> int:
    """Peak traced memory since the previous call, above the level at that call (memory freed in
    between does not count: a fresh array does, even if freed again)."""
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    excess, last[0] = peak - last[0], current
    return excess


CONTRACT = {  # the optimizers issue 15 names, in the conventions that need scratch room too
    "gd": (opts.gd(), {"lr": 0.05}),
    "heavy_ball": (opts.heavy_ball(), {"lr": 0.05, "dampening": 0.1}),
    "nag": (opts.nag(), {"lr": 0.05}),
    "rmsprop": (opts.rmsprop(), {"lr": 0.01}),
    "rmsprop_centered_momentum": (opts.rmsprop(centered=True), {"lr": 0.01, "momentum": 0.5}),
    "adam": (opts.adam(), {"lr": 0.01}),
    "adam_amsgrad": (opts.adam(amsgrad=True), {"lr": 0.01}),
    "adam_l2": (opts.adam_l2(), {"lr": 0.01, "weight_decay": 0.1}),
    "adamw": (opts.adamw(), {"lr": 0.01}),
    "clipped_gd": (opts.clipped_gd(), {"lr": 0.05, "clip": 1.0}),
    "clip_momentum": (opts.clip_momentum(), {"lr": 0.05, "clip": 1.0, "nu": 0.5}),
}
OBJECTIVES = {
    "sin_squared": SinSquared(D, 3.0),
    "quadratic_b": Quadratic.diagonal(np.linspace(0.5, 3.0, D), np.linspace(-1.0, 1.0, D)),
}


def steady_excess(opt, objective, hp, col_lr=False):
    """The largest per-step excess over the steady state (grad calls 2..: the first step makes the
    scratch buffers; f is evaluated only at x_0, x_1 and x_STEPS, recorded)."""
    probe = probed(objective)
    x0 = objective.initial_points(R, seed=0)
    if col_lr:
        hp = {**hp, "lr": np.full((R, 1), hp["lr"])}
    tracemalloc.start()
    try:
        run(opt, probe, x0, STEPS, hp=hp, record=[0, STEPS])
    finally:
        tracemalloc.stop()
    # calls at x_0 .. x_STEPS; at x_0, x_1 and x_STEPS (recorded: f too) through value_and_grad
    assert len(probe.excess) == STEPS + 1
    steady = probe.excess[3:STEPS]  # steps 2 .. STEPS - 2, each read at the next gradient
    return max(steady)


@pytest.mark.parametrize("objective", sorted(OBJECTIVES))
@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_steady_state_step_makes_no_fresh_run_array(name, objective):
    opt, hp = CONTRACT[name]
    assert steady_excess(opt, OBJECTIVES[objective], hp) < ARRAY // 2


def test_per_run_hyperparameter_columns_keep_the_contract():
    opt, hp = CONTRACT["adamw"]
    assert steady_excess(opt, OBJECTIVES["sin_squared"], hp, col_lr=True) < ARRAY // 2


def test_the_probe_sees_a_fresh_array_of_the_pure_step():
    """Control: the same optimizer through its pure step (no step_into) makes fresh arrays, and the
    probe measures at least one (R, d) array per step."""
    opt, hp = CONTRACT["gd"]
    pure_gd = dataclasses.replace(opt, step_into=None)
    assert steady_excess(pure_gd, OBJECTIVES["sin_squared"], hp) >= ARRAY


def test_an_adapter_that_replaces_step_alone_is_still_called():
    """The runner takes step_into only when step is its pure form: a wrapped step keeps being called."""
    opt, hp = CONTRACT["adam"]
    calls = []

    def logged(state, g, hp_t, t):
        calls.append(t)
        return opt.step(state, g, hp_t, t)

    x0 = OBJECTIVES["sin_squared"].initial_points(2, seed=0)
    wrapped = run(dataclasses.replace(opt, step=logged), OBJECTIVES["sin_squared"], x0, 5, hp=hp)
    assert calls == list(range(5))
    assert wrapped.x_final.tobytes() == run(opt, OBJECTIVES["sin_squared"], x0, 5, hp=hp).x_final.tobytes()
