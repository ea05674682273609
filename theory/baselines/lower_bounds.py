"""lower.det and lower.stoch: lower bounds as order claims (cards B3, B4).

The universal constants c of both papers were NOT FOUND; a lower bound evaluates as c x (scale),
with c reported unknown, and is used by `show` to say whether an upper bound's eps-order is optimal.
"""
import sympy as sp

from ..model import Claim, Formula, Quantity, Source, Theorem
from ..symbols import Delta, L, c_lower, eps, sigma
from ..assumptions import BOUNDED_BELOW, BOUNDED_VARIANCE, CONSTANTS, SIGMA_Q, SMOOTH

CDHS = Source("claim", "Carmon, Duchi, Hinder, Sidford, 'Lower bounds for finding stationary points I' "
                       "(arXiv 1710.11606), abstract: eps^-2 for p = 1, any (randomized) algorithm; constant NOT FOUND")
ACDFSW = Source("claim", "Arjevani, Carmon, Duchi, Foster, Srebro, Woodworth (arXiv 1912.02365), abstract: "
                         "eps^-4 with unbiased bounded-variance oracles; constant NOT FOUND")
UNKNOWN_C = Quantity(c_lower, "universal constant of the lower bound (NOT FOUND)")

det = Theorem(
    id="lower.det", title="Lower bound for finding stationary points of L-smooth functions (any algorithm)",
    algorithm="any", function_class="L-smooth", oracle="exact", kind="lower",
    constants=(*CONSTANTS, UNKNOWN_C), assumptions=(SMOOTH, BOUNDED_BELOW),
    complexity=Formula(c_lower * Delta * L / eps ** 2, CDHS),
    claims=(Claim("order", "Omega(Delta L eps^-2) queries to reach ||grad f|| <= eps (high dimension)", CDHS,
                  sp.Integer(2), lower=True),),
    summary="No algorithm, even randomized and with all derivatives, beats Delta L / eps^2 up to a constant.",
)

stoch = Theorem(
    id="lower.stoch", title="Lower bound for stochastic first-order methods on L-smooth functions",
    algorithm="any", function_class="L-smooth", oracle="bounded_variance", kind="lower",
    constants=(*CONSTANTS, SIGMA_Q, UNKNOWN_C),
    assumptions=(SMOOTH, BOUNDED_BELOW, BOUNDED_VARIANCE),
    complexity=Formula(c_lower * Delta * L * sigma ** 2 / eps ** 4, ACDFSW),
    claims=(Claim("order", "Omega(Delta L sigma^2 eps^-4) oracle calls (eps^-3 under mean-squared smoothness)",
                  ACDFSW, sp.Integer(4), lower=True),),
    summary="No method with an unbiased sigma^2-variance oracle beats Delta L sigma^2 / eps^4.",
)
