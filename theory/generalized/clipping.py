"""The hard-clipped direction p = min(1, gamma/||o||) o as a random vector, and what a clipped step gains.

Clipped SGD moves by x_{t+1} - x_t = -lr p with p = min(1, gamma/||g_t||) g_t: a direction whose Gram entries
<grad f, p> and ||p||^2 are random (they depend on g_t), so E_t passes through any relation affine in them.
The definition is the one axiom (``clip.hard``); the rest is proved from it, by cases on whether the clip acts:

* ``clip.radius``: ||p|| <= gamma (every step moves at most gamma lr);
* ``clip.inactive``: with ||o|| <= gamma, p = o (no clipping); ``clip.active``: with ||o|| >= gamma,
  p = (gamma/||o||) o;
* ``clip.margin``: when the oracle's answer is within tau of u = grad f (||o|| <= ||u|| + tau, <u, o> >=
  ||u||^2 - tau ||u||, the pathwise facts of A5), ||u|| >= gamma - tau and gamma >= 3 tau, the clipped step's
  first-order gain beats the (L0,L1) curvature term: with m0 = L0 lr <= 1/10, m1 = L1 lr <= 1/(10 gamma),

      <u, p> - (b/2)(m0 + m1 ||u||) ||p||^2 >= (1/2 - 3 b/16) min(||u||^2, 2 gamma ||u||/3)   almost surely.

  (b is l0l1.descent's B(c) at the citation.) The noise cannot turn a clipped step uphill: <u, o> >= ||u||^2/2 and
  ||o|| <= 3||u||/2, since tau <= ||u||/2.
"""
import sympy as sp

from ..lemma import Lemma, Witness, ip, norm
from ..model import ChainStep, Derivation, Source, Stated, le, split, zero
from ..vectors import Vec

DERIVED = Source("derived", "derived in this project from the definition of hard clipping "
                            "(proofs_notes/clipped_sgd.l0l1.md)")

gam, tn = sp.symbols("gamma_c tau_c", positive=True)      # the threshold gamma and the noise radius tau
bq, m0, m1 = sp.symbols("b_q m_0 m_1", positive=True)      # B(c), L0 lr and L1 lr at the citation
CLIP_VECTORS = ("u", "o", "p")                             # u = grad f(x_t), o = g_t, p = the clipped o
m_c = sp.Min(1, gam / norm("o"))                           # the clip factor min(1, gamma/||o||)
xw, yw = sp.Symbol("x_w", real=True), sp.Symbol("y_w", positive=True)

HARD = Lemma(
    id="clip.hard",
    title="Hard clipping: p = min(1, gamma/||o||) o",
    statement="p = min(1, gamma/||o||) o: <u, p> = min(1, gamma/||o||) <u, o> and ||p||^2 = min(1, gamma/||o||)^2 ||o||^2",
    conclusions=(zero(ip("u", "p"), m_c * ip("u", "o")), zero(ip("p", "p"), m_c ** 2 * ip("o", "o"))),
    source=Source("claim", "the definition of the hard-clipped oracle answer (Zhang, He, Sra, Jadbabaie 2020, clipped "
                           "GD's step h = min(eta, gamma eta/||g||) [S, card section 2.2]; reference.optimizers."
                           "clipped_sgd with form='hard')"),
    vectors=CLIP_VECTORS,
    scalars=(gam,),
    witnesses=(Witness("one coordinate: u = x, o = y > 0",
                       {ip("u", "o"): xw * yw, ip("o", "o"): yw ** 2, ip("u", "p"): sp.Min(1, gam / yw) * xw * yw,
                        ip("p", "p"): sp.Min(1, gam / yw) ** 2 * yw ** 2},
                       ((xw, -sp.oo, sp.oo), (yw, 0, sp.oo))),),
)

OFF, ON = split(ip("o", "o"), gam ** 2, "clipping off or on")
OWN = {"u": Vec.named("u"), "o": Vec.named("o"), "p": Vec.named("p"), "gamma_c": gam}  # a proof cites at its own slots


def hard(i):
    """clip.hard's conclusion i at the citing lemma's own vectors."""
    return HARD.at(pick=(i,), **OWN)


RADIUS = Lemma(
    id="clip.radius",
    title="A hard-clipped vector has norm at most gamma",
    statement="||p||^2 <= gamma^2 for p = min(1, gamma/||o||) o",
    conclusions=(le(ip("p", "p"), gam ** 2),),
    source=DERIVED,
    vectors=CLIP_VECTORS,
    scalars=(gam,),
    proof=(ChainStep("clipping off", "||o|| <= gamma: p = o, ||p||^2 = ||o||^2 <= gamma^2", (), DERIVED, assume=(OFF,),
                     derives=Derivation(Stated(0), ((hard(1), 1),))),
           ChainStep("clipping on", "||o|| >= gamma: ||p||^2 = (gamma/||o||)^2 ||o||^2 = gamma^2", (), DERIVED,
                     assume=(ON,), derives=Derivation(Stated(0), ((hard(1), 1),)))),
)

INACTIVE = Lemma(
    id="clip.inactive",
    title="Below the threshold hard clipping does nothing",
    statement="if ||o||^2 <= gamma^2 then p = o: <u, p> = <u, o> and ||p||^2 = ||o||^2",
    conclusions=(zero(ip("u", "p"), ip("u", "o")), zero(ip("p", "p"), ip("o", "o"))),
    source=DERIVED,
    vectors=CLIP_VECTORS,
    scalars=(gam,),
    hypotheses=(le(ip("o", "o"), gam ** 2, "||o||^2 <= gamma^2"),),
    proof=(ChainStep("the alignment", "min(1, gamma/||o||) = 1", (), DERIVED, derives=Derivation(Stated(0), ((hard(0), 1),))),
           ChainStep("the norm", "min(1, gamma/||o||)^2 = 1", (), DERIVED, derives=Derivation(Stated(1), ((hard(1), 1),)))),
)

ACTIVE = Lemma(
    id="clip.active",
    title="Above the threshold hard clipping rescales to norm gamma",
    statement="if ||o||^2 >= gamma^2 then p = (gamma/||o||) o: <u, p> = (gamma/||o||) <u, o> and ||p||^2 = gamma^2",
    conclusions=(zero(ip("u", "p"), gam / norm("o") * ip("u", "o")), zero(ip("p", "p"), gam ** 2)),
    source=DERIVED,
    vectors=CLIP_VECTORS,
    scalars=(gam,),
    hypotheses=(le(gam ** 2, ip("o", "o"), "||o||^2 >= gamma^2"),),
    proof=(ChainStep("the alignment", "min(1, gamma/||o||) = gamma/||o||", (), DERIVED,
                     derives=Derivation(Stated(0), ((hard(0), 1),))),
           ChainStep("the norm", "min(1, gamma/||o||)^2 ||o||^2 = gamma^2", (), DERIVED,
                     derives=Derivation(Stated(1), ((hard(1), 1),)))),
)

# -- clip.margin ----------------------------------------------------------------------------------------------------
a_u, n_o = norm("u"), norm("o")                           # ||u|| and ||o||
k_c = 2 * gam / 3                                          # min(||u||^2, k ||u||): k = 2 gamma/3
kappa = sp.Rational(1, 2) - 3 * bq / 16
Q = bq * (m0 + m1 * a_u) / 2                               # the curvature weight of ||p||^2 (per unit lr)
ALIGNED = le(a_u ** 2 / 2, ip("u", "o"), "<u, o> >= ||u||^2/2 (tau <= ||u||/2)")


def _steps(case, m):
    """The margin with the clip factor m decided by the case: four relations proved on the spot, each
    weighted so that the clipped gain m <u, o> and curvature Q m^2 ||o||^2 cancel."""
    case_lemma = INACTIVE if case == "off" else ACTIVE
    return (ChainStep(f"the margin, clipping {case}",
                      "<u, p> = m <u, o> >= m ||u||^2/2; (m0 + m1 ||u||) ||p||^2 <= (9/40 + 3/20) m ||u||^2 = (3/8) m "
                      "||u||^2; m ||u||^2 >= min(||u||^2, k ||u||) (m = 1 off; m = gamma/||o|| >= 2 gamma/(3||u||) on)",
                      (), DERIVED, assume=(OFF if case == "off" else ON,),
                      derives=Derivation(Stated(0), (
                          (case_lemma.at(pick=(0,), **OWN), -1), (case_lemma.at(pick=(1,), **OWN), Q),
                          (ALIGNED, m),
                          (le(m0 * m ** 2 * ip("o", "o"), sp.Rational(9, 40) * m * a_u ** 2,
                              "L0 lr ||p||^2 <= (9/40) m ||u||^2"), bq / 2),
                          (le(m1 * a_u * m ** 2 * ip("o", "o"), sp.Rational(3, 20) * m * a_u ** 2,
                              "L1 lr ||u|| ||p||^2 <= (3/20) m ||u||^2"), bq / 2),
                          (le(sp.Min(a_u ** 2, k_c * a_u), m * a_u ** 2, "min(||u||^2, k ||u||) <= m ||u||^2"),
                           kappa)))),)


MARGIN = Lemma(
    id="clip.margin",
    title="A hard-clipped step with noise below a third of the threshold descends (L0,L1)-smoothly",
    statement="if ||o|| <= ||u|| + tau, <u, o> >= ||u||^2 - tau ||u||, ||u|| >= gamma - tau, gamma >= 3 tau, "
              "m0 <= 1/10, m1 gamma <= 1/10 and b <= 8/3: <u, p> - (b/2)(m0 + m1 ||u||) ||p||^2 >= "
              "(1/2 - 3b/16) min(||u||^2, 2 gamma ||u||/3)",
    conclusions=(le(kappa * sp.Min(a_u ** 2, k_c * a_u), ip("u", "p") - Q * ip("p", "p")),),
    source=DERIVED,
    vectors=CLIP_VECTORS,
    scalars=(gam, tn, bq, m0, m1),
    hypotheses=(le(3 * tn, gam, "gamma >= 3 tau"), le((gam - tn) ** 2, ip("u", "u"), "||u|| >= gamma - tau"),
                le(ip("o", "o"), (a_u + tn) ** 2, "||o|| <= ||u|| + tau"),
                le(ip("u", "u") - tn * a_u, ip("u", "o"), "<u, o> >= ||u||^2 - tau ||u||"),
                le(m0, sp.Rational(1, 10), "m0 <= 1/10"), le(m1, 1 / (10 * gam), "m1 gamma <= 1/10"),
                le(bq, sp.Rational(8, 3), "b <= 8/3")),
    proof=(*_steps("off", sp.Integer(1)), *_steps("on", gam / n_o)),
)

LEMMAS = (HARD, RADIUS, INACTIVE, ACTIVE, MARGIN)
