"""One glossary: every name a theorem, objective, oracle or optimizer uses is defined in it."""
import pytest

from convcheck import theory
from convcheck import glossary
from convcheck.reference import objectives, optimizers, oracles


def test_theorem_names_are_in_the_glossary():
    for thm in theory.theorems():
        for name in thm.quantities:
            assert name in glossary.NAMES, (thm.id, name)
        assert thm.function_class in glossary.FUNCTION_CLASSES
        assert thm.oracle in glossary.ORACLES
        if thm.rate:
            assert thm.rate.measure in glossary.MEASURES
            free = {s.name for s in thm.rate.bound.expr.free_symbols}
            assert free <= set(glossary.NAMES), free - set(glossary.NAMES)
        if thm.one_step:
            free = {s.name for s in (thm.one_step.rhs - thm.one_step.lhs).free_symbols}
            assert free <= set(glossary.NAMES), free - set(glossary.NAMES)


@pytest.mark.parametrize("name", objectives.NAMES)
def test_objective_constants_and_class_are_in_the_glossary(name):
    obj = objectives.get(name)
    assert set(obj.constants) <= set(glossary.CONSTANTS)
    assert obj.function_class in glossary.FUNCTION_CLASSES


def test_optimizer_and_oracle_names_are_in_the_glossary():
    for name in optimizers.NAMES:
        assert set(optimizers.get(name).defaults) <= set(glossary.HYPERPARAMETERS)
    assert set(oracles.Gaussian(1.0).constants(None)) <= set(glossary.CONSTANTS)


def test_unknown_name_is_refused():
    with pytest.raises(KeyError, match="not in the glossary"):
        glossary.meaning("learning_rate")


def test_every_shared_symbol_is_a_glossary_name_defined_once():
    """theory.symbols holds the glossary's symbols; the model and the theorems reuse those objects."""
    import sympy as sp

    from convcheck.theory import model, symbols
    shared = {k: v for k, v in vars(symbols).items() if isinstance(v, sp.Symbol)}
    names = {s.name for s in shared.values()}
    # h: gd.smooth.pep's normalised step L lr; grad_cross, grad_norm: Gram entries of the measured vectors
    assert names <= set(glossary.NAMES) | {"h", "grad_cross", "grad_norm"}, names - set(glossary.NAMES)
    assert model.Theorem.T is symbols.T and model.f is symbols.f and model.gap is symbols.gap
    for thm in theory.theorems():  # every stated rate uses these very objects
        if thm.rate:
            for sym in thm.rate.bound.expr.free_symbols:
                assert sym is next(s for s in shared.values() if s.name == sym.name), (thm.id, sym)
