"""adamw.scale_free: AdamW and AdamProx iterates ignore a coordinate-wise rescaling of the gradients.

Zhuang, Liu, Cutkosky, Orabona 2022 (arXiv 2202.00089; TMLR 2022). With xi = 0 and any fixed
c in R^d, c_i > 0, running AdamW or AdamProx on the oracle c * grad f gives the same iterates as on
grad f; Adam-L2 (coupled decay) loses this. AdamProx is the proximal step of (lambda/2)||x||^2 in
the metric eta_t I, and AdamW its first-order expansion. The abstract states the property [P-abs];
the paper's definition and theorem numbers were NOT FOUND, so every step here is ``derived``, in the
code's convention (card section 1.3: decay lambda eta_t with eta_t = lr_t/lr_0, no alpha):

    AdamW     x_k = (1 - lambda eta_k) x_{k-1} - alpha eta_k p_k
    AdamProx  x_k = (x_{k-1} - alpha eta_k p_k)/(1 + lambda eta_k)
    Adam-L2   the moments are fed g_k + lambda x_{k-1}
    p_k = mhat_k/sqrt(vhat_k)  (xi = 0), coordinate-wise.

All updates act coordinate by coordinate, so one coordinate with its own scale c > 0 is the
general case.
"""
import sympy as sp

from ..model import Claim, ChainStep, Quantity, Source, Theorem, lt, zero
from ..symbols import beta1, beta2, weight_decay

DERIVED = Source("derived", "derived and certified here (proofs_notes/adamw.scale_free.md); Zhuang et al.'s "
                            "definition and theorem numbers NOT FOUND")
ZLCO = Source("claim", "Zhuang, Liu, Cutkosky, Orabona 2022 (arXiv 2202.00089) abstract and official README "
                       "[P-abs, P-auth]: AdamW and its proximal counterpart are scale-free (invariant to "
                       "component-wise rescaling of the gradients); Adam-L2 with lambda > 0 is not")

c = sp.Symbol("c", positive=True)                    # the coordinate's gradient scale
lam = weight_decay
alpha, eta = sp.symbols("alpha eta", positive=True)  # initial lr and schedule multiplier eta_t
m, g, x, z, y = sp.symbols("m g x z y", real=True)
v = sp.Symbol("v", positive=True)
K = 3                                                # steps unrolled explicitly
gs = sp.symbols(f"g1:{K + 1}", real=True)            # the oracle's answers at the (common) iterates
etas = sp.symbols(f"eta1:{K + 1}", positive=True)


def unroll(update, scale, grads=gs, x0=x, coupled=False, steps=K):
    """x_k of an Adam-type method (xi = 0, bias-corrected) fed scale * g_k, for k = 1..steps."""
    mm, vv, xx = 0, 0, x0
    for k in range(1, steps + 1):
        gk = scale * grads[k - 1] + (lam * xx if coupled else 0)
        mm = beta1 * mm + (1 - beta1) * gk
        vv = beta2 * vv + (1 - beta2) * gk ** 2
        p = (mm / (1 - beta1 ** k)) / sp.sqrt(vv / (1 - beta2 ** k))
        xx = update(xx, p, etas[k - 1])
    return xx


def adamw(xx, p, e):
    return (1 - lam * e) * xx - alpha * e * p


def adamprox(xx, p, e):
    return (xx - alpha * e * p) / (1 + lam * e)


def adam_l2(xx, p, e):
    return xx - alpha * e * p


# a concrete witness for Adam-L2: one step, x0 = 1, lambda = 1, g1 = -1/2, c = 3 flips the sign of
# the fed gradient (c g + lambda x = -1/2 < 0 < 1/2 = g + lambda x), so the first steps go opposite ways
witness = {x: 1, lam: 1, gs[0]: sp.Rational(-1, 2), alpha: 1, etas[0]: 1, beta1: sp.Rational(9, 10),
           beta2: sp.Rational(999, 1000)}
l2_gap = (unroll(adam_l2, c, coupled=True, steps=1) - unroll(adam_l2, 1, coupled=True, steps=1)).subs(witness)

theorem = Theorem(
    id="adamw.scale_free",
    title="AdamW and AdamProx are scale-free (xi = 0); Adam-L2 is not; AdamProx is a proximal step",
    algorithm="adamw",
    function_class="smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(beta1, "first-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(beta2, "second-moment EMA coefficient", sp.Integer(0), sp.Integer(1), closed_lo=True),
                     Quantity(weight_decay, "weight decay lambda (decoupled, times eta_t)", closed_lo=True)),
    kind="property",
    chain=(
        ChainStep("moments scale",
                  "induction on k: if m_{k-1} and v_{k-1} were built from c g, they are c m and c^2 v; the next "
                  "moments are again c times and c^2 times those built from g",
                  (zero(beta1 * c * m + (1 - beta1) * c * g, c * (beta1 * m + (1 - beta1) * g)),
                   zero(beta2 * c ** 2 * v + (1 - beta2) * (c * g) ** 2, c ** 2 * (beta2 * v + (1 - beta2) * g ** 2))),
                  DERIVED),
        ChainStep("direction invariant",
                  "with xi = 0, p = mhat/sqrt(vhat) is unchanged: c mhat/sqrt(c^2 vhat) = mhat/sqrt(vhat) for c > 0",
                  (zero(c * m / sp.sqrt(c ** 2 * v), m / sp.sqrt(v)),), DERIVED),
        ChainStep("updates use p only",
                  "AdamW's and AdamProx's decay factors involve lambda and eta_t, never the gradient, so equal p "
                  "gives equal iterates; unrolled for 3 steps with arbitrary gradients g1, g2, g3 and "
                  "multipliers eta1..eta3",
                  (zero(unroll(adamw, c), unroll(adamw, 1), "AdamW: x_3(c g) = x_3(g)"),
                   zero(unroll(adamprox, c), unroll(adamprox, 1), "AdamProx: x_3(c g) = x_3(g)"),
                   zero(unroll(adam_l2, c), unroll(adam_l2, 1), "Adam (lambda = 0): x_3(c g) = x_3(g)")),
                  DERIVED),
        ChainStep("Adam-L2 is not scale-free",
                  "coupled decay feeds c g + lambda x, whose lambda x part does not scale: at x0 = 1, lambda = 1, "
                  "g1 = -1/2, c = 3 the first step moves the other way",
                  (lt(0, l2_gap.subs(c, 3) ** 2, "(x_1(3 g) - x_1(g))^2 > 0 for Adam-L2"),), DERIVED),
        ChainStep("AdamProx is a proximal step",
                  "z = x - alpha eta p; y = z/(1 + lambda eta) is the stationary point of the strongly convex "
                  "(lambda/2)||y||^2 + ||y - z||^2/(2 eta), i.e. the prox of (lambda/2)||.||^2 in the metric eta I",
                  (zero((lam * y + (y - z) / eta).subs(y, z / (1 + lam * eta)), 0, "gradient vanishes at y*"),
                   lt(0, lam + 1 / eta, "second derivative lambda + 1/eta > 0")), DERIVED),
        ChainStep("AdamW is AdamProx to first order",
                  "with u = lambda eta: x_Prox - x_W = (u/(1 + u)) (u x + alpha eta p), second order in the small "
                  "quantities u and alpha eta",
                  (zero(adamprox(x, g, eta) - adamw(x, g, eta),
                        (lam * eta / (1 + lam * eta)) * (lam * eta * x + alpha * eta * g)),), DERIVED),
    ),
    claims=(Claim("property", "AdamW and AdamProx are scale-free; Adam-L2 with lambda > 0 is not", ZLCO),),
    summary="With xi = 0, multiplying every gradient coordinate-wise by c > 0 leaves AdamW/AdamProx iterates "
            "unchanged (certified for every k by induction); Adam-L2 changes; xi > 0 breaks exactness.",
)
