"""The premises of every L-smooth argument, as axioms with their citations and tight witnesses.

All hold with equality on the quadratics f(t) = +-(L/2) t^2 + b t (members of the class: |f''| = L),
so changing any of their constants to the optimistic side fails on a witness in the certificate, and
the test suite checks each on every L-smooth catalogue objective.
"""
import sympy as sp

from ..lemma import TWO_POINT, Lemma, function_witness, fx, fy, ip
from ..model import Quantity, Source, le
from ..symbols import L

SMOOTH_L = Quantity(L, "gradient Lipschitz constant (L-smooth)")
t, b = sp.Symbol("t", real=True), sp.Symbol("b", real=True)


def _quadratic(sign: int):
    phi = sign * L * t ** 2 / 2 + b * t
    # |phi''| <= L: the witness is L-smooth
    return function_witness(f"f(t) = {'+' if sign > 0 else '-'}(L/2) t^2 + b t", phi, t,
                            membership=(le(sp.Abs(sp.diff(phi, t, 2)), L, "|f''| <= L"),))


DESCENT = Lemma(
    id="lsmooth.descent",
    title="Descent lemma of L-smooth functions",
    statement="f(y) <= f(x) + <grad f(x), y - x> + (L/2) ||y - x||^2",
    conclusions=(le(fy, fx + ip("gx", "d") + L / 2 * ip("d", "d")),),
    source=Source("claim", "textbook: Nesterov 2004, Introductory Lectures on Convex Optimization, section 1.2.2 "
                           "(the lemma number not checked against the text); a consequence of the Lipschitz "
                           "gradient and Taylor's theorem in integral form, checked here on witnesses"),
    vectors=TWO_POINT, scalars=(fx, fy), constants=(SMOOTH_L,),
    function_class="L-smooth",
    witnesses=(_quadratic(+1), _quadratic(-1)),
)

INTERPOLATION = Lemma(
    id="lsmooth.interpolation",
    title="Interpolation inequality of L-smooth (possibly nonconvex) functions",
    statement="f(y) >= f(x) + <grad f(x), d> + ||grad f(y) - grad f(x)||^2/(4L) - (L/4)||d||^2 "
              "+ <grad f(y) - grad f(x), d>/2,  d = y - x",
    conclusions=(le(fx + ip("gx", "d") + (ip("gy", "gy") - 2 * ip("gx", "gy") + ip("gx", "gx")) / (4 * L)
                    - L / 4 * ip("d", "d") + (ip("gy", "d") - ip("gx", "d")) / 2, fy),),
    source=Source("claim", "Taylor, Hendrickx, Glineur 2017 (SIAM J. Optim. 27(3)), Theorem 3.10 with mu = -L, "
                           "read off the condition PEPit's SmoothFunction imposes (the paper's text not read)"),
    vectors=TWO_POINT, scalars=(fx, fy), constants=(SMOOTH_L,),
    function_class="L-smooth",
    witnesses=(_quadratic(+1), _quadratic(-1)),
)

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

LEMMAS = (DESCENT, INTERPOLATION, LIPSCHITZ_GRADIENT)
