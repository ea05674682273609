"""rmsprop.det and rmsprop.stoch: RMSProp (torch convention) under bounded gradients, derived here.

    v_t = beta2 v_{t-1} + (1 - beta2) g_t^2   (v_0 = 0, no bias correction)
    x_{t+1} = x_t - lr g_t / (sqrt(v_t) + xi)          (coordinate-wise; xi outside the root)

De, Mukherjee, Ullah 2018 (arXiv 1807.06766) prove convergence to criticality for deterministic
and stochastic RMSProp; their theorem statements, constants and step sizes were NOT FOUND (card
baselines_and_de2018.md, sections 1.2 and 1.4; addenda_exact_statements.md section 1). The bounds
below are our own, under the assumptions a later paper attributes to them (bounded gradients),
and are tagged ``derived``; the papers' statements are kept as claims.

The one idea: the diagonal preconditioner 1/D_i, D_i = sqrt(v_i) + xi, is pinned between
1/(G + xi) and 1/xi, because v_i is an average of squares of numbers bounded by G.
"""
import sympy as sp

from ..model import (Assumption, ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, by_induction, le, lt, zero)
from ..symbols import Delta, G, L, T, beta2, eps, f, f_next, grad_sq, lr, sigma, xi
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS, SMOOTH

DERIVED = Source("derived", "derived in this project (proofs_notes/rmsprop.det.md) under De et al.'s assumptions "
                            "(L-smooth, bounded gradients); De et al.'s own bound NOT FOUND")
DERIVED_STOCH = Source("derived", "derived in this project (proofs_notes/rmsprop.stoch.md): decorrelated "
                                  "preconditioner sqrt(beta2 v_{t-1}) + xi; De et al.'s own bound NOT FOUND")
DMU = Source("claim", "De, Mukherjee, Ullah 2018 (arXiv 1807.06766) abstract [P-abs]: RMSProp reaches criticality "
                      "on smooth nonconvex objectives with running-time bounds; theorem, constants, order NOT FOUND")

BOUNDED_GRADIENT = Assumption("bounded gradient", "||grad f(x)||_inf <= G for every x", ("G",))

# per-coordinate symbols of the chain: g_i^2, D_i = sqrt(v_i) + xi, the step index t
gi2, D = sp.symbols("g_i2 D_i", positive=True)
t = sp.Symbol("t", positive=True, integer=True)


# -- the preconditioner's range, shared with the stochastic theorem ---------------------------
# W(t) = sum_{s=1}^t (1 - beta2) beta2^(t-s) = sum_{j<t} (1 - beta2) beta2^j: the weights by age j
EMA_WEIGHTS = 1 - beta2 ** t
PRECONDITIONER = ChainStep(
    "preconditioner range",
    "v_t,i = sum_{s<=t} (1 - beta2) beta2^(t-s) g_s,i^2; its weights sum to W(t) = 1 - beta2^t <= 1 (by "
    "induction on t), so 0 <= v_t,i <= G^2 and D_i = sqrt(v_t,i) + xi lies in [xi, G + xi]",
    (*by_induction(EMA_WEIGHTS, 1 - beta2, (1 - beta2) * beta2 ** t, t),
     le(EMA_WEIGHTS, 1, "1 - beta2^t <= 1")),
    DERIVED)

# -- rmsprop.det --------------------------------------------------------------------------------
keep = 1 - L * lr / (2 * xi)                       # what the curvature term leaves of each step
coef = lr * keep / (G + xi)                        # guaranteed decrease per unit ||grad f||^2
rate = Delta / (T * coef)
T_eps = Delta / (eps ** 2 * coef)
IN_RANGE = (Condition(sp.StrictGreaterThan(D, xi), "D_i > xi"), Condition(sp.StrictLessThan(D, G + xi), "D_i < G + xi"))

det = Theorem(
    id="rmsprop.det",
    title="Deterministic RMSProp on L-smooth functions with bounded gradients (derived)",
    algorithm="rmsprop",
    function_class="L-smooth",
    oracle="exact",
    constants=(*CONSTANTS, Quantity(G, "gradient bound ||grad f||_inf <= G")),  # L, Delta, G
    hyperparameters=(Quantity(xi, "denominator shift sqrt(v) + xi (torch eps)"),
                     Quantity(beta2, "second-moment EMA coefficient (torch alpha)", sp.Integer(0), sp.Integer(1),
                              closed_lo=True),
                     Quantity(lr, "step size")),
    assumptions=(SMOOTH, BOUNDED_BELOW, BOUNDED_GRADIENT),
    prescription={"lr": Formula(xi / L, DERIVED)},
    conditions=(Condition(sp.StrictLessThan(lr, 2 * xi / L), "lr < 2 xi / L"),),
    one_step=OneStep(f_next, f - coef * grad_sq, DERIVED, coefficient=coef,
                     statement="f(x_{t+1}) <= f(x_t) - lr (1 - L lr/(2 xi)) ||grad f(x_t)||^2 / (G + xi)"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta (G + xi) / (T lr (1 - L lr/(2 xi)))"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        PRECONDITIONER,
        ChainStep("descent lemma, per coordinate",
                  "L-smoothness at y = x - lr g/D gives f(y) <= f(x) - lr sum_i g_i^2/D_i + (L lr^2/2) sum_i "
                  "g_i^2/D_i^2; as D_i >= xi each curvature term is at most (L lr/(2 xi)) times its first-order "
                  "term",
                  (le(-lr * gi2 / D + L * lr ** 2 * gi2 / (2 * D ** 2), -lr * keep * gi2 / D,
                      "-lr g^2/D + (L lr^2/2) g^2/D^2 <= -lr (1 - L lr/(2 xi)) g^2/D"),),
                  DERIVED, assume=IN_RANGE),
        ChainStep("worst preconditioner",
                  "with lr < 2 xi/L the factor lr (1 - L lr/(2 xi)) is positive and 1/D_i >= 1/(G + xi), so the "
                  "sum is at least coef ||g||^2: the one-step inequality",
                  (lt(0, keep, "1 - L lr/(2 xi) > 0"),
                   le(-lr * keep * gi2 / D, -coef * gi2, "-lr keep g^2/D <= -lr keep g^2/(G + xi)")),
                  DERIVED, assume=IN_RANGE),
        ChainStep("telescoping", "summing over t < T: coef T min_t ||grad f(x_t)||^2 <= f(x_0) - f(x_T) <= Delta",
                  (zero(rate * T * coef, Delta, "rate * T * coef = Delta"),), DERIVED),
        ChainStep("complexity", "T >= T(eps) makes the rate at most eps^2 (the rate decreases in T)",
                  (zero(rate.subs(T, T_eps), eps ** 2, "rate(T(eps)) = eps^2"),
                   le(sp.diff(rate, T), 0, "d rate/dT <= 0")), DERIVED),
        ChainStep("at lr = xi/L", "the prescribed step halves the curvature loss: coef = xi/(2 L (G + xi)), "
                  "T(eps) = 2 L Delta (G + xi)/(xi eps^2), which blows up as xi -> 0",
                  (zero(coef.subs(lr, xi / L), xi / (2 * L * (G + xi))),
                   zero(T_eps.subs(lr, xi / L), 2 * L * Delta * (G + xi) / (xi * eps ** 2))), DERIVED),
    ),
    claims=(Claim("order", "De et al. [P-abs]: deterministic RMSProp reaches criticality with a running-time bound "
                           "(order NOT FOUND); checked: our T(eps) has the optimal deterministic order eps^-2 "
                           "(lower.det)", DMU, sp.Integer(2)),),
    summary="RMSProp with lr < 2 xi/L finds an eps-stationary point in 2 L Delta (G + xi)/(xi eps^2) steps at "
            "lr = xi/L: order eps^-2, but the constant grows like 1/xi.",
)

# -- rmsprop.stoch --------------------------------------------------------------------------------
# E_t<grad f, g/D> >= sum grad_i^2/Dt_i - sqrt(1-beta2) G E||g||^2 / xi^2 with the decorrelated
# Dt = sqrt(beta2 v_{t-1}) + xi, and E||g||^2 <= ||grad f||^2 + sigma^2 (unbiased, variance sigma^2).
root = sp.sqrt(1 - beta2)
lag = root * G / xi ** 2                           # price of D_t depending on g_t
curv = L * lr / (2 * xi ** 2)                      # curvature, per unit E||g||^2
c_st = lr * (1 / (G + xi) - lag - curv)
b_st = lr * sigma ** 2 * (lag + curv)
rate_st = Delta / (c_st * T) + b_st / c_st

theta = eps ** 2 / (4 * (sigma ** 2 + eps ** 2))   # the share of 1/(G + xi) each loss may take
lr_eps = 2 * xi ** 2 * theta / (L * (G + xi))
beta2_eps = 1 - (xi ** 2 * theta / (G * (G + xi))) ** 2
T_st = Delta * L * (G + xi) ** 2 / (xi ** 2 * theta * (1 - 2 * theta) * eps ** 2)
at_eps = {lr: lr_eps, beta2: beta2_eps}
gt, dt_ = sp.symbols("g_t Dt_i", positive=True)  # |g_t,i| and the decorrelated denominator
p_, q_, r_, C_, B_ = sp.symbols("p q r c b", positive=True)

stoch = Theorem(
    id="rmsprop.stoch",
    title="Stochastic RMSProp with bounded, unbiased gradients (derived; beta2 -> 1 as eps -> 0)",
    algorithm="rmsprop",
    function_class="L-smooth",
    oracle="bounded",
    constants=(*det.constants, Quantity(sigma, "oracle noise: E||g - grad f||^2 <= sigma^2", closed_lo=True)),
    hyperparameters=det.hyperparameters,
    assumptions=(SMOOTH, BOUNDED_BELOW,
                 Assumption("bounded oracle", "E g = grad f(x), E||g - grad f(x)||^2 <= sigma^2, independent "
                                              "across steps, and ||g||_inf <= G almost surely", ("sigma", "G"))),
    prescription={"lr": Formula(lr_eps, DERIVED_STOCH), "beta2": Formula(beta2_eps, DERIVED_STOCH)},
    conditions=(Condition(sp.StrictGreaterThan(beta2, 1 - xi ** 4 / (G ** 2 * (G + xi) ** 2)),
                          "beta2 > 1 - xi^4/(G^2 (G + xi)^2)"),
                Condition(sp.StrictLessThan(lr, 2 * xi ** 2 * (1 / (G + xi) - lag) / L),
                          "lr < 2 xi^2 (1/(G + xi) - sqrt(1 - beta2) G/xi^2)/L")),
    rate=Rate("expected_grad_sq_random_index", Formula(rate_st, DERIVED_STOCH),
              "E (1/T) sum_{t<T} ||grad f(x_t)||^2 <= Delta/(c T) + b/c with c = lr (1/(G+xi) - sqrt(1-beta2) G/xi^2"
              " - L lr/(2 xi^2)), b = lr sigma^2 (sqrt(1-beta2) G/xi^2 + L lr/(2 xi^2))", expectation=True),
    rate_at_prescription=Formula(rate_st.subs(at_eps), DERIVED_STOCH),
    complexity=Formula(sp.ceiling(T_st), DERIVED_STOCH),
    chain=(
        PRECONDITIONER,
        ChainStep("decorrelation",
                  "D_t,i >= Dt_i = sqrt(beta2 v_{t-1,i}) + xi >= xi, and with p = sqrt(beta2 v_{t-1,i}), "
                  "q = sqrt(1 - beta2)|g_t,i|: D_t,i - Dt_i = sqrt(p^2 + q^2) - p <= q. So "
                  "|g_i/D_i - g_i/Dt_i| = |g_i| (D_i - Dt_i)/(D_i Dt_i) <= sqrt(1 - beta2) g_i^2/Dt_i^2 <= "
                  "sqrt(1 - beta2) g_i^2/xi^2; with |grad_i| <= G and E_t g_i = grad_i this costs at most "
                  "sqrt(1-beta2) G (||grad f||^2 + sigma^2)/xi^2 of E_t<grad f, g/D>",
                  (le(p_ ** 2 + q_ ** 2, (p_ + q_) ** 2, "sqrt(p^2 + q^2) <= p + q"),
                   le(r_ * gt ** 2 / dt_ ** 2, r_ * gt ** 2 / xi ** 2, "r g^2/Dt^2 <= r g^2/xi^2, r = sqrt(1-beta2)")),
                  DERIVED_STOCH, assume=(Condition(sp.StrictGreaterThan(dt_, xi), "Dt_i > xi"),)),
        ChainStep("expected descent",
                  "E_t f(x_{t+1}) <= f(x_t) - lr ||grad f||^2/(G + xi) + lr lag (||grad f||^2 + sigma^2) + "
                  "(L lr^2/(2 xi^2))(||grad f||^2 + sigma^2) = f(x_t) - c ||grad f||^2 + b",
                  (zero(-lr * grad_sq / (G + xi) + (lr * lag + L * lr ** 2 / (2 * xi ** 2)) * (grad_sq + sigma ** 2),
                        -c_st * grad_sq + b_st),), DERIVED_STOCH),
        ChainStep("beta2 condition", "with r = sqrt(1 - beta2), the beta2 condition is r < xi^2/(G (G + xi)), "
                  "which makes lr_max = 2 xi^2 (1/(G + xi) - r G/xi^2)/L positive",
                  (lt(r_ * G / xi ** 2, 1 / (G + xi), "r G/xi^2 < 1/(G + xi)"),), DERIVED_STOCH,
                  assume=(Condition(sp.StrictLessThan(r_, xi ** 2 / (G * (G + xi))), "r < xi^2/(G (G + xi))"),)),
        ChainStep("positive decrease", "c = (L lr/(2 xi^2)) (lr_max - lr): a product of two positive factors "
                  "(0 < lr < lr_max by the lr condition, lr_max > 0 by the previous step)",
                  (zero(c_st, L * lr / (2 * xi ** 2) * (2 * xi ** 2 * (1 / (G + xi) - lag) / L - lr)),),
                  DERIVED_STOCH),
        ChainStep("telescoping", "summing over t < T and taking expectations: c E sum ||grad f(x_t)||^2 <= Delta + T b",
                  (zero(rate_st * T * c_st, Delta + T * b_st),), DERIVED_STOCH),
        ChainStep("prescription",
                  "with theta = eps^2/(4 (sigma^2 + eps^2)), lr = 2 xi^2 theta/(L (G+xi)) and 1 - beta2 = "
                  "(xi^2 theta/(G (G+xi)))^2, each loss takes theta/(G+xi): c = lr (1 - 2 theta)/(G + xi) and the "
                  "noise floor b/c = 2 theta sigma^2/(1 - 2 theta) <= eps^2/2",
                  (zero(c_st.subs(at_eps), lr_eps * (1 - 2 * theta) / (G + xi)),
                   le((b_st / c_st).subs(at_eps), eps ** 2 / 2, "noise floor <= eps^2/2"),
                   lt(1 - xi ** 4 / (G ** 2 * (G + xi) ** 2), beta2_eps, "the prescribed beta2 meets its condition"),
                   lt(lr_eps, (2 * xi ** 2 * (1 / (G + xi) - lag) / L).subs(at_eps),
                      "the prescribed lr meets its condition")),
                  DERIVED_STOCH),
        ChainStep("complexity", "at T(eps) the optimisation term is eps^2/2, so the rate is at most eps^2",
                  (zero((Delta / (c_st * T)).subs(at_eps).subs(T, T_st), eps ** 2 / 2),
                   le(sp.diff(Delta / (C_ * T) + B_ / C_, T), 0, "Delta/(c T) + b/c decreases in T (c > 0)")),
                  DERIVED_STOCH),
    ),
    claims=(Claim("order", "De et al. [P-abs]: stochastic RMSProp reaches criticality with a running-time bound "
                           "(order NOT FOUND); checked: our T(eps) has order eps^-4, the order of lower.stoch (stated "
                           "for bounded-variance oracles; whether it binds a.s.-bounded ones is not checked here)",
                  DMU, sp.Integer(4)),),
    summary="Stochastic RMSProp with beta2 -> 1 and lr ~ eps^2 reaches E||grad f||^2 <= eps^2 in "
            "O(L Delta (G + xi)^2 sigma^2/(xi^2 eps^4)) steps; at fixed beta2 < 1 its floor does not vanish.",
)
