"""INNA / DIN theorems: certificates, the step-size answers, and a broken energy that must fail."""
import dataclasses
from fractions import Fraction

import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from convcheck import theory
from convcheck.theory.model import zero
from convcheck.theory.nonsmooth import inna


def test_stepsize_energy_and_rest_points_certify_symbolically():
    for tid in ("inna.stepsize", "din.energy"):
        cert = theory.certify(theory.get(tid))
        assert cert.ok and cert.level == "symbolic", [(s.name, s.level) for s in cert.steps]
    assert theory.certify(theory.get("din.rate")).level == "unverified"  # a claim: nothing to prove symbolically


@given(st.fractions(min_value=Fraction(1, 1000), max_value=1))
def test_power_schedules_with_q_in_0_1_are_admissible(q):
    assert inna.stepsize_failures("power", q) == []


@given(st.fractions(min_value=Fraction(1001, 1000), max_value=10))
def test_power_schedules_beyond_1_fail_the_divergent_sum(q):
    (why,) = inna.stepsize_failures("power", q)
    assert why.startswith("sum gamma_k = oo fails")


def test_constant_and_log_schedules_name_the_failed_part():
    (why,) = inna.stepsize_failures("power", 0)
    assert "o(1/log k)" in why and "q = 0" in why
    assert inna.stepsize_failures("log", 1.5) == [] and "p = 1" in inna.stepsize_failures("log", 1)[0]


def test_admissible_sets_drive_the_chain(monkeypatch):
    """Accepting the log family for every p > 0 (or the power family beyond q = 1) contradicts proved regions."""
    monkeypatch.setitem(inna.ADMISSIBLE, "log", sp.Interval.open(0, sp.oo))
    assert any(o.lhs != 0 for o in inna._covered("log"))
    monkeypatch.setitem(inna.ADMISSIBLE, "power", sp.Interval.Lopen(0, 2))
    assert any(o.lhs != 0 for o in inna._covered("power"))
    assert inna.stepsize_failures("log", 0.5)  # p < 1 fails o(1/log k)


def test_no_unevaluated_limit_reaches_the_certificate():
    for tid in ("inna.stepsize", "din.energy", "inna.d_critical"):
        for step in theory.get(tid).chain:
            assert not any(o.lhs.has(sp.Limit) or o.rhs.has(sp.Limit) for o in step.obligations), step.name


def test_a_wrong_energy_weight_is_refused():
    """With 2 J in place of 2(1 + alpha beta) J the identity of eq. (31) is false: certify must say so."""
    wrong = inna.E_dot - 2 * inna.alpha * inna.beta * inna.g * inna.th_dot
    steps = tuple(dataclasses.replace(s, obligations=(zero(wrong, -2 * inna.alpha * inna.th_dot ** 2
                                                           - 2 / inna.beta * (inna.ps_dot - inna.th_dot) ** 2),))
                  if s.name == "energy identity" else s for s in inna.energy.chain)
    cert = theory.certify(dataclasses.replace(inna.energy, chain=steps))
    assert "energy identity" in {c.name for c in cert.failures()}


def test_card_unit_test_numbers():
    at = {inna.alpha: sp.Rational(1, 2), inna.beta: sp.Rational(1, 10), inna.th: 1, inna.ps: sp.Rational(3, 10),
          inna.g: 1}
    assert (inna.th_dot.subs(at), inna.ps_dot.subs(at), inna.E_dot.subs(at)) == (sp.Rational(32, 5),
                                                                                 sp.Rational(13, 2),
                                                                                 sp.Rational(-1029, 25))


def test_spurious_point_traps_inna_and_checks_hold():
    from convcheck.checker import check

    rep = check("inna.d_critical")
    assert rep.verdict == "holds"
    spurious = rep.setups[0].parts[0]
    assert "dist(0, D J) = 0" in spurious.detail and "dist(0, dJ) = 1" in spurious.detail
    assert check("inna.stepsize").verdict == "holds"


def test_check_refuses_a_schedule_that_fails_assumption_1_naming_the_part(capsys):
    from convcheck.checker import check
    from convcheck.cli import main

    rep = check("inna.d_critical", options={"q": 0.0})
    assert rep.verdict == "does not apply" and "o(1/log k) fails: q = 0.0" in rep.setups[0].note
    rep = check("inna.d_critical", options={"q": 2.0})
    assert "sum gamma_k = oo fails" in rep.setups[0].note
    try:
        main(["check", "inna.d_critical", "--set", "p=1"])
    except SystemExit as e:
        assert e.code == 2
    assert "takes no 'p'; it takes q, runs, steps" in capsys.readouterr().err
