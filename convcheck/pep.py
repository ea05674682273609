"""PEP worst cases of GD, heavy ball and NAG on the function classes PEPit has (the optional extra `pep`).

The performance-estimation problem (Drori & Teboulle 2014; Taylor, Hendrickx, Glineur 2017) is solved by PEPit
with the Clarabel solver through cvxpy. For N steps of a method with fixed coefficients it computes W(N), the
supremum of a measure over the points PEPit's class admits, from an initial condition with constant Delta.

Classes (convcheck.pep_classes.CLASSES, by name, each under theory's function_class string):

    smooth   L-smooth, possibly nonconvex: SmoothFunction, the interpolation conditions of Taylor, Hendrickx,
             Glineur 2017 (Thm 3.10 with mu = -L; the project's lemma lsmooth.interpolation), necessary and
             sufficient per the paper PEPit cites: exact for the points it sees
    pl       L-smooth with the quadratic Lojasiewicz (PL) inequality f - f* <= ||grad f||^2/(2 mu):
             SmoothQuadraticLojasiewiczFunctionExpensive, the strongest description PEPit has (Rubbens,
             Hendrickx, Taylor 2025, Prop. 3.4: smoothness interpolation, PL and f - f* >= ||grad f||^2/(2L) at each
             point, with 2x2 LMIs per pair). PEPit's docstring: necessary, a priori NOT sufficient for
             interpolation, so W is an upper bound on the class's worst case (a relaxation)
    convex   L-smooth convex: SmoothConvexFunction (Taylor, Hendrickx, Glineur 2017 Thm 4, interpolation):
             exact; a reference for the smooth theorems (convex f are L-smooth, so their bounds must pass it too)

Measures (pep_classes.MEASURES, under theory's Rate.measure; the theorem's T for PEP's N steps):

    min_grad_sq_before_T   min_{0<=t<=N} ||grad f(x_t)||^2, f(x_0) - f* <= Delta, T = N + 1; f* is the value at a
                           stationary point with f(x_t) >= f* at x_0..x_{N+1} (a sampled relaxation of f >= f*)
    min_grad_sq_through_T  min_{0<=t<=N} ||grad f(x_t)||^2, f(x_0) - f(x_N) <= Delta, T = N (gd.smooth.pep's form)
    gap_last_iterate       f(x_N) - f*, f(x_0) - f* <= Delta, T = N

Why a bound below W is a wrong proof even where the class is relaxed: every PEP-feasible point satisfies the
premises these theorems' proofs use (lsmooth.descent between consecutive iterates, which the smoothness
interpolation implies; PL at the iterates with f* the stationary value; f(x_{N+1}) >= f*), and each proof is a
weighted sum of those premises, valid for Gram matrices; so every certified bound here must be >= W. Against the
*class's* worst case, only an exact W (smooth, convex) makes a bound below it a soundness bug.

The methods, in torch's form (theory/momentum/heavy_ball.py, nag.py), with g_t = grad f(x_t):

    gd          x_{t+1} = x_t - lr g_t
    heavy_ball  x_{t+1} = x_t - lr g_t + mu (x_t - x_{t-1}),   x_{-1} = x_0
    nag         p_t = mu p_{t-1} - lr g_t,  x_{t+1} = x_t - lr g_t + mu p_t,   p_{-1} = 0

PEPit and cvxpy are imported at module level: importing this module fails without the extra `pep`, which
convcheck.commands.tightness turns into a one-line refusal.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import cvxpy
from PEPit import PEP
from PEPit.functions import SmoothConvexFunction, SmoothFunction, SmoothQuadraticLojasiewiczFunctionExpensive

from .pep_classes import CLASSES, MEASURES, METHODS

SOLVER = "CLARABEL"


def solver_installed() -> bool:
    """Clarabel is a separate install from cvxpy's default solvers."""
    return SOLVER in cvxpy.installed_solvers()


@dataclass(frozen=True)
class Worst:
    """W(N) from the dual SDP; the tolerance |primal - dual| plus Clarabel's own gap tolerance; whether Clarabel
    reported both solves solved (False: cvxpy's "solution may be inaccurate", reported, not hidden)."""
    value: float
    tolerance: float
    accurate: bool


# ---------------------------------------------------------------------------------------------
# methods


def _polyak(x, prev, p, g, lr, mu):
    """heavy ball (gd at mu = 0): x_{t+1} = x_t - lr g_t + mu (x_t - x_{t-1})."""
    return x - lr * g + mu * (x - prev), p


def _nesterov(x, prev, p, g, lr, mu):
    """torch's NAG: p_t = mu p_{t-1} - lr g_t, x_{t+1} = x_t - lr g_t + mu p_t (p_{-1} = 0)."""
    p = -lr * g if p is None else mu * p - lr * g
    return x - lr * g + mu * p, p


STEP = {"gd": _polyak, "heavy_ball": _polyak, "nag": _nesterov}  # keys: pep_classes.METHODS


@dataclass
class Run:
    """x_0..x_N with (g_t, f_t) at each, and next(): the method's x_{N+1} from x_N."""
    method: str
    lr: float
    mu: float
    xs: list
    gs: list
    fs: list
    prev: object = None
    p: object = None

    def next(self):
        return STEP[self.method](self.xs[-1], self.prev, self.p, self.gs[-1], self.lr, self.mu)[0]


def _run(method: str, f, x0, lr: float, mu: float, N: int) -> Run:
    """N steps from x0, the oracle called at x_0..x_N (each once)."""
    g, fx = f.oracle(x0)
    r = Run(method, lr, mu, [x0], [g], [fx], prev=x0)
    for _ in range(N):
        nxt, r.p = STEP[method](r.xs[-1], r.prev, r.p, r.gs[-1], lr, mu)
        r.prev = r.xs[-1]
        g, fx = f.oracle(nxt)
        r.xs.append(nxt)
        r.gs.append(g)
        r.fs.append(fx)
    return r


# ---------------------------------------------------------------------------------------------
# measures (pep_classes.MEASURES) as an initial condition and a metric; classes (pep_classes.CLASSES) as PEPit's


def _min_grad_sq_before(pb, f, r: Run, f_star, Delta):
    pb.set_initial_condition(r.fs[0] - f_star <= Delta)
    _, f_after = f.oracle(r.next())  # f(x_{N+1}) >= f*: the premise the proofs' telescoping ends on
    for fx in (*r.fs, f_after):
        pb.add_constraint(fx >= f_star)
    for g in r.gs:
        pb.set_performance_metric(g ** 2)  # PEPit maximises the min of the metrics


def _min_grad_sq_through(pb, f, r: Run, f_star, Delta):
    pb.set_initial_condition(r.fs[0] - r.fs[-1] <= Delta)
    for g in r.gs:
        pb.set_performance_metric(g ** 2)


def _gap_last(pb, f, r: Run, f_star, Delta):
    pb.set_initial_condition(r.fs[0] - f_star <= Delta)
    pb.set_performance_metric(r.fs[-1] - f_star)


POSE = {"min_grad_sq_before_T": _min_grad_sq_before, "min_grad_sq_through_T": _min_grad_sq_through,
        "gap_last_iterate": _gap_last}
DECLARE = {"smooth": lambda pb, L, mu: pb.declare_function(SmoothFunction, L=L),
           "pl": lambda pb, L, mu: pb.declare_function(SmoothQuadraticLojasiewiczFunctionExpensive, L=L, mu=mu),
           "convex": lambda pb, L, mu: pb.declare_function(SmoothConvexFunction, L=L)}


def _solve(cls: str, measure: str, method: str, L: float, mu_pl: float, Delta: float, lr: float,
           mu: float, N: int, dual: bool) -> tuple[float, bool]:
    pb = PEP()
    f = DECLARE[cls](pb, L, mu_pl)
    f_star = f.stationary_point(return_gradient_and_function_value=True)[2] if MEASURES[measure].needs_f_star else None
    POSE[measure](pb, f, _run(method, f, pb.set_initial_point(), lr, mu, N), f_star, Delta)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = pb.solve(wrapper="cvxpy", solver=getattr(cvxpy, SOLVER), verbose=0,
                             return_primal_or_dual="dual" if dual else "primal")
        except cvxpy.error.SolverError:
            value = None
    if value is None:
        raise ValueError(f"the PEP SDP of {method} at L lr = {L * lr:.6g}, momentum = {mu:.6g}, N = {N} failed in "
                         f"{SOLVER} (a step far from 1/L makes it ill-conditioned)")
    return float(value), not any("inaccurate" in str(w.message) for w in caught)


def worst_case(method: str, N: int, L: float = 1.0, Delta: float = 1.0, lr: float | None = None,
               mu: float = 0.0, function_class: str = "smooth", measure: str = "min_grad_sq_before_T",
               mu_pl: float | None = None) -> Worst:
    """W(N) for ``method`` with step lr (default 1/L) and momentum mu on ``function_class`` (a pep_classes.CLASSES
    name) at smoothness L (and PL constant mu_pl for "pl"), for ``measure`` (a MEASURES name), constant Delta."""
    if method not in METHODS:
        raise ValueError(f"no PEP for method {method!r}; known: {', '.join(METHODS)}")
    if N < 1:
        raise ValueError(f"N must be a positive integer; got {N}")
    m = MEASURES[measure]
    if function_class not in CLASSES:
        raise ValueError(f"no PEP class {function_class!r}; known: {', '.join(CLASSES)}")
    if function_class == "pl" and not (mu_pl is not None and 0 < mu_pl <= L):
        raise ValueError(f"the PL class needs a PL constant 0 < mu <= L; got mu = {mu_pl}, L = {L}")
    lr = 1.0 / L if lr is None else lr
    mu = 0.0 if method == "gd" else mu
    unit_mu = None if mu_pl is None else mu_pl / L
    # W is homogeneous (pep_classes.Measure's docstring): the unit problem L = Delta = 1 is the well-conditioned one
    dual, ok_d = _solve(function_class, measure, method, 1.0, unit_mu, 1.0, L * lr, mu, N, dual=True)
    primal, ok_p = _solve(function_class, measure, method, 1.0, unit_mu, 1.0, L * lr, mu, N, dual=False)
    scale = L ** m.unit * Delta
    if not math.isfinite(scale * dual):
        raise ValueError(f"the worst case W overflows float64 at L = {L:.6g}, Delta = {Delta:.6g}")
    return Worst(scale * dual, scale * (abs(dual - primal) + 1e-8 * max(1.0, abs(dual))), ok_d and ok_p)
