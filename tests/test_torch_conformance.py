"""Our GD / heavy ball / NAG reproduce torch.optim.SGD's float64 trajectories to 1e-12.

The golden trajectories in tests/golden/torch_sgd.json were recorded by hand with
``python tests/golden/record_torch.py`` (torch, autograd gradients of the same formulas); this file
never imports torch, so CI needs none. Each recorded case is checked twice:

* through the optimizer's pure ``init``/``step`` pair, comparing every iterate x_0..x_T (and that
  ``step`` leaves the state it was given untouched);
* end to end through ``reference.run``, comparing f(x_t) at every step and x_final.

Schedules are passed as a ``Schedule`` built from the recorded per-step lr list; torch received the
same list through ``param_group["lr"]`` before its t-th step.

Card B5 (shared/papers/baselines_and_de2018.md) supplies hand test vectors on f = x^2, x0 = 1,
lr 0.1, mu 0.9, and the derived relation: Sutskever's look-ahead points x_t + mu v_t equal torch's
NAG iterates for a constant lr, and differ under a schedule.
"""
from __future__ import annotations

import numpy as np
import pytest

from golden_support import TOL, Quadratic, drive, hp_of, load, max_abs, objective_of as golden_objective, piecewise
from convcheck.reference import run
from convcheck.reference.objectives import SinSquared
from convcheck.reference.optimizers import gd, heavy_ball, nag

GOLDEN, CASES = load("torch_sgd.json")


def objective_of(problem: str):
    return golden_objective(GOLDEN, problem)


def replay(opt, objective, x0, hp, steps):
    """(x_0..x_T, states) through init/step with exact gradients (purity checked by drive)."""
    return drive(opt, lambda x, t: objective.grad(x), x0, hp, steps, keep_states=True)


def optimizer_of(case):
    return {"gd": gd, "heavy_ball": heavy_ball, "nag": lambda: nag(form="torch")}[case["optimizer"]]()


# -- the golden data itself ------------------------------------------------------------------------


def test_golden_file_is_complete():
    names = set(CASES)
    for prob in ("quad", "sin_squared"):
        for opt in ("gd", "heavy_ball", "heavy_ball_damp0.5", "nag", "heavy_ball_sched", "nag_sched"):
            assert f"{prob}/{opt}" in names
    assert GOLDEN["dtype"] == "float64" and GOLDEN["torch_version"]
    assert all(c["foreach_max_abs_diff"] == 0.0 for c in GOLDEN["cases"])
    sin = CASES["sin_squared/nag"]
    assert sin["steps"] == 50 and np.shape(sin["x"]) == (51, 3, 5)


def test_sin_squared_x0_is_the_objectives_seeded_start():
    spec = GOLDEN["problems"]["sin_squared"]
    x0 = SinSquared(**spec["params"]).initial_points(3, seed=0)
    np.testing.assert_array_equal(x0, np.asarray(spec["x0"]))


def test_card_b5_vectors_in_torch_recording():
    card = GOLDEN["card_b5"]
    assert max_abs(np.ravel(CASES["quad/nag"]["x"])[1:], card["nag_torch"]) < TOL
    assert max_abs(np.ravel(CASES["quad/heavy_ball"]["x"])[1:], card["heavy_ball"]) < TOL
    assert CASES["quad/nag_sched"]["lr_per_step"] == card["schedule"]
    assert max_abs(np.ravel(CASES["quad/nag_sched"]["x"])[1:], card["nag_torch_schedule"]) < TOL


# -- every recorded trajectory, two ways -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_init_step_reproduce_torch_iterates(name):
    case = CASES[name]
    obj = objective_of(case["problem"])
    x0 = np.asarray(GOLDEN["problems"][case["problem"]]["x0"], dtype=np.float64)
    xs, _ = replay(optimizer_of(case), obj, x0, hp_of(case), case["steps"])
    err = max_abs(xs, case["x"])
    assert err <= TOL, f"{name}: max |x_ours - x_torch| = {err:.3e}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_reproduces_torch_f_and_final_iterate(name):
    case = CASES[name]
    obj = objective_of(case["problem"])
    x0 = np.asarray(GOLDEN["problems"][case["problem"]]["x0"], dtype=np.float64)
    steps = case["steps"]
    tr = run(optimizer_of(case), obj, x0, steps, hp=hp_of(case), record=range(steps + 1))
    np.testing.assert_array_equal(tr.steps, np.arange(steps + 1))
    assert not tr.diverged().any()
    err_f = max_abs(tr.f, case["f"])
    err_x = max_abs(tr.x_final, case["x"][-1])
    assert err_f <= TOL and err_x <= TOL, f"{name}: f err {err_f:.3e}, x_final err {err_x:.3e}"
    # the runner's running min of ||grad f||^2 is consistent with its per-step values
    np.testing.assert_array_equal(tr.min_grad_sq, np.minimum.accumulate(tr.grad_sq, axis=0))


def test_card_b5_vectors_from_our_optimizers():
    card = GOLDEN["card_b5"]
    obj, x0 = Quadratic(1), np.array([[1.0]])
    const = {"lr": 0.1, "momentum": 0.9}
    xs, _ = replay(nag(form="torch"), obj, x0, const, 3)
    assert max_abs(xs[1:].ravel(), card["nag_torch"]) < TOL
    xs, _ = replay(heavy_ball(), obj, x0, {**const, "dampening": 0.0}, 3)
    assert max_abs(xs[1:].ravel(), card["heavy_ball"]) < TOL
    lrs = card["schedule"]
    sched = {"lr": piecewise(lrs), "momentum": 0.9}
    xs, _ = replay(nag(form="torch"), obj, x0, sched, 3)
    assert max_abs(xs[1:].ravel(), card["nag_torch_schedule"]) < TOL


# -- Sutskever's form vs torch's (card B5's derived relation) --------------------------------------


def sutskever_lookahead(case):
    obj = objective_of(case["problem"])
    x0 = np.asarray(GOLDEN["problems"][case["problem"]]["x0"], dtype=np.float64)
    hp = hp_of(case)
    _, states = replay(nag(form="sutskever"), obj, x0, hp, case["steps"])
    mu = hp["momentum"]
    return np.stack([s["x"] + mu * s["v"] for s in states])


@pytest.mark.parametrize("name", ["quad/nag", "sin_squared/nag"])
def test_sutskever_lookahead_equals_torch_nag_for_constant_lr(name):
    case = CASES[name]
    err = max_abs(sutskever_lookahead(case), case["x"])
    assert err <= TOL, f"{name}: max |lookahead - x_torch| = {err:.3e}"


def test_sutskever_differs_from_torch_under_a_schedule():
    card = GOLDEN["card_b5"]
    case = CASES["quad/nag_sched"]
    look = sutskever_lookahead(case).ravel()
    assert max_abs(look[1:], card["nag_sutskever_lookahead_schedule"]) < TOL  # 0.62, 0.3402, 0.079542
    assert abs(look[3] - np.ravel(case["x"])[3]) > 0.1  # torch: 0.218052
    case = CASES["sin_squared/nag_sched"]
    assert max_abs(sutskever_lookahead(case), case["x"]) > 1e-3
