r"""(L0,L1)-smooth families that are not L-smooth, with proved constants and the "witness" block.

(L0,L1)-smoothness (ZHSJ Definition 1, clipping card section 1, [P]): f is twice differentiable and
\|\nabla^2 f(x)\|_2 <= L0 + L1 \|\nabla f(x)\|_2 for every x. None of the families here is L-smooth: the
Hessian is unbounded along a ray (tests/test_objectives_l0l1.py checks it), so no "L" is published.

Shared layout: z = (u, y) in R^d, u the first ``d - witness`` coordinates, y the last ``witness``:

    f(z) = phi(u) + (mu/2) \|y\|^2          (witness = 0: f = phi)

The witness block is the clipping card's section 10.1 construction ([D] there): with mu = 1 and
y_0 = 1 it turns "every fixed step of GD is slow" into a theorem about one function (in 1-D a lucky
step lands on the minimiser, card section 10.3). The Hessian is block diagonal, diag(\nabla^2 phi, mu I),
so \|\nabla^2 f\| = max(\|\nabla^2 phi\|, mu) <= max(L0_phi, mu) + L1 \|\nabla_u phi\| <= L0 + L1 \|\nabla f\|
with L0 = max(L0_phi, mu): every class publishes that (the card's "(max(a^2, mu), a)" etc.).

First-order form used in this project (card section 9.2 [D], Groenwall; generalized-smoothness card
7.2/7.3): for \|y - x\| = r <= c/L1,

    \|\nabla f(y) - \nabla f(x)\| <= A(c) (L0 + L1 \|\nabla f(x)\|) r,   A(c) = (e^c - 1)/c,

(theorem l0l1.descent), which implies (A0 L0 + A1 L1 \|\nabla f(x)\|) r with A0(c) = 1 + e^c - (e^c - 1)/c
>= A1(c) = A(c), constants a secondary source attributes to Huebler et al. 2024 ([S]; that ZJFW use them is
a recollection [R] of the card). ``gronwall_factor(c)`` and ``huebler_constants(c)`` give them.
Proof: u(t) = \|\nabla f(x + t(y - x))\| has |u'| <= (L0 + L1 u) r, so L0 + L1 u(t) <= (L0 + L1 u(0))
e^{L1 r t}; integrate \|\nabla^2 f\| r over t in [0, 1]. A(c) is tight (cosh, card 9.2).

Witness lower bound (card section 10.1 Proposition, [D]): GD x_{k+1} = x_k - h \nabla f(x_k) from
z_0 = (R e_1, y_0) with eps < min(\|\nabla_u f(z_0)\|, mu \|y_0\|):
(i) h >= h_max never reaches \|\nabla f\| <= eps; (ii) if mu h_max < 1 every fixed h needs at least
K_LB = ln(mu \|y_0\|/eps) / (-ln(1 - mu h_max)) steps (``K_LB``). For one given h < h_max the witness
gives \|\nabla f(z_k)\| >= mu \|y_0\| |1 - h mu|^k, hence at least ln(mu \|y_0\|/eps)/(-ln|1 - h mu|)
steps (``gd_lower_bound``). h_max: cosh, min(2R/(a sinh(aR)), 2/mu); u^4/4, min(2/R^2, 2/mu);
Mexican hat, min(2/(R^2 - 1), 2/mu) (R > 1). The other u-coordinates start at 0 and stay there (the
u-gradient vanishes on the axis' complement), so the 1-D argument of the card applies verbatim.

Gradient bound on sublevel sets (ZHSJ assumption A4, [D]): ``grad_norm_sup(level)`` is
M(level) = sup{\|\nabla f(z)\| : f(z) <= level}, exact (attained, or approached for exp_sum), the M of
ZHSJ's fixed step 1/(2(M L1 + L0)) with level = f(x0). Proofs in ``_Witnessed.grad_norm_sup`` (witness
block) and each family's ``_grad_sq_sup_phi`` (S(s) = sup{\|\nabla phi(u)\|^2 : phi(u) <= s}).
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import backend_of, concat
from ._checks import nonneg_float, positive_int
from .base import Objective, check_points


# -- shared helpers ------------------------------------------------------------------------------

def gronwall_factor(c: float) -> float:
    """A(c) = (e^c - 1)/c (-> 1 as c -> 0): the first-order form's factor at radius c/L1 ([D], l0l1.descent)."""
    c = float(c)
    if not c > 0 or not math.isfinite(c):
        raise ValueError(f"radius factor c must be a finite number > 0; got {c!r}")
    return math.expm1(c) / c


def huebler_constants(c: float) -> tuple[float, float]:
    """(A0(c), A1(c)) = (1 + e^c - (e^c - 1)/c, (e^c - 1)/c): attributed to Huebler et al. 2024 by a
    secondary source ([S]); valid because A0 >= A1 = A(c) (l0l1.descent)."""
    a1 = gronwall_factor(c)
    return 1.0 + math.exp(c) - a1, a1


def _positive(value, name: str) -> float:
    v = nonneg_float(value, name)
    if v == 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return v


def _sup_poly(coeffs, lo: float, hi: float) -> tuple[float, float]:
    """(sup, argmax) of the polynomial (coefficients highest first) on [lo, hi] (hi may be inf; then
    the leading coefficient must be < 0): the best of the endpoints and the real critical points
    inside (exact up to root-finding rounding)."""
    p = np.poly1d(coeffs)
    if math.isinf(hi) and p.order >= 1 and p.coeffs[0] > 0:
        return math.inf, math.inf
    cands = [lo] + ([hi] if math.isfinite(hi) else [])
    for r in p.deriv().roots if p.order >= 2 else []:
        if abs(r.imag) < 1e-12 and lo <= r.real <= hi:
            cands.append(float(r.real))
    best = max(cands, key=lambda t: p(t))
    return float(p(best)), best


def quartic_L0(L1: float) -> float:
    """sup_t 3t^2 - L1 t^3 over t >= 0 = 4/L1^2, at t = 2/L1 (card 10.1 B, sympy there)."""
    return 4.0 / (L1 * L1)


def double_well_L0(L1: float, m: int = 1) -> float:
    return _double_well_sup(L1, m)[0]


def double_well_argmax(L1: float, m: int = 1) -> float:
    """An r >= 0 attaining double_well_L0(L1, m)."""
    return _double_well_sup(L1, m)[1]


def _double_well_sup(L1: float, m: int = 1) -> tuple[float, float]:
    r"""sup_{r >= 0} \|\nabla^2 g\| - L1 \|\nabla g\| for g(w) = (\|w\|^2 - 1)^2/4 on R^m, r = \|w\|.

    \nabla g = (r^2 - 1) w, \nabla^2 g = (r^2 - 1) I + 2 w w^T: eigenvalues 3r^2 - 1 (radial) and, for
    m >= 2, r^2 - 1; \|\nabla g\| = r |r^2 - 1|. Writing |v| = max(v, -v) splits the sup into cubic
    pieces on [0, 1] and [1, inf) whose sups are exact (``_sup_poly``). L1 = 3 gives 2 (at r = 1),
    L1 = 1 gives 5.07920 (at r = 1 + 2/sqrt 3), L1 = 2 gives 2.28211 (card 10.1 C, both m = 1, 2).
    """
    b = float(L1)
    pieces = [([b, 3.0, -b, -1.0], 0.0, 1.0),     # (3r^2 - 1) - b (r - r^3)
              ([b, -3.0, -b, 1.0], 0.0, 1.0),     # (1 - 3r^2) - b (r - r^3)
              ([-b, 3.0, b, -1.0], 1.0, math.inf)]  # (3r^2 - 1) - b (r^3 - r)  (>= r^2 - 1 there)
    if m >= 2:
        pieces.append(([b, -1.0, -b, 1.0], 0.0, 1.0))  # (1 - r^2) - b (r - r^3)
    return max((_sup_poly(*p) for p in pieces), key=lambda vr: vr[0])


def _check_witness(d, witness, mu, min_u: int = 1):
    d = positive_int(d, "d")
    if isinstance(witness, bool) or not isinstance(witness, (int, np.integer)) or witness < 0:
        raise ValueError(f"witness (the number of trailing quadratic coordinates) must be an integer >= 0; "
                         f"got {witness!r}")
    if d - witness < min_u:
        raise ValueError(f"d = {d} leaves fewer than {min_u} coordinate(s) for the (L0,L1) block "
                         f"once witness = {witness} are taken")
    return d, int(witness), _positive(mu, "mu")


class _Witnessed(Objective):
    r"""f(z) = phi(u) + (mu/2)\|y\|^2; subclasses give phi, its gradient, its hvp and L0_phi, L1."""

    function_class = "(L0,L1)-smooth"

    def __init__(self, d: int, witness: int, mu: float, min_u: int = 1):
        d, witness, mu = _check_witness(d, witness, mu, min_u)
        super().__init__(d)
        self.witness = witness
        self.mu = mu
        self.m = d - witness

    # subclass interface on the u-block
    def _phi(self, xp, U):
        raise NotImplementedError

    def _dphi(self, xp, U):
        raise NotImplementedError

    def _hvp_phi(self, xp, U, V):
        raise NotImplementedError

    _L0_phi: float
    _L1: float
    _phi_star: float | None = None  # inf phi when known
    _phi_low: float | None = None

    @property
    def constants(self):
        L0 = max(self._L0_phi, self.mu) if self.witness else self._L0_phi
        out = {"L0": L0, "L1": self._L1}
        if self._phi_star is not None:
            out["f_star"] = self._phi_star
        else:
            out["f_low"] = self._phi_low
        return out

    def _split(self, X):
        return X[:, :self.m], X[:, self.m:]

    def value(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        U, Y = self._split(X)
        out = self._phi(xp, U)
        if self.witness:
            out = out + 0.5 * self.mu * xp.sum(Y * Y, axis=1)
        return out

    def grad(self, X):
        check_points(X, self.d)
        xp = backend_of(X).xp
        U, Y = self._split(X)
        if not self.witness:
            return self._dphi(xp, U)
        return concat(xp, [self._dphi(xp, U), self.mu * Y], axis=1)

    def hvp(self, X, V):
        check_points(X, self.d)
        xp = backend_of(X).xp
        U, _ = self._split(X)
        Hu = self._hvp_phi(xp, U, V[:, :self.m])
        if not self.witness:
            return Hu
        return concat(xp, [Hu, self.mu * V[:, self.m:]], axis=1)

    # -- the gradient bound on sublevel sets (ZHSJ A4) -------------------------------------------
    _phi_attained: bool = True  # whether inf phi is attained (exp_sum: no)

    def _grad_sq_sup_phi(self, s: np.ndarray) -> np.ndarray:
        r"""S(s) = sup{\|\nabla phi(u)\|^2 : phi(u) <= s} for s >= inf phi (elementwise, numpy)."""
        raise NotImplementedError

    def grad_norm_sup(self, level):
        r"""M(level) = sup{\|\nabla f(z)\|_2 : f(z) <= level} (ZHSJ A4 with level = f(x0)); a float or an
        array of levels, answered in the same shape. Exact: attained, except for exp_sum, where it is
        approached (attained only when d - witness = 1 and the S(level) term below is the larger).

        Proof ([D]). No witness: M^2 = S(level), S(s) = sup{\|\nabla phi\|^2 : phi <= s} (each family's
        ``_grad_sq_sup_phi``). Witness: \|\nabla f\|^2 = \|\nabla phi(u)\|^2 + 2 mu q(y), q = (mu/2)\|y\|^2.
        At a point with phi(u) = s <= level, q(y) <= level - s, so \|\nabla f\|^2 <= S(s) + 2 mu (level - s),
        with equality approached by u near-optimal for S(s) and q(y) = level - s. S is convex on
        [inf phi, level] (checked per family: S'' >= 0), so S(s) + 2 mu (level - s) is convex in s and its
        sup over s is at an endpoint:

            M^2 = max(S(level), S(phi_min) + 2 mu (level - phi_min)),   S(phi_min) = 0 (all four families),

        phi_min = inf phi: (u*, 0) with phi(u*) = level gives the first, (argmin phi, y) with
        q(y) = level - phi_min the second (for exp_sum u -> -inf: approached, not attained).

        Raises ValueError naming ``level`` for NaN, for level < inf f (empty sublevel set), and for
        level = inf f when inf f is not attained (exp_sum: {f <= 0} is empty). level = +inf gives inf.
        """
        try:
            lv = np.asarray(level, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"level must be a float or an array of floats; got {level!r}") from None
        if np.isnan(lv).any():
            raise ValueError(f"level must not be NaN; got {level!r}")
        lo = self._phi_star
        bad = lv < lo if self._phi_attained else lv <= lo
        if bad.any():
            first = float(lv[bad].flat[0]) if lv.ndim else float(lv)
            if self._phi_attained:
                why = f"level must be >= inf f = {lo!r} (the sublevel set {{f <= level}} is empty below it)"
            else:
                why = (f"level must be > inf f = {lo!r}: {self.name}'s infimum is not attained, so "
                       f"{{f <= level}} is empty for level <= {lo!r}")
            raise ValueError(f"{why}; got level = {first!r}")
        with np.errstate(over="ignore"):
            sq = self._grad_sq_sup_phi(lv)
            if self.witness:
                sq = np.maximum(sq, self._grad_sq_sup_phi(np.asarray(lo, dtype=float))
                                + 2.0 * self.mu * (lv - lo))
        out = np.sqrt(sq)
        return float(out) if out.ndim == 0 else out

    # -- the witness lower bound (card 10.1) ----------------------------------------------------
    def _h_max_u(self, R: float) -> float:
        raise NotImplementedError(f"{self.name} has no witness step bound h_max (card 10.1 covers cosh, "
                                  f"u^4/4 and the Mexican hat)")

    def witness_start(self, R: float, y0: float = 1.0) -> np.ndarray:
        r"""z_0 = (R e_1, y0 e_1) as a (1, d) row: the card's start u_0 = R (w_0 = (R, 0)), \|y_0\| = y0."""
        if not self.witness:
            raise ValueError(f"{self.name} with witness = 0 has no witness block; build it with witness >= 1")
        z = np.zeros((1, self.d))
        z[0, 0] = float(R)
        z[0, self.m] = float(y0)
        return z

    def h_max(self, R: float) -> float:
        """The card's h_max: every fixed step h >= h_max fails from witness_start(R) (Proposition (i))."""
        if not self.witness:
            raise ValueError(f"{self.name} with witness = 0 has no witness block; build it with witness >= 1")
        return min(self._h_max_u(float(R)), 2.0 / self.mu)

    def _check_eps(self, eps, R, y0):
        eps = _positive(eps, "eps")
        y0 = _positive(y0, "y0")
        gu = float(np.linalg.norm(self.grad(self.witness_start(R, y0))[0, :self.m]))
        if not eps < min(gu, self.mu * y0):
            raise ValueError(f"eps must be < min(||grad_u f(z0)||, mu ||y0||) = {min(gu, self.mu * y0):.6g} "
                             f"for the witness bound; got {eps!r}")
        return eps, y0

    def K_LB(self, eps: float, R: float, y0: float = 1.0) -> float:
        """ln(mu y0/eps) / (-ln(1 - mu h_max)): GD steps needed by *every* fixed step from
        witness_start(R, y0) (card 10.1 Proposition (ii), [D]); requires mu h_max < 1."""
        eps, y0 = self._check_eps(eps, R, y0)
        hm = self.h_max(R)
        if not self.mu * hm < 1:
            raise ValueError(f"the witness bound needs mu h_max < 1; got mu h_max = {self.mu * hm:.6g} "
                             f"(take a larger R)")
        return math.log(self.mu * y0 / eps) / -math.log1p(-self.mu * hm)

    def gd_lower_bound(self, lr: float, eps: float, R: float, y0: float = 1.0) -> float:
        """Steps GD with the fixed step ``lr`` needs from witness_start(R, y0): inf if lr >= h_max
        (Proposition (i)), else ln(mu y0/eps)/(-ln|1 - lr mu|) (0 when lr mu = 1)."""
        eps, y0 = self._check_eps(eps, R, y0)
        lr = _positive(lr, "lr")
        if lr >= self.h_max(R):
            return math.inf
        q = abs(1.0 - lr * self.mu)
        if q == 0.0:
            return 0.0
        return math.log(self.mu * y0 / eps) / -math.log(q)


# -- the families ---------------------------------------------------------------------------------

class CoshSum(_Witnessed):
    r"""phi(u) = \sum_i cosh(a u_i),  a > 0  (card 10.1 objective A; generalized-smoothness card F3).

    Constants (proved):

    * (L0, L1) = (a^2, a) without witness, (max(a^2, mu), a) with it. phi is separable:
      \nabla^2 phi = diag(a^2 cosh(a u_i)), \nabla phi = (a sinh(a u_i)). Since cosh t - |sinh t| = e^{-|t|}
      <= 1, a^2 cosh(a u_i) <= a^2 + a |a sinh(a u_i)| <= a^2 + a \|\nabla phi\|, and the Hessian norm is
      the max over i. Tight: at u = 0 the Hessian norm is a^2 with zero gradient; and
      (\|\nabla^2 phi\| - a^2)/\|\nabla phi\| -> a along a ray, so no smaller L1 works with finite L0.
    * f_star = d - witness (cosh >= 1, attained at z = 0).
    * Not L-smooth: a^2 cosh(a t) -> inf along t e_1. Convex.
    """

    name = "cosh"

    def __init__(self, d: int = 2, a: float = 1.0, witness: int = 0, mu: float = 1.0):
        super().__init__(d, witness, mu)
        self.a = _positive(a, "a")
        self._L0_phi, self._L1 = self.a**2, self.a
        self._phi_star = float(self.m)

    def _phi(self, xp, U):
        return xp.sum(xp.cosh(self.a * U), axis=1)

    def _dphi(self, xp, U):
        return self.a * xp.sinh(self.a * U)

    def _hvp_phi(self, xp, U, V):
        return self.a**2 * xp.cosh(self.a * U) * V

    def _grad_sq_sup_phi(self, s):
        r"""S(s) = a^2 ((s - m + 1)^2 - 1), s >= m = d - witness ([D]). \|\nabla phi\|^2
        = a^2 \sum (C_i^2 - 1) with C_i = cosh(a u_i), which ranges over [1, inf) independently; the convex
        \sum C_i^2 on the simplex {C_i >= 1, \sum C_i <= s} is maximal at a vertex, the best being all
        excess on one coordinate, C = (s - m + 1, 1, ..., 1): attained at u = (arccosh(s - m + 1)/a, 0, ...).
        Computed as a^2 e (e + 2), e = s - m (no cancellation). S' = 2a^2(e + 1) > 0, S'' = 2a^2: convex;
        S(m) = 0."""
        e = s - float(self.m)
        return self.a**2 * e * (e + 2.0)

    def _h_max_u(self, R):
        if not R > 0:
            raise ValueError(f"R must be > 0; got {R!r}")
        return 2.0 * R / (self.a * math.sinh(self.a * R))


class QuarticSum(_Witnessed):
    r"""phi(u) = \sum_i u_i^4 / 4  (card 10.1 objective B).

    Constants (proved), for any chosen L1 > 0 (the class is a trade-off curve):

    * (L0, L1) = (4/L1^2, L1) without witness, (max(4/L1^2, mu), L1) with it. \nabla^2 phi = diag(3u_i^2),
      \nabla phi = (u_i^3); max_t 3t^2 - L1 t^3 = 4/L1^2 at t = 2/L1 (card, sympy), so
      3u_i^2 <= 4/L1^2 + L1 |u_i|^3 <= 4/L1^2 + L1 \|\nabla phi\|. Tight on the curve: equality at
      u = (2/L1) e_1. The card uses L1 = 2, i.e. (1, 2) (the default).
    * f_star = 0 at z = 0. Not L-smooth (3t^2 -> inf). Convex.
    """

    name = "quartic"

    def __init__(self, d: int = 2, L1: float = 2.0, witness: int = 0, mu: float = 1.0):
        super().__init__(d, witness, mu)
        self._L1 = _positive(L1, "L1")
        self._L0_phi = quartic_L0(self._L1)
        self._phi_star = 0.0

    def _phi(self, xp, U):
        U2 = U * U
        return 0.25 * xp.sum(U2 * U2, axis=1)

    def _dphi(self, xp, U):
        return U * U * U

    def _hvp_phi(self, xp, U, V):
        return 3.0 * U * U * V

    def _grad_sq_sup_phi(self, s):
        r"""S(s) = (4s)^{3/2} ([D]). \|\nabla phi\|^2 = \sum u_i^6 = \sum (4 p_i)^{3/2}, p_i = u_i^4/4 >= 0 free;
        convex in p, so maximal on the simplex {p >= 0, \sum p_i <= s} at a vertex: p = s e_1, attained at
        u = ((4s)^{1/4}, 0, ...). S' = 12 sqrt s >= 0, S'' = 6/sqrt s > 0: convex; S(0) = 0."""
        return 8.0 * s * np.sqrt(s)

    def _h_max_u(self, R):
        if not R > 0:
            raise ValueError(f"R must be > 0; got {R!r}")
        return 2.0 / R**2


class MexicanHat(_Witnessed):
    r"""phi(w) = (\|w\|^2 - 1)^2 / 4 on w in R^m, m = d - witness (card 10.1 objective C; nonconvex).

    Constants (proved), for any chosen L1 > 0:

    * L0_phi = double_well_L0(L1, m) = sup_{r >= 0} [\|\nabla^2 phi\| - L1 \|\nabla phi\|], r = \|w\|:
      \nabla phi = (r^2 - 1) w, \nabla^2 phi = (r^2 - 1) I + 2 w w^T with eigenvalues 3r^2 - 1 (along w)
      and r^2 - 1 (m >= 2, across), so \|\nabla^2 phi\| = max(|3r^2 - 1|, |r^2 - 1|) and
      \|\nabla phi\| = r |r^2 - 1|; the sup is over cubic pieces, computed exactly from their critical
      points. L1 = 3 (the card's choice, the default) gives L0_phi = 2, attained at r = 1; L1 = 1 gives
      5.07920, L1 = 2 gives 2.28211 (card). With witness: L0 = max(L0_phi, mu) (card: (max(2, mu), 3)).
      Tight: the sup is attained at the r it reports (``argmax_radius``).
    * f_star = 0 on the unit sphere \|w\| = 1, y = 0. Not L-smooth (3r^2 - 1 -> inf).
    * Nonconvex: \nabla^2 phi(0) = -I.
    """

    name = "mexican_hat"

    def __init__(self, d: int = 2, L1: float = 3.0, witness: int = 0, mu: float = 1.0):
        super().__init__(d, witness, mu)
        self._L1 = _positive(L1, "L1")
        self._L0_phi = double_well_L0(self._L1, self.m)
        self._phi_star = 0.0

    def argmax_radius(self) -> float:
        r"""An r = \|w\| >= 0 where \|\nabla^2 phi\| - L1 \|\nabla phi\| = L0_phi (the bound is attained)."""
        return double_well_argmax(self._L1, self.m)

    def _phi(self, xp, U):
        s = xp.sum(U * U, axis=1) - 1.0
        return 0.25 * s * s

    def _dphi(self, xp, U):
        return (xp.sum(U * U, axis=1) - 1.0)[:, None] * U

    def _hvp_phi(self, xp, U, V):
        s = xp.sum(U * U, axis=1) - 1.0
        return s[:, None] * V + 2.0 * xp.sum(U * V, axis=1)[:, None] * U

    def _grad_sq_sup_phi(self, s):
        r"""S(s) = 4s (1 + 2 sqrt s) ([D]). With t = r^2: \|\nabla phi\|^2 = g(t) = t (t - 1)^2 and
        {phi <= s} = {t >= 0, |t - 1| <= 2 sqrt s}. g' = (t - 1)(3t - 1): g rises on [0, 1/3] to the bump
        g(1/3) = 4/27, falls on [1/3, 1], rises on [1, inf). So the sup is g(1 + 2 sqrt s) = 4s (1 + 2 sqrt s)
        unless the bump beats it: t = 1/3 is feasible only when 1 - 2 sqrt s <= 1/3, i.e. s >= 1/9, and
        there g(1 + 2 sqrt s) >= g(1 + 2/3) = 20/27 > 4/27 (sympy). Attained at \|w\| = sqrt(1 + 2 sqrt s)
        (phi = s there). S = 4s + 8 s^{3/2}: S' = 4 + 12 sqrt s > 0, S'' = 6/sqrt s > 0: convex; S(0) = 0."""
        return 4.0 * s * (1.0 + 2.0 * np.sqrt(s))

    def _h_max_u(self, R):
        if not R > 1:
            raise ValueError(f"R must be > 1 for the Mexican hat's witness bound; got {R!r}")
        return 2.0 / (R * R - 1.0)


class ExpSum(_Witnessed):
    r"""phi(u) = c \sum_i e^{a u_i},  a > 0, c > 0  (generalized-smoothness card F2/F6).

    Constants (proved):

    * (L0, L1) = (0, a) without witness, (mu, a) with it: \nabla^2 phi = diag(a^2 c e^{a u_i}) and
      \partial_i phi = a c e^{a u_i} > 0, so \|\nabla^2 phi\| = max_i a \partial_i phi <= a \|\nabla phi\|.
      Tight: equality (as a ratio) at every u with d - witness = 1, and L0 = 0 cannot be lowered.
    * f_star = 0 = inf f, *not attained* (e^{a t} -> 0 as t -> -inf); no minimizer exists.
    * Not L-smooth: a^2 c e^{a t} -> inf along t e_1. Convex. (A plain log-sum-exp is L-smooth, card.)
    The witness lower bound (K_LB) is not defined for this family.
    """

    name = "exp_sum"

    def __init__(self, d: int = 2, a: float = 1.0, c: float = 1.0, witness: int = 0, mu: float = 1.0):
        super().__init__(d, witness, mu)
        self.a = _positive(a, "a")
        self.c = _positive(c, "c")
        self._L0_phi, self._L1 = 0.0, self.a
        self._phi_star = 0.0

    def _phi(self, xp, U):
        return self.c * xp.sum(xp.exp(self.a * U), axis=1)

    def _dphi(self, xp, U):
        return (self.a * self.c) * xp.exp(self.a * U)

    _phi_attained = False

    def _hvp_phi(self, xp, U, V):
        return (self.a**2 * self.c) * xp.exp(self.a * U) * V

    def _grad_sq_sup_phi(self, s):
        r"""S(s) = (a s)^2, s > 0 ([D]). \partial_i phi = a p_i with p_i = c e^{a u_i} > 0, so
        \|\nabla phi\|^2 = a^2 \sum p_i^2 <= a^2 (\sum p_i)^2 = a^2 phi^2 <= a^2 s^2. Approached with
        p_1 -> s, the other p_i -> 0 (u_i -> -inf); attained (u = ln(s/c)/a) only when d - witness = 1, since
        \sum p_i^2 < (\sum p_i)^2 once two p_i are > 0. S'' = 2a^2: convex; S(0) = 0 (the limit; {phi <= 0}
        is empty)."""
        return (self.a * s) ** 2
