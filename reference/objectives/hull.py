r"""Convex hulls of a few points, exact distances to them, and the exact-sign arithmetic that decides
kinks: the geometry behind the Clarke subdifferentials of reference/objectives/tame.py.

A Clarke subdifferential of the catalogue is the convex hull of finitely many points (an interval in
1-D, a polygon in 2-D), and D J = sum_n dJ_n is their Minkowski sum. ``dist_to_hull`` is exact in 2-D
(0 inside, else the nearest edge or vertex); TwoSum / TwoProduct keep a residual's sign exact.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from ..backend import backend_of

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
