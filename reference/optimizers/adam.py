"""Adam and its weight-decay variants: Adam-L2 (coupled), AdamW (decoupled), AdamProx (proximal).

With t = 0, 1, ... the step index (torch's step count is k = t + 1) and m_0 = v_0 = 0:

    m_{t+1} = beta1 m_t + (1 - beta1) g_t
    v_{t+1} = beta2 v_t + (1 - beta2) g_t^2
    mhat = m_{t+1} / (1 - beta1^(t+1)),   vhat = v_{t+1} / (1 - beta2^(t+1))    (bias_correction)
    p_t  = mhat / (sqrt(vhat + xi_root) + xi)
    x_{t+1} = x_t - lr_t p_t                                                      (adam)

xi is added outside the square root and after bias correction (torch's and optax's ``eps``);
xi_root inside it (optax's ``eps_root``, default 0). The decay variants change the gradient fed to
the moments or the parameter update (lambda = weight_decay, eta_t = lr_t / lr_0 the schedule
multiplier, lr_0 the lr at t = 0):

    adam_l2:              g_t <- g_t + lambda x_t,  then adam                    (torch Adam(weight_decay))
    adamw, decay="lr":    x_{t+1} = (1 - lr_t lambda) x_t - lr_t p_t             (torch AdamW, optax.adamw)
    adamw, decay="schedule": x_{t+1} = (1 - lambda eta_t) x_t - lr_t p_t         (Zhuang et al.'s code,
                                                                                  Loshchilov & Hutter)
    adamprox:             x_{t+1} = (x_t - lr_t p_t) / (1 + lambda eta_t)        (Zhuang et al.'s AdamProx)

The two AdamW decays coincide, for any schedule, when lambda_schedule = lr_0 lambda_lr
(card adamw_sde_signgd.md, ambiguity A1): tuned lambdas are not portable between them.

Defaults reproduce torch.optim.Adam / AdamW's float64 trajectories to 1e-12 (golden data in
tests/golden/torch_adaptive.json; the worst recorded difference is ~1e-15). The arithmetic is
torch's, the same formula regrouped:

    denom = sqrt(v_{t+1}) / sqrt(1 - beta2^(t+1)) + xi
    x_{t+1} = x_t - (lr / (1 - beta1^(t+1))) (m_{t+1} / denom)

except that m / denom is formed before the scaling (torch: (-step_size m) / denom), which saves an
array and moves nothing beyond rounding. A positive xi_root enters as
sqrt(v + (1 - beta2^(t+1)) xi_root) / sqrt(1 - beta2^(t+1)) = sqrt(vhat + xi_root), which is torch's
form when xi_root = 0. Under the allocation contract (reference/buffers.py) a step updates m, v (and
vmax) in place and uses the next iterate's buffer as its one scratch array (adam_l2 and adamw one
more, ``ws.scratch(0)``, for g + lambda x and (1 - lr lambda) x): no fresh (R, d) array.

Fused kernel (reference/kernels, where numba is installed): adam, adam_l2, adamw (either decay, the
schedule's as torch's with its own factor 1 - lambda eta_t) and adamprox (its shrink last), with xi_root = 0
and amsgrad False or "torch", run as one compiled pass in the order of torch's *fused* CPU Adam
(torch.optim.Adam(fused=True)): bit-identical to it (tests/golden/torch_fused_adam.json) and within rounding of
the NumPy step above, which is torch's single-tensor order.

AMSGrad (``amsgrad=True`` or ``"torch"``) keeps vmax_{t+1} = max(vmax_t, v_{t+1}) of the raw second
moments and uses vhat = vmax_{t+1} / (1 - beta2^(t+1)), as torch does; ``amsgrad="optax"`` keeps
the maximum of the bias-corrected ones, vhat = max_{s<=t} v_{s+1} / (1 - beta2^(s+1)), as
optax.amsgrad does. The two agree without bias correction.
"""
from __future__ import annotations

import math

import numpy as np

from ..buffers import into
from .base import Optimizer
from .rmsprop import _check_bool, _is_zero

ADAM_DEFAULTS = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "xi_root": 0.0}


def _root(a, xp):
    """sqrt of a scalar or of a per-run column."""
    return math.sqrt(a) if np.isscalar(a) else xp.sqrt(a)


def _amsgrad_form(amsgrad, factory: str):
    if amsgrad is True:
        return "torch"
    if amsgrad is False or amsgrad in ("torch", "optax"):
        return amsgrad
    raise ValueError(f"{factory} amsgrad must be False, True, 'torch' or 'optax'; got {amsgrad!r}")


def _first_lr(lr, name):
    """lr_0, the denominator of the schedule multiplier eta_t = lr_t / lr_0: it must not vanish."""
    if np.any(np.asarray(lr) == 0):
        raise ValueError(f"{name} decays by lambda lr_t/lr_0 and needs lr_0 > 0 (a warm-up from 0 has no "
                         f"multiplier); use adamw(decay='lr') for torch's lambda lr_t")
    return lr


def _bias_corrections(bias_correction: bool, hp, t):
    """(1 - beta2^(t+1), lr / (1 - beta1^(t+1))), or (1, lr) without bias correction (torch's step count k = t + 1)."""
    if not bias_correction:
        return 1.0, hp["lr"]
    k = t + 1
    return 1.0 - hp["beta2"] ** k, hp["lr"] / (1.0 - hp["beta1"] ** k)


def _adam_core(bias_correction: bool, amsgrad):
    """(init, moments_into, fused_into): the moments and the Adam direction, in torch's order (module doc).

    ``moments_into(state, g, hp, t, ws)`` updates the state's moments in place (the allocation
    contract, reference/buffers.py) and returns (the moments, u) with u = -lr_t p_t written into
    ``ws.x``, which the caller finishes into the next iterate. ``fused_into(state, g, hp, t, ws, ...)`` is the
    whole step as torch's fused kernel (module doc) where ``ws.fused`` has it for this convention: the next
    state, or None (then the caller runs moments_into)."""

    def init(x0, hp):
        zero = x0 * 0.0  # never written into (the runner and the pure step copy it per moment)
        state = {"x": x0, "m": zero, "v": zero}
        if amsgrad:
            state["vmax"] = zero
        return state

    def moments_into(state, g, hp, t, ws):
        xp, w = ws.xp, ws.x  # w: this step's one scratch array, (1 - beta2) g^2, then den, then u
        b1, b2, xi, xi_root = hp["beta1"], hp["beta2"], hp["xi"], hp["xi_root"]
        m, v = state["m"], state["v"]
        d = into(xp, xp.subtract, g, m, out=w)  # torch's m.lerp_(g, 1 - beta1) = m + (1 - beta1)(g - m)
        d *= 1.0 - b1
        m += d
        v *= b2  # beta2 v + ((1 - beta2) g) g, torch's mul_(beta2).addcmul_(g, g)
        sq = into(xp, xp.multiply, g, 1.0 - b2, out=w)
        sq *= g
        v += sq
        moments = {"m": m, "v": v}
        bc2, step_size = _bias_corrections(bias_correction, hp, t)
        if amsgrad == "optax" and bias_correction:
            vhat = into(xp, xp.divide, v, bc2, out=w)  # the maximum is taken over bias-corrected moments
            moments["vmax"] = vmax = into(xp, xp.maximum, state["vmax"], vhat, out=state["vmax"])
            den = into(xp, xp.add, vmax, xi_root, out=w)
            den = into(xp, xp.sqrt, den, out=den)
        else:
            vv = v
            if amsgrad:
                vv = moments["vmax"] = into(xp, xp.maximum, state["vmax"], v, out=state["vmax"])
            if _is_zero(xi_root):
                den = into(xp, xp.sqrt, vv, out=w)
            else:  # sqrt(v + bc2 xi_root) / sqrt(bc2) = sqrt(vhat + xi_root)
                den = into(xp, xp.add, vv, bc2 * xi_root, out=w)
                den = into(xp, xp.sqrt, den, out=den)
            if bias_correction:
                den /= _root(bc2, xp)  # torch: sqrt(v) / sqrt(bc2), not sqrt(v / bc2)
        den += xi
        u = into(xp, xp.divide, m, den, out=den)
        u *= -step_size
        return moments, u

    def fused_into(state, g, hp, t, ws, wd=0.0, keep=1.0, coupled=False, decoupled=False, shrink=None):
        if not ws.fused or amsgrad == "optax" or not _is_zero(hp["xi_root"]):
            return None  # conventions torch's fused Adam does not have: the NumPy step
        bc2, step_size = _bias_corrections(bias_correction, hp, t)
        vmax = state["vmax"] if amsgrad else None
        if not ws.fused.adam(ws.x, state["x"], state["m"], state["v"], vmax, g, hp["beta1"], hp["beta2"], hp["xi"],
                             step_size, _root(bc2, ws.xp), wd, keep, coupled, decoupled, shrink):
            return None
        return {"x": ws.x, "m": state["m"], "v": state["v"], **({"vmax": vmax} if amsgrad else {})}

    return init, moments_into, fused_into


def _convention(bias_correction, amsgrad, **first):
    return {**first, "bias_correction": bias_correction, "amsgrad": amsgrad}


def adam(bias_correction: bool = True, amsgrad=False) -> Optimizer:
    """torch.optim.Adam (and optax.adam / optax.amsgrad):

        m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,
        x_{t+1} = x_t - lr mhat / (sqrt(vhat + xi_root) + xi),

    mhat, vhat bias-corrected by 1 - beta^(t+1) unless ``bias_correction=False`` (then m, v).
    ``amsgrad`` is False, True (= "torch") or "optax"; see the module doc."""
    _check_bool("bias_correction", bias_correction, "adam")
    amsgrad = _amsgrad_form(amsgrad, "adam")
    init, terms, fused_into = _adam_core(bias_correction, amsgrad)

    def step_into(state, g, hp, t, ws):
        fused = fused_into(state, g, hp, t, ws)
        if fused is not None:
            return fused
        new, u = terms(state, g, hp, t, ws)
        u += state["x"]
        new["x"] = u
        return new

    return Optimizer.in_place("adam", init, step_into, dict(ADAM_DEFAULTS), _convention(bias_correction, amsgrad))


def adam_l2(bias_correction: bool = True, amsgrad=False) -> Optimizer:
    """Adam with coupled L2 decay, torch.optim.Adam(weight_decay=lambda) (Zhuang et al.'s Adam-L2):
    the moments see g_t + lambda x_t, the gradient of f + (lambda/2)||x||^2; then adam."""
    _check_bool("bias_correction", bias_correction, "adam_l2")
    amsgrad = _amsgrad_form(amsgrad, "adam_l2")
    init, terms, fused_into = _adam_core(bias_correction, amsgrad)

    def step_into(state, g, hp, t, ws):
        wd = hp["weight_decay"]
        fused = fused_into(state, g, hp, t, ws, wd=wd, coupled=not _is_zero(wd))
        if fused is not None:
            return fused
        if not _is_zero(wd):  # torch's g.add(x, alpha=wd), in a scratch buffer: g itself untouched
            g_wd = into(ws.xp, ws.xp.multiply, state["x"], wd, out=ws.scratch(0))
            g_wd += g
            g = g_wd
        new, u = terms(state, g, hp, t, ws)
        u += state["x"]
        new["x"] = u
        return new

    return Optimizer.in_place("adam_l2", init, step_into, {**ADAM_DEFAULTS, "weight_decay": 0.0},
                     _convention(bias_correction, amsgrad))


def adamw(decay: str = "lr", bias_correction: bool = True, amsgrad=False) -> Optimizer:
    """Adam with decoupled weight decay; the Adam step uses the undecayed gradient g_t = grad f(x_t).

    decay="lr" (torch.optim.AdamW, optax.adamw):  x_{t+1} = (1 - lr_t lambda) x_t - lr_t p_t
    decay="schedule" (Zhuang et al.'s code):        x_{t+1} = (1 - lambda eta_t) x_t - lr_t p_t,
                                                    eta_t = lr_t / lr_0 (lr_0 kept in the state)

    Default weight_decay 1e-2 is torch's (optax.adamw's is 1e-4)."""
    if decay not in ("lr", "schedule"):
        raise ValueError(f"adamw decay must be 'lr' or 'schedule'; got {decay!r}")
    _check_bool("bias_correction", bias_correction, "adamw")
    amsgrad = _amsgrad_form(amsgrad, "adamw")
    init_moments, terms, fused_into = _adam_core(bias_correction, amsgrad)
    by_schedule = decay == "schedule"

    def init(x0, hp):
        state = init_moments(x0, hp)
        if by_schedule:
            state["lr0"] = _first_lr(hp["lr"], "adamw(decay='schedule')")  # scalar or (R, 1) column
        return state

    def step_into(state, g, hp, t, ws):
        wd, lr = hp["weight_decay"], hp["lr"]
        keep = 1.0 - wd * (lr / state["lr0"]) if by_schedule else 1.0 - lr * wd
        new = fused_into(state, g, hp, t, ws, keep=keep, decoupled=not _is_zero(wd))  # torch's fused AdamW
        if new is not None:
            if by_schedule:
                new["lr0"] = state["lr0"]
            return new
        new, u = terms(state, g, hp, t, ws)
        if _is_zero(wd):
            u += state["x"]
        else:  # torch: x.mul_(1 - lr wd) before its Adam step
            u += into(ws.xp, ws.xp.multiply, state["x"], keep, out=ws.scratch(0))
        new["x"] = u
        if by_schedule:
            new["lr0"] = state["lr0"]
        return new

    return Optimizer.in_place("adamw", init, step_into, {**ADAM_DEFAULTS, "weight_decay": 1e-2},
                     _convention(bias_correction, amsgrad, decay=decay))


def adamprox(bias_correction: bool = True, amsgrad=False) -> Optimizer:
    """AdamProx (Zhuang et al.'s code; "ProxAdam" in Schaipp's blog): the Adam step, then the prox
    of (lambda eta_t / 2)||.||^2,

        x_{t+1} = (x_t - lr_t p_t) / (1 + lambda eta_t),   eta_t = lr_t / lr_0,

    applied as a multiplication by 1 / (1 + lambda eta_t), as that code does. No library has it.
    Default weight_decay 1e-2 as adamw's (Zhuang's code defaults to 0, i.e. plain Adam)."""
    _check_bool("bias_correction", bias_correction, "adamprox")
    amsgrad = _amsgrad_form(amsgrad, "adamprox")
    init_moments, terms, fused_into = _adam_core(bias_correction, amsgrad)

    def init(x0, hp):
        state = init_moments(x0, hp)
        state["lr0"] = _first_lr(hp["lr"], "adamprox")
        return state

    def step_into(state, g, hp, t, ws):
        shrink = 1.0 / (1.0 + hp["weight_decay"] * (hp["lr"] / state["lr0"]))
        new = fused_into(state, g, hp, t, ws, shrink=shrink)  # torch's fused Adam step, then the shrink
        if new is None:
            new, u = terms(state, g, hp, t, ws)
            u += state["x"]
            u *= shrink
            new["x"] = u
        new["lr0"] = state["lr0"]
        return new

    return Optimizer.in_place("adamprox", init, step_into, {**ADAM_DEFAULTS, "weight_decay": 1e-2},
                     _convention(bias_correction, amsgrad))
