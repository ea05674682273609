"""The mutation harness: false changes to a theorem's statement or premises are refused, weakenings certify.

The fast profile runs the harness on gd.smooth (all of it) and checks the harness itself; the
thorough profile (CONVCHECK_HYPOTHESIS_PROFILE=thorough) runs it on every theorem.
"""
import dataclasses
import importlib
import os

import pytest
import sympy as sp

from convcheck import theory
from convcheck import mutate
from convcheck.theory.lemmas.smooth import DESCENT
from convcheck.theory.model import Obligation

certify_module = importlib.import_module("convcheck.theory.certify")  # the module: theory.certify is the function
THOROUGH = os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE") == "thorough"


def test_every_false_mutation_of_gd_smooth_is_refused_and_every_weakening_certifies():
    row = mutate.mutation_report(theory.get("gd.smooth"), samples=300).counts()
    assert row["baseline_ok"]
    assert row["false_total"] >= 7  # rate, complexity x2, one-step, two conditions... and the lemma's L/2
    assert row["survivors"] == [] and row["crashes"] == []
    assert row["false_refused"] == row["false_total"]
    assert row["weakenings_certified"] == row["weakenings_total"] == 2
    assert row["chain_false"] >= 2  # the descent step's premise weight x2 and x1/2, witnessed false


def test_the_descent_lemma_with_L_over_4_is_among_the_mutants_and_is_refused():
    names = [m.name for m in mutate.mutants(theory.get("gd.smooth"))[0]]
    assert any("lsmooth.descent" in n and n.endswith("L/4") for n in names), names
    (concl,) = DESCENT.conclusions
    quarter = dataclasses.replace(DESCENT, conclusions=(Obligation(concl.kind, concl.lhs,
                                                                   concl.rhs.subs(sp.Rational(1, 2), sp.Rational(1, 4))),))
    assert quarter.conclusions != DESCENT.conclusions
    assert not theory.certify(theory.get("gd.smooth"), samples=300, lemmas={DESCENT.id: quarter}).ok


def test_a_certifier_that_accepts_everything_fails_the_harness(monkeypatch):
    class Yes:
        ok = True
        premises = []
        unlinked = []

    monkeypatch.setattr(mutate, "certify", lambda *a, **k: Yes())
    table = [mutate.mutation_report(theory.get("gd.smooth"), samples=10).counts()]
    assert table[0]["survivors"] and not mutate.perfect(table)


def test_a_certifier_that_refuses_everything_fails_the_harness(monkeypatch):
    real = mutate.certify

    class No:
        ok = False

    monkeypatch.setattr(mutate, "certify", lambda thm, samples=0, lemmas=None:
                        real(thm, samples=0) if samples == 0 else No())
    table = [mutate.mutation_report(theory.get("gd.smooth"), samples=10).counts()]
    assert table[0]["weakenings_certified"] == 0 and not mutate.perfect(table)


def test_a_certifier_that_trusts_the_chain_fails_the_harness(monkeypatch):
    monkeypatch.setattr(certify_module, "certify_step",
                        lambda step, *a, **k: certify_module.Check(step.name, step.statement, "symbolic"))
    row = mutate.mutation_report(theory.get("gd.smooth"), samples=50).counts()
    chain_survivors = [s for s in row["survivors"] if s.startswith("chain step")]
    assert row["chain_false"] >= 2 and len(chain_survivors) == row["chain_false"]


def test_chain_mutants_are_false_only_when_the_harness_witnesses_it():
    lr = sp.Symbol("lr", positive=True)
    true_slack = theory.ChainStep("slack", "lr/4 <= lr", (Obligation("nonneg", lr / 4, lr),), theory.Source("derived", ""))
    thm = dataclasses.replace(theory.get("gd.smooth"), chain=(true_slack,))
    false, undecided = mutate.chain_mutants(thm)
    assert false == [] and undecided == ["chain step 'slack': obligation 1 left side doubled"]  # 2 lr/4 <= lr is true
    tight = dataclasses.replace(true_slack, obligations=(Obligation("nonneg", lr, lr),))
    false, undecided = mutate.chain_mutants(dataclasses.replace(thm, chain=(tight,)))
    assert [m.name for m in false] == ["chain step 'slack': obligation 1 left side doubled"] and undecided == []


def test_widening_moves_each_kind_of_bound_the_optimistic_way():
    lr, L = sp.symbols("lr L")  # no assumptions: lr > 0 must stay a relation
    up = mutate._widen(theory.Condition(sp.StrictLessThan(lr, 2 / L)))
    low = mutate._widen(theory.Condition(sp.GreaterThan(lr, 1 / L)))
    zero = mutate._widen(theory.Condition(sp.StrictGreaterThan(lr, 0)))
    assert up.relation == sp.StrictLessThan(lr, 4 / L)
    assert low.relation == sp.GreaterThan(lr, 1 / (2 * L))
    assert zero.relation == sp.StrictGreaterThan(lr, -sp.Rational(1, 2))

    positive = sp.Symbol("eps", positive=True)  # eps > 0 only restates the domain: widening it is no mutation
    assert mutate._widen(theory.Condition(sp.StrictGreaterThan(positive, 0, evaluate=False))) is None


def test_a_claim_only_theorem_is_mutated_only_where_its_certificate_reads():
    """adam.l0l1_affine states no bound, only an order claim judged on runs: its certificate proves that the
    prescription meets the conditions. beta2's prescription is read by beta1^2 < beta2, so moving it is false;
    lr's is read by no condition, and a widened condition the prescription still meets is only a wider claim."""
    names = [m.name for m in mutate.statement_mutants(theory.get("adam.l0l1_affine"))]
    assert names == ["prescription beta2 x 1/4"]  # beta1^2 < beta2 bounds it from below
    assert all("widened" not in m.name for m in mutate.statement_mutants(theory.get("rmsprop.l0l1_affine")))


@pytest.mark.skipif(not THOROUGH, reason="every theorem: minutes; run with CONVCHECK_HYPOTHESIS_PROFILE=thorough")
@pytest.mark.parametrize("tid", [t.id for t in theory.theorems()])
def test_every_theorem_refuses_all_its_false_mutations(tid):
    table = [mutate.mutation_report(theory.get(tid)).counts()]
    assert mutate.perfect(table), mutate.render(table)


def test_a_mutant_of_an_object_the_certificate_leaves_unlinked_is_reported_apart_not_as_refused(monkeypatch):
    """A certificate that reports the rate unlinked says 'unverified' for it: a halved rate that still passes makes
    it lie about nothing, so it is listed as not counted, and never counted as refused; a change that the same
    certificate fails (a linked object) still counts."""
    real = mutate.certify

    def rate_unlinked(thm, *a, **k):
        cert = real(thm, *a, **k)
        return dataclasses.replace(cert, unlinked=["rate"], links=[c for c in cert.links if "rate" not in c.name
                                                                  or "complexity" in c.name])

    monkeypatch.setattr(mutate, "certify", rate_unlinked)
    row = mutate.mutation_report(theory.get("gd.smooth"), samples=300).counts()
    assert "rate / 2" in row["unvouched"] and "rate / 2" not in row["survivors"]
    assert "complexity / 4" not in row["unvouched"] and row["false_refused"] == row["false_total"]

