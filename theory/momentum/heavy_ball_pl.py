"""heavy_ball.pl: heavy ball (torch's form) on an L-smooth Polyak-Lojasiewicz function, linear rate (derived).

Torch's heavy ball (as heavy_ball.smooth): x_{t+1} = x_t + mu d_t - lr g_t, d_t = x_t - x_{t-1}, d_0 = 0, with
momentum mu in [0, 1) (code name ``momentum``; the PL constant is ``mu`` in the glossary, written m here).

    Psi_t = f(x_t) - f* + a ||d_t||^2,   a = (1 - L lr)/(2 lr),
    Psi_{t+1} <= rho Psi_t,              rho = max(1 - mu_PL lr, m^2/(1 - L lr)),   L lr < 1 - m^2,  mu_PL < L,

from lsmooth.descent at the step (weight 1), pl.gradient_dominance at x_t (weight w = (1 - rho)/(2 mu_PL)), and the
two squares ||d_t||^2 >= 0 (weight A = (rho (1 - L lr) - m^2)/(2 lr)) and ||g_t||^2 >= 0 (weight C = lr/2 - w): with
this a the cross term <d_t, g_t> cancels, and both weights are >= 0 exactly because rho is at least each argument of
its max. Since a >= 0 and Psi_0 = f(x_0) - f* <= Delta:

    rate        f(x_T) - f* <= Psi_T <= rho^T Delta
    complexity  T(eps) = ceil(log(Delta/eps)/log(1/rho))  (no step for eps >= Delta)

This is a certified linear rate, not an acceleration: at m = 0 it is 1 - mu lr, weaker than gd.pl's
1 - mu lr (2 - L lr), and it needs L lr < 1 - m^2 (the cross-term choice of a is simple, not optimised).
Stated as a property theorem, as heavy_ball.smooth (the model's one-step inequality cannot carry ||d_t||^2):
every step, the rate's induction and T(eps) are chain steps; convcheck/families/momentum.py runs heavy ball on the
PL catalogue with Psi_{t+1} <= rho Psi_t monitored at every step.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..lemmas.inequalities import NORM_NONNEG
from ..lemmas.pl import GRADIENT_DOMINANCE, PL_MU
from ..lemmas.smooth import DESCENT
from ..model import (STANDARD_GRAM, Assumption, ChainStep, Claim, Condition, Define, Derivation, Formula, Quantity,
                     Rate, Source, Theorem, le, lt, split, zero)
from ..symbols import Delta, L, T, eps, f, f_next, f_star, g_vec, lr, mu
from .heavy_ball import GRAM, d_vec, dd, momentum, update

DERIVED = Source("derived", "derived in this project (proofs_notes/heavy_ball.pl.md) from lsmooth.descent, "
                            "pl.gradient_dominance and inner_product.norm_nonneg: a Lyapunov contraction with the "
                            "potential of heavy_ball.smooth; the constants are this project's")

dd_next = STANDARD_GRAM.extend(GRAM).dot(update, update)  # ||x_{t+1} - x_t||^2
m = momentum
PL = Assumption("Polyak-Lojasiewicz", "f(x) - f* <= ||grad f(x)||^2/(2 mu) for every x, f* = inf f", ("mu",))

a = (1 - L * lr) / (2 * lr)
rho_pl, rho_momentum = 1 - mu * lr, m ** 2 / (1 - L * lr)  # the two arguments of rho's max
rho = sp.Max(rho_pl, rho_momentum)
w = (1 - rho) / (2 * mu)
# the weights of ||d_t||^2 >= 0 and ||g_t||^2 >= 0, written as (rho - an argument of its max) x (a positive factor):
# A = (rho (1 - L lr) - m^2)/(2 lr) and C = lr/2 - w
A = a * (rho - rho_momentum)
C = (rho - rho_pl) / (2 * mu)
RATE = rho ** T * Delta
COMPLEXITY = sp.ceiling(sp.log(Delta / eps) / sp.log(1 / rho))
CONDITION = Condition(sp.StrictLessThan(lr, (1 - m ** 2) / L), "lr < (1 - momentum^2)/L")

r = sp.Symbol("r", real=True)  # rho, as a local symbol for the logarithms (its bounds proved of rho)
R_BOUNDS = (Condition(sp.StrictLessThan(r, 1), "rho < 1", by=Define(r, rho)),
            Condition(sp.StrictGreaterThan(r, 0), "rho > 0", by=Define(r, rho)))
SMALL, LARGE = split(eps, Delta, "eps <= Delta or eps >= Delta")


def contraction():
    """Psi_{t+1} <= rho Psi_t, with Psi_t = f(x_t) - f* + a ||d_t||^2, in the Gram table's symbols."""
    return le(f_next - f_star + a * dd_next, rho * (f - f_star) + rho * a * dd,
              "f(x_{t+1}) - f* + a ||d_{t+1}||^2 <= rho (f(x_t) - f* + a ||d_t||^2)")


def induction(rate=RATE) -> ChainStep:
    """The step from the contraction to the stated rate ``rate`` (default RATE; the tests plant false ones)."""
    return ChainStep(
        "rate by induction",
        "a >= 0, so f(x_T) - f* <= Psi_T; Psi_0 = f(x_0) - f* <= Delta (d_0 = 0); 0 <= rho < 1 and "
        "Psi_{t+1} <= rho Psi_t give Psi_T <= rho^T Delta: the stated rate at T = 1 and from T to T + 1",
        (le(0, a, "a >= 0: the potential bounds f(x_T) - f*"),
         le(0, rho, "rho >= 0: contractions compose"), lt(rho, 1, "rho < 1: the rate is linear"),
         le(rho * Delta, rate.subs(T, 1), "base case T = 1: rho Delta <= R(1)"),
         le(rho * rate, rate.subs(T, T + 1), "induction step: rho R(T) <= R(T + 1)")),
        DERIVED)


chain = (
    ChainStep("Lyapunov contraction",
              "lsmooth.descent between x_t and x_{t+1} = x_t + mu d_t - lr g_t (weight 1), pl.gradient_dominance at "
              "x_t (weight (1 - rho)/(2 mu_PL)), ||d_t||^2 >= 0 and ||g_t||^2 >= 0 (weights A, C >= 0): "
              "Psi_{t+1} <= rho Psi_t with a = (1 - L lr)/(2 lr)",
              (), DERIVED,
              derives=Derivation(contraction(), ((DESCENT.at("x", "x_next"), 1),
                                                 (GRADIENT_DOMINANCE.at(e=f - f_star, gx=g_vec), w),
                                                 (NORM_NONNEG.at(u=d_vec), A), (NORM_NONNEG.at(u=g_vec), C)))),
    induction(),
    ChainStep("complexity (eps <= Delta)",
              "with r = rho in (0, 1): rho^T(eps) Delta <= eps at T(eps) = log(Delta/eps)/log(1/rho), and rho^T "
              "decreases in T",
              (le(sp.log(Delta / eps) / sp.log(1 / r) * sp.log(r) + sp.log(Delta), sp.log(eps),
                  "log(r^T(eps) Delta) <= log eps"),
               lt(0, 1 - mu * lr, "1 - mu lr > 0 (mu < L, lr < 1/L): rho > 0 at momentum = 0 too, where the "
                                  "prover's open domain would only reach it by continuity"),
               zero(COMPLEXITY.replace(sp.ceiling, lambda u: u),
                    (sp.log(Delta / eps) / sp.log(1 / r)).xreplace({r: rho}), "T(eps) is that horizon at r = rho")),
              DERIVED, assume=(SMALL, *R_BOUNDS)),
    ChainStep("complexity (eps >= Delta)", "no step is needed: f(x_0) - f* <= Delta <= eps",
              (le(Delta, eps, "Delta <= eps"),), DERIVED, assume=(LARGE,)),
)

theorem = Theorem(
    id="heavy_ball.pl",
    title="Heavy ball (torch's form) on L-smooth Polyak-Lojasiewicz functions: linear rate (derived)",
    algorithm="heavy_ball",
    function_class="L-smooth PL",
    oracle="exact",
    constants=(*CONSTANTS, Quantity(PL_MU.symbol, PL_MU.meaning)),
    # momentum first: the checker's sweep of lr evaluates lr's bound (1 - momentum^2)/L
    hyperparameters=(Quantity(momentum, "momentum coefficient (torch: b = momentum b + g, x -= lr b; dampening 0)",
                              sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(lr, "step size")),
    assumptions=(SMOOTH, PL, BOUNDED_BELOW),
    conditions=(CONDITION, Condition(sp.StrictLessThan(mu, L), "mu < L")),
    kind="property",
    update=update,
    gram=GRAM,
    chain=chain,
    claims=(Claim("order", "O(log(1/eps)) heavy-ball steps (derived; proved in the chain's complexity steps)",
                  DERIVED),),
    summary="Heavy ball with lr < (1 - momentum^2)/L on an L-smooth mu-PL function: f(x_T) - f* <= rho^T Delta, "
            "rho = max(1 - mu lr, momentum^2/(1 - L lr)).",
)

# What the numeric check holds runs to (a property theorem states no rate; see heavy_ball.smooth)
STATED = {
    "rate": Rate("gap_last_iterate", Formula(RATE, DERIVED),
                 "f(x_T) - f* <= rho^T Delta, rho = max(1 - mu lr, momentum^2/(1 - L lr))"),
    "complexity": Formula(COMPLEXITY, DERIVED),
}
