"""All theorems, by id, with filters. Importing theory registers the built-in ones."""
from __future__ import annotations

from convcheck.registry import Registry

from .model import Theorem

THEOREMS: Registry[Theorem] = Registry("theorem")


def register(thm: Theorem) -> Theorem:
    return THEOREMS.register(thm.id, thm)


def get(theorem_id: str) -> Theorem:
    return THEOREMS.get(theorem_id)


def theorems(algorithm: str | None = None, function_class: str | None = None, oracle: str | None = None,
             kind: str | None = None) -> list[Theorem]:
    """Registered theorems, optionally filtered (each filter an exact match), sorted by id."""
    return [t for _, t in sorted(THEOREMS.items())
            if (algorithm is None or t.algorithm == algorithm)
            and (function_class is None or t.function_class == function_class)
            and (oracle is None or t.oracle == oracle)
            and (kind is None or t.kind == kind)]


def lower_bound_for(thm: Theorem) -> Theorem | None:
    """The lower bound for the same function class and oracle, if one is registered."""
    found = theorems(function_class=thm.function_class, oracle=thm.oracle, kind="lower")
    return found[0] if found else None
