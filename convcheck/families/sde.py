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
"""

from __future__ import annotations

import numpy as np

from convcheck.reference import objectives, optimizers, oracles, run
from convcheck.reference.scaling import linear_rule, sqrt_rule, svag_map

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


def deviation(curve: np.ndarray, base: np.ndarray, kappa: int) -> float:
    """max_k |curve_k - base_{kappa k}|/base_{kappa k} over k past the first 10 % (equal samples seen)."""
    ref = base[::kappa][: curve.size]
    k0 = max(1, (curve.size - 1) // 10)
    return float(np.max(np.abs(curve[k0:] - ref[k0:]) / ref[k0:]))


def rule_deviations(algorithm: str, s: float, x0: float, kappas=(2, 4, 8), steps: int = 8000, runs: int = 400,
                    seed: int = 0) -> dict:
    """{kappa: (sqrt-rule deviation, linear-rule deviation)} on the toy, base run at BASE."""
    base = mean_loss(algorithm, BASE, s, x0, steps, runs, seed)
    out = {}
    for kappa in kappas:
        S = steps // kappa
        sq = mean_loss(algorithm, sqrt_rule(BASE, kappa), s, x0, S, runs, seed + kappa)
        lin = mean_loss(algorithm, linear_rule(BASE, kappa), s, x0, S, runs, seed + 100 + kappa)
        out[kappa] = (deviation(sq, base, kappa), deviation(lin, base, kappa))
    return out


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


SETUPS = {}
CHECKS = {"adam.sqrt_scaling": sqrt_scaling_check("adam"), "rmsprop.sqrt_scaling": sqrt_scaling_check("rmsprop"),
          "adam.svag": svag_check}
