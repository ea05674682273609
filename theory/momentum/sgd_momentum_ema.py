"""sgd_momentum.smooth.ema: SGD with momentum in the EMA form on an L-smooth function, bounded variance (derived).

The EMA form (reference.optimizers.ema_momentum = heavy_ball(form="ema"), fed the oracle's g_t): b_{-1} = 0,
b_t = mu b_{t-1} + (1 - mu) g_t, x_{t+1} = x_t - lr b_t, 0 < mu < 1; the assumptions are sgd_momentum.smooth's.

It is torch's form at lr (1 - mu): its buffer is b_t = (1 - mu) b'_t, b'_t = mu b'_{t-1} + g_t, so the iterates are
torch's (dampening 0) at step lr (1 - mu) (tests/test_sgd_momentum_ema.py checks this along runs). So every formula
here is sgd_momentum.smooth's at lr -> lr (1 - mu), the potential's weight and shift rescaled by the buffer's
(1 - mu): the shadow iterate z_t = x_t - lr mu/(1 - mu) b_{t-1} is SGD with step lr, z_{t+1} = z_t - lr g_t,
z_0 = x_0, and Psi_t = f(z_t) + a ||b_{t-1}||^2 decreases in expectation:

    E_t Psi_{t+1} <= Psi_t - c ||grad f(x_t)||^2 + C sigma^2,
    a = L lr^2 mu/(2 (1 - mu)^2),  c = lr (1 - L lr (1 + mu)/(2 (1 - mu))),  C = L lr^2/(2 (1 - mu)).

The chain is not inherited from the identity: it is sgd_momentum.smooth's derivation redone on this update, with
inner_product.convexity at b_t = mu b_{t-1} + (1 - mu) g_t itself (||b_t||^2 <= mu ||b_{t-1}||^2 + (1 - mu) ||g_t||^2),
and certified on its own.

    condition   lr < 2 (1 - mu)/(L (1 + mu))   (c > 0)
    rate        E||grad f(x_R)||^2 <= (Delta + T C sigma^2)/(T c)
    prescribed  lr = 1/(A + B), A = L (1 + mu)/(1 - mu), B = sigma sqrt(T)/D, D = sqrt(2 Delta (1 - mu)/L)
    at it and T(eps): sgd_momentum.smooth's (they do not depend on the step's parametrisation), O(eps^-4)

Which start this covers: b_{-1} = 0, the first step damped too (b_0 = (1 - mu) g_0). torch's SGD(momentum=mu,
dampening=mu) (reference heavy_ball, dampening = mu) copies b_0 = g_0 undamped, a start b_{-1} = g_0 != 0 that a
shifted potential cannot take (theory.links requires s_0 = 0): it is not stated here.
"""
import sympy as sp

from ..model import Claim, Condition, Formula, Quantity, Rate, Source, Theorem
from ..symbols import L, lr, o_vec
from . import sgd_momentum as torch_form
from .sgd_momentum import GRAM, RANDOM, m_vec, mu

DERIVED = Source("derived", "derived in this project (proofs_notes/sgd_momentum.smooth.ema.md): sgd_momentum.smooth's "
                            "shadow-iterate derivation at lr -> lr (1 - mu) on the EMA buffer b_t = (1 - mu) b'_t, "
                            "from lsmooth.descent, lsmooth.lipschitz_gradient, inner_product.convexity, "
                            "inner_product.norm_nonneg, oracle.unbiased and oracle.bounded_variance")


def in_ema_form(expr):
    """A formula of torch's form at its step lr (1 - mu): the EMA form's at lr."""
    return expr.subs(lr, lr * (1 - mu))


eta = lr                                        # the shadow iterate's SGD step: torch's lr/(1 - mu) at lr (1 - mu)
k = in_ema_form(torch_form.k) / (1 - mu)        # z_t = x_t + k b_{t-1}, b_{t-1} = (1 - mu) b'_{t-1}
r = in_ema_form(torch_form.r)                   # Young's balance
weight = in_ema_form(torch_form.weight) / (1 - mu) ** 2
coef = in_ema_form(torch_form.coef)
noise = in_ema_form(torch_form.noise)
buffer_next = mu * m_vec + (1 - mu) * o_vec     # b_t
update = -lr * buffer_next

RATE = in_ema_form(torch_form.RATE)
lr_star = torch_form.lr_star / (1 - mu)           # lr/(1 - mu) = 1/(A + B) there: lr = 1/(A + B)
CONDITION = Condition(sp.StrictLessThan(lr, 2 * (1 - mu) / (L * (1 + mu))), "lr < 2 (1 - momentum)/(L (1 + momentum))")

POTENTIAL, ONE_STEP_STATED, CHAIN = torch_form.shadow_potential_step(
    weight=weight, shift=k, buffer_next=buffer_next, eta=eta, r=r, coef=coef, noise=noise,
    convexity_v=o_vec, variance_weight=weight * (1 - mu),
    buffer_note="b_{t-1}, the EMA momentum buffer before step t (b_{-1} = 0)", source=DERIVED,
    prose="E_t of lsmooth.descent between z_t and z_{t+1} = z_t - lr g_t (weight 1); E_t of "
          "inner_product.convexity at theta = mu, u = b_{t-1}, v = g_t (weight a); oracle.unbiased at "
          "u = grad f(z_t) (weight -lr); inner_product.norm_nonneg at r grad f(x_t) + grad f(z_t) - grad f(x_t) "
          "and lsmooth.lipschitz_gradient between x_t and z_t (weights lr/(2 r)); oracle.bounded_variance "
          "(weight L lr^2/2 + a (1 - mu)): the stated potential step")

theorem = Theorem(
    id="sgd_momentum.smooth.ema",
    title="SGD with momentum in the EMA form (b = mu b + (1 - mu) g) on L-smooth nonconvex functions, bounded "
          "variance (derived)",
    algorithm="ema_momentum",
    function_class="L-smooth",
    oracle="bounded_variance",
    constants=torch_form.theorem.constants,
    # momentum first: the checker's sweep of lr evaluates lr's bound 2 (1 - momentum)/(L (1 + momentum))
    hyperparameters=(Quantity(mu, "momentum coefficient mu (EMA: b = mu b + (1 - mu) g from b = 0, x -= lr b)",
                              sp.Integer(0), sp.Integer(1)),
                     Quantity(lr, "constant step size")),
    assumptions=torch_form.theorem.assumptions,
    prescription={"lr": Formula(lr_star, DERIVED)},
    conditions=(CONDITION,),
    one_step=ONE_STEP_STATED,
    rate=Rate("expected_grad_sq_random_index", Formula(RATE, DERIVED),
              "E||grad f(x_R)||^2 <= (Delta + T C sigma^2)/(T c), c = lr (1 - L lr (1 + mu)/(2 (1 - mu))), "
              "C = L lr^2/(2 (1 - mu))", expectation=True),
    rate_at_prescription=Formula(torch_form.RATE_AT_PRESCRIPTION, DERIVED),
    complexity=Formula(torch_form.COMPLEXITY, DERIVED),
    update=update,
    gram=GRAM,
    random=RANDOM,
    chain=CHAIN,
    claims=(Claim("order", "O(L Delta sigma^2 eps^-4/(1 - mu)) EMA-momentum steps for E||grad f|| <= eps at the "
                           "prescription (derived)", DERIVED, sp.Integer(4)),),
    summary="SGD with EMA momentum 0 < mu < 1 (b_{-1} = 0) and lr < 2(1 - mu)/(L (1 + mu)) under bounded variance: "
            "E||grad f(x_R)||^2 <= (Delta + T C sigma^2)/(T c); O(L Delta sigma^2/((1 - mu) eps^4)) steps.",
)
