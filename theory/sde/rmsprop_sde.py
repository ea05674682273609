"""rmsprop.sde: RMSprop's increments match the derived SDE's drift and diffusion, in the scaling that the
square-root rule keeps fixed.

Malladi, Lyu, Panigrahi, Arora 2022 [P-abs] derive SDE approximations of RMSprop and Adam; their definitions and
theorem are NOT FOUND, so the SDE here is the card's derivation (addenda_sde_signgd_adamw_is.md section 1.3, [D]),
certified here and tagged ``derived``. RMSprop without bias correction, v_{k+1} = beta v_k + (1 - beta) g_k^2,
x_{k+1} = x_k - lr g_k/(sqrt(v) + xi), oracle g = grad f + sigma z (E z = 0, E z^2 = Sigma, Gaussian), in the scaling

    sigma = sigma0/lr,  1 - beta = c lr^2,  xi = eps0/lr,  U = lr^2 v,  clock t = k lr^2,

has, per unit of t and to leading order in lr, the drift and diffusion of

    dX = -grad f(X)/(sqrt U + eps0) dt + sigma0 Sigma^{1/2}/(sqrt U + eps0) dW,   dU = c (sigma0^2 Sigma - U) dt.

Certified, per coordinate: the first two moments of the x increment over dt = lr^2 (denominator frozen at v_k: the
change of v within the step moves the increment by O(lr^3)), the mean of the U increment, and that U's
increment has variance O(lr^2) per dt, so U has no diffusion in the limit. The paper's claim (a first-order weak
approximation) stays a claim, measured by convcheck check through the weak error's fitted order.
"""
import sympy as sp

from ..model import Claim, ChainStep, Condition, Quantity, Source, Theorem, lt, zero
from ..symbols import lr

DERIVED = Source("derived", "derived and certified here (proofs_notes/rmsprop.sde.md; card addenda section 1.3 [D]); "
                            "Malladi et al.'s RMSprop SDE and theorem NOT FOUND")
MALLADI = Source("claim", "Malladi, Lyu, Panigrahi, Arora 2022 (arXiv 2205.10287) [P-abs], with the order from "
                          "third-party summaries [S]: the RMSprop SDE is a first-order weak approximation of RMSprop "
                          "(error O(lr^2) = O(dt) in E[test function] at fixed t, test functions of polynomial growth)")

c, sigma0, eps0, U, Sigma = sp.symbols("c sigma0 eps0 U Sigma", positive=True)
gf, z = sp.symbols("gf z", real=True)  # the coordinate's gradient, the standardised noise


def gaussian_mean(expr):
    """E over z ~ N(0, Sigma) of a polynomial in z: E z = E z^3 = 0, E z^2 = Sigma, E z^4 = 3 Sigma^2."""
    poly = sp.Poly(sp.expand(expr), z)
    moments = {0: 1, 1: 0, 2: Sigma, 3: 0, 4: 3 * Sigma ** 2}
    return sp.expand(sum(coef * moments[deg] for (deg,), coef in poly.terms()))


P = sp.sqrt(U) + eps0                      # the SDE's preconditioner sqrt U + eps0
v = U / lr ** 2                            # RMSprop's v in the scaling
g = gf + (sigma0 / lr) * z                 # the oracle, sigma = sigma0/lr; z carries the variance Sigma
dx = -lr * g / (sp.sqrt(v) + eps0 / lr)     # one step, denominator at v_k
dU = lr ** 2 * ((1 - c * lr ** 2) * v + c * lr ** 2 * g ** 2) - U
dt = lr ** 2

theorem = Theorem(
    id="rmsprop.sde",
    title="RMSprop's increments have the drift and diffusion of the derived RMSprop SDE (sigma = sigma0/lr, "
          "1 - beta = c lr^2, xi = eps0/lr, t = k lr^2)",
    algorithm="rmsprop",
    function_class="smooth",
    oracle="bounded_variance",
    constants=(),
    hyperparameters=(Quantity(lr, "step size, the SDE's sqrt(dt)"),),
    conditions=(Condition(sp.StrictLessThan(lr, 1 / sp.sqrt(c)), "c lr^2 < 1 (beta = 1 - c lr^2 > 0)"),),
    kind="property",
    chain=(
        ChainStep("the scaling is an RMSprop",
                  "beta = 1 - c lr^2 lies in (0, 1) when c lr^2 < 1; sqrt(v) + xi = (sqrt U + eps0)/lr",
                  (lt(0, 1 - c * lr ** 2, "beta > 0"), lt(1 - c * lr ** 2, 1, "beta < 1"),
                   zero(sp.sqrt(v) + eps0 / lr, P / lr, "sqrt(v) + xi = (sqrt U + eps0)/lr")),
                  DERIVED),
        ChainStep("drift of X",
                  "the increment is affine in z, so E[dx]/dt is its value at z = 0: -grad f/(sqrt U + eps0)",
                  (zero(sp.diff(dx, z, 2), 0, "dx is affine in z"),
                   zero(gaussian_mean(dx) / dt, -gf / P, "E[dx]/dt = -grad f/(sqrt U + eps0)")),
                  DERIVED),
        ChainStep("diffusion of X",
                  "E[dx^2]/dt = sigma0^2 Sigma/(sqrt U + eps0)^2 + lr^2 (grad f)^2/(sqrt U + eps0)^2: the diffusion "
                  "coefficient squared, up to O(lr^2)",
                  (zero(gaussian_mean(dx ** 2) / dt - sigma0 ** 2 * Sigma / P ** 2, lr ** 2 * gf ** 2 / P ** 2,
                        "E[dx^2]/dt - sigma0^2 Sigma/P^2 = lr^2 (grad f)^2/P^2"),),
                  DERIVED),
        ChainStep("drift of U, and no diffusion",
                  "E[dU]/dt = c (sigma0^2 Sigma - U) + c lr^2 (grad f)^2; Var(dU)/dt = c^2 lr^2 (2 sigma0^4 Sigma^2 + "
                  "4 lr^2 (grad f)^2 sigma0^2 Sigma), which vanishes as lr -> 0",
                  (zero(gaussian_mean(dU) / dt - c * (sigma0 ** 2 * Sigma - U), c * lr ** 2 * gf ** 2,
                        "E[dU]/dt - c (sigma0^2 Sigma - U) = c lr^2 (grad f)^2"),
                   zero((gaussian_mean(dU ** 2) - gaussian_mean(dU) ** 2) / dt,
                        c ** 2 * lr ** 2 * (2 * sigma0 ** 4 * Sigma ** 2 + 4 * lr ** 2 * gf ** 2 * sigma0 ** 2 * Sigma),
                        "Var(dU)/dt = c^2 lr^2 (2 sigma0^4 Sigma^2 + 4 lr^2 gf^2 sigma0^2 Sigma)")),
                  DERIVED),
    ),
    claims=(Claim("limit", "RMSprop is a first-order weak approximation of its SDE: |E phi(x_{t/lr^2}) - E phi(X_t)| "
                           "= O(lr^2) (checked: the fitted order of the weak error in lr)", MALLADI),),
    summary="In the scaling sigma = sigma0/lr, 1 - beta = c lr^2, xi = eps0/lr, U = lr^2 v, t = k lr^2 (which the "
            "square-root rule keeps), RMSprop's increments have the SDE's drift and diffusion to leading order; the "
            "weak error's order is measured by check on the card's example.",
)
