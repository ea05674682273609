"""The fused numba kernels (reference/kernels): the switch, the NumPy steps' bits for every kernel but Adam's, and
torch's fused Adam bit for bit (tests/golden/torch_fused_adam.json, recorded by record_torch_fused_adam.py).

Without numba (CI) the kernel tests skip, naming why; the switch's refusals are tested either way."""
from __future__ import annotations

import json

import numpy as np
import pytest

from convcheck.reference import kernels, run
from convcheck.reference.buffers import Workspace, donated
from convcheck.reference.objectives import Quadratic
from convcheck.reference.optimizers import get
from convcheck.reference.schedules import Schedule

from cli_support import call
from golden_support import GOLDEN_DIR, digest, fused_adam_inputs
from golden_support import Quadratic as TwoX

needs_numba = pytest.mark.skipif(not kernels.numba_available(), reason="numba is not installed (the 'numba' extra)")
R, D, STEPS = 7, 13, 25
OBJ = Quadratic.diagonal(np.linspace(0.5, 3.0, D), np.linspace(-1.0, 1.0, D))
X0 = np.random.default_rng(3).standard_normal((R, D))
COLUMN = np.linspace(0.02, 0.2, R)[:, None]  # a per-run lr
DECAYING = Schedule("inverse_sqrt", lambda t: 0.1 / (t + 1.0) ** 0.5, {"lr0": 0.1})

# (optimizer, convention, hyperparameters): every convention with a bitwise kernel, scalar / column / schedule
BITWISE = [
    ("gd", {}, {"lr": 0.1}), ("gd", {}, {"lr": COLUMN}), ("sgd", {}, {"lr": DECAYING}),
    ("heavy_ball", {}, {"lr": 0.1, "dampening": 0.2}), ("heavy_ball", {}, {"lr": COLUMN, "momentum": COLUMN * 4}),
    ("heavy_ball", {"form": "ema"}, {"lr": COLUMN, "momentum": COLUMN * 4}), ("ema_momentum", {}, {"lr": 0.1}),
    ("nag", {}, {"lr": 0.1}), ("nag", {}, {"lr": DECAYING}), ("nag", {"form": "sutskever"}, {"lr": COLUMN}),
    ("rmsprop", {}, {"lr": 0.01}), ("rmsprop", {"xi_inside": True}, {"lr": COLUMN, "xi": 1e-3}),
    ("rmsprop", {"centered": True}, {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop", {"centered": True, "xi_inside": True}, {"lr": DECAYING, "momentum": 0.5}),
    ("rmsprop", {"momentum_form": "optax"}, {"lr": DECAYING, "momentum": 0.9}),
    ("rmsprop_root", {}, {"lr": 0.01, "xi_root": 1e-4}),
    ("clipped_gd", {}, {"lr": 0.3, "clip": 0.5}), ("clipped_gd", {"form": "soft"}, {"lr": COLUMN, "clip": 0.5}),
    ("clipped_sgd", {"denominator": "torch"}, {"lr": 0.3, "clip": 0.5}),
    ("normalized_gd", {}, {"lr": 0.1, "xi": 0.0}),
]


def _run(name, conv, hp, which, x0=X0, **kw):
    return run(get(name, **conv), OBJ, x0, STEPS, hp, kernels=which, checkpoints=range(STEPS + 1), **kw)


# -- the switch (with or without numba) ---------------------------------------------------------------


def test_an_unknown_choice_is_refused_naming_it(monkeypatch):
    with pytest.raises(ValueError, match="kernels must be 'auto', 'numpy', 'numba' or 'cupy'; got 'fast'"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1}, kernels="fast")
    monkeypatch.setenv(kernels.ENV, "llvm")
    with pytest.raises(ValueError, match=r"\$CONVCHECK_KERNELS must be .*got 'llvm'"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1})
    monkeypatch.setenv(kernels.ENV, "")  # empty is unset, as the shell's VAR= clears an exported choice
    assert kernels.requested() == "auto"
    with pytest.raises(ValueError, match="kernels must be .*got ''"):
        kernels.requested("")  # an argument is never "unset": the empty string is refused


def test_numba_without_numba_is_refused(monkeypatch):
    monkeypatch.setattr(kernels, "numba_available", lambda: False)
    with pytest.raises(ValueError, match="kernels 'numba' requested but numba is not installed"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1}, kernels="numba")
    monkeypatch.setenv(kernels.ENV, "numba")
    with pytest.raises(ValueError, match=r"\$CONVCHECK_KERNELS 'numba' requested but numba is not installed"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1})
    monkeypatch.delenv(kernels.ENV)
    trace = run(get("gd"), OBJ, X0, 2, {"lr": 0.1})  # auto: the NumPy steps, recorded as such
    assert trace.meta["kernels"] == "numpy"


@pytest.mark.parametrize("value, why", [("numba", "numba is not installed"), ("nuumba", "must be 'auto', 'numpy', "
                                                                                  "'numba' or 'cupy'; got 'nuumba'")])
def test_the_cli_refuses_a_kernel_choice_it_cannot_honour_in_one_line(monkeypatch, value, why):
    monkeypatch.setattr(kernels, "numba_available", lambda: False)
    monkeypatch.setenv(kernels.ENV, value)
    rc, out, err = call("run", "--runs", "2", "--steps", "3", "--optimizer", "adam", "--json")
    assert rc == 2 and out == "" and err.count("\n") == 1 and "$CONVCHECK_KERNELS" in err and why in err


def test_numpy_choice_takes_the_numpy_steps(monkeypatch):
    assert run(get("adam"), OBJ, X0, 2, kernels="numpy").meta["kernels"] == "numpy"
    monkeypatch.setenv(kernels.ENV, "numpy")
    assert Workspace(X0).fused is None


# -- the kernels --------------------------------------------------------------------------------------


@needs_numba
@pytest.mark.parametrize("name, conv, hp", BITWISE, ids=lambda v: v if isinstance(v, str) else None)
def test_kernel_is_the_numpy_step_bit_for_bit(name, conv, hp):
    fused, plain = _run(name, conv, hp, "numba"), _run(name, conv, hp, "numpy")
    assert fused.meta["kernels"] == "numba" and plain.meta["kernels"] == "numpy"
    assert fused.iterates.tobytes() == plain.iterates.tobytes()
    assert np.isfinite(fused.iterates).all() and fused.iterates[-1].tobytes() != X0.tobytes()  # it moved


@needs_numba
def test_a_declined_layout_takes_the_numpy_step():
    """A Fortran-ordered batch is not C-contiguous: the kernel declines it, the NumPy step runs, same bits."""
    xf = np.asfortranarray(X0)
    for name, conv, hp in (BITWISE[3], BITWISE[10]):
        assert _run(name, conv, hp, "numba", x0=xf).iterates.tobytes() == _run(name, conv, hp, "numpy").iterates.tobytes()


@needs_numba
def test_the_pure_step_follows_the_switch(monkeypatch):
    """step (pure) runs the kernel too, and leaves its inputs alone; CONVCHECK_KERNELS=numpy turns it off."""
    opt = get("adam")
    hp = opt.hyperparameters({"lr": 0.05})
    state, g = opt.init(X0, hp), OBJ.grad(X0)
    before = {k: v.copy() for k, v in state.items()}
    fused = opt.step(state, g, hp, 0)
    monkeypatch.setenv(kernels.ENV, "numpy")
    plain = opt.step(state, g, hp, 0)
    assert all(np.array_equal(state[k], before[k]) for k in state)
    assert np.abs(fused["x"] - plain["x"]).max() <= 1e-15 and fused["x"].tobytes() != plain["x"].tobytes()


JOINABLE = [("gd", {"lr": 0.1}), ("heavy_ball", {"lr": 0.1, "dampening": 0.2}),
            ("rmsprop", {"lr": 0.01, "momentum": 0.9}), ("adam", {"lr": 0.05}),
            ("adamw", {"lr": 0.05, "weight_decay": 0.1})]


@needs_numba
@pytest.mark.parametrize("name, hp", JOINABLE, ids=[n for n, _ in JOINABLE])
def test_runs_joined_into_one_row_keep_their_bits(name, hp):
    """Scalar hyperparameters let a kernel see k runs as one row (fused._view: here all 7 as one of 91); the same
    values as per-run columns keep one run per row. Same bits, Adam's torch tail included."""
    assert kernels.select(np, "numba")._group(R, D) == R
    joined = _run(name, {}, hp, "numba")
    apart = _run(name, {}, {k: np.full((R, 1), v) for k, v in hp.items()}, "numba")
    assert joined.iterates.tobytes() == apart.iterates.tobytes() and np.isfinite(joined.iterates).all()


# -- torch's fused Adam, bit for bit -----------------------------------------------------------------

GOLDEN = json.loads((GOLDEN_DIR / "torch_fused_adam.json").read_text())
CASES = {c["name"]: c for c in GOLDEN["cases"]}


def _first_difference(case, arrays_per_step):
    """(step, array) of the first digest that differs from torch's, or None: all coordinates, every step."""
    for t, (want, got) in enumerate(zip(case["digests"], arrays_per_step)):
        for name in ("m", "v", "vmax", "x"):  # the order the step computes them: the first names the operation
            if name in want and digest(got[name]) != want[name]:
                return t, name
    return None


def _replay_steps(case, which):
    """The case's "noise" gradients through step_into, as the runner calls it; per step x, m, v (vmax)."""
    x0, gs = fused_adam_inputs(GOLDEN["seed"], GOLDEN["R"], GOLDEN["d"], GOLDEN["steps"])
    opt = get(case["optimizer"], **case["convention"])
    hp = opt.hyperparameters({**case["hp"], "lr": case["lr_per_step"][0]})
    state, out = donated(opt.init(x0, hp), GOLDEN["R"]), []
    for t, lr in enumerate(case["lr_per_step"]):
        state = opt.step_into(state, gs[t], {**hp, "lr": lr}, t, Workspace(x0, kernels=which))
        out.append({k: state[k].copy() for k in ("x", "m", "v", "vmax") if k in state})
    return out


NOISE = [n for n, c in CASES.items() if c["gradient"] == "noise"]
QUAD = [n for n, c in CASES.items() if c["gradient"] == "quad"]


@needs_numba
@pytest.mark.parametrize("name", NOISE)
def test_adam_kernel_is_torch_fused_adam_bit_for_bit(name):
    assert _first_difference(CASES[name], _replay_steps(CASES[name], "numba")) is None


@needs_numba
@pytest.mark.parametrize("name", QUAD)
def test_runner_with_adam_kernel_is_torch_fused_adam_bit_for_bit(name):
    """Through reference.run on f = sum x^2 (g = 2 x, exact in both): every iterate and moment of 10 steps."""
    case = CASES[name]
    x0, _ = fused_adam_inputs(GOLDEN["seed"], GOLDEN["R"], GOLDEN["d"], GOLDEN["steps"])
    steps = GOLDEN["steps"]
    trace = run(get(case["optimizer"], **case["convention"]), TwoX(GOLDEN["d"]), x0, steps,
                {**case["hp"], "lr": case["lr_per_step"][0]}, kernels="numba", checkpoints=range(1, steps + 1),
                checkpoint_state=("m", "v"))
    per_step = [{"x": trace.iterates[t], "m": trace.states["m"][t], "v": trace.states["v"][t]} for t in range(steps)]
    assert trace.meta["kernels"] == "numba" and _first_difference(case, per_step) is None


def test_the_golden_tells_torchs_two_orders_apart():
    """The NumPy step (torch's single-tensor order) ends within rounding of the fused trajectory but not on its
    bits: the recorder saw coordinates differ, and replaying the NumPy step misses a digest."""
    for name in NOISE:
        case = CASES[name]
        assert case["single_tensor_coords_differing"] > 0 and case["single_tensor_max_abs_diff"] < 1e-14
    assert _first_difference(CASES["adam"], _replay_steps(CASES["adam"], "numpy")) is not None
