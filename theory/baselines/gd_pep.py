"""gd.smooth.pep: the exact worst case of GD with step h/L on L-smooth functions (card B6).

    x_{k+1} = x_k - (h/L) grad f(x_k),  0 < h < sqrt(3)
    min_{0<=k<=N} ||grad f(x_k)||^2 <= 4 L (f(x_0) - f(x_N)) / (N c(h)),   c(h) = min(4h - h^2, 4h - h^3)

Provenance. The formula is the reconstruction of Abbaszadehpeivasti, de Klerk, Zamani 2021
(arXiv 2104.05468; their text was not read), confirmed against the PEP SDP to >= 7 digits (card B6)
and equal at h = 1 to PEPit's documented 4L/(3N). It is kept as a ``claim``.

What is derived and certified here, for 0 < h <= 1 and every N: the interpolation inequality of
L-smooth functions (Taylor, Hendrickx, Glineur 2017, smooth class with mu = -L) between x_k and
x_{k+1} = x_k - (h/L) g_k reads, with a = ||g_k||^2, b = <g_k, g_{k+1}>, c = ||g_{k+1}||^2,

    f(x_k) - f(x_{k+1}) >= [(1 + 2h - h^2) a + c + (2h - 2) b] / (4L);

with 2b = a + c - ||g_k - g_{k+1}||^2 and h <= 1 this is >= [(3h - h^2) a + h c] / (4L), and summing
over k < N gives N (4h - h^2) min_k a_k <= 4L (f(x_0) - f(x_N)): the formula, since c(h) = 4h - h^2
for h <= 1. For 1 < h < sqrt(3) the formula stays the reconstructed claim (checked by runs).
"""
import sympy as sp

from ..model import (Assumption, ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, le, zero)
from ..symbols import Delta, L, T, eps, f, f_next, gap, grad_sq, grad_sq_next, lr
from .gd_smooth import CONSTANTS, SMOOTH

RECONSTRUCTED = Source("claim", "Abbaszadehpeivasti, de Klerk, Zamani 2021 (arXiv 2104.05468), general-h formula "
                                "reconstructed and confirmed by the PEP SDP to >= 7 digits (card B6); "
                                "h = 1 case as documented in PEPit (4L/(3N)); paper text not read")
DERIVED = Source("derived", "derived here from the L-smooth interpolation inequality (Taylor, Hendrickx, "
                            "Glineur 2017, mu = -L, as used by PEPit's SmoothFunction); certified here")

h = L * lr
c_h = sp.Min(4 * h - h ** 2, 4 * h - h ** 3)
rate = 4 * L * gap / (T * c_h)
T_eps = 4 * L * Delta / (c_h * eps ** 2)

# Gram entries of (g_k, g_{k+1}): a = ||g_k||^2, b = <g_k, g_{k+1}>, c = ||g_{k+1}||^2,
# dsq = ||g_k - g_{k+1}||^2, and m = min(a, c) with a = m + p, c = m + q.
a, c, dsq, m, p, q = sp.symbols("a c dsq m p q", positive=True)
b = sp.Symbol("b", real=True)
interpolation = (h / L) * b + (a - 2 * b + c - h ** 2 * a + 2 * h * (a - b)) / (4 * L)
one_step_bound = ((3 * h - h ** 2) * a + h * c) / (4 * L)
SHORT_STEP = Condition(sp.LessThan(lr, 1 / L), "lr <= 1/L (h <= 1)")

theorem = Theorem(
    id="gd.smooth.pep",
    title="Exact worst case of GD with step h/L on L-smooth functions (PEP)",
    algorithm="gd",
    function_class="L-smooth",
    oracle="exact",
    constants=CONSTANTS,
    hyperparameters=(Quantity(lr, "step size lr = h/L"),),
    assumptions=(SMOOTH, Assumption("bounded below", "f* > -inf; Delta >= f(x_0) - f* (for the complexity)",
                                    ("Delta",))),
    prescription={"lr": Formula(1 / L, RECONSTRUCTED)},
    conditions=(Condition(sp.StrictLessThan(lr, sp.sqrt(3) / L), "lr < sqrt(3)/L (h < sqrt(3))"),),
    one_step=OneStep(f_next, f - ((3 * h - h ** 2) * grad_sq + h * grad_sq_next) / (4 * L), DERIVED,
                     coefficient=(4 * h - h ** 2) / (4 * L),
                     statement="f(x_{k+1}) <= f(x_k) - [(3h - h^2)||g_k||^2 + h ||g_{k+1}||^2] / (4L)  (h <= 1)",
                     conditions=(SHORT_STEP,)),
    rate=Rate("min_grad_sq_through_T", Formula(rate, RECONSTRUCTED),
              "min_{0<=k<=N} ||grad f(x_k)||^2 <= 4L (f(x_0) - f(x_N)) / (N min(4h - h^2, 4h - h^3))"),
    complexity=Formula(sp.ceiling(T_eps), Source("claim", "derived here for h <= 1 (chain below); for "
                                                        "1 < h < sqrt(3) it rests on the reconstructed c(h)")),
    chain=(
        ChainStep("interpolation", "the L-smooth interpolation inequality between x_k and x_{k+1}, with "
                  "x_k - x_{k+1} = (h/L) g_k, in Gram entries a, b, c",
                  (zero(interpolation, ((1 + 2 * h - h ** 2) * a + c + (2 * h - 2) * b) / (4 * L),
                        "f_k - f_{k+1} >= [(1+2h-h^2)a + c + (2h-2)b]/(4L)"),), DERIVED),
        ChainStep("Gram bound", "for h <= 1, (2h - 2) b >= (h - 1)(a + c) because ||g_k - g_{k+1}||^2 >= 0; "
                  "this is the one-step inequality",
                  (le(one_step_bound,
                      (((1 + 2 * h - h ** 2) * a + c + (2 * h - 2) * b) / (4 * L)).subs(b, (a + c - dsq) / 2),
                      "[(3h-h^2)a + hc]/(4L) <= interpolation bound"),), DERIVED, assume=(SHORT_STEP,)),
        ChainStep("N = 1", "one step: (3h - h^2) a + h c >= (4h - h^2) min(a, c), so "
                  "min(a, c) <= 4L (f_0 - f_1) / (4h - h^2)",
                  (le((4 * h - h ** 2) * m, ((3 * h - h ** 2) * (m + p) + h * (m + q))),
                   le((4 * h - h ** 2) * m, ((3 * h - h ** 2) * m + h * (m + q))),
                   le((4 * h - h ** 2) * m, ((3 * h - h ** 2) * (m + p) + h * m))), DERIVED, assume=(SHORT_STEP,)),
        ChainStep("telescoping", "summing the one-step inequality over k < N: N (4h - h^2) min_{k<=N} a_k "
                  "<= 4L (f_0 - f_N); for h <= 1, c(h) = 4h - h^2, so the rate is the formula",
                  (le(4 * h - h ** 2, 4 * h - h ** 3, "4h - h^2 <= 4h - h^3 for h <= 1"),
                   zero((4 * L * gap / (T * (4 * h - h ** 2))) * T * (4 * h - h ** 2) / (4 * L), gap)),
                  DERIVED, assume=(SHORT_STEP,)),
        ChainStep("1 < h < sqrt(3)", "the formula with c(h) = 4h - h^3 for 1 < h < sqrt(3) is the reconstructed "
                  "PEP worst case; not derived here (the runs of `convcheck check` test it)", (), RECONSTRUCTED),
        ChainStep("complexity", "f(x_N) >= f* gives gap <= Delta; N >= 4 L Delta / (c(h) eps^2) makes the rate "
                  "at most eps^2", (zero(rate.subs(gap, Delta).subs(T, T_eps), eps ** 2),), DERIVED),
    ),
    claims=(Claim("order", "O(L Delta eps^-2), tight constant 4/c(h)", RECONSTRUCTED, sp.Integer(2)),),
    summary="The tight worst case of GD; 1.5x below gd.smooth's constant at lr = 1/L.",
)
