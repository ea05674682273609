"""The separable nonconvex family f(x) = sum_i [x_i^2 / 2 + a sin^2(x_i)], and its PL member x^2 + 3 sin^2 x."""
from __future__ import annotations

from ..backend import backend_of, namespace_of
from ..buffers import into
from .base import Objective, check_points


class SinSquared(Objective):
    r"""f(x) = \sum_i x_i^2/2 + a \sin^2 x_i,  a >= 0.

    Constants (proved):

    * L = 1 + 2a. f is separable with f''(u) = 1 + 2a cos(2u) in [1 - 2a, 1 + 2a], so
      \|\nabla^2 f(x)\|_2 = max_i |f''(x_i)| <= max(|1 - 2a|, 1 + 2a) = 1 + 2a for a >= 0, and the
      bound is attained at x = 0. Hence \nabla f is (1 + 2a)-Lipschitz.
    * f_star = 0: both terms are >= 0 and vanish at x = 0.
    * Nonconvex for a > 1/2 (f''(pi/2) = 1 - 2a < 0); its critical points solve u + a sin 2u = 0.
    """

    name = "sin_squared"

    def __init__(self, d: int = 10, a: float = 3.0):
        super().__init__(d)
        if not a >= 0:
            raise ValueError(f"sin_squared amplitude a must be >= 0 (so that f* = 0); got {a}")
        self.a = float(a)

    @property
    def constants(self):
        return {"L": 1.0 + 2.0 * self.a, "f_star": 0.0}

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        return xp.sum(0.5 * X * X + self.a * xp.sin(X) ** 2, axis=1)  # functions, not methods: any array API namespace

    def grad(self, X):
        return self.grad_into(X, namespace_of(X).empty_like(X))

    def grad_into(self, X, out):
        xp = namespace_of(X)
        s = into(xp, xp.multiply, X, 2.0, out=out)  # X + a sin(2 X), stored into out
        s = into(xp, xp.sin, s, out=s)
        s *= self.a
        s += X
        return s

    def hvp(self, X, V):
        xp = backend_of(X).xp
        return (1.0 + 2.0 * self.a * xp.cos(2.0 * X)) * V


# the PL constant of h(u) = u^2 + 3 sin^2 u: 7/40, below inf_u h'(u)^2/(2 h(u)) = 0.17553... (at u = 2.2017...)
PL_MU = 0.175


class PLSinSquared(SinSquared):
    r"""f(x) = \sum_i x_i^2 + 3 \sin^2 x_i = 2 SinSquared(a = 3/2): nonconvex, and Polyak-Lojasiewicz.

    The classical nonconvex PL example (Karimi, Nutini, Schmidt 2016). With h(u) = u^2 + 3 sin^2 u,
    h'(u) = 2u + 3 sin 2u and h''(u) = 2 + 6 cos 2u. Constants (proved):

    * L = 8: h'' lies in [-4, 8] and the Hessian is diag(h''(x_i)), so \|\nabla^2 f\|_2 <= 8, attained at 0.
      Nonconvex: h''(pi/2) = -4.
    * f_star = 0: both terms are >= 0 and vanish at x = 0.
    * mu = 0.175 (PL_MU): h'(u)^2 >= 2 mu h(u) for every u; summing over coordinates gives
      \|\nabla f(x)\|^2 >= 2 mu (f(x) - f_star). h is even, so take u >= 0:
      - 0 <= u <= 1: sin v >= v - v^3/6 at v = 2u gives h'(u) >= 8u - 4u^3 >= 4u, and sin^2 u <= u^2 gives
        h(u) <= 4u^2, so h'(u)^2 >= 16 u^2 >= 8 mu u^2 >= 2 mu h(u);
      - u >= 2.4: h'(u) >= 2u - 3 > 0 and h(u) <= u^2 + 3, and (2u - 3)^2 - 2 mu (u^2 + 3)
        = 3.65 u^2 - 12 u + 7.95 > 0 beyond its larger root 2.368;
      - 1 <= u <= 2.4: h'(u)^2 - 2 mu h(u) > 0 by interval arithmetic (mpmath.iv, outward rounding) on a
        bisection of [1, 2.4]; tests/test_objectives_pl.py runs that proof.
      The best constant is inf_u h'(u)^2/(2 h(u)) = 0.17553... at u = 2.2017...: mu is within 0.3% of it
      (the test checks both). Every critical point is the minimiser 0 (2u = -3 sin 2u has no root u != 0).
    """

    name = "pl_sin_squared"

    def __init__(self, d: int = 10):
        super().__init__(d, a=1.5)

    @property
    def constants(self):
        return {"L": 8.0, "mu": PL_MU, "f_star": 0.0}

    def value(self, X):
        return 2.0 * super().value(X)

    def grad(self, X):
        return 2.0 * super().grad(X)

    def hvp(self, X, V):
        return 2.0 * super().hvp(X, V)
