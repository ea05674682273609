r"""A tiny ReLU network loss on synthetic data: a nonsmooth tame finite sum with exact D-criticality
where it can be exact (reference/objectives/tame.py has the catalogue and the shared interface)."""
from __future__ import annotations

import math

import numpy as np

from ..backend import backend_of, concat, get_backend
from ._checks import nonneg_float, positive_int, seeded_rng
from .base import Objective, check_points


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
        return (backend_of(X).xp.reshape(X[:, :m * p], (R, m, p)), X[:, m * p:m * (p + 1)], X[:, m * (p + 1):m * (p + 2)],
                X[:, -1])

    def _forward(self, X, A, y):
        """Pre-activations Z (R, N, m), activations H and residuals (R, N) for data A, y."""
        xp = backend_of(X).xp
        W, b, v, c = self.unpack(X)
        Z = A @ xp.matrix_transpose(W) + b[:, None, :]
        H = xp.maximum(Z, 0.0)
        res = xp.sum(H * v[:, None, :], axis=-1) + c[:, None] - y
        return Z, H, res

    def _grad(self, X, A, y):
        xp = backend_of(X).xp
        v = self.unpack(X)[2]
        Z, H, res = self._forward(X, A, y)
        D = res[:, :, None] * v[:, None, :] * xp.astype(Z > 0, Z.dtype)  # dJ/dz with relu'(0) = 0
        dW = xp.matrix_transpose(D) @ A
        R = X.shape[0]
        return concat(xp, [xp.reshape(dW, (R, self.m * self.p)), xp.sum(D, axis=1),
                           xp.sum(res[:, :, None] * H, axis=1), xp.sum(res, axis=1)[:, None]], axis=1)

    def value(self, X):
        check_points(X, self.d)
        res = self._forward(X, self.param("data", X), self.param("targets", X))[2]
        return 0.5 * backend_of(X).xp.sum(res * res, axis=1)

    def grad(self, X):
        check_points(X, self.d)
        return self._grad(X, self.param("data", X), self.param("targets", X))

    def _components(self, X, idx):
        return self.rows("data", X, idx), self.rows("targets", X, idx)

    def component_value(self, X, idx):
        """Row r: (n/B) sum_b J_{idx[r, b]}(x_r)."""
        check_points(X, self.d)
        res = self._forward(X, *self._components(X, idx))[2]
        return 0.5 * backend_of(X).xp.sum(res * res, axis=1) * (self.n / idx.shape[1])

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


__all__ = ["ReluNet"]
