"""A tame nonsmooth objective with an exact minimizer and an exact Clarke stationarity measure."""
from __future__ import annotations

import numpy as np

from ..backend import backend_of
from ._checks import finite_array
from .base import Objective, check_points


def _huber(c):
    """h(c) = c^2/2 for |c| <= 1, |c| - 1/2 otherwise."""
    a = np.abs(c)
    return np.where(a <= 1.0, 0.5 * c * c, a - 0.5)


class AbsQuadratic(Objective):
    r"""f(x) = \|x\|_1 + 1/2 \|x - c\|^2  (default c = linspace(-2, 2, 10)).

    Class "nonsmooth-tame": f is semialgebraic and locally Lipschitz (also 1-strongly convex), and
    not differentiable where some x_i = 0. No L is published: \nabla f does not exist there.

    Subdifferential. f is convex, so its Clarke subdifferential is the convex one; f is separable,
    so it is the product of the coordinates' intervals:
    \partial_i f(x) = {sign(x_i) + x_i - c_i} for x_i != 0, and [-1, 1] - c_i for x_i = 0.
    ``grad`` is the selection with sign(0) = 0, i.e. x - c at a zero coordinate.

    ``clarke_distance(x)`` = dist(0, \partial f(x)) exactly: for a product of intervals the squared
    distance is the sum of the coordinates' squared distances, and dist(0, [-1 - c_i, 1 - c_i])
    = max(0, |c_i| - 1).

    f_star = \sum_i h(c_i) with h the Huber function (c^2/2 for |c| <= 1, |c| - 1/2 otherwise),
    attained at the unique minimizer x* = soft-threshold(c, 1) = sign(c) max(|c| - 1, 0).
    Proof: 0 \in \partial f(x*) coordinatewise. If |c_i| > 1, x*_i = c_i - sign(c_i) has the sign of
    c_i, and sign(x*_i) + x*_i - c_i = 0. If |c_i| <= 1, x*_i = 0 and 0 \in [-1 - c_i, 1 - c_i].
    By convexity x* is a minimizer, unique by strong convexity; f(x*)_i = |c_i| - 1 + 1/2 in the first
    case and c_i^2/2 in the second.
    """

    name = "abs_quadratic"
    function_class = "nonsmooth-tame"
    subgradient_convention = "sign(0) = 0"

    def __init__(self, c=None):
        c = np.linspace(-2.0, 2.0, 10) if c is None else finite_array(c, "c", 1)
        super().__init__(c.size)
        self.c = c
        # x*_i = c_i - sign(c_i) (or 0), so that the subgradient below evaluates to exactly 0 there
        self._x_star = np.where(np.abs(c) > 1.0, c - np.sign(c), 0.0)
        self._f_star = float(_huber(c).sum())

    @property
    def constants(self):
        return {"f_star": self._f_star}

    def minimizers(self) -> np.ndarray:
        """The unique minimizer soft-threshold(c, 1), as a (1, d) row."""
        return self._x_star[None, :].copy()

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        D = X - self.param("c", X)
        return xp.sum(xp.abs(X), axis=1) + 0.5 * xp.sum(D * D, axis=1)

    def grad(self, X):
        # x - (c - sign x) rather than sign x + x - c: same number in exact arithmetic, and exactly
        # 0 at x* = fl(c - sign c), so the minimizer is recognised without rounding noise
        xp = backend_of(X).xp
        return X - (self.param("c", X) - xp.sign(X))

    def clarke_distance(self, X):
        """dist(0, Clarke subdifferential of f at x) for each row: shape (R,)."""
        check_points(X, self.d)
        xp = backend_of(X).xp
        c = self.param("c", X)
        per_coord = xp.where(X == 0, xp.maximum(xp.abs(c) - 1.0, 0.0), xp.abs(self.grad(X)))
        # scaled 2-norm: squaring 1e-210 would underflow to 0 and call a non-minimiser critical
        m = xp.max(per_coord, axis=1, keepdims=True)
        scaled = per_coord / xp.where(m > 0, m, 1.0)
        return m[:, 0] * xp.sqrt(xp.sum(scaled * scaled, axis=1))
