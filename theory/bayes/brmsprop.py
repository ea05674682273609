"""brmsprop.limit: BRMSprop's posterior variance has an exact fixed point; the paper's RMSprop limit
eta/sqrt(<e^2>) approximates it from above, within eta^2/2.

Aitchison, ICLR 2019 submission of arXiv 1807.07540, section 2.2 (card inna_bayes_importance_sampling.md
section 2.3). With sigma^2 = inf (no decay) and a stationary <e^2> = e^2, eq. (11) reads

    s_{t+1} = phi(s_t),   phi(s) = 1/(1/(s + eta^2) + e^2) = (s + eta^2)/(1 + (s + eta^2) e^2).

The paper solves a simplified recursion and reports s* ~ eta/sqrt(<e^2>) (section 2.2.1), which turns the
mean update mu <- mu + s g into RMSprop's eta g/sqrt(<e^2>). Derived and certified here: the exact fixed
point s* = (-eta^2 + sqrt(eta^4 + 4 eta^2/e^2))/2, that phi is a contraction on s >= 0 (so every start
converges to s*), phi'(s*) = (s*/(s* + eta^2))^2, and eta/e - eta^2/2 <= s* <= eta/e; in the stated regime
eta e <= 1/5 the paper's approximation is within 10%. ``e_rms`` stands for sqrt(<e^2>).
"""
import sympy as sp

from ..model import Claim, ChainStep, Condition, Quantity, Source, Theorem, le, lt, zero
from ..symbols import lr

DERIVED = Source("derived", "derived and certified here (proofs_notes/brmsprop.limit.md)")
PAPER = Source("paper", "Aitchison, ICLR 2019 submission (OpenReview BygREjC9YQ), eq. (11) at sigma^2 = inf")
AITCHISON = Source("claim", "Aitchison, ICLR 2019 submission section 2.2.1: the steady state of the (simplified) "
                            "variance recursion is sigma^2_post ~ eta/sqrt(<e^2>), so BRMSprop -> RMSprop with lr eta")

e = sp.Symbol("e_rms", positive=True)   # sqrt(<e^2>), the RMS of the filter's curvature signal
s = sp.Symbol("s", positive=True)        # a posterior variance


def phi(v):
    """One step of eq. (11) with sigma^2 = inf: predict (+ eta^2), then condition on e."""
    return (v + lr ** 2) / (1 + (v + lr ** 2) * e ** 2)


s_star = (-lr ** 2 + sp.sqrt(lr ** 4 + 4 * lr ** 2 / e ** 2)) / 2
dphi = sp.diff(phi(s), s)

theorem = Theorem(
    id="brmsprop.limit",
    title="BRMSprop's variance converges to s* = (-eta^2 + sqrt(eta^4 + 4 eta^2/<e^2>))/2, within eta^2/2 "
          "below the paper's eta/sqrt(<e^2>) (within 10% for eta sqrt(<e^2>) <= 1/5)",
    algorithm="brmsprop",
    function_class="smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(lr, "eta: the random-walk step of the latent optimum (RMSprop's learning rate)"),),
    conditions=(Condition(sp.LessThan(lr, 1 / (5 * e)), "lr sqrt(<e^2>) <= 1/5"),),
    kind="property",
    chain=(
        ChainStep("the filter's variance map",
                  "eq. (11) at sigma^2 = inf: s_prior = s + eta^2, then s_post = 1/(1/s_prior + e^2)",
                  (zero(phi(s), 1 / (1 / (s + lr ** 2) + e ** 2)),), PAPER),
        ChainStep("exact fixed point",
                  "phi(s) - s = (eta^2 - s (s + eta^2) e^2)/(1 + (s + eta^2) e^2) vanishes where s^2 + eta^2 s = "
                  "eta^2/e^2, whose positive root is s*",
                  (zero(phi(s) - s, (lr ** 2 - s * (s + lr ** 2) * e ** 2) / (1 + (s + lr ** 2) * e ** 2)),
                   zero(s_star ** 2 + lr ** 2 * s_star - lr ** 2 / e ** 2, 0, "s* solves s^2 + eta^2 s = eta^2/e^2"),
                   lt(0, s_star, "s* > 0")), DERIVED),
        ChainStep("a contraction",
                  "phi'(s) = 1/(1 + (s + eta^2) e^2)^2 lies in (0, 1) for s >= 0, so phi is a contraction there "
                  "and s_t -> s* from every start",
                  (zero(dphi, 1 / (1 + (s + lr ** 2) * e ** 2) ** 2), lt(dphi, 1), lt(0, dphi)), DERIVED),
        ChainStep("linear rate at s*",
                  "at the fixed point 1 + (s* + eta^2) e^2 = (s* + eta^2)/s*, so phi'(s*) = (s*/(s* + eta^2))^2: "
                  "the effective 1 - beta2 of the implicit average is 1 - phi'(s*)",
                  (zero(dphi.subs(s, s_star), (s_star / (s_star + lr ** 2)) ** 2),), DERIVED),
        ChainStep("the paper's approximation brackets s*",
                  "sqrt(eta^4 + 4 eta^2/e^2) lies between 2 eta/e and 2 eta/e + eta^2, so "
                  "eta/e - eta^2/2 <= s* <= eta/e",
                  (le(s_star, lr / e), le(lr / e - lr ** 2 / 2, s_star)), DERIVED),
        ChainStep("within 10% in the regime",
                  "the relative error 1 - s* e/eta is at most eta e/2 <= 1/10 when eta e <= 1/5",
                  (le(1 - s_star * e / lr, sp.Rational(1, 10)),), DERIVED),
    ),
    claims=(Claim("limit", "BRMSprop's posterior variance tends to eta/sqrt(<e^2>) and BRMSprop becomes RMSprop with "
                           "learning rate eta (checked: exact s* reached by runs, the paper's value within eta^2/2)",
                  AITCHISON),),
    summary="With sigma^2 = inf and a stationary <e^2>, BRMSprop's posterior variance converges to the exact s*; "
            "the paper's RMSprop value eta/sqrt(<e^2>) overestimates it by at most eta^2/2.",
)
