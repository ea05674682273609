"""Random cosine sums: smooth, nonconvex, bounded, with a proved L, f_low and G."""
from __future__ import annotations

import numpy as np

from ..backend import backend_of
from ._checks import nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points


class CosineSum(Objective):
    r"""f(x) = \sum_{j<m} c_j cos(w_j^T x + phi_j) + mu/2 \|x\|^2.

    Data from ``seed``: rows w_j of W (m x d) are N(0, I/d), c_j ~ U[-scale, scale],
    phi_j ~ U[0, 2 pi). With u_j = w_j^T x + phi_j:
    \nabla f = -\sum_j c_j sin(u_j) w_j + mu x,  \nabla^2 f = -\sum_j c_j cos(u_j) w_j w_j^T + mu I.

    Constants (proved):

    * L = lambda_max(M) + mu with M = \sum_j |c_j| w_j w_j^T (PSD). The Hessian H is symmetric, so
      \|H\|_2 = max_{|u|=1} |u^T H u| <= max_u \sum_j |c_j| |cos(u_j)| (w_j^T u)^2 + mu
      <= max_u u^T M u + mu = lambda_max(M) + mu; by the mean-value theorem
      \nabla f(x) - \nabla f(y) = \int_0^1 H(y + s(x - y)) (x - y) ds, so \nabla f is L-Lipschitz.
    * f_low = -\sum_j |c_j|: c_j cos(u_j) >= -|c_j| and mu/2 \|x\|^2 >= 0. (inf f is not known:
      the phases need not align, so this is a lower bound, not f_star.)
    * G = max_k \sum_j |c_j| |W_jk|, published only for mu = 0 (with mu > 0 the gradient is
      unbounded): |d f/d x_k| = |\sum_j c_j sin(u_j) W_jk| <= \sum_j |c_j| |W_jk|, so
      \|\nabla f(x)\|_inf <= G for every x.
    """

    name = "cosine_sum"

    def __init__(self, d: int = 10, m: int = 20, seed: int = 0, scale: float = 1.0, mu: float = 0.0):
        super().__init__(positive_int(d, "d"))
        self.m = positive_int(m, "m")
        self.scale = nonneg_float(scale, "scale")
        self.mu = nonneg_float(mu, "mu")
        rng = seeded_rng(seed)
        self.W = rng.standard_normal((self.m, self.d)) / np.sqrt(self.d)
        self.c = rng.uniform(-self.scale, self.scale, size=self.m)
        self.phi = rng.uniform(0.0, 2.0 * np.pi, size=self.m)
        M = (self.W.T * np.abs(self.c)) @ self.W
        self._L = float(np.linalg.eigvalsh(0.5 * (M + M.T))[-1]) + self.mu
        self._f_low = -float(np.abs(self.c).sum())
        self._G = float((np.abs(self.c)[:, None] * np.abs(self.W)).sum(axis=0).max())

    @property
    def constants(self):
        out = {"L": self._L, "f_low": self._f_low}
        if self.mu == 0:
            out["G"] = self._G
        return out

    def _phase(self, X):
        return X @ self.param("W", X).T + self.param("phi", X)

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        return xp.cos(self._phase(X)) @ self.param("c", X) + 0.5 * self.mu * xp.sum(X * X, axis=1)

    def grad(self, X):
        xp = backend_of(X).xp
        return -(self.param("c", X) * xp.sin(self._phase(X))) @ self.param("W", X) + self.mu * X

    def hvp(self, X, V):
        xp = backend_of(X).xp
        W = self.param("W", X)
        return -(self.param("c", X) * xp.cos(self._phase(X)) * (V @ W.T)) @ W + self.mu * V
