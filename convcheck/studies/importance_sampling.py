"""Study importance-sampling: how much each sampling scheme reduces SGD's gradient variance, and what it does to
SGD and to Adam (Lahire 2023; the paper's metric and its findings on the optimizer are NOT FOUND).

The quality metric (ours, since the paper's is NOT FOUND): the variance reduction against uniform sampling at
equal sample count, Q_p(x) = V_unif(x)/V_p(x), with V_p the exact trace variance of one importance-sampled draw
(sgd.is.variance's formula). Q = 2 means uniform sampling needs a batch twice as large for the same variance.
It ignores the cost of computing p (p* needs the N component-gradient norms at x: an oracle p), so it is an
upper bound on the gain per gradient evaluated. It is read along a full-batch GD path (the points an optimizer
visits), as its median and minimum.

Adam under importance sampling: its second moment tracks E||g||^2 = (1/b)(1/N^2) sum ||g_i||^2/p_i +
(1 - 1/b)||grad F||^2, which depends on p; so changing p rescales Adam's effective step lr/sqrt(v), unlike SGD's.
The study reports mean sqrt(v) at the end against uniform's, and the final gap f - f* of SGD and Adam per scheme.

Problems: least squares with row scales 0.1 .. 10 (unequal component sizes: where IS helps) and the nonconvex
logistic sum (nearly equal rows: where it cannot help much).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from convcheck.reference import objectives, optimizers, oracles, run as run_reference
from convcheck.texttable import table as tab

from ..families.importance import formula_variance
from . import common

NAME = "importance-sampling"
SCHEMES = (("uniform", 0.0), ("gradient_norm", 0.0), ("loss", 0.0), ("gradient_norm", 0.5))


@dataclass
class Config:
    seeds: int = 64
    steps: int = 400
    path_points: int = 20
    sgd_lr_times_L: float = 0.5     # SGD's lr = 0.5/L
    adam_lr: float = 0.01
    n: int = 40


QUICK = Config(seeds=8, steps=60, path_points=5)


def problems(cfg: Config):
    return {"least_squares (row scales 0.1..10)":
            objectives.get("least_squares", n=cfg.n, d=5, seed=0, scales=np.geomspace(0.1, 10.0, cfg.n)),
            "logistic (nonconvex, Gaussian rows)": objectives.get("logistic", n=cfg.n, d=10, seed=0)}


def label(scheme, mix):
    return scheme + (f" (mix {mix:g})" if mix else "")


def quality(obj, cfg: Config) -> dict:
    """Q_p = V_unif/V_p at points of a full-batch GD path from the seed-0 start."""
    x0 = obj.initial_points(1, seed=0)
    points = np.unique(np.linspace(0, cfg.steps, cfg.path_points).astype(int))
    lr = 1.0 / obj.constants["L"]
    path = run_reference(optimizers.get("gd"), obj, x0, cfg.steps, hp={"lr": lr}, record=[0],
                         checkpoints=points).iterates[:, 0, :]
    G = oracles.ImportanceSampled().component_gradients(obj, path)
    v_unif = formula_variance(G, np.full(G.shape[:2], 1.0 / obj.n))
    out = {}
    for scheme, mix in SCHEMES:
        o = oracles.ImportanceSampled(scheme=scheme, mix=mix)
        q = v_unif / formula_variance(G, o.probabilities(obj, path, G))
        out[label(scheme, mix)] = {"median_Q": float(np.median(q)), "min_Q": float(np.min(q)), "Q": q}
    return {"path_steps": points, "schemes": out}


def optimizer_runs(obj, cfg: Config, seed: int) -> dict:
    seeds = list(range(cfg.seeds))
    x0 = common.initial_points(obj, seeds)
    f_low = obj.constants.get("f_star", obj.constants.get("f_low", 0.0))
    out = {}
    for name, hp in (("sgd", {"lr": cfg.sgd_lr_times_L / obj.constants["L"]}),
                     ("adam", {"lr": cfg.adam_lr, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8})):
        rows = {}
        for scheme, mix in SCHEMES:
            tr = run_reference(optimizers.get(name), obj, x0, cfg.steps, hp=hp,
                               oracle=oracles.ImportanceSampled(1, scheme, mix), seed=seed, run_seeds=seeds,
                               record=range(0, cfg.steps + 1, max(1, cfg.steps // 40)), checkpoints=[cfg.steps],
                               checkpoint_state=["v"] if name == "adam" else ())
            gap = tr.f - f_low                                              # (records, R)
            row = {"median_final_gap": float(np.median(gap[-1])), "median_gap_curve": np.median(gap, axis=1),
                   "diverged": int(np.sum(np.asarray(tr.diverged_at) >= 0)),
                   "record_steps": np.arange(0, cfg.steps + 1, max(1, cfg.steps // 40))}
            if name == "adam":
                row["mean_sqrt_v"] = float(np.mean(np.sqrt(tr.states["v"][0])))
            rows[label(scheme, mix)] = row
        if name == "adam":
            base = rows["uniform"]["mean_sqrt_v"]
            for row in rows.values():
                row["sqrt_v_over_uniform"] = row["mean_sqrt_v"] / base
        out[name] = rows
    return out


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None, seed: int = 0) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(), "problems": {}}
    for title, obj in problems(cfg).items():
        progress(f"{NAME}: {title}: quality along a GD path, SGD and Adam under {len(SCHEMES)} schemes")
        result["problems"][title] = {"objective": obj.describe(), "quality": quality(obj, cfg),
                                     "runs": optimizer_runs(obj, cfg, seed)}
    result["verdict"] = _verdict(result)
    result["files"] = _plot(result, out)
    result["seconds"] = time.perf_counter() - t0
    path = out / "importance_sampling.json"
    result["files"].append(str(path))
    common.write_json(path, result)
    return result


def _verdict(result) -> list[str]:
    lines = []
    for title, p in result["problems"].items():
        q = p["quality"]["schemes"]
        best = q["gradient_norm"]
        lines.append(f"{title}: p* reduces the variance {best['median_Q']:.3g}x (median; min {best['min_Q']:.3g}x) "
                     f"against uniform at equal sample count; loss-based {q['loss']['median_Q']:.3g}x")
        adam = p["runs"]["adam"]
        lines.append(f"{title}: Adam's mean sqrt(v) under p* is {adam['gradient_norm']['sqrt_v_over_uniform']:.3g}x "
                     f"uniform's (its effective step lr/sqrt(v) changes with p; SGD's does not)")
    return lines


def _plot(result, out: Path) -> list[str]:
    plt = common.pyplot()
    titles = list(result["problems"])
    fig, axes = plt.subplots(len(titles), 3, figsize=(15, 4.5 * len(titles)))
    for row_axes, title in zip(np.atleast_2d(axes), titles):
        p = result["problems"][title]
        steps = p["quality"]["path_steps"]
        for j, (name, q) in enumerate(p["quality"]["schemes"].items()):
            row_axes[0].plot(steps, q["Q"], "o-", color=f"C{j}", label=name)
        row_axes[0].set_title(f"{title}\nQ = V_unif/V_p along a GD path", fontsize=9)
        row_axes[0].set_xlabel("GD step")
        row_axes[0].set_yscale("log")
        for ax, opt in zip(row_axes[1:], ("sgd", "adam")):
            for j, (name, r) in enumerate(p["runs"][opt].items()):
                ax.plot(r["record_steps"], np.maximum(r["median_gap_curve"], 1e-16), color=f"C{j}", label=name)
            ax.set_yscale("log")
            ax.set_title(f"{opt}: median f - f_low over seeds", fontsize=9)
            ax.set_xlabel("step")
        for ax in row_axes:
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / "importance_sampling.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [str(path)]


def table(result: dict) -> str:
    fmt = common.fmt
    lines = []
    for title, p in result["problems"].items():
        rows = []
        for name, q in p["quality"]["schemes"].items():
            sgd, adam = p["runs"]["sgd"][name], p["runs"]["adam"][name]
            rows.append([name, fmt(q["median_Q"], 4), fmt(q["min_Q"], 4), fmt(sgd["median_final_gap"], 3),
                         str(sgd["diverged"]), fmt(adam["median_final_gap"], 3), fmt(adam["sqrt_v_over_uniform"], 4)])
        lines.append(f"{title}: {p['objective']}")
        lines.append(tab(rows, ["scheme", "median Q", "min Q", "SGD final gap", "SGD diverged", "Adam final gap",
                                "Adam sqrt(v) / uniform"]))
    lines += common.verdict_lines(result)
    return "\n".join(lines)


def summary(result: dict) -> dict:
    return {**common.summary_head(result),
            "problems": {t: {"quality": {k: {"median_Q": v["median_Q"], "min_Q": v["min_Q"]}
                                         for k, v in p["quality"]["schemes"].items()},
                             "final_gap": {opt: {k: v["median_final_gap"] for k, v in p["runs"][opt].items()}
                                           for opt in ("sgd", "adam")},
                             "adam_sqrt_v_over_uniform": {k: v["sqrt_v_over_uniform"]
                                                          for k, v in p["runs"]["adam"].items()}}
                         for t, p in result["problems"].items()}}
