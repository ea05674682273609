"""The runner's fused per-step reduction (kernels.fused.grad_stats) and the diagonal quadratic's fused gradient
(Quadratic.fused_grad_into through objectives.base.grad_writer), against the NumPy path.

Where numba runs them, the iterates are the NumPy path's bit for bit (the gradient kernel does NumPy's two IEEE
operations in its order); ||grad f||^2 is summed in another order than numpy's vecdot, so it and the records built
from it (min, sums, sum of norms) agree to rounding, <= 1e-13 relative, and the divergence steps are the same.
Without numba (CI) those tests skip; the hook's selection is tested either way with a stand-in module."""
from __future__ import annotations

import numpy as np
import pytest

from convcheck.reference import kernels, run
from convcheck.reference.objectives import Quadratic
from convcheck.reference.objectives.base import grad_writer
from convcheck.reference.optimizers import get

needs_numba = pytest.mark.skipif(not kernels.numba_available(), reason="numba is not installed (the 'numba' extra)")
R, D, STEPS = 9, 13, 30
OBJ = Quadratic.diagonal(np.linspace(0.5, 3.0, D), np.linspace(-1.0, 1.0, D))
X0 = np.random.default_rng(5).standard_normal((R, D))
MONITORED = ("grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm")
# steps with NumPy's bits under numba (Adam's kernel has torch's fused order, tests/test_kernels.py)
CASES = [("gd", {"lr": 0.3}), ("heavy_ball", {"lr": 0.1, "momentum": 0.9}), ("rmsprop", {"lr": 0.01})]


def both(name, hp, obj=OBJ, x0=X0, steps=STEPS, **kw):
    return [run(get(name), obj, x0, steps, hp, record=range(steps + 1), checkpoints=range(steps + 1), kernels=k,
                **kw) for k in ("numba", "numpy")]


def assert_close_records(fused, plain):
    for name in MONITORED:
        a, b = getattr(fused, name), getattr(plain, name)
        assert np.array_equal(np.isnan(a), np.isnan(b)), name
        ok = ~np.isnan(b)
        assert np.all(np.abs(a[ok] - b[ok]) <= 1e-13 * np.abs(b[ok])), name


# -- the hook (runs without numba) -----------------------------------------------------------------------


class _Stand_in:
    """A kernels module whose diagonal_affine declines (as for an unfit layout), counting its calls."""

    def __init__(self):
        self.calls = 0

    def diagonal_affine(self, out, x, a, b, has_b):
        self.calls += 1
        return False


class _CountingQuadratic(Quadratic):
    """Overrides grad alone: the runner must keep calling it, fused kernels or not."""

    def grad(self, X):
        return super().grad(X)


def test_grad_writer_takes_the_fused_writer_only_where_the_gradients_class_defines_it():
    stub, out = _Stand_in(), np.empty_like(X0)
    writer = grad_writer(OBJ, stub)
    assert writer(X0, out) is out and stub.calls == 1
    assert out.tobytes() == OBJ.grad(X0).tobytes()  # declined: grad_into ran, with grad's bits
    assert grad_writer(OBJ) == OBJ.grad_into
    counting = _CountingQuadratic.diagonal(OBJ.eigs, OBJ.b)
    assert grad_writer(counting, stub) is None and grad_writer(counting) is None


def test_a_dense_quadratic_keeps_its_matmul():
    stub, obj = _Stand_in(), Quadratic.random(D, 3.0, seed=2)
    out = np.empty_like(X0)
    assert grad_writer(obj, stub)(X0, out) is out and stub.calls == 0
    assert out.tobytes() == obj.grad(X0).tobytes()


# -- the kernels -----------------------------------------------------------------------------------------


@needs_numba
@pytest.mark.parametrize("b", [np.linspace(-1.0, 1.0, D), None], ids=["b", "b=0"])
def test_fused_gradient_is_numpys_bit_for_bit(b):
    obj = Quadratic.diagonal(np.linspace(-0.5, 3.0, D), b)
    x = np.random.default_rng(1).standard_normal((R, D)) * 1e3
    x[0, :3] = [np.inf, np.nan, -0.0]
    out = np.full_like(x, 7.0)
    assert grad_writer(obj, kernels.select(np, "numba"))(x, out) is out
    assert out.tobytes() == obj.grad(x).tobytes()


@needs_numba
@pytest.mark.parametrize("d", [D, 67])  # the in-order sum; from LONG_ROW = 64 on, 4 partial sums and a remainder
def test_grad_stats_is_the_numpy_reductions_to_rounding_nan_and_inf_included(d):
    """One call against the NumPy path's operations, from carried state that is already NaN / diverged in places."""
    assert (d < kernels.select(np, "numba").LONG_ROW) == (d == D)
    g = np.random.default_rng(2).standard_normal((6, d))
    g[1, 4], g[2, 0], g[3, :] = np.nan, np.inf, 1e60  # NaN; inf; ||g||^2 = d 1e120 > blowup
    min0 = np.array([np.inf, 0.5, np.nan, 3.0, 1e-9, 2.0])
    sums0, norms0 = np.arange(6.0), np.arange(6.0) * 2
    div0 = np.array([-1, -1, -1, -1, 4, -1])
    g2, gn, mn, s2, s1, dv = np.empty(6), np.empty(6), min0.copy(), sums0.copy(), norms0.copy(), div0.copy()
    assert kernels.select(np, "numba").grad_stats(g, 7, 1e100, g2, gn, mn, s2, s1, dv)
    want = np.vecdot(g, g)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(g2, want, rtol=1e-15)
        np.testing.assert_allclose(gn, np.sqrt(want), rtol=1e-15)
        np.testing.assert_allclose(mn, np.minimum(min0, want), rtol=1e-15)
        np.testing.assert_allclose(s2, sums0 + want, rtol=1e-15)
        np.testing.assert_allclose(s1, norms0 + np.sqrt(want), rtol=1e-15)
    assert dv.tolist() == [-1, 7, 7, 7, 4, -1]  # NaN, inf and beyond the level diverge now; step 4's stays


@needs_numba
@pytest.mark.parametrize("name, hp", CASES, ids=[c[0] for c in CASES])
def test_fused_runner_has_numpys_iterates_and_its_records_to_rounding(name, hp):
    fused, plain = both(name, hp)
    assert fused.meta["kernels"] == "numba" and plain.meta["kernels"] == "numpy"
    assert fused.iterates.tobytes() == plain.iterates.tobytes() and fused.f.tobytes() == plain.f.tobytes()
    assert_close_records(fused, plain)
    assert not np.array_equal(fused.iterates[-1], X0) and np.all(plain.sum_grad_sq[-1] > 0)  # it moved, it summed


@needs_numba
def test_long_rows_too():
    """d = 67: ||g||^2 in 4 partial sums; iterates still NumPy's bits, records to rounding."""
    obj = Quadratic.diagonal(np.linspace(0.5, 3.0, 67), np.linspace(-1.0, 1.0, 67))
    fused, plain = both("gd", {"lr": 0.3}, obj=obj, x0=np.random.default_rng(6).standard_normal((4, 67)), steps=10)
    assert fused.iterates.tobytes() == plain.iterates.tobytes()
    assert_close_records(fused, plain)
    assert not np.array_equal(fused.grad_sq, plain.grad_sq)  # another summation order: rounding shows


@needs_numba
def test_diverging_runs_diverge_at_the_same_step():
    """Per-run step sizes: GD on diag(eigs) diverges where lr max(eigs) > 2, at a step that grows as lr nears 2/3."""
    lr = np.linspace(0.3, 1.2, R)[:, None]
    fused, plain = both("gd", {"lr": lr}, steps=120, blowup=1e30, thresholds=[1e-3, 1.0])
    assert fused.diverged_at.tolist() == plain.diverged_at.tolist()
    assert (fused.diverged_at >= 0).sum() >= 3 and (fused.diverged_at == -1).sum() >= 3
    assert len(set(fused.diverged_at[fused.diverged_at >= 0].tolist())) >= 3  # three different steps
    assert all(np.array_equal(fused.hitting_times[k], plain.hitting_times[k]) for k in plain.hitting_times)
    assert np.array_equal(np.isnan(fused.iterates), np.isnan(plain.iterates))
    assert_close_records(fused, plain)
    fused, plain = both("gd", {"lr": lr * 1e3}, steps=120)  # to inf, then NaN, under the default level
    assert fused.diverged_at.tolist() == plain.diverged_at.tolist() and (fused.diverged_at >= 0).all()


@needs_numba
def test_a_monitor_may_keep_the_norms_it_was_handed():
    """||grad f||^2 comes in a fresh vector each step, as row_dot's does: a monitor may keep it (and x) unchanged."""
    kept = []
    trace = run(get("gd"), OBJ, X0, STEPS, {"lr": 0.3}, record=range(STEPS + 1),
                monitors=[lambda q: kept.append((q["grad_sq"], q["grad_sq"].copy()))], kernels="numba")
    assert len(kept) == STEPS and len({id(a) for a, _ in kept}) == STEPS
    assert all(np.array_equal(a, c) for a, c in kept)
    assert np.array_equal(np.stack([a for a, _ in kept]), trace.grad_sq[:-1])


@needs_numba
def test_an_unfit_layout_takes_the_numpy_reductions():
    """A Fortran-ordered batch: the kernels decline it, and the records are the NumPy path's, bit for bit."""
    fused, plain = both("gd", {"lr": 0.3}, x0=np.asfortranarray(X0))
    for name in ("x_final", "f", *MONITORED):
        assert getattr(fused, name).tobytes() == getattr(plain, name).tobytes(), name
