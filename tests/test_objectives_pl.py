"""The PL catalogue: each published Polyak-Lojasiewicz constant mu is proved (the interval part of the
proof runs here), holds on dense grids, random and adversarial points, and is nearly the best constant."""
from __future__ import annotations

import mpmath
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convcheck.reference.objectives import PLSinSquared, Quadratic, SinSquared
from convcheck.reference.objectives.sin_squared import PL_MU

MU = PL_MU


def h(u):
    return u ** 2 + 3 * np.sin(u) ** 2


def dh(u):
    return 2 * u + 3 * np.sin(2 * u)


def _iv_margin(lo, hi):
    """A lower bound of h'(u)^2 - 2 mu h(u) on [lo, hi], in outward-rounded interval arithmetic."""
    u = mpmath.iv.mpf([lo, hi])
    g = 2 * u + 3 * mpmath.iv.sin(2 * u)
    return (g * g - 2 * mpmath.iv.mpf(MU) * (u * u + 3 * mpmath.iv.sin(u) ** 2)).a


def test_the_middle_range_of_the_mu_proof_by_interval_arithmetic():
    """Case 1 <= u <= 2.4 of PLSinSquared's proof: bisect until every piece has a positive lower bound."""
    todo, pieces = [(mpmath.mpf(1), mpmath.mpf("2.4"))], 0
    while todo:
        lo, hi = todo.pop()
        if _iv_margin(lo, hi) > 0:
            pieces += 1
            continue
        assert hi - lo > 1e-6, f"no proof near u = {lo}"
        mid = (lo + hi) / 2
        todo += [(lo, mid), (mid, hi)]
    assert pieces >= 2


def test_the_analytic_ranges_of_the_mu_proof():
    u = np.linspace(0, 1, 2001)
    assert np.all(dh(u) >= 8 * u - 4 * u ** 3 - 1e-12) and np.all(8 - 4 * u ** 2 >= 4)
    assert 16 >= 8 * MU
    big = (12 + np.sqrt(144 - 4 * 3.65 * 7.95)) / (2 * 3.65)  # the larger root of 3.65 u^2 - 12 u + 7.95
    assert big < 2.4 and np.isclose(4 - 2 * MU, 3.65) and np.isclose(9 - 6 * MU, 7.95)


def test_mu_holds_on_a_dense_grid_and_is_nearly_the_best_constant():
    u = np.linspace(1e-4, 60, 2_000_001)
    ratio = dh(u) ** 2 / (2 * h(u))
    assert ratio.min() >= MU
    assert ratio.min() <= 1.005 * MU  # 0.17553...: mu cannot be raised by more than 0.3%
    assert abs(u[ratio.argmin()] - 2.2017) < 1e-3


def test_pl_sin_squared_is_twice_sin_squared_at_a_three_halves_and_its_L_is_tight():
    rng = np.random.default_rng(0)
    X = rng.uniform(-5, 5, (50, 3))
    pl, base = PLSinSquared(d=3), SinSquared(d=3, a=1.5)
    assert np.allclose(pl.value(X), h(X).sum(axis=1)) and np.allclose(pl.value(X), 2 * base.value(X))
    assert np.allclose(pl.grad(X), dh(X))
    u = np.linspace(-10, 10, 100_001)
    second = 2 + 6 * np.cos(2 * u)
    assert np.abs(second).max() == pl.constants["L"] == 8.0 and second.min() < 0  # tight at 0, nonconvex


@given(hnp.arrays(np.float64, (8, 4), elements=st.floats(-40, 40)))
def test_pl_inequality_of_pl_sin_squared_at_drawn_points(X):
    obj = PLSinSquared(d=4)
    g = obj.grad(X)
    gap = obj.value(X) - obj.constants["f_star"]
    assert np.all(2 * MU * gap <= np.sum(g * g, axis=1) * (1 + 1e-12) + 1e-300)


@given(st.lists(st.floats(0.1, 5.0), min_size=2, max_size=5), st.integers(0, 2 ** 16))
def test_quadratic_mu_is_the_smallest_eigenvalue_and_tight(eigs, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigs), len(eigs))))
    obj = Quadratic((Q * np.array(eigs)) @ Q.T, b=rng.standard_normal(len(eigs)))
    mu = obj.constants["mu"]
    assert np.isclose(mu, min(eigs), rtol=1e-9)
    y = obj.minimizers()
    X = y + rng.standard_normal((16, len(eigs)))
    X[0] = y[0] + Q[:, int(np.argmin(eigs))]  # the eigenvector of mu: equality
    g, gap = obj.grad(X), obj.value(X) - obj.constants["f_star"]
    lhs, rhs = 2 * mu * gap, np.sum(g * g, axis=1)
    assert np.all(lhs <= rhs * (1 + 1e-9) + 1e-12) and np.isclose(lhs[0], rhs[0], rtol=1e-8)


def test_a_singular_psd_quadratic_publishes_its_smallest_positive_eigenvalue_and_others_none():
    assert Quadratic.diagonal([0.0, 2.0, 3.0]).constants["mu"] == 2.0
    assert "mu" not in Quadratic.diagonal([-1.0, 2.0]).constants          # unbounded below
    assert "mu" not in Quadratic.diagonal([0.0, 2.0], b=[1.0, 0.0]).constants  # b outside the range
    assert "mu" not in Quadratic.diagonal([0.0, 0.0]).constants            # f = 0: every mu would do
