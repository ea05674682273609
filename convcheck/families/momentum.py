"""Momentum methods (theory/momentum/): heavy ball and NAG on L-smooth functions. Numeric checks.

heavy_ball.smooth and nag.smooth are stated as property theorems (their Lyapunov functions are outside the
theorem model's one-step inequality; see theory/momentum/heavy_ball.py), so their checks are here: the method on
the smooth problems of the baselines, lr swept over (0, 2 (1 - momentum)/L) at each momentum, judged against the
certified rate and T(eps) (the checker's judges, on the theorem with those formulas stated), with the Lyapunov
inequality Psi_{t+1} <= Psi_t - c ||grad f(x_t)||^2, Psi_t = f(x_t) + a ||s_t||^2, monitored at every step of every
run. The state s_t is rebuilt from the iterates: heavy ball's s_t = x_t - x_{t-1}; NAG's s_t = p_{t-1} = -lr b_{t-1},
p_t = (mu p_{t-1} + x_{t+1} - x_t)/(1 + mu) (from p_t = mu p_{t-1} - lr g_t and x_{t+1} - x_t = mu^2 p_{t-1} - lr (1 + mu) g_t).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from convcheck.reference import optimizers, run
from convcheck.theory.momentum import heavy_ball as hb
from convcheck.theory.momentum import nag

from .. import judges
from ..join import Join
from ..setups import Setup
from ..verdicts import RTOL, DoesNotApply, Part
from .baselines import smooth_problems

MOMENTA = (0.5, 0.9)


def heavy_ball_setups(momenta=MOMENTA, runs: int = 64, steps: int = 2000, problems=None, seed: int = 0):
    return [Setup(obj, runs=runs, steps=steps, sweep=True, hp={"momentum": float(m)}, seed=seed)
            for m in momenta for obj in (problems if problems is not None else smooth_problems())]


def stated(module):
    """The module's theorem with its certified rate and T(eps) stated, for the checker's judges."""
    return dataclasses.replace(module.theorem, kind="upper", rate=module.STATED["rate"],
                               complexity=module.STATED["complexity"])


def stated_heavy_ball():
    return stated(hb)


def _heavy_ball_state(join):
    return lambda s, x, x_next: x_next - x


def _nag_state(join):
    mu = join.per_run(nag.mu)[:, None]
    return lambda s, x, x_next: (mu * s + x_next - x) / (1 + mu)


class LyapunovMonitor:
    """Worst relative excess of Psi_{t+1} - (Psi_t - c ||g_t||^2) per run, Psi_t = f(x_t) + a ||s_t||^2 with
    s_{t+1} = next_state(s_t, x_t, x_{t+1}) and s_0 = 0; step t is judged at call t + 1, when x_{t+1} is known."""

    def __init__(self, join: Join, module, next_state):
        short = join.per_run(module.lr) <= join.per_run(module.SHORT.relation.rhs)
        self.a = np.where(short, join.per_run(module.a_S), join.per_run(module.a_B))
        self.c = join.per_run(module.coef)
        self.delta = join.per_run(module.Delta)
        self.next_state = next_state
        self.x_prev = self.s = self.pending = None
        self.worst = np.full(join.runs, -np.inf)
        self.judged = 0

    def __call__(self, q):
        x = np.asarray(q["x"])
        if self.x_prev is None:
            self.s = np.zeros_like(x)
        else:
            self.s = self.next_state(self.s, self.x_prev, x)
        ss = np.sum(self.s ** 2, axis=1)
        if self.pending is not None:
            f, f_next, g2, ss_prev, alive = self.pending
            margin = (f + self.a * ss_prev - self.c * g2) - (f_next + self.a * ss)
            scale = np.abs(f) + np.abs(f_next) + self.a * (ss + ss_prev) + self.c * g2 + self.delta + 1e-300
            self.worst = np.maximum(self.worst, np.where(alive, -margin / scale, -np.inf))
            self.judged += 1
        self.pending = (np.asarray(q["f"]), np.asarray(q["f_next"]), np.asarray(q["grad_sq"]), ss,
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


def _check_setup(setup: Setup, module, next_state, optimizer=None) -> list[Part]:
    thm = stated(module)
    x0 = setup.objective.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
    join = Join.of(thm, setup.objective, setup.oracle, setup.objective.value(x0))
    join = join.with_hyperparameters(setup.hp, setup.steps, setup.sweep)
    ok, failed = join.conditions()
    if not ok.any():
        raise DoesNotApply("; ".join(failed))
    x0, join = x0[ok], join.select(ok)
    optimizer = optimizer or optimizers.get(thm.algorithm)
    hp = {k: np.asarray(v, float).reshape(join.runs, 1) for k, v in join.env.items() if k in optimizer.defaults}
    monitor = LyapunovMonitor(join, module, next_state(join))
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


def heavy_ball_smooth(momenta=MOMENTA, runs: int = 64, steps: int = 2000, seed: int = 0,
                      optimizer=None) -> list[Part]:
    """The Lyapunov step, the rate and T(eps) of heavy_ball.smooth on the baselines' smooth problems."""
    momenta = (momenta,) if np.isscalar(momenta) else tuple(momenta)
    return [p for s in heavy_ball_setups(momenta, int(runs), int(steps), seed=int(seed))
            for p in _check_setup(s, hb, _heavy_ball_state, optimizer)]


def nag_smooth(momenta=MOMENTA, runs: int = 64, steps: int = 2000, seed: int = 0,
               optimizer=None) -> list[Part]:
    """The Lyapunov step, the rate and T(eps) of nag.smooth (torch's form) on the baselines' smooth problems."""
    momenta = (momenta,) if np.isscalar(momenta) else tuple(momenta)
    return [p for s in heavy_ball_setups(momenta, int(runs), int(steps), seed=int(seed))
            for p in _check_setup(s, nag, _nag_state, optimizer)]


SETUPS = {}
CHECKS = {"heavy_ball.smooth": heavy_ball_smooth, "nag.smooth": nag_smooth}
