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

Modelling. The theorem model's one-step inequality is f(x_{t+1}) <= f(x_t) - D(||grad f(x_t)||^2) in the
measured quantities, and theory.links telescopes f; a Lyapunov function with a ||x_t - x_{t-1}||^2 term
can be neither stated there nor monitored by the checker (it sees f, f_next and gradients only). So this
is stated as a *property* theorem: every step of the argument, including the telescoping's algebra, the
rate, the rate at the prescription and T(eps), is a certified chain step here, and the numeric check
(convcheck/families/momentum.py) runs heavy ball against STATED below, with the Lyapunov inequality
monitored at every step. See proofs_notes/heavy_ball.smooth.md, "Open points".
"""
from functools import partial

import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..model import (STANDARD_GRAM, ChainStep, Claim, Condition, Formula, Quantity, Rate, Source,
                     Theorem, le, split, zero)
from ..symbols import Delta, L, T, eps, f, f_next, g_vec, grad_sq, lr
from ..vectors import Vec
from .lyapunov import lyapunov_case

DERIVED = Source("derived", "derived in this project (proofs_notes/heavy_ball.smooth.md) from lsmooth.descent and "
                            "inner_product.norm_nonneg; the Lyapunov function f(x_t) + a ||x_t - x_{t-1}||^2 is the "
                            "technique of iPiano (Ochs, Chen, Brox, Pock 2014, step condition lr < 2(1 - beta)/L, "
                            "by memory); its constants are not the paper's")

momentum = sp.Symbol("momentum", nonnegative=True)
mu = momentum
h = L * lr

# the named vector d = x_t - x_{t-1} and its inner products
d_vec = Vec.named("d")
dd = sp.Symbol("<d,d>", nonnegative=True)
gd = sp.Symbol("<d,g>", real=True)
GRAM = {("d", "d"): dd, ("g", "d"): gd}
update = mu * d_vec - lr * g_vec                     # x_{t+1} - x_t = d_{t+1}
dd_next = STANDARD_GRAM.extend(GRAM).dot(update, update)

c_S = lr * (2 + 2 * mu - h) / (2 * (1 + mu) ** 2)
c_B = lr * (2 - 2 * mu - h) / (2 * (1 - mu) ** 2)
gap_SB = 2 * mu * lr * (L * lr + mu ** 2 - 1) / (1 - mu ** 2) ** 2  # c_S - c_B: >= 0 iff L lr >= 1 - mu^2
coef = c_S - sp.Max(0, gap_SB)                       # the per-step coefficient c = min(c_S, c_B)
a_S = mu * (1 + mu - h) / (2 * lr * (1 + mu))
a_B = mu * (h + mu - 1) / (2 * lr * (1 - mu))
A_S, A_B = mu * (1 - mu ** 2 - h) / (2 * lr), mu * (h + mu ** 2 - 1) / (2 * lr)
u_S, u_B = d_vec - lr / (1 + mu) * g_vec, d_vec + lr / (1 - mu) * g_vec

lr_star = (1 - mu ** 2) / L
RATE = Delta / (T * coef)
RATE_AT_PRESCRIPTION = 2 * L * Delta / ((1 - mu ** 2) * T)
COMPLEXITY = sp.ceiling(Delta / (eps ** 2 * coef))
COMPLEXITY_AT_PRESCRIPTION = 2 * L * Delta / ((1 - mu ** 2) * eps ** 2)
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) / L), "lr < 2 (1 - momentum)/L")

SHORT, LONG = split(lr, (1 - mu ** 2) / L, "L lr <= 1 - momentum^2 or L lr >= 1 - momentum^2")


def lyapunov(a, c):
    """Psi_{t+1} <= Psi_t - c ||g_t||^2 with Psi_t = f(x_t) + a ||d_t||^2, in the Gram table's symbols."""
    return le(f_next + a * dd_next, f + a * dd - c * grad_sq,
              "f(x_{t+1}) + a ||d_{t+1}||^2 <= f(x_t) + a ||d_t||^2 - c ||grad f(x_t)||^2")


_case = partial(lyapunov_case, step=lyapunov, update="x_t + mu d_t - lr g_t", start="d_0 = 0 (x_{-1} = x_0, torch's b_0 = g_0)", coef=coef, c_S=c_S, c_B=c_B,
                gap_SB=gap_SB, gap_text="c_S - c_B = 2 mu lr (L lr + mu^2 - 1)/(1 - mu^2)^2", source=DERIVED)


def chain(rate=None):
    """The proof chain, concluding the rate ``rate`` (default RATE; the tests plant false ones)."""
    rate = RATE if rate is None else rate
    return (
        *_case("L lr <= 1 - mu^2", SHORT, a_S, A_S, u_S, c_S, c_B, rate),
        *_case("L lr >= 1 - mu^2", LONG, a_B, A_B, u_B, c_B, c_S, rate),
        ChainStep("rate at the prescription",
                  "lr = (1 - mu^2)/L, where c_S = c_B = (1 - mu^2)/(2L) is c's maximum over lr: the rate is "
                  "2 L Delta/((1 - mu^2) T) (gd.smooth's 2 L Delta/T at mu = 0)",
                  (zero(c_S.subs(lr, lr_star), (1 - mu ** 2) / (2 * L), "c_S at the prescription"),
                   zero(c_B.subs(lr, lr_star), (1 - mu ** 2) / (2 * L), "c_B at the prescription"),
                   zero(coef.subs(lr, lr_star), (1 - mu ** 2) / (2 * L), "c = min(c_S, c_B) at the prescription"),
                   zero(sp.diff(c_S, lr).subs(lr, (1 + mu) / L), 0,
                        "c_S (concave) peaks at L lr = 1 + mu >= 1 - mu^2: it increases on the first side"),
                   zero(sp.diff(c_B, lr).subs(lr, (1 - mu) / L), 0,
                        "c_B (concave) peaks at L lr = 1 - mu <= 1 - mu^2: it decreases on the second side"),
                   le(Delta, T * (1 - mu ** 2) / (2 * L) * RATE_AT_PRESCRIPTION,
                      "T c (rate at the prescription) >= Delta")),
                  DERIVED),
        ChainStep("complexity",
                  "T(eps) = Delta/(c eps^2): T c eps^2 >= Delta from T(eps) on, so min_t ||g_t||^2 <= eps^2; "
                  "at the prescription T(eps) = 2 L Delta/((1 - mu^2) eps^2), order eps^-2",
                  (le(Delta, (Delta / (eps ** 2 * coef)) * coef * eps ** 2, "T(eps) c eps^2 >= Delta"),
                   zero(Delta / (eps ** 2 * (1 - mu ** 2) / (2 * L)), COMPLEXITY_AT_PRESCRIPTION,
                        "T(eps) at the prescription, c = (1 - mu^2)/(2L)"),
                   zero(eps * sp.diff(COMPLEXITY_AT_PRESCRIPTION, eps), -2 * COMPLEXITY_AT_PRESCRIPTION,
                        "T(eps) at the prescription is homogeneous of degree -2 in eps: order eps^-2")),
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
    kind="property",
    update=update,
    gram=GRAM,
    chain=chain(),
    # the order is proved in the chain (step "complexity"); a property theorem states no complexity for
    # theory.certify's order check, so the claim carries no exponent to check twice
    claims=(Claim("order", "O(L Delta eps^-2 / (1 - mu^2)) heavy-ball steps at lr = (1 - mu^2)/L (derived; "
                           "proved in the chain step 'complexity')", DERIVED),),
    summary="Heavy ball with 0 <= mu < 1 and lr < 2(1 - mu)/L: min_{t<T} ||grad f||^2 <= Delta/(T c), "
            "c = min(c_S, c_B); 2 L Delta/((1 - mu^2) T) at lr = (1 - mu^2)/L.",
)

# What the numeric check holds runs to (theory's model cannot state a Lyapunov rate: see the docstring)
STATED = {
    "rate": Rate("min_grad_sq_before_T", Formula(RATE, DERIVED),
                 "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T min(c_S, c_B))"),
    "rate_at_prescription": Formula(RATE_AT_PRESCRIPTION, DERIVED),
    "complexity": Formula(COMPLEXITY, DERIVED),
    "lyapunov": {"S": (a_S, SHORT), "B": (a_B, LONG)},
}
