"""Optimizers by name. ``get("nag", form="sutskever")`` builds one; NAMES lists them."""
from __future__ import annotations

from convcheck.registry import Registry

from .adam import adam, adam_l2, adamprox, adamw
from .base import Optimizer, State
from .bayes import adabayes, adabayes_fp, badam, brmsprop
from .clipping import clip_momentum, clipped_gd, clipped_sgd, normalized_gd
from .inna import inna
from .rmsprop import rmsprop, rmsprop_root
from .sgd import ema_momentum, gd, heavy_ball, nag, sgd
from .sign import signgd, signum

OPTIMIZERS: Registry = Registry("optimizer")  # name -> factory(**convention) -> Optimizer
for _name, _factory in {"gd": gd, "sgd": sgd, "heavy_ball": heavy_ball, "nag": nag,
              "rmsprop": rmsprop, "rmsprop_root": rmsprop_root, "adam": adam, "adam_l2": adam_l2, "adamw": adamw,
              "adamprox": adamprox, "signgd": signgd, "signum": signum,
              "clipped_gd": clipped_gd, "clipped_sgd": clipped_sgd, "normalized_gd": normalized_gd,
              "clip_momentum": clip_momentum, "inna": inna,
              "brmsprop": brmsprop, "badam": badam, "adabayes": adabayes, "adabayes_fp": adabayes_fp,
              "ema_momentum": ema_momentum}.items():
    OPTIMIZERS.register(_name, _factory)
NAMES = OPTIMIZERS.names()


def get(name: str, **convention) -> Optimizer:
    return OPTIMIZERS.get(name)(**convention)


__all__ = ["OPTIMIZERS", "Optimizer", "State", "get", "NAMES", "gd", "sgd", "heavy_ball", "nag",
           "rmsprop", "rmsprop_root", "adam", "adam_l2", "adamw", "adamprox", "signgd", "signum",
           "clipped_gd", "clipped_sgd", "normalized_gd", "clip_momentum", "inna", "brmsprop", "badam",
           "adabayes", "adabayes_fp", "ema_momentum"]
