"""Fixed-step GD on an (L0,L1)-smooth function stays in its sublevel set, where A4 bounds the gradient.

ZHSJ's assumption A4 (card clipping_zhang2019_2020.md section 2.1, words [P], display NF):
M = sup{||grad f(x)|| : f(x) <= f(x_0)} < infinity. It is a hypothesis on f and x_0, not a consequence of
(L0,L1)-smoothness, so it is an *axiom* here, ``l0l1.sublevel_grad_bound``: f(x) <= f(x_0) implies
||grad f(x)|| <= M. It is the definition of M: every catalogue objective that publishes M
(``grad_norm_sup``) is checked against it in the test suite (convcheck/axioms.py), and the witness
f(t) = (M/2) t^2 from x_0 = 1 attains it, so a smaller M fails in the certificate.

What GD needs is the bound *along its iterates*, and that is proved, not assumed:

* ``gd.l0l1.sublevel_step`` (proved): from a point of the sublevel set, a GD step with
  lr <= 1/(2(M L1 + L0)) decreases f by kappa2 lr ||g||^2 (kappa2 = 1 - B(1/2)/4, B from l0l1.descent):
  A4 gives ||g|| <= M, so the step moves lr ||g|| <= 1/(2 L1) and lr (L0 + L1 ||g||) <= 1/2; then
  l0l1.envelope and l0l1.B_increasing at s = L1 lr ||g|| <= 1/2 (the two premises of l0l1.descent, cited in
  scalars because a lemma's proof has no update to take inner products from).
* ``gd.l0l1.sublevel_invariant`` (proved, by induction): f(x_t) <= f(x_0) for every t. Base: t = 0. Step:
  split on the induction hypothesis' own relation. On the side f(x_t) <= f(x_0) the step lemma applies
  and f(x_{t+1}) <= f(x_t) <= f(x_0). The side f(x_t) > f(x_0) contradicts the induction hypothesis; the
  derivation says so with the weight (max(f(x_{t+1}) - f(x_0), 0) + 1)/(f(x_t) - f(x_0)) > 0 on the
  hypothesis, which leaves a remainder >= 1. (The certifier puts a case side, not an induction
  hypothesis, into a step's context, hence the split.)
* ``gd.l0l1.iterate_grad_bound`` (proved): ||grad f(x_t)||^2 <= M^2 for every iterate, A4 at the point
  the invariant places in the sublevel set. This is the premise gd.l0l1.upper cites: its hypothesis is
  only the step condition, which the theorem's condition discharges.

The (L0,L1) Hessian bound is used along the segment [x_t, x_{t+1}], which may leave the sublevel set:
the paper asks for A1-A3 on a neighbourhood S of it (card section 2.1); l0l1.envelope is stated for
functions (L0,L1)-smooth along the segment, and the catalogue objectives are (L0,L1)-smooth everywhere.
"""
import sympy as sp

from ..lemma import Lemma, Witness, fx, fy
from ..model import ChainStep, Condition, Derivation, Quantity, Source, Stated, le, zero
from ..symbols import L0, L1, lr, M
from .descent import B_INCREASING, ENVELOPE, L0L1_CONSTANTS, B_of

f0 = sp.Symbol("f_0", real=True)        # f(x_0)
u = sp.Symbol("u", nonnegative=True)    # ||grad f(x)|| (at x_t in the GD lemmas)
g2 = sp.Symbol("g2", nonnegative=True)  # ||grad f(x_t)||^2, the form the theorem's measure takes
C_HALF = sp.Rational(1, 2)              # the radius factor: L1 lr ||g|| <= 1/2
B_HALF = B_of(C_HALF)                   # B(1/2) = 8 (e^(1/2) - 3/2) = 1.1897, from l0l1.descent
KAPPA2 = 1 - B_HALF / 4                 # 0.7026
STEP = 1 / (2 * (M * L1 + L0))          # ZHSJ Theorem 6's step, the largest the lemmas allow

M_Q = Quantity(M, "sup ||grad f|| on the sublevel set {f <= f(x0)} (ZHSJ assumption A4)")
LR_Q = Quantity(lr, "GD's fixed step size")
GD_CONSTANTS = (*L0L1_CONSTANTS, M_Q, LR_Q)

A4 = Source("claim", "Zhang, He, Sra, Jadbabaie 2020 (ICLR), assumption A4 [P words; display NF, card "
                     "clipping_zhang2019_2020.md section 2.1]: M := sup{||grad f(x)|| : f(x) <= f(x0)} < infinity; "
                     "the lemma is that definition, checked on every catalogue objective publishing M")
DERIVED = Source("derived", "derived in this project (theory/generalized/sublevel.py, proofs_notes/gd.l0l1.upper.md) "
                            "from A4 and the premises of l0l1.descent")

t_w, y_w = sp.Symbol("t_w", real=True), sp.Symbol("y_w", nonnegative=True)
_phi = M * t_w ** 2 / 2  # from x_0 = 1 the sublevel set is [-1, 1], where |phi'| = M |t| peaks at M

SUBLEVEL_GRAD_BOUND = Lemma(
    id="l0l1.sublevel_grad_bound",
    title="Bounded gradient on the sublevel set (ZHSJ assumption A4): f(x) <= f(x_0) implies ||grad f(x)|| <= M",
    statement="if f(x) <= f(x_0) then ||grad f(x)|| <= M, M = sup{||grad f(y)|| : f(y) <= f(x_0)}",
    conclusions=(le(u, M, "||grad f(x)|| <= M"),),
    source=A4,
    scalars=(fx, f0, u), constants=(M_Q,),
    hypotheses=(le(fx, f0, "f(x) <= f(x_0)"),),
    function_class="(L0,L1)-smooth",
    # f = (M/2) t^2 from x_0 = 1, at x = y in [0, 1] (in the sublevel set): |f'(y)| = M y, M at y = 1
    witnesses=(Witness("f(t) = (M/2) t^2 from x_0 = 1, x = y in [0, 1]",
                       {fx: _phi.subs(t_w, y_w), f0: _phi.subs(t_w, 1), u: M * y_w},
                       ((y_w, 0, 1),),
                       (le(_phi.subs(t_w, y_w), _phi.subs(t_w, 1), "x = y is in the sublevel set {f <= f(1)}"),
                        zero(sp.diff(_phi, t_w).subs(t_w, 1), M, "|f'| on [-1, 1] peaks at x_0 = 1, where it is M"))),),
)

_in_sublevel = Condition(sp.LessThan(u, M), "||g|| <= M (A4 at x_t)", by=SUBLEVEL_GRAD_BOUND.at(f_x=fx, f_0=f0, u=u))

SUBLEVEL_STEP = Lemma(
    id="gd.l0l1.sublevel_step",
    title="A GD step with lr <= 1/(2(M L1 + L0)) from the sublevel set decreases f by kappa2 lr ||g||^2",
    statement="if f(x_t) <= f(x_0) and lr <= 1/(2(M L1 + L0)), x_{t+1} = x_t - lr grad f(x_t): "
              "f(x_{t+1}) <= f(x_t) - kappa2 lr ||grad f(x_t)||^2, kappa2 = 1 - B(1/2)/4",
    conclusions=(le(fy, fx - KAPPA2 * lr * u ** 2, "f(x_{t+1}) <= f(x_t) - kappa2 lr ||g||^2"),),
    source=DERIVED,
    scalars=(fx, fy, f0, u), constants=GD_CONSTANTS,
    hypotheses=(le(fx, f0, "f(x_t) <= f(x_0)"), le(lr, STEP, "lr <= 1/(2 (M L1 + L0))")),
    proof=(
        ChainStep("descent inside the sublevel set",
                  "A4 at x_t gives ||g|| <= M, so s = L1 lr ||g|| <= 1/2 and lr (L0 + L1 ||g||) <= 1/2. "
                  "l0l1.envelope for the step d = -lr g (<g, d> = -lr ||g||^2, ||d|| = lr ||g||), plus "
                  "(L0 + L1 ||g||)/L1^2 times l0l1.B_increasing at s <= c = 1/2: f(x_{t+1}) <= f(x_t) - lr ||g||^2 + "
                  "B(1/2) (L0 + L1 ||g||) lr^2 ||g||^2/2 <= f(x_t) - (1 - B(1/2)/4) lr ||g||^2",
                  (), DERIVED, assume=(_in_sublevel,),
                  derives=Derivation(Stated(0), (
                      (ENVELOPE.at(f_x=fx, f_y=fy, lin=-lr * u ** 2, u=u, r_d=lr * u), 1),
                      (B_INCREASING.at(s_b=L1 * lr * u, c_b=C_HALF), (L0 + L1 * u) / L1 ** 2)))),
    ),
)

_split = "f(x_t) in the sublevel set or not"
IN = Condition(sp.LessThan(fx, f0), "f(x_t) <= f(x_0)", case=_split)
OUT = Condition(sp.StrictGreaterThan(fx, f0), "f(x_t) > f(x_0)", case=_split)
NEXT = ((fx, fy),)

SUBLEVEL_INVARIANT = Lemma(
    id="gd.l0l1.sublevel_invariant",
    title="GD with lr <= 1/(2(M L1 + L0)) stays in the sublevel set: f(x_t) <= f(x_0) for every t",
    statement="x_{t+1} = x_t - lr grad f(x_t) with lr <= 1/(2(M L1 + L0)) under A4: f(x_t) <= f(x_0) for every t "
              "(f_x = f(x_t), f_y = f(x_{t+1}), u = ||grad f(x_t)||)",
    conclusions=(le(fx, f0, "f(x_t) <= f(x_0)"),),
    source=DERIVED,
    scalars=(fx, fy, f0, u), constants=GD_CONSTANTS,
    hypotheses=(le(lr, STEP, "lr <= 1/(2 (M L1 + L0))"),),
    proof=(
        ChainStep("base case", "f(x_0) <= f(x_0)", (), DERIVED, derives=Derivation(Stated(0, ((fx, f0),)), ())),
        ChainStep("induction step, x_t in the sublevel set",
                  "gd.l0l1.sublevel_step: f(x_{t+1}) <= f(x_t) - kappa2 lr ||g||^2 <= f(x_t) <= f(x_0)",
                  (), DERIVED, assume=(IN,),
                  derives=Derivation(Stated(0, NEXT), ((SUBLEVEL_STEP.at(f_x=fx, f_y=fy, f_0=f0, u=u), 1),))),
        ChainStep("induction step, x_t outside (contradicts the induction hypothesis)",
                  "f(x_t) > f(x_0) and the hypothesis f(x_t) <= f(x_0) cannot both hold: the hypothesis with weight "
                  "(max(f(x_{t+1}) - f(x_0), 0) + 1)/(f(x_t) - f(x_0)) > 0 leaves a remainder >= 1",
                  (), DERIVED, assume=(OUT,),
                  derives=Derivation(Stated(0, NEXT), (
                      (Stated(0), (sp.Max(fy - f0, 0) + 1) / (fx - f0)),))),
    ),
)

ITERATE_GRAD_BOUND = Lemma(
    id="gd.l0l1.iterate_grad_bound",
    title="Along GD with lr <= 1/(2(M L1 + L0)), ||grad f(x_t)|| <= M for every t",
    statement="x_{t+1} = x_t - lr grad f(x_t) with lr <= 1/(2(M L1 + L0)) under A4: ||grad f(x_t)||^2 <= M^2 for every t",
    conclusions=(le(g2, M ** 2, "||grad f(x_t)||^2 <= M^2"),),
    source=DERIVED,
    scalars=(fx, fy, f0, g2), constants=GD_CONSTANTS,
    hypotheses=(le(lr, STEP, "lr <= 1/(2 (M L1 + L0))"),),
    proof=(
        ChainStep("A4 at an iterate", "gd.l0l1.sublevel_invariant puts x_t in the sublevel set, where "
                                      "l0l1.sublevel_grad_bound applies",
                  (), DERIVED,
                  assume=(Condition(sp.LessThan(fx, f0), "f(x_t) <= f(x_0)",
                                    by=SUBLEVEL_INVARIANT.at(f_x=fx, f_y=fy, f_0=f0, u=sp.sqrt(g2))),),
                  # ||g||^2 <= M^2 from ||g|| <= M with the weight M + ||g||: M^2 - g2 = (M + ||g||)(M - ||g||)
                  derives=Derivation(Stated(0), ((SUBLEVEL_GRAD_BOUND.at(f_x=fx, f_0=f0, u=sp.sqrt(g2)),
                                                  M + sp.sqrt(g2)),))),
    ),
)

LEMMAS = (SUBLEVEL_GRAD_BOUND, SUBLEVEL_STEP, SUBLEVEL_INVARIANT, ITERATE_GRAD_BOUND)
