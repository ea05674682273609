r"""Study: where Malladi et al.'s square-root scaling rule holds and where it breaks, against SGD's linear rule
(cards: shared/papers/adamw_sde_signgd.md section 2.7, addenda_sde_signgd_adamw_is.md section 1).

The toy is the card's (``convcheck.families.sde``, the check of adam.sqrt_scaling): f = 1/2 sum a_i x_i^2, a
log-spaced in [0.1, 10], d = 10, per-sample gradient a x + s z, base batch B = 8, Adam at lr = 1e-3,
beta = (0.9, 0.999), xi = 1e-8, ``steps`` base steps, ``runs`` runs from x = x0 (1, ..., 1). For each regime
(noise s, start x0) and each kappa, the runs at batch kappa B under the square-root rule (lr sqrt(kappa),
1 - kappa(1 - beta_i), xi/sqrt(kappa)) and under the linear rule (lr kappa only) are read at equal samples seen
(equal t = k lr^2 for the sqrt rule) against the base run.

Measure: the deviation max |E f - E f_base|/E f_base past the first 10 % of the samples (and, as ``*_late``, past the
first half: whether the runs meet again once the noise dominates). The rule *holds* in a cell
when the deviation is at most ``tolerance`` = 0.2, the 20 % criterion of the first author's blog (there for the test
error of SGD's linear rule) [P-auth]. The regime is described by the noise-to-gradient ratio at the start,
(s/sqrt(B)) / rms(a x0). Output: ``scaling_rule.png`` (E f against samples seen, one panel per regime),
``scaling_rule.json`` (every number and curve, thinned), ``table``; the written conclusion is
proofs_notes/studies/scaling_rule.md. The claim (the rule holds where noise dominates) is the paper's; the toy and
the thresholds are ours.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from convcheck.families.sde import BASE, TOY_EIGS, deviation, rule_curves
from convcheck.texttable import table as tab

from . import common

NAME = "scaling-rule"


@dataclass
class Config:
    steps: int = 8000
    runs: int = 400
    kappas: tuple = (2, 4, 8)
    noises: tuple = (10.0, 3.0, 1.0)   # s: per-sample noise std
    starts: tuple = (0.2, 1.0)         # x0
    tolerance: float = 0.2
    keep: int = 200                    # curve points kept per run in the JSON and the plot
    seed: int = 0


QUICK = Config(steps=2000, runs=100, noises=(10.0, 1.0))


def noise_to_gradient(s: float, x0: float) -> float:
    """(s/sqrt(B)) / rms(a x0): the per-coordinate noise of the base batch over the gradient's rms at the start."""
    return (s / math.sqrt(BASE["batch_size"])) / float(np.sqrt(np.mean((TOY_EIGS * x0) ** 2)))


def _thin(curve: np.ndarray, keep: int) -> np.ndarray:
    idx = np.unique(np.linspace(0, curve.size - 1, min(keep, curve.size)).round().astype(int))
    return np.stack([idx, curve[idx]], axis=1)


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    regimes = []
    for s in cfg.noises:
        for x0 in cfg.starts:
            progress(f"{NAME}: s = {s:g}, x0 = {x0:g}: base + {len(cfg.kappas)} kappas x 2 rules, {cfg.runs} runs")
            ref, curves = rule_curves("adam", s, x0, cfg.kappas, cfg.steps, cfg.runs, cfg.seed)
            cells = []
            for kappa, (sq, lin) in curves.items():
                dsq, dlin = deviation(sq, ref, kappa), deviation(lin, ref, kappa)
                cells.append({"kappa": kappa, "sqrt_rule": dsq, "linear_rule": dlin,
                              "sqrt_rule_late": deviation(sq, ref, kappa, past=0.5),
                              "linear_rule_late": deviation(lin, ref, kappa, past=0.5),
                              "holds": dsq <= cfg.tolerance, "sqrt_better": dsq < dlin,
                              "curve_sqrt": _thin(sq, cfg.keep) * [kappa, 1], "curve_linear": _thin(lin, cfg.keep) * [kappa, 1]})
            regimes.append({"s": s, "x0": x0, "noise_to_gradient": noise_to_gradient(s, x0), "cells": cells,
                            "curve_base": _thin(ref, cfg.keep)})
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(),
              "objective": f"1/2 sum a_i x_i^2, a = logspace(-1, 1, {TOY_EIGS.size}); per-sample gradient a x + s z",
              "conventions": {"base": BASE, "optimizer": "adam (torch semantics, bias-corrected)",
                              "curves": "[k, E f] with k the base run's step (samples seen / B)",
                              "deviation": "max |E f - E f_base|/E f_base past the first 10 % of the samples"},
              "regimes": regimes}
    result["verdict"] = _verdict(regimes, cfg)
    files = _plot(result, out)
    result["seconds"] = time.perf_counter() - t0
    path = out / "scaling_rule.json"
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def _verdict(regimes: list, cfg: Config) -> list[str]:
    lines = []
    for r in regimes:
        held = [c["kappa"] for c in r["cells"] if c["holds"]]
        better = all(c["sqrt_better"] for c in r["cells"])
        lines.append(f"s = {r['s']:g}, x0 = {r['x0']:g} (noise/gradient {r['noise_to_gradient']:.3g}): the sqrt rule "
                     f"holds (deviation <= {cfg.tolerance:g}) at kappa = {held or 'none'}; "
                     f"{'beats' if better else 'does not beat'} the linear rule at every kappa")
    return lines


def _plot(result: dict, out: Path) -> list[str]:
    plt = common.pyplot()
    regimes = result["regimes"]
    cols = len(result["config"]["starts"])
    rows = math.ceil(len(regimes) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.8 * rows), squeeze=False)
    for ax, r in zip(axes.ravel(), regimes):
        base = np.asarray(r["curve_base"])
        ax.plot(base[1:, 0], base[1:, 1], "k-", lw=1.5, label="B = 8 (base)")
        for j, c in enumerate(r["cells"]):
            sq, lin = np.asarray(c["curve_sqrt"]), np.asarray(c["curve_linear"])
            ax.plot(sq[1:, 0], sq[1:, 1], "-", color=f"C{j}", lw=1, label=f"sqrt rule, kappa = {c['kappa']}")
            ax.plot(lin[1:, 0], lin[1:, 1], "--", color=f"C{j}", lw=1, label=f"linear, kappa = {c['kappa']}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"s = {r['s']:g}, x0 = {r['x0']:g} (noise/gradient {r['noise_to_gradient']:.2g})", fontsize=9)
        ax.set_xlabel("samples seen / 8")
        ax.set_ylabel("E f")
        ax.grid(alpha=0.3)
    axes.ravel()[0].legend(fontsize=6)
    fig.tight_layout()
    p = out / "scaling_rule.png"
    fig.savefig(p, dpi=100)
    plt.close(fig)
    return [str(p)]


def table(result: dict) -> str:
    fmt = common.fmt
    cfg = result["config"]
    rows = [[f"{r['s']:g}", f"{r['x0']:g}", fmt(r["noise_to_gradient"]), str(c["kappa"]), fmt(c["sqrt_rule"]),
             fmt(c["linear_rule"]), fmt(c["sqrt_rule_late"]), fmt(c["linear_rule_late"]), "yes" if c["holds"] else "no"]
            for r in result["regimes"] for c in r["cells"]]
    lines = [f"Adam on the card's toy, base B = 8, lr = {BASE['lr']:g}, {cfg['steps']} base steps, {cfg['runs']} runs; "
             f"deviation of E f from the base at equal samples seen (rule holds: <= {cfg['tolerance']:g})",
             tab(rows, ["s", "x0", "noise/grad", "kappa", "sqrt rule", "linear rule", "sqrt (late half)",
                        "linear (late half)", "sqrt holds"]), "verdict:"]
    lines += [f"  {v}" for v in result["verdict"]]
    lines.append(f"({result['seconds']:.1f}s)")
    return "\n".join(lines)


def summary(result: dict) -> dict:
    return {"study": NAME, "quick": result["quick"], "config": result["config"], "seconds": result["seconds"],
            "files": result["files"], "verdict": result["verdict"],
            "cells": [{"s": r["s"], "x0": r["x0"], "noise_to_gradient": r["noise_to_gradient"],
                       **{k: c[k] for k in ("kappa", "sqrt_rule", "linear_rule", "sqrt_rule_late", "linear_rule_late",
                                              "holds", "sqrt_better")}}
                      for r in result["regimes"] for c in r["cells"]]}
