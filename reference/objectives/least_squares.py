"""Least squares as a finite sum: the importance-sampling card's test problem and its larger random siblings."""
from __future__ import annotations

import numpy as np

from ..backend import backend_of
from ._checks import positive_int, seeded_rng
from .base import Objective, check_points


class LeastSquares(Objective):
    r"""f(x) = (1/n) \sum_i f_i(x),  f_i(x) = (1/2)(a_i^T x - b_i)^2,  \nabla f_i = (a_i^T x - b_i) a_i.

    Data: the rows a_i and targets b_i given (``A``, ``b``), or drawn from ``seed`` with a_i ~ N(0, I_d) scaled
    row by row by ``scales`` (default 1), b_i ~ N(0, 1). Unequal row scales make the component gradients of
    unequal size, which is where importance sampling helps. The card's test vector (inna_bayes_importance_sampling.md
    section 3) is A = (1, 2, 3)^T, b = (1, -1, 4), d = 1.

    Constants (proved): \nabla^2 f = A^T A/n, constant, so L = lambda_max(A^T A)/n is the Lipschitz constant of
    \nabla f, attained. f_star = f(x_ls) with x_ls a least-squares solution (f is a convex quadratic, bounded
    below by 0, and its minimum is attained at every solution of the normal equations).
    """

    name = "least_squares"

    def __init__(self, A=None, b=None, n: int = 20, d: int = 5, seed: int = 0, scales=None):
        if A is None:
            n, d = positive_int(n, "n"), positive_int(d, "d")
            rng = seeded_rng(seed)
            A = rng.standard_normal((n, d))
            if scales is not None:
                A = A * np.asarray(scales, float).reshape(-1, 1)
            b = rng.standard_normal(n) if b is None else b
        A = np.atleast_2d(np.asarray(A, float))
        if A.shape[0] == 1 and np.ndim(b) == 1 and len(b) > 1:
            A = A.T  # a single column given as a row
        b = np.asarray(b, float).ravel()
        if b.shape[0] != A.shape[0] or not np.all(np.isfinite(A)) or not np.all(np.isfinite(b)):
            raise ValueError(f"A must be (n, d) and b of length n, all finite; got A {A.shape}, b {b.shape}")
        super().__init__(A.shape[1])
        self.A, self.b, self.n = A, b, A.shape[0]
        self._L = float(np.linalg.eigvalsh(A.T @ A)[-1]) / self.n
        x_ls = np.linalg.lstsq(A, b, rcond=None)[0]
        self.x_star = x_ls
        self._f_star = float(0.5 * np.mean((A @ x_ls - b) ** 2))

    @property
    def constants(self):
        return {"L": self._L, "f_star": self._f_star}

    def _residuals(self, X):
        return X @ self.param("A", X).T - self.param("b", X)           # (R, n)

    def value(self, X):
        check_points(X, self.d)
        return 0.5 * backend_of(X).xp.mean(self._residuals(X) ** 2, axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return self._residuals(X) @ self.param("A", X) / self.n

    def hvp(self, X, V):
        A = self.param("A", X)
        return (V @ A.T) @ A / self.n

    def _components(self, X, idx):
        return self.rows("A", X, idx), self.rows("b", X, idx)

    def component_value(self, X, idx):
        """Row r: (1/B) sum_b f_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        Ai, bi = self._components(X, idx)
        return 0.5 * xp.mean((xp.vecdot(Ai, X[:, None, :]) - bi) ** 2, axis=1)

    def component_grad(self, X, idx):
        """Row r: (1/B) sum_b grad f_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        Ai, bi = self._components(X, idx)
        res = xp.vecdot(Ai, X[:, None, :]) - bi
        return (res[:, None, :] @ Ai)[:, 0, :] / idx.shape[1]
