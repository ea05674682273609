"""clipped_gd.l0l1: clipped GD on an (L0,L1)-smooth function, with explicit constants (derived).

    x_{t+1} = x_t - h_t g_t,   h_t = min(lr, clip lr/||g_t||)       (hard clipping, exact denominator)

Zhang, He, Sra, Jadbabaie 2020, Theorem 3 [P]: with lr = 1/(10 L0) and clip = min(1/lr, 1/(10 L1 lr)) the
iteration complexity is O(L0 Delta eps^-2 + L1^2 Delta/L0) (Remark 5); the bound's display is NOT FOUND
(card clipping_zhang2019_2020.md section 3). Derived here from l0l1.descent: every step moves at most
clip lr, so with c = L1 clip lr the quadratic term carries B(c) = 2(e^c - 1 - c)/c^2, and

    f(x_{t+1}) <= f(x_t) - kappa min(lr ||g||^2, clip lr ||g||),   kappa = 1 - B(c)(L0 lr + c)/2,

both when clipping is off (||g|| <= clip) and on. Under the conditions kappa >= kappa0 = 1 - B(1/10)/10 = 0.8966.
The stated one-step inequality is the kappa0 form (was the sharper kappa(c) form, whose link to the kappa0
rate needs B's monotonicity, which the prover cannot chain): it is derived by citing the lemma l0l1.descent
with c = 1/10, in two cases (clipping off/on). Summing:
min_{t<T} ||g_t||^2 <= Delta/(kappa0 lr T) + (Delta/(kappa0 clip lr T))^2, and
T(eps) = Delta/(kappa0 lr eps^2) + Delta/(kappa0 clip lr eps).
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, CONSTANTS, L0L1_CONSTANTS, L0L1_SMOOTH
from ..model import (ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, le, zero)
from ..symbols import clip, Delta, eps, f, f_next, g_vec, grad_sq, L0, L1, lr, T
from ..lemmas.inequalities import NORM_NONNEG
from ..model import split
from .descent import DESCENT, B_of

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/clipped_gd.l0l1.md); "
                            "Zhang et al.'s Theorem 3 bound NOT FOUND")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 3 parameters [P] and Remark 5 order [P]: "
                       "O(L0 (f(x0) - f*) eps^-2 + L1^2 (f(x0) - f*)/L0)")

C = sp.Rational(1, 10)                           # the radius factor: L1 ||x_{t+1} - x_t|| <= L1 clip lr <= 1/10
B_TENTH = B_of(C)                                # B(1/10) = 1.0345, from l0l1.descent
KAPPA0 = 1 - B_TENTH / 10                        # ~ 0.8966
h_t = sp.Min(lr, clip * lr / sp.sqrt(grad_sq))   # the clipped step
decrease = sp.Min(lr * grad_sq, clip * lr * sp.sqrt(grad_sq))
# max(A/T, (B/T)^2) would do; the sum is at most twice as large and keeps every step a plain inequality
rate = Delta / (KAPPA0 * lr * T) + (Delta / (KAPPA0 * clip * lr * T)) ** 2
T1, T2 = Delta / (KAPPA0 * lr * eps ** 2), Delta / (KAPPA0 * clip * lr * eps)
T_eps = T1 + T2
GRAD_SQ_NONNEG = Condition(sp.GreaterThan(grad_sq, 0), "||g||^2 >= 0", by=NORM_NONNEG.at(u=g_vec))
OFF, ON = split(grad_sq, clip ** 2, "clipping off or on")
PAPER = {lr: 1 / (10 * L0), clip: sp.Min(10 * L0, L0 / L1)}  # Theorem 3's lr and clip

theorem = Theorem(
    id="clipped_gd.l0l1",
    title="Clipped GD on (L0,L1)-smooth functions (derived, explicit constants)",
    algorithm="clipped_gd",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(*L0L1_CONSTANTS, CONSTANTS[1]),  # L0, L1 and Delta
    hyperparameters=(Quantity(lr, "step size eta_c"), Quantity(clip, "clipping threshold gamma on ||g||")),
    assumptions=(L0L1_SMOOTH, BOUNDED_BELOW),
    prescription={"lr": Formula(PAPER[lr], ZHSJ), "clip": Formula(PAPER[clip], ZHSJ)},
    conditions=(Condition(sp.LessThan(lr, 1 / (10 * L0)), "lr <= 1/(10 L0)"),
                Condition(sp.LessThan(clip, 1 / (10 * L1 * lr)), "clip <= 1/(10 L1 lr)  (displacement <= 1/(10 L1))")),
    update=-h_t * g_vec,
    one_step=OneStep(f_next, f - KAPPA0 * decrease, DERIVED,
                     statement="f(x_{t+1}) <= f(x_t) - kappa0 min(lr ||g||^2, clip lr ||g||), kappa0 = 1 - B(1/10)/10"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta/(kappa0 lr T) + (Delta/(kappa0 clip lr T))^2, "
              "kappa0 = 1 - B(1/10)/10 = 0.8966"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("descent lemma at the clipped step",
                  "l0l1.descent between x_t and x_{t+1} = x_t - h g, h = min(lr, clip lr/||g||), with c = 1/10: "
                  "h ||g|| <= clip lr <= 1/(10 L1) is its hypothesis, and both when clipping is off (h = lr: "
                  "(L0 lr + L1 lr ||g||)/2 <= 1/10) and on (h ||g|| = clip lr, L0 h <= L0 lr) the quadratic term is "
                  "at most (B(1/10)/10) min(lr ||g||^2, clip lr ||g||)",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG, OFF),
                  derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next", c_r=C), 1),))),
        ChainStep("descent lemma at the clipped step (clipping on)",
                  "the same citation when ||g|| >= clip: h ||g|| = clip lr",
                  (), DERIVED, assume=(GRAD_SQ_NONNEG, ON),
                  derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next", c_r=C), 1),))),
        ChainStep("order at the paper's parameters",
                  "with lr = 1/(10 L0), the eps^-1 term is Delta max(1, 10 L1)/(kappa0 eps), and L1 Delta/eps <= "
                  "(L0 Delta/eps^2 + L1^2 Delta/L0)/2: the claimed O(L0 Delta/eps^2 + L1^2 Delta/L0)",
                  (zero((L0 * Delta / eps ** 2 + L1 ** 2 * Delta / L0) / 2 - L1 * Delta / eps,
                        Delta / (2 * L0) * (L0 / eps - L1) ** 2),
                   le(0, Delta / (2 * L0) * (L0 / eps - L1) ** 2)), DERIVED),
    ),
    claims=(Claim("order", "Zhang et al. (Remark 5): clipped GD converges as O(L0 Delta eps^-2 + L1^2 Delta/L0)", ZHSJ,
                  sp.Integer(2)),),
    summary="Clipped GD at Theorem 3's parameters finds ||grad f|| <= eps in 10 L0 Delta/(kappa0 eps^2) + "
            "Delta max(1, 10 L1)/(kappa0 eps) steps, kappa0 = 0.8966: no dependence on the largest gradient norm M.",
)
