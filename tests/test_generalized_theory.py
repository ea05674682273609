"""(L0,L1) theorems: certificates, their failure when a condition is widened, and runs."""
import dataclasses

import sympy as sp

import theory
from convcheck.checker import check
from theory.generalized import clipped_gd, descent
from theory.model import Condition


def test_l0l1_theorems_certify_symbolically():
    for tid in ("l0l1.descent", "clipped_gd.l0l1", "normalized_gd.l0l1"):
        cert = theory.certify(theory.get(tid))
        assert cert.ok and cert.level == "symbolic", [(s.name, s.level) for s in cert.steps]


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
    assert "positive decrease" in failed


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

    from reference import objectives, optimizers, run

    obj = objectives.get("cosh", witness=1)
    tr = run(optimizers.get("gd"), obj, obj.witness_start(10.0), 5000, hp={"lr": 0.99 * obj.h_max(10.0)},
             thresholds=[1e-6], record=[0, 5000])
    hit = int(tr.hitting_times[1e-6][0])
    assert hit == 4285 and hit >= obj.K_LB(1e-3, 10.0)
    assert np.isclose(obj.K_LB(1e-3, 10.0), 3800.38, rtol=1e-6)


def test_normalized_gd_holds_and_fails_with_too_small_a_shift():
    assert check("normalized_gd.l0l1").verdict == "holds"
    from theory.generalized import normalized_gd

    loose = dataclasses.replace(normalized_gd.theorem, conditions=(
        normalized_gd.theorem.conditions[0],
        Condition(sp.GreaterThan(normalized_gd.xi, descent.L0 * normalized_gd.lr), "xi >= L0 lr")))
    assert "local factor" in {c.name for c in theory.certify(loose).failures()}
