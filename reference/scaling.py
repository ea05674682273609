"""Hyperparameter maps between batch sizes (Malladi, Lyu, Panigrahi, Arora 2022), on glossary names.

* ``sqrt_rule(hp, kappa)``: batch B -> kappa B, lr -> sqrt(kappa) lr, beta_i -> 1 - kappa (1 - beta_i),
  xi -> xi/sqrt(kappa) (the first author's blog, verbatim; RMSprop's single beta is beta2 here). Valid
  while kappa (1 - beta_i) < 1: outside, the new beta_i would be <= 0 and the map is refused.
* ``linear_rule(hp, kappa)``: SGD's rule, lr -> kappa lr, everything else unchanged.
* ``svag_map(hp, ell)``: the adaptive SVAG of the official code (Adaptive-SDE/cifar_main.py): lr -> lr/ell,
  beta_i -> 1 - (1 - beta_i)/ell^2, xi -> xi ell, steps x ell^2; ``svag_weights(ell)`` its loss weights
  r_{1,2} = (1 +- sqrt(2 ell^2 - 1))/2, so r1 + r2 = 1 and r1^2 + r2^2 = ell^2.

theory/sde/ certifies the symbolic form of each map (tests/test_sde.py ties the two together).
"""
from __future__ import annotations

import math

BETAS = ("beta1", "beta2")


def _factor(value, name: str) -> float:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def sqrt_rule(hp: dict, kappa: float) -> dict:
    """The square-root rule applied to the names hp holds (batch_size, lr, beta1, beta2, xi; others kept)."""
    kappa = _factor(kappa, "kappa")
    out = dict(hp)
    for b in BETAS:
        if b in hp:
            if not kappa * (1 - hp[b]) < 1:
                raise ValueError(f"the square-root rule needs kappa (1 - {b}) < 1; got kappa = {kappa:g}, "
                                 f"{b} = {hp[b]:g}")
            out[b] = 1 - kappa * (1 - hp[b])
    if "lr" in hp:
        out["lr"] = math.sqrt(kappa) * hp["lr"]
    if "xi" in hp:
        out["xi"] = hp["xi"] / math.sqrt(kappa)
    if "batch_size" in hp:
        out["batch_size"] = kappa * hp["batch_size"]
    return out


def linear_rule(hp: dict, kappa: float) -> dict:
    """SGD's linear rule: lr -> kappa lr and batch_size -> kappa batch_size, the rest unchanged."""
    kappa = _factor(kappa, "kappa")
    out = dict(hp)
    for name in ("lr", "batch_size"):
        if name in hp:
            out[name] = kappa * hp[name]
    return out


def svag_weights(ell: float) -> tuple[float, float]:
    """r1, r2 = (1 +- sqrt(2 ell^2 - 1))/2 (ell >= 1): the weights of the two minibatch losses."""
    ell = _factor(ell, "ell")
    if ell < 1:
        raise ValueError(f"the SVAG parameter ell must be >= 1; got {ell:g}")
    root = math.sqrt(2 * ell * ell - 1)
    return 0.5 * (1 + root), 0.5 * (1 - root)


def svag_map(hp: dict, ell: float) -> dict:
    """The code's SVAG map: lr/ell, 1 - (1 - beta_i)/ell^2, xi ell (ell >= 1; always inside the domains)."""
    svag_weights(ell)  # validates ell
    out = dict(hp)
    for b in BETAS:
        if b in hp:
            out[b] = 1 - (1 - hp[b]) / ell ** 2
    if "lr" in hp:
        out["lr"] = hp["lr"] / ell
    if "xi" in hp:
        out["xi"] = hp["xi"] * ell
    return out
