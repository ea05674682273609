"""rmsprop.l0l1_affine and adam.l0l1_affine (Zhang-Zhou-Zou's O(eps^-4), kept as claims): the order fit on a
tiny setup, the prescribed regime's admissibility and its move bound, refusals, and honest certificates.

The theorems are not registered here (theory/generalized/__init__.py decides that); they are imported from
their module and handed to the checker directly."""
import math

import numpy as np
import pytest
import sympy as sp

from convcheck import theory
from convcheck import glossary
from convcheck.checker import check
from convcheck.setups import Setup
from convcheck.reference import objectives, optimizers, oracles
from convcheck.reference.optimizers.base import check_domains
from convcheck.theory.evaluate import evaluate
from convcheck.theory.generalized import affine

THEOREMS = {"rmsprop": affine.rmsprop, "adam": affine.adam}
EXTRA = {"rmsprop": {}, "adam": {"xi": 0.0, "beta1": 0.9}}  # adam: the shift is inside the root only


def _cw(**kw):
    return objectives.get("coordinatewise_l0l1", **kw)


def _values(obj, orc, xi_root, **more):
    """The theorem's constants as the checker joins them (objective + oracle), as decimal text."""
    published = {**obj.constants, **orc.constants(obj)}
    vals = {k: repr(float(published[k])) for k in ("L0", "L1", "D0", "D1")}
    return {**vals, "Delta": "5", "xi_root": repr(xi_root), **more}


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_order_fit_on_a_tiny_setup_gives_a_finite_exponent_and_applies_the_verdict_rule(alg):
    thm = THEOREMS[alg]
    steps = {"rmsprop": 700, "adam": 2000}[alg]  # T(0.8) is about 490 and 1620 (32 runs)
    setup = Setup(_cw(), oracles.AffineVariance(0.5, 1.0), runs=8, steps=steps,
                  hp={"xi_root": 1.0, **EXTRA[alg]}, eps_ladder=(1.6, 1.13, 0.8))
    rep = check(thm, [setup])
    part = rep.setups[0].parts[0]
    assert part.name == "order (empirical)"
    p, sd = part.worst["exponent"], part.worst["spread"]
    assert math.isfinite(p) and math.isfinite(sd) and sd >= 0 and 1.0 < p < 6.0
    rule = "violated" if p - 2 * sd > 4 else "holds" if p + 2 * sd <= 4 else "inconclusive"
    assert rep.verdict == part.verdict == rule
    assert "lr, beta2 prescribed per eps" in part.detail


def test_rmsprop_root_is_rmsprop_with_the_shift_inside_the_root_under_the_glossary_name():
    opt = optimizers.get("rmsprop_root")
    assert opt.convention["xi_inside"] is True and set(opt.defaults) <= set(glossary.HYPERPARAMETERS)
    obj, orc = _cw(), oracles.AffineVariance(2.0, 0.5)
    x0 = obj.initial_points(4, seed=3)
    from convcheck.reference import run
    a = run(opt, obj, x0, 60, hp={"lr": 0.02, "beta2": 0.9, "xi_root": 0.3}, oracle=orc, seed=5)
    b = run(optimizers.get("rmsprop", xi_inside=True), obj, x0, 60, hp={"lr": 0.02, "beta2": 0.9, "xi": 0.3},
            oracle=orc, seed=5)
    assert np.array_equal(a.x_final, b.x_final)


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_names_are_glossary_names_and_the_optimizer_takes_every_hyperparameter(alg):
    thm = THEOREMS[alg]
    assert set(thm.quantities) <= set(glossary.NAMES)
    assert thm.function_class in glossary.FUNCTION_CLASSES and thm.oracle in glossary.ORACLES
    assert thm.algorithm in optimizers.NAMES
    assert {q.name for q in thm.hyperparameters} <= set(optimizers.get(thm.algorithm).defaults)


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_the_prescription_is_an_admissible_regime_below_the_eps_condition(alg):
    thm = THEOREMS[alg]
    obj, orc = _cw(), oracles.AffineVariance(0.5, 1.0)
    more = {"beta1": "0.9", "xi": "0"} if alg == "adam" else {}
    for eps in ("1.6", "0.8", "0.2", "1e-3"):
        ev = evaluate(thm, _values(obj, orc, 1.0, **more), eps=eps)
        assert ev.applies and ev.failed_condition is None, ev.failed_condition
        lr, b2 = float(ev.values["lr"]), float(ev.values["beta2"])
        assert lr > 0 and 0 < b2 < 1 and set(ev.prescribed) == {"lr", "beta2"}
        check_domains({"lr": lr, "beta2": b2})
    # lr ~ eps^2, 1 - beta2 ~ eps^4: the exponents of the regime, exactly
    e = thm.eps
    assert sp.limit(sp.log(affine.LR) / sp.log(e), e, 0, "+") == 2
    assert sp.limit(sp.log(1 - affine.BETA2) / sp.log(e), e, 0, "+") == 4
    # above the eps condition the prescribed beta2 would be <= 0: refused, naming the condition
    ev = evaluate(thm, _values(obj, orc, 1.0, **more), eps="4")
    assert float(ev.values["beta2"]) <= 0
    if alg == "rmsprop":
        assert ev.failed_condition and "eps^2 < 2 L0 sqrt(D0 + xi_root)" in ev.failed_condition
    else:  # the eps condition is reported for T(eps) only; beta2 > beta1^2 then refuses the whole theorem
        assert not ev.applies and "beta1^2 < beta2" in ev.failed_condition


def _stiff():
    return _cw(kinds=("cosh", "exp", "quartic", "double_well") * 2, a=(2,) * 4 + (1,) * 4)


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_every_accuracy_of_the_default_ladders_is_inside_the_regime(alg):
    """order_fit does not judge conditions; a ladder outside them would hand the optimizer a beta2 <= 0."""
    from convcheck.families import default_setups

    thm = THEOREMS[alg]
    setups = default_setups(thm.id)
    for st in setups:
        more = {k: repr(float(v)) for k, v in st.hp.items() if k != "xi_root"}
        for eps in st.eps_ladder:
            ev = evaluate(thm, _values(st.objective, st.oracle, st.hp["xi_root"], **more), eps=repr(eps))
            assert ev.applies and ev.failed_condition is None, (st.describe(), eps, ev.failed_condition)
            check_domains({"lr": float(ev.values["lr"]), "beta2": float(ev.values["beta2"])})


def test_adam_refuses_beta1_squared_above_beta2():
    obj, orc = _stiff(), oracles.AffineVariance(0.5, 1.0)
    ok = evaluate(affine.adam, _values(obj, orc, 1.0, beta1="0.9", xi="0"), eps="1.13")
    assert ok.applies
    bad = evaluate(affine.adam, _values(obj, orc, 1.0, beta1="0.95", xi="0"), eps="1.6")
    assert not bad.applies and "beta1^2 < beta2" in bad.failed_condition


def test_the_prescribed_move_bound_holds_at_every_step_whatever_the_noise():
    """v_{t+1} >= (1 - beta2) g_t^2, so RMSProp moves a coordinate by at most lr/sqrt(1 - beta2), which the
    prescription sets to 1/(2 L1 sqrt(D1)); Adam's (bias-corrected) move is at most
    lr/sqrt((1 - beta2)(1 - beta1^2/beta2)) by Cauchy-Schwarz over the EMA weights."""
    assert sp.simplify(affine.LR / sp.sqrt(1 - affine.BETA2) - affine.MOVE) == 0
    obj, orc = _cw(), oracles.AffineVariance(3.0, 1.0)   # heavy multiplicative noise
    consts = {**obj.constants, **orc.constants(obj)}
    x0 = obj.initial_points(16, seed=1, radius=3.0)
    rng = np.random.default_rng(0)
    for alg, opt in (("rmsprop", optimizers.get("rmsprop_root")), ("adam", optimizers.get("adam"))):
        eps = 0.8
        env = {**consts, "xi_root": 1e-8, "eps": eps}
        lr = float(sp.lambdify(list(affine.LR.free_symbols), affine.LR)(*[env[s.name] for s in affine.LR.free_symbols]))
        b2 = 1 - (2 * consts["L1"] * math.sqrt(consts["D1"]) * lr) ** 2
        hp = {**opt.defaults, "lr": lr, "beta2": b2, "xi_root": 1e-8, **({"xi": 0.0, "beta1": 0.9} if alg == "adam" else {})}
        bound = lr / math.sqrt(1 - b2) if alg == "rmsprop" else lr / math.sqrt((1 - b2) * (1 - 0.81 / b2))
        state, worst = opt.init(x0, hp), 0.0
        for t in range(300):
            g = orc(obj, state["x"], obj.grad(state["x"]), rng, t)
            new = opt.step(state, g, hp, t)
            worst = max(worst, float(np.abs(new["x"] - state["x"]).max()))
            state = new
        assert worst <= bound * (1 + 1e-12), (alg, worst, bound)
        if alg == "rmsprop":
            assert bound == pytest.approx(1 / (2 * consts["L1"] * math.sqrt(consts["D1"])))
            assert worst > 0.5 * bound  # the first steps nearly attain it (v_0 = 0, no bias correction)


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_does_not_apply_names_the_missing_assumption(alg):
    thm, hp = THEOREMS[alg], {"xi_root": 1.0, **EXTRA[alg]}
    ladder = (1.6, 1.13)
    # a bounded-variance oracle publishes sigma, not the affine constants D0, D1
    rep = check(thm, [Setup(_cw(), oracles.Gaussian(1.0), runs=4, steps=50, hp=hp, eps_ladder=ladder)])
    assert rep.verdict == "does not apply" and "publishes no D0" in rep.setups[0].note
    # an L-smooth objective, and a scalar (L0,L1)-smooth one, are not coordinate-wise (L0,L1)-smooth
    for obj, cls in ((objectives.get("sin_squared", d=4), "is L-smooth"), (objectives.get("cosh"), "is (L0,L1)-smooth")):
        rep = check(thm, [Setup(obj, oracles.AffineVariance(0.5, 1.0), runs=4, steps=50, hp=hp, eps_ladder=ladder)])
        note = rep.setups[0].note
        assert rep.verdict == "does not apply" and cls in note and "coordinate-wise (L0,L1)-smooth" in note


@pytest.mark.parametrize("alg", ["rmsprop", "adam"])
def test_certify_reports_a_claim_without_a_chain(alg):
    thm = THEOREMS[alg]
    cert = theory.certify(thm)
    assert cert.ok and cert.steps == [] and cert.level == "unverified" and cert.claims_level == "none"
    assert cert.summary() == "unverified"
    assert thm.rate is None and thm.complexity is None and thm.one_step is None and thm.chain == ()
    (claim,) = thm.claims
    assert claim.kind == "order" and claim.eps_exponent == 4 and not claim.lower
    assert claim.source.tag == "claim" and "NOT FOUND" in claim.source.ref
    assert {f.source.tag for f in thm.prescription.values()} == {"derived"}
    assert thm.id not in {t.id for t in theory.theorems()} or theory.get(thm.id) is thm
