"""Reference objectives: derivatives against finite differences, and every published constant
checked on Hypothesis-drawn objectives and points (the docstrings hold the proofs)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from objective_support import (all_component_grads, assert_rows_close, component_variance_at,
                               points, row_norm)
from convcheck.reference import objectives
from convcheck.reference.objectives import (AbsQuadratic, CosineSum, LogisticNonconvex, Quadratic,
                                  SinSquared, TeacherStudent)

dims = st.integers(1, 4)
seeds = st.integers(0, 2**16)


@st.composite
def spectra(draw, d=None, psd=False):
    """Eigenvalues that are 0 or at least 0.1 in size, so PSD-ness is unambiguous."""
    d = d or draw(dims)
    eig = st.one_of(st.just(0.0), st.floats(0.1, 5.0), *([] if psd else [st.floats(-5.0, -0.1)]))
    return draw(hnp.arrays(np.float64, d, elements=eig))


def vectors(d, radius=3.0):
    return hnp.arrays(np.float64, d, elements=st.floats(-radius, radius))


def linear_terms(d):
    """b in the eigenbasis, with entries 0 or well away from 0 (so b in range(A) is unambiguous)."""
    return hnp.arrays(np.float64, d, elements=st.sampled_from([0.0, -1.5, 0.5, 2.0]))


def rotation(seed, d):
    return np.linalg.qr(np.random.default_rng(seed).standard_normal((d, d)))[0]


@st.composite
def quadratics(draw, dense, psd):
    """Diagonal or rotated-dense quadratics; psd=True gives A PSD and b = A y in its range."""
    eigs = draw(spectra(psd=psd))
    b = eigs * draw(vectors(eigs.size)) if psd else draw(linear_terms(eigs.size))
    if not dense:
        return Quadratic.diagonal(eigs, b)
    Q = rotation(draw(seeds), eigs.size)
    return Quadratic((Q * eigs) @ Q.T, Q @ b)


FAMILIES = {
    "sin_squared": st.builds(SinSquared, d=dims, a=st.floats(0.0, 5.0)),
    "quadratic_dense": quadratics(dense=True, psd=False),
    "quadratic_diagonal": quadratics(dense=False, psd=False),
    "quadratic_dense_psd": quadratics(dense=True, psd=True),
    "quadratic_diagonal_psd": quadratics(dense=False, psd=True),
    "quadratic_random": st.builds(Quadratic.random, d=dims, L=st.floats(0.1, 10.0), seed=seeds,
                                  mu=st.floats(0.0, 0.1)),
    "cosine_sum": st.builds(CosineSum, d=dims, m=st.integers(1, 8), seed=seeds,
                            scale=st.floats(0.0, 3.0), mu=st.sampled_from([0.0, 0.5])),
    "logistic": st.builds(LogisticNonconvex, n=st.integers(1, 12), d=dims, seed=seeds,
                          lam=st.floats(0.0, 1.0)),
    "abs_quadratic": st.builds(AbsQuadratic, c=dims.flatmap(vectors)),
}
SMOOTH = [f for f in FAMILIES if f != "abs_quadratic"]
BOUNDED = [f for f in FAMILIES if f not in ("quadratic_dense", "quadratic_diagonal")]
KNOWN_MINIMIZER = ["quadratic_dense_psd", "quadratic_diagonal_psd", "quadratic_random", "abs_quadratic"]
H = 1e-5  # finite-difference step: truncation ~H^2 f''', rounding ~eps |f| / H, both << 1e-6


def away_from_kinks(X, gap=0.05):
    """Move every coordinate at least ``gap`` (> H) away from 0, where abs_quadratic has kinks."""
    return X + gap * np.where(X >= 0, 1.0, -1.0)


def central_difference(fn, X, V):
    return (fn(X + H * V) - fn(X - H * V)) / (2 * H)


# -- derivatives -------------------------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_grad_matches_finite_differences(family, data):
    obj = data.draw(FAMILIES[family])
    X = data.draw(points(obj.d))
    if obj.function_class == "nonsmooth-tame":
        X = away_from_kinks(X)
    fd = np.stack([central_difference(obj.value, X, np.eye(obj.d)[k]) for k in range(obj.d)], axis=1)
    assert_rows_close(fd, obj.grad(X), rtol=1e-6)


@pytest.mark.parametrize("family", SMOOTH)
@given(data=st.data())
def test_hvp_matches_finite_differences_of_grad(family, data):
    obj = data.draw(FAMILIES[family])
    X, V = data.draw(points(obj.d)), data.draw(points(obj.d, radius=1.0))
    assert_rows_close(central_difference(obj.grad, X, V), obj.hvp(X, V), rtol=1e-6)


# -- L: the gradient is L-Lipschitz, and the Hessian's norm is at most L -------------------------

def rounding_slack(obj, *Xs):
    """Absolute slack for rounding in evaluating gradients at rows of size |x|."""
    L = obj.constants["L"]
    return 1e-12 * (1.0 + sum(row_norm(obj.grad(X)) + L * row_norm(X) for X in Xs))


@pytest.mark.parametrize("family", SMOOTH)
@given(data=st.data())
def test_gradient_is_L_lipschitz(family, data):
    obj = data.draw(FAMILIES[family])
    X, Y = data.draw(points(obj.d)), data.draw(points(obj.d))
    lhs = row_norm(obj.grad(X) - obj.grad(Y))
    assert np.all(lhs <= obj.constants["L"] * row_norm(X - Y) * (1 + 1e-9) + rounding_slack(obj, X, Y))


@pytest.mark.parametrize("family", SMOOTH)
@given(data=st.data())
def test_hvp_norm_at_most_L(family, data):
    obj = data.draw(FAMILIES[family])
    X, V = data.draw(points(obj.d)), data.draw(points(obj.d, radius=1.0))
    bound = obj.constants["L"] * row_norm(V) * (1 + 1e-9) + 1e-12 * (1 + row_norm(V))
    assert np.all(row_norm(obj.hvp(X, V)) <= bound)


@given(d=dims, a=st.floats(0.0, 5.0))
def test_sin_squared_L_is_attained_at_zero(d, a):
    obj = SinSquared(d, a)
    L, e = obj.constants["L"], np.eye(d)[:1]
    assert row_norm(obj.hvp(0 * e, e))[0] == pytest.approx(L, rel=1e-15)
    h = 1e-4  # difference quotient across 0: 1 + a sin(2h)/h = L - O(a h^2)
    assert row_norm(obj.grad(h * e) - obj.grad(-h * e))[0] / (2 * h) == pytest.approx(L, rel=1e-7)


@given(eigs=spectra(), data=st.data())
def test_diagonal_quadratic_L_is_attained(eigs, data):
    assume(np.any(eigs != 0))
    obj = Quadratic.diagonal(eigs, data.draw(vectors(eigs.size)))
    L = obj.constants["L"]
    X = data.draw(points(obj.d, rows=1))
    e = np.eye(obj.d)[[np.argmax(np.abs(eigs))]]  # eigenvector of the largest |eigenvalue|
    assert row_norm(obj.grad(X + e) - obj.grad(X))[0] == pytest.approx(L, rel=1e-12, abs=1e-12)
    assert row_norm(obj.hvp(X, e))[0] == L


@given(obj=FAMILIES["logistic"])
def test_logistic_L_is_attained_at_zero(obj):
    """At x = 0 every margin is 0, s(0) s(0) = 1/4 and r''(0) = 2: the Hessian is exactly
    A^T A/(4n) + 2 lam I, whose norm is the published L."""
    top = np.linalg.eigh(obj.A.T @ obj.A)[1][:, -1][None, :]
    assert row_norm(obj.hvp(np.zeros_like(top), top))[0] == pytest.approx(obj.constants["L"], rel=1e-12)


@given(d=dims, L=st.floats(0.1, 10.0), seed=seeds, mu=st.floats(0.0, 0.1))
def test_random_quadratic_spectrum(d, L, seed, mu):
    obj = Quadratic.random(d, L, seed, mu)
    w = np.linalg.eigvalsh(obj.A)
    assert obj.constants["L"] == pytest.approx(L, rel=1e-13)
    assert w[-1] == pytest.approx(L, rel=1e-13) and w[0] >= mu - 1e-13 * L
    assert obj.bounded_below and obj.constants["f_star"] == 0.0


# -- lower bounds and minimizers -----------------------------------------------------------------

@pytest.mark.parametrize("family", BOUNDED)
@given(data=st.data())
def test_f_is_above_its_lower_bound(family, data):
    obj = data.draw(FAMILIES[family])
    X = data.draw(points(obj.d))
    f = obj.value(X)
    assert np.all(f >= obj.f_lower - 1e-12 * (1 + np.abs(f)))


@pytest.mark.parametrize("family", KNOWN_MINIMIZER)
@given(data=st.data())
def test_f_star_is_attained_at_the_published_minimizer(family, data):
    obj = data.draw(FAMILIES[family])
    x_star = obj.minimizers()
    f_star = obj.constants["f_star"]
    assert obj.value(x_star)[0] == pytest.approx(f_star, rel=1e-10, abs=1e-10)
    if obj.function_class == "L-smooth":  # a critical point of a convex function is a minimizer
        assert row_norm(obj.grad(x_star))[0] <= 1e-9 * (1 + obj.constants["L"] * row_norm(x_star)[0])


def test_sin_squared_f_star_at_zero():
    obj = SinSquared(3, 2.0)
    assert obj.value(np.zeros((1, 3)))[0] == obj.constants["f_star"] == 0.0


@given(eigs=spectra(), data=st.data())
def test_quadratic_boundedness_classification(eigs, data):
    """Bounded below iff A is PSD and b lies in range(A); otherwise a ray along which f -> -inf."""
    b = data.draw(linear_terms(eigs.size))
    obj = Quadratic.diagonal(eigs, b)
    psd, in_range = np.all(eigs >= 0), np.all(b[eigs == 0] == 0)
    assert obj.bounded_below == (psd and in_range)
    if obj.bounded_below:
        assert "f_star" in obj.constants
        return
    assert "f_star" not in obj.constants and "f_low" not in obj.constants
    with pytest.raises(ValueError, match="unbounded"):
        obj.f_lower
    ray = np.where(eigs < 0, 1.0, 0.0) if not psd else np.where(eigs == 0, b, 0.0)
    f = obj.value(np.array([1e2, 1e4, 1e6])[:, None] * ray)
    assert np.all(np.diff(f) < 0) and f[-1] < -1e5
    with pytest.raises(ValueError, match="unbounded"):
        obj.minimizers()


def test_tiny_null_space_component_of_b_is_unbounded():
    """Exact spectra are decided exactly: even b = 1e-300 e_2 along A's null space is unbounded."""
    assert not Quadratic.diagonal([2.0, 0.0], [2.0, 1e-300]).bounded_below
    assert Quadratic.diagonal([2.0, 0.0], [2.0, 0.0]).bounded_below


@given(eigs=spectra(), seed=seeds, data=st.data())
def test_dense_quadratic_agrees_with_its_diagonalisation(eigs, seed, data):
    """Quadratic(Q diag(eigs) Q^T, Q b) is the diagonal one in rotated coordinates."""
    b = data.draw(linear_terms(eigs.size))
    Q = rotation(seed, eigs.size)
    dense, diag = Quadratic((Q * eigs) @ Q.T, Q @ b), Quadratic.diagonal(eigs, b)
    assert dense.bounded_below == diag.bounded_below
    assert dense.constants.keys() == diag.constants.keys()
    for k in diag.constants:
        assert dense.constants[k] == pytest.approx(diag.constants[k], rel=1e-9, abs=1e-9)
    X = data.draw(points(eigs.size))
    assert np.allclose(dense.value(X @ Q.T), diag.value(X), rtol=1e-10, atol=1e-10)


# -- G: a bound on the gradient's sup norm ------------------------------------------------------

@pytest.mark.parametrize("family", ["cosine_sum", "logistic"])
@given(data=st.data())
def test_gradient_sup_norm_at_most_G(family, data):
    obj = data.draw(FAMILIES[family])
    assume("G" in obj.constants)
    X = data.draw(points(obj.d, radius=10.0))
    assert np.all(np.abs(obj.grad(X)).max(axis=1) <= obj.constants["G"] * (1 + 1e-12))


def test_mu_adds_to_L_and_removes_G():
    plain, damped = CosineSum(3, 4, 0), CosineSum(3, 4, 0, mu=0.5)
    assert "G" in plain.constants and "G" not in damped.constants  # mu x is unbounded
    assert damped.constants["L"] == pytest.approx(plain.constants["L"] + 0.5, rel=1e-15)
    assert damped.constants["f_low"] == plain.constants["f_low"]


# -- finite sums ---------------------------------------------------------------------------------

@given(obj=FAMILIES["logistic"], data=st.data())
def test_components_average_to_f(obj, data):
    X = data.draw(points(obj.d))
    every = np.tile(np.arange(obj.n), (X.shape[0], 1))
    assert_rows_close(obj.component_grad(X, every), obj.grad(X), rtol=1e-12)
    assert np.allclose(obj.component_value(X, every), obj.value(X), rtol=1e-12, atol=0)
    assert_rows_close(all_component_grads(obj, X).mean(axis=1), obj.grad(X), rtol=1e-12)


@given(obj=FAMILIES["logistic"], data=st.data())
def test_component_grad_is_the_mean_over_the_drawn_indices(obj, data):
    X = data.draw(points(obj.d))
    idx = data.draw(hnp.arrays(np.int64, (X.shape[0], 3), elements=st.integers(0, obj.n - 1)))
    G = all_component_grads(obj, X)
    expected = np.take_along_axis(G, idx[:, :, None], axis=1).mean(axis=1)
    assert_rows_close(obj.component_grad(X, idx), expected, rtol=1e-12)


@given(obj=FAMILIES["logistic"], data=st.data())
def test_component_variance_bound(obj, data):
    X = data.draw(points(obj.d, radius=5.0))
    assert np.all(component_variance_at(obj, X) <= obj.constants["component_variance"] * (1 + 1e-12))


def test_logistic_is_stable_far_out():
    obj = LogisticNonconvex(n=5, d=3, seed=1)
    X = np.array([[1e3, -1e3, 1e3], [-1e300, 1e300, 0.0]])
    assert np.all(np.isfinite(obj.value(X))) and np.all(obj.value(X) >= 0)
    assert np.all(np.isfinite(obj.grad(X))) and np.all(np.isfinite(obj.hvp(X, np.ones_like(X))))


def test_component_grad_rejects_bad_idx_shape():
    obj = LogisticNonconvex(n=5, d=3, seed=1)
    with pytest.raises(ValueError, match="idx"):
        obj.component_grad(np.zeros((2, 3)), np.zeros((3, 1), dtype=int))


# -- the nonsmooth objective ---------------------------------------------------------------------

@st.composite
def abs_quadratic_with_kinks(draw):
    obj = draw(FAMILIES["abs_quadratic"])
    X = draw(points(obj.d))
    X = np.where(draw(hnp.arrays(bool, X.shape)), 0.0, X)
    return obj, X, X == 0


@given(case=abs_quadratic_with_kinks())
def test_subgradient_selection_at_kinks(case):
    obj, X, zero = case
    assert obj.subgradient_convention == "sign(0) = 0"
    g = obj.grad(X)
    assert np.array_equal(g[zero], np.broadcast_to(-obj.c, X.shape)[zero])  # sign(0) = 0
    assert np.allclose(g[~zero], (np.sign(X) + X - obj.c)[~zero], rtol=1e-15, atol=1e-15)


@given(case=abs_quadratic_with_kinks())
def test_clarke_distance_is_the_distance_to_the_subdifferential(case):
    obj, X, zero = case
    c = np.broadcast_to(obj.c, X.shape)
    # the subdifferential at a zero coordinate is the interval [-1 - c_i, 1 - c_i]
    nearest = np.where(zero, np.clip(0.0, -1.0 - c, 1.0 - c), obj.grad(X))
    assert np.allclose(obj.clarke_distance(X), row_norm(nearest), rtol=1e-14, atol=1e-15)
    assert np.all(obj.clarke_distance(X) <= row_norm(obj.grad(X)) * (1 + 1e-15))


@given(obj=FAMILIES["abs_quadratic"], data=st.data())
def test_clarke_distance_vanishes_exactly_at_the_minimizer(obj, data):
    x_star = obj.minimizers()
    assert obj.clarke_distance(x_star)[0] == 0.0
    X = data.draw(points(obj.d))
    assume(not np.any(np.all(X == x_star, axis=1)))
    assert np.all(obj.clarke_distance(X) > 0)


@given(obj=FAMILIES["abs_quadratic"], data=st.data())
def test_soft_threshold_minimizer_beats_perturbations(obj, data):
    x_star = obj.minimizers()
    assert np.array_equal(x_star[0], np.sign(obj.c) * np.maximum(np.abs(obj.c) - 1.0, 0.0))
    delta = data.draw(points(obj.d, radius=1.0))
    f_star = obj.constants["f_star"]
    assert obj.value(x_star)[0] == pytest.approx(f_star, rel=1e-12, abs=1e-12)
    # 1-strong convexity: f(x* + delta) >= f* + |delta|^2 / 2
    gap = obj.value(x_star + delta) - f_star - 0.5 * row_norm(delta) ** 2
    assert np.all(gap >= -1e-12 * (1 + abs(f_star)))


def test_abs_quadratic_publishes_no_L():
    obj = AbsQuadratic()
    assert obj.function_class == "nonsmooth-tame" and "L" not in obj.constants


# -- construction, factory, reproducibility -----------------------------------------------------

@pytest.mark.parametrize("build, argument", [
    (lambda: Quadratic([[1.0, 2.0], [0.0, 1.0]]), "A"),
    (lambda: Quadratic([[1.0, np.nan], [np.nan, 1.0]]), "A"),
    (lambda: Quadratic(np.ones((2, 3))), "A"),
    (lambda: Quadratic(np.eye(2), b=[1.0, 2.0, 3.0]), "b"),
    (lambda: Quadratic(np.eye(2), b=[1.0, np.inf]), "b"),
    (lambda: Quadratic.diagonal([1.0, np.nan]), "eigs"),
    (lambda: Quadratic.diagonal([]), "eigs"),
    (lambda: Quadratic.random(d=3, L=-1.0), "L"),
    (lambda: Quadratic.random(d=3, L=1.0, mu=2.0), "mu"),
    (lambda: Quadratic.random(d=0), "d"),
    (lambda: Quadratic.random(seed=None), "seed"),
    (lambda: SinSquared(3, a=-1.0), "a"),
    (lambda: CosineSum(d=3, m=0), "m"),
    (lambda: CosineSum(d=3, scale=-1.0), "scale"),
    (lambda: CosineSum(d=3, mu=np.nan), "mu"),
    (lambda: CosineSum(d=2.5), "d"),
    (lambda: LogisticNonconvex(n=0), "n"),
    (lambda: LogisticNonconvex(lam=-0.1), "lam"),
    (lambda: LogisticNonconvex(seed=-3), "seed"),
    (lambda: AbsQuadratic([1.0, np.inf]), "c"),
    (lambda: AbsQuadratic(np.ones((2, 2))), "c"),
])
def test_invalid_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


@pytest.mark.parametrize("name", objectives.NAMES)
def test_factory_defaults(name):
    obj = objectives.get(name)
    assert obj.name == name
    assert all(np.isfinite(v) for v in obj.constants.values())
    X = obj.initial_points(2)
    assert obj.value(X).shape == (2,) and obj.grad(X).shape == X.shape


@pytest.mark.parametrize("name", objectives.NAMES)
def test_value_and_grad_is_value_and_grad_bit_for_bit(name):
    """The runner calls value_and_grad where it needs both: a shared forward pass must not change a bit."""
    obj = objectives.get(name)
    X = obj.initial_points(3, seed=2)
    f, g = obj.value_and_grad(X)
    assert np.array_equal(f, obj.value(X)) and np.array_equal(g, obj.grad(X))
    assert np.isfinite(f).all() and np.any(g != 0)  # a real point, not a trivial zero


def test_teacher_student_is_realizable_and_its_gradient_is_right():
    obj = TeacherStudent(n=20, p=5, hidden=7, teacher=3, seed=4)
    x_star = obj.teacher_point()
    assert obj.value(x_star)[0] < 1e-30 and np.abs(obj.grad(x_star)).max() < 1e-15  # f* = 0 up to rounding
    X = obj.initial_points(2, seed=1)
    G = obj.grad(X)
    h = 1e-6
    E = np.eye(obj.d)
    fd = np.array([(obj.value(X + h * E[i]) - obj.value(X - h * E[i])) / (2 * h) for i in range(obj.d)]).T
    np.testing.assert_allclose(G, fd, rtol=1e-6, atol=1e-9)


def test_teacher_student_components_are_its_samples():
    obj = TeacherStudent(n=6, p=3, hidden=4, teacher=2, seed=1)
    X = obj.initial_points(2, seed=3)
    every = np.tile(np.arange(obj.n), (2, 1))
    assert_rows_close(obj.component_grad(X, every), obj.grad(X), rtol=1e-12)
    G = all_component_grads(obj, X)  # one sample at a time: the mean over drawn indices
    idx = np.array([[0, 0, 5], [2, 3, 1]])
    expected = np.take_along_axis(G, idx[:, :, None], axis=1).mean(axis=1)
    assert_rows_close(obj.component_grad(X, idx), expected, rtol=1e-12)
    assert not np.allclose(G[:, 0], G[:, 1])  # the samples differ
    with pytest.raises(ValueError, match="idx"):
        obj.component_grad(X, every[:1])


def test_factory_rejects_unknown_names():
    known = "known: abs, abs_diff, abs_quadratic, autoencoder, coordinatewise_l0l1"
    with pytest.raises(ValueError, match=known):
        objectives.get("rosenbrock")
    with pytest.raises(ValueError, match="'q'"):
        objectives.get("cosine_sum", q=1)


def test_factory_builds_each_quadratic_form():
    assert objectives.get("quadratic", A=np.eye(2)).A is not None
    assert objectives.get("quadratic", eigs=[1.0, 2.0]).eigs is not None
    assert objectives.get("quadratic", d=3, L=2.0).constants["L"] == pytest.approx(2.0)


@pytest.mark.parametrize("name, params", [("quadratic", {"d": 3}), ("cosine_sum", {"d": 3}),
                                          ("logistic", {"d": 3, "n": 7})])
def test_same_seed_same_problem(name, params):
    X = np.random.default_rng(0).standard_normal((2, 3))
    one, again, other = (objectives.get(name, seed=s, **params) for s in (1, 1, 2))
    assert np.array_equal(one.grad(X), again.grad(X)) and one.constants == again.constants
    assert not np.array_equal(one.grad(X), other.grad(X))
