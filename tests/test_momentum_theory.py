"""heavy_ball.smooth: its certificate, planted false changes, the torch form it states, and its numeric check."""
import dataclasses
import importlib

import numpy as np
import pytest
import sympy as sp

from convcheck import theory
from convcheck.families import momentum as family
from convcheck.reference import objectives, optimizers
from convcheck.theory.model import Condition
from convcheck.theory.momentum import heavy_ball as hb

certify_module = importlib.import_module("convcheck.theory.certify")
links = importlib.import_module("convcheck.theory.links")
THM = theory.get("heavy_ball.smooth")


def _step(thm, name):
    """One chain step's check under ``thm``'s domains and conditions (cheaper than the whole certificate)."""
    step = next(s for s in thm.chain if s.name == name)
    return certify_module.certify_step(step, thm, links.context(thm))


def test_heavy_ball_certifies_symbolic_with_nothing_unlinked():
    cert = theory.certify(THM)
    assert cert.ok and cert.level == "symbolic" and cert.unlinked == []
    assert {p.id for p in cert.premises} == {"lsmooth.descent", "inner_product.norm_nonneg"}


def test_dropping_one_minus_momentum_from_the_condition_is_refused():
    wide = dataclasses.replace(THM, conditions=(Condition(sp.StrictLessThan(hb.lr, 2 / hb.L), "lr < 2/L"),))
    check = _step(wide, "telescoping (L lr >= 1 - mu^2)")
    assert check.level == "failed"
    assert any(p.level == "failed" and "c > 0" in text for text, _k, _e, p in check.details)


def test_a_halved_rate_is_refused():
    halved = dataclasses.replace(THM, chain=hb.chain(rate=hb.RATE / 2))
    assert _step(halved, "telescoping (L lr <= 1 - mu^2)").level == "failed"
    assert _step(THM, "telescoping (L lr <= 1 - mu^2)").level == "symbolic"


def test_the_sutskever_sign_of_the_gradient_term_is_refused():
    """The update is what the descent lemma is cited on: x_{t+1} - x_t = mu d + lr g is not heavy ball."""
    wrong = dataclasses.replace(THM, update=hb.mu * hb.d_vec + hb.lr * hb.g_vec)
    assert _step(wrong, "Lyapunov step (L lr <= 1 - mu^2)").level == "failed"


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


def test_check_holds_on_a_small_sweep():
    parts = family.heavy_ball_smooth(momenta=(0.9,), runs=8, steps=300)
    assert {p.name for p in parts} == {"Lyapunov step", "rate", "complexity"}
    assert all(p.verdict == "holds" for p in parts), [(p.name, p.detail) for p in parts if p.verdict != "holds"]
    assert max(p.tightness for p in parts if p.name == "rate") <= 1


def test_links_refuse_a_one_step_whose_lhs_is_not_f_next():
    """Telescoping reads the decrease off the right side, so a left side other than f(x_{t+1}) is refused."""
    from convcheck.theory.symbols import f, f_next, grad_sq
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
    assert _step(wide, "telescoping (L lr >= h0)").level == "failed"
    halved = dataclasses.replace(NAG, chain=nag.chain(rate=nag.RATE / 2))
    assert _step(halved, "telescoping (L lr <= h0)").level == "failed"
    heavy = dataclasses.replace(NAG, update=nag.mu * nag.p_vec - nag.lr * nag.g_vec)  # heavy ball's update
    assert _step(heavy, "Lyapunov step (L lr <= h0)").level == "failed"


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


def test_nag_check_holds_and_its_monitor_catches_an_optimistic_c(monkeypatch):
    parts = family.nag_smooth(momenta=(0.5,), runs=8, steps=300)
    assert all(p.verdict == "holds" for p in parts), [(p.name, p.detail) for p in parts if p.verdict != "holds"]
    monkeypatch.setattr(nag, "coef", 3 * nag.coef)  # the monitor reads the module's c
    lyap = [p for p in family.nag_smooth(momenta=(0.5,), runs=8, steps=300) if p.name == "Lyapunov step"]
    assert any(p.verdict == "violated" for p in lyap)


def test_the_momentum_checks_take_their_seed():
    from convcheck.families import CHECKS

    def tight(seed):
        return [p.tightness for p in CHECKS["nag.smooth"](momenta=0.5, runs=8, steps=100, seed=seed)]
    assert tight(3) == tight(3) != tight(0)
