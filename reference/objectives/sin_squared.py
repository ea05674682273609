"""The separable nonconvex family f(x) = sum_i [x_i^2 / 2 + a sin^2(x_i)]."""
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
