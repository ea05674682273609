"""badam.limit: BAdam's Adam limit (eq. 22), its steady-state covariance (eqs. 17-19), and the size of the
Sigma_ww g term the paper drops.

Aitchison, ICLR 2019 submission of arXiv 1807.07540, section 2.3.1 (card inna_bayes_importance_sampling.md
section 2.4). With sigma^2 = inf and eta_w = 0: A = [[0, -eta], [0, eta_p]], Q = diag(0, eta_p^2),
e = (e, 0). The paper's continuous steady state (17) is 0 = A S + S A^T + S <e e^T> S - Q; assuming
Sigma_pp << eta_p/2 it reads Sigma_wp ~ eta_p/sqrt(<e^2>) (19) and Sigma_ww ~ sqrt(2 eta Sigma_wp/<e^2>);
dropping Sigma_ww g from (16a) and rescaling mu_p~ = mu_p sqrt(<e^2>) (21) gives Adam (22).

Certified here: the entries of (17); Sigma_ww = sqrt(2 eta Sigma_wp)/e solves its ww equation exactly; every
positive solution of its pp equation has Sigma_pp < eta_p/2 (the paper's assumption is not needed for that)
and eta_p/e - 2 Sigma_pp/e <= Sigma_wp <= eta_p/e; the algebra (16) -> (22); and, at Sigma_wp = eta_p/e, the
dropped step Sigma_ww g is sqrt(2 eta_p/(eta e)) times the kept step eta mu_p: at most the kept step exactly
when eta_p <= eta e/2, the stated regime. ``e_rms`` stands for sqrt(<e^2>).
"""
import sympy as sp

from ..model import Claim, ChainStep, Condition, Quantity, Source, Theorem, le, lt, zero
from ..symbols import lr, lr_p

DERIVED = Source("derived", "derived and certified here (proofs_notes/badam.limit.md)")
PAPER = Source("paper", "Aitchison, ICLR 2019 submission (OpenReview BygREjC9YQ), eqs. (12)-(17), (21)-(22) at "
                        "sigma^2 = inf, eta_w = 0")
AITCHISON = Source("claim", "Aitchison, ICLR 2019 submission section 2.3.1: with the Sigma_ww g term dropped (not "
                            "analytically justified, the paper says), BAdam's mean follows Adam (eq. 22) with step eta, "
                            "1 - beta1 = eta_p and v = <e^2>")

e = sp.Symbol("e_rms", positive=True)
u = sp.Symbol("u", positive=True)                  # parametrises the pp equation's solutions
sww, swp, spp = sp.symbols("Sigma_ww Sigma_wp Sigma_pp", real=True)
mu_p, g = sp.symbols("mu_p g", real=True)

A = sp.Matrix([[0, -lr], [0, lr_p]])
Q = sp.diag(0, lr_p ** 2)
S = sp.Matrix([[sww, swp], [swp, spp]])
ev = sp.Matrix([e, 0])
riccati = A * S + S * A.T + S * ev * ev.T * S - Q   # eq. (17): zero at the steady state

# every positive (Sigma_pp, Sigma_wp) solving the pp equation: Sigma_pp = eta_p u/(2(1+u)), u > 0
spp_u = lr_p * u / (2 * (1 + u))
swp_u = lr_p / (e * sp.sqrt(1 + u))
sww_of = sp.sqrt(2 * lr * swp) / e                  # the ww equation's solution
ratio = (sww_of * g / (lr * g / e)).subs(swp, lr_p / e)  # dropped step over kept step at Sigma_wp = eta_p/e

theorem = Theorem(
    id="badam.limit",
    title="BAdam's Adam limit (eq. 22): steady state Sigma_wp <= eta_p/sqrt(<e^2>), Sigma_ww = sqrt(2 eta Sigma_wp)"
          "/sqrt(<e^2>); the dropped Sigma_ww g step is at most Adam's step when eta_p <= eta sqrt(<e^2>)/2",
    algorithm="badam",
    function_class="smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(lr, "eta: coupling of the latent momentum into the weight (Adam's step size)"),
                     Quantity(lr_p, "eta_p: momentum decay and noise (Adam's 1 - beta1)", sp.Integer(0), sp.Integer(1),
                              closed_hi=True)),
    conditions=(Condition(sp.LessThan(lr_p, lr * e / 2), "lr_p <= lr sqrt(<e^2>)/2"),),
    kind="property",
    chain=(
        ChainStep("the steady-state equations (17)",
                  "the ww, wp, pp entries of A S + S A^T + S <e e^T> S - Q",
                  (zero(riccati[0, 0], -2 * lr * swp + e ** 2 * sww ** 2),
                   zero(riccati[0, 1], -lr * spp + lr_p * swp + e ** 2 * sww * swp),
                   zero(riccati[1, 1], 2 * lr_p * spp + e ** 2 * swp ** 2 - lr_p ** 2)), PAPER),
        ChainStep("Sigma_ww",
                  "Sigma_ww = sqrt(2 eta Sigma_wp)/e solves the ww equation exactly (Sigma_wp > 0)",
                  (zero(riccati[0, 0].subs(sww, sww_of).subs(swp, swp_u), 0),), DERIVED),
        ChainStep("Sigma_wp",
                  "the pp equation forces Sigma_pp = (eta_p^2 - e^2 Sigma_wp^2)/(2 eta_p) < eta_p/2; its positive "
                  "solutions are Sigma_pp = eta_p u/(2(1+u)), Sigma_wp = eta_p/(e sqrt(1+u)), u > 0, and then "
                  "eta_p/e - 2 Sigma_pp/e <= Sigma_wp <= eta_p/e: (19) is exact as Sigma_pp -> 0",
                  (lt((lr_p ** 2 - e ** 2 * swp_u ** 2) / (2 * lr_p), lr_p / 2),
                   zero(riccati[1, 1].subs({spp: spp_u, swp: swp_u}), 0),
                   le(swp_u, lr_p / e), le(lr_p / e - 2 * spp_u / e, swp_u)), DERIVED),
        ChainStep("Adam form (21)-(22)",
                  "with Sigma_wp = eta_p/e and mu_p~ = e mu_p, (16b) is mu_p~ <- (1 - eta_p) mu_p~ + eta_p g and "
                  "(16a) without Sigma_ww g is mu_w <- mu_w + eta mu_p~/e",
                  (zero(e * ((1 - lr_p) * mu_p + (lr_p / e) * g), (1 - lr_p) * (e * mu_p) + lr_p * g),
                   zero(lr * mu_p, lr * (e * mu_p) / e)), PAPER),
        ChainStep("the dropped term",
                  "at Sigma_wp = eta_p/e, with mu_p~ ~ g, the dropped step Sigma_ww g over the kept step eta g/e is "
                  "sqrt(2 eta_p/(eta e)), at most 1 in the regime eta_p <= eta e/2",
                  (zero(ratio ** 2, 2 * lr_p / (lr * e)), le(ratio, 1)), DERIVED),
        ChainStep("the paper's assumption is the same regime",
                  "the wp equation gives Sigma_pp = Sigma_wp (eta_p + e^2 Sigma_ww)/eta; at Sigma_wp = eta_p/e and "
                  "Sigma_ww = sqrt(2 eta Sigma_wp)/e this is Sigma_pp/(eta_p/2) = r^2 + 2 r, r the ratio above: "
                  "Sigma_pp << eta_p/2 holds exactly when the dropped term is small",
                  (zero((swp * (lr_p + e ** 2 * sww) / lr / (lr_p / 2)).subs(sww, sww_of).subs(swp, lr_p / e),
                        ratio ** 2 + 2 * ratio),), DERIVED),
    ),
    claims=(Claim("limit", "with Sigma_ww g dropped, BAdam's mean update is Adam's (eq. 22) with step eta, 1 - beta1 = "
                           "eta_p, v = <e^2> (checked: the runs' steady covariance against (19), and BAdam against "
                           "its Adam form on a quadratic)", AITCHISON),),
    summary="BAdam's steady covariance solves (17) with Sigma_wp <= eta_p/sqrt(<e^2>); the Sigma_ww g term the paper "
            "drops to reach Adam is sqrt(2 eta_p/(eta sqrt(<e^2>))) times Adam's step, so small only when "
            "eta_p << eta sqrt(<e^2>).",
)
