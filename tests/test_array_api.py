"""reference/ under array_api_strict, the CI stand-in for a device (issue 15 item 4): the runner, the
optimizers under the allocation contract and the objectives that keep it give the same bits as NumPy
(array_api_strict computes with NumPy underneath, so any difference is a code path that differs).
Small sizes: the whole file takes a few seconds."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from convcheck.reference import get_backend, objectives, optimizers as opts, oracles, run
from cli_support import call, strict_json
from convcheck.checker import check
from convcheck.compare import compare
from convcheck.setups import Setup
from convcheck.studies import inna_toy
from convcheck.reference.backend import Unsupported, backend_of, cupy_available
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


@pytest.fixture(autouse=True)
def numpy_steps(monkeypatch):
    """NumPy's runs take the NumPy steps, as the stand-in does: where numba is installed the Adam kernel gives
    torch's fused bits instead (the other kernels give NumPy's, tests/test_kernels.py)."""
    monkeypatch.setenv("CONVCHECK_KERNELS", "numpy")


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
    if not cupy_available():
        rc, _, err = call(*argv, "--backend", "cupy")
        assert rc != 0 and err.count("\n") == 1 and "--backend cupy" in err


@pytest.mark.parametrize("name", objectives.NAMES)
def test_every_catalogue_objective_gives_numpys_bits(name):
    """value, grad and hvp (where it has one) at random points, then a whole Adam run: the same bits. Among
    them: methods (.sum/.reshape) and einsum ported to functions, columns gathered by kind (coordinatewise_l0l1:
    xp.take, as the standard has no assignment through an index array), bool masks cast before a product
    (relu_net, spurious_relu), the first active piece of max_lin (argmax of bools, a gather)."""
    obj, strict = objectives.get(name), get_backend("array_api_strict")
    X = obj.initial_points(R, seed=3)
    V = np.random.default_rng(4).standard_normal(X.shape)
    assert strict.to_numpy(obj.value(xps.asarray(X))).tobytes() == obj.value(X).tobytes()
    assert strict.to_numpy(obj.grad(xps.asarray(X))).tobytes() == obj.grad(X).tobytes()
    try:
        want = obj.hvp(X, V)
    except NotImplementedError:  # a nonsmooth objective has no Hessian
        want = None
    if want is not None:
        assert strict.to_numpy(obj.hvp(xps.asarray(X), xps.asarray(V))).tobytes() == want.tobytes()
    assert_same_bits(*both(opts.adam(), obj, {"lr": 0.01}))


FINITE_SUM_ORACLES = {"minibatch": {"batch_size": 3}, "svag": {"ell": 2.0, "batch_size": 2},
                      "importance": {"batch_size": 2}, "importance_loss_mixed": {"batch_size": 2, "scheme": "loss",
                                                                                 "mix": 0.1}}


# the importance oracle costs N component gradients a step and its loss scheme needs f_i >= 0: its card's problem
PAIRS = [(o, name) for o in ("minibatch", "svag") for name in ("least_squares", "logistic", "relu_net", "autoencoder",
                                                               "teacher_student")]
PAIRS += [("importance", "least_squares"), ("importance_loss_mixed", "least_squares")]


@pytest.mark.parametrize("oracle, objective", PAIRS)
def test_finite_sum_oracles_draw_numpys_minibatches(oracle, objective):
    """Indices drawn on the host, components gathered with xp.take / take_along_axis: the same bits."""
    orc = oracles.get(oracle.split("_")[0], **FINITE_SUM_ORACLES[oracle])
    assert_same_bits(*both(opts.adam(), objectives.get(objective), {"lr": 0.01}, oracle=orc, seed=5))


@pytest.mark.parametrize("name", opts.NAMES)
def test_every_optimizer_under_noise_gives_numpys_bits(name):
    hp = {"lr": 0.01, **({"clip": 0.5} if "clip" in name else {}), **({"xi": 0.01} if name == "normalized_gd" else {})}
    assert_same_bits(*both(opts.get(name), OBJECTIVES["sin_squared"], hp, oracle=Gaussian(0.5), seed=2))


def strip_seconds(d):
    """A report without its wall-clock times and file paths (the only fields that may differ by backend)."""
    if isinstance(d, dict):
        return {k: strip_seconds(v) for k, v in d.items() if k not in ("seconds", "plot")}
    return [strip_seconds(v) for v in d] if isinstance(d, list) else d


def test_cli_check_backend_takes_effect_with_numpys_verdict_and_numbers():
    argv = ("check", "gd.smooth", "--runs", "3", "--steps", "15", "--json")
    rc_np, out_np, _ = call(*argv)
    rc_xp, out_xp, _ = call(*argv, "--backend", "array_api_strict")
    a, b = strict_json(out_np), strict_json(out_xp)
    assert rc_np == rc_xp == 0 and a["verdict"] == b["verdict"] == "holds"
    assert strip_seconds(a) == strip_seconds(b) and len(a["setups"]) > 1


def test_compare_runs_under_the_backend():
    with pytest.raises(Unsupported, match="method_sum with gd and exact does not run under array_api_strict yet"):
        compare([("gd", "gd", {"lr": 0.01})], MethodSum(3), steps=2, seeds=2, backend="array_api_strict")


def test_cli_compare_backend_takes_effect_with_numpys_numbers(tmp_path):
    argv = ("compare", "--steps", "20", "--seeds", "3", "--json")
    rc_np, out_np, _ = call(*argv, "--plot", tmp_path / "a.png")
    rc_xp, out_xp, _ = call(*argv, "--plot", tmp_path / "b.png", "--backend", "array_api_strict")
    assert rc_np == rc_xp == 0 and strip_seconds(strict_json(out_np)) == strip_seconds(strict_json(out_xp))


class MethodSum(SinSquared):
    """sin_squared written with a NumPy method: the shape of an objective not ported yet."""

    name = "method_sum"

    def value(self, X):
        return (0.5 * X * X + self.a * backend_of(X).xp.sin(X) ** 2).sum(axis=1)


def test_check_under_a_backend_an_unported_setup_is_refused_naming_the_problem():
    setup = Setup(MethodSum(3), runs=2, steps=3, backend="array_api_strict")
    assert check("gd.smooth", [dataclasses.replace(setup, backend="numpy")]).verdict == "holds"
    with pytest.raises(Unsupported, match="method_sum with gd and exact does not run under array_api_strict yet"):
        check("gd.smooth", [setup])


@pytest.mark.parametrize("argv, why", [
    (("check", "heavy_ball.pl"), "property theorem"),
    (("check", "lower.det"), "lower bound"),
    (("check",), "give a theorem id"),
    (("study", "de2018", "--quick"), "study de2018 runs on numpy only"),
])
def test_cli_backend_refusals_are_one_line_naming_the_flag(argv, why, tmp_path):
    rc, out, err = call(*argv, "--backend", "array_api_strict", *(("--out", tmp_path / "s") if argv[0] == "study"
                                                                  else ()))
    assert rc == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("convcheck: error: --backend array_api_strict: ") and why in err


def test_inna_toy_study_runs_its_batch_under_the_backend_with_numpys_path():
    cfg = inna_toy.Config(steps=150)
    assert inna_toy.trajectory(cfg, "paper", "array_api_strict").tobytes() == inna_toy.trajectory(cfg, "paper").tobytes()
