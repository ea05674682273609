"""Baselines (theory/baselines/): GD and SGD on L-smooth functions. Default setups."""
from __future__ import annotations

from convcheck.reference import objectives, oracles

from ..setups import Setup


def smooth_problems():
    return [objectives.get("sin_squared", d=10, a=3.0), objectives.get("cosine_sum", d=10, m=20, seed=0),
            objectives.get("logistic", n=40, d=10, seed=0)]


def gd_smooth():
    return [Setup(obj, runs=64, steps=2000, sweep=True) for obj in smooth_problems()]


def sgd_smooth():
    return [Setup(objectives.get("sin_squared", d=10, a=3.0), oracles.Gaussian(1.0), runs=2000, steps=1000,
                  x0="shared"),
            Setup(objectives.get("logistic", n=40, d=10, seed=0), oracles.Minibatch(1), runs=1000, steps=1000,
                  x0="shared")]


SETUPS = {"gd.smooth": gd_smooth, "gd.smooth.pep": gd_smooth, "sgd.smooth": sgd_smooth}
CHECKS = {}
