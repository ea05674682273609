"""Oracles: unbiasedness and the stated variance, by Monte Carlo over many rows with tolerances of
6 standard errors (a false alarm has probability ~1e-9 per check), and reproducibility."""
from __future__ import annotations

import math

import numpy as np
import pytest

from objective_support import component_variance_at, row_norm
from convcheck.reference import oracles
from convcheck import glossary
from convcheck.reference.objectives import LogCoshSin, LogisticNonconvex, SinSquared

ROWS = 20_000
Z = 6.0  # standard errors allowed


def answer(oracle, obj, X, seed):
    return oracle(obj, X, obj.grad(X), np.random.default_rng(seed), 0)


def assert_mean_near(samples, expected, se, what):
    """|mean(samples) - expected| <= Z se, for scalars or per coordinate."""
    err = np.abs(samples.mean(axis=0) - expected)
    assert np.all(err <= Z * se), f"{what}: error {err} exceeds {Z} standard errors {se}"


@pytest.mark.parametrize("sigma, seed", [(0.1, 0), (1.0, 1), (3.0, 2)])
def test_gaussian_is_unbiased_with_variance_sigma_squared(sigma, seed):
    obj = SinSquared(d=4)
    X = obj.initial_points(ROWS, seed=seed)
    noise = answer(oracles.Gaussian(sigma), obj, X, seed) - obj.grad(X)
    d = obj.d
    # each coordinate is N(0, sigma^2/d); |noise|^2 = (sigma^2/d) chi^2_d, whose variance is 2 sigma^4/d
    assert_mean_near(noise, 0.0, sigma / math.sqrt(d * ROWS), "mean of the noise")
    assert_mean_near(row_norm(noise) ** 2, sigma**2, sigma**2 * math.sqrt(2 / (d * ROWS)), "E|g - grad f|^2")
    assert oracles.Gaussian(sigma).constants(obj) == {"sigma": sigma}


def test_gaussian_with_zero_sigma_is_exact():
    obj = SinSquared(d=3)
    X = obj.initial_points(5)
    assert np.array_equal(answer(oracles.Gaussian(0.0), obj, X, 0), obj.grad(X))


def test_exact_oracle():
    obj = SinSquared(d=3)
    X = obj.initial_points(5)
    assert np.array_equal(answer(oracles.Exact(), obj, X, 0), obj.grad(X))
    assert oracles.Exact().constants(obj) == {"sigma": 0.0}


@pytest.mark.parametrize("batch_size, seed", [(1, 0), (3, 1), (8, 2)])
def test_minibatch_is_unbiased_with_variance_below_sigma_squared(batch_size, seed):
    obj = LogisticNonconvex(n=10, d=3, seed=seed)
    oracle = oracles.Minibatch(batch_size)
    x = np.random.default_rng(seed).standard_normal((1, obj.d))
    X = np.repeat(x, ROWS, axis=0)
    err = answer(oracle, obj, X, seed) - obj.grad(X)
    assert_mean_near(err, 0.0, err.std(axis=0) / math.sqrt(ROWS), "minibatch bias")
    sq = row_norm(err) ** 2
    se = sq.std() / math.sqrt(ROWS)
    exact = component_variance_at(obj, x)[0] / batch_size  # V(x)/B for sampling with replacement
    assert_mean_near(sq, exact, se, "minibatch variance")
    sigma = oracle.constants(obj)["sigma"]
    assert exact <= sigma**2 and sq.mean() <= sigma**2 + Z * se


@pytest.mark.parametrize("oracle, obj", [(oracles.Gaussian(0.5), SinSquared(d=3)),
                                         (oracles.Minibatch(2), LogisticNonconvex(n=6, d=3)),
                                         (oracles.BoundedNoise(0.5), LogCoshSin(d=3))])
def test_same_seed_same_numbers(oracle, obj):
    X = obj.initial_points(4)
    one, again, other = (answer(oracle, obj, X, s) for s in (7, 7, 8))
    assert np.array_equal(one, again)
    assert not np.array_equal(one, other)


@pytest.mark.parametrize("build, argument", [
    (lambda: oracles.Gaussian(-1.0), "sigma"),
    (lambda: oracles.Gaussian(float("nan")), "sigma"),
    (lambda: oracles.Gaussian(float("inf")), "sigma"),
    (lambda: oracles.Minibatch(0), "batch_size"),
    (lambda: oracles.Minibatch(-2), "batch_size"),
    (lambda: oracles.Minibatch(2.5), "batch_size"),
    (lambda: oracles.get("laplace"), "laplace"),
    (lambda: oracles.BoundedNoise(-1.0), "tau"),
    (lambda: oracles.BoundedNoise(float("nan")), "tau"),
    (lambda: oracles.BoundedNoise(float("inf")), "tau"),
])
def test_bad_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


def test_minibatch_needs_a_finite_sum():
    obj = SinSquared(d=3)
    X = obj.initial_points(2)
    with pytest.raises(ValueError, match="finite-sum"):
        oracles.Minibatch(2).constants(obj)
    with pytest.raises(ValueError, match="finite-sum"):
        answer(oracles.Minibatch(2), obj, X, 0)


# -- almost surely bounded noise -----------------------------------------------------------------

@pytest.mark.parametrize("tau, d, seed", [(0.1, 1, 0), (1.0, 3, 1), (3.0, 8, 2)])
def test_bounded_noise_is_unbiased_with_second_moment_tau_squared_d_over_d_plus_2(tau, d, seed):
    """u uniform in the unit ball of R^d: |u|^2 = U^(2/d), so E|u|^2 = d/(d+2), E|u|^4 = d/(d+4);
    by isotropy each coordinate has variance 1/(d+2); P(|u| <= r) = r^d."""
    obj = LogCoshSin(d=d, seed=seed)
    X = obj.initial_points(ROWS, seed=seed)
    noise = answer(oracles.BoundedNoise(tau), obj, X, seed) - obj.grad(X)
    sq = row_norm(noise) ** 2
    assert_mean_near(noise, 0.0, tau / math.sqrt((d + 2) * ROWS), "mean of the noise")
    second = tau**2 * d / (d + 2)
    sd_sq = tau**2 * math.sqrt(d / (d + 4) - (d / (d + 2)) ** 2)
    assert_mean_near(sq, second, sd_sq / math.sqrt(ROWS), "E|g - grad f|^2")
    sd_coord = tau**2 * math.sqrt(3 / ((d + 2) * (d + 4)) - 1 / (d + 2) ** 2)  # E u_k^4 = 3/((d+2)(d+4))
    assert_mean_near(noise**2, tau**2 / (d + 2), sd_coord / math.sqrt(ROWS), "per-coordinate variance")
    inside = (row_norm(noise) <= 0.5 * tau).astype(float)
    assert_mean_near(inside, 0.5**d, math.sqrt(0.5**d * (1 - 0.5**d) / ROWS), "P(|u| <= 1/2)")
    assert oracles.BoundedNoise(tau).constants(obj)["sigma"] == pytest.approx(math.sqrt(second), rel=1e-15)


@pytest.mark.parametrize("seed", [0, 1])
def test_bounded_noise_bounds_hold_almost_surely(seed):
    """|g - grad f|_2 <= tau, |g|_inf <= G + tau and |g|_2 <= G2 + tau on every draw, with rows at
    the gradient's near-supremum (u_i = pi/4 + 10 pi) where the bounds are nearly reached."""
    obj = LogCoshSin(d=4, a=1.5, kappa=3.0, seed=seed)
    oracle = oracles.BoundedNoise(0.7)
    X = np.concatenate([obj.initial_points(ROWS // 2, seed=seed, radius=30.0),
                        np.repeat(obj.minimizers() + math.pi / 4 + 10 * math.pi, ROWS // 2, axis=0)])
    g = answer(oracle, obj, X, seed)
    c = oracle.constants(obj)
    assert np.all(row_norm(g - obj.grad(X)) <= c["tau"] * (1 + 1e-12))
    assert np.all(np.abs(g).max(axis=1) <= c["G"] * (1 + 1e-12))
    assert np.all(row_norm(g) <= c["G2"] * (1 + 1e-12))
    assert row_norm(g).max() >= obj.constants["G2"] + 0.9 * c["tau"]  # the G2 bound is not lazy
    assert row_norm(g - obj.grad(X)).max() >= 0.999 * c["tau"]


def test_bounded_noise_constants():
    obj = LogCoshSin(d=5, seed=0)
    c = oracles.BoundedNoise(0.5).constants(obj)
    assert c == {"sigma": 0.5 * math.sqrt(5 / 7), "tau": 0.5, "G": obj.constants["G"] + 0.5,
                 "G2": obj.constants["G2"] + 0.5}
    assert set(c) <= set(glossary.CONSTANTS)
    assert oracles.BoundedNoise(0.5).constants(SinSquared(d=2)) == {"sigma": 0.5 * math.sqrt(0.5), "tau": 0.5}
    assert oracles.BoundedNoise(0.5).constants(None) == {"sigma": 0.5, "tau": 0.5}  # no d: dimension-free
    g = oracles.get("bounded", tau=0.25)
    assert isinstance(g, oracles.BoundedNoise) and g.describe() == "bounded(tau=0.25)"


def test_bounded_noise_with_zero_tau_is_exact():
    obj = LogCoshSin(d=3)
    X = obj.initial_points(5)
    assert np.array_equal(answer(oracles.BoundedNoise(0.0), obj, X, 0), obj.grad(X))


# -- affine variance ---------------------------------------------------------------------------------

@pytest.mark.parametrize("s, sigma, seed", [(0.5, 0.1, 0), (2.0, 0.0, 1), (0.0, 1.5, 2), (1.0, 0.7, 3)])
def test_affine_variance_is_unbiased_with_second_moment_d1_grad_squared_plus_d0(s, sigma, seed):
    """g_i = d_i f (1 + s xi_i) + sigma zeta_i: E g_i = d_i f, E g_i^2 = (1 + s^2)(d_i f)^2 + sigma^2
    per coordinate (card test vector point grad f = (0, 0.3, -2, 10)). g_i ~ N(m, v) with m = d_i f,
    v = s^2 m^2 + sigma^2, so Var(g_i) = v and Var(g_i^2) = 2 v^2 + 4 m^2 v."""
    from convcheck.reference.objectives import CoordinatewiseL0L1

    obj = CoordinatewiseL0L1(kinds="quartic", d=4, a=1.0)
    target = np.array([0.0, 0.3, -2.0, 10.0])
    X = np.repeat(np.cbrt(target)[None, :], ROWS, axis=0)  # quartic: d_i f = x_i^3
    m = obj.grad(X[:1])[0]
    assert np.allclose(m, target, rtol=1e-14, atol=1e-14)
    oracle = oracles.AffineVariance(s, sigma)
    g = answer(oracle, obj, X, seed)
    v = s**2 * m**2 + sigma**2
    c = oracle.constants(obj)
    assert c == {"D0": sigma**2, "D1": 1 + s**2} and set(c) <= set(glossary.CONSTANTS)
    assert "sigma" not in c  # E||g - grad f||^2 = s^2 ||grad f||^2 + d sigma^2 is unbounded: no bounded variance
    second = c["D0"] + c["D1"] * m**2
    assert_mean_near(g, m, np.sqrt(v / ROWS) + 1e-300, "mean of g")
    assert_mean_near(g**2, second, np.sqrt((2 * v**2 + 4 * m**2 * v) / ROWS) + 1e-300, "E g_i^2")
    if s == 0 and sigma > 0:
        assert np.all(g[:, 0] != 0)  # additive part present even where d_i f = 0


def test_affine_variance_card_test_vector_and_factory():
    o = oracles.get("affine_variance", s=0.5, sigma=0.1)
    assert isinstance(o, oracles.AffineVariance) and o.describe() == "affine_variance(s=0.5, sigma=0.1)"
    c = o.constants(None)
    assert c["D0"] == pytest.approx(0.01, rel=1e-15) and c["D1"] == 1.25


def test_affine_variance_with_zero_noise_is_exact_and_reproducible():
    obj = LogCoshSin(d=3)
    X = obj.initial_points(5)
    assert np.array_equal(answer(oracles.AffineVariance(0.0, 0.0), obj, X, 0), obj.grad(X))
    o = oracles.AffineVariance(0.5, 0.2)
    one, again, other = (answer(o, obj, X, s) for s in (7, 7, 8))
    assert np.array_equal(one, again) and not np.array_equal(one, other)


@pytest.mark.parametrize("build, argument", [
    (lambda: oracles.AffineVariance(-0.1, 1.0), "s"),
    (lambda: oracles.AffineVariance(float("nan"), 1.0), "s"),
    (lambda: oracles.AffineVariance(0.5, -1.0), "sigma"),
    (lambda: oracles.AffineVariance(0.5, float("inf")), "sigma"),
])
def test_affine_variance_bad_arguments_are_named(build, argument):
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        build()


def test_bounded_noise_publishes_tau_for_the_bounded_noise_assumption():
    """The "bounded_noise" oracle class needs tau (||g - grad f||_2 <= tau a.s.); the oracle keeps sigma."""
    assert {"tau", "sigma"} <= set(oracles.BoundedNoise(0.3).constants(SinSquared(d=2)))
    assert "bounded_noise" in glossary.ORACLES and "affine_variance" in glossary.ORACLES
