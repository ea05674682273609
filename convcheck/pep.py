"""PEP worst cases of GD, heavy ball and NAG on L-smooth nonconvex functions (the optional extra `pep`).

The performance-estimation problem (Drori & Teboulle 2014; Taylor, Hendrickx, Glineur 2017) is solved by PEPit
with the Clarabel solver through cvxpy. For N steps from x_0 with f(x_0) - f* <= Delta it computes

    W(N) = sup  min_{0<=t<=N} ||grad f(x_t)||^2

over the points PEPit's SmoothFunction admits: L-smooth (not necessarily convex) functions, imposed through the
interpolation conditions of Taylor, Hendrickx, Glineur 2017 (Thm 3.10 with mu = -L; the condition of this
project's lemma lsmooth.interpolation) between every pair of evaluated points. PEPit's docstring calls them the
class's interpolation constraints (necessary and sufficient for points, gradients and values to come from an
L-smooth function, per the paper it cites; that paper's text not read here), so the SDP is exact for the points it
sees. f* enters as the value
at a stationary point x* (grad f(x*) = 0) with f(x_t) >= f* at every evaluated point, x_{N+1} included: that is a
relaxation of "f >= f* everywhere" (a sampled lower bound), so W(N) is an upper bound on the class's worst case.
It is the right oracle for our bounds all the same: their proofs use lsmooth.descent between consecutive iterates
(implied by the interpolation conditions) and f(x_{N+1}) >= f*, so a certified bound on min_{0<=t<=N} (theory's
min_{0<=t<T} with T = N + 1) below W(N) by more than the solver tolerance would be a wrong proof.

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
from PEPit.functions import SmoothFunction

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


def _polyak(x, prev, p, g, lr, mu):
    """heavy ball (gd at mu = 0): x_{t+1} = x_t - lr g_t + mu (x_t - x_{t-1})."""
    return x - lr * g + mu * (x - prev), p


def _nesterov(x, prev, p, g, lr, mu):
    """torch's NAG: p_t = mu p_{t-1} - lr g_t, x_{t+1} = x_t - lr g_t + mu p_t (p_{-1} = 0)."""
    p = -lr * g if p is None else mu * p - lr * g
    return x - lr * g + mu * p, p


STEP = {"gd": _polyak, "heavy_ball": _polyak, "nag": _nesterov}
METHODS = tuple(STEP)


def _steps(method: str, x0, grad, lr: float, mu: float, N: int) -> list:
    """x_0, ..., x_{N+1}: the method's iterates, each gradient g_0..g_N taken once through `grad`."""
    xs, prev, p = [x0], x0, None
    for _ in range(N + 1):
        nxt, p = STEP[method](xs[-1], prev, p, grad(xs[-1]), lr, mu)
        prev = xs[-1]
        xs.append(nxt)
    return xs


def _solve(method: str, L: float, Delta: float, lr: float, mu: float, N: int, dual: bool) -> tuple[float, bool]:
    pb = PEP()
    f = pb.declare_function(SmoothFunction, L=L)
    _, _, f_star = f.stationary_point(return_gradient_and_function_value=True)
    x0 = pb.set_initial_point()
    grads = {}

    def grad(x):
        g, fx = f.oracle(x)
        grads[len(grads)] = (g, fx)
        return g

    xs = _steps(method, x0, grad, lr, mu, N)
    _, f_last = f.oracle(xs[-1])
    pb.set_initial_condition(grads[0][1] - f_star <= Delta)
    for g, fx in grads.values():
        pb.add_constraint(fx >= f_star)
        pb.set_performance_metric(g ** 2)  # PEPit maximises the min of the metrics
    pb.add_constraint(f_last >= f_star)
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
               mu: float = 0.0) -> Worst:
    """W(N) for `method` with step lr (default 1/L) and momentum mu on L-smooth f, f(x_0) - f* <= Delta."""
    if method not in METHODS:
        raise ValueError(f"no PEP for method {method!r}; known: {', '.join(METHODS)}")
    if N < 1:
        raise ValueError(f"N must be a positive integer; got {N}")
    lr = 1.0 / L if lr is None else lr
    mu = 0.0 if method == "gd" else mu
    # W is homogeneous: phi(y) = f(s y)/Delta, s = sqrt(Delta/L), is 1-smooth with phi(y_0) - phi* <= 1, the methods
    # map y_t = x_t/s with step L lr, and ||grad f||^2 = L Delta ||grad phi||^2; the unit problem is the
    # well-conditioned one
    dual, ok_d = _solve(method, 1.0, 1.0, L * lr, mu, N, dual=True)
    primal, ok_p = _solve(method, 1.0, 1.0, L * lr, mu, N, dual=False)
    scale = L * Delta
    if not math.isfinite(scale * dual):
        raise ValueError(f"the worst case L Delta W overflows float64 at L = {L:.6g}, Delta = {Delta:.6g}")
    return Worst(scale * dual, scale * (abs(dual - primal) + 1e-8 * max(1.0, abs(dual))), ok_d and ok_p)
