"""Premises as named lemmas: stated once with provenance, cited by id, proved by a chain or an axiom.

A lemma's conclusions are relations in its *slots*: scalar symbols, and inner products <u, v> of
vector slots (``ip("gx", "d")``). A two-point lemma about a function class (the descent lemma,
the interpolation inequality) has the slots of two points x, y: fx = f(x), fy = f(y), the vectors
gx = grad f(x), gy = grad f(y) and d = y - x. A theorem cites it between two iterates
(``DESCENT.at("x", "x_next")``): the values and gradients are the glossary's, d is the theorem's
stated update, and every inner product comes from the theorem's Gram table (theory.vectors).

An axiom is a textbook fact with its citation. One about a function class carries *witnesses*:
members of the class (proved members) on which its conclusions hold with equality, so a constant
changed to the optimistic side fails there, in the certificate itself; the test suite also checks
every such axiom on every catalogue objective of its class. Proved lemmas carry their chain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sympy as sp

from convcheck.registry import Registry

from .model import ITERATES, RANDOM, STANDARD_GRAM, ChainStep, Obligation, Quantity, Source, Theorem, expected
from .vectors import Gram, Vec

_SLOTS: dict[sp.Symbol, tuple[str, str]] = {}


def ip(u: str, v: str) -> sp.Symbol:
    """The slot <u, v> of two vector slots (symmetric; <u, u> is nonnegative)."""
    a, b = sorted((u, v))
    sym = sp.Symbol(f"<{a},{b}>", **({"nonnegative": True} if a == b else {"real": True}))
    _SLOTS[sym] = (a, b)
    return sym


def norm(u: str) -> sp.Expr:
    return sp.sqrt(ip(u, u))


# the two-point vocabulary
fx, fy = sp.symbols("f_x f_y", real=True)
TWO_POINT = ("gx", "gy", "d")


@dataclass(frozen=True)
class Witness:
    """Values of a lemma's slots at which its conclusions must hold, in free parameters bounded by
    ``params`` ((symbol, lo, hi) triples); ``membership`` proves the witness is in the lemma's class."""

    name: str
    values: Mapping[sp.Symbol, sp.Expr]
    params: tuple[tuple[sp.Symbol, Any, Any], ...] = ()
    membership: tuple[Obligation, ...] = ()


def function_witness(name: str, phi: sp.Expr, t: sp.Symbol, membership=(), extra=None) -> Witness:
    """The two-point slots of a function phi(t) of one variable at free points t = x and t = y."""
    x, y = sp.Symbol("x_w", real=True), sp.Symbol("y_w", real=True)
    d1 = sp.diff(phi, t)
    gx, gy, d = d1.subs(t, x), d1.subs(t, y), y - x
    values = {fx: phi.subs(t, x), fy: phi.subs(t, y), ip("gx", "gx"): gx ** 2, ip("gy", "gy"): gy ** 2,
              ip("gx", "gy"): gx * gy, ip("gx", "d"): gx * d, ip("gy", "d"): gy * d, ip("d", "d"): d ** 2}
    return Witness(name, {**values, **(extra or {})}, ((x, -sp.oo, sp.oo), (y, -sp.oo, sp.oo)), tuple(membership))


@dataclass(frozen=True)
class Lemma:
    id: str
    title: str
    statement: str
    conclusions: tuple[Obligation, ...]
    source: Source
    vectors: tuple[str, ...] = ()
    scalars: tuple[sp.Symbol, ...] = ()       # slots every citation binds (besides a two-point lemma's)
    constants: tuple[Quantity, ...] = ()      # the class's constants (L, L0, ...): the theorem's own symbols
    hypotheses: tuple[Obligation, ...] = ()   # must hold wherever it is cited
    proof: tuple[ChainStep, ...] = ()         # empty: an axiom
    function_class: str = ""                  # an axiom about a class is checked on the catalogue's members
    witnesses: tuple[Witness, ...] = ()

    @property
    def axiom(self) -> bool:
        return not self.proof

    @property
    def two_point(self) -> bool:
        return self.vectors == TWO_POINT

    def at(self, *between: str, pick: tuple[int, ...] | None = None, expect: bool = False, **bind) -> "Instance":
        """A citation: between two iterates (two-point lemmas), binding the other slots by name."""
        return Instance(self.id, tuple(between), tuple(sorted(bind.items())), pick, expect)


@dataclass(frozen=True)
class Instance:
    """A lemma cited at a binding of its slots; its relations are computed when certifying, from the
    lemma of that id in the library (so a changed premise changes every citation of it)."""

    lemma: str
    between: tuple[str, ...] = ()
    bind: tuple[tuple[str, Any], ...] = ()
    pick: tuple[int, ...] | None = None
    expect: bool = False

    def describe(self) -> str:
        where = f" between {self.between[0]} and {self.between[1]}" if self.between else ""
        binds = ", ".join(f"{k} = {v!r}" if isinstance(v, Vec) else f"{k} = {sp.sstr(v)}" for k, v in self.bind)
        return f"{'E ' if self.expect else ''}{self.lemma}{where}{' with ' + binds if binds else ''}"


def proof_gram(lemma: Lemma | None) -> Gram:
    """The inner products a lemma's proof may cite through: the glossary's vectors (g, o, g_next) and the
    lemma's own vector slots, whose inner products are its slots <u, v>."""
    own = {(a, b): ip(a, b) for a in lemma.vectors for b in lemma.vectors} if lemma is not None else {}
    return STANDARD_GRAM.extend(own)


def instantiate(inst: Instance, lemma: Lemma, thm: Theorem | None,
                within: Lemma | None = None) -> tuple[list[Obligation], list[Obligation]]:
    """(conclusions, hypotheses) of a citation, in the citing theorem's symbols (or, in the proof of the lemma
    ``within``, in its slots and the glossary's)."""
    gram: Gram = thm.vectors() if thm is not None else proof_gram(within)
    vecs: dict[str, Vec] = {}
    rule: dict[sp.Symbol, sp.Expr] = {}
    if inst.between:
        if thm is None or thm.update is None:
            raise ValueError(f"{lemma.id} is cited between iterates, but the theorem states no update")
        a, b = inst.between
        steps = {("x", "x_next"): thm.update, ("x_next", "x"): -thm.update}
        if (a, b) not in steps:
            raise ValueError(f"a two-point lemma is cited between x and x_next; got {a}, {b}")
        (f_a, g_a), (f_b, g_b) = ITERATES[a], ITERATES[b]
        rule.update({fx: f_a, fy: f_b})
        vecs.update({"gx": Vec.named(g_a), "gy": Vec.named(g_b), "d": steps[(a, b)]})
    slots = {s.name: s for s in lemma.scalars} | {q.name: q.symbol for q in lemma.constants}
    for name, value in inst.bind:
        if isinstance(value, Vec):
            if name not in lemma.vectors:
                raise ValueError(f"{lemma.id} has no vector slot {name!r}")
            vecs[name] = value
        elif name in slots:
            rule[slots[name]] = sp.sympify(value)
        else:
            raise ValueError(f"{lemma.id} has no slot {name!r}")
    unbound = [s.name for s in lemma.scalars if s not in rule] + [v for v in lemma.vectors if v not in vecs]
    if unbound:
        raise ValueError(f"the citation of {lemma.id} leaves {', '.join(unbound)} unbound")
    relations = lemma.conclusions if inst.pick is None else tuple(lemma.conclusions[i] for i in inst.pick)
    for o in (*relations, *lemma.hypotheses):
        for s in o.lhs.free_symbols | o.rhs.free_symbols:
            if s in _SLOTS and s not in rule:
                u, v = _SLOTS[s]
                rule[s] = gram.dot(vecs[u], vecs[v])
    conclusions = [o.xreplace(rule) for o in relations]
    if inst.expect:
        conclusions = [expectation(o, thm.random if thm is not None else ()) for o in conclusions]
    return conclusions, [o.xreplace(rule) for o in lemma.hypotheses]


def expectation(o: Obligation, extra=()) -> Obligation:
    """E_t of a relation affine in the random quantities (RANDOM and the citing theorem's ``random``):
    linearity and monotonicity of E_t."""
    random = [s for s in (*RANDOM, *extra) if s in o.lhs.free_symbols | o.rhs.free_symbols]
    for side in (o.lhs, o.rhs):
        for a in random:
            for b in random:
                if sp.diff(side, a, b) != 0:
                    raise ValueError(f"E_t of {o} needs it affine in {a}, {b}")
    return o.xreplace({s: expected(s) for s in random})


def witness_obligations(lemma: Lemma, w: Witness) -> list[tuple[Obligation, list]]:
    """Each conclusion at the witness, and the witness's membership, with the parameters' bounds."""
    params = [(s, lo, hi) for s, lo, hi in w.params]
    out = [(o, params) for o in w.membership]
    for o in lemma.conclusions:
        out.append((Obligation(o.kind, o.lhs.xreplace(w.values), o.rhs.xreplace(w.values),
                               f"{w.name}: {o}"), params))
    return out


LEMMAS: Registry[Lemma] = Registry("lemma")


def register_lemma(lemma: Lemma) -> Lemma:
    return LEMMAS.register(lemma.id, lemma)


def get_lemma(lemma_id: str, overrides: Mapping[str, Lemma] | None = None) -> Lemma:
    if overrides and lemma_id in overrides:
        return overrides[lemma_id]
    return LEMMAS.get(lemma_id)


def lemmas() -> list[Lemma]:
    return [lemma for _, lemma in sorted(LEMMAS.items())]


def cited(steps, overrides=None) -> list[str]:
    """Lemma ids a chain cites (derivation premises and assumption justifications), in order, with
    those their proofs cite."""
    out: list[str] = []

    def visit(lemma_id):
        if lemma_id in out:
            return
        out.append(lemma_id)
        for sub in cited(get_lemma(lemma_id, overrides).proof, overrides):
            visit(sub)

    for s in steps:
        if s.derives is not None:
            for p, _w in s.derives.premises:
                if isinstance(p, Instance):
                    visit(p.lemma)
        for c in s.assume:
            if isinstance(c.by, Instance):
                visit(c.by.lemma)
    return out
