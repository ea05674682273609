"""Discharging obligations: symbolic, then interval, then sampled, and saying which.

The context of an obligation is a set of bounds ``lo < s < hi`` on its symbols, where a bound may
depend on other symbols (``lr < 2/L``). The levels:

* ``symbolic``: SymPy proves it for all values in the context. Zero obligations by simplification
  (by cases where a min or max is decided by the context). Sign obligations by reparametrising
  every bounded symbol through a positive variable (s = lo + t, or s = lo + (hi - lo) t/(1 + t)),
  after which the expression is a rational function of positive variables; it is proved when
  SymPy's assumptions settle its sign or when, factor by factor, numerator and denominator are
  polynomials with coefficients of one sign. Three rules reduce harder forms to that one:
  a min (max) in a position where the expression increases (decreases) splits into its
  arguments; a min or max otherwise splits the domain where its arguments meet; and
  P + Q sqrt(R) is decided from the signs of P and Q and of Q^2 R - P^2.
* ``interval``: mpmath interval arithmetic (outward rounding) proves the sign on a stated finite
  box, bisecting boxes; symbols bounded on both sides are mapped to u in [0, 1] so the box covers
  their whole range, unbounded ones are cut to [lo + 1e-3, lo + 1e3]. The box is part of the proof.
* ``sampled``: no counterexample among N seeded points and a local search around the worst of them
  (weakest); ``failed`` gives the counterexample found, or the internal error that stopped every
  stage (certify never raises).

Domains are treated as open: a sign proved inside extends to closed ends only by continuity.
Proofs are cached by (kind, expression, context): a mutated theorem re-proves only what changed. The
context is first cut to the bounds the expression's symbols reach (a symbolic proof there is one in the
whole context, and the same obligation in two theorems is proved once); anything weaker is redone in full.
SymPy's time limit counts CPU seconds, so a busy machine does not lower a level.
"""
from __future__ import annotations

import contextlib
import math
import random
import signal
import threading
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from . import proof_record

# "unverified": a step with nothing SymPy can check (a reconstructed claim), weaker than sampled.
LEVELS = ("symbolic", "interval", "sampled", "unverified", "failed")
BOX = (sp.Rational(1, 1000), sp.Integer(1000))  # offsets for unbounded symbols at interval level
SAMPLE_RANGE = (1e-6, 1e6)
SYMBOLIC_SECONDS = 60.0  # CPU time SymPy may spend on one obligation before the weaker levels are tried: 3x the
#                          slowest true obligation of the catalogue (clipped_gd.l0l1, 19 s on a loaded 2-core box),
#                          so a busy CI machine does not turn "symbolic" into "sampled"
MAX_DEPTH = 4            # nested applications of the min/max and sqrt rules
QUICK_SAMPLES = 100      # seeded points tried before the symbolic stage
CONFIRM_DPS = 400        # digits at which a counterexample found at 50 is confirmed
SYMBOLIC_DETAIL = "proved by SymPy for every value in the domain"
LOCAL_MOVES = 40         # coordinate moves per step size in the local search for a counterexample


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


@dataclass
class Proof:
    level: str
    detail: str = ""
    counterexample: dict | None = None
    box: dict = field(default_factory=dict)

    def describe(self) -> str:
        """The level with what it covers: an interval proof names its box, a failure its counterexample."""
        if self.level == "interval":
            return "interval on " + ", ".join(f"{k} in {v}" for k, v in self.box.items())
        if self.counterexample:
            return f"failed at {self.counterexample}"
        return self.level if not self.detail else f"{self.level} ({self.detail})"


def weakest(levels) -> str:
    levels = list(levels)
    return max(levels, key=LEVELS.index) if levels else "symbolic"


# ---------------------------------------------------------------------------------------------
# contexts


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


# ---------------------------------------------------------------------------------------------
# symbolic


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


def _sign_of_factor(e: sp.Expr, weak: bool = False) -> int:
    """+1 / -1 when e > 0 / e < 0 is known for positive variables, else 0; with ``weak``, +1 also for a
    factor known to be >= 0 (an even power of anything real)."""
    if e.is_positive or (weak and e.is_nonnegative):
        return 1
    if e.is_negative or (weak and e.is_nonpositive):
        return -1
    if isinstance(e, (sp.Min, sp.Max)):  # min > 0 iff all args are; max > 0 iff one is
        signs = [sign_proved(a, weak) for a in e.args]
        if isinstance(e, sp.Min):
            return 1 if all(x == 1 for x in signs) else (-1 if any(x == -1 for x in signs) else 0)
        return 1 if any(x == 1 for x in signs) else (-1 if all(x == -1 for x in signs) else 0)
    if isinstance(e, sp.Pow) and e.exp.is_integer and e.exp.is_even and e.base.is_real:
        return 1 if (e.base.is_nonzero or (weak and e.exp > 0)) else 0
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        s = _sign_of_factor(e.base, weak and e.exp > 0)
        return s ** int(e.exp) if s else 0
    syms = e.free_symbols
    if syms and all(x.is_positive for x in syms):
        try:
            poly = sp.Poly(sp.expand(e), *sorted(syms, key=str))
        except sp.PolynomialError:
            return 0
        coeffs = poly.coeffs()
        if all(c.is_positive for c in coeffs):
            return 1
        if all(c.is_negative for c in coeffs):
            return -1
    return 0


def sign_proved(expr: sp.Expr, weak: bool = False) -> int:
    """Sign of a function of positive variables when provable factor by factor (0 = unknown). With
    ``weak`` the answer +1 means >= 0 (factors may vanish, but not in a denominator)."""
    e = sp.factor(sp.together(expr))
    if e == 0:
        return 0
    num, den = sp.fraction(e)
    sign = 1
    for part, w in ((num, weak), (den, False)):
        for fac in sp.Mul.make_args(part):
            s = _sign_of_factor(fac, w)
            if s == 0:
                return 0
            sign *= s
    return sign


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


# ---------------------------------------------------------------------------------------------
# interval arithmetic


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


# ---------------------------------------------------------------------------------------------
# sampling


def _compiled_bounds(bounds: dict[sp.Symbol, Bound]):
    out = []
    for s in _order(bounds):
        b = bounds[s]
        deps = sorted(b.lo.free_symbols | b.hi.free_symbols, key=str)
        lo = None if b.lo.is_infinite else sp.lambdify(deps, b.lo, modules="mpmath")
        hi = None if b.hi.is_infinite else sp.lambdify(deps, b.hi, modules="mpmath")
        out.append((s, deps, lo, hi))
    return out


def _sampler(bounds: dict[sp.Symbol, Bound]):
    """A seeded point generator respecting dependent bounds (bounds compiled to mpmath once)."""
    compiled = _compiled_bounds(bounds)
    span = math.log10(SAMPLE_RANGE[1] / SAMPLE_RANGE[0])

    def draw(rnd: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
        point: dict[sp.Symbol, mpmath.mpf] = {}
        for s, deps, lo_f, hi_f in compiled:
            args = [point[d] for d in deps]
            lo = lo_f(*args) if lo_f else None
            hi = hi_f(*args) if hi_f else None
            u = mpmath.mpf(rnd.random())
            if lo is not None and hi is not None:
                edge = rnd.random()  # crowd both ends too: obligations are often tight at a domain's edge
                w = u if edge < 0.6 else (u ** 8 if edge < 0.8 else 1 - u ** 8)
                point[s] = lo + (hi - lo) * w
            else:
                off = mpmath.mpf(10) ** (math.log10(SAMPLE_RANGE[0]) + rnd.random() * span)
                point[s] = lo + off if lo is not None else (hi - off if hi is not None else
                                                            (off if rnd.random() < .5 else -off))
        return point

    def inside(point) -> bool:
        for s, deps, lo_f, hi_f in compiled:
            args = [point[d] for d in deps]
            if (lo_f and not point[s] > lo_f(*args)) or (hi_f and not point[s] < hi_f(*args)):
                return False
        return True

    return draw, inside


def _violation(kind: str, v, scale) -> mpmath.mpf | None:
    """How far a value is on the wrong side (> 0: a counterexample), or None for no real value."""
    if isinstance(v, mpmath.mpc):
        if abs(v.imag) > mpmath.mpf(10) ** -40 * max(abs(v.real), 1):
            return mpmath.mpf(1)  # not real where the obligation must hold: a counterexample
        v = v.real
    if kind == "zero":
        return abs(v) - mpmath.mpf(10) ** -35 * scale
    if kind == "nonneg":
        return -v - mpmath.mpf(10) ** -35 * scale
    return -v if v != 0 else mpmath.mpf(10) ** -60


def search_counterexample(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], n: int = 2000,
                          seed: int = 0, refine: int = 12):
    """A point violating the obligation, or None after n seeded draws and a local search around the
    ``refine`` draws closest to violating it (evaluated at 50 digits)."""
    bounds = _complete(expr, bounds)
    syms = sorted(bounds, key=str)
    fn = sp.lambdify(syms, expr, modules="mpmath")
    # rounding at 50 digits is relative to the largest term, not to the (possibly cancelled) sum
    # (the terms as written and expanded: an identity that expands to 0 still has its written terms' scale);
    # they are compiled on the first suspected violation only: most obligations never need them
    scale_terms = []

    def scale(args):
        if kind != "pos" and not scale_terms:
            try:
                terms = set(sp.Add.make_args(expr)) | set(sp.Add.make_args(sp.expand(expr)))
                scale_terms.extend(sp.lambdify(syms, a, modules="mpmath") for a in sorted(terms, key=sp.default_sort_key))
            except Exception as err:  # noqa: BLE001 - not "no value here": the search itself failed, as up front
                raise RuntimeError(f"the terms' scale cannot be compiled: {type(err).__name__}: {err}") from err
        return max([abs(t(*args)) for t in scale_terms] + [mpmath.mpf(1)])

    rnd = random.Random(seed)
    draw, inside = _sampler(bounds)

    def badness(p):
        args = [p[s] for s in syms]
        try:
            v = fn(*args)
            bad = _violation(kind, v, 1)
            if bad is not None and bad > 0:  # confirm at CONFIRM_DPS: cancellation in e^{huge} - e^{huge} is not a finding
                with mpmath.workdps(CONFIRM_DPS):
                    v = fn(*args)
                    bad = _violation(kind, v, scale(args))
            return bad
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return None

    def report(p, bad):
        args = [p[s] for s in syms]
        try:
            value = mpmath.nstr(fn(*args), 12)
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            value = "undefined"
        return {str(s): mpmath.nstr(p[s], 12) for s in syms} | {"value": value}

    with mpmath.workdps(50):
        scored = []
        for _ in range(n):
            p = draw(rnd)
            b = badness(p)
            if b is None:
                continue
            if b > 0:
                return report(p, b)
            scored.append((b, p))
        scored.sort(key=lambda x: -x[0])  # closest to violating first
        for b, p in scored[:refine]:
            for step in (mpmath.mpf("0.5"), mpmath.mpf("0.05"), mpmath.mpf("0.001")):
                for _ in range(LOCAL_MOVES):  # capped: badness can creep towards 0 as a variable runs off to infinity
                    improved = False
                    for s in syms:
                        for factor in (1 + step, 1 - step):
                            q = dict(p)
                            q[s] = p[s] * factor if p[s] != 0 else step * (1 if factor > 1 else -1)
                            if not inside(q):
                                continue
                            bq = badness(q)
                            if bq is None:
                                continue
                            if bq > 0:
                                return report(q, bq)
                            if bq > b:
                                p, b, improved = q, bq, True
                    if not improved:
                        break
    return None


# ---------------------------------------------------------------------------------------------


class _OutOfTime(BaseException):  # not an Exception: SymPy's own `except Exception` must not swallow it
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime after ``seconds`` of this process's CPU time (ITIMER_VIRTUAL: main thread on Unix;
    elsewhere no limit). CPU, not wall-clock, time: a machine busy with other work must not turn a proof SymPy
    finishes into a weaker level. The wall-clock timer (SIGALRM, e.g. pytest-timeout's) is left alone."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "SIGVTALRM"):
        yield
        return

    def expire(*_):
        raise _OutOfTime

    old = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


_CACHE: dict = {}


def prove(kind: str, expr: sp.Expr, bounds=(), samples: int = 2000) -> Proof:
    """Discharge ``expr == 0`` / ``>= 0`` / ``> 0`` under ``bounds``, at the strongest level reached.

    SymPy gets SYMBOLIC_SECONDS per obligation: simplification of large reparametrised expressions
    can run for hours, and a certificate that never comes back is worse than a weaker level. Never
    raises: an error that stops every stage is a failure that names it.
    """
    bounds = tuple(bounds)
    expr = sp.sympify(expr)
    relevant = _relevant(expr, bounds)
    if len(relevant) < len(bounds):
        proof = _cached(kind, expr, relevant, samples)
        if proof.level == "symbolic":
            return proof
    return _cached(kind, expr, bounds, samples)


def _relevant(expr: sp.Expr, bounds: tuple[Bound, ...]) -> tuple[Bound, ...]:
    """The bounds on expr's symbols and, transitively, on the symbols their ends mention.

    The others constrain symbols expr does not contain, so dropping them only widens the domain: a symbolic
    proof without them is a proof with them. It is also the same obligation wherever it occurs (clipped GD
    with or without momentum), proved once. Anything weaker is redone in the full context, where the
    dropped bounds may matter (a counterexample outside them is none)."""
    try:
        symbols = set(expr.free_symbols)
        while True:
            wider = symbols.union(*(b.lo.free_symbols | b.hi.free_symbols for b in bounds if b.symbol in symbols))
            if wider == symbols:
                return tuple(b for b in bounds if b.symbol in symbols)
            symbols = wider
    except Exception:  # noqa: BLE001 - whatever cannot be pruned is proved as given
        return bounds


def _cached(kind, expr, bounds, samples) -> Proof:
    key = (kind, expr, frozenset(bounds), samples)
    if key not in _CACHE:
        _CACHE[key] = _recorded_or_proved(kind, expr, bounds, samples)
    return _CACHE[key]


def _recorded_or_proved(kind, expr, bounds, samples) -> Proof:
    """A symbolic proof this prover already completed (proof_record), else a proof now."""
    try:
        k = proof_record.key(kind, expr, bounds, samples)
    except Exception:  # noqa: BLE001 - an obligation the record cannot key is simply proved
        return _prove(kind, expr, bounds, samples)
    if proof_record.recorded(k):
        return Proof("symbolic", SYMBOLIC_DETAIL)
    proof = _prove(kind, expr, bounds, samples)
    if proof.level == "symbolic":
        proof_record.record(k)
    return proof


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


def _prove(kind, expr, bounds, samples) -> Proof:
    errors = []
    try:
        ctx = merge_bounds(bounds)
    except Exception as err:  # noqa: BLE001 - a malformed context is reported, not raised
        return Proof("failed", f"internal error: {type(err).__name__}: {err}")
    try:  # a quick look for a counterexample first: a false obligation fails in milliseconds, not SYMBOLIC_SECONDS
        cex = search_counterexample(kind, expr, ctx, n=min(samples, QUICK_SAMPLES), refine=0)
        if cex is not None:
            return Proof("failed", "counterexample found", counterexample=cex)
    except Exception:  # noqa: BLE001 - the full search below reports the error
        pass
    try:
        with _time_limit(SYMBOLIC_SECONDS):
            if prove_symbolic(kind, *_square_roots(expr, ctx)):
                return Proof("symbolic", SYMBOLIC_DETAIL)
    except _OutOfTime:
        pass
    except Exception as err:  # noqa: BLE001 - SymPy's own errors fall through to the weaker levels
        errors.append(err)
    try:
        cex = search_counterexample(kind, expr, ctx, n=samples)
        if cex is not None:
            return Proof("failed", "counterexample found", counterexample=cex)
    except Exception as err:  # noqa: BLE001
        errors.append(err)
        return Proof("failed", "internal error: " + "; ".join(f"{type(e).__name__}: {e}" for e in errors))
    if kind != "zero":
        try:
            ok, box = prove_interval(kind, expr, ctx)
            if ok:
                return Proof("interval", "interval arithmetic on the box", box=box)
        except Exception:  # noqa: BLE001 - no interval rule for this expression: sampled it stays
            pass
    return Proof("sampled", f"no counterexample among {samples} seeded points and a local search")
