"""The batched runner against hand-written loops, per-run columns against separate runs, and its
bookkeeping (records, reductions, hitting times, divergence, monitors, errors)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference import record_steps, run
from reference.backend import row_dot
from reference.objectives import Quadratic, SinSquared
from reference.optimizers import gd
from reference.oracles import Gaussian
from reference.schedules import Schedule, constant, cosine, power, step_decay

OBJ = SinSquared(d=3, a=2.0)  # L = 5: lr < 2/5 converges
X0 = OBJ.initial_points(4, seed=1)
STEPS = 12
RECORDS = ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "decrease")


def dense(obj=OBJ, x0=X0, steps=STEPS, lr=0.1, **kw):
    """A GD run recording every iterate."""
    return run(gd(), obj, x0, steps, hp={"lr": lr}, record=range(steps + 1), **kw)


def hand_gd(obj, x0, steps, lr_at):
    """GD written out: f(x_t), |grad f(x_t)|^2 for t = 0..steps, and x_steps."""
    x, f, g2 = x0.copy(), [], []
    for t in range(steps + 1):
        g = obj.grad(x)
        f.append(obj.value(x))
        g2.append(row_dot(np, g, g))  # the runner's row norm, bit for bit
        if t < steps:
            x = x - lr_at(t) * g
    return np.array(f), np.array(g2), x


@pytest.mark.parametrize("lr", [0.1, power(0.1, 0.5), step_decay(0.3, 0.5, 4)])
def test_gd_equals_the_hand_loop_bitwise(lr):
    trace = dense(lr=lr)
    f, g2, x = hand_gd(OBJ, X0, STEPS, lambda t: lr(t) if callable(lr) else lr)
    assert np.array_equal(trace.steps, np.arange(STEPS + 1))
    assert np.array_equal(trace.f, f) and np.array_equal(trace.grad_sq, g2)
    assert np.array_equal(trace.x_final, x)
    assert np.array_equal(trace.decrease[:-1], f[:-1] - f[1:]) and np.all(np.isnan(trace.decrease[-1]))


@pytest.mark.parametrize("make_lr", [lambda v: v, lambda v: power(v, 0.5)])
def test_per_run_columns_equal_separate_runs(make_lr):
    lrs = np.array([0.05, 0.1, 0.2, 0.35])
    batch = dense(lr=make_lr(lrs[:, None]))
    for r, lr in enumerate(lrs):
        alone = dense(x0=X0[r:r + 1], lr=make_lr(float(lr)))
        for name in RECORDS:
            np.testing.assert_array_equal(getattr(batch, name)[:, r], getattr(alone, name)[:, 0])


def test_same_seed_same_trace_with_noise():
    traces = [run(gd(), OBJ, X0, 30, hp={"lr": 0.1}, oracle=Gaussian(0.5), seed=s) for s in (3, 3, 4)]
    for name in RECORDS:
        np.testing.assert_array_equal(getattr(traces[0], name), getattr(traces[1], name))
    assert not np.array_equal(traces[0].f, traces[2].f)


# -- divergence ----------------------------------------------------------------------------------

EIGS = np.array([4.0, 1.0])  # L = 4


def first_blowup(lr, x0, blowup):
    """First t with f(x_t) or ||grad f(x_t)||^2 > blowup for GD on diag(EIGS), where
    x_t = (1 - lr EIGS)^t x0 (the runner's documented divergence rule)."""
    for t in range(10_000):
        x = (1 - lr * EIGS) ** t * x0
        if max(0.5 * (EIGS * x ** 2).sum(), ((EIGS * x) ** 2).sum()) > blowup:
            return t
    return -1


@pytest.mark.parametrize("blowup", [1e6, 1e100])
def test_divergence_is_recorded_per_run_and_spares_the_others(blowup):
    obj = Quadratic.diagonal(EIGS)
    L = obj.constants["L"]
    x0 = np.array([[1.0, 1.0], [1.0, -1.0], [np.nan, 0.0]])
    lr = np.array([[3 / L], [1 / L], [1 / L]])
    steps = 200
    trace = run(gd(), obj, x0, steps, hp={"lr": lr}, record=range(steps + 1), blowup=blowup)
    expected = first_blowup(3 / L, x0[0], blowup)
    assert 0 < expected < steps
    assert list(trace.diverged_at) == [expected, -1, 0]
    assert list(trace.diverged()) == [True, False, True]
    for name in RECORDS:
        rec = getattr(trace, name)
        assert np.all(np.isnan(rec[expected:, 0])) and np.all(np.isnan(rec[:, 2]))
        assert np.all(np.isfinite(rec[:expected, 0]))
    alone = run(gd(), obj, x0[1:2], steps, hp={"lr": 1 / L}, record=range(steps + 1), blowup=blowup)
    for name in RECORDS:
        np.testing.assert_array_equal(getattr(trace, name)[:, 1], getattr(alone, name)[:, 0])


def test_all_runs_diverged_keeps_the_shape():
    obj = Quadratic.diagonal(EIGS)
    x0 = np.ones((2, 2))
    trace = run(gd(), obj, x0, 300, hp={"lr": 3 / 4}, record=range(301), blowup=1e6)
    expected = first_blowup(3 / 4, x0[0], 1e6)
    assert list(trace.diverged_at) == [expected, expected]
    assert trace.f.shape == (301, 2) and np.all(np.isnan(trace.f[expected:]))


# -- reductions and hitting times ----------------------------------------------------------------

def test_hitting_times_match_the_dense_record():
    g2 = dense(steps=40).grad_sq
    thresholds = [0.0, float(g2.max()) + 1.0, *np.quantile(g2, [0.2, 0.5, 0.8])]
    trace = dense(steps=40, thresholds=thresholds)
    for thr in thresholds:
        below = trace.grad_sq <= thr
        expected = np.where(below.any(axis=0), below.argmax(axis=0), -1)
        np.testing.assert_array_equal(trace.hitting_times[thr], expected)
    assert np.all(trace.hitting_times[thresholds[1]] == 0)


def test_running_reductions_match_the_dense_record():
    full = dense(steps=300)
    np.testing.assert_array_equal(full.min_grad_sq, np.minimum.accumulate(full.grad_sq, axis=0))
    np.testing.assert_allclose(full.sum_grad_sq, np.cumsum(full.grad_sq, axis=0), rtol=1e-14)
    sampled = run(gd(), OBJ, X0, 300, hp={"lr": 0.1})  # geometric records: same numbers, fewer rows
    assert len(sampled.steps) < 300
    for name in RECORDS:
        np.testing.assert_array_equal(getattr(sampled, name), getattr(full, name)[sampled.steps])


@given(steps=st.integers(0, 10**7), points=st.integers(1, 200))
def test_record_steps(steps, points):
    rec = record_steps(steps, points)
    assert np.all(np.diff(rec) > 0)  # sorted and unique
    assert set(range(min(steps, 10) + 1)) <= set(rec.tolist())
    assert rec[0] == 0 and rec[-1] == steps
    assert len(rec) <= 11 + points + 1


# -- schedules -----------------------------------------------------------------------------------

@given(t=st.integers(0, 10**9))
def test_power_schedule(t):
    s = power(0.1, 0.5)
    assert s(t) == pytest.approx(0.1 / math.sqrt(t + 1), rel=1e-15)
    assert s(0) == 0.1 and s(t + 1) <= s(t)
    assert s.multiplier(t) == pytest.approx(s(t) / 0.1, rel=1e-15)


@given(t=st.integers(0, 1000))
def test_other_schedules(t):
    assert constant(0.3)(t) == 0.3
    assert step_decay(1.0, 0.5, 10)(t) == 0.5 ** (t // 10)
    c = cosine(1.0, 100, floor=0.1)
    assert c(0) == 1.0 and c(100) == pytest.approx(0.1) and c(max(t, 100)) == c(100)
    assert 0.1 - 1e-15 <= c(t) <= 1.0 and c(t + 1) <= c(t)


@pytest.mark.parametrize("build, argument", [(lambda: power(0.1, -1.0), "q"),
                                             (lambda: step_decay(0.1, 0.5, 0), "every"),
                                             (lambda: cosine(0.1, 0), "total")])
def test_bad_schedules_are_named(build, argument):
    with pytest.raises(ValueError, match=argument):
        build()


# -- monitors ------------------------------------------------------------------------------------

def test_monitors_see_every_step():
    seen = []
    lr = power(0.2, 0.5)
    trace = run(gd(), OBJ, X0, STEPS, hp={"lr": lr}, record=range(STEPS + 1),
                monitors=[lambda q: seen.append({k: np.copy(v) for k, v in q.items() if k != "hp"}
                                                | {"lr": q["hp"]["lr"]})])
    assert [int(q["t"]) for q in seen] == list(range(STEPS))
    for t, q in enumerate(seen):
        assert np.array_equal(q["f"], trace.f[t]) and np.array_equal(q["grad_sq"], trace.grad_sq[t])
        assert np.array_equal(q["f_next"], trace.f[t + 1])
        assert np.array_equal(q["inner"], q["grad_sq"]) and np.array_equal(q["oracle_sq"], q["grad_sq"])
        assert q["alive"].all() and q["lr"] == lr(t)


def test_monitors_see_the_noisy_oracle():
    seen = []
    run(gd(), OBJ, X0, 5, hp={"lr": 0.1}, oracle=Gaussian(1.0), monitors=[lambda q: seen.append(dict(q))])
    for q in seen:  # Cauchy-Schwarz ties the three: <grad f, g>^2 <= |grad f|^2 |g|^2
        assert np.all(q["inner"] ** 2 <= q["grad_sq"] * q["oracle_sq"] * (1 + 1e-12))
        assert not np.array_equal(q["oracle_sq"], q["grad_sq"])


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, argument", [
    ({"x0": X0[0]}, "x0"),
    ({"steps": -1}, "steps"),
    ({"steps": 2.5}, "steps"),
    ({"hp": {"lr": 0.1, "momentum": 0.9}}, "momentum"),
    ({"hp": {}}, "lr"),
    ({"hp": {"lr": np.full((5, 1), 0.1)}}, "lr"),
    ({"hp": {"lr": np.full(4, 0.1)}}, "lr"),
    ({"record": [0, STEPS + 1]}, "record"),
])
def test_bad_input_is_named(kwargs, argument):
    args = {"x0": X0, "steps": STEPS, "hp": {"lr": 0.1}, **kwargs}
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        run(gd(), OBJ, args.pop("x0"), args.pop("steps"), **args)


def test_x0_of_the_wrong_dimension_is_named():
    with pytest.raises(ValueError, match=r"\bx0\b"):
        run(gd(), OBJ, np.zeros((2, OBJ.d + 1)), STEPS, hp={"lr": 0.1})


def test_x0_as_a_list_and_zero_dim_hyperparameters_are_accepted():
    ref = run(gd(), OBJ, X0, 5, hp={"lr": 0.1})
    assert np.array_equal(run(gd(), OBJ, X0.tolist(), 5, hp={"lr": np.array(0.1)}).x_final, ref.x_final)


def test_a_schedule_with_exactly_steps_values_is_enough():
    lrs = [0.1 / (t + 1) for t in range(STEPS)]
    trace = run(gd(), OBJ, X0, STEPS, hp={"lr": Schedule("list", lambda t: lrs[t])})
    assert np.array_equal(trace.x_final, hand_gd(OBJ, X0, STEPS, lambda t: lrs[t])[2])


class CountingValues:
    """Wraps an objective and counts value() calls."""

    def __init__(self, obj):
        self.obj, self.calls = obj, 0

    def __getattr__(self, name):
        return getattr(self.obj, name)

    def value(self, X):
        self.calls += 1
        return self.obj.value(X)


def test_f_is_evaluated_only_where_recorded_unless_a_monitor_needs_every_step():
    counted = CountingValues(OBJ)
    run(gd(), counted, X0, 1000, hp={"lr": 0.1}, record=[0, 500, 1000])
    assert counted.calls == 5  # f at x_0, x_500, x_1000, and at x_1, x_501 for the decreases
    counted = CountingValues(OBJ)
    run(gd(), counted, X0, 1000, hp={"lr": 0.1}, record=[0, 1000], monitors=[lambda q: None])
    assert counted.calls == 1001
