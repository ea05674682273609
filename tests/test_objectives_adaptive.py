"""Objectives for the adaptive methods (bounded gradients, a neural-network loss) and the Lanczos
spectrum: derivatives against finite differences, every published constant checked on
Hypothesis-drawn objectives and points and shown nearly attained (the docstrings hold the proofs)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from objective_support import assert_rows_close, points, row_norm
from convcheck.reference import objectives, spectrum
from convcheck.reference.backend import cupy_available
from convcheck.reference.objectives import Autoencoder, LogCoshSin, Quadratic
from convcheck.reference.objectives.autoencoder import ACTIVATIONS

dims = st.integers(1, 4)
seeds = st.integers(0, 2**16)
H = 1e-5  # central differences: truncation ~H^2 f''', rounding ~eps |f| / H, both << 1e-6

logcosh_sin = st.builds(LogCoshSin, d=dims, a=st.floats(0.0, 5.0), kappa=st.floats(1.0, 100.0),
                        seed=seeds, m=st.sampled_from([0, 0, 3]), coupling=st.floats(0.0, 2.0))
separable = st.builds(LogCoshSin, d=dims, a=st.floats(0.0, 5.0), kappa=st.floats(1.0, 100.0), seed=seeds)
HIDDEN = [(3,), (2, 3), (4, 2, 4)]


@st.composite
def autoencoders(draw):
    """Small networks (P <= 62): p <= 4 and at most three narrow hidden layers."""
    p = draw(st.integers(1, 4))
    return Autoencoder(n=draw(st.integers(1, 8)), p=p, hidden=draw(st.sampled_from(HIDDEN)),
                       activation=draw(st.sampled_from(ACTIVATIONS)), seed=draw(seeds),
                       n_test=draw(st.integers(1, 5)), rank=draw(st.integers(1, p)),
                       noise=draw(st.sampled_from([0.0, 0.1])))


def net_points(draw, obj, rows=2):
    """Glorot draws plus a perturbation, so weights are neither tiny nor saturating."""
    X = obj.initial_points(rows, seed=draw(seeds), radius=draw(st.floats(0.5, 4.0)))
    return X + draw(points(obj.d, rows=rows, radius=0.5))


def central_difference(fn, X, V, h=H):
    return (fn(X + h * V) - fn(X - h * V)) / (2 * h)


def fd_gradient(obj, X):
    """Central differences along every coordinate, as one batched call on 2 R d rows."""
    R, d = X.shape
    E = np.tile(np.eye(d), (R, 1))
    rows = np.repeat(X, d, axis=0)
    return central_difference(obj.value, rows, E).reshape(R, d)


# == LogCoshSin: bounded gradients, unequal scales ==============================================

@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_grad_matches_finite_differences(obj, data):
    X = data.draw(points(obj.d))
    assert_rows_close(fd_gradient(obj, X), obj.grad(X), rtol=1e-6)


@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_hvp_matches_finite_differences_and_diagonal(obj, data):
    X, V = data.draw(points(obj.d)), data.draw(points(obj.d, radius=1.0))
    assert_rows_close(central_difference(obj.grad, X, V), obj.hvp(X, V), rtol=1e-6)
    dense = spectrum.hessian(obj, X)
    np.testing.assert_allclose(np.diagonal(dense, axis1=1, axis2=2), obj.hessian_diagonal(X),
                               rtol=1e-12, atol=1e-14)


@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_hessian_norm_at_most_L(obj, data):
    X = data.draw(points(obj.d, radius=10.0))
    norm = np.abs(np.linalg.eigvalsh(spectrum.hessian(obj, X))).max(axis=1)
    assert np.all(norm <= obj.constants["L"] * (1 + 1e-12))


@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_gradient_is_L_lipschitz(obj, data):
    X, Y = data.draw(points(obj.d)), data.draw(points(obj.d))
    L = obj.constants["L"]
    slack = 1e-12 * (1 + row_norm(obj.grad(X)) + row_norm(obj.grad(Y)) + L * (row_norm(X) + row_norm(Y)))
    assert np.all(row_norm(obj.grad(X) - obj.grad(Y)) <= L * row_norm(X - Y) * (1 + 1e-9) + slack)


@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_gradient_bounded_by_G_and_G2(obj, data):
    X = data.draw(points(obj.d, radius=50.0))
    g = obj.grad(X)
    assert np.all(np.abs(g).max(axis=1) <= obj.constants["G"] * (1 + 1e-12))
    assert np.all(row_norm(g) <= obj.constants["G2"] * (1 + 1e-12))


@given(obj=logcosh_sin, data=st.data())
def test_logcosh_sin_f_above_its_lower_bound(obj, data):
    f = obj.value(data.draw(points(obj.d, radius=10.0)))
    assert np.all(f >= obj.f_lower - 1e-12 * (1 + np.abs(f)))


@given(obj=separable)
def test_logcosh_sin_L_attained_at_the_centre(obj):
    """phi''(0) = 1 + 2a: at x = c the Hessian is diag((1 + 2a) s), whose norm is exactly L."""
    c = obj.minimizers()
    e = np.eye(obj.d)[[np.argmax(obj.scales)]]
    assert row_norm(obj.hvp(c, e))[0] == pytest.approx(obj.constants["L"], rel=1e-15)


@given(obj=separable)
def test_logcosh_sin_G_and_G2_nearly_attained(obj):
    """At u_i = pi/4 + 10 pi: sin 2u_i = 1 and tanh u_i = 1 - O(e^{-64}), so phi' = 1 + a to
    rounding, and the sup bounds are reached in both norms."""
    X = obj.minimizers() + (math.pi / 4 + 10 * math.pi)
    g = obj.grad(X)
    assert np.abs(g).max() == pytest.approx(obj.constants["G"], rel=1e-12)
    assert row_norm(g)[0] == pytest.approx(obj.constants["G2"], rel=1e-12)


@given(obj=separable)
def test_logcosh_sin_f_star_at_the_centre(obj):
    c = obj.minimizers()
    assert obj.value(c)[0] == obj.constants["f_star"] == 0.0
    assert np.array_equal(obj.grad(c), np.zeros_like(c))
    assert "f_low" not in obj.constants


@given(d=dims, a=st.floats(1e-3, 5.0), seed=seeds, k=st.integers(0, 3))
def test_logcosh_sin_is_nonconvex_for_every_positive_a(d, a, seed, k):
    """phi''(pi/2 + K pi) = sech^2(pi/2 + K pi) - 2a < 0 once 4 e^{-(2K+1) pi} < 2a: checked on the
    exact Hessian and on second differences of f itself."""
    obj = LogCoshSin(d=d, a=a, seed=seed)
    K = 0 if a > 0.08 else 3  # sech^2(pi/2) = 0.159 < 2a; sech^2(7 pi/2) < 7e-10 < 2e-3
    e = np.eye(d)[[k % d]]
    X = obj.minimizers() + (math.pi / 2 + K * math.pi) * e
    assert (obj.hvp(X, e) @ e.T)[0, 0] < 0
    h = 1e-3
    assert obj.value(X + h * e)[0] + obj.value(X - h * e)[0] - 2 * obj.value(X)[0] < 0


@given(obj=st.builds(LogCoshSin, d=dims, a=st.just(0.0), kappa=st.floats(1.0, 100.0), seed=seeds),
       data=st.data())
def test_logcosh_sin_without_sine_is_convex(obj, data):
    X = data.draw(points(obj.d, radius=30.0))
    assert np.all(obj.hessian_diagonal(X) >= 0)


@given(d=dims, kappa=st.floats(1.0, 1e4), seed=seeds)
def test_logcosh_sin_scales_span_the_condition_number(d, kappa, seed):
    obj = LogCoshSin(d=d, kappa=kappa, seed=seed)
    assert obj.scales.max() == 1.0
    assert obj.scales.min() == pytest.approx(1.0 / kappa if d > 1 else 1.0, rel=1e-14)
    assert obj.kappa == kappa


def test_logcosh_sin_explicit_scales_and_centre():
    obj = LogCoshSin(a=0.5, scales=[1.0, 4.0, 0.5], center=[0.0, 1.0, -1.0])
    assert obj.d == 3 and obj.kappa == 8.0
    c = obj.constants
    assert c["L"] == 4.0 * 2.0 and c["G"] == 4.0 * 1.5
    assert c["G2"] == pytest.approx(1.5 * math.sqrt(1 + 16 + 0.25), rel=1e-15)
    assert np.array_equal(obj.minimizers(), [[0.0, 1.0, -1.0]])


def test_logcosh_sin_coupling_replaces_f_star_by_f_low():
    obj = LogCoshSin(d=4, seed=3, m=5, coupling=1.0)
    assert "f_star" not in obj.constants
    assert obj.constants["f_low"] == -np.abs(obj.b).sum()
    assert obj.constants["L"] > LogCoshSin(d=4, seed=3).constants["L"]
    with pytest.raises(ValueError, match="minimizer"):
        obj.minimizers()


@given(seed=seeds, coupling=st.floats(0.1, 2.0))
def test_logcosh_sin_coupling_bounds_at_the_worst_phases(seed, coupling):
    """With m = 3 <= d = 4, W has full row rank, so x = W^+ (v - psi) reaches any phases v. With
    negligible scales (1e-9) the coupling dominates: sin v_j = -sign(b_j W_jk) attains G's coupling
    term, cos v_j = -sign(b_j) makes the Hessian M and attains L, and the worst sign vector
    (the sup of the convex map y -> ||W^T (b o y)|| over [-1, 1]^m is at a vertex) stays below G2."""
    obj = LogCoshSin(scales=np.full(4, 1e-9), a=0.0, seed=seed, m=3, coupling=coupling)
    W, b, psi = obj.W, obj.b, obj.psi

    def reach(v):
        return (np.linalg.pinv(W) @ (v - psi))[None, :]

    k = np.argmax((np.abs(b)[:, None] * np.abs(W)).sum(axis=0))
    g = obj.grad(reach(-np.pi / 2 * np.sign(b * W[:, k])))
    assert abs(g[0, k]) == pytest.approx(obj.constants["G"], rel=1e-7, abs=1e-8)
    X = reach(np.where(b > 0, np.pi, 0.0))
    w = np.linalg.eigvalsh(spectrum.hessian(obj, X))
    assert np.abs(w).max() == pytest.approx(obj.constants["L"], rel=1e-7, abs=1e-8)
    signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * 3)).reshape(3, -1).T
    worst = signs[np.argmax(row_norm((signs * b) @ W))]
    assert row_norm(obj.grad(reach(np.pi / 2 * worst)))[0] <= obj.constants["G2"] * (1 + 1e-12)


def test_logcosh_sin_is_finite_far_out():
    obj = LogCoshSin(d=3, seed=1, m=2)
    X = np.array([[1e3, -1e3, 1e3], [-1e300, 1e300, 0.0], [1e-300, -1e-12, 0.0]])
    for out in (obj.value(X), obj.grad(X), obj.hvp(X, np.ones_like(X))):
        assert np.all(np.isfinite(out))
    assert np.all(np.abs(obj.grad(X)).max(axis=1) <= obj.constants["G"])


# == the autoencoder ==========================================================================

@given(obj=autoencoders(), data=st.data())
def test_autoencoder_grad_matches_finite_differences(obj, data):
    X = net_points(data.draw, obj)
    assert_rows_close(fd_gradient(obj, X), obj.grad(X), rtol=1e-6)


@given(obj=autoencoders(), data=st.data())
def test_autoencoder_hvp_matches_finite_differences_of_grad(obj, data):
    X = net_points(data.draw, obj)
    V = data.draw(points(obj.d, rows=2, radius=1.0))
    assert_rows_close(central_difference(obj.grad, X, V), obj.hvp(X, V), rtol=1e-6)


@given(obj=autoencoders(), data=st.data())
def test_autoencoder_hvp_is_symmetric(obj, data):
    X = net_points(data.draw, obj)
    U, V = (data.draw(points(obj.d, rows=2, radius=1.0)) for _ in range(2))
    uHv, vHu = (U * obj.hvp(X, V)).sum(axis=1), (V * obj.hvp(X, U)).sum(axis=1)
    scale = row_norm(U) * row_norm(V) * np.abs(np.linalg.eigvalsh(spectrum.hessian(obj, X))).max(axis=1)
    assert np.all(np.abs(uHv - vHu) <= 1e-12 * (1 + scale))


@given(obj=autoencoders(), data=st.data())
def test_autoencoder_components_average_to_f(obj, data):
    X = net_points(data.draw, obj)
    perm = np.stack([np.random.default_rng(s).permutation(obj.n) for s in range(X.shape[0])])
    assert_rows_close(obj.component_grad(X, perm), obj.grad(X), rtol=1e-12, floor=1e-12)
    np.testing.assert_allclose(obj.component_value(X, perm), obj.value(X), rtol=1e-12)
    # a drawn multiset of components: the mean of the single-component gradients
    idx = data.draw(hnp.arrays(np.int64, (X.shape[0], 3), elements=st.integers(0, obj.n - 1)))
    single = np.stack([obj.component_grad(X, idx[:, [b]]) for b in range(3)], axis=1)
    assert_rows_close(obj.component_grad(X, idx), single.mean(axis=1), rtol=1e-12, floor=1e-12)


@given(obj=autoencoders(), data=st.data())
def test_autoencoder_batched_rows_equal_one_at_a_time(obj, data):
    X = net_points(data.draw, obj, rows=3)
    V = data.draw(points(obj.d, rows=3, radius=1.0))
    for r in range(3):
        x, v = X[r:r + 1], V[r:r + 1]
        assert obj.value(X)[r] == pytest.approx(obj.value(x)[0], rel=1e-13, abs=1e-15)
        assert_rows_close(obj.grad(x), obj.grad(X)[r:r + 1], rtol=1e-13, floor=1e-13)
        assert_rows_close(obj.hvp(x, v), obj.hvp(X, V)[r:r + 1], rtol=1e-13, floor=1e-13)


@given(obj=autoencoders(), data=st.data())
def test_autoencoder_loss_is_a_mean_of_half_squared_errors(obj, data):
    """value against a direct one-point-at-a-time forward pass, and f >= f_low = 0."""
    X = net_points(data.draw, obj, rows=1)
    act = np.tanh if obj.activation == "tanh" else (lambda z: 1.0 / (1.0 + np.exp(-z)))
    layers = [(W[0], b[0]) for W, b in obj.unpack(X)]
    for data_set, loss in ((obj.data, obj.value(X)[0]), (obj.test_data, obj.test_value(X)[0])):
        total = 0.0
        for a in data_set:
            h = a
            for l, (W, b) in enumerate(layers):
                h = W @ h + b
                h = act(h) if l < len(layers) - 1 else h
            total += 0.5 * np.sum((h - a) ** 2)
        assert loss == pytest.approx(total / len(data_set), rel=1e-12)
        assert loss >= obj.constants["f_low"]


def test_autoencoder_layout():
    obj = Autoencoder(n=4, p=5, hidden=(3, 2, 3))
    assert obj.sizes == (5, 3, 2, 3, 5)
    assert obj.d == 3 * 6 + 2 * 4 + 3 * 3 + 5 * 4
    X = np.arange(2 * obj.d, dtype=float).reshape(2, obj.d)
    layers = obj.unpack(X)
    assert [W.shape for W, _ in layers] == [(2, 3, 5), (2, 2, 3), (2, 3, 2), (2, 5, 3)]
    assert layers[0][0][1, 0, 1] == obj.d + 1 and layers[0][1][0, 0] == 15  # W_0 row-major, then b_0
    assert layers[1][0][0, 0, 0] == 18
    assert np.array_equal(obj.pack(layers), X)
    assert obj.grad(X * 1e-3).dtype == np.float64


@pytest.mark.parametrize("radius", [0.0, 2.0, 5.0])
def test_autoencoder_glorot_initialisation(radius):
    obj = Autoencoder(p=6, hidden=(4, 2, 4))
    X = obj.initial_points(500, seed=3, radius=radius)
    for (W, b), (o, i) in zip(obj.unpack(X), obj.shapes):
        limit = (radius / 2) * math.sqrt(6 / (i + o))
        assert np.all(b == 0) and np.all(np.abs(W) <= limit)
        if radius:  # the limit is reached, not just respected
            assert np.abs(W).max() > 0.99 * limit
    assert np.array_equal(X, obj.initial_points(500, seed=3, radius=radius))


def test_autoencoder_same_seed_same_problem():
    one, again, other = (Autoencoder(n=6, p=4, hidden=(2,), seed=s) for s in (1, 1, 2))
    X = one.initial_points(2, seed=0)
    assert np.array_equal(one.data, again.data) and np.array_equal(one.grad(X), again.grad(X))
    assert not np.array_equal(one.data, other.data)
    # the test set does not depend on the size of the training set
    assert np.array_equal(Autoencoder(n=3, seed=4).test_data, Autoencoder(n=9, seed=4).test_data)
    assert not np.array_equal(one.value(X), one.test_value(X))


def test_autoencoder_data_lie_near_a_subspace():
    obj = Autoencoder(n=200, p=6, rank=2, noise=0.01, seed=5)
    s = np.linalg.svd(obj.data, compute_uv=False)
    assert s[2] < 0.05 * s[1]
    assert obj.function_class == "smooth" and obj.constants == {"f_low": 0.0}


def test_autoencoder_component_grad_rejects_bad_idx_shape():
    obj = Autoencoder(n=5, p=3, hidden=(2,))
    with pytest.raises(ValueError, match="idx"):
        obj.component_grad(np.zeros((2, obj.d)), np.zeros((3, 1), dtype=int))


# == invalid arguments =========================================================================

@pytest.mark.parametrize("build, argument", [
    (lambda: LogCoshSin(a=-1.0), "a"),
    (lambda: LogCoshSin(kappa=0.5), "kappa"),
    (lambda: LogCoshSin(kappa=np.nan), "kappa"),
    (lambda: LogCoshSin(scales=[1.0, 0.0]), "scales"),
    (lambda: LogCoshSin(scales=[1.0, 2.0], kappa=3.0), "kappa"),
    (lambda: LogCoshSin(d=3, scales=[1.0, 2.0]), "scales"),
    (lambda: LogCoshSin(center=[1.0, np.inf]), "center"),
    (lambda: LogCoshSin(m=-1), "m"),
    (lambda: LogCoshSin(coupling=-0.5), "coupling"),
    (lambda: LogCoshSin(d=0), "d"),
    (lambda: LogCoshSin(seed=-1), "seed"),
    (lambda: Autoencoder(n=0), "n"),
    (lambda: Autoencoder(p=0), "p"),
    (lambda: Autoencoder(hidden=()), "hidden"),
    (lambda: Autoencoder(hidden=(2, 2, 2, 2)), "hidden"),
    (lambda: Autoencoder(hidden=(3, 0)), "hidden"),
    (lambda: Autoencoder(hidden=4), "hidden"),
    (lambda: Autoencoder(activation="relu"), "activation"),
    (lambda: Autoencoder(n_test=0), "n_test"),
    (lambda: Autoencoder(p=3, rank=4), "rank"),
    (lambda: Autoencoder(noise=-1.0), "noise"),
    (lambda: Autoencoder(seed=None), "seed"),
    (lambda: Autoencoder().initial_points(2, radius=-1.0), "radius"),
    (lambda: spectrum.extreme_eigenvalues(Quadratic.diagonal([1.0, 2.0]), np.zeros((2, 3))), "X"),
    (lambda: spectrum.extreme_eigenvalues(Quadratic.diagonal([1.0, 2.0]), np.zeros((2, 2)), iters=0),
     "iters"),
])
def test_invalid_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


@pytest.mark.parametrize("name", ["logcosh_sin", "autoencoder"])
def test_factory_builds_them(name):
    obj = objectives.get(name)
    X = obj.initial_points(2)
    assert obj.value(X).shape == (2,) and obj.grad(X).shape == X.shape and obj.hvp(X, X).shape == X.shape


# == the Lanczos spectrum ======================================================================

@given(eigs=hnp.arrays(np.float64, st.integers(1, 12), elements=st.sampled_from([-2.0, 0.0, 0.5, 1.0, 3.0])),
       data=st.data())
def test_lanczos_on_diagonal_quadratics(eigs, data):
    """Repeated eigenvalues make the Krylov space smaller than d: breakdown, restart, and still the
    exact ends when iters >= d; fewer iterations give inner bounds."""
    obj = Quadratic.diagonal(eigs)
    X = data.draw(points(obj.d, rows=3))
    lo, hi = spectrum.extreme_eigenvalues(obj, X, iters=obj.d + data.draw(st.integers(0, 3)), seed=1)
    np.testing.assert_allclose(lo, eigs.min(), atol=1e-12)
    np.testing.assert_allclose(hi, eigs.max(), atol=1e-12)
    lo, hi = spectrum.extreme_eigenvalues(obj, X, iters=data.draw(st.integers(1, obj.d)), seed=2)
    assert np.all(lo >= eigs.min() - 1e-12) and np.all(hi <= eigs.max() + 1e-12) and np.all(lo <= hi + 1e-12)


def test_lanczos_converges_on_a_large_spread_spectrum_in_few_iterations():
    eigs = np.concatenate([[-1.0], np.linspace(0.0, 1.0, 198), [10.0]])
    obj = Quadratic.diagonal(eigs)
    lo, hi = spectrum.extreme_eigenvalues(obj, np.zeros((4, 200)), iters=40)
    np.testing.assert_allclose(hi, 10.0, rtol=1e-10)
    np.testing.assert_allclose(lo, -1.0, rtol=1e-6)


@given(obj=autoencoders(), data=st.data())
def test_lanczos_matches_the_dense_hessian_of_an_autoencoder(obj, data):
    X = net_points(data.draw, obj)
    w = np.linalg.eigvalsh(spectrum.hessian(obj, X))
    lo, hi = spectrum.extreme_eigenvalues(obj, X, iters=obj.d, seed=data.draw(seeds))
    scale = 1 + np.abs(w).max(axis=1)
    assert np.all(np.abs(lo - w[:, 0]) <= 1e-10 * scale)
    assert np.all(np.abs(hi - w[:, -1]) <= 1e-10 * scale)


def test_lanczos_is_seeded_and_matches_the_exact_diagonal():
    obj = LogCoshSin(d=6, a=2.0, kappa=5.0, seed=2)
    X = obj.initial_points(3, seed=1)
    one, again = (spectrum.ritz_values(obj, X, iters=4, seed=3) for _ in range(2))
    assert np.array_equal(one, again)
    lo, hi = spectrum.extreme_eigenvalues(obj, X, iters=6)
    Hd = obj.hessian_diagonal(X)
    np.testing.assert_allclose(lo, Hd.min(axis=1), atol=1e-12)
    np.testing.assert_allclose(hi, Hd.max(axis=1), atol=1e-12)


def test_hessian_is_zero_for_a_zero_quadratic():
    obj = Quadratic.diagonal(np.zeros(3))
    lo, hi = spectrum.extreme_eigenvalues(obj, np.ones((2, 3)), iters=5)
    assert np.array_equal(lo, np.zeros(2)) and np.array_equal(hi, np.zeros(2))


# == GPU agreement (CI has no GPU: skipped there) ==============================================

@pytest.mark.skipif(not cupy_available(), reason="no CuPy with a CUDA device")
@pytest.mark.parametrize("obj", [LogCoshSin(d=5, seed=1, m=3),
                                 Autoencoder(n=6, p=4, hidden=(3, 2, 3), activation="sigmoid")])
def test_cupy_matches_numpy(obj):
    import cupy

    X = obj.initial_points(3, seed=2)
    V = np.random.default_rng(0).standard_normal(X.shape)
    Xd, Vd = cupy.asarray(X), cupy.asarray(V)
    for host, dev in ((obj.value(X), obj.value(Xd)), (obj.grad(X), obj.grad(Xd)),
                      (obj.hvp(X, V), obj.hvp(Xd, Vd))):
        np.testing.assert_allclose(dev.get(), host, rtol=1e-12, atol=1e-14)
    lo, hi = spectrum.extreme_eigenvalues(obj, Xd, iters=obj.d)
    w = np.linalg.eigvalsh(spectrum.hessian(obj, X))
    np.testing.assert_allclose(lo.get(), w[:, 0], atol=1e-10)
    np.testing.assert_allclose(hi.get(), w[:, -1], atol=1e-10)
