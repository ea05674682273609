"""Hypothesis strategies and assertion helpers, for our tests and for users' own test suites.

Hold your implementation of an optimizer to a theorem:

    import torch
    from hypothesis import given, strategies as st
    from convcheck.adapters import from_torch
    from convcheck.testing import assert_satisfies, bounded_gradient_objectives, hyperparameters, smooth_objectives

    @given(smooth_objectives())
    def test_my_gd_is_gd(objective):
        assert_satisfies("gd.smooth", my_gd, objective)   # my_gd: reference.optimizers.Optimizer (or an adapter's)

    @given(st.data())
    def test_my_adam(data):                                # every hyperparameter drawn inside the conditions
        objective = data.draw(bounded_gradient_objectives())
        hp = data.draw(hyperparameters("adam.det", objective))
        assert_satisfies("adam.det", from_torch(torch.optim.Adam), objective, hp=hp)

(The pytest plugin, convcheck/pytest_plugin.py, offers the same as a marker.) ``assert_satisfies`` runs
your optimizer in a batch on the objective you give (or the theorem's default problems) and raises
AssertionError with the checker's report if any guarantee failed (one-step inequality, rate, complexity,
divergence), or if nothing was decided; when it passes it warns with the bug classes the theorem cannot
see (convcheck/blindspots.py). ``assert_matches(optimizer, "adam")`` compares your iterates with the
reference's, step by step, and sees those: eps placement, bias correction, the clipping norm, the NAG
form, decay coupling, a step scale.

Strategies, one per function class of the catalogue: ``smooth_objectives`` (L-smooth),
``bounded_gradient_objectives`` (L-smooth with G), ``l0l1_objectives``, ``coordinatewise_l0l1_objectives``
``pl_objectives`` (L-smooth PL, with proved mu and f_star) and ``nonsmooth_objectives`` (tame).
"""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from convcheck import theory
from convcheck.reference import objectives, optimizers, oracles, run

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


def pl_objectives(max_d: int = 6) -> st.SearchStrategy:
    """L-smooth Polyak-Lojasiewicz objectives with proved L, mu and f_star = 0: PSD quadratics with a drawn
    spectrum in [mu, L] (singular when mu = 0 is drawn for a coordinate: PL still holds on the range) and the
    nonconvex sum of x^2 + 3 sin^2 x (mu = 0.175, reference.objectives.sin_squared)."""
    d = st.integers(1, max_d)
    return st.one_of(
        st.builds(lambda d, L, r, s: objectives.Quadratic.random(d, L, seed=s, mu=r * L), d, st.floats(0.1, 50.0),
                  st.floats(0.01, 1.0), st.integers(0, 10_000)),
        st.builds(lambda d: objectives.get("pl_sin_squared", d=d), d),
    )


def l0l1_objectives(max_d: int = 6) -> st.SearchStrategy:
    """(L0,L1)-smooth objectives with proved L0, L1 (card section 10): exponential, quartic, Mexican-hat and
    exp-sum growth, with drawn dimension and growth parameter."""
    d = st.integers(2, max_d)
    return st.one_of(
        st.builds(lambda d, a: objectives.get("cosh", d=d, a=a), d, st.floats(0.2, 3.0)),
        st.builds(lambda d, L1: objectives.get("quartic", d=d, L1=L1), d, st.floats(0.5, 5.0)),
        st.builds(lambda d, L1: objectives.get("mexican_hat", d=d, L1=L1), d, st.floats(1.0, 5.0)),
        st.builds(lambda d, a, c: objectives.get("exp_sum", d=d, a=a, c=c), d, st.floats(0.2, 3.0),
                  st.floats(0.2, 3.0)),
    )


COORDINATE_KINDS = ("cosh", "exp", "quartic", "double_well")


def coordinatewise_l0l1_objectives(max_d: int = 6) -> st.SearchStrategy:
    """Coordinate-wise (L0,L1)-smooth sums s_i h_i(a_i x_i), each coordinate's kind, parameter a_i and
    scale s_i drawn (reference/objectives/coordinatewise.py)."""
    def build(draw):
        d = draw(st.integers(1, max_d))

        def per_coordinate(elements):
            return draw(st.lists(elements, min_size=d, max_size=d))

        return objectives.get("coordinatewise_l0l1", kinds=per_coordinate(st.sampled_from(COORDINATE_KINDS)),
                              a=per_coordinate(st.floats(0.2, 3.0)), scales=per_coordinate(st.floats(0.1, 10.0)))
    return st.composite(build)()


def nonsmooth_objectives(max_d: int = 6) -> st.SearchStrategy:
    """Tame (semialgebraic, locally Lipschitz) nonsmooth objectives: ||x||_1 + ||x - c||^2/2 with drawn c,
    the catalogue's max, l1-residual and ReLU problems, and a ReLU network on drawn data."""
    c = st.integers(1, max_d).flatmap(lambda d: st.lists(st.floats(-3.0, 3.0), min_size=d, max_size=d))
    fixed = st.sampled_from(("abs", "max_lin2", "l1_residual", "inna_toy", "relu_pair2"))
    return st.one_of(st.builds(lambda c: objectives.get("abs_quadratic", c=c), c),
                     fixed.map(objectives.get),
                     st.builds(lambda s: objectives.get("relu_net", seed=s), st.integers(0, 10_000)))


# hyperparameters no condition bounds above are drawn from these ranges (inside base.DOMAINS), then each
# bounded one as a fraction of its bound at those values; draws breaking another condition are rejected
_LOG_SHIFT = st.floats(-3.0, 0.0).map(lambda e: 10.0 ** e)
FREE_RANGES = {"beta1": st.floats(0.0, 0.99), "beta2": st.floats(0.5, 0.999), "momentum": st.floats(0.0, 0.95),
               "xi": _LOG_SHIFT, "xi_root": _LOG_SHIFT, "nu": st.floats(0.0, 1.0),
               "clip": st.floats(-1.0, 1.0).map(lambda e: 10.0 ** e),
               "weight_decay": st.floats(0.0, 0.1), "dampening": st.floats(0.0, 1.0)}


def hyperparameters(theorem_id: str, objective, oracle=None) -> st.SearchStrategy:
    """Every hyperparameter of the theorem, drawn inside its conditions on this objective (one run); one the
    theorem prescribes and no condition bounds (e.g. lr in terms of eps) is left to the prescription."""
    thm = theory.get(theorem_id)
    oracle = oracle or _default_oracle(thm)
    bounded = [q.name for q in thm.hyperparameters if upper_bound_of(thm, q.name) is not None]
    free = [q.name for q in thm.hyperparameters if q.name not in bounded and q.name not in thm.prescription]

    def build(draw):
        join = Join.of(thm, objective, oracle, objective.value(objective.initial_points(1)))
        hp = {name: draw(FREE_RANGES[name]) for name in free}
        for name in bounded:  # in the theorem's order: clip's bound needs lr
            try:
                bound = float(np.max(join.given(**hp).value(upper_bound_of(thm, name))))
            except ZeroDivisionError:  # e.g. lr <= 1/(10 L0) with L0 = 0: no bound to draw under
                bound = np.inf
            assume(np.isfinite(bound))
            hp[name] = draw(st.floats(0.02, 0.98)) * bound
        drawn = join.given(**hp)
        for c in thm.conditions:  # those on drawn names (not on eps or on a prescribed one, e.g. beta2)
            if {sym.name for sym in c.relation.free_symbols} <= set(drawn.env):
                margin, strict = drawn.margin(c.relation)
                assume(bool(np.all(margin > 0 if strict else margin >= 0)))
        return hp
    return st.composite(build)()


# per-run draws of each hyperparameter for assert_matches: wide enough that every switch shows (a shift of up to
# 0.1 is not lost beside sqrt(v), a clip of 0.1 clips, a decay of up to 0.1 moves the iterate)
MATCH_DRAWS = {"lr": (0.01, 0.1), "beta1": (0.0, 0.95), "beta2": (0.9, 0.999), "xi": (1e-4, 0.1),
               "xi_root": (1e-4, 0.1), "momentum": (0.3, 0.95), "weight_decay": (0.01, 0.1), "clip": (0.1, 2.0),
               "nu": (0.1, 1.0), "dampening": (0.0, 0.5)}
MATCH_TOL = 1e-12  # the golden trajectories' tolerance (tests/golden_support.py), relative to max(1, |x|)


def assert_matches(optimizer, reference: str, convention: dict | None = None, objective=None, hp: dict | None = None,
                   runs: int = 8, steps: int = 30, seed: int = 0, tol: float = MATCH_TOL):
    """Raise AssertionError unless ``optimizer`` takes the steps of the reference ``reference`` (with its
    ``convention`` switches, e.g. {"decay": "lr"}) to ``tol``: both run from the same random starts on
    ``objective`` (default logcosh_sin, d = 5), each run with its own hyperparameters drawn from MATCH_DRAWS
    (``hp`` fixes some), every iterate compared. Where assert_satisfies is blind (eps placement, bias
    correction, the clipping norm), this sees the formula: it names the first step and run that differ."""
    ref = optimizers.get(reference, **(convention or {}))
    # a name only the user's optimizer takes (torch Adam's coupled weight_decay) stays at its default: off, or
    # else the mismatch it makes is reported with it
    kept = {k: v for k, v in optimizer.defaults.items() if k not in ref.defaults}
    objective = objective or objectives.get("logcosh_sin", d=5, seed=seed)
    rng = np.random.default_rng(seed)
    drawn = {k: rng.uniform(*MATCH_DRAWS[k], size=(runs, 1)) for k in optimizer.defaults
             if k in MATCH_DRAWS and k in ref.defaults}
    drawn.update(hp or {})
    mine_hp = {**drawn, **{k: v for k, v in kept.items() if k not in drawn}}
    x0 = objective.initial_points(runs, seed=seed)
    every = range(1, steps + 1)
    mine = run(optimizer, objective, x0, steps, hp=mine_hp, record=[0], checkpoints=every).iterates
    theirs = run(ref, objective, x0, steps, hp={k: v for k, v in drawn.items() if k in ref.defaults}, record=[0],
                 checkpoints=every).iterates
    gap = np.abs(mine - theirs) / np.maximum(1.0, np.abs(theirs))
    gap = np.where(np.isnan(mine) != np.isnan(theirs), np.inf, np.nan_to_num(gap))
    if np.max(gap) > tol:
        step, r = (int(i) for i in np.argwhere(np.max(gap, axis=2) > tol)[0])
        values = ", ".join(f"{k} = {float(np.broadcast_to(v, (runs, 1))[r, 0]):.4g}" for k, v in drawn.items())
        values += "".join(f"; {k} = {v} kept (the reference has no {k})" for k, v in kept.items())
        raise AssertionError(
            f"{optimizer.name} does not match {ref.describe()}: first at step {step + 1}, run {r} ({values}), "
            f"x = {mine[step, r].tolist()} against {theirs[step, r].tolist()}; largest relative gap "
            f"{float(np.max(gap)):.3g} > {tol:g} over {runs} runs x {steps} steps on {objective.describe()}")
    return float(np.max(gap))


def admissible(theorem_id: str, name: str, objective, fraction: float) -> float:
    """The value at ``fraction`` in (0, 1) of a hyperparameter's range allowed by the theorem's
    conditions on this objective (e.g. lr = fraction * 2/L for gd.smooth)."""
    thm = theory.get(theorem_id)
    bound = upper_bound_of(thm, name)
    if bound is None:
        raise ValueError(f"theorem {theorem_id} has no condition bounding {name!r} above")
    f0 = objective.value(objective.initial_points(1))
    return float(fraction * Join.of(thm, objective, oracles.Exact(), f0).value(bound))


def _first_failure(rep) -> str:
    """The first part (or setup note) with the report's verdict: theorem, part, setup, and the part's detail
    (run, step, numbers)."""
    for s in rep.setups:
        for p in s.parts:
            if p.verdict == rep.verdict:
                return f"{rep.theorem}: {p.name} {p.verdict} on {s.setup}: {p.detail}"
        if s.verdict == rep.verdict and s.note:
            return f"{rep.theorem}: {s.verdict} on {s.setup}: {s.note}"
    return f"{rep.theorem}: {rep.verdict}"


def _default_oracle(thm):
    return {"bounded_variance": oracles.Gaussian(1.0), "bounded": oracles.BoundedNoise(0.5),
            "bounded_noise": oracles.BoundedNoise(0.5), "affine_variance": oracles.AffineVariance(0.5, 1.0)}.get(
        thm.oracle, oracles.Exact())


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
    oracle = oracle or _default_oracle(thm)
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
                             f"{_first_failure(rep)}\n{check_report(rep)}{why}")
    blind = blind_spots(theorem_id)
    if blind:
        warnings.warn(BlindSpotWarning(
            f"{optimizer.name} satisfies {theorem_id}, whose check cannot see: "
            + "; ".join(f"{name} ({why})" for name, why in blind.items())
            + ". assert_matches compares the update itself with the reference's"), stacklevel=2)
    return rep
