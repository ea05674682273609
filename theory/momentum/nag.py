"""nag.smooth: Nesterov momentum (torch's form) on an L-smooth function bounded below (derived).

Torch's form (reference.optimizers.nag, form="torch"): b_0 = g_0, b_t = mu b_{t-1} + g_t,
x_{t+1} = x_t - lr (g_t + mu b_t), g_t = grad f(x_t). With the buffer p_t = -lr b_t (p_{-1} = 0):

    p_t = mu p_{t-1} - lr g_t,   x_{t+1} = x_t - lr g_t + mu p_t = x_t + mu^2 p_{t-1} - lr (1 + mu) g_t.

torch's stored point is Sutskever's look-ahead x + mu v (v = p), where the gradient is taken: with a constant lr
the Sutskever/optax form is the same sequence of gradient points, so the bound holds there for
||grad f(x_t + mu v_t)||^2.

Lyapunov function Psi_t = f(x_t) + a ||p_{t-1}||^2 (the technique of heavy_ball.smooth). lsmooth.descent between
x_t and x_{t+1} leaves a quadratic form in (p_{t-1}, g_t); with h = L lr and h0 = (1 - mu^2)/(1 + mu - mu^2)
the best (a, c) make it a perfect square:

    h <= h0:  a = mu^2 (1 + mu - h (1 + 2 mu))/(2 lr (1 + mu)),  square  mu^2 (1 - mu^2 - h (1 + mu - mu^2))/(2 lr)
              ||p - lr g/(1 + mu)||^2,  c_S = lr (1 + 2 mu)(2 + 2 mu - h (1 + 2 mu))/(2 (1 + mu)^2)
    h >= h0:  a = mu^2 (h + mu - 1)/(2 lr (1 - mu)),  square  mu^2 (h (1 + mu - mu^2) - 1 + mu^2)/(2 lr)
              ||p + lr g/(1 - mu)||^2,  c_B = lr (2 - 2 mu - h)/(2 (1 - mu)^2)  (heavy ball's c_B)

c = min(c_S, c_B) > 0 iff lr < 2 (1 - mu)/L, as for heavy ball. The rate is Delta/(T c); c peaks at lr = h0/L
with c = (1 - mu^2)(1 + 2 mu)/(2 L (1 + mu - mu^2)^2); at mu = 0 everything is gd.smooth's.

The potential is stated in the theorem (weight a = max(a_S, a_B), a_S on the first side and a_B on the second;
state s_t = p_{t-1}, s_0 = p_{-1} = 0), so theory.links telescopes it to the stated rate, the rate at the
prescription and T(eps); the checker monitors the potential step at every step, with p_{t-1} rebuilt from the
iterates (convcheck/families/momentum.py's state hook).
"""
from functools import partial

import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..model import (STANDARD_GRAM, ChainStep, Claim, Condition, Formula, OneStep, Potential, Quantity, Rate, Source,
                     Theorem, le, split, zero)
from ..symbols import Delta, L, T, eps, g_vec, grad_sq, lr, momentum
from ..vectors import Vec
from .lyapunov import lyapunov_case

DERIVED = Source("derived", "derived in this project (proofs_notes/nag.smooth.md) from lsmooth.descent and "
                            "inner_product.norm_nonneg, with the Lyapunov technique of heavy_ball.smooth (iPiano's, "
                            "Ochs, Chen, Brox, Pock 2014, by memory); its constants are not a paper's")

mu = momentum
h = L * lr
h0 = (1 - mu ** 2) / (1 + mu - mu ** 2)

# the named vector p = p_{t-1} = -lr b_{t-1} (the buffer before step t) and its inner products
p_vec = Vec.named("p")
pp = sp.Symbol("<p,p>", nonnegative=True)
gp = sp.Symbol("<g,p>", real=True)
GRAM = {("p", "p"): pp, ("g", "p"): gp}
update = mu ** 2 * p_vec - lr * (1 + mu) * g_vec     # x_{t+1} - x_t
p_next = mu * p_vec - lr * g_vec                     # p_t

c_S = lr * (1 + 2 * mu) * (2 + 2 * mu - h * (1 + 2 * mu)) / (2 * (1 + mu) ** 2)
c_B = lr * (2 - 2 * mu - h) / (2 * (1 - mu) ** 2)
gap_SB = 2 * lr * mu ** 2 * (h * (1 + mu - mu ** 2) - (1 - mu ** 2)) / (1 - mu ** 2) ** 2  # c_S - c_B
coef = c_S - sp.Max(0, gap_SB)                       # c = min(c_S, c_B)
a_S = mu ** 2 * (1 + mu - h * (1 + 2 * mu)) / (2 * lr * (1 + mu))
a_B = mu ** 2 * (h + mu - 1) / (2 * lr * (1 - mu))
weight = sp.Max(a_S, a_B)                            # a_S >= a_B exactly when L lr <= h0
A_S = mu ** 2 * (1 - mu ** 2 - h * (1 + mu - mu ** 2)) / (2 * lr)
A_B = -A_S
u_S, u_B = p_vec - lr / (1 + mu) * g_vec, p_vec + lr / (1 - mu) * g_vec

lr_star = h0 / L
c_star = (1 - mu ** 2) * (1 + 2 * mu) / (2 * L * (1 + mu - mu ** 2) ** 2)
RATE = Delta / (T * coef)
RATE_AT_PRESCRIPTION = Delta / (T * c_star)
COMPLEXITY = sp.ceiling(Delta / (eps ** 2 * coef))
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) / L), "lr < 2 (1 - momentum)/L")

SHORT, LONG = split(lr, h0 / L, "L lr <= h0 or L lr >= h0")

POTENTIAL = Potential(weight, p_vec, p_next, "p_{t-1} = -lr b_{t-1}, the buffer before step t (p_{-1} = 0: torch's "
                                             "b_0 = g_0)")
ONE_STEP_STATED = OneStep(POTENTIAL.at(nxt=True), POTENTIAL.at() - coef * grad_sq, DERIVED,
                          statement="f(x_{t+1}) + a ||p_t||^2 <= f(x_t) + a ||p_{t-1}||^2 - c ||grad f(x_t)||^2, "
                                    "a = max(a_S, a_B), c = min(c_S, c_B)",
                          potential=POTENTIAL)

_case = partial(lyapunov_case, weight=weight, coef=coef, potential=POTENTIAL, gram=STANDARD_GRAM.extend(GRAM),
                update="x_t + mu^2 p - lr (1 + mu) g", source=DERIVED)

CHAIN = (
    _case("L lr <= h0", SHORT, a_S, A_S, u_S, c_S),
    _case("L lr >= h0", LONG, a_B, A_B, u_B, c_B),
    ChainStep("the prescription maximises c",
              "lr = h0/L, h0 = (1 - mu^2)/(1 + mu - mu^2), where c_S = c_B = c* = (1 - mu^2)(1 + 2 mu)/"
              "(2 L (1 + mu - mu^2)^2): c_S (concave) increases up to L lr = (1 + mu)/(1 + 2 mu) >= h0 and c_B "
              "(concave) decreases from L lr = 1 - mu <= h0, so min(c_S, c_B) peaks there",
              (zero(c_S.subs(lr, lr_star), c_star, "c_S at the prescription"),
               zero(c_B.subs(lr, lr_star), c_star, "c_B at the prescription"),
               zero(sp.diff(c_S, lr).subs(lr, (1 + mu) / (L * (1 + 2 * mu))), 0,
                    "c_S (concave) peaks at L lr = (1 + mu)/(1 + 2 mu)"),
               le(h0, (1 + mu) / (1 + 2 * mu), "... >= h0: c_S increases on the first side"),
               zero(sp.diff(c_B, lr).subs(lr, (1 - mu) / L), 0, "c_B (concave) peaks at L lr = 1 - mu"),
               le(1 - mu, h0, "... <= h0: c_B decreases on the second side")),
              DERIVED),
)

theorem = Theorem(
    id="nag.smooth",
    title="Nesterov momentum (torch's form) on L-smooth nonconvex functions (derived)",
    algorithm="nag",
    function_class="L-smooth",
    oracle="exact",
    constants=CONSTANTS,
    # momentum first: the checker's sweep of lr evaluates lr's bound 2 (1 - momentum)/L
    hyperparameters=(Quantity(momentum, "momentum coefficient mu (torch: b = mu b + g, x -= lr (g + mu b))",
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
    claims=(Claim("order", "O(L Delta eps^-2 (1 + mu - mu^2)^2/((1 - mu^2)(1 + 2 mu))) NAG steps at the prescription "
                           "(derived)", DERIVED, sp.Integer(2)),),
    summary="NAG (torch) with 0 <= mu < 1 and lr < 2(1 - mu)/L: min_{t<T} ||grad f||^2 <= Delta/(T c), "
            "c = min(c_S, c_B); Delta/(T c*) at lr = (1 - mu^2)/((1 + mu - mu^2) L).",
)
