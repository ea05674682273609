"""clipped_sgd.l0l1: clipped SGD on an (L0,L1)-smooth function with almost-surely bounded noise (derived).

    x_{t+1} = x_t - h_t g_t,   h_t = min(lr, clip lr/||g_t||),   E g_t = grad f(x_t),  ||g_t - grad f(x_t)|| <= tau

Zhang, He, Sra, Jadbabaie 2020, Theorem 7 [P]: O(eps^-4) under A5 (bounded noise); its parameters are
printed in a dimensionally inconsistent form and its bound is NOT FOUND (card clipping_zhang2019_2020.md
section 6). Derived here from l0l1.descent, with a = ||grad f(x_t)||, k = 2 clip/3 and the conditions
L0 lr <= 1/10, L1 clip lr <= 1/10 (every step moves at most clip lr), clip >= 3 tau:

* a <= clip - tau: ||g|| <= clip, no clipping, and in expectation f drops by lr a^2 (1 - B/10) - N,
  N = B (L0 + L1 clip) lr^2 tau^2/2 (the noise's second moment in the quadratic term);
* a > clip - tau >= 2 tau: <grad f, g> >= a^2/2 and ||g|| <= 3a/2 almost surely, so f drops by at least
  kappa3 lr min(a^2, k a), kappa3 = 1/2 - 3 B(1/10)/16 = 0.306 — clipping is what keeps this step safe.

So E f(x_{t+1}) <= E f(x_t) - kappa3 lr E min(a_t^2, k a_t) + N, and (1/T) sum_t E min(a_t^2, k a_t) <= r(T) =
Delta/(kappa3 lr T) + N/(kappa3 lr). A non-squared measure follows (min(a^2, k a) >= e a - e^2 for e <= k):

    (1/T) sum_{t<T} E||grad f(x_t)|| <= 2 max(sqrt(r), r/k) <= 2 (sqrt(r) + r/k).

The noise floor N/(kappa3 lr) ~ lr tau^2 vanishes only with lr ~ eps^2, hence O(eps^-4).
"""
import sympy as sp

from ..lemmas.noise import BOUNDED_NOISE, GRAD_SQ_NONNEG, NOISE_RANGE
from ..model import (ONE_STEP, RATE_VALUE, Assumption, ChainStep, Claim, Condition, Derivation, Formula, OneStep,
                     Quantity, Rate, Source, Theorem, le, split)
from ..symbols import Delta, eps, f, f_next, g_vec, grad_norm, grad_sq, inner, lr, o_vec, oracle_sq, T, tau
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from ..vectors import Vec
from .clipped_gd import B_TENTH, C, clip
from .clipping import INACTIVE, MARGIN, RADIUS
from .descent import DESCENT, L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/clipped_sgd.l0l1.md); "
                            "Zhang et al.'s Theorem 7 bound NOT FOUND and its printed parameters are inconsistent")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 7 [P]: stochastic clipped GD with noise "
                       "bounded by tau almost surely has iteration complexity O(eps^-4) (order from a secondary "
                       "note [S]; constants NOT FOUND)")

KAPPA3 = sp.Rational(1, 2) - 3 * B_TENTH / 16
k = 2 * clip / 3
N = B_TENTH * (L0 + L1 * clip) * lr ** 2 * tau ** 2 / 2
r = Delta / (KAPPA3 * lr * T) + N / (KAPPA3 * lr)
rate = 2 * (sp.sqrt(r) + r / k)                      # 2 max(sqrt(r), r/k) would do; the sum keeps it smooth

# regime: clip = 3 tau + L0/L1, lr the harmonic mean-like combination of the stability cap and the noise
# cap, so that r(T(eps)) <= 3m/2, m = (eps clip/(4 clip + 3 eps))^2, and 2 (sqrt(3m/2) + 9m/(4 clip)) <= eps
CLIP = 3 * tau + L0 / L1
LAMBDA = 2 * L0 + 3 * L1 * tau                           # L0 + L1 clip at clip = CLIP
m = (eps * CLIP / (4 * CLIP + 3 * eps)) ** 2
INV_LR = 10 * (L0 + 3 * L1 * tau) + B_TENTH * LAMBDA * tau ** 2 / (KAPPA3 * m)
LR = 1 / INV_LR
T_eps = Delta * INV_LR / (KAPPA3 * m)                        # the optimisation part of r is m there: r <= 3m/2
at_eps = {lr: LR, clip: CLIP}
r_eps = Delta * INV_LR / (KAPPA3 * T) + m / 2                # r at the prescription, its noise part raised to m/2
RATE_AT_EPS = 2 * (sp.sqrt(r_eps) + 3 * r_eps / (2 * CLIP))

# The update is -lr p with p = min(1, clip/||g_t||) g_t (clip.hard): <grad f, p> and ||p||^2 are Gram entries of their
# own, random (they depend on g_t), so E_t passes through the relations of clip.inactive and clip.margin, which
# are affine in them.
p_vec = Vec.named("p")
gp, pp = sp.Symbol("<g,p>", real=True), sp.Symbol("<p,p>", nonnegative=True)
a = sp.sqrt(grad_sq)                                      # ||grad f(x_t)||
decrease = KAPPA3 * lr * sp.Min(grad_sq, k * a)
Q = B_TENTH * (L0 + L1 * a) * lr ** 2 / 2                 # l0l1.descent's weight of ||p||^2
CLIPPED = dict(u=g_vec, o=o_vec, p=p_vec, gamma_c=clip)
SMALL, LARGE = split(grad_sq, (clip - tau) ** 2, "small or large gradient")
P_RADIUS = Condition(sp.LessThan(pp, clip ** 2), "||p||^2 <= clip^2", by=RADIUS.at(**CLIPPED))
O_NORM = Condition(sp.LessThan(oracle_sq, (a + tau) ** 2), "||g_t|| <= ||grad f|| + tau (A5)",
                   by=NOISE_RANGE.at(pick=(0,)))
O_ALIGN = Condition(sp.GreaterThan(inner, grad_sq - tau * a), "<grad f, g_t> >= ||grad f||^2 - tau ||grad f|| (A5)",
                    by=NOISE_RANGE.at(pick=(1,)))
ONE = OneStep(f_next, f - decrease + N, DERIVED,
              "E_t f(x_{t+1}) <= f(x_t) - kappa3 lr min(||grad f||^2, k ||grad f||) + N, k = 2 clip/3, "
              "N = B(1/10) (L0 + L1 clip) lr^2 tau^2/2", expectation=True)
# min(y^2, k y) is not convex in y = ||grad f||: the rate telescopes through a tangent of y^2, phi(y) = kappa3 lr
# (2 e y - e^2) - N <= D(y) ((y - e)^2 >= 0, and e <= k/2), at e = k R/(2 (k + R)), R the rate being linked. With
# R = 2 (s + s^2/k): 2 e R - e^2 >= s^2 = r (or, at the prescription, >= s^2 = r_eps >= r), so T phi(R) >= Delta. A
# point read off R alone (not e = r/R): at the prescription r_eps - r >= 0 then enters only through Delta.
# theory.links proves these in s = sqrt(r) (R's one root), where they are rational.
e_tan = k * RATE_VALUE / (2 * (k + RATE_VALUE))
TANGENT = KAPPA3 * lr * (2 * e_tan * grad_norm - e_tan ** 2) - N

theorem = Theorem(
    id="clipped_sgd.l0l1",
    title="Clipped SGD on (L0,L1)-smooth functions with almost-surely bounded noise (derived)",
    algorithm="clipped_sgd",
    function_class="(L0,L1)-smooth",
    oracle="bounded_noise",
    constants=(*L0L1_CONSTANTS, CONSTANTS[1], Quantity(tau, "noise radius: ||g - grad f(x)|| <= tau a.s.")),
    hyperparameters=(Quantity(lr, "step size eta_c"), Quantity(clip, "clipping threshold gamma on ||g||")),
    assumptions=(L0L1_SMOOTH, BOUNDED_BELOW,
                 Assumption("bounded noise (A5)", "E g = grad f(x), ||g - grad f(x)|| <= tau almost surely, "
                                                  "independent across steps", ("tau",))),
    prescription={"lr": Formula(LR, DERIVED), "clip": Formula(CLIP, DERIVED)},
    conditions=(Condition(sp.LessThan(lr, 1 / (10 * L0)), "lr <= 1/(10 L0)"),
                Condition(sp.LessThan(lr, 1 / (10 * L1 * clip)), "lr <= 1/(10 L1 clip)  (displacement clip lr <= "
                                                                  "1/(10 L1))"),
                Condition(sp.GreaterThan(clip, 3 * tau), "clip >= 3 tau  (clipping only where the gradient dominates "
                                                         "the noise)")),
    one_step=ONE,
    update=-lr * p_vec,
    gram={("g", "p"): gp, ("p", "p"): pp},
    random=(gp, pp),
    rate=Rate("mean_grad_norm_before_T", Formula(rate, DERIVED),
              "(1/T) sum_{t<T} E||grad f(x_t)|| <= 2 (sqrt(r) + 3 r/(2 clip)), r = Delta/(kappa3 lr T) + "
              "B(1/10) (L0 + L1 clip) lr tau^2/(2 kappa3), kappa3 = 1/2 - 3 B(1/10)/16 = 0.306", expectation=True,
              via=TANGENT),
    rate_at_prescription=Formula(RATE_AT_EPS, DERIVED),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("small gradients: no clipping",
                  "||grad f|| <= clip - tau: ||g_t|| <= ||grad f|| + tau <= clip (A5), so p = g_t (clip.inactive). E_t of "
                  "l0l1.descent (c = 1/10: lr ||p|| <= lr clip <= 1/(10 L1), clip.radius) with E<g, g_t> = ||g||^2, "
                  "E||g_t||^2 <= ||g||^2 + tau^2 (A5): E f_next <= f - lr ||g||^2 + Q (||g||^2 + tau^2); then "
                  "(L0 + L1 ||g||) lr <= 1/5, Q tau^2 <= N (||g|| <= clip) and ||g||^2 >= min(||g||^2, k ||g||)",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG, SMALL, O_NORM, P_RADIUS),
                  derives=Derivation(ONE_STEP, (
                      (DESCENT.at("x", "x_next", c_r=C, expect=True), 1),
                      (INACTIVE.at(pick=(0,), expect=True, **CLIPPED), -lr),
                      (INACTIVE.at(pick=(1,), expect=True, **CLIPPED), Q),
                      (BOUNDED_NOISE.at(pick=(0,)), 2 * Q - lr),
                      (BOUNDED_NOISE.at(pick=(1,), expect=True), Q),
                      (le(sp.Min(grad_sq, k * a), grad_sq, "min(||g||^2, k ||g||) <= ||g||^2"), KAPPA3 * lr),
                      (le(L0 * lr, sp.Rational(1, 10), "L0 lr <= 1/10"), B_TENTH * lr * grad_sq / 2),
                      (le(L1 * a * lr, sp.Rational(1, 10), "L1 ||g|| lr <= L1 clip lr <= 1/10"),
                       B_TENTH * lr * grad_sq / 2),
                      (le(Q * tau ** 2, N, "Q tau^2 <= N: ||g|| <= clip"), 1)))),
        ChainStep("large gradients: a clipped step still descends",
                  "||grad f|| >= clip - tau >= 2 tau: clip.margin (A5's pathwise range, L0 lr <= 1/10, L1 lr clip <= "
                  "1/10, B(1/10) <= 8/3) gives <g, p> - (B/2)(L0 + L1 ||g||) lr ||p||^2 >= kappa3 min(||g||^2, k ||g||) "
                  "almost surely; E_t of it (weight lr) and of l0l1.descent: E f_next <= f - kappa3 lr min(...) <= ... + N",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG, LARGE, O_NORM, O_ALIGN, P_RADIUS),
                  derives=Derivation(ONE_STEP, (
                      (DESCENT.at("x", "x_next", c_r=C, expect=True), 1),
                      (MARGIN.at(tau_c=tau, b_q=B_TENTH, m_0=L0 * lr, m_1=L1 * lr, expect=True, **CLIPPED), lr)))),
    ),
    claims=(Claim("order", "Zhang et al. (Theorem 7): clipped SGD with noise bounded by tau reaches an eps-stationary "
                           "point in O(eps^-4) iterations", ZHSJ, sp.Integer(4)),),
    summary="Clipped SGD with clip >= 3 tau keeps every large-gradient step a descent step almost surely; with "
            "lr ~ eps^2 it reaches (1/T) sum E||grad f|| <= eps in O(eps^-4) steps.",
)
