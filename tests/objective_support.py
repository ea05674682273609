"""Helpers shared by the objective, oracle and runner tests."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def row_norm(A) -> np.ndarray:
    return np.linalg.norm(A, axis=-1)


def points(d: int, rows: int = 3, radius: float = 3.0):
    """A strategy for (rows, d) arrays with entries in [-radius, radius]."""
    return hnp.arrays(np.float64, (rows, d), elements=st.floats(-radius, radius))


def assert_rows_close(actual, expected, rtol: float, floor: float = 1.0):
    """Row-wise ||actual - expected|| <= rtol (||expected|| + floor)."""
    err = row_norm(actual - expected)
    bound = rtol * (row_norm(expected) + floor)
    assert np.all(err <= bound), f"rows differ: error {err}, allowed {bound}"


def all_component_grads(obj, X) -> np.ndarray:
    """grad f_i(x_r) for every component i: shape (R, n, d)."""
    R, n = X.shape[0], obj.n
    rows = np.repeat(X, n, axis=0)
    idx = np.tile(np.arange(n), R)[:, None]
    return obj.component_grad(rows, idx).reshape(R, n, obj.d)


def component_variance_at(obj, X) -> np.ndarray:
    """V(x) = (1/n) sum_i ||grad f_i(x) - grad f(x)||^2 for each row."""
    G = all_component_grads(obj, X)
    return (row_norm(G - obj.grad(X)[:, None, :]) ** 2).mean(axis=1)
