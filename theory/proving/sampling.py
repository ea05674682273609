"""The seeded search for a counterexample: N points drawn inside the context and a local search around the worst.

It is the sampled level (no counterexample found: the weakest evidence) and the quick look that fails a false
obligation in milliseconds before the symbolic level is tried.
"""
from __future__ import annotations

import math
import random

import mpmath
import sympy as sp

from .context import Bound, _complete, _order

SAMPLE_RANGE = (1e-6, 1e6)
CONFIRM_DPS = 400  # digits at which a counterexample found at 50 is confirmed
LOCAL_MOVES = 40  # coordinate moves per step size in the local search for a counterexample


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
