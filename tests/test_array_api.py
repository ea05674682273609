"""reference/ under array_api_strict, the CI stand-in for a device (issue 15 item 4): the runner, the
optimizers under the allocation contract and the objectives that keep it give the same bits as NumPy
(array_api_strict computes with NumPy underneath, so any difference is a code path that differs).
Small sizes: the whole file takes a few seconds."""
from __future__ import annotations

import numpy as np
import pytest

from convcheck.reference import get_backend, objectives, optimizers as opts, run
from cli_support import call, strict_json
from convcheck.reference.backend import backend_of, cupy_available
from convcheck.reference.objectives import Quadratic, SinSquared
from convcheck.reference.oracles import Gaussian
from convcheck.reference.schedules import Schedule

xps = pytest.importorskip("array_api_strict")

OPTIMIZERS = {
    "gd": (opts.gd(), {"lr": 0.1}),
    "heavy_ball": (opts.heavy_ball(), {"lr": 0.05, "dampening": 0.2}),
    "nag": (opts.nag(), {"lr": 0.05}),
    "nag_sutskever": (opts.nag(form="sutskever"), {"lr": 0.05}),
    "rmsprop": (opts.rmsprop(), {"lr": 0.01}),
    "rmsprop_centered": (opts.rmsprop(centered=True, xi_inside=True), {"lr": 0.01, "momentum": 0.5}),
    "rmsprop_optax": (opts.rmsprop(momentum_form="optax"), {"lr": 0.01, "momentum": 0.5}),
    "adam": (opts.adam(), {"lr": 0.01}),
    "adam_amsgrad_optax": (opts.adam(amsgrad="optax"), {"lr": 0.01, "xi_root": 1e-6}),
    "adam_l2": (opts.adam_l2(), {"lr": 0.01, "weight_decay": 0.1}),
    "adamw": (opts.adamw(), {"lr": 0.01}),
    "adamw_schedule": (opts.adamw(decay="schedule"), {"lr": 0.01}),
    "adamprox": (opts.adamprox(), {"lr": 0.01}),
    "clipped_gd": (opts.clipped_gd(), {"lr": 0.1, "clip": 0.5}),
    "clipped_gd_soft": (opts.clipped_gd(form="soft"), {"lr": 0.1, "clip": 0.5}),
    "normalized_gd": (opts.normalized_gd(), {"lr": 0.1, "xi": 0.01}),
    "clip_momentum": (opts.clip_momentum(), {"lr": 0.1, "clip": 0.5, "nu": 0.7}),
}
OBJECTIVES = {
    "sin_squared": SinSquared(5, 3.0),
    "quadratic_diagonal": Quadratic.diagonal(np.linspace(-0.5, 3.0, 5), np.linspace(-1.0, 1.0, 5)),
    "quadratic_dense": Quadratic.random(5, 3.0, seed=1),
}
R, STEPS = 4, 12


def both(opt, objective, hp, **kw):
    x0 = objective.initial_points(R, seed=1)
    return (run(opt, objective, x0, STEPS, hp=hp, record=range(STEPS + 1), **kw),
            run(opt, objective, xps.asarray(x0), STEPS, hp=hp, record=range(STEPS + 1), **kw))


def assert_same_bits(a, b):
    assert b.backend == "array_api_strict" and a.backend == "numpy"
    for name in ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm", "decrease", "x_final", "diverged_at"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@pytest.mark.parametrize("objective", sorted(OBJECTIVES))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_step_matches_numpy_bit_for_bit(name, objective):
    opt, hp = OPTIMIZERS[name]
    assert_same_bits(*both(opt, OBJECTIVES[objective], hp))


def test_columns_schedules_noise_and_monitors_match_numpy():
    opt, hp = OPTIMIZERS["adamw"]
    seen = {"numpy": [], "array_api_strict": []}

    def monitor(q):
        be = backend_of(q["x"])
        seen[be.name].append(be.to_numpy(q["x"]).tobytes())

    hp = {**hp, "lr": Schedule("halving", lambda t: 0.01 / (1 + t // 4), {}),
          "weight_decay": np.linspace(0.0, 0.1, R)[:, None]}
    a, b = both(opt, OBJECTIVES["sin_squared"], hp, oracle=Gaussian(0.5), seed=3, monitors=[monitor])
    assert_same_bits(a, b)
    assert seen["numpy"] == seen["array_api_strict"] and len(seen["numpy"]) == STEPS


def test_unknown_and_missing_backends_are_named():
    with pytest.raises(ValueError, match="backend must be 'numpy', 'cupy' or 'array_api_strict'; got 'torch'"):
        get_backend("torch")


@pytest.mark.parametrize("name", ["max_lin1", "max_lin2"])
def test_max_lin_value_is_the_max_of_its_pieces_in_every_namespace(name):
    """f(x) = max_i <a_i, x>: the same bits under array_api_strict (a method .max(axis=1) is not in the
    standard, and torch's returns a (values, indices) pair)."""
    obj = objectives.get(name)
    X = obj.initial_points(16, seed=2)
    want = np.max(X @ obj.slopes.T, axis=1)
    got = get_backend("array_api_strict").to_numpy(obj.value(xps.asarray(X)))
    assert got.tobytes() == want.tobytes() == obj.value(X).tobytes()


def test_cli_run_backend_gives_numpys_numbers_or_is_refused_naming_it():
    argv = ("run", "--runs", "3", "--steps", "6", "--optimizer", "adam", "--json")
    rc_np, out_np, _ = call(*argv)
    rc_xp, out_xp, _ = call(*argv, "--backend", "array_api_strict")
    assert rc_np == rc_xp == 0 and strict_json(out_np) == strict_json(out_xp)
    rc, _, err = call(*argv, "--backend", "array_api_strict", "--objective", "logistic")
    assert rc != 0 and err.count("\n") == 1 and "--backend array_api_strict" in err and "logistic" in err
    if not cupy_available():
        rc, _, err = call(*argv, "--backend", "cupy")
        assert rc != 0 and err.count("\n") == 1 and "--backend cupy" in err
