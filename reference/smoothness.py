r"""Local smoothness along trajectories, batched over runs (for plotting it against \|\nabla f\|).

ZHSJ Figure 1 / section 5 (clipping card section 8, [C] ``why-clipping-accelerates/main.py``,
``eval_smooth``): after each step, with z = x_prev + t (x - x_prev),

    L_hat = \|\nabla f(z) - \nabla f(x_prev)\| / \|z - x_prev\|,

the authors' code taking the midpoint t = 1/2 only. Here the estimate is the max over a few t
(``fractions``; default (0.25, 0.5, 0.75, 1.0); ``fractions=(0.5,)`` is the released code's choice).
By the mean-value theorem L_hat <= sup over the segment of \|\nabla^2 f\|, so for an L-smooth f it is at
most L, and for an (L0,L1)-smooth f with \|x - x_prev\| <= c/L1 it is at most
B(c) (L0 + L1 \|\nabla f(x_prev)\|) with B(c) = (e^c - 1)/c (l0l1.py). A zero step (x = x_prev) has no
segment: its estimate is NaN (a fraction whose rounded point z equals x_prev is skipped), which the trajectory helper reports in ``undefined``, never as a number.
"""
from __future__ import annotations

from .backend import backend_of, row_dot

DEFAULT_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def _check_fractions(fractions):
    fr = tuple(float(t) for t in fractions)
    if not fr or not all(0.0 < t <= 1.0 for t in fr):
        raise ValueError(f"fractions must be a non-empty sequence of numbers in (0, 1]; got {fractions!r}")
    return fr


def local_smoothness(objective, X_prev, X, fractions=DEFAULT_FRACTIONS, grad_prev=None):
    r"""max_t \|\nabla f(z_t) - \nabla f(x_prev)\| / \|z_t - x_prev\| per row, z_t = x_prev + t (x - x_prev).

    X_prev, X: (R, d) consecutive iterates (same backend); grad_prev: \nabla f(X_prev) if already known.
    Returns an (R,) array on X's backend; NaN where X == X_prev (no segment). One batched gradient call
    per fraction.
    """
    fr = _check_fractions(fractions)
    if X_prev.shape != X.shape or X.ndim != 2:
        raise ValueError(f"X_prev and X must both have shape (R, d); got {tuple(X_prev.shape)} and {tuple(X.shape)}")
    xp = backend_of(X).xp
    G0 = objective.grad(X_prev) if grad_prev is None else grad_prev
    D = X - X_prev
    zero = row_dot(xp, D, D) == 0
    best = xp.zeros(X.shape[0])
    for t in fr:
        Z = X_prev + t * D
        dZ = Z - X_prev  # the step as rounded, so a quadratic's estimate stays exact
        dist = xp.sqrt(row_dot(xp, dZ, dZ))
        dG = objective.grad(Z) - G0
        best = xp.maximum(best, xp.sqrt(row_dot(xp, dG, dG)) / xp.where(dist > 0, dist, 1.0))
    return xp.where(zero, xp.nan, best)


def trajectory_smoothness(objective, path, fractions=DEFAULT_FRACTIONS):
    r"""Local smoothness and gradient norm along recorded iterates ``path`` of shape (T + 1, R, d).

    Returns a dict of (T, R) arrays: ``smoothness`` (local_smoothness between path[k] and path[k + 1]),
    ``grad_norm`` (\|\nabla f(path[k])\|, the abscissa of ZHSJ's plots), and ``undefined`` (bool:
    where the estimate is NaN, a zero step or a non-finite iterate).
    """
    if path.ndim != 3 or path.shape[0] < 2:
        raise ValueError(f"path must have shape (T + 1, R, d) with T >= 1; got {tuple(path.shape)}")
    xp = backend_of(path).xp
    T, R, d = path.shape[0] - 1, path.shape[1], path.shape[2]
    prev = path[:-1].reshape(T * R, d)
    nxt = path[1:].reshape(T * R, d)
    G0 = objective.grad(prev)
    L_hat = local_smoothness(objective, prev, nxt, fractions, grad_prev=G0)
    return {"smoothness": L_hat.reshape(T, R),
            "grad_norm": xp.sqrt(row_dot(xp, G0, G0)).reshape(T, R),
            "undefined": xp.isnan(L_hat).reshape(T, R)}
