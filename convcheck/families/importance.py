"""Importance-sampled SGD (theory/importance/): the default setups of sgd.is and the numeric check of sgd.is.variance.

sgd.is: SGD on the nonconvex logistic finite sum (which proves per-component gradient bounds G_i), with the
importance oracle at p* and, for contrast, uniform; the oracle publishes sigma from the G_i.

sgd.is.variance, three parts:

* the card's test vector (inna_bayes_importance_sampling.md section 3): at x = 0 of the card's least squares,
  the certified variance formula, evaluated at the oracle's own p, gives the card's uniform variance 36.2222,
  optimal 11.5556 and gain 24.6667;
* on runs: at fixed points of a least-squares sum with unequal row scales, many independent oracle calls per
  scheme (uniform, gradient_norm, loss, a 50/50 mix) and batch size: the sample mean must match grad F and the
  sample trace variance the formula, each within 5 standard errors (grad F is known exactly, so the variance
  estimate mean ||g - grad F||^2 is unbiased and its standard error is measured from the same draws);
* p* = gradient_norm must give the smallest formula variance of the schemes at every point.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from convcheck.reference import objectives, oracles
from convcheck.theory.importance import variance as theory

from ..setups import Setup
from ..verdicts import Part

CARD = {"uniform": 36.22222222, "gradient_norm": 11.55555556, "gain": 24.66666667}
SCHEMES = (("uniform", 0.0), ("gradient_norm", 0.0), ("loss", 0.0), ("loss", 0.5))


def formula_variance(G, p, b=1):
    """(R,): (1/b)[(1/N^2) sum_i ||g_i||^2/p_i - ||grad F||^2] for component gradients G (R, N, d) and p (R, N)."""
    n = G.shape[1]
    norms_sq = np.sum(G * G, axis=2)
    mean = G.mean(axis=1)
    return (np.sum(norms_sq / p, axis=1) / n ** 2 - np.sum(mean * mean, axis=1)) / b


def card_vector():
    obj = objectives.get("least_squares", A=[[1.0], [2.0], [3.0]], b=[1.0, -1.0, 4.0])
    X = np.zeros((1, 1))
    G = oracles.ImportanceSampled().component_gradients(obj, X)
    # the certified one-draw variance, per coordinate (d = 1 here), at the oracle's p
    certified = sp.lambdify((theory.g, theory.w), theory.variance_1, "numpy")
    got = {}
    for scheme in ("uniform", "gradient_norm"):
        p = oracles.ImportanceSampled(scheme=scheme).probabilities(obj, X)[0]
        got[scheme] = float(certified(G[0, :, 0], p))
    got["gain"] = got["uniform"] - got["gradient_norm"]
    err = max(abs(got[k] - CARD[k]) for k in CARD)
    return Part("card's test vector", "holds" if err <= 1e-7 else "violated",
                f"uniform {got['uniform']:.10g}, optimal {got['gradient_norm']:.10g}, gain {got['gain']:.10g} "
                f"(card: 36.22222222, 11.55555556, 24.66666667); g_i(0) = {G[0, :, 0].tolist()}")


def sampling(points: int = 3, draws: int = 20000, batch_sizes=(1, 4), seed: int = 0):
    obj = objectives.get("least_squares", n=12, d=3, seed=seed, scales=np.geomspace(0.1, 10.0, 12))
    rng = np.random.default_rng(seed)
    xs = obj.initial_points(points, seed=seed)
    worst_mean = worst_var = 0.0
    optimal_smallest = True
    for x in xs:
        X = np.repeat(x[None, :], draws, axis=0)
        grad_F = obj.grad(x[None, :])[0]
        G = oracles.ImportanceSampled().component_gradients(obj, x[None, :])
        variances = {}
        for scheme, mix in SCHEMES:
            o = oracles.ImportanceSampled(scheme=scheme, mix=mix)
            p = o.probabilities(obj, x[None, :], G)
            variances[(scheme, mix)] = float(formula_variance(G, p)[0])
            for b in batch_sizes:
                g = oracles.ImportanceSampled(batch_size=b, scheme=scheme, mix=mix)(obj, X, None, rng, 0)
                dev = g - grad_F
                z_mean = np.max(np.abs(dev.mean(axis=0)) / (dev.std(axis=0) / np.sqrt(draws) + 1e-300))
                sq = np.sum(dev * dev, axis=1)
                z_var = abs(sq.mean() - variances[(scheme, mix)] / b) / (sq.std() / np.sqrt(draws) + 1e-300)
                worst_mean, worst_var = max(worst_mean, z_mean), max(worst_var, z_var)
        optimal_smallest &= variances[("gradient_norm", 0.0)] <= min(variances.values()) * (1 + 1e-12)
    where = f"{points} points of least_squares(n=12, d=3, row scales 0.1..10), {draws} draws per scheme and b in {list(batch_sizes)}"
    return [Part("unbiased", "holds" if worst_mean <= 5 else "violated",
                 f"max |mean(g) - grad F| = {worst_mean:.2f} standard errors (<= 5), {where}"),
            Part("variance formula", "holds" if worst_var <= 5 else "violated",
                 f"max |mean ||g - grad F||^2 - formula| = {worst_var:.2f} standard errors (<= 5), {where}"),
            Part("p* is optimal", "holds" if optimal_smallest else "violated",
                 "the formula variance at p* ~ ||g_i|| is the smallest of uniform, gradient_norm, loss, 50/50 loss mix "
                 "at every point")]


def is_variance(seed: int = 0):
    return [card_vector(), *sampling(seed=seed)]


def sgd_is():
    obj = objectives.get("logistic", n=40, d=10, seed=0)
    return [Setup(obj, oracles.ImportanceSampled(1, scheme), runs=500, steps=500, x0="shared", label=scheme)
            for scheme in ("gradient_norm", "uniform")]


SETUPS = {"sgd.is": sgd_is}
CHECKS = {"sgd.is.variance": is_variance}
