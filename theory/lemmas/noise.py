"""Oracle models as premises: what E_t of the oracle's answer g_t = o gives, conditionally on x_t.

An unbiased oracle with variance at most sigma^2 (E o = grad f, E||o - grad f||^2 <= sigma^2) gives
E<grad f, o> = ||grad f||^2 and E||o||^2 = ||grad f||^2 + E||o - grad f||^2 <= ||grad f||^2 + sigma^2 (the
cross term vanishes): the expansion is algebra on the definition, which is the axiom. Additive
Gaussian noise attains it, the witness; the test suite checks it on the catalogue's oracles.
"""
import sympy as sp

from ..lemma import Lemma, Witness
from ..model import Quantity, Source, expected, grad_sq, inner, le, oracle_sq, zero
from ..symbols import sigma

s2 = sp.Symbol("s2", nonnegative=True)  # ||grad f||^2 at the witness

BOUNDED_VARIANCE = Lemma(
    id="oracle.bounded_variance",
    title="Unbiased oracle with variance at most sigma^2: the second-moment expansion",
    statement="E_t<grad f(x_t), g_t> = ||grad f(x_t)||^2 and E_t||g_t||^2 <= ||grad f(x_t)||^2 + sigma^2",
    conclusions=(zero(expected(inner), grad_sq), le(expected(oracle_sq), grad_sq + sigma ** 2)),
    source=Source("claim", "the definition of an unbiased oracle with variance sigma^2 (Ghadimi & Lan 2013, "
                           "assumption A1, by memory), expanded: ||o||^2 = ||grad f||^2 + 2<grad f, o - grad f> + "
                           "||o - grad f||^2"),
    constants=(Quantity(sigma, "oracle noise level", closed_lo=True),),
    function_class="oracle:bounded_variance",
    witnesses=(Witness("o = grad f + sigma z, z standard Gaussian",
                       {expected(inner): s2, expected(oracle_sq): s2 + sigma ** 2, grad_sq: s2},
                       ((s2, 0, sp.oo),)),),
)

LEMMAS = (BOUNDED_VARIANCE,)
