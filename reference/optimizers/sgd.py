"""Gradient descent, heavy ball and Nesterov momentum (NAG).

Default conventions are torch.optim.SGD's, matched to its float64 trajectories to 1e-12 by
tests/test_torch_conformance.py on recorded golden data:

    b_1 = g_1,   b_t = mu b_{t-1} + (1 - tau) g_t        (momentum buffer; no dampening at t = 1)
    heavy ball:  x_t = x_{t-1} - lr b_t
    NAG (torch): x_t = x_{t-1} - lr (g_t + mu b_t)       (gradient at the stored point)

The Sutskever et al. (2013) form is the switch ``nag(form="sutskever")``:

    v_{t+1} = mu v_t - lr grad f(x_t + mu v_t),   x_{t+1} = x_t + v_{t+1}.

With a constant lr the two coincide after identifying torch's stored point with Sutskever's
look-ahead x_t + mu v_t; with a schedule they differ (torch's buffer is lr-free).
"""
from __future__ import annotations

from .base import Optimizer

# Performance note. Each step returns fresh arrays and never writes into the state or the gradient
# it was handed (tests compare states). Inside a step, temporaries the step itself just allocated
# are updated in place, which saves allocations without changing a bit of the result:
# x - lr*u is computed as (-lr)*u + x, and rounding to nearest is symmetric, so -(lr*u) == (-lr)*u
# and IEEE x - y == x + (-y) == (-y) + x exactly.


def _x_minus_lr_u(x, lr, u, u_is_fresh=False):
    """x - lr * u as (-lr) * u + x (bitwise equal); overwrites u only if the caller says it is a
    temporary of its own (u_is_fresh), else allocates one array instead of two."""
    if u_is_fresh:
        u *= -lr
    else:
        u = u * -lr
    u += x
    return u


def gd() -> Optimizer:
    """x_{t+1} = x_t - lr g_t. With a stochastic oracle this is SGD."""

    def init(x0, hp):
        return {"x": x0}

    def step(state, g, hp, t):
        return {"x": _x_minus_lr_u(state["x"], hp["lr"], g)}

    return Optimizer("gd", init, step, {"lr": None})


def sgd() -> Optimizer:
    """Alias of gd(): the oracle, not the update, makes it stochastic."""
    opt = gd()
    return Optimizer("sgd", opt.init, opt.step, opt.defaults)


def _momentum_buffer(state, g, hp, t):
    if t == 0:  # torch initialises the buffer with g itself, undamped
        return g
    b = hp["momentum"] * state["b"]  # fresh: mu b + (1 - tau) g, accumulated in place
    b += (1.0 - hp["dampening"]) * g
    return b


def heavy_ball() -> Optimizer:
    """Polyak momentum in torch's form: b_t = mu b_{t-1} + (1 - tau) g_t, x_t = x_{t-1} - lr b_t."""

    def init(x0, hp):
        return {"x": x0, "b": x0 * 0.0}

    def step(state, g, hp, t):
        b = _momentum_buffer(state, g, hp, t)
        return {"x": _x_minus_lr_u(state["x"], hp["lr"], b), "b": b}

    return Optimizer("heavy_ball", init, step, {"lr": None, "momentum": 0.9, "dampening": 0.0},
                     {"form": "torch"})


def nag(form: str = "torch") -> Optimizer:
    """Nesterov accelerated gradient; ``form`` is "torch" (default) or "sutskever"."""
    if form == "torch":

        def init(x0, hp):
            return {"x": x0, "b": x0 * 0.0}

        def step(state, g, hp, t):
            mu = hp["momentum"]
            if t == 0:
                b = g
            else:
                b = mu * state["b"]  # fresh: mu b + g
                b += g
            d = mu * b  # fresh: g + mu b (addition commutes exactly)
            d += g
            return {"x": _x_minus_lr_u(state["x"], hp["lr"], d, u_is_fresh=True), "b": b}

        return Optimizer("nag", init, step, {"lr": None, "momentum": 0.9}, {"form": "torch"})

    if form == "sutskever":

        def init(x0, hp):
            return {"x": x0, "v": x0 * 0.0}

        def query(state, hp):
            return state["x"] + hp["momentum"] * state["v"]

        def step(state, g, hp, t):
            v = hp["momentum"] * state["v"]  # fresh: mu v - lr g
            v -= hp["lr"] * g
            return {"x": state["x"] + v, "v": v}

        return Optimizer("nag", init, step, {"lr": None, "momentum": 0.9}, {"form": "sutskever"},
                         query=query)

    raise ValueError(f"nag form must be 'torch' or 'sutskever'; got {form!r}")
