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

Stated as a property theorem for the reason heavy_ball.py gives (the model's one-step inequality cannot carry the
potential); the numeric check (convcheck/families/momentum.py) judges runs against STATED and monitors the
Lyapunov step.
"""
from functools import partial

import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..model import (STANDARD_GRAM, ChainStep, Claim, Condition, Formula, Quantity, Rate, Source,
                     Theorem, le, split, zero)
from ..symbols import Delta, L, T, eps, f, f_next, g_vec, grad_sq, lr
from ..vectors import Vec
from .heavy_ball import momentum
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
pp_next = STANDARD_GRAM.extend(GRAM).dot(p_next, p_next)

c_S = lr * (1 + 2 * mu) * (2 + 2 * mu - h * (1 + 2 * mu)) / (2 * (1 + mu) ** 2)
c_B = lr * (2 - 2 * mu - h) / (2 * (1 - mu) ** 2)
gap_SB = 2 * lr * mu ** 2 * (h * (1 + mu - mu ** 2) - (1 - mu ** 2)) / (1 - mu ** 2) ** 2  # c_S - c_B
coef = c_S - sp.Max(0, gap_SB)                       # c = min(c_S, c_B)
a_S = mu ** 2 * (1 + mu - h * (1 + 2 * mu)) / (2 * lr * (1 + mu))
a_B = mu ** 2 * (h + mu - 1) / (2 * lr * (1 - mu))
A_S = mu ** 2 * (1 - mu ** 2 - h * (1 + mu - mu ** 2)) / (2 * lr)
A_B = -A_S
u_S, u_B = p_vec - lr / (1 + mu) * g_vec, p_vec + lr / (1 - mu) * g_vec

lr_star = h0 / L
c_star = (1 - mu ** 2) * (1 + 2 * mu) / (2 * L * (1 + mu - mu ** 2) ** 2)
RATE = Delta / (T * coef)
RATE_AT_PRESCRIPTION = Delta / (T * c_star)
COMPLEXITY = sp.ceiling(Delta / (eps ** 2 * coef))
COMPLEXITY_AT_PRESCRIPTION = Delta / (eps ** 2 * c_star)
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) / L), "lr < 2 (1 - momentum)/L")

SHORT, LONG = split(lr, h0 / L, "L lr <= h0 or L lr >= h0")


def lyapunov(a, c):
    """Psi_{t+1} <= Psi_t - c ||g_t||^2 with Psi_t = f(x_t) + a ||p_{t-1}||^2, in the Gram table's symbols."""
    return le(f_next + a * pp_next, f + a * pp - c * grad_sq,
              "f(x_{t+1}) + a ||p_t||^2 <= f(x_t) + a ||p_{t-1}||^2 - c ||grad f(x_t)||^2")


_case = partial(lyapunov_case, step=lyapunov, update="x_t + mu^2 p - lr (1 + mu) g", start="p_{-1} = 0 (torch's b_0 = g_0)", coef=coef, c_S=c_S, c_B=c_B,
                gap_SB=gap_SB, gap_text="c_S - c_B = 2 lr mu^2 (h (1 + mu - mu^2) - 1 + mu^2)/(1 - mu^2)^2", source=DERIVED)


def chain(rate=None):
    """The proof chain, concluding the rate ``rate`` (default RATE; the tests plant false ones)."""
    rate = RATE if rate is None else rate
    return (
        *_case("L lr <= h0", SHORT, a_S, A_S, u_S, c_S, c_B, rate),
        *_case("L lr >= h0", LONG, a_B, A_B, u_B, c_B, c_S, rate),
        ChainStep("rate at the prescription",
                  "lr = h0/L, h0 = (1 - mu^2)/(1 + mu - mu^2), where c_S = c_B = c* = (1 - mu^2)(1 + 2 mu)/"
                  "(2 L (1 + mu - mu^2)^2) is c's maximum over lr: the rate is Delta/(T c*)",
                  (zero(c_S.subs(lr, lr_star), c_star, "c_S at the prescription"),
                   zero(c_B.subs(lr, lr_star), c_star, "c_B at the prescription"),
                   zero(coef.subs(lr, lr_star), c_star, "c = min(c_S, c_B) at the prescription"),
                   zero(sp.diff(c_S, lr).subs(lr, (1 + mu) / (L * (1 + 2 * mu))), 0,
                        "c_S (concave) peaks at L lr = (1 + mu)/(1 + 2 mu)"),
                   le(h0, (1 + mu) / (1 + 2 * mu), "... >= h0: c_S increases on the first side"),
                   zero(sp.diff(c_B, lr).subs(lr, (1 - mu) / L), 0, "c_B (concave) peaks at L lr = 1 - mu"),
                   le(1 - mu, h0, "... <= h0: c_B decreases on the second side"),
                   le(Delta, T * c_star * RATE_AT_PRESCRIPTION, "T c* (rate at the prescription) >= Delta")),
                  DERIVED),
        ChainStep("complexity",
                  "T(eps) = Delta/(c eps^2): T c eps^2 >= Delta from T(eps) on, so min_t ||g_t||^2 <= eps^2; "
                  "at the prescription T(eps) = Delta/(c* eps^2), order eps^-2",
                  (le(Delta, (Delta / (eps ** 2 * coef)) * coef * eps ** 2, "T(eps) c eps^2 >= Delta"),
                   zero(eps * sp.diff(COMPLEXITY_AT_PRESCRIPTION, eps), -2 * COMPLEXITY_AT_PRESCRIPTION,
                        "T(eps) at the prescription is homogeneous of degree -2 in eps: order eps^-2")),
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
    kind="property",
    update=update,
    gram=GRAM,
    chain=chain(),
    claims=(Claim("order", "O(L Delta eps^-2 (1 + mu - mu^2)^2/((1 - mu^2)(1 + 2 mu))) NAG steps at the prescription "
                           "(derived; proved in the chain step 'complexity')", DERIVED),),
    summary="NAG (torch) with 0 <= mu < 1 and lr < 2(1 - mu)/L: min_{t<T} ||grad f||^2 <= Delta/(T c), "
            "c = min(c_S, c_B); Delta/(T c*) at lr = (1 - mu^2)/((1 + mu - mu^2) L).",
)

STATED = {
    "rate": Rate("min_grad_sq_before_T", Formula(RATE, DERIVED),
                 "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T min(c_S, c_B))"),
    "rate_at_prescription": Formula(RATE_AT_PRESCRIPTION, DERIVED),
    "complexity": Formula(COMPLEXITY, DERIVED),
}
