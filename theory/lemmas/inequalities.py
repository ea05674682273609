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

LEMMAS = (NORM_NONNEG, CAUCHY_SCHWARZ)
