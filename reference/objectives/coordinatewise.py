r"""A separable coordinate-wise (L0,L1)-smooth family with per-coordinate constants.

Why separable: scalar (L0,L1)-smoothness does not give any coordinate-wise form with |\partial_i f(x)| on
the right (generalized-smoothness card 8.3 [D]): for \|x\|^4/4, which is scalar (4, 1)-smooth, at
x = (0, R, 0) one has \partial_1 f = 0 while the Hessian's row 1 has norm R^2. Separable objectives
decouple the coordinates, so the per-coordinate constants below are proved coordinate by coordinate.
"""
from __future__ import annotations

import numpy as np

from ..backend import backend_of, concat
from ._checks import finite_array, positive_int
from .base import Objective, check_points
from .l0l1 import double_well_L0, quartic_L0

KINDS = ("cosh", "exp", "quartic", "double_well")


class CoordinatewiseL0L1(Objective):
    r"""f(x) = \sum_i s_i h_{k_i}(x_i), each coordinate one of four 1-D kinds with parameter a_i > 0:

    ========== ================== ======================= =================================
    kind k      h(u)               (L0_i / s_i, L1_i)      inf h
    ========== ================== ======================= =================================
    cosh        cosh(a u)          (a^2, a)                1 at u = 0
    exp         e^{a u}            (0, a)                  0, not attained
    quartic     u^4/4              (4/a^2, a)              0 at u = 0
    double_well u^4/4 - u^2/2      (double_well_L0(a), a)  -1/4 at u = +-1 (nonconvex)
    ========== ================== ======================= =================================

    (for quartic and double_well the parameter a *is* the chosen L1_i; their L0 is the exact sup
    of |h''| - a |h'|.) Parameters: ``kinds`` (one name or one per coordinate; default cycles
    cosh, exp, quartic, double_well), ``a`` (scalar or per coordinate, default 1), ``scales`` s_i > 0
    (default 1). d defaults to the length of any per-coordinate argument, else 4.

    Per-coordinate constants (proved), published as the attributes ``L0_i`` and ``L1_i`` (arrays):

    * Hessian form: \nabla^2 f = diag(s_i h_i''(x_i)) and |s_i h_i''| <= s_i L0(h_i) + L1(h_i) |s_i h_i'|,
      i.e. |\partial_ii f(x)| <= L0_i + L1_i |\partial_i f(x)| with L0_i = s_i L0(h_i), L1_i = L1(h_i)
      (scaling by s_i scales h'' and h' alike). The 1-D proofs: cosh t - |sinh t| = e^{-|t|} <= 1;
      (e^{au})'' = a (e^{au})'; max_t 3t^2 - a t^3 = 4/a^2 (t = 2/a); double_well_L0 (l0l1.py).
    * First-order form (Groenwall per coordinate, [D]): |\partial_i f(y) - \partial_i f(x)| <=
      B(c) (L0_i + L1_i |\partial_i f(x)|) |y_i - x_i| whenever |y_i - x_i| <= c/L1_i, B(c) = (e^c - 1)/c;
      in particular for \|y - x\| <= c / max_i L1_i, with |y_i - x_i| <= \|y - x\| on the right.
    * Scalar constants: \|\nabla^2 f\| = max_i |\partial_ii f| <= max_i L0_i + max_i L1_i \|\nabla f\|, so the
      published "L0" = max_i L0_i and "L1" = max_i L1_i are also valid scalar (L0,L1) constants.
    * f_star = \sum_i s_i inf h_i (cosh: s_i; exp, quartic: 0; double_well: -s_i/4); it is attained
      unless some coordinate is "exp".
    * Not L-smooth: every h'' is unbounded along t -> +inf.
    """

    name = "coordinatewise_l0l1"
    function_class = "coordinate-wise (L0,L1)-smooth"

    def __init__(self, d: int | None = None, kinds=None, a=1.0, scales=None):
        lengths = []
        if kinds is not None and not isinstance(kinds, str):
            kinds = list(kinds)
            lengths.append(len(kinds))
        a_arr = np.atleast_1d(np.asarray(a, dtype=np.float64))
        if a_arr.ndim != 1:
            raise ValueError(f"a must be a number or a 1-d array; got shape {a_arr.shape}")
        if a_arr.size > 1:
            lengths.append(a_arr.size)
        if scales is not None:
            scales = finite_array(np.atleast_1d(scales), "scales", 1)
            if scales.size > 1:
                lengths.append(scales.size)
        if d is None:
            d = lengths[0] if lengths else 4
        d = positive_int(d, "d")
        super().__init__(d)
        for n in lengths:
            if n != d:
                raise ValueError(f"per-coordinate arguments (kinds, a, scales) must have length d = {d}; got {n}")
        if kinds is None:
            kinds = [KINDS[i % len(KINDS)] for i in range(d)]
        elif isinstance(kinds, str):
            kinds = [kinds] * d
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ValueError(f"kinds must be among {KINDS}; got {bad[0]!r}")
        self.kinds = tuple(kinds)
        if not (np.all(np.isfinite(a_arr)) and np.all(a_arr > 0)):
            raise ValueError(f"a must be finite and > 0 (per coordinate); got {a!r}")
        self.a = np.broadcast_to(a_arr, (d,)).copy()
        if scales is None:
            scales = np.ones(d)
        if not np.all(scales > 0):
            raise ValueError(f"scales must all be > 0; got min {scales.min()!r}")
        self.scales = np.broadcast_to(scales, (d,)).copy()

        kind_arr = np.array(self.kinds)
        self._idx = {k: np.flatnonzero(kind_arr == k) for k in KINDS}
        L0h = np.empty(d)
        inf_h = np.empty(d)
        for i, (k, ai) in enumerate(zip(self.kinds, self.a)):
            L0h[i] = {"cosh": ai * ai, "exp": 0.0, "quartic": quartic_L0(ai),
                      "double_well": double_well_L0(ai, 1) if k == "double_well" else 0.0}[k]
            inf_h[i] = {"cosh": 1.0, "exp": 0.0, "quartic": 0.0, "double_well": -0.25}[k]
        self.L0_i = self.scales * L0h
        self.L1_i = self.a.copy()
        self._f_star = float((self.scales * inf_h).sum())
        present = [k for k in KINDS if self._idx[k].size]
        for k in present:  # per-kind parameter slices and column indices, moved to the device by ``param``
            setattr(self, f"_a_{k}", self.a[self._idx[k]])
            setattr(self, f"_s_{k}", self.scales[self._idx[k]])
            setattr(self, f"_cols_{k}", self._idx[k])
        self._kinds_present = tuple(present)
        # the columns grouped by kind, then put back in place: gathers only (xp.take), which every array
        # namespace has; an indexed assignment with an index array is not in the array API standard
        self._unsort = np.argsort(np.concatenate([self._idx[k] for k in present]))

    @property
    def constants(self):
        return {"L0": float(self.L0_i.max()), "L1": float(self.L1_i.max()), "f_star": self._f_star}

    def _parts(self, X, order: int):
        """Per coordinate s_i h^(order)(x_i), shape (R, d)."""
        xp = backend_of(X).xp
        parts = []
        for k in self._kinds_present:
            U = xp.take(X, self.param(f"_cols_{k}", X), axis=1)
            a, s = self.param(f"_a_{k}", X), self.param(f"_s_{k}", X)
            if k == "cosh":
                v = (xp.cosh(a * U), a * xp.sinh(a * U), a * a * xp.cosh(a * U))[order]
            elif k == "exp":
                E = xp.exp(a * U)
                v = (E, a * E, a * a * E)[order]
            elif k == "quartic":
                U2 = U * U
                v = (0.25 * U2 * U2, U2 * U, 3.0 * U2)[order]
            else:
                U2 = U * U
                v = (0.25 * U2 * U2 - 0.5 * U2, U2 * U - U, 3.0 * U2 - 1.0)[order]
            parts.append(s * v)
        return xp.take(concat(xp, parts, axis=1), self.param("_unsort", X), axis=1)

    def value(self, X):
        check_points(X, self.d)
        return backend_of(X).xp.sum(self._parts(X, 0), axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return self._parts(X, 1)

    def hessian_diagonal(self, X):
        r"""\partial_ii f at each row, shape (R, d): the whole Hessian (f is separable)."""
        check_points(X, self.d)
        return self._parts(X, 2)

    def hvp(self, X, V):
        return self.hessian_diagonal(X) * V
