"""adam.signgd_limit: Adam with xi = 0 starts as signGD, and tends to the signGD flow as lr -> 0.

Ma, Wu, E (arXiv 2009.06125) [P-abs]: the signGD flow dx/dt = -sign(grad f(x)) is the limit of Adam
when the learning rate tends to 0 with beta1, beta2 held fixed. The paper's limit theorem (mode of
convergence, treatment of xi and of zero gradient coordinates) was NOT FOUND. Certified here: the
first bias-corrected step is exactly lr sign(g) (xi = 0), and along the flow f decreases at the rate
||grad f||_1. The limit itself is a claim, checked by measuring ||x_{t/lr} - x_flow(t)|| for a ladder
of lr and fitting the order.
"""
import sympy as sp

from ..model import Claim, ChainStep, Quantity, Source, Theorem, zero
from ..symbols import beta1, beta2, lr

DERIVED = Source("derived", "derived and certified here (proofs_notes/adam.signgd_limit.md)")
MWE = Source("claim", "Ma, Wu, E (arXiv 2009.06125) abstract [P-abs]: signGD is the limit of Adam as the learning "
                      "rate -> 0 with beta1, beta2 fixed; the theorem's exact statement NOT FOUND")

gp, gn = sp.Symbol("g_pos", positive=True), sp.Symbol("g_neg", negative=True)
g1, g2 = sp.symbols("g1 g2", real=True)


def first_step(g):
    """lr mhat_1/sqrt(vhat_1) with m_0 = v_0 = 0: mhat_1 = g and vhat_1 = g^2."""
    mhat = (1 - beta1) * g / (1 - beta1)
    vhat = (1 - beta2) * g ** 2 / (1 - beta2)
    return lr * mhat / sp.sqrt(vhat)


theorem = Theorem(
    id="adam.signgd_limit",
    title="Adam (xi = 0) starts as signGD and tends to the signGD flow as lr -> 0",
    algorithm="adam",
    function_class="L-smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(beta1, "first-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(beta2, "second-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(lr, "step size")),
    kind="property",
    chain=(
        ChainStep("first step is lr sign(g)",
                  "bias correction undoes the EMA weights at k = 1: mhat_1 = g, vhat_1 = g^2, so the step is "
                  "lr g/|g| = lr sign(g), coordinate-wise, for every beta1, beta2 (both signs of g)",
                  (zero(first_step(gp), lr, "g > 0: step = lr"), zero(first_step(gn), -lr, "g < 0: step = -lr")),
                  DERIVED),
        ChainStep("signGD flow descends",
                  "along dx/dt = -sign(grad f), df/dt = <grad f, -sign(grad f)> = -||grad f||_1",
                  (zero(g1 * (-sp.sign(g1)) + g2 * (-sp.sign(g2)), -(sp.Abs(g1) + sp.Abs(g2))),), DERIVED),
    ),
    claims=(Claim("limit", "the Adam iterate x_{t/lr} approaches the signGD flow x(t) as lr -> 0 at fixed t, "
                           "beta1, beta2 (checked by the fitted order of the error over a ladder of lr)", MWE),),
    summary="Adam's first step with xi = 0 is lr sign(g); as lr -> 0 the trajectory read at t = k lr follows "
            "the signGD flow (measured order of the error reported by convcheck check).",
)
