"""Malladi et al.'s SDE family: the scaling maps (numeric = certified symbolic), the rule on the card's toy."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from convcheck.families import sde as family
from convcheck.reference import objectives, optimizers, oracles, run
from convcheck.reference.scaling import linear_rule, sqrt_rule, svag_map, svag_weights
from convcheck.reference.sde import RMSpropSDE, rmsprop_point
from convcheck.studies import scaling_rule
from convcheck.theory.sde import scaling, svag
from convcheck.theory.symbols import beta1, beta2, lr, xi

from cli_support import call

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


# -- adam.svag: the code's map, the weights, the oracle -------------------------------------------


@given(ell=st.floats(1.0, 16.0), lr_=st.floats(1e-5, 1.0), b1=unit, b2=unit)
def test_svag_weights_and_map_are_the_certified_ones(ell, lr_, b1, b2):
    r1, r2 = svag_weights(ell)
    assert math.isclose(r1 + r2, 1.0, abs_tol=1e-12) and math.isclose(r1 * r1 + r2 * r2, ell * ell, rel_tol=1e-12)
    assert math.isclose(r1, float(svag.r1.subs(svag.ell, ell)), rel_tol=1e-12)
    hp = {"lr": lr_, "beta1": b1, "beta2": b2, "xi": 1e-8}
    new = svag_map(hp, ell)
    subs = {lr: lr_, beta1: b1, beta2: b2, xi: 1e-8, svag.ell: ell}
    for name, sym in svag.new.items():
        if name != "B":
            assert math.isclose(new[name], float(sym.xreplace(subs)), rel_tol=1e-9), name
    # SVAG is the sqrt rule towards a batch ell^2 times smaller
    if ell > 1:
        rule = sqrt_rule({**hp, "batch_size": 8.0}, 1 / ell ** 2)
        assert all(math.isclose(rule[k], new[k], rel_tol=1e-9) for k in hp)


def test_svag_refuses_ell_below_one():
    with pytest.raises(ValueError, match="ell must be >= 1; got 0.5"):
        oracles.SVAG(0.5)


class Scripted(oracles.Oracle):
    """Card section 2.7: the n-th call answers A x - b + Z[n // 2 + 3 (n % 2)] (z_k, then z_{k+3})."""

    def __init__(self):
        self.calls = 0

    def __call__(self, objective, X, grad, rng, t):
        n, self.calls = self.calls, self.calls + 1
        return grad + CARD_Z[n // 2 + 3 * (n % 2)]


CARD_Z = np.array([[0.3, -0.2], [-0.1, 0.4], [0.25, 0.05], [-0.35, 0.1], [0.2, -0.3], [-0.05, 0.15]])


def test_the_svag_oracle_reproduces_the_card_vector_through_the_runner():
    """Adam-SVAG l = 2 (card 2.7): x_3 = (0.9853040052, 1.985135273), via reference.run and oracles.SVAG."""
    obj = objectives.get("quadratic", A=[[2.0, 0.5], [0.5, 1.0]], b=[1.0, -1.0])
    hp = svag_map({"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}, 2)
    tr = run(optimizers.get("adam"), obj, np.array([[1.0, 2.0]]), 3, hp=hp, oracle=oracles.SVAG.over(Scripted(), 2))
    np.testing.assert_allclose(tr.x_final[0], [0.9853040052, 1.985135273], rtol=0, atol=6e-10)


def test_the_svag_oracle_keeps_the_mean_and_multiplies_the_noise_std_by_ell():
    obj = objectives.get("quadratic", eigs=[1.0, 2.0, 3.0, 4.0], b=[0.0] * 4)
    X = np.ones((20000, 4))
    grad = obj.grad(X)
    exact = oracles.SVAG.over(oracles.Exact(), 3)(obj, X, grad, None, 0)
    np.testing.assert_allclose(exact, grad, rtol=0, atol=1e-13)  # r1 + r2 = 1
    g = oracles.SVAG.over(oracles.Gaussian(2.0), 3)(obj, X, grad, np.random.default_rng(0), 0)
    var = np.var(g - grad, axis=0)  # per coordinate (sigma/sqrt(d))^2 l^2 = 1 * 9
    assert np.all(np.abs(var / 9.0 - 1) < 0.05) and np.all(np.abs(np.mean(g - grad, axis=0)) < 0.1)
    assert oracles.SVAG.over(oracles.Gaussian(2.0), 3).constants(obj) == {"sigma": 6.0}


def test_rmsprop_and_adam_run_on_two_minibatches_reproducibly():
    obj = objectives.get("logistic", n=40, d=5, seed=0)
    x0 = obj.initial_points(8, seed=0)
    for name in ("rmsprop", "adam"):
        a, b, c = (run(optimizers.get(name), obj, x0, 20, hp={"lr": 1e-2}, oracle=oracles.SVAG(2, 4), seed=sd).x_final
                   for sd in (1, 1, 2))
        assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_the_cli_takes_ell_for_svag_only():
    rc, _, err = call("run", "--objective", "logistic", "--oracle", "gaussian", "--ell", "2", "--steps", "3")
    assert rc == 2 and "--ell has no effect with the gaussian oracle; it belongs to --oracle svag" in err
    rc, out, _ = call("run", "--objective", "logistic", "--oracle", "svag", "--ell", "2", "--batch", "4", "--steps", "3",
                      "--json")
    assert rc == 0 and "svag(ell=2, minibatch(B=4))" in out


# -- rmsprop.sde: the Euler-Maruyama integrator and the weak error ---------------------------------


def test_euler_maruyama_is_first_order_on_the_noiseless_card_example():
    """sigma0 = 0: X is deterministic, U = U0 e^{-ct}, and X_T = x0 exp(-int dt/(sqrt U + eps0)) exactly."""
    import mpmath

    sde = RMSpropSDE(0.0, 1.0, 0.1)
    exact = 2.0 * float(mpmath.exp(-mpmath.quad(lambda t: 1 / (mpmath.sqrt(0.25 * mpmath.exp(-t)) + 0.1), [0, 1])))
    errs = [abs(sde.integrate(family.line(), [[2.0]], 0.25, 1.0, dt)[0][0, 0] - exact) for dt in (0.05, 0.025, 0.0125)]
    assert all(abs(a / b - 2) < 0.05 for a, b in zip(errs, errs[1:]))  # halving dt halves the error


def test_euler_maruyama_matches_the_closed_form_mean_and_is_seeded():
    mean, U_T = family.card_sde_mean()
    assert abs(mean - 0.578331) < 1e-6 and abs(U_T - 0.724090) < 1e-6  # card: SDE E[x_T] 0.5791 (MC), E[U] 0.7241
    sde = RMSpropSDE(**family.CARD_SDE)
    X, U = sde.integrate(family.line(), np.full((4000, 1), 2.0), 0.25, 1.0, 0.01, seed=3)
    assert abs(X.mean() - mean) < 3 * X.std() / np.sqrt(4000) + 0.01 and abs(U[0, 0] - U_T) < 0.01
    assert np.array_equal(X, sde.integrate(family.line(), np.full((4000, 1), 2.0), 0.25, 1.0, 0.01, seed=3)[0])


def test_the_family_point_and_the_integrator_refuse_bad_input_by_name():
    with pytest.raises(ValueError, match=r"c lr\^2 < 1"):
        rmsprop_point(1.5, 1.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="T/dt must be a positive integer"):
        RMSpropSDE(1.0, 1.0, 0.1).integrate(family.line(), [[2.0]], 0.25, 1.0, 0.3)
    with pytest.raises(ValueError, match="parameter eps0 must be a finite number >= 0"):
        RMSpropSDE(1.0, 1.0, -0.1)


def test_the_family_point_is_the_scaling():
    """lr = 0.5: the oracle's noise is sigma0/lr = 2, beta2 = 1 - c lr^2 = 0.75, xi = eps0/lr = 0.2."""
    hp, sigma = rmsprop_point(0.5, 1.0, 1.0, 0.1)
    assert hp == {"lr": 0.5, "beta2": 0.75, "xi": 0.2} and sigma == 2.0


def test_the_weak_error_shrinks_with_lr_on_the_card_example():
    """|E x - E X_T| at lr = 0.5 and 0.25 (4 and 16 steps): about 0.16 and 0.046, an order near 2 in lr."""
    errs = family.weak_errors(lrs=(0.5, 0.25), paths=40000, seed=1)
    (e1, s1, _), (e2, s2, _) = errs[0.5], errs[0.25]
    assert abs(e1 - 0.163) < 4 * s1 + 1e-3 and abs(e2 - 0.046) < 4 * s2 + 1e-3 and e2 < e1 / 3


# -- the scaling-rule study ------------------------------------------------------------------------


def test_the_scaling_rule_study_maps_where_the_rule_breaks(tmp_path):
    """A miniature: where the gradient dominates (s = 1, x0 = 1) the sqrt rule lags far more than the linear rule;
    where noise dominates (s = 10, x0 = 0.2) it is the better of the two. JSON strict, every number finite."""
    cfg = scaling_rule.Config(steps=600, runs=48, kappas=(4,), noises=(10.0, 1.0), starts=(0.2, 1.0), keep=20)
    result = scaling_rule.run(tmp_path, config=cfg)
    cells = {(r["s"], r["x0"]): r["cells"][0] for r in result["regimes"]}
    assert cells[(1.0, 1.0)]["sqrt_rule"] > 3 * cells[(1.0, 1.0)]["linear_rule"]
    assert cells[(10.0, 0.2)]["sqrt_better"] and not cells[(1.0, 1.0)]["holds"]
    saved = json.loads((tmp_path / "scaling_rule.json").read_text(), parse_constant=lambda c: 1 / 0)
    assert [c["sqrt_rule"] for r in saved["regimes"] for c in r["cells"]] == \
        [c["sqrt_rule"] for r in result["regimes"] for c in r["cells"]]
    assert (tmp_path / "scaling_rule.png").stat().st_size > 10_000
    rms = math.sqrt(sum((a * 0.2) ** 2 for a in family.TOY_EIGS) / 10)
    assert math.isclose(scaling_rule.noise_to_gradient(10.0, 0.2), 10 / math.sqrt(8) / rms, rel_tol=1e-12)
