"""How theorems relate: eps-order against the matching lower bound, and looseness between two
upper bounds on the same algorithm (the ratio of their rates as T -> infinity)."""
from __future__ import annotations

import sympy as sp

from .certify import eps_exponent
from .model import Theorem, gap
from .registry import lower_bound_for, theorems


def order_against_lower(thm: Theorem) -> str | None:
    """A sentence comparing thm's eps-exponent with its lower bound's, or None if there is none."""
    if thm.kind != "upper" or thm.complexity is None:
        return None
    low = lower_bound_for(thm)
    if low is None:
        return None
    p = eps_exponent(thm)
    q = next(c.eps_exponent for c in low.claims if c.kind == "order")
    on_eps = [str(c) for c in thm.conditions if thm.eps in c.relation.free_symbols]
    if on_eps:  # T(eps) holds only above a floor, so its exponent is not the order as eps -> 0
        return (f"T(eps) = Theta(eps^-{p}) against the lower bound {low.id} (eps^-{q}), but only where "
                f"{'; '.join(on_eps)}; as eps -> 0 see the claims")
    if p == q:
        return f"eps-order eps^-{p} matches the lower bound {low.id} (eps^-{q}): optimal in eps"
    if p > q:
        return f"eps-order eps^-{p} is worse than the lower bound {low.id} (eps^-{q})"
    return f"eps-order eps^-{p} beats the lower bound {low.id} (eps^-{q}): one of them is wrong"


def looseness(a: Theorem, b: Theorem) -> sp.Expr | None:
    """lim_{T->oo} rate_a / rate_b at a's prescribed hyperparameters, with gap = Delta."""
    if a.rate is None or b.rate is None:
        return None
    delta = sp.Symbol("Delta", positive=True)
    presc = {q.symbol: a.prescription[q.name].expr for q in a.hyperparameters if q.name in a.prescription}
    ra = a.rate.bound.expr.subs(gap, delta).subs(presc)
    rb = b.rate.bound.expr.subs(gap, delta).subs(presc)
    ratio = sp.limit(sp.simplify(ra / rb), a.T, sp.oo)
    return sp.simplify(ratio)


def siblings(thm: Theorem) -> list[Theorem]:
    """Other upper bounds on the same algorithm, function class and oracle."""
    return [t for t in theorems(algorithm=thm.algorithm, function_class=thm.function_class, oracle=thm.oracle,
                                kind="upper") if t.id != thm.id]
