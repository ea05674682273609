"""The premises the certificates take as axioms hold on the catalogue objectives the runs use,
and their optimistic versions do not."""
import dataclasses

import pytest
import sympy as sp

from convcheck import theory  # noqa: F401 - registers the lemma library
from convcheck.axioms import check_axiom, members
from convcheck.theory.lemma import lemmas
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
