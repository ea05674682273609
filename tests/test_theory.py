"""The theorem engine: prover levels, certificates of the baselines, claims that catch errors,
exact evaluation against the cards' test vectors, validation and the registry."""
import dataclasses
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from convcheck import theory
from convcheck.theory.evaluate import InvalidInput, evaluate, fmt
from convcheck.theory.sweep import sweep
from convcheck.theory.lemmas.smooth import DESCENT
from convcheck.theory.model import Claim, Condition, Formula, Source
from convcheck.theory.prove import Bound, prove
from convcheck.theory.relations import looseness, order_against_lower
from convcheck.theory.symbols import L, Delta, eps, lr

x = sp.Symbol("x", positive=True)


# -- the prover's levels ----------------------------------------------------------------------

def test_symbolic_positivity_under_a_dependent_bound():
    assert prove("pos", lr * (1 - L * lr / 2), [Bound(lr, 0, 2 / L)]).level == "symbolic"


def test_counterexample_really_violates():
    proof = prove("pos", lr * (1 - L * lr / 2), [Bound(lr, 0, 3 / L)])
    assert proof.level == "failed"
    cex = proof.counterexample
    Lv, lrv = mpmath.mpf(cex["L"]), mpmath.mpf(cex["lr"])
    assert 0 < lrv < 3 / Lv and lrv * (1 - Lv * lrv / 2) <= 0


def test_interval_level_when_sympy_cannot_decide_and_box_is_stated():
    proof = prove("nonneg", 2 + sp.sin(x))
    assert proof.level == "interval" and "x" in proof.box


def test_true_identity_sympy_cannot_simplify_is_only_sampled():
    assert prove("zero", sp.acos(x) + sp.asin(x) - sp.pi / 2, [Bound(x, 0, 1)]).level == "sampled"


def test_false_identity_fails():
    assert prove("zero", sp.acos(x) + sp.asin(x) - sp.pi / 3, [Bound(x, 0, 1)]).level == "failed"


# -- certificates of the baselines ------------------------------------------------------------

def _variant(thm, **changes):
    return dataclasses.replace(thm, id=thm.id + ".variant", **changes)


def _failed(cert) -> dict[str, list[str]]:
    """{failed check: [its failed obligations]}"""
    return {c.name: [text for text, _, _, proof in c.details if proof.level == "failed"] for c in cert.failures()}


def test_gd_smooth_is_symbolic_with_its_statement_linked_and_its_premise_named():
    cert = theory.certify(theory.get("gd.smooth"))
    assert cert.level == "symbolic" and cert.claims_level == "symbolic" and cert.ok
    assert cert.unlinked == []
    assert {c.name for c in cert.links} == {"prescription of lr", "rate from the one-step inequality",
                                            "complexity from the one-step inequality"}
    assert [(p.id, p.axiom, p.level) for p in cert.premises] == [("lsmooth.descent", True, "symbolic")]


def test_the_stated_rate_halved_through_the_public_model_is_refused():
    gd = theory.get("gd.smooth")
    half = dataclasses.replace(gd.rate, bound=Formula(gd.rate.bound.expr / 2, gd.rate.bound.source))
    cert = theory.certify(_variant(gd, rate=half), samples=300)
    assert _failed(cert) == {"rate from the one-step inequality": ["T phi(rate) >= Delta: T steps of decrease exhaust it"]}


def test_pep_is_symbolic_for_every_step_size_below_sqrt3_by_cases():
    cert = theory.certify(theory.get("gd.smooth.pep"))
    assert cert.level == "symbolic" and cert.claims_level == "symbolic"
    assert [s.name for s in cert.steps] == ["short steps (h <= 1)", "long steps (h >= 1)", "cases h <= 1 or h >= 1"]
    assert {p.id for p in cert.premises} == {"lsmooth.interpolation", "inner_product.norm_nonneg"}


def test_pep_certificate_breaks_exactly_where_the_decrease_stops_increasing():
    """Allowing h up to 1.8: the derivation still holds (it needs only h >= 1), but min(3 - h, 3 - h^2) < 0
    there, so the stated decrease no longer telescopes into the rate, nor into T(eps)."""
    pep = theory.get("gd.smooth.pep")
    wide = _variant(pep, conditions=(Condition(sp.StrictLessThan(lr, sp.Rational(9, 5) / L)),))
    where = ["phi increases in grad_sq"]
    assert _failed(theory.certify(wide, samples=300)) == {"rate from the one-step inequality": where,
                                                          "complexity from the one-step inequality": where}


def test_sgd_chain_and_claims_are_symbolic():
    """The complexity is max(N1, N2); the prover splits sigma at eps/(2 sqrt 2) where they meet."""
    cert = theory.certify(theory.get("sgd.smooth"))
    assert cert.level == "symbolic" and cert.claims_level == "symbolic"
    assert {p.id for p in cert.premises} == {"lsmooth.descent", "oracle.bounded_variance"}


def test_case_split_on_a_max_proves_true_and_refuses_false():
    s_, e_ = sp.symbols("s e", positive=True)
    N = sp.Max(4 / e_ ** 2, 32 * s_ ** 2 / e_ ** 4)
    true = e_ ** 2 - (2 / N + 2 * s_ / sp.sqrt(N))          # each term <= e^2/2 in its own regime
    assert prove("nonneg", true).level == "symbolic"
    false = e_ ** 2 - (2 / N + 2 * s_ / sp.sqrt(N / 4))     # the second term is e^2 in its regime
    assert prove("nonneg", false).level == "failed"


def test_an_sgd_complexity_half_too_small_is_caught():
    sgd = theory.get("sgd.smooth")
    half = Formula(sp.ceiling(sgd.complexity_real() / 2), sgd.complexity.source)
    assert "complexity from the rate at the prescription" in _failed(theory.certify(_variant(sgd, complexity=half),
                                                                                    samples=300))


def test_a_descent_lemma_with_L_over_4_fails_on_its_witness():
    """The premise is an axiom: a consistent wrong constant is refused by a member of the class (a quadratic)."""
    (concl,) = DESCENT.conclusions
    quarter = dataclasses.replace(DESCENT, conclusions=(
        dataclasses.replace(concl, rhs=concl.rhs.subs(sp.Rational(1, 2), sp.Rational(1, 4))),))
    cert = theory.certify(theory.get("gd.smooth"), samples=300, lemmas={DESCENT.id: quarter})
    (premise,) = cert.premises
    assert premise.level == "failed" and not cert.ok
    assert any(proof.counterexample for c in premise.checks for *_, proof in c.details if proof.level == "failed")


def test_a_chain_that_does_not_derive_the_one_step_caps_the_level_at_unverified():
    cert = theory.certify(_variant(theory.get("gd.smooth"), chain=()), samples=300)
    assert cert.level == "unverified" and cert.unlinked == ["one_step"]


def test_a_wrong_order_claim_is_caught():
    gd = theory.get("gd.smooth")
    claim = Claim("order", "O(eps^-1)", Source("claim", "test"), sp.Integer(1))
    cert = theory.certify(_variant(gd, claims=(claim,)))
    assert [c.level for c in cert.claims if c.name == "order"] == ["failed"]


def test_a_complexity_too_small_for_the_rate_is_caught():
    gd = theory.get("gd.smooth")
    coef = lr * (1 - L * lr / 2)
    cert = theory.certify(_variant(gd, complexity=Formula(sp.ceiling(Delta / (2 * eps ** 2 * coef)),
                                                          gd.complexity.source)), samples=300)
    assert _failed(cert) == {"complexity from the one-step inequality": ["T(eps) phi(eps**2) >= Delta"]}


def test_conditions_too_weak_for_a_positive_decrease_are_caught():
    gd = theory.get("gd.smooth")
    cert = theory.certify(_variant(gd, conditions=(Condition(sp.StrictLessThan(lr, 3 / L)),)), samples=300)
    assert "rate from the one-step inequality" in _failed(cert)


def test_a_lower_bound_order_is_not_claimed_proved():
    """Comparing the exponent a lower bound writes with itself proves nothing: it stays unverified."""
    cert = theory.certify(theory.get("lower.det"))
    assert [c.level for c in cert.claims if c.name == "order"] == ["unverified"]
    assert cert.level == "unverified" and cert.ok


def test_the_certifier_reports_instead_of_raising():
    gd = theory.get("gd.smooth")
    bad = dataclasses.replace(gd.rate, bound=Formula(sp.Limit(1 / x, x, 0), gd.rate.bound.source))
    cert = theory.certify(_variant(gd, rate=bad), samples=50)
    assert not cert.ok


@pytest.mark.parametrize("tid, p", [("gd.smooth", 2), ("gd.smooth.pep", 2), ("sgd.smooth", 4),
                                    ("lower.det", 2), ("lower.stoch", 4)])
def test_eps_exponents(tid, p):
    assert theory.eps_exponent(theory.get(tid)) == p


# -- evaluation: the cards' test vectors ------------------------------------------------------

def _ev(tid, eps=None, T=None, **values):
    return evaluate(theory.get(tid), values, eps=eps, T=T)


@pytest.mark.parametrize("values, T, eps, rate, complexity", [
    ({}, 100, "0.1", 0.4, 4000),                       # a1, a3
    ({"lr": "0.3"}, 100, None, 0.476190476, None),     # a2
])
def test_card_B1(values, T, eps, rate, complexity):
    ev = _ev("gd.smooth", eps=eps, T=T, L=2, Delta=10, **values)
    assert float(ev.rate) == pytest.approx(rate, rel=1e-9)
    if complexity is not None:
        assert ev.complexity == complexity and ev.complexity.is_Integer


def test_card_B2():
    ev = _ev("sgd.smooth", eps="0.1", T=1000, L=2, Delta=10, sigma=1)
    assert float(ev.values["lr"]) == pytest.approx(0.1)               # b2: min(1/L, D/(sigma sqrt N))
    assert float(ev.rate) == pytest.approx(0.222222222, rel=1e-8)       # b1
    assert float(ev.rate_at_prescription) == pytest.approx(0.44)       # b2: L B_N
    assert ev.complexity == 6_400_000                                  # b4
    ev5 = _ev("sgd.smooth", T=6_400_000, L=2, Delta=10, sigma=1)
    assert float(ev5.rate_at_prescription) == pytest.approx(0.00500625, rel=1e-6)  # b5


@pytest.mark.parametrize("values, T, rate", [
    ({"L": 2, "Delta": 10, "gap": 10, "lr": "0.25"}, 7, 6.53061224),   # e1
    ({"L": 1, "Delta": 1}, 5, 4 / 15),                                 # e2
    ({"L": 1, "Delta": 1, "lr": "1.2"}, 3, 0.434027778),               # e3
])
def test_card_B6(values, T, rate):
    assert float(_ev("gd.smooth.pep", T=T, **values).rate) == pytest.approx(rate, rel=1e-8)


def test_card_B6_complexities():
    assert _ev("gd.smooth.pep", eps="0.1", L=2, Delta=10).complexity == 2667
    assert _ev("gd.smooth.pep", eps="0.1", L=2, Delta=10, lr="0.25").complexity == 4572


def test_lower_bounds_scale_with_unknown_constant():
    ev = _ev("lower.stoch", eps="0.1", L=2, Delta=10, sigma=1)
    assert ev.complexity == 200000 and "NOT FOUND" in ev.notes[0]
    assert _ev("lower.det", eps="0.1", L=2, Delta=10).complexity == 2000


def test_huge_bounds_are_numbers_not_inf():
    ev = _ev("gd.smooth", eps="1e-5", L=2, Delta="1e30")
    assert ev.complexity == 4 * 10 ** 40
    assert fmt(ev.complexity) == "4.0e+40"
    assert ev.to_dict()["complexity"] == 4e40 and math.isfinite(ev.to_dict()["complexity"])


@pytest.mark.parametrize("values, message", [
    ({"L": -1, "Delta": 10}, "L must be > 0"),
    ({"L": 2, "Delta": 10, "lr": 0}, "lr must be > 0"),
    ({"L": 2}, "needs Delta"),
    ({"L": 2, "Delta": 10, "beta": 1}, "no constant or hyperparameter 'beta'"),
    ({"L": "two", "Delta": 10}, "L must be a number"),
    ({"L": float("nan"), "Delta": 10}, "L must be a finite number"),
])
def test_invalid_constants_name_the_assumption_and_value(values, message):
    with pytest.raises(InvalidInput, match=message):
        evaluate(theory.get("gd.smooth"), values, eps="0.1")


def test_failed_condition_does_not_apply_and_names_it():
    ev = _ev("gd.smooth", eps="0.1", L=2, Delta=10, lr=1)
    assert not ev.applies and "lr < 2/L" in ev.failed_condition and ev.complexity is None
    assert ev.to_dict()["applies"] is False


def test_sweep_matches_exact_evaluation_and_masks_failed_conditions():
    thm = theory.get("gd.smooth")
    Ls, lrs = np.array([1.0, 2.0, 4.0, 4.0]), np.array([0.5, 0.5, 0.3, 0.6])
    out = sweep(thm, {"L": Ls, "Delta": 10.0, "lr": lrs}, eps=0.1)
    assert out.applies.tolist() == [True, True, True, False] and np.isnan(out.values["complexity"][3])
    assert out.conditions[out.failed[3]] == "lr < 2/L" and out.failed[:3].tolist() == [-1, -1, -1]
    for i in range(3):
        assert out.values["complexity"][i] == int(_ev("gd.smooth", eps="0.1", L=Ls[i], Delta=10, lr=float(lrs[i])).complexity)


@pytest.mark.parametrize("tid", [t.id for t in theory.theorems() if t.kind != "property"])
@settings(max_examples=3)  # the exact side costs up to seconds a point (clipped_sgd.l0l1)
@given(data=st.data())
def test_sweep_agrees_with_the_exact_evaluation_on_every_bound(tid, data):
    """The compiled float64 sweep and the exact evaluation agree point by point (applies, which condition
    fails, rate, T(eps)) at constants drawn inside the domains, with hyperparameters prescribed or drawn."""
    thm = theory.get(tid)
    draw = lambda q: data.draw(st.floats(*_box(q)), label=q.name)  # noqa: E731
    values = {q.name: draw(q) for q in thm.constants if q.name != "c"}
    values |= {q.name: draw(q) for q in thm.hyperparameters
               if q.name not in thm.prescription or data.draw(st.booleans(), label=f"give {q.name}")}
    eps, T = data.draw(st.floats(1e-3, 1.0)), data.draw(st.integers(1, 10 ** 6))
    try:
        ev = evaluate(thm, {k: repr(v) for k, v in values.items()}, eps=repr(eps), T=T)
    except InvalidInput:
        with pytest.raises(InvalidInput):
            sweep(thm, values, eps=eps, T=T)
        return
    out = sweep(thm, {k: np.array([v]) for k, v in values.items()}, eps=eps, T=T)
    assert bool(out.applies[0]) == ev.applies
    failed = out.conditions[out.failed[0]] if out.failed[0] >= 0 else None
    assert (failed is None) == (ev.failed_condition is None) and (failed is None or ev.failed_condition.startswith(failed))
    for k, v in out.values.items():
        exact = getattr(ev, k)
        if exact is None or not np.isfinite(float(exact)):
            assert np.isnan(v[0]) or not np.isfinite(v[0]), k
        elif k == "complexity":  # a ceiling: float64 may land one step off where the exact value is an integer
            assert abs(v[0] - float(exact)) <= max(1.0, 1e-9 * float(exact)), k
        else:
            assert v[0] == pytest.approx(float(exact), rel=1e-9, abs=1e-300), k


def test_a_bound_that_cancels_beyond_evalfs_precision_is_evaluated_not_refused():
    """rho = 1 - 5e-301: log(1/rho) is 0 at SymPy's working precision; the exact value is log(1e600)/(5e-301)."""
    ev = _ev("gd.pl", eps="1e-300", T=10, L=2, mu="1e-300", lr="0.5", Delta="1e300")
    assert float(ev.complexity) == pytest.approx(600 * math.log(10) / 5e-301, rel=1e-12)
    assert float(ev.rate) == pytest.approx(1e300, rel=1e-12)


def test_a_sweep_leaves_out_a_bound_whose_hyperparameter_is_prescribed_from_a_missing_eps():
    """As evaluate: rmsprop.stoch's lr is prescribed from eps, so with T alone there is no rate to report."""
    out = sweep(theory.get("rmsprop.stoch"), {"L": 1.0, "G": 1.0, "Delta": 1.0, "sigma": 1.0, "xi": 0.1,
                                              "beta2": np.array([0.99999, 0.999999])}, T=10)
    assert out.values == {} and out.applies.all() and any("pass --eps" in n for n in out.notes)


def _box(q):
    """A finite sampling box inside a quantity's domain (log-scale constants stay moderate)."""
    lo, hi = float(q.lo), float(q.hi)
    lo = lo if np.isfinite(lo) else -10.0
    hi = hi if np.isfinite(hi) else lo + 10.0 if lo > 0 else 10.0
    pad = 1e-6 * (hi - lo)
    return lo + pad, hi - pad


@given(L_=st.floats(0.01, 100), D=st.floats(0.01, 1e6), u=st.floats(0.01, 0.99), e=st.floats(1e-3, 10))
def test_rate_at_the_complexity_reaches_eps(L_, D, u, e):
    """rate(T(eps)) <= eps^2, exactly, for drawn constants (the claim the certificate checks)."""
    thm = theory.get("gd.smooth")
    lr_ = repr(2 * u / L_)
    ev = evaluate(thm, {"L": repr(L_), "Delta": repr(D), "lr": lr_}, eps=repr(e))
    at = evaluate(thm, {"L": repr(L_), "Delta": repr(D), "lr": lr_}, T=int(ev.complexity))
    assert at.rate <= sp.Rational(repr(e)) ** 2


# -- relations and registry -------------------------------------------------------------------

def test_gd_smooth_is_one_and_a_half_times_the_exact_worst_case():
    assert looseness(theory.get("gd.smooth"), theory.get("gd.smooth.pep")) == sp.Rational(3, 2)


def test_order_against_lower_bound():
    assert "matches the lower bound lower.det" in order_against_lower(theory.get("gd.smooth"))
    assert "matches the lower bound lower.stoch" in order_against_lower(theory.get("sgd.smooth"))


def test_registry_filters_and_unknown_id():
    assert [t.id for t in theory.theorems(algorithm="gd", function_class="L-smooth")] == ["gd.smooth", "gd.smooth.pep"]
    assert [t.id for t in theory.theorems(algorithm="gd", kind="property")] == ["gd.l0l1.lower"]
    assert {t.id for t in theory.theorems(oracle="bounded_variance")} >= {"sgd.smooth", "lower.stoch", "rmsprop.sde"}
    assert {"rmsprop.stoch", "adam.stoch"} <= {t.id for t in theory.theorems(oracle="bounded")}
    assert all(t.oracle == "bounded_variance" for t in theory.theorems(oracle="bounded_variance"))
    with pytest.raises(KeyError, match="unknown theorem 'adam.nope'; known: .*adam.det, .*gd.smooth"):
        theory.get("adam.nope")


def test_every_formula_has_a_provenance_tag_and_every_theorem_a_note():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for thm in theory.theorems():
        for f in thm.formulas().values():
            assert f.source.tag in ("paper", "code", "derived", "claim")
        assert (root / thm.notes_path).is_file(), thm.notes_path


# -- the prover's numeric stages -------------------------------------------------------------------------


def test_an_upper_bound_keeps_a_nonnegative_symbols_sign():
    """v >= 0 declared, v <= G^2 given: the domain is [0, G^2], so sqrt(v) <= G holds (no complex 'counterexample')."""
    v, G = sp.symbols("v G", nonnegative=True)
    assert Bound(v, hi=G ** 2).lo == 0
    assert prove("nonneg", G - sp.sqrt(v), [Bound(v, hi=G ** 2)]).level != "failed"


def test_cancellation_of_huge_terms_is_not_a_counterexample_but_a_real_gap_is():
    """e^{L1 r} with L1 r ~ 1e6 cancels far beyond any working precision: the written terms set the scale."""
    from convcheck.theory.prove import search_counterexample
    a, b = sp.symbols("a b", positive=True)
    identity = (a + 1) * sp.exp(a * b) / b - (a + 1) * (sp.exp(a * b) - 1) / b - (a + 1) / b
    assert search_counterexample("zero", identity, {}) is None
    assert search_counterexample("zero", identity + 1 / (1 + a), {}) is not None


def test_the_local_search_stops_when_the_badness_creeps_towards_zero():
    """-1/x climbs to 0 as x runs to infinity: the search must give up, not multiply x by 1.5 forever."""
    from convcheck.theory.prove import search_counterexample
    x = sp.Symbol("x", positive=True)
    assert search_counterexample("pos", 1 / x, {}) is None


def test_a_root_in_a_positive_denominator_is_cleared_before_the_root_rule():
    """2 (u + xi)/(xi + sqrt(u (u + xi))) >= 1 needs (2u + xi)^2 >= u (u + xi): symbolic; u/(...) >= 1 is false."""
    u, xi = sp.symbols("u xi", positive=True)
    den = xi + sp.sqrt(u * (u + xi))
    assert prove("nonneg", 2 * (u + xi) / den - 1).level == "symbolic"
    assert prove("nonneg", u / den - 1).level == "failed"


def test_the_complexity_link_proves_its_lower_model_itself():
    """T phi(eps^2) >= Delta bounds the measure only where phi is a lower model of the stated decrease D. A via
    above D (2 D for gd.smooth) makes every other obligation of the complexity link easier, so the link must refuse
    it on its own, not lean on the rate's link (which may be unlinked, or read another via)."""
    from convcheck.theory import links
    from convcheck.theory.certify import within
    from convcheck.theory.symbols import grad_sq

    thm = theory.get("gd.smooth")
    D = lr * (1 - L * lr / 2) * grad_sq
    optimistic = dataclasses.replace(thm, rate=dataclasses.replace(thm.rate, via=2 * D))
    link = links.complexity_link(optimistic)
    assert link.name == "complexity from the one-step inequality" and not link.error
    levels = {str(o): prove(o.kind, o.expr, within(links.context(thm), extra), samples=300).level
              for o, extra in link.obligations}
    assert levels.pop("the lower model phi is below the stated decrease") == "failed"
    assert set(levels.values()) == {"symbolic"}, levels  # without that obligation the link would certify
