r"""Study: INNA vs SGD vs Adam on a tiny ReLU network, training loss and D-criticality (INNA card
shared/papers/inna_bayes_importance_sampling.md, sections 1.4, 1.5, 1.8: the paper's Fig. 4 question
"q = 1/4 beats Adam"). The paper's set-up (Network-in-Network CNNs on MNIST/CIFAR, Keras) is NOT
reproduced: this is a 33-parameter network on 64 synthetic samples.

Objective: ``objectives.get("relu_net", n, p, m, seed=data_seed)``, J = SUM over the n samples of
1/2 (residual)^2 (the paper's eq. 3; J/n, the mean, is reported too). Starts: Glorot-uniform
(``relu_net.initial_points(1, seed=s)``), one per seed, the same for every method (common random
numbers).

Oracle: ``reference.oracles.Minibatch(batch)``: B indices i.i.d. uniform WITH replacement per step
(Assumption 1's sampling), drawn from per-seed streams (``run(..., run_seeds=...)``: run r draws from
default_rng([1, seed_r])), so all methods and settings see the same minibatches for a given seed. The
answer is ``relu_net.component_grad`` = (n/B) sum_b grad J_{i_b}, unbiased for grad J; the paper's
v_k = sum_{n in B_k} grad J_n is B/n times it (for SGD a rescaling of gamma_0; for INNA it also
rescales beta's weight on the gradient only). The runs never evaluate the full gradient
(``measure_grad=False``); a run has diverged once J, evaluated at the records (and the step after
each), is not finite or beyond reference.runner.BLOWUP.

Methods (one batch each; (q, gamma_0) settings x seeds as rows, hyperparameters as (R, 1) columns):

* INNA (eq. 12, psi0 = paper, (alpha, beta) = (0.5, 0.1), the paper's default) and SGD (no momentum),
  gamma_k = gamma_0 (k + 1)^-q (``schedules.power`` with per-run gamma_0 and q), q in ``qs``, gamma_0
  from a per-method grid; for each (method, q) the gamma_0 with the lowest median (over seeds) final
  full-batch training loss is selected (the paper: the gamma_0 that most decreases the training loss
  after 15 epochs, per algorithm; a setting with a diverged seed is not eligible, and counts as +inf
  in the grid's medians). Whether the choice is at the grid's edge is recorded.
* Adam (torch's, betas (0.9, 0.999), eps 1e-8) at a fixed lr, chosen from its grid the same way.

Recorded at ``records`` steps (log- and linearly spaced): J(theta_k), J/n, and dist(0, D J(theta_k))
(``relu_net.d_criticality``: the exact distance to D J = sum_i Clarke(J_i) when no unit has two or
more kinked samples - in particular with no kink active, where D J = {grad J} and the value is
|grad J| - else an upper bound); ``kinked_records`` counts the (record, run) pairs with an active kink
(a computed pre-activation exactly 0) and ``inexact_records`` those where the value is only a bound.

Output: ``inna_relu.png`` (J/n and D-criticality against steps, median and min-max band over seeds,
the selected configuration of each (method, q)), ``inna_relu.json`` (every number, including the
whole grid's final losses and the curves), ``table``; the written conclusion is
proofs_notes/studies/inna_relu.md.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from convcheck.reference import objectives, optimizers
from convcheck.reference import run as reference_run
from convcheck.reference.oracles import Minibatch
from convcheck.reference.schedules import power
from convcheck.texttable import table as tab

from . import common

NAME = "inna-relu"
STREAM = 1  # the minibatch streams: run r draws from default_rng([STREAM, seed_r])
METHODS = ("inna", "inna_code", "sgd", "adam")  # inna: the paper's psi0; inna_code: the PyTorch code's


@dataclass
class Config:
    n: int = 64
    p: int = 2
    m: int = 8
    data_seed: int = 0
    batch: int = 8
    steps: int = 3000
    seeds: tuple = (0, 1, 2, 3, 4)
    qs: tuple = (0.5, 0.25, 0.125)
    alpha: float = 0.5
    beta: float = 0.1
    grids: dict = field(default_factory=lambda: {"inna": [0.003, 0.006, 0.012, 0.024],
                                                 "inna_code": [0.003, 0.01, 0.03, 0.06],
                                                 "sgd": [3e-4, 1e-3, 3e-3, 1e-2],
                                                 "adam": [1e-3, 3e-3, 1e-2, 3e-2]})
    records: int = 60


QUICK = Config(steps=300, seeds=(0, 1), records=20)


def record_steps(steps: int, points: int) -> np.ndarray:
    g = np.geomspace(1, steps, points // 2).astype(np.int64)
    return np.unique(np.concatenate([[0, steps], g, np.linspace(0, steps, points // 2).astype(np.int64)]))


def _batch(method: str, cfg: Config) -> common.Batch:
    qs = (0.0,) if method == "adam" else cfg.qs
    return common.Batch(common.settings_grid(q=qs, gamma0=cfg.grids[method]), list(cfg.seeds))


def simulate(method: str, obj, cfg: Config, rec: np.ndarray) -> dict:
    """Run one method's batch; J, D-criticality and the kink counts at the ``rec`` steps, (K, R) arrays."""
    b = _batch(method, cfg)
    opt = (optimizers.get("inna", psi0="paper" if method == "inna" else "code") if method.startswith("inna")
           else optimizers.get(method))
    cols = b.columns()
    hp = {"lr": power(cols["gamma0"], cols["q"])}  # gamma_k = gamma0 (k + 1)^-q; Adam's q is 0
    if method.startswith("inna"):
        hp.update(alpha=cfg.alpha, beta=cfg.beta)
    seeds = b.run_seeds()
    tr = reference_run(opt, obj, common.initial_points(obj, seeds), cfg.steps, hp=hp, oracle=Minibatch(cfg.batch),
                       seed=STREAM, run_seeds=seeds, record=rec, checkpoints=rec, measure_grad=False)
    J, D = tr.f, np.full(tr.f.shape, np.nan)  # J is NaN from a run's divergence on
    kinked, inexact = 0, 0
    for k in range(len(rec)):
        ok = ~np.isnan(J[k])
        if ok.any():
            lo, hi = obj.d_criticality_bounds(tr.iterates[k][ok])
            D[k, ok] = hi
            kinked += int(obj.kinks(tr.iterates[k][ok]).any(axis=(1, 2)).sum())
            inexact += int((lo != hi).sum())
    return {"batch": b, "J": J, "D": D, "kinked_records": kinked, "inexact_records": inexact,
            "diverged": tr.diverged()}


def _band(a: np.ndarray) -> dict:
    """(K, S) -> median / min / max over seeds per record (NaN where a run diverged)."""
    with np.errstate(all="ignore"):
        return {"median": np.median(a, axis=1), "min": np.min(a, axis=1), "max": np.max(a, axis=1)}


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    obj = objectives.get("relu_net", n=cfg.n, p=cfg.p, m=cfg.m, seed=cfg.data_seed)
    rec = record_steps(cfg.steps, cfg.records)
    grid_rows, selected = [], []
    totals = {"kinked_records": 0, "inexact_records": 0, "records": 0}
    for method in METHODS:
        progress(f"{NAME}: {method}, {_batch(method, cfg).R} runs x {cfg.steps} steps")
        t1 = time.perf_counter()
        sim = simulate(method, obj, cfg, rec)
        b = sim["batch"]
        J, D = b.by_setting(sim["J"]), b.by_setting(sim["D"])  # (K, settings, seeds)
        div = b.by_setting(sim["diverged"])
        totals["kinked_records"] += sim["kinked_records"]
        totals["inexact_records"] += sim["inexact_records"]
        totals["records"] += int(np.isfinite(sim["J"]).sum())
        finals = np.where(np.isfinite(J[-1]), J[-1], np.inf)  # (settings, seeds)
        med = np.median(finals, axis=1)
        for i, s in enumerate(b.settings):
            grid_rows.append({"method": method, "q": s["q"], "gamma0": s["gamma0"], "median_final_J": med[i],
                              "median_final_J_mean": med[i] / cfg.n, "diverged": int(div[i].sum())})
        for q in sorted({s["q"] for s in b.settings}, reverse=True):
            idx = [i for i, s in enumerate(b.settings) if s["q"] == q]
            stable = [i for i in idx if not div[i].any()] or idx  # settings with a diverged seed are not eligible
            best = stable[int(np.argmin(med[stable]))]
            g = b.settings[best]["gamma0"]
            grid = cfg.grids[method]
            j, d = J[:, best, :], D[:, best, :]
            selected.append({
                "method": method, "q": q, "label": f"{method}" + ("" if method == "adam" else f" q={q:g}"),
                "gamma0": g, "at_grid_edge": g in (min(grid), max(grid)), "diverged": int(div[best].sum()),
                "J0": j[0], "final_J": j[-1], "final_J_mean": j[-1] / cfg.n,
                "median_final_J_mean": float(np.median(j[-1])) / cfg.n,
                "final_D": d[-1], "median_final_D": float(np.median(d[-1])),
                "min_D_along": np.nanmin(d, axis=0), "median_min_D_along": float(np.median(np.nanmin(d, axis=0))),
                "decreased_every_seed": bool((j[-1] < j[0]).all()),
                "J_mean": _band(j / cfg.n), "D": _band(d)})
        progress(f"{NAME}: {method} done in {time.perf_counter() - t1:.1f}s")
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(),
              "objective": obj.describe(), "record_steps": rec,
              "conventions": {"J": "sum over samples (paper eq. 3); *_mean = J / n",
                              "oracle": f"minibatch B={cfg.batch}, i.i.d. uniform with replacement, per-seed "
                                        "streams, (n/B) sum_b grad J_i (unbiased for grad J)",
                              "schedule": "gamma_k = gamma0 (k + 1)^-q (INNA, SGD); Adam fixed lr",
                              "selection": "per (method, q): gamma0 with the lowest median final full-batch J among the "
                                           "settings without a diverged seed",
                              "D": "dist(0, D J) by relu_net.d_criticality (exact without >= 2 kinked samples "
                                   "per unit, else an upper bound)",
                              "inna": f"psi0 = paper (inna) or code (inna_code), alpha = {cfg.alpha}, "
                                      f"beta = {cfg.beta}",
                              "adam": "torch's, betas (0.9, 0.999), eps 1e-8",
                              "null": "NaN (diverged run) or not applicable"},
              "grid": grid_rows, "selected": selected, "kinks": totals}
    result["verdict"] = _verdict(selected, totals)
    files = _plot(result, out)
    result["seconds"] = time.perf_counter() - t0
    path = out / "inna_relu.json"
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def _verdict(selected: list[dict], totals: dict) -> dict:
    by = {s["label"]: s for s in selected}
    best_J = min(selected, key=lambda s: s["median_final_J_mean"])
    best_D = min(selected, key=lambda s: s["median_final_D"])
    out = {"lowest_loss": best_J["label"], "lowest_D": best_D["label"],
           "all_decrease": all(s["decreased_every_seed"] for s in selected),
           "edge_choices": [s["label"] for s in selected if s["at_grid_edge"]]}
    lines = [f"lowest median final training loss J/n: {best_J['label']} ({best_J['median_final_J_mean']:.3g})",
             f"lowest median final D-criticality: {best_D['label']} ({best_D['median_final_D']:.3g})"]
    inna, sgd = [s for s in selected if s["method"] == "inna"], [s for s in selected if s["method"] == "sgd"]
    wins = sum(a["median_final_J_mean"] < b["median_final_J_mean"] for a, b in zip(inna, sgd))
    out["inna_beats_sgd_same_q"] = f"{wins}/{len(inna)}"
    lines.append(f"INNA below SGD in final loss at the same q: {wins} of {len(inna)} "
                 "(" + ", ".join(f"q={a['q']:g}: {a['median_final_J_mean']:.3g} vs {b['median_final_J_mean']:.3g}"
                                 for a, b in zip(inna, sgd)) + ")")
    code = [s for s in selected if s["method"] == "inna_code"]
    wins_code = sum(a["median_final_J_mean"] < b["median_final_J_mean"] for a, b in zip(code, sgd))
    out["inna_code_beats_sgd_same_q"] = f"{wins_code}/{len(code)}"
    lines.append(f"INNA with the code's psi0 below SGD at the same q: {wins_code} of {len(code)} "
                 "(" + ", ".join(f"q={a['q']:g}: {a['median_final_J_mean']:.3g} vs {b['median_final_J_mean']:.3g}"
                                 for a, b in zip(code, sgd)) + "); the paper's psi0 starts with velocity "
                 "-grad J(theta0), a full gradient step of gamma0 on this summed loss")
    for label in ("inna q=0.25", "inna_code q=0.25"):
        q4, adam = by.get(label), by.get("adam")
        if q4 and adam:
            out[f"{label.split()[0]}_q_quarter_beats_adam"] = bool(q4["median_final_J_mean"] < adam["median_final_J_mean"])
    q4, adam = by.get("inna q=0.25"), by.get("adam")
    if q4 and adam:
        ok = q4["median_final_J_mean"] < adam["median_final_J_mean"]
        out["inna_q_quarter_beats_adam"] = bool(ok)
        lines.append(f"INNA q=1/4 beats Adam in final training loss (the paper's CNN claim; set-up not reproduced): "
                     f"{'yes' if ok else 'no'} ({q4['median_final_J_mean']:.3g} vs {adam['median_final_J_mean']:.3g})")
    lines.append(f"losses decrease from the start for every selected configuration and seed: "
                 f"{'yes' if out['all_decrease'] else 'no'}")
    lines.append(f"gamma0 at its grid's edge: {', '.join(out['edge_choices']) or 'none'}")
    lines.append(f"kinks active at {totals['kinked_records']} of {totals['records']} recorded iterates; "
                 f"D-criticality only an upper bound at {totals['inexact_records']}")
    out["text"] = lines
    return out


def _plot(result: dict, out: Path) -> list[str]:
    plt = common.pyplot()
    steps = np.asarray(result["record_steps"], dtype=float)
    x = np.maximum(steps, 0.5)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    style = {"inna": "-", "inna_code": "-.", "sgd": "--", "adam": ":"}
    for k, s in enumerate(result["selected"]):
        col = f"C{k}"
        for ax, key in zip(axes, ("J_mean", "D")):
            band = s[key]
            ax.plot(x, band["median"], style[s["method"]], color=col, lw=1.3,
                    label=f"{s['label']} (gamma0 {s['gamma0']:g})")
            ax.fill_between(x, band["min"], band["max"], color=col, alpha=0.12)
    axes[0].set_ylabel("training loss J / n (full batch)")
    axes[1].set_ylabel("dist(0, D J(theta_k))")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("step k (0 drawn at 0.5)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    cfg = result["config"]
    fig.suptitle(f"{result['objective']}; minibatch {cfg['batch']}, {len(cfg['seeds'])} seeds (median, min-max band)",
                 fontsize=9)
    fig.tight_layout()
    p = out / "inna_relu.png"
    fig.savefig(p, dpi=100)
    plt.close(fig)
    return [str(p)]


def table(result: dict) -> str:
    fmt = common.fmt
    cfg = result["config"]
    n = cfg["n"]
    rows = []
    for s in result["selected"]:
        rows.append([s["label"], fmt(s["gamma0"], 3), "yes" if s["at_grid_edge"] else "no", str(s["diverged"]),
                     fmt(float(np.median(s["J0"])) / n, 4), fmt(s["median_final_J_mean"], 4),
                     fmt(s["median_final_J_mean"] * n, 4), fmt(s["median_final_D"], 4), fmt(s["median_min_D_along"], 4)])
    lines = [f"{result['objective']}: minibatch {cfg['batch']} (with replacement), {cfg['steps']} steps, "
             f"seeds {list(cfg['seeds'])}; medians over seeds",
             tab(rows, ["method", "gamma0/lr", "grid edge", "diverged", "J0/n", "final J/n", "final J",
                        "final dist(0,DJ)", "min dist(0,DJ) along"])]
    lines.append("grid (median final J/n): " + "; ".join(
        f"{g['method']} q={g['q']:g} g0={g['gamma0']:g}: {fmt(g['median_final_J_mean'], 3)}"
        + (f" ({g['diverged']} div)" if g["diverged"] else "") for g in result["grid"]))
    lines += result["verdict"]["text"]
    lines.append(f"({result['seconds']:.1f}s)")
    return "\n".join(lines)


def summary(result: dict) -> dict:
    keep = ("label", "method", "q", "gamma0", "at_grid_edge", "diverged", "median_final_J_mean", "median_final_D",
            "median_min_D_along", "decreased_every_seed")
    return {"study": NAME, "quick": result["quick"], "config": result["config"], "seconds": result["seconds"],
            "files": result["files"], "kinks": result["kinks"],
            "selected": [{k: s[k] for k in keep} for s in result["selected"]],
            "verdict": {k: v for k, v in result["verdict"].items()}}
