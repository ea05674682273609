r"""The catalogue of nonsmooth tame test objectives (card section 4, T1-T9) and a tiny ReLU network.

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
from itertools import combinations

import numpy as np

from ..backend import backend_of, get_backend
from ._checks import nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points

_SPLIT = 134217729.0  # 2^27 + 1: Dekker's splitting constant for float64


# == exact-sign arithmetic ======================================================================

def _two_sum(a, b):
    """s, e with s = fl(a + b) and s + e = a + b exactly (Knuth's TwoSum, no branch)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_product(a, b):
    """p, e with p = fl(a b) and p + e = a b exactly (Dekker; no overflow or underflow assumed)."""
    p = a * b
    ca, cb = _SPLIT * a, _SPLIT * b
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _shifted(s, e, c):
    """s + e - c rounded once more, with the exact sign (and zero) of s + e - c for c in {1, 2}.

    If c/2 <= s <= 2c, s - c is exact (Sterbenz) and fl((s - c) + e) has the sign of the exact
    (s - c) + e. Otherwise |s - c| >= max(|s|, c)/2 while |e| <= 2^-53 |s|, so rounding keeps the sign.
    """
    return (s - c) + e


# == convex hulls of a few points ================================================================

def _cross(p, q):
    return p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]


def dist_to_hull(points, y=None):
    r"""dist(y, conv(points)) (y = 0 by default) for point sets in R^1 or R^2, batched.

    ``points`` has shape (..., k, d) with d in {1, 2} (a set with fewer points repeats one: that does
    not change the hull); ``y`` shape (..., d). Returns shape (...). Exact method:

    * d = 1: conv is [lo, hi] and the distance of 0 is max(lo, -hi, 0).
    * d = 2: 0 is in conv(P) iff it is in the hull of at most 3 points of P (Caratheodory): a point
      p = 0; a segment [p, q] with cross(p, q) = 0 and <p, q> <= 0; or a non-degenerate triangle
      whose three cross products cross(a, b), cross(b, c), cross(c, a) share a sign (a degenerate
      triple has them all 0, or of both signs when its line misses 0). Then the answer is 0.0 exactly.
      Otherwise the nearest point lies on an edge of the hull; every edge is a segment between two
      points of P, and every such segment lies in the hull, so the distance is the least distance to
      the k(k-1)/2 segments and the k points: |cross(p, q)| / |q - p| when the foot of the
      perpendicular falls inside [p, q], else the nearer end.

    Each set is first scaled by a power of 2 to largest entry in [1/2, 1) (exact unless its entries
    span a ratio beyond ~1e300), so squares and products do not underflow: a subgradient of size
    1e-200 keeps a distance of 1e-200. The sign
    tests use the 2x2 determinants of the given coordinates, so they are exact whenever those are
    (integer vertices, as in T1-T6 and T9); otherwise they can err only for sets within rounding of
    containing 0.
    """
    xp = backend_of(points).xp
    P = points if y is None else points - y[..., None, :]
    d = P.shape[-1]
    if d == 1:
        lo, hi = P[..., 0].min(axis=-1), P[..., 0].max(axis=-1)
        return xp.maximum(xp.maximum(lo, -hi), 0.0)
    if d != 2:
        raise ValueError(f"dist_to_hull handles points in R^1 or R^2; got d = {d}")
    top = xp.abs(P).max(axis=(-2, -1))
    e = xp.frexp(xp.where(top > 0, top, 1.0))[1]  # top = m 2^e with m in [1/2, 1)
    return xp.ldexp(_dist_to_hull_2d(xp, xp.ldexp(P, -e[..., None, None])), e)


def _dist_to_hull_2d(xp, P):
    k = P.shape[-2]
    norms = xp.sqrt((P * P).sum(axis=-1))
    best = norms.min(axis=-1)
    inside = (norms == 0).any(axis=-1)
    if k >= 2:
        i, j = (xp.asarray(t) for t in zip(*combinations(range(k), 2)))
        p, q = P[..., i, :], P[..., j, :]
        cr = _cross(p, q)
        inside = inside | ((cr == 0) & ((p * q).sum(axis=-1) <= 0)).any(axis=-1)
        e = q - p
        ee = (e * e).sum(axis=-1)
        t = -(p * e).sum(axis=-1)
        interior = (t > 0) & (t < ee)
        seg = xp.where(interior, xp.abs(cr) / xp.sqrt(xp.where(interior, ee, 1.0)), xp.inf)
        best = xp.minimum(best, seg.min(axis=-1))
    if k >= 3:
        a, b, c = (xp.asarray(t) for t in zip(*combinations(range(k), 3)))
        A, B, C = P[..., a, :], P[..., b, :], P[..., c, :]
        c1, c2, c3 = _cross(A, B), _cross(B, C), _cross(C, A)
        same = ((c1 >= 0) & (c2 >= 0) & (c3 >= 0)) | ((c1 <= 0) & (c2 <= 0) & (c3 <= 0))
        flat = (c1 == 0) & (c2 == 0) & (c3 == 0)
        inside = inside | (same & ~flat).any(axis=-1)
    return xp.where(inside, 0.0, best)


def _convex_hull_2d(P):
    """Vertices of conv(P) in counter-clockwise order (Andrew's monotone chain), P of shape (k, 2)."""
    pts = sorted({(float(x), float(y)) for x, y in P})
    if len(pts) <= 2:
        return np.array(pts)

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    hull = lower[:-1] + upper[:-1]
    return np.array(hull if len(hull) >= 2 else pts[:1])


class Hull:
    r"""conv(points): a nonempty compact convex set in R^1 or R^2 given by finitely many points.

    ``points`` (k, d) as given; ``vertices`` the extreme points (1-D: lo and hi, or one point; 2-D:
    counter-clockwise); ``interval`` = (lo, hi) for d = 1; ``dist(y)`` = dist(y, set) (y = 0 by
    default), exact as in :func:`dist_to_hull`; ``contains(g, atol)``; ``a + b`` is the Minkowski sum
    (the hull of all pairwise sums of the points).
    """

    def __init__(self, points):
        P = np.asarray(points, dtype=np.float64)
        if P.ndim != 2 or P.shape[0] == 0 or P.shape[1] not in (1, 2):
            raise ValueError(f"points must have shape (k, 1) or (k, 2) with k >= 1; got {P.shape}")
        self.points = P
        self.d = P.shape[1]

    @property
    def vertices(self) -> np.ndarray:
        if self.d == 1:
            lo, hi = self.interval
            return np.array([[lo]] if lo == hi else [[lo], [hi]])
        return _convex_hull_2d(self.points)

    @property
    def interval(self) -> tuple[float, float]:
        if self.d != 1:
            raise ValueError("interval is defined for sets in R^1 only")
        return float(self.points.min()), float(self.points.max())

    @property
    def is_point(self) -> bool:
        return bool(np.all(self.points == self.points[0]))

    def dist(self, y=None) -> float:
        y = None if y is None else np.asarray(y, dtype=np.float64).reshape(self.d)
        return float(dist_to_hull(self.points, y))

    def contains(self, g, atol: float = 0.0) -> bool:
        return self.dist(g) <= atol

    def __add__(self, other: Hull) -> Hull:
        if other.d != self.d:
            raise ValueError("Minkowski sum of sets of different dimensions")
        S = (self.points[:, None, :] + other.points[None, :, :]).reshape(-1, self.d)
        return Hull(np.unique(S, axis=0))

    def __repr__(self) -> str:
        if self.d == 1:
            lo, hi = self.interval
            return f"Hull([{lo:g}, {hi:g}])" if lo != hi else f"Hull({{{lo:g}}})"
        return "Hull(conv{" + ", ".join(f"({a:g}, {b:g})" for a, b in self.vertices) + "})"


def _single(x, d):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.shape != (d,):
        raise ValueError(f"x must be one point of shape ({d},); got {x.shape}")
    return x[None, :]


def _minkowski(P):
    """(R, n, k, d) point sets of n summands -> (R, k^n, d) point set of their Minkowski sum."""
    R, n, k, d = P.shape
    S = P[:, 0]
    for i in range(1, n):
        S = (S[:, :, None, :] + P[:, i, None, :, :]).reshape(R, S.shape[1] * k, d)
    return S


def _check_idx(X, idx):
    if idx.ndim != 2 or idx.shape[0] != X.shape[0]:
        raise ValueError(f"idx must have shape (R, B) = ({X.shape[0]}, B); got {tuple(idx.shape)}")


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
        return self._component_values(X).sum(axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return self._component_grads(X).sum(axis=1)

    def component_value(self, X, idx):
        """Row r: (n/B) sum_b J_{idx[r, b]}(x_r) (the mean of f_i = n J_i: unbiased for J)."""
        check_points(X, self.d)
        _check_idx(X, idx)
        V = self._component_values(X)
        xp = backend_of(X).xp
        return xp.take_along_axis(V, idx, axis=1).mean(axis=1) * self.n

    def component_grad(self, X, idx):
        """Row r: (n/B) sum_b g_{J_{idx[r, b]}}(x_r) (the mean of grad f_i, f_i = n J_i)."""
        check_points(X, self.d)
        _check_idx(X, idx)
        G = self._component_grads(X)
        xp = backend_of(X).xp
        return xp.take_along_axis(G, idx[:, :, None], axis=1).mean(axis=1) * self.n

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
        return (X @ self.param("slopes", X).T).max(axis=1)

    def _active(self, X):
        raise NotImplementedError

    def grad(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        act = self._active(X)
        first = xp.argmax(act, axis=1)
        return self.param("slopes", X)[first]

    def _clarke_points(self, X):
        xp = backend_of(X).xp
        act = self._active(X)
        a = self.param("slopes", X)
        pad = a[xp.argmax(act, axis=1)]  # an active slope repeated: does not change the hull
        return xp.where(act[:, :, None], a[None, :, :], pad[:, None, :])

    def is_critical(self, X):
        check_points(X, self.d)
        return (X == 0).all(axis=1)

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
        return xp.stack([(t > 0) * 1.0, (t < 0) * 1.0], axis=1)[:, :, None]

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


# == a tiny ReLU network ==========================================================================

class ReluNet(Objective):
    r"""J(x) = \sum_{i<n} J_i(x), J_i = 1/2 (v . relu(W a_i + b) + c - y_i)^2: one hidden ReLU layer.

    Parameters x in R^P, P = m (p + 2) + 1, laid out as W (m x p, row-major), b (m), v (m), c (1);
    ``unpack(X)`` gives the per-run views. Data from ``seed``: a_i ~ N(0, I_p) and
    y_i = v*.relu(W* a_i + b*) + noise e_i for a seeded teacher (W*, b*, v*) of the same shape (m units).
    J is the SUM over samples (INNA paper eq. 3); ``component_grad(X, idx)`` = (n/B) \sum_b
    grad J_{idx[r, b]} is the base API's mean of f_i = n J_i, unbiased for ``grad`` (minibatch oracle).

    Class "nonsmooth-tame": semialgebraic and locally Lipschitz; kinks where a pre-activation
    z_ij = W_j . a_i + b_j is 0. No global Lipschitz constant (lip None); f_low = 0 (sum of squares).

    ``grad``: backpropagation with relu'(0) = 0, i.e. the sum of per-sample selections g_i, each the
    limit of grad J_i from the side where every kinked unit is off, hence in \partial J_i;
    ``grad`` is in D J(x) = \sum_i \partial J_i(x).

    D J exactly. Fix x and sample i with kinked units K_i = {j : z_ij = 0}. Near x, J_i is a continuous
    selection of the smooth pieces P_s (s in {0, 1}^{K_i}: unit j in K_i treated as linear if s_j = 1,
    as 0 if s_j = 0), each equal to J_i on an open region {z_ij > 0 (s_j = 1), < 0 (s_j = 0)} with x in
    its closure (z_ij depends only on (W_j, b_j), with gradient (a_i, 1) != 0, so all 2^{|K_i|} sign
    patterns occur). Hence \partial J_i(x) = conv{grad P_s(x)}; since z_ij = 0 the residual r_i is the
    same for every s and grad P_s = g_i + \sum_{j in K_i} s_j u_ij, u_ij = r_i v_j (a_i, 1) placed in
    unit j's (W_j, b_j) block. So \partial J_i(x) = g_i + \sum_{j in K_i} [0, 1] u_ij and
    D J(x) = grad(x) + \sum_{(i, j) kinked} [0, 1] u_ij, a zonotope. Its distance from 0 splits over
    the units' blocks (the u_ij of unit j live in block j):
    dist^2 = |grad outside the kinked blocks|^2 + \sum_j min_{t in [0,1]^{K_j}} |g_(j) + U_j t|^2.

    ``d_criticality_bounds(X)`` returns (lo, hi): EXACT (lo = hi, closed-form projection onto a
    segment) when every unit has at most one kinked sample with u_ij != 0 - in particular with no
    kinks at all, where D J = {grad} and the value is |grad|. A unit with K_j >= 2 kinked samples is
    a box-constrained least-squares problem: hi from exact coordinate-descent steps (any feasible t),
    lo from the weak-duality bound (1/2)|h|^2 >= <y, g> - |y|^2/2 + \sum_k min(0, (U^T y)_k) at
    y = g + U t. ``d_criticality(X)`` is hi (an upper bound, exact in the case above).
    ``kinks(X)`` is the (R, n, m) mask of kinked pre-activations as computed (a computed z_ij = 0 is
    taken as a kink: the set is D J at the point whose pre-activations are the computed ones).
    """

    name = "relu_net"
    function_class = "nonsmooth-tame"
    subgradient_convention = "relu'(0) = 0 per sample; grad = sum of the samples' selections (in D J)"
    lip = None
    f_star = None
    critical_set = "not known in closed form"
    minimizer_set = "not known in closed form"

    def __init__(self, n: int = 16, p: int = 2, m: int = 4, seed: int = 0, noise: float = 0.1):
        self.n = positive_int(n, "n")
        self.p = positive_int(p, "p")
        self.m = positive_int(m, "m")
        self.noise = nonneg_float(noise, "noise")
        super().__init__(self.m * (self.p + 2) + 1)
        data_rng, teacher_rng, noise_rng = seeded_rng(seed).spawn(3)
        self.data = data_rng.standard_normal((self.n, self.p))
        Wt = teacher_rng.standard_normal((self.m, self.p))
        bt = 0.5 * teacher_rng.standard_normal(self.m)
        vt = teacher_rng.standard_normal(self.m)
        self.targets = np.maximum(self.data @ Wt.T + bt, 0.0) @ vt + self.noise * noise_rng.standard_normal(self.n)
        m, p = self.m, self.p
        self._glorot = np.concatenate([np.full(m * p, math.sqrt(6.0 / (p + m))), np.zeros(m),
                                       np.full(m, math.sqrt(6.0 / (m + 1))), np.zeros(1)])

    @property
    def constants(self):
        return {"f_low": 0.0}

    def describe(self) -> str:
        return (f"{self.name} (p={self.p}, m={self.m}, n={self.n}; P={self.d}; {self.function_class}; "
                "J = sum of samples; f_low=0)")

    def initial_points(self, R: int, seed: int = 0, radius: float = 2.0, backend="numpy"):
        """R Glorot-uniform parameter vectors (biases 0), multiplied by radius / 2; seeded."""
        radius = nonneg_float(radius, "radius")
        be = get_backend(backend)
        U = 2.0 * be.rng(seed).random((R, self.d)) - 1.0
        return (0.5 * radius) * U * be.xp.asarray(self._glorot)

    def unpack(self, X):
        """W (R, m, p), b (R, m), v (R, m), c (R,): views of X."""
        R, m, p = X.shape[0], self.m, self.p
        return (X[:, :m * p].reshape(R, m, p), X[:, m * p:m * (p + 1)], X[:, m * (p + 1):m * (p + 2)],
                X[:, -1])

    def _forward(self, X, A, y):
        """Pre-activations Z (R, N, m), activations H and residuals (R, N) for data A, y."""
        xp = backend_of(X).xp
        W, b, v, c = self.unpack(X)
        Z = A @ xp.swapaxes(W, -1, -2) + b[:, None, :]
        H = xp.maximum(Z, 0.0)
        res = (H * v[:, None, :]).sum(axis=-1) + c[:, None] - y
        return Z, H, res

    def _grad(self, X, A, y):
        xp = backend_of(X).xp
        v = self.unpack(X)[2]
        Z, H, res = self._forward(X, A, y)
        D = res[:, :, None] * v[:, None, :] * (Z > 0)  # dJ/dz with relu'(0) = 0
        dW = xp.swapaxes(D, -1, -2) @ A
        R = X.shape[0]
        return xp.concatenate([dW.reshape(R, self.m * self.p), D.sum(axis=1), (res[:, :, None] * H).sum(axis=1),
                               res.sum(axis=1)[:, None]], axis=1)

    def value(self, X):
        check_points(X, self.d)
        res = self._forward(X, self.param("data", X), self.param("targets", X))[2]
        return 0.5 * (res * res).sum(axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return self._grad(X, self.param("data", X), self.param("targets", X))

    def _components(self, X, idx):
        _check_idx(X, idx)
        return self.param("data", X)[idx], self.param("targets", X)[idx]

    def component_value(self, X, idx):
        """Row r: (n/B) sum_b J_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        res = self._forward(X, *self._components(X, idx))[2]
        return 0.5 * (res * res).sum(axis=1) * (self.n / idx.shape[1])

    def component_grad(self, X, idx):
        """Row r: (n/B) sum_b grad J_{idx[r, b]}(x_r) (relu'(0) = 0)."""
        check_points(X, self.d)
        return self._grad(X, *self._components(X, idx)) * (self.n / idx.shape[1])

    # -- D-criticality -------------------------------------------------------------------------
    def kinks(self, X):
        """(R, n, m) mask: the computed pre-activation z_ij is exactly 0."""
        check_points(X, self.d)
        return self._forward(X, self.param("data", X), self.param("targets", X))[0] == 0

    def kink_directions(self, x):
        """At one point x: the list of (j, u) with u in R^P the segment direction u_ij of each kinked
        (i, j) with u_ij != 0 (D J(x) = grad(x) + sum [0, 1] u)."""
        X = np.asarray(x, dtype=np.float64).reshape(1, self.d)
        Z, _, res = self._forward(X, self.data, self.targets)
        v = self.unpack(X)[2][0]
        out = []
        for i, j in zip(*np.nonzero(Z[0] == 0)):
            coef = res[0, i] * v[j]
            if coef != 0:
                u = np.zeros(self.d)
                u[j * self.p:(j + 1) * self.p] = coef * self.data[i]
                u[self.m * self.p + j] = coef
                out.append((int(j), u))
        return out

    def _block(self, j):
        return np.r_[j * self.p:(j + 1) * self.p, self.m * self.p + j]

    def d_criticality_bounds(self, X, sweeps: int = 200):
        """(lo, hi) with lo <= dist(0, D J(x)) <= hi per row; lo == hi (exact) unless some unit has
        two or more kinked samples. NumPy arrays of shape (R,)."""
        check_points(X, self.d)
        Xn = backend_of(X).to_numpy(X)
        G = self._grad(Xn, self.data, self.targets)
        Z = self._forward(Xn, self.data, self.targets)[0]
        hi = np.sqrt((G * G).sum(axis=1))
        lo = hi.copy()
        for r in np.nonzero((Z == 0).any(axis=(1, 2)))[0]:
            units: dict[int, list[np.ndarray]] = {}
            for j, u in self.kink_directions(Xn[r]):
                units.setdefault(j, []).append(u[self._block(j)])
            if not units:
                continue
            g = G[r]
            base = g.copy()
            for j in units:
                base[self._block(j)] = 0.0
            lo_sq = hi_sq = float(base @ base)
            for j, us in units.items():
                gj, U = g[self._block(j)], np.array(us).T  # (p + 1, K_j)
                l, h = _box_least_squares(gj, U, sweeps)
                lo_sq, hi_sq = lo_sq + l, hi_sq + h
            lo[r], hi[r] = math.sqrt(max(lo_sq, 0.0)), math.sqrt(hi_sq)
        return lo, hi

    def d_criticality(self, X):
        """dist(0, D J(x)) per row: exact where every unit has at most one kinked sample, else an
        upper bound (see ``d_criticality_bounds``). NumPy array of shape (R,)."""
        return self.d_criticality_bounds(X)[1]


def _box_least_squares(g, U, sweeps):
    """(lo, hi) bounds on min_{t in [0,1]^K} |g + U t|^2; exact (lo = hi) for K = 1."""
    K = U.shape[1]
    uu = (U * U).sum(axis=0)
    if K == 1:
        t = min(max(-(g @ U[:, 0]) / uu[0], 0.0), 1.0)
        h = g + t * U[:, 0]
        val = float(h @ h)
        return val, val
    t = np.zeros(K)
    h = g.copy()
    for _ in range(sweeps):
        for k in range(K):
            new = min(max(t[k] - (h @ U[:, k]) / uu[k], 0.0), 1.0)
            h += (new - t[k]) * U[:, k]
            t[k] = new
    hi = float(h @ h)
    y = h
    dual = 2.0 * (y @ g) - y @ y + 2.0 * np.minimum(U.T @ y, 0.0).sum()
    return min(max(dual, 0.0), hi), hi


__all__ = ["Abs", "AbsDiff", "FiniteSumTame", "Hull", "InnaToy", "L1Residual", "MaxLin1", "MaxLin2", "NegAbs",
           "ReluNet", "ReluPair2", "SpuriousRelu", "TameObjective", "dist_to_hull"]
