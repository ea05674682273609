"""Evaluating a theorem for given constants: exactly where possible, in mpmath otherwise.

Inputs are turned into exact rationals from their decimal text, so ``2 L Delta / eps^2`` with
L = 2, Delta = 10, eps = 0.1 is the integer 4000, not 4000.0000000001 rounded up to 4001. Bounds
are evaluated by SymPy at ``dps`` digits; a bound of 1e40 prints as 1e+40, never inf.

Invalid constants raise InvalidInput naming the assumption and the value; a theorem whose
conditions fail answers applies=False with the failed condition, it does not raise.
``sweep`` lambdifies to NumPy for grids of constants (float64: use ``evaluate`` for huge values).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import mpmath
import numpy as np
import sympy as sp

from .model import Condition, Quantity, Theorem, gap
from .numeric import compile_expr


class InvalidInput(ValueError):
    """A constant, hyperparameter or argument outside its domain (message names it and its value)."""


@dataclass
class Evaluation:
    theorem: str
    values: dict  # name -> exact sympy number (given or prescribed)
    prescribed: tuple  # names whose value came from the prescription
    applies: bool
    failed_condition: str | None = None
    rate: sp.Expr | None = None
    rate_at_prescription: sp.Expr | None = None
    complexity: sp.Expr | None = None
    eps: sp.Expr | None = None
    T: int | None = None
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {"theorem": self.theorem, "applies": self.applies,
             "values": {k: as_json_number(v) for k, v in self.values.items()},
             "prescribed": list(self.prescribed)}
        if self.failed_condition:  # not applying at all, or (a condition on eps) T(eps) alone refused
            d["failed_condition"] = self.failed_condition
        for k in ("rate", "rate_at_prescription", "complexity"):
            v = getattr(self, k)
            if v is not None:
                d[k] = as_json_number(v)
        if self.eps is not None:
            d["eps"] = as_json_number(self.eps)
        if self.T is not None:
            d["T"] = self.T
        if self.notes:
            d["notes"] = self.notes
        return d


def exact(value, name: str) -> sp.Expr:
    """An exact rational from a number or its decimal text; rejects nan/inf/non-numbers by name."""
    try:
        if isinstance(value, str):
            q = sp.Rational(value.strip())
        elif isinstance(value, (int, np.integer)):
            q = sp.Integer(int(value))
        else:
            x = float(value)
            if not math.isfinite(x):
                raise InvalidInput(f"{name} must be a finite number; got {value}")
            q = sp.Rational(repr(x))
    except (TypeError, ValueError, sp.SympifyError) as err:
        if isinstance(err, InvalidInput):
            raise
        raise InvalidInput(f"{name} must be a number; got {value!r}") from None
    return q


def fmt(x, digits: int = 6) -> str:
    """A number for humans: integers exactly up to 1e15, otherwise 6 significant digits (1.2e+40)."""
    if x is None:
        return "-"
    x = sp.sympify(x)
    if x.is_Integer and abs(x) < 10 ** 15:
        return str(int(x))
    if x in (sp.oo, -sp.oo, sp.zoo) or x.has(sp.nan):
        return str(x)
    return mpmath.nstr(mpmath.mpf(sp.N(x, 30)), digits)


def as_json_number(x):
    """int when exact and small, else a float when float64 holds it, else an mpmath number at 30 digits
    (convcheck.jsonout writes that as null with an "overflow"/"underflow" status and its decimal text)."""
    x = sp.sympify(x)
    if x.is_Integer and abs(x) < 2 ** 53:
        return int(x)
    v = float(sp.N(x, 20))
    if math.isfinite(v) and (v != 0 or x == 0):
        return v
    return mpmath.mpf(sp.N(x, 30)) if x.is_finite else v


def _domain_error(q: Quantity, value) -> str | None:
    name = q.name
    v = sp.sympify(value)
    meaning = q.meaning
    lo_ok = v >= q.lo if q.closed_lo else v > q.lo
    if not lo_ok:
        op = ">=" if q.closed_lo else ">"
        return f"{name} must be {op} {q.lo} ({meaning}); got {fmt(v)}"
    if not (v <= q.hi if q.closed_hi else v < q.hi):
        return f"{name} must be {'<=' if q.closed_hi else '<'} {q.hi} ({meaning}); got {fmt(v)}"
    return None


def _condition_holds(c: Condition, subs: Mapping[sp.Symbol, sp.Expr]) -> bool:
    """Exactly when SymPy can decide it (inputs are exact rationals: beta2 = 1 - 4e-39 against 1 - 6e-34
    must not round to 1 = 1), else at 100 digits."""
    lhs, rhs = (side.subs(subs) for side in (c.relation.lhs, c.relation.rhs))
    decided = type(c.relation)(lhs, rhs)
    if decided in (sp.true, sp.false):
        return bool(decided)
    return bool(type(c.relation)(sp.N(lhs, 100), sp.N(rhs, 100)))


def evaluate(thm: Theorem, values: Mapping[str, object] | None = None, eps=None, T=None,
             dps: int = 30) -> Evaluation:
    """The theorem's hyperparameters, conditions, rate at T and complexity at eps for these constants."""
    values = dict(values or {})
    if thm.kind == "property":
        raise InvalidInput(f"{thm.id} is a property (identity, invariance or limit), not a bound: "
                           f"use `convcheck certify {thm.id}` or `convcheck check {thm.id}`")
    known = dict(thm.quantities)
    if thm.rate is not None and gap in thm.rate.bound.expr.free_symbols:
        known["gap"] = Quantity(gap, "f(x_0) - f(x_T) on the run (defaults to Delta, its upper bound)")
    for name in values:
        if name not in known:
            raise InvalidInput(f"theorem {thm.id} has no constant or hyperparameter {name!r}; "
                               f"it takes {', '.join(known)}")
    given = {name: exact(v, name) for name, v in values.items()}
    for name, v in given.items():
        err = _domain_error(known[name], v)
        if err:
            raise InvalidInput(err)
    eps_v = T_v = None
    if eps is not None:
        eps_v = exact(eps, "eps")
        if not eps_v > 0:
            raise InvalidInput(f"eps must be > 0 (target accuracy ||grad f|| <= eps); got {fmt(eps_v)}")
    if T is not None:
        if int(T) != T or T < 1:
            raise InvalidInput(f"T must be a positive integer (number of steps); got {T!r}")
        T_v = int(T)

    subs = {known[n].symbol: v for n, v in given.items()}
    notes = []
    if "gap" in known and "gap" not in given and T is not None and "Delta" in given:
        subs[gap] = given["Delta"]
        notes.append("rate evaluated at gap = Delta (f(x_0) - f(x_T) <= Delta)")
    # ask only for the constants the requested quantities need; the unknown universal constant c
    # of a lower bound is reported, not asked for
    needed = set()
    for expr in ([thm.rate.bound.expr] if thm.rate and T_v is not None else []) + \
            ([thm.complexity.expr] if thm.complexity and eps_v is not None else []) + \
            [f.expr for f in thm.prescription.values()] + [c.relation.rhs for c in thm.conditions]:
        needed |= {s.name for s in expr.free_symbols}
    missing = [n for n, q in known.items() if n in needed and q.symbol not in subs and n != "c"
               and q not in thm.hyperparameters]
    if missing:
        raise InvalidInput(f"theorem {thm.id} needs {missing[0]} ({known[missing[0]].meaning}); "
                           f"pass it as {missing[0]}=VALUE")
    if thm.kind == "lower" and "c" not in given:
        subs[sp.Symbol("c", positive=True)] = sp.Integer(1)
        notes.append("lower bound shown for universal constant c = 1 (the papers' constant was NOT FOUND)")
    if T_v is not None:
        subs[thm.T] = sp.Integer(T_v)
    if eps_v is not None:
        subs[thm.eps] = eps_v

    prescribed = []
    for q in thm.hyperparameters:
        if q.name in given:
            continue
        if q.name not in thm.prescription and q.name not in needed:
            continue  # a hyperparameter the bound does not depend on (e.g. beta2 for rmsprop.det)
        if q.name not in thm.prescription:
            raise InvalidInput(f"theorem {thm.id} needs hyperparameter {q.name} ({q.meaning}); pass {q.name}=VALUE")
        formula = thm.prescription[q.name].expr
        if thm.T in formula.free_symbols and T_v is None:
            notes.append(f"{q.name} is prescribed as a function of the horizon T; pass --T to evaluate it")
            continue
        if thm.eps in formula.free_symbols and eps_v is None:
            notes.append(f"{q.name} is prescribed as a function of the accuracy eps; pass --eps to evaluate it")
            continue
        subs[q.symbol] = formula.subs(subs)  # exact: the inputs are exact rationals
        prescribed.append(q.name)

    eps_failed = False
    shown = {s.name: v for s, v in subs.items() if s.name in known and s.name != "c"}
    ev = Evaluation(thm.id, shown, tuple(prescribed), True, eps=eps_v, T=T_v, notes=notes)
    for c in thm.conditions:
        if c.symbol not in subs or c.relation.rhs.free_symbols - set(subs):
            continue  # e.g. a condition on eps when no eps was asked for
        if not _condition_holds(c, subs):
            rhs = sp.N(c.relation.rhs.subs(subs), 30)
            ev.failed_condition = f"{c} (here {c.symbol.name} = {fmt(subs[c.symbol])}, bound = {fmt(rhs)})"
            if c.symbol == thm.eps:  # a condition on the accuracy: T(eps) does not apply, the rate still does
                eps_failed = True
                continue
            ev.applies = False
            return ev

    def value(expr):
        e = expr.subs(subs)
        if e.free_symbols:
            return None
        return e if e.is_Integer else sp.Float(sp.N(e, dps), dps)

    if thm.rate is not None and T_v is not None:
        ev.rate = value(thm.rate.bound.expr)
        if thm.rate_at_prescription is not None and prescribed and not any(n in given for n in thm.prescription):
            ev.rate_at_prescription = value(thm.rate_at_prescription.expr)
    # T(eps) is stated at the prescribed hyperparameters when it does not mention them: with a
    # hyperparameter given instead, only the rate applies
    overridden = [n for n in thm.prescription if n in given
                  and thm.complexity is not None and known[n].symbol not in thm.complexity.expr.free_symbols]
    if overridden and eps_v is not None:
        notes.append(f"T(eps) is stated at the prescribed {', '.join(overridden)}; with "
                     f"{'it' if len(overridden) == 1 else 'them'} given, use the rate (--T)")
    elif thm.complexity is not None and eps_v is not None and not eps_failed:
        ev.complexity = value(thm.complexity.expr)
    return ev


def sweep(thm: Theorem, what: str, grid: Mapping[str, object], eps=None, T=None):
    """Vectorised evaluation of 'rate' or 'complexity' over NumPy grids of constants (float64).

    Returns (values, applies): arrays of the broadcast shape; ``applies`` is False where a condition
    fails (values are NaN there). Hyperparameters not in the grid take their prescription.
    """
    if what not in ("rate", "complexity"):
        raise InvalidInput(f"sweep quantity must be 'rate' or 'complexity'; got {what!r}")
    formula = thm.rate.bound if what == "rate" and thm.rate else thm.complexity if what == "complexity" else None
    if formula is None:
        raise InvalidInput(f"theorem {thm.id} has no {what}")
    for name in grid:
        if name not in thm.quantities:
            raise InvalidInput(f"theorem {thm.id} has no constant or hyperparameter {name!r}")
    env = {k: np.asarray(v, dtype=float) for k, v in grid.items()}
    env.update({k: float(v) for k, v in (("eps", eps), ("T", T)) if v is not None})
    prescribe = {q.symbol: thm.prescription[q.name].expr for q in thm.hyperparameters
                 if q.name not in grid and q.name in thm.prescription}
    expr = formula.expr.subs(prescribe)
    missing = sorted(s.name for s in expr.free_symbols if s.name not in env)
    if missing:
        raise InvalidInput(f"sweep of {thm.id} {what} needs {missing[0]} (in the grid, or eps/T)")
    vals = compile_expr(expr)[0](env)
    ok = np.ones(np.broadcast_shapes(*[np.shape(a) for a in env.values()]), dtype=bool)
    for c in thm.conditions:
        margin, strict = condition_margin(c.relation.subs(prescribe))
        if all(s.name in env for s in margin.free_symbols):
            m = compile_expr(margin)[0](env)
            ok &= (m > 0) if strict else (m >= 0)
    return np.where(ok, vals, np.nan), ok


def condition_margin(rel: sp.Rel) -> tuple[sp.Expr, bool]:
    """(m, strict): the relation holds iff m > 0 (strict) or m >= 0."""
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
