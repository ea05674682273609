"""Bayesian filtering (theory/bayes/): the numeric checks of BRMSprop's, BAdam's and AdaBayes-FP's limits.

brmsprop.limit: BRMSprop (sigma^2 = inf) on a constant gradient e (f(x) = -(-e) x, a linear objective) for a
ladder of lr in the regime lr e <= 1/5: the runs' variance must reach the certified fixed point s*, and the
paper's eta/e must overestimate it by at most eta^2/2 (relative error fitted against lr: order 1).

badam.limit: BAdam (sigma^2 = inf, eta_w = 0) on the same constant gradient, lr fixed and eta_p -> 0 (so
eta_p/(eta e) -> 0): Sigma_ww must track sqrt(2 eta Sigma_wp)/e, Sigma_wp must stay below eta_p/e and tend to
it, and the dropped step Sigma_ww g over the kept step eta mu_p must tend to sqrt(2 eta_p/(eta e)).

adabayes_fp.limit: AdaBayes-FP against Adam (xi = 0) along a ladder of lr_sgd (the Adam limit), and against SGD
with Adam's bias-corrected EMA momentum along a ladder of lr (the SGD limit), on a quadratic: the trajectory gaps
must shrink. SGD with EMA momentum is Adam with a huge outside shift: lr' mhat/(sqrt(vhat) + xi) with
lr' = lr_sgd xi is lr_sgd mhat to a relative 1e-12.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from convcheck.reference import objectives, optimizers, run
from convcheck.theory.bayes import badam as badam_theory
from convcheck.theory.bayes import brmsprop as brmsprop_theory
from convcheck.theory.symbols import lr as lr_sym

from ..orders import slope
from ..verdicts import DoesNotApply, Part


def constant_gradient(e: float):
    """f(x) = e x in one dimension: grad f = e everywhere, so the filter's e is the constant e."""
    return objectives.get("quadratic", eigs=[0.0], b=[-e])


def _steady_states(name, hp, steps, keys, e):
    rows = len(next(np.atleast_1d(v) for v in hp.values() if np.ndim(v)))
    tr = run(optimizers.get(name), constant_gradient(e), np.zeros((rows, 1)), steps, hp=hp, record=[0],
             checkpoints=[steps], checkpoint_state=keys, measure_grad=False)
    return {k: tr.states[k][0, :, 0] for k in keys}


def brmsprop_limit(e: float = 2.0, lrs=(0.0125, 0.025, 0.05, 0.1), steps: int = 2000):
    lrs = np.asarray(lrs, float)
    if np.any(lrs * e > 0.2):
        raise DoesNotApply(f"condition lr sqrt(<e^2>) <= 1/5 fails: lr e = {float(np.max(lrs * e)):g}")
    s_star = sp.lambdify((lr_sym, brmsprop_theory.e), brmsprop_theory.s_star, "numpy")(lrs, e)
    s = _steady_states("brmsprop", {"lr": lrs[:, None]}, steps, ["s"], e)["s"]
    reach = float(np.max(np.abs(s / s_star - 1)))
    parts = [Part("fixed point", "holds" if reach <= 1e-9 else "violated",
                  f"max |s_T/s* - 1| = {reach:.3g} after {steps} steps, lr in {lrs.tolist()}, e = {e:g} "
                  f"(s* from the certified formula)", tightness=None, worst={"s_T": s.tolist(), "s_star": s_star.tolist()})]
    paper = lrs / e
    rel = 1 - s / paper
    within = bool(np.all(paper - s <= lrs ** 2 / 2 * (1 + 1e-9)) and np.all(s <= paper * (1 + 1e-12)))
    p = slope(lrs, rel)
    parts.append(Part("paper's eta/sqrt(<e^2>)", "holds" if within and abs(p - 1) < 0.1 else "violated",
                      f"relative error 1 - s_T e/lr = {', '.join(f'{r:.4g}' for r in rel)} (bound lr e/2 = "
                      f"{', '.join(f'{b:.4g}' for b in lrs * e / 2)}); fitted order in lr {p:.3f}",
                      tightness=float(np.max((paper - s) / (lrs ** 2 / 2))), worst={"relative_error": rel.tolist(), "order": p}))
    return parts


def badam_limit(e: float = 2.0, lr: float = 0.1, lr_ps=(0.04, 0.01, 0.0025)):
    lr_ps = np.asarray(lr_ps, float)
    if np.any(lr_ps > lr * e / 2):
        raise DoesNotApply(f"condition lr_p <= lr sqrt(<e^2>)/2 fails: lr_p = {float(np.max(lr_ps)):g} > {lr * e / 2:g}")
    steps = int(30 / lr_ps.min())  # 30 momentum time-scales of the slowest run
    st = _steady_states("badam", {"lr": lr, "lr_p": lr_ps[:, None]}, steps, ["sww", "swp", "spp", "p"], e)
    ww = st["sww"] / (np.sqrt(2 * lr * st["swp"]) / e)
    wp = st["swp"] * e / lr_ps
    r = sp.lambdify((lr_sym, badam_theory.lr_p, badam_theory.e), badam_theory.ratio, "numpy")(lr, lr_ps, e)
    dropped = st["sww"] * e / (lr * np.abs(st["p"]))  # Sigma_ww g over eta |mu_p| (g = e)
    parts = [Part("Sigma_ww equation", "holds" if np.all(np.abs(ww - 1) < 0.02) else "violated",
                  f"Sigma_ww / (sqrt(2 eta Sigma_wp)/e) = {', '.join(f'{x:.4f}' for x in ww)} (discrete filter "
                  f"against the continuous (17); lr = {lr:g}, lr_p = {lr_ps.tolist()}, {steps} steps)")]
    rising = bool(np.all(np.diff(wp) > 0))
    parts.append(Part("Sigma_wp -> eta_p/e (19)", "holds" if rising and np.all(wp <= 1 + 1e-9) else "violated",
                      f"Sigma_wp e/eta_p = {', '.join(f'{x:.4f}' for x in wp)}: at most 1 (certified) and rising to 1 "
                      f"as eta_p/(eta e) -> 0", tightness=float(np.max(wp))))
    gap = np.abs(dropped / r - 1)
    parts.append(Part("the dropped Sigma_ww g term", "holds" if np.all(np.diff(gap) < 0) else "violated",
                      f"dropped/kept step = {', '.join(f'{x:.4f}' for x in dropped)} against sqrt(2 eta_p/(eta e)) = "
                      f"{', '.join(f'{x:.4f}' for x in r)}; relative gap shrinking: {', '.join(f'{x:.3f}' for x in gap)}",
                      worst={"dropped_over_kept": dropped.tolist(), "predicted": r.tolist()}))
    return parts


def _max_gap(a_name, a_hp, b_name, b_hp, obj, x0, steps):
    """max over every iterate of ||x_t(a) - x_t(b)||_inf (the same runner twice)."""
    every = range(1, steps + 1)
    a = run(optimizers.get(a_name), obj, x0, steps, hp=a_hp, record=[0], checkpoints=every).iterates
    b = run(optimizers.get(b_name), obj, x0, steps, hp=b_hp, record=[0], checkpoints=every).iterates
    return float(np.max(np.abs(a - b)))


def adabayes_fp_limit(lr: float = 0.01, lr_sgd: float = 0.01, ladder=(1.0, 10.0, 100.0, 1000.0), steps: int = 200):
    obj = objectives.get("quadratic", eigs=[1.0, 10.0], b=[0.0, 0.0])
    x0 = np.ones((1, 2))
    common = {"beta1": 0.9, "beta2": 0.999}
    fp = {**common, "xi_root": 0.0, "weight_drift": 0.0, "batch_size": 1}
    huge = 1e12
    to_adam = [_max_gap("adabayes_fp", {**fp, "lr": lr, "lr_sgd": lr_sgd * k}, "adam", {**common, "lr": lr, "xi": 0.0},
                        obj, x0, steps) for k in ladder]
    to_sgd = [_max_gap("adabayes_fp", {**fp, "lr": lr * k, "lr_sgd": lr_sgd}, "adam",
                       {**common, "lr": lr_sgd * huge, "xi": huge}, obj, x0, steps) for k in ladder]
    parts = []
    for name, gaps, what in (("Adam limit", to_adam, "lr_sgd"), ("SGD limit", to_sgd, "lr")):
        p = slope(ladder, gaps)
        ok = all(b < a for a, b in zip(gaps, gaps[1:])) and p < -0.5
        parts.append(Part(name, "holds" if ok else "violated",
                          f"max_t ||x_t(AdaBayes-FP) - x_t({'Adam' if what == 'lr_sgd' else 'SGD + EMA momentum'})||_inf "
                          f"over {steps} steps with {what} x {list(ladder)}: {', '.join(f'{g:.3g}' for g in gaps)}; "
                          f"fitted order {p:.2f}", worst={"gaps": gaps, "order": p}))
    return parts


SETUPS = {}
CHECKS = {"brmsprop.limit": brmsprop_limit, "badam.limit": badam_limit, "adabayes_fp.limit": adabayes_fp_limit}
