"""compare: several optimizers (or settings) on one problem, with the theorems' bounds drawn in.

Every entry runs as one batch over seeds (random starting points, same for every entry). The table
reports medians over seeds; the plot shows the running minimum of ||grad f||^2 against steps on a
log scale, the median with a 10-90% band, and, for each entry a registered theorem applies to, that
theorem's rate (the worst case over the seeds' Delta) dashed in the same colour.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from convcheck import theory
from convcheck.reference import get_backend, optimizers, run
from convcheck.reference.oracles import Exact
from convcheck.theory.model import gap
from convcheck.theory.symbols import Delta as DELTA

from .join import Join
from .verdicts import DoesNotApply


FLOOR = 1e-32  # log-scale floor for plotting squared gradient norms


@dataclass
class Entry:
    label: str
    optimizer: Any
    hp: dict
    trace: Any = None
    bounds: dict = field(default_factory=dict)  # theorem id -> bound per recorded step (worst over seeds)


def default_entries(L: float) -> list[tuple[str, str, dict]]:
    """GD at 1/L, heavy ball and NAG at momentum 0.9 with the same effective step lr/(1 - mu) = 1/L."""
    return [("gd", "gd", {"lr": 1.0 / L}),
            ("heavy_ball", "heavy_ball", {"lr": 0.1 / L, "momentum": 0.9}),
            ("nag", "nag", {"lr": 0.1 / L, "momentum": 0.9})]


def _bounds_for(entry: Entry, objective, oracle, f0: np.ndarray, steps: np.ndarray) -> dict:
    """Rates of the theorems about this optimizer whose assumptions and conditions hold at the entry's
    hyperparameters (each of the theorem's given by the entry: a prescribed one would describe other
    runs), worst case over the seeds' starts."""
    out = {}
    for thm in theory.theorems(algorithm=entry.optimizer.name, function_class=objective.function_class,
                               kind="upper"):
        if thm.rate is None or thm.rate.expectation:
            continue
        if not all(q.name in entry.hp and np.isscalar(entry.hp[q.name]) for q in thm.hyperparameters):
            continue
        try:
            join = Join.of(thm, objective, oracle, f0).with_hyperparameters(entry.hp, int(steps[-1]))
        except DoesNotApply:
            continue
        if not join.conditions()[0].all():
            continue
        T = steps + 1.0 if thm.rate.measure == "min_grad_sq_before_T" else steps.astype(float)
        keep = T >= 1
        expr = thm.rate.bound.expr.subs(gap, DELTA)  # worst case: f(x_0) - f(x_T) <= Delta
        vals = np.full(T.shape, np.nan)
        vals[keep] = np.max(np.broadcast_to(join.value(expr, T=T[keep][:, None]), (int(keep.sum()), join.runs)),
                            axis=1)
        out[thm.id] = vals
    return out


@dataclass
class Comparison:
    objective: Any
    oracle: Any
    entries: list[Entry]
    eps: float

    def rows(self) -> list[dict]:
        out = []
        for e in self.entries:
            tr = e.trace
            thr = self.eps ** 2
            hits = tr.hitting_times[thr]
            reached = hits >= 0
            out.append({"label": e.label, "optimizer": tr.optimizer, "hp": tr.hyperparameters,
                        "median_final_grad_sq": float(np.nanmedian(tr.grad_sq[-1])),
                        "median_min_grad_sq": float(np.nanmedian(tr.min_grad_sq[-1])),
                        "median_final_f": float(np.nanmedian(tr.f[-1])),
                        "reached_eps": f"{int(reached.sum())}/{tr.runs}",
                        "median_steps_to_eps": float(np.median(hits[reached])) if reached.any() else None,
                        "diverged": int(tr.diverged().sum()), "bounds": sorted(e.bounds)})
        return out

    def plot(self, path: str):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4.5))
        for i, e in enumerate(self.entries):
            colour = f"C{i}"
            x = np.maximum(e.trace.steps, 1)
            y = np.maximum(e.trace.min_grad_sq, FLOOR)
            med = np.nanmedian(y, axis=1)
            lo, hi = np.nanpercentile(y, 10, axis=1), np.nanpercentile(y, 90, axis=1)
            ax.plot(x, med, color=colour, label=e.label)
            ax.fill_between(x, lo, hi, color=colour, alpha=0.2)
            for j, (tid, b) in enumerate(e.bounds.items()):
                ax.plot(x, b, color=colour, ls=("--", ":", "-.")[j % 3], lw=1, label=f"{tid} bound ({e.label})")
        ax.axhline(self.eps ** 2, color="grey", lw=0.8, ls=":")
        bottom, top = ax.get_ylim()
        ax.set_ylim(max(bottom, FLOOR), top)  # exact zeros (e.g. a Newton-like step) sit at the floor
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(r"$\min_{t\leq n}\|\nabla f(x_t)\|^2$ (median, 10-90% band)")
        ax.set_title(f"{self.objective.name} (d={self.objective.d}), {self.oracle.describe()}")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)


def compare(entries, objective, oracle=None, steps: int = 500, seeds: int = 32, eps: float = 1e-3,
            seed: int = 0, radius: float = 2.0, progress: bool = False, backend="numpy") -> Comparison:
    """entries: (label, optimizer name or Optimizer, hyperparameters) triples; the runs use ``backend``'s
    namespace (a name or a reference.Backend), from starting points drawn on the host (numpy's numbers)."""
    oracle = oracle or Exact()
    x0 = objective.initial_points(seeds, seed=seed, radius=radius)
    f0 = objective.value(x0)
    done = []
    for label, opt, hp in entries:
        opt = optimizers.get(opt) if isinstance(opt, str) else opt
        e = Entry(label, opt, dict(hp))
        e.trace = run(opt, objective, get_backend(backend).asarray(x0), steps, hp=hp, oracle=oracle, seed=seed,
                      thresholds=[eps ** 2], progress=progress)
        if "f_star" in objective.constants or "f_low" in objective.constants:
            e.bounds = _bounds_for(e, objective, oracle, f0, e.trace.steps)
        done.append(e)
    return Comparison(objective, oracle, done, eps)
