"""Momentum methods (theory/momentum/): heavy ball and NAG on L-smooth functions, heavy ball on PL functions.

heavy_ball.smooth and nag.smooth decrease a potential Psi_t = f(x_t) + a ||s_t||^2 at every step; the checker
monitors that step on every run and judges the rate and T(eps) as for any upper bound. The setups sweep lr over
(0, 2 (1 - momentum)/L) at each momentum on the baselines' smooth problems. The state s_t is rebuilt from the
iterates (so a user's own implementation is held to the same s_t): heavy ball's s_t = x_t - x_{t-1}; NAG's
s_t = p_{t-1} = -lr b_{t-1}, p_t = (mu p_{t-1} + x_{t+1} - x_t)/(1 + mu) (from p_t = mu p_{t-1} - lr g_t and
x_{t+1} - x_t = mu^2 p_{t-1} - lr (1 + mu) g_t); s_0 = 0 for both (torch's b_0 = g_0).

sgd_momentum.smooth and its EMA form sgd_momentum.smooth.ema (run as ema_momentum) are checked as sgd.smooth is, on
sgd.smooth's problems and oracles (Gaussian noise, minibatch) at each momentum, with the prescribed lr: the potential
step holds in expectation (E_t), so it is not monitored pathwise; the expected rate, the rate at the prescription and
T(eps) are judged with a one-sided confidence bound.

heavy_ball.pl is a property theorem (its potential contracts, Psi_{t+1} <= rho Psi_t, a rule the theorem model's
links do not have yet), so its check is here: Psi's contraction monitored at every step (PLLyapunovMonitor), the
certified rate and T(eps) judged on the theorem with those formulas stated.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from convcheck.reference import get_backend, optimizers, run
from convcheck.reference.backend import to_host
from convcheck.theory.momentum import heavy_ball_pl as hb_pl
from convcheck.theory.momentum import nag

from .. import judges
from ..join import Join
from ..setups import Setup
from ..verdicts import RTOL, DoesNotApply, Part
from .baselines import pl_problems, sgd_smooth, smooth_problems

MOMENTA = (0.5, 0.9)


def momentum_setups(momenta=MOMENTA, runs: int = 64, steps: int = 2000, problems=None, seed: int = 0):
    return [Setup(obj, runs=runs, steps=steps, sweep=True, hp={"momentum": float(m)}, seed=seed)
            for m in momenta for obj in (problems if problems is not None else smooth_problems())]


def sgd_momentum_setups(momenta=MOMENTA):
    """sgd.smooth's stochastic setups (Gaussian noise on sin_squared, minibatches of logistic) at each momentum."""
    return [dataclasses.replace(s, hp={"momentum": float(m)}) for m in momenta for s in sgd_smooth()]


def heavy_ball_state(join: Join):
    """s_{t+1} = x_{t+1} - x_t."""
    return lambda s, x, x_next: x_next - x


def nag_state(join: Join):
    """s_{t+1} = p_t = (mu p_{t-1} + x_{t+1} - x_t)/(1 + mu)."""
    mu = join.per_run(nag.mu)[:, None]
    return lambda s, x, x_next: (mu * s + x_next - x) / (1 + mu)


class PLLyapunovMonitor:
    """Worst relative excess of Psi_{t+1} - rho Psi_t per run, Psi_t = f(x_t) - f* + a ||x_t - x_{t-1}||^2 (x_{-1} = x_0),
    judged down to RTOL Delta (as convcheck.monitors.ContractionMonitor); step t is judged at call t + 1. Also the
    tightness: the worst Psi_{t+1} / (rho Psi_t)."""

    def __init__(self, join: Join, module, f_star: float):
        self.a, self.rho = join.per_run(module.a), join.per_run(module.rho)
        self.delta, self.f_star = join.per_run(module.Delta), float(f_star)
        self.x_prev = self.pending = None
        self.worst = np.full(join.runs, -np.inf)
        self.ratio = np.full(join.runs, -np.inf)
        self.judged = 0

    def __call__(self, q):
        x, f = to_host(q["x"]), to_host(q["f"])
        ss = np.zeros(len(x)) if self.x_prev is None else np.sum((x - self.x_prev) ** 2, axis=1)
        psi = f - self.f_star + self.a * ss
        if self.pending is not None:
            psi_prev, alive = self.pending
            floor = 8 * np.finfo(float).eps * (np.abs(f) + abs(self.f_star)) + RTOL * self.delta + 1e-300
            excess = (psi - self.rho * psi_prev) / (np.abs(psi) + np.abs(psi_prev) + floor)
            self.worst = np.maximum(self.worst, np.where(alive, excess, -np.inf))
            with np.errstate(divide="ignore", invalid="ignore"):
                resolved = alive & (self.rho * psi_prev > 1e3 * floor)
                self.ratio = np.maximum(self.ratio, np.where(resolved, psi / (self.rho * psi_prev), -np.inf))
            self.judged += 1
        self.pending = (psi, to_host(q["alive"]))
        self.x_prev = x

    def part(self) -> Part:
        tight = float(np.max(self.ratio)) if np.isfinite(self.ratio).any() else None
        bad = self.worst > RTOL
        if bad.any():
            r = int(np.argmax(self.worst))
            return Part("Lyapunov contraction", "violated", f"Psi_{{t+1}} <= rho Psi_t fails for {int(bad.sum())} runs; "
                                                            f"worst: run {r}, excess {self.worst[r]:.3g} of the scale", tight)
        return Part("Lyapunov contraction", "holds", f"Psi_{{t+1}} <= rho Psi_t held at {self.judged} steps of "
                                                     f"{self.worst.size} runs (resolved down to {RTOL:g} Delta)"
                    + (f"; worst Psi_(t+1)/(rho Psi_t) = {tight:.3g}" if tight is not None else ""), tight)


def heavy_ball_pl(momenta=(0.3, 0.6), runs: int = 64, steps: int = 600, seed: int = 0,
                  optimizer=None) -> list[Part]:
    """Psi_{t+1} <= rho Psi_t, the rate and T(eps) of heavy_ball.pl on the PL catalogue, lr swept over
    (0, (1 - momentum^2)/L) at each momentum."""
    momenta = (momenta,) if np.isscalar(momenta) else tuple(momenta)
    return [p for s in momentum_setups(momenta, int(runs), int(steps), pl_problems(), int(seed)) 
            for p in _check_pl(s, optimizer)]


def heavy_ball_pl_bound():
    """heavy_ball.pl with its certified rate and T(eps) stated: what runs and PEP are held to."""
    return dataclasses.replace(hb_pl.theorem, kind="upper", rate=hb_pl.STATED["rate"],
                               complexity=hb_pl.STATED["complexity"])


def _check_pl(setup: Setup, optimizer=None) -> list[Part]:
    thm = heavy_ball_pl_bound()
    f_star = setup.objective.constants.get("f_star")
    if f_star is None:
        raise DoesNotApply(f"{setup.objective.name} publishes no exact f_star: f(x_T) - f* is not measurable")
    x0 = setup.objective.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
    join = Join.of(thm, setup.objective, setup.oracle, setup.objective.value(x0))
    join = join.with_hyperparameters(setup.hp, setup.steps, setup.sweep)
    ok, failed = join.conditions()
    if not ok.any():
        raise DoesNotApply("; ".join(failed))
    x0, join = x0[ok], join.select(ok)
    optimizer = optimizer or optimizers.get(thm.algorithm)
    hp = {k: np.asarray(v, float).reshape(join.runs, 1) for k, v in join.env.items() if k in optimizer.defaults}
    monitor = PLLyapunovMonitor(join, hb_pl, f_star)
    tr = run(optimizer, setup.objective, get_backend(setup.backend).asarray(x0), setup.steps, hp=hp,
             oracle=setup.oracle, seed=setup.seed, monitors=[monitor])
    parts = [monitor.part()]
    if tr.diverged().any():
        parts.append(Part("divergence", "diverged", f"{int(tr.diverged().sum())} runs diverged"))
    T, values = judges.measure(thm.rate.measure, tr, f_star)
    parts += [judges.deterministic_rate("rate", thm.rate.bound.expr, T, values, join, tr),
              judges.gap_complexity(join, T, values, setup.steps)]
    return [dataclasses.replace(p, detail=f"{setup.describe()}: {p.detail}") for p in parts]


SETUPS = {"heavy_ball.smooth": momentum_setups, "nag.smooth": momentum_setups,
          "sgd_momentum.smooth": sgd_momentum_setups, "sgd_momentum.smooth.ema": sgd_momentum_setups}
CHECKS = {"heavy_ball.pl": heavy_ball_pl}
STATES = {"heavy_ball.smooth": heavy_ball_state, "nag.smooth": nag_state}
BOUNDS = {"heavy_ball.pl": heavy_ball_pl_bound}
