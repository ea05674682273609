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

from ..model import Assumption, Claim, Condition, Formula, Quantity, Rate, Source, Theorem
from ..symbols import Delta, eps, lr, T, tau
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from .clipped_gd import B_TENTH, clip
from .descent import L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/clipped_sgd.l0l1.md); "
                            "Zhang et al.'s Theorem 7 bound NOT FOUND and its printed parameters are inconsistent")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 7 [P]: stochastic clipped GD with noise "
                       "bounded by tau almost surely has iteration complexity O(eps^-4) (order from a secondary "
                       "note [S]; constants NOT FOUND)")

a, h, e, kk = sp.symbols("a h e k_e", positive=True)  # ||grad f||, the step, an accuracy e <= k_e = k
rr, kr = sp.symbols("r_r k_r", real=True)  # bounded on both sides by a step's assumptions
p0, p1, Bb = sp.symbols("p0 p1 B_b", positive=True)  # L0 lr, L1 clip lr and B(c), each bounded by assumptions
KAPPA3 = sp.Rational(1, 2) - 3 * B_TENTH / 16
k = 2 * clip / 3
N = B_TENTH * (L0 + L1 * clip) * lr ** 2 * tau ** 2 / 2
r = Delta / (KAPPA3 * lr * T) + N / (KAPPA3 * lr)
rate = 2 * (sp.sqrt(r) + r / k)                      # 2 max(sqrt(r), r/k) would do; the sum keeps it smooth

# regime: clip = 3 tau + L0/L1, lr the harmonic mean-like combination of the stability cap and the noise
# cap, so that r(T(eps)) <= m = (eps clip/(4 clip + 3 eps))^2 <= min(eps^2/16, clip eps/6)
CLIP = 3 * tau + L0 / L1
LAMBDA = 2 * L0 + 3 * L1 * tau                           # L0 + L1 clip at clip = CLIP
m = (eps * CLIP / (4 * CLIP + 3 * eps)) ** 2
INV_LR = 10 * (L0 + 3 * L1 * tau) + B_TENTH * LAMBDA * tau ** 2 / (KAPPA3 * m)
LR = 1 / INV_LR
T_eps = 2 * Delta * INV_LR / (KAPPA3 * m)
at_eps = {lr: LR, clip: CLIP}
r_eps = Delta * INV_LR / (KAPPA3 * T) + m / 2                # r at the prescription, its noise part raised to m/2
RATE_AT_EPS = 2 * (sp.sqrt(r_eps) + 3 * r_eps / (2 * CLIP))
mm, ll = sp.symbols("m_s l_s", positive=True)         # m and lr as opaque positive numbers

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
                Condition(sp.LessThan(clip, 1 / (10 * L1 * lr)), "clip <= 1/(10 L1 lr)  (displacement <= 1/(10 L1))"),
                Condition(sp.GreaterThan(clip, 3 * tau), "clip >= 3 tau  (clipping only where the gradient dominates "
                                                         "the noise)")),
    rate=Rate("mean_grad_norm_before_T", Formula(rate, DERIVED),
              "(1/T) sum_{t<T} E||grad f(x_t)|| <= 2 (sqrt(r) + 3 r/(2 clip)), r = Delta/(kappa3 lr T) + "
              "B(1/10) (L0 + L1 clip) lr tau^2/(2 kappa3), kappa3 = 1/2 - 3 B(1/10)/16 = 0.306", expectation=True),
    rate_at_prescription=Formula(RATE_AT_EPS, DERIVED),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    # The chain is withdrawn: it assumed facts it did not prove (free assumptions on ||g||, a local
    # copy of B(c)); until it derives the stated one-step inequality from l0l1.descent the
    # certificate is 'unverified' with the one-step inequality listed as not linked.
    chain=(),
    claims=(Claim("order", "Zhang et al. (Theorem 7): clipped SGD with noise bounded by tau reaches an eps-stationary "
                           "point in O(eps^-4) iterations", ZHSJ, sp.Integer(4)),),
    summary="Clipped SGD with clip >= 3 tau keeps every large-gradient step a descent step almost surely; with "
            "lr ~ eps^2 it reaches (1/T) sum E||grad f|| <= eps in O(eps^-4) steps.",
)
