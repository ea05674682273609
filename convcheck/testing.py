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

import dataclasses
import warnings

from hypothesis import strategies as st

from convcheck import theory
from convcheck.reference import objectives, oracles

from .checker import check
from .families import blind_spots, default_setups
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


class BlindSpotWarning(UserWarning):
    """A passing assert_satisfies names the classes of bug its theorem's check cannot see."""


def _setups(thm, objective, oracle, hp, runs, steps, seed):
    """The user's objective as one setup, or else the theorem's default setups (runs, steps, hp applied)."""
    hp = dict(hp or {})
    if objective is None and oracle is None:
        sized = {k: v for k, v in (("runs", runs), ("steps", steps)) if v is not None}
        return [dataclasses.replace(s, hp={**s.hp, **hp}, sweep=s.sweep and "lr" not in hp, seed=seed, **sized)
                for s in default_setups(thm.id)]
    needs_g = "G" in thm.quantities
    objective = objective or (objectives.get("logcosh_sin", d=5, seed=seed) if needs_g
                              else objectives.get("cosine_sum", d=5, m=8, seed=seed))
    expectation = thm.rate is not None and thm.rate.expectation
    default_oracle = {"bounded_variance": oracles.Gaussian(1.0), "bounded": oracles.BoundedNoise(0.5)}
    oracle = oracle or default_oracle.get(thm.oracle, oracles.Exact())
    # sweep the step size over its admissible range unless it is given (other hyperparameters fixed)
    return [Setup(objective, oracle, runs=runs or 16, steps=steps or 200, x0="shared" if expectation else "random",
                  sweep="lr" not in hp and not expectation, hp=hp, seed=seed)]


def assert_satisfies(theorem_id: str, optimizer, objective=None, oracle=None, hp: dict | None = None,
                     runs: int | None = None, steps: int | None = None, seed: int = 0, level: float = 0.99,
                     options: dict | None = None, allow_inconclusive: bool = False):
    """Raise AssertionError (with the full report) unless ``optimizer`` meets the theorem.

    Upper bounds: on ``objective``/``oracle`` if given (16 runs x 200 steps unless told), else on the theorem's
    default setups (``runs``/``steps``/``hp`` override theirs). Property theorems: their check runs
    ``optimizer`` in place of the algorithm it names, on its own problems (settings through ``options``).
    Only "holds" passes: "inconclusive" fails unless ``allow_inconclusive``, "does not apply" always fails
    (nothing was checked). A pass warns (BlindSpotWarning) with the bug classes the check cannot see.
    """
    thm = theory.get(theorem_id)
    if thm.kind != "upper":  # a property's check runs on its own problems; a lower bound refuses an optimizer
        given = [k for k, v in (("objective", objective), ("oracle", oracle), ("hp", hp), ("runs", runs),
                                ("steps", steps)) if v is not None]
        if given:
            raise ValueError(f"{given[0]}= does not apply to {theorem_id}: a property theorem is checked on its "
                             f"own problems; its check's settings go through options=")
        rep = check(thm, level=level, optimizer=optimizer, options=options)
    else:
        if options:
            raise ValueError(f"options= does not apply to {theorem_id}: only a property theorem's check takes them")
        ignored = [q.name for q in thm.hyperparameters if q.name not in optimizer.defaults]
        if ignored:  # its runs would not see the value the bound is evaluated at
            raise ValueError(f"{optimizer.name} takes no hyperparameter {ignored[0]!r}, which {theorem_id} sets; it "
                             f"takes {', '.join(sorted(optimizer.defaults))} (names: convcheck/glossary.py)")
        rep = check(thm, _setups(thm, objective, oracle, hp, runs, steps, seed), level=level, optimizer=optimizer)
    passing = ("holds", "inconclusive") if allow_inconclusive else ("holds",)
    if rep.verdict not in passing:
        why = ("\n(inconclusive is not a pass: the check could not decide; pass allow_inconclusive=True to accept "
               "it)") if rep.verdict == "inconclusive" else ""
        raise AssertionError(f"{optimizer.name} does not satisfy {theorem_id} ({rep.verdict}):\n"
                             f"{check_report(rep)}{why}")
    blind = blind_spots(theorem_id)
    if blind:
        warnings.warn(BlindSpotWarning(
            f"{optimizer.name} satisfies {theorem_id}, whose check cannot see: "
            + "; ".join(f"{name} ({why})" for name, why in blind.items())), stacklevel=2)
    return rep
