"""The numba kernels and their wrappers (imported by ``reference.kernels.select`` only where numba is installed).

Each wrapper takes the optimizer step's arrays and hyperparameters as the NumPy step has them (scalars or (R, 1)
columns, derived scalars such as Adam's step size already formed by the same NumPy/Python expression), writes
the step into the given buffers and returns True; it returns False, touching nothing, where an array is not a
C-contiguous float64 (R, d) ndarray (the caller then runs its NumPy step). Hyperparameters reach a kernel as
length-R vectors (one value per run), so a scalar and a per-run column take the same compiled code.

Every kernel is ``prange`` over runs, one row per task, the row's coordinates in a loop that LLVM vectorises.
No fastmath: LLVM keeps each IEEE operation as written (no reassociation, no contraction into FMAs), which is
what makes the bits the NumPy step's (and, for Adam, with the two FMAs written out, torch's fused step's).
error_model="numpy": a division by zero gives inf/NaN as NumPy does, rather than raising.

numba's default "workqueue" threading layer aborts the process if two Python threads launch parallel kernels at
once; a lock serialises the launches (the kernels are parallel inside).
"""
from __future__ import annotations

import functools
import math
import threading

import numba
import numpy as np
from numba import prange
from numba.core import types
from numba.extending import intrinsic

_jit = numba.njit(parallel=True, cache=True, error_model="numpy")
# torch's fused Adam contracts its second moment one way in its vector loop and the other in the scalar loop over
# the last (numel mod 4) coordinates of the flattened parameter (measured on torch 2.14.1's AVX512 build: an
# 8-wide loop, then a 4-wide one the compiler made of the scalar tail, then the scalar remainder)
TORCH_TAIL = 4
LONG_ROW = 64  # from this row length on, ||g_r||^2 is summed in 4 partial sums (``_row_sq_long``)
_launch = threading.Lock()


@intrinsic
def _fma(typingctx, a, b, c):
    """fma(a, b, c) = a b + c rounded once (LLVM's llvm.fma.f64: a vfmadd where the CPU has FMA)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return sig, codegen


# -- kernels ----------------------------------------------------------------------------------------


@_jit
def _descend(out, x, g, neg_lr):
    """out = g (-lr) + x: gd's x - lr g (and clipped GD's, lr its step-size column)."""
    R, d = x.shape
    for r in prange(R):
        a = neg_lr[r]
        for j in range(d):
            out[r, j] = g[r, j] * a + x[r, j]


@_jit
def _heavy_ball(out, x, b, g, neg_lr, mu, keep, first):
    """b = g (first step) or b mu + g (1 - tau);  out = b (-lr) + x."""
    R, d = x.shape
    for r in prange(R):
        a, m, c = neg_lr[r], mu[r], keep[r]
        for j in range(d):
            bj = g[r, j] if first else b[r, j] * m + g[r, j] * c
            b[r, j] = bj
            out[r, j] = bj * a + x[r, j]


@_jit
def _nag_torch(out, x, b, g, neg_lr, mu, first):
    """b = g (first step) or b mu + g;  out = (b mu + g)(-lr) + x."""
    R, d = x.shape
    for r in prange(R):
        a, m = neg_lr[r], mu[r]
        for j in range(d):
            gj = g[r, j]
            bj = gj if first else b[r, j] * m + gj
            b[r, j] = bj
            out[r, j] = (bj * m + gj) * a + x[r, j]


@_jit
def _nag_sutskever(out, x, v, g, lr, mu):
    """v = v mu - g lr;  out = x + v."""
    R, d = x.shape
    for r in prange(R):
        a, m = lr[r], mu[r]
        for j in range(d):
            vj = v[r, j] * m - g[r, j] * a
            v[r, j] = vj
            out[r, j] = x[r, j] + vj


@_jit
def _rmsprop(out, x, v, gbar, b, g, lr, b2, c2, xi, mu, centered, xi_inside, momentum):
    """rmsprop.py's step, operation for operation; momentum 0: none, 1: torch's buffer, 2: optax's (lr inside)."""
    R, d = x.shape
    for r in prange(R):
        a, be, c, e, m = lr[r], b2[r], c2[r], xi[r], mu[r]
        for j in range(d):
            gj = g[r, j]
            vj = v[r, j] * be + (gj * c) * gj
            v[r, j] = vj
            if centered:
                gb = gbar[r, j]
                gb = gb + (gj - gb) * c
                gbar[r, j] = gb
                den = vj - gb * gb
                if xi_inside:
                    den = den + e
                den = math.sqrt(den)
            elif xi_inside:
                den = math.sqrt(vj + e)
            else:
                den = math.sqrt(vj)
            if not xi_inside:
                den = den + e
            u = gj / den
            if momentum == 0:
                out[r, j] = u * -a + x[r, j]
            elif momentum == 1:
                bj = b[r, j] * m + u
                b[r, j] = bj
                out[r, j] = bj * -a + x[r, j]
            else:
                bj = b[r, j] * m + u * a
                b[r, j] = bj
                out[r, j] = x[r, j] - bj


@numba.njit(error_model="numpy", inline="always")
def _adam_coordinate(out, x, m, v, vmax, g, r, j, coeff, small, be, c, s2, e, a, lam, k, amsgrad, coupled, decoupled,
                     tail, prox, shrink):
    """torch's fused CPU Adam on coordinate (r, j), in its order (double):

        g <- fma(x, wd, g)                     (coupled L2, Adam(weight_decay): g + x wd, contracted)
        x <- x (1 - lr wd)                     (decoupled, AdamW)
        m <- fma(w, g - m, m),  w = 1 - beta1   (torch's lerp where |w| < 1/2; else fma(w - 1, g - m, g))
        v <- fma((1 - beta2) g, g, v beta2)    (torch's v beta2 + (1 - beta2) g g, contracted by its compiler)
             fma(v, beta2, ((1 - beta2) g) g)  (``tail``: its scalar loop over the last numel mod 4 coordinates,
                                                contracted the other way)
        vmax <- max(vmax, v)                   (amsgrad)
        x <- x + ((-step_size) m) / (sqrt(v or vmax) / sqrt(1 - beta2^k) + xi)
        x <- x shrink                          (``prox``: AdamProx's 1 / (1 + lambda eta_t), no torch peer)
    """
    gj = g[r, j]
    xj = x[r, j]
    if coupled:
        gj = _fma(xj, lam, gj)
    if decoupled:
        xj = xj * k
    mj = m[r, j]
    mj = _fma(coeff, gj - mj, mj if small else gj)
    m[r, j] = mj
    vj = _fma(v[r, j], be, (c * gj) * gj) if tail else _fma(c * gj, gj, v[r, j] * be)
    v[r, j] = vj
    if amsgrad:
        vm = vmax[r, j]
        if vj >= vm or vj != vj:  # NaN-propagating; on a tie v's bits (+0, not the -0 of x0 * 0 in init)
            vm = vj
        vmax[r, j] = vm
        vj = vm
    xj = xj + (a * mj) / (math.sqrt(vj) / s2 + e)
    out[r, j] = xj * shrink if prox else xj


@_jit
def _adam_torch_fused(out, x, m, v, vmax, g, w1, b2, c2, bc2_sqrt, xi, neg_step, wd, keep, shrink, amsgrad, coupled,
                      decoupled, prox, tail_from):
    """``_adam_coordinate`` over all coordinates; flat index r d + j >= ``tail_from`` is torch's scalar tail."""
    R, d = x.shape
    for r in prange(R):
        w, be, c, s2, e, a, lam, k, f = w1[r], b2[r], c2[r], bc2_sqrt[r], xi[r], neg_step[r], wd[r], keep[r], shrink[r]
        small = abs(w) < 0.5
        coeff = w if small else w - 1.0
        body = min(d, max(0, tail_from - r * d))  # coordinates of this row before the tail
        for j in range(body):
            _adam_coordinate(out, x, m, v, vmax, g, r, j, coeff, small, be, c, s2, e, a, lam, k, amsgrad, coupled,
                             decoupled, False, prox, f)
        for j in range(body, d):
            _adam_coordinate(out, x, m, v, vmax, g, r, j, coeff, small, be, c, s2, e, a, lam, k, amsgrad, coupled,
                             decoupled, True, prox, f)


@_jit
def _row_sq(g, g2):
    """g2[r] = ||g_r||^2, the coordinates added in order (numpy's vecdot, BLAS ddot, adds in an order of its own: the
    two agree to rounding, a few ulps, not bit for bit)."""
    R, d = g.shape
    for r in prange(R):
        s = 0.0
        for j in range(d):
            s += g[r, j] * g[r, j]
        g2[r] = s


@_jit
def _row_sq_long(g, g2):
    """``_row_sq`` for long rows: 4 interleaved partial sums (coordinate j into sum j mod 4), added as (s0 + s1) +
    (s2 + s3), so that a row's adds pipeline (2.5x faster at d = 1e3; at d = 10 the in-order loop is 2x faster)."""
    R, d = g.shape
    q = d - d % 4
    for r in prange(R):
        s0 = s1 = s2 = s3 = 0.0
        for j in range(0, q, 4):
            a0, a1, a2, a3 = g[r, j], g[r, j + 1], g[r, j + 2], g[r, j + 3]
            s0 += a0 * a0
            s1 += a1 * a1
            s2 += a2 * a2
            s3 += a3 * a3
        for j in range(q, d):
            a0 = g[r, j]
            s0 += a0 * a0
        g2[r] = (s0 + s1) + (s2 + s3)


@_jit
def _grad_stats(t, blowup, g2, gn, min_g2, sum_g2, sum_g, diverged_at):
    """The runner's per-step reductions from g2 = ||grad f(x_t)||^2 (``_row_sq``), run r per task:

        gn[r] = sqrt(g2[r]),  min_g2[r] <- min(min_g2[r], g2[r]) (NaN-propagating, as np.minimum),
        sum_g2[r] += g2[r],  sum_g[r] += gn[r],
        diverged_at[r] <- t where it is still < 0 and not |g2[r]| <= blowup (NaN, inf or beyond the level).

    A kernel of its own, not a second loop of ``_row_sq``'s: numba would fuse the two loops, and the fused loop
    vectorises neither (52 us against 29 + 7 at (1e4, 10))."""
    for r in prange(g2.shape[0]):
        s = g2[r]
        n = math.sqrt(s)
        gn[r] = n
        m = min_g2[r]
        if m == m and not m <= s:  # m NaN stays NaN; s NaN or below m replaces it
            min_g2[r] = s
        sum_g2[r] += s
        sum_g[r] += n
        if diverged_at[r] < 0 and not abs(s) <= blowup:
            diverged_at[r] = t


@_jit
def _diagonal_affine(out, x, a, b, has_b):
    """out = a x - b row-wise (a, b length-d vectors; b skipped where ``has_b`` is False): the diagonal
    quadratic's gradient diag(eigs) x - b in one pass, NumPy's two operations in its order."""
    R, d = x.shape
    for r in prange(R):
        for j in range(d):
            v = a[j] * x[r, j]
            out[r, j] = v - b[j] if has_b else v


# -- wrappers ---------------------------------------------------------------------------------------


def _fit(*arrays, ndim: int = 2, dtype=np.float64) -> bool:
    """Every array a C-contiguous ``dtype`` ndarray of the first one's ``ndim``-d shape (a plain loop: at d = 10 the
    wrappers' checks are a visible part of a step)."""
    shape = getattr(arrays[0], "shape", None)
    for a in arrays:
        if not isinstance(a, np.ndarray) or a.dtype != dtype or a.shape != shape or not a.flags.c_contiguous:
            return False
    return len(shape) == ndim


def _per_run(h, R: int) -> np.ndarray:
    """A scalar or a (R, 1) / (1, 1) / (1,) column as a contiguous length-R float64 vector."""
    if isinstance(h, (float, int)):  # the common case, a Python scalar
        h = float(h)
    else:
        a = np.asarray(h, dtype=np.float64)
        if a.size != 1:
            return np.ascontiguousarray(a.reshape(R))
        h = float(a.reshape(-1)[0])
    return _constant(h, math.copysign(1.0, h), R)  # the sign keeps -0.0 apart from 0.0 (equal as keys)


@functools.lru_cache(maxsize=128)
def _constant(value: float, sign: float, R: int) -> np.ndarray:
    """np.full(R, value), made once per (value, R) (a run's constant hyperparameters recur every step; at d = 10
    making them cost Adam's step a sixth of its time). Shared, so never written: the kernels only read their
    hyperparameters. (Not flagged read-only: numba types a read-only array apart, and would compile each kernel
    once more for every mix of cached and per-run vectors.)"""
    return np.full(R, math.copysign(value, sign))


GROUP = 512  # the longest row, in coordinates, that runs are joined into (``_view``)


@functools.lru_cache(maxsize=64)
def _group(R: int, d: int) -> int:
    """k, the most consecutive runs (k a divisor of R) whose rows joined stay within GROUP coordinates."""
    return max(k for k in range(1, max(1, GROUP // d) + 1) if R % k == 0)


def _view(hps, *arrays):
    """The C-contiguous (R, d) ``arrays`` as (R / k, k d) views (k = ``_group(R, d)``) where every hyperparameter in
    ``hps`` is one number for all runs, else as they are. A kernel reads its hyperparameters per row, so joining k
    runs into a row changes no operation on any coordinate (nor the flat index r d + j that Adam's tail is told by):
    only the length of the inner loop, which at d = 10 is too short to vectorise (Adam's kernel: 2.2x faster at
    (1e4, 10) viewed as (200, 500))."""
    R, d = arrays[0].shape
    if d >= GROUP or not all(isinstance(h, (float, int)) or np.size(h) == 1 for h in hps):  # np.size(float): ~1 us
        return arrays
    k = _group(R, d)
    return tuple(a.reshape(R // k, k * d) for a in arrays) if k > 1 else arrays


def descend(out, x, g, lr) -> bool:
    """out = x - lr g (lr a scalar or a per-run column), as sgd._descend_into."""
    if not _fit(x, out, g):
        return False
    out, x, g = _view((lr,), out, x, g)
    with _launch:
        _descend(out, x, g, _per_run(-lr, x.shape[0]))
    return True


def heavy_ball(out, x, b, g, lr, mu, dampening, first: bool) -> bool:
    if not _fit(x, out, b, g):
        return False
    out, x, b, g = _view((lr, mu, dampening), out, x, b, g)
    R = x.shape[0]
    with _launch:
        _heavy_ball(out, x, b, g, _per_run(-lr, R), _per_run(mu, R), _per_run(1.0 - dampening, R), first)
    return True


def nag_torch(out, x, b, g, lr, mu, first: bool) -> bool:
    if not _fit(x, out, b, g):
        return False
    out, x, b, g = _view((lr, mu), out, x, b, g)
    R = x.shape[0]
    with _launch:
        _nag_torch(out, x, b, g, _per_run(-lr, R), _per_run(mu, R), first)
    return True


def nag_sutskever(out, x, v, g, lr, mu) -> bool:
    if not _fit(x, out, v, g):
        return False
    out, x, v, g = _view((lr, mu), out, x, v, g)
    R = x.shape[0]
    with _launch:
        _nag_sutskever(out, x, v, g, _per_run(lr, R), _per_run(mu, R))
    return True


def rmsprop(out, x, v, gbar, b, g, lr, beta2, xi, mu, centered: bool, xi_inside: bool, momentum: int) -> bool:
    """rmsprop.py's step; ``gbar`` (centered) and ``b`` (momentum > 0) may be None where unused."""
    used = [a for a in (gbar if centered else None, b if momentum else None) if a is not None]
    if not _fit(x, out, v, g, *used):
        return False
    out, x, v, gbar, b, g = _view((lr, beta2, xi, mu), out, x, v, gbar if centered else v, b if momentum else v, g)
    R = x.shape[0]
    with _launch:
        _rmsprop(out, x, v, gbar, b, g, _per_run(lr, R), _per_run(beta2, R),
                 _per_run(1.0 - beta2, R), _per_run(xi, R), _per_run(mu, R), centered, xi_inside, momentum)
    return True


def adam(out, x, m, v, vmax, g, beta1, beta2, xi, step_size, bc2_sqrt, wd=0.0, keep=1.0, coupled=False,
         decoupled=False, shrink=None) -> bool:
    """torch's fused Adam step (``_adam_torch_fused``); ``vmax`` None without amsgrad; ``step_size`` =
    lr / (1 - beta1^k), ``bc2_sqrt`` = sqrt(1 - beta2^k) (1 and lr without bias correction), ``keep`` = 1 - lr wd;
    ``shrink``: the factor the new iterate is multiplied by last (AdamProx), None for none."""
    amsgrad = vmax is not None
    if not _fit(x, out, m, v, g, *([vmax] if amsgrad else [])):
        return False
    out, x, m, v, vmax, g = _view((beta1, beta2, xi, step_size, bc2_sqrt, wd, keep, 1.0 if shrink is None else shrink),
                                  out, x, m, v, vmax if amsgrad else v, g)
    R = x.shape[0]
    n = x.size
    with _launch:
        _adam_torch_fused(out, x, m, v, vmax, g, _per_run(1.0 - beta1, R), _per_run(beta2, R),
                          _per_run(1.0 - beta2, R), _per_run(bc2_sqrt, R), _per_run(xi, R), _per_run(-step_size, R),
                          _per_run(wd, R), _per_run(keep, R), _per_run(1.0 if shrink is None else shrink, R), amsgrad,
                          coupled, decoupled, shrink is not None, n - n % TORCH_TAIL)
    return True


def grad_stats(g, t, blowup, g2, gn, min_g2, sum_g2, sum_g, diverged_at) -> bool:
    """The runner's per-step reductions of the gradient rows ``g`` at step ``t`` (``_row_sq``, ``_grad_stats``), into
    the given length-R vectors; False, touching nothing, where the layout does not fit."""
    if not (_fit(g) and _fit(g2, gn, min_g2, sum_g2, sum_g, ndim=1) and _fit(diverged_at, ndim=1, dtype=np.int64)
            and diverged_at.shape == g2.shape == g.shape[:1]):
        return False
    with _launch:
        (_row_sq if g.shape[1] < LONG_ROW else _row_sq_long)(g, g2)
        _grad_stats(t, float(blowup), g2, gn, min_g2, sum_g2, sum_g, diverged_at)
    return True


def diagonal_affine(out, x, a, b, has_b: bool) -> bool:
    """out = a x - b (the diagonal quadratic's gradient, ``_diagonal_affine``); False where the layout does not fit."""
    if not (_fit(x, out) and _fit(a, b, ndim=1) and a.shape == x.shape[1:]):
        return False
    with _launch:
        _diagonal_affine(out, x, a, b, has_b)
    return True
