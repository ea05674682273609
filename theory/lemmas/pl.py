"""The Polyak-Lojasiewicz (PL) inequality as a premise: a landscape assumption, not a smoothness one.

    f(x) - f* <= ||grad f(x)||^2 / (2 mu)   for every x,   i.e.   2 mu (f(x) - f*) <= ||grad f(x)||^2

with f* = inf f. It is the definition of the class (an axiom with its citation); the quadratic
f(t) = (mu/2) t^2 (f* = 0) meets it with equality at every t, so a constant changed to the optimistic
side fails on that witness in the certificate itself, and the test suite checks the inequality on every
catalogue objective that publishes a PL constant mu (convcheck.axioms.check_pl_axiom).

The slot ``e`` is the gap f(x) - f* (nonnegative by the definition of f*); ``gx`` is grad f(x).
"""
import sympy as sp

from ..lemma import Lemma, Witness, ip
from ..model import Quantity, Source, le
from ..symbols import mu

PL_MU = Quantity(mu, "Polyak-Lojasiewicz constant: f - f* <= ||grad f||^2/(2 mu)")
e = sp.Symbol("e", nonnegative=True)     # f(x) - f*
t = sp.Symbol("t", real=True)

GRADIENT_DOMINANCE = Lemma(
    id="pl.gradient_dominance",
    title="Polyak-Lojasiewicz inequality (gradient dominance)",
    statement="2 mu (f(x) - f*) <= ||grad f(x)||^2 for every x, f* = inf f",
    conclusions=(le(2 * mu * e, ip("gx", "gx"), "2 mu (f(x) - f*) <= ||grad f(x)||^2"),),
    source=Source("claim", "the definition of the PL class: Polyak 1963 (USSR Comput. Math. Math. Phys. 3(4)) and "
                           "Karimi, Nutini, Schmidt 2016 (ECML-PKDD, 'Linear convergence of gradient and proximal-"
                           "gradient methods under the Polyak-Lojasiewicz condition'); neither text was read here, the "
                           "inequality is the class's standard definition"),
    vectors=("gx",), scalars=(e,), constants=(PL_MU,),
    function_class="PL",
    witnesses=(Witness("f(t) = (mu/2) t^2, f* = 0", {e: mu * t ** 2 / 2, ip("gx", "gx"): (mu * t) ** 2},
                       ((t, -sp.oo, sp.oo),), (le(0, mu * t ** 2 / 2, "f(t) >= f(0) = 0: f* = 0"),)),),
)

LEMMAS = (GRADIENT_DOMINANCE,)
