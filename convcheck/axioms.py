"""Axioms on the catalogue: every two-point lemma about a function class, on every objective of that class.

A two-point axiom (the descent lemma, the interpolation inequality) is a relation in f(x), f(y) and the
inner products of grad f(x), grad f(y) and d = y - x. Here it is evaluated on seeded pairs of points of
each catalogue objective of its class, with the objective's proved constants; the worst relative
violation must be at rounding level. An optimistic constant (L/4 for L/2) shows up as a violation
of order one on some member: the premises are tested against the objectives the runs use.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from convcheck.reference import objectives
from convcheck.theory.lemma import TWO_POINT, Lemma, fx, fy, ip

# displacement scales of the pairs: the relation must hold near and far
SCALES = np.logspace(-3, 1, 9)


@dataclass(frozen=True)
class AxiomCheck:
    lemma: str
    objective: str
    pairs: int
    worst: float          # max over pairs of (lhs - rhs) / (|lhs| + |rhs| + 1): > 0 means violated

    @property
    def holds(self) -> bool:
        return self.worst <= 1e-9


def members(function_class: str) -> list[objectives.Objective]:
    """The catalogue's objectives of a class, built with their default parameters."""
    out = []
    for name in objectives.NAMES:
        try:
            obj = objectives.get(name)
        except (TypeError, ValueError):  # needs parameters: not part of the default catalogue
            continue
        if obj.function_class == function_class:
            out.append(obj)
    return out


def _slots(obj, X, Y) -> dict[sp.Symbol, np.ndarray]:
    gx, gy, d = obj.grad(X), obj.grad(Y), Y - X
    vec = {"gx": gx, "gy": gy, "d": d}
    values = {fx: obj.value(X), fy: obj.value(Y)}
    for i, a in enumerate(TWO_POINT):
        for b in TWO_POINT[i:]:
            values[ip(a, b)] = np.sum(vec[a] * vec[b], axis=1)
    return values


def check_axiom(lemma: Lemma, obj, runs: int = 64, seed: int = 0) -> AxiomCheck:
    """The worst relative violation of the lemma's conclusions over seeded pairs (x, x + s u), u ~ N(0, I)."""
    if not lemma.two_point:
        raise ValueError(f"{lemma.id} is not a two-point lemma")
    consts = {q.symbol: obj.constants[q.name] for q in lemma.constants}
    rng = np.random.default_rng(seed)
    X = np.repeat(obj.initial_points(runs, seed=seed), len(SCALES), axis=0)
    U = rng.standard_normal(X.shape)
    Y = X + np.tile(SCALES, runs)[:, None] * U / np.linalg.norm(U, axis=1, keepdims=True)
    values = {**_slots(obj, X, Y), **consts}
    syms = sorted(values, key=str)
    worst = -np.inf
    for c in lemma.conclusions:
        lhs, rhs = (sp.lambdify(syms, side, modules="numpy")(*[values[s] for s in syms]) for side in (c.lhs, c.rhs))
        excess = (np.asarray(lhs) - np.asarray(rhs)) / (np.abs(lhs) + np.abs(rhs) + 1)
        worst = max(worst, float(np.max(excess)))
    return AxiomCheck(lemma.id, obj.name, X.shape[0], worst)
