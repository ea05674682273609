"""Monitors: judgments made inside the batched loop, at every step of every run (reference.run
calls each with the step's quantities)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from convcheck.reference.backend import to_host
from convcheck.theory.numeric import compile_expr

from .join import Join
from .verdicts import RTOL, Part


class OneStepMonitor:
    """Keeps, per run, the worst (lhs - rhs) / scale of the one-step inequality ``lhs <= rhs`` over
    all steps, on the runs meeting the inequality's own conditions.

    A potential's ||s_t||^2 and ||s_{t+1}||^2 come from ``next_state(s_t, x_t, x_{t+1})`` = s_{t+1}, from s_0 = 0
    (which meets any stated initial ||s_0||^2 >= 0)."""

    def __init__(self, one_step, join: Join, next_state=None):
        if one_step.potential is not None and next_state is None:
            raise ValueError("the one-step inequality decreases a potential: give the state's next_state(s, x, x_next)")
        if one_step.potential is not None and one_step.potential.shifted:
            raise ValueError("the potential reads f at a shifted point z_t, which the monitor does not measure")
        self.next_state, self.s = next_state, None
        self.margin, self.names = compile_expr(one_step.rhs - one_step.lhs)
        self.scale, _ = compile_expr(sum(abs(a) for a in sp.Add.make_args(sp.expand(one_step.rhs - one_step.lhs))))
        self.env = dict(join.env)
        self.mask = join.meets(one_step.conditions)
        self.needs_next = "grad_sq_next" in self.names
        self.prev = None
        self.worst = np.full(join.runs, -np.inf)
        self.worst_step = np.full(join.runs, -1)

    def __call__(self, q):
        cur = {k: q[k] for k in ("f", "f_next", "grad_sq", "inner", "oracle_sq", "alive", "t")}
        if self.next_state is not None:
            x = to_host(q["x"])
            s = np.zeros_like(x) if self.s is None else self.s
            self.s = self.next_state(s, x, to_host(q["x_next"]))
            cur["state_sq"], cur["state_sq_next"] = np.sum(s ** 2, axis=1), np.sum(self.s ** 2, axis=1)
        if self.needs_next:  # the inequality speaks of grad f(x_{t+1}): judge step t one step later
            prev, self.prev = self.prev, cur
            if prev is None:
                return
            prev["grad_sq_next"] = q["grad_sq"]
            self._judge(prev)
        else:
            self._judge(cur)

    def _judge(self, v):
        env = {**self.env, **{k: to_host(v[k]) for k in ("f", "f_next", "grad_sq", "inner", "oracle_sq",
                                                             "grad_sq_next", "state_sq", "state_sq_next") if k in v}}
        m = self.margin(env)
        # f is computed with cancellation near a minimiser, so differences below RTOL times the
        # problem's scale (the run's Delta) are not resolved by float64 and are not judged
        s = self.scale(env) + np.abs(env["f"]) + np.abs(self.env.get("Delta", 0.0)) + 1e-300
        viol = np.where(self.mask & to_host(v["alive"]), -m / s, -np.inf)
        worse = viol > self.worst
        self.worst = np.where(worse, viol, self.worst)
        self.worst_step = np.where(worse, v["t"], self.worst_step)

    def part(self, statement: str) -> Part:
        checked = int(self.mask.sum())
        if checked == 0:
            return Part("one-step", "does not apply", "no run meets the one-step inequality's conditions")
        bad = self.worst > RTOL
        if bad.any():
            r = int(np.argmax(self.worst))
            return Part("one-step", "violated",
                        f"{statement} fails for {int(bad.sum())} of {checked} runs; worst: run {r} at step "
                        f"{int(self.worst_step[r])}, excess {self.worst[r]:.3g} of the terms' scale",
                        worst={"run": r, "step": int(self.worst_step[r]), "relative_excess": float(self.worst[r])})
        return Part("one-step", "holds", f"{statement}: held at every step of {checked} runs "
                                         f"(float tolerance {RTOL:g} x (|terms| + |f| + Delta))")


class ContractionMonitor:
    """The contraction f(x_{t+1}) - f* <= rho (f(x_t) - f*) at every step of every run (rho per run, from the
    theorem's rate hint), judged relative to the gap itself, down to gaps of RTOL Delta (float64 does not resolve
    smaller differences of f in general); also the
    tightness: the worst measured (f(x_{t+1}) - f*) / (rho (f(x_t) - f*)) over steps and runs."""

    def __init__(self, rho: sp.Expr, join: Join, f_star: float):
        self.rho = np.broadcast_to(join.per_run(rho), (join.runs,))
        self.delta = np.broadcast_to(join.per_run(sp.Symbol("Delta", positive=True)), (join.runs,))
        self.f_star = float(f_star)
        self.mask = join.meets(())
        self.worst = np.full(join.runs, -np.inf)
        self.worst_step = np.full(join.runs, -1)
        self.ratio = np.full(join.runs, -np.inf)

    def __call__(self, q):
        f, f_next = to_host(q["f"]), to_host(q["f_next"])
        gap, gap_next = f - self.f_star, f_next - self.f_star
        alive = self.mask & to_host(q["alive"])
        # f is exact to a few ulps of |f| (f* of |f*|) at best, and to RTOL of the problem's scale Delta at worst (the
        # rounding of a sum of large terms): a gap below that is not resolved and not judged, as in OneStepMonitor
        floor = 8 * np.finfo(float).eps * (np.abs(f) + np.abs(f_next) + abs(self.f_star)) + RTOL * self.delta + 1e-300
        viol = np.where(alive, (gap_next - self.rho * gap) / (np.abs(gap) + np.abs(gap_next) + floor), -np.inf)
        worse = viol > self.worst
        self.worst = np.where(worse, viol, self.worst)
        self.worst_step = np.where(worse, q["t"], self.worst_step)
        resolved = alive & (self.rho * gap > 1e3 * floor)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.ratio = np.maximum(self.ratio, np.where(resolved, gap_next / (self.rho * gap), -np.inf))

    def part(self) -> Part:
        checked = int(self.mask.sum())
        tight = float(np.max(self.ratio)) if np.isfinite(self.ratio).any() else None
        bad = self.worst > RTOL
        if bad.any():
            r = int(np.argmax(self.worst))
            return Part("contraction", "violated",
                        f"f(x_(t+1)) - f* <= rho (f(x_t) - f*) fails for {int(bad.sum())} of {checked} runs; worst: run "
                        f"{r} at step {int(self.worst_step[r])}, excess {self.worst[r]:.3g} of the gaps' scale", tight,
                        {"run": r, "step": int(self.worst_step[r]), "relative_excess": float(self.worst[r])})
        return Part("contraction", "holds", "f(x_(t+1)) - f* <= rho (f(x_t) - f*) held at every step of "
                                            f"{checked} runs (gaps resolved down to {RTOL:g} Delta)" + (f"; worst per-step ratio / rho = {tight:.3g}"
                                                                 if tight is not None else ""), tight)
