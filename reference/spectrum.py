"""Extreme Hessian eigenvalues from exact Hessian-vector products: batched Lanczos.

``extreme_eigenvalues(objective, X, iters, seed)`` runs R independent Lanczos processes, one per row
of X (R, d), as one array program: every iteration makes one batched ``objective.hvp`` call.

Method. From a seeded random unit q_1, Lanczos builds an orthonormal basis Q_k = [q_1 .. q_k] of
the Krylov space span{q_1, H q_1, ..., H^{k-1} q_1} with H Q_k = Q_k T_k + beta_k q_{k+1} e_k^T,
T_k = Q_k^T H Q_k tridiagonal (alphas on the diagonal, betas beside it). The extreme eigenvalues of
T_k (Ritz values) lie inside [lambda_min(H), lambda_max(H)] (Cauchy interlacing: T_k is a
compression of H) and converge to the ends fast (Kaniel-Paige). Here every new vector is
orthogonalised against all previous ones, twice ("full reorthogonalisation": at these sizes the
O(k d) per step is cheap, and it keeps Q_k orthonormal to rounding, so no spurious copies appear).

Breakdown. If beta_k <= 1e-12 max_{j<=k}(|alpha_j|, beta_j), span Q_k is (to rounding) invariant
under H, and T_k's eigenvalues are exact eigenvalues of H. The process then restarts with a fresh
seeded random vector orthogonal to Q_k and coupling 0, so T becomes block diagonal; each block is
again a compression of H, and the Ritz values stay inside H's spectrum. Dropping a coupling of size
beta_k moves the Ritz values by at most beta_k (Weyl). The number of steps is min(iters, d), so a
fresh orthogonal direction always exists; with iters >= d, Q_d is an orthonormal basis of R^d and
T = Q^T H Q is similar to H: the eigenvalues are exact up to rounding.
"""
from __future__ import annotations

from .backend import backend_of, row_dot

BREAKDOWN = 1e-12


def _check(objective, X, iters):
    if X.ndim != 2 or X.shape[1] != objective.d:
        raise ValueError(f"X must have shape (R, {objective.d}) for {objective.name}; got {tuple(X.shape)}")
    if isinstance(iters, bool) or int(iters) != iters or iters < 1:
        raise ValueError(f"iters must be a positive integer; got {iters!r}")


def _orthogonalise(xp, W, Q):
    """W minus its projection on the rows of Q (R, k, d), twice (classical Gram-Schmidt, repeated)."""
    for _ in range(2):
        W = W - xp.einsum("rk,rkd->rd", xp.einsum("rkd,rd->rk", Q, W), Q)
    return W


def _unit(xp, W):
    n = xp.sqrt(row_dot(xp, W, W))
    return W / xp.where(n > 0, n, 1.0)[:, None]


def lanczos(objective, X, iters: int = 30, seed: int = 0):
    """The Lanczos tridiagonal matrices T (R, k, k), k = min(iters, d), one per row of X."""
    _check(objective, X, iters)
    be = backend_of(X)
    xp = be.xp
    R, d = X.shape
    k = min(int(iters), d)
    rng = be.rng(seed)
    Q = xp.zeros((R, k, d))
    alpha = xp.zeros((R, k))
    beta = xp.zeros((R, max(k - 1, 0)))
    q = _unit(xp, rng.standard_normal((R, d)))
    q_prev = xp.zeros_like(q)
    b_prev = xp.zeros(R)
    scale = xp.zeros(R)
    for j in range(k):
        Q[:, j] = q
        w = objective.hvp(X, q)
        a = row_dot(xp, w, q)
        alpha[:, j] = a
        if j == k - 1:
            break
        w = _orthogonalise(xp, w - a[:, None] * q - b_prev[:, None] * q_prev, Q[:, :j + 1])
        b = xp.sqrt(row_dot(xp, w, w))
        scale = xp.maximum(scale, xp.maximum(xp.abs(a), b))
        broke = b <= BREAKDOWN * scale
        if bool(broke.any()):
            fresh = _unit(xp, _orthogonalise(xp, rng.standard_normal((R, d)), Q[:, :j + 1]))
            w = xp.where(broke[:, None], fresh, w / xp.where(broke, 1.0, b)[:, None])
            b = xp.where(broke, 0.0, b)
        else:
            w = w / b[:, None]
        beta[:, j] = b
        q_prev, q, b_prev = q, w, b
    T = xp.zeros((R, k, k))
    i = xp.arange(k)
    T[:, i, i] = alpha
    if k > 1:
        T[:, i[:-1], i[1:]] = beta
        T[:, i[1:], i[:-1]] = beta
    return T


def ritz_values(objective, X, iters: int = 30, seed: int = 0):
    """The Ritz values of each row's Lanczos process, ascending: shape (R, min(iters, d))."""
    return backend_of(X).xp.linalg.eigvalsh(lanczos(objective, X, iters, seed))


def extreme_eigenvalues(objective, X, iters: int = 30, seed: int = 0):
    """(lambda_min, lambda_max) of the Hessian at each row of X, each of shape (R,), by Lanczos
    (inner approximations: lambda_min(H) <= returned min <= returned max <= lambda_max(H) up to
    rounding; exact up to rounding when iters >= d)."""
    theta = ritz_values(objective, X, iters, seed)
    return theta[:, 0], theta[:, -1]


def hessian(objective, X):
    """The dense Hessian at each row, (R, d, d), from d Hessian-vector products with the basis
    vectors (one batched call on R d rows), symmetrised: for small d, and for checking."""
    _check(objective, X, 1)
    xp = backend_of(X).xp
    R, d = X.shape
    E = xp.tile(xp.eye(d), (R, 1))
    H = objective.hvp(xp.repeat(X, d, axis=0), E).reshape(R, d, d)  # H[r, j] = H(x_r) e_j
    return 0.5 * (H + xp.swapaxes(H, 1, 2))
