"""Vectors as linear combinations of named vectors, and their inner products through a Gram table.

A chain never writes <grad f(x_t), x_{t+1} - x_t> by hand: it names the vectors (g = grad f(x_t),
o = the oracle's answer g_t, ...), the theorem states its update x_{t+1} - x_t as a combination of
them (-lr g for GD), and a lemma cited between two iterates gets its inner products from the Gram
table. So a wrong substitution into a premise cannot be written, only a wrong update, and the
update is the one thing a test compares with the reference optimizer.
"""
from __future__ import annotations

from typing import Mapping

import sympy as sp


class Vec:
    """sum_i c_i v_i over named vectors v_i, with SymPy scalar coefficients."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[str, sp.Expr]):
        self.terms = {k: sp.sympify(v) for k, v in terms.items() if sp.sympify(v) != 0}

    @classmethod
    def named(cls, name: str) -> "Vec":
        return cls({name: 1})

    def __add__(self, other: "Vec") -> "Vec":
        out = dict(self.terms)
        for k, v in other.terms.items():
            out[k] = out.get(k, 0) + v
        return Vec(out)

    def __neg__(self) -> "Vec":
        return Vec({k: -v for k, v in self.terms.items()})

    def __sub__(self, other: "Vec") -> "Vec":
        return self + (-other)

    def __mul__(self, c) -> "Vec":
        return Vec({k: sp.sympify(c) * v for k, v in self.terms.items()})

    __rmul__ = __mul__

    def __truediv__(self, c) -> "Vec":
        return self * (1 / sp.sympify(c))

    def __eq__(self, other) -> bool:
        return isinstance(other, Vec) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, v) for k, v in self.terms.items())))

    def xreplace(self, rule) -> "Vec":
        return Vec({k: v.xreplace(rule) for k, v in self.terms.items()})

    def __repr__(self) -> str:
        return " + ".join(f"({sp.sstr(v)}) {k}" for k, v in self.terms.items()) or "0"


class Gram:
    """The inner products <u, v> of named vectors, symmetric; an undeclared pair is an error."""

    def __init__(self, entries: Mapping[tuple[str, str], sp.Expr]):
        self.entries = {}
        for (a, b), v in entries.items():
            self.entries[(a, b)] = self.entries[(b, a)] = sp.sympify(v)

    def extend(self, entries: Mapping[tuple[str, str], sp.Expr]) -> "Gram":
        return Gram({**self.entries, **entries})

    def dot(self, u: Vec, v: Vec) -> sp.Expr:
        total = sp.Integer(0)
        for a, ca in u.terms.items():
            for b, cb in v.terms.items():
                if (a, b) not in self.entries:
                    raise KeyError(f"no inner product <{a}, {b}> is declared")
                total += ca * cb * self.entries[(a, b)]
        return sp.expand(total)

    def norm(self, u: Vec) -> sp.Expr:
        return sp.sqrt(self.dot(u, u))
