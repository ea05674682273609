"""gd.smooth.pep: the exact worst case of GD with step h/L on L-smooth functions (card B6).

    x_{k+1} = x_k - (h/L) grad f(x_k),  0 < h < sqrt(3)
    min_{0<=k<=N} ||grad f(x_k)||^2 <= 4 L (f(x_0) - f(x_N)) / (N c(h)),   c(h) = min(4h - h^2, 4h - h^3)

Provenance. The formula is Abbaszadehpeivasti, de Klerk, Zamani 2021 (arXiv 2104.05468; their text
was not read), as reconstructed in card B6 and confirmed there against the PEP SDP to >= 7 digits;
that it is *tight* stays their claim. That it is a *valid bound* is derived and certified here, for
every N and every 0 < h < sqrt(3), from the L-smooth interpolation inequality (lsmooth.interpolation)
between x_k and x_{k+1} in both directions. With a = ||g_k||^2, c = ||g_{k+1}||^2:

* h <= 1: the inequality from x_{k+1} to x_k, plus (1 - h)/(4L) ||g_k - g_{k+1}||^2 >= 0, gives
  f_k - f_{k+1} >= h[(3 - h) a + c]/(4L);
* 1 <= h: the two directions with weights (h + 1)/2 and (h - 1)/2 (both >= 0) give
  f_k - f_{k+1} >= h[(3 - h^2) a + c]/(4L).

Each is at least the stated h[m(h) a + c]/(4L), m(h) = min(3 - h, 3 - h^2); the telescoping of
theory.links needs m(h) >= 0, which is exactly h <= sqrt(3), and h (m(h) + 1) = c(h).
"""
import sympy as sp

from ..assumptions import CONSTANTS, SMOOTH
from ..lemmas.inequalities import NORM_NONNEG
from ..lemmas.smooth import INTERPOLATION
from ..model import (ONE_STEP, Assumption, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity,
                     Rate, Source, Theorem, split)
from ..symbols import Delta, L, T, eps, f, f_next, g_next_vec, g_vec, gap, grad_sq, grad_sq_next, lr

RECONSTRUCTED = Source("claim", "Abbaszadehpeivasti, de Klerk, Zamani 2021 (arXiv 2104.05468), general-h formula "
                                "reconstructed and confirmed by the PEP SDP to >= 7 digits (card B6); "
                                "h = 1 case as documented in PEPit (4L/(3N)); paper text not read")
DERIVED = Source("derived", "derived here from the L-smooth interpolation inequality (Taylor, Hendrickx, "
                            "Glineur 2017, mu = -L, as used by PEPit's SmoothFunction); certified here")

h = L * lr
c_h = sp.Min(4 * h - h ** 2, 4 * h - h ** 3)
m_h = sp.Min(3 - h, 3 - h ** 2)
SHORT, LONG = split(lr, 1 / L, "h <= 1 or h >= 1")

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
    update=-lr * g_vec,
    one_step=OneStep(f_next, f - h * (m_h * grad_sq + grad_sq_next) / (4 * L), DERIVED,
                     statement="f(x_{k+1}) <= f(x_k) - h [min(3 - h, 3 - h^2) ||g_k||^2 + ||g_{k+1}||^2] / (4L)"),
    rate=Rate("min_grad_sq_through_T", Formula(4 * L * gap / (T * c_h), DERIVED),
              "min_{0<=k<=N} ||grad f(x_k)||^2 <= 4L (f(x_0) - f(x_N)) / (N min(4h - h^2, 4h - h^3))"),
    complexity=Formula(sp.ceiling(4 * L * Delta / (c_h * eps ** 2)), DERIVED),
    chain=(
        ChainStep("short steps (h <= 1)",
                  "interpolation from x_{k+1} to x_k, plus (1 - h)/(4L) ||g_k - g_{k+1}||^2 >= 0, gives "
                  "f_k - f_{k+1} >= h[(3 - h) a + c]/(4L) >= the stated bound (min(3 - h, 3 - h^2) <= 3 - h)",
                  (), DERIVED, assume=(SHORT,),
                  derives=Derivation(ONE_STEP, ((INTERPOLATION.at("x_next", "x"), 1),
                                                (NORM_NONNEG.at(u=g_vec - g_next_vec), (1 - h) / (4 * L))))),
        ChainStep("long steps (h >= 1)",
                  "interpolation both ways with weights (h + 1)/2 (x_{k+1} to x_k) and (h - 1)/2 (x_k to x_{k+1}) "
                  "cancels <g_k, g_{k+1}> and gives f_k - f_{k+1} >= h[(3 - h^2) a + c]/(4L)",
                  (), DERIVED, assume=(LONG,),
                  derives=Derivation(ONE_STEP, ((INTERPOLATION.at("x_next", "x"), (h + 1) / 2),
                                                (INTERPOLATION.at("x", "x_next"), (h - 1) / 2)))),
    ),
    claims=(Claim("order", "O(L Delta eps^-2), constant 4/c(h)", DERIVED, sp.Integer(2)),
            Claim("tight", "the bound is attained for every N and 0 < h < sqrt(3) (exact worst case)", RECONSTRUCTED)),
    summary="The tight worst case of GD, certified as a bound for every N; 1.5x below gd.smooth at lr = 1/L.",
)
