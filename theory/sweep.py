"""A theorem evaluated over grids of constants: conditions and bounds compiled once, then vectorised.

``evaluate`` (theory.evaluate) is exact, one point at a time, in SymPy/mpmath. ``sweep`` follows the same
plan (which hyperparameters are prescribed, which conditions are decidable, what is reported) in float64
over NumPy arrays, so a grid of a million points costs a few array passes, not a million SymPy calls. Where
float64 cannot be trusted, the point is evaluated exactly instead:

* a condition the prescription decides (lr <= 1/(10 L0) at lr = 1/(10 L0)), or that SymPy proves on the whole
  domain once the prescription is substituted, is decided at compile time;
* a condition within rounding of its boundary (|margin| <= 1e-12 of its sides' scale) is decided exactly;
* a bound that is not finite in float64 (beyond 1.8e308, or a cancellation) is evaluated exactly.

Both are counted in ``Sweep.exact``; a sweep whose every point is of this kind is no faster than evaluate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy as sp

from .evaluate import InvalidInput, Plan, condition_margin, evaluate, plan
from .links import domains
from .model import Theorem, gap
from .numeric import compile_expr
from .prove import prove

BOUNDARY_RTOL = 1e-12  # |margin| below this fraction of the condition's sides: decided exactly
REPORTED = ("rate", "rate_at_prescription", "complexity")


@dataclass
class Sweep:
    """Arrays of the grid's broadcast shape. ``failed`` indexes ``conditions`` (-1: none failed); a failed
    condition on eps leaves the rate standing and only T(eps) at NaN, as in evaluate."""

    theorem: str
    applies: np.ndarray
    failed: np.ndarray
    conditions: tuple[str, ...]
    values: dict  # name -> array, for each of REPORTED the plan reports (NaN where it does not apply)
    notes: tuple[str, ...]
    exact: int = 0  # points decided or evaluated exactly (see the module docstring)

    def __len__(self) -> int:
        return self.applies.size


@dataclass(frozen=True)
class Compiled:
    """The plan's formulas with the prescription substituted, as (fn, names) pairs from compile_expr."""

    plan: Plan
    margins: tuple  # (fn, strict, scale fn) per decidable condition; (None, holds, None) when decided exactly
    bounds: dict    # name -> fn, for each of REPORTED the plan reports


_COMPILED: dict = {}


def compiled(thm: Theorem, names: frozenset, eps: bool, T: bool) -> Compiled:
    """Once per theorem object and set of given names (theorems hold dicts, so they are keyed by identity;
    the entry keeps its theorem alive, so an id is never reused for another)."""
    key = (id(thm), names, eps, T)
    if key not in _COMPILED:
        _COMPILED[key] = (thm, _compile(thm, names, eps, T))
    return _COMPILED[key][1]


def _compile(thm: Theorem, names: frozenset, eps: bool, T: bool) -> Compiled:
    p = plan(thm, names, eps, T)
    subs: dict = {}
    if p.gap_is_Delta:
        subs[gap] = p.known["Delta"].symbol
    if p.unit_c:
        subs[sp.Symbol("c", positive=True)] = sp.Integer(1)
    for q in p.prescribed:  # in order: a prescription may use an earlier one
        subs[q.symbol] = thm.prescription[q.name].expr.xreplace(subs)
    margins = []
    for c in p.conditions:
        margin, strict = condition_margin(c.relation)  # before substituting: lr > 0 at lr = 1/L is just True
        margin = margin.xreplace(subs)
        if not margin.free_symbols:  # decided by the prescription alone (lr <= 1/(10 L0) at lr = 1/(10 L0)): exactly
            margins.append((None, bool(margin > 0) if strict else bool(margin >= 0), None))
            continue
        if prove("pos" if strict else "nonneg", margin, domains(thm), samples=0).level == "symbolic":
            margins.append((None, True, None))  # holds on the whole domain (clip = min(10 L0, L0/L1) <= L0/L1)
            continue
        scale = (abs(c.relation.lhs) + abs(c.relation.rhs)).xreplace(subs)
        margins.append((compile_expr(margin)[0], strict, compile_expr(scale)[0]))
    formulas = {"rate": thm.rate and thm.rate.bound.expr, "rate_at_prescription": thm.rate_at_prescription and
                thm.rate_at_prescription.expr, "complexity": thm.complexity and thm.complexity.expr}
    given = set(names) | ({"eps"} if eps else set()) | ({"T"} if T else set())
    bounds = {}
    for k in REPORTED:
        e = formulas[k].xreplace(subs) if getattr(p, k) else None
        if e is not None and {sym.name for sym in e.free_symbols} <= given:  # else, as evaluate, not reported
            bounds[k] = compile_expr(e)[0]
    return Compiled(p, tuple(margins), bounds)


def _grid(thm: Theorem, p: Plan, grid: Mapping[str, object]) -> dict[str, np.ndarray]:
    """float64 arrays, each value inside its quantity's domain (else InvalidInput naming the first bad one)."""
    env = {}
    for name, v in grid.items():
        a = np.asarray(v, dtype=float)
        q = p.known[name]
        lo, hi = sp.sympify(q.lo), sp.sympify(q.hi)
        lo = float(lo) if lo.is_number else -np.inf  # a domain bound in other symbols: evaluate decides
        hi = float(hi) if hi.is_number else np.inf
        ok = np.isfinite(a) & ((a >= lo) if q.closed_lo else (a > lo)) & ((a <= hi) if q.closed_hi else (a < hi))
        if not ok.all():
            bad = float(a[~ok].flat[0])
            raise InvalidInput(f"{q.describe_domain()} ({q.meaning}); got {bad!r} in the grid")
        env[name] = a
    return env


def sweep(thm: Theorem, grid: Mapping[str, object], eps=None, T=None) -> Sweep:
    """The theorem over the broadcast of ``grid`` (name -> scalar or array); eps and T are scalars or arrays."""
    extra = {k: v for k, v in (("eps", eps), ("T", T)) if v is not None}
    c = compiled(thm, frozenset(grid), eps is not None, T is not None)
    env = _grid(thm, c.plan, grid)
    for k, v in extra.items():
        a = np.asarray(v, dtype=float)
        if not (np.isfinite(a).all() and (a > 0).all() and (k != "T" or (a == np.round(a)).all())):
            raise InvalidInput(f"{k} must be {'a positive integer' if k == 'T' else '> 0'} everywhere in the grid")
        env[k] = a
    shape = np.broadcast_shapes(*(np.shape(a) for a in env.values()))
    applies = np.ones(shape, dtype=bool)
    eps_ok = np.ones(shape, dtype=bool)
    failed, failed_eps = np.full(shape, -1), np.full(shape, -1)
    close = np.zeros(shape, dtype=bool)
    for i, (cond, (margin, strict, scale)) in enumerate(zip(c.plan.conditions, c.margins)):
        if margin is None:  # decided exactly at compile time (``strict`` holds the answer)
            holds = np.full(shape, strict)
        else:
            m = np.broadcast_to(margin(env), shape)
            holds = (m > 0) if strict else (m >= 0)
            close |= ~np.isfinite(m) | (np.abs(m) <= BOUNDARY_RTOL * np.broadcast_to(scale(env), shape))
        if cond.symbol == thm.eps:  # as evaluate: a failed condition on eps is named unless another one fails
            failed_eps[~holds & (failed_eps < 0)] = i
            eps_ok &= holds
        else:
            failed[~holds & applies] = i
            applies &= holds
    failed = np.where(failed >= 0, failed, failed_eps)
    values = {}
    for k, fn in c.bounds.items():
        v = np.broadcast_to(fn(env), shape).copy()
        ok = applies & (eps_ok if k == "complexity" else True)
        v[~ok] = np.nan
        close |= ok & ~np.isfinite(v)
        values[k] = v
    out = Sweep(thm.id, applies, failed, tuple(str(cond) for cond in c.plan.conditions), values, c.plan.notes)
    _exactly(thm, out, {**env}, close, shape)
    return out


def _exactly(thm: Theorem, out: Sweep, env: dict, points: np.ndarray, shape) -> None:
    """Re-decide the flagged points with the exact evaluation (rare: boundaries and float64 overflow)."""
    for idx in zip(*np.nonzero(points)):
        at = {k: repr(float(np.broadcast_to(a, shape)[idx])) for k, a in env.items() if k not in ("eps", "T")}
        ev = evaluate(thm, at, eps=repr(float(np.broadcast_to(env["eps"], shape)[idx])) if "eps" in env else None,
                      T=int(np.broadcast_to(env["T"], shape)[idx]) if "T" in env else None)
        out.applies[idx] = ev.applies
        out.failed[idx] = -1 if ev.failed_condition is None else \
            next(i for i, text in enumerate(out.conditions) if ev.failed_condition.startswith(text))
        for k in out.values:
            v = getattr(ev, k)
            out.values[k][idx] = np.nan if v is None else float(v)  # inf where float64 cannot hold it
        out.exact += 1
