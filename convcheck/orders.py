"""Empirical orders: the exponent p of a power law fitted on a ladder, with its spread.

Where no bound is certified, a claimed order is checked by measurement. For a ladder of eps, with
the theorem's hyperparameters prescribed at each eps, T(eps) is the first T at which the measure of
the stochastic theorems, E (1/T) sum_{t<T} ||grad f(x_t)||^2 = E||grad f(x_R)||^2 (estimated by the
mean over runs), falls to eps^2; p is the least-squares slope of log T against log(1/eps)
(``loglog_fit``: scipy.stats.linregress on the logs, which also gives the slope's standard error), and
its spread the standard deviation of p over bootstrap resamples of the runs (scipy.stats.bootstrap).
T is read on the runner's recorded steps (geometric, 200 points), which bounds its resolution to about
5% at 10^4 steps.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from convcheck.reference import get_backend, run
from convcheck.reference.runner import record_steps


def loglog_fit(x, y):
    """The power law y ~ c x^p by least squares on log y against log x: scipy.stats.linregress's
    result, so ``.slope`` is p and ``.stderr`` its standard error (0 on an exact power law)."""
    from scipy import stats  # here, not at import: scipy.stats costs ~0.5 s on every `convcheck check`

    return stats.linregress(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)))


def slope(x, y) -> float:
    """p of ``loglog_fit`` alone, as a float."""
    return float(loglog_fit(x, y).slope)


@dataclass
class OrderFit:
    exponent: float
    spread: float
    x: list            # the ladder (1/eps, or 1/lr)
    y: list            # the measured T(eps)
    censored: int = 0  # accuracies never reached within the horizon (no fit then)
    detail: dict = field(default_factory=dict)

    def describe(self, what: str = "T(eps)") -> str:
        return f"{what} ~ eps^-p with p = {self.exponent:.2f} +- {self.spread:.2f} (bootstrap sd)"

    def to_dict(self):
        return {"exponent": self.exponent, "spread": self.spread, "x": self.x, "y": self.y,
                "censored": self.censored, **self.detail}


def _first_below(T: np.ndarray, curve: np.ndarray, level: float) -> float:
    below = np.nonzero(curve <= level)[0]
    return float(T[below[0]]) if below.size else np.nan


def hitting_order(optimizer, objective, oracle, eps_ladder, hp_of_eps, runs: int = 64, steps: int = 20000,
                  seed: int = 0, radius: float = 2.0, bootstrap: int = 200, backend="numpy") -> OrderFit:
    """Fit T(eps) ~ eps^-p: for each eps, ``runs`` runs from one shared start with ``hp_of_eps(eps)``, on
    ``backend``'s namespace."""
    from scipy import stats

    start = objective.initial_points(1, seed=seed, radius=radius)
    x0 = get_backend(backend).asarray(np.repeat(start, runs, axis=0))
    record = record_steps(steps, points=200)
    T = record + 1.0  # (1/T) sum_{t<T}: T gradients end at the recorded iterate
    averages, Ts, censored = [], [], 0
    for i, eps in enumerate(eps_ladder):
        tr = run(optimizer, objective, x0, steps, hp=hp_of_eps(float(eps)), oracle=oracle, seed=seed + i,
                 record=record)
        avg = tr.sum_grad_sq / T[:, None]  # (K, R): each run's running average of ||grad f||^2
        averages.append(avg)
        Ts.append(_first_below(T, np.nanmean(avg, axis=1), float(eps) ** 2))
        censored += int(np.isnan(Ts[-1]))
    inv = 1.0 / np.asarray(eps_ladder, float)
    detail = {"runs": runs, "steps": steps}
    if censored:
        return OrderFit(np.nan, np.nan, inv.tolist(), Ts, censored, detail)
    fit = loglog_fit(inv, Ts)

    def exponent_of(idx):  # p on one resample of the runs; NaN when some accuracy is then not reached
        Tb = [_first_below(T, np.nanmean(a[:, idx], axis=1), float(e) ** 2) for a, e in zip(averages, eps_ladder)]
        return np.nan if np.isnan(Tb).any() else slope(inv, Tb)

    spread, dropped = np.nan, 0  # one run has no spread to resample
    if runs > 1:
        with warnings.catch_warnings():  # a NaN resample makes scipy warn about its interval, which is not used
            warnings.simplefilter("ignore", stats.DegenerateDataWarning)
            boots = stats.bootstrap((np.arange(runs),), exponent_of, n_resamples=bootstrap, vectorized=False,
                                    method="percentile", rng=np.random.default_rng(seed)).bootstrap_distribution
        # resamples that miss an accuracy are left out (as before), and counted
        dropped = int(np.isnan(boots).sum())
        kept = boots[~np.isnan(boots)]
        # sd about the first draw (shift-invariant): exactly 0 when every resample gives the same p
        spread = float(np.std(kept - kept[0], ddof=1)) if kept.size > 1 else np.nan
    return OrderFit(float(fit.slope), spread, inv.tolist(), Ts, 0,
                    {**detail, "fit_stderr": float(fit.stderr), "bootstrap_dropped": dropped})
