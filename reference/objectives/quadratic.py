"""Quadratics f(x) = 1/2 x^T A x - b^T x: the L-smooth baseline, convex or not, bounded or not."""
from __future__ import annotations

import numpy as np

from ..backend import namespace_of
from ..buffers import into
from ._checks import finite_array, nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points


def _norm(v) -> float:
    """Euclidean norm without underflow (np.linalg.norm([1e-300]) is 0): scale by max |v_i| first."""
    m = float(np.abs(v).max(initial=0.0))
    return m * float(np.sqrt(((v / m) ** 2).sum())) if m > 0 else 0.0


class Quadratic(Objective):
    r"""f(x) = 1/2 x^T A x - b^T x with A symmetric (d x d) and b in R^d (default 0).

    Built from a dense A (``Quadratic(A, b)``), from a spectrum (``Quadratic.diagonal(eigs, b)``,
    A = diag(eigs), stored as a vector, value and gradient elementwise) or at random
    (``Quadratic.random(d, L, seed, mu)``). \nabla f(x) = A x - b, \nabla^2 f = A.

    Constants (proved):

    * L = \|A\|_2 = max_i |lambda_i(A)|. \nabla f(x) - \nabla f(y) = A (x - y), so
      \|\nabla f(x) - \nabla f(y)\| <= \|A\|_2 \|x - y\|, with equality when x - y is an eigenvector
      of an eigenvalue of largest modulus: the constant is tight.
    * f_star = -1/2 b^T A^+ b when A is PSD and b is in range(A). Write b = A y with y = A^+ b
      (A A^+ b = b for b in the range). Then f(x) = 1/2 (x - y)^T A (x - y) - 1/2 y^T A y
      >= -1/2 y^T A y = -1/2 b^T A^+ b (as A^+ A A^+ = A^+), with equality at x = y = A^+ b, which
      ``minimizers()`` returns (the minimizers form y + null(A)).
    * mu = the smallest positive eigenvalue of A, published when f is bounded below and A != 0: f is then
      mu-PL, f(x) - f_star <= \|\nabla f(x)\|^2/(2 mu) (for A positive definite mu is its strong convexity).
      With y = A^+ b and z = x - y, f(x) - f_star = 1/2 z^T A z and \nabla f(x) = A z; in A's eigenbasis
      \|A z\|^2 = sum_i lambda_i^2 z_i^2 >= mu sum_i lambda_i z_i^2 = 2 mu (f(x) - f_star), the terms with
      lambda_i = 0 vanishing on both sides. Equality holds for z an eigenvector of mu: the constant is tight.
    * Otherwise f is unbounded below, ``bounded_below`` is False and neither f_star nor f_low is
      published. If A has an eigenvalue lambda < 0 with unit eigenvector q, f(t q) =
      lambda t^2/2 - t b^T q -> -inf. If A is PSD and b is not in range(A) = null(A)^perp, the
      component z != 0 of b in null(A) gives f(t z) = -t \|z\|^2 -> -inf.

    Exactness: ``diagonal`` decides PSD-ness and b in range(A) exactly from eigs. A dense A is
    decided from its computed eigen-decomposition A = Q diag(w) Q^T, with tol = 10 d eps (a few times
    the rounding of forming A or A y): an eigenvalue with |w_i| <= tol \|A\|_2 counts as zero, and b
    counts as in the range when its part in that null space is <= tol (\|b\| + \|A\|_2 \|A^+ b\|).
    Near these thresholds the question is ill-conditioned; build with ``diagonal`` to decide exactly.
    """

    name = "quadratic"

    def __init__(self, A, b=None):
        A = finite_array(A, "A", 2)
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be square; got shape {A.shape}")
        if np.abs(A - A.T).max() > 1e-12 * np.abs(A).max():
            raise ValueError("A must be symmetric (max |A - A^T| > 1e-12 max |A|); "
                             "for a non-symmetric A, x -> A x - b is not a gradient field")
        super().__init__(A.shape[0])
        self.A = 0.5 * (A + A.T)  # drop rounding asymmetry: x^T A x only sees the symmetric part
        self.eigs = None
        self.b = self._check_b(b)
        w, self._Q = np.linalg.eigh(self.A)
        tol = 10 * self.d * np.finfo(float).eps  # a few times the rounding of forming A or A y
        self._classify(w, self._Q.T @ self.b, zero_tol=tol * np.abs(w).max(), range_tol=tol)

    @classmethod
    def diagonal(cls, eigs, b=None) -> "Quadratic":
        """A = diag(eigs), stored as the vector eigs (no dense matrix); decisions are exact."""
        eigs = finite_array(eigs, "eigs", 1)
        self = cls.__new__(cls)
        Objective.__init__(self, eigs.size)
        self.A, self.eigs, self._Q = None, eigs, None
        self.b = self._check_b(b)
        self._classify(eigs, self.b, zero_tol=0.0, range_tol=0.0)
        return self

    @classmethod
    def random(cls, d: int = 10, L: float = 4.0, seed: int = 0, mu: float = 0.0) -> "Quadratic":
        r"""A = Q diag(lambda) Q^T with Q Haar-random orthogonal, lambda_1 = L (the largest, exactly),
        lambda_2 = mu (when d >= 2) and the rest uniform in [mu, L]; b = 0, so f_star = 0. The published
        L is \|A\|_2 of the stored (rounded) matrix, which equals L up to O(d eps L)."""
        d = positive_int(d, "d")
        L = nonneg_float(L, "L")
        if L == 0:
            raise ValueError("L must be > 0; got 0")
        mu = nonneg_float(mu, "mu")
        if mu > L:
            raise ValueError(f"mu must lie in [0, L] = [0, {L}]; got {mu}")
        rng = seeded_rng(seed)
        lam = np.concatenate([[L, mu][:d], rng.uniform(mu, L, size=max(d - 2, 0))])
        Q, R = np.linalg.qr(rng.standard_normal((d, d)))
        Q = Q * np.sign(np.diag(R))  # the sign fix makes Q Haar-distributed
        return cls((Q * lam) @ Q.T)

    def _check_b(self, b) -> np.ndarray:
        if b is None:
            b = np.zeros(self.d)
        b = finite_array(b, "b", 1)
        if b.shape != (self.d,):
            raise ValueError(f"b must have shape ({self.d},) to match A; got {b.shape}")
        self._has_b = bool(np.any(b != 0))
        return b

    def _classify(self, w, c, zero_tol: float, range_tol: float):
        """From the spectrum w and b's coordinates c in the eigenbasis: L, boundedness, f_star, A^+ b.

        |w_i| <= zero_tol counts as a zero eigenvalue; b counts as in range(A) when its null-space
        part has norm <= range_tol (|b| + L |A^+ b|) (both tolerances are 0 for exact spectra)."""
        self._L = float(np.abs(w).max())
        pos = w > zero_tol
        null = ~pos & (w >= -zero_tol)
        self._pinv_b = np.where(pos, c / np.where(pos, w, 1.0), 0.0)  # A^+ b in the eigenbasis
        # relative slack for rounding, plus an absolute floor: below the normal range (|b| ~ 1e-311)
        # float64 has lost its relative precision, and such a null-space part counts as zero
        slack = range_tol * (_norm(c) + self._L * _norm(self._pinv_b)) + (range_tol > 0) * c.size * np.finfo(float).tiny
        self.bounded_below = bool(np.all(w >= -zero_tol) and _norm(c[null]) <= slack)
        f_star = -0.5 * float((c * self._pinv_b).sum()) + 0.0  # + 0.0 turns -0.0 into 0.0
        self._f_star = f_star if self.bounded_below else None
        self._mu = float(w[pos].min()) if self.bounded_below and pos.any() else None  # the PL constant

    @property
    def constants(self):
        out = {"L": self._L}
        if self.bounded_below:
            out["f_star"] = self._f_star
        if self._mu is not None:
            out["mu"] = self._mu
        return out

    @property
    def f_lower(self) -> float:
        if not self.bounded_below:  # the base class would raise a bare KeyError
            raise ValueError("this quadratic is unbounded below: it has no f_star or f_low")
        return self._f_star

    def minimizers(self) -> np.ndarray:
        """A minimizer A^+ b as a (1, d) row (the set is A^+ b + null(A)); ValueError if unbounded."""
        if not self.bounded_below:
            raise ValueError("this quadratic is unbounded below: it has no minimizer")
        x = self._pinv_b.copy() if self._Q is None else self._Q @ self._pinv_b
        return x[None, :]

    def _apply(self, X):
        """A X row-wise (A is symmetric, so X A = (A X^T)^T)."""
        if self.A is None:
            return self.param("eigs", X) * X
        return X @ self.param("A", X)

    def value(self, X):
        check_points(X, self.d)
        return namespace_of(X).sum((0.5 * self._apply(X) - self.param("b", X)) * X, axis=1)

    def grad(self, X):
        g = self._apply(X)
        if self._has_b:  # x - 0.0 == x bitwise (-0.0 and NaN included): b = 0 costs no pass
            g -= self.param("b", X)
        return g

    def grad_into(self, X, out):
        xp = namespace_of(X)
        if self.A is None:
            into(xp, xp.multiply, self.param("eigs", X), X, out=out)
        else:
            into(xp, xp.matmul, X, self.param("A", X), out=out)
        if self._has_b:
            out -= self.param("b", X)
        return out

    def fused_grad_into(self, fused, X, out):
        """``grad_into`` as one compiled pass (reference/kernels, same bits) where A is diagonal and the arrays fit."""
        kernel = getattr(fused, "diagonal_affine", None)  # the numba kernels have it; CuPy's do not (yet)
        if self.A is None and kernel is not None and kernel(out, X, self.eigs, self.b, self._has_b):
            return out
        return self.grad_into(X, out)

    def hvp(self, X, V):
        return self._apply(V)
