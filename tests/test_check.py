"""The checker: guarantees hold on drawn L-smooth problems, and broken bounds are caught with
their run, step and numbers."""
import dataclasses

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from convcheck import theory
from convcheck import Setup, check, report
from convcheck.verdicts import RTOL
from convcheck.reference import objectives, oracles
from convcheck.theory.model import Condition, Formula, OneStep, Rate
from convcheck.theory.symbols import L, Delta, f, f_next, grad_sq, lr

smooth_objectives = st.one_of(
    st.builds(lambda d, a: objectives.get("sin_squared", d=d, a=a), st.integers(1, 6), st.floats(0.0, 5.0)),
    st.builds(lambda d, s: objectives.get("cosine_sum", d=d, m=8, seed=s), st.integers(1, 6), st.integers(0, 999)),
    st.builds(lambda d, L_, s: objectives.Quadratic.random(d, L_, seed=s), st.integers(1, 6),
              st.floats(0.1, 50.0), st.integers(0, 999)),
)


def _only(rep):
    (s,) = rep.setups
    return s


@given(obj=smooth_objectives, u=st.floats(0.01, 0.99), seed=st.integers(0, 2 ** 16))
def test_gd_never_breaks_descent_lemma_rate_or_complexity(obj, u, seed):
    lr_ = 2 * u / obj.constants["L"]
    rep = check("gd.smooth", [Setup(obj, runs=8, steps=60, hp={"lr": lr_}, seed=seed)])
    s = _only(rep)
    assert s.verdict in ("holds", "inconclusive"), rep.to_dict()
    assert {p.name: p.verdict for p in s.parts}["one-step"] == "holds"
    assert {p.name: p.verdict for p in s.parts}["rate"] == "holds"
    assert s.tightness <= 1 + RTOL  # equality is attained: a 1-D quadratic at lr = 1/L has g0^2 = 2 L Delta


@given(obj=smooth_objectives, u=st.floats(0.01, 0.99), seed=st.integers(0, 2 ** 16))
def test_gd_never_beats_the_exact_worst_case(obj, u, seed):
    lr_ = np.sqrt(3) * u / obj.constants["L"]
    rep = check("gd.smooth.pep", [Setup(obj, runs=8, steps=40, hp={"lr": lr_}, seed=seed)])
    parts = {p.name: p for p in _only(rep).parts}
    assert parts["rate"].verdict == "holds" and parts["rate"].tightness <= 1 + RTOL
    assert parts["one-step"].verdict == "holds"  # certified for every 0 < h < sqrt(3)


def test_sgd_expectation_bound_holds_at_the_stated_confidence():
    obj = objectives.get("sin_squared", d=5, a=2.0)
    rep = check("sgd.smooth", [Setup(obj, oracles.Gaussian(2.0), runs=400, steps=300, x0="shared")], level=0.99)
    s = _only(rep)
    assert s.verdict == "holds", rep.to_dict()
    assert "99% one-sided" in {p.name: p for p in s.parts}["rate"].detail


def _variant(tid, **changes):
    thm = theory.get(tid)
    return dataclasses.replace(thm, id=tid + ".broken", **changes)


def test_a_rate_ten_times_too_small_is_violated_with_its_numbers():
    gd = theory.get("gd.smooth")
    bad = _variant("gd.smooth", rate=Rate(gd.rate.measure, Formula(gd.rate.bound.expr / 10, gd.rate.bound.source)))
    rep = check(bad, [Setup(objectives.get("sin_squared", d=3), runs=4, steps=50)])
    rate = {p.name: p for p in _only(rep).parts}["rate"]
    assert rep.verdict == "violated" and rate.verdict == "violated"
    assert rate.worst["observed"] > rate.worst["bound"] and rate.tightness > 1
    assert "run" in rate.detail and "T =" in rate.detail


def test_a_descent_lemma_three_times_too_strong_is_violated_at_a_step():
    gd = theory.get("gd.smooth")
    coef = 3 * lr * (1 - L * lr / 2)
    bad = _variant("gd.smooth", one_step=OneStep(f_next, f - coef * grad_sq, gd.one_step.source,
                                                 statement="too strong"))
    rep = check(bad, [Setup(objectives.get("cosine_sum", d=4), runs=4, steps=30)])
    one = {p.name: p for p in _only(rep).parts}["one-step"]
    assert one.verdict == "violated" and one.worst["step"] >= 0 and 0 <= one.worst["run"] < 4


def test_a_failed_certificate_fails_the_check_even_when_every_run_holds():
    """The exit code tells the truth: runs within the bound do not excuse a certificate that fails."""
    gd = theory.get("gd.smooth")
    wrong = dataclasses.replace(gd.claims[0], eps_exponent=sp.Integer(1))  # O(eps^-1): not what is proved
    rep = check(_variant("gd.smooth", claims=(wrong,)), [Setup(objectives.get("cosine_sum", d=4), runs=4, steps=30)],
                certify=True)
    assert rep.verdict == "holds" and rep.certificate_ok is False and not rep.passed
    assert "certificate FAILS" in report.check_report(rep)
    assert check("gd.smooth", [Setup(objectives.get("cosine_sum", d=4), runs=4, steps=30)], certify=True).passed


def test_a_wrong_step_condition_lets_runs_diverge_and_says_when():
    bad = _variant("gd.smooth", conditions=(Condition(sp.StrictLessThan(lr, 5 / L)),))
    quad = objectives.Quadratic.diagonal([1.0, 4.0])
    rep = check(bad, [Setup(quad, runs=16, steps=400, sweep=True)])
    s = _only(rep)
    div = {p.name: p for p in s.parts}["divergence"]
    assert rep.verdict == "violated" and div.verdict == "diverged" and "at step" in div.detail


@pytest.mark.parametrize("obj, oracle, why", [
    (objectives.get("abs_quadratic"), oracles.Exact(), "assumes L-smooth"),
    (objectives.get("sin_squared"), oracles.Gaussian(0.5), "assumes an exact oracle"),
])
def test_does_not_apply_names_the_assumption(obj, oracle, why):
    rep = check("gd.smooth", [Setup(obj, oracle, runs=2, steps=5)])
    assert rep.verdict == "does not apply" and why in _only(rep).note


def test_failed_condition_does_not_apply_with_value_and_bound():
    rep = check("gd.smooth", [Setup(objectives.get("sin_squared", d=2, a=1.0), runs=2, steps=5, hp={"lr": 1.0})])
    assert rep.verdict == "does not apply"
    assert "lr < 2/L fails" in _only(rep).note and "bound = 0.666667" in _only(rep).note


def test_lower_bound_consistency_catches_an_upper_bound_beating_it(monkeypatch):
    from convcheck.theory import registry

    gd = theory.get("gd.smooth")
    too_good = dataclasses.replace(gd, id="gd.too_good", claims=(),
                                   complexity=Formula(sp.ceiling(Delta / (theory.Theorem.eps * lr)),
                                                      gd.complexity.source))
    monkeypatch.setitem(registry.THEOREMS._entries, "gd.too_good", too_good)
    rep = check("lower.det")
    assert rep.verdict == "violated"
    assert {p.name: p.verdict for p in rep.setups[0].parts}["gd.too_good"] == "violated"
    assert check("lower.stoch").verdict == "holds"


def test_same_seed_same_report():
    s = [Setup(objectives.get("sin_squared", d=3), oracles.Gaussian(1.0), runs=50, steps=50, x0="shared", seed=3)]
    a, b = check("sgd.smooth", s).to_dict(), check("sgd.smooth", s).to_dict()
    for sa, sb in zip(a["setups"], b["setups"]):
        sa.pop("seconds"), sb.pop("seconds")
    assert a == b
