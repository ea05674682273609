"""A smooth nonconvex family with bounded gradients and per-coordinate scales (for RMSProp/Adam)."""
from __future__ import annotations

import math

import numpy as np

from ..backend import backend_of
from ._checks import finite_array, nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points

_LOG2 = math.log(2.0)


def _log_cosh(xp, U):
    """log cosh u without overflow or cancellation: log1p(2 sinh^2(u/2)) for |u| < 20 (cosh u - 1 =
    2 sinh^2(u/2) exactly, so small u keep their relative accuracy and u = 0 gives exactly 0), and
    |u| - log 2 + log1p(e^{-2|u|}) beyond (where sinh would eventually overflow)."""
    A = xp.abs(U)
    small = xp.minimum(A, 20.0)  # the unused branch stays finite, without overflow warnings
    sh = xp.sinh(0.5 * small)
    return xp.where(A < 20.0, xp.log1p(2.0 * sh * sh), A - _LOG2 + xp.log1p(xp.exp(-2.0 * A)))


def _sech_squared(xp, U):
    """sech^2 u = 4 e / (1 + e)^2 with e = e^{-2|u|} in (0, 1]: no overflow, no cancellation."""
    E = xp.exp(-2.0 * xp.abs(U))
    return 4.0 * E / ((1.0 + E) * (1.0 + E))


class LogCoshSin(Objective):
    r"""f(x) = \sum_i s_i phi(x_i - c_i) + \sum_{j<m} b_j cos(w_j^T x + psi_j),
    phi(u) = log cosh u + a sin^2 u,  a >= 0,  s_i > 0.

    Smooth, nonconvex for every a > 0, with a bounded gradient and coordinates of different scales:
    the setting of the RMSProp/Adam theorems that assume \|\nabla f\|_inf <= G (Adam is invariant to
    a diagonal rescaling of the coordinates, gradient descent is not, so unequal s_i matter).

    Scales and centre. ``scales`` gives s directly; otherwise s_i = kappa^{-t_i} with t a seeded
    permutation of linspace(0, 1, d), so max_i s_i = 1 and min_i s_i = 1/kappa (condition kappa).
    ``center`` gives c; otherwise c ~ U[-1, 1]^d from ``seed``. The optional coupling (m >= 1
    cosines, m = 0 by default) makes f non-separable: rows w_j of W (m x d) are N(0, I/d),
    b_j ~ U[-coupling, coupling], psi_j ~ U[0, 2 pi), all from ``seed``.

    Derivatives, with u = x - c: phi'(u) = tanh u + a sin 2u, phi''(u) = sech^2 u + 2a cos 2u;
    \nabla f = s o phi'(u) - W^T (b o sin v), \nabla^2 f = diag(s o phi''(u)) - W^T diag(b o cos v) W,
    with v_j = w_j^T x + psi_j. Let M = \sum_j |b_j| w_j w_j^T (PSD) and B = \sum_j |b_j|.

    Constants (proved):

    * L = (1 + 2a) max_i s_i + lambda_max(M). 0 < sech^2 <= 1 and |cos| <= 1 give
      -2a <= phi'' <= 1 + 2a, so |phi''| <= 1 + 2a and the diagonal part has norm
      max_i s_i |phi''(u_i)| <= (1 + 2a) max_i s_i. The coupling part C is symmetric with
      |v^T C v| <= \sum_j |b_j| (w_j^T v)^2 = v^T M v, so \|C\|_2 <= lambda_max(M). The Hessian's norm
      is at most their sum, and \nabla f is L-Lipschitz by the mean-value theorem. Tight for m = 0:
      at x = c, phi''(0) = 1 + 2a, so the Hessian there is diag((1 + 2a) s), of norm exactly L.
    * G = (1 + a) max_i s_i + max_k \sum_j |b_j| |W_jk|  (sup of \|\nabla f\|_inf). |tanh| < 1 and
      |sin| <= 1 give |phi'| < 1 + a; the coupling's k-th partial is at most \sum_j |b_j| |W_jk|.
      Tight for m = 0 as a supremum (not attained): at u_i = pi/4 + k pi, sin 2u_i = 1 and
      tanh u_i -> 1 as k -> inf.
    * G2 = (1 + a) sqrt(\sum_i s_i^2) + min(\sum_j |b_j| \|w_j\|, sqrt(lambda_max(M) B))  (sup of
      \|\nabla f\|_2). The separable part has \|s o phi'(u)\|_2 <= (1 + a) \|s\|_2. The coupling part
      W^T (b o sin v) = \sum_j b_j sin(v_j) w_j has norm at most \sum_j |b_j| \|w_j\| (triangle
      inequality) and also, writing it as (D^{1/2} W)^T y with D = diag|b|,
      y_j = sign(b_j) |b_j|^{1/2} sin v_j, at most \|D^{1/2} W\|_2 \|y\|_2 <= sqrt(lambda_max(M) B).
      Tight for m = 0 as a supremum: each u_i can be taken to pi/4 + k pi independently.
    * m = 0: f_star = 0, attained exactly (and only) at x = c: log cosh u >= 0 with equality iff
      u = 0, and sin^2 >= 0; ``minimizers()`` returns c.
      m >= 1: f_low = -B, since b_j cos(.) >= -|b_j| and the separable part is >= 0 (inf f is not
      known: the cosines need not all reach -1 at c).
    * Nonconvex for every a > 0: phi''(pi/2 + k pi) = sech^2(pi/2 + k pi) - 2a < 0 once
      4 e^{-(2k + 1) pi} < 2a (sech^2 u <= 4 e^{-2|u|}); already at k = 0 when a > 0.08
      (sech^2(pi/2) = 0.1588...). For a = 0 and m = 0, f is convex (a scaled log cosh).

    Numerics: log cosh and sech^2 are evaluated without overflow at any finite x, and f(c) = 0
    exactly.
    """

    name = "logcosh_sin"

    def __init__(self, d: int | None = None, a: float = 1.0, kappa: float | None = None, seed: int = 0,
                 scales=None, center=None, m: int = 0, coupling: float = 0.5):
        if scales is not None:
            scales = finite_array(scales, "scales", 1)
            if not np.all(scales > 0):
                raise ValueError(f"scales must all be > 0; got min {scales.min()!r}")
            if kappa is not None:
                raise ValueError(f"give scales or kappa, not both; got kappa={kappa!r} with scales")
        if center is not None:
            center = finite_array(center, "center", 1)
        given = [v.size for v in (scales, center) if v is not None]
        if d is None:
            d = given[0] if given else 10
        d = positive_int(d, "d")
        for label, v in (("scales", scales), ("center", center)):
            if v is not None and v.size != d:
                raise ValueError(f"{label} must have length d = {d}; got {v.size}")
        super().__init__(d)
        self.a = nonneg_float(a, "a")
        if scales is None:
            kappa = 10.0 if kappa is None else nonneg_float(kappa, "kappa")
            if kappa < 1:
                raise ValueError(f"kappa (the ratio of the largest to the smallest scale) must be >= 1; "
                                 f"got {kappa!r}")
        self.kappa = float(scales.max() / scales.min()) if scales is not None else kappa
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0:
            raise ValueError(f"m (the number of coupling cosines) must be an integer >= 0; got {m!r}")
        self.m = int(m)
        self.coupling = nonneg_float(coupling, "coupling")

        rng = seeded_rng(seed)
        t = rng.permutation(np.linspace(0.0, 1.0, d))
        self.scales = scales if scales is not None else self.kappa ** (-t)
        c = rng.uniform(-1.0, 1.0, size=d)
        self.center = center if center is not None else c
        self.W = rng.standard_normal((self.m, d)) / np.sqrt(d)
        self.b = rng.uniform(-self.coupling, self.coupling, size=self.m)
        self.psi = rng.uniform(0.0, 2.0 * np.pi, size=self.m)

        smax = float(self.scales.max())
        s2 = float(np.sqrt((self.scales**2).sum()))
        absb = np.abs(self.b)
        M = (self.W.T * absb) @ self.W
        lam_M = max(float(np.linalg.eigvalsh(0.5 * (M + M.T))[-1]), 0.0) if self.m else 0.0
        B = float(absb.sum())
        self._L = (1.0 + 2.0 * self.a) * smax + lam_M
        self._G = (1.0 + self.a) * smax + (float((absb[:, None] * np.abs(self.W)).sum(axis=0).max())
                                           if self.m else 0.0)
        coupling_2 = min(float((absb * np.linalg.norm(self.W, axis=1)).sum()), math.sqrt(lam_M * B))
        self._G2 = (1.0 + self.a) * s2 + coupling_2
        self._f_low = -B

    @property
    def constants(self):
        out = {"L": self._L, "G": self._G, "G2": self._G2}
        if self.m == 0:
            out["f_star"] = 0.0
        else:
            out["f_low"] = self._f_low
        return out

    def minimizers(self) -> np.ndarray:
        """The unique minimizer c (m = 0 only), as a (1, d) row."""
        if self.m:
            raise ValueError(f"logcosh_sin with m = {self.m} coupling cosines has no known minimizer")
        return self.center[None, :].copy()

    def _u(self, X):
        return X - self.param("center", X)

    def _phase(self, X):
        return X @ self.param("W", X).T + self.param("psi", X)

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        U = self._u(X)
        S = xp.sin(U)
        out = (_log_cosh(xp, U) + self.a * S * S) @ self.param("scales", X)
        if self.m:
            out = out + xp.cos(self._phase(X)) @ self.param("b", X)
        return out

    def grad(self, X):
        xp = backend_of(X).xp
        U = self._u(X)
        out = self.param("scales", X) * (xp.tanh(U) + self.a * xp.sin(2.0 * U))
        if self.m:
            out = out - (self.param("b", X) * xp.sin(self._phase(X))) @ self.param("W", X)
        return out

    def hessian_diagonal(self, X):
        """The Hessian's diagonal at each row, shape (R, d) (the whole Hessian when m = 0)."""
        xp = backend_of(X).xp
        U = self._u(X)
        out = self.param("scales", X) * (_sech_squared(xp, U) + 2.0 * self.a * xp.cos(2.0 * U))
        if self.m:
            W = self.param("W", X)
            out = out - (self.param("b", X) * xp.cos(self._phase(X))) @ (W * W)
        return out

    def hvp(self, X, V):
        xp = backend_of(X).xp
        U = self._u(X)
        out = self.param("scales", X) * (_sech_squared(xp, U) + 2.0 * self.a * xp.cos(2.0 * U)) * V
        if self.m:
            W = self.param("W", X)
            out = out - (self.param("b", X) * xp.cos(self._phase(X)) * (V @ W.T)) @ W
        return out
