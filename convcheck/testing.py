"""Hypothesis strategies and an assertion helper, for our tests and for users' own test suites.

Hold your implementation of an optimizer to a theorem:

    from hypothesis import given
    from convcheck.testing import assert_satisfies, smooth_objectives

    @given(smooth_objectives())
    def test_my_gd_is_gd(objective):
        assert_satisfies("gd.smooth", my_gd, objective)   # my_gd: reference.optimizers.Optimizer

    @given(bounded_gradient_objectives())
    def test_my_adam(objective):                           # lr swept; xi, betas fixed
        assert_satisfies("adam.det", my_adam, objective, hp={"xi": 0.1, "beta1": 0.5, "beta2": 0.99})

``assert_satisfies`` sweeps the theorem's hyperparameters over their admissible range (or uses
the ones you give), runs your optimizer in a batch and raises AssertionError with the checker's
report if any guarantee failed (one-step inequality, rate, complexity, divergence).
"""
from __future__ import annotations

from hypothesis import strategies as st

from convcheck import theory
from convcheck.reference import objectives, oracles

from .checker import check
from .join import Join, upper_bound_of
from .report import check_report
from .setups import Setup


def smooth_objectives(max_d: int = 6) -> st.SearchStrategy:
    """L-smooth objectives with proved constants: sin^2 family, cosine sums, random PSD quadratics,
    and logistic finite sums, with drawn dimension, amplitude and seed."""
    d = st.integers(1, max_d)
    seed = st.integers(0, 10_000)
    return st.one_of(
        st.builds(lambda d, a: objectives.get("sin_squared", d=d, a=a), d, st.floats(0.0, 5.0)),
        st.builds(lambda d, s: objectives.get("cosine_sum", d=d, m=8, seed=s), d, seed),
        st.builds(lambda d, L, s: objectives.Quadratic.random(d, L, seed=s), d, st.floats(0.1, 50.0), seed),
        st.builds(lambda d, s: objectives.get("logistic", n=12, d=d, seed=s), d, seed),
    )


def bounded_gradient_objectives(max_d: int = 6) -> st.SearchStrategy:
    """Objectives with proved L, G (sup ||grad f||_inf), G2 and f_star, for the RMSProp/Adam theorems:
    the log cosh + sin^2 family with drawn dimension, amplitude, coordinate scales and seed,
    optionally with cosine couplings."""
    return st.builds(lambda d, a, kappa, m, s: objectives.get("logcosh_sin", d=d, a=a, kappa=kappa, m=m, seed=s),
                     st.integers(1, max_d), st.floats(0.0, 3.0), st.floats(1.0, 100.0), st.integers(0, 4),
                     st.integers(0, 10_000))


def admissible(theorem_id: str, name: str, objective, fraction: float) -> float:
    """The value at ``fraction`` in (0, 1) of a hyperparameter's range allowed by the theorem's
    conditions on this objective (e.g. lr = fraction * 2/L for gd.smooth)."""
    thm = theory.get(theorem_id)
    bound = upper_bound_of(thm, name)
    if bound is None:
        raise ValueError(f"theorem {theorem_id} has no condition bounding {name!r} above")
    f0 = objective.value(objective.initial_points(1))
    return float(fraction * Join.of(thm, objective, oracles.Exact(), f0).value(bound))


def assert_satisfies(theorem_id: str, optimizer, objective=None, oracle=None, hp: dict | None = None,
                     runs: int = 16, steps: int = 200, seed: int = 0, level: float = 0.99):
    """Raise AssertionError (with the full report) unless ``optimizer`` meets the theorem."""
    thm = theory.get(theorem_id)
    needs_g = "G" in thm.quantities
    objective = objective or (objectives.get("logcosh_sin", d=5, seed=seed) if needs_g
                              else objectives.get("cosine_sum", d=5, m=8, seed=seed))
    expectation = thm.rate is not None and thm.rate.expectation
    default_oracle = {"bounded_variance": oracles.Gaussian(1.0), "bounded": oracles.BoundedNoise(0.5)}
    oracle = oracle or default_oracle.get(thm.oracle, oracles.Exact())
    hp = dict(hp or {})
    # sweep the step size over its admissible range unless it is given (other hyperparameters fixed)
    setup = Setup(objective, oracle, runs=runs, steps=steps, x0="shared" if expectation else "random",
                  sweep="lr" not in hp and not expectation, hp=hp, seed=seed)
    rep = check(thm, [setup], level=level, optimizer=optimizer)
    if rep.verdict not in ("holds", "inconclusive"):
        raise AssertionError(f"{optimizer.name} does not satisfy {theorem_id}:\n{check_report(rep)}")
    return rep
