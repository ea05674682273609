"""Registries as data: every theorem can be checked and read about, every name resolves, and each
registry refuses what it does not know with the known names."""
from pathlib import Path

import pytest

from convcheck import families, theory
from convcheck.checker import check
from convcheck.reference import objectives, optimizers, oracles
from convcheck.registry import Registry, UnknownName
from convcheck.setups import Setup

ROOT = Path(__file__).resolve().parent.parent
THEOREMS = theory.theorems()


@pytest.mark.parametrize("thm", [t for t in THEOREMS if t.kind == "upper"], ids=lambda t: t.id)
def test_every_upper_bound_has_default_setups(thm):
    setups = families.default_setups(thm.id)
    assert setups and all(isinstance(s, Setup) for s in setups)
    assert thm.id not in families.CHECKS


@pytest.mark.parametrize("thm", [t for t in THEOREMS if t.kind == "property"], ids=lambda t: t.id)
def test_every_property_theorem_has_a_check_and_no_setups(thm):
    assert callable(families.CHECKS.get(thm.id)) and thm.id not in families.SETUPS


def test_the_families_register_only_theorems_of_the_right_kind():
    kinds = {t.id: t.kind for t in THEOREMS}
    assert {kinds.get(i) for i in families.SETUPS} == {"upper"}
    assert {kinds.get(i) for i in families.CHECKS} == {"property"}


def test_every_algorithm_and_objective_name_resolves():
    for thm in THEOREMS:  # "any": a statement about a function class; "din": the ODE of reference.din
        assert thm.algorithm in optimizers.OPTIMIZERS or thm.algorithm in ("any", "din"), thm.id
    for name in objectives.NAMES:
        assert objectives.get(name).name == name
    for name in oracles.NAMES:
        assert name in oracles.ORACLES
    for tid in families.SETUPS:  # each default setup's optimizer exists and takes the theorem's names
        opt = optimizers.get(theory.get(tid).algorithm)
        for s in families.default_setups(tid):
            assert set(s.hp) <= set(opt.defaults), (tid, s.hp)


@pytest.mark.parametrize("thm", THEOREMS, ids=lambda t: t.id)
def test_every_theorem_has_a_proofs_note(thm):
    note = ROOT / "proofs_notes" / f"{thm.id}.md"
    assert note.is_file() and thm.id in note.read_text()


def test_a_theorem_without_setups_is_refused_by_name(monkeypatch):
    import dataclasses

    orphan = dataclasses.replace(theory.get("gd.smooth"), id="gd.orphan")
    with pytest.raises(UnknownName, match="unknown default setups 'gd.orphan'; known: adam.det"):
        check(orphan)
    with pytest.raises(ValueError, match="no setups to check gd.smooth on"):
        check("gd.smooth", [])


@pytest.mark.parametrize("registry, lookup", [(theory.registry.THEOREMS, theory.get),
                                              (optimizers.OPTIMIZERS, optimizers.get),
                                              (objectives.OBJECTIVES, objectives.get),
                                              (oracles.ORACLES, oracles.get),
                                              (families.CHECKS, families.CHECKS.get)])
def test_unknown_names_are_refused_with_the_known_ones(registry, lookup):
    with pytest.raises(UnknownName) as e:
        lookup("no_such_name")
    assert str(e.value).startswith(f"unknown {registry.kind} 'no_such_name'; known: {sorted(registry.names())[0]}")
    assert isinstance(e.value, KeyError) and isinstance(e.value, ValueError)


def test_a_taken_name_is_refused_but_the_same_entry_may_register_twice():
    r = Registry("thing")
    a = r.register("a", object())
    assert r.register("a", a) is a and r.names() == ("a",)
    with pytest.raises(ValueError, match="thing 'a' is already registered"):
        r.register("a", object())
    assert r.add("b", "c")(len) is len and r.names() == ("a", "b", "c")


def test_the_cli_builds_every_registered_oracle_from_its_constructor_parameters():
    import inspect

    from convcheck.commands.common import ORACLE_FLAGS
    assert tuple(ORACLE_FLAGS) == oracles.NAMES
    for name, flags in ORACLE_FLAGS.items():
        assert set(flags) == set(inspect.signature(oracles.ORACLES[name]).parameters), name


def test_the_cli_offers_exactly_the_registered_studies():
    """The parser lists study names itself (it imports no study, for start-up time): held to the registry."""
    from convcheck import studies
    from convcheck.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command" or getattr(a, "choices", None)
               and "study" in a.choices)
    study = sub.choices["study"]
    name = next(a for a in study._actions if a.dest == "name")
    assert tuple(name.choices) == tuple(studies.STUDIES)
