"""Malladi et al.'s SDE family: the scaling maps (numeric = certified symbolic), the rule on the card's toy."""
from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from convcheck.families import sde as family
from convcheck.reference.scaling import linear_rule, sqrt_rule, svag_map, svag_weights
from convcheck.theory.sde import scaling
from convcheck.theory.symbols import beta1, beta2, lr, xi

unit = st.floats(0.5, 0.9999)


def symbolic(rule, hp: dict, factor: float) -> dict:
    """theory.sde's map evaluated at the numbers of hp (names -> floats)."""
    subs = {scaling.B: hp["batch_size"], lr: hp["lr"], beta1: hp["beta1"], beta2: hp["beta2"], xi: hp["xi"]}
    return {k: float(v.xreplace(subs)) for k, v in rule(scaling.BASE, sp.nsimplify(factor)).items()}


@given(lr_=st.floats(1e-5, 1.0), b1=unit, b2=unit, xi_=st.floats(1e-12, 1e-2), frac=st.floats(0.01, 0.99))
def test_the_numeric_sqrt_rule_is_the_certified_one_and_keeps_the_invariants(lr_, b1, b2, xi_, frac):
    kappa = frac / (1 - min(b1, b2))  # inside kappa (1 - beta_i) < 1
    hp = {"batch_size": 8.0, "lr": lr_, "beta1": b1, "beta2": b2, "xi": xi_}
    new = sqrt_rule(hp, kappa)
    want = symbolic(scaling.sqrt_rule, hp, kappa)
    assert all(math.isclose(new[k if k != "B" else "batch_size"], want[k], rel_tol=1e-9, abs_tol=1e-15)
               for k in want)
    sigma = lambda h: 3.0 / math.sqrt(h["batch_size"])  # noise std of a batch mean, per-sample std 3
    for inv in (lambda h: sigma(h) * h["lr"], lambda h: (1 - h["beta1"]) / h["lr"] ** 2,
                lambda h: (1 - h["beta2"]) / h["lr"] ** 2, lambda h: h["xi"] * h["lr"]):
        assert math.isclose(inv(new), inv(hp), rel_tol=1e-6)
    assert 0 < new["beta1"] < 1 and 0 < new["beta2"] < 1


def test_the_linear_rule_is_the_certified_one():
    hp = {"batch_size": 8.0, "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}
    new, want = linear_rule(hp, 4), symbolic(scaling.linear_rule, hp, 4)
    assert new["lr"] == want["lr"] == 4e-3 and new["batch_size"] == 32 and new["beta1"] == 0.9


def test_the_sqrt_rule_refuses_kappa_past_its_validity_naming_the_condition():
    with pytest.raises(ValueError, match=r"kappa \(1 - beta1\) < 1; got kappa = 12, beta1 = 0.9"):
        sqrt_rule({"lr": 1e-3, "beta1": 0.9}, 12)
    with pytest.raises(ValueError, match="kappa must be a finite number > 0"):
        sqrt_rule({"lr": 1e-3}, 0)


def test_rmsprop_rule_has_one_beta_condition_and_adam_two():
    assert [str(c) for c in scaling.rmsprop.conditions] == ["kappa (1 - beta2) < 1"]
    assert [str(c) for c in scaling.adam.conditions] == ["kappa (1 - beta1) < 1", "kappa (1 - beta2) < 1"]


def test_the_card_toy_noise_dominated_kappa_4():
    """Card section 2.7, noise-dominated row at kappa = 4: sqrt rule 0.068, lr x kappa only 0.436."""
    (sq, lin), = family.rule_deviations("adam", *family.NOISE_DOMINATED, kappas=(4,)).values()
    assert abs(sq - 0.068) < 1e-3 and abs(lin - 0.436) < 1e-3


def test_the_check_fails_when_the_rule_is_replaced_by_the_linear_one(monkeypatch):
    """The check compares the rules; given the linear rule twice, it cannot call the sqrt rule better."""
    monkeypatch.setattr(family, "sqrt_rule", family.linear_rule)
    parts = family.CHECKS["rmsprop.sqrt_scaling"](steps=400, runs=32)
    assert {p.verdict for p in parts} == {"violated"}
