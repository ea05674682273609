"""Gradient descent, heavy ball and Nesterov momentum (NAG).

Default conventions are torch.optim.SGD's, matched to its float64 trajectories to 1e-12 by
tests/test_torch_conformance.py on recorded golden data:

    b_1 = g_1,   b_t = mu b_{t-1} + (1 - tau) g_t        (momentum buffer; no dampening at t = 1)
    heavy ball:  x_t = x_{t-1} - lr b_t
    NAG (torch): x_t = x_{t-1} - lr (g_t + mu b_t)       (gradient at the stored point)

The EMA form of the momentum buffer is the switch ``heavy_ball(form="ema")`` (registered as ``ema_momentum``):

    b_{-1} = 0,  b_t = mu b_{t-1} + (1 - mu) g_t,  x_{t+1} = x_t - lr b_t   (every step damped, the first too)

torch's SGD(momentum=mu, dampening=mu) is not this form: it sets b_1 = g_1 undamped (the default form above).

The Sutskever et al. (2013) form is the switch ``nag(form="sutskever")``:

    v_{t+1} = mu v_t - lr grad f(x_t + mu v_t),   x_{t+1} = x_t + v_{t+1}.

With a constant lr the two coincide after identifying torch's stored point with Sutskever's
look-ahead x_t + mu v_t; with a schedule they differ (torch's buffer is lr-free).
"""
from __future__ import annotations

from ..backend import namespace_of
from ..buffers import into
from .base import Optimizer

# Performance note (the allocation contract, reference/buffers.py). Each optimizer is written once,
# as an in-place step into the runner's buffers; its pure step runs the same code on copies. x - lr*u
# is computed as (-lr)*u + x: rounding to nearest is symmetric, so -(lr*u) == (-lr)*u, and IEEE
# x - y == x + (-y) == (-y) + x exactly. Where ``ws.fused`` is set (reference/kernels), the same operations
# run as one compiled pass; a kernel that declines the arrays (not C-contiguous float64) returns False.


def _descend_into(xp, out, x, lr, u):
    """out = x - lr * u, formed as (-lr) * u + x (bitwise equal); ``out`` may be ``u`` itself."""
    into(xp, xp.multiply, u, -lr, out=out)
    out += x
    return out


def _x_minus_lr_u(x, lr, u, u_is_fresh=False):
    """x - lr * u into a fresh array (or into u when the caller says it is a temporary of its own)."""
    xp = namespace_of(u)
    return _descend_into(xp, u if u_is_fresh else xp.empty_like(u), x, lr, u)


def _init_x(x0, hp):
    return {"x": x0}


def _init_buffer(name):
    def init(x0, hp):
        return {"x": x0, name: x0 * 0.0}

    return init


def gd() -> Optimizer:
    """x_{t+1} = x_t - lr g_t. With a stochastic oracle this is SGD."""

    def step_into(state, g, hp, t, ws):
        if ws.fused and ws.fused.descend(ws.x, state["x"], g, hp["lr"]):
            return {"x": ws.x}
        return {"x": _descend_into(ws.xp, ws.x, state["x"], hp["lr"], g)}

    return Optimizer.in_place("gd", _init_x, step_into, {"lr": None})


def sgd() -> Optimizer:
    """Alias of gd(): the oracle, not the update, makes it stochastic."""
    return gd().renamed("sgd")


def _momentum_buffer_into(xp, b, g, hp, t, scratch):
    """b <- mu b + (1 - tau) g in place (torch: b_1 = g, undamped); ``scratch`` holds (1 - tau) g."""
    if t == 0:  # torch initialises the buffer with g itself, undamped (copied: the state never keeps g)
        b[...] = g
        return b
    b *= hp["momentum"]
    b += into(xp, xp.multiply, g, 1.0 - hp["dampening"], out=scratch)
    return b


def heavy_ball(form: str = "torch") -> Optimizer:
    """Polyak momentum; ``form`` is "torch" (default): b_t = mu b_{t-1} + (1 - tau) g_t with b_0 = g_0 undamped,
    or "ema": b_{-1} = 0, b_t = mu b_{t-1} + (1 - mu) g_t (no dampening hyperparameter: it is mu). Both
    x_t = x_{t-1} - lr b_t."""
    if form == "torch":

        def step_into(state, g, hp, t, ws):
            if ws.fused and ws.fused.heavy_ball(ws.x, state["x"], state["b"], g, hp["lr"], hp["momentum"],
                                                hp["dampening"], t == 0):
                return {"x": ws.x, "b": state["b"]}
            b = _momentum_buffer_into(ws.xp, state["b"], g, hp, t, ws.x)
            return {"x": _descend_into(ws.xp, ws.x, state["x"], hp["lr"], b), "b": b}

        return Optimizer.in_place("heavy_ball", _init_buffer("b"), step_into,
                                  {"lr": None, "momentum": 0.9, "dampening": 0.0}, {"form": "torch"})

    if form == "ema":

        def step_into(state, g, hp, t, ws):
            xp, mu, b = ws.xp, hp["momentum"], state["b"]
            # b starts at 0 (_init_buffer), so torch's kernel with dampening mu and no first-step copy is this form
            if ws.fused and ws.fused.heavy_ball(ws.x, state["x"], b, g, hp["lr"], mu, mu, False):
                return {"x": ws.x, "b": b}
            b *= mu
            b += into(xp, xp.multiply, g, 1.0 - mu, out=ws.x)
            return {"x": _descend_into(xp, ws.x, state["x"], hp["lr"], b), "b": b}

        return Optimizer.in_place("heavy_ball", _init_buffer("b"), step_into, {"lr": None, "momentum": 0.9},
                                  {"form": "ema"})

    raise ValueError(f"heavy_ball form must be 'torch' or 'ema'; got {form!r}")


def ema_momentum() -> Optimizer:
    """heavy_ball(form="ema") under its own name, for the theorems about it (sgd_momentum.smooth.ema)."""
    return heavy_ball(form="ema").renamed("ema_momentum")


def nag(form: str = "torch") -> Optimizer:
    """Nesterov accelerated gradient; ``form`` is "torch" (default) or "sutskever"."""
    if form == "torch":

        def step_into(state, g, hp, t, ws):
            xp, mu, b = ws.xp, hp["momentum"], state["b"]
            if ws.fused and ws.fused.nag_torch(ws.x, state["x"], b, g, hp["lr"], mu, t == 0):
                return {"x": ws.x, "b": b}
            if t == 0:
                b[...] = g
            else:  # mu b + g
                b *= mu
                b += g
            d = into(xp, xp.multiply, b, mu, out=ws.x)  # g + mu b (addition commutes exactly)
            d += g
            return {"x": _descend_into(xp, d, state["x"], hp["lr"], d), "b": b}

        return Optimizer.in_place("nag", _init_buffer("b"), step_into, {"lr": None, "momentum": 0.9},
                                  {"form": "torch"})

    if form == "sutskever":

        def query(state, hp):
            return state["x"] + hp["momentum"] * state["v"]

        def step_into(state, g, hp, t, ws):
            xp, v = ws.xp, state["v"]
            if ws.fused and ws.fused.nag_sutskever(ws.x, state["x"], v, g, hp["lr"], hp["momentum"]):
                return {"x": ws.x, "v": v}
            v *= hp["momentum"]  # mu v - lr g
            v -= into(xp, xp.multiply, g, hp["lr"], out=ws.x)
            return {"x": into(xp, xp.add, state["x"], v, out=ws.x), "v": v}

        return Optimizer.in_place("nag", _init_buffer("v"), step_into, {"lr": None, "momentum": 0.9},
                                  {"form": "sutskever"}, query=query)

    raise ValueError(f"nag form must be 'torch' or 'sutskever'; got {form!r}")
