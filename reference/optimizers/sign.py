"""Sign methods: signGD and signum (sign of a momentum average).

    signgd:  x_{t+1} = x_t - lr sign(g_t)                                   (optax.sign_sgd)
    signum:  m_{t+1} = beta1 m_t + (1 - beta1) g_t,  m_0 = 0,
             x_{t+1} = x_t - lr sign(m_{t+1})                               (optax.signum)

sign(0) = 0, as numpy, jax and torch define it. signum's m is optax's: an EMA with weight
(1 - beta1) on g and no bias correction (the sign ignores the positive factor 1/(1 - beta1^(t+1)));
Bernstein et al.'s signum is the same. torch has neither. signGD is Adam's small-lr limit with
beta1, beta2 fixed (card adamw_sde_signgd.md section 3.4), and Adam's first step exactly when xi = 0
and no gradient coordinate is zero (there Adam gives 0/0).
"""
from __future__ import annotations

from ..backend import backend_of
from .base import Optimizer
from .sgd import _x_minus_lr_u


def signgd() -> Optimizer:
    """x_{t+1} = x_t - lr sign(g_t); with a stochastic oracle this is signSGD."""

    def init(x0, hp):
        return {"x": x0}

    def step(state, g, hp, t):
        s = backend_of(g).xp.sign(g)
        return {"x": _x_minus_lr_u(state["x"], hp["lr"], s, u_is_fresh=True)}

    return Optimizer("signgd", init, step, {"lr": None})


def signum() -> Optimizer:
    """m_{t+1} = beta1 m_t + (1 - beta1) g_t,  x_{t+1} = x_t - lr sign(m_{t+1})."""

    def init(x0, hp):
        return {"x": x0, "m": x0 * 0.0}

    def step(state, g, hp, t):
        xp = backend_of(g).xp
        m = g - state["m"]  # fresh: m + (1 - beta1)(g - m), Adam's first moment in torch's lerp form
        m *= 1.0 - hp["beta1"]
        m += state["m"]
        return {"x": _x_minus_lr_u(state["x"], hp["lr"], xp.sign(m), u_is_fresh=True), "m": m}

    return Optimizer("signum", init, step, {"lr": None, "beta1": 0.9})
