"""Premises of sgd_momentum.smooth's shadow-iterate argument, as axioms with witnesses that pin their constants.

* lsmooth.lipschitz_gradient: the definition of the L-smooth class, ||grad f(y) - grad f(x)|| <= L ||y - x||,
  squared; the quadratics +-(L/2) t^2 + b t attain it, and the test suite checks it on every L-smooth catalogue
  objective (it is a two-point axiom, tests/test_axioms.py).
* inner_product.convexity: ||theta u + (1 - theta) v||^2 <= theta ||u||^2 + (1 - theta) ||v||^2 for theta in [0, 1]
  (Jensen for the squared norm; the slack is theta (1 - theta) ||u - v||^2). The witness is the whole
  one-dimensional instance (u, v real), so a constant changed to the optimistic side fails there.
* oracle.unbiased: E_t <u, g_t> = <u, grad f(x_t)> for a vector u fixed by the past (x_t, the momentum buffer
  b_{t-1}, ...), as grad f at the shadow iterate is: the oracle's answer is unbiased given the past.
"""
import sympy as sp

from ..lemma import TWO_POINT, Lemma, Witness, function_witness, ip
from ..lemmas.smooth import SMOOTH_L
from ..model import Source, le, zero
from ..symbols import L

t, b = sp.Symbol("t", real=True), sp.Symbol("b", real=True)
theta = sp.Symbol("theta", nonnegative=True)                 # the convex combination's weight
p, q, s_w = sp.Symbol("p", real=True), sp.Symbol("q", real=True), sp.Symbol("s_w", real=True)
E_uo, u_g = sp.Symbol("E_uo", real=True), sp.Symbol("u_g", real=True)


def _quadratic(sign: int):
    phi = sign * L * t ** 2 / 2 + b * t
    return function_witness(f"f(t) = {'+' if sign > 0 else '-'}(L/2) t^2 + b t", phi, t,
                            membership=(le(sp.Abs(sp.diff(phi, t, 2)), L, "|f''| <= L"),))


LIPSCHITZ_GRADIENT = Lemma(
    id="lsmooth.lipschitz_gradient",
    title="The gradient of an L-smooth function is L-Lipschitz",
    statement="||grad f(y) - grad f(x)||^2 <= L^2 ||y - x||^2",
    conclusions=(le(ip("gy", "gy") - 2 * ip("gx", "gy") + ip("gx", "gx"), L ** 2 * ip("d", "d")),),
    source=Source("claim", "the definition of the L-smooth class (Nesterov 2004, Introductory Lectures on Convex "
                           "Optimization, section 1.2.2, class C^{1,1}_L; the page not checked), squared"),
    vectors=TWO_POINT, constants=(SMOOTH_L,),
    function_class="L-smooth",
    witnesses=(_quadratic(+1), _quadratic(-1)),
)

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

LEMMAS = (LIPSCHITZ_GRADIENT, CONVEXITY, UNBIASED)
