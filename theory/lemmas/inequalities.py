"""Elementary inequalities of an inner-product space, as axioms with witnesses that pin their constants."""
import sympy as sp

from ..lemma import Lemma, Witness, ip, norm
from ..model import Source, le

s, t = sp.Symbol("s", positive=True), sp.Symbol("t", real=True)

NORM_NONNEG = Lemma(
    id="inner_product.norm_nonneg",
    title="A squared norm is nonnegative",
    statement="||u||^2 >= 0 for every vector u (used as ||g_k - g_{k+1}||^2 >= 0)",
    conclusions=(le(0, ip("u", "u")),),
    source=Source("claim", "definition of an inner product (positive semidefinite)"),
    vectors=("u",),
    witnesses=(Witness("u = 0", {ip("u", "u"): 0}),),
)

CAUCHY_SCHWARZ = Lemma(
    id="inner_product.cauchy_schwarz",
    title="Cauchy-Schwarz inequality",
    statement="|<u, v>| <= ||u|| ||v||: <u, v> <= ||u|| ||v|| and -<u, v> <= ||u|| ||v||",
    conclusions=(le(ip("u", "v"), norm("u") * norm("v")), le(-ip("u", "v"), norm("u") * norm("v"))),
    source=Source("claim", "Cauchy-Schwarz inequality of an inner-product space"),
    vectors=("u", "v"),
    # v = t u: <u, v> = t ||u||^2 and ||v|| = |t| ||u||; equality on each side of t = 0, one witness per side so
    # that |t| is decided and the witnesses certify symbolically
    witnesses=tuple(Witness(f"v = t u, t {side}, ||u|| = s",
                            {ip("u", "v"): t * s ** 2, ip("u", "u"): s ** 2, ip("v", "v"): t ** 2 * s ** 2},
                            ((s, 0, sp.oo), (t, lo, hi)))
                    for side, lo, hi in (("> 0", 0, sp.oo), ("< 0", -sp.oo, 0))),
)

theta = sp.Symbol("theta", nonnegative=True)  # a convex combination's weight
p, q = sp.Symbol("p", real=True), sp.Symbol("q", real=True)

CONVEXITY = Lemma(
    id="inner_product.convexity",
    title="Convexity of the squared norm (Jensen)",
    statement="||theta u + (1 - theta) v||^2 <= theta ||u||^2 + (1 - theta) ||v||^2 for 0 <= theta <= 1",
    conclusions=(le(theta ** 2 * ip("u", "u") + 2 * theta * (1 - theta) * ip("u", "v")
                    + (1 - theta) ** 2 * ip("v", "v"), theta * ip("u", "u") + (1 - theta) * ip("v", "v")),),
    source=Source("claim", "Jensen's inequality for the convex ||.||^2; in an inner-product space the slack is the "
                           "identity theta (1 - theta) ||u - v||^2 >= 0"),
    vectors=("u", "v"), scalars=(theta,),
    hypotheses=(le(0, theta, "theta >= 0"), le(theta, 1, "theta <= 1")),
    witnesses=(Witness("u = p, v = q real (every one-dimensional instance)",
                       {ip("u", "u"): p ** 2, ip("u", "v"): p * q, ip("v", "v"): q ** 2},
                       ((p, -sp.oo, sp.oo), (q, -sp.oo, sp.oo), (theta, 0, 1))),),
)

LEMMAS = (NORM_NONNEG, CAUCHY_SCHWARZ, CONVEXITY)
