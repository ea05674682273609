r"""The catalogue of nonsmooth tame test objectives (card section 4, T1-T9) and their shared interface
(the tiny ReLU network is in relu_net.py, the hulls and exact-sign arithmetic in hull.py).

Every objective here is semialgebraic and locally Lipschitz, so ``function_class`` is
"nonsmooth-tame"; each is batched over runs (X has shape (R, d)) like every objective, and publishes

* ``value(X)``, ``grad(X)``: ``grad`` is a subgradient selection whose convention
  ``subgradient_convention`` states (sign(0) = 0, relu'(0) = 0, max: the first active piece);
* ``clarke_subdifferential(x)`` at one point x (shape (d,)): the set as a :class:`Hull`, the convex
  hull of finitely many points (an interval for d = 1, a polygon for d = 2, one point where f is
  C^1 near x);
* ``clarke_distance(X)`` = dist(0, \partial f(x)) per row, exact (see :func:`dist_to_hull`);
* ``is_critical(X)`` (0 in \partial f(x), decided exactly from the closed-form critical set),
  ``critical_set`` and ``minimizer_set`` (descriptions), ``is_minimizer(X)``, ``minimizers()``
  (representative minimizers as rows), ``f_star`` (inf f, None when f is unbounded below; then
  ``f_lower`` and ``minimizers()`` raise ValueError) and ``lip``, the global Lipschitz constant of f
  itself (None when f is only locally Lipschitz). ``lip`` is an attribute, not a published constant:
  the glossary's "L" is the Lipschitz constant of the gradient, which none of these has.

Finite sums (``l1_residual`` T6, ``relu_pair2`` T8, ``spurious_relu`` T9, ``relu_net``) follow the INNA
paper: J = \sum_{i<n} J_i, a SUM, not a mean. ``grad`` is the sum of the components' selections (what
backpropagation returns), an element of D J(x) = \sum_i \partial J_i(x) (Minkowski sum); it lies in
the Clarke subdifferential \partial J(x) wherever D J(x) = \partial J(x) (T6 everywhere, T8 everywhere,
T9 off 0, relu_net off its kinks) and NOT at theta = 0 for T9 - that is the point of T9. The base API
(``component_grad`` = the mean over idx of the gradients of f_i, with f = (1/n) \sum f_i) is met with
f_i := n J_i, so ``component_grad(X, idx)`` = (n/B) \sum_b g_{J_{idx[r, b]}}: the minibatch oracle is
then unbiased for ``grad`` (INNA's D J_B = \sum_{i in B} \partial J_i is (B/n) times that).
``component_subdifferentials(x)``, ``d_subdifferential(x)`` (= D J(x) as a Hull) and
``d_criticality(X)`` = dist(0, D J(x)) complete the finite-sum API; ``is_d_critical(X)`` decides
0 in D J(x) exactly.

Exactness. Active pieces and kinks are decided from exact signs: one rounded addition or subtraction
keeps the sign (and the zero) of the exact result, 2x is exact, and where a residual needs two operations (x1 + x2 - 2 in T6, v w - 1 in T8) it is formed with an error-free transformation
(TwoSum, Dekker's TwoProduct), so that e.g. x1 + x2 - 2 is exactly 0 in floating point iff it is 0
in exact arithmetic. The subdifferentials' vertices are then small integers (T1-T6, T9) or formed
with a few roundings (T7, T8); ``clarke_distance`` is 0.0 exactly on the critical set and > 0 off it
(tests/test_objectives_tame.py checks both against the sets decided in rational arithmetic).
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import backend_of, get_backend
from .base import Objective, check_idx, check_points
from .hull import Hull, _minkowski, _shifted, _single, _two_product, _two_sum, dist_to_hull

# == the common interface ========================================================================

class TameObjective(Objective):
    """Shared machinery: the subclass gives ``_clarke_points(X)`` -> (R, k, d) point sets whose hulls
    are the Clarke subdifferentials, ``is_critical(X)``, ``is_minimizer(X)`` and its constants."""

    function_class = "nonsmooth-tame"
    lip: float | None = None
    f_star: float | None = None
    critical_set: str = ""
    minimizer_set: str = ""
    _minimizers: tuple = ()

    @property
    def bounded_below(self) -> bool:
        return self.f_star is not None

    @property
    def constants(self):
        return {} if self.f_star is None else {"f_star": float(self.f_star)}

    @property
    def f_lower(self) -> float:
        if self.f_star is None:
            raise ValueError(f"{self.name} is unbounded below: it has no f_star or f_low")
        return float(self.f_star)

    def minimizers(self) -> np.ndarray:
        """Representative minimizers as rows (the whole set is ``minimizer_set``)."""
        if self.f_star is None:
            raise ValueError(f"{self.name} is unbounded below: it has no minimizer")
        return np.array(self._minimizers, dtype=np.float64).reshape(-1, self.d)

    def is_minimizer(self, X):
        if self.f_star is None:
            return backend_of(X).xp.zeros(X.shape[0], dtype=bool)
        raise NotImplementedError

    def is_critical(self, X):
        raise NotImplementedError

    def _clarke_points(self, X):
        raise NotImplementedError

    def clarke_subdifferential(self, x) -> Hull:
        """The Clarke subdifferential at one point x (shape (d,)) as a Hull."""
        X = _single(x, self.d)
        return Hull(self._clarke_points(X)[0])

    def clarke_distance(self, X):
        """dist(0, Clarke subdifferential of f at x) for each row: shape (R,)."""
        check_points(X, self.d)
        return dist_to_hull(self._clarke_points(X))

    def describe(self) -> str:
        lip = "locally Lipschitz" if self.lip is None else f"lip={self.lip:.6g}"
        fs = "unbounded below" if self.f_star is None else f"f_star={self.f_star:g}"
        return f"{self.name} (d={self.d}; {self.function_class}; {fs}; {lip})"


class FiniteSumTame(TameObjective):
    """J = sum_i J_i with n small components given by ``_component_values(X)`` (R, n),
    ``_component_grads(X)`` (R, n, d) (the selections) and ``_component_points(X)`` (R, n, k, d)
    (point sets whose hulls are the components' Clarke subdifferentials)."""

    def value(self, X):
        check_points(X, self.d)
        return backend_of(X).xp.sum(self._component_values(X), axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return backend_of(X).xp.sum(self._component_grads(X), axis=1)

    def component_value(self, X, idx):
        """Row r: (n/B) sum_b J_{idx[r, b]}(x_r) (the mean of f_i = n J_i: unbiased for J)."""
        check_points(X, self.d)
        check_idx(X, idx)
        V = self._component_values(X)
        xp = backend_of(X).xp
        return xp.mean(xp.take_along_axis(V, idx, axis=1), axis=1) * self.n

    def component_grad(self, X, idx):
        """Row r: (n/B) sum_b g_{J_{idx[r, b]}}(x_r) (the mean of grad f_i, f_i = n J_i)."""
        check_points(X, self.d)
        check_idx(X, idx)
        G = self._component_grads(X)
        xp = backend_of(X).xp
        return xp.mean(xp.take_along_axis(G, idx[:, :, None], axis=1), axis=1) * self.n

    def component_subdifferentials(self, x) -> list[Hull]:
        """[Clarke subdifferential of J_i at x for i < n]."""
        P = self._component_points(_single(x, self.d))[0]
        return [Hull(P[i]) for i in range(self.n)]

    def d_subdifferential(self, x) -> Hull:
        """D J(x) = sum_i \\partial J_i(x) (Minkowski sum) at one point."""
        return Hull(_minkowski(self._component_points(_single(x, self.d)))[0])

    def d_criticality(self, X):
        """dist(0, D J(x)) for each row, exact (the hull of the Minkowski sum of the point sets)."""
        check_points(X, self.d)
        return dist_to_hull(_minkowski(self._component_points(X)))

    def is_d_critical(self, X):
        raise NotImplementedError


# == T1-T5, T7: single functions =================================================================

class Abs(TameObjective):
    r"""T1: f(x) = |x| on R.

    Convex, 1-Lipschitz (lip = 1). \partial f(x) = {sign x} for x != 0 and [-1, 1] at 0 (the convex
    subdifferential, which is Clarke's for convex f). ``grad`` = sign(x) with sign(0) = 0.
    Critical set = argmin = {0}, f_star = 0; off 0, dist(0, \partial f) = 1 (a sharp minimum).
    """

    name = "abs"
    subgradient_convention = "sign(0) = 0"
    lip = 1.0
    f_star = 0.0
    critical_set = "{0}"
    minimizer_set = "{0} (unique)"
    _minimizers = ((0.0,),)

    def __init__(self):
        super().__init__(1)

    def value(self, X):
        check_points(X, 1)
        return backend_of(X).xp.abs(X[:, 0])

    def grad(self, X):
        check_points(X, 1)
        return backend_of(X).xp.sign(X)

    def _clarke_points(self, X):
        xp = backend_of(X).xp
        s = xp.sign(X)
        return xp.stack([xp.where(X == 0, -1.0, s), xp.where(X == 0, 1.0, s)], axis=1)

    def is_critical(self, X):
        check_points(X, 1)
        return X[:, 0] == 0

    def is_minimizer(self, X):
        return self.is_critical(X)


class NegAbs(TameObjective):
    r"""T2: f(x) = -|x| on R.

    1-Lipschitz, unbounded below (no f_star, no minimizer). f is C^1 off 0 with f' = -sign x; at 0
    the limits of f' are 1 (from x < 0) and -1 (x > 0), so \partial f(0) = [-1, 1] (Clarke,
    Definition 2): critical set = {0}, a local MAXIMUM (f is not Clarke-regular there).
    ``grad`` = -sign(x), sign(0) = 0.
    """

    name = "neg_abs"
    subgradient_convention = "sign(0) = 0"
    lip = 1.0
    critical_set = "{0} (a local maximum)"
    minimizer_set = "none: unbounded below"

    def __init__(self):
        super().__init__(1)

    def value(self, X):
        check_points(X, 1)
        return -backend_of(X).xp.abs(X[:, 0])

    def grad(self, X):
        check_points(X, 1)
        return -backend_of(X).xp.sign(X)

    def _clarke_points(self, X):
        return -Abs._clarke_points(self, X)

    def is_critical(self, X):
        check_points(X, 1)
        return X[:, 0] == 0


class AbsDiff(TameObjective):
    r"""T3: f(x) = |x1| - |x2| on R^2, a nonsmooth saddle.

    f is linear on each closed quadrant Q_s = {s1 x1 >= 0, s2 x2 >= 0} (s in {-1, 1}^2) with gradient
    (s1, -s2); \partial f(x) is the hull of the gradients of the quadrants containing x: the product
    I1 x I2 with I1 = {sign x1} (x1 != 0) or [-1, 1] (x1 = 0), I2 = {-sign x2} or [-1, 1].
    So 0 in \partial f(x) iff x = 0: critical set = {0}, a saddle; unbounded below (f(0, t) = -|t|).
    lip = sqrt 2 = sup over all subgradients of the norm. ``grad`` = (sign x1, -sign x2), sign(0) = 0.
    """

    name = "abs_diff"
    subgradient_convention = "sign(0) = 0"
    lip = math.sqrt(2.0)
    critical_set = "{0} (a saddle)"
    minimizer_set = "none: unbounded below"

    def __init__(self):
        super().__init__(2)

    def value(self, X):
        check_points(X, 2)
        xp = backend_of(X).xp
        return xp.abs(X[:, 0]) - xp.abs(X[:, 1])

    def grad(self, X):
        check_points(X, 2)
        xp = backend_of(X).xp
        return xp.sign(X) * xp.asarray([1.0, -1.0])

    def _clarke_points(self, X):
        xp = backend_of(X).xp
        s = xp.sign(X) * xp.asarray([1.0, -1.0])
        lo, hi = xp.where(X == 0, -1.0, s), xp.where(X == 0, 1.0, s)
        corners = [(lo, lo), (lo, hi), (hi, lo), (hi, hi)]
        return xp.stack([xp.stack([a[:, 0], b[:, 1]], axis=1) for a, b in corners], axis=1)

    def is_critical(self, X):
        check_points(X, 2)
        return (X[:, 0] == 0) & (X[:, 1] == 0)


class _MaxAffine(TameObjective):
    r"""f(x) = max_i <a_i, x> (pieces through 0), convex. \partial f(x) = conv{a_i : i active}
    (Danskin / the convex max rule). ``grad`` = a_i for the FIRST active piece i. Active sets are
    decided from the exact signs of <a_i - a_j, x> (``_pairwise_signs``)."""

    subgradient_convention = "max: the first active piece (lowest index)"
    slopes: np.ndarray

    def value(self, X):
        check_points(X, self.d)
        # xp.max, not the method: torch's .max(axis=1) (through array_api_compat) returns a (values,
        # indices) pair, which silently gave the wrong value
        return backend_of(X).xp.max(X @ self.param("slopes", X).T, axis=1)

    def _active(self, X):
        raise NotImplementedError

    def grad(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        first = xp.argmax(xp.astype(self._active(X), xp.int8), axis=1)  # the standard's argmax takes no bools
        return xp.take(self.param("slopes", X), first, axis=0)

    def _clarke_points(self, X):
        xp = backend_of(X).xp
        act = self._active(X)
        a = self.param("slopes", X)
        pad = xp.take(a, xp.argmax(xp.astype(act, xp.int8), axis=1), axis=0)  # an active slope repeated: same hull
        return xp.where(act[:, :, None], a[None, :, :], pad[:, None, :])

    def is_critical(self, X):
        check_points(X, self.d)
        return backend_of(X).xp.all(X == 0, axis=1)

    def is_minimizer(self, X):
        return self.is_critical(X)


class MaxLin1(_MaxAffine):
    r"""T4: f(x) = max(-2x, x) on R.

    Convex piecewise linear, lip = 2. Active: -2x iff x <= 0, x iff x >= 0 (exact signs of x).
    \partial f = {-2} (x < 0), [-2, 1] (x = 0), {1} (x > 0); ``grad`` at 0 is -2 (first active piece).
    Critical set = argmin = {0}, f_star = 0 (f >= max(-2x, x) >= 0, = 0 iff x = 0).
    """

    name = "max_lin1"
    lip = 2.0
    f_star = 0.0
    critical_set = "{0}"
    minimizer_set = "{0} (unique)"
    _minimizers = ((0.0,),)

    def __init__(self):
        super().__init__(1)
        self.slopes = np.array([[-2.0], [1.0]])

    def _active(self, X):
        return backend_of(X).xp.stack([X[:, 0] <= 0, X[:, 0] >= 0], axis=1)


class MaxLin2(_MaxAffine):
    r"""T5: f(x) = max(x1 + x2, x1 - x2, -x1) on R^2, a = (1, 1), (1, -1), (-1, 0).

    Convex, lip = max |a_i| = sqrt 2. Piece i is active iff <a_i - a_j, x> >= 0 for all j, i.e.
    1: x2 >= 0 and 2x1 + x2 >= 0;  2: x2 <= 0 and 2x1 - x2 >= 0;  3: 2x1 + x2 <= 0 and 2x1 - x2 <= 0
    (2x1 is exact, and fl(2x1 +- x2) has the sign of 2x1 +- x2: these tests are exact).
    \partial f(x) = conv{a_i : i active}; at 0 all three: 0 = (1/4)(1, 1) + (1/4)(1, -1) + (1/2)(-1, 0).
    f_star = 0, unique minimizer 0: f = max(x1 + |x2|, -x1) >= |x1| >= 0, and f = 0 forces x1 = 0,
    then |x2| <= 0. Convex, so critical set = argmin = {0}; dist(0, \partial f) elsewhere is |a_i|
    (one piece), 1 (pieces 1, 2: the segment {1} x [-1, 1]) or 1/sqrt 5 (pieces 1, 3 or 2, 3).
    """

    name = "max_lin2"
    lip = math.sqrt(2.0)
    f_star = 0.0
    critical_set = "{0}"
    minimizer_set = "{0} (unique)"
    _minimizers = ((0.0, 0.0),)

    def __init__(self):
        super().__init__(2)
        self.slopes = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 0.0]])

    def _active(self, X):
        xp = backend_of(X).xp
        x2 = X[:, 1]
        p, m = 2.0 * X[:, 0] + x2, 2.0 * X[:, 0] - x2
        return xp.stack([(x2 >= 0) & (p >= 0), (x2 <= 0) & (m >= 0), (p <= 0) & (m <= 0)], axis=1)


class InnaToy(TameObjective):
    r"""T7, the INNA paper's 2-D toy (Fig. 1): J(t) = 100 (t2 - |t1|)^2 + |1 - t1|, start (-1, 1.5).

    With r = t2 - |t1|: J is C^1 off {t1 = 0} u {t1 = 1} with gradient
    (-200 r sign t1 - sign(1 - t1), 200 r). ``grad`` is that formula with sign(0) = 0 (the card's
    oracle gB). Clarke subdifferential (Definition 2: hull of the limits of gradients):

    * t1 = 0: |1 - t1| is C^1 there (derivative -1), and 100 (t2 - |t1|)^2 has the limits
      (-200 t2, 200 t2) from t1 > 0 and (200 t2, 200 t2) from t1 < 0, so
      \partial J = {(-1 + 200 t2 tau, 200 t2) : tau in [-1, 1]}, a horizontal segment at height
      y = 200 t2 spanning [-1 - |y|, -1 + |y|]: it never contains 0 (y = 0 gives the point (-1, 0)),
      its distance from 0 is |y| if |y| >= 1 and sqrt((1 - |y|)^2 + y^2) >= 1/sqrt 2 otherwise.
      At (0, 0.5) the limits are (-101, 100) (t1 > 0) and (99, 100) (t1 < 0).
    * t1 = 1: the quadratic is C^1 there, so \partial J = {(-y + s, y) : s in [-1, 1]}, y = 200 (t2 - 1);
      it contains 0 iff t2 = 1.

    Critical set = argmin = {(1, 1)}, f_star = 0 (both terms >= 0, both 0 only there; off the kink
    lines the gradient vanishes only if r = 0 and sign(1 - t1) = 0). Only locally Lipschitz (lip None).
    """

    name = "inna_toy"
    subgradient_convention = "sign(0) = 0"
    f_star = 0.0
    critical_set = "{(1, 1)}"
    minimizer_set = "{(1, 1)} (unique)"
    _minimizers = ((1.0, 1.0),)

    def __init__(self):
        super().__init__(2)

    def start(self, R: int = 1, backend="numpy"):
        """The paper's start (-1, 1.5), as R rows."""
        xp = get_backend(backend).xp
        return xp.tile(xp.asarray([[-1.0, 1.5]]), (R, 1))

    def value(self, X):
        check_points(X, 2)
        xp = backend_of(X).xp
        r = X[:, 1] - xp.abs(X[:, 0])
        return 100.0 * r * r + xp.abs(1.0 - X[:, 0])

    def grad(self, X):
        check_points(X, 2)
        xp = backend_of(X).xp
        t1 = X[:, 0]
        r = X[:, 1] - xp.abs(t1)
        return xp.stack([-200.0 * r * xp.sign(t1) - xp.sign(1.0 - t1), 200.0 * r], axis=1)

    def _clarke_points(self, X):
        xp = backend_of(X).xp
        t1, t2 = X[:, 0], X[:, 1]
        g = self.grad(X)
        at0, at1 = t1 == 0, t1 == 1
        y0, y1 = 200.0 * t2, 200.0 * (t2 - 1.0)
        p_lo = xp.where(at0[:, None], xp.stack([-1.0 - y0, y0], axis=1),
                        xp.where(at1[:, None], xp.stack([-y1 - 1.0, y1], axis=1), g))
        p_hi = xp.where(at0[:, None], xp.stack([-1.0 + y0, y0], axis=1),
                        xp.where(at1[:, None], xp.stack([-y1 + 1.0, y1], axis=1), g))
        return xp.stack([p_lo, p_hi], axis=1)

    def is_critical(self, X):
        check_points(X, 2)
        return (X[:, 0] == 1) & (X[:, 1] == 1)

    def is_minimizer(self, X):
        return self.is_critical(X)


# == finite sums: T6, T8, T9 =====================================================================

class L1Residual(FiniteSumTame):
    r"""T6: J(x) = \|A x - b\|_1 = \sum_{i<3} |r_i|, A = [[1, 0], [0, 1], [1, 1]], b = (1, 2, 2).

    r = (x1 - 1, x2 - 2, x1 + x2 - 2); components J_i = |r_i| (n = 3). r1, r2 are one subtraction
    each (exact sign); r3 is formed with TwoSum so its sign and zero are exact.

    Subdifferential. Convex composed with affine: \partial J_i(x) = a_i S_i with S_i = {sign r_i}
    (r_i != 0) or [-1, 1] (r_i = 0); for convex finite functions the sum rule is exact, so
    \partial J(x) = D J(x) = A^T (S_1 x S_2 x S_3), the hull of the <= 8 points A^T s over the ends of
    the S_i: ``clarke_distance`` and ``d_criticality`` coincide and are exact (``dist_to_hull`` on
    integer points). ``grad`` = A^T sign(r), sign(0) = 0.

    f_star = 1: r1 + r2 - r3 = -1 identically, so \sum|r_i| >= |r1 + r2 - r3| = 1, with equality iff
    r1 <= 0, r2 <= 0, r3 >= 0: argmin = critical set (convexity) = the triangle
    {x1 <= 1, x2 <= 2, x1 + x2 >= 2} with vertices (1, 1), (0, 2), (1, 2). At (1, 1), s = (-1, -1, 1)
    gives A^T s = 0. lip = max_{s in [-1,1]^3} |A^T s| = |(2, 2)| = 2 sqrt 2.
    """

    name = "l1_residual"
    subgradient_convention = "sign(0) = 0"
    lip = 2.0 * math.sqrt(2.0)
    f_star = 1.0
    critical_set = "the triangle {x1 <= 1, x2 <= 2, x1 + x2 >= 2} (= argmin; also D-critical set)"
    minimizer_set = "the triangle with vertices (1, 1), (0, 2), (1, 2)"
    _minimizers = ((1.0, 1.0), (0.0, 2.0), (1.0, 2.0))

    def __init__(self):
        super().__init__(2)
        self.n = 3
        self.A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        self.b = np.array([1.0, 2.0, 2.0])

    def residuals(self, X):
        """r = A x - b, (R, 3), with exact signs (r3 = x1 + x2 - 2 via TwoSum)."""
        xp = backend_of(X).xp
        s, e = _two_sum(X[:, 0], X[:, 1])
        return xp.stack([X[:, 0] - 1.0, X[:, 1] - 2.0, _shifted(s, e, 2.0)], axis=1)

    def _component_values(self, X):
        return backend_of(X).xp.abs(self.residuals(X))

    def _component_grads(self, X):
        A = self.param("A", X)
        return backend_of(X).xp.sign(self.residuals(X))[:, :, None] * A[None, :, :]

    def _component_points(self, X):
        xp = backend_of(X).xp
        s = xp.sign(self.residuals(X))
        lo, hi = xp.where(s == 0, -1.0, s), xp.where(s == 0, 1.0, s)
        A = self.param("A", X)
        return xp.stack([lo[:, :, None] * A, hi[:, :, None] * A], axis=2)  # (R, 3, 2, 2)

    def _clarke_points(self, X):
        return _minkowski(self._component_points(X))  # exact sum rule (convex)

    def is_critical(self, X):
        check_points(X, 2)
        r = self.residuals(X)
        return (r[:, 0] <= 0) & (r[:, 1] <= 0) & (r[:, 2] >= 0)

    def is_minimizer(self, X):
        return self.is_critical(X)

    def is_d_critical(self, X):
        return self.is_critical(X)


class ReluPair2(FiniteSumTame):
    r"""T8: L(w, v) = 1/2 \sum_{n<2} (v relu(w x_n) - y_n)^2, x = (1, 2), y = (1, 2); X rows are (w, v).

    Components J_n = 1/2 (v relu(w x_n) - y_n)^2. Since y = x: for w > 0 the residual is
    x_n (v w - 1), so L = 2.5 (v w - 1)^2 and grad = 5 (v w - 1) (v, w); for w < 0, L = 2.5 and
    grad = 0. The factor rho = v w - 1 is formed with Dekker's TwoProduct, so it is 0.0 iff v w = 1.

    ``grad`` (relu'(0) = 0 per sample, as autodiff does): J_n has gradient
    (x_n^2 rho v, x_n^2 rho w) for w > 0 and 0 for w <= 0. So grad(0, v) = (0, 0), and the one-sided
    limit from w > 0 at (0, 2) is 5 (0 - 1) (2, 0) = (-10, 0).

    Subdifferentials on w = 0 (J_n is C^1 on each closed half-plane, with the limits above):
    \partial J_n(0, v) = conv{(0, 0), (-x_n y_n v, 0)} = conv{0, (-x_n^2 v, 0)}, and
    \partial L(0, v) = conv{(0, 0), (-5 v, 0)} = \partial J_1 + \partial J_2 = D L(0, v): D-criticality
    and Clarke criticality coincide here, and both sets contain 0 - every point of w = 0 is critical.

    f_star = 0, argmin = {v w = 1, w > 0}; critical set = {w <= 0} (the dead-ReLU plateau, L = 2.5,
    and its kink line) u argmin. Only locally Lipschitz (lip None).
    """

    name = "relu_pair2"
    subgradient_convention = "relu'(0) = 0 per sample; grad = sum of the two samples' selections"
    f_star = 0.0
    critical_set = "{w <= 0} u {v w = 1, w > 0}"
    minimizer_set = "{v w = 1, w > 0}"
    _minimizers = ((1.0, 1.0), (0.5, 2.0), (2.0, 0.5))

    def __init__(self):
        super().__init__(2)
        self.n = 2
        self.x = np.array([1.0, 2.0])
        self.y = np.array([1.0, 2.0])

    def _rho(self, X):
        p, e = _two_product(X[:, 0], X[:, 1])
        return _shifted(p, e, 1.0)

    def _component_values(self, X):
        xp = backend_of(X).xp
        x, y = self.param("x", X), self.param("y", X)
        res = xp.where((X[:, 0] > 0)[:, None], x[None, :] * self._rho(X)[:, None], -y[None, :])
        return 0.5 * res * res

    def _component_grads(self, X):
        xp = backend_of(X).xp
        x = self.param("x", X)
        live = (X[:, 0] > 0)[:, None, None]
        G = (x * x)[None, :, None] * (self._rho(X)[:, None, None] * X[:, None, ::-1])  # (x_n^2 rho v, x_n^2 rho w)
        return xp.where(live, G, 0.0)

    def _component_points(self, X):
        xp = backend_of(X).xp
        x = self.param("x", X)
        G = self._component_grads(X)
        on_kink = (X[:, 0] == 0)[:, None, None]
        limit = xp.stack([-(x * x)[None, :] * X[:, 1:2], xp.zeros((X.shape[0], self.n))], axis=2)
        return xp.stack([G, xp.where(on_kink, limit, G)], axis=2)  # (R, 2, 2, 2)

    def _clarke_points(self, X):
        return _minkowski(self._component_points(X))  # = D L, shown in the docstring

    def is_minimizer(self, X):
        check_points(X, 2)
        return (X[:, 0] > 0) & (self._rho(X) == 0)

    def is_critical(self, X):
        return (X[:, 0] <= 0) | self.is_minimizer(X)

    def is_d_critical(self, X):
        return self.is_critical(X)


class SpuriousRelu(FiniteSumTame):
    r"""T9, a spurious D-critical point: J_1 = relu(t), J_2 = -relu(-t), J = J_1 + J_2 = t on R.

    J is linear, so \partial J = {1} everywhere: no Clarke-critical point, ``clarke_distance`` = 1,
    unbounded below, lip = 1. The components: \partial J_1 = {1[t > 0]} off 0 and [0, 1] at 0;
    \partial J_2 (J_2' = relu'(-t) = 1[t < 0]) = {1[t < 0]} off 0 and [0, 1] at 0. So
    D J(0) = [0, 2] contains 0: t = 0 is D-critical (``d_criticality`` = 0) but not Clarke-critical.
    ``grad`` (relu'(0) = 0 per component) = 1[t > 0] + 1[t < 0]: 1 off 0 and 0 at 0 - in D J(0) but
    NOT in \partial J(0) = {1}; INNA started at (0, 0) with this oracle never moves (card section 1.6).
    """

    name = "spurious_relu"
    subgradient_convention = "relu'(0) = 0 per component; grad = sum of the selections, in D J, not in \\partial J at 0"
    lip = 1.0
    critical_set = "empty (D-critical set: {0})"
    minimizer_set = "none: unbounded below"

    def __init__(self):
        super().__init__(1)
        self.n = 2

    def _component_values(self, X):
        xp = backend_of(X).xp
        t = X[:, 0]
        return xp.stack([xp.maximum(t, 0.0), -xp.maximum(-t, 0.0)], axis=1)

    def _component_grads(self, X):
        t = X[:, 0]
        xp = backend_of(X).xp
        return xp.stack([xp.astype(t > 0, t.dtype), xp.astype(t < 0, t.dtype)], axis=1)[:, :, None]

    def _component_points(self, X):
        xp = backend_of(X).xp
        G = self._component_grads(X)
        hi = xp.where((X[:, 0] == 0)[:, None, None], 1.0, G)
        return xp.stack([G, hi], axis=2)  # (R, 2, 2, 1): at 0 each is [0, 1]

    def _clarke_points(self, X):
        return backend_of(X).xp.ones((X.shape[0], 1, 1))

    def is_critical(self, X):
        check_points(X, 1)
        return backend_of(X).xp.zeros(X.shape[0], dtype=bool)

    def is_d_critical(self, X):
        check_points(X, 1)
        return X[:, 0] == 0


__all__ = ["Abs", "AbsDiff", "FiniteSumTame", "InnaToy", "L1Residual", "MaxLin1", "MaxLin2", "NegAbs",
           "ReluPair2", "SpuriousRelu", "TameObjective"]
