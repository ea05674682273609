"""heavy_ball.smooth: GD with Polyak momentum on an L-smooth function bounded below (derived).

Torch's form (reference.optimizers.heavy_ball, dampening 0): b_0 = g_0, b_t = mu b_{t-1} + g_t,
x_{t+1} = x_t - lr b_t. With d_t = x_t - x_{t-1} (d_0 = 0) this is d_{t+1} = -lr b_t = mu d_t - lr g_t, i.e.

    x_{t+1} = x_t - lr grad f(x_t) + mu (x_t - x_{t-1}),   x_{-1} = x_0,   0 <= mu < 1,   lr < 2 (1 - mu)/L.

Lyapunov function Psi_t = f(x_t) + a ||d_t||^2 (iPiano's technique, Ochs, Chen, Brox, Pock 2014, for the
form of the function only; the constants are derived here). lsmooth.descent between x_t and x_{t+1} gives
Psi_{t+1} - Psi_t + c ||g_t||^2 <= -Q(d_t, g_t), a quadratic form; the best (a, c) make Q a perfect square,
so one inner_product.norm_nonneg closes the step. With h = L lr the optimum has two regimes:

    h <= 1 - mu^2:  a = mu (1 + mu - h)/(2 lr (1 + mu)),  Q = mu (1 - mu^2 - h)/(2 lr) ||d - lr g/(1 + mu)||^2
    h >= 1 - mu^2:  a = mu (h + mu - 1)/(2 lr (1 - mu)),  Q = mu (h + mu^2 - 1)/(2 lr) ||d + lr g/(1 - mu)||^2

and in both c = min(c_S, c_B), c_S = lr (2 + 2 mu - h)/(2 (1 + mu)^2), c_B = lr (2 - 2 mu - h)/(2 (1 - mu)^2)
(c_S <= c_B exactly when h <= 1 - mu^2). a >= 0 and d_0 = 0, so summing over t < T:
c sum_t ||g_t||^2 <= Psi_0 - Psi_T <= f(x_0) - f* <= Delta. At mu = 0 everything is gd.smooth's.

    rate        min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T c)
    prescribed  lr = (1 - mu^2)/L, the maximiser of c: c = (1 - mu^2)/(2L), rate 2 L Delta/((1 - mu^2) T)
    complexity  T(eps) = ceil(Delta/(c eps^2))  (= 2 L Delta/((1 - mu^2) eps^2) at the prescription), O(eps^-2)

The potential is stated in the theorem (OneStep.potential: weight a = max(a_S, a_B), which is a_S on the
first side and a_B on the second, state s_t = d_t, s_0 = 0), so theory.links telescopes it to the stated rate,
the rate at the prescription and T(eps); the checker monitors Psi_{t+1} <= Psi_t - c ||g_t||^2 at every step,
with s_t rebuilt from the iterates (convcheck/families/momentum.py's state hook).
"""
from functools import partial

import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..model import (STANDARD_GRAM, ChainStep, Claim, Condition, Formula, OneStep, Potential, Quantity, Rate, Source,
                     Theorem, split, zero)
from ..symbols import Delta, L, T, eps, g_vec, grad_sq, lr, momentum
from ..vectors import Vec
from .lyapunov import lyapunov_case

DERIVED = Source("derived", "derived in this project (proofs_notes/heavy_ball.smooth.md) from lsmooth.descent and "
                            "inner_product.norm_nonneg; the Lyapunov function f(x_t) + a ||x_t - x_{t-1}||^2 is the "
                            "technique of iPiano (Ochs, Chen, Brox, Pock 2014, step condition lr < 2(1 - beta)/L, "
                            "by memory); its constants are not the paper's")

mu = momentum
h = L * lr

# the named vector d = x_t - x_{t-1} and its inner products
d_vec = Vec.named("d")
dd = sp.Symbol("<d,d>", nonnegative=True)
gd = sp.Symbol("<d,g>", real=True)
GRAM = {("d", "d"): dd, ("g", "d"): gd}
update = mu * d_vec - lr * g_vec                     # x_{t+1} - x_t = d_{t+1}

c_S = lr * (2 + 2 * mu - h) / (2 * (1 + mu) ** 2)
c_B = lr * (2 - 2 * mu - h) / (2 * (1 - mu) ** 2)
gap_SB = 2 * mu * lr * (L * lr + mu ** 2 - 1) / (1 - mu ** 2) ** 2  # c_S - c_B: >= 0 iff L lr >= 1 - mu^2
coef = c_S - sp.Max(0, gap_SB)                       # the per-step coefficient c = min(c_S, c_B)
a_S = mu * (1 + mu - h) / (2 * lr * (1 + mu))
a_B = mu * (h + mu - 1) / (2 * lr * (1 - mu))
# the potential's weight: a_S - a_B = mu (1 - mu^2 - h)/(lr (1 - mu^2)), so a_S on the first side, a_B on the second
weight = sp.Max(a_S, a_B)
A_S, A_B = mu * (1 - mu ** 2 - h) / (2 * lr), mu * (h + mu ** 2 - 1) / (2 * lr)
u_S, u_B = d_vec - lr / (1 + mu) * g_vec, d_vec + lr / (1 - mu) * g_vec

lr_star = (1 - mu ** 2) / L
RATE = Delta / (T * coef)
RATE_AT_PRESCRIPTION = 2 * L * Delta / ((1 - mu ** 2) * T)
COMPLEXITY = sp.ceiling(Delta / (eps ** 2 * coef))
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) / L), "lr < 2 (1 - momentum)/L")

SHORT, LONG = split(lr, (1 - mu ** 2) / L, "L lr <= 1 - momentum^2 or L lr >= 1 - momentum^2")

POTENTIAL = Potential(weight, d_vec, update, "x_t - x_{t-1} (x_{-1} = x_0: torch's b_0 = g_0)")
ONE_STEP_STATED = OneStep(POTENTIAL.at(nxt=True), POTENTIAL.at() - coef * grad_sq, DERIVED,
                          statement="f(x_{t+1}) + a ||x_{t+1} - x_t||^2 <= f(x_t) + a ||x_t - x_{t-1}||^2 "
                                    "- c ||grad f(x_t)||^2, a = max(a_S, a_B), c = min(c_S, c_B)",
                          potential=POTENTIAL)

_case = partial(lyapunov_case, weight=weight, coef=coef, potential=POTENTIAL, gram=STANDARD_GRAM.extend(GRAM),
                update="x_t + mu d_t - lr g_t", source=DERIVED)

CHAIN = (
    _case("L lr <= 1 - mu^2", SHORT, a_S, A_S, u_S, c_S),
    _case("L lr >= 1 - mu^2", LONG, a_B, A_B, u_B, c_B),
    ChainStep("the prescription maximises c",
              "lr = (1 - mu^2)/L, where c_S = c_B = (1 - mu^2)/(2L): c_S (concave) increases up to L lr = 1 + mu, c_B "
              "(concave) decreases from L lr = 1 - mu, so min(c_S, c_B) peaks there (gd.smooth's 1/L at mu = 0)",
              (zero(c_S.subs(lr, lr_star), (1 - mu ** 2) / (2 * L), "c_S at the prescription"),
               zero(c_B.subs(lr, lr_star), (1 - mu ** 2) / (2 * L), "c_B at the prescription"),
               zero(sp.diff(c_S, lr).subs(lr, (1 + mu) / L), 0,
                    "c_S (concave) peaks at L lr = 1 + mu >= 1 - mu^2: it increases on the first side"),
               zero(sp.diff(c_B, lr).subs(lr, (1 - mu) / L), 0,
                    "c_B (concave) peaks at L lr = 1 - mu <= 1 - mu^2: it decreases on the second side")),
              DERIVED),
)

theorem = Theorem(
    id="heavy_ball.smooth",
    title="Heavy ball (Polyak momentum, torch's form) on L-smooth nonconvex functions (derived)",
    algorithm="heavy_ball",
    function_class="L-smooth",
    oracle="exact",
    constants=CONSTANTS,
    # momentum first: the checker's sweep of lr evaluates lr's bound 2 (1 - momentum)/L
    hyperparameters=(Quantity(momentum, "momentum coefficient mu (torch: b = mu b + g, x -= lr b; dampening 0)",
                              sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(lr, "step size")),
    assumptions=(SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(lr_star, DERIVED)},
    conditions=(CONDITION,),
    one_step=ONE_STEP_STATED,
    rate=Rate("min_grad_sq_before_T", Formula(RATE, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T min(c_S, c_B))"),
    rate_at_prescription=Formula(RATE_AT_PRESCRIPTION, DERIVED),
    complexity=Formula(COMPLEXITY, DERIVED),
    update=update,
    gram=GRAM,
    chain=CHAIN,
    claims=(Claim("order", "O(L Delta eps^-2 / (1 - mu^2)) heavy-ball steps at lr = (1 - mu^2)/L (derived)", DERIVED,
                  sp.Integer(2)),),
    summary="Heavy ball with 0 <= mu < 1 and lr < 2(1 - mu)/L: min_{t<T} ||grad f||^2 <= Delta/(T c), "
            "c = min(c_S, c_B); 2 L Delta/((1 - mu^2) T) at lr = (1 - mu^2)/L.",
)
