"""l0l1.descent: the descent inequalities of an (L0,L1)-smooth function within radius c_r/L1.

(L0,L1)-smoothness (Zhang, He, Sra, Jadbabaie 2020, Definition 1 [P]): ||Hess f(x)|| <= L0 + L1 ||grad f(x)||.
The paper's own descent lemma is NOT FOUND (card clipping_zhang2019_2020.md, sections 1 and 9.2). The
card derives one by a Groenwall argument [D]; it is certified here. With r = ||y - x||, u0 = ||grad f(x)||:

    ||grad f(y) - grad f(x)|| <= (L0 + L1 u0) (e^{L1 r} - 1)/L1  <=  A(c) (L0 + L1 u0) r
    f(y) <= f(x) + <grad f(x), y - x> + (L0 + L1 u0) (e^{L1 r} - 1 - L1 r)/L1^2  <=  ... + B(c) (L0 + L1 u0) r^2/2

for r <= c/L1, with A(c) = (e^c - 1)/c and B(c) = 2 (e^c - 1 - c)/c^2 (both -> 1 as c -> 0, the L-smooth
constants). A(c) is tight (f = cosh, card 9.2), so the Hessian form does not give the first-order form with
constant 1 at radius 1/L1. The constants A0(c) = 1 + e^c - (e^c - 1)/c, A1(c) = (e^c - 1)/c that a
secondary source attributes to Huebler et al. 2024 [S] are implied: A0 >= A1.
"""
import sympy as sp

from ..lemma import TWO_POINT, Lemma, Witness, fx, fy, ip, norm
from ..model import Assumption, ChainStep, Claim, Derivation, Quantity, Source, Stated, Theorem, le, lt, zero

DERIVED = Source("derived", "card clipping_zhang2019_2020.md section 9.2 [D] (Groenwall argument), certified here; "
                            "the paper's own lemma NOT FOUND")
HUEBLER = Source("claim", "a third-party note attributes A0(c) = 1 + e^c - (e^c - 1)/c, A1(c) = (e^c - 1)/c to "
                          "Huebler et al. 2024 [S, card 9.2]; checked here against the derived constants")

L0, L1, c_r = sp.symbols("L0 L1 c_r", positive=True)
r, u0, t, s = sp.symbols("r u0 t s", positive=True)



def B_of(c):
    """B(c) = 2 (e^c - 1 - c)/c^2, the quadratic-term factor of l0l1.descent at radius c/L1 (every theorem
    imports it from here)."""
    c = sp.sympify(c)
    return 2 * (sp.exp(c) - 1 - c) / c ** 2


A = (sp.exp(c_r) - 1) / c_r                       # gradient-difference factor at radius c_r/L1
B = B_of(c_r)                                     # quadratic-term factor
q = s * sp.exp(s) - sp.exp(s) + 1                 # s^2 (d/ds)(e^s - 1)/s: >= 0 makes A increasing
p = (s - 2) * sp.exp(s) + s + 2                   # s^3 (d/ds)(e^s - 1 - s)/s^2: >= 0 makes B increasing
envelope = (L0 + L1 * u0) * sp.exp(L1 * r * t)    # comparison solution for L0 + L1 ||grad f(x + t(y - x))||

L0L1_CONSTANTS = (Quantity(L0, "(L0,L1)-smoothness constant L0"), Quantity(L1, "(L0,L1)-smoothness constant L1"))
L0L1_SMOOTH = Assumption("(L0,L1)-smooth", "twice differentiable, ||Hess f(x)|| <= L0 + L1 ||grad f(x)|| (for the "
                                           "methods: on a neighbourhood of the sublevel set)", ("L0", "L1"))

theorem = Theorem(
    id="l0l1.descent",
    title="Descent inequalities of (L0,L1)-smooth functions within radius c_r/L1 (derived)",
    algorithm="any",
    function_class="(L0,L1)-smooth",
    oracle="exact",
    constants=(*L0L1_CONSTANTS, Quantity(c_r, "radius factor: the inequalities hold for ||y - x|| <= c_r/L1")),
    assumptions=(L0L1_SMOOTH,),
    kind="property",
    chain=(
        ChainStep("Groenwall envelope",
                  "u(t) = ||grad f(x + t(y - x))|| has |u'| <= ||Hess|| r <= (L0 + L1 u) r, so L0 + L1 u(t) stays "
                  "below the solution (L0 + L1 u0) e^{L1 r t} of the comparison equation w' = L1 r w",
                  (zero(sp.diff(envelope, t), L1 * r * envelope, "the envelope solves w' = L1 r w"),
                   zero(envelope.subs(t, 0), L0 + L1 * u0, "and starts at L0 + L1 u0")), DERIVED),
        ChainStep("gradient difference",
                  "||grad f(y) - grad f(x)|| <= int_0^1 ||Hess|| r dt <= int_0^1 (L0 + L1 u0) e^{L1 r t} r dt",
                  (zero(sp.integrate(envelope * r, (t, 0, 1)), (L0 + L1 * u0) * (sp.exp(L1 * r) - 1) / L1),), DERIVED),
        ChainStep("quadratic term",
                  "f(y) - f(x) - <grad f(x), y - x> = int_0^1 <grad f(x + t(y-x)) - grad f(x), y - x> dt <= "
                  "int_0^1 (L0 + L1 u0)(e^{L1 r t} - 1) r/L1 dt",
                  (zero(sp.integrate((L0 + L1 * u0) * (sp.exp(L1 * r * t) - 1) * r / L1, (t, 0, 1)),
                        (L0 + L1 * u0) * (sp.exp(L1 * r) - 1 - L1 * r) / L1 ** 2),), DERIVED),
        ChainStep("A(c) bounds the gradient difference at radius c/L1",
                  "(e^s - 1)/s is increasing (its derivative is q(s)/s^2 with q(0) = 0 and q' = s e^s > 0), so for "
                  "s = L1 r <= c: (e^{L1 r} - 1)/L1 <= A(c) r",
                  (zero(sp.diff((sp.exp(s) - 1) / s, s), q / s ** 2), zero(q.subs(s, 0), 0),
                   zero(sp.diff(q, s), s * sp.exp(s)), lt(0, s * sp.exp(s))), DERIVED),
        ChainStep("B(c) bounds the quadratic term at radius c/L1",
                  "(e^s - 1 - s)/s^2 is increasing (derivative p(s)/s^3 with p(0) = 0 and p' = q >= 0), so "
                  "(e^{L1 r} - 1 - L1 r)/L1^2 <= B(c) r^2/2",
                  (zero(sp.diff((sp.exp(s) - 1 - s) / s ** 2, s), p / s ** 3), zero(p.subs(s, 0), 0),
                   zero(sp.diff(p, s), q)), DERIVED),
        ChainStep("the quoted constants are implied",
                  "A0(c) - A1(c) = 1 + e^c - 2 (e^c - 1)/c = p(c)/c >= 0 (previous step), so Huebler et al.'s "
                  "A0 L0 + A1 L1 ||grad f(x)|| bounds A(c)(L0 + L1 ||grad f(x)||)",
                  (zero((1 + sp.exp(c_r) - (sp.exp(c_r) - 1) / c_r) - A, p.subs(s, c_r) / c_r),), DERIVED),
        ChainStep("test vector T7", "at c = 1: A = e - 1 = 1.71828, B = 2 (e - 2) = 1.43656 (card T7)",
                  (zero(A.subs(c_r, 1), sp.E - 1), zero(B.subs(c_r, 1), 2 * (sp.E - 2)),
                   le(sp.Rational(171828, 100000), A.subs(c_r, 1)), lt(A.subs(c_r, 1), sp.Rational(171829, 100000))),
                  DERIVED),
    ),
    claims=(Claim("constants", "||grad f(y) - grad f(x)|| <= (A0(c) L0 + A1(c) L1 ||grad f(x)||) ||y - x|| for "
                               "L1 ||y - x|| <= c, A0 = 1 + e^c - (e^c - 1)/c, A1 = (e^c - 1)/c", HUEBLER),),
    summary="Within ||y - x|| <= c/L1, an (L0,L1)-smooth f is locally smooth with constant A(c)(L0 + L1||grad f(x)||) "
            "for gradients and B(c)(L0 + L1||grad f(x)||) for the quadratic upper model.",
)


# --------------------------------------------------------------------------------------------------
# l0l1.descent as a lemma the methods cite (between x_t and x_{t+1}, through their stated update).
#
# Two axioms carry what the prover cannot chain (an integral of a differential inequality; "derivative
# >= 0 implies increasing"); each has a witness on which it holds with equality, so an optimistic
# constant fails in the certificate. The Groenwall and derivative-sign computations are the proof's
# certified steps, and the B(c) form is derived from the two axioms by a weighted sum.

lin, u_s, r_s = sp.symbols("lin u r_d", real=True)         # <grad f(x), y - x>, ||grad f(x)||, ||y - x||
s_s, cb = sp.symbols("s_b c_b", positive=True)             # L1 ||y - x|| and a radius factor c >= s
tw, yw, uw = sp.symbols("t_w y_w u_w", nonnegative=True)   # witness parameters


def _envelope_witness():
    """phi' = (L0/L1 + u) e^{L1 t} - L0/L1: phi'' = L0 + L1 phi' <= L0 + L1 |phi'| everywhere, so phi is
    (L0,L1)-smooth, and from x = 0 (phi'(0) = u) to y >= 0 the envelope is attained exactly."""
    phi = (L0 / L1 + uw) * (sp.exp(L1 * tw) - 1) / L1 - L0 * tw / L1
    d1, d2 = sp.diff(phi, tw), sp.diff(phi, tw, 2)
    return Witness("phi'' = L0 + L1 phi', phi'(0) = u, from x = 0 to y >= 0",
                   {fx: phi.subs(tw, 0), fy: phi.subs(tw, yw), lin: d1.subs(tw, 0) * yw, u_s: uw, r_s: yw},
                   ((uw, 0, sp.oo), (yw, 0, sp.oo), (tw, -sp.oo, sp.oo)),
                   (zero(d2, L0 + L1 * d1, "phi'' = L0 + L1 phi' (<= L0 + L1 |phi'|): phi is (L0,L1)-smooth"),))


ENVELOPE = Lemma(
    id="l0l1.envelope",
    title="Taylor bound of an (L0,L1)-smooth function through the Groenwall envelope",
    statement="f(y) <= f(x) + <grad f(x), y - x> + (L0 + L1 ||grad f(x)||)(e^{L1 r} - 1 - L1 r)/L1^2, r = ||y - x||",
    conclusions=(le(fy, fx + lin + (L0 + L1 * u_s) * (sp.exp(L1 * r_s) - 1 - L1 * r_s) / L1 ** 2),),
    source=Source("derived", "card clipping_zhang2019_2020.md section 9.2 [D]: the Groenwall envelope of "
                             "||grad f|| along the segment, integrated twice; the envelope and both integrals are "
                             "the certified steps of l0l1.descent's proof"),
    scalars=(fx, fy, lin, u_s, r_s), constants=L0L1_CONSTANTS,
    hypotheses=(le(0, u_s, "||grad f(x)|| >= 0"), le(0, r_s, "||y - x|| >= 0")),
    function_class="(L0,L1)-smooth",
    witnesses=(_envelope_witness(),),
)

B_INCREASING = Lemma(
    id="l0l1.B_increasing",
    title="B(s) = 2 (e^s - 1 - s)/s^2 is increasing: e^s - 1 - s <= B(c) s^2/2 for 0 < s <= c",
    statement="for 0 < s <= c: e^s - 1 - s <= B(c) s^2/2",
    conclusions=(le(sp.exp(s_s) - 1 - s_s, B_of(cb) * s_s ** 2 / 2),),
    source=Source("derived", "(e^s - 1 - s)/s^2 has derivative p(s)/s^3, p(0) = 0, p' = q, q(0) = 0, q' = s e^s > 0 "
                             "(certified steps of l0l1.descent's proof); 'derivative >= 0 implies increasing' is "
                             "the step the prover cannot take, hence an axiom"),
    scalars=(s_s, cb),
    hypotheses=(le(s_s, cb, "s <= c"),),
    witnesses=(Witness("s = c", {s_s: cb}, ((cb, 0, sp.oo),)),),
)

_groenwall, _gradient, _quadratic, _A_mono, _B_mono = theorem.chain[:5]

DESCENT = Lemma(
    id="l0l1.descent",
    title="Descent lemma of (L0,L1)-smooth functions within radius c/L1",
    statement="if L1 ||y - x|| <= c: f(y) <= f(x) + <grad f(x), y - x> + B(c) (L0 + L1 ||grad f(x)||) ||y - x||^2/2, "
              "B(c) = 2 (e^c - 1 - c)/c^2",
    conclusions=(le(fy, fx + ip("gx", "d") + B_of(c_r) * (L0 + L1 * norm("gx")) * ip("d", "d") / 2),),
    source=DERIVED,
    vectors=TWO_POINT, scalars=(fx, fy, c_r), constants=L0L1_CONSTANTS,
    hypotheses=(le(L1 * norm("d"), c_r, "L1 ||y - x|| <= c"),),
    function_class="(L0,L1)-smooth",
    proof=(
        _groenwall, _quadratic, _B_mono,
        ChainStep("the B(c) form",
                  "l0l1.envelope plus (L0 + L1 ||grad f(x)||)/L1^2 times l0l1.B_increasing at s = L1 ||y - x|| <= c",
                  (), DERIVED,
                  derives=Derivation(Stated(0), (
                      (ENVELOPE.at(f_x=fx, f_y=fy, lin=ip("gx", "d"), u=norm("gx"), r_d=norm("d")), 1),
                      (B_INCREASING.at(s_b=L1 * norm("d"), c_b=c_r), (L0 + L1 * norm("gx")) / L1 ** 2)))),
    ),
)

LEMMAS = (ENVELOPE, B_INCREASING, DESCENT)
