"""After a sweep: each listed theorem judged on each setup that runs its algorithm, and a plot.

The judgement is the checker's, read back from the table rather than from a live trace: the
theorem's constants and hyperparameters come from ``Join`` (constants published by the objective and
the oracle, Delta from each run's f(x_0), the hyperparameters the setup ran with), runs outside the
theorem's conditions are excluded and named, and the rate is judged by ``judges.deterministic_rate``
or ``judges.expected_rate`` at every recorded step. A setup the theorem does not speak of (another
function class, a noisy oracle for an exact-oracle theorem, a hyperparameter the bound assumes at its
default) is "does not apply", naming why. Only the rate is judged: the complexity judge needs
hitting times, which the table does not hold (`convcheck check` judges it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from convcheck import theory

from .. import judges
from ..join import Join
from ..verdicts import VERDICTS, DoesNotApply, Part, SetupReport, worst_verdict
from .chunks import MEASURES
from .grid import SetupSpec
from .store import Store

LEVEL = 0.99  # one-sided confidence level of bounds in expectation, as `convcheck check` defaults
COLUMNS = ["step", *MEASURES, "diverged_at"]
PLOTTED_SETUPS = 12  # curves on the plot's left panel (the first setups in the spec's order)


@dataclass
class Records:
    """One setup's rows as (K, R) arrays [record, run], the shape judges read from a Trace."""
    steps: np.ndarray
    f: np.ndarray
    grad_sq: np.ndarray
    min_grad_sq: np.ndarray
    sum_grad_sq: np.ndarray
    sum_grad_norm: np.ndarray
    decrease: np.ndarray
    diverged_at: np.ndarray

    def select(self, keep: np.ndarray) -> Records:
        return Records(self.steps, *(getattr(self, m)[:, keep] for m in MEASURES), self.diverged_at[keep])


def records(store: Store, setup: SetupSpec) -> Records:
    """One setup's rows, read from its own chunk files (memory: one setup, whatever the sweep's size),
    reshaped to (K, R): the files hold them ordered by run, then step."""
    rows = pa.concat_tables(pq.read_table(store.path(c), columns=COLUMNS) for c in store.spec.chunks_of(setup))
    runs = len(store.spec.seeds)
    steps = rows["step"].to_numpy()
    K = steps.size // runs

    def grid(name):
        return rows[name].to_numpy().reshape(runs, K).T

    return Records(steps[:K], *(grid(m) for m in MEASURES), grid("diverged_at")[0])


def judge(thm, setup: SetupSpec, rec: Records) -> SetupReport:
    """The theorem's rate on one setup's runs (see the module's docstring)."""
    report = SetupReport(setup.label(), "holds")
    try:
        report.parts = _parts(thm, setup, rec, report)
        report.verdict = worst_verdict(p.verdict for p in report.parts)
    except DoesNotApply as why:
        report.verdict, report.note = "does not apply", str(why)
    return report


def _parts(thm, setup: SetupSpec, rec: Records, report: SetupReport) -> list[Part]:
    if setup.optimizer != thm.algorithm:
        raise DoesNotApply(f"{thm.id} is about {thm.algorithm}; this setup runs {setup.optimizer}")
    if setup.convention:
        raise DoesNotApply(f"{thm.id} is about {thm.algorithm} in its default convention; this setup sets "
                           + ", ".join(f"{k}={v}" for k, v in setup.convention))
    unknown = sorted(set(dict(setup.hp)) - set(thm.quantities))
    if unknown:
        raise DoesNotApply(f"{thm.id} has no hyperparameter {', '.join(unknown)}: its bound assumes the "
                           f"optimizer's default")
    obj, orc, opt = setup.build()
    ran = opt.hyperparameters(dict(setup.hp))
    absent = [q.name for q in thm.hyperparameters if q.name not in ran]
    if absent:
        raise DoesNotApply(f"{thm.id}'s hyperparameter {absent[0]} is not one of {opt.name}'s")
    steps = int(rec.steps[-1])
    join = Join.of(thm, obj, orc, rec.f[0]).with_hyperparameters(
        {q.name: float(ran[q.name]) for q in thm.hyperparameters}, steps)
    ok, failed = join.conditions()
    if not ok.any():
        raise DoesNotApply("; ".join(failed))
    if not ok.all():
        report.note = "excluded: " + "; ".join(failed)
        rec, join = rec.select(ok), join.select(ok)
    parts = []
    if (rec.diverged_at >= 0).any():
        r = int(np.argmax(rec.diverged_at >= 0))
        parts.append(Part("divergence", "diverged", f"{int((rec.diverged_at >= 0).sum())} runs diverged; "
                                                    f"run {r} at step {int(rec.diverged_at[r])}"))
    T, values = judges.measure(thm.rate.measure, rec)
    if thm.rate.expectation:
        parts.append(judges.expected_rate("rate", thm.rate.bound.expr, T, values, join, LEVEL))
    else:
        parts.append(judges.deterministic_rate("rate", thm.rate.bound.expr, T, values, join, rec))
    return parts


def theorem_rows(store: Store) -> list[dict]:
    """One row per (theorem, setup running its algorithm): verdict, tightness, note."""
    spec = store.spec
    out = []
    for tid in spec.theorems:
        thm = theory.get(tid)
        for s in spec.setups:
            if s.optimizer != thm.algorithm:
                continue
            rep = judge(thm, s, records(store, s))
            detail = "; ".join(f"{p.name}: {p.detail}" for p in rep.parts)
            out.append({"theorem": tid, "setup": s.index, "label": s.label(), "verdict": rep.verdict,
                        "tightness": rep.tightness, "note": rep.note, "detail": detail})
    return out


def per_theorem(rows: list[dict]) -> list[dict]:
    """Each theorem's verdict counts, its worst verdict and its worst tightness (and where)."""
    out = []
    for tid in dict.fromkeys(r["theorem"] for r in rows):
        mine = [r for r in rows if r["theorem"] == tid]
        tight = [r for r in mine if r["tightness"] is not None]
        worst = max(tight, key=lambda r: r["tightness"]) if tight else None
        applicable = [r["verdict"] for r in mine if r["verdict"] != "does not apply"]
        out.append({"theorem": tid, "verdict": worst_verdict(applicable) if applicable else "does not apply",
                    "counts": {v: sum(r["verdict"] == v for r in mine) for v in VERDICTS
                               if any(r["verdict"] == v for r in mine)},
                    "worst_tightness": worst["tightness"] if worst else None,
                    "worst_setup": worst["setup"] if worst else None})
    return out


def plot(store: Store, rows: list[dict], path: str) -> None:
    """Left: median (10-90% band) of min_{t<=n} ||grad f(x_t)||^2 per setup. Right: tightness per
    setup and theorem, coloured by verdict (the line at 1 is the bound)."""
    import matplotlib  # as compare.py: the back end is chosen only when a plot is drawn

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    spec = store.spec
    fig, axes = plt.subplots(1, 2 if rows else 1, figsize=(12 if rows else 7, 4.5), squeeze=False)
    ax = axes[0, 0]
    for s in spec.setups[:PLOTTED_SETUPS]:
        rec = records(store, s)
        y = np.maximum(rec.min_grad_sq, 1e-32)
        x = np.maximum(rec.steps, 1)
        ax.plot(x, np.nanmedian(y, axis=1), color=f"C{s.index % 10}", label=s.label(), lw=1)
        ax.fill_between(x, np.nanpercentile(y, 10, axis=1), np.nanpercentile(y, 90, axis=1),
                        color=f"C{s.index % 10}", alpha=0.15)
    ax.set(xscale="log", yscale="log", xlabel="step", ylabel=r"$\min_{t\leq n}\|\nabla f(x_t)\|^2$",
           title=f"{len(spec.setups)} setups x {len(spec.seeds)} seeds"
                 + (f" (first {PLOTTED_SETUPS} drawn)" if len(spec.setups) > PLOTTED_SETUPS else ""))
    ax.legend(fontsize=6)
    if rows:
        ax = axes[0, 1]
        colours = {"holds": "C2", "inconclusive": "C1", "diverged": "C4", "violated": "C3"}
        for i, tid in enumerate(spec.theorems):
            for v, colour in colours.items():
                pts = [(r["setup"], r["tightness"]) for r in rows if r["theorem"] == tid and r["verdict"] == v
                       and r["tightness"] is not None]
                if pts:
                    xs, ys = zip(*pts)
                    ax.scatter(xs, ys, color=colour, marker="os^dv"[i % 5], s=18, label=f"{tid}: {v}")
        ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set(yscale="log", xlabel="setup", ylabel="empirical / bound (max over runs and T)",
               title="tightness per setup" + ("" if ax.collections else ": no setup the theorems apply to"))
        if ax.collections:
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
