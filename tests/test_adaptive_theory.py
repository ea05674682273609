"""The adaptive-method theorems: certificates, their failure when a hypothesis is weakened, the
checker's new paths (eps-dependent conditions and prescriptions, bounded oracles, order fits,
property checks), and exact evaluations."""
import dataclasses
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convcheck import theory
from convcheck import families, orders
from convcheck.checker import check, check_setup
from convcheck.setups import Setup
from convcheck.reference import objectives, optimizers, oracles
from convcheck.theory.adaptive import adam, rmsprop, scale_free
from convcheck.theory.evaluate import evaluate
from convcheck.theory.model import Condition
from convcheck.theory.symbols import L, beta1, lr, xi
from convcheck.theory.symbols import tau as oracles_tau


@pytest.mark.parametrize("tid", ["rmsprop.det", "adam.det", "adamw.scale_free", "adam.signgd_limit"])
def test_derived_theorems_certify_symbolically(tid):
    cert = theory.certify(theory.get(tid))
    assert cert.ok and cert.level == "symbolic", [(s.name, s.level) for s in cert.steps if s.level != "symbolic"]
    # property theorems have no symbolically checkable claim: convcheck check measures them
    orders = [c for c in theory.get(tid).claims if c.kind == "order"]  # adam.det's claim is criticality, run-checked
    assert cert.claims_level == ("symbolic" if orders and theory.get(tid).kind != "property" else "none")


def test_adam_stoch_certifies_its_pathwise_bound_and_leaves_the_order_to_the_runs():
    cert = theory.certify(theory.get("adam.stoch"))
    assert cert.ok and cert.level == "symbolic" and not cert.unlinked
    assert cert.claims_level == "none"  # no T(eps) is stated: the eps^-4 claim is judged by the order fit
    # adam.det's chain with delta + tau in place of delta: the momentum error is the only thing the noise changes
    assert sp.simplify(adam.floor_st - adam.floor_b.subs(adam.delta, adam.delta + oracles_tau)) == 0


def test_adam_stoch_floor_keeps_the_noise_as_lr_vanishes():
    """Why eps^-4 stays a claim: b/c -> (4/3) tau^2 (G + xi)^2/xi^2 > 0 as lr -> 0, for every beta1."""
    limit = sp.limit(adam.floor_st / adam.coef, adam.lr, 0, "+")
    assert sp.simplify(limit - sp.Rational(4, 3) * oracles_tau ** 2 * (adam.G + xi) ** 2 / xi ** 2) == 0


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 0.99), st.floats(0.0, 5.0), st.floats(0.0, 3.0))
def test_momentum_lag_noise_recursion_stays_below_its_bound_and_reaches_it(b, s_lag, tau):
    """E_k = w_k (E_{k-1} + s) + (1 - w_k) tau with Adam's bias-corrected w_k = b (1 - b^(k-1))/(1 - b^k): the
    worst case of the lemma's hypothesis climbs to b s/(1 - b) + tau and never above it."""
    bound, E = b * s_lag / (1 - b) + tau, 0.0
    for k in range(1, 3000):
        w = b * (1 - b ** (k - 1)) / (1 - b ** k)
        E = w * (E + s_lag) + (1 - w) * tau
        assert E <= bound * (1 + 1e-12) + 1e-15
    assert E == pytest.approx(bound, rel=1e-6, abs=1e-12)


class AgainstTheGradient(oracles.BoundedNoise):
    """g = grad f - tau grad f/||grad f||: noise of norm tau, biased, always against the gradient. Inside the
    almost-sure bound adam.stoch assumes, which uses no unbiasedness."""

    def __call__(self, objective, X, grad, rng, t):
        norm = np.linalg.norm(grad, axis=1, keepdims=True)
        return grad - self.tau * grad / np.maximum(norm, 1e-300)


@pytest.mark.parametrize("noise", [oracles.BoundedNoise(0.3), AgainstTheGradient(0.3)])
def test_adam_stoch_one_step_and_rate_hold_on_unbiased_and_biased_noise(noise):
    setup = Setup(objectives.get("logcosh_sin", d=6, kappa=30.0, seed=3, m=4), noise, runs=16, steps=300, sweep=True,
                  hp={"xi": 0.5, "beta1": 0.5, "beta2": 0.99})
    rep = check_setup(theory.get("adam.stoch"), setup)
    assert rep.verdict == "holds", rep.to_dict()
    assert {p.name for p in rep.parts} == {"one-step", "rate"}


def test_rmsprop_stoch_is_certified_and_needs_its_g_condition():
    """Without G >= 2 xi/5 the prescribed beta2 = 1 - (xi^2 theta/(G (G + xi)))^2 leaves [0, 1) for small G."""
    cert = theory.certify(rmsprop.stoch)
    assert cert.ok and cert.level == "symbolic" and not cert.unlinked
    loose = dataclasses.replace(rmsprop.stoch, conditions=rmsprop.stoch.conditions[1:])
    assert "prescription of beta2" in {c.name for c in theory.certify(loose).failures()}


def test_rmsprop_det_fails_when_the_step_condition_is_widened():
    wide = dataclasses.replace(rmsprop.det, conditions=(Condition(sp.StrictLessThan(lr, 4 * xi / L), "lr < 4 xi/L"),))
    failed = {c.name for c in theory.certify(wide).failures()}
    assert "descent with a diagonal preconditioner" in failed


@pytest.mark.parametrize("thm", [rmsprop.det, adam.det])
def test_a_stronger_one_step_or_rate_is_refused(thm):
    D = theory.model.f - thm.one_step.rhs
    greedy = dataclasses.replace(thm, one_step=dataclasses.replace(thm.one_step, rhs=theory.model.f - 2 * D))
    assert theory.certify(greedy).level == "failed"
    half = dataclasses.replace(thm.rate.bound, expr=thm.rate.bound.expr / 2)
    assert theory.certify(dataclasses.replace(thm, rate=dataclasses.replace(thm.rate, bound=half))).level == "failed"


def test_an_optimistic_preconditioner_lemma_fails_on_its_witness():
    from convcheck.theory.adaptive import lemmas
    from convcheck.theory.model import le

    c = lemmas.DIAGONAL.conclusions
    bad = dataclasses.replace(lemmas.DIAGONAL, conclusions=(le(c[0].lhs * 2, c[0].rhs), *c[1:]))
    cert = theory.certify(rmsprop.det, lemmas={"precond.diagonal": bad})
    assert any(c.name.startswith("witness") for c in cert.failures())


def test_adam_l2_witness_moves_the_other_way():
    # first step of Adam-L2 is lr sign(c g + lambda x): c = 3 gives -1/2 < 0, c = 1 gives +1/2 > 0
    assert scale_free.l2_gap.subs(scale_free.c, 3) == 2
    assert scale_free.l2_gap.subs(scale_free.c, 1) == 0


def test_rmsprop_det_bound_is_exact_at_the_prescription():
    ev = evaluate(theory.get("rmsprop.det"), {"L": "3", "G": "2", "Delta": "10", "xi": "0.5"}, eps="0.1")
    assert ev.applies and ev.complexity == 2 * 3 * 10 * sp.Rational(5, 2) / (sp.Rational(1, 2) * sp.Rational(1, 100))


def test_adam_det_refuses_an_accuracy_below_the_momentum_floor():
    consts = {"L": "3", "G": "2", "G2": "6", "Delta": "10", "xi": "0.5", "beta2": "0.999"}
    heavy = evaluate(theory.get("adam.det"), {**consts, "beta1": "0.9"}, eps="0.1", T=1000)
    # below the floor T(eps) does not apply; the rate still does
    assert heavy.complexity is None and "momentum floor" in heavy.failed_condition and heavy.rate > 0.1 ** 2
    light = evaluate(theory.get("adam.det"), {**consts, "beta1": "0.001"}, eps="0.1")
    assert light.applies and light.complexity > 0
    # the floor is linear in beta1/(1 - beta1): 10x the ratio moves eps_min 10x
    floor = sp.lambdify([beta1], adam.eps_min.subs({adam.L: 3, adam.G: 2, adam.G2: 6, xi: sp.Rational(1, 2),
                                                     adam.lr: sp.Rational(1, 80)}))
    r = lambda b: b / (1 - b)
    assert math.isclose(floor(0.5) / floor(1 / 11), r(0.5) / r(1 / 11), rel_tol=1e-12)


def test_conditions_are_decided_exactly_not_at_30_digits():
    """At torch's xi = 1e-8 the prescribed beta2 = 1 - 4e-39 clears 1 - 6e-34; 30 digits round both to 1."""
    ev = evaluate(theory.get("rmsprop.stoch"), {"L": "3", "G": "2", "Delta": "10", "xi": "1e-8", "sigma": "1"},
                  eps="0.1")
    assert ev.applies and ev.complexity > 10 ** 22


def test_rmsprop_stoch_prescription_is_taken_at_the_smallest_eps_that_fits():
    thm = theory.get("rmsprop.stoch")
    setup = Setup(objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0), oracles.BoundedNoise(0.5), runs=32,
                  steps=3000, x0="shared", hp={"xi": 1.0})
    rep = check_setup(thm, setup)
    assert rep.verdict == "holds", rep.to_dict()
    eps = float(rep.parts[-1].detail.split("eps = ")[1].split(" ")[0])
    env = {"L": 3.0, "G": setup.objective.constants["G"] + 0.5, "xi": 1.0,
           "sigma": 0.5 * math.sqrt(10 / 12), "Delta": float(setup.objective.value(setup.objective.initial_points(
               1, seed=0))[0])}
    T = sp.lambdify(list(sp.symbols("Delta G L eps sigma xi", positive=True)), thm.complexity_real())
    at = lambda e: T(env["Delta"], env["G"], setup.objective.constants["L"], e, env["sigma"], env["xi"])
    assert at(eps * 1.001) <= 3000 < at(eps * 0.99)


def test_bounded_theorem_does_not_apply_to_gaussian_noise():
    setup = Setup(objectives.get("logcosh_sin", d=4, seed=0), oracles.Gaussian(0.5), runs=8, steps=50, x0="shared",
                  hp={"xi": 1.0})
    rep = check_setup(theory.get("rmsprop.stoch"), setup)
    assert rep.verdict == "does not apply" and "almost-surely bounded" in rep.note


@settings(max_examples=5, deadline=None)
@given(st.floats(0.02, 2.0), st.sampled_from([0.0, 0.5, 0.9, 0.999]), st.integers(0, 50))
def test_rmsprop_one_step_holds_at_every_step(xi_value, beta2_value, seed):
    setup = Setup(objectives.get("logcosh_sin", d=6, kappa=30.0, seed=seed), runs=16, steps=300, sweep=True,
                  hp={"xi": xi_value, "beta2": beta2_value}, seed=seed)
    rep = check_setup(theory.get("rmsprop.det"), setup)
    assert rep.verdict == "holds", rep.to_dict()


@settings(max_examples=4, deadline=None)
@given(st.floats(0.05, 1.0), st.sampled_from([0.0, 0.5, 0.9, 0.99]), st.integers(0, 50))
def test_adam_det_one_step_and_rate_hold(xi_value, beta1_value, seed):
    setup = Setup(objectives.get("logcosh_sin", d=6, kappa=30.0, seed=seed, m=4), runs=16, steps=300, sweep=True,
                  hp={"xi": xi_value, "beta1": beta1_value, "beta2": 0.99}, seed=seed)
    rep = check_setup(theory.get("adam.det"), setup)
    assert rep.verdict == "holds", rep.to_dict()
    assert {p.name for p in rep.parts} >= {"one-step", "rate", "complexity"}


def test_slope_on_an_exact_power_law():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert orders.slope(x, 3 * x ** 2.5) == pytest.approx(2.5, abs=1e-12)


def test_order_fit_of_gd_on_a_quadratic_matches_the_theory():
    """GD with lr = 1/2 on f = x^2 (no noise): x_t = 0, so the running average is ||grad f(x_0)||^2/T =
    4/T: T(eps) = 4/eps^2 exactly, p = 2, and with identical runs the bootstrap spread is 0."""
    fit = orders.hitting_order(optimizers.get("gd"), objectives.get("quadratic", eigs=[2.0], b=[0.0]),
                               oracles.Exact(), (0.5, 0.25, 0.125), lambda eps: {"lr": 0.5}, runs=4, steps=300,
                               radius=1.0)
    x0_sq = 4 * objectives.get("quadratic", eigs=[2.0], b=[0.0]).initial_points(1, seed=0, radius=1.0)[0, 0] ** 2
    expected = [np.ceil(x0_sq / e ** 2) for e in (0.5, 0.25, 0.125)]
    assert fit.spread == 0.0 and fit.exponent == pytest.approx(orders.slope(fit.x, expected), rel=0.05)


def test_order_fit_refutes_a_planted_too_fast_claim():
    stoch = theory.get("adam.stoch")
    claim = dataclasses.replace(stoch.claims[0], eps_exponent=sp.Integer(1))
    planted = dataclasses.replace(stoch, claims=(claim,))
    setup = Setup(objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0), oracles.BoundedNoise(0.5), runs=8,
                  steps=4000, hp={"xi": 1.0, "beta1": 0.9, "beta2": 0.999}, eps_ladder=(0.8, 0.56, 0.4))
    assert check_setup(planted, setup).verdict == "violated"
    assert check_setup(stoch, setup).verdict == "holds"


def test_property_checks():
    for name, run_check in families.CHECKS.items():
        parts = run_check()
        assert all(p.verdict == "holds" for p in parts), (name, [p.to_dict() for p in parts])
    rep = check("adam.signgd_limit")
    limit = next(p for p in rep.setups[0].parts if p.name == "limit")
    errors = limit.worst["errors"]
    assert all(b < a for a, b in zip(errors, errors[1:])) and limit.worst["order"] > 0.5


def _cli(capsys, *args):
    from convcheck.cli import main

    try:
        rc = main(list(args))
    except SystemExit as e:  # check exits with its verdict
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out + out.err


def test_cli_check_keeps_the_default_hyperparameters_when_runs_are_changed(capsys):
    rc, out = _cli(capsys, "check", "adam.det", "--runs", "8", "--steps", "200")
    assert rc == 0 and "adam.det: HOLDS" in out and "xi=0.5" in out and "8 runs x 200 steps" in out


def test_cli_check_refuses_a_hyperparameter_the_bound_does_not_cover(capsys):
    rc, out = _cli(capsys, "check", "rmsprop.det", "--set", "momentum=0.9", "--runs", "8", "--steps", "50")
    assert "DOES NOT APPLY" in out and "no hyperparameter momentum" in out


def test_cli_property_checks_take_no_setup_and_bad_betas_are_named(capsys):
    rc, out = _cli(capsys, "check", "adamw.scale_free", "--runs", "3")
    assert rc == 2 and "takes no --objective" in out
    rc, out = _cli(capsys, "run", "--optimizer", "adam", "--set", "beta1=1")
    assert rc == 2 and "beta1 must lie in [0, 1); got 1" in out


def test_schedule_decay_needs_a_nonzero_first_lr():
    from convcheck.reference.optimizers import adamw

    opt = adamw(decay="schedule")
    with pytest.raises(ValueError, match="needs lr_0 > 0"):
        opt.init(np.ones((1, 2)), opt.hyperparameters({"lr": 0.0}))


@pytest.mark.parametrize("lr_value", [1e-2, 1e-4, 1e-6])
def test_adam_first_step_ascends_in_expectation_under_skewed_unbiased_noise(lr_value):
    """Why no one-step inequality E_t f(x_{t+1}) <= f(x_t) - c ||grad f||^2 + b with b/c -> 0 holds at k = 1 for
    bias-corrected Adam (proofs_notes/adam.stoch.md): its first step is -lr g/(|g| + xi). On f = x^2/2 at x = 0.1,
    the unbiased answers g = 1.1 (p = 0.1) and g = -1/90 (p = 0.9) make E f(x_1) - f(x_0) = 0.08 lr + lr^2/2 (xi -> 0), an
    ascent of order lr whatever lr: b >= 0.08 lr, a floor b/c of order 1."""
    opt = optimizers.get("adam")
    hp = opt.hyperparameters({"lr": lr_value, "xi": 1e-8, "beta1": 0.9, "beta2": 0.999})
    x0 = np.array([[0.1]])
    answers, probs = np.array([1.1, -1 / 90]), np.array([0.1, 0.9])
    assert probs @ answers == pytest.approx(0.1, abs=1e-15)  # unbiased
    f_next = [0.5 * opt.step(opt.init(x0, hp), np.array([[g]]), hp, 0)["x"][0, 0] ** 2 for g in answers]
    ascent = probs @ np.array(f_next) - 0.5 * 0.1 ** 2
    assert ascent == pytest.approx(0.08 * lr_value + lr_value ** 2 / 2, rel=1e-5)  # xi/|g| ~ 1e-6
