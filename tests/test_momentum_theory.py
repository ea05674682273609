"""heavy_ball.smooth and nag.smooth: their certificates, the potential they state and theory.links telescopes,
planted false changes, the torch forms they state, and their checks (the potential step monitored on runs)."""
import dataclasses
import importlib

import numpy as np
import pytest
import sympy as sp

from convcheck import mutate, theory
from convcheck.checker import check_setup
from convcheck.families import momentum as family
from convcheck.join import Join
from convcheck.reference import objectives, optimizers, oracles
from convcheck.setups import Setup
from convcheck.theory.model import Condition
from convcheck.theory.momentum import heavy_ball as hb
from convcheck.theory.prove import merge_bounds, search_counterexample
from convcheck.theory.symbols import f, f_next, grad_sq, state_sq

certify_module = importlib.import_module("convcheck.theory.certify")
links = importlib.import_module("convcheck.theory.links")
THM = theory.get("heavy_ball.smooth")


def _derivation_broken(thm, name):
    """The prover's seeded search breaks the remainder of chain step ``name``'s derivation under ``thm`` (certify then
    reports the step failed), without proving the step's true obligations."""
    step = next(s for s in thm.chain if s.name == name)
    ctx = links.context(thm) + [links.condition_bound(c) for c in step.assume]
    remainder, bounds = certify_module._derivation(step, thm, ctx, None)[-1]
    return search_counterexample(remainder.kind, remainder.expr, merge_bounds(bounds), n=200, refine=0) is not None


def _refused(thm, name, reason):
    """theory.links refuses ``thm``'s link ``name`` for ``reason``: its error says so, or the prover's seeded search
    breaks the obligation of that text (certify then reports the link failed); cheaper than discharging the link."""
    link = next(k for k in links.links(thm) if k.name == name)
    if link.error:
        return reason in link.error
    base = links.context(thm)
    named = [(o, extra) for o, extra in link.obligations if reason in str(o)]
    assert named, [str(o) for o, _ in link.obligations]
    return any(search_counterexample(o.kind, o.expr, merge_bounds(certify_module.within(base, extra)), n=200,
                                     refine=0) is not None for o, extra in named)


RATE_LINK = "rate from the one-step inequality"


def _with_potential(thm, **changes):
    """``thm`` with its potential changed and the stated step Psi_{t+1} <= Psi_t - c ||g||^2 restated on it."""
    s, p = thm.one_step, thm.one_step.potential
    q = dataclasses.replace(p, **changes)
    decrease = p.at() - s.rhs
    return dataclasses.replace(thm, one_step=dataclasses.replace(s, lhs=q.at(nxt=True), rhs=q.at() - decrease,
                                                                 potential=q))


def test_heavy_ball_certifies_symbolic_with_nothing_unlinked():
    cert = theory.certify(THM)
    assert cert.ok and cert.level == "symbolic" and cert.unlinked == []
    assert THM.kind == "upper" and {c.name for c in cert.links} >= {
        RATE_LINK, "rate at the prescription from the one-step inequality", "complexity from the one-step inequality"}
    assert {p.id for p in cert.premises} == {"lsmooth.descent", "inner_product.norm_nonneg"}


def test_dropping_one_minus_momentum_from_the_condition_is_refused():
    wide = dataclasses.replace(THM, conditions=(Condition(sp.StrictLessThan(hb.lr, 2 / hb.L), "lr < 2/L"),))
    assert _refused(wide, RATE_LINK, "coefficient is positive")


def test_a_halved_rate_is_refused_by_the_potential_link():
    halved = dataclasses.replace(THM, rate=dataclasses.replace(THM.rate, bound=dataclasses.replace(
        THM.rate.bound, expr=hb.RATE / 2)))
    assert _refused(halved, RATE_LINK, "exhaust it")


def test_a_potential_with_negative_weight_is_refused():
    negative = _with_potential(THM, weight=-hb.weight)
    assert _refused(negative, RATE_LINK, "weight a is nonnegative")


def test_a_start_the_rate_does_not_pay_for_is_refused():
    """||s_0||^2 <= 1 instead of s_0 = 0: Psi_0 exceeds f(x_0) by a, which the stated rate does not spend."""
    assert _refused(_with_potential(THM, initial=sp.Integer(1)), RATE_LINK, "exhaust it")
    # charged to the budget, the same start is paid for by a rate of (Delta + a)/(T c)
    paid = _with_potential(THM, initial=sp.Integer(1))
    paid = dataclasses.replace(paid, rate=dataclasses.replace(THM.rate, bound=dataclasses.replace(
        THM.rate.bound, expr=(hb.Delta + hb.weight) / (hb.T * hb.coef))))
    assert not _refused(paid, RATE_LINK, "exhaust it")


def test_a_one_step_that_is_not_the_stated_potentials_step_does_not_telescope():
    """f(x_{t+1}) <= Psi_t - c ||g||^2 is implied by the potential step, but summing it proves nothing."""
    one = dataclasses.replace(THM.one_step, lhs=f_next)
    assert _refused(dataclasses.replace(THM, one_step=one), RATE_LINK, "not the stated potential")
    no_potential = dataclasses.replace(THM, one_step=dataclasses.replace(THM.one_step, potential=None))
    assert _refused(no_potential, RATE_LINK, "not f(x_{t+1})")


def test_the_chain_concludes_the_stated_potential_step():
    """The Lyapunov step's goal is read from the statement: a halved weight there is refused by the chain."""
    assert _derivation_broken(_with_potential(THM, weight=hb.weight / 2), "Lyapunov step (L lr <= 1 - mu^2)")
    assert not _derivation_broken(THM, "Lyapunov step (L lr <= 1 - mu^2)")


def test_the_sutskever_sign_of_the_gradient_term_is_refused():
    """The update is what the descent lemma is cited on: x_{t+1} - x_t = mu d + lr g is not heavy ball."""
    wrong = dataclasses.replace(THM, update=hb.mu * hb.d_vec + hb.lr * hb.g_vec)
    assert _derivation_broken(wrong, "Lyapunov step (L lr <= 1 - mu^2)")


def test_torch_form_is_the_two_term_recursion_with_x_minus_1_equal_x_0():
    obj = objectives.get("sin_squared", d=4, a=3.0)
    opt = optimizers.get("heavy_ball")
    hp = {"lr": 0.1, "momentum": 0.7, "dampening": 0.0}
    x0 = obj.initial_points(3, seed=1)
    state, x_prev, x = opt.init(x0, hp), x0, x0
    for t in range(20):
        state = opt.step(state, obj.grad(state["x"]), hp, t)
        x_next = x - hp["lr"] * obj.grad(x) + hp["momentum"] * (x - x_prev)
        np.testing.assert_allclose(state["x"], x_next, rtol=1e-12, atol=1e-12)
        x_prev, x = x, x_next


def test_at_zero_momentum_the_bound_is_gd_smooths():
    gd = theory.get("gd.smooth").rate.bound.expr
    assert sp.simplify(hb.RATE.subs(hb.mu, 0) - gd) == 0
    assert sp.simplify(hb.RATE.subs({hb.mu: 0, hb.lr: 1 / hb.L}) - 2 * hb.L * hb.Delta / hb.T) == 0


def _small(momentum, steps=300):
    return Setup(objectives.get("sin_squared", d=10, a=3.0), runs=8, steps=steps, sweep=True,
                 hp={"momentum": momentum})


def test_check_monitors_the_potential_step_and_holds_on_a_small_sweep():
    rep = check_setup(THM, _small(0.9))
    assert {p.name for p in rep.parts} == {"one-step", "rate", "complexity"}
    assert rep.verdict == "holds", [(p.name, p.detail) for p in rep.parts if p.verdict != "holds"]
    assert max(p.tightness for p in rep.parts if p.name == "rate") <= 1


def test_the_monitor_catches_an_optimistic_c_and_a_dropped_potential():
    one = THM.one_step
    tripled = dataclasses.replace(THM, one_step=dataclasses.replace(one, rhs=one.rhs - 2 * hb.coef * grad_sq))
    parts = {p.name: p for p in check_setup(tripled, _small(0.9)).parts}
    assert parts["one-step"].verdict == "violated"
    # f(x_{t+1}) <= f(x_t) - c ||g||^2 alone is false for heavy ball: the potential term is what makes it hold
    plain = dataclasses.replace(THM, one_step=dataclasses.replace(one, lhs=f_next, rhs=one.rhs.subs(
        {state_sq: 0}), potential=None))
    assert {p.name: p for p in check_setup(plain, _small(0.9)).parts}["one-step"].verdict == "violated"


def _vec(v, values):
    """A theory Vec evaluated on arrays: sum_i c_i values[name_i], with the run's (lr, momentum)."""
    return sum(float(c.subs({hb.lr: values["lr"], hb.mu: values["momentum"]})) * values[k] for k, c in v.terms.items())


@pytest.mark.parametrize("module", [hb, "nag"])
def test_the_state_hook_is_the_state_the_theorem_states(module):
    """The family's s_{t+1} = next(s_t, x_t, x_{t+1}), rebuilt from the iterates, is the potential's stated
    s_{t+1} (a combination of s_t and g_t) along a reference run: the monitored ||s_t||^2 is the theorem's."""
    module = importlib.import_module(f"convcheck.theory.momentum.{module}") if isinstance(module, str) else module
    thm, pot = module.theorem, module.POTENTIAL
    obj = objectives.get("sin_squared", d=4, a=3.0)
    hp = {"lr": 0.1, "momentum": 0.7}
    x0 = obj.initial_points(3, seed=1)
    join = Join.of(thm, obj, oracles.Exact(), obj.value(x0)).with_hyperparameters(hp, 20, False)
    hook = family.STATES[thm.id](join)
    opt = optimizers.get(thm.algorithm)
    hp = {**opt.defaults, **hp}  # heavy ball's dampening 0
    state, s = opt.init(x0, hp), np.zeros_like(x0)
    (name,) = pot.state.terms
    for t in range(20):
        x, g = state["x"], obj.grad(state["x"])
        state = opt.step(state, g, hp, t)
        s_next = hook(s, x, state["x"])
        np.testing.assert_allclose(s_next, _vec(pot.state_next, {**hp, name: s, "g": g}), rtol=1e-10, atol=1e-12)
        s = s_next


def test_links_refuse_a_one_step_whose_lhs_is_not_f_next():
    """Telescoping reads the decrease off the right side, so a left side other than f(x_{t+1}) is refused."""
    gd = theory.get("gd.smooth")
    coef = hb.lr * (1 - hb.L * hb.lr / 2)
    # f_next - c g2 <= f - 2 c g2 is descent, but telescoping it as a decrease of 2 c g2 halves the rate
    one = dataclasses.replace(gd.one_step, lhs=f_next - coef * grad_sq, rhs=f - 2 * coef * grad_sq)
    rate = dataclasses.replace(gd.rate, bound=dataclasses.replace(gd.rate.bound, expr=gd.rate.bound.expr / 2))
    cert = theory.certify(dataclasses.replace(gd, one_step=one, rate=rate))
    assert not cert.ok and all("not f(x_{t+1})" in s.statement for s in cert.failures())


# -- nag.smooth ------------------------------------------------------------------------------------------------

from convcheck.theory.momentum import nag  # noqa: E402

NAG = theory.get("nag.smooth")


def test_nag_certifies_symbolic_with_nothing_unlinked():
    cert = theory.certify(NAG)
    assert cert.ok and cert.level == "symbolic" and cert.unlinked == []


def test_nag_planted_false_changes_are_refused():
    wide = dataclasses.replace(NAG, conditions=(Condition(sp.StrictLessThan(nag.lr, 2 / nag.L), "lr < 2/L"),))
    assert _refused(wide, RATE_LINK, "coefficient is positive")
    halved = dataclasses.replace(NAG, rate_at_prescription=dataclasses.replace(
        NAG.rate_at_prescription, expr=nag.RATE_AT_PRESCRIPTION / 2))
    assert _refused(halved, "rate at the prescription from the one-step inequality", "exhaust it")
    heavy = dataclasses.replace(NAG, update=nag.mu * nag.p_vec - nag.lr * nag.g_vec)  # heavy ball's update
    assert _derivation_broken(heavy, "Lyapunov step (L lr <= h0)")


def test_nag_torch_form_is_the_buffer_recursion_with_p_minus_1_zero():
    obj = objectives.get("sin_squared", d=4, a=3.0)
    opt = optimizers.get("nag")
    hp = {"lr": 0.1, "momentum": 0.7}
    mu, lr = hp["momentum"], hp["lr"]
    x0 = obj.initial_points(3, seed=1)
    state, x, p = opt.init(x0, hp), x0, np.zeros_like(x0)
    for t in range(20):
        g = obj.grad(x)
        state = opt.step(state, g, hp, t)
        x, p = x + mu ** 2 * p - lr * (1 + mu) * g, mu * p - lr * g
        np.testing.assert_allclose(state["x"], x, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(-lr * state["b"], p, rtol=1e-12, atol=1e-12)


def test_nag_check_holds_on_a_small_sweep():
    rep = check_setup(NAG, _small(0.5))
    assert rep.verdict == "holds", [(p.name, p.detail) for p in rep.parts if p.verdict != "holds"]


def test_the_potential_mutants_are_planted():
    names = [m.name for m in mutate.statement_mutants(NAG)]
    assert "one-step decrease x 2" in names
    assert {"potential weight a / 2", "potential weight a x 2", "potential weight a -> -a",
            "potential state s_{t+1} -> s_t", "initial ||s_0||^2 raised by 1"} <= set(names)
