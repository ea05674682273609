"""RMSprop, plain or centered, with or without momentum.

Default conventions are torch.optim.RMSprop's (torch's ``alpha`` is our ``beta2``, its ``eps`` our
``xi``), matched to its float64 trajectories to 1e-12 by tests/test_adaptive_optimizers.py on
recorded golden data (worst difference ~1e-15: the arithmetic is torch's, except that g / den is
formed before the lr scaling, which saves an array). A step updates v, gbar and b in place and uses
the next iterate's buffer as its one scratch array (the allocation contract, reference/buffers.py). With t = 0, 1, ... and v_0 = gbar_0 = b_0 = 0
(no bias correction):

    v_{t+1}    = beta2 v_t + (1 - beta2) g_t^2
    gbar_{t+1} = beta2 gbar_t + (1 - beta2) g_t              (centered only)
    den        = sqrt(v_{t+1}) + xi                           (plain)
               = sqrt(v_{t+1} - gbar_{t+1}^2) + xi            (centered; v - gbar^2 can round below 0
                                                               for a near-constant gradient: NaN, as torch)
    momentum = 0:  x_{t+1} = x_t - lr g_t / den
    momentum mu:   b_{t+1} = mu b_t + g_t / den,   x_{t+1} = x_t - lr b_{t+1}

Switches:

* ``xi_inside=True`` puts the shift inside the square root, den = sqrt(v_{t+1} + xi) (centered:
  sqrt(v_{t+1} - gbar_{t+1}^2 + xi)): optax.rmsprop's default (``eps_in_sqrt=True``) and
  TensorFlow's form. The hyperparameter keeps its name xi; only its place changes.
* ``momentum_form="optax"`` keeps lr inside the buffer, as optax.rmsprop(momentum=mu) does (its
  ``trace`` runs after ``scale_by_learning_rate``): b_{t+1} = mu b_t + lr_t g_t / den,
  x_{t+1} = x_t - b_{t+1}. For a constant lr it is torch's form; under a schedule the two differ,
  as torch's and Sutskever's NAG do.

optax's ``initial_scale``, ``bias_correction`` and ``nesterov`` options and torch's coupled
``weight_decay`` are not reproduced.
"""
from __future__ import annotations

import numpy as np

from ..buffers import into
from .base import Optimizer


def _is_zero(h) -> bool:
    """A hyperparameter that is the scalar 0 (a column is never treated as absent)."""
    return np.isscalar(h) and h == 0


def _check_bool(name: str, value, factory: str):
    if not isinstance(value, bool):
        raise ValueError(f"{factory} {name} must be True or False; got {value!r}")


def rmsprop(xi_inside: bool = False, centered: bool = False, momentum_form: str = "torch") -> Optimizer:
    """RMSprop: torch.optim.RMSprop by default; optax.rmsprop with ``xi_inside=True`` (and
    ``momentum_form="optax"`` where a schedule meets momentum).

        v = beta2 v + (1 - beta2) g^2,  gbar = beta2 gbar + (1 - beta2) g  (centered),
        den = sqrt(v [- gbar^2]) + xi   or, xi_inside, sqrt(v [- gbar^2] + xi),
        x_{t+1} = x_t - lr g / den                            (momentum 0)
        b = mu b + g / den,  x_{t+1} = x_t - lr b             (torch form)
        b = mu b + lr g / den,  x_{t+1} = x_t - b             (optax form)
    """
    _check_bool("xi_inside", xi_inside, "rmsprop")
    _check_bool("centered", centered, "rmsprop")
    if momentum_form not in ("torch", "optax"):
        raise ValueError(f"rmsprop momentum_form must be 'torch' or 'optax'; got {momentum_form!r}")
    lr_in_buffer = momentum_form == "optax"

    def init(x0, hp):
        zero = x0 * 0.0
        state = {"x": x0, "v": zero, "b": zero}  # one zero array: the runner and the pure step copy it per entry
        if centered:
            state["gbar"] = zero
        return state

    def step_into(state, g, hp, t, ws):
        xp, w = ws.xp, ws.x  # w: this step's one scratch array, (1 - beta2) g^2, then den, then the update
        b2, xi, lr, mu = hp["beta2"], hp["xi"], hp["lr"], hp["momentum"]
        v = state["v"]
        momentum = 0 if _is_zero(mu) else (2 if lr_in_buffer else 1)
        if ws.fused and ws.fused.rmsprop(w, state["x"], v, state.get("gbar"), state["b"], g, lr, b2, xi, mu,
                                         centered, xi_inside, momentum):  # the same operations, one pass
            return {"v": v, "b": state["b"], "x": w, **({"gbar": state["gbar"]} if centered else {})}
        v *= b2  # beta2 v + ((1 - beta2) g) g, torch's mul_(alpha).addcmul_(g, g)
        sq = into(xp, xp.multiply, g, 1.0 - b2, out=w)
        sq *= g
        v += sq
        new = {"v": v}
        if centered:
            gbar = state["gbar"]  # torch's gbar.lerp_(g, 1 - alpha) = gbar + (1 - alpha)(g - gbar)
            d = into(xp, xp.subtract, g, gbar, out=w)
            d *= 1.0 - b2
            gbar += d
            new["gbar"] = gbar
            den = into(xp, xp.multiply, gbar, gbar, out=w)
            den = into(xp, xp.subtract, v, den, out=den)  # v - gbar^2
            if xi_inside:
                den += xi
            den = into(xp, xp.sqrt, den, out=den)
        elif xi_inside:
            den = into(xp, xp.add, v, xi, out=w)
            den = into(xp, xp.sqrt, den, out=den)
        else:
            den = into(xp, xp.sqrt, v, out=w)
        if not xi_inside:
            den += xi
        u = into(xp, xp.divide, g, den, out=den)  # g / den
        if _is_zero(mu):  # torch's "momentum > 0" test; a per-run column takes the buffer path
            u *= -lr
            u += state["x"]
            new.update(x=u, b=state["b"])
            return new
        b = state["b"]
        b *= mu  # mu b + g / den (optax: mu b + lr g / den)
        if lr_in_buffer:
            u *= lr
            b += u
            u = into(xp, xp.subtract, state["x"], b, out=u)
        else:
            b += u
            u = into(xp, xp.multiply, b, -lr, out=u)  # torch's x.add_(b, alpha=-lr)
            u += state["x"]
        new.update(x=u, b=b)
        return new

    return Optimizer.in_place("rmsprop", init, step_into,
                     {"lr": None, "beta2": 0.99, "xi": 1e-8, "momentum": 0.0},
                     {"xi_inside": xi_inside, "centered": centered, "momentum_form": momentum_form})

def rmsprop_root(centered: bool = False, momentum_form: str = "torch") -> Optimizer:
    """RMSprop with the shift inside the square root under its glossary name ``xi_root``:
    x_{t+1} = x_t - lr g_t/sqrt(v_{t+1} + xi_root), i.e. rmsprop(xi_inside=True) (optax's default, and the
    placement Zhang-Zhou-Zou analyse) with ``xi`` renamed, so that a theorem about it names the shift as
    the glossary does (``xi`` is the shift outside the root)."""
    base = rmsprop(xi_inside=True, centered=centered, momentum_form=momentum_form)

    def as_base(hp):
        return {**{k: v for k, v in hp.items() if k != "xi_root"}, "xi": hp["xi_root"]}

    return Optimizer.in_place("rmsprop_root", lambda x0, hp: base.init(x0, as_base(hp)),
                              lambda state, g, hp, t, ws: base.step_into(state, g, as_base(hp), t, ws),
                              {"lr": None, "beta2": 0.99, "xi_root": 1e-8, "momentum": 0.0}, base.convention)
