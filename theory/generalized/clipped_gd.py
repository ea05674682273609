"""clipped_gd.l0l1: clipped GD on an (L0,L1)-smooth function, with explicit constants (derived).

    x_{t+1} = x_t - h_t g_t,   h_t = min(lr, clip lr/||g_t||)       (hard clipping, exact denominator)

Zhang, He, Sra, Jadbabaie 2020, Theorem 3 [P]: with lr = 1/(10 L0) and clip = min(1/lr, 1/(10 L1 lr)) the
iteration complexity is O(L0 Delta eps^-2 + L1^2 Delta/L0) (Remark 5); the bound's display is NOT FOUND
(card clipping_zhang2019_2020.md section 3). Derived here from l0l1.descent: every step moves at most
clip lr, so with c = L1 clip lr the quadratic term carries B(c) = 2(e^c - 1 - c)/c^2, and

    f(x_{t+1}) <= f(x_t) - kappa min(lr ||g||^2, clip lr ||g||),   kappa = 1 - B(c)(L0 lr + c)/2,

both when clipping is off (||g|| <= clip) and on. Under the conditions kappa >= kappa0 = 1 - B(1/10)/10 = 0.8966. Summing:
min_{t<T} ||g_t||^2 <= Delta/(kappa0 lr T) + (Delta/(kappa0 clip lr T))^2, and
T(eps) = Delta/(kappa0 lr eps^2) + Delta/(kappa0 clip lr eps).
"""
import sympy as sp

from ..model import (ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source, Theorem,
                     le, lt, zero)
from ..symbols import Delta, T, eps, f, f_next, grad_sq, lr
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from .descent import L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/clipped_gd.l0l1.md); "
                            "Zhang et al.'s Theorem 3 bound NOT FOUND")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), Theorem 3 parameters [P] and Remark 5 order [P]: "
                       "O(L0 (f(x0) - f*) eps^-2 + L1^2 (f(x0) - f*)/L0)")

clip = sp.Symbol("clip", positive=True)
a, Bc = sp.symbols("a B_c", positive=True)      # ||g_t||; the quadratic-term factor B(c) of l0l1.descent
c = L1 * clip * lr                               # L1 times the largest displacement
B_of = lambda x: 2 * (sp.exp(x) - 1 - x) / x ** 2  # noqa: E731
kappa_of = lambda B: 1 - B * (L0 * lr + c) / 2  # noqa: E731
kappa = kappa_of(B_of(c))
B_TENTH = B_of(sp.Rational(1, 10))               # B(c) <= B(1/10) under the conditions (B increases)

KAPPA0 = 1 - B_TENTH / 10                        # kappa >= KAPPA0 ~ 0.8966 under the conditions
decrease = sp.Min(lr * grad_sq, clip * lr * sp.sqrt(grad_sq))
# max(A/T, (B/T)^2) would do; the sum is at most twice as large and keeps every step a plain inequality
rate = Delta / (KAPPA0 * lr * T) + (Delta / (KAPPA0 * clip * lr * T)) ** 2
T1, T2 = Delta / (KAPPA0 * lr * eps ** 2), Delta / (KAPPA0 * clip * lr * eps)
T_eps = T1 + T2
x_ = sp.Symbol("x", real=True)  # T1/(T1 + T2) in (0, 1)
PAPER = {lr: 1 / (10 * L0), clip: sp.Min(10 * L0, L0 / L1)}  # Theorem 3's lr and clip


def descent(h):
    """The upper model of l0l1.descent for the step x - h g with ||g|| = a, factor B_c."""
    return -h * a ** 2 + Bc * (L0 + L1 * a) * h ** 2 * a ** 2 / 2


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
    one_step=OneStep(f_next, f - kappa * decrease, DERIVED, coefficient=KAPPA0,
                     statement="f(x_{t+1}) <= f(x_t) - kappa min(lr ||g||^2, clip lr ||g||), kappa = 1 - B(c)(L0 lr + c)/2"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= Delta/(kappa0 lr T) + (Delta/(kappa0 clip lr T))^2, "
              "kappa0 = 1 - B(1/10)/10 = 0.8966"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("displacement",
                  "h ||g|| = min(lr ||g||, clip lr) <= clip lr, so L1 ||x_{t+1} - x_t|| <= c and l0l1.descent applies "
                  "with B(L1 r) <= B(c) (B increases)",
                  (le(sp.Min(lr * a, clip * lr), clip * lr, "min(lr a, clip lr) <= clip lr"),), DERIVED),
        ChainStep("clipping off (||g|| <= clip)",
                  "h = lr: the upper model is at most -kappa lr ||g||^2, since L1 ||g|| lr <= L1 clip lr = c",
                  (le(descent(lr), -kappa_of(Bc) * lr * a ** 2),), DERIVED,
                  assume=(Condition(sp.LessThan(a, clip), "||g|| <= clip"),)),
        ChainStep("clipping on (||g|| > clip)",
                  "h = clip lr/||g||: the upper model is at most -kappa clip lr ||g||, since clip/||g|| < 1",
                  (le(descent(clip * lr / a), -kappa_of(Bc) * clip * lr * a),), DERIVED,
                  assume=(Condition(sp.StrictGreaterThan(a, clip), "||g|| > clip"),)),
        ChainStep("positive decrease",
                  "under the conditions c <= 1/10 and L0 lr <= 1/10, so B(c) <= B(1/10) and kappa >= kappa0 = "
                  "1 - B(1/10)/10 = 0.8966 > 0; the rate and T(eps) use kappa0, the one-step inequality kappa",
                  (le(c, sp.Rational(1, 10), "c = L1 clip lr <= 1/10"), le(L0 * lr, sp.Rational(1, 10), "L0 lr <= 1/10"),
                   le(KAPPA0, kappa_of(Bc), "kappa >= kappa0 for B(c) <= B(1/10)"), lt(0, KAPPA0, "kappa0 > 0")),
                  DERIVED, assume=(Condition(sp.LessThan(Bc, B_TENTH), "B(c) <= B(1/10)"),)),
        ChainStep("telescoping and inversion",
                  "kappa sum_{t<T} min(lr a_t^2, clip lr a_t) <= Delta, and min(lr m^2, clip lr m) increases in m = "
                  "min_t a_t, so min(lr m^2, clip lr m) <= Delta/(kappa0 T), so m^2 is at most one of the two terms of the rate; "
                  "each term, put in its branch of the min, gives exactly Delta/(kappa0 T)",
                  (zero(lr * Delta / (KAPPA0 * lr * T), Delta / (KAPPA0 * T)),
                   zero(clip * lr * (Delta / (KAPPA0 * clip * lr * T)), Delta / (KAPPA0 * T))), DERIVED),
        ChainStep("complexity",
                  "with T1 = Delta/(kappa0 lr eps^2), T2 = Delta/(kappa0 clip lr eps) and x = T1/(T1 + T2): the "
                  "rate at T1 + T2 is eps^2 (x + (1 - x)^2) <= eps^2, and it decreases in T",
                  (zero(rate.subs(T, T_eps), (eps ** 2 * (x_ + (1 - x_) ** 2)).subs(x_, T1 / (T1 + T2))),
                   le(x_ + (1 - x_) ** 2, 1, "x + (1 - x)^2 <= 1 on [0, 1]")),
                  DERIVED, assume=(Condition(sp.StrictGreaterThan(x_, 0), "x > 0"),
                                   Condition(sp.StrictLessThan(x_, 1), "x < 1"))),
        ChainStep("order at the paper's parameters",
                  "with lr = 1/(10 L0), the eps^-1 term is Delta max(1, 10 L1)/(kappa eps), and L1 Delta/eps <= "
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
