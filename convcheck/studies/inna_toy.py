r"""Study: INNA on the paper's 2-D toy (Castera, Bolte, Fevotte, Pauwels 2021, Fig. 1; INNA card
shared/papers/inna_bayes_importance_sampling.md, sections 1.3, 1.4, 1.8).

J(theta) = 100 (theta2 - |theta1|)^2 + |1 - theta1| (``objectives.get("inna_toy")``), a V-shaped valley
theta2 = |theta1| whose floor descends to the unique critical point (1, 1) = the global minimum.
INNA (eq. 12, ``optimizers.get("inna", psi0=...)``, exact (sub)gradient with sign(0) = 0), start
(-1, 1.5), constant gamma = 1e-4, ``steps`` = 80 000 iterations, (alpha, beta) in {(0.5, 0.01),
(0.5, 0.1), (1.3, 0.1)} as the three rows of one batch (alpha, beta as (3, 1) columns).
psi_0: the paper's formula (initial velocity -grad J(theta_0); ``psi0="paper"``, the primary run) and,
as a sensitivity check, the PyTorch code's (1 - alpha beta) theta_0 (``psi0="code"``): the paper does
not say which one its Fig. 1 used, and the choice changes the picture (see the written conclusion).

Measures (per run, on the whole path theta_0..theta_K):

* transverse (across the valley): r_k = theta2_k - |theta1_k| (r / sqrt 2 is the distance to the
  floor away from theta1 = 0). ``transverse_tv`` = sum_k |r_{k+1} - r_k| (total variation), and
  ``transverse_reversals``: turning points of r whose swing exceeds ``swing`` (a hysteresis count:
  a reversal is counted once r has moved back by more than ``swing`` from its running extreme, so
  the step-size-level chattering at the kinks is not counted); ``late_max_abs_r``: max |r_k| over
  the second half of the run.
* longitudinal (along the valley, around theta1 = 1): ``overshoot`` = max_k theta1_k - 1 (<= 0: never
  passed 1), ``crossings`` = crossings of theta1 = 1 with hysteresis ``swing`` (theta1 must go beyond
  1 +- swing to count), ``longitudinal_reversals`` = turning points of theta1 with swing > ``swing``,
  ``first_past_1`` = first k with theta1_k > 1 (null: never).
* ``final_theta``, ``final_dist`` = |theta_K - (1, 1)|, ``final_J`` = J(theta_K), ``max_J``.

Claims checked (verdict: yes/no with the numbers): (T) transverse oscillations decrease with beta:
(0.5, 0.01) has larger transverse_tv than (0.5, 0.1); (L) longitudinal ones decrease with alpha:
(1.3, 0.1) has a smaller overshoot than (0.5, 0.1); (C) every run ends near (1, 1) (final_dist <
``near``). Output: ``inna_toy.png`` (trajectories over the level sets of log10 J, both inits; r_k and
theta1_k - 1 against k), ``inna_toy.json`` (every number, the paths thinned to every ``keep_every``-th
iterate), ``table``; the written conclusion is proofs_notes/studies/inna_toy.md.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from convcheck.reference import get_backend, objectives, optimizers
from convcheck.reference import run as reference_run
from convcheck.texttable import table as tab

from . import common

NAME = "inna-toy"
PSI0 = ("paper", "code")


@dataclass
class Config:
    steps: int = 80_000
    lr: float = 1e-4
    runs: tuple = ((0.5, 0.01), (0.5, 0.1), (1.3, 0.1))  # (alpha, beta)
    start: tuple = (-1.0, 1.5)
    swing: float = 1e-3  # hysteresis of the reversal / crossing counts
    near: float = 0.05   # "ends near (1, 1)": final_dist below this
    keep_every: int = 200  # path thinning for the JSON and the plots


QUICK = Config(steps=8_000, keep_every=40)


def trajectory(cfg: Config, psi0: str, backend: str = "numpy") -> np.ndarray:
    """The (steps + 1, runs, 2) path of INNA on the toy: every iterate, all runs one batch (on ``backend``'s
    namespace; the path comes back to the host). The measures are taken on the path afterwards, so the run
    itself measures nothing (no gradient norms)."""
    ab = np.array(cfg.runs, dtype=np.float64)
    x0 = get_backend(backend).asarray(np.tile(np.array([cfg.start], dtype=np.float64), (len(cfg.runs), 1)))
    tr = reference_run(optimizers.get("inna", psi0=psi0), objectives.get("inna_toy"), x0, cfg.steps,
                       hp={"lr": cfg.lr, "alpha": ab[:, :1], "beta": ab[:, 1:]}, record=[0, cfg.steps],
                       checkpoints=range(cfg.steps + 1), measure_grad=False)
    return tr.iterates


def _reversals(v: np.ndarray, swing: float) -> int:
    """Turning points of v with swing > ``swing``: the extrema of the swing-filtered zig-zag, minus the ends."""
    ext = float(v[0])
    direction, count = 0, 0
    for x in np.asarray(v, dtype=np.float64)[1:]:
        if direction == 0:
            if abs(x - ext) > swing:
                direction, ext = (1 if x > ext else -1), x
            continue
        if (x - ext) * direction > 0:
            ext = x
        elif abs(x - ext) > swing:
            count += 1
            direction, ext = -direction, x
    return count


def crossings(v: np.ndarray, level: float, swing: float) -> int:
    """Crossings of ``level`` by v, counted when v goes beyond level +- swing on the other side."""
    side, count = 0, 0
    for x in np.asarray(v, dtype=np.float64):
        s = 1 if x > level + swing else (-1 if x < level - swing else 0)
        if s and side and s != side:
            count += 1
        if s:
            side = s
    return count


def measures(path: np.ndarray, cfg: Config) -> list[dict]:
    obj = objectives.get("inna_toy")
    K = path.shape[0] - 1
    out = []
    for j, (alpha, beta) in enumerate(cfg.runs):
        th = path[:, j, :]
        r = th[:, 1] - np.abs(th[:, 0])
        t1 = th[:, 0]
        past = np.nonzero(t1 > 1.0)[0]
        J = obj.value(th)
        out.append({
            "alpha": alpha, "beta": beta,
            "transverse_tv": float(np.abs(np.diff(r)).sum()),
            "transverse_reversals": _reversals(r, cfg.swing),
            "late_max_abs_r": float(np.abs(r[K // 2:]).max()),
            "overshoot": float(t1.max() - 1.0),
            "crossings": crossings(t1, 1.0, cfg.swing),
            "longitudinal_reversals": _reversals(t1, cfg.swing),
            "first_past_1": int(past[0]) if past.size else None,
            "final_theta": th[-1], "final_dist": float(np.linalg.norm(th[-1] - 1.0)), "final_J": float(J[-1]),
            "max_J": float(J.max()), "theta1_range": [float(t1.min()), float(t1.max())],
            "theta2_range": [float(th[:, 1].min()), float(th[:, 1].max())],
        })
    return out


def _claims(rows: list[dict], cfg: Config) -> dict:
    by = {(r["alpha"], r["beta"]): r for r in rows}
    a, b, c = by.get((0.5, 0.01)), by.get((0.5, 0.1)), by.get((1.3, 0.1))
    out = {}
    if a and b:
        ok = a["transverse_tv"] > b["transverse_tv"]
        out["transverse_decreases_with_beta"] = {
            "holds": bool(ok), "tv_beta_0.01": a["transverse_tv"], "tv_beta_0.1": b["transverse_tv"],
            "reversals_beta_0.01": a["transverse_reversals"], "reversals_beta_0.1": b["transverse_reversals"],
            "text": f"transverse oscillations decrease with beta: {'yes' if ok else 'no'} (total variation of "
                    f"theta2 - |theta1|: {a['transverse_tv']:.3g} at (0.5, 0.01) vs {b['transverse_tv']:.3g} at "
                    f"(0.5, 0.1); reversals > {cfg.swing:g}: {a['transverse_reversals']} vs "
                    f"{b['transverse_reversals']})"}
    if b and c:
        ok = c["overshoot"] < b["overshoot"]
        out["longitudinal_decreases_with_alpha"] = {
            "holds": bool(ok), "overshoot_alpha_0.5": b["overshoot"], "overshoot_alpha_1.3": c["overshoot"],
            "crossings_alpha_0.5": b["crossings"], "crossings_alpha_1.3": c["crossings"],
            "text": f"longitudinal oscillations decrease with alpha: {'yes' if ok else 'no'} (overshoot past "
                    f"theta1 = 1: {b['overshoot']:.3g} at (0.5, 0.1) vs {c['overshoot']:.3g} at (1.3, 0.1); "
                    f"crossings of theta1 = 1 (+-{cfg.swing:g}): {b['crossings']} vs {c['crossings']})"}
    dists = [r["final_dist"] for r in rows]
    ok = all(d < cfg.near for d in dists)
    out["all_near_minimum"] = {
        "holds": bool(ok), "final_dist": dists,
        "text": f"every run ends within {cfg.near:g} of (1, 1) after {cfg.steps} steps: {'yes' if ok else 'no'} "
                f"(final distances " + ", ".join(f"{d:.3g}" for d in dists) + ")"}
    return out


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None,
        backend: str = "numpy") -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    inits, paths = {}, {}
    for psi0 in PSI0:
        progress(f"{NAME}: INNA psi0={psi0}, {len(cfg.runs)} runs x {cfg.steps} steps")
        t1 = time.perf_counter()
        thetas = trajectory(cfg, psi0, backend)
        rows = measures(thetas, cfg)
        keep = np.r_[0:cfg.steps + 1:cfg.keep_every, cfg.steps] if cfg.steps % cfg.keep_every else \
            np.r_[0:cfg.steps + 1:cfg.keep_every]
        paths[psi0] = thetas[keep]
        inits[psi0] = {"rows": rows, "claims": _claims(rows, cfg), "seconds": time.perf_counter() - t1,
                       "path_steps": keep, "path": np.transpose(thetas[keep], (1, 0, 2))}
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "backend": backend, "versions": common.versions(),
              "objective": objectives.get("inna_toy").describe(),
              "conventions": {"optimizer": "INNA eq. 12, exact (sub)gradient, sign(0) = 0", "primary_psi0": "paper",
                              "psi0": {"paper": "(1 - alpha beta) theta0 - (beta^2 - beta) grad J(theta0)",
                                       "code": "(1 - alpha beta) theta0"},
                              "path": "[run][kept step] = (theta1, theta2) at path_steps"},
              "inits": inits}
    result["verdict"] = [c["text"] for c in inits["paper"]["claims"].values()]
    result["verdict_code_init"] = [c["text"] for c in inits["code"]["claims"].values()]
    files = _plot(result, paths, out)
    result["seconds"] = time.perf_counter() - t0
    path = out / "inna_toy.json"
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def _plot(result: dict, paths: dict, out: Path) -> list[str]:
    plt = common.pyplot()
    obj = objectives.get("inna_toy")
    cfg = result["config"]
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    g1, g2 = np.meshgrid(np.linspace(-2.0, 2.0, 300), np.linspace(-1.0, 2.5, 300))
    Jg = obj.value(np.stack([g1.ravel(), g2.ravel()], axis=1)).reshape(g1.shape)
    for ax, psi0 in zip(axes[0], PSI0):
        cs = ax.contourf(g1, g2, np.log10(Jg + 1e-3), levels=30, cmap="Greys")
        for j, row in enumerate(result["inits"][psi0]["rows"]):
            p = paths[psi0][:, j, :]
            inside = (np.abs(p[:, 0]) <= 2) & (p[:, 1] >= -1) & (p[:, 1] <= 2.5)
            note = "" if inside.all() else f" (leaves the box: theta1 in [{row['theta1_range'][0]:.3g}, {row['theta1_range'][1]:.3g}])"
            ax.plot(p[:, 0], p[:, 1], "-", lw=1.0, color=f"C{j}",
                    label=f"alpha={row['alpha']:g}, beta={row['beta']:g}{note}")
        ax.plot(*cfg["start"], "ko")
        ax.plot(1, 1, "r*", ms=12)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-1, 2.5)
        ax.set_title(f"INNA, psi0 = {psi0}, gamma = {cfg['lr']:g}, {cfg['steps']} steps", fontsize=9)
        ax.set_xlabel("theta1")
        ax.set_ylabel("theta2")
        ax.legend(fontsize=7, loc="lower left")
        fig.colorbar(cs, ax=ax, label="log10(J + 1e-3)")
    steps = result["inits"]["paper"]["path_steps"]
    for j, row in enumerate(result["inits"]["paper"]["rows"]):
        p = paths["paper"][:, j, :]
        lab = f"alpha={row['alpha']:g}, beta={row['beta']:g}"
        axes[1, 0].plot(steps, p[:, 1] - np.abs(p[:, 0]), color=f"C{j}", lw=0.8, label=lab)
        axes[1, 1].plot(steps, p[:, 0] - 1.0, color=f"C{j}", lw=0.8, label=lab)
    axes[1, 0].set_yscale("symlog", linthresh=1e-3)
    axes[1, 0].set_title("transverse: theta2 - |theta1| (psi0 = paper; thinned path)", fontsize=9)
    axes[1, 1].set_yscale("symlog", linthresh=1e-3)
    axes[1, 1].set_title("longitudinal: theta1 - 1 (psi0 = paper; thinned path)", fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel("iteration k")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    p = out / "inna_toy.png"
    fig.savefig(p, dpi=100)
    plt.close(fig)
    return [str(p)]


def table(result: dict) -> str:
    fmt = common.fmt
    cfg = result["config"]
    lines = [f"INNA on J = 100(theta2 - |theta1|)^2 + |1 - theta1| from {tuple(cfg['start'])}, gamma = {cfg['lr']:g}, "
             f"{cfg['steps']} steps; reversal/crossing hysteresis {cfg['swing']:g}"]
    rows = []
    for psi0 in PSI0:
        for r in result["inits"][psi0]["rows"]:
            rows.append([psi0, f"{r['alpha']:g}", f"{r['beta']:g}", fmt(r["transverse_tv"], 4),
                         str(r["transverse_reversals"]), fmt(r["late_max_abs_r"], 3), fmt(r["overshoot"], 4),
                         str(r["crossings"]), str(r["longitudinal_reversals"]),
                         "-" if r["first_past_1"] is None else str(r["first_past_1"]),
                         f"({fmt(r['final_theta'][0], 5)}, {fmt(r['final_theta'][1], 5)})", fmt(r["final_dist"], 3),
                         fmt(r["final_J"], 3)])
    lines.append(tab(rows, ["psi0", "alpha", "beta", "TV(r)", "r reversals", "late max|r|", "overshoot",
                            "crossings th1=1", "th1 reversals", "first th1>1", "final theta", "dist (1,1)",
                            "final J"]))
    lines.append("verdict (psi0 = paper):")
    lines += [f"  {v}" for v in result["verdict"]]
    lines.append("sensitivity (psi0 = code):")
    lines += [f"  {v}" for v in result["verdict_code_init"]]
    lines.append(f"({result['seconds']:.1f}s)")
    return "\n".join(lines)


def summary(result: dict) -> dict:
    keep = ("alpha", "beta", "transverse_tv", "transverse_reversals", "overshoot", "crossings", "final_theta",
            "final_dist", "final_J")
    return {"study": NAME, "quick": result["quick"], "config": result["config"], "seconds": result["seconds"],
            "files": result["files"], "verdict": result["verdict"], "verdict_code_init": result["verdict_code_init"],
            "rows": {psi0: [{k: r[k] for k in keep} for r in result["inits"][psi0]["rows"]] for psi0 in PSI0},
            "claims": {psi0: {k: v["holds"] for k, v in result["inits"][psi0]["claims"].items()} for psi0 in PSI0}}
