"""convcheck.testing: a user's optimizer is held to a theorem from their own test suite."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np

import planted_bugs as bugs
from convcheck import theory
from convcheck.blindspots import BUG_CLASSES
from convcheck.families import BLIND_SPOTS
from convcheck.join import Join
from convcheck.reference import objectives, optimizers, oracles
from convcheck.testing import (BlindSpotWarning, admissible, assert_matches, assert_satisfies, pl_objectives,
                               bounded_gradient_objectives, coordinatewise_l0l1_objectives, hyperparameters,
                               l0l1_objectives, nonsmooth_objectives, smooth_objectives)
from convcheck.reference.optimizers import Optimizer


def user_gd(step_scale=1.0):
    """A user's own gradient descent (optionally with a bug that scales the step)."""
    return Optimizer("user_gd", lambda x0, hp: {"x": x0},
                     lambda s, g, hp, t: {"x": s["x"] - step_scale * hp["lr"] * g}, {"lr": None})


@given(objective=smooth_objectives(), fraction=st.floats(0.05, 0.95))
def test_a_correct_user_gd_satisfies_gd_smooth(objective, fraction):
    lr = admissible("gd.smooth", "lr", objective, fraction)
    assert lr == pytest.approx(fraction * 2 / objective.constants["L"])
    assert_satisfies("gd.smooth", user_gd(), objective, hp={"lr": lr}, runs=4, steps=40)


def test_a_user_gd_with_a_step_bug_is_caught_with_the_report():
    with pytest.raises(AssertionError, match="user_gd does not satisfy gd.smooth") as err:
        assert_satisfies("gd.smooth", user_gd(step_scale=2.5), runs=8, steps=100)
    assert "violated" in str(err.value)


def test_user_sgd_against_the_expectation_bound():
    assert assert_satisfies("sgd.smooth", user_gd(), runs=300, steps=200).verdict == "holds"


def test_admissible_refuses_an_unbounded_name():
    with pytest.raises(ValueError, match="no condition bounding 'momentum'"):
        admissible("gd.smooth", "momentum", objectives.get("sin_squared"), 0.5)


def user_adam(stale=False):
    """A user's textbook Adam (m and v bias-corrected); the bug steps with the moments from before
    this gradient (an off-by-one), so the first step is zero and later ones lag."""

    def init(x0, hp):
        return {"x": x0, "m": 0 * x0, "v": 0 * x0}

    def step(s, g, hp, t):
        b1, b2 = hp["beta1"], hp["beta2"]
        m, v = b1 * s["m"] + (1 - b1) * g, b2 * s["v"] + (1 - b2) * g * g
        mu, nu = (s["m"], s["v"]) if stale else (m, v)
        mhat, vhat = mu / (1 - b1 ** (t + 1)), nu / (1 - b2 ** (t + 1))
        return {"x": s["x"] - hp["lr"] * mhat / (np.sqrt(vhat) + hp["xi"]), "m": m, "v": v}

    return Optimizer("user_adam", init, step, {"lr": None, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8})


@given(objective=bounded_gradient_objectives(), beta1=st.sampled_from([0.0, 0.5, 0.9]))
def test_a_correct_user_adam_satisfies_adam_det(objective, beta1):
    assert_satisfies("adam.det", user_adam(), objective, hp={"xi": 0.1, "beta1": beta1, "beta2": 0.99},
                     runs=8, steps=60)


def test_a_user_adam_with_stale_moments_is_caught():
    with pytest.raises(AssertionError, match="user_adam does not satisfy adam.det") as err:
        assert_satisfies("adam.det", user_adam(stale=True), hp={"xi": 0.1, "beta1": 0.0, "beta2": 0.999},
                         runs=16, steps=100)
    assert "one-step" in str(err.value) and "violated" in str(err.value)


# --- helpers that cannot pass vacuously (issue 14) ---

SMALL = {"runs": 8, "steps": 200}

# (theorem, planted bug, how it is held, what must happen: "caught" or the bug class declared invisible)
GALLERY = [
    ("gd.smooth", bugs.gd(overstep=0.05), {"runs": 8, "steps": 100}, "caught"),
    ("adam.det", bugs.adam("xi inside sqrt"), SMALL, "xi placement"),
    ("adam.det", bugs.adam("no bias correction"), SMALL, "bias correction"),
    ("clipped_gd.l0l1", bugs.clipped_gd("linf"), SMALL, "clipping norm"),
    ("clipped_sgd.l0l1", bugs.clipped_gd("linf"), SMALL, "clipping norm"),
    ("clip_momentum.l0l1", bugs.clip_momentum("linf"), SMALL, "clipping norm"),
    ("nag.smooth", bugs.nag("heavy ball"), SMALL, "caught"),
    ("adamw.scale_free", bugs.adamw(coupled=True), {"options": {"steps": 50}}, "caught"),
]


@pytest.mark.parametrize("theorem_id, optimizer, how, outcome", GALLERY,
                         ids=[f"{t}-{o.name}" for t, o, _, _ in GALLERY])
def test_every_planted_bug_is_caught_or_declared_invisible(theorem_id, optimizer, how, outcome):
    if outcome == "caught":
        caught = re.escape(f"{optimizer.name} does not satisfy {theorem_id} (violated)")
        with pytest.raises(AssertionError, match=caught):
            assert_satisfies(theorem_id, optimizer, **how)
    else:
        with pytest.warns(BlindSpotWarning, match=f"satisfies {theorem_id}, whose check cannot see: .*{outcome}"):
            assert_satisfies(theorem_id, optimizer, **how)


# every bug of the gallery, against the reference it mimics (with its convention switches)
MATCHES = [(bugs.gd(overstep=0.05), "gd", None), (bugs.adam("xi inside sqrt"), "adam", None),
           (bugs.adam("no bias correction"), "adam", None), (bugs.clipped_gd("linf"), "clipped_gd", None),
           (bugs.clip_momentum("linf"), "clip_momentum", None), (bugs.nag("heavy ball"), "nag", None),
           (bugs.adamw(coupled=True), "adamw", {"decay": "schedule"})]


@pytest.mark.parametrize("buggy, reference, convention", MATCHES, ids=[b.name for b, _, _ in MATCHES])
def test_assert_matches_catches_every_planted_bug_at_its_first_step(buggy, reference, convention):
    with pytest.raises(AssertionError, match=re.escape(f"{buggy.name} does not match ") + ".*: first at step 1, run"):
        assert_matches(buggy, reference, convention)


@pytest.mark.parametrize("correct, reference, convention", [
    (bugs.gd(), "gd", None), (bugs.adam(), "adam", None), (bugs.clipped_gd(), "clipped_gd", None),
    (bugs.clip_momentum(), "clip_momentum", None), (bugs.nag(), "nag", None),
    (bugs.adamw(), "adamw", {"decay": "schedule"})])
def test_assert_matches_passes_the_correct_methods_to_float_precision(correct, reference, convention):
    assert assert_matches(correct, reference, convention) <= 1e-12


def test_assert_matches_keeps_a_name_the_reference_lacks_at_its_default_and_says_so():
    off = Optimizer("adam_l2 (no decay)", *(lambda r: (r.init, r.step))(optimizers.get("adam_l2")),
                    {**optimizers.get("adam_l2").defaults, "weight_decay": 0.0})
    assert assert_matches(off, "adam") <= 1e-12  # coupled decay off: it is Adam
    with pytest.raises(AssertionError, match=r"weight_decay = 0.01 kept \(the reference has no weight_decay\)"):
        assert_matches(bugs.adamw(), "adam")  # AdamW's decay 1e-2 on: not Adam


@pytest.mark.parametrize("theorem_id, correct, how", [
    ("gd.smooth", bugs.gd(), {"runs": 8, "steps": 100}), ("nag.smooth", bugs.nag(), SMALL),
    ("adamw.scale_free", bugs.adamw(), {"options": {"steps": 50}}),
    ("clip_momentum.l0l1", bugs.clip_momentum(), SMALL)])
def test_the_gallerys_correct_methods_pass_where_the_bugs_are_caught(theorem_id, correct, how):
    assert assert_satisfies(theorem_id, correct, **how).verdict == "holds"


@pytest.mark.parametrize("theorem_id, options", [
    ("adamw.scale_free", {"steps": 50}), ("adam.signgd_limit", {"lrs": (1e-1, 3e-2)}),
    ("heavy_ball.pl", {"runs": 8, "steps": 100}), ("inna.d_critical", {"runs": 2, "steps": 300})])
def test_a_property_theorem_runs_the_users_optimizer_so_x_plus_g_fails(theorem_id, options):
    with pytest.raises(AssertionError, match=f"x \\+= g does not satisfy {theorem_id}"):
        assert_satisfies(theorem_id, bugs.x_plus_g(), options=options)


def test_a_lower_bound_property_cannot_object_to_a_slower_method_and_says_so():
    with pytest.warns(BlindSpotWarning, match="slow steps"):
        assert_satisfies("gd.l0l1.lower", bugs.x_plus_g(), options={"eps": 1e-2, "fractions": (0.5,)})


@pytest.mark.parametrize("theorem_id, message", [
    ("l0l1.descent", "optimizer= does not apply to l0l1.descent: its check takes no user optimizer"),
    ("lower.det", "optimizer= does not apply to lower.det: a lower bound holds for every algorithm")])
def test_a_theorem_that_runs_no_optimizer_refuses_one(theorem_id, message):
    with pytest.raises(ValueError, match=message):
        assert_satisfies(theorem_id, bugs.gd())


def test_a_property_theorem_refuses_an_objective_naming_it():
    with pytest.raises(ValueError, match="objective= does not apply to heavy_ball.pl"):
        assert_satisfies("heavy_ball.pl", bugs.nag(), objectives.get("sin_squared"))


def test_inconclusive_fails_unless_the_user_opts_in():
    """adam.stoch's order claim is judged by an order fit; in 20 steps no accuracy of its ladder is reached, so the
    fit cannot decide (its bound's setups hold), and that is no pass."""
    args = ("adam.stoch", user_adam())
    how = {"runs": 4, "steps": 20}
    with pytest.raises(AssertionError, match="inconclusive is not a pass"):
        assert_satisfies(*args, **how)
    assert assert_satisfies(*args, **how, allow_inconclusive=True).verdict == "inconclusive"


def test_blind_spots_name_known_bug_classes_of_registered_theorems():
    for theorem_id, spots in BLIND_SPOTS.items():
        assert theory.get(theorem_id).id == theorem_id and spots and set(spots) <= set(BUG_CLASSES)


# --- strategies for every class of the catalogue, and hyperparameters drawn inside a theorem's conditions ---


@settings(max_examples=15)
@given(objective=st.one_of(l0l1_objectives(), coordinatewise_l0l1_objectives()), seed=st.integers(0, 100))
def test_l0l1_strategies_draw_objectives_meeting_their_constants(objective, seed):
    """||grad f(y) - grad f(x)|| <= (L0 + L1 ||grad f(x)||) (e^{L1 r} - 1)/L1 for r = ||y - x|| <= 1/L1."""
    assert "(L0,L1)-smooth" in objective.function_class
    L0, L1 = objective.constants["L0"], objective.constants["L1"]
    rng = np.random.default_rng(seed)
    x = objective.initial_points(32, seed=seed)
    u = rng.standard_normal(x.shape)
    r = rng.random((32, 1)) / L1
    y = x + r * u / np.linalg.norm(u, axis=1, keepdims=True)
    gx = objective.grad(x)
    gap = np.linalg.norm(objective.grad(y) - gx, axis=1)
    bound = (L0 + L1 * np.linalg.norm(gx, axis=1)) * np.expm1(L1 * r[:, 0]) / L1
    assert np.all(gap <= bound * (1 + 1e-10) + 1e-12)


@settings(max_examples=15)
@given(objective=pl_objectives(), seed=st.integers(0, 100))
def test_pl_strategy_draws_objectives_meeting_their_pl_constant(objective, seed):
    """f(x) - f* <= ||grad f(x)||^2/(2 mu) at random points, and L-smoothness's ||grad f(y) - grad f(x)|| <= L ||y - x||."""
    mu, L, f_star = objective.constants["mu"], objective.constants["L"], objective.constants["f_star"]
    x = objective.initial_points(32, seed=seed, radius=3.0)
    g = objective.grad(x)
    assert np.all(objective.value(x) - f_star <= np.sum(g * g, axis=1) / (2 * mu) * (1 + 1e-10) + 1e-12)
    y = objective.initial_points(32, seed=seed + 1, radius=3.0)
    assert np.all(np.linalg.norm(objective.grad(y) - g, axis=1) <= L * np.linalg.norm(y - x, axis=1) * (1 + 1e-10) + 1e-12)


@settings(max_examples=15)
@given(objective=nonsmooth_objectives())
def test_nonsmooth_strategy_draws_tame_objectives_above_their_infimum(objective):
    assert objective.function_class == "nonsmooth-tame"
    x = objective.initial_points(16, seed=0)
    f = objective.value(x)
    assert np.all(np.isfinite(f)) and np.all(np.isfinite(objective.grad(x)))
    low = objective.constants.get("f_star", objective.constants.get("f_low"))
    assert low is None or np.all(f >= low - 1e-12)


@settings(max_examples=10)
@given(data=st.data())
def test_hyperparameters_are_drawn_inside_the_theorems_conditions(data):
    theorem_id, strategy = data.draw(st.sampled_from([("adam.det", bounded_gradient_objectives()),
                                                      ("clip_momentum.l0l1", l0l1_objectives()),
                                                      ("rmsprop.det", bounded_gradient_objectives())]))
    objective = data.draw(strategy)
    hp = data.draw(hyperparameters(theorem_id, objective))
    thm = theory.get(theorem_id)
    assert set(hp) == {q.name for q in thm.hyperparameters}  # every one, not only lr
    join = Join.of(thm, objective, oracles.Exact(), objective.value(objective.initial_points(1))).given(**hp)
    assert join.conditions()[0].all()


@settings(max_examples=3)
@given(data=st.data())
def test_the_reference_adam_satisfies_adam_det_at_drawn_hyperparameters(data):
    objective = data.draw(bounded_gradient_objectives())
    assert_satisfies("adam.det", optimizers.get("adam"), objective,
                     hp=data.draw(hyperparameters("adam.det", objective)), runs=4, steps=100)


def test_the_module_example_imports_every_name_it_uses():
    import ast
    import textwrap

    import convcheck.testing as testing

    doc = testing.__doc__
    example = textwrap.dedent(doc[doc.index("    import torch"):doc.index("\n\n", doc.index("def test_my_adam"))])
    tree = ast.parse(example)
    imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    user_supplied = {"my_gd", "objective", "data", "hp"}  # the user's optimizer, and the example's own locals
    assert used - imported - user_supplied - set(dir(__builtins__)) == set()
