"""gd.pl: the linear rate under PL is certified as stated, its false mutations are refused (a smaller rho
included), its bound matches hand values, and it holds on the PL catalogue."""
from __future__ import annotations

import dataclasses
import math
import os

import pytest
import sympy as sp

from cli_support import call, strict_json
from convcheck import mutate, theory
from convcheck.checker import check
from convcheck.reference import objectives
from convcheck.setups import Setup
from convcheck.theory.baselines import gd_pl
from convcheck.theory.evaluate import evaluate
from convcheck.theory.lemmas.pl import GRADIENT_DOMINANCE
from convcheck.theory.momentum import heavy_ball_pl as hb_pl
from convcheck.theory.model import Formula
from convcheck.theory.symbols import L, T, lr, mu

THM = theory.get("gd.pl")
THOROUGH = os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE") == "thorough"


def test_gd_pl_is_certified_symbolic_on_descent_and_the_pl_axiom():
    cert = theory.certify(THM)
    assert cert.ok and cert.level == "symbolic" and cert.unlinked == []
    assert [p.id for p in cert.axioms()] == ["lsmooth.descent", "pl.gradient_dominance"]
    assert {c.name for c in cert.links} == {"prescription of lr", "rate by contraction", "complexity from the contraction"}


def test_rho_is_the_classical_factor_and_is_smallest_at_the_prescription():
    assert sp.expand(gd_pl.rho - (1 - 2 * mu * lr * (1 - L * lr / 2))) == 0
    assert sp.solve(sp.diff(gd_pl.rho, lr), lr) == [1 / L]


def _with_rho(rho, rate_rho=None):
    rate = dataclasses.replace(THM.rate, via=rho,
                               bound=Formula((rate_rho if rate_rho is not None else rho) ** T * sp.Symbol("Delta", positive=True),
                                             THM.rate.bound.source))
    return dataclasses.replace(THM, rate=rate)


def test_the_rate_link_refuses_a_smaller_rho():
    smaller = gd_pl.rho - mu / (4 * L)
    for thm in (_with_rho(smaller), _with_rho(gd_pl.rho, rate_rho=smaller)):  # the hint, or only the stated rate
        cert = theory.certify(thm)
        assert not cert.ok
        assert "rate by contraction" in {c.name for c in cert.failures()}


def test_a_pl_premise_with_an_optimistic_constant_fails_on_its_witness():
    (c,) = GRADIENT_DOMINANCE.conclusions
    wrong = dataclasses.replace(GRADIENT_DOMINANCE, conclusions=(dataclasses.replace(c, lhs=2 * c.lhs),))
    assert not theory.certify(THM, lemmas={wrong.id: wrong}).ok


def test_every_false_mutation_is_refused_and_every_weakening_certifies():
    row = mutate.mutation_report(THM).counts()
    assert row["baseline_ok"] and row["crashes"] == [] and row["survivors"] == []
    assert row["false_total"] >= 10 and row["false_refused"] == row["false_total"]
    assert row["weakenings_certified"] == row["weakenings_total"] >= 2


def test_the_bound_matches_hand_values():
    ev = evaluate(THM, {"L": "2", "mu": "0.5", "lr": "0.5", "Delta": "1"}, eps="1e-6", T=20)
    assert ev.applies and math.isclose(ev.rate, 0.75 ** 20, rel_tol=1e-14)  # rho = 1 - 2 (1/2)(1/2)(1 - 1/2) = 3/4
    assert ev.complexity == math.ceil(math.log(1e6) / math.log(4 / 3)) == 49
    ev = evaluate(THM, {"L": "2", "mu": "0.5", "lr": "0.9", "Delta": "1"}, eps="1e-3", T=10)
    assert math.isclose(ev.rate, 0.91 ** 10, rel_tol=1e-14) and ev.complexity == 74  # rho = 1 - 0.9 (0.1) = 0.91


def test_the_cli_interface_other_tools_use():
    rc, out, err = call("bound", "gd.pl", "--set", "L=2", "--set", "mu=0.5", "--set", "lr=0.5", "--set", "Delta=1",
                        "--T", "20", "--eps", "1e-6", "--json")
    d = strict_json(out)
    assert rc == 0 and math.isclose(d["rate"], 0.75 ** 20, rel_tol=1e-12) and d["complexity"] == 49
    for values, condition in (({"lr": "1", "mu": "0.5"}, "lr < 2/L"), ({"lr": "0.5", "mu": "2"}, "mu < L")):
        ev = evaluate(THM, {"L": "2", "Delta": "1", **values}, T=20)
        assert not ev.applies and condition in ev.failed_condition


def test_check_holds_on_the_pl_catalogue_and_the_contraction_is_monitored():
    report = check(THM)
    assert report.verdict == "holds" and len(report.setups) == 3
    for s in report.setups:
        parts = {p.name: p for p in s.parts}
        assert parts["contraction"].verdict == "holds" and 0.9 < parts["contraction"].tightness <= 1 + 1e-9
        assert parts["rate"].verdict == parts["complexity"].verdict == "holds"


def test_check_on_an_objective_without_mu_names_the_missing_constant():
    report = check(THM, [Setup(objectives.get("sin_squared", d=3), runs=4, steps=10, sweep=True)])
    assert report.verdict == "does not apply" and "publishes no mu" in report.setups[0].note


# -- heavy_ball.pl: a property theorem, its chain concluding the contraction, the rate and T(eps) ------------------

HB = theory.get("heavy_ball.pl")


def test_heavy_ball_pl_is_certified_symbolic_and_checks_what_its_chain_proves():
    cert = theory.certify(HB)  # default samples: the proofs are shared with the suite's certify-all test
    assert cert.ok and cert.level == "symbolic"
    assert [p.id for p in cert.axioms()] == ["lsmooth.descent", "pl.gradient_dominance", "inner_product.norm_nonneg"]
    assert hb_pl.STATED["rate"].bound.expr == hb_pl.RATE and hb_pl.STATED["complexity"].expr == hb_pl.COMPLEXITY


@pytest.mark.skipif(not THOROUGH, reason="about 10 s of SymPy cold; CONVCHECK_HYPOTHESIS_PROFILE=thorough runs it "
                                         "(test_mutate's thorough profile covers every theorem too)")
def test_heavy_ball_pl_refuses_all_its_false_mutations():
    row = mutate.mutation_report(HB).counts()
    assert row["false_total"] >= 5 and row["false_refused"] == row["false_total"] and row["crashes"] == []


def _hb_replaced(step_name, change):
    return dataclasses.replace(HB, chain=tuple(change(s) if s.name == step_name else s for s in HB.chain))


def test_heavy_ball_pl_refuses_a_smaller_rho_in_the_contraction_and_in_the_rate():
    smaller = hb_pl.rho - mu * lr / 8
    goal = hb_pl.contraction()
    lower = dataclasses.replace(goal, rhs=goal.rhs.xreplace({hb_pl.rho: smaller}))
    contraction = _hb_replaced("Lyapunov contraction",
                               lambda s: dataclasses.replace(s, derives=dataclasses.replace(s.derives, goal=lower)))
    assert not theory.certify(contraction).ok
    rate = smaller ** T * sp.Symbol("Delta", positive=True)
    induction = _hb_replaced("rate by induction", lambda s: hb_pl.induction(rate))
    assert not theory.certify(induction).ok


def test_heavy_ball_pl_rho_by_hand_in_both_regimes_and_at_zero_momentum():
    at = {L: 10, mu: 5, lr: sp.Rational(1, 20)}  # L lr = 1/2, 1 - mu lr = 3/4
    assert hb_pl.rho.subs({**at, hb_pl.momentum: sp.Rational(3, 5)}) == sp.Rational(3, 4)  # 0.36/0.5 = 0.72 < 0.75
    assert hb_pl.rho.subs({**at, hb_pl.momentum: sp.Rational(13, 20)}) == sp.Rational(169, 200)  # 0.4225/0.5
    assert hb_pl.rho.subs({**at, hb_pl.momentum: 0}) == 1 - at[mu] * at[lr]  # momentum 0: 1 - mu lr


def test_heavy_ball_pl_holds_on_the_pl_catalogue():
    report = check(HB, options={"momenta": 0.6, "runs": 16, "steps": 300})
    assert report.verdict == "holds"
    parts = report.setups[0].parts
    assert {p.name for p in parts} == {"Lyapunov contraction", "rate", "complexity"} and len(parts) == 9
    assert all(0.5 < p.tightness <= 1 + 1e-9 for p in parts if p.name == "Lyapunov contraction")
