"""Clipped GD / SGD, normalized GD and the clipping framework with momentum (reference/optimizers/
clipping.py): torch conformance, the card's test vectors, and the properties the theory relies on.

Golden trajectories, tests/golden/torch_clip.json, were recorded by hand with
``python tests/golden/record_torch_clip.py`` (torch 2.13; this file imports no torch):
torch.nn.utils.clip_grad_norm_(max_norm=clip) then torch.optim.SGD(lr), each run its own parameter
tensor, on record_torch.py's quad and sin_squared problems, with a constant lr and a schedule, and
thresholds that make clipping active throughout, at first only, or never. Each case is checked
through the pure ``init``/``step`` pair and end to end through ``reference.run``, to 1e-12, with
clipped_gd(denominator="torch").

Card test vectors come from shared/papers/clipping_zhang2019_2020.md (reproduced by its
clipping_check.py): T1 (ZHSJ Theorem 3's parameters and largest step), T8 (one hard and one soft
framework step), T9 (h_c / 2 <= h_n <= h_c) and section 10.2's iteration counts of clipped GD and
of the hard framework (nu = 0, 0.7, 1) on objectives A, B and C. In the card's notation
gamma_ZJFW = eta gamma_ZHSJ; our clip is always ZHSJ's gamma (a gradient-norm threshold).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcheck.reference import optimizers as opts
from convcheck.reference import oracles, run
from convcheck.reference.objectives import SinSquared
from convcheck.reference.optimizers import (
    clip_momentum,
    clipped_gd,
    clipped_sgd,
    clipping,
    normalized_gd,
)

from golden_support import TOL, drive, hp_of, load, max_abs, objective_of as golden_objective

TORCH, CASES = load("torch_clip.json")


def objective_of(problem: str):
    return golden_objective(TORCH, problem)


def x0_of(case):
    return np.asarray(TORCH["problems"][case["problem"]]["x0"], dtype=np.float64)


# -- the golden data itself ------------------------------------------------------------------------


def test_torch_golden_file_is_complete_and_clipping_is_both_active_and_not():
    assert set(CASES) == {"quad/clip1", "quad/clip1_sched", "quad/clip0.25", "quad/clip100",
                          "sin_squared/clip2", "sin_squared/clip2_sched", "sin_squared/clip0.5",
                          "sin_squared/clip100"}
    assert TORCH["dtype"] == "float64" and TORCH["torch_version"].startswith("2.")
    sgd = load("torch_sgd.json")[0]
    for prob in ("quad", "sin_squared"):
        for key in ("d", "params", "x0", "objective"):
            assert TORCH["problems"][prob][key] == sgd["problems"][prob][key]
    active = {n: np.asarray(c["clip_active"]) for n, c in CASES.items()}
    for n in ("quad/clip1", "quad/clip1_sched", "sin_squared/clip2", "sin_squared/clip2_sched"):
        assert active[n].any() and not active[n].all(), n  # clipping switches off along the way
    assert active["quad/clip0.25"].all() and active["sin_squared/clip0.5"].all()
    assert not active["quad/clip100"].any() and not active["sin_squared/clip100"].any()
    assert np.shape(CASES["sin_squared/clip2"]["x"]) == (51, 3, 5)


@pytest.mark.parametrize("name", sorted(CASES))
def test_clip_activity_is_torchs(name):
    """torch's coefficient clip / (||g|| + 1e-6) < 1 at the recorded iterates, run by run."""
    case = CASES[name]
    obj = objective_of(case["problem"])
    xs = np.asarray(case["x"])
    for t in range(case["steps"]):
        n = np.sqrt((obj.grad(xs[t]) ** 2).sum(axis=1))
        np.testing.assert_array_equal(case["hp"]["clip"] / (n + 1e-6) < 1.0, case["clip_active"][t])


# -- every recorded trajectory, two ways -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_init_step_reproduce_torch_iterates(name):
    case = CASES[name]
    obj = objective_of(case["problem"])
    opt = opts.get(case["optimizer"], **case["convention"])
    xs = drive(opt, lambda x, t: obj.grad(x), x0_of(case), hp_of(case), case["steps"])
    err = max_abs(xs, case["x"])
    assert err <= TOL, f"{name}: max |x_ours - x_torch| = {err:.3e}"
    # the exact denominator misses torch wherever clipping was active (by ~lr clip 1e-6 / ||g||)
    exact = drive(clipped_gd(denominator="exact"), lambda x, t: obj.grad(x), x0_of(case), hp_of(case),
                  case["steps"])
    if np.any(case["clip_active"]):
        assert max_abs(exact, case["x"]) > 1e-8
    else:
        assert max_abs(exact, case["x"]) <= TOL


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_reproduces_torch_f_and_final_iterate(name):
    case = CASES[name]
    obj = objective_of(case["problem"])
    steps = case["steps"]
    opt = opts.get(case["optimizer"], **case["convention"])
    tr = run(opt, obj, x0_of(case), steps, hp=hp_of(case), record=range(steps + 1))
    assert not tr.diverged().any()
    err_f, err_x = max_abs(tr.f, case["f"]), max_abs(tr.x_final, case["x"][-1])
    assert err_f <= TOL and err_x <= TOL, f"{name}: f err {err_f:.3e}, x_final err {err_x:.3e}"
    assert tr.optimizer == opt.describe() == "clipped_gd(form=hard, denominator=torch)"


# -- card test vectors -----------------------------------------------------------------------------


@pytest.mark.parametrize("L0,L1,eta,clip,largest", [(2.0, 5.0, 0.05, 0.4, 0.02), (2.0, 0.05, 0.05, 20.0, 1.0)])
def test_card_T1_theorem_3_parameters_bound_the_step(L0, L1, eta, clip, largest):
    """eta_c = 1/(10 L0), gamma = min(1/eta_c, 1/(10 L1 eta_c)); a clipped step moves gamma eta_c."""
    assert math.isclose(1 / (10 * L0), eta) and math.isclose(min(1 / eta, 1 / (10 * L1 * eta)), clip)
    x0 = np.zeros((2, 3))
    g = np.array([[1e3, -2e3, 5e2], [1e-3, 0.0, 2e-3]])  # far beyond the threshold; far below it
    x1 = clipped_gd().step(clipped_gd().init(x0, {}), g, {"lr": eta, "clip": clip}, 0)["x"]
    assert math.isclose(np.linalg.norm(x1[0]), largest, rel_tol=1e-15)
    np.testing.assert_array_equal(x1[1], -eta * g[1])  # inactive: plain GD, h = eta_c


@pytest.mark.parametrize("form,expected", [("hard", (-0.12, -0.076)), ("soft", (-0.0771705, -0.0514378))])
def test_card_T8_one_framework_step(form, expected):
    """beta = 0.9, nu = 0.7, eta = 0.1, gamma_ZJFW = 0.2 (clip = 0.2 / 0.1 = 2), g = (3, 4),
    m_prev = (1, 0): m = (1.2, 0.4), ||m|| = 1.26491."""
    opt = clip_momentum(form=form)
    state = {"x": np.zeros((1, 2)), "m": np.array([[1.0, 0.0]])}
    new = opt.step(state, np.array([[3.0, 4.0]]), opt.hyperparameters(
        {"lr": 0.1, "clip": 2.0, "beta1": 0.9, "nu": 0.7}), 5)
    np.testing.assert_allclose(new["m"], [[1.2, 0.4]], rtol=1e-15)
    assert float(f"{np.linalg.norm(new['m']):.6g}") == 1.26491
    if form == "hard":
        np.testing.assert_allclose(new["x"][0], expected, rtol=1e-14)
    else:
        assert [float(f"{v:.6g}") for v in new["x"][0]] == list(expected)
    # the authors' m starts at 0: the first step sees m_0 = (1 - beta) g_0
    first = opt.step(opt.init(np.zeros((1, 2)), {}), np.array([[3.0, 4.0]]),
                     opt.hyperparameters({"lr": 0.1, "clip": 2.0, "nu": 0.7}), 0)
    np.testing.assert_allclose(first["m"], [[0.3, 0.4]], rtol=1e-15)


def card_objective(kind):
    """Section 10.1's objectives (a = mu = 1) as gradient maps on (R, d) rows, with ZHSJ Theorem 3's
    (eta_c, gamma) from their (L0, L1), and the starting point at R = 10."""
    if kind == "A":  # cosh u + y^2/2, (L0, L1) = (1, 1)
        return (lambda z: np.concatenate([np.sinh(z[:, :1]), z[:, 1:]], axis=1)), 1.0, 1.0, [10.0, 1.0]
    if kind == "B":  # u^4/4 + y^2/2, (1, 2)
        return (lambda z: np.concatenate([z[:, :1] ** 3, z[:, 1:]], axis=1)), 1.0, 2.0, [10.0, 1.0]
    def g(z):  # C: (||w||^2 - 1)^2/4 + y^2/2, (2, 3)
        w = z[:, :2]
        return np.concatenate([((w * w).sum(axis=1, keepdims=True) - 1.0) * w, z[:, 2:]], axis=1)
    return g, 2.0, 3.0, [10.0, 0.0, 1.0]


def iterations_to_eps(opt, hp, grad, z0, eps=1e-3, kmax=5000):
    """First k with ||grad f(z_k)|| <= eps, per run (the card's run_clip / run_framework count)."""
    state = opt.init(z0, hp)
    hit = np.full(z0.shape[0], -1)
    for k in range(kmax + 1):
        g = grad(state["x"])
        hit = np.where((hit < 0) & (np.sqrt((g * g).sum(axis=1)) <= eps), k, hit)
        if (hit >= 0).all():
            return hit.tolist()
        state = opt.step(state, g, hp, k)
    raise AssertionError(f"not every run reached eps in {kmax} steps: {hit}")


@pytest.mark.parametrize("kind,clipped,framework", [
    ("A", 157, [157, 214, 240]), ("B", 676, [676, 511, 659]), ("C", 391, [391, 379, 411]),
])
def test_card_10_2_iteration_counts_at_R_10(kind, clipped, framework):
    grad, L0, L1, z0 = card_objective(kind)
    eta = 1 / (10 * L0)
    clip = min(1 / eta, 1 / (10 * L1 * eta))  # ZHSJ's gamma; the card's framework uses gamma_ZJFW = gamma eta
    assert iterations_to_eps(clipped_gd(), {"lr": eta, "clip": clip}, grad, np.array([z0])) == [clipped]
    nu = np.array([[0.0], [0.7], [1.0]])  # three runs, nu per run
    hp = clip_momentum().hyperparameters({"lr": eta, "clip": clip, "beta1": 0.9, "nu": nu})
    assert iterations_to_eps(clip_momentum(), hp, grad, np.array([z0] * 3)) == framework


# -- properties ----------------------------------------------------------------------------------

FORMS = [("hard", "exact"), ("hard", "torch"), ("soft", "exact")]
finite = st.floats(-3.0, 3.0).filter(lambda v: v == 0.0 or abs(v) >= 1e-6)


@st.composite
def batch(draw, max_runs=4, max_d=3):
    R, d = draw(st.integers(1, max_runs)), draw(st.integers(1, max_d))
    return np.array(draw(st.lists(st.lists(finite, min_size=d, max_size=d), min_size=R, max_size=R)))


def column(draw, R, lo, hi):
    return np.array(draw(st.lists(st.floats(lo, hi), min_size=R, max_size=R))).reshape(R, 1)


def gradients(draw, R, d):
    """Gradients spanning 1e-4 .. 1e3 in norm, so that clipping is active in some rows and not others."""
    g = np.array(draw(st.lists(st.lists(finite, min_size=d, max_size=d), min_size=R, max_size=R)))
    return g * (10.0 ** column(draw, R, -4.0, 3.0))


@given(data=st.data(), x0=batch(), form=st.sampled_from(FORMS))
def test_displacement_is_at_most_clip_lr(data, x0, form):
    """One clipped step moves at most clip * lr (ZHSJ's gamma eta_c): hard with either denominator
    (torch's is strictly shorter when active), soft too (its step size is below the hard one)."""
    R, d = x0.shape
    g = gradients(data.draw, R, d)
    hp = {"lr": column(data.draw, R, 1e-3, 1.0), "clip": column(data.draw, R, 1e-2, 10.0)}
    opt = clipped_gd(*form)
    zero = np.zeros_like(x0)  # from 0 the step is read off without the rounding of x1 - x0
    moved = np.linalg.norm(opt.step(opt.init(zero, hp), g, hp, 0)["x"], axis=1)
    assert np.all(moved <= (hp["clip"] * hp["lr"])[:, 0] * (1 + 1e-12) + 1e-300)
    # and never more than the unclipped step lr ||g||
    assert np.all(moved <= hp["lr"][:, 0] * np.linalg.norm(g, axis=1) * (1 + 1e-12))


def step_sizes(opt, g, hp):
    """h per run, read off one step from x = 0 in a direction with a nonzero coordinate."""
    x1 = opt.step(opt.init(np.zeros_like(g), hp), g, hp, 0)["x"]
    j = np.argmax(np.abs(g), axis=1)
    r = np.arange(g.shape[0])
    return -x1[r, j] / g[r, j]


@given(data=st.data(), x0=batch())
def test_card_T9_normalized_step_lies_within_half_and_one_clipped_step(data, x0):
    """lr_n, xi given; clipped GD with lr_c = lr_n / xi and clip lr_c = lr_n, i.e. clip = xi:
    h_c = lr_n / max(xi, ||g||) and h_c / 2 <= h_n = lr_n / (||g|| + xi) <= h_c."""
    R, d = x0.shape
    g = gradients(data.draw, R, d)
    g[np.all(g == 0, axis=1), 0] = 1.0  # a direction to read h from
    lr_n, xi = column(data.draw, R, 1e-3, 1.0), column(data.draw, R, 1e-2, 10.0)
    h_n = step_sizes(normalized_gd(), g, {"lr": lr_n, "xi": xi})
    h_c = step_sizes(clipped_gd(), g, {"lr": lr_n / xi, "clip": xi})
    n = np.linalg.norm(g, axis=1)
    np.testing.assert_allclose(h_n, lr_n[:, 0] / (n + xi[:, 0]), rtol=1e-14)
    np.testing.assert_allclose(h_c, lr_n[:, 0] / np.maximum(xi[:, 0], n), rtol=1e-14)
    assert np.all(h_c / 2 <= h_n * (1 + 1e-13)) and np.all(h_n <= h_c * (1 + 1e-13))
    # the same relation between the soft and the hard clipped step (card 9.3: [1/2, 1] x hard)
    hp = {"lr": lr_n, "clip": xi}
    soft, hard = step_sizes(clipped_gd("soft"), g, hp), step_sizes(clipped_gd(), g, hp)
    assert np.all(hard / 2 <= soft * (1 + 1e-13)) and np.all(soft <= hard * (1 + 1e-13))


def framework_runs(form, nu, x0, hp, steps, oracle):
    """Iterates of clip_momentum(form) with nu and of clipped_gd(form) from x0 under one oracle."""
    fw, cg = clip_momentum(*form), clipped_gd(*form)
    a = drive(fw, oracle, x0, {**hp, "nu": nu}, steps)
    b = drive(cg, oracle, x0, {k: hp[k] for k in ("lr", "clip")}, steps)
    return a, b


@given(data=st.data(), x0=batch(), form=st.sampled_from(FORMS), column_nu=st.booleans())
def test_nu_zero_is_clipped_gd_bit_for_bit(data, x0, form, column_nu):
    R = x0.shape[0]
    obj = SinSquared(x0.shape[1], 3.0)
    hp = {"lr": column(data.draw, R, 1e-3, 0.5), "clip": column(data.draw, R, 1e-2, 5.0),
          "beta1": column(data.draw, R, 0.0, 0.99)}
    nu = np.zeros((R, 1)) if column_nu else 0.0
    a, b = framework_runs(form, nu, x0, hp, 10, lambda x, t: obj.grad(x))
    np.testing.assert_array_equal(a, b)


@given(data=st.data(), x0=batch(), form=st.sampled_from(FORMS))
def test_beta_zero_is_clipped_gd_and_nu_one_is_clipped_momentum(data, x0, form):
    R = x0.shape[0]
    obj = SinSquared(x0.shape[1], 3.0)
    # lr <= 1/L: the two ways of writing the step round differently (nu h + (1 - nu) h is not h), and a step that
    # expands (lr L up to 3.5 doubles the error every step) would grow that rounding past any fixed tolerance
    hp = {"lr": column(data.draw, R, 1e-3, 1 / obj.constants["L"]), "clip": column(data.draw, R, 1e-2, 5.0)}
    nu = column(data.draw, R, 0.0, 1.0)
    a, b = framework_runs(form, nu, x0, {**hp, "beta1": 0.0}, 10, lambda x, t: obj.grad(x))
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    # nu = 1: clipped GD applied to the EMA m (m_{-1} = 0), written out by hand
    beta = 0.8
    fw = drive(clip_momentum(*form), lambda x, t: obj.grad(x), x0, {**hp, "beta1": beta, "nu": 1.0}, 10)
    x, m = x0.copy(), np.zeros_like(x0)
    for t in range(10):
        m = beta * m + (1 - beta) * obj.grad(x)
        h = step_sizes(clipped_gd(*form), m + (m == 0).all(axis=1, keepdims=True), hp)[:, None]
        x = x - h * m
        np.testing.assert_allclose(fw[t + 1], x, rtol=1e-12, atol=1e-14)


VARIANTS = {
    "clipped_gd": (clipped_gd(), {"lr": 0.1, "clip": 1.0}),
    "clipped_gd_torch": (clipped_gd(denominator="torch"), {"lr": 0.1, "clip": 1.0}),
    "clipped_gd_soft": (clipped_gd("soft"), {"lr": 0.1, "clip": 1.0}),
    "clipped_sgd": (clipped_sgd(), {"lr": 0.1, "clip": 1.0}),
    "normalized_gd": (normalized_gd(), {"lr": 0.1, "xi": 0.5}),
    "clip_momentum": (clip_momentum(), {"lr": 0.1, "clip": 1.0, "nu": 0.7}),
    "clip_momentum_torch": (clip_momentum(denominator="torch"), {"lr": 0.1, "clip": 1.0, "nu": 0.3}),
    "clip_momentum_soft": (clip_momentum("soft"), {"lr": 0.1, "clip": 1.0, "beta1": 0.99}),
}
RANGES = {"lr": (1e-3, 0.3), "clip": (1e-2, 5.0), "xi": (0.0, 1.0), "beta1": (0.0, 0.99), "nu": (0.0, 1.0)}


@settings(deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(VARIANTS)), x0=batch())
def test_batched_runs_with_hyperparameter_columns_equal_runs_one_at_a_time(data, name, x0):
    opt, base = VARIANTS[name]
    R = x0.shape[0]
    hp = {**base, **{k: column(data.draw, R, *RANGES[k]) for k in opt.defaults
                     if data.draw(st.booleans(), label=f"{k} per run")}}
    obj = SinSquared(x0.shape[1], 3.0)
    steps = 15
    together = run(opt, obj, x0, steps, hp=hp, record=[0, steps])
    for r in range(R):
        hp_r = {k: float(v[r, 0]) if isinstance(v, np.ndarray) else v for k, v in hp.items()}
        alone = run(opt, obj, x0[r:r + 1], steps, hp=hp_r, record=[0, steps])
        np.testing.assert_array_equal(together.x_final[r], alone.x_final[0])
        np.testing.assert_array_equal(together.f[:, r], alone.f[:, 0])


@given(data=st.data(), name=st.sampled_from(sorted(VARIANTS)), x0=batch())
def test_step_mutates_nothing_it_is_handed(data, name, x0):
    """golden_support.drive checks state, gradient and hyperparameters are untouched, keys kept, no aliasing."""
    opt, base = VARIANTS[name]
    obj = SinSquared(x0.shape[1], 3.0)
    xs = drive(opt, lambda x, t: obj.grad(x), x0, {**base, "lr": column(data.draw, x0.shape[0], 1e-3, 0.3)}, 3,
               no_alias=True)
    assert xs.shape == (4, *x0.shape) and np.isfinite(xs).all()


def test_clipped_sgd_is_clipped_gd_under_a_stochastic_oracle():
    obj = SinSquared(5, 3.0)
    x0 = obj.initial_points(4, seed=1)
    hp = {"lr": 0.1, "clip": 0.5}
    a = run(clipped_sgd(), obj, x0, 40, hp=hp, oracle=oracles.Gaussian(2.0), seed=7)
    b = run(clipped_gd(), obj, x0, 40, hp=hp, oracle=oracles.Gaussian(2.0), seed=7)
    np.testing.assert_array_equal(a.x_final, b.x_final)
    c = run(clipped_gd(), obj, x0, 40, hp=hp)
    assert max_abs(a.x_final, c.x_final) > 1e-3  # the noise did reach the iterates
    assert opts.get("clipped_sgd", form="soft").convention == {"form": "soft", "denominator": "exact"}


def test_normalized_gd_takes_no_step_at_a_zero_gradient_without_shift():
    x0 = np.array([[1.0, 2.0], [3.0, -1.0]])
    g = np.array([[0.0, 0.0], [3.0, 4.0]])
    x1 = normalized_gd().step({"x": x0}, g, {"lr": 0.5, "xi": 0.0}, 0)["x"]
    np.testing.assert_array_equal(x1[0], x0[0])
    np.testing.assert_allclose(x1[1], x0[1] - 0.5 * np.array([0.6, 0.8]), rtol=1e-15)


@pytest.mark.parametrize("name,steps,reductions", [
    ("clipped_gd", 7, 7), ("clipped_gd_torch", 7, 7), ("clipped_gd_soft", 7, 7), ("normalized_gd", 7, 7),
    ("clip_momentum", 7, 14),  # nu strictly inside (0, 1): ||m|| and ||g||
])
def test_one_row_reduction_per_clipped_direction_per_step(monkeypatch, name, steps, reductions):
    """The step size of all R runs comes from one row_dot over the (R, d) batch per direction."""
    calls = []
    real = clipping.row_dot

    def counting(xp, a, b):
        calls.append(a.shape)
        return real(xp, a, b)

    monkeypatch.setattr(clipping, "row_dot", counting)
    opt, hp = VARIANTS[name]
    x0 = SinSquared(4, 3.0).initial_points(64, seed=0)
    drive(opt, lambda x, t: SinSquared(4, 3.0).grad(x), x0, hp, steps)
    assert len(calls) == reductions and set(calls) == {(64, 4)}
    calls.clear()
    for nu in (0.0, 1.0):  # nu = 0 or 1 skips the unused direction
        drive(clip_momentum(), lambda x, t: SinSquared(4, 3.0).grad(x), x0, {"lr": 0.1, "clip": 1.0, "nu": nu},
              steps)
    assert len(calls) == 2 * steps


@pytest.mark.parametrize("name", ["clipped_gd", "clipped_gd_torch", "clipped_gd_soft", "normalized_gd",
                                  "clip_momentum"])
def test_the_runner_hands_its_gradient_norm_to_clipping(monkeypatch, name):
    """Under reference.run with an exact oracle the batch is reduced once per step, for the record,
    and the step reuses that norm: the trajectory is the same, bit for bit, as the step's own."""
    from convcheck.reference import run, runner

    opt, hp = VARIANTS[name]
    obj = SinSquared(4, 3.0)
    x0 = obj.initial_points(64, seed=0)
    expected = drive(opt, lambda x, t: obj.grad(x), x0, hp, 7)[-1]
    calls = []
    for module in (runner, clipping):
        real = module.row_dot
        monkeypatch.setattr(module, "row_dot", lambda xp, a, b, real=real: calls.append(1) or real(xp, a, b))
    tr = run(opt, obj, x0, 7, hp=hp)
    per_step = 2 if name == "clip_momentum" else 1  # nu = 0.7 there: ||m|| is the framework's own
    assert len(calls) == 8 + 7 * (per_step - 1)
    np.testing.assert_array_equal(tr.x_final, expected)


# -- names, switches and domains -------------------------------------------------------------------


def test_registry_conventions_and_glossary_names():
    from convcheck import glossary

    for name in ("clipped_gd", "clipped_sgd", "normalized_gd", "clip_momentum"):
        assert name in opts.NAMES and opts.get(name).name == name
        assert set(opts.get(name).defaults) <= set(glossary.HYPERPARAMETERS)
    assert clipped_gd().defaults == {"lr": None, "clip": None}
    assert normalized_gd().defaults == {"lr": None, "xi": None}
    assert clip_momentum().defaults == {"lr": None, "clip": None, "beta1": 0.9, "nu": 1.0}
    assert clipped_gd(denominator="torch").describe() == "clipped_gd(form=hard, denominator=torch)"
    assert opts.get("clip_momentum", form="soft").convention == {"form": "soft", "denominator": "exact",
                                                                 "m_init": "zero"}


@pytest.mark.parametrize("factory,kwargs,match", [
    (clipped_gd, {"form": "smooth"}, "form must be 'hard' or 'soft'; got 'smooth'"),
    (clipped_gd, {"denominator": "optax"}, "denominator must be 'exact' or 'torch'; got 'optax'"),
    (clipped_gd, {"form": "soft", "denominator": "torch"}, "belongs to the hard form"),
    (clip_momentum, {"form": "mixed"}, "form must be 'hard' or 'soft'; got 'mixed'"),
    (clipped_sgd, {"denominator": 1e-6}, "denominator must be"),
])
def test_unknown_switch_values_are_refused_by_name(factory, kwargs, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)")):
        factory(**kwargs)


@pytest.mark.parametrize("opt,hp,message", [
    (clipped_gd(), {"lr": 0.1, "clip": 0.0}, r"hyperparameter clip must lie in \(0, inf\); got 0"),
    (clipped_gd(), {"lr": 0.1, "clip": -1.0}, r"hyperparameter clip must lie in \(0, inf\); got -1"),
    (clipped_gd(), {"lr": 0.1, "clip": math.inf}, r"hyperparameter clip must lie in \(0, inf\); got inf"),
    (clipped_gd(), {"lr": -0.1, "clip": 1.0}, r"hyperparameter lr must lie in \[0, inf\); got -0.1"),
    (normalized_gd(), {"lr": 0.1, "xi": -1e-3}, r"hyperparameter xi must lie in \[0, inf\); got -0.001"),
    (clip_momentum(), {"lr": 0.1, "clip": 1.0, "nu": 1.5}, r"hyperparameter nu must lie in \[0, 1\]; got 1.5"),
    (clip_momentum(), {"lr": 0.1, "clip": 1.0, "nu": np.array([[0.5], [-0.2]])},
     r"hyperparameter nu must lie in \[0, 1\]; got -0.2"),
    (clip_momentum(), {"lr": 0.1, "clip": 1.0, "beta1": 1.0}, r"hyperparameter beta1 must lie in \[0, 1\); got 1"),
    (clip_momentum(), {"lr": 0.1}, "needs hyperparameter 'clip'"),
    (normalized_gd(), {"lr": 0.1, "beta": 0.5}, "no hyperparameter 'beta'"),
])
def test_domain_errors_name_the_hyperparameter(opt, hp, message):
    with pytest.raises(ValueError, match=message):
        opt.hyperparameters(hp)
    # the boundary values that are allowed
    clip_momentum().hyperparameters({"lr": 0.1, "clip": 1e-12, "nu": 0.0})
    clip_momentum().hyperparameters({"lr": 0.1, "clip": 1e12, "nu": 1.0})
