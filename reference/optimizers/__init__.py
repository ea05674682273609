"""Optimizers by name. ``get("nag", form="sutskever")`` builds one; NAMES lists them."""
from __future__ import annotations

from .base import Optimizer, State
from .sgd import gd, heavy_ball, nag, sgd

_FACTORIES = {"gd": gd, "sgd": sgd, "heavy_ball": heavy_ball, "nag": nag}
NAMES = tuple(_FACTORIES)


def get(name: str, **convention) -> Optimizer:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(NAMES)}") from None
    return factory(**convention)


__all__ = ["Optimizer", "State", "get", "NAMES", "gd", "sgd", "heavy_ball", "nag"]
