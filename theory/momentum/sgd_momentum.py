"""sgd_momentum.smooth: SGD with momentum (torch's form) on an L-smooth function, bounded-variance oracle (derived).

Torch's form (reference.optimizers.heavy_ball, dampening 0, with the oracle's g_t): b_{-1} = 0,
b_t = mu b_{t-1} + g_t, x_{t+1} = x_t - lr b_t, E_t g_t = grad f(x_t), E_t ||g_t - grad f(x_t)||^2 <= sigma^2,
0 < mu < 1 (mu = 0 is sgd.smooth, which these formulas reduce to).

The shadow iterate z_t = x_t - lr mu/(1 - mu) b_{t-1} moves as SGD with step eta = lr/(1 - mu):
z_{t+1} = z_t - eta g_t, and z_0 = x_0. The potential Psi_t = f(z_t) + a ||b_{t-1}||^2 (s_t = b_{t-1}, read at
the shifted point z_t = x_t + k s_t, k = -lr mu/(1 - mu)) decreases in expectation:

    E_t Psi_{t+1} <= Psi_t - c ||grad f(x_t)||^2 + C sigma^2,
    a = L lr^2 mu/(2 (1 - mu)^2),  c = eta (1 - L eta (1 + mu)/(2 (1 - mu))),  C = L lr^2/(2 (1 - mu)^3),

from E_t of lsmooth.descent between z_t and z_{t+1} (weight 1); inner_product.convexity at theta = mu,
b_t = mu b_{t-1} + (1 - mu) (g_t/(1 - mu)): ||b_t||^2 <= mu ||b_{t-1}||^2 + ||g_t||^2/(1 - mu) (weight a);
oracle.unbiased: E_t <grad f(z_t), g_t> = <grad f(z_t), grad f(x_t)>; Young as inner_product.norm_nonneg at
r grad f(x_t) + (grad f(z_t) - grad f(x_t)), r = L eta mu/(1 - mu) (weight eta/(2 r)); lsmooth.lipschitz_gradient
between x_t and z_t, ||z_t - x_t|| = lr mu/(1 - mu) ||b_{t-1}|| (weight eta/(2 r)); oracle.bounded_variance
(weight L eta^2/2 + a/(1 - mu)). The choice of r balances Young's two sides; a makes ||b_{t-1}||^2 telescope.

    condition   lr < 2 (1 - mu)^2/(L (1 + mu))   (c > 0)
    rate        E||grad f(x_R)||^2 = (1/T) sum_{t<T} E||grad f(x_t)||^2 <= (Delta + T C sigma^2)/(T c)
    prescribed  eta = lr/(1 - mu) = 1/(A + B),  A = L (1 + mu)/(1 - mu),  B = sigma sqrt(T)/D,
                D = sqrt(2 Delta (1 - mu)/L)
                (eta <= 1/A gives c >= eta/2, eta <= 1/B bounds the noise term): rate
                2 Delta (A + B)/T + L sigma^2/((1 - mu) B)
                = 2 L Delta (1 + mu)/((1 - mu) T) + 2 sigma sqrt(2 L Delta/(1 - mu))/sqrt(T)
    complexity  T(eps) = ceil(4 L Delta (1 + mu)/((1 - mu) eps^2) + 32 L Delta sigma^2/((1 - mu) eps^4)), O(eps^-4)
                (each term alone makes its half of the rate at most eps^2/2)

At mu = 0 the rate is sgd.smooth's (Ghadimi-Lan's) and so is the rate at the prescription (its 1/(A + B) in place of
1/max(A, B) gives the same bound); T(eps) is a sum where sgd.smooth has a max (at most 2x more steps), because
SymPy's limit, which checks the eps-order claim, takes a sum but not that max. The potential is stated in the
theorem (OneStep.potential with shift k), so theory.links telescopes it in expectation: Psi_0 = f(x_0) (b_{-1} = 0,
z_0 = x_0), Psi_T >= f(z_T) >= f* (a >= 0), so sum_t E[c ||grad f(x_t)||^2 - C sigma^2] <= Delta. The
shadow-iterate technique is folklore (e.g. Yang, Lin, Li 2016 and Yu, Jin, Yang 2019 analyse stochastic momentum
through it, by memory); the constants here are this project's.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, BOUNDED_VARIANCE, CONSTANTS, SIGMA_Q, SMOOTH
from ..lemmas.inequalities import CONVEXITY, NORM_NONNEG
from ..lemmas.noise import BOUNDED_VARIANCE as VARIANCE, UNBIASED
from ..lemmas.smooth import DESCENT, LIPSCHITZ_GRADIENT
from ..model import (ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Potential, Quantity, Rate,
                     Source, Theorem, expected)
from ..symbols import Delta, L, T, eps, f_z, f_z_next, g_vec, grad_sq, lr, momentum, o_vec, sigma
from ..vectors import Vec

DERIVED = Source("derived", "derived in this project (proofs_notes/sgd_momentum.smooth.md) from lsmooth.descent at "
                            "the shadow iterate, lsmooth.lipschitz_gradient, inner_product.convexity, "
                            "inner_product.norm_nonneg, oracle.unbiased and oracle.bounded_variance; the shadow "
                            "iterate z_t = x_t - lr mu/(1 - mu) b_{t-1} is a known device (by memory, no paper's "
                            "constants used)")

mu = momentum
eta = lr / (1 - mu)                 # the shadow iterate's SGD step
k = -lr * mu / (1 - mu)             # z_t = x_t + k b_{t-1}
r = L * eta * mu / (1 - mu)         # Young's balance

# the named vectors m = b_{t-1} (the buffer before step t) and gz = grad f(z_t), and their inner products
m_vec, gz_vec = Vec.named("m"), Vec.named("gz")
mm = sp.Symbol("<m,m>", nonnegative=True)
mo = sp.Symbol("<m,o>", real=True)
zz = sp.Symbol("<gz,gz>", nonnegative=True)
g_gz = sp.Symbol("<g,gz>", real=True)
gz_o = sp.Symbol("<gz,o>", real=True)
GRAM = {("m", "m"): mm, ("m", "o"): mo, ("gz", "gz"): zz, ("g", "gz"): g_gz, ("gz", "o"): gz_o}
RANDOM = (mo, gz_o)                 # Gram entries that depend on the oracle's answer g_t
buffer_next = mu * m_vec + o_vec    # b_t
update = -lr * buffer_next          # x_{t+1} - x_t

weight = L * lr ** 2 * mu / (2 * (1 - mu) ** 2)
coef = eta * (1 - L * eta * (1 + mu) / (2 * (1 - mu)))
noise = L * lr ** 2 / (2 * (1 - mu) ** 3)

D = sp.sqrt(2 * Delta * (1 - mu) / L)
lr_star = (1 - mu) / (L * (1 + mu) / (1 - mu) + sigma * sp.sqrt(T) / D)
RATE = (Delta + T * noise * sigma ** 2) / (T * coef)
RATE_AT_PRESCRIPTION = (2 * L * Delta * (1 + mu) / ((1 - mu) * T)
                        + 2 * sigma * sp.sqrt(2 * L * Delta / (1 - mu)) / sp.sqrt(T))
# a sum where a max would do (at most 2x more steps): SymPy's limit finds the eps-order of a sum, not of this max
COMPLEXITY = sp.ceiling(4 * L * Delta * (1 + mu) / ((1 - mu) * eps ** 2)
                        + 32 * L * Delta * sigma ** 2 / ((1 - mu) * eps ** 4))
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) ** 2 / (L * (1 + mu))),
                      "lr < 2 (1 - momentum)^2/(L (1 + momentum))")


def shadow_potential_step(*, weight, shift, buffer_next, eta, r, coef, noise, convexity_v, variance_weight,
                          buffer_note: str, prose: str, source: Source):
    """The potential Psi_t = f(z_t) + a ||b_{t-1}||^2 at the shadow iterate z_t = x_t + shift b_{t-1}, which moves
    as SGD with step eta, and its expected step E_t Psi_{t+1} <= Psi_t - c ||grad f(x_t)||^2 + C sigma^2 derived
    from the six premises (convexity at b_t = mu b_{t-1} + (1 - mu) convexity_v): (potential, one-step, chain)."""
    potential = Potential(weight, m_vec, buffer_next, buffer_note, shift=shift)
    one_step = OneStep(potential.at(nxt=True), potential.at() - coef * grad_sq + noise * sigma ** 2, source,
                       statement="E_t[f(z_{t+1}) + a ||b_t||^2] <= f(z_t) + a ||b_{t-1}||^2 - c ||grad f(x_t)||^2 "
                                 "+ C sigma^2, z_t = x_t - lr mu/(1 - mu) b_{t-1}",
                       expectation=True, potential=potential)
    chain = (ChainStep("expected potential step at the shadow iterate", prose, (), source,
                       derives=Derivation(ONE_STEP, (
                           (DESCENT.at(f_x=f_z, f_y=f_z_next, gx=gz_vec, gy=Vec.named("gz_next"),
                                       d=potential.point_step(-lr * buffer_next), expect=True), 1),
                           (CONVEXITY.at(u=m_vec, v=convexity_v, theta=mu, expect=True), weight),
                           (UNBIASED.at(E_uo=expected(gz_o), u_g=g_gz), -eta),
                           (NORM_NONNEG.at(u=r * g_vec + gz_vec - g_vec), eta / (2 * r)),
                           (LIPSCHITZ_GRADIENT.at(gx=g_vec, gy=gz_vec, d=potential.offset()), eta / (2 * r)),
                           (VARIANCE.at(pick=(1,)), L * eta ** 2 / 2 + variance_weight)))),)
    return potential, one_step, chain


POTENTIAL, ONE_STEP_STATED, CHAIN = shadow_potential_step(
    weight=weight, shift=k, buffer_next=buffer_next, eta=eta, r=r, coef=coef, noise=noise,
    convexity_v=o_vec / (1 - mu), variance_weight=weight / (1 - mu),
    buffer_note="b_{t-1}, torch's momentum buffer before step t (b_{-1} = 0)", source=DERIVED,
    prose="E_t of lsmooth.descent between z_t and z_{t+1} = z_t - lr/(1 - mu) g_t (weight 1); E_t of "
          "inner_product.convexity at theta = mu, u = b_{t-1}, v = g_t/(1 - mu) (weight a); oracle.unbiased at "
          "u = grad f(z_t) (weight -lr/(1 - mu)); inner_product.norm_nonneg at r grad f(x_t) + grad f(z_t) - "
          "grad f(x_t) and lsmooth.lipschitz_gradient between x_t and z_t (weights lr/(2 r (1 - mu))); "
          "oracle.bounded_variance (weight L eta^2/2 + a/(1 - mu)): the stated potential step")


theorem = Theorem(
    id="sgd_momentum.smooth",
    title="SGD with momentum (torch's form) on L-smooth nonconvex functions, bounded variance (derived)",
    algorithm="heavy_ball",
    function_class="L-smooth",
    oracle="bounded_variance",
    constants=(*CONSTANTS, SIGMA_Q),
    # momentum first: the checker's sweep of lr evaluates lr's bound 2 (1 - momentum)^2/(L (1 + momentum))
    hyperparameters=(Quantity(momentum, "momentum coefficient mu (torch: b = mu b + g, x -= lr b; dampening 0); "
                                        "mu = 0 is sgd.smooth", sp.Integer(0), sp.Integer(1)),
                     Quantity(lr, "constant step size")),
    assumptions=(SMOOTH, BOUNDED_BELOW, BOUNDED_VARIANCE),
    prescription={"lr": Formula(lr_star, DERIVED)},
    conditions=(CONDITION,),
    one_step=ONE_STEP_STATED,
    rate=Rate("expected_grad_sq_random_index", Formula(RATE, DERIVED),
              "E||grad f(x_R)||^2 <= (Delta + T C sigma^2)/(T c), c = lr/(1 - mu) (1 - L lr (1 + mu)/(2 (1 - mu)^2)), "
              "C = L lr^2/(2 (1 - mu)^3)", expectation=True),
    rate_at_prescription=Formula(RATE_AT_PRESCRIPTION, DERIVED),
    complexity=Formula(COMPLEXITY, DERIVED),
    update=update,
    gram=GRAM,
    random=RANDOM,
    chain=CHAIN,
    claims=(Claim("order", "O(L Delta sigma^2 eps^-4/(1 - mu)) SGD-momentum steps for E||grad f|| <= eps at the "
                           "prescription (derived)", DERIVED, sp.Integer(4)),),
    summary="SGD with momentum 0 < mu < 1 and lr < 2(1 - mu)^2/(L (1 + mu)) under bounded variance: "
            "E||grad f(x_R)||^2 <= (Delta + T C sigma^2)/(T c); O(L Delta sigma^2/((1 - mu) eps^4)) steps.",
)
