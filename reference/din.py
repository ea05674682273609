"""The dynamical inertial Newton system (DIN) in continuous time: the ODE of which INNA is the Euler
scheme (Castera, Bolte, Fevotte, Pauwels, JMLR 2021; card inna_bayes_importance_sampling.md, section 1).

For J in C^2 and alpha, beta > 0, DIN is the second-order system

    theta'' + alpha theta' + beta Hess J(theta) theta' + grad J(theta) = 0,

and its Hessian-free phase-space form (eq. 5), which needs only grad J, is

    theta' = -beta grad J(theta) - (alpha - 1/beta) theta - psi / beta
    psi'   =                     - (alpha - 1/beta) theta - psi / beta.

The two are equivalent for C^2 J with psi = -beta theta' - beta^2 grad J(theta) - (alpha beta - 1) theta
(``psi_of_velocity``). The energy (eq. 17)

    E(theta, psi) = 2 (1 + alpha beta) J(theta) + ||w||^2,   w = (alpha - 1/beta) theta + psi / beta,

decreases along solutions at the rate (eq. 31)

    dE/dt = -2 alpha ||theta'||^2 - (2 / beta) ||psi' - theta'||^2.

Integration (``integrate_din``) is scipy.integrate.solve_ivp, an adaptive high-order method
(DOP853 by default; LSODA or Radau for stiff cases), with tight tolerances (rtol 1e-10).

Shapes. ``theta0`` (and ``psi0``) may be a vector (d,) or a batch (R, d) of independent runs; ``grad``
is always called with an array of theta0's shape (so a reference Objective's ``grad``, which takes
(R, d), works for a batch). A batch is integrated as one system with a shared adaptive step: solve_ivp
controls the RMS of the error over all 2 R d components, so a single component's error may exceed
the tolerance by up to sqrt(2 R d); keep R small, or integrate runs separately, where that matters.

Nonsmooth J. The theory's object is the differential inclusion (7) (grad J -> Clarke subdifferential),
whose solutions exist but need not be unique. ``integrate_din`` solves ODEs; its error control assumes
a smooth right-hand side. Two ways to approach a nonsmooth J, with their limits:

* smoothing (recommended): write J with ``smooth_abs(x, mu)`` = sqrt(x^2 + mu^2) - mu in place of |x|
  (C-infinity, within mu of |x|, gradient ``smooth_abs_grad`` = x / sqrt(x^2 + mu^2), 1/mu-Lipschitz;
  relu(x) = (x + |x|)/2 likewise with ``smooth_relu``). The smoothed DIN is an honest ODE, integrated
  to the requested tolerance. It is a different system: at best its solutions approach solutions of
  the inclusion (7) as mu -> 0, along subsequences (a compactness argument, not made or checked
  here), with no rate in mu. Near a kink the field's Lipschitz constant is ~ beta / mu, so an explicit method
  takes steps ~ mu / beta there (cost grows like 1/mu); pass ``method="LSODA"`` or "Radau" for small mu.
* the objective's own subgradient selection (e.g. sign(0) = 0): a discontinuous field. solve_ivp will
  still return *a* trajectory, but its error estimate is meaningless across the discontinuity: the
  step controller shrinks the step at every kink crossing and may chatter along a kink (sliding modes
  of the inclusion are not resolved). A fixed-step explicit Euler scheme on such a field is INNA itself
  (reference.optimizers.inna with a constant lr): with vanishing steps its interpolated iterates are
  asymptotic pseudo-trajectories of the inclusion (the paper's stochastic-approximation argument, for
  (11) with D J), which gives no error bound at a finite step. Do not use either where a check needs
  an accurate continuous-time trajectory of a nonsmooth J.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

Array = np.ndarray


# ------------------------------------------------------------------------------------ vector field

def din_field(grad: Callable[[Array], Array], theta, psi, alpha, beta) -> tuple[Array, Array]:
    """(theta', psi') of the phase-space DIN (eq. 5) at (theta, psi)."""
    theta = np.asarray(theta, dtype=float)
    psi = np.asarray(psi, dtype=float)
    psi_dot = -(alpha - 1.0 / beta) * theta - psi / beta
    theta_dot = psi_dot - beta * np.asarray(grad(theta), dtype=float)
    return theta_dot, psi_dot


def psi_of_velocity(grad: Callable[[Array], Array], theta, theta_dot, alpha, beta) -> Array:
    """psi for which the phase-space form starts with velocity theta_dot at theta:
    psi = -beta theta' - beta^2 grad J(theta) - (alpha beta - 1) theta. theta_dot = -grad J(theta0)
    gives INNA's paper initialisation (1 - alpha beta) theta0 - (beta^2 - beta) grad J(theta0)."""
    theta = np.asarray(theta, dtype=float)
    return -beta * np.asarray(theta_dot, dtype=float) - beta * beta * np.asarray(grad(theta), dtype=float) \
        - (alpha * beta - 1.0) * theta


# ------------------------------------------------------------------------------------ integration

class DinTrajectory(NamedTuple):
    """A DIN solution sampled at ``t`` (shape (n,)): ``theta``, ``psi`` and their exact time derivatives
    ``theta_dot``, ``psi_dot`` (the vector field at the samples), each of shape (n, *theta0.shape).
    ``nfev``: right-hand-side evaluations the integrator used."""

    t: Array
    theta: Array
    psi: Array
    theta_dot: Array
    psi_dot: Array
    nfev: int


def integrate_din(grad: Callable[[Array], Array], theta0, psi0, alpha: float, beta: float,
                  t_span: tuple[float, float], t_eval=None, rtol: float = 1e-10, atol: float = 1e-12,
                  method: str = "DOP853", max_step: float = np.inf) -> DinTrajectory:
    """Integrate the phase-space DIN (eq. 5) from (theta0, psi0) over ``t_span`` with
    scipy.integrate.solve_ivp (``method`` DOP853 by default; any of solve_ivp's methods), sampled at
    ``t_eval`` (default: the integrator's own steps). Raises RuntimeError if the integrator fails.
    ``alpha`` and ``beta`` are scalars here (one system per call)."""
    try:
        from scipy.integrate import solve_ivp
    except ImportError as e:  # pragma: no cover - scipy is a declared dependency
        raise ImportError("integrate_din needs scipy (solve_ivp); pip install scipy") from e
    if not (alpha > 0 and beta > 0):
        raise ValueError(f"DIN needs alpha > 0 and beta > 0; got alpha={alpha!r}, beta={beta!r}")
    theta0 = np.asarray(theta0, dtype=float)
    psi0 = np.broadcast_to(np.asarray(psi0, dtype=float), theta0.shape)
    shape, n = theta0.shape, theta0.size

    def rhs(t, y):
        th_dot, ps_dot = din_field(grad, y[:n].reshape(shape), y[n:].reshape(shape), alpha, beta)
        return np.concatenate([th_dot.ravel(), ps_dot.ravel()])

    sol = solve_ivp(rhs, t_span, np.concatenate([theta0.ravel(), psi0.ravel()]), method=method,
                    t_eval=t_eval, rtol=rtol, atol=atol, max_step=max_step)
    if not sol.success:
        raise RuntimeError(f"DIN integration failed: {sol.message}")
    k = sol.t.size
    theta = sol.y[:n].T.reshape((k, *shape))
    psi = sol.y[n:].T.reshape((k, *shape))
    field = [din_field(grad, theta[i], psi[i], alpha, beta) for i in range(k)]
    theta_dot = np.stack([f[0] for f in field]) if k else theta.copy()
    psi_dot = np.stack([f[1] for f in field]) if k else psi.copy()
    return DinTrajectory(sol.t, theta, psi, theta_dot, psi_dot, int(sol.nfev))


# ------------------------------------------------------------------------------------ energy

def _rows(J: Callable[[Array], Array], theta: Array) -> Array:
    """J over the last axis: J takes (m, d) rows and returns (m,); any leading shape is flattened."""
    lead = theta.shape[:-1]
    return np.asarray(J(theta.reshape(-1, theta.shape[-1])), dtype=float).reshape(lead)


def energy(J: Callable[[Array], Array], theta, psi, alpha, beta):
    """E = 2 (1 + alpha beta) J(theta) + ||(alpha - 1/beta) theta + psi / beta||^2 (eq. 17), over the
    last axis of theta and psi (shape (..., d) -> (...)). ``J`` maps rows (m, d) to values (m,), as a
    reference Objective's ``value`` does."""
    theta = np.asarray(theta, dtype=float)
    psi = np.asarray(psi, dtype=float)
    w = (alpha - 1.0 / beta) * theta + psi / beta
    return 2.0 * (1.0 + alpha * beta) * _rows(J, theta) + (w * w).sum(axis=-1)


def energy_gradient(grad: Callable[[Array], Array], theta, psi, alpha, beta) -> tuple[Array, Array]:
    """(dE/dtheta, dE/dpsi) = 2((1 + alpha beta) grad J + (alpha - 1/beta) w, w / beta) (eq. 32)."""
    theta = np.asarray(theta, dtype=float)
    w = (alpha - 1.0 / beta) * theta + np.asarray(psi, dtype=float) / beta
    g = np.asarray(grad(theta), dtype=float)
    return 2.0 * ((1.0 + alpha * beta) * g + (alpha - 1.0 / beta) * w), 2.0 * w / beta


def energy_rate(theta_dot, psi_dot, alpha, beta):
    """dE/dt along a solution (eq. 31): -2 alpha ||theta'||^2 - (2 / beta) ||psi' - theta'||^2, over the
    last axis."""
    theta_dot = np.asarray(theta_dot, dtype=float)
    diff = np.asarray(psi_dot, dtype=float) - theta_dot
    return -2.0 * alpha * (theta_dot * theta_dot).sum(axis=-1) - (2.0 / beta) * (diff * diff).sum(axis=-1)


# ------------------------------------------------------------------------------------ smoothing

def smooth_abs(x, mu: float):
    """sqrt(x^2 + mu^2) - mu: C-infinity, convex, 0 at 0, and |x| - mu <= smooth_abs <= |x|."""
    if not mu > 0:
        raise ValueError(f"smoothing parameter mu must be > 0; got {mu!r}")
    x = np.asarray(x, dtype=float)
    return np.hypot(x, mu) - mu


def smooth_abs_grad(x, mu: float):
    """d/dx smooth_abs = x / sqrt(x^2 + mu^2), in (-1, 1), 1/mu-Lipschitz."""
    if not mu > 0:
        raise ValueError(f"smoothing parameter mu must be > 0; got {mu!r}")
    x = np.asarray(x, dtype=float)
    return x / np.hypot(x, mu)


def smooth_relu(x, mu: float):
    """(x + smooth_abs(x, mu)) / 2, within mu/2 of relu(x)."""
    return 0.5 * (np.asarray(x, dtype=float) + smooth_abs(x, mu))


def smooth_relu_grad(x, mu: float):
    """(1 + smooth_abs_grad(x, mu)) / 2, in (0, 1)."""
    return 0.5 * (1.0 + smooth_abs_grad(x, mu))
