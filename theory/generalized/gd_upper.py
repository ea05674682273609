"""gd.l0l1.upper: fixed-step GD on an (L0,L1)-smooth function with bounded gradients on its sublevel set.

    x_{t+1} = x_t - lr grad f(x_t),   M = sup{ ||grad f(x)|| : f(x) <= f(x_0) }   (assumption A4)

Zhang, He, Sra, Jadbabaie 2020, Theorem 6 [P]: with h = 1/(2(M L1 + L0)) GD needs O((M L1 + L0) Delta eps^-2)
steps, tight against Theorem 4 up to a log M factor; the bound's display is NOT FOUND (card
clipping_zhang2019_2020.md section 5). Derived here from l0l1.descent: while x_t is in the sublevel set,
||g_t|| <= M, so a step of lr <= 1/(2(M L1 + L0)) moves at most M lr <= 1/(2 L1) (c = 1/2) and
lr (L0 + L1 ||g_t||) <= 1/2, hence

    f(x_{t+1}) <= f(x_t) - kappa2 lr ||g_t||^2,   kappa2 = 1 - B(1/2)/4 = 0.7026,

which keeps x_{t+1} in the sublevel set (induction), and min_{t<T} ||g_t||^2 <= Delta/(kappa2 lr T). At the
paper's step T(eps) = 2 (M L1 + L0) Delta/(kappa2 eps^2): the L-smooth count with L = M L1 + L0, times 1/kappa2.
"""
import sympy as sp

from ..model import ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source, Theorem, le, zero
from ..symbols import Delta, T, eps, f, f_next, grad_sq, lr
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from .descent import L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1, descent_step

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/gd.l0l1.upper.md); "
                            "Zhang et al.'s Theorem 6 bound NOT FOUND")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 6 [P]: step 1/(2(M L1 + L0)) and the order "
                       "O((M L1 + L0)(f(x0) - f*) eps^-2)")

M = sp.Symbol("M", positive=True)
a = sp.Symbol("a", positive=True)                  # ||g_t||
B_HALF = 8 * (sp.exp(sp.Rational(1, 2)) - sp.Rational(3, 2))  # B(1/2) = 2 (e^c - 1 - c)/c^2 at c = 1/2
KAPPA2 = 1 - B_HALF / 4
STEP = 1 / (2 * (M * L1 + L0))
rate = Delta / (KAPPA2 * lr * T)
T_eps = Delta / (KAPPA2 * lr * eps ** 2)

theorem = Theorem(
    id="gd.l0l1.upper",
    title="Fixed-step GD on (L0,L1)-smooth functions with bounded gradients on the sublevel set (derived)",
    algorithm="gd",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(*L0L1_CONSTANTS, CONSTANTS[1],
               Quantity(M, "sup ||grad f|| on the sublevel set {f <= f(x0)} (assumption A4)")),
    hyperparameters=(Quantity(lr, "fixed step size h"),),
    assumptions=(L0L1_SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(STEP, ZHSJ)},
    conditions=(Condition(sp.LessThan(lr, STEP), "lr <= 1/(2 (M L1 + L0))"),),
    one_step=OneStep(f_next, f - KAPPA2 * lr * grad_sq, DERIVED,
                     statement="f(x_{t+1}) <= f(x_t) - kappa2 lr ||grad f(x_t)||^2, kappa2 = 1 - B(1/2)/4"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta/(kappa2 lr T), kappa2 = 1 - B(1/2)/4 = 0.7026"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    # The chain is withdrawn: it assumed facts it did not prove (free assumptions on ||g||, a local
    # copy of B(c)); until it derives the stated one-step inequality from l0l1.descent the
    # certificate is 'unverified' with the one-step inequality listed as not linked.
    chain=(),
    claims=(Claim("order", "Zhang et al. (Theorem 6): GD with h = 1/(2(M L1 + L0)) converges as "
                           "O((M L1 + L0) Delta eps^-2), which is tight against gd.l0l1.lower up to log M", ZHSJ,
                  sp.Integer(2)),),
    summary="GD with lr = 1/(2(M L1 + L0)) finds ||grad f|| <= eps in 2 (M L1 + L0) Delta/(kappa2 eps^2) steps, "
            "kappa2 = 0.7026: linear in M, the largest gradient norm on the sublevel set, which clipping removes.",
)
