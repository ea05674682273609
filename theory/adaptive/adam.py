"""adam.det and adam.stoch: Adam (torch convention) under bounded gradients.

    m_k = beta1 m_{k-1} + (1 - beta1) g_k,   v_k = beta2 v_{k-1} + (1 - beta2) g_k^2,   (k = 1, 2, ...)
    mhat_k = m_k/(1 - beta1^k),   vhat_k = v_k/(1 - beta2^k),
    x_k = x_{k-1} - lr mhat_k/(sqrt(vhat_k) + xi)                    (g_k = grad f(x_{k-1}))

De, Mukherjee, Ullah 2018 prove that deterministic ADAM reaches criticality in bounded time; the
theorem, its conditions on beta1 and its bound were NOT FOUND (cards). adam.det is our own bound,
tagged ``derived``: bias correction makes mhat and vhat convex combinations, so the preconditioner
lies in [1/(G + xi), 1/xi] as for RMSProp, and mhat lags the current gradient by at most
delta = L lr G2 beta1/(xi (1 - beta1)) because every step moves x by at most lr G2/xi. The lag
leaves a floor b/c in the rate; reaching eps needs beta1 below a threshold that shrinks with eps.

adam.stoch keeps only a claim (order eps^-4) checked by an empirical order fit: we could not
close a certified bound for stochastic Adam with momentum.
"""
import sympy as sp

from ..model import (Assumption, ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, by_induction, le, lt, zero)
from ..symbols import Delta, G, G2, L, T, beta1, beta2, eps, f, f_next, grad_sq, lr, sigma, xi
from ..baselines.gd_smooth import BOUNDED_BELOW, SMOOTH
from .rmsprop import BOUNDED_GRADIENT
from .rmsprop import det as rmsprop_det

DERIVED = Source("derived", "derived in this project (proofs_notes/adam.det.md) under De et al.'s assumptions "
                            "(L-smooth, bounded gradients); De et al.'s bound and beta1 regime NOT FOUND")
DMU = Source("claim", "De, Mukherjee, Ullah 2018 (arXiv 1807.06766) abstract [P-abs]: deterministic ADAM reaches "
                      "criticality in bounded time on smooth nonconvex objectives; its beta1 condition and bound "
                      "NOT FOUND")

a, e, dl = sp.symbols("a e delta", positive=True)   # ||grad f(x_t)||, ||mhat - g||, a lag bound
u = sp.Symbol("u", real=True)                         # beta1^k, bounded by the step's assumptions
k = sp.Symbol("k", positive=True, integer=True)

delta = L * lr * G2 * beta1 / (xi * (1 - beta1))        # bound on ||mhat_k - grad f(x_{k-1})||
coef = lr * (sp.Rational(3, 4) / (G + xi) - L * lr / xi ** 2)


def floor_of(lag):
    """b: what Young's inequality leaves per step for a momentum lag bound ``lag``."""
    return lag ** 2 * lr * (G + xi + L * lr) / xi ** 2


floor_b = floor_of(delta)

rate = Delta / (coef * T) + floor_b / coef
T_eps = 2 * Delta / (coef * eps ** 2)


def descent(lag):
    """f(x_t) - lr <g, mhat/D> + (L lr^2/2)||mhat/D||^2, bounded with ||mhat - g|| = lag and D in [xi, G + xi]."""
    return f - lr * (a ** 2 / (G + xi) - a * lag / xi) + L * lr ** 2 * (a + lag) ** 2 / (2 * xi ** 2)


young_gap = lr * (a / (2 * sp.sqrt(G + xi)) - dl * sp.sqrt(G + xi) / xi) ** 2 + L * lr ** 2 * (a - dl) ** 2 / (2 * xi ** 2)
eps_min = sp.sqrt(2 * floor_b / coef)                    # the accuracy the momentum floor allows
# closed forms, each proved by induction in the chain: sum_{s=1}^k (1 - beta1) beta1^(k-s) = 1 - beta1^k
# and A(k) = sum_{j=0}^{k-1} j beta1^j = (beta1 - k beta1^k + (k - 1) beta1^(k+1))/(1 - beta1)^2
weight_sum = 1 - beta1 ** k
age_sum = (beta1 - k * beta1 ** k + (k - 1) * beta1 ** (k + 1)) / (1 - beta1) ** 2
mean_lag = (1 - beta1) * age_sum / weight_sum     # sum_s w_s (k - s), the weights' mean age

HYPERPARAMETERS = (Quantity(xi, "denominator shift sqrt(vhat) + xi (torch eps)"),
                   Quantity(beta1, "first-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                   Quantity(beta2, "second-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                   Quantity(lr, "step size"))

det = Theorem(
    id="adam.det",
    title="Deterministic Adam (bias-corrected) on L-smooth functions with bounded gradients (derived)",
    algorithm="adam",
    function_class="L-smooth",
    oracle="exact",
    constants=(*rmsprop_det.constants, Quantity(G2, "gradient bound ||grad f||_2 <= G2")),
    hyperparameters=HYPERPARAMETERS,
    assumptions=(SMOOTH, BOUNDED_BELOW, BOUNDED_GRADIENT,
                 Assumption("bounded gradient (l2)", "||grad f(x)||_2 <= G2 for every x", ("G2",))),
    prescription={"lr": Formula(3 * xi ** 2 / (8 * L * (G + xi)), DERIVED)},
    conditions=(Condition(sp.StrictLessThan(lr, 3 * xi ** 2 / (4 * L * (G + xi))), "lr < 3 xi^2/(4 L (G + xi))"),
                Condition(sp.GreaterThan(eps, eps_min), "eps >= sqrt(2 b/c)  (the momentum floor; for T(eps) only)")),
    one_step=OneStep(f_next, descent(delta).subs(a, sp.sqrt(grad_sq)), DERIVED, coefficient=coef,
                     statement="f(x_{t+1}) <= f(x_t) - lr (|g|^2/(G+xi) - |g| delta/xi) + L lr^2 (|g| + delta)^2/"
                               "(2 xi^2), |g| = ||grad f(x_t)||, delta = L lr G2 beta1/(xi (1 - beta1))"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta/(c T) + b/c, c = lr (3/(4 (G+xi)) - L lr/xi^2), "
              "b = delta^2 lr (G + xi + L lr)/xi^2"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("bias-corrected averages",
                  "the weights (1 - beta1) beta1^(k-s), s = 1..k, sum to 1 - beta1^k (induction), so after bias "
                  "correction they sum to one (likewise for beta2): "
                  "mhat and vhat are convex combinations, so |mhat_i| <= G, ||mhat||_2 <= G2, vhat_i <= G^2 and "
                  "D_i = sqrt(vhat_i) + xi lies in [xi, G + xi]; each step moves x by at most lr G2/xi",
                  by_induction(weight_sum, 1 - beta1, (1 - beta1) * beta1 ** k, k), DERIVED),
        ChainStep("mean lag",
                  "under those weights the mean age k - s of a gradient, (1 - beta1) A(k)/(1 - beta1^k) with "
                  "A(k) = sum_{j<k} j beta1^j (closed form by induction), is at most beta1/(1 - beta1): "
                  "beta1/(1-beta1) - mean age = k beta1^k/(1 - beta1^k) >= 0 (u = beta1^k lies in (0, 1))",
                  (*by_induction(age_sum, 0, k * beta1 ** k, k),
                   zero(beta1 / (1 - beta1) - mean_lag, k * beta1 ** k / (1 - beta1 ** k)),
                   le(0, k * u / (1 - u), "k u/(1 - u) >= 0")),
                  DERIVED, assume=(Condition(sp.StrictGreaterThan(u, 0), "u = beta1^k > 0"),
                                   Condition(sp.StrictLessThan(u, 1), "u = beta1^k < 1"))),
        ChainStep("momentum error",
                  "||mhat_k - g_k|| <= sum_s w_s ||g_s - g_k|| <= sum_s w_s L (k - s) lr G2/xi = (L lr G2/xi) "
                  "(mean age) <= delta, by the mean lag",
                  (le(L * lr * G2 / xi * mean_lag.subs(beta1 ** k, u).subs(beta1 ** (k + 1), beta1 * u), delta,
                      "(L lr G2/xi) mean age <= delta"),),
                  DERIVED, assume=(Condition(sp.StrictGreaterThan(u, 0), "u = beta1^k > 0"),
                                   Condition(sp.StrictLessThan(u, 1), "u = beta1^k < 1"))),
        ChainStep("descent lemma",
                  "with D_i in [xi, G+xi]: <g, mhat/D> >= ||g||^2/(G+xi) - ||g|| ||mhat - g||/xi and "
                  "||mhat/D||^2 <= (||g|| + ||mhat - g||)^2/xi^2; the bound increases in ||mhat - g|| <= delta",
                  (le(0, sp.diff(descent(e), e), "d/de of the bound >= 0"),), DERIVED),
        ChainStep("Young's inequality",
                  "lr a delta/xi <= lr a^2/(4 (G+xi)) + lr (G+xi) delta^2/xi^2 and (a + delta)^2 <= 2 a^2 + 2 delta^2 "
                  "turn the one-step inequality into f(x_{t+1}) <= f(x_t) - c a^2 + b",
                  (zero(f - coef * a ** 2 + floor_of(dl) - descent(dl), young_gap,
                        "(f - c a^2 + b) - one-step bound = a sum of squares"),
                   le(0, young_gap, "the sum of squares is >= 0")), DERIVED),
        ChainStep("positive decrease", "lr < 3 xi^2/(4 L (G + xi)) makes c > 0", (lt(0, coef, "c > 0"),), DERIVED),
        ChainStep("telescoping", "summing over t < T: c T min_t ||grad f(x_t)||^2 <= Delta + T b",
                  (zero(rate * T * coef, Delta + T * floor_b),), DERIVED),
        ChainStep("momentum floor",
                  "the accuracy must clear the floor, eps >= eps_min = sqrt(2 b/c); then b/c <= eps^2/2. eps_min is "
                  "delta sqrt(2 lr (G + xi + L lr)/c)/xi: linear in beta1/(1 - beta1), so reaching eps at a fixed lr "
                  "needs beta1/(1 - beta1) = O(eps)",
                  (le(floor_b / coef, eps ** 2 / 2, "b/c <= eps^2/2"),
                   zero(eps_min ** 2, delta ** 2 * 2 * lr * (G + xi + L * lr) / (coef * xi ** 2), "eps_min^2 is delta^2 times a constant")),
                  DERIVED),
        ChainStep("complexity", "at T(eps) = 2 Delta/(c eps^2) the first term is eps^2/2 (and it decreases in T)",
                  (zero((Delta / (coef * T)).subs(T, T_eps), eps ** 2 / 2),
                   le(sp.diff(rate, T), 0, "the rate decreases in T")), DERIVED),
    ),
    claims=(Claim("criticality", "De et al.: deterministic ADAM reaches criticality in bounded time. Our derived "
                                 "T(eps) = 2 Delta/(c eps^2) is finite for every eps above the momentum floor "
                                 "eps_min ~ beta1/(1 - beta1) lr: order eps^-2 when beta1/(1 - beta1) = O(eps); at "
                                 "fixed beta1 > 0 only lr = O(eps) reaches eps (order eps^-3)", DMU),),
    summary="Bias-corrected Adam with lr < 3 xi^2/(4 L (G + xi)) reaches min ||grad f||^2 <= Delta/(cT) + b/c; "
            "the momentum floor b/c ~ (beta1/(1 - beta1))^2 lr^2 must fall below eps^2/2.",
)

stoch = Theorem(
    id="adam.stoch",
    title="Stochastic Adam: the claimed order, checked by an empirical order fit (no certified bound)",
    algorithm="adam",
    function_class="L-smooth",
    oracle="bounded_variance",
    constants=(Quantity(L, "gradient Lipschitz constant (L-smooth)"),
               Quantity(sigma, "oracle noise: E||g - grad f||^2 <= sigma^2")),
    hyperparameters=HYPERPARAMETERS,
    assumptions=(SMOOTH, Assumption("bounded variance", "E g = grad f(x), E||g - grad f(x)||^2 <= sigma^2, "
                                                        "independent across steps", ("sigma",))),
    prescription={"lr": Formula(eps ** 2 / (4 * L * sigma),
                                Source("derived", "our regime for the order fit: Adam with noise-dominated "
                                                  "moments moves like SGD with step lr/sigma, whose floor "
                                                  "~ L lr sigma must sit below eps^2 (proofs_notes/adam.stoch.md)"))},
    claims=(Claim("order", "O(eps^-4) for stochastic Adam with bounded-variance gradients. No paper's order was "
                           "read (De et al.'s stochastic ADAM statement NOT FOUND); eps^-4 is the order SGD attains "
                           "(sgd.smooth) and no method beats (lower.stoch), so it is the order to hold Adam to. "
                           "Checked as an upper bound: the measured exponent of T(eps) must not exceed it",
                  Source("claim", "no published Adam order read; the reference order is sgd.smooth's and "
                                  "lower.stoch's (cards B2, B4)"), sp.Integer(4)),),
    summary="No certified bound: the claimed eps^-4 order is compared with the fitted exponent of T(eps).",
)
