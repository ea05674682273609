"""gd.smooth: gradient descent on an L-smooth function bounded below (card B1).

    x_{t+1} = x_t - lr grad f(x_t),   0 < lr < 2/L
    descent lemma   f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2
    rate            min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T lr (1 - L lr/2))
    complexity      T(eps) = ceil(Delta / (eps^2 lr (1 - L lr/2)))  =  ceil(2 L Delta / eps^2) at lr = 1/L
"""
import sympy as sp

from ..model import (Assumption, ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, le, lt, zero)
from ..symbols import Delta, L, T, eps, f, f_next, grad_sq, lr

CLASSICAL = Source("derived", "classical (Nesterov 2004, Introductory Lectures, sec. 1.2.3; equation numbers "
                              "not checked); re-derived in card B1 and certified here")

coef = lr * (1 - L * lr / 2)
rate = Delta / (T * coef)
T_eps = Delta / (eps ** 2 * coef)

SMOOTH = Assumption("L-smooth", "||grad f(x) - grad f(y)|| <= L ||x - y|| for all x, y", ("L",))
BOUNDED_BELOW = Assumption("bounded below", "f* = inf f > -inf and Delta >= f(x_0) - f*", ("Delta",))
CONSTANTS = (Quantity(L, "gradient Lipschitz constant (L-smooth)"),
             Quantity(Delta, "initial gap f(x_0) - f* (or an upper bound on it)"))

theorem = Theorem(
    id="gd.smooth",
    title="Gradient descent on L-smooth nonconvex functions",
    algorithm="gd",
    function_class="L-smooth",
    oracle="exact",
    constants=CONSTANTS,
    hyperparameters=(Quantity(lr, "step size"),),
    assumptions=(SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(1 / L, CLASSICAL)},
    conditions=(Condition(sp.StrictLessThan(lr, 2 / L), "lr < 2/L"),),
    one_step=OneStep(f_next, f - coef * grad_sq, CLASSICAL, coefficient=coef,
                     statement="f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, CLASSICAL),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T lr (1 - L lr/2))"),
    complexity=Formula(sp.ceiling(T_eps), CLASSICAL),
    chain=(
        ChainStep("descent lemma",
                  "L-smoothness gives f(y) <= f(x) + <grad f(x), y - x> + (L/2)||y - x||^2 (taken as given: "
                  "the integral form of Taylor's theorem and Cauchy-Schwarz); at y = x - lr g it is the "
                  "one-step inequality",
                  (zero(f - lr * grad_sq + L / 2 * lr ** 2 * grad_sq, f - coef * grad_sq,
                        "f + <g, -lr g> + (L/2)||lr g||^2 = f - lr(1 - L lr/2)||g||^2"),),
                  CLASSICAL),
        ChainStep("positive decrease", "lr < 2/L makes the per-step coefficient positive",
                  (lt(0, coef, "lr (1 - L lr/2) > 0"),), CLASSICAL),
        ChainStep("telescoping",
                  "summing over t < T: coef * T * min_t ||grad f(x_t)||^2 <= coef * sum_t ||grad f(x_t)||^2 "
                  "<= f(x_0) - f(x_T) <= Delta, and dividing by coef * T > 0",
                  (zero(rate * T * coef, Delta, "rate * T * coef = Delta"),), CLASSICAL),
        ChainStep("complexity", "T >= Delta/(eps^2 coef) makes the rate at most eps^2 (the rate decreases in T)",
                  (zero(rate.subs(T, T_eps), eps ** 2, "rate(T_eps) = eps^2"),
                   le(sp.diff(rate, T), 0, "d rate / dT <= 0")), CLASSICAL),
        ChainStep("at lr = 1/L", "with lr = 1/L the rate is 2 L Delta / T and T(eps) = 2 L Delta / eps^2",
                  (zero(rate.subs(lr, 1 / L), 2 * L * Delta / T, "rate = 2 L Delta / T"),
                   zero(T_eps.subs(lr, 1 / L), 2 * L * Delta / eps ** 2, "T(eps) = 2 L Delta / eps^2")),
                  CLASSICAL),
    ),
    claims=(Claim("order", "O(L Delta eps^-2) gradient steps (classical)", CLASSICAL, sp.Integer(2)),),
    summary="GD with any step in (0, 2/L) finds an eps-stationary point in O(L Delta / eps^2) steps.",
)
