"""Momentum methods (theory/momentum/): heavy ball on L-smooth functions. Numeric checks.

heavy_ball.smooth is stated as a property theorem (its Lyapunov function is outside the theorem model's
one-step inequality; see theory/momentum/heavy_ball.py), so its check is here: heavy ball on the smooth
problems of the baselines, lr swept over (0, 2 (1 - momentum)/L) at each momentum, judged against the
certified rate and T(eps) (the checker's judges, on the theorem with those formulas stated), with the
Lyapunov inequality Psi_{t+1} <= Psi_t - c ||grad f(x_t)||^2, Psi_t = f(x_t) + a ||x_t - x_{t-1}||^2,
monitored at every step of every run.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from convcheck.reference import optimizers, run
from convcheck.theory.momentum import heavy_ball as hb

from .. import judges
from ..join import Join
from ..setups import Setup
from ..verdicts import RTOL, DoesNotApply, Part
from .baselines import smooth_problems

MOMENTA = (0.5, 0.9)


def heavy_ball_setups(momenta=MOMENTA, runs: int = 64, steps: int = 2000, problems=None):
    return [Setup(obj, runs=runs, steps=steps, sweep=True, hp={"momentum": float(m)})
            for m in momenta for obj in (problems if problems is not None else smooth_problems())]


def stated_heavy_ball():
    """heavy_ball.smooth with its certified rate and T(eps) stated, for the checker's judges."""
    return dataclasses.replace(hb.theorem, kind="upper", rate=hb.STATED["rate"], complexity=hb.STATED["complexity"])


class LyapunovMonitor:
    """Worst relative excess of Psi_{t+1} - (Psi_t - c ||g_t||^2) per run; step t is judged at call t + 1,
    when x_{t+1} (hence d_{t+1}) is known."""

    def __init__(self, join: Join):
        short = join.per_run(hb.L * hb.lr) <= join.per_run(1 - hb.mu ** 2)
        self.a = np.where(short, join.per_run(hb.a_S), join.per_run(hb.a_B))
        self.c = join.per_run(hb.coef)
        self.delta = join.per_run(hb.Delta)
        self.x_prev = self.pending = None
        self.worst = np.full(join.runs, -np.inf)
        self.judged = 0

    def __call__(self, q):
        x = np.asarray(q["x"])
        dd = np.zeros(x.shape[0]) if self.x_prev is None else np.sum((x - self.x_prev) ** 2, axis=1)
        if self.pending is not None:
            f, f_next, g2, dd_prev, alive = self.pending
            margin = (f + self.a * dd_prev - self.c * g2) - (f_next + self.a * dd)
            scale = np.abs(f) + np.abs(f_next) + self.a * (dd + dd_prev) + self.c * g2 + self.delta + 1e-300
            self.worst = np.maximum(self.worst, np.where(alive, -margin / scale, -np.inf))
            self.judged += 1
        self.pending = (np.asarray(q["f"]), np.asarray(q["f_next"]), np.asarray(q["grad_sq"]), dd,
                        np.asarray(q["alive"]))
        self.x_prev = x

    def part(self) -> Part:
        bad = self.worst > RTOL
        if bad.any():
            r = int(np.argmax(self.worst))
            return Part("Lyapunov step", "violated", f"Psi_{{t+1}} <= Psi_t - c ||g_t||^2 fails for {int(bad.sum())} "
                                                     f"runs; worst: run {r}, excess {self.worst[r]:.3g} of the scale")
        return Part("Lyapunov step", "holds", f"Psi_{{t+1}} <= Psi_t - c ||g_t||^2 held at {self.judged} steps of "
                                              f"{self.worst.size} runs (float tolerance {RTOL:g} x scale)")


def _check_setup(setup: Setup) -> list[Part]:
    thm = stated_heavy_ball()
    x0 = setup.objective.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
    join = Join.of(thm, setup.objective, setup.oracle, setup.objective.value(x0))
    join = join.with_hyperparameters(setup.hp, setup.steps, setup.sweep)
    ok, failed = join.conditions()
    if not ok.any():
        raise DoesNotApply("; ".join(failed))
    x0, join = x0[ok], join.select(ok)
    optimizer = optimizers.get(thm.algorithm)
    hp = {k: np.asarray(v, float).reshape(join.runs, 1) for k, v in join.env.items() if k in optimizer.defaults}
    monitor = LyapunovMonitor(join)
    thresholds = judges.complexity_thresholds(join, setup.steps)
    tr = run(optimizer, setup.objective, x0, setup.steps, hp=hp, oracle=setup.oracle, seed=setup.seed,
             thresholds=thresholds, monitors=[monitor])
    parts = [monitor.part()]
    if tr.diverged().any():
        parts.append(Part("divergence", "diverged", f"{int(tr.diverged().sum())} runs diverged"))
    T, values = judges.measure(thm.rate.measure, tr)
    parts += [judges.deterministic_rate("rate", thm.rate.bound.expr, T, values, join, tr),
              judges.complexity(join, tr, thresholds)]
    label = setup.describe()
    return [dataclasses.replace(p, detail=f"{label}: {p.detail}") for p in parts]


def heavy_ball_smooth(momenta=MOMENTA, runs: int = 64, steps: int = 2000) -> list[Part]:
    """The Lyapunov step, the rate and T(eps) of heavy_ball.smooth on the baselines' smooth problems."""
    momenta = (momenta,) if np.isscalar(momenta) else tuple(momenta)
    return [p for s in heavy_ball_setups(momenta, int(runs), int(steps)) for p in _check_setup(s)]


SETUPS = {}
CHECKS = {"heavy_ball.smooth": heavy_ball_smooth}
