"""The interval level: mpmath interval arithmetic (outward rounding) proves a sign on a stated finite box.

Symbols bounded on both sides are mapped to u in [0, 1], so the box covers their whole range; unbounded ones are
cut to [lo + 1e-3, lo + 1e3]. Boxes are bisected until every cell is signed. The box is part of the proof.
"""
from __future__ import annotations

import mpmath
import sympy as sp

from .budget import SYMBOLIC_SECONDS, _OutOfTime, _time_limit
from .context import Bound, _complete, _order

BOX = (sp.Rational(1, 1000), sp.Integer(1000))  # offsets for unbounded symbols at interval level


def _iv(e, env):
    """Evaluate a SymPy expression in mpmath interval arithmetic (outward rounded)."""
    iv = mpmath.iv
    if e.is_Symbol:
        return env[e]
    if e.is_Integer:
        return iv.mpf(int(e))
    if e.is_Rational:
        return iv.mpf(int(e.p)) / iv.mpf(int(e.q))
    if e is sp.pi:
        return iv.pi
    if e is sp.E:
        return iv.e
    if e.is_Float:
        return iv.mpf(str(e))
    if e.is_Add:
        out = iv.mpf(0)
        for a in e.args:
            out = out + _iv(a, env)
        return out
    if e.is_Mul:
        out = iv.mpf(1)
        for a in e.args:
            out = out * _iv(a, env)
        return out
    if e.is_Pow:
        base = _iv(e.base, env)
        if e.exp.is_Integer:
            return base ** int(e.exp)
        if e.exp == sp.Rational(1, 2):
            return iv.sqrt(base)
        if e.exp == -sp.Rational(1, 2):
            return 1 / iv.sqrt(base)
        return iv.exp(_iv(e.exp, env) * iv.log(base))
    funcs = {sp.exp: iv.exp, sp.log: iv.log, sp.sin: iv.sin, sp.cos: iv.cos}
    if e.func in funcs:
        return funcs[e.func](_iv(e.args[0], env))
    if isinstance(e, (sp.Min, sp.Max)):
        vals = [_iv(a, env) for a in e.args]
        pick = min if isinstance(e, sp.Min) else max
        return iv.mpf([pick(v.a for v in vals), pick(v.b for v in vals)])
    if isinstance(e, sp.Abs):
        v = _iv(e.args[0], env)
        lo = 0 if v.a <= 0 <= v.b else min(abs(v.a), abs(v.b))
        return iv.mpf([lo, max(abs(v.a), abs(v.b))])
    raise TypeError(f"no interval rule for {e.func}")


def _box_parametrisation(bounds: dict[sp.Symbol, Bound]):
    """symbol -> expression in box variables, and each box variable's [a, b]."""
    subs, box = {}, {}
    for s in _order(bounds):
        b = bounds[s]
        lo, hi = b.lo.xreplace(subs), b.hi.xreplace(subs)
        if lo.is_infinite:
            raise ValueError(f"interval level needs a lower bound on {s}")
        if hi.is_infinite:
            w = sp.Symbol(f"_w_{s.name}", positive=True)
            subs[s], box[w] = lo + w, BOX
        else:
            u = sp.Symbol(f"_u_{s.name}", positive=True)
            subs[s], box[u] = lo + (hi - lo) * u, (sp.Integer(0), sp.Integer(1))
    return subs, box


def prove_interval(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], budget: int = 1500):
    """Branch and bound on the box; returns (proved, box description)."""
    bounds = _complete(expr, bounds)
    subs, box = _box_parametrisation(bounds)
    e = expr.xreplace(subs)
    try:  # simplifying first narrows the intervals; like the symbolic stage it may not come back
        with _time_limit(SYMBOLIC_SECONDS):
            e = sp.simplify(e)
    except _OutOfTime:
        pass
    variables = sorted(box, key=str)
    described = {str(s): f"[{sp.sstr(bounds[s].lo)}, {sp.sstr(bounds[s].hi) if not bounds[s].hi.is_infinite else sp.sstr(bounds[s].lo) + ' + 1e3'}]"
                 for s in sorted(bounds, key=str)}
    iv = mpmath.iv
    with mpmath.workdps(30):
        stack = [tuple((mpmath.mpf(box[v][0]), mpmath.mpf(box[v][1])) for v in variables)]
        for _ in range(budget):
            if not stack:
                return True, described
            cell = stack.pop()
            env = {v: iv.mpf([a, b]) for v, (a, b) in zip(variables, cell)}
            try:
                val = _iv(e, env)
            except (ZeroDivisionError, ValueError, TypeError):
                val = None
            if val is not None and (val.a > 0 or (kind == "nonneg" and val.a >= 0)):
                continue
            if val is not None and val.b < 0:
                return False, described
            # split the widest side (relative width for the unbounded offsets)
            widths = [(b - a) / (b if b > 1 else 1) for a, b in cell]
            i = max(range(len(cell)), key=widths.__getitem__) if cell else None
            if i is None:
                return False, described
            a, b = cell[i]
            mid = (a + b) / 2
            for half in ((a, mid), (mid, b)):
                stack.append(cell[:i] + (half,) + cell[i + 1:])
    return False, described
