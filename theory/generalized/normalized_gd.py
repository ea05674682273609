"""normalized_gd.l0l1: normalized GD on an (L0,L1)-smooth function, with explicit constants (derived).

    x_{t+1} = x_t - h_t g_t,   h_t = lr/(||g_t|| + xi)

Zhang, He, Sra, Jadbabaie 2020 [P] omit the NGD theorems: clipped GD with clip lr = lr_n and lr = lr_n/xi is
NGD up to a constant factor in the step (card section 2.2: h_c/2 <= h_n <= h_c [D]), so the rates transfer.
Derived here directly from l0l1.descent: a step moves at most lr, and h (L0 + L1 ||g||) <= 1/10 under the
conditions, so f decreases by kappa1 lr ||g||^2/(||g|| + xi) with kappa1 = 1 - B(1/10)/20 = 0.948, and
min_{t<T} ||g_t||^2 <= 2 xi Delta/(kappa1 lr T) + (2 Delta/(kappa1 lr T))^2.
"""
import sympy as sp

from ..model import ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity, Rate, Source, Theorem
from ..symbols import Delta, T, eps, f, f_next, g_vec, grad_sq, lr, xi
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from .clipped_gd import B_TENTH, C, GRAD_SQ_NONNEG
from .descent import DESCENT, L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/normalized_gd.l0l1.md); the "
                            "paper omits NGD's theorems (equivalence with clipped GD, [P])")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 [P]: NGD equals clipped GD up to a constant factor in the step, "
                       "so clipped GD's O(L0 Delta eps^-2 + L1^2 Delta/L0) transfers")

h_t = lr / (sp.sqrt(grad_sq) + xi)                # the normalized step
KAPPA1 = 1 - B_TENTH / 20
rate = 2 * xi * Delta / (KAPPA1 * lr * T) + (2 * Delta / (KAPPA1 * lr * T)) ** 2
T1, T2 = 2 * xi * Delta / (KAPPA1 * lr * eps ** 2), 2 * Delta / (KAPPA1 * lr * eps)
T_eps = T1 + T2

theorem = Theorem(
    id="normalized_gd.l0l1",
    title="Normalized GD on (L0,L1)-smooth functions (derived, explicit constants)",
    algorithm="normalized_gd",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(*L0L1_CONSTANTS, CONSTANTS[1]),  # L0, L1 and Delta
    hyperparameters=(Quantity(lr, "step scale eta_n (the largest displacement)"),
                     Quantity(xi, "denominator shift beta in lr/(||g|| + beta)")),
    assumptions=(L0L1_SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(1 / (10 * L1), DERIVED), "xi": Formula(L0 / L1, DERIVED)},
    conditions=(Condition(sp.LessThan(lr, 1 / (10 * L1)), "lr <= 1/(10 L1)  (displacement <= 1/(10 L1))"),
                Condition(sp.GreaterThan(xi, 10 * L0 * lr), "xi >= 10 L0 lr")),
    one_step=OneStep(f_next, f - KAPPA1 * lr * grad_sq / (sp.sqrt(grad_sq) + xi), DERIVED,
                     statement="f(x_{t+1}) <= f(x_t) - kappa1 lr ||g||^2/(||g|| + xi), kappa1 = 1 - B(1/10)/20"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= 2 xi Delta/(kappa1 lr T) + (2 Delta/(kappa1 lr T))^2"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    update=-h_t * g_vec,
    chain=(
        ChainStep("descent lemma at the normalized step",
                  "l0l1.descent between x_t and x_{t+1} = x_t - h g, h = lr/(||g|| + xi), with c = 1/10: h ||g|| <= lr "
                  "<= 1/(10 L1) is its hypothesis, and h (L0 + L1 ||g||) <= (xi/10 + ||g||/10)/(||g|| + xi) = 1/10 "
                  "(xi >= 10 L0 lr), so the quadratic term is at most (B(1/10)/20) lr ||g||^2/(||g|| + xi)",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG,),
                  derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next", c_r=C), 1),))),
    ),
    claims=(Claim("order", "NGD inherits clipped GD's O(L0 Delta eps^-2 + L1^2 Delta/L0) (Zhang et al., equivalence)",
                  ZHSJ, sp.Integer(2)),),
    summary="NGD with lr = 1/(10 L1), xi = L0/L1 finds ||grad f|| <= eps in 20 L0 Delta/(kappa1 eps^2) + "
            "20 L1 Delta/(kappa1 eps) steps, kappa1 = 0.948.",
)
