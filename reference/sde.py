"""The derived RMSprop SDE, integrated by a batched, seeded, float64 Euler-Maruyama.

    dX = -grad f(X)/(sqrt U + eps0) dt + sigma0 sqrt(Sigma)/(sqrt U + eps0) dW,   dU = c (sigma0^2 Sigma - U) dt

per coordinate, Sigma the diagonal of the gradient-noise covariance (a constant vector here), X and U of shape (R, d):
R independent paths in one array program. It is the limit of RMSprop (no bias correction) in the scaling
sigma = sigma0/lr, 1 - beta = c lr^2, xi = eps0/lr, U = lr^2 v, t = k lr^2 (theory/sde/rmsprop_sde.py certifies the
drift and diffusion; the SDE is the card's derivation, not the paper's, whose definitions were NOT FOUND).

``rmsprop_point(lr, sigma0, c, eps0)`` gives the RMSprop hyperparameters and oracle noise of the family point at lr.
Euler-Maruyama is weakly of order 1 in dt; tests/test_sde.py measures it against the closed-form mean of the linear
case (f = h x^2/2: dE[X]/dt = -h E[X]/(sqrt U(t) + eps0), U deterministic).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RMSpropSDE:
    sigma0: float
    c: float
    eps0: float
    Sigma: float | np.ndarray = 1.0

    def __post_init__(self):
        for name in ("sigma0", "c", "eps0"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"RMSprop SDE parameter {name} must be a finite number >= 0; got {value!r}")

    def integrate(self, objective, x0, u0, T: float, dt: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(X_T, U_T) from the rows of x0 (R, d) and u0 (scalar, (d,) or (R, d)), K = T/dt steps (K integral)."""
        K = round(T / dt)
        if K < 1 or not math.isclose(K * dt, T, rel_tol=1e-9):
            raise ValueError(f"T/dt must be a positive integer; got T = {T}, dt = {dt}")
        rng = np.random.default_rng(seed)
        X = np.array(x0, dtype=np.float64)
        U = np.broadcast_to(np.asarray(u0, dtype=np.float64), X.shape).copy()
        noise = self.sigma0 * np.sqrt(np.asarray(self.Sigma, dtype=np.float64))
        target = self.sigma0 ** 2 * np.asarray(self.Sigma, dtype=np.float64)
        sqrt_dt = math.sqrt(dt)
        for _ in range(K):
            P = np.sqrt(U) + self.eps0
            dW = sqrt_dt * rng.standard_normal(X.shape)
            X = X - objective.grad(X) / P * dt + noise / P * dW
            U = U + self.c * (target - U) * dt
        return X, U


def rmsprop_point(lr: float, sigma0: float, c: float, eps0: float) -> tuple[dict, float]:
    """({lr, beta2, xi}, sigma): RMSprop at the family point of step lr (needs c lr^2 < 1)."""
    if not c * lr * lr < 1:
        raise ValueError(f"the family point needs c lr^2 < 1 (beta2 = 1 - c lr^2 > 0); got c = {c:g}, lr = {lr:g}")
    return {"lr": lr, "beta2": 1 - c * lr * lr, "xi": eps0 / lr}, sigma0 / lr
