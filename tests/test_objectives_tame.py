"""The nonsmooth tame catalogue (card section 4, T1-T9) and relu_net: subgradient selections lie in
the stated sets, agree with finite differences off the kinks, the Clarke / D-criticality distances are
exact (checked against closed forms decided in exact rational arithmetic and against an independent
NNLS projection) and vanish exactly on the critical sets; and the card's numbers."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from objective_support import all_component_grads, assert_rows_close, row_norm
from scipy.optimize import lsq_linear, nnls

from convcheck.reference import objectives, oracles
from convcheck.reference.objectives.hull import Hull, dist_to_hull
from convcheck.reference.objectives.relu_net import ReluNet

CATALOGUE = ["abs", "neg_abs", "abs_diff", "max_lin1", "max_lin2", "l1_residual", "inna_toy", "relu_pair2",
             "spurious_relu"]
FINITE_SUMS = ["l1_residual", "relu_pair2", "spurious_relu"]
SINGLE = [n for n in CATALOGUE if n not in FINITE_SUMS]
CLARKE_EQUALS_D = ["l1_residual", "relu_pair2"]  # D J = Clarke subdifferential everywhere
H = 1e-5
coord = st.floats(-3.0, 3.0)


# -- points that hit the kinks --------------------------------------------------------------------

def _snaps(name):
    """Maps x -> a point on a kink / critical set (exact where the map is exact)."""
    z = 0.0
    return {
        "abs": [lambda x: [z]], "neg_abs": [lambda x: [z]], "max_lin1": [lambda x: [z]],
        "spurious_relu": [lambda x: [z]],
        "abs_diff": [lambda x: [z, x[1]], lambda x: [x[0], z], lambda x: [z, z]],
        "max_lin2": [lambda x: [x[0], z], lambda x: [x[0], -2 * x[0]], lambda x: [x[0], 2 * x[0]],
                     lambda x: [z, z]],
        "l1_residual": [lambda x: [1.0, x[1]], lambda x: [x[0], 2.0], lambda x: [x[0], 2.0 - x[0]],
                        lambda x: [1.0, 1.0], lambda x: [0.0, 2.0], lambda x: [1.0, 2.0],
                        lambda x: [abs(x[0]) / 3, 2.0 - abs(x[0]) / 3 + abs(x[1]) / 10]],
        "inna_toy": [lambda x: [z, x[1]], lambda x: [1.0, x[1]], lambda x: [1.0, 1.0],
                     lambda x: [x[0], abs(x[0])]],
        "relu_pair2": [lambda x: [z, x[1]], lambda x: [-abs(x[0]), x[1]],
                       lambda x: [abs(x[0]) + 0.5, 1 / (abs(x[0]) + 0.5)], lambda x: [1.0, 1.0], lambda x: [0.5, 2.0]],
    }[name]


@st.composite
def kinky_points(draw, name, rows=4):
    """(rows, d) points, each either free or snapped onto a kink / critical set of ``name``."""
    obj = objectives.get(name)
    snaps = _snaps(name)
    X = []
    for _ in range(rows):
        x = draw(st.lists(coord, min_size=obj.d, max_size=obj.d))
        k = draw(st.integers(-1, len(snaps) - 1))
        X.append(x if k < 0 else snaps[k](x))
    return obj, np.array(X, dtype=np.float64)


def kink_gap(name, X):
    """A lower bound on the distance of each row from the kinks of ``name`` (for finite differences)."""
    a = np.abs
    if name in ("abs", "neg_abs", "max_lin1", "spurious_relu"):
        return a(X[:, 0])
    if name == "abs_diff":
        return a(X).min(axis=1)
    if name == "max_lin2":
        return np.minimum(a(X[:, 1]), np.minimum(a(2 * X[:, 0] + X[:, 1]), a(2 * X[:, 0] - X[:, 1]))) / 3
    if name == "l1_residual":
        return np.stack([a(X[:, 0] - 1), a(X[:, 1] - 2), a(X.sum(axis=1) - 2)], axis=1).min(axis=1) / 2
    if name == "inna_toy":
        return np.minimum(a(X[:, 0]), a(1 - X[:, 0]))
    if name == "relu_pair2":
        return a(X[:, 0])
    raise KeyError(name)


def central_difference(fn, X, d):
    return np.stack([(fn(X + H * e) - fn(X - H * e)) / (2 * H) for e in np.eye(d)], axis=1)


def q(x):
    return Fraction(float(x))


def sgn(f):
    return (f > 0) - (f < 0)


# -- the hull helper ----------------------------------------------------------------------------

def nnls_distance(P):
    """dist(0, conv P) by NNLS with the simplex constraint as a heavily weighted row (independent)."""
    M = 1e3
    lam = nnls(np.vstack([P.T, M * np.ones(len(P))]), np.r_[np.zeros(P.shape[1]), M])[0]
    return float(np.linalg.norm(P.T @ (lam / lam.sum())))


@given(data=st.data())
def test_dist_to_hull_matches_nnls(data):
    k = data.draw(st.integers(1, 7))
    P = data.draw(hnp.arrays(np.float64, (k, 2), elements=st.floats(-3, 3)))
    assert dist_to_hull(P) == pytest.approx(nnls_distance(P), abs=1e-9)
    y = data.draw(hnp.arrays(np.float64, 2, elements=st.floats(-3, 3)))
    assert Hull(P).dist(y) == pytest.approx(nnls_distance(P - y), abs=1e-9)


@given(data=st.data())
def test_dist_to_hull_is_zero_exactly_when_integer_hulls_contain_zero(data):
    """Integer points: containment is decided exactly (0 is in conv P iff the NNLS distance is 0)."""
    k = data.draw(st.integers(1, 6))
    P = data.draw(hnp.arrays(np.float64, (k, 2), elements=st.integers(-2, 2).map(float)))
    assert (dist_to_hull(P) == 0.0) == (nnls_distance(P) < 1e-9)


def test_dist_to_hull_1d_and_minkowski():
    assert dist_to_hull(np.array([[-1.0], [2.0]])) == 0.0
    assert dist_to_hull(np.array([[0.5], [2.0]])) == 0.5
    assert dist_to_hull(np.array([[-3.0], [-2.0]])) == 2.0
    assert (Hull([[-1.0], [1.0]]) + Hull([[-1.0], [1.0]])).interval == (-2.0, 2.0)  # |.| - |.| at 0
    S = Hull([[1.0, 0.0], [-1.0, 0.0]]) + Hull([[0.0, 1.0], [0.0, -1.0]])
    assert sorted(map(tuple, S.vertices)) == [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    with pytest.raises(ValueError, match="R\\^1 or R\\^2"):
        dist_to_hull(np.zeros((2, 3)))


# -- selections, finite differences, exact distances ----------------------------------------------

@pytest.mark.parametrize("name", CATALOGUE)
@given(data=st.data())
def test_grad_is_in_the_stated_subdifferential(name, data):
    obj, X = data.draw(kinky_points(name))
    G = obj.grad(X)
    for x, g in zip(X, G):
        tol = 1e-12 * (1 + np.linalg.norm(g))
        if name in FINITE_SUMS:
            assert obj.d_subdifferential(x).contains(g, atol=tol)  # the sum of component selections
        if name not in FINITE_SUMS or name in CLARKE_EQUALS_D:
            assert obj.clarke_subdifferential(x).contains(g, atol=tol)


@pytest.mark.parametrize("name", CATALOGUE)
@given(data=st.data())
def test_grad_matches_finite_differences_off_the_kinks(name, data):
    obj = objectives.get(name)
    X = data.draw(hnp.arrays(np.float64, (4, obj.d), elements=coord))
    X = X[kink_gap(name, X) > 1e-3]
    assert_rows_close(central_difference(obj.value, X, obj.d), obj.grad(X), rtol=1e-6)
    # C^1 near x: the Clarke set is {grad} (T8 forms v w - 1 more accurately than the product)
    assert np.allclose(obj.clarke_distance(X), row_norm(obj.grad(X)), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", [n for n in CATALOGUE if n != "spurious_relu"])
@given(data=st.data())
def test_clarke_distance_is_zero_exactly_on_the_critical_set(name, data):
    obj, X = data.draw(kinky_points(name))
    cd = obj.clarke_distance(X)
    assert np.array_equal(cd == 0.0, obj.is_critical(X)), (X, cd)
    assert np.all(cd >= 0)
    for x, c in zip(X, cd):  # the batched distance is the one of the per-point set
        assert c == obj.clarke_subdifferential(x).dist()


def _closed_form_clarke_distance(name, x):
    """dist(0, Clarke set) from the card's formulas, signs decided in exact rational arithmetic."""
    s = 1 / math.sqrt(5)
    if name in ("abs", "neg_abs"):
        return 0.0 if x[0] == 0 else 1.0
    if name == "max_lin1":
        return 0.0 if x[0] == 0 else (2.0 if x[0] < 0 else 1.0)
    if name == "abs_diff":
        return math.hypot(float(x[0] != 0), float(x[1] != 0))
    if name == "max_lin2":
        a, b = q(x[0]), q(x[1])
        act = frozenset(i for i, v in enumerate([a + b, a - b, -a]) if v == max(a + b, a - b, -a))
        return {frozenset({0}): math.sqrt(2), frozenset({1}): math.sqrt(2), frozenset({2}): 1.0,
                frozenset({0, 1}): 1.0, frozenset({0, 2}): s, frozenset({1, 2}): s, frozenset({0, 1, 2}): 0.0}[act]
    if name == "l1_residual":
        A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        r = [q(x[0]) - 1, q(x[1]) - 2, q(x[0]) + q(x[1]) - 2]
        zero = [i for i in range(3) if r[i] == 0]
        c = sum(sgn(r[i]) * A[i] for i in range(3))
        if not zero:
            return float(np.linalg.norm(c))
        if len(zero) == 2:
            return 0.0  # (1, 1), (0, 2), (1, 2): the triangle's vertices
        a = A[zero[0]]
        t = min(max(-(c @ a) / (a @ a), -1.0), 1.0)
        return float(np.linalg.norm(c + t * a))
    if name == "inna_toy":
        t1, t2 = x
        if t1 == 0:
            y = abs(200 * t2)
            return y if y >= 1 else math.hypot(1 - y, y)
        if t1 == 1:
            y = 200 * (t2 - 1)
            return math.hypot(max(abs(y) - 1, 0.0), y)
        r = t2 - abs(t1)
        return math.hypot(-200 * r * np.sign(t1) - np.sign(1 - t1), 200 * r)
    if name == "relu_pair2":
        w, v = x
        if w <= 0:
            return 0.0
        return 5 * abs(float(q(v) * q(w) - 1)) * math.hypot(v, w)
    raise KeyError(name)


@pytest.mark.parametrize("name", [n for n in CATALOGUE if n != "spurious_relu"])
@given(data=st.data())
def test_clarke_distance_matches_the_closed_forms(name, data):
    obj, X = data.draw(kinky_points(name))
    expected = np.array([_closed_form_clarke_distance(name, x) for x in X])
    assert np.allclose(obj.clarke_distance(X), expected, rtol=1e-12, atol=0), (X, obj.clarke_distance(X), expected)


@pytest.mark.parametrize("name", CATALOGUE)
@given(data=st.data())
def test_subdifferential_points_against_nnls(name, data):
    """The batched distance equals an independent projection onto the hull of the set's vertices."""
    obj, X = data.draw(kinky_points(name, rows=2))
    for x in X:
        for hull, dist in [(obj.clarke_subdifferential(x), obj.clarke_distance(x[None])[0])] + (
                [(obj.d_subdifferential(x), obj.d_criticality(x[None])[0])] if name in FINITE_SUMS else []):
            P = hull.points if hull.d == 2 else np.c_[hull.points, np.zeros(len(hull.points))]
            assert dist == pytest.approx(nnls_distance(P), rel=1e-9, abs=1e-9)


# -- constants: Lipschitz, lower bounds, minimizers -------------------------------------------------

@pytest.mark.parametrize("name", [n for n in CATALOGUE if objectives.get(n).lip is not None])
@given(data=st.data())
def test_lipschitz_constant(name, data):
    obj, X = data.draw(kinky_points(name))
    Y = data.draw(hnp.arrays(np.float64, X.shape, elements=coord))
    assert np.all(np.abs(obj.value(X) - obj.value(Y)) <= obj.lip * row_norm(X - Y) * (1 + 1e-12) + 1e-12)
    for x in X:  # every Clarke subgradient is at most lip long
        assert row_norm(obj.clarke_subdifferential(x).vertices).max() <= obj.lip * (1 + 1e-15)


@pytest.mark.parametrize("name", CATALOGUE)
@given(data=st.data())
def test_lower_bound_and_minimizers(name, data):
    obj, X = data.draw(kinky_points(name))
    assert obj.function_class == "nonsmooth-tame" and obj.subgradient_convention
    if obj.f_star is None:
        with pytest.raises(ValueError, match="unbounded"):
            _ = obj.f_lower
        with pytest.raises(ValueError, match="unbounded"):
            obj.minimizers()
        assert obj.constants == {} and not obj.is_minimizer(X).any()
        return
    f = obj.value(X)
    assert obj.constants == {"f_star": obj.f_star} and obj.f_lower == obj.f_star
    assert np.all(f >= obj.f_star - 1e-15 * (1 + np.abs(f)))
    assert np.all(f[obj.is_minimizer(X)] == obj.f_star)
    if name == "l1_residual":  # decided exactly: sum |r_i| = 1 in rational arithmetic
        exact = [abs(q(a) - 1) + abs(q(b) - 2) + abs(q(a) + q(b) - 2) == 1 for a, b in X]
        assert obj.is_minimizer(X).tolist() == exact
    if name == "relu_pair2":
        assert obj.is_minimizer(X).tolist() == [w > 0 and q(w) * q(v) == 1 for w, v in X]
    M = obj.minimizers()
    assert np.all(obj.value(M) == obj.f_star) and np.all(obj.is_minimizer(M))
    assert np.all(obj.clarke_distance(M) == 0) and np.all(obj.is_critical(M))


@pytest.mark.parametrize("name, ray", [("neg_abs", [1.0]), ("abs_diff", [0.0, 1.0]), ("spurious_relu", [-1.0])])
def test_unbounded_below_along_a_ray(name, ray):
    obj = objectives.get(name)
    f = obj.value(np.array([1e2, 1e4, 1e6])[:, None] * np.array(ray))
    assert np.all(np.diff(f) < 0) and f[-1] <= -1e6


# -- finite sums -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FINITE_SUMS + ["relu_net"])
@given(data=st.data())
def test_components_sum_to_J_and_the_minibatch_oracle_is_unbiased(name, data):
    obj = objectives.get(name)
    if name == "relu_net":
        X = obj.initial_points(3, seed=data.draw(st.integers(0, 99)))
    else:
        X = data.draw(kinky_points(name))[1]
    every = np.tile(np.arange(obj.n), (X.shape[0], 1))
    assert_rows_close(obj.component_grad(X, every), obj.grad(X), rtol=1e-12)
    assert np.allclose(obj.component_value(X, every), obj.value(X), rtol=1e-12, atol=1e-300)
    # E over a uniform index of the single-sample answer (what Minibatch(1) returns) is grad J
    assert_rows_close(all_component_grads(obj, X).mean(axis=1), obj.grad(X), rtol=1e-12)
    g = oracles.Minibatch(2)(obj, X, None, np.random.default_rng(0), 0)
    assert g.shape == X.shape
    with pytest.raises(ValueError, match="idx"):
        obj.component_grad(X, np.zeros((X.shape[0] + 1, 1), dtype=int))


@pytest.mark.parametrize("name", FINITE_SUMS)
@given(data=st.data())
def test_d_subdifferential_is_the_minkowski_sum_of_the_components(name, data):
    obj, X = data.draw(kinky_points(name, rows=2))
    for x in X:
        parts = obj.component_subdifferentials(x)
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        assert total.dist() == obj.d_subdifferential(x).dist()
        if name in CLARKE_EQUALS_D:
            assert obj.d_criticality(x[None])[0] == obj.clarke_distance(x[None])[0]
    assert np.array_equal(obj.d_criticality(X) == 0, obj.is_d_critical(X))


# -- the card's numbers --------------------------------------------------------------------------

def test_t5_zero_is_a_convex_combination_of_the_active_gradients():
    obj = objectives.get("max_lin2")
    S = obj.clarke_subdifferential([0.0, 0.0])
    assert sorted(map(tuple, S.vertices)) == [(-1, 0), (1, -1), (1, 1)]
    assert np.array_equal(np.array([0.25, 0.25, 0.5]) @ obj.slopes, [0.0, 0.0]) and S.dist() == 0.0
    X = np.array([[1.0, 0.0], [-1.0, 2.0], [-1.0, -2.0], [2.0, 1.0], [-1.0, 0.0]])
    assert np.allclose(obj.clarke_distance(X), [1, 1 / math.sqrt(5), 1 / math.sqrt(5), math.sqrt(2), 1], rtol=1e-15)
    assert np.array_equal(obj.grad(np.zeros((1, 2))), [[1.0, 1.0]])  # the first active piece


def test_t4_first_active_piece_at_zero():
    obj = objectives.get("max_lin1")
    assert obj.grad(np.array([[0.0], [-1.0], [1.0]]))[:, 0].tolist() == [-2.0, -2.0, 1.0]
    assert obj.clarke_subdifferential([0.0]).interval == (-2.0, 1.0)


def test_t6_values_minimizers_and_f_star():
    obj = objectives.get("l1_residual")
    P = np.array([[1.0, 1.0], [0.0, 2.0], [1.0, 2.0], [2 / 3, 5 / 3], [0.5, 1.5]])
    assert np.allclose(obj.value(P), 1.0, rtol=1e-15) and obj.constants["f_star"] == 1.0
    assert obj.value(np.array([[1.2, 1.2]]))[0] == pytest.approx(1.4, rel=1e-15)
    assert np.all(obj.clarke_distance(P) == 0) and np.all(obj.is_minimizer(P))
    assert obj.clarke_subdifferential([1.0, 1.0]).contains([0.0, 0.0])  # s = (-1, -1, 1)
    assert obj.lip == pytest.approx(2 * math.sqrt(2))
    # x1 + x2 - 2 decided exactly: 1e-300 above the line is in the triangle only if x2 <= 2
    assert obj.is_critical(np.array([[1e-300, 2.0]]))[0] and not obj.is_critical(np.array([[1.0, 2.0 + 2**-51]]))[0]
    assert not obj.is_critical(np.array([[0.5, 1.5 - 2**-52]]))[0]  # just below x1 + x2 = 2


@given(X=hnp.arrays(np.float64, (4, 2), elements=st.floats(-5, 5)))
def test_t6_is_at_least_f_star_everywhere(X):
    obj = objectives.get("l1_residual")
    assert np.all(obj.value(X) >= 1.0 - 1e-15)


def test_t7_card_values():
    obj = objectives.get("inna_toy")
    x0 = obj.start()
    assert np.array_equal(x0, [[-1.0, 1.5]])
    assert obj.value(x0)[0] == 27.0 and np.array_equal(obj.grad(x0), [[99.0, 100.0]])
    S = obj.clarke_subdifferential([0.0, 0.5])
    assert sorted(map(tuple, S.vertices)) == [(-101.0, 100.0), (99.0, 100.0)]
    eps = 1e-9
    assert np.allclose(obj.grad(np.array([[eps, 0.5], [-eps, 0.5]])), [[-101, 100], [99, 100]], atol=1e-6)
    assert obj.minimizers().tolist() == [[1.0, 1.0]] and obj.clarke_distance(np.array([[1.0, 1.0]]))[0] == 0.0


@given(t2=st.floats(-1e3, 1e3))
def test_t7_clarke_set_on_the_kink_never_contains_zero(t2):
    obj = objectives.get("inna_toy")
    S = obj.clarke_subdifferential([0.0, t2])
    assert S.dist() >= 1 / math.sqrt(2) * (1 - 1e-12)
    assert not obj.is_critical(np.array([[0.0, t2]]))[0]


def test_t8_card_values():
    obj = objectives.get("relu_pair2")
    assert np.array_equal(obj.grad(np.array([[0.0, 2.0], [0.0, -3.0]])), np.zeros((2, 2)))  # AD at w = 0
    assert np.allclose(obj.grad(np.array([[1e-12, 2.0]])), [[-10.0, 0.0]], atol=1e-10)  # one-sided limit
    assert sorted(map(tuple, obj.clarke_subdifferential([0.0, 2.0]).vertices)) == [(-10.0, 0.0), (0.0, 0.0)]
    assert np.array_equal(obj.grad(np.array([[0.5, 1.0]])), [[-2.5, -1.25]])
    assert obj.value(np.array([[1.0, 1.0], [-1.0, 3.0]])).tolist() == [0.0, 2.5]
    parts = obj.component_subdifferentials([0.0, 2.0])
    assert [sorted(map(tuple, p.vertices)) for p in parts] == [[(-2.0, 0.0), (0.0, 0.0)], [(-8.0, 0.0), (0.0, 0.0)]]
    # v w = 1 decided exactly: v = 3, w = fl(1/3) is not a minimizer
    X = np.array([[1 / 3, 3.0], [0.5, 2.0]])
    assert obj.is_minimizer(X).tolist() == [False, True] and obj.clarke_distance(X)[0] > 0


def test_t9_spurious_d_critical_point():
    obj = objectives.get("spurious_relu")
    X = np.array([[0.0], [0.5], [-2.0]])
    assert obj.grad(X)[:, 0].tolist() == [0.0, 1.0, 1.0]
    assert obj.d_criticality(X).tolist() == [0.0, 1.0, 1.0]
    assert obj.clarke_distance(X).tolist() == [1.0, 1.0, 1.0]
    assert obj.d_subdifferential([0.0]).interval == (0.0, 2.0)
    assert obj.clarke_subdifferential([0.0]).interval == (1.0, 1.0)
    assert [p.interval for p in obj.component_subdifferentials([0.0])] == [(0.0, 1.0), (0.0, 1.0)]
    assert obj.is_d_critical(X).tolist() == [True, False, False] and not obj.is_critical(X).any()
    assert np.array_equal(obj.value(X), X[:, 0])


# -- relu_net -------------------------------------------------------------------------------------

relu_nets = st.builds(ReluNet, n=st.integers(1, 6), p=st.integers(1, 3), m=st.integers(1, 4),
                      seed=st.integers(0, 2**16), noise=st.sampled_from([0.0, 0.1]))


@given(obj=relu_nets, seed=st.integers(0, 99))
def test_relu_net_grad_matches_finite_differences_off_the_kinks(obj, seed):
    X = obj.initial_points(3, seed=seed, radius=4.0)
    Z = obj._forward(X, obj.data, obj.targets)[0]
    scale = 1 + np.abs(obj.data).sum(axis=1).max()
    X = X[np.abs(Z).min(axis=(1, 2)) > 1e-3 * scale]
    assert_rows_close(central_difference(obj.value, X, obj.d), obj.grad(X), rtol=1e-6)
    lo, hi = obj.d_criticality_bounds(X)  # no kinks: D J = {grad}
    assert np.array_equal(lo, hi) and np.allclose(hi, row_norm(obj.grad(X)), rtol=1e-15)


def _one_kink(obj, X, j=0):
    """Unit j gets W_j = e_1 and b_j = -a_{0,1}: z_0j = a_01 * 1 + 0 + b_j = 0 exactly, other samples off."""
    X = X.copy()
    W = np.zeros(obj.p)
    W[0] = 1.0
    X[:, j * obj.p:(j + 1) * obj.p] = W
    X[:, obj.m * obj.p + j] = -obj.data[0, 0]
    return X


@given(obj=relu_nets.filter(lambda o: o.n >= 2 and len(set(o.data[:, 0])) == o.n), seed=st.integers(0, 99))
def test_relu_net_single_kink_is_exact_and_matches_one_sided_limits(obj, seed):
    X = _one_kink(obj, obj.initial_points(2, seed=seed, radius=4.0))
    K = obj.kinks(X)
    assert K[:, 0, 0].all() and K[:, 1:, 0].sum() == 0
    lo, hi = obj.d_criticality_bounds(X)
    assert np.array_equal(lo, hi)
    b0 = obj.m * obj.p  # the coordinate of b_0
    for r, x in enumerate(X):
        g = obj.grad(x[None])[0]
        dirs = obj.kink_directions(x)
        assert len(dirs) <= 1
        u = dirs[0][1] if dirs else np.zeros(obj.d)
        # the segment's ends are the limits from the off side (b_0 down) and the on side (b_0 up)
        for sign, end in ((-1, g), (1, g + u)):
            xs = x.copy()
            xs[b0] += sign * 1e-9
            assert_rows_close(obj.grad(xs[None]), end[None], rtol=1e-6)
        ts = np.linspace(0, 1, 20001)
        brute = np.linalg.norm(g[None, :] + ts[:, None] * u[None, :], axis=1).min()
        assert hi[r] <= brute * (1 + 1e-12) + 1e-300 and hi[r] >= brute - 1e-6 * (1 + np.linalg.norm(u))


@given(obj=relu_nets.filter(lambda o: o.n >= 2), seed=st.integers(0, 99))
def test_relu_net_dead_unit_bounds(obj, seed):
    """W_0 = 0 and b_0 = 0: every sample is kinked at unit 0; lo <= dist <= hi, checked by lsq_linear."""
    X = obj.initial_points(2, seed=seed, radius=4.0)
    X[:, :obj.p] = 0.0
    X[:, obj.m * obj.p] = 0.0
    assert obj.kinks(X)[:, :, 0].all()
    lo, hi = obj.d_criticality_bounds(X)
    assert np.all(lo <= hi) and np.all(hi <= row_norm(obj.grad(X)) * (1 + 1e-12))
    for r, x in enumerate(X):
        g = obj.grad(x[None])[0]
        dirs = obj.kink_directions(x)
        if not dirs:
            assert lo[r] == hi[r] == np.linalg.norm(g)
            continue
        U = np.array([u for _, u in dirs]).T
        if U.shape[1] == 1:
            sol = lsq_linear(U, -g, bounds=(0.0, 1.0), tol=1e-14).x
        else:
            sol = lsq_linear(U, -g, bounds=(np.zeros(U.shape[1]), np.ones(U.shape[1])), tol=1e-14).x
        best = np.linalg.norm(g + U @ sol)
        assert lo[r] <= best * (1 + 1e-7) + 1e-9 and best <= hi[r] * (1 + 1e-7) + 1e-9
        assert hi[r] - lo[r] <= 1e-6 * (1 + np.linalg.norm(g))


def test_relu_net_is_a_sum_and_reproducible():
    a, b, c = ReluNet(seed=1), ReluNet(seed=1), ReluNet(seed=2)
    X = a.initial_points(2)
    assert np.array_equal(a.grad(X), b.grad(X)) and not np.array_equal(a.grad(X), c.grad(X))
    assert a.constants == {"f_low": 0.0} and a.function_class == "nonsmooth-tame"
    every = np.arange(a.n)[None, :].repeat(2, axis=0)
    per_sample = np.stack([a.component_value(X, every[:, [i]]) / a.n for i in range(a.n)], axis=1)
    assert np.allclose(per_sample.sum(axis=1), a.value(X), rtol=1e-12)  # SUM, not mean
    assert a.d == a.m * (a.p + 2) + 1


@pytest.mark.parametrize("build, argument", [
    (lambda: ReluNet(n=0), "n"), (lambda: ReluNet(m=0), "m"), (lambda: ReluNet(p=-1), "p"),
    (lambda: ReluNet(seed=-1), "seed"), (lambda: ReluNet(noise=-0.1), "noise"),
    (lambda: objectives.get("abs").clarke_subdifferential([0.0, 1.0]), "x"),
])
def test_invalid_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


@pytest.mark.parametrize("name", CATALOGUE + ["relu_net"])
def test_registered(name):
    obj = objectives.get(name)
    assert obj.name == name and obj.function_class == "nonsmooth-tame"
    assert set(obj.constants) <= {"f_star", "f_low"}
