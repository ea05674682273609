"""Study bayesian: BRMSprop and BAdam (Aitchison's Bayesian-filtering optimizers) against RMSprop and Adam, each at
its best learning rate of a grid, on catalogue problems and the tiny ReLU network.

Aitchison's experiments (MNIST CNN, 30 runs, "considerably lower test loss") are NOT claimed or reproduced: the
card records the setting but not eta, eta_p, nor the SI's efficient algorithms. What is measured: the median over
seeds of the final training loss gap f - f_low, per optimizer at its best lr (chosen by that median), with the
filters in their RMSprop/Adam-limit settings (sigma^2 = inf, eta_w = 0, eta_p = 1 - beta1 = 0.1) and e := g.
The filters' initial variance is init_var = lr (their steady state eta/sqrt(<e^2>) at <e^2> = 1), our choice.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from convcheck.reference import objectives, optimizers, oracles, run as run_reference
from convcheck.texttable import table as tab

from . import common

NAME = "bayesian"


@dataclass
class Config:
    seeds: int = 16
    steps: int = 1000
    lrs: tuple = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
    batch: int = 4  # minibatch size on the finite sums
    methods: dict = field(default_factory=lambda: {
        "rmsprop": {"beta2": 0.99, "xi": 1e-8},
        "brmsprop": {},
        "adam": {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8},
        "badam": {"lr_p": 0.1, "lr_w": 0.0}})


QUICK = Config(seeds=3, steps=80, lrs=(1e-2, 1e-1))


def problems(cfg: Config):
    return {"logcosh_sin (d=10, kappa=10), exact": (objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0),
                                                    oracles.Exact()),
            "logistic (n=200, d=10), minibatch": (objectives.get("logistic"), oracles.Minibatch(cfg.batch)),
            "relu_net (tiny ReLU net), minibatch": (objectives.get("relu_net"), oracles.Minibatch(cfg.batch))}


def best_lr(obj, oracle, method, fixed, cfg: Config, seed: int) -> dict:
    batch = common.Batch(common.settings_grid(lr=cfg.lrs), list(range(cfg.seeds)))
    hp = batch.columns(fixed)
    if method in ("brmsprop", "badam"):
        hp["init_var"] = hp["lr"]
    x0 = np.tile(common.initial_points(obj, batch.seeds), (len(batch.settings), 1))
    tr = run_reference(optimizers.get(method), obj, x0, cfg.steps, hp=hp, oracle=oracle, seed=seed,
                       run_seeds=batch.run_seeds(), record=[cfg.steps])
    f_low = obj.constants.get("f_star", obj.constants.get("f_low", 0.0))
    gap = np.where(np.isfinite(tr.f[-1]), tr.f[-1] - f_low, np.inf)
    med = np.median(batch.by_setting(gap), axis=1)                      # per lr
    i = int(np.argmin(med))
    return {"best_lr": cfg.lrs[i], "median_final_gap": float(med[i]), "at_grid_edge": i in (0, len(cfg.lrs) - 1),
            "median_by_lr": [float(m) if np.isfinite(m) else None for m in med]}


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None, seed: int = 0) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = {}
    for title, (obj, oracle) in problems(cfg).items():
        progress(f"{NAME}: {title}: {len(cfg.methods)} methods x {len(cfg.lrs)} lrs x {cfg.seeds} seeds")
        rows[title] = {m: best_lr(obj, oracle, m, fixed, cfg, seed) for m, fixed in cfg.methods.items()}
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(), "rows": rows,
              "conventions": {"filters": "sigma^2 = inf, e := g, gradient at the prior mean, init_var = lr",
                              "selection": "best lr by the median over seeds of the final f - f_low"}}
    result["verdict"] = [f"{title}: BRMSprop {r['brmsprop']['median_final_gap']:.3g} vs RMSprop "
                         f"{r['rmsprop']['median_final_gap']:.3g}; BAdam {r['badam']['median_final_gap']:.3g} vs Adam "
                         f"{r['adam']['median_final_gap']:.3g} (median final gap at each one's best lr)"
                         for title, r in rows.items()]
    result["seconds"] = time.perf_counter() - t0
    path = out / "bayesian.json"
    result["files"] = [str(path)]
    common.write_json(path, result)
    return result


def table(result: dict) -> str:
    fmt = common.fmt
    lines = []
    for title, methods in result["rows"].items():
        body = [[m, fmt(r["best_lr"], 3) + (" (edge)" if r["at_grid_edge"] else ""), fmt(r["median_final_gap"], 4)]
                for m, r in methods.items()]
        lines.append(title)
        lines.append(tab(body, ["method", "best lr", "median final f - f_low"]))
    lines += common.verdict_lines(result)
    return "\n".join(lines)


def summary(result: dict) -> dict:
    return {**common.summary_head(result),
            "rows": {t: {m: {k: r[k] for k in ("best_lr", "median_final_gap", "at_grid_edge")} for m, r in ms.items()}
                     for t, ms in result["rows"].items()}}
