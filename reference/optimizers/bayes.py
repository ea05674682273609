"""Adaptive SGD as Bayesian filtering (Aitchison, arXiv 1807.07540): BRMSprop, BAdam, AdaBayes, AdaBayes-FP.

Evidence (shared/papers/inna_bayes_importance_sampling.md section 2). BRMSprop and BAdam are read from
the ICLR 2019 submission's text (eqs. 9-11, 12-16, (2), (3), (5), (8)); its supplementary algorithms
are NOT FOUND, so the plain (non-"efficient") filter is implemented. AdaBayes and AdaBayes-FP are
read from the official code, LaurenceA/adabayes@7ea53ed, for the NeurIPS 2020 version.

Conventions, the same for all four:

* Loss convention. The paper maximises a log-likelihood with gradient g_paper; here the oracle hands
  g = grad f of a loss, so g_paper = -g and every "+ Sigma g" of the paper is "- Sigma g" here.
* The curvature signal e of the filter's update is the oracle's answer itself, e := g (the card's
  harness choice; the paper's centred or sampled-label e is built in the missing SI).
* BRMSprop and BAdam evaluate the gradient at the *prior* mean (paper eq. 4): ``query`` returns
  mu_prior, and ``state["x"]`` is the posterior mean mu_post, the measured iterate.
* ``prior_var`` is sigma^2, the stationary prior variance (decay lr^2/(2 sigma^2) on the mean, applied
  outside the preconditioner); ``prior_var = inf`` is the paper's no-decay limit.

BRMSprop, per coordinate, with a = 1 - lr^2/(2 sigma^2) (eqs. 10, 11):

    mu_prior = a mu_post,   s_prior = a^2 s_post + lr^2,
    s_post   = s_prior/(1 + s_prior e^2) = 1/(1/s_prior + e^2),   mu_post = mu_prior - s_post g.

BAdam, per coordinate, latent (w, p) with F = I - A = [[a, lr], [0, 1 - lr_p]],
a = 1 - (lr^2 + lr_w^2)/(2 sigma^2), Q = diag(lr_w^2, lr_p^2), e = (e, 0):

    mu_prior = F mu_post,   S_prior = F S_post F^T + Q,
    S_post   = S_prior - S_prior e e^T S_prior/(1 + e^T S_prior e),   mu_post = mu_prior - S_post (g, 0).

Initial covariance diag(init_var, lr_p/(2 - lr_p)): the momentum prior's stationary variance (the
card's choice). AdaBayes(-FP), per coordinate, B = batch_size, g <- B g, sigma^2 = lr_sgd/B, t = 1, 2, ...:

    m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2,  mhat = m/(1 - beta1^t)
    AdaBayes:    s = s exp(-lr^2/sigma^2) + sigma^2 (1 - exp(-lr^2/sigma^2))   (s_0 = sigma^2)
                 s = 1/(1/s + g^2),   x = (x - s mhat)(1 - weight_drift)
    AdaBayes-FP: vhat = v/(1 - beta2^t) + xi_root,
                 lambda = sqrt(vhat/lr^2 + (1/(2 sigma^2))^2) + 1/(2 sigma^2),
                 x = (x - mhat/lambda)(1 - weight_drift)

AdaBayes' code decays by (1 - weight_drift_ratio * lr) = (1 - weight_drift) for a constant lr (a
schedule on lr would scale it; not reproduced), AdaBayes-FP's by (1 - weight_drift). Their ``eps`` (added to
vhat, inside the root) is ``xi_root``.
"""
from __future__ import annotations

import math

from ..backend import backend_of
from .base import Optimizer


def _decay(lr, prior_var):
    """lr^2/(2 sigma^2): the prior's pull of the mean towards 0 (0 when sigma^2 = inf)."""
    return lr * lr / (2.0 * prior_var)


def brmsprop() -> Optimizer:
    """Bayesian RMSprop: a scalar Kalman filter per coordinate (card section 2.3)."""

    def init(x0, hp):
        return {"x": x0, "s": x0 * 0.0 + hp["init_var"]}

    def query(state, hp):
        return (1.0 - _decay(hp["lr"], hp["prior_var"])) * state["x"]

    def step(state, g, hp, t):
        a = 1.0 - _decay(hp["lr"], hp["prior_var"])
        s_prior = a * a * state["s"] + hp["lr"] ** 2
        s = s_prior / (1.0 + s_prior * g * g)
        return {"x": a * state["x"] - s * g, "s": s}

    return Optimizer("brmsprop", init, step, {"lr": None, "prior_var": math.inf, "init_var": 1.0},
                     {"e": "gradient", "gradient_at": "prior mean"}, query=query)


def badam() -> Optimizer:
    """Bayesian Adam: a two-state (weight, momentum) Kalman filter per coordinate (card section 2.4)."""

    def init(x0, hp):
        zero = x0 * 0.0
        return {"x": x0, "p": zero, "sww": zero + hp["init_var"], "swp": zero,
                "spp": zero + hp["lr_p"] / (2.0 - hp["lr_p"])}

    def _a(hp):
        return 1.0 - (hp["lr"] ** 2 + hp["lr_w"] ** 2) / (2.0 * hp["prior_var"])

    def query(state, hp):
        return _a(hp) * state["x"] + hp["lr"] * state["p"]

    def step(state, g, hp, t):
        a, lr, c = _a(hp), hp["lr"], 1.0 - hp["lr_p"]
        sww, swp, spp = state["sww"], state["swp"], state["spp"]
        # S_prior = F S F^T + Q, entry by entry
        pww = a * a * sww + 2.0 * a * lr * swp + lr * lr * spp + hp["lr_w"] ** 2
        pwp = c * (a * swp + lr * spp)
        ppp = c * c * spp + hp["lr_p"] ** 2
        # Sherman-Morrison with e = (g, 0): only the w-row of S_prior enters
        den = 1.0 + pww * g * g
        sww, swp, spp = pww / den, pwp / den, ppp - pwp * pwp * g * g / den
        w_prior = a * state["x"] + lr * state["p"]
        return {"x": w_prior - sww * g, "p": c * state["p"] - swp * g, "sww": sww, "swp": swp, "spp": spp}

    return Optimizer("badam", init, step,
                     {"lr": None, "lr_p": 0.1, "lr_w": 0.0, "prior_var": math.inf, "init_var": 1.0},
                     {"e": "gradient", "gradient_at": "prior mean", "init_spp": "lr_p/(2 - lr_p)"}, query=query)


_ADABAYES_DEFAULTS = {"lr": 1e-3, "lr_sgd": 1e-1, "beta1": 0.9, "beta2": 0.999, "xi_root": 1e-8,
                      "weight_drift": 5e-5, "batch_size": 1}


def _moments(state, g, hp, t):
    """The code's Adam moments on g <- B g; returns (g, m, v, mhat)."""
    g = hp["batch_size"] * g
    m = hp["beta1"] * state["m"] + (1.0 - hp["beta1"]) * g
    v = hp["beta2"] * state["v"] + (1.0 - hp["beta2"]) * g * g
    return g, m, v, m / (1.0 - hp["beta1"] ** (t + 1))


def adabayes() -> Optimizer:
    """AdaBayes as in LaurenceA/adabayes@7ea53ed, adabayes.py (card section 2.6)."""

    def init(x0, hp):
        zero = x0 * 0.0
        return {"x": x0, "m": zero, "v": zero, "s": zero + hp["lr_sgd"] / hp["batch_size"]}

    def step(state, g, hp, t):
        xp = backend_of(g).xp
        g, m, v, mhat = _moments(state, g, hp, t)
        sigma2 = hp["lr_sgd"] / hp["batch_size"]
        # exact OU propagation of the prior variance (asarray: lr may be a plain float, a column or a schedule's value)
        keep = xp.exp(xp.asarray(-(hp["lr"] ** 2) / sigma2, dtype=g.dtype))
        s_prior = state["s"] * keep + sigma2 * (1.0 - keep)
        s = 1.0 / (1.0 / s_prior + g * g)
        return {"x": (state["x"] - s * mhat) * (1.0 - hp["weight_drift"]), "m": m, "v": v, "s": s}

    return Optimizer("adabayes", init, step, dict(_ADABAYES_DEFAULTS), {"weight_drift": "times (1 - weight_drift)"})


def adabayes_fp() -> Optimizer:
    """AdaBayes-FP (fixed point) as in LaurenceA/adabayes@7ea53ed, adabayesfp.py (card section 2.6)."""

    def init(x0, hp):
        zero = x0 * 0.0
        return {"x": x0, "m": zero, "v": zero}

    def step(state, g, hp, t):
        xp = backend_of(g).xp
        g, m, v, mhat = _moments(state, g, hp, t)
        half_prec = hp["batch_size"] / (2.0 * hp["lr_sgd"])  # 1/(2 sigma^2)
        vhat = v / (1.0 - hp["beta2"] ** (t + 1)) + hp["xi_root"]
        lam = xp.sqrt(vhat / hp["lr"] ** 2 + half_prec ** 2) + half_prec
        return {"x": (state["x"] - mhat / lam) * (1.0 - hp["weight_drift"]), "m": m, "v": v}

    return Optimizer("adabayes_fp", init, step, dict(_ADABAYES_DEFAULTS), {"weight_drift": "times (1 - weight_drift)"})
