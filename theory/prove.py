"""Discharging obligations: symbolic, then interval, then sampled, and saying which.

The context of an obligation is a set of bounds ``lo < s < hi`` on its symbols, where a bound may
depend on other symbols (``lr < 2/L``). The three levels:

* ``symbolic``: SymPy proves it for all values in the context. Zero obligations by simplification.
  Sign obligations by reparametrising every bounded symbol through a positive variable
  (s = lo + t, or s = lo + (hi - lo) t/(1 + t)), after which the expression is a rational function
  of positive variables; it is proved when SymPy's assumptions settle its sign or when, factor by
  factor, numerator and denominator are polynomials with positive coefficients.
* ``interval``: mpmath interval arithmetic (outward rounding) proves the sign on a stated finite
  box, bisecting boxes; symbols bounded on both sides are mapped to u in [0, 1] so the box covers
  their whole range, unbounded ones are cut to [lo + 1e-3, lo + 1e3].
* ``sampled``: no counterexample among N seeded points (weakest); ``failed`` gives the
  counterexample found.

Domains are treated as open: a sign proved inside extends to closed ends only by continuity.
"""
from __future__ import annotations

import contextlib
import math
import random
import signal
import threading
import time
from dataclasses import dataclass, field

import mpmath
import sympy as sp

# "unverified": a step with nothing SymPy can check (a reconstructed claim), weaker than sampled.
LEVELS = ("symbolic", "interval", "sampled", "unverified", "failed")
BOX = (sp.Rational(1, 1000), sp.Integer(1000))  # offsets for unbounded symbols at interval level
SAMPLE_RANGE = (1e-6, 1e6)
SYMBOLIC_SECONDS = 20.0  # time SymPy may spend on one obligation before the weaker levels are tried


@dataclass(frozen=True)
class Bound:
    symbol: sp.Symbol
    lo: sp.Expr = sp.S.NegativeInfinity
    hi: sp.Expr = sp.oo

    def __post_init__(self):
        object.__setattr__(self, "lo", sp.sympify(self.lo))
        object.__setattr__(self, "hi", sp.sympify(self.hi))


@dataclass
class Proof:
    level: str
    detail: str = ""
    counterexample: dict | None = None
    box: dict = field(default_factory=dict)


def weakest(levels) -> str:
    levels = list(levels)
    return max(levels, key=LEVELS.index) if levels else "symbolic"


# ---------------------------------------------------------------------------------------------
# contexts


def merge_bounds(bounds) -> dict[sp.Symbol, Bound]:
    """Intersect bounds per symbol; a symbolic tighter-or-looser question keeps both via Min/Max."""
    out: dict[sp.Symbol, Bound] = {}
    for b in bounds:
        if b.symbol not in out:
            out[b.symbol] = b
            continue
        old = out[b.symbol]
        lo = b.lo if old.lo == sp.S.NegativeInfinity else old.lo if b.lo == sp.S.NegativeInfinity else sp.Max(old.lo, b.lo)
        hi = b.hi if old.hi == sp.oo else old.hi if b.hi == sp.oo else sp.Min(old.hi, b.hi)
        out[b.symbol] = Bound(b.symbol, lo, hi)
    return out


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
    """Add the symbols of expr (and of bounds) that have no bound: positive ones get (0, oo)."""
    out = dict(bounds)
    todo = set(expr.free_symbols)
    while todo:
        s = todo.pop()
        if s not in out:
            out[s] = Bound(s, sp.Integer(0), sp.oo) if s.is_positive else Bound(s)
            todo |= (out[s].lo.free_symbols | out[s].hi.free_symbols) - set(out)
        else:
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


def _sign_of_factor(e: sp.Expr) -> int:
    """+1 / -1 when the sign of e is known for positive variables, else 0."""
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    if isinstance(e, (sp.Min, sp.Max)):  # min > 0 iff all args are; max > 0 iff one is
        signs = [sign_proved(a) for a in e.args]
        if isinstance(e, sp.Min):
            return 1 if all(x == 1 for x in signs) else (-1 if any(x == -1 for x in signs) else 0)
        return 1 if any(x == 1 for x in signs) else (-1 if all(x == -1 for x in signs) else 0)
    if isinstance(e, sp.Pow) and e.exp.is_integer and e.exp.is_even and e.base.is_real:
        return 1 if e.base.is_nonzero else 0
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        s = _sign_of_factor(e.base)
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


def sign_proved(expr: sp.Expr) -> int:
    """Sign of a function of positive variables when provable factor by factor (0 = unknown)."""
    e = sp.factor(sp.together(expr))
    if e == 0:
        return 0
    num, den = sp.fraction(e)
    sign = 1
    for part in (num, den):
        for fac in sp.Mul.make_args(part):
            s = _sign_of_factor(fac)
            if s == 0:
                return 0
            sign *= s
    return sign


def _split_min_max(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound]) -> bool:
    """Prove an obligation containing min(A, B) or max(A, B) by cases.

    When A = B has exactly one positive root r in some symbol s, the domain of s splits at r;
    on each side SymPy must decide which argument is the min/max, and then prove the obligation
    with it in place. (T(eps) = max(N1, N2) of a two-regime complexity is the typical case.)
    """
    m = next(iter(sorted(expr.atoms(sp.Min, sp.Max), key=sp.count_ops)), None)
    if m is None or len(m.args) != 2:
        return False
    A, B = m.args
    for sym in sorted((A - B).free_symbols, key=str):
        try:
            roots = [r for r in sp.solve(sp.Eq(A, B), sym) if r.is_positive]
        except (NotImplementedError, ValueError):
            continue
        if len(roots) != 1:
            continue
        for side in (Bound(sym, sp.S.NegativeInfinity, roots[0]), Bound(sym, roots[0], sp.oo)):
            case = merge_bounds([*bounds.values(), side])
            if prove_symbolic("nonneg", A - B, case):
                bigger, smaller = A, B
            elif prove_symbolic("nonneg", B - A, case):
                bigger, smaller = B, A
            else:
                break
            picked = bigger if isinstance(m, sp.Max) else smaller
            if not prove_symbolic(kind, expr.xreplace({m: picked}), case):
                break
        else:
            return True
    return False


def prove_symbolic(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound]) -> bool:
    if kind == "zero":
        return sp.simplify(expr) == 0
    if isinstance(expr, sp.Min):  # min(a, b) >= 0 iff every argument is
        return all(prove_symbolic(kind, a, bounds) for a in expr.args)
    if isinstance(expr, sp.Max):
        return any(prove_symbolic(kind, a, bounds) for a in expr.args)
    if expr.is_positive or (kind == "nonneg" and expr.is_nonnegative):  # cheap: SymPy's assumptions, no rewriting
        return True
    if sp.simplify(expr) == 0:
        return kind == "nonneg"
    bounds = _complete(expr, bounds)
    e = expr.xreplace(_reparametrise(bounds))
    e = sp.simplify(e)
    if e == 0:
        return kind == "nonneg"
    if (e.is_positive) or (kind == "nonneg" and e.is_nonnegative):
        return True
    if sign_proved(e) == 1:
        return True
    return _split_min_max(kind, expr, bounds)


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
        if lo.is_infinite or (hi.is_infinite and lo.is_infinite):
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
                 for s in bounds}
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


def _sampler(bounds: dict[sp.Symbol, Bound]):
    """A seeded point generator respecting dependent bounds (bounds compiled to mpmath once)."""
    order = _order(bounds)
    compiled = []
    for s in order:
        b = bounds[s]
        deps = sorted(b.lo.free_symbols | b.hi.free_symbols, key=str)
        lo = None if b.lo.is_infinite else sp.lambdify(deps, b.lo, modules="mpmath")
        hi = None if b.hi.is_infinite else sp.lambdify(deps, b.hi, modules="mpmath")
        compiled.append((s, deps, lo, hi))
    span = math.log10(SAMPLE_RANGE[1] / SAMPLE_RANGE[0])

    def draw(rnd: random.Random) -> dict[sp.Symbol, mpmath.mpf]:
        point: dict[sp.Symbol, mpmath.mpf] = {}
        for s, deps, lo_f, hi_f in compiled:
            args = [point[d] for d in deps]
            lo = lo_f(*args) if lo_f else None
            hi = hi_f(*args) if hi_f else None
            u = mpmath.mpf(rnd.random())
            if lo is not None and hi is not None:
                point[s] = lo + (hi - lo) * (u if rnd.random() < 0.8 else u ** 8)  # also crowd the low end
            else:
                off = mpmath.mpf(10) ** (math.log10(SAMPLE_RANGE[0]) + rnd.random() * span)
                point[s] = lo + off if lo is not None else (hi - off if hi is not None else
                                                            (off if rnd.random() < .5 else -off))
        return point

    return draw


def search_counterexample(kind: str, expr: sp.Expr, bounds: dict[sp.Symbol, Bound], n: int = 2000,
                          seed: int = 0):
    """A point violating the obligation, or None after n seeded draws (evaluated at 50 digits)."""
    bounds = _complete(expr, bounds)
    syms = sorted(bounds, key=str)
    fn = sp.lambdify(syms, expr, modules="mpmath")
    scale_terms = [sp.lambdify(syms, a, modules="mpmath") for a in sp.Add.make_args(sp.expand(expr))] \
        if kind == "zero" else []
    rnd = random.Random(seed)
    draw = _sampler(bounds)
    with mpmath.workdps(50):
        for _ in range(n):
            p = draw(rnd)
            args = [p[s] for s in syms]
            try:
                v = fn(*args)
            except (ZeroDivisionError, ValueError):
                continue
            if isinstance(v, mpmath.mpc):
                if abs(v.imag) > mpmath.mpf(10) ** -40:
                    continue
                v = v.real
            if kind == "zero":
                scale = max([abs(t(*args)) for t in scale_terms] + [mpmath.mpf(1)])
                bad = abs(v) > mpmath.mpf(10) ** -35 * scale
            elif kind == "nonneg":
                bad = v < -mpmath.mpf(10) ** -35 * max(abs(v), 1)
            else:
                bad = v <= 0
            if bad:
                return {str(s): mpmath.nstr(p[s], 12) for s in syms} | {"value": mpmath.nstr(v, 12)}
    return None


# ---------------------------------------------------------------------------------------------


class _OutOfTime(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime after ``seconds`` (SIGALRM: main thread on Unix; elsewhere no limit)."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(*_):
        raise _OutOfTime

    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)  # an enclosing timer (e.g. pytest-timeout) keeps running
    started = time.monotonic()
    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_left) if outer_left else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-6))


def prove(kind: str, expr: sp.Expr, bounds=(), samples: int = 2000) -> Proof:
    """Discharge ``expr == 0`` / ``>= 0`` / ``> 0`` under ``bounds``, at the strongest level reached.

    SymPy gets SYMBOLIC_SECONDS per obligation: simplification of large reparametrised expressions
    can run for hours, and a certificate that never comes back is worse than a weaker level.
    """
    ctx = merge_bounds(bounds)
    try:
        with _time_limit(SYMBOLIC_SECONDS):
            if prove_symbolic(kind, expr, ctx):
                return Proof("symbolic", "proved by SymPy for every value in the domain")
    except (TypeError, ValueError, NotImplementedError, sp.PolynomialError, _OutOfTime):
        pass
    cex = search_counterexample(kind, expr, ctx, n=samples)
    if cex is not None:
        return Proof("failed", "counterexample found", counterexample=cex)
    if kind != "zero":
        try:
            ok, box = prove_interval(kind, expr, ctx)
            if ok:
                return Proof("interval", "interval arithmetic on the box", box=box)
        except (TypeError, ValueError):
            pass
    return Proof("sampled", f"no counterexample among {samples} seeded points")
