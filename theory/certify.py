"""certify(theorem): check every step of the proof chain, then the claims, level by level.

Each chain step's obligations are discharged by theory.prove at the strongest level reached; the
step's level is its weakest obligation's. Then the standing claim checks of DESIGN.md:

* ``coefficient``: the conditions make the one-step decrease coefficient positive;
* ``rate at complexity``: rate(T(eps)) <= eps^2 (the real T(eps); the rate decreases in T, so the
  ceiling only helps; a rate stated in the run's own gap f(x0) - f(xT) is taken at gap = Delta,
  which is valid because it increases in gap);
* ``order``: the eps-exponent of T(eps) equals each claimed order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from .model import Condition, Theorem, gap, le, lt
from .prove import Bound, prove, weakest


@dataclass
class Check:
    name: str
    statement: str
    level: str
    provenance: str = ""
    details: list = field(default_factory=list)  # (obligation text, kind, expr, Proof)

    def to_dict(self):
        return {"name": self.name, "statement": self.statement, "level": self.level,
                "provenance": self.provenance,
                "obligations": [{"text": t, "kind": k, "expr": sp.sstr(e), "level": p.level,
                                 "detail": p.detail, **({"counterexample": p.counterexample} if p.counterexample else {}),
                                 **({"box": p.box} if p.box else {})}
                                for t, k, e, p in self.details]}


@dataclass
class Certificate:
    theorem: str
    steps: list[Check]
    claims: list[Check]

    @property
    def level(self) -> str:
        """The weakest level over the chain (the claims are reported separately); no chain is unverified."""
        return weakest(s.level for s in self.steps) if self.steps else "unverified"

    @property
    def claims_level(self) -> str:
        """The weakest claim check; "none" when no claim is checkable symbolically (they are checked by runs)."""
        return weakest(c.level for c in self.claims) if self.claims else "none"

    @property
    def ok(self) -> bool:
        return all(c.level != "failed" for c in (*self.steps, *self.claims))

    def failures(self) -> list[Check]:
        return [c for c in (*self.steps, *self.claims) if c.level == "failed"]

    def summary(self) -> str:
        if self.claims_level in (self.level, "none"):
            return self.level
        return f"{self.level}, claims {self.claims_level}"

    def to_dict(self):
        return {"theorem": self.theorem, "level": self.level, "claims_level": self.claims_level,
                "ok": self.ok, "steps": [s.to_dict() for s in self.steps],
                "claims": [c.to_dict() for c in self.claims]}


def condition_bound(c: Condition) -> Bound:
    r = c.relation
    if isinstance(r, (sp.StrictLessThan, sp.LessThan)):
        return Bound(r.lhs, sp.S.NegativeInfinity, r.rhs)
    if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)):
        return Bound(r.lhs, r.rhs, sp.oo)
    raise ValueError(f"condition must be <, <=, > or >=; got {r}")


def context(thm: Theorem, extra=()) -> list[Bound]:
    """The bounds every proof of ``thm`` may use: domains of its quantities and its conditions."""
    bounds = [Bound(q.symbol, q.lo, q.hi) for q in thm.quantities.values()]
    bounds += [Bound(thm.T, 1, sp.oo), Bound(thm.eps, 0, sp.oo)]
    bounds += [condition_bound(c) for c in (*thm.conditions, *extra)]
    return bounds


def _check(name, statement, obligations, bounds, provenance="", samples=2000) -> Check:
    details = [(o.text, o.kind, o.expr, prove(o.kind, o.expr, bounds, samples=samples)) for o in obligations]
    level = weakest(p.level for *_, p in details) if details else "unverified"
    return Check(name, statement, level, provenance, details)


def eps_exponent(thm: Theorem, expr: sp.Expr | None = None) -> sp.Rational:
    """p with T(eps) = Theta(eps^-p) as eps -> 0: SymPy's limit, else a numerical slope."""
    expr = thm.complexity_real() if expr is None else expr
    e = thm.eps
    try:
        p = sp.limit(sp.log(expr) / sp.log(1 / e), e, 0, "+")
        if p.is_Rational:
            return p
    except (NotImplementedError, ValueError, TypeError):
        pass
    ones = {s: 1 for s in expr.free_symbols if s != e}
    fn = sp.lambdify(e, expr.subs(ones), modules="mpmath")
    with mpmath.workdps(60):
        slope = (mpmath.log(fn(mpmath.mpf("1e-60"))) - mpmath.log(fn(mpmath.mpf("1e-30")))) / (30 * mpmath.log(10))
    return sp.Rational(str(mpmath.nstr(slope, 8))).limit_denominator(12)


def claim_checks(thm: Theorem, samples: int = 2000) -> list[Check]:
    out: list[Check] = []
    ctx = context(thm)
    if thm.one_step is not None and thm.one_step.coefficient is not None:
        out.append(_check("coefficient", "the conditions make the per-step decrease coefficient positive",
                          [lt(0, thm.one_step.coefficient, "per-step coefficient > 0")],
                          context(thm, thm.one_step.conditions), samples=samples))
    rate = thm.rate_at_prescription or (thm.rate.bound if thm.rate else None)
    if rate is not None and thm.complexity is not None and thm.kind == "upper":
        r = rate.expr if hasattr(rate, "expr") else rate
        obligations = [le(sp.diff(r, thm.T), 0, "the rate decreases in T")]
        if gap in r.free_symbols:
            obligations.append(le(0, sp.diff(r, gap), "the rate increases in the gap f(x0) - f(xT) <= Delta"))
            r = r.subs(gap, sp.Symbol("Delta", positive=True))
        obligations.append(le(r.subs(thm.T, thm.complexity_real()), thm.target, f"rate(T(eps)) <= {thm.target}"))
        out.append(_check("rate at complexity", "after T(eps) steps the rate guarantees ||grad f|| <= eps",
                          obligations, ctx, samples=samples))
    for c in thm.claims:
        if c.kind == "order" and c.eps_exponent is not None and thm.complexity is not None:
            p = eps_exponent(thm)
            ok = p == c.eps_exponent
            out.append(Check("order", f"{c.statement}: eps-exponent of T(eps) is {p}, claimed {c.eps_exponent}",
                             "symbolic" if ok else "failed", c.source.tag))
    return out


def certify(thm: Theorem, samples: int = 2000) -> Certificate:
    steps = [_check(s.name, s.statement, s.obligations, context(thm, s.assume), s.source.tag, samples)
             for s in thm.chain]
    return Certificate(thm.id, steps, claim_checks(thm, samples))
