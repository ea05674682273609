"""BRMSprop, BAdam, AdaBayes, AdaBayes-FP against the card's test vectors (shared/papers/
inna_bayes_importance_sampling.md section 2.5-2.6: computed there with the card's own numpy snippet,
loss (w - 2)^2/2), and the structural facts of the filters."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcheck.reference import objectives, optimizers, run

TARGET = 2.0  # loss (w - 2)^2 / 2: grad = w - 2


def trajectory(opt, hp, x0, steps, keys):
    """Drive opt by hand on the card's loss, reading the listed state entries after each step."""
    hp = opt.hyperparameters(hp)
    state = opt.init(np.full((1, 1), x0), hp)
    out = []
    for t in range(steps):
        g = opt.query(state, hp) - TARGET
        state = opt.step(state, g, hp, t)
        out.append([float(state[k][0, 0]) for k in keys])
    return np.array(out)


def test_brmsprop_matches_the_card():
    got = trajectory(optimizers.get("brmsprop"), {"lr": 0.1, "prior_var": 1.0, "init_var": 0.5}, 0.0, 3, ["x", "s"])
    card = [[0.3344398272, 0.1672199136], [0.5294683482, 0.1179803868], [0.6733116442, 0.0994384514]]
    np.testing.assert_allclose(got, card, rtol=0, atol=5e-10)


def test_brmsprop_queries_the_prior_mean():
    """The card's mu_prior column: (1 - lr^2/(2 sigma^2)) mu_post(t-1)."""
    opt = optimizers.get("brmsprop")
    hp = opt.hyperparameters({"lr": 0.1, "prior_var": 1.0, "init_var": 0.5})
    state = opt.init(np.zeros((1, 1)), hp)
    priors = []
    for t in range(3):
        q = opt.query(state, hp)
        priors.append(float(q[0, 0]))
        state = opt.step(state, q - TARGET, hp, t)
    np.testing.assert_allclose(priors, [0.0, 0.332767628, 0.5268210065], rtol=0, atol=5e-10)


def test_badam_matches_the_card():
    got = trajectory(optimizers.get("badam"), {"lr": 0.1, "lr_p": 0.1, "lr_w": 0.1, "prior_var": 1.0, "init_var": 0.5},
                     0.0, 3, ["x", "p", "sww", "swp", "spp"])
    card = [[0.3334613052, 0.003155470007, 0.1667306526, 0.001577735004, 0.05260168502],
            [0.5262556869, 0.009739606823, 0.1172846201, 0.004132641576, 0.05253663662],
            [0.6682693801, 0.01850854631, 0.09898446, 0.006591801919, 0.05243356199]]
    np.testing.assert_allclose(got, card, rtol=0, atol=5e-10)


ADABAYES_HP = {"lr": 0.1, "lr_sgd": 0.5, "beta1": 0.9, "beta2": 0.999, "weight_drift": 0.01, "batch_size": 1,
               "xi_root": 1e-8}


def test_adabayes_matches_the_card():
    got = trajectory(optimizers.get("adabayes"), ADABAYES_HP, 0.0, 3, ["x", "s"])
    card = [[0.33, 0.1666666667], [0.5379128155, 0.1168178469], [0.6971371865, 0.09827104208]]
    np.testing.assert_allclose(got, card, rtol=0, atol=5e-10)


def test_adabayes_fp_matches_the_card():
    got = trajectory(optimizers.get("adabayes_fp"), ADABAYES_HP, 0.0, 3, ["x"])
    np.testing.assert_allclose(got[:, 0], [0.09417367264, 0.187148103, 0.2788276866], rtol=0, atol=5e-10)


def test_the_runner_evaluates_the_gradient_at_the_prior_mean():
    """Through reference.run on f = (w - 2)^2/2 the card's BAdam trajectory comes out again: the
    runner queries mu_prior = a w + lr p, not the stored posterior mean."""
    obj = objectives.get("quadratic", eigs=[1.0], b=[TARGET])
    tr = run(optimizers.get("badam"), obj, np.zeros((1, 1)), 3,
             hp={"lr": 0.1, "lr_p": 0.1, "lr_w": 0.1, "prior_var": 1.0, "init_var": 0.5}, checkpoints=[3])
    assert abs(float(tr.iterates[0, 0, 0]) - 0.6682693801) < 5e-10


@given(st.floats(0.01, 0.5), st.floats(0.5, 10.0), st.floats(0.01, 2.0))
def test_brmsprop_variance_never_exceeds_its_prior(lr, e, s0):
    """s_post = s_prior/(1 + s_prior e^2) <= s_prior: the prior caps the step, the role RMSprop's xi plays."""
    opt = optimizers.get("brmsprop")
    hp = opt.hyperparameters({"lr": lr, "init_var": s0})
    state = opt.init(np.zeros((1, 1)), hp)
    new = opt.step(state, np.full((1, 1), e), hp, 0)
    s_prior = s0 + lr ** 2
    assert new["s"][0, 0] <= s_prior
    assert math.isclose(new["s"][0, 0], 1.0 / (1.0 / s_prior + e * e), rel_tol=1e-12)


def test_badam_without_noise_or_decay_is_a_momentum_step_preconditioned_by_the_filter():
    """At sigma^2 = inf the mean is w_prior = w + lr p: the momentum moves the weight with coefficient lr."""
    opt = optimizers.get("badam")
    hp = opt.hyperparameters({"lr": 0.3, "lr_p": 0.2})
    state = {**opt.init(np.zeros((1, 1)), hp), "p": np.full((1, 1), 2.0)}
    assert float(opt.query(state, hp)[0, 0]) == pytest.approx(0.6, abs=1e-15)


@pytest.mark.parametrize("name, bad", [("brmsprop", {"prior_var": 0.0}), ("badam", {"lr_p": 1.5}),
                                       ("adabayes", {"weight_drift": 1.0}), ("adabayes_fp", {"lr_sgd": -1.0})])
def test_out_of_domain_hyperparameters_are_refused_by_name(name, bad):
    opt = optimizers.get(name)
    with pytest.raises(ValueError, match=next(iter(bad))):
        opt.hyperparameters({"lr": 0.1, **bad})
