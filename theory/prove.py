"""Discharging obligations: symbolic, then interval, then sampled, and saying which.

The context of an obligation is a set of bounds ``lo < s < hi`` on its symbols (proving/context.py). The levels:

* ``symbolic``: SymPy proves it for all values in the context (proving/symbolic.py).
* ``interval``: mpmath interval arithmetic proves the sign on a stated finite box (proving/interval.py).
* ``sampled``: no counterexample among N seeded points and a local search around the worst of them
  (weakest; proving/sampling.py); ``failed`` gives the counterexample found, or the internal error that
  stopped every stage (certify never raises).

Proofs are cached by (kind, expression, context): a mutated theorem re-proves only what changed. The
context is first cut to the bounds the expression's symbols reach (a symbolic proof there is one in the
whole context, and the same obligation in two theorems is proved once); anything weaker is redone in full.
SymPy's time limit counts CPU seconds, so a busy machine does not lower a level (proving/budget.py).

This module is the entry point: the levels, ``Proof`` and ``prove`` with its caches. ``__all__`` also names
the parts of proving/ that callers import from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from . import proof_record
from .proving.budget import SYMBOLIC_SECONDS, _OutOfTime, _time_limit
from .proving.context import Bound, _square_roots
from .proving.interval import prove_interval
from .proving.sampling import search_counterexample
from .proving.signs import sign_proved
from .proving.symbolic import merge_bounds, prove_symbolic

__all__ = ["LEVELS", "Bound", "Proof", "merge_bounds", "prove", "prove_interval", "prove_symbolic",
           "search_counterexample", "sign_proved", "weakest"]

# "unverified": a step with nothing SymPy can check (a reconstructed claim), weaker than sampled.
LEVELS = ("symbolic", "interval", "sampled", "unverified", "failed")
QUICK_SAMPLES = 100  # seeded points tried before the symbolic stage
SYMBOLIC_DETAIL = "proved by SymPy for every value in the domain"


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
