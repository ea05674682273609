"""The planted-bug gallery: users' optimizers, each correct or with one classic bug, on (R, d) batches.

Each factory returns a reference.optimizers.Optimizer taking the glossary's names; ``bug=None`` is the correct
method. tests/test_testing.py holds every bug to being caught by a helper or declared invisible.
"""
import numpy as np

from convcheck.reference import optimizers
from convcheck.reference.optimizers import Optimizer


def _x(x0, hp):
    return {"x": x0}


def gd(overstep: float = 0.0):
    """x - (1 + overstep) lr g."""
    return Optimizer("gd" + (f"_overstep_{overstep:g}" if overstep else ""), _x,
                     lambda s, g, hp, t: {"x": s["x"] - (1 + overstep) * hp["lr"] * g}, {"lr": None})


def adam(bug=None):
    """Textbook Adam; bug "xi inside sqrt": sqrt(vhat + xi); "no bias correction": m, v for mhat, vhat."""
    def init(x0, hp):
        return {"x": x0, "m": 0 * x0, "v": 0 * x0}

    def step(s, g, hp, t):
        b1, b2, xi = hp["beta1"], hp["beta2"], hp["xi"]
        m, v = b1 * s["m"] + (1 - b1) * g, b2 * s["v"] + (1 - b2) * g * g
        mhat, vhat = (m, v) if bug == "no bias correction" else (m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1)))
        den = np.sqrt(vhat + xi) if bug == "xi inside sqrt" else np.sqrt(vhat) + xi
        return {"x": s["x"] - hp["lr"] * mhat / den, "m": m, "v": v}

    return Optimizer(f"adam ({bug})" if bug else "adam", init, step,
                     {"lr": None, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8})


def _norm(g, which):
    return np.linalg.norm(g, axis=1, keepdims=True) if which == "l2" else np.max(np.abs(g), axis=1, keepdims=True)


def clipped_gd(norm="l2"):
    """x - lr min(1, clip/||g||) g, with ||g|| the Euclidean norm or (the bug) the max norm."""
    def step(s, g, hp, t):
        return {"x": s["x"] - hp["lr"] * np.minimum(1.0, hp["clip"] / np.maximum(_norm(g, norm), 1e-300)) * g}

    return Optimizer(f"clipped_gd ({norm})", _x, step, {"lr": None, "clip": None})


def clip_momentum(norm="l2"):
    """The reference's clipping framework fed ||g|| in the given norm."""
    ref = optimizers.get("clip_momentum")
    return Optimizer(f"clip_momentum ({norm})", ref.init, lambda s, g, hp, t: ref.step(s, g, hp, t, norm=_norm(g, norm)),
                     ref.defaults)


def nag(form="torch"):
    """torch's NAG: b = mu b + g, x - lr (g + mu b); the bug steps along b (heavy ball written as NAG)."""
    def init(x0, hp):
        return {"x": x0, "b": 0 * x0}

    def step(s, g, hp, t):
        b = hp["momentum"] * s["b"] + g
        return {"x": s["x"] - hp["lr"] * (g + hp["momentum"] * b if form == "torch" else b), "b": b}

    return Optimizer(f"nag ({form})", init, step, {"lr": None, "momentum": 0.0})


def adamw(coupled=False):
    """AdamW as Zhuang et al. decay it; the bug couples the decay (torch's Adam(weight_decay))."""
    ref = optimizers.get("adam_l2") if coupled else optimizers.get("adamw", decay="schedule")
    return Optimizer("adamw (coupled)" if coupled else "adamw", ref.init, ref.step, ref.defaults)


def x_plus_g():
    """Not an optimizer at all: x += g, taking every name a property check may pass."""
    return Optimizer("x += g", _x, lambda s, g, hp, t: {"x": s["x"] + g},
                     {"lr": None, "momentum": 0.0, "beta1": 0.9, "beta2": 0.999, "xi": 0.0, "weight_decay": 0.0})
