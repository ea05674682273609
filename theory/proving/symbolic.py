"""The symbolic level: SymPy proves an obligation for every value in its context.

Zero obligations by simplification (by cases where a min or max is decided by the context). Sign obligations
by reparametrising every bounded symbol through a positive variable (s = lo + t, or s = lo + (hi - lo) t/(1 + t))
and signing the result factor by factor (signs.py). Three rules reduce harder forms to that one: a min (max) in a
position where the expression increases (decreases) splits into its arguments; a min or max otherwise splits the
domain where its arguments meet; and P + Q sqrt(R) is decided from the signs of P and Q and of Q^2 R - P^2.

Merging bounds lives here too: it drops an end the other bounds prove dominated, which takes this prover, and a
case split merges its side into the context, so the two call each other.
"""
from __future__ import annotations

import contextlib

import sympy as sp

from .context import Bound, _complete, _reparametrise, _square_roots
from .signs import sign_proved

MAX_DEPTH = 4  # nested applications of the min/max and sqrt rules


def merge_bounds(bounds) -> dict[sp.Symbol, Bound]:
    """Intersect bounds per symbol; a symbolic tighter-or-looser question keeps both via Min/Max.
    Memoised: every obligation of a step shares its context, and dropping a dominated end costs a proof."""
    bounds = tuple(bounds)
    if bounds not in _MERGED:
        _MERGED[bounds] = _merge_bounds(bounds)
    return dict(_MERGED[bounds])


_MERGED: dict = {}


def _merge_bounds(bounds) -> dict[sp.Symbol, Bound]:
    out: dict[sp.Symbol, Bound] = {}
    for b in bounds:
        if b.symbol not in out:
            out[b.symbol] = b
            continue
        old = out[b.symbol]
        lo = b.lo if old.lo == sp.S.NegativeInfinity else old.lo if b.lo == sp.S.NegativeInfinity else sp.Max(old.lo, b.lo)
        hi = b.hi if old.hi == sp.oo else old.hi if b.hi == sp.oo else sp.Min(old.hi, b.hi)
        out[b.symbol] = Bound(b.symbol, lo, hi)
    return {s: _dominant(b, out) for s, b in out.items()}


def _dominant(b: Bound, bounds: dict[sp.Symbol, Bound]) -> Bound:
    """Drop the side of a Max(lo1, lo2) / Min(hi1, hi2) end that the other bounds prove dominated
    (a domain [0, 1) under a condition beta2 > 1 - c, with c <= 1 proved from the constants' bounds),
    so the prover reparametrises one end instead of a max. Only the cheapest proof is tried."""
    ends = []
    for end, pick in ((b.lo, sp.Max), (b.hi, sp.Min)):
        if isinstance(end, pick) and len(end.args) == 2:
            others = {s: o for s, o in bounds.items() if s != b.symbol and b.symbol not in
                      (o.lo.free_symbols | o.hi.free_symbols)}
            u, v = end.args
            for keep, drop in ((u, v), (v, u)):
                gap = keep - drop if pick is sp.Max else drop - keep
                try:
                    if prove_symbolic("nonneg", gap, others, MAX_DEPTH):
                        end = keep
                        break
                except ValueError:  # circular bounds: keep the max
                    break
        ends.append(end)
    return Bound(b.symbol, *ends) if ends != [b.lo, b.hi] else b


# ---------------------------------------------------------------------------------------------
# the rules


def _split_min_max(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int) -> bool:
    """Prove an obligation containing min(A, B) or max(A, B) by cases.

    When A = B has exactly one positive root r in some symbol s, the domain of s splits at r;
    on each side SymPy must decide which argument is the min/max, and then prove the obligation
    with it in place. (T(eps) = max(N1, N2) of a two-regime complexity is the typical case.)
    """
    for m in sorted(expr.atoms(sp.Min, sp.Max), key=sp.count_ops):
        if len(m.args) != 2:
            continue
        A, B = m.args
        for sym in sorted((A - B).free_symbols, key=str):
            if not (A - B).is_rational_function(sym):  # solving through roots can run for minutes
                continue
            try:
                roots = [r for r in sp.solve(sp.Eq(A, B), sym) if r.is_positive]
            except (NotImplementedError, ValueError, TypeError):
                continue
            if len(roots) != 1:
                continue
            for side in (Bound(sym, sp.S.NegativeInfinity, roots[0]), Bound(sym, roots[0], sp.oo)):
                try:  # a split at a root in another symbol may make the bounds circular: try the next symbol
                    case = merge_bounds([*bounds.values(), side])
                    if prove_symbolic("nonneg", A - B, case, depth + 1):
                        bigger, smaller = A, B
                    elif prove_symbolic("nonneg", B - A, case, depth + 1):
                        bigger, smaller = B, A
                    else:
                        break
                    picked = bigger if isinstance(m, sp.Max) else smaller
                    if not prove_symbolic(kind, expr.xreplace({m: picked}), case, depth + 1):
                        break
                except ValueError:
                    break
            else:
                return True
    return False


def _decided_min_max(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int) -> bool:
    """min(A, B) is A wherever the bounds prove A <= B (a case of a split, clipping off or on): replace it."""
    for m in sorted(expr.atoms(sp.Min, sp.Max), key=sp.count_ops):
        if len(m.args) != 2:
            continue
        A, B = m.args
        # only the cheapest proof (no nested rules): a comparison that needs more is left to the other rules
        if prove_symbolic("nonneg", B - A, bounds, MAX_DEPTH):
            small, big = A, B
        elif prove_symbolic("nonneg", A - B, bounds, MAX_DEPTH):
            small, big = B, A
        else:
            continue
        return prove_symbolic(kind, expr.xreplace({m: small if isinstance(m, sp.Min) else big}), bounds, depth + 1)
    return False


def _monotone_min_max(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int,
                      affine_only: bool = False) -> bool:
    """e(min(A, B)) >= 0 by monotonicity in the min: where e increases in it, e(min(A, B)) = min(e(A), e(B))
    and both must be >= 0; where e decreases in it, e(min(A, B)) = max(e(A), e(B)) and one suffices
    (and the reverse for a max). ``affine_only``: only where e is affine in it (a slope free of it, cheap to sign)."""
    for m in sorted(expr.atoms(sp.Min, sp.Max), key=sp.count_ops):
        mu = sp.Dummy("mu", real=True)
        e = expr.xreplace({m: mu})
        slope = sp.diff(e, mu)
        if affine_only and slope.has(mu):
            continue
        slope = slope.xreplace({mu: m})
        for sign in (1, -1):
            if slope != 0 and not prove_symbolic("nonneg", sign * slope, bounds, depth + 1):
                continue
            every = (sign > 0) == isinstance(m, sp.Min)
            cases = [prove_symbolic(kind, *_square_roots(e.xreplace({mu: arg}), bounds), depth + 1) for arg in m.args]
            if all(cases) if every else any(cases):
                return True
            if slope == 0:
                break
    return False


def _sqrt_rule(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int) -> bool:
    """P + Q sqrt(R) >= 0 (> 0), with P, Q free of the root, from the signs of P and Q and of the
    squared comparison Q^2 R - P^2."""
    for root in sorted((p for p in expr.atoms(sp.Pow) if p.exp == sp.Rational(1, 2)), key=sp.count_ops):
        s = sp.Dummy("s", nonnegative=True)
        e = sp.expand(expr.xreplace({root: s}))
        try:
            if e.has(root) or sp.degree(e, s) != 1:
                continue
        except sp.PolynomialError:  # the root also sits in a denominator: see the numerator rule below
            continue
        Q, P = e.coeff(s, 1), e.coeff(s, 0)
        R = root.base
        strict = kind == "pos"

        def holds(k, x):
            return prove_symbolic(k, x, bounds, depth + 1)

        if holds("nonneg", Q):
            if holds(kind, P):
                return True
            if holds("nonneg", -P) and holds("pos" if strict else "nonneg", Q ** 2 * R - P ** 2):
                return True
        elif holds("nonneg", -Q) and holds("nonneg", P) and holds(kind, P ** 2 - Q ** 2 * R):
            return True
    return False


def prove_symbolic(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int = 0) -> bool:
    """Memoised by (kind, expr, context, depth): the min/max rules ask the same comparisons (lr <= clip lr/||g||)
    of every obligation in a context. Running out of time raises, so only finished answers are kept."""
    if depth > MAX_DEPTH:
        return False
    key = (kind, expr, frozenset(bounds.values()), depth)
    if key not in _SYMBOLIC:
        _SYMBOLIC[key] = _prove_symbolic(kind, expr, bounds, depth)
    return _SYMBOLIC[key]


_SYMBOLIC: dict = {}


def _prove_symbolic(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], depth: int) -> bool:
    if expr.atoms(sp.Min, sp.Max) and _decided_min_max(kind, expr, _complete(expr, bounds), depth):
        return True  # first: simplifying with a min or max in place costs seconds, deciding it milliseconds
    if kind == "zero":
        if sp.simplify(expr) == 0:
            return True
        full = _complete(expr, bounds)  # an identity on the domain only (a symbol pinned to [0, 0] by a condition)
        if any(b.lo == b.hi for b in full.values()) and sp.simplify(expr.xreplace(_reparametrise(full))) == 0:
            return True
        if not expr.atoms(sp.Min, sp.Max):
            return False
        full = _complete(expr, bounds)  # min(A, B) = A where the bounds prove A <= B: a side of a case split
        return _split_min_max(kind, expr, full, depth)
    if isinstance(expr, sp.Min):  # min(a, b) >= 0 iff every argument is
        return all(prove_symbolic(kind, a, bounds, depth + 1) for a in expr.args)
    if isinstance(expr, sp.Max):
        return any(prove_symbolic(kind, a, bounds, depth + 1) for a in expr.args)
    if expr.is_positive or (kind == "nonneg" and expr.is_nonnegative):  # cheap: SymPy's assumptions, no rewriting
        return True
    bounds = _complete(expr, bounds)
    # cheap before simplify, which is most of the prover's time: the reparametrised expression as it comes,
    # factor by factor (not with a min or max inside: factoring around one costs more than simplifying)
    with contextlib.suppress(ValueError):  # circular bounds: reported by the steps below
        if not expr.atoms(sp.Min, sp.Max) and sign_proved(expr.xreplace(_reparametrise(bounds)), kind == "nonneg") == 1:
            return True
    if expr.atoms(sp.Min, sp.Max) and _monotone_min_max(kind, expr, bounds, depth, affine_only=True):
        return True  # also before simplify, which rebuilds every Min/Max it meets (an affine one: cheap)
    if sp.simplify(expr) == 0:
        return kind == "nonneg"
    e = sp.simplify(expr.xreplace(_reparametrise(bounds)))
    if e == 0:
        return kind == "nonneg"
    if e.is_positive or (kind == "nonneg" and e.is_nonnegative) or sign_proved(e, kind == "nonneg") == 1:
        return True
    if expr.atoms(sp.Min, sp.Max) and (_split_min_max(kind, expr, bounds, depth)
                                        or _monotone_min_max(kind, expr, bounds, depth)):
        return True
    if e.atoms(sp.Min, sp.Max) and not expr.atoms(sp.Min, sp.Max):  # a min or max the context brought in
        free = _complete(e, {})
        if _split_min_max(kind, e, free, depth) or _monotone_min_max(kind, e, free, depth):
            return True
    if _sqrt_rule(kind, expr, bounds, depth):
        return True
    num, den = sp.fraction(sp.together(expr))  # a root in a positive denominator: the rule on the numerator
    return any(p.exp == sp.Rational(1, 2) for p in den.atoms(sp.Pow)) \
        and prove_symbolic("pos", den, bounds, depth + 1) and _sqrt_rule(kind, num, bounds, depth)
