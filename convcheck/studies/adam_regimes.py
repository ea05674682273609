"""Study: the late-phase regimes of Adam over a (beta1, beta2) grid (Ma, Wu, E 2020/21).

What is known of the paper (cards adamw_sde_signgd.md 3.2-3.4 and addenda 2.1): with
beta1 = 1 - b eta and beta2 = 1 - a eta, the late phase of full-batch Adam shows spikes when
b >> a, small fast oscillations when a ~ b, divergence when a >> b; and Adam is "smoother and
faster" when beta1 is close to beta2. The paper's own set-up, thresholds and regime boundaries are
NOT FOUND, so this study's are ours:

* Problem: ``reference.objectives.TeacherStudent`` - a tanh network (8 -> 16 -> 1) fitting n = 64
  points labelled by a width-4 teacher; realizable, f* = 0, so the late phase is visible down to
  rounding. (The card notes that a pure quadratic shows no spikes; the autoencoder's noise floor
  hides them.)
* Adam as torch's (bias-corrected, xi = 1e-8 outside the sqrt), full batch (exact gradients),
  lr eta = 1e-2, 8000 steps, beta1 and beta2 each in {0.5, 0.9, 0.99, 0.999}, i.e. a, b in
  {50, 10, 1, 0.1}; seeds 0, 1, 2 (the seed fixes the Glorot start; the data are fixed).

Classification of one loss curve L_0..L_T (``classify``; thresholds in ``THRESHOLDS``), late window
W = {t >= T/2}, l_t = log10 L_t, s_t = the centred 9-step moving average of l_t (it removes the
period-2..4 jitter of Adam's late phase, not its slower structure):

1. diverging   - some L_t is not finite or beyond 1e100; or L_T > L_0; or training was undone: the
   median of L over W is above L_0 / 2 and above 3 min_{t < T/2} L_t (back to at least half the
   starting loss after having been at least 3x lower).
2. spiking     - not diverging, and somewhere in W the smoothed log-loss climbs at least 2 decades
   in one uninterrupted rise (a maximal stretch of consecutive increases of s_t whose total is
   >= 2: a sustained x100 excursion, not a jittery band).
3. smooth      - not the above, and the late loss is nearly monotone: (s at T/2 - s_T) divided by the
   total variation of s over W is >= 0.5, or that total variation is below 1e-3 decades (a plateau).
4. oscillating - otherwise: the loss goes up and down with climbs below 2 decades.

A cell's class is the most frequent over seeds (ties go to the more severe class:
diverging > spiking > oscillating > smooth).

"Smoother when beta1 is close to beta2" is judged on the distance delta = |log10(b/a)| =
|log10((1 - beta1)/(1 - beta2))| (0 on the diagonal): the share of runs that spike or diverge, the
late amplitude A = log10(P95/P5) of the loss over the last 10% of the steps, and the final level
(median loss over the last 10%), diagonal against off-diagonal, plus Spearman correlations of the
cell medians with delta. It "holds" when the diagonal has no spiking or diverging run while the
off-diagonal has some, and its median A is smaller by more than 0.1 decades; "partly" when only one
of the two. Row by row, the rank of beta2 = beta1 among the beta2 tried (by final level and by A) is
reported too.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from convcheck.reference import optimizers
from convcheck.reference import run as reference_run
from convcheck.reference.objectives import TeacherStudent
from convcheck.reference.runner import BLOWUP
from convcheck.texttable import table as tab

from . import common

NAME = "adam-regimes"
CLASSES = ("smooth", "oscillating", "spiking", "diverging")  # in order of severity
SYMBOL = {"smooth": "-", "oscillating": "~", "spiking": "^", "diverging": "x"}
COLOUR = {"smooth": "#9ecae1", "oscillating": "#a1d99b", "spiking": "#fdae6b", "diverging": "#de2d26"}

THRESHOLDS = {
    "late_fraction": 0.5,        # W = the last half of the steps
    "undone_fraction": 0.5,      # diverging: median over W above this x L_0 ...
    "undone_factor": 3.0,        # ... and above this x the best loss before W
    "smooth_window": 9,          # moving average for s_t (steps)
    "spike_decades": 2.0,        # one uninterrupted climb of s_t by >= 2 decades (x100) in W: spiking
    "smooth_monotonicity": 0.5,  # net descent of s over W / total variation of s over W: smooth
    "flat_decades": 1e-3,        # total variation of s over W below this: a plateau, smooth
    "tail_fraction": 0.1,        # final level and amplitude: the last 10% of the steps
}


AMPLITUDE_MARGIN = 0.1  # decades: the diagonal's median late amplitude counts as smaller only below off-diagonal - 0.1


@dataclass
class Config:
    lr: float = 1e-2
    beta1: tuple = (0.5, 0.9, 0.99, 0.999)
    beta2: tuple = (0.5, 0.9, 0.99, 0.999)
    xi: float = 1e-8
    steps: int = 8000
    seeds: tuple = (0, 1, 2)
    n: int = 64
    p: int = 8
    hidden: int = 16
    teacher: int = 4
    data_seed: int = 0
    curve_points: int = 800  # loss values kept per run in the JSON (every steps // curve_points-th step)


QUICK = Config(beta1=(0.9, 0.999), beta2=(0.9, 0.999), steps=300, seeds=(0,), curve_points=100)


def _moving_average(y: np.ndarray, k: int) -> np.ndarray:
    """Centred moving average of odd width k, shrinking at the ends (same length as y)."""
    k = max(1, int(k) | 1)
    c = np.concatenate([[0.0], np.cumsum(y)])
    n = len(y)
    i = np.arange(n)
    lo, hi = np.maximum(i - k // 2, 0), np.minimum(i + k // 2 + 1, n)
    return (c[hi] - c[lo]) / (hi - lo)


def _max_climb(s: np.ndarray) -> float:
    """The largest total rise over a maximal stretch of consecutive increases of s."""
    d = np.diff(s)
    up = d > 0
    if not up.any():
        return 0.0
    c = np.concatenate([[0.0], np.cumsum(np.where(up, d, 0.0))])
    # stretch boundaries: a climb runs from just after a non-increase to just before the next one
    breaks = np.flatnonzero(~up)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [d.size]])
    return float(np.max(c[ends] - c[starts]))


def classify(loss, thresholds: dict | None = None) -> dict:
    """The class of one loss curve L_0..L_T (module doc), with the numbers it was decided on."""
    th = {**THRESHOLDS, **(thresholds or {})}
    L = np.asarray(loss, dtype=float)
    if L.ndim != 1 or L.size < 4:
        raise ValueError(f"loss must be a 1-d curve of at least 4 values; got shape {L.shape}")
    T = L.size - 1
    h = max(1, min(T - 1, int(round(T * (1.0 - th["late_fraction"])))))
    tail = L[max(0, T + 1 - max(2, int(round((T + 1) * th["tail_fraction"])))):]
    out = {"final": float(np.median(tail)) if np.isfinite(tail).all() else float("nan"),
           "amplitude_decades": float("nan"), "climb_decades": float("nan"), "monotonicity": float("nan"),
           "late_median_over_initial": float("nan"), "late_median_over_early_min": float("nan")}
    bad = ~(np.abs(L) <= BLOWUP)
    if bad.any():
        return {**out, "class": "diverging",
                "reason": f"loss not finite or beyond {BLOWUP:g} at step {int(np.argmax(bad))}"}
    out["amplitude_decades"] = float(np.log10(max(np.percentile(tail, 95), 1e-300) /
                                              max(np.percentile(tail, 5), 1e-300)))
    early_min, late_med = float(L[:h].min()), float(np.median(L[h:]))
    out["late_median_over_initial"] = late_med / L[0] if L[0] > 0 else float("inf")
    out["late_median_over_early_min"] = late_med / early_min if early_min > 0 else float("inf")
    if L[-1] > L[0]:
        return {**out, "class": "diverging", "reason": f"final loss {L[-1]:.3g} above the initial {L[0]:.3g}"}
    if late_med > th["undone_fraction"] * L[0] and late_med > th["undone_factor"] * early_min:
        return {**out, "class": "diverging",
                "reason": f"training undone: late median {late_med:.3g} > {th['undone_fraction']:g} x initial "
                          f"{L[0]:.3g} and > {th['undone_factor']:g} x earlier best {early_min:.3g}"}
    lg = np.log10(np.maximum(L, 1e-300))
    s = _moving_average(lg, th["smooth_window"])
    climb = _max_climb(s[h:])
    tv = float(np.abs(np.diff(s[h:])).sum())
    mono = float((s[h] - s[-1]) / tv) if tv > 0 else 1.0
    out.update(climb_decades=climb, monotonicity=mono, late_variation_decades=tv)
    if climb >= th["spike_decades"]:
        return {**out, "class": "spiking",
                "reason": f"one uninterrupted late climb of {climb:.2f} decades (>= {th['spike_decades']:g})"}
    if tv < th["flat_decades"] or mono >= th["smooth_monotonicity"]:
        return {**out, "class": "smooth",
                "reason": f"late loss nearly monotone (net descent / variation {mono:.2f}, climbs <= {climb:.2f} "
                          f"decades)"}
    return {**out, "class": "oscillating",
            "reason": f"late loss goes up and down (net descent / variation {mono:.2f}, largest climb {climb:.2f} "
                      f"decades)"}


def cell_class(classes) -> str:
    """Most frequent class; ties to the more severe."""
    counts = {c: list(classes).count(c) for c in CLASSES}
    return max(CLASSES, key=lambda c: (counts[c], CLASSES.index(c)))


def _verdict(cells: list[dict], runs: list[dict]) -> dict:
    diag = [r for r in runs if r["delta"] == 0]
    off = [r for r in runs if r["delta"] > 0]

    def share_severe(rs):
        return sum(r["class"] in ("spiking", "diverging") for r in rs) / len(rs) if rs else float("nan")

    def med(rs, key):
        v = [r[key] for r in rs if np.isfinite(r[key])]
        return float(np.median(v)) if v else float("nan")

    d = {"diagonal_runs": len(diag), "off_diagonal_runs": len(off),
         "severe_share_diagonal": share_severe(diag), "severe_share_off_diagonal": share_severe(off),
         "median_amplitude_diagonal": med(diag, "amplitude_decades"),
         "median_amplitude_off_diagonal": med(off, "amplitude_decades"),
         "median_log10_final_diagonal": float(np.median([np.log10(r["final"]) for r in diag if r["final"] > 0]))
         if diag else float("nan"),
         "median_log10_final_off_diagonal": float(np.median([np.log10(r["final"]) for r in off if r["final"] > 0]))
         if off else float("nan"),
         "spearman_delta_vs_amplitude": common.correlation([c["delta"] for c in cells],
                                                           [c["median_amplitude_decades"] for c in cells], rank=True),
         "spearman_delta_vs_log_final": common.correlation([c["delta"] for c in cells],
                                                           [np.log10(c["median_final"]) if c["median_final"] > 0
                                                            else np.nan for c in cells], rank=True)}
    no_severe_on_diag = d["severe_share_diagonal"] == 0 and d["severe_share_off_diagonal"] > 0
    calmer = d["median_amplitude_diagonal"] < d["median_amplitude_off_diagonal"] - AMPLITUDE_MARGIN
    d["no_spikes_or_divergence_on_diagonal"] = bool(no_severe_on_diag)
    d["smaller_late_amplitude_on_diagonal"] = bool(calmer)
    d["lower_final_loss_on_diagonal"] = bool(d["median_log10_final_diagonal"] < d["median_log10_final_off_diagonal"])
    # row by row: for a fixed beta1, where does beta2 = beta1 rank among the beta2 tried (1 = best)?
    rows = []
    for c in cells:
        if c["delta"] != 0:
            continue
        row = [x for x in cells if x["beta1"] == c["beta1"]]
        fin = sorted(row, key=lambda x: (np.isnan(x["median_final"]), x["median_final"]))
        amp = sorted(row, key=lambda x: (np.isnan(x["median_amplitude_decades"]), x["median_amplitude_decades"]))
        rows.append({"beta1": c["beta1"], "of": len(row), "rank_final": fin.index(c) + 1,
                     "rank_amplitude": amp.index(c) + 1, "best_final_beta2": fin[0]["beta2"],
                     "best_final_class": fin[0]["class"]})
    d["diagonal_rank_in_its_row"] = rows
    d["amplitude_margin_decades"] = AMPLITUDE_MARGIN
    d["smoother_when_close"] = "holds" if (no_severe_on_diag and calmer) else \
        ("partly" if (no_severe_on_diag or calmer) else "does not hold")
    # the regime map: where do spikes and divergence occur?
    d["spiking_runs"] = sum(r["class"] == "spiking" for r in runs)
    d["spiking_runs_with_b_gt_a"] = sum(r["class"] == "spiking" and r["b"] > r["a"] for r in runs)
    d["diverging_runs"] = sum(r["class"] == "diverging" for r in runs)
    d["diverging_runs_with_a_gt_b"] = sum(r["class"] == "diverging" and r["a"] > r["b"] for r in runs)
    d["diagonal_classes"] = {c: sum(r["class"] == c for r in diag) for c in CLASSES}
    return d


def _plots(result: dict, curves: np.ndarray, out: Path, cfg: Config) -> list[str]:
    plt = common.pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    b1, b2 = list(cfg.beta1), list(cfg.beta2)
    grid = {(c["beta1"], c["beta2"]): c for c in result["cells"]}
    Z = np.array([[CLASSES.index(grid[(x, y)]["class"]) for y in b2] for x in b1])
    fig, ax = plt.subplots(figsize=(1.9 * len(b2) + 2.5, 1.5 * len(b1) + 1.8))
    ax.imshow(Z, cmap=ListedColormap([COLOUR[c] for c in CLASSES]), vmin=-0.5, vmax=len(CLASSES) - 0.5,
              origin="lower", aspect="auto")
    for i, x in enumerate(b1):
        for j, y in enumerate(b2):
            c = grid[(x, y)]
            ax.text(j, i, f"{c['class']}\n{''.join(SYMBOL[k] for k in c['run_classes'])}\n"
                          f"final {common.fmt(c['median_final'], 2)}", ha="center", va="center", fontsize=8)
    eta = cfg.lr
    ax.set_xticks(range(len(b2)), [f"{y:g}\n(a={(1 - y) / eta:.3g})" for y in b2])
    ax.set_yticks(range(len(b1)), [f"{x:g} (b={(1 - x) / eta:.3g})" for x in b1])
    ax.set_xlabel(r"$\beta_2 = 1 - a\eta$")
    ax.set_ylabel(r"$\beta_1 = 1 - b\eta$")
    ax.set_title(f"Adam late-phase regimes, {result['objective']}\n"
                 f"eta={eta:g}, {cfg.steps} steps, seeds {list(cfg.seeds)}; "
                 + " ".join(f"{SYMBOL[k]} {k}" for k in CLASSES), fontsize=9)
    ax.legend(handles=[Patch(color=COLOUR[k], label=k) for k in CLASSES], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    p1 = out / "adam_regimes_phase.png"
    fig.savefig(p1, dpi=110)
    plt.close(fig)

    fig, axs = plt.subplots(len(b1), len(b2), figsize=(3.2 * len(b2), 2.3 * len(b1)), squeeze=False)
    S = len(cfg.seeds)
    for i, x in enumerate(b1):
        for j, y in enumerate(b2):
            ax = axs[len(b1) - 1 - i, j]  # beta1 increasing upwards, as in the phase diagram
            c = grid[(x, y)]
            k = (i * len(b2) + j) * S
            for s in range(S):
                ax.plot(np.where(curves[:, k + s] > 0, curves[:, k + s], np.nan), lw=0.5)
            ax.set_yscale("log")
            ax.axvline(cfg.steps * (1 - THRESHOLDS["late_fraction"]), color="grey", lw=0.6, ls=":")
            ax.set_title(f"b1={x:g} b2={y:g}: {c['class']} {''.join(SYMBOL[k] for k in c['run_classes'])}",
                         fontsize=8)
            ax.tick_params(labelsize=6)
    fig.suptitle("loss per step (every seed); dotted: start of the late window", fontsize=9)
    fig.tight_layout()
    p2 = out / "adam_regimes_curves.png"
    fig.savefig(p2, dpi=90)
    plt.close(fig)
    return [str(p1), str(p2)]


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    obj = TeacherStudent(n=cfg.n, p=cfg.p, hidden=cfg.hidden, teacher=cfg.teacher, seed=cfg.data_seed)
    batch = common.Batch(common.settings_grid(beta1=cfg.beta1, beta2=cfg.beta2), list(cfg.seeds))
    x0 = common.initial_points(obj, batch.run_seeds())
    opt = optimizers.get("adam")
    progress(f"{obj.describe()}: {opt.describe()}, lr {cfg.lr:g}, {batch.R} runs x {cfg.steps} steps")
    # the loss at every step, for the spikes
    tr = reference_run(opt, obj, x0, cfg.steps, hp=batch.columns({"lr": cfg.lr, "xi": cfg.xi}),
                       record=range(cfg.steps + 1))
    progress(f"  simulated in {tr.seconds:.1f}s")
    # a diverged run's records are NaN from its divergence step on: the classifier sees that
    runs, cells = [], []
    S = len(cfg.seeds)
    stride = max(1, cfg.steps // cfg.curve_points)
    kept = np.arange(0, cfg.steps + 1, stride)
    for i, s in enumerate(batch.settings):
        a, b = (1 - s["beta2"]) / cfg.lr, (1 - s["beta1"]) / cfg.lr
        delta = abs(float(np.log10(b / a)))
        rs = []
        for k in range(S):
            r = i * S + k
            c = classify(tr.f[:, r])
            rs.append({"beta1": s["beta1"], "beta2": s["beta2"], "a": a, "b": b, "delta": delta,
                       "seed": cfg.seeds[k], **c, "diverged_at": int(tr.diverged_at[r]),
                       "min_loss": float(np.nanmin(tr.f[:, r])), "loss_every": stride,
                       "loss": tr.f[kept, r]})
        runs += rs
        finals = [x["final"] for x in rs]
        amps = [x["amplitude_decades"] for x in rs]
        cells.append({"beta1": s["beta1"], "beta2": s["beta2"], "a": a, "b": b, "delta": delta,
                      "class": cell_class([x["class"] for x in rs]), "run_classes": [x["class"] for x in rs],
                      "median_final": float(np.median(finals)) if np.isfinite(finals).all() else float("nan"),
                      "median_amplitude_decades": float(np.median(amps)) if np.isfinite(amps).all()
                      else float("nan")})
    verdict = _verdict(cells, runs)
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "thresholds": dict(THRESHOLDS),
              "objective": obj.describe(), "optimizer": opt.describe(), "versions": common.versions(),
              "conventions": {"a_b": "beta1 = 1 - b lr, beta2 = 1 - a lr (Ma-Wu-E); delta = |log10(b/a)|",
                              "final": "median loss over the last tail_fraction of the steps",
                              "json": "null stands for NaN or inf"},
              "cells": cells, "runs": runs, "verdict": verdict, "simulation_seconds": tr.seconds}
    files = _plots(result, tr.f, out, cfg)
    path = out / "adam_regimes.json"
    result["seconds"] = time.perf_counter() - t0
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def table(result: dict) -> str:
    fmt = common.fmt
    rows = [[f"{c['beta1']:g}", f"{c['beta2']:g}", f"{c['a']:.3g}", f"{c['b']:.3g}", c["class"],
             "".join(SYMBOL[k] for k in c["run_classes"]), fmt(c["median_final"], 3),
             fmt(c["median_amplitude_decades"], 3)] for c in result["cells"]]
    v = result["verdict"]
    lines = [f"{result['objective']}; {result['optimizer']}, lr {result['config']['lr']:g}, "
             f"{result['config']['steps']} steps, seeds {list(result['config']['seeds'])}",
             tab(rows, ["beta1", "beta2", "a", "b", "class", "per seed", "final loss", "late amplitude (dec)"]),
             f"per seed: {', '.join(f'{SYMBOL[k]} {k}' for k in CLASSES)}",
             f"spiking runs with b > a: {v['spiking_runs_with_b_gt_a']}/{v['spiking_runs']}; "
             f"diverging runs with a > b: {v['diverging_runs_with_a_gt_b']}/{v['diverging_runs']}; "
             f"diagonal classes: {v['diagonal_classes']}",
             f"spiking or diverging: diagonal {fmt(v['severe_share_diagonal'], 2)}, off-diagonal "
             f"{fmt(v['severe_share_off_diagonal'], 2)}; median late amplitude {fmt(v['median_amplitude_diagonal'], 2)} vs "
             f"{fmt(v['median_amplitude_off_diagonal'], 2)} decades; median log10 final {fmt(v['median_log10_final_diagonal'], 3)}"
             f" vs {fmt(v['median_log10_final_off_diagonal'], 3)}",
             "row by row, beta2 = beta1 ranks (final, amplitude) among the beta2 tried: " +
             ", ".join(f"beta1={r['beta1']:g}: ({r['rank_final']}, {r['rank_amplitude']})/{r['of']}"
                       for r in v["diagonal_rank_in_its_row"]),
             f"'smoother when beta1 is close to beta2': {v['smoother_when_close']}  ({result['seconds']:.1f}s)"]
    return "\n".join(lines)


def summary(result: dict) -> dict:
    """Headline numbers for ``--json``: the grid's cells with their classes, the verdict and the thresholds."""
    return {"study": NAME, **{k: result[k] for k in ("quick", "config", "seconds", "files", "objective", "cells",
                                                      "verdict", "thresholds")}}
