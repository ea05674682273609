"""The CuPy fused steps' C snippets (reference/kernels/elementwise.py), checked without a GPU.

Each snippet of ``SNIPPETS`` is compiled, unchanged, into a CPU loop by the system C compiler (through ctypes;
-O2 -ffp-contract=off -fno-fast-math: no a * b + c contracted into an FMA, as NVRTC's --fmad=false on the GPU)
and put in the runner in place of the numba kernels: over 10 steps, every convention with a snippet, with scalar,
per-run-column and scheduled hyperparameters, gives the NumPy step's bits (each snippet performs the NumPy step's
operations in its order; Adam's is torch's single-tensor order, the NumPy step's). Skipped where there is no
C compiler. The same runs through CuPy on a GPU are compared with NumPy to 1e-12 (skipped without a GPU: no GPU
has run them yet, so the bitwise claim on a GPU is not asserted).
"""
from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
import types

import numpy as np
import pytest

from convcheck.reference import kernels, run
from convcheck.reference.backend import cupy_available
from convcheck.reference.kernels import elementwise
from convcheck.reference.kernels.elementwise import SNIPPETS, FusedSteps, defines
from convcheck.reference.objectives import Quadratic
from convcheck.reference.optimizers import get
from convcheck.reference.schedules import Schedule

from cli_support import call

R, D, STEPS = 5, 7, 10
OBJ = Quadratic.diagonal(np.linspace(0.5, 3.0, D), np.linspace(-1.0, 1.0, D))
X0 = np.random.default_rng(11).standard_normal((R, D))
COLUMN = np.linspace(0.02, 0.2, R)[:, None]  # a per-run hyperparameter
DECAYING = Schedule("inverse_sqrt", lambda t: 0.1 / (t + 1.0) ** 0.5, {"lr0": 0.1})
RMSPROP = [({"centered": c, "xi_inside": i, "momentum_form": f}, {"lr": lr, "xi": 1e-3, "momentum": mu})
           for c in (False, True) for i in (False, True)
           for f, mu, lr in (("torch", 0.0, 0.01), ("torch", COLUMN * 4, COLUMN), ("optax", 0.9, DECAYING))]

# (optimizer, convention, hyperparameters): every convention with a snippet; scalar, column and schedule
CASES = [
    ("gd", {}, {"lr": 0.1}), ("gd", {}, {"lr": COLUMN}), ("sgd", {}, {"lr": DECAYING}),
    ("heavy_ball", {}, {"lr": 0.1, "dampening": 0.2}), ("heavy_ball", {}, {"lr": COLUMN, "momentum": COLUMN * 4}),
    ("heavy_ball", {"form": "ema"}, {"lr": COLUMN, "momentum": COLUMN * 4}), ("ema_momentum", {}, {"lr": 0.1}),
    ("nag", {}, {"lr": 0.1}), ("nag", {}, {"lr": COLUMN, "momentum": COLUMN * 4}), ("nag", {}, {"lr": DECAYING}),
    ("nag", {"form": "sutskever"}, {"lr": 0.1}), ("nag", {"form": "sutskever"}, {"lr": COLUMN, "momentum": COLUMN}),
    *(("rmsprop", conv, hp) for conv, hp in RMSPROP), ("rmsprop_root", {}, {"lr": 0.01, "xi_root": 1e-4}),
    ("clipped_gd", {}, {"lr": 0.3, "clip": 0.5}), ("clipped_gd", {"form": "soft"}, {"lr": COLUMN, "clip": 0.5}),
    ("clipped_sgd", {"denominator": "torch"}, {"lr": 0.3, "clip": 0.5}), ("normalized_gd", {}, {"lr": 0.1, "xi": 0.0}),
    ("adam", {}, {"lr": 0.1}), ("adam", {}, {"lr": COLUMN, "beta1": COLUMN * 4, "beta2": 1.0 - COLUMN / 10}),
    ("adam", {"bias_correction": False}, {"lr": DECAYING}), ("adam", {"amsgrad": True}, {"lr": 0.1, "beta2": 0.5}),
    ("adam", {"amsgrad": "torch", "bias_correction": False}, {"lr": COLUMN, "beta2": 0.5}),
    ("adam_l2", {}, {"lr": 0.1, "weight_decay": 0.1}), ("adam_l2", {"amsgrad": True}, {"lr": 0.1, "weight_decay": COLUMN}),
    ("adamw", {}, {"lr": 0.1, "weight_decay": 0.1}), ("adamw", {"decay": "schedule"}, {"lr": DECAYING}),
    ("adamw", {"amsgrad": True}, {"lr": COLUMN, "weight_decay": COLUMN, "beta2": 0.5}),
    ("adamprox", {}, {"lr": DECAYING, "weight_decay": 0.5}), ("adamprox", {"amsgrad": True}, {"lr": COLUMN}),
]
IDS = [f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)]


# -- the snippets as a CPU loop ------------------------------------------------------------------------


def _symbol(name, values) -> str:
    return "_".join([name, *(f"{k}{int(v)}" for k, v in sorted(values.items()))])


def c_source() -> str:
    """Every variant of every snippet as a C function over n = R d elements: the arrays read into locals named as
    the kernel's parameters (a hyperparameter from its run's row where it is a column), the body verbatim, the
    updated locals written back (what a CuPy ElementwiseKernel does per element)."""
    parts = ["#include <math.h>\n"]
    for name, snippet in SNIPPETS.items():
        for values in snippet.variants():
            reads, updates = snippet.arrays(values)
            params = ["long n_", "long d_", *(f"const double *{a}_" for a in reads), *(f"double *{a}_" for a in updates),
                      *(f"const double *{h}_, long {h}_col" for h in snippet.hyper)]
            parts += [defines(values), f"void {_symbol(name, values)}({', '.join(params)}) {{\n",
                      "  for (long k_ = 0; k_ < n_; ++k_) {\n    const long r_ = k_ / d_;\n",
                      *(f"    const double {a} = {a}_[k_];\n" for a in reads),
                      *(f"    const double {h} = {h}_[{h}_col ? r_ : 0];\n" for h in snippet.hyper),
                      *(f"    double {a} = {a}_[k_];\n" for a in updates),
                      "    {\n", snippet.body, ";\n    }\n",
                      *(f"    {a}_[k_] = {a};\n" for a in updates), "  }\n}\n",
                      *(f"#undef {k}\n" for k in values)]
    return "".join(parts)


@pytest.fixture(scope="module")
def c_loops(tmp_path_factory):
    compiler = shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler (cc) on PATH")
    folder = tmp_path_factory.mktemp("snippets")
    (folder / "snippets.c").write_text(c_source())
    subprocess.run([compiler, "-O2", "-ffp-contract=off", "-fno-fast-math", "-shared", "-fPIC", "-o",
                    str(folder / "snippets.so"), str(folder / "snippets.c"), "-lm"], check=True)
    return ctypes.CDLL(str(folder / "snippets.so"))


class CTwin(FusedSteps):
    """The fused steps over the compiled CPU loops; counts its launches."""

    def __init__(self, lib):
        super().__init__("c_twin", self._launch_c, self._fits_c)
        self.lib, self.launches = lib, 0

    @staticmethod
    def _fits_c(*arrays) -> bool:
        shape = arrays[0].shape
        return len(shape) == 2 and all(isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == shape
                                       and a.flags.c_contiguous for a in arrays)

    def _launch_c(self, name, values, arrays, hyper):
        snippet = SNIPPETS[name]
        reads, updates = snippet.arrays(values)
        R, d = arrays["x"].shape
        columns = [np.ascontiguousarray(np.asarray(hyper[h], dtype=np.float64).reshape(-1)) for h in snippet.hyper]
        assert all(c.size in (1, R) for c in columns)
        pointer = ctypes.POINTER(ctypes.c_double)
        args = [ctypes.c_long(R * d), ctypes.c_long(d), *(arrays[a].ctypes.data_as(pointer) for a in reads + updates)]
        for c in columns:
            args += [c.ctypes.data_as(pointer), ctypes.c_long(int(c.size > 1))]
        getattr(self.lib, _symbol(name, values))(*args)
        self.launches += 1


def _trace(name, conv, hp, x0=X0, **kw):
    return run(get(name, **conv), OBJ, x0, STEPS, hp, record=range(STEPS + 1), checkpoints=range(STEPS + 1), **kw)


@pytest.mark.parametrize("name, conv, hp", CASES, ids=IDS)
def test_each_snippet_compiled_for_the_cpu_is_the_numpy_step_bit_for_bit(monkeypatch, c_loops, name, conv, hp):
    twin = CTwin(c_loops)
    monkeypatch.setattr(kernels, "select", lambda xp, choice=None: None if choice == "numpy" else twin)
    fused, plain = _trace(name, conv, hp), _trace(name, conv, hp, kernels="numpy")
    assert fused.meta["kernels"] == "c_twin" and plain.meta["kernels"] == "numpy"
    assert twin.launches == STEPS  # every step ran its snippet (none declined to the NumPy path)
    assert np.isfinite(plain.iterates).all() and np.ptp(plain.iterates[-1]) > 0
    assert fused.iterates.tobytes() == plain.iterates.tobytes()
    assert fused.f.tobytes() == plain.f.tobytes()


def test_the_cases_cover_every_variant_a_step_can_launch(monkeypatch, c_loops):
    """Every switch combination the optimizers reach is among CASES (the rest of the table is unused)."""
    twin = CTwin(c_loops)
    seen = set()
    launch = twin._launch

    def spy(name, values, arrays, hyper):
        seen.add(_symbol(name, values))
        launch(name, values, arrays, hyper)

    twin._launch = spy
    monkeypatch.setattr(kernels, "select", lambda xp, choice=None: twin)
    for name, conv, hp in CASES:
        run(get(name, **conv), OBJ, X0, 2, hp)
    adam = [v for v in SNIPPETS["adam"].variants() if v["COUPLED"] + v["DECOUPLED"] + v["PROX"] <= 1]  # one decay
    expected = {_symbol("descend", {}), _symbol("nag_sutskever", {}),
                *(_symbol(n, {"FIRST": f}) for n in ("heavy_ball", "nag_torch") for f in (0, 1)),
                *(_symbol("rmsprop", v) for v in SNIPPETS["rmsprop"].variants()), *(_symbol("adam", v) for v in adam)}
    assert len(expected) == 6 + 12 + 8 and seen == expected


def test_a_declined_layout_takes_the_numpy_step(monkeypatch, c_loops):
    twin = CTwin(c_loops)
    out = np.empty((R, D))
    assert not twin.descend(out, np.asfortranarray(X0), X0, 0.1) and twin.launches == 0
    assert not twin.adam(out, X0, X0.copy(), X0.astype(np.float32), None, X0, 0.9, 0.999, 1e-8, 0.1, 1.0)


def fake_cupy(twin):
    """A stand-in for the cupy module whose ElementwiseKernel runs the compiled CPU loop of the snippet it is given,
    mapping the call's arguments to the parameter names it was declared with: the CuPy wrapper's plumbing
    (parameter lists, argument order, switches as #defines, NVRTC options) is then checked without a GPU."""

    class ElementwiseKernel:
        def __init__(self, in_params, out_params, operation, name, preamble, options, no_return):
            self.step = name.removeprefix("convcheck_")
            assert operation == SNIPPETS[self.step].body and options == ("--fmad=false",) and no_return
            declared = [p.split() for p in (in_params + ", " + out_params).split(", ")]
            assert all(kind == "float64" for kind, _ in declared)
            self.names = [p for _, p in declared]
            self.values = {k: int(v) for k, v in re.findall(r"#define (\w+) (\d+)", preamble)}

        def __call__(self, *args):
            assert len(args) == len(self.names)
            named = dict(zip(self.names, args))
            snippet = SNIPPETS[self.step]
            twin._launch_c(self.step, self.values, {a: named[a] for a in sum(snippet.arrays(self.values), ())},
                           {h: named[h] for h in snippet.hyper})

    return types.SimpleNamespace(ElementwiseKernel=ElementwiseKernel, ndarray=np.ndarray, float64=np.float64,
                                 asarray=np.asarray)


@pytest.mark.parametrize("name, conv, hp", CASES, ids=IDS)
def test_the_cupy_wrapper_hands_each_kernel_its_arguments_in_order(monkeypatch, c_loops, name, conv, hp):
    twin = CTwin(c_loops)
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(twin))
    monkeypatch.setattr(elementwise, "_cupy", {})  # kernels built afresh, by the stand-in
    monkeypatch.setattr(kernels, "select", lambda xp, choice=None: None if choice == "numpy" else
                        elementwise.cupy_steps())
    through_cupy, plain = _trace(name, conv, hp), _trace(name, conv, hp, kernels="numpy")
    assert through_cupy.meta["kernels"] == "cupy" and twin.launches == STEPS
    assert through_cupy.iterates.tobytes() == plain.iterates.tobytes()


# -- the switch ----------------------------------------------------------------------------------------


def test_cupy_kernels_without_a_gpu_are_refused_naming_why(monkeypatch):
    monkeypatch.setattr(kernels, "cupy_available", lambda: False)
    with pytest.raises(ValueError, match=r"^kernels 'cupy' requested but no CuPy with a CUDA device is available"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1}, kernels="cupy")
    monkeypatch.setattr(kernels, "cupy_available", lambda: True)
    with pytest.raises(ValueError, match=r"^kernels 'cupy' requested but these arrays are numpy's, not CuPy's"):
        run(get("gd"), OBJ, X0, 2, {"lr": 0.1}, kernels="cupy")
    trace = run(get("gd"), OBJ, X0, 2, {"lr": 0.1}, kernels="auto")  # auto never picks CuPy for NumPy arrays
    assert trace.meta["kernels"] in ("numpy", "numba")


def test_the_cli_refuses_cupy_kernels_without_a_gpu_in_one_line(monkeypatch):
    monkeypatch.setattr(kernels, "cupy_available", lambda: False)
    monkeypatch.setenv(kernels.ENV, "cupy")
    rc, out, err = call("run", "--runs", "2", "--steps", "3", "--optimizer", "adam", "--json")
    assert rc == 2 and out == "" and err.count("\n") == 1 and "$CONVCHECK_KERNELS 'cupy' requested" in err


# -- on a GPU (skipped without one) ---------------------------------------------------------------------

needs_gpu = pytest.mark.skipif(not cupy_available(), reason="no CuPy with a CUDA device (no GPU on this machine)")


@needs_gpu
@pytest.mark.parametrize("name, conv, hp", CASES, ids=IDS)
def test_cupy_kernels_follow_the_numpy_step_on_a_gpu(name, conv, hp):
    import cupy

    fused, plain = _trace(name, conv, hp, x0=cupy.asarray(X0), kernels="cupy"), _trace(name, conv, hp, kernels="numpy")
    assert fused.meta["kernels"] == "cupy" and fused.backend == "cupy"
    scale = np.abs(plain.iterates).max()
    np.testing.assert_allclose(fused.iterates, plain.iterates, rtol=1e-12, atol=1e-12 * scale)
