"""rmsprop.l0l1_affine and adam.l0l1_affine: RMSProp and Adam on coordinate-wise (L0,L1)-smooth functions
with affine noise variance, the claimed O(eps^-4) kept as a claim and checked by an empirical order fit.

Zhang, Zhou, Zou (arXiv 2404.01436, TMLR 2025; card generalized_smoothness_zhang2024.md) [P-abs]: RMSProp and
Adam reach an eps-stationary point in O(eps^-4) iterations under coordinate-wise generalized smoothness and
coordinate-wise affine second-moment growth, with the regulariser inside the square root [S, Jin et al.
App. A.2]. Everything else is NOT FOUND (card sections 3-6): the exact (L0,L1) inequality, the noise
constants' names, the updates (bias correction, v_t or v_{t-1}, m_0, v_0), the hyperparameters (eta, beta2,
the beta1 condition, the regulariser), the constants and the stationarity measure. So no bound is encoded
and the chain is empty: the certificate is "unverified", the order claim is checked by runs only.

The algorithms run here (the reference's, xi_root the shift inside the root):

    rmsprop_root (optax convention, no bias correction, v_0 = 0):
        v_{t+1} = beta2 v_t + (1 - beta2) g_t^2,   x_{t+1} = x_t - lr g_t/sqrt(v_{t+1} + xi_root)
    adam (torch's bias correction, xi = 0 outside the root):
        x_{t+1} = x_t - lr mhat_{t+1}/sqrt(vhat_{t+1} + xi_root)

The regime (ours, tagged derived; proofs_notes/rmsprop.l0l1_affine.md has the sketch):

    lr    = eps^2/(4 L0 sqrt(D0 + xi_root))            the noise floor ~ lr L0 D0/sqrt(D0 + xi_root) < eps^2
    beta2 = 1 - (2 L1 sqrt(D1) lr)^2                    so lr/sqrt(1 - beta2) = 1/(2 L1 sqrt(D1))

The second line uses a fact that holds whatever the noise: v_{t+1} >= (1 - beta2) g_t^2, so every
coordinate of an RMSProp step is at most lr |g|/sqrt((1 - beta2) g^2) <= lr/sqrt(1 - beta2). Tying
1 - beta2 to lr^2 therefore keeps every move inside the (L0,L1) radius (c/L1, c = 1/(2 sqrt(D1)) <= 1/2) at
every eps, and 1 - beta2 ~ eps^4 is the balance rmsprop.stoch certifies under bounded gradients
(sqrt(1 - beta2) ~ lr ~ eps^2). For Adam (bias-corrected) the bound is lr/sqrt((1 - beta2)(1 - beta1^2/beta2))
(Cauchy-Schwarz over the EMA weights), which is why beta1^2 < beta2 is a condition. xi_root is the setup's
(the paper's value NOT FOUND; the default setups use xi_root = D0). The conditions are an eps small enough for
beta2 > 0 (RMSProp) and, for Adam, eps < EPS_MAX (1 - beta1^2)^(1/4), which makes the prescribed beta2 exceed
beta1^2 (the earlier Adam condition eps < EPS_MAX left the prescription violating beta1^2 < beta2 for
eps close to EPS_MAX; fixed), with beta1^2 < beta2 itself; the order fit does not judge them, so ladders must respect them.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS
from ..model import Assumption, Claim, Condition, Formula, Quantity, Source, Theorem
from ..symbols import beta1, beta2, D0, D1, eps, lr, xi, xi_root
from .descent import L0, L1


ZZZ = Source("claim", "Zhang, Zhou, Zou, arXiv 2404.01436 (TMLR 2025), abstract [P-abs]: O(eps^-4) iterations for "
                      "RMSProp and for Adam under coordinate-wise generalized smoothness and affine noise variance; "
                      "the theorems' hyperparameters, constants and stationarity measure NOT FOUND "
                      "(card generalized_smoothness_zhang2024.md sections 2, 5)")
REGIME = Source("derived", "our regime for the order fit, not the paper's (NOT FOUND): lr ~ eps^2 keeps the "
                           "preconditioned-SGD noise floor below eps^2, and 1 - beta2 = (2 L1 sqrt(D1) lr)^2 caps every "
                           "coordinate's move at lr/sqrt(1 - beta2) = 1/(2 L1 sqrt(D1)), inside the (L0,L1) radius; "
                           "a heuristic, not a proof (proofs_notes/rmsprop.l0l1_affine.md)")

COORDINATEWISE = Assumption(
    "coordinate-wise (L0,L1)-smooth",
    "per coordinate |d_ii f(x)| <= L0_i + L1_i |d_i f(x)| and |d_i f(y) - d_i f(x)| <= B(c)(L0_i + L1_i |d_i f(x)|) "
    "|y_i - x_i| for |y_i - x_i| <= c/L1_i (the separable form the reference proves); L0 = max_i L0_i, "
    "L1 = max_i L1_i. The paper's exact form (1/sqrt(d) scaling, radius) NOT FOUND",
    ("L0", "L1"))
AFFINE = Assumption(
    "affine noise variance",
    "E g = grad f(x) and, per coordinate, E g_i^2 <= D0 + D1 (d_i f(x))^2, independent across steps (the card's "
    "second-moment form; the paper's constants' names NOT FOUND)", ("D0", "D1"))

CONSTANTS_AFFINE = (Quantity(L0, "coordinate-wise (L0,L1) constant: max_i L0_i"),
                    Quantity(L1, "coordinate-wise (L0,L1) constant: max_i L1_i"),
                    Quantity(D0, "affine noise: the constant part of E g_i^2", closed_lo=True),
                    Quantity(D1, "affine noise: the gradient-proportional part (>= 1 for an unbiased oracle)",
                             sp.Integer(1), closed_lo=True),
                    CONSTANTS[1])  # Delta

LR = eps ** 2 / (4 * L0 * sp.sqrt(D0 + xi_root))
BETA2 = 1 - (2 * L1 * sp.sqrt(D1) * LR) ** 2
MOVE = 1 / (2 * L1 * sp.sqrt(D1))   # lr/sqrt(1 - beta2) at the prescription: the largest move of a coordinate
EPS_MAX = sp.sqrt(2 * L0 * sp.sqrt(D0 + xi_root) / (L1 * sp.sqrt(D1)))  # eps < EPS_MAX <=> prescribed beta2 > 0
EPS_CONDITION = Condition(sp.StrictLessThan(eps, EPS_MAX),
                          "eps^2 < 2 L0 sqrt(D0 + xi_root)/(L1 sqrt(D1))  (the prescribed beta2 is then > 0: the "
                          "regime is asymptotic, eps -> 0)")

EPS_CONDITION_ADAM = Condition(
    sp.StrictLessThan(eps, EPS_MAX * (1 - beta1 ** 2) ** sp.Rational(1, 4)),
    "eps^2 < 2 L0 sqrt(D0 + xi_root) sqrt(1 - beta1^2)/(L1 sqrt(D1))  (the prescribed beta2 is then > beta1^2 >= 0: "
    "(2 L1 sqrt(D1) lr)^2 < 1 - beta1^2)")

# eps > 0 restated as a condition: the prescription links read only the conditions on unprescribed symbols
EPS_POSITIVE = Condition(sp.StrictGreaterThan(eps, 0, evaluate=False), "eps > 0")

XI_ROOT = Quantity(xi_root, "shift inside the square root, sqrt(v + xi_root) (the paper's regulariser; value NOT FOUND)")
BETA2_Q = Quantity(beta2, "second-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True)

CLAIM_TEXT = ("Zhang, Zhou, Zou [P-abs]: {alg} reaches an eps-stationary point in O(eps^-4) iterations under "
              "coordinate-wise (L0,L1)-smoothness and affine noise variance. Their hyperparameters and measure NOT "
              "FOUND; checked here in our regime (lr ~ eps^2, 1 - beta2 ~ eps^4) on the measure "
              "E (1/T) sum_{{t<T}} ||grad f(x_t)||^2 as an upper-bound order: the fitted exponent of T(eps) must not "
              "exceed it")

rmsprop = Theorem(
    id="rmsprop.l0l1_affine",
    title="RMSProp (shift inside the root) on coordinate-wise (L0,L1)-smooth functions with affine noise: the "
          "claimed order, checked by an empirical order fit (no certified bound)",
    algorithm="rmsprop_root",
    function_class="coordinate-wise (L0,L1)-smooth",
    oracle="affine_variance",
    constants=CONSTANTS_AFFINE,
    hyperparameters=(XI_ROOT, BETA2_Q, Quantity(lr, "step size")),
    assumptions=(COORDINATEWISE, AFFINE, BOUNDED_BELOW),
    prescription={"lr": Formula(LR, REGIME), "beta2": Formula(BETA2, REGIME)},
    conditions=(EPS_POSITIVE, EPS_CONDITION),
    claims=(Claim("order", CLAIM_TEXT.format(alg="RMSProp"), ZZZ, sp.Integer(4)),),
    summary="No certified bound: Zhang-Zhou-Zou's O(eps^-4) for RMSProp is compared with the fitted exponent of "
            "T(eps) at lr = eps^2/(4 L0 sqrt(D0 + xi_root)), 1 - beta2 = (2 L1 sqrt(D1) lr)^2.",
)

adam = Theorem(
    id="adam.l0l1_affine",
    title="Adam (shift inside the root) on coordinate-wise (L0,L1)-smooth functions with affine noise: the "
          "claimed order, checked by an empirical order fit (no certified bound)",
    algorithm="adam",
    function_class="coordinate-wise (L0,L1)-smooth",
    oracle="affine_variance",
    constants=CONSTANTS_AFFINE,
    hyperparameters=(XI_ROOT,
                     Quantity(xi, "shift outside the square root: 0 here (the paper's regulariser is inside)",
                              closed_lo=True),
                     Quantity(beta1, "first-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                     BETA2_Q, Quantity(lr, "step size")),
    assumptions=(COORDINATEWISE, AFFINE, BOUNDED_BELOW),
    prescription={"lr": Formula(LR, REGIME), "beta2": Formula(BETA2, REGIME)},
    conditions=(EPS_POSITIVE, EPS_CONDITION_ADAM,
                Condition(sp.StrictGreaterThan(beta2, beta1 ** 2),
                          "beta1^2 < beta2 (bounds |mhat_i|/sqrt(vhat_i), hence every move, by Cauchy-Schwarz)"),),
    claims=(Claim("order", CLAIM_TEXT.format(alg="Adam"), ZZZ, sp.Integer(4)),),
    summary="No certified bound: Zhang-Zhou-Zou's O(eps^-4) for Adam is compared with the fitted exponent of T(eps) "
            "at lr = eps^2/(4 L0 sqrt(D0 + xi_root)), 1 - beta2 = (2 L1 sqrt(D1) lr)^2, fixed beta1 with "
            "beta1^2 < beta2.",
)

THEOREMS = (rmsprop, adam)
