"""gd.pl: gradient descent on an L-smooth function satisfying the Polyak-Lojasiewicz inequality (derived).

    x_{t+1} = x_t - lr grad f(x_t),   0 < lr < 2/L,   f(x) - f* <= ||grad f(x)||^2/(2 mu),   mu < L
    one-step     f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2      (lsmooth.descent, as gd.smooth)
    contraction  f(x_{t+1}) - f* <= rho (f(x_t) - f*),  rho(lr) = 1 - 2 mu lr (1 - L lr/2)   (+ pl.gradient_dominance)
    rate         f(x_T) - f* <= rho^T Delta,   Delta >= f(x_0) - f*
    complexity   T(eps) = ceil(log(Delta/eps) / log(1/rho))  steps give f(x_T) - f* <= eps

rho is smallest at lr = 1/L, where it is 1 - mu/L (the prescription). The chain derives the one-step
inequality from the descent lemma; theory.links' contraction link proves the rate from the stated one-step
inequality and the cited PL premise (subtract f*, bound ||grad f||^2 below by 2 mu (f - f*), induct on T) and
proves T(eps) from the same contraction. The condition mu < L keeps rho > 0 (rho >= 1 - mu/L), so log(1/rho)
is finite; a non-constant L-smooth PL function has mu <= L anyway.

Sharper factors are known for lr in (1/L, 2/L) (Abbaszadehpeivasti, de Klerk, Zamani 2023, Optim. Lett.,
"Conditions for linear convergence of the gradient method for non-convex optimization"); their constants
were NOT FOUND in what could be read here, so none is stated or claimed (proofs_notes/gd.pl.md).
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..lemmas.pl import PL_MU
from ..lemmas.smooth import DESCENT
from ..model import (ONE_STEP, Assumption, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity,
                     Rate, Source, Theorem)
from ..symbols import Delta, L, T, eps, f, f_next, g_vec, grad_sq, lr, mu

DERIVED = Source("derived", "derived in this project (proofs_notes/gd.pl.md) from lsmooth.descent and "
                            "pl.gradient_dominance, by the classical argument (Polyak 1963; Karimi, Nutini, Schmidt "
                            "2016; their statements were not read here, so no constant is attributed to them); the "
                            "factor for every lr in (0, 2/L) is derived and certified here")

PL = Assumption("Polyak-Lojasiewicz", "f(x) - f* <= ||grad f(x)||^2/(2 mu) for every x, f* = inf f", ("mu",))

coef = lr * (1 - L * lr / 2)
# rho = 1 - 2 mu lr (1 - L lr/2), written as (1 - mu/L) + (mu/L)(L lr - 1)^2: a sum of a positive and a
# nonnegative term, so rho > 0 is proved term by term, and the best step lr = 1/L is visible
rho = (L - mu) / L + mu * (L * lr - 1) ** 2 / L
RATE = rho ** T * Delta
COMPLEXITY = sp.ceiling(sp.log(Delta / eps) / sp.log(1 / rho))

theorem = Theorem(
    id="gd.pl",
    title="Gradient descent on L-smooth Polyak-Lojasiewicz functions: linear convergence of f(x_T) - f*",
    algorithm="gd",
    function_class="L-smooth PL",
    oracle="exact",
    constants=(*CONSTANTS, Quantity(PL_MU.symbol, PL_MU.meaning)),
    hyperparameters=(Quantity(lr, "step size"),),
    assumptions=(SMOOTH, PL, BOUNDED_BELOW),
    prescription={"lr": Formula(1 / L, DERIVED)},
    conditions=(Condition(sp.StrictLessThan(lr, 2 / L), "lr < 2/L"),
                Condition(sp.StrictLessThan(mu, L), "mu < L")),
    update=-lr * g_vec,
    one_step=OneStep(f_next, f - coef * grad_sq, DERIVED,
                     statement="f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2"),
    rate=Rate("gap_last_iterate", Formula(RATE, DERIVED),
              "f(x_T) - f* <= rho^T Delta, rho = 1 - 2 mu lr (1 - L lr/2) = 1 - mu/L + (mu/L)(L lr - 1)^2",
              via=rho),
    complexity=Formula(COMPLEXITY, DERIVED),
    chain=(
        ChainStep("descent lemma at the step",
                  "lsmooth.descent between x_t and x_{t+1} = x_t - lr g: f(x_{t+1}) <= f(x_t) - lr ||g||^2 + "
                  "(L/2) lr^2 ||g||^2, which is the one-step inequality",
                  (), DERIVED, derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next"), 1),))),
    ),
    claims=(Claim("order", "O(log(1/eps)) steps: linear convergence (Polyak 1963; Karimi, Nutini, Schmidt 2016)",
                  DERIVED, sp.Integer(0)),),
    summary="GD with any step in (0, 2/L) on an L-smooth mu-PL function contracts f - f* by "
            "rho = 1 - 2 mu lr (1 - L lr/2) per step: O(log(Delta/eps)) steps.",
)
