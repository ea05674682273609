"""Axioms on the catalogue: every two-point lemma about a function class, on every objective of that class,
and the PL inequality on every objective that publishes a PL constant mu.

A two-point axiom (the descent lemma, the interpolation inequality) is a relation in f(x), f(y) and the
inner products of grad f(x), grad f(y) and d = y - x. Here it is evaluated on seeded pairs of points of
each catalogue objective of its class, with the objective's proved constants; the worst relative
violation must be at rounding level. An optimistic constant (L/4 for L/2) shows up as a violation
of order one on some member: the premises are tested against the objectives the runs use.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.optimize import minimize

from convcheck.reference import objectives
from convcheck.theory.lemma import TWO_POINT, Lemma, fx, fy, ip
from convcheck.theory.model import RANDOM, expected, grad_sq, inner, oracle_sq

# displacement scales of the pairs: the relation must hold near and far
SCALES = np.logspace(-3, 1, 9)


@dataclass(frozen=True)
class AxiomCheck:
    lemma: str
    objective: str
    pairs: int
    worst: float          # max over pairs of (lhs - rhs) / (|lhs| + |rhs| + 1): > 0 means violated

    @property
    def holds(self) -> bool:
        return self.worst <= 1e-9


def members(function_class: str) -> list[objectives.Objective]:
    """The catalogue's objectives of a class, built with their default parameters."""
    out = []
    for name in objectives.NAMES:
        try:
            obj = objectives.get(name)
        except (TypeError, ValueError):  # needs parameters: not part of the default catalogue
            continue
        if obj.function_class == function_class:
            out.append(obj)
    return out


def _slots(obj, X, Y) -> dict[sp.Symbol, np.ndarray]:
    gx, gy, d = obj.grad(X), obj.grad(Y), Y - X
    vec = {"gx": gx, "gy": gy, "d": d}
    values = {fx: obj.value(X), fy: obj.value(Y)}
    for i, a in enumerate(TWO_POINT):
        for b in TWO_POINT[i:]:
            values[ip(a, b)] = np.sum(vec[a] * vec[b], axis=1)
    return values


def check_axiom(lemma: Lemma, obj, runs: int = 64, seed: int = 0) -> AxiomCheck:
    """The worst relative violation of the lemma's conclusions over seeded pairs (x, x + s u), u ~ N(0, I)."""
    if not lemma.two_point:
        raise ValueError(f"{lemma.id} is not a two-point lemma")
    consts = {q.symbol: obj.constants[q.name] for q in lemma.constants}
    rng = np.random.default_rng(seed)
    X = np.repeat(obj.initial_points(runs, seed=seed), len(SCALES), axis=0)
    U = rng.standard_normal(X.shape)
    Y = X + np.tile(SCALES, runs)[:, None] * U / np.linalg.norm(U, axis=1, keepdims=True)
    values = {**_slots(obj, X, Y), **consts}
    syms = sorted(values, key=str)
    worst = -np.inf
    for c in lemma.conclusions:
        lhs, rhs = (sp.lambdify(syms, side, modules="numpy")(*[values[s] for s in syms]) for side in (c.lhs, c.rhs))
        excess = (np.asarray(lhs) - np.asarray(rhs)) / (np.abs(lhs) + np.abs(rhs) + 1)
        worst = max(worst, float(np.max(excess)))
    return AxiomCheck(lemma.id, obj.name, X.shape[0], worst)


# -- ZHSJ assumption A4 (l0l1.sublevel_grad_bound): a relation at one point of a sublevel set ------------------


@dataclass(frozen=True)
class SublevelCheck:
    lemma: str
    objective: str
    points: int
    worst: float          # max over points z with f(z) <= f(x0) of (lhs - rhs)/(|lhs| + |rhs| + 1): > 0 violated
    attained: float       # max ||grad f(z)||/M over the same points: near 1 when the bound is nearly tight

    @property
    def holds(self) -> bool:
        return self.worst <= 1e-9


def sublevel_points(obj, runs: int = 32, seed: int = 0, per_start: int = 64):
    """(Z, level): points Z of the sublevel sets {f <= f(x0)} of ``runs`` seeded starts, and each point's level.

    Per start: x0 itself, seeded points x0 + s u (u a unit direction, s up to 4x the start's distance to the
    origin) kept when f <= f(x0), and each of those pushed out to the sublevel set's boundary along the ray
    from the start's best point (bisection): the gradient norm peaks on the boundary for these families."""
    rng = np.random.default_rng(seed)
    X0 = obj.initial_points(runs, seed=seed)
    Z, levels = [], []
    for x0 in X0:
        level = float(obj.value(x0[None])[0])
        U = rng.standard_normal((per_start, obj.d))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        S = rng.uniform(0, 4 * (np.linalg.norm(x0) + 1), (per_start, 1))
        cand = np.vstack([x0[None], x0 + S * U])
        inside = cand[obj.value(cand) <= level]
        best = inside[np.argmin(obj.value(inside))]
        lo, hi = np.zeros(len(inside)), np.ones(len(inside))
        for _ in range(60):  # largest tau with f(best + tau (z - best)) <= level, tau in [1, 64]
            mid = (lo + hi) / 2
            scale = 1 + 63 * mid
            ok = obj.value(best + scale[:, None] * (inside - best)) <= level
            lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        edge = best + (1 + 63 * lo)[:, None] * (inside - best)
        pts = np.vstack([inside, edge])
        Z.append(pts)
        levels.append(np.full(len(pts), level))
    return np.vstack(Z), np.concatenate(levels)


def check_sublevel_axiom(lemma: Lemma, obj, runs: int = 32, seed: int = 0) -> SublevelCheck:
    """The lemma's conclusions (slots f_x, f_0, u = ||grad f(x)|| and the constant M) at points of the sublevel
    sets of seeded starts, with M = obj.grad_norm_sup(f(x0)) (the objective's proved, exact sup)."""
    Z, level = sublevel_points(obj, runs, seed)
    fz = obj.value(Z)
    keep = fz <= level  # the hypothesis f(x) <= f(x_0)
    Z, level, fz = Z[keep], level[keep], fz[keep]
    u = np.linalg.norm(obj.grad(Z), axis=1)
    M = np.asarray(obj.grad_norm_sup(level), dtype=float)
    slots = {s.name: s for s in (*lemma.scalars, *(q.symbol for q in lemma.constants))}
    values = {slots["f_x"]: fz, slots["f_0"]: level, slots["u"]: u, slots["M"]: M}
    syms = sorted(values, key=str)
    worst = -np.inf
    for c in lemma.conclusions:
        lhs, rhs = (np.broadcast_to(sp.lambdify(syms, side, modules="numpy")(*[values[s] for s in syms]), u.shape)
                    for side in (c.lhs, c.rhs))
        worst = max(worst, float(np.max((lhs - rhs) / (np.abs(lhs) + np.abs(rhs) + 1))))
    return SublevelCheck(lemma.id, obj.name, len(Z), worst, float(np.max(u / M)))


# -- the PL inequality (pl.gradient_dominance): a relation at one point, on the objectives that publish mu --------


@dataclass(frozen=True)
class PLCheck:
    lemma: str
    objective: str
    points: int
    worst: float          # max over points of (2 mu (f - f*) - ||grad f||^2) / (|2 mu (f - f*)| + ||grad f||^2 + 1)
    tightness: float      # max over points of 2 mu (f - f*) / ||grad f||^2: near 1 when mu is nearly the best constant

    @property
    def holds(self) -> bool:
        return self.worst <= 1e-9


def pl_members() -> list[objectives.Objective]:
    """The catalogue's objectives (default parameters) that publish a PL constant mu, and a strongly convex
    quadratic (the default quadratic is only PL: its mu is its smallest positive eigenvalue)."""
    out = [obj for name in objectives.NAMES for obj in _default(name) if "mu" in obj.constants]
    return out + [objectives.get("quadratic", d=10, L=4.0, mu=0.5, seed=1)]


def _default(name):
    try:
        return [objectives.get(name)]
    except (TypeError, ValueError):  # needs parameters: not part of the default catalogue
        return []


def pl_points(obj, runs: int = 128, seed: int = 0, refine: int = 4) -> np.ndarray:
    """Seeded points at radii from 1e-3 to 30 in random directions, and the ``refine`` worst of them moved by a
    local search (L-BFGS-B maximising 2 (f - f*)/||grad f||^2) towards the worst case."""
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((runs, obj.d))
    X = np.logspace(-3, 1.5, runs)[:, None] * U / np.linalg.norm(U, axis=1, keepdims=True)
    f_star = obj.constants["f_star"]

    def ratio(x):
        g = obj.grad(x[None])[0]
        return -2 * (float(obj.value(x[None])[0]) - f_star) / max(float(g @ g), 1e-300)

    worst = np.argsort([ratio(x) for x in X])[:refine]
    moved = [minimize(ratio, X[i], method="L-BFGS-B", options={"maxiter": 100}).x for i in worst]
    return np.vstack([X, *moved])


def check_pl_axiom(lemma: Lemma, obj, runs: int = 128, seed: int = 0, X=None) -> PLCheck:
    """The lemma's conclusions (slots e = f(x) - f*, <gx, gx> = ||grad f(x)||^2, constant mu) at the points X
    (default: pl_points)."""
    X = pl_points(obj, runs, seed) if X is None else X
    G = obj.grad(X)
    e, g2 = obj.value(X) - obj.constants["f_star"], np.sum(G * G, axis=1)
    slots = {s.name: s for s in (*lemma.scalars, *(q.symbol for q in lemma.constants))}
    values = {slots["e"]: e, ip("gx", "gx"): g2, slots["mu"]: obj.constants["mu"]}
    syms = sorted(values, key=str)
    worst = -np.inf
    for c in lemma.conclusions:
        lhs, rhs = (np.broadcast_to(sp.lambdify(syms, side, modules="numpy")(*[values[s] for s in syms]), e.shape)
                    for side in (c.lhs, c.rhs))
        worst = max(worst, float(np.max((lhs - rhs) / (np.abs(lhs) + np.abs(rhs) + 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        tight = np.where(g2 > 0, 2 * obj.constants["mu"] * e / g2, 0.0)
    return PLCheck(lemma.id, obj.name, len(X), worst, float(np.max(tight)))


# -- oracle axioms (oracle.bounded_noise, ZHSJ assumption A5): relations in grad f(x) and the oracle's answer -------


@dataclass(frozen=True)
class OracleCheck:
    lemma: str
    oracle: str
    objective: str
    draws: int
    worst: float          # pathwise: max (lhs - rhs)/(|lhs| + |rhs| + 1) over draws; in expectation: the error of
    #                       the Monte Carlo mean in standard errors beyond Z_ORACLE. > 0 means violated
    attained: float       # max over draws of lhs/rhs of the pathwise relations: near 1 when a bound is nearly tight

    @property
    def holds(self) -> bool:
        return self.worst <= 1e-9


Z_ORACLE = 6.0  # standard errors a Monte Carlo mean may miss by (a false alarm has probability ~1e-9)


def check_oracle_axiom(lemma: Lemma, oracle, obj, points: int = 16, draws: int = 4096, seed: int = 0) -> OracleCheck:
    """The lemma's conclusions at seeded points x of ``obj``, with g = grad f(x) and o the oracle's answers (``draws``
    independent answers per point): a pathwise relation on every answer, a relation in E_t[...] with the means over
    the answers at each point, to within Z_ORACLE standard errors. The constants are the oracle's published ones."""
    published = oracle.constants(obj)
    consts = {q.symbol: published[q.name] for q in lemma.constants}
    X = np.repeat(obj.initial_points(points, seed=seed), draws, axis=0)
    G = obj.grad(X)
    O = oracle(obj, X, G, np.random.default_rng(seed), 0)
    values = {grad_sq: np.sum(G * G, axis=1), inner: np.sum(G * O, axis=1), oracle_sq: np.sum(O * O, axis=1)}
    worst, attained = -np.inf, 0.0
    for c in lemma.conclusions:
        syms = sorted(c.lhs.free_symbols | c.rhs.free_symbols, key=str)
        means = {expected(s): s for s in RANDOM if expected(s) in syms}
        if not means:
            lhs, rhs = (np.broadcast_to(sp.lambdify(syms, side, modules="numpy")(
                *[values[s] if s in values else consts[s] for s in syms]), X.shape[:1]) for side in (c.lhs, c.rhs))
            worst = max(worst, float(np.max((lhs - rhs) / (np.abs(lhs) + np.abs(rhs) + 1))))
            if c.kind != "zero":
                attained = max(attained, float(np.max(lhs / np.where(rhs != 0, rhs, np.inf))))
            continue
        # E_t[s] - (the rest): per point, a mean over its answers, compared in standard errors
        gap = sp.lambdify(syms, c.lhs - c.rhs, modules="numpy")
        per_draw = gap(*[values[means[s]] if s in means else values[s] if s in values else consts[s] for s in syms])
        per_draw = np.broadcast_to(per_draw, X.shape[:1]).reshape(points, draws)
        mean, se = per_draw.mean(axis=1), per_draw.std(axis=1, ddof=1) / np.sqrt(draws) + 1e-12
        excess = (mean if c.kind == "nonneg" else np.abs(mean)) / se - Z_ORACLE
        worst = max(worst, float(np.max(excess)))
    return OracleCheck(lemma.id, oracle.describe(), obj.name, X.shape[0], worst, attained)
