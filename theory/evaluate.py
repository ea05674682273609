"""Evaluating a theorem for given constants: exactly where possible, in mpmath otherwise.

Inputs are turned into exact rationals from their decimal text, so ``2 L Delta / eps^2`` with
L = 2, Delta = 10, eps = 0.1 is the integer 4000, not 4000.0000000001 rounded up to 4001. Bounds
are evaluated by SymPy at ``dps`` digits; a bound of 1e40 prints as 1e+40, never inf.

Invalid constants raise InvalidInput naming the assumption and the value; a theorem whose
conditions fail answers applies=False with the failed condition, it does not raise.
theory.sweep evaluates grids of constants in float64, through the same plan.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import mpmath
import numpy as np
import sympy as sp

from .model import Condition, Quantity, Theorem, gap


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


@dataclass(frozen=True)
class Plan:
    """What evaluating ``thm`` needs once the given names are known, before any value: the prescribed
    hyperparameters in order, the conditions it can decide, what it reports. Shared by the exact
    evaluation of one point (evaluate) and the compiled one of a grid (theory.sweep)."""

    known: dict             # name -> Quantity (with gap when the rate mentions it)
    prescribed: tuple       # hyperparameters whose prescription is substituted, in order
    conditions: tuple       # the conditions decidable from the given names (a condition on eps only with eps)
    rate: bool              # report the rate (T given)
    rate_at_prescription: bool
    complexity: bool        # report T(eps) (eps given, and stated at the hyperparameters used)
    gap_is_Delta: bool      # the run's gap defaults to its upper bound Delta
    unit_c: bool            # a lower bound's universal constant c shown at c = 1
    notes: tuple


def plan(thm: Theorem, names, eps: bool, T: bool) -> Plan:
    """Refuses (InvalidInput) an unknown name or a missing constant, by name."""
    if thm.kind == "property":
        raise InvalidInput(f"{thm.id} is a property (identity, invariance or limit), not a bound: "
                           f"use `convcheck certify {thm.id}` or `convcheck check {thm.id}`")
    known = dict(thm.quantities)
    if thm.rate is not None and gap in thm.rate.bound.expr.free_symbols:
        known["gap"] = Quantity(gap, "f(x_0) - f(x_T) on the run (defaults to Delta, its upper bound)")
    for name in names:
        if name not in known:
            raise InvalidInput(f"theorem {thm.id} has no constant or hyperparameter {name!r}; "
                               f"it takes {', '.join(known)}")
    notes = []
    gap_is_Delta = "gap" in known and "gap" not in names and T and "Delta" in names
    if gap_is_Delta:
        notes.append("rate evaluated at gap = Delta (f(x_0) - f(x_T) <= Delta)")
    # ask only for the constants the requested quantities need; the unknown universal constant c
    # of a lower bound is reported, not asked for
    needed = set()
    for expr in ([thm.rate.bound.expr] if thm.rate and T else []) + \
            ([thm.complexity.expr] if thm.complexity and eps else []) + \
            [f.expr for f in thm.prescription.values()] + [c.relation.rhs for c in thm.conditions]:
        needed |= {s.name for s in expr.free_symbols}
    missing = [n for n, q in known.items() if n in needed and n not in names and n != "c"
               and q not in thm.hyperparameters and not (n == "gap" and gap_is_Delta)]
    if missing:
        raise InvalidInput(f"theorem {thm.id} needs {missing[0]} ({known[missing[0]].meaning}); "
                           f"pass it as {missing[0]}=VALUE")
    unit_c = thm.kind == "lower" and "c" not in names
    if unit_c:
        notes.append("lower bound shown for universal constant c = 1 (the papers' constant was NOT FOUND)")
    have = set(names) | ({"T"} if T else set()) | ({"eps"} if eps else set()) | ({"gap"} if gap_is_Delta else set()) \
        | ({"c"} if unit_c else set())
    prescribed = []
    for q in thm.hyperparameters:
        if q.name in names:
            continue
        if q.name not in thm.prescription and q.name not in needed:
            continue  # a hyperparameter the bound does not depend on (e.g. beta2 for rmsprop.det)
        if q.name not in thm.prescription:
            raise InvalidInput(f"theorem {thm.id} needs hyperparameter {q.name} ({q.meaning}); pass {q.name}=VALUE")
        formula = thm.prescription[q.name].expr
        if thm.T in formula.free_symbols and not T:
            notes.append(f"{q.name} is prescribed as a function of the horizon T; pass --T to evaluate it")
            continue
        if thm.eps in formula.free_symbols and not eps:
            notes.append(f"{q.name} is prescribed as a function of the accuracy eps; pass --eps to evaluate it")
            continue
        prescribed.append(q)
        have.add(q.name)
    conditions = tuple(c for c in thm.conditions if c.symbol.name in have
                       and not {s.name for s in c.relation.rhs.free_symbols} - have)
    # T(eps) is stated at the prescribed hyperparameters when it does not mention them: with a
    # hyperparameter given instead, only the rate applies
    overridden = [n for n in thm.prescription if n in names
                  and thm.complexity is not None and known[n].symbol not in thm.complexity.expr.free_symbols]
    if overridden and eps:
        notes.append(f"T(eps) is stated at the prescribed {', '.join(overridden)}; with "
                     f"{'it' if len(overridden) == 1 else 'them'} given, use the rate (--T)")
    return Plan(known, tuple(prescribed), conditions,
                rate=thm.rate is not None and T,
                rate_at_prescription=thm.rate_at_prescription is not None and T and bool(prescribed)
                and not any(n in names for n in thm.prescription),
                complexity=thm.complexity is not None and eps and not overridden,
                gap_is_Delta=bool(gap_is_Delta), unit_c=unit_c, notes=tuple(notes))


def numeric_value(e: sp.Expr, dps: int) -> sp.Float:
    """e (exact, no free symbols) to ``dps`` digits. SymPy's evalf can fail where the exact value needs more working
    digits than it allows (log(1/rho) with rho = 1 - 1e-300 evaluates to 0, and dividing by it fails, not the
    theorem); then mpmath evaluates the exact expression at growing precision."""
    try:
        return sp.Float(sp.N(e, dps), dps)
    except ZeroDivisionError:
        pass
    fn = sp.lambdify((), e, modules="mpmath")
    for digits in (4 * dps, 16 * dps, 64 * dps, 256 * dps):
        with mpmath.workdps(digits):
            try:
                v = fn()
            except ZeroDivisionError:
                continue
            return sp.Float(mpmath.nstr(v, dps + 5), dps)
    raise InvalidInput(f"the bound {sp.sstr(e)[:80]}... cannot be evaluated: it cancels beyond {256 * dps} digits")


def evaluate(thm: Theorem, values: Mapping[str, object] | None = None, eps=None, T=None,
             dps: int = 30) -> Evaluation:
    """The theorem's hyperparameters, conditions, rate at T and complexity at eps for these constants."""
    values = dict(values or {})
    p = plan(thm, values, eps is not None, T is not None)
    given = {name: exact(v, name) for name, v in values.items()}
    for name, v in given.items():
        err = _domain_error(p.known[name], v)
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

    subs = {p.known[n].symbol: v for n, v in given.items()}
    if p.gap_is_Delta:
        subs[gap] = given["Delta"]
    if p.unit_c:
        subs[sp.Symbol("c", positive=True)] = sp.Integer(1)
    if T_v is not None:
        subs[thm.T] = sp.Integer(T_v)
    if eps_v is not None:
        subs[thm.eps] = eps_v
    for q in p.prescribed:
        subs[q.symbol] = thm.prescription[q.name].expr.subs(subs)  # exact: the inputs are exact rationals

    eps_failed = False
    shown = {s.name: v for s, v in subs.items() if s.name in p.known and s.name != "c"}
    ev = Evaluation(thm.id, shown, tuple(q.name for q in p.prescribed), True, eps=eps_v, T=T_v, notes=list(p.notes))
    for c in p.conditions:
        if not _condition_holds(c, subs):
            rhs = sp.N(c.relation.rhs.subs(subs), 30)
            ev.failed_condition = f"{c} (here {c.symbol.name} = {fmt(subs[c.symbol])}, bound = {fmt(rhs)})"
            if c.symbol == thm.eps:  # a condition on the accuracy: T(eps) does not apply, the rate still does
                eps_failed = True
                continue
            ev.applies = False
            return ev

    def value(expr):
        if expr.free_symbols - set(subs):
            return None
        # a ceiling of its argument evaluated here (SymPy's own evaluation of ceiling(...) stops at low precision)
        e = expr.replace(sp.ceiling, lambda arg: sp.ceiling(numeric_value(arg.subs(subs), dps + 10))).subs(subs)
        return e if e.is_Integer else numeric_value(e, dps)

    if p.rate:
        ev.rate = value(thm.rate.bound.expr)
    if p.rate_at_prescription:
        ev.rate_at_prescription = value(thm.rate_at_prescription.expr)
    if p.complexity and not eps_failed:
        ev.complexity = value(thm.complexity.expr)
    return ev


def condition_margin(rel: sp.Rel) -> tuple[sp.Expr, bool]:
    """(m, strict): the relation holds iff m > 0 (strict) or m >= 0."""
    if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
        return rel.rhs - rel.lhs, isinstance(rel, sp.StrictLessThan)
    return rel.lhs - rel.rhs, isinstance(rel, sp.StrictGreaterThan)
