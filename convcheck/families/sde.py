"""SDEs and scaling rules (theory/sde/): the numeric checks of the property theorems.

adam.sqrt_scaling, rmsprop.sqrt_scaling: the card's toy (adamw_sde_signgd.md section 2.7). f = 1/2 sum a_i
x_i^2 with a log-spaced in [0.1, 10], d = 10; the per-sample gradient is a x + s z, so a batch-B oracle is
Gaussian with per-coordinate std s/sqrt(B). The base run (B = 8, lr = 1e-3, beta = (0.9, 0.999), xi = 1e-8)
is compared with runs at kappa B, read at equal samples seen (step k of the kappa B run against step kappa k
of the base, i.e. equal t = k lr^2 for the sqrt rule): the deviation is max |E f - E f_base|/E f_base after
the first 10 % of the samples. In the noise-dominated regime (s = 10, x_0 = 0.2) the sqrt rule must deviate
less than the linear rule (lr x kappa only) at every kappa: that is the claim checked.

adam.svag: the same toy with the SVAG oracle over the batch-8 Gaussian noise and the code's map, lr = 1e-2,
l^2 times the steps; E f at l = 2, 4 read at equal t = k lr^2 against l = 1. The Monte-Carlo floor is the deviation
between two independent l = 1 batches; SVAG agrees when its deviations stay within twice that floor.

rmsprop.sde: the card's example (addenda section 1.3): f = x^2/2 in 1-D, sigma0 = 1, c = 1, eps0 = 0.1, x0 = 2,
U0 = 0.25, T = 1. The SDE is integrated by reference.sde's Euler-Maruyama and checked against the closed form of its
mean (linear drift: dE[X]/dt = -E[X]/(sqrt U(t) + eps0), U deterministic), which is then the reference of the weak
error |E x_{T/lr^2} - E X_T| of RMSprop (no bias correction, v_0 = U0/lr^2) over a ladder of lr. The claim (first
order in dt = lr^2) holds when the errors shrink along the ladder and their fitted order in lr is at least 1.5.
"""


from __future__ import annotations

import dataclasses
import math

import numpy as np
import mpmath

from convcheck.reference import objectives, optimizers, oracles, run
from convcheck.reference.scaling import linear_rule, sqrt_rule, svag_map
from convcheck.reference.sde import RMSpropSDE, rmsprop_point

from ..orders import loglog_fit
from ..verdicts import Part

TOY_EIGS = np.logspace(-1, 1, 10)
BASE = {"batch_size": 8, "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}
NOISE_DOMINATED = (10.0, 0.2)    # (s, x_0): noise s/sqrt(B) far above the gradient a x_0
GRADIENT_DOMINATED = (1.0, 1.0)  # the rule's failure regime (card section 2.7)


def mean_loss(algorithm: str, hp: dict, s: float, x0: float, steps: int, runs: int, seed: int,
              ell: int = 0, every: int = 1) -> np.ndarray:
    """E f(x_k), k = 0, every, .., steps, over ``runs`` runs of the toy at batch hp['batch_size'] from
    x = x0 (1, ..., 1); with ell >= 1, through the SVAG oracle of parameter ell over that batch's noise."""
    obj = objectives.get("quadratic", eigs=TOY_EIGS, b=np.zeros(TOY_EIGS.size))
    opt = optimizers.get(algorithm)
    oracle = oracles.Gaussian(s * np.sqrt(obj.d / hp["batch_size"]))
    if ell:
        oracle = oracles.SVAG.over(oracle, ell)
    h = {k: v for k, v in hp.items() if k in opt.defaults}
    tr = run(opt, obj, np.full((runs, obj.d), x0), steps, hp=h, oracle=oracle, seed=seed,
             record=range(0, steps + 1, every), measure_grad=False)
    return tr.f.mean(axis=1)


def deviation(curve: np.ndarray, base: np.ndarray, kappa: int, past: float = 0.1) -> float:
    """max_k |curve_k - base_{kappa k}|/base_{kappa k} over k past the first ``past`` of the samples (equal
    samples seen)."""
    ref = base[::kappa][: curve.size]
    k0 = max(1, int((curve.size - 1) * past))
    return float(np.max(np.abs(curve[k0:] - ref[k0:]) / ref[k0:]))


def rule_curves(algorithm: str, s: float, x0: float, kappas=(2, 4, 8), steps: int = 8000, runs: int = 400,
                seed: int = 0, base: dict = BASE) -> tuple[np.ndarray, dict]:
    """(E f of the base run, {kappa: (E f under the sqrt rule, E f under the linear rule)}) on the toy; the run at
    kappa B takes steps/kappa steps (equal samples seen)."""
    ref = mean_loss(algorithm, base, s, x0, steps, runs, seed)
    return ref, {kappa: (mean_loss(algorithm, sqrt_rule(base, kappa), s, x0, steps // kappa, runs, seed + kappa),
                         mean_loss(algorithm, linear_rule(base, kappa), s, x0, steps // kappa, runs, seed + 100 + kappa))
                 for kappa in kappas}


def rule_deviations(algorithm: str, s: float, x0: float, kappas=(2, 4, 8), steps: int = 8000, runs: int = 400,
                    seed: int = 0) -> dict:
    """{kappa: (sqrt-rule deviation, linear-rule deviation)} on the toy, base run at BASE."""
    ref, curves = rule_curves(algorithm, s, x0, kappas, steps, runs, seed)
    return {kappa: (deviation(sq, ref, kappa), deviation(lin, ref, kappa)) for kappa, (sq, lin) in curves.items()}


def sqrt_scaling_check(algorithm: str):
    def check(steps: int = 8000, runs: int = 400, seed: int = 0):
        s, x0 = NOISE_DOMINATED
        parts = []
        for kappa, (sq, lin) in rule_deviations(algorithm, s, x0, steps=steps, runs=runs, seed=seed).items():
            parts.append(Part(f"noise-dominated, kappa = {kappa}", "holds" if sq < lin else "violated",
                              f"max relative deviation of E f from the batch-8 run at equal samples seen: sqrt rule "
                              f"{sq:.3g}, linear rule {lin:.3g} ({runs} runs, {steps} base steps, s = {s:g})",
                              worst={"kappa": kappa, "sqrt_rule": sq, "linear_rule": lin}))
        return parts
    check.__name__ = f"{algorithm}_sqrt_scaling"
    return check


def svag_deviations(steps: int = 500, runs: int = 400, ells=(2, 4), lr: float = 1e-2, seed: int = 0):
    """(floor, {ell: deviation}): E f of SVAG runs against the l = 1 run at equal t = k lr^2 (noise-dominated toy),
    and the deviation between two independent l = 1 batches (the Monte-Carlo floor)."""
    s, x0 = NOISE_DOMINATED
    hp = {**BASE, "lr": lr}
    ref = mean_loss("adam", hp, s, x0, steps, runs, seed, ell=1)
    floor = deviation(mean_loss("adam", hp, s, x0, steps, runs, seed + 1, ell=1), ref, 1)
    return floor, {ell: deviation(mean_loss("adam", svag_map(hp, ell), s, x0, ell * ell * steps, runs, seed + 1 + ell,
                                            ell=ell, every=ell * ell), ref, 1) for ell in ells}


def svag_check(steps: int = 500, runs: int = 400, seed: int = 0):
    floor, devs = svag_deviations(steps, runs, seed=seed)
    return [Part(f"noise-dominated, l = {ell}", "holds" if dev <= 2 * floor else "violated",
                 f"max relative deviation of E f from the l = 1 run at equal t = k lr^2: {dev:.3g}; two independent "
                 f"l = 1 batches differ by {floor:.3g} (agreement: within twice that; {runs} runs, {steps} l = 1 steps)",
                 worst={"ell": ell, "deviation": dev, "floor": floor}) for ell, dev in devs.items()]


CARD_SDE = {"sigma0": 1.0, "c": 1.0, "eps0": 0.1}
CARD_START, CARD_U0, CARD_T = 2.0, 0.25, 1.0


def card_sde_mean() -> tuple[float, float]:
    """(E X_T, U_T) of the card's example in closed form: U(t) = sigma0^2 + (U0 - sigma0^2) e^{-ct} and
    E X_T = x0 exp(-int_0^T dt/(sqrt U(t) + eps0)) (mpmath quadrature, 15 digits)."""
    s0, c, e0 = CARD_SDE["sigma0"], CARD_SDE["c"], CARD_SDE["eps0"]
    U = lambda t: s0 ** 2 + (CARD_U0 - s0 ** 2) * mpmath.exp(-c * t)
    integral = mpmath.quad(lambda t: 1 / (mpmath.sqrt(U(t)) + e0), [0, CARD_T])
    return float(CARD_START * mpmath.exp(-integral)), float(U(CARD_T))


def line():
    return objectives.get("quadratic", eigs=[1.0], b=[0.0])


def rmsprop_at(lr: float, paths: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(x_K, lr^2 v_K) of RMSprop at the card's family point of step lr, K = T/lr^2 steps, v_0 = U0/lr^2."""
    hp, sigma = rmsprop_point(lr, **CARD_SDE)
    K = round(CARD_T / lr ** 2)
    base = optimizers.get("rmsprop")
    v0 = CARD_U0 / lr ** 2
    opt = dataclasses.replace(base, init=lambda x0, h: {**base.init(x0, h), "v": np.full_like(x0, v0)})
    tr = run(opt, line(), np.full((paths, 1), CARD_START), K, hp=hp, oracle=oracles.Gaussian(sigma), seed=seed,
             record=[K], checkpoints=[K], checkpoint_state=["v"], measure_grad=False)
    return tr.iterates[0][:, 0], lr ** 2 * tr.states["v"][0][:, 0]


def weak_errors(lrs=(0.5, 0.25, 0.2, 0.1), paths: int = 200000, seed: int = 0) -> dict:
    """{lr: (|E x - E X_T|, its Monte-Carlo s.e., |E lr^2 v - U_T|)} against the closed-form SDE values."""
    mean, U_T = card_sde_mean()
    out = {}
    for i, lr in enumerate(lrs):
        x, u = rmsprop_at(lr, paths, seed + i)
        out[lr] = (abs(float(x.mean()) - mean), float(x.std()) / math.sqrt(paths), abs(float(u.mean()) - U_T))
    return out


def rmsprop_sde_check(paths: int = 200000, sde_paths: int = 20000, dt: float = 1e-3, seed: int = 0):
    mean, U_T = card_sde_mean()
    X, U = RMSpropSDE(**CARD_SDE).integrate(line(), np.full((sde_paths, 1), CARD_START), CARD_U0, CARD_T, dt,
                                            seed=seed)
    em, se = float(X.mean()), float(X.std()) / math.sqrt(sde_paths)
    parts = [Part("SDE by Euler-Maruyama", "holds" if abs(em - mean) <= 3 * se + dt and abs(U[0, 0] - U_T) <= dt
                  else "violated",
                  f"E X_T = {em:.4f} +- {se:.4f} ({sde_paths} paths, dt = {dt:g}) against the closed form {mean:.5f}; "
                  f"U_T = {U[0, 0]:.5f} against {U_T:.5f}")]
    errs = weak_errors(paths=paths, seed=seed + 1)
    lrs = list(errs)
    e = [errs[lr][0] for lr in lrs]
    fit = loglog_fit(lrs, e)
    shrinking = all(b < a for a, b in zip(e, e[1:]))
    parts.append(Part("weak error of E x", "holds" if shrinking and fit.slope >= 1.5 else "violated",
                      f"|E x_(T/lr^2) - E X_T| at lr = {lrs}: "
                      + ", ".join(f"{errs[lr][0]:.4f} (+- {errs[lr][1]:.4f})" for lr in lrs)
                      + f"; fitted order in lr {fit.slope:.2f} +- {fit.stderr:.2f} (first order in dt = lr^2 is 2; "
                        f"{paths} paths)",
                      worst={"lrs": lrs, "errors": e, "order": float(fit.slope),
                             "errors_U": [errs[lr][2] for lr in lrs]}))
    eu = [errs[lr][2] for lr in lrs]
    parts.append(Part("weak error of E lr^2 v", "holds" if all(b < a for a, b in zip(eu, eu[1:])) else "violated",
                      f"|E lr^2 v - U_T| at lr = {lrs}: " + ", ".join(f"{x:.4f}" for x in eu)
                      + f"; fitted order in lr {loglog_fit(lrs, eu).slope:.2f}"))
    return parts


SETUPS = {}
CHECKS = {"adam.sqrt_scaling": sqrt_scaling_check("adam"), "rmsprop.sqrt_scaling": sqrt_scaling_check("rmsprop"),
          "adam.svag": svag_check, "rmsprop.sde": rmsprop_sde_check}
