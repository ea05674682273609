"""Shared by the conformance tests that replay recorded torch/optax trajectories (tests/golden/*.json):
the golden files' problems, their lr schedules, and a driver of an optimizer's pure init/step pair that
also checks a step mutates neither the state nor the gradient it is handed."""
from __future__ import annotations

import copy
import hashlib
import json
import pathlib

import numpy as np

from convcheck.reference.objectives import SinSquared
from convcheck.reference.objectives.base import Objective, check_points
from convcheck.reference.schedules import Schedule

GOLDEN_DIR = pathlib.Path(__file__).parent / "golden"
TOL = 1e-12


def load(filename: str) -> tuple[dict, dict]:
    """The golden file and its cases by name."""
    golden = json.loads((GOLDEN_DIR / filename).read_text())
    return golden, {c["name"]: c for c in golden["cases"]}


class Quadratic(Objective):
    """f(x) = sum_i x_i^2, the golden files' "quad" problem (card B5's 1/2 * 2 x^2)."""

    name = "quad"

    @property
    def constants(self):
        return {"L": 2.0, "f_star": 0.0}

    def value(self, X):
        check_points(X, self.d)
        return (X * X).sum(axis=1)

    def grad(self, X):
        return 2.0 * X


def objective_of(golden: dict, problem: str) -> Objective:
    spec = golden["problems"][problem]
    if problem == "quad":
        return Quadratic(spec["d"])
    assert spec["objective"] == "SinSquared"
    return SinSquared(**spec["params"])


def piecewise(lrs) -> Schedule:
    # run() also resolves hyperparameters at t = steps (where no step is taken): repeat the last value
    lrs = list(lrs)
    return Schedule("piecewise", lambda t: lrs[min(t, len(lrs) - 1)], {"values": lrs})


def hp_of(case) -> dict:
    """The case's hyperparameters, lr as a scalar or as a Schedule over the recorded per-step list."""
    hp = dict(case["hp"])
    if hp["lr"] is None:
        hp["lr"] = piecewise(case["lr_per_step"])
    return hp


def at(v, t):
    return v(t) if isinstance(v, Schedule) else v


def drive(opt, grad, x0, hp, steps, keep_states: bool = False, no_alias: bool = False):
    """x_0..x_T (and the states, if asked) from the optimizer's pure init/step with gradients
    ``grad(x, t)`` at its query points; checks that step mutates neither its state, its gradient nor its
    hyperparameters, and keeps the state's keys; ``no_alias``: no returned array is the caller's gradient
    (SGD's first torch buffer is g itself, harmless for pure steps, so it is asked only where promised)."""
    hp = opt.hyperparameters(hp)
    state = opt.init(x0, {k: at(v, 0) for k, v in hp.items()})
    xs, states = [state["x"].copy()], [state]
    for t in range(steps):
        hp_t = {k: at(v, t) for k, v in hp.items()}
        before, hp_before = copy.deepcopy(state), copy.deepcopy(hp_t)
        g = grad(opt.query(state, hp_t), t)
        g_before = g.copy()
        new = opt.step(state, g, hp_t, t)
        for k, arr in before.items():
            np.testing.assert_array_equal(state[k], arr, err_msg=f"{opt.name} step mutated state[{k!r}]")
        np.testing.assert_array_equal(g, g_before, err_msg=f"{opt.name} step mutated the gradient")
        for k, v in hp_before.items():
            np.testing.assert_array_equal(hp_t[k], v, err_msg=f"{opt.name} step mutated hyperparameter {k!r}")
        assert set(new) == set(state), f"{opt.name} step changed the state's keys"
        assert not no_alias or all(new[k] is not g for k in new), f"{opt.name} state aliases the caller's gradient"
        state = new
        xs.append(state["x"].copy())
        states.append(state)
    return (np.stack(xs), states) if keep_states else np.stack(xs)


def max_abs(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


# -- torch's fused Adam (tests/golden/torch_fused_adam.json) -----------------------------------------


def fused_adam_inputs(seed: int, R: int, d: int, steps: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """x_0 and the gradients g_0..g_{steps-1} of the "noise" cases: coordinates of magnitudes 1e-4..1e4 and
    ~2% exact zeros, so every branch of the arithmetic (tiny v, v below eps^2, huge steps) is reached; the
    recorder hands torch these very arrays, so both sides see the same bits."""
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal((R, d))
    gs = []
    for _ in range(steps):
        g = rng.standard_normal((R, d)) * 10.0 ** rng.uniform(-4.0, 4.0, (R, d))
        g[rng.random((R, d)) < 0.02] = 0.0
        gs.append(g)
    return x0, gs


def digest(a) -> str:
    """SHA-256 of an array's float64 bytes (C order): equal digests mean every coordinate is equal, bit for bit."""
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float64).tobytes()).hexdigest()
