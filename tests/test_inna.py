"""INNA (reference/optimizers/inna.py) and the continuous-time DIN (reference/din.py) against the card
/work/shared/papers/inna_bayes_importance_sampling.md, section 1 (test vectors 1.10, energy eqs. 17/31)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from golden_support import drive

from convcheck.reference import din, optimizers, run
from convcheck.reference.objectives import AbsQuadratic
from convcheck.reference.optimizers import inna
from convcheck.reference.schedules import power

# ------------------------------------------------------------------------------------ oracles


def grad_abs(X, t):
    """Card A: f(x) = |x|, oracle sign(x) (sign(0) = 0)."""
    return np.sign(X)


def grad_fig1(X, t=None):
    """Card B: J = 100 (t2 - |t1|)^2 + |1 - t1| (paper Fig. 1), sign(0) = 0."""
    t1, t2 = X[..., 0], X[..., 1]
    r = t2 - np.abs(t1)
    return np.stack([-200 * r * np.sign(t1) - np.sign(1 - t1), 200 * r], axis=-1)


def value_fig1(X):
    return 100 * (X[..., 1] - np.abs(X[..., 0])) ** 2 + np.abs(1 - X[..., 0])


# ------------------------------------------------------------------------------------ card test vectors

A = {"grad": grad_abs, "x0": [1.0], "hp": {"lr": power(0.1, 0.5), "alpha": 0.5, "beta": 0.1}}
B = {"grad": grad_fig1, "x0": [-1.0, 1.5], "hp": {"lr": 1e-4, "alpha": 1.3, "beta": 0.1}}

# (theta_k; psi_k) for k = 1, 2, 3 as printed in the card (%.10g); theta_0 is the start
VECTORS = {
    "A1": ("code", A, {}, [([0.99], [0.95]), ([0.9762114178], [0.9432824856]),
                           ([0.9612686467], [0.9341132172])]),
    "A2": ("paper", A, {}, [([0.9], [0.95]), ([0.825753788], [0.8828248558]),
                            ([0.7631928303], [0.8260374008])]),
    "B1": ("code", B, {}, [([-1.00099, 1.499], [-0.87, 1.305]),
                           ([-1.001976881, 1.49800311], [-0.8700008613, 1.30499913]),
                           ([-1.002960653, 1.497009321], [-0.8700025803, 1.304997394])]),
    "B2": ("paper", B, {}, [([-1.0099, 1.49], [8.03109, 10.296]),
                            ([-1.019759903, 1.4800401], [8.022180297, 10.2870003]),
                            ([-1.029579835, 1.470120174], [8.013270926, 10.27800093])]),
    # A1 through the official PyTorch step with weight_decay = 0.01
    "C2": ("code", A, {"weight_decay": 0.01}, [([0.989], [0.95]), ([0.9738403377], [0.9426107341]),
                                               ([0.957422659], [0.9325288051])]),
}


def g10(v) -> str:
    return f"{float(v):.10g}"


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_card_vectors_to_all_printed_digits(name):
    psi0, case, extra, expected = VECTORS[name]
    x0 = np.array([case["x0"]])
    _, states = drive(inna(psi0), case["grad"], x0, {**case["hp"], **extra}, 3, keep_states=True)
    for k, (theta, psi) in enumerate(expected, start=1):
        assert [g10(v) for v in states[k]["x"][0]] == [g10(v) for v in theta], (name, k, "theta")
        assert [g10(v) for v in states[k]["psi"][0]] == [g10(v) for v in psi], (name, k, "psi")


def test_card_sanity_line_and_first_steps():
    """grad J(theta0) = (99, 100), J(theta0) = 27; paper init: theta_1 = theta0 - gamma0 grad J(theta0),
    code init: theta_1 = theta0 - gamma0 beta grad J(theta0); psi_0 = (8.04, 10.305) resp. (-0.87, 1.305)."""
    x0 = np.array([[-1.0, 1.5]])
    g0 = grad_fig1(x0)
    assert g0.tolist() == [[99.0, 100.0]] and value_fig1(x0).tolist() == [27.0]
    xs_paper = drive(inna("paper"), grad_fig1, x0, B["hp"], 1)
    xs_code = drive(inna("code"), grad_fig1, x0, B["hp"], 1)
    np.testing.assert_allclose(xs_paper[1], x0 - 1e-4 * g0, rtol=1e-15, atol=0)
    np.testing.assert_allclose(xs_code[1], x0 - 1e-4 * 0.1 * g0, rtol=1e-15, atol=0)
    # the effective psi_0 of the paper init, recovered from psi_1 = psi_0 + gamma0 ((1/b - a) theta0 - psi_0/b)
    _, states = drive(inna("paper"), grad_fig1, x0, B["hp"], 1, keep_states=True)
    a, b, lr = 1.3, 0.1, 1e-4
    psi0 = (states[1]["psi"] - lr * (1 / b - a) * x0) / (1 - lr / b)
    np.testing.assert_allclose(psi0, [[8.04, 10.305]], rtol=1e-12)


def test_paper_init_equals_code_init_with_the_paper_psi0_bitwise():
    """The lazy completion at t = 0 is exactly the paper's formula: the "code" step started from
    psi_0 = (1 - alpha beta) theta_0 - (beta^2 - beta) grad J(theta_0) gives the same bits."""
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(5, 2))
    hp = {"lr": power(0.05, 0.5), "alpha": rng.uniform(0.1, 1.5, (5, 1)), "beta": rng.uniform(0.05, 1.0, (5, 1))}
    _, st_paper = drive(inna("paper"), grad_fig1, x0, hp, 20, keep_states=True)
    code = inna("code")
    full = code.hyperparameters(hp)
    a, b = full["alpha"], full["beta"]
    state = {"x": x0, "psi": (1.0 - a * b) * x0 - (b * b - b) * grad_fig1(x0)}
    for t in range(20):
        hp_t = {k: (v(t) if callable(v) else v) for k, v in full.items()}
        state = code.step(state, grad_fig1(state["x"]), hp_t, t)
        np.testing.assert_array_equal(state["x"], st_paper[t + 1]["x"])
        np.testing.assert_array_equal(state["psi"], st_paper[t + 1]["psi"])
    assert np.abs(state["x"] - x0).min() > 0  # the runs moved: the equality above is not that of a fixed point


# ------------------------------------------------------------------------------------ purity, batching


@pytest.mark.parametrize("psi0", ["paper", "code"])
def test_pure_batched_and_per_run_columns_equal_separate_runs(psi0):
    """drive() checks that step never mutates its state or gradient; R runs with per-run (R, 1)
    columns of lr, alpha, beta, weight_decay advance exactly as R separate runs."""
    rng = np.random.default_rng(2)
    R = 4
    x0 = rng.normal(size=(R, 2))
    cols = {"alpha": rng.uniform(0.1, 1.5, (R, 1)), "beta": rng.uniform(0.05, 1.0, (R, 1)),
            "weight_decay": rng.uniform(0.0, 0.1, (R, 1)), "lr": rng.uniform(1e-4, 1e-2, (R, 1))}
    xs = drive(inna(psi0), grad_fig1, x0, cols, 30)
    for r in range(R):
        one = {k: float(v[r, 0]) for k, v in cols.items()}
        np.testing.assert_array_equal(drive(inna(psi0), grad_fig1, x0[r:r + 1], one, 30)[:, 0], xs[:, r])
    assert len({tuple(row) for row in xs[-1]}) == R  # the per-run columns made R different trajectories


def test_registration_defaults_and_switches():
    opt = optimizers.get("inna", psi0="code")
    assert opt.name == "inna" and opt.convention["psi0"] == "code"
    assert "psi0=code" in opt.describe()
    assert optimizers.get("inna").convention["psi0"] == "paper"
    assert dict(opt.defaults) == {"lr": 0.1, "alpha": 0.5, "beta": 0.1, "weight_decay": 0.0}


@pytest.mark.parametrize("hp, message", [
    ({"alpha": 0.0}, "alpha must lie in"),
    ({"beta": -0.1}, "beta must lie in"),
    ({"beta": np.array([[0.1], [0.0]])}, "beta must lie in"),
    ({"lr": -1.0}, "lr must lie in"),
    ({"momentum": 0.9}, "no hyperparameter 'momentum'"),
])
def test_invalid_hyperparameters_are_refused(hp, message):
    with pytest.raises(ValueError, match=message) as refused:
        drive(inna(), grad_abs, np.ones((2, 1)), hp, 1)
    name = next(iter(hp))
    assert name in str(refused.value)  # the error names the argument it refuses


def test_unknown_psi0_is_refused():
    with pytest.raises(ValueError, match="psi0 must be 'paper' or 'code'") as refused:
        inna("keras")
    assert "'keras'" in str(refused.value)  # and the value it got


# ------------------------------------------------------------------------------------ spurious D-critical point


@pytest.mark.parametrize("psi0", ["paper", "code"])
@pytest.mark.parametrize("lr", [0.1, power(0.5, 0.5), 1e-4])
def test_spurious_d_critical_point_is_never_left(psi0, lr):
    """J = J1 + J2, J1 = relu(theta), J2 = -relu(-theta), so J(theta) = theta: no Clarke-critical point.
    Per-sample gradients with the AD convention relu'(0) = 0 sum to g(0) = 0 + 0 = 0: theta = 0 is
    D-critical (D J(0) = [0, 1] + [0, 1] contains 0). From (theta0, psi0) = (0, (1 - alpha beta) 0) = (0, 0),
    a rest point, INNA stays at exactly 0; from a start next to it, it moves off (down the slope)."""

    def relu_prime(z):  # the AD convention: relu'(0) = 0
        return (z > 0).astype(float)

    def oracle(X, t):  # sum of the per-sample (sub)gradients, as backprop computes them
        g1 = relu_prime(X)  # d/dtheta relu(theta)
        g2 = relu_prime(-X)  # d/dtheta [-relu(-theta)] = relu'(-theta)
        return g1 + g2

    assert oracle(np.zeros((1, 1)), 0).tolist() == [[0.0]] and oracle(np.array([[1e-300, -1e-300]]), 0).tolist() \
        == [[1.0, 1.0]]
    x0 = np.zeros((3, 4))
    xs, states = drive(inna(psi0), oracle, x0, {"lr": lr, "alpha": 0.5, "beta": 0.1}, 500, keep_states=True)
    assert not xs.any() and not any(s["psi"].any() for s in states)
    moved = drive(inna(psi0), oracle, x0 + 1e-3, {"lr": lr}, 500)
    assert (moved[-1] < 1e-3).all()


# ------------------------------------------------------------------------------------ the runner


@pytest.mark.parametrize("psi0", ["paper", "code"])
def test_runner_agrees_with_drive_and_inna_converges_on_a_tame_objective(psi0):
    """reference.run passes t = 0 at the first step (the paper init's lazy completion) and resolves
    the power schedule gamma_0 (k+1)^(-1/2) per step: its final iterate is drive()'s, bit for bit.
    On the nonsmooth tame AbsQuadratic, INNA approaches the unique (Clarke- and D-)critical point."""
    obj = AbsQuadratic()
    x0 = np.random.default_rng(3).normal(size=(3, obj.d))
    hp = {"lr": power(0.1, 0.5)}
    steps = 10_000
    trace = run(inna(psi0), obj, x0, steps, hp)
    xs = drive(inna(psi0), lambda X, t: obj.grad(X), x0, hp, steps)
    np.testing.assert_array_equal(trace.x_final, xs[-1])
    assert (trace.f[-1] - obj.constants["f_star"] < 1e-3).all()
    assert np.abs(trace.x_final - obj._x_star).max() < 2e-2


# ------------------------------------------------------------------------------------ DIN: the card's unit test


def test_card_continuous_time_unit_test():
    """J = theta^2/2, alpha 0.5, beta 0.1, theta 1, psi 0.3: theta' = 6.4, psi' = 6.5, and dE/dt,
    both from the chain rule and from eq. (31), is -41.16."""
    a, b = 0.5, 0.1
    grad = lambda th: th
    J = lambda rows: 0.5 * (rows ** 2).sum(axis=-1)
    th, ps = np.array([1.0]), np.array([0.3])
    th_dot, ps_dot = din.din_field(grad, th, ps, a, b)
    np.testing.assert_allclose([th_dot[0], ps_dot[0]], [6.4, 6.5], rtol=1e-14)
    dE_th, dE_ps = din.energy_gradient(grad, th, ps, a, b)
    direct = float(dE_th @ th_dot + dE_ps @ ps_dot)
    rate = float(din.energy_rate(th_dot, ps_dot, a, b))
    assert direct == pytest.approx(-41.16, rel=1e-13) and rate == pytest.approx(-41.16, rel=1e-13)
    # and E itself, differentiated numerically along (theta', psi')
    h = 1e-5
    E = lambda s: float(din.energy(J, th + s * th_dot, ps + s * ps_dot, a, b))
    assert (E(h) - E(-h)) / (2 * h) == pytest.approx(-41.16, rel=1e-8)


def test_rest_points_and_paper_initial_velocity():
    """(theta*, (1 - alpha beta) theta*) with grad J(theta*) = 0 is a rest point of (5); the paper's
    psi_0 is the psi of initial velocity -grad J(theta_0) (INNA's first step is then a gradient step)."""
    a, b = 0.7, 0.3
    grad = lambda th: th - 2.0
    th_star = np.array([2.0, 2.0])
    for v in din.din_field(grad, th_star, (1 - a * b) * th_star, a, b):
        np.testing.assert_allclose(v, 0.0, atol=1e-15)
    th0 = np.array([-1.0, 1.5])
    psi0 = din.psi_of_velocity(lambda t: grad_fig1(t), th0, -grad_fig1(th0), a, b)
    np.testing.assert_allclose(psi0, (1 - a * b) * th0 - (b * b - b) * grad_fig1(th0), rtol=1e-14)
    np.testing.assert_allclose(din.din_field(grad_fig1, th0, psi0, a, b)[0], -grad_fig1(th0), rtol=1e-13)
    assert np.linalg.norm(grad_fig1(th0)) > 100  # a real velocity ((99, 100) at the card's start), not 0 = 0


# ------------------------------------------------------------------------------------ DIN: smooth objectives

# J(theta) = 1/2 ||theta||^2 (convex) and a nonconvex smooth double well with coupling,
# J(theta) = sum_i (theta_i^2 - 1)^2 / 4 + C theta_1 theta_2, with its exact Hessian.
C = 0.3


def quad_J(rows):
    return 0.5 * (rows ** 2).sum(axis=-1)


def quad_grad(th):
    return np.asarray(th, dtype=float)


def quad_hess(th):
    return np.eye(th.shape[-1])


def well_J(rows):
    return ((rows ** 2 - 1) ** 2).sum(axis=-1) / 4 + C * rows[..., 0] * rows[..., 1]


def well_grad(th):
    g = th ** 3 - th
    g = g.copy()
    g[..., 0] += C * th[..., 1]
    g[..., 1] += C * th[..., 0]
    return g


def well_hess(th):
    H = np.diag(3 * th ** 2 - 1)
    H[0, 1] += C
    H[1, 0] += C
    return H


def smoothed_fig1(mu):
    """Card B's Fig. 1 function with |.| -> din.smooth_abs(., mu): smooth and nonconvex."""
    def J(rows):
        return 100 * (rows[..., 1] - din.smooth_abs(rows[..., 0], mu)) ** 2 + din.smooth_abs(1 - rows[..., 0], mu)

    def grad(th):
        r = th[..., 1] - din.smooth_abs(th[..., 0], mu)
        return np.stack([-200 * r * din.smooth_abs_grad(th[..., 0], mu) - din.smooth_abs_grad(1 - th[..., 0], mu),
                         200 * r], axis=-1)

    return J, grad


def _d_dt(y, h):
    """4th-order central differences on a uniform grid (interior points 2..n-3)."""
    return (-y[4:] + 8 * y[3:-1] - 8 * y[1:-3] + y[:-4]) / (12 * h)


# name: (J, grad J, theta0, alpha, beta, horizon T, grid step h of t_eval). The Fig. 1 function is
# stiff (beta |Hess J| ~ 40 across the valley) and starts fast (||grad J(theta0)|| ~ 140): finer grid.
SMOOTH = {
    "quadratic": (quad_J, quad_grad, np.array([1.0, -2.0, 0.5]), 0.5, 0.1, 8.0, 1e-3),
    "double_well": (well_J, well_grad, np.array([0.1, -1.7]), 0.5, 0.1, 8.0, 1e-3),
    "double_well_ab_gt_1": (well_J, well_grad, np.array([1.6, 0.2]), 2.0, 0.8, 8.0, 1e-3),
    "smoothed_fig1": (*smoothed_fig1(0.05), np.array([-1.0, 1.5]), 1.3, 0.1, 2.0, 2.5e-4),
}


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_din_energy_identity_and_decrease(name):
    """Along an accurately integrated trajectory, dE/dt by finite differences of E(t) on t_eval equals
    eq. (31)'s -2 alpha ||theta'||^2 - (2/beta) ||psi' - theta'||^2 to ~1e-6 relative, and E decreases."""
    J, grad, th0, a, b, T, h = SMOOTH[name]
    psi0 = din.psi_of_velocity(grad, th0, -grad(th0), a, b)  # the paper's initialisation
    t_eval = np.linspace(0.0, T, round(T / h) + 1)
    sol = din.integrate_din(grad, th0, psi0, a, b, (0.0, T), t_eval=t_eval, rtol=1e-11, atol=1e-13)
    E = din.energy(J, sol.theta, sol.psi, a, b)
    rate = din.energy_rate(sol.theta_dot, sol.psi_dot, a, b)
    fd = _d_dt(E, h)
    scale = np.abs(rate).max()
    assert np.abs(fd - rate[2:-2]).max() <= 1e-6 * scale
    big = np.abs(rate[2:-2]) > 1e-3 * scale  # pointwise relative where the rate is not negligible
    assert (np.abs(fd - rate[2:-2])[big] <= 1e-5 * np.abs(rate[2:-2])[big]).all()
    assert (rate <= 0).all()
    assert (np.diff(E) <= 1e-12 * np.abs(E).max()).all() and E[-1] < E[0]


@pytest.mark.parametrize("name, hess", [("quadratic", quad_hess), ("double_well", well_hess),
                                        ("double_well_ab_gt_1", well_hess)])
def test_phase_space_solution_solves_second_order_din(name, hess):
    """For C^2 J the phase-space solution's theta solves theta'' + alpha theta' + beta Hess J theta'
    + grad J = 0, theta'' from finite differences of theta' (the field) along the solution."""
    _, grad, th0, a, b, T, h = SMOOTH[name]
    psi0 = 0.3 * th0 + 0.1  # any psi_0: the equivalence does not depend on the initialisation
    t_eval = np.linspace(0.0, T, round(T / h) + 1)
    sol = din.integrate_din(grad, th0, psi0, a, b, (0.0, T), t_eval=t_eval, rtol=1e-11, atol=1e-13)
    th_ddot = _d_dt(sol.theta_dot, h)
    th, th_dot = sol.theta[2:-2], sol.theta_dot[2:-2]
    hess_term = np.stack([hess(x) @ v for x, v in zip(th, th_dot)])
    terms = [th_ddot, a * th_dot, b * hess_term, grad(th)]
    residual = sum(terms)
    scale = max(np.abs(x).max() for x in terms)
    assert np.abs(residual).max() <= 1e-6 * scale


@pytest.mark.parametrize("psi0", ["paper", "code"])
def test_inna_is_the_euler_scheme_of_din(psi0):
    """INNA with a constant step gamma for T/gamma steps tracks DIN (eq. 5) to O(gamma): the error at T
    halves when gamma halves (explicit Euler is first order)."""
    a, b, T = 0.5, 0.1, 1.0
    th0 = np.array([0.1, -1.7])
    ps0 = (1 - a * b) * th0 - ((b * b - b) * well_grad(th0) if psi0 == "paper" else 0.0)
    ref = din.integrate_din(well_grad, th0, ps0, a, b, (0.0, T), t_eval=[T])
    errs = []
    for gamma in (1e-3, 5e-4, 2.5e-4):
        steps = round(T / gamma)
        _, st = drive(inna(psi0), lambda X, t: well_grad(X), th0[None], {"lr": gamma, "alpha": a, "beta": b}, steps,
                      keep_states=True)
        errs.append(max(np.abs(st[-1]["x"][0] - ref.theta[-1]).max(), np.abs(st[-1]["psi"][0] - ref.psi[-1]).max()))
    assert errs[0] < 1e-2
    for e1, e2 in itertools.pairwise(errs):
        assert 1.8 < e1 / e2 < 2.2, errs


def test_integrate_din_batch_matches_separate_runs_and_takes_objective_grads():
    """A (R, d) batch is one system: grad is called with (R, d) arrays (a reference Objective's grad),
    and each run matches its own integration to the tolerance."""
    obj_grad = lambda X: well_grad(X)
    th0 = np.array([[0.1, -1.7], [1.6, 0.2], [-0.5, 0.5]])
    ps0 = 0.9 * th0
    t_eval = np.linspace(0.0, 3.0, 31)
    batch = din.integrate_din(obj_grad, th0, ps0, 0.5, 0.1, (0.0, 3.0), t_eval=t_eval)
    assert batch.theta.shape == (31, 3, 2) and batch.theta_dot.shape == (31, 3, 2)
    for r in range(3):
        one = din.integrate_din(well_grad, th0[r], ps0[r], 0.5, 0.1, (0.0, 3.0), t_eval=t_eval)
        np.testing.assert_allclose(batch.theta[:, r], one.theta, atol=1e-8)
        np.testing.assert_allclose(batch.psi[:, r], one.psi, atol=1e-8)
    E = din.energy(well_J, batch.theta, batch.psi, 0.5, 0.1)
    assert E.shape == (31, 3) and (np.diff(E, axis=0) <= 1e-12).all()


# ------------------------------------------------------------------------------------ DIN: nonsmooth via smoothing


def test_smoothing_helpers():
    x = np.linspace(-3, 3, 601)
    for mu in (1e-1, 1e-3):
        s = din.smooth_abs(x, mu)
        assert (s <= np.abs(x)).all() and (s >= np.abs(x) - mu).all() and din.smooth_abs(0.0, mu) == 0.0
        h = 1e-6 * mu
        np.testing.assert_allclose(din.smooth_abs_grad(x, mu), (din.smooth_abs(x + h, mu) - din.smooth_abs(x - h, mu))
                                   / (2 * h), atol=1e-6)
        r = din.smooth_relu(x, mu)
        assert (np.abs(r - np.maximum(x, 0)) <= mu / 2 + 1e-15).all()
        np.testing.assert_allclose(din.smooth_relu_grad(x, mu), 0.5 * (1 + din.smooth_abs_grad(x, mu)))
    with pytest.raises(ValueError, match="mu must be > 0"):
        din.smooth_abs(x, 0.0)


@pytest.mark.parametrize("mu", [1e-2, 1e-4])
def test_din_on_smoothed_abs_decreases_energy_and_approaches_the_minimiser(mu):
    """J = |theta| smoothed: the smoothed DIN is an ODE that LSODA integrates through the stiff region
    near the kink; E decreases and theta(t) -> 0, the Clarke-critical point of |.|."""
    a, b = 0.5, 0.1
    J = lambda rows: din.smooth_abs(rows, mu).sum(axis=-1)
    grad = lambda th: din.smooth_abs_grad(th, mu)
    th0 = np.array([1.0, -0.4])
    t_eval = np.linspace(0.0, 40.0, 401)
    sol = din.integrate_din(grad, th0, (1 - a * b) * th0, a, b, (0.0, 40.0), t_eval=t_eval, rtol=1e-9,
                            atol=1e-12, method="LSODA")
    E = din.energy(J, sol.theta, sol.psi, a, b)
    assert (np.diff(E) <= 1e-8 * E[0]).all() and E[-1] < 1e-2 * E[0]
    assert np.abs(sol.theta[-1]).max() < 0.05


def test_integrate_din_refuses_bad_parameters():
    with pytest.raises(ValueError, match="alpha > 0 and beta > 0") as refused:
        din.integrate_din(quad_grad, np.ones(2), np.ones(2), 0.5, 0.0, (0.0, 1.0))
    assert "beta=0.0" in str(refused.value)  # the failing value is named
