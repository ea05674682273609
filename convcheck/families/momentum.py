"""Momentum methods (theory/momentum/): heavy ball and NAG on L-smooth functions. Default setups and state hooks.

heavy_ball.smooth and nag.smooth decrease a potential Psi_t = f(x_t) + a ||s_t||^2 at every step; the checker
monitors that step on every run and judges the rate and T(eps) as for any upper bound. The setups sweep lr over
(0, 2 (1 - momentum)/L) at each momentum on the baselines' smooth problems. The state s_t is rebuilt from the
iterates (so a user's own implementation is held to the same s_t): heavy ball's s_t = x_t - x_{t-1}; NAG's
s_t = p_{t-1} = -lr b_{t-1}, p_t = (mu p_{t-1} + x_{t+1} - x_t)/(1 + mu) (from p_t = mu p_{t-1} - lr g_t and
x_{t+1} - x_t = mu^2 p_{t-1} - lr (1 + mu) g_t); s_0 = 0 for both (torch's b_0 = g_0).
"""
from __future__ import annotations

from convcheck.theory.momentum import nag

from ..join import Join
from ..setups import Setup
from .baselines import smooth_problems

MOMENTA = (0.5, 0.9)


def momentum_setups(momenta=MOMENTA, runs: int = 64, steps: int = 2000, problems=None, seed: int = 0):
    return [Setup(obj, runs=runs, steps=steps, sweep=True, hp={"momentum": float(m)}, seed=seed)
            for m in momenta for obj in (problems if problems is not None else smooth_problems())]


def heavy_ball_state(join: Join):
    """s_{t+1} = x_{t+1} - x_t."""
    return lambda s, x, x_next: x_next - x


def nag_state(join: Join):
    """s_{t+1} = p_t = (mu p_{t-1} + x_{t+1} - x_t)/(1 + mu)."""
    mu = join.per_run(nag.mu)[:, None]
    return lambda s, x, x_next: (mu * s + x_next - x) / (1 + mu)


SETUPS = {"heavy_ball.smooth": momentum_setups, "nag.smooth": momentum_setups}
CHECKS = {}
STATES = {"heavy_ball.smooth": heavy_ball_state, "nag.smooth": nag_state}
