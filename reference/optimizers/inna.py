"""INNA, the inertial Newton algorithm (Castera, Bolte, Fevotte, Pauwels, JMLR 22(134), 2021, eq. 12).

INNA is the explicit Euler discretisation, with steps gamma_k = lr at step k, of the Hessian-free
phase-space form (eq. 5/7) of the dynamical inertial Newton system DIN (see reference/din.py).
With k = t = 0, 1, ..., g_k the oracle's answer at theta_k and both lines reading the *old*
(theta_k, psi_k) (a simultaneous, Jacobi update):

    phase_k     = (alpha - 1/beta) theta_k + psi_k / beta
    psi_{k+1}   = psi_k   - gamma_k phase_k
    theta_{k+1} = theta_k - gamma_k (phase_k + beta g_k [+ weight_decay theta_k])

which is eq. (12), theta_{k+1} = theta_k + gamma_k[(1/beta - alpha) theta_k - psi_k/beta - beta g_k],
psi_{k+1} = psi_k + gamma_k[(1/beta - alpha) theta_k - psi_k/beta], written the way the official
PyTorch code (camcastera/INNA-for-DeepLearning, INNA_for_pytorch/inna.py) computes it.

Hyperparameters: ``lr`` (gamma_k; the paper's schedule gamma_0 (k+1)^(-q) is
``reference.schedules.power(gamma_0, q)``, which the runner resolves per step), ``alpha`` (viscous
damping, default 0.5) and ``beta`` (Hessian damping, default 0.1) -- the paper's suggested default
(alpha, beta) = (0.5, 0.1), also the PyTorch code's -- and ``weight_decay`` (default 0). All may be
scalars, per-run (R, 1) columns or schedules; alpha and beta must be > 0 (checked at init).

Switches (recorded in ``convention``):

* ``psi0="paper"`` (default): psi_0 = (1 - alpha beta) theta_0 - (beta^2 - beta) grad J(theta_0), the
  initialisation the paper recommends (section 5.2.1): the initial velocity of (5) is
  -grad J(theta_0), and the first step is exactly a gradient step, theta_1 = theta_0 - gamma_0 g_0
  (algebraically; in floating point to rounding). The pure-optimizer API's ``init(x0, hp)`` sees no
  gradient, so psi_0 is completed lazily: ``init`` stores the gradient-free part
  (1 - alpha beta) theta_0 in ``state["psi"]`` and the step at t = 0 adds -(beta^2 - beta) g_0,
  g_0 being the oracle's answer at theta_0 (the query point is the iterate), before using it.
  With an exact oracle this is the paper's formula; with a stochastic one grad J(theta_0) is replaced
  by the first (mini-batch) gradient, which is what the official Keras and TensorFlow code does
  (speed_ini = 1). Consequently, for psi0="paper", ``state["psi"]`` before the first step is not
  psi_0; every later state holds psi_k exactly.
* ``psi0="code"``: psi_0 = (1 - alpha beta) theta_0 (the official PyTorch code; initial velocity
  -beta grad J(theta_0), psi at rest). ``state["psi"]`` is psi_0 from ``init`` on.

Why "paper" is the default: INNA is in neither torch.optim nor optax, so the rule "our default matches
torch/optax" does not apply. The paper's formula is the one the paper states, recommends and ran its
experiments with (Keras 2.2.4 / TF 1.13 code, both of which apply it); the PyTorch port's simpler
initialisation is a later deviation, available as the explicit switch ``psi0="code"``. The
convergence theorem (Theorem 3) holds for any (theta_0, psi_0), so the choice changes trajectories,
not the theory checked. It is not scale-free: the first step is a full gradient step gamma_0 grad J(theta_0)
while later ones weigh the gradient by beta, so on a summed loss with a large initial gradient it can throw
the run far (proofs_notes/studies/inna_relu.md measures it; psi0="code" does not).

``weight_decay`` (not in the paper; the PyTorch code's, added in its commit 81635cf) is coupled and
enters the theta line only, unscaled by beta: theta_{k+1} = theta_k - gamma_k(phase_k + beta g_k +
weight_decay theta_k); psi is untouched. Default 0 reproduces eq. (12).

Rest points: (theta, psi) with g(theta) = 0 and psi = (1 - alpha beta) theta are fixed points of the
step for every gamma (there phase = 0 and beta g = 0), including D-critical points that are not
Clarke-critical (card section 1.6): INNA started on one never moves.
"""
from __future__ import annotations

import numpy as np

from ..backend import namespace_of
from .base import Optimizer

PSI0 = ("paper", "code")
INNA_DEFAULTS = {"lr": 0.1, "alpha": 0.5, "beta": 0.1, "weight_decay": 0.0}


def _check_positive(hp, names=("alpha", "beta")):
    """alpha, beta > 0 (the paper's standing assumption; 1/beta appears in every step)."""
    for name in names:
        ok = hp[name] > 0  # scalar or (R, 1) column on any backend; NaN fails
        if not bool(namespace_of(ok).all(ok)):
            raise ValueError(f"hyperparameter {name} must lie in (0, inf); got {hp[name]!r}")


def _is_zero(v) -> bool:
    return np.isscalar(v) and v == 0


def inna(psi0: str = "paper") -> Optimizer:
    """INNA (eq. 12) with psi_0 by the paper's formula (``psi0="paper"``, default) or the official
    PyTorch code's (``psi0="code"``); see the module docstring."""
    if psi0 not in PSI0:
        raise ValueError(f"inna psi0 must be 'paper' or 'code'; got {psi0!r}")
    paper = psi0 == "paper"

    def init(x0, hp):
        _check_positive(hp)
        # "paper": the gradient-free part of psi_0; the step at t = 0 completes it with g_0
        return {"x": x0, "psi": (1.0 - hp["alpha"] * hp["beta"]) * x0}

    def step(state, g, hp, t):
        alpha, beta, lr, wd = hp["alpha"], hp["beta"], hp["lr"], hp["weight_decay"]
        x, psi = state["x"], state["psi"]
        if paper and t == 0:
            psi = psi - (beta * beta - beta) * g  # psi_0 = (1 - alpha beta) theta_0 - (beta^2 - beta) g_0
        inv_beta = 1.0 / beta
        phase = (alpha - inv_beta) * x  # fresh: (alpha - 1/beta) theta + (1/beta) psi, as the PyTorch code
        phase += inv_beta * psi
        new_psi = phase * -lr  # psi - lr phase
        new_psi += psi
        d = beta * g  # fresh: phase + beta g [+ wd theta]
        d += phase
        if not _is_zero(wd):
            d += wd * x
        d *= -lr  # theta - lr d
        d += x
        return {"x": d, "psi": new_psi}

    return Optimizer("inna", init, step, dict(INNA_DEFAULTS),
                     {"psi0": psi0, "weight_decay": "coupled, theta line only (PyTorch code)"})
