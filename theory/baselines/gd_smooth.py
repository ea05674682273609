"""gd.smooth: gradient descent on an L-smooth function bounded below (card B1).

    x_{t+1} = x_t - lr grad f(x_t),   0 < lr < 2/L
    one-step    f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2   (lsmooth.descent at x_{t+1})
    rate        min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T lr (1 - L lr/2))
    complexity  T(eps) = ceil(Delta / (eps^2 lr (1 - L lr/2)))  =  ceil(2 L Delta / eps^2) at lr = 1/L

The chain is one derivation from the descent lemma; the rate and T(eps) follow from the stated
one-step inequality by theory.links' telescoping, which also proves lr < 2/L makes it decrease.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, SMOOTH
from ..lemmas.smooth import DESCENT
from ..model import ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity, Rate, Source, Theorem
from ..symbols import Delta, L, T, eps, f, f_next, g_vec, grad_sq, lr

CLASSICAL = Source("derived", "classical (Nesterov 2004, Introductory Lectures, sec. 1.2.3; equation numbers "
                              "not checked); re-derived in card B1 and certified here")

coef = lr * (1 - L * lr / 2)

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
    update=-lr * g_vec,
    one_step=OneStep(f_next, f - coef * grad_sq, CLASSICAL,
                     statement="f(x_{t+1}) <= f(x_t) - lr (1 - L lr/2) ||grad f(x_t)||^2"),
    rate=Rate("min_grad_sq_before_T", Formula(Delta / (T * coef), CLASSICAL),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta / (T lr (1 - L lr/2))"),
    complexity=Formula(sp.ceiling(Delta / (eps ** 2 * coef)), CLASSICAL),
    chain=(
        ChainStep("descent lemma at the step",
                  "lsmooth.descent between x_t and x_{t+1} = x_t - lr g: f(x_{t+1}) <= f(x_t) - lr ||g||^2 + "
                  "(L/2) lr^2 ||g||^2, which is the one-step inequality",
                  (), CLASSICAL, derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next"), 1),))),
    ),
    claims=(Claim("order", "O(L Delta eps^-2) gradient steps (classical)", CLASSICAL, sp.Integer(2)),),
    summary="GD with any step in (0, 2/L) finds an eps-stationary point in O(L Delta / eps^2) steps.",
)
