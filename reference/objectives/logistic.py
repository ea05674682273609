"""Logistic regression with a nonconvex regularizer: a finite sum with proved L, G and variance."""
from __future__ import annotations

import math

import numpy as np

from ..backend import backend_of
from ._checks import nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points


class LogisticNonconvex(Objective):
    r"""f(x) = (1/n) \sum_i f_i(x),  f_i(x) = l(y_i a_i^T x) + lam \sum_k r(x_k),
    l(z) = log(1 + e^{-z}),  r(t) = t^2 / (1 + t^2),  lam >= 0.

    Synthetic data from ``seed``: a_i ~ N(0, I_d); y_i = sign(a_i^T x_true + 0.5 e_i) in {-1, +1}
    with x_true, e_i ~ N(0, 1) (a noisy planted classifier).
    Derivatives: l'(z) = -s(-z), l''(z) = s(z) s(-z) with s the logistic sigmoid;
    r'(t) = 2t/(1+t^2)^2, r''(t) = (2 - 6t^2)/(1+t^2)^3. So with z_i = y_i a_i^T x,
    \nabla f_i = -y_i s(-z_i) a_i + lam r'(x) and
    \nabla^2 f = (1/n) \sum_i s(z_i) s(-z_i) a_i a_i^T + lam diag(r''(x_k))   (y_i^2 = 1).

    Constants (proved):

    * L = lambda_max(A^T A)/(4n) + 2 lam. s(z) s(-z) = s(z)(1 - s(z)) <= 1/4, so the data part of the
      Hessian lies between 0 and (1/(4n)) A^T A (PSD order). On r'': with u = t^2 >= 0,
      g(u) = (2 - 6u)/(1+u)^3 has g'(u) = 12(u - 1)/(1+u)^4, so g decreases from g(0) = 2 to its
      minimum g(1) = -1/2 and then rises to 0: r'' in [-1/2, 2], |r''| <= 2. Hence
      \|\nabla^2 f\|_2 <= lambda_max(A^T A)/(4n) + 2 lam, and \nabla f is L-Lipschitz (mean-value
      theorem, as for any C^2 function). Tight: at x = 0 all z_i = 0, s(0)^2 = 1/4 and r''(0) = 2,
      so \nabla^2 f(0) = A^T A/(4n) + 2 lam I has norm exactly L.
    * f_low = 0: l > 0 and r >= 0. (inf f is not known in closed form.)
    * component_variance = (1/n) \sum_i \|a_i\|^2. The regularizer is common to all f_i, so
      \nabla f_i - \nabla f = g_i - mean_j g_j with g_i = -y_i s(-z_i) a_i, and
      (1/n) \sum_i \|g_i - \bar g\|^2 = (1/n) \sum_i \|g_i\|^2 - \|\bar g\|^2 <= (1/n) \sum_i \|g_i\|^2
      <= (1/n) \sum_i \|a_i\|^2, as 0 < s < 1.
    * component_grad_bounds (not a glossary constant: one per component, for the importance oracle):
      \|\nabla f_i(x)\| <= \|a_i\| + lam (3 sqrt(3)/8) sqrt(d), since 0 < s < 1 and |r'| <= 3 sqrt(3)/8 (below).
    * G = max_k (1/n) \sum_i |a_ik| + lam 3 sqrt(3)/8. |d f/d x_k| <= (1/n) \sum_i |a_ik| + lam |r'(x_k)|,
      and |r'| is maximal where (1+t^2) - 4t^2 = 0, t^2 = 1/3: r'(1/sqrt 3) = 3 sqrt(3)/8.
    """

    name = "logistic"

    def __init__(self, n: int = 200, d: int = 10, seed: int = 0, lam: float = 0.1):
        super().__init__(positive_int(d, "d"))
        self.n = positive_int(n, "n")
        self.lam = nonneg_float(lam, "lam")
        rng = seeded_rng(seed)
        self.A = rng.standard_normal((self.n, self.d))
        x_true = rng.standard_normal(self.d)
        self.y = np.where(self.A @ x_true + 0.5 * rng.standard_normal(self.n) >= 0, 1.0, -1.0)
        self._L = float(np.linalg.eigvalsh(self.A.T @ self.A)[-1]) / (4 * self.n) + 2 * self.lam
        self._variance = float((self.A * self.A).sum(axis=1).mean())
        self._G = float(np.abs(self.A).mean(axis=0).max()) + self.lam * 3 * math.sqrt(3) / 8

    @property
    def constants(self):
        return {"L": self._L, "f_low": 0.0, "component_variance": self._variance, "G": self._G}

    @property
    def component_grad_bounds(self):
        """(n,): G_i >= sup_x ||grad f_i(x)|| (proved in the class docstring)."""
        return np.linalg.norm(self.A, axis=1) + self.lam * 3 * math.sqrt(3) / 8 * math.sqrt(self.d)

    # -- the two parts: data loss l(y a^T x) and regularizer lam sum_k r(x_k) ------------------
    @staticmethod
    def _clipped(X):
        """(t, s) with t = x clipped to [-1e150, 1e150] and s = 1/(1 + t^2). Beyond 1e150, r = 1 and
        r' = r'' = 0 in float64 already; clipping and multiplying by s (never dividing by a power
        of 1 + t^2) keeps every intermediate finite."""
        T = backend_of(X).xp.clip(X, -1e150, 1e150)
        return T, 1.0 / (1.0 + T * T)

    def _reg_value(self, X):
        T, s = self._clipped(X)
        return self.lam * backend_of(X).xp.sum(T * T * s, axis=1)

    def _reg_grad(self, X):
        T, s = self._clipped(X)
        return self.lam * 2.0 * T * s * s

    def _reg_curvature(self, X):
        T, s = self._clipped(X)
        return self.lam * (2.0 - 6.0 * T * T) * s * s * s

    @staticmethod
    def _sigmoid_neg(xp, Z):
        """s(-z) = 1/(1 + e^z), as exp(-log(1 + e^z)): no overflow for large |z|."""
        return xp.exp(-xp.logaddexp(0.0, Z))

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        Z = self.param("y", X) * (X @ self.param("A", X).T)  # (R, n) margins
        return xp.mean(xp.logaddexp(0.0, -Z), axis=1) + self._reg_value(X)

    def grad(self, X):
        xp = backend_of(X).xp
        y = self.param("y", X)
        A = self.param("A", X)
        coef = -y * self._sigmoid_neg(xp, y * (X @ A.T))
        return coef @ A / self.n + self._reg_grad(X)

    def hvp(self, X, V):
        xp = backend_of(X).xp
        A = self.param("A", X)
        Z = self.param("y", X) * (X @ A.T)
        curv = self._sigmoid_neg(xp, Z) * self._sigmoid_neg(xp, -Z)  # s(z) s(-z)
        return (curv * (V @ A.T)) @ A / self.n + self._reg_curvature(X) * V

    # -- finite-sum access ---------------------------------------------------------------------
    def _components(self, X, idx):
        """a_i and y_i for the components idx[r, :] of each row: shapes (R, B, d) and (R, B)."""
        return self.rows("A", X, idx), self.rows("y", X, idx)

    def component_value(self, X, idx):
        """Row r: (1/B) sum_b f_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        Ai, yi = self._components(X, idx)
        Z = yi * xp.vecdot(Ai, X[:, None, :])
        return xp.mean(xp.logaddexp(0.0, -Z), axis=1) + self._reg_value(X)

    def component_grad(self, X, idx):
        """Row r: (1/B) sum_b grad f_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        Ai, yi = self._components(X, idx)
        coef = -yi * self._sigmoid_neg(xp, yi * xp.vecdot(Ai, X[:, None, :]))
        return (coef[:, None, :] @ Ai)[:, 0, :] / idx.shape[1] + self._reg_grad(X)
