"""Judges: verdicts on a finished trace against a theorem's rate, complexity and claimed order.

Deterministic bounds are judged run by run at every recorded T; bounds in expectation on the mean
over runs, with a one-sided normal confidence bound at a printed level: ``violated`` when even the
lower confidence bound exceeds the bound, ``inconclusive`` when only the upper one does.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import sympy as sp

from convcheck.reference import optimizers

from . import orders
from .join import Join, published_constants
from .setups import Setup
from .verdicts import RTOL, DoesNotApply, Part


GAP_MEASURES = ("gap_last_iterate",)  # f(x_T) - f*: needs the objective's exact f_star


def measure(name: str, tr, f_star: float | None = None):
    """(T per record, values (K, R)) for a measure name of the glossary (``f_star`` for a function gap)."""
    n = tr.steps.astype(float)
    if name == "gap_last_iterate":
        if f_star is None:
            raise DoesNotApply("the gap f(x_T) - f* needs the objective's exact f_star (a lower bound f_low would "
                               "overstate it)")
        return n, tr.f - f_star
    if name == "min_grad_sq_before_T":
        return n + 1, tr.min_grad_sq
    if name == "min_grad_sq_through_T":
        return n, tr.min_grad_sq
    if name == "expected_grad_sq_random_index":
        return n + 1, tr.sum_grad_sq / (n + 1)[:, None]
    if name == "mean_grad_norm_before_T":
        return n + 1, tr.sum_grad_norm / (n + 1)[:, None]
    raise ValueError(f"unknown measure {name!r}")


def deterministic_rate(name, bound_expr, T, values, join: Join, tr) -> Part:
    keep = T >= 1
    T, values = T[keep], values[keep]
    extra = {"T": T[:, None]}
    if "gap" in {s.name for s in bound_expr.free_symbols}:
        extra["gap"] = (tr.f[0] - tr.f)[keep]
    bound = np.broadcast_to(join.value(bound_expr, **extra), values.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = values / bound
    ratio = np.where(np.isnan(values), np.nan, ratio)
    tight = float(np.nanmax(ratio)) if np.isfinite(ratio).any() else None
    bad = values > bound * (1 + RTOL)
    if bad.any():
        k, r = np.argwhere(bad)[0]
        return Part(name, "violated", f"at T = {int(T[k])}, run {r}: measured {values[k, r]:.6g} > bound "
                                      f"{bound[k, r]:.6g}", tight,
                    {"run": int(r), "T": int(T[k]), "observed": float(values[k, r]), "bound": float(bound[k, r])})
    return Part(name, "holds", f"held at all {len(T)} recorded T for every run; worst empirical/bound = "
                               f"{tight:.3g}" if tight is not None else "no finite record", tight)


def _shared(join: Join) -> Join:
    """The join with one value per name: an expectation is over runs of one setting."""
    scalars = {}
    for k, v in join.env.items():
        v = np.asarray(v)
        if v.ndim and not np.allclose(v, v.flat[0], rtol=1e-12, atol=0):
            raise DoesNotApply(f"an expectation bound needs one {k} for all runs (use x0='shared')")
        scalars[k] = float(v.flat[0]) if v.ndim else float(v)
    return Join(join.thm, scalars, 1)


def expected_rate(name, bound_expr, T, values, join: Join, level, only_last=False) -> Part:
    if only_last:
        T, values = T[-1:], values[-1:]
    runs = values.shape[1]
    bound = np.broadcast_to(_shared(join).value(bound_expr, T=T), T.shape)
    mean = values.mean(axis=1)
    half = NormalDist().inv_cdf(level) * values.std(axis=1, ddof=1) / np.sqrt(runs)
    ratio = mean / bound
    tight = float(np.nanmax(ratio))
    conf = f"{level:.0%} one-sided (normal approximation, {runs} runs)"
    low_bad = mean - half > bound
    if low_bad.any():
        k = int(np.argmax(low_bad))
        return Part(name, "violated", f"at T = {int(T[k])}: mean {mean[k]:.6g} (lower {conf} bound "
                                      f"{mean[k] - half[k]:.6g}) > bound {bound[k]:.6g}", tight,
                    {"T": int(T[k]), "observed": float(mean[k]), "bound": float(bound[k])})
    if (mean + half > bound).any():
        k = int(np.argmax(mean + half - bound))
        return Part(name, "inconclusive", f"at T = {int(T[k])}: upper {conf} bound {mean[k] + half[k]:.6g} "
                                          f"> bound {bound[k]:.6g} > mean {mean[k]:.6g}", tight)
    return Part(name, "holds", f"held at {len(T)} recorded T; upper {conf} bound below the bound everywhere; "
                               f"worst mean/bound = {tight:.3g}", tight)


def complexity_thresholds(join: Join, steps) -> np.ndarray:
    """Accuracies eps^2 to test, log-spaced from the smallest eps any run's T(eps) allows within the
    run up to 16 times the largest rate at T = steps (a rate with a floor reaches eps only above it)."""
    bottom = float(np.min(join.eps_for_horizon(steps))) ** 2
    rate = join.thm.rate.bound.expr.subs(sp.Symbol("gap", positive=True), sp.Symbol("Delta", positive=True))
    top = 16 * np.nanmax(join.value(rate, T=steps))
    return np.geomspace(bottom, max(top, 16 * bottom), 8)


def complexity(join: Join, tr, thresholds) -> Part:
    thm = join.thm
    first_index = thm.rate.measure == "min_grad_sq_before_T"  # T gradients end at index T - 1
    worst, tight, checked, at_start = None, 0.0, 0, 0
    for thr in thresholds:
        at = join.given(eps=np.sqrt(thr))
        T_eps = at.per_run(thm.complexity.expr)
        hit = tr.hitting_times[thr]
        due = (T_eps <= tr.steps[-1] + (1 if first_index else 0)) & at.meets_eps_conditions()
        if not due.any():
            continue
        limit = T_eps - 1 if first_index else T_eps
        late = due & ((hit < 0) | (hit > limit))
        checked += int(due.sum())
        at_start += int((due & (hit == 0)).sum())
        with np.errstate(divide="ignore", invalid="ignore"):  # pairs met at x_0 say nothing about T(eps)
            ratios = np.where(due & (hit > 0), (hit + (1 if first_index else 0)) / T_eps, np.nan)
        if np.isfinite(ratios).any():
            tight = max(tight, float(np.nanmax(ratios)))
        if late.any() and worst is None:
            r = int(np.argmax(late))
            worst = (thr, r, int(hit[r]), float(T_eps[r]))
    if checked == 0:
        return Part("complexity", "inconclusive", "no run was long enough for T(eps), or met the conditions on eps, "
                                                  "at the tested accuracies")
    if worst is not None:
        thr, r, hit, T_eps = worst
        return Part("complexity", "violated", f"run {r} needed {'no hit' if hit < 0 else hit} steps to reach "
                                              f"||grad f||^2 <= {thr:.4g}; T(eps) = {T_eps:.0f}", tight,
                    {"run": r, "eps_sq": thr, "hit": hit, "T_eps": T_eps})
    if at_start == checked:
        return Part("complexity", "holds", f"vacuously: all {checked} run-accuracy pairs whose T(eps) fits in the run "
                                           f"were met at x_0 (the bound's T(eps) exceeds the horizon for smaller eps)")
    return Part("complexity", "holds", f"every run reached eps within T(eps) ({checked} run-accuracy pairs, "
                                       f"{at_start} of them met at x_0); worst hitting time / T(eps) over the "
                                       f"others = {tight:.3g}", tight)


def complexity_covers(thm, setup: Setup) -> bool:
    """T(eps) speaks of the setup's hyperparameters: each given one is in it, or was not prescribed."""
    names = {sym.name for sym in thm.complexity.expr.free_symbols}
    return all(k in names or k not in thm.prescription for k in setup.hp)


def expected_complexity(join: Join, tr, level) -> Part:
    """eps with N(eps) <= steps (the prescribed eps, or by bisection), then E measure at N = steps <= eps^2
    (eps for the non-squared measure)."""
    thm = join.thm
    eps = float(np.max(join.env["eps"])) if "eps" in join.env else join.eps_within(tr.steps[-1])
    T, values = measure(thm.rate.measure, tr)
    part = expected_rate("complexity", thm.target, T[-1:], values[-1:], Join(thm, {"eps": eps}), level)
    part.detail = f"eps = {eps:.4g} has N(eps) <= {tr.steps[-1]}: " + part.detail
    return part


def order_fit(thm, setup: Setup, optimizer=None) -> Part:
    """The claimed eps-order against the slope of the measured T(eps) over setup.eps_ladder."""
    claim = next(c for c in thm.claims if c.kind == "order" and c.eps_exponent is not None)
    obj = setup.objective
    x0 = obj.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
    constants = {k: v for k, v in published_constants(thm, obj, setup.oracle, obj.value(x0)).items()
                 if np.ndim(v) == 0}

    def hp_of_eps(eps):
        hp = {k: float(v) for k, v in setup.hp.items()}
        for name, formula in thm.prescription.items():
            if name not in hp:
                hp[name] = float(Join(thm, {**constants, **hp, "eps": eps}).value(formula.expr))
        return hp

    for eps in setup.eps_ladder:  # a regime outside the theorem's conditions would fit the wrong thing
        ok, failed = Join(thm, {**constants, **hp_of_eps(float(eps)), "eps": float(eps)}).conditions()
        if not ok.all():
            raise DoesNotApply(f"at eps = {eps:g}: " + "; ".join(failed))
    fit = orders.hitting_order(optimizer or optimizers.get(thm.algorithm), obj, setup.oracle, setup.eps_ladder,
                               hp_of_eps, runs=setup.runs, steps=setup.steps, seed=setup.seed, radius=setup.radius,
                               backend=setup.backend)
    p, sd, claimed = fit.exponent, fit.spread, float(claim.eps_exponent)
    ladder = [round(1 / v, 4) for v in fit.x]
    per_eps = [n for n in thm.prescription if n not in setup.hp]
    if fit.censored:
        return Part("order (empirical)", "inconclusive", f"{fit.censored} of the accuracies {ladder} were not reached "
                                                         f"within {setup.steps} steps", worst=fit.to_dict())
    text = (f"{fit.describe()} over eps = {ladder} (T = first T with mean over runs of (1/T) sum_t "
            f"||grad f(x_t)||^2 <= eps^2: {', '.join(f'{t:.0f}' for t in fit.y)}); claimed O(eps^-{claim.eps_exponent}), "
            + (f"with {', '.join(per_eps)} prescribed per eps (the exponent reflects that regime)" if per_eps
               else "at fixed hyperparameters"))
    verdict = "violated" if p - 2 * sd > claimed else "holds" if p + 2 * sd <= claimed else "inconclusive"
    relation = {"violated": "exceeds", "holds": "is within", "inconclusive": "is not clearly within"}[verdict]
    return Part("order (empirical)", verdict, f"{text}: the fitted exponent {relation} the claimed order "
                                              f"(2 sd)", worst=fit.to_dict())


def gap_complexity(join: Join, T, values, steps: int) -> Part:
    """T(eps) for a function gap, judged on the records: at every recorded T >= T(eps), f(x_T) - f* <= eps, for
    accuracies eps log-spaced from the smallest whose T(eps) fits in the run up to Delta. (A gap above eps at a
    record beyond T(eps) refutes T(eps) when the gap does not increase, as under the contraction.)"""
    thm = join.thm
    bottom = float(np.min(join.eps_for_horizon(steps)))
    top = float(np.max(join.per_run(sp.Symbol("Delta", positive=True))))
    worst, tight, checked = None, 0.0, 0
    for eps in np.geomspace(bottom, max(top, 2 * bottom), 9)[:-1]:  # eps >= Delta is met at x_0
        T_eps = join.per_run(thm.complexity.expr, eps=eps)
        due = T[:, None] >= np.maximum(T_eps, 0)[None, :]
        if not due.any():
            continue
        checked += int(due.any(axis=0).sum())
        with np.errstate(invalid="ignore"):
            late = due & (values > eps * (1 + RTOL))
            ratios = np.where(due, values / eps, np.nan)
        if np.isfinite(ratios).any():
            tight = max(tight, float(np.nanmax(ratios)))
        if late.any() and worst is None:
            k, r = np.argwhere(late)[0]
            worst = (eps, int(r), int(T[k]), float(T_eps[r]), float(values[k, r]))
    if checked == 0:
        return Part("complexity", "inconclusive", "no run was long enough for T(eps) at the tested accuracies")
    if worst is not None:
        eps, r, t, T_eps, v = worst
        return Part("complexity", "violated", f"run {r}: f(x_T) - f* = {v:.6g} > eps = {eps:.4g} at T = {t} >= "
                                              f"T(eps) = {T_eps:.0f}", tight,
                    {"run": r, "eps": eps, "T": t, "T_eps": T_eps, "observed": v})
    return Part("complexity", "holds", f"f(x_T) - f* <= eps at every record T >= T(eps) ({checked} run-accuracy pairs); "
                                       f"worst gap / eps there = {tight:.3g}", tight)
