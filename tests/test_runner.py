"""The batched runner against hand-written loops, per-run columns against separate runs, and its
bookkeeping (records, reductions, hitting times, divergence, monitors, checkpoints, per-run random
streams, errors)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcheck.reference import record_steps, run
from convcheck.reference.backend import row_dot
from convcheck.reference.objectives import Autoencoder, LogisticNonconvex, Quadratic, SinSquared
from convcheck.reference.optimizers import adam, gd, nag
from convcheck.reference.oracles import BoundedNoise, Gaussian, Minibatch, Oracle
from convcheck.reference.schedules import Schedule, constant, cosine, power, step_decay
from convcheck.reference.streams import SeedStreams

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
    trace = dense(lr=lr, kernels="numpy")  # the numba reduction sums ||g||^2 in its own order (test_fused_monitor.py)
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


@given(t=st.integers(0, 10**6))
def test_power_schedule_with_an_exponent_per_run(t):
    s = power(np.array([[0.1], [0.2], [0.3]]), np.array([[0.5], [0.0], [1.0]]))
    assert s(t).shape == (3, 1)
    assert s(t)[0, 0] == pytest.approx(0.1 / math.sqrt(t + 1), rel=1e-15)
    assert s(t)[1, 0] == 0.2 and s(t)[2, 0] == pytest.approx(0.3 / (t + 1), rel=1e-15)  # q = 0: constant


@given(t=st.integers(0, 1000))
def test_other_schedules(t):
    assert constant(0.3)(t) == 0.3
    assert step_decay(1.0, 0.5, 10)(t) == 0.5 ** (t // 10)
    c = cosine(1.0, 100, floor=0.1)
    assert c(0) == 1.0 and c(100) == pytest.approx(0.1) and c(max(t, 100)) == c(100)
    assert 0.1 - 1e-15 <= c(t) <= 1.0 and c(t + 1) <= c(t)


@pytest.mark.parametrize("build, argument", [(lambda: power(0.1, -1.0), "q"),
                                             (lambda: power(0.1, np.array([[0.5], [-0.5]])), "q"),
                                             (lambda: power(0.1, float("nan")), "q"),
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
    ({"checkpoints": [-1]}, "checkpoint"),
    ({"checkpoint_state": ["m"]}, "checkpoint_state"),
    ({"run_seeds": [1, 2]}, "run_seeds"),
    ({"run_seeds": [1, 2, -3, 4]}, "run_seeds"),
    ({"thresholds": [1e-3], "measure_grad": False}, "measure_grad"),
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


class Counting:
    """Wraps an objective and counts its evaluations: value, grad and value_and_grad calls."""

    def __init__(self, obj):
        self.obj, self.calls = obj, {"value": 0, "grad": 0, "value_and_grad": 0}

    def __getattr__(self, name):
        return getattr(self.obj, name)

    def value(self, X):
        self.calls["value"] += 1
        return self.obj.value(X)

    def grad(self, X):
        self.calls["grad"] += 1
        return self.obj.grad(X)

    def value_and_grad(self, X):
        self.calls["value_and_grad"] += 1
        return self.obj.value_and_grad(X)


def test_f_is_evaluated_only_where_recorded_unless_a_monitor_needs_every_step():
    counted = Counting(OBJ)
    run(gd(), counted, X0, 1000, hp={"lr": 0.1}, record=[0, 500, 1000])
    # f at x_0, x_500, x_1000, and at x_1, x_501 for the decreases, each with its gradient in one call;
    # one gradient per iterate in all
    assert counted.calls == {"value": 0, "value_and_grad": 5, "grad": 1001 - 5}
    counted = Counting(OBJ)
    run(gd(), counted, X0, 1000, hp={"lr": 0.1}, record=[0, 1000], monitors=[lambda q: None])
    assert counted.calls == {"value": 0, "value_and_grad": 1001, "grad": 0}


# -- checkpoints ---------------------------------------------------------------------------------

def test_checkpoints_are_the_iterates_and_states_of_the_step_by_step_loop():
    """Adam (state m, v) and Sutskever's NAG (queried away from x_t) against init/step written out."""
    obj = Quadratic.diagonal(EIGS)
    x0 = np.array([[1.0, -2.0], [0.5, 0.3], [2.0, 1.0]])
    steps, cps = 40, [0, 1, 7, 39, 40]
    for opt, hp, keep in ((adam(), {"lr": np.array([[0.1], [0.01], [0.3]])}, ("m", "v")),
                          (nag(form="sutskever"), {"lr": 0.1, "momentum": 0.9}, ("v",))):
        trace = run(opt, obj, x0, steps, hp=hp, checkpoints=reversed(cps), checkpoint_state=keep)
        full = opt.hyperparameters(hp)
        state, xs, kept = opt.init(x0, full), [], {k: [] for k in keep}
        for t in range(steps + 1):
            if t in cps:
                xs.append(state["x"])
                for k in keep:
                    kept[k].append(state[k])
            if t < steps:
                state = opt.step(state, obj.grad(opt.query(state, full)), full, t)
        assert list(trace.checkpoints) == cps and trace.iterates.shape == (len(cps), 3, 2)
        assert np.array_equal(trace.iterates, np.stack(xs))
        for k in keep:
            assert np.array_equal(trace.states[k], np.stack(kept[k]))
        assert np.array_equal(trace.iterates[-1], trace.x_final)
        assert not np.array_equal(trace.iterates[1], trace.iterates[2])  # the runs moved


def test_checkpoints_of_a_diverged_run_are_nan_from_its_divergence():
    obj = Quadratic.diagonal(EIGS)
    trace = run(gd(), obj, np.ones((2, 2)), 300, hp={"lr": np.array([[3 / 4], [1 / 4]])}, blowup=1e6,
                checkpoints=range(301))
    k = first_blowup(3 / 4, np.ones(2), 1e6)
    assert trace.diverged_at[0] == k and trace.diverged_at[1] == -1
    assert np.isnan(trace.iterates[k:, 0]).all() and np.isfinite(trace.iterates[:k, 0]).all()
    assert np.isfinite(trace.iterates[:, 1]).all()


def test_monitors_receive_the_iterate():
    seen = []
    trace = run(nag(), OBJ, X0, STEPS, hp={"lr": 0.1, "momentum": 0.9}, checkpoints=range(STEPS + 1),
                monitors=[lambda q: seen.append((np.copy(q["x"]), np.copy(q["grad_sq"])))], kernels="numpy")
    assert len(seen) == STEPS
    for t, (x, g2) in enumerate(seen):  # x_t, the point whose gradient norm is measured
        assert np.array_equal(x, trace.iterates[t])
        assert np.array_equal(g2, row_dot(np, OBJ.grad(x), OBJ.grad(x)))


# -- random streams ------------------------------------------------------------------------------

NET = Autoencoder(n=16, p=4, hidden=(3,))  # a finite sum whose rows are evaluated independently, bit for bit
LOGISTIC = LogisticNonconvex(d=3, n=20, seed=0)


@pytest.mark.parametrize("oracle", [Gaussian(0.5), Minibatch(4), BoundedNoise(0.3)])
def test_with_run_seeds_a_batched_run_equals_its_runs_one_at_a_time(oracle):
    """A run's numbers depend on its seed only, not on its batch, whatever its hyperparameters."""
    x0 = NET.initial_points(4, seed=1)
    lrs, seeds = np.array([[0.05], [0.05], [0.2], [0.2]]), [3, 7, 3, 7]
    batch = run(nag(), NET, x0, 30, hp={"lr": lrs, "momentum": 0.5}, oracle=oracle, seed=1,
                run_seeds=seeds, record=range(31), checkpoints=[30])
    assert list(batch.run_seeds) == seeds
    for r in range(4):
        alone = run(nag(), NET, x0[r:r + 1], 30, hp={"lr": float(lrs[r, 0]), "momentum": 0.5}, oracle=oracle,
                    seed=1, run_seeds=[seeds[r]], record=range(31), checkpoints=[30])
        for name in RECORDS:
            np.testing.assert_array_equal(getattr(batch, name)[:, r], getattr(alone, name)[:, 0])
        assert np.array_equal(batch.iterates[:, r], alone.iterates[:, 0])
    # without run_seeds the batch shares one stream: run 1 alone is not run 1 of the batch
    shared = run(nag(), NET, x0, 30, hp={"lr": lrs, "momentum": 0.5}, oracle=oracle, seed=1)
    alone = run(nag(), NET, x0[1:2], 30, hp={"lr": 0.05, "momentum": 0.5}, oracle=oracle, seed=1)
    assert not np.array_equal(shared.x_final[1], alone.x_final[0])


class NoiseLog(Oracle):
    """g = grad f + z with z ~ N(0, I) from the stream, keeping every z it drew."""

    def __init__(self):
        self.draws = []

    def __call__(self, objective, X, grad, rng, t):
        self.draws.append(rng.standard_normal(X.shape))
        return grad + self.draws[-1]


def test_run_seeds_give_common_random_numbers_across_settings():
    x0 = np.repeat(OBJ.initial_points(1, seed=0), 4, axis=0)
    lrs = np.array([[0.01], [0.1], [0.3], [0.1]])
    log = NoiseLog()
    run(gd(), OBJ, x0, 20, hp={"lr": lrs}, oracle=log, seed=5, run_seeds=[2, 2, 2, 9])
    noise = np.stack(log.draws)  # (steps, R, d)
    # the three settings of seed 2 see the same noise at every step, exactly; seed 9 another
    assert np.array_equal(noise[:, 0], noise[:, 1]) and np.array_equal(noise[:, 0], noise[:, 2])
    assert not np.allclose(noise[:, 0], noise[:, 3])
    # ... and it is the stream default_rng([seed, run_seed]) read step after step
    stream = np.random.default_rng([5, 2])
    assert np.array_equal(noise[:, 0], stream.standard_normal((20, OBJ.d)))


def test_a_seeds_minibatches_are_the_rows_of_its_index_table():
    """Per-step draws read a seed's stream in order, so step t's indices are row t of the (steps, B)
    table drawn at once (how the studies drew their minibatches: their numbers stay the same)."""
    streams = SeedStreams([4, 1, 4], stream=1)
    draws = np.stack([streams.integers(0, 37, size=(3, 5)) for _ in range(50)])  # (steps, R, B)
    for r, s in enumerate([4, 1, 4]):
        assert np.array_equal(draws[:, r], np.random.default_rng([1, s]).integers(0, 37, size=(50, 5)))
    assert not np.array_equal(draws[:, 0], draws[:, 1])
    with pytest.raises(ValueError, match="first axis"):
        streams.standard_normal((2, 5))


def test_the_batch_stream_is_unchanged_by_default():
    """Without run_seeds the oracle draws (R, d) from default_rng(seed) at each step, as it always did."""
    x0, lr, sigma = X0, 0.1, 0.5
    trace = run(gd(), OBJ, x0, 15, hp={"lr": lr}, oracle=Gaussian(sigma), seed=11)
    rng, x = np.random.default_rng(11), x0.copy()
    for _ in range(15):
        x = x - lr * (OBJ.grad(x) + sigma / np.sqrt(OBJ.d) * rng.standard_normal(x.shape))
    assert np.array_equal(trace.x_final, x) and trace.run_seeds is None


# -- measuring only f ----------------------------------------------------------------------------

def test_without_measure_grad_a_minibatch_run_never_evaluates_the_full_gradient():
    x0 = LOGISTIC.initial_points(3, seed=2)
    kw = dict(hp={"lr": 0.1}, oracle=Minibatch(5), seed=2, run_seeds=[0, 1, 2], record=[0, 10, 40],
              checkpoints=[40])
    counted = Counting(LOGISTIC)
    lean = run(gd(), counted, x0, 40, measure_grad=False, **kw)
    full = run(gd(), LOGISTIC, x0, 40, **kw)
    assert counted.calls["grad"] == counted.calls["value_and_grad"] == 0
    assert counted.calls["value"] == 5  # f at x_0, x_1, x_10, x_11, x_40: the records and the decreases
    # the same trajectory and losses; nothing about the gradient is claimed
    assert np.array_equal(lean.iterates, full.iterates) and np.array_equal(lean.f, full.f)
    assert np.array_equal(lean.decrease, full.decrease, equal_nan=True)
    assert np.isnan(lean.grad_sq).all() and np.isnan(lean.min_grad_sq).all()
    assert np.isfinite(full.grad_sq).all()


def test_without_measure_grad_divergence_is_judged_on_f():
    obj = Quadratic.diagonal(EIGS)
    trace = run(gd(), obj, np.ones((2, 2)), 300, hp={"lr": np.array([[3 / 4], [1 / 4]])}, blowup=1e6,
                record=range(301), measure_grad=False)
    x = np.ones(2)
    k = next(t for t in range(300) if 0.5 * (EIGS * ((1 - 0.75 * EIGS) ** t * x) ** 2).sum() > 1e6)
    assert list(trace.diverged_at) == [k, -1]
    assert np.isnan(trace.f[k:, 0]).all() and np.isfinite(trace.f[:k, 0]).all()
