"""Baselines (theory/baselines/): GD and SGD on L-smooth functions. Default setups."""
from __future__ import annotations

import numpy as np

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


def pl_problems():
    """The PL catalogue: a strongly convex quadratic (mu its smallest eigenvalue), the nonconvex x^2 + 3 sin^2 x, and
    a singular PSD quadratic (PL with mu its smallest positive eigenvalue 4/9, not strongly convex;
    diagonal, so its null space adds exactly 0 to f)."""
    return [objectives.get("quadratic", d=10, L=4.0, mu=0.5, seed=1), objectives.get("pl_sin_squared", d=10),
            objectives.get("quadratic", eigs=np.linspace(0.0, 4.0, 10))]


def gd_pl():
    """lr swept over (0, 2/L); 600 steps keep rho^T Delta above float64's smallest normal number on these."""
    return [Setup(obj, runs=64, steps=600, sweep=True) for obj in pl_problems()]


SETUPS = {"gd.smooth": gd_smooth, "gd.smooth.pep": gd_smooth, "gd.pl": gd_pl, "sgd.smooth": sgd_smooth}
CHECKS = {}
