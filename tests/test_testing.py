"""convcheck.testing: a user's optimizer is held to a theorem from their own test suite."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcheck.testing import admissible, assert_satisfies, smooth_objectives
from reference.optimizers import Optimizer


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
    from reference import objectives

    with pytest.raises(ValueError, match="no condition bounding 'momentum'"):
        admissible("gd.smooth", "momentum", objectives.get("sin_squared"), 0.5)
