"""convcheck.testing: a user's optimizer is held to a theorem from their own test suite."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import numpy as np

from convcheck.testing import admissible, assert_satisfies, bounded_gradient_objectives, smooth_objectives
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
    from convcheck.reference import objectives

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
