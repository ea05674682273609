"""The adaptive family's premises: running averages stay in range, a diagonal preconditioner's Gram
bounds, and the lag of a bias-corrected momentum average (of exact or of noisy gradients).

* ``ema.range`` (proved, by induction): a running convex combination v_k = w_k v_{k-1} + (1 - w_k) s_k,
  w_k in [0, 1], v_0 = 0, of samples s_k in [lo, hi] (lo <= 0 <= hi) stays in [lo, hi]. RMSProp's
  v_t (w = beta2, s = g_{t,i}^2 in [0, G^2]), Adam's bias-corrected vhat_k (w_k = beta2 (1 - beta2^(k-1)) /
  (1 - beta2^k), w_1 = 0) and mhat_k (s = g_{k,i} in [-G, G]) are such averages, coordinate by coordinate.
* ``precond.diagonal`` (axiom, with tight one-coordinate witnesses): p = u/D coordinate-wise with every
  D_i in [dmin, dmax], lo <= dmin, dmax <= hi, lo > 0: <u, p> >= ||u||^2/hi, ||p||^2 <= <u, p>/lo,
  ||p||^2 <= ||u||^2/lo^2 and <u, p> <= ||u||^2/lo (sum over coordinates of u_i^2/D_i, u_i^2/D_i^2).
* ``momentum.lag`` (proved, by induction): a nonnegative sequence with E_0 = 0 and
  E_k <= w_k (E_{k-1} + s), 0 <= w_k <= b < 1, stays below b s/(1 - b). For bias-corrected Adam,
  mhat_k - g_k = w_k (mhat_{k-1} - g_{k-1}) + w_k (g_{k-1} - g_k) with w_k = beta1 (1 - beta1^(k-1)) /
  (1 - beta1^k) <= beta1, and ||g_{k-1} - g_k|| <= L ||x_{k-1} - x_{k-2}|| <= L lr G2/xi: so
  E_k = ||mhat_k - g_k|| satisfies the recursion with s = L lr G2/xi (the triangle inequality; the
  recursion itself is the lemma's hypothesis, stated, not machine-checked).
"""
import sympy as sp

from ..lemma import Lemma, Witness, ip
from ..model import ChainStep, Derivation, Quantity, Source, Stated, le, lt, zero

DERIVED = Source("derived", "derived in this project (proofs_notes/rmsprop.det.md, proofs_notes/adam.det.md)")

# -- ema.range -----------------------------------------------------------------------------------
v, lo, hi = sp.Symbol("v", real=True), sp.Symbol("lo", real=True), sp.Symbol("hi", real=True)
w_ = sp.Symbol("w", nonnegative=True)
s_ = sp.Symbol("s", real=True)
W_Q = Quantity(w_, "the average's coefficient w_k at one step", sp.Integer(0), sp.Integer(1), closed_lo=True,
               closed_hi=True)
S_Q = Quantity(s_, "the sample s_k entering the average at one step", lo, hi, closed_lo=True, closed_hi=True)
NEXT = ((v, w_ * v + (1 - w_) * s_),)

EMA_RANGE = Lemma(
    id="ema.range",
    title="A running convex combination of samples in [lo, hi] stays in [lo, hi]",
    statement="v_k = w_k v_{k-1} + (1 - w_k) s_k with w_k in [0, 1], s_k in [lo, hi], v_0 = 0 and lo <= 0 <= hi: "
              "lo <= v_k <= hi for every k",
    conclusions=(le(lo, v), le(v, hi)),
    source=DERIVED,
    scalars=(v, lo, hi),
    constants=(W_Q, S_Q),
    hypotheses=(le(lo, 0), le(0, hi)),
    proof=(
        ChainStep("base case", "v_0 = 0 lies in [lo, hi]", (), DERIVED,
                  derives=Derivation(Stated(0, ((v, 0),)), ())),
        ChainStep("base case (upper)", "v_0 = 0 <= hi", (), DERIVED,
                  derives=Derivation(Stated(1, ((v, 0),)), ())),
        ChainStep("induction (lower)", "w v + (1 - w) s >= w lo + (1 - w) lo = lo", (), DERIVED,
                  derives=Derivation(Stated(0, NEXT), ((Stated(0), w_), (le(lo, s_), 1 - w_)))),
        ChainStep("induction (upper)", "w v + (1 - w) s <= w hi + (1 - w) hi = hi", (), DERIVED,
                  derives=Derivation(Stated(1, NEXT), ((Stated(1), w_), (le(s_, hi), 1 - w_)))),
    ),
)

# -- precond.diagonal ------------------------------------------------------------------------------
dmin, dmax = sp.symbols("dmin dmax", positive=True)
plo, phi_ = sp.symbols("lo_p hi_p", positive=True)
x_w, d_w, k_w = sp.Symbol("x_w", real=True), sp.Symbol("d_w", positive=True), sp.Symbol("k_w", nonnegative=True)


DIAGONAL = Lemma(
    id="precond.diagonal",
    title="Gram bounds of a diagonal preconditioner with entries in [lo, hi]",
    statement="p_i = u_i/D_i with lo <= dmin <= D_i <= dmax <= hi and lo > 0: <u, p> = sum u_i^2/D_i >= ||u||^2/hi, "
              "||p||^2 = sum u_i^2/D_i^2 <= <u, p>/lo, ||p||^2 <= ||u||^2/lo^2, <u, p> <= ||u||^2/lo",
    conclusions=(le(ip("u", "u") / phi_, ip("u", "p")), le(ip("p", "p"), ip("u", "p") / plo),
                 le(ip("p", "p"), ip("u", "u") / plo ** 2), le(ip("u", "p"), ip("u", "u") / plo)),
    source=Source("claim", "elementary: coordinate-wise, u_i^2/hi <= u_i^2/D_i <= u_i^2/lo and "
                           "u_i^2/D_i^2 <= (u_i^2/D_i)/lo; summed over i"),
    vectors=("u", "p"),
    scalars=(plo, phi_, dmin, dmax),
    hypotheses=(le(plo, dmin), le(dmax, phi_)),  # dmin <= dmax by their names: min_i D_i <= max_i D_i
    # one coordinate u = x, p = x/D: the first conclusion is tight at D = hi, the others at D = lo
    witnesses=(Witness("one coordinate, D = hi",
                   {ip("u", "u"): x_w ** 2, ip("u", "p"): x_w ** 2 / (plo + k_w),
                    ip("p", "p"): x_w ** 2 / (plo + k_w) ** 2, dmin: plo + k_w, dmax: plo + k_w, phi_: plo + k_w},
                   ((x_w, -sp.oo, sp.oo), (plo, 0, sp.oo), (k_w, 0, sp.oo))),
               Witness("one coordinate, D = lo",
                       {ip("u", "u"): x_w ** 2, ip("u", "p"): x_w ** 2 / plo, ip("p", "p"): x_w ** 2 / plo ** 2,
                        dmin: plo, dmax: plo, phi_: plo + k_w},
                       ((x_w, -sp.oo, sp.oo), (plo, 0, sp.oo), (k_w, 0, sp.oo)))),
)

# -- momentum.lag -----------------------------------------------------------------------------------
E_, sl, b_ = sp.Symbol("E", nonnegative=True), sp.Symbol("s_lag", nonnegative=True), sp.Symbol("b", nonnegative=True)
wl = sp.Symbol("w_lag", nonnegative=True)
WL_Q = Quantity(wl, "the momentum average's coefficient w_k at one step", sp.Integer(0), b_, closed_lo=True,
                closed_hi=True)

LAG = Lemma(
    id="momentum.lag",
    title="The lag of a (bias-corrected) momentum average is at most b s/(1 - b)",
    statement="E_0 = 0 and 0 <= E_k <= w_k (E_{k-1} + s) with 0 <= w_k <= b < 1: E_k <= b s/(1 - b) for every k "
              "(E_k = ||mhat_k - grad f(x_{k-1})||, s a bound on the gradient's change per step)",
    conclusions=(le(E_, b_ * sl / (1 - b_)),),
    source=DERIVED,
    scalars=(E_, sl, b_),
    constants=(WL_Q,),
    hypotheses=(le(0, b_), lt(b_, 1), le(0, sl)),
    proof=(
        ChainStep("base case", "E_0 = 0 <= b s/(1 - b)", (), DERIVED,
                  derives=Derivation(Stated(0, ((E_, 0),)), ())),
        ChainStep("induction", "w (E + s) <= w b s/(1 - b) + w s = w s/(1 - b) <= b s/(1 - b), as w <= b", (), DERIVED,
                  derives=Derivation(Stated(0, ((E_, wl * (E_ + sl)),)),
                                     ((Stated(0), wl), (le(wl, b_), sl / (1 - b_))))),
    ),
)

# -- momentum.lag_noise ------------------------------------------------------------------------------
tau_ = sp.Symbol("tau_n", nonnegative=True)

LAG_NOISE = Lemma(
    id="momentum.lag_noise",
    title="The lag of a momentum average of noisy gradients is at most b s/(1 - b) + tau",
    statement="E_0 = 0 and 0 <= E_k <= w_k (E_{k-1} + s) + (1 - w_k) tau with 0 <= w_k <= b < 1: "
              "E_k <= b s/(1 - b) + tau for every k (E_k = ||mhat_k - grad f(x_{k-1})||, s a bound on the "
              "gradient's change per step, tau on the oracle's noise ||g_k - grad f(x_{k-1})||)",
    conclusions=(le(E_, b_ * sl / (1 - b_) + tau_),),
    source=DERIVED,
    scalars=(E_, sl, b_, tau_),
    constants=(WL_Q,),
    hypotheses=(le(0, b_), lt(b_, 1), le(0, sl), le(0, tau_)),
    proof=(
        ChainStep("base case", "E_0 = 0 <= b s/(1 - b) + tau", (), DERIVED,
                  derives=Derivation(Stated(0, ((E_, 0),)), ())),
        ChainStep("induction", "w (E + s) + (1 - w) tau <= w (b s/(1 - b) + tau) + w s + (1 - w) tau = "
                               "w s/(1 - b) + tau <= b s/(1 - b) + tau, as w <= b", (), DERIVED,
                  derives=Derivation(Stated(0, ((E_, wl * (E_ + sl) + (1 - wl) * tau_),)),
                                     ((Stated(0), wl), (le(wl, b_), sl / (1 - b_))))),
    ),
)

# -- precond.decorrelation ----------------------------------------------------------------------------
r_, gb, sh = sp.Symbol("r", nonnegative=True), sp.Symbol("G_u", positive=True), sp.Symbol("shift", positive=True)
xo = sp.Symbol("x_w", positive=True)

DECORRELATION = Lemma(
    id="precond.decorrelation",
    title="Replacing RMSProp's denominator by the one without the current sample costs r G ||o||^2/shift^2",
    statement="p_i = o_i/D_i and q_i = o_i/Dt_i with D_i = sqrt(beta2 w_i + r^2 o_i^2) + shift, "
              "Dt_i = sqrt(beta2 w_i) + shift (w_i >= 0, r = sqrt(1 - beta2), shift > 0), and |u_i| <= G_u: "
              "<u, q> - <u, p> <= r G_u ||o||^2/shift^2 (pathwise)",
    conclusions=(le(ip("u", "q") - ip("u", "p"), r_ * gb * ip("o", "o") / sh ** 2),),
    source=Source("derived", "coordinate-wise: u_i o_i (1/Dt_i - 1/D_i) = u_i o_i (D_i - Dt_i)/(D_i Dt_i), "
                             "0 <= D_i - Dt_i = sqrt(a^2 + r^2 o_i^2) - a <= r |o_i| (a = sqrt(beta2 w_i)) and "
                             "D_i, Dt_i >= shift, so the term is at most G_u r o_i^2/shift^2; summed over i "
                             "(proofs_notes/rmsprop.stoch.md)"),
    vectors=("u", "o", "p", "q"),
    scalars=(r_, gb, sh),
    # one coordinate, w = 0, u = G_u, o = x > 0: the bound's ratio to the slack tends to 1 as x -> 0
    witnesses=(Witness("one coordinate, w = 0, u = G_u",
                       {ip("u", "q"): gb * xo / sh, ip("u", "p"): gb * xo / (r_ * xo + sh), ip("o", "o"): xo ** 2},
                       ((xo, 0, sp.oo), (r_, 0, 1), (gb, 0, sp.oo), (sh, 0, sp.oo))),),
)

# -- oracle.predictable ---------------------------------------------------------------------------------
Euq, uh = sp.Symbol("E_uq", real=True), sp.Symbol("u_h", real=True)
s_w = sp.Symbol("s_w", real=True)

PREDICTABLE = Lemma(
    id="oracle.predictable",
    title="An unbiased oracle seen through a preconditioner fixed before it is drawn",
    statement="E_t g_t = grad f(x_t) and Dt determined by x_t and the past (not by g_t): for u determined by x_t, "
              "E_t <u, g_t/Dt> = <u, grad f(x_t)/Dt>  (E_uq = E_t<u, q>, u_h = <u, h>, q = g_t/Dt, h = grad f/Dt)",
    conclusions=(zero(Euq, uh),),
    source=Source("claim", "linearity of E_t: E_t[u_i g_t,i/Dt_i] = u_i E_t[g_t,i]/Dt_i, as u_i and Dt_i are "
                           "fixed given x_t; the unbiasedness of oracle.bounded_variance"),
    scalars=(Euq, uh),
    function_class="oracle:bounded_variance",
    witnesses=(Witness("o = grad f + sigma z, z standard Gaussian", {Euq: s_w, uh: s_w},
                       ((s_w, -sp.oo, sp.oo),)),),
)

LEMMAS = (EMA_RANGE, DIAGONAL, LAG, LAG_NOISE, DECORRELATION, PREDICTABLE)
