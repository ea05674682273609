"""Empirical orders: the exponent p of a power law fitted on a ladder, with its spread.

Where no bound is certified, a claimed order is checked by measurement: T(eps), the median over
runs of the first step with ||grad f(x_t)||^2 <= eps^2, for a ladder of eps with the theorem's
hyperparameters prescribed at each eps; p is the least-squares slope of log T against log(1/eps).
The spread is the standard deviation of p over bootstrap resamples of the runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reference import run


def slope(x, y) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(lx, ly, 1)[0])


@dataclass
class OrderFit:
    exponent: float
    spread: float
    x: list            # the ladder (1/eps, or 1/lr)
    y: list            # the measured medians
    censored: int = 0  # runs that never reached the target (counted at the horizon)
    detail: dict = field(default_factory=dict)

    def describe(self, what: str = "T(eps)") -> str:
        return f"{what} ~ eps^-p with p = {self.exponent:.2f} +- {self.spread:.2f} (bootstrap sd)"

    def to_dict(self):
        return {"exponent": self.exponent, "spread": self.spread, "x": self.x, "y": self.y,
                "censored": self.censored, **self.detail}


def bootstrap_slope(x, samples: list[np.ndarray], stat=np.median, n: int = 200, seed: int = 0) -> tuple[float, float]:
    """Slope of log stat(samples[i]) against log x[i], and its sd over resamples within each sample."""
    rng = np.random.default_rng(seed)
    p = slope(x, [stat(s) for s in samples])
    boots = [slope(x, [stat(rng.choice(s, size=s.size)) for s in samples]) for _ in range(n)]
    return p, float(np.std(boots, ddof=1))


def hitting_order(optimizer, objective, oracle, eps_ladder, hp_of_eps, runs: int = 64, steps: int = 20000,
                  seed: int = 0, radius: float = 2.0) -> OrderFit:
    """Fit T(eps) ~ eps^-p: for each eps, ``runs`` runs with hyperparameters ``hp_of_eps(eps)``."""
    x0 = objective.initial_points(runs, seed=seed, radius=radius)
    samples, censored = [], 0
    for i, eps in enumerate(eps_ladder):
        thr = float(eps) ** 2
        tr = run(optimizer, objective, x0, steps, hp=hp_of_eps(float(eps)), oracle=oracle, seed=seed + i,
                 thresholds=[thr], record=[0, steps])
        hits = tr.hitting_times[thr].astype(float)
        censored += int((hits < 0).sum())
        samples.append(np.where(hits < 0, steps, hits) + 1.0)  # T counts gradients: hit at index n -> n + 1
    inv = 1.0 / np.asarray(eps_ladder, float)
    p, sd = bootstrap_slope(inv, samples, seed=seed)
    return OrderFit(p, sd, inv.tolist(), [float(np.median(s)) for s in samples], censored,
                    {"runs": runs, "steps": steps})
