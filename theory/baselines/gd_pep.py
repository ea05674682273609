"""gd.smooth.pep: the exact worst case of GD with step h/L on L-smooth functions (card B6).

    x_{k+1} = x_k - (h/L) grad f(x_k),  0 < h < sqrt(3)
    min_{0<=k<=N} ||grad f(x_k)||^2 <= 4 L (f(x_0) - f(x_N)) / (N c(h)),   c(h) = min(4h - h^2, 4h - h^3)

Provenance. The formula is Abbaszadehpeivasti, de Klerk, Zamani 2021 (arXiv 2104.05468; their text
was not read), as reconstructed in card B6 and confirmed there against the PEP SDP to >= 7 digits;
that it is *tight* stays their claim. That it is a *valid bound* is derived and certified here, for
every N and every 0 < h < sqrt(3):

With a = ||g_k||^2, b = <g_k, g_{k+1}>, c = ||g_{k+1}||^2, the L-smooth interpolation inequality
(Taylor, Hendrickx, Glineur 2017, mu = -L) in both directions between x_k and x_{k+1} reads

    f_k - f_{k+1} >= I01 = [(1 + 2h - h^2) a + c + (2h - 2) b] / (4L)
    f_{k+1} - f_k >= I10 = [(1 - 2h - h^2) a + c - (2h + 2) b] / (4L).

* h <= 1: 2b = a + c - ||g_k - g_{k+1}||^2 in I01 gives f_k - f_{k+1} >= h[(3 - h) a + c]/(4L).
* 1 <= h < sqrt(3): the multipliers u = (h+1)/(2h(4-h^2)) >= 0 and v = (h-1)/(2h(4-h^2)) >= 0 cancel
  b: 4L(u I01 + v I10) = t a + (1-t) c with t = (3-h^2)/(4-h^2) in [0, 1], and 4L(u - v) =
  4L/(4h - h^3), so f_k - f_{k+1} >= h[(3 - h^2) a + c]/(4L). (t >= 0 is exactly h <= sqrt(3).)

So f_k - f_{k+1} >= h[m(h) a_k + a_{k+1}]/(4L) with m(h) = min(3 - h, 3 - h^2) >= 0, each bracket is
>= (m(h) + 1) min_j a_j and h(m(h) + 1) = c(h); summing over k < N gives the formula.
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
m_h = sp.Min(3 - h, 3 - h ** 2)
rate = 4 * L * gap / (T * c_h)
T_eps = 4 * L * Delta / (c_h * eps ** 2)

# Gram entries of (g_k, g_{k+1}): a, b, c as above; dsq = ||g_k - g_{k+1}||^2; m = min(a, c) with
# a = m + p, c = m + q; mh stands for m(h) >= 0 in the bracket bound.
a, c, dsq, m, p, q, mh = sp.symbols("a c dsq m p q mh", positive=True)
b = sp.Symbol("b", real=True)
I01 = ((1 + 2 * h - h ** 2) * a + c + (2 * h - 2) * b) / (4 * L)
I10 = ((1 - 2 * h - h ** 2) * a + c - (2 + 2 * h) * b) / (4 * L)
u = (h + 1) / (2 * h * (4 - h ** 2))
v = (h - 1) / (2 * h * (4 - h ** 2))
t = (3 - h ** 2) / (4 - h ** 2)
SHORT = Condition(sp.LessThan(lr, 1 / L), "lr <= 1/L (h <= 1)")
LONG = Condition(sp.GreaterThan(lr, 1 / L), "lr >= 1/L (h >= 1)")

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
    one_step=OneStep(f_next, f - h * (m_h * grad_sq + grad_sq_next) / (4 * L), DERIVED,
                     coefficient=c_h / (4 * L),
                     statement="f(x_{k+1}) <= f(x_k) - h [min(3 - h, 3 - h^2) ||g_k||^2 + ||g_{k+1}||^2] / (4L)"),
    rate=Rate("min_grad_sq_through_T", Formula(rate, DERIVED),
              "min_{0<=k<=N} ||grad f(x_k)||^2 <= 4L (f(x_0) - f(x_N)) / (N min(4h - h^2, 4h - h^3))"),
    complexity=Formula(sp.ceiling(T_eps), DERIVED),
    chain=(
        ChainStep("interpolation", "the L-smooth interpolation inequality between x_k and x_{k+1}, both ways, with "
                  "x_k - x_{k+1} = (h/L) g_k, in Gram entries a, b, c",
                  (zero((h / L) * b + (a - 2 * b + c - h ** 2 * a + 2 * h * (a - b)) / (4 * L), I01,
                        "f_k - f_{k+1} >= I01"),
                   zero(-(h / L) * a + (a - 2 * b + c - h ** 2 * a - 2 * h * (b - a)) / (4 * L), I10,
                        "f_{k+1} - f_k >= I10")), DERIVED),
        ChainStep("short steps (h <= 1)", "(2h - 2) b >= (h - 1)(a + c) because ||g_k - g_{k+1}||^2 >= 0, so "
                  "f_k - f_{k+1} >= h[(3 - h) a + c]/(4L)",
                  (le(h * ((3 - h) * a + c) / (4 * L), I01.subs(b, (a + c - dsq) / 2)),), DERIVED, assume=(SHORT,)),
        ChainStep("long steps (1 <= h < sqrt(3))", "multipliers u, v >= 0 on I01 and I10 cancel b: "
                  "4L(u I01 + v I10) = t a + (1 - t) c, t in [0, 1], 4L(u - v) = 4L/(4h - h^3); so "
                  "f_k - f_{k+1} >= h[(3 - h^2) a + c]/(4L)",
                  (zero(4 * L * (u * I01 + v * I10), t * a + (1 - t) * c, "4L(u I01 + v I10) = t a + (1-t) c"),
                   zero(4 * L * (u - v), 4 * L / (4 * h - h ** 3), "4L(u - v) = 4L/(4h - h^3)"),
                   zero((4 * h - h ** 3) * t, h * (3 - h ** 2)), zero((4 * h - h ** 3) * (1 - t), h),
                   le(0, u, "u >= 0"), le(0, v, "v >= 0 (needs h >= 1)"), le(0, t, "t >= 0 (needs h <= sqrt 3)"),
                   le(t, 1, "t <= 1")), DERIVED, assume=(LONG,)),
        ChainStep("one-step", "both cases are f_k - f_{k+1} >= h[m(h) a + c]/(4L) with m(h) = min(3 - h, 3 - h^2): "
                  "3 - h <= 3 - h^2 for h <= 1 and the reverse for h >= 1; m(h) >= 0 for h < sqrt(3)",
                  (le(3 - h, 3 - h ** 2), le(0, 3 - h)), DERIVED, assume=(SHORT,)),
        ChainStep("one-step, h >= 1", "the same for h >= 1",
                  (le(3 - h ** 2, 3 - h), le(0, 3 - h ** 2)), DERIVED, assume=(LONG,)),
        ChainStep("telescoping", "each bracket m(h) a_k + a_{k+1} >= (m(h) + 1) min(a_k, a_{k+1}), "
                  "h (m(h) + 1) = c(h) in both cases, and summing over k < N gives "
                  "N c(h) min_{k<=N} a_k <= 4L (f_0 - f_N): the formula (N = 1 included)",
                  (le((mh + 1) * m, mh * (m + p) + (m + q)), le((mh + 1) * m, mh * m + (m + q)),
                   le((mh + 1) * m, mh * (m + p) + m),
                   zero(h * (3 - h + 1), 4 * h - h ** 2), zero(h * (3 - h ** 2 + 1), 4 * h - h ** 3),
                   zero(rate * T * c_h / (4 * L), gap)), DERIVED),
        ChainStep("complexity", "f(x_N) >= f* gives gap <= Delta; N >= 4 L Delta / (c(h) eps^2) makes the rate "
                  "at most eps^2", (zero(rate.subs(gap, Delta).subs(T, T_eps), eps ** 2),), DERIVED),
    ),
    claims=(Claim("order", "O(L Delta eps^-2), constant 4/c(h)", DERIVED, sp.Integer(2)),
            Claim("tight", "the bound is attained for every N and 0 < h < sqrt(3) (exact worst case)", RECONSTRUCTED)),
    summary="The tight worst case of GD, certified as a bound for every N; 1.5x below gd.smooth at lr = 1/L.",
)
