"""Oracle models as premises: what E_t of the oracle's answer g_t = o gives, conditionally on x_t.

An unbiased oracle with variance at most sigma^2 (E o = grad f, E||o - grad f||^2 <= sigma^2) gives
E<grad f, o> = ||grad f||^2 and E||o||^2 = ||grad f||^2 + E||o - grad f||^2 <= ||grad f||^2 + sigma^2 (the
cross term vanishes): the expansion is algebra on the definition, which is the axiom. Additive
Gaussian noise attains it, the witness; the test suite checks it on the catalogue's oracles.
oracle.unbiased is the same linearity against any vector u fixed by the past: E_t<u, o> = <u, grad f(x_t)>.
"""
import sympy as sp

from ..lemma import Lemma, Witness
from ..model import (Condition, ChainStep, Derivation, Quantity, Source, Stated, expected, grad_sq, inner, le, oracle_sq,
                     zero)
from ..symbols import g_vec, o_vec, sigma, tau
from .inequalities import NORM_NONNEG

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


# -- almost-surely bounded noise (Zhang, He, Sra, Jadbabaie 2020, assumption A5) -------------------------------
# A5 states the noise's norm pathwise, so what it gives is pathwise too: ||g_t|| <= ||grad f|| + tau and
# <grad f, g_t> >= ||grad f||^2 - tau ||grad f||, the two facts a clipped step needs. They follow from A5 and
# ||a (g_t - grad f) +- tau grad f||^2 >= 0 (Young's inequality with the weights that make it tight at ||g_t - grad f|| =
# tau), so they are proved, not assumed.
wn = sp.Symbol("w_n", real=True)  # <grad f, z> at the witness, |w_n| <= ||grad f||
a_n = sp.sqrt(grad_sq)            # ||grad f(x_t)||

BOUNDED_NOISE = Lemma(
    id="oracle.bounded_noise",
    title="Unbiased oracle with noise bounded by tau almost surely (assumption A5)",
    statement="E_t<grad f(x_t), g_t> = ||grad f(x_t)||^2 and ||g_t - grad f(x_t)||^2 <= tau^2 almost surely",
    conclusions=(zero(expected(inner), grad_sq), le(oracle_sq - 2 * inner + grad_sq, tau ** 2)),
    source=Source("paper", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), assumption A5 [P] (card "
                           "clipping_zhang2019_2020.md section 2.1): an unbiased stochastic gradient with "
                           "||grad f^(x) - grad f(x)|| <= tau almost surely; E_t<grad f, g_t> = ||grad f||^2 is its "
                           "unbiasedness, by linearity"),
    constants=(Quantity(tau, "almost-sure noise bound"),),
    function_class="oracle:bounded_noise",
    # g_t = grad f + tau z with ||z|| = 1 and E z = 0 (a random sign times a unit vector): the bound is attained
    witnesses=(Witness("o = grad f + tau z, ||z|| = 1, E z = 0",
                       {expected(inner): s2, grad_sq: s2, inner: s2 + tau * wn, oracle_sq: s2 + 2 * tau * wn + tau ** 2},
                       ((s2, 0, sp.oo), (wn, -sp.sqrt(s2), sp.sqrt(s2)))),),
)

GRAD_SQ_NONNEG = Condition(sp.GreaterThan(grad_sq, 0), "||grad f||^2 >= 0", by=NORM_NONNEG.at(u=g_vec))

NOISE_RANGE = Lemma(
    id="oracle.bounded_noise_range",
    title="Under A5 the oracle's answer is within tau of the gradient: its norm and its alignment, pathwise",
    statement="||g_t||^2 <= (||grad f(x_t)|| + tau)^2 and <grad f(x_t), g_t> >= ||grad f(x_t)||^2 - tau ||grad f(x_t)||, "
              "almost surely",
    conclusions=(le(oracle_sq, (a_n + tau) ** 2), le(grad_sq - tau * a_n, inner)),
    source=Source("derived", "A5 and ||a (g_t - grad f) -+ tau grad f||^2 >= 0, a = ||grad f|| (Young's inequality, "
                             "tight where ||g_t - grad f|| = tau)"),
    constants=(Quantity(tau, "almost-sure noise bound"),),
    proof=(
        ChainStep("the norm", "||a(o - g) - tau g||^2 >= 0 gives 2<o - g, g> <= a ||o - g||^2/tau + tau a; with "
                  "||o - g||^2 <= tau^2 (A5, weight 1 + a/tau): ||o||^2 = ||o - g||^2 + 2<o - g, g> + a^2 <= (a + tau)^2",
                  (), Source("derived", "Young's inequality and A5"), assume=(GRAD_SQ_NONNEG,),
                  derives=Derivation(Stated(0), (
                      (NORM_NONNEG.at(u=a_n * (o_vec - g_vec) - tau * g_vec), 1 / (a_n * tau)),
                      (BOUNDED_NOISE.at(pick=(1,)), 1 + a_n / tau)))),
        ChainStep("the alignment", "||a(o - g) + tau g||^2 >= 0 gives <o - g, g> >= -(a ||o - g||^2/tau + tau a)/2 >= "
                  "-tau a with A5 (weight a/(2 tau))",
                  (), Source("derived", "Young's inequality and A5"), assume=(GRAD_SQ_NONNEG,),
                  derives=Derivation(Stated(1), (
                      (NORM_NONNEG.at(u=a_n * (o_vec - g_vec) + tau * g_vec), 1 / (2 * a_n * tau)),
                      (BOUNDED_NOISE.at(pick=(1,)), a_n / (2 * tau))))),
    ),
)

E_uo, u_g, s_w = (sp.Symbol(n, real=True) for n in ("E_uo", "u_g", "s_w"))

UNBIASED = Lemma(
    id="oracle.unbiased",
    title="An unbiased oracle against a vector fixed by the past",
    statement="E_t g_t = grad f(x_t) and u determined by the past (x_t, b_{t-1}, ...), not by g_t: "
              "E_t <u, g_t> = <u, grad f(x_t)>  (E_uo = E_t<u, g_t>, u_g = <u, grad f(x_t)>)",
    conclusions=(zero(E_uo, u_g),),
    source=Source("claim", "linearity of E_t: E_t[<u, g_t>] = <u, E_t g_t> as u is fixed given the past; the "
                           "unbiasedness of oracle.bounded_variance"),
    scalars=(E_uo, u_g),
    function_class="oracle:bounded_variance",
    witnesses=(Witness("o = grad f + sigma z, z standard Gaussian", {E_uo: s_w, u_g: s_w},
                       ((s_w, -sp.oo, sp.oo),)),),
)

LEMMAS = (BOUNDED_VARIANCE, BOUNDED_NOISE, NOISE_RANGE, UNBIASED)
