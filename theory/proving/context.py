"""The context of an obligation: bounds ``lo < s < hi`` on its symbols, and the changes of variable they allow.

A bound may depend on other symbols (``lr < 2/L``), so symbols are taken in dependency order. Domains are
treated as open: a sign proved inside extends to closed ends only by continuity.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Bound:
    symbol: sp.Symbol
    lo: sp.Expr = sp.S.NegativeInfinity
    hi: sp.Expr = sp.oo

    def __post_init__(self):
        lo = sp.sympify(self.lo)
        if lo == sp.S.NegativeInfinity and (self.symbol.is_positive or self.symbol.is_nonnegative):
            lo = sp.Integer(0)  # an upper bound alone keeps the sign the symbol is declared with
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", sp.sympify(self.hi))


def _order(bounds: dict[sp.Symbol, Bound]) -> list[sp.Symbol]:
    """Symbols in dependency order (a symbol after those its bounds mention)."""
    done: list[sp.Symbol] = []
    pending = dict(bounds)
    while pending:
        ready = [s for s, b in pending.items()
                 if not ((b.lo.free_symbols | b.hi.free_symbols) & (set(pending) - {s}))]
        if not ready:
            raise ValueError(f"circular bounds among {sorted(map(str, pending))}")
        for s in sorted(ready, key=str):
            done.append(s)
            del pending[s]
    return done


def _complete(expr: sp.Expr, bounds: dict[sp.Symbol, Bound]) -> dict[sp.Symbol, Bound]:
    """Add the symbols of expr (and of bounds) that have no bound: positive ones get (0, oo),
    nonnegative ones [0, oo). Every bound's ends count, not only those reached from expr: a context
    bound f_0 >= f_x with f_x absent from expr still needs f_x to sample f_0."""
    out = dict(bounds)
    todo = set(expr.free_symbols).union(*(b.lo.free_symbols | b.hi.free_symbols for b in bounds.values()))
    while todo:
        s = todo.pop()
        if s not in out:
            out[s] = Bound(s, sp.Integer(0), sp.oo) if (s.is_positive or s.is_nonnegative) else Bound(s)
        todo |= (out[s].lo.free_symbols | out[s].hi.free_symbols) - set(out)
    return out


def _reparametrise(bounds: dict[sp.Symbol, Bound]):
    """Map each symbol to an expression in fresh positive (or free real) variables."""
    subs: dict[sp.Symbol, sp.Expr] = {}
    for s in _order(bounds):
        b = bounds[s]
        t = sp.Symbol(f"_t_{s.name}", positive=True)
        lo, hi = b.lo.xreplace(subs), b.hi.xreplace(subs)
        if lo.is_infinite and hi.is_infinite:
            subs[s] = sp.Symbol(f"_r_{s.name}", real=True)
        elif hi.is_infinite:
            subs[s] = lo + t
        elif lo.is_infinite:
            subs[s] = hi - t
        else:
            subs[s] = lo + (hi - lo) * t / (1 + t)
    return subs


def _square_roots(expr: sp.Expr, ctx: dict[sp.Symbol, Bound]):
    """A symbol s >= 0 that occurs as sqrt(s) or 1/sqrt(s) (||g|| = sqrt(grad_sq)), in the expression or in a
    bound of the context, becomes r^2 with r > 0, so the expression is rational in r (same proof, a change of
    variable)."""
    for s in list(ctx):
        b = ctx[s]  # as rewritten by the roots before it (a bound may mention them)
        where = (expr, *(e for v in ctx.values() for e in (v.lo, v.hi)))
        if not any(e.has(sp.sqrt(s)) or e.has(1 / sp.sqrt(s)) for e in where) or not b.lo.is_nonnegative:
            continue
        r = sp.Symbol(f"sqrt({s.name})", positive=True)
        expr = expr.xreplace({s: r ** 2})
        ctx = {k: Bound(k, v.lo.xreplace({s: r ** 2}), v.hi.xreplace({s: r ** 2})) for k, v in ctx.items() if k != s}
        ctx[r] = Bound(r, sp.sqrt(b.lo), sp.sqrt(b.hi))
    return expr, ctx
