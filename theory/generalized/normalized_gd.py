"""normalized_gd.l0l1: normalized GD on an (L0,L1)-smooth function, with explicit constants (derived).

    x_{t+1} = x_t - h_t g_t,   h_t = lr/(||g_t|| + xi)

Zhang, He, Sra, Jadbabaie 2020 [P] omit the NGD theorems: clipped GD with clip lr = lr_n and lr = lr_n/xi is
NGD up to a constant factor in the step (card section 2.2: h_c/2 <= h_n <= h_c [D]), so the rates transfer.
Derived here directly from l0l1.descent: a step moves at most lr, and h (L0 + L1 ||g||) <= 1/10 under the
conditions, so f decreases by kappa1 lr ||g||^2/(||g|| + xi) with kappa1 = 1 - B(1/10)/20 = 0.948, and
min_{t<T} ||g_t||^2 <= 2 xi Delta/(kappa1 lr T) + (2 Delta/(kappa1 lr T))^2.
"""
import sympy as sp

from ..model import ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source, Theorem, le, zero
from ..symbols import Delta, T, eps, f, f_next, grad_sq, lr, xi
from .clipped_gd import B_TENTH
from ..baselines.gd_smooth import BOUNDED_BELOW, CONSTANTS
from .descent import L0, L0L1_CONSTANTS, L0L1_SMOOTH, L1, descent_step

DERIVED = Source("derived", "derived in this project from l0l1.descent (proofs_notes/normalized_gd.l0l1.md); the "
                            "paper omits NGD's theorems (equivalence with clipped GD, [P])")
ZHSJ = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 [P]: NGD equals clipped GD up to a constant factor in the step, "
                       "so clipped GD's O(L0 Delta eps^-2 + L1^2 Delta/L0) transfers")

a, h = sp.symbols("a h", positive=True)            # ||g|| and the step
xr, ar = sp.symbols("x_r a_r", real=True)  # bounded on both sides by a step's assumptions
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
    one_step=OneStep(f_next, f - KAPPA1 * lr * grad_sq / (sp.sqrt(grad_sq) + xi), DERIVED, coefficient=KAPPA1,
                     statement="f(x_{t+1}) <= f(x_t) - kappa1 lr ||g||^2/(||g|| + xi), kappa1 = 1 - B(1/10)/20"),
    rate=Rate("min_grad_sq_before_T", Formula(rate, DERIVED),
              "min_{0<=t<T} ||grad f(x_t)||^2 <= 2 xi Delta/(kappa1 lr T) + (2 Delta/(kappa1 lr T))^2"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("displacement", "h ||g|| = lr ||g||/(||g|| + xi) <= lr, so L1 ||x_{t+1} - x_t|| <= L1 lr <= 1/10 "
                  "and l0l1.descent applies with B <= B(1/10)",
                  (le(lr * a / (a + xi), lr),), DERIVED),
        ChainStep("local factor", "h (L0 + L1 ||g||) = lr (L0 + L1 a)/(a + xi) <= 1/10 under both conditions",
                  (le(lr * (L0 + L1 * a) / (a + xi), sp.Rational(1, 10)),), DERIVED),
        descent_step(h, KAPPA1, sp.Rational(1, 10), B_TENTH, DERIVED, "kappa1"),
        ChainStep("two regimes", "a^2/(a + xi) >= a^2/(2 xi) when a <= xi and >= a/2 when a >= xi",
                  (le(ar ** 2 / (2 * xi), ar ** 2 / (ar + xi)),), DERIVED,
                  assume=(Condition(sp.StrictGreaterThan(ar, 0), "a > 0"), Condition(sp.LessThan(ar, xi), "a <= xi"))),
        ChainStep("two regimes (large gradients)", "a^2/(a + xi) >= a/2 when a >= xi",
                  (le(a / 2, a ** 2 / (a + xi)),), DERIVED,
                  assume=(Condition(sp.GreaterThan(a, xi), "a >= xi"),)),
        ChainStep("telescoping and inversion",
                  "kappa1 lr sum_t min(a_t^2/(2 xi), a_t/2) <= Delta; at m = min_t a_t one branch is at most "
                  "Delta/(kappa1 lr T), so m^2 is at most one of the two terms of the rate",
                  (zero((2 * xi * Delta / (KAPPA1 * lr * T)) / (2 * xi), Delta / (KAPPA1 * lr * T)),
                   zero((2 * Delta / (KAPPA1 * lr * T)) / 2, Delta / (KAPPA1 * lr * T))), DERIVED),
        ChainStep("complexity", "with x = T1/(T1 + T2) the rate at T1 + T2 is eps^2 (x + (1 - x)^2) <= eps^2",
                  (zero(rate.subs(T, T_eps), (eps ** 2 * (xr + (1 - xr) ** 2)).subs(xr, T1 / (T1 + T2))),
                   le(xr + (1 - xr) ** 2, 1)), DERIVED,
                  assume=(Condition(sp.StrictGreaterThan(xr, 0), "x > 0"), Condition(sp.StrictLessThan(xr, 1), "x < 1"))),
    ),
    claims=(Claim("order", "NGD inherits clipped GD's O(L0 Delta eps^-2 + L1^2 Delta/L0) (Zhang et al., equivalence)",
                  ZHSJ, sp.Integer(2)),),
    summary="NGD with lr = 1/(10 L1), xi = L0/L1 finds ||grad f|| <= eps in 20 L0 Delta/(kappa1 eps^2) + "
            "20 L1 Delta/(kappa1 eps) steps, kappa1 = 0.948.",
)
