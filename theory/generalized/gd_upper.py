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

What is assumed and what is proved (theory/generalized/sublevel.py): A4 is the axiom l0l1.sublevel_grad_bound
(checked on the catalogue); that every iterate stays in the sublevel set, so that ||g_t|| <= M, is proved by
induction (gd.l0l1.sublevel_invariant, gd.l0l1.iterate_grad_bound). The chain cites the latter and l0l1.descent.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, L0L1_CONSTANTS, L0L1_SMOOTH
from ..model import (ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, le)
from ..symbols import L1, Delta, T, eps, f, f_next, g_vec, grad_sq, lr
from .clipped_gd import GRAD_SQ_NONNEG
from .descent import DESCENT
from .sublevel import B_HALF, C_HALF, ITERATE_GRAD_BOUND, KAPPA2, M, M_Q, STEP, f0

DERIVED = Source("derived", "derived in this project from l0l1.descent and A4 (proofs_notes/gd.l0l1.upper.md); "
                            "Zhang et al.'s Theorem 6 bound NOT FOUND")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 6 [P]: step 1/(2(M L1 + L0)) and the order "
                       "O((M L1 + L0)(f(x0) - f*) eps^-2)")

rate = Delta / (KAPPA2 * lr * T)
T_eps = Delta / (KAPPA2 * lr * eps ** 2)
# ||grad f(x_t)||^2 <= M^2 at every iterate: A4 along the iterates, which gd.l0l1.sublevel_invariant keeps in the
# sublevel set (its hypothesis, the step condition, is the theorem's condition)
BOUNDED = Condition(sp.LessThan(grad_sq, M ** 2), "||g_t||^2 <= M^2 (A4 along the iterates)",
                    by=ITERATE_GRAD_BOUND.at(f_x=f, f_y=f_next, f_0=f0, g2=grad_sq))

theorem = Theorem(
    id="gd.l0l1.upper",
    title="Fixed-step GD on (L0,L1)-smooth functions with bounded gradients on the sublevel set (derived)",
    algorithm="gd",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(*L0L1_CONSTANTS, CONSTANTS[1], M_Q),
    hyperparameters=(Quantity(lr, "fixed step size h"),),
    assumptions=(L0L1_SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(STEP, ZHSJ)},
    conditions=(Condition(sp.LessThan(lr, STEP), "lr <= 1/(2 (M L1 + L0))"),),
    one_step=OneStep(f_next, f - KAPPA2 * lr * grad_sq, DERIVED,
                     statement="f(x_{t+1}) <= f(x_t) - kappa2 lr ||grad f(x_t)||^2, kappa2 = 1 - B(1/2)/4"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta/(kappa2 lr T), kappa2 = 1 - B(1/2)/4 = 0.7026"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    update=-lr * g_vec,
    chain=(
        ChainStep("descent lemma at the step, inside the sublevel set",
                  "gd.l0l1.iterate_grad_bound: ||g_t|| <= M at every iterate (A4, with f(x_t) <= f(x_0) by induction). "
                  "l0l1.descent between x_t and x_{t+1} = x_t - lr g with c = 1/2: L1 lr ||g|| <= L1 M lr <= 1/2 is its "
                  "hypothesis, and lr (L0 + L1 ||g||) <= 1/2 bounds the quadratic term by (B(1/2)/4) lr ||g||^2",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG, BOUNDED),
                  # ||g|| <= M (from ||g||^2 <= M^2), weighted B(1/2) L1 lr^2 ||g||^2/2, replaces ||g|| by M in the
                  # quadratic term: the remainder lr ||g||^2 (B(1/2)/4)(1 - 2 lr (L0 + L1 M)) has no root left
                  derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next", c_r=C_HALF), 1),
                                                (le(sp.sqrt(grad_sq), M, "||g|| <= M"),
                                                 B_HALF * L1 * lr ** 2 * grad_sq / 2)))),
    ),
    claims=(Claim("order", "Zhang et al. (Theorem 6): GD with h = 1/(2(M L1 + L0)) converges as "
                           "O((M L1 + L0) Delta eps^-2), which is tight against gd.l0l1.lower up to log M", ZHSJ,
                  sp.Integer(2)),),
    summary="GD with lr = 1/(2(M L1 + L0)) finds ||grad f|| <= eps in 2 (M L1 + L0) Delta/(kappa2 eps^2) steps, "
            "kappa2 = 0.7026: linear in M, the largest gradient norm on the sublevel set, which clipping removes.",
)
