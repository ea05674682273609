"""sgd_momentum.smooth: its certificate, the shadow iterate its potential is read at, what theory.links refuses of a
shifted or expected potential, its premises on the catalogue, and its check on runs with a stochastic oracle."""
import dataclasses
import importlib

import numpy as np
import pytest
import sympy as sp

from convcheck import mutate, theory
from convcheck.axioms import check_axiom, members
from convcheck.checker import check_setup
from convcheck.monitors import OneStepMonitor
from convcheck.reference import objectives, optimizers, oracles
from convcheck.setups import Setup
from convcheck.theory.lemma import ip
from convcheck.theory.lemmas import inequalities, smooth
from convcheck.theory.momentum import sgd_momentum as sm
from convcheck.theory.prove import merge_bounds, search_counterexample
from convcheck.theory.symbols import gap

certify_module = importlib.import_module("convcheck.theory.certify")
links = importlib.import_module("convcheck.theory.links")
THM = theory.get("sgd_momentum.smooth")
RATE_LINK = "rate from the one-step inequality"
STEP = "expected potential step at the shadow iterate"


def _link_error(thm, name=RATE_LINK):
    return next(k for k in links.links(thm) if k.name == name).error


def _with_potential(thm, **changes):
    """``thm`` with its potential changed and the stated step E_t Psi_{t+1} <= Psi_t - D restated on it."""
    s, p = thm.one_step, thm.one_step.potential
    q = dataclasses.replace(p, **changes)
    return dataclasses.replace(thm, one_step=dataclasses.replace(s, lhs=q.at(nxt=True), rhs=q.at() - (p.at() - s.rhs),
                                                                 potential=q))


def _derivation_broken(thm):
    """The prover's seeded search breaks the remainder of the chain's derivation under ``thm``."""
    step = next(s for s in thm.chain if s.name == STEP)
    remainder, bounds = certify_module._derivation(step, thm, links.context(thm), None)[-1]
    return search_counterexample(remainder.kind, remainder.expr, merge_bounds(bounds), n=200, refine=0) is not None


def test_certifies_symbolic_with_nothing_unlinked_on_the_named_premises():
    cert = theory.certify(THM)
    assert cert.ok and cert.level == "symbolic" and cert.claims_level == "symbolic" and cert.unlinked == []
    assert {c.name for c in cert.links} == {"prescription of lr", RATE_LINK, "complexity from the rate at the "
                                            "prescription", "rate at the prescription from the one-step inequality"}
    assert {p.id for p in cert.premises} == {"lsmooth.descent", "lsmooth.lipschitz_gradient", "inner_product.convexity",
                                             "inner_product.norm_nonneg", "oracle.unbiased", "oracle.bounded_variance"}


def test_the_shadow_iterate_is_sgd_with_step_lr_over_one_minus_mu():
    """z_{t+1} - z_t as the potential computes it from the stated update, and along a reference run with noise."""
    step = sm.POTENTIAL.point_step(sm.update)
    assert set(step.terms) == {"o"} and sp.simplify(step.terms["o"] + sm.lr / (1 - sm.mu)) == 0
    obj = objectives.get("sin_squared", d=4, a=3.0)
    opt = optimizers.get("heavy_ball")
    hp = {"lr": 0.05, "momentum": 0.8, "dampening": 0.0}
    k = -hp["lr"] * hp["momentum"] / (1 - hp["momentum"])
    x0 = obj.initial_points(3, seed=1)
    state, rng, b = opt.init(x0, hp), np.random.default_rng(0), np.zeros_like(x0)
    z = x0.copy()  # z_0 = x_0: b_{-1} = 0
    for t in range(30):
        g = obj.grad(state["x"]) + 0.5 * rng.standard_normal(x0.shape)
        state = opt.step(state, g, hp, t)
        b = hp["momentum"] * b + g
        z_next = z - hp["lr"] / (1 - hp["momentum"]) * g
        np.testing.assert_allclose(state["x"] + k * b, z_next, rtol=1e-12, atol=1e-12)
        z = z_next


def test_at_zero_momentum_the_rates_are_sgd_smooths():
    sgd = theory.get("sgd.smooth")
    assert sp.simplify(sm.RATE.subs(sm.mu, 0) - sgd.rate.bound.expr) == 0
    assert sp.simplify(sm.RATE_AT_PRESCRIPTION.subs(sm.mu, 0) - sgd.rate_at_prescription.expr) == 0
    assert sm.weight.subs(sm.mu, 0) == 0


def test_links_refuse_an_expected_step_for_a_pathwise_rate_and_the_reverse():
    pathwise_rate = dataclasses.replace(THM, rate=dataclasses.replace(THM.rate, expectation=False))
    assert "expected measure only" in _link_error(pathwise_rate)
    pathwise_step = dataclasses.replace(THM, one_step=dataclasses.replace(THM.one_step, expectation=False))
    assert "no telescoping rule" in _link_error(pathwise_step)


def test_links_refuse_a_shifted_potential_from_a_nonzero_start_or_with_the_runs_gap():
    """z_0 = x_0 only when s_0 = 0; and f(x_0) - f(x_T) does not bound a sum that ends at f(z_T)."""
    assert "s_0 = 0" in _link_error(_with_potential(THM, initial=sp.Integer(1)))
    with_gap = dataclasses.replace(THM, rate=dataclasses.replace(THM.rate, bound=dataclasses.replace(
        THM.rate.bound, expr=sm.RATE.subs(sm.Delta, gap))))
    assert "shifted z_T" in _link_error(with_gap)
    assert _link_error(THM) == ""


def test_the_chain_refuses_the_potential_read_at_x_t_and_a_halved_weight():
    assert not _derivation_broken(THM)
    assert _derivation_broken(_with_potential(THM, shift=sp.Integer(0)))
    assert _derivation_broken(_with_potential(THM, weight=sm.weight / 2))
    names = [m.name for m in mutate.statement_mutants(THM)]
    assert "potential point z_t -> x_t" in names and "initial ||s_0||^2 raised by 1" in names


def test_the_lipschitz_axiom_holds_on_the_catalogue_and_L_squared_over_4_does_not():
    (c,) = smooth.LIPSCHITZ_GRADIENT.conclusions
    optimistic = dataclasses.replace(smooth.LIPSCHITZ_GRADIENT, conclusions=(dataclasses.replace(c, rhs=c.rhs / 4),))
    quadratic = members("L-smooth")
    assert all(check_axiom(smooth.LIPSCHITZ_GRADIENT, obj, runs=8).holds for obj in quadratic)
    assert not all(check_axiom(optimistic, obj, runs=8).holds for obj in quadratic)


def test_an_optimistic_convexity_fails_its_one_dimensional_witness():
    """theta ||u||^2 halved on the right: false at u = 1, v = 0, theta = 3/4."""
    (c,) = inequalities.CONVEXITY.conclusions
    th = inequalities.theta
    wrong = dataclasses.replace(inequalities.CONVEXITY, conclusions=(dataclasses.replace(
        c, rhs=c.rhs - th * ip("u", "u") / 2),))
    assert theory.certify_lemma(inequalities.CONVEXITY).level == "symbolic"
    assert theory.certify_lemma(wrong).level == "failed"
    point = {ip("u", "u"): 1, ip("u", "v"): 0, ip("v", "v"): 0, th: sp.Rational(3, 4)}
    (w,) = wrong.conclusions
    assert w.lhs.xreplace(point) > w.rhs.xreplace(point)


def test_the_monitor_refuses_a_shifted_potential_it_cannot_measure():
    one = dataclasses.replace(THM.one_step, expectation=False)
    with pytest.raises(ValueError, match="shifted point"):
        OneStepMonitor(one, None, next_state=lambda s, x, x_next: s)


def _small():
    return Setup(objectives.get("sin_squared", d=10, a=3.0), oracles.Gaussian(1.0), runs=300, steps=200, x0="shared",
                 hp={"momentum": 0.9})


@pytest.mark.parametrize("theorem_id", ["sgd_momentum.smooth", "sgd_momentum.smooth.ema"])
def test_check_holds_with_noise_and_catches_a_rate_four_times_too_small(theorem_id):
    thm = theory.get(theorem_id)
    rep = check_setup(thm, _small())
    assert rep.verdict == "holds", [(p.name, p.detail) for p in rep.parts if p.verdict != "holds"]
    assert {p.name for p in rep.parts} >= {"rate", "rate at prescription"}
    quarter = dataclasses.replace(thm, rate=dataclasses.replace(thm.rate, bound=dataclasses.replace(
        thm.rate.bound, expr=thm.rate.bound.expr / 4)))
    assert {p.name: p for p in check_setup(quarter, _small()).parts}["rate"].verdict == "violated"
