"""The premises the certificates take as axioms hold on the catalogue objectives the runs use,
and their optimistic versions do not."""
import dataclasses

import numpy as np
import pytest
import sympy as sp

from convcheck import theory  # noqa: F401 - registers the lemma library
from convcheck.axioms import check_axiom, check_oracle_axiom, check_pl_axiom, members, pl_members, pl_points
from convcheck.reference import oracles
from convcheck.theory.lemma import lemmas
from convcheck.theory.lemmas.noise import BOUNDED_NOISE
from convcheck.theory.lemmas.pl import GRADIENT_DOMINANCE
from convcheck.theory.lemmas.smooth import DESCENT, INTERPOLATION

TWO_POINT_AXIOMS = [lem for lem in lemmas() if lem.axiom and lem.two_point]


def test_there_are_two_point_axioms_and_each_class_has_members():
    assert {lem.id for lem in TWO_POINT_AXIOMS} >= {DESCENT.id, INTERPOLATION.id}
    for lem in TWO_POINT_AXIOMS:
        assert len(members(lem.function_class)) >= 3, lem.id


@pytest.mark.parametrize("lemma", TWO_POINT_AXIOMS, ids=lambda lem: lem.id)
def test_every_two_point_axiom_holds_on_every_member_of_its_class(lemma):
    for obj in members(lemma.function_class):
        check = check_axiom(lemma, obj)
        assert check.holds, check


def _replace(lemma, **sides):
    (c,) = lemma.conclusions
    return dataclasses.replace(lemma, conclusions=(dataclasses.replace(c, **sides),))


L = sp.Symbol("L", positive=True)
(_descent,), (_interp,) = DESCENT.conclusions, INTERPOLATION.conclusions
_dd = [s for s in _interp.lhs.free_symbols if str(s) == "<d,d>"][0]


@pytest.mark.parametrize("wrong", [
    _replace(DESCENT, rhs=_descent.rhs.subs(sp.Rational(1, 2), sp.Rational(1, 4))),   # L/4 ||d||^2 for L/2
    _replace(INTERPOLATION, lhs=_interp.lhs + L / 8 * _dd),                           # -L/8 ||d||^2 for -L/4
], ids=["descent L/4", "interpolation L/8"])
def test_an_optimistic_constant_is_violated_on_some_member(wrong):
    original = {DESCENT.id: DESCENT, INTERPOLATION.id: INTERPOLATION}[wrong.id]
    assert wrong.conclusions != original.conclusions
    worst = max(check_axiom(wrong, obj).worst for obj in members(wrong.function_class))
    assert worst > 1e-3


# -- ZHSJ assumption A4: the gradient bound on the sublevel set, at points of the sublevel set -----------------

def _a4_members():
    """Every (L0,L1) catalogue objective that publishes M (grad_norm_sup), plain and with the witness block."""
    from convcheck.reference import objectives

    out = []
    for obj in members("(L0,L1)-smooth"):
        if hasattr(obj, "grad_norm_sup"):
            out += [obj, objectives.get(obj.name, witness=1)]
    return out


def test_a4_holds_on_every_member_publishing_M_and_is_nearly_attained():
    from convcheck.axioms import check_sublevel_axiom
    from convcheck.theory.generalized.sublevel import SUBLEVEL_GRAD_BOUND

    objs = _a4_members()
    assert len(objs) >= 6
    for obj in objs:
        check = check_sublevel_axiom(SUBLEVEL_GRAD_BOUND, obj)
        assert check.holds and check.points > 100, check
        assert check.attained > 0.99, check  # the points reach the sup: an optimistic M would show


def test_a4_with_an_optimistic_M_is_violated_on_every_member():
    from convcheck.axioms import check_sublevel_axiom
    from convcheck.theory.generalized.sublevel import M, SUBLEVEL_GRAD_BOUND

    (c,) = SUBLEVEL_GRAD_BOUND.conclusions
    wrong = dataclasses.replace(SUBLEVEL_GRAD_BOUND, conclusions=(dataclasses.replace(c, rhs=c.rhs.subs(M, 0.9 * M)),))
    assert wrong.conclusions != SUBLEVEL_GRAD_BOUND.conclusions
    for obj in _a4_members():
        assert check_sublevel_axiom(wrong, obj).worst > 1e-3, obj.name


# -- the PL inequality: on every catalogue objective that publishes mu, at random and adversarial points ----------

def test_the_pl_axiom_holds_tightly_on_every_objective_publishing_mu_and_an_optimistic_mu_fails():
    members_ = pl_members()
    assert {obj.name for obj in members_} >= {"quadratic", "pl_sin_squared"}
    (c,) = GRADIENT_DOMINANCE.conclusions
    wrong = dataclasses.replace(GRADIENT_DOMINANCE, conclusions=(dataclasses.replace(c, lhs=c.lhs * 1.02),))
    for obj in members_:
        X = pl_points(obj)
        check = check_pl_axiom(GRADIENT_DOMINANCE, obj, X=X)
        assert check.holds and check.tightness > 0.99, check  # the published mu is (nearly) the best constant
        assert check_pl_axiom(wrong, obj, X=X).worst > 1e-6, obj.name  # 2% more optimistic: violated


# -- ZHSJ assumption A5: the oracle's noise is bounded by tau almost surely, and unbiased --------------------------

def test_a5_holds_on_the_bounded_noise_oracle_tightly_and_an_optimistic_tau_fails():
    """oracle.bounded_noise on oracles.BoundedNoise (the oracle clipped_sgd.l0l1's runs use) over (L0,L1) catalogue
    objectives: ||g_t - grad f||^2 <= tau^2 on every answer and nearly attained (radius U^(1/d) near 1), and
    E<grad f, g_t> = ||grad f||^2 to 6 standard errors; with tau^2 shrunk by 10% some answer violates it."""
    objs = members("(L0,L1)-smooth")[:2]
    assert objs
    for obj in objs:
        check = check_oracle_axiom(BOUNDED_NOISE, oracles.BoundedNoise(0.5), obj, points=8, draws=2048)
        assert check.holds and check.attained > 0.99, check
    noisy = dataclasses.replace(BOUNDED_NOISE, conclusions=(
        BOUNDED_NOISE.conclusions[0], dataclasses.replace(BOUNDED_NOISE.conclusions[1],
                                                          rhs=0.9 * BOUNDED_NOISE.conclusions[1].rhs)))
    assert check_oracle_axiom(noisy, oracles.BoundedNoise(0.5), objs[0], points=8, draws=2048).worst > 1e-3
    # a biased oracle breaks the expectation part: grad f + tau e_1 (norm tau, so the pathwise part still holds)
    biased = type("Biased", (), {"constants": lambda self, obj: {"tau": 0.5}, "describe": lambda self: "biased",
                                 "__call__": lambda self, obj, X, G, rng, t: G + 0.5 * (np.arange(X.shape[1]) == 0)})()
    shifted = check_oracle_axiom(BOUNDED_NOISE, biased, objs[0], points=8, draws=64)
    assert shifted.worst > 0
