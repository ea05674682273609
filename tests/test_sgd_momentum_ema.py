"""sgd_momentum.smooth.ema: the EMA form of SGD with momentum is torch's form at lr (1 - mu), exactly along runs; its
certificate, its closed forms, the start it covers (b_{-1} = 0, not torch's dampening), and its check on noisy runs."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from convcheck import theory
from convcheck.reference import objectives, optimizers, oracles, run
from convcheck.theory.momentum import sgd_momentum_ema as ema
from convcheck.theory.symbols import Delta, L, T, lr, sigma

THM = theory.get("sgd_momentum.smooth.ema")
mu = ema.mu
OBJ = objectives.get("sin_squared", d=4, a=3.0)


def test_certifies_symbolic_on_torch_forms_premises_with_nothing_unlinked():
    cert = theory.certify(THM)
    assert cert.ok and cert.level == "symbolic" and cert.claims_level == "symbolic" and cert.unlinked == []
    assert {p.id for p in cert.premises} == {"lsmooth.descent", "lsmooth.lipschitz_gradient", "inner_product.convexity",
                                             "inner_product.norm_nonneg", "oracle.unbiased", "oracle.bounded_variance"}
    assert THM.algorithm == "ema_momentum" and optimizers.get("ema_momentum").convention == {"form": "ema"}


@given(mu_=st.floats(0.05, 0.95), seed=st.integers(0, 2 ** 16))
def test_the_ema_run_is_torchs_run_at_lr_times_one_minus_mu(mu_, seed):
    """b_t = (1 - mu) b'_t: the same oracle stream gives the same iterates, f and ||grad f||^2 records."""
    x0 = OBJ.initial_points(5, seed=seed)
    lr_ = np.linspace(0.01, 0.1, 5)[:, None]
    common = dict(oracle=oracles.Gaussian(0.5), seed=seed, record=range(41))
    a = run(optimizers.get("ema_momentum"), OBJ, x0, 40, hp={"lr": lr_, "momentum": mu_}, **common)
    b = run(optimizers.get("heavy_ball"), OBJ, x0, 40, hp={"lr": lr_ * (1 - mu_), "momentum": mu_, "dampening": 0.0},
            **common)
    np.testing.assert_allclose(a.x_final, b.x_final, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.f, b.f, rtol=1e-12)
    np.testing.assert_allclose(a.grad_sq, b.grad_sq, rtol=1e-10, atol=1e-14)
    assert np.abs(a.x_final - x0).max() > 1e-2  # the runs moved


def test_its_formulas_are_the_closed_forms_the_note_states():
    """torch's formulas at lr (1 - mu): c, C, a, the condition's bound, and lr = 1/(A + B) at the prescription."""
    c = lr * (1 - L * lr * (1 + mu) / (2 * (1 - mu)))
    C = L * lr ** 2 / (2 * (1 - mu))
    assert sp.simplify(ema.coef - c) == 0 and sp.simplify(ema.noise - C) == 0
    assert sp.simplify(ema.weight - L * lr ** 2 * mu / (2 * (1 - mu) ** 2)) == 0
    assert sp.simplify(THM.rate.bound.expr - (Delta + T * C * sigma ** 2) / (T * c)) == 0
    assert sp.simplify(THM.conditions[0].relation.rhs - 2 * (1 - mu) / (L * (1 + mu))) == 0
    A, B = L * (1 + mu) / (1 - mu), sigma * sp.sqrt(T) / sp.sqrt(2 * Delta * (1 - mu) / L)
    assert sp.simplify(THM.prescription["lr"].expr - 1 / (A + B)) == 0
    # the condition is exactly c > 0, and at mu = 0 the bound is SGD's
    assert sp.simplify(c.subs(lr, THM.conditions[0].relation.rhs)) == 0
    assert sp.simplify(THM.rate.bound.expr.subs(mu, 0) - theory.get("sgd.smooth").rate.bound.expr) == 0


def test_the_shadow_iterate_is_sgd_with_step_lr():
    """z_t = x_t - lr mu/(1 - mu) b_{t-1} moves as z_{t+1} = z_t - lr g_t from z_0 = x_0, symbolically and on a run."""
    assert ema.POTENTIAL.point_step(ema.update).terms == {"o": -lr}
    opt, hp = optimizers.get("ema_momentum"), {"lr": 0.05, "momentum": 0.8}
    k = -hp["lr"] * hp["momentum"] / (1 - hp["momentum"])
    x0, rng = OBJ.initial_points(3, seed=1), np.random.default_rng(0)
    state = opt.init(x0, hp)
    z = x0.copy()
    for t in range(30):
        g = OBJ.grad(state["x"]) + 0.5 * rng.standard_normal(x0.shape)
        state = opt.step(state, g, hp, t)
        z = z - hp["lr"] * g
        np.testing.assert_allclose(state["x"] + k * state["b"], z, rtol=1e-12, atol=1e-12)


def test_the_start_covered_is_the_damped_one_not_torchs_dampening():
    """x_1 = x_0 - lr (1 - mu) g_0 here; torch's dampening = mu copies b_0 = g_0, so x_1 = x_0 - lr g_0."""
    x0, hp = OBJ.initial_points(2, seed=0), {"lr": 0.1, "momentum": 0.6}
    g0 = OBJ.grad(x0)
    x1 = optimizers.get("ema_momentum").step(optimizers.get("ema_momentum").init(x0, hp), g0, hp, 0)["x"]
    torch_damped = optimizers.get("heavy_ball")
    y1 = torch_damped.step(torch_damped.init(x0, hp), g0, {**hp, "dampening": 0.6}, 0)["x"]
    np.testing.assert_allclose(x1, x0 - 0.1 * 0.4 * g0, rtol=1e-14)
    np.testing.assert_allclose(y1, x0 - 0.1 * g0, rtol=1e-14)


def test_the_ema_form_is_a_named_switch_with_no_dampening():
    with pytest.raises(ValueError, match="heavy_ball form must be 'torch' or 'ema'; got 'polyak'"):
        optimizers.heavy_ball(form="polyak")
    with pytest.raises(ValueError, match="has no hyperparameter 'dampening'"):
        optimizers.get("ema_momentum").hyperparameters({"lr": 0.1, "dampening": 0.5})
    assert optimizers.get("heavy_ball").convention == {"form": "torch"}
