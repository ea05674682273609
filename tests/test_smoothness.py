"""The local-smoothness estimator: exact on quadratics, below L on L-smooth objectives, below the
(L0,L1) first-order bound B(c)(L0 + L1 ||grad f(x_prev)||) for steps within c/L1, the released code's
midpoint rule as a special case, NaN (reported) for zero steps, and shapes along trajectories."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from objective_support import points, row_norm
from convcheck.reference.objectives import CoshSum, MexicanHat, Quadratic, QuarticSum, SinSquared
from convcheck.reference.objectives.l0l1 import gronwall_factor
from convcheck.reference.smoothness import local_smoothness, trajectory_smoothness


def test_exact_on_a_quadratic():
    A = np.diag([1.0, 4.0, 9.0])
    obj = Quadratic(A)
    rng = np.random.default_rng(0)
    X0, X1 = rng.standard_normal((2, 50, 3))
    D = X1 - X0
    assert np.allclose(local_smoothness(obj, X0, X1), row_norm(D @ A) / row_norm(D), rtol=1e-12)


@given(a=st.floats(0.0, 3.0), data=st.data())
def test_at_most_L_on_an_L_smooth_objective(a, data):
    obj = SinSquared(d=3, a=a)
    X0 = data.draw(points(3, rows=4, radius=4.0))
    X1 = X0 + data.draw(points(3, rows=4, radius=2.0))
    est = local_smoothness(obj, X0, X1)
    ok = row_norm(X1 - X0) > 1e-6 * (1 + row_norm(X0))  # rounding in grad differences is ~1e-16 / step
    assert np.all(est[ok] <= obj.constants["L"] * (1 + 1e-8))


@given(obj=st.sampled_from([CoshSum(d=2, a=1.5), QuarticSum(d=3), MexicanHat(d=3, witness=1)]),
       c=st.sampled_from([0.5, 1.0]), data=st.data())
def test_below_the_l0l1_first_order_bound(obj, c, data):
    L0, L1 = obj.constants["L0"], obj.constants["L1"]
    X0 = data.draw(points(obj.d, rows=4, radius=3.0))
    D = data.draw(points(obj.d, rows=4, radius=1.0))
    D = D * (c / L1) / np.maximum(row_norm(D), c / L1)[:, None]  # ||D|| <= c / L1
    X1 = X0 + D
    est = local_smoothness(obj, X0, X1)
    ok = row_norm(D) > 1e-6 * (1 + row_norm(X0))  # rounding in grad differences is ~1e-16 / step
    bound = gronwall_factor(c) * (L0 + L1 * row_norm(obj.grad(X0)))
    assert np.all(est[ok] <= bound[ok] * (1 + 1e-8))


def test_midpoint_rule_and_max_over_fractions():
    """fractions=(0.5,) is the released code's estimate ||grad f(mid) - grad f(x)|| / (||x' - x||/2);
    the default takes the max over more points, so it is at least as large."""
    obj = CoshSum(d=2, a=1.0)
    rng = np.random.default_rng(1)
    X0 = rng.uniform(-3, 3, (20, 2))
    X1 = X0 + rng.uniform(-1, 1, (20, 2))
    mid = 0.5 * (X0 + X1)
    expected = row_norm(obj.grad(mid) - obj.grad(X0)) / (0.5 * row_norm(X1 - X0))
    assert np.allclose(local_smoothness(obj, X0, X1, fractions=(0.5,)), expected, rtol=1e-14)
    assert np.all(local_smoothness(obj, X0, X1) >= expected * (1 - 1e-14))
    assert np.array_equal(local_smoothness(obj, X0, X1, grad_prev=obj.grad(X0)), local_smoothness(obj, X0, X1))


def test_zero_step_is_nan_and_reported():
    obj = CoshSum(d=2)
    X0 = np.array([[1.0, 2.0], [0.5, 0.5]])
    X1 = np.array([[1.0, 2.0], [0.6, 0.5]])
    est = local_smoothness(obj, X0, X1)
    assert np.isnan(est[0]) and np.isfinite(est[1])
    out = trajectory_smoothness(obj, np.stack([X0, X1]))
    assert out["undefined"].tolist() == [[True, False]]


def test_trajectory_along_gd_tracks_gradient_norm():
    """GD on cosh from several starts: shapes (T, R), and local smoothness grows with ||grad f||
    (ZHSJ's positive correlation; here f'' = cosh ~ 1 + |f'| exactly)."""
    obj = CoshSum(d=1, a=1.0)
    X = np.array([[0.5], [2.0], [4.0]])
    path = [X]
    for _ in range(30):
        X = X - 0.02 * obj.grad(X)
        path.append(X)
    out = trajectory_smoothness(obj, np.stack(path))
    assert out["smoothness"].shape == (30, 3) and out["grad_norm"].shape == (30, 3)
    s, g = out["smoothness"].ravel(), out["grad_norm"].ravel()
    order = np.argsort(g)
    assert np.all(np.diff(s[order]) >= -1e-12)  # monotone in the gradient norm
    # f'' = cosh is increasing in |u| and each step moves toward 0: f''(x) <= estimate <= f''(x_prev)
    P = np.stack(path)[:, :, 0]
    assert np.all(s <= np.cosh(P[:-1]).ravel() * (1 + 1e-12)) and np.all(s >= np.cosh(P[1:]).ravel() * (1 - 1e-12))
    assert np.corrcoef(np.log(g), np.log(s))[0, 1] > 0.9


@pytest.mark.parametrize("call, message", [
    (lambda obj: local_smoothness(obj, np.zeros((2, 2)), np.zeros((3, 2))), "shape"),
    (lambda obj: local_smoothness(obj, np.zeros((2, 2)), np.ones((2, 2)), fractions=(0.0,)), "fractions"),
    (lambda obj: local_smoothness(obj, np.zeros((2, 2)), np.ones((2, 2)), fractions=()), "fractions"),
    (lambda obj: trajectory_smoothness(obj, np.zeros((1, 2, 2))), "path"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call(CoshSum(d=2))
