"""(L0,L1) theorems: certificates, their failure when a condition is widened, and runs."""
import dataclasses

import sympy as sp

from convcheck import theory
from convcheck.checker import check
from convcheck.theory.certify import certify_lemma
from convcheck.theory.generalized import clipped_gd, clipped_sgd, clipping, descent, gd_upper
from convcheck.theory.model import Condition


def test_l0l1_theorems_certify_symbolically():
    """(tests/test_cli.py asserts the same of every (L0,L1) theorem through `convcheck check`; here the
    certificates' steps are named, for a readable failure.)"""
    for tid in ("l0l1.descent", "clipped_gd.l0l1", "clip_momentum.l0l1", "gd.l0l1.upper"):
        cert = theory.certify(theory.get(tid))
        assert cert.ok and cert.level == "symbolic" and not cert.unlinked, [(s.name, s.level) for s in cert.steps]


def test_l0l1_descent_lemma_is_proved_and_a_halved_B_fails():
    from convcheck.theory.certify import certify_lemma
    assert certify_lemma(descent.DESCENT).level == "symbolic"
    from convcheck.theory.lemma import fx, fy, ip, norm
    from convcheck.theory.model import le
    wrong = dataclasses.replace(descent.DESCENT, conclusions=(le(fy, fx + ip("gx", "d") + descent.B_of(descent.c_r) / 2
                                                                 * (descent.L0 + descent.L1 * norm("gx")) * ip("d", "d") / 2),))
    assert certify_lemma(wrong).level == "failed"


def test_descent_factors_match_the_card_and_tend_to_one():
    A, B = descent.A, descent.B
    assert float(A.subs(descent.c_r, 1)) == float(sp.E - 1)             # card T7: 1.71828
    assert abs(float(B.subs(descent.c_r, 1)) - 1.43656) < 1e-5           # card T7
    assert sp.limit(A, descent.c_r, 0) == 1 and sp.limit(B, descent.c_r, 0) == 1


def test_clipped_gd_certificate_breaks_when_the_displacement_condition_is_widened():
    wide = dataclasses.replace(clipped_gd.theorem, conditions=(
        clipped_gd.theorem.conditions[0],
        Condition(sp.LessThan(clipped_gd.clip, 10 / (descent.L1 * clipped_gd.lr)), "clip <= 10/(L1 lr)")))
    failed = {c.name for c in theory.certify(wide).failures()}
    assert any(n.startswith("descent lemma at the clipped step") for n in failed), failed


def test_clipped_gd_holds_and_l0l1_descent_holds_on_every_l0l1_objective():
    rep = check("clipped_gd.l0l1")
    assert rep.verdict == "holds" and 0 < rep.tightness <= 1
    parts = check("l0l1.descent").setups[0].parts
    assert len(parts) >= 12 and all(p.verdict == "holds" for p in parts)
    assert max(p.tightness for p in parts) > 0.5  # the A(c) bound is nearly attained somewhere (cosh)


def test_gd_lower_bound_is_certified_and_never_beaten_on_the_witnesses():
    assert theory.certify(theory.get("gd.l0l1.lower")).level == "symbolic"
    parts = check("gd.l0l1.lower").setups[0].parts
    assert [p.verdict for p in parts] == ["holds"] * 3
    assert [p.worst["clipped_gd_hit"] for p in parts] == [157, 1076, 990]  # card section 10.2


def test_gd_at_099_h_max_takes_the_cards_4285_steps_on_cosh_R10():
    """Card 10.2, objective A, R = 10: GD at 0.99 h_max needs 4285 steps, above K_LB = 3800.38."""
    import numpy as np

    from convcheck.reference import objectives, optimizers, run

    obj = objectives.get("cosh", witness=1)
    tr = run(optimizers.get("gd"), obj, obj.witness_start(10.0), 5000, hp={"lr": 0.99 * obj.h_max(10.0)},
             thresholds=[1e-6], record=[0, 5000])
    hit = int(tr.hitting_times[1e-6][0])
    assert hit == 4285 and hit >= obj.K_LB(1e-3, 10.0)
    assert np.isclose(obj.K_LB(1e-3, 10.0), 3800.38, rtol=1e-6)


def test_clipped_sgd_chain_derives_the_expected_step_from_cited_lemmas_and_links_the_rates():
    """clipped_sgd's chain derives E_t f(x_{t+1}) <= f - kappa3 lr min(a^2, k a) + N symbolically in both cases, citing
    l0l1.descent (no local B(c)), A5 as an axiom and the clip lemmas as proved lemmas; the telescoping to the mean
    gradient norm (tangent lower model, root chart) links the rate and the rate at the prescription symbolically."""
    cert = theory.certify(theory.get("clipped_sgd.l0l1"))
    assert cert.ok and cert.level == "symbolic" and not cert.unlinked, (cert.level, cert.unlinked)
    assert {c.name for c in cert.links} >= {"rate from the one-step inequality",
                                           "rate at the prescription from the one-step inequality"}
    assert cert.steps and all(s.level == "symbolic" for s in cert.steps), [(s.name, s.level) for s in cert.steps]
    premises = {p.id: p for p in cert.premises}
    assert {"l0l1.descent", "oracle.bounded_noise", "oracle.bounded_noise_range", "clip.hard", "clip.radius",
            "clip.inactive", "clip.margin", "clip.active"} <= set(premises)
    assert {p.id for p in cert.axioms()} & {"oracle.bounded_noise", "clip.hard"} == {"oracle.bounded_noise", "clip.hard"}
    assert not any(premises[i].axiom for i in ("oracle.bounded_noise_range", "clip.radius", "clip.inactive",
                                               "clip.active", "clip.margin"))
    assert all(p.level == "symbolic" for p in premises.values())


def test_clipped_sgd_rate_links_through_a_tangent_in_the_root_chart_and_a_halved_rate_fails():
    """The rate's telescoping link (via=TANGENT, read at the rate being linked) is proved in s = sqrt(r), where it is
    rational: Delta is gone from every obligation but the chart's own (sqrt(r) increases in Delta and is real), at the
    prescription too, and each is symbolic. The rate halved breaks T phi(R) >= Delta."""
    from convcheck.theory import links
    from convcheck.theory.certify import within
    from convcheck.theory.model import Formula
    from convcheck.theory.prove import prove

    thm = clipped_sgd.theorem
    delta = sp.Symbol("Delta", positive=True)
    base = links.context(thm)
    for at_prescription in (False, True):
        link = links.telescoping(thm, at_prescription)
        assert not link.error and len(link.obligations) == 6
        assert link.obligations[1][0].expr.has(delta)                       # sqrt(r) is real: r > 0, in Delta
        assert not any(o.expr.has(delta) for o, _ in link.obligations[2:])
        levels = [prove(o.kind, o.expr, within(base, extra)).level for o, extra in link.obligations]
        assert levels == ["symbolic"] * 6, (at_prescription, levels)
    rate = thm.rate
    halved = dataclasses.replace(thm, rate=dataclasses.replace(rate, bound=Formula(rate.bound.expr / 2, rate.bound.source)))
    o, extra = links.telescoping(halved, at_prescription=False).obligations[-1]
    proof = prove(o.kind, o.expr, within(base, extra), samples=300)
    assert proof.level == "failed" and proof.counterexample, proof.describe()


def test_clip_margin_with_an_optimistic_constant_fails_its_proof():
    """The margin's kappa = 1/2 - 3b/16: with 1/2 - b/8 (a smaller curvature price) the proof must not go through."""
    (c,) = clipping.MARGIN.conclusions
    wrong = dataclasses.replace(clipping.MARGIN, conclusions=(dataclasses.replace(
        c, lhs=c.lhs.subs(clipping.kappa, sp.Rational(1, 2) - clipping.bq / 8)),))
    assert wrong.conclusions != clipping.MARGIN.conclusions
    assert certify_lemma(wrong).level == "failed"


def test_gd_upper_rests_on_A4_as_an_axiom_and_proves_the_induction():
    """A4 (the gradient bound on the sublevel set) is the one new axiom; that the iterates stay in the sublevel
    set is proved (by induction), and the chain cites l0l1.descent, not a copy of B(c)."""
    cert = theory.certify(gd_upper.theorem)
    premises = {p.id: p for p in cert.premises}
    assert {"l0l1.descent", "gd.l0l1.iterate_grad_bound", "gd.l0l1.sublevel_invariant", "gd.l0l1.sublevel_step",
            "l0l1.sublevel_grad_bound"} <= set(premises)
    assert premises["l0l1.sublevel_grad_bound"].axiom
    assert not any(premises[i].axiom for i in ("gd.l0l1.iterate_grad_bound", "gd.l0l1.sublevel_invariant",
                                               "gd.l0l1.sublevel_step"))
    assert all(p.level == "symbolic" for p in premises.values())


def _stronger(lemma, factor_on):
    """The lemma with its conclusion's rhs term ``factor_on`` (a (term, factor) pair) moved by factor."""
    (c,) = lemma.conclusions
    term, factor = factor_on
    return dataclasses.replace(lemma, conclusions=(dataclasses.replace(c, rhs=c.rhs + (factor - 1) * term),))


def test_gd_upper_refuses_planted_false_premises_and_a_widened_step():
    from convcheck.theory.generalized import sublevel

    thm = gd_upper.theorem
    a4 = _stronger(sublevel.SUBLEVEL_GRAD_BOUND, (gd_upper.M, sp.Rational(1, 2)))       # ||g|| <= M/2
    step = _stronger(sublevel.SUBLEVEL_STEP, (-gd_upper.KAPPA2 * sublevel.lr * sublevel.u ** 2, 2))  # 2 kappa2
    for planted in (a4, step):
        assert planted.conclusions != theory.get_lemma(planted.id).conclusions
        assert not theory.certify(thm, samples=300, lemmas={planted.id: planted}).ok, planted.id
    # the induction without its second case: the split is no longer covered
    one_sided = dataclasses.replace(sublevel.SUBLEVEL_INVARIANT, proof=sublevel.SUBLEVEL_INVARIANT.proof[:2])
    assert not theory.certify(thm, samples=300, lemmas={one_sided.id: one_sided}).ok
    # the L-smooth step 1/(M L1 + L0): the iterates' gradient bound (and the descent radius) no longer follow
    wide = dataclasses.replace(thm, conditions=(Condition(sp.LessThan(sublevel.lr, 2 * gd_upper.STEP), "lr <= 2 STEP"),))
    failed = {c.name for c in theory.certify(wide, samples=300).failures()}
    assert "descent lemma at the step, inside the sublevel set" in failed, failed


def test_prover_samples_a_context_bound_whose_end_the_expression_does_not_mention():
    """A step's context f_0 >= f_x (a lemma hypothesis) with f_x absent from the obligation: the counterexample
    search must bound f_x too (it raised KeyError: f_x, which certify reported as an internal error)."""
    from convcheck.theory.prove import Bound, prove

    fx, f0 = sp.symbols("f_x f_0", real=True)
    u = sp.Symbol("u", nonnegative=True)
    false = prove("nonneg", u - 2, [Bound(f0, fx, sp.oo), Bound(u, 0, 1)], samples=50)
    assert false.level == "failed" and false.counterexample and "internal error" not in false.detail
    assert prove("nonneg", 2 - u, [Bound(f0, fx, sp.oo), Bound(u, 0, 1)], samples=50).level == "symbolic"


def test_normalized_gd_is_certified_and_fails_with_too_small_a_shift():
    """xi >= L0 lr (10x too small) lets h (L0 + L1 ||g||) exceed 1/10: the descent citation no longer gives kappa1."""
    from convcheck.theory.generalized import normalized_gd

    assert theory.certify(normalized_gd.theorem).level == "symbolic"
    loose = dataclasses.replace(normalized_gd.theorem, conditions=(
        normalized_gd.theorem.conditions[0],
        Condition(sp.GreaterThan(normalized_gd.xi, descent.L0 * normalized_gd.lr), "xi >= L0 lr")))
    assert "descent lemma at the normalized step" in {c.name for c in theory.certify(loose).failures()}
    assert check("normalized_gd.l0l1").verdict == "holds"


def test_gd_upper_step_is_the_cards_T4_and_its_constant_is_B_of_one_half():
    """Card T4: M = 100, L0 = L1 = 1 give the step 1/202; kappa2 = 1 - B(1/2)/4 = 1 - 2(e^(1/2) - 3/2)."""
    from convcheck.theory.evaluate import evaluate

    ev = evaluate(theory.get("gd.l0l1.upper"), {"M": 100, "L0": 1, "L1": 1, "Delta": 10}, eps=0.01)
    assert abs(float(ev.values["lr"]) - 1 / 202) < 1e-15
    assert float(ev.complexity) == float(sp.ceiling(2 * 101 * 10 / (gd_upper.KAPPA2 * 1e-4)))
    assert sp.simplify(gd_upper.KAPPA2 - (1 - 2 * (sp.exp(sp.Rational(1, 2)) - sp.Rational(3, 2)))) == 0


def test_gd_upper_local_factor_fails_at_the_L_smooth_step_and_runs_hold():
    """The step 1/(M L1 + L0), twice the paper's, makes lr (L0 + L1 M) = 1, beyond the 1/2 the descent uses."""
    from convcheck.theory.model import le
    from convcheck.theory.prove import prove

    M, L0, L1 = gd_upper.M, descent.L0, descent.L1
    assert prove("nonneg", le((L0 + L1 * M) * gd_upper.STEP, sp.Rational(1, 2)).expr).level == "symbolic"
    assert prove("nonneg", le((L0 + L1 * M) * 2 * gd_upper.STEP, sp.Rational(1, 2)).expr).level == "failed"
    rep = check("gd.l0l1.upper")
    assert rep.verdict == "holds" and 0 < rep.tightness <= 1


def test_clipped_sgd_holds_with_bounded_noise_and_refuses_other_oracles():
    from convcheck.families import default_setups
    from convcheck.setups import Setup
    from convcheck.reference import objectives, oracles

    rep = check("clipped_sgd.l0l1")
    assert rep.verdict == "holds" and 0 < rep.tightness <= 1
    assert {p.name for p in rep.setups[0].parts} == {"rate", "rate at prescription", "complexity"}
    exact = Setup(objectives.get("cosh"), runs=8, steps=50, x0="shared")
    assert "publishes no tau" in check("clipped_sgd.l0l1", [exact]).setups[0].note
    # a threshold below 3 tau lets the noise reverse clipped steps: the condition is named
    tight = dataclasses.replace(default_setups("clipped_sgd.l0l1")[0], hp={"lr": 0.01, "clip": 1.0})
    assert "clip >= 3 tau" in check("clipped_sgd.l0l1", [tight]).setups[0].note
    noisy = dataclasses.replace(tight, oracle=oracles.Gaussian(0.5))
    assert check("clipped_sgd.l0l1", [noisy]).verdict == "does not apply"


def test_clipped_sgd_regime_meets_its_conditions_and_has_order_four():
    """The prescription keeps lr below both caps and clip >= 3 tau, for any constants; T(eps) ~ eps^-4."""
    import numpy as np

    from convcheck.theory.numeric import compile_expr

    rng = np.random.default_rng(0)
    env = {k: 10 ** rng.uniform(-2, 2, 200) for k in ("L0", "L1", "tau", "Delta", "eps")}
    lr = compile_expr(clipped_sgd.LR)[0](env)
    clip = compile_expr(clipped_sgd.CLIP)[0](env)
    assert np.all(lr <= 1 / (10 * env["L0"])) and np.all(lr * clip * env["L1"] <= 0.1 * (1 + 1e-12))
    assert np.all(clip >= 3 * env["tau"])
    assert theory.eps_exponent(clipped_sgd.theorem) == 4


def test_clip_momentum_holds_without_momentum_and_refuses_it():
    rep = check("clip_momentum.l0l1")
    assert rep.verdict == "holds"
    from convcheck.families import default_setups

    momentum = dataclasses.replace(default_setups("clip_momentum.l0l1")[0], hp={"beta1": 0.9, "nu": 0.7})
    note = check("clip_momentum.l0l1", [momentum]).setups[0].note
    assert "beta1 <= 0" in note and "beta1 = 0.9" in note
