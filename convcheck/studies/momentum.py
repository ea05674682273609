"""Study momentum: GD, heavy ball and NAG on the smooth catalogue at momentum 0, 0.5, 0.9: what runs reach, what
the certified bounds promise and what the PEP worst case allows, after N steps.

Each method runs at its theorem's prescribed step (gd.smooth: 1/L; heavy_ball.smooth: (1 - mu^2)/L; nag.smooth:
(1 - mu^2)/(L (1 + mu - mu^2))), so its certified bound applies. The measure is the theorems' and PEP's:
min_{0<=t<=N} ||grad f(x_t)||^2 (the bound at T = N + 1). Everything is divided by L Delta_r, Delta_r = f(x_0) -
f_low of run r (f_star where the objective has it): bounds and W(N) are proportional to L Delta at a fixed L lr
(convcheck.pep_classes.Measure), so one normalised bound and one W per (method, momentum, N) serve every problem.
The PEP column needs the extra `pep` (PEPit with Clarabel); without it the column is null and the verdict says so.
At momentum 0, heavy ball and NAG are GD step for step (their rows repeat GD's: a check, not a finding).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from convcheck import theory
from convcheck.reference import optimizers, run as run_reference
from convcheck.theory.evaluate import evaluate
from convcheck.texttable import table as tab

from ..families.baselines import smooth_problems
from . import common

try:  # the optional extra `pep`
    from .. import pep
except ImportError:
    pep = None

NAME = "momentum"
METHODS = ("gd", "heavy_ball", "nag")
MEASURE = "min_grad_sq_before_T"


@dataclass
class Config:
    momenta: tuple = (0.0, 0.5, 0.9)
    seeds: int = 32
    horizons: tuple = (1, 2, 5, 10, 20, 50, 100, 200, 500)
    pep_horizons: tuple = (1, 2, 5, 10, 20)  # an SDP of size ~N each
    radius: float = 2.0


QUICK = Config(seeds=4, horizons=(1, 2, 5, 10), pep_horizons=(1, 5))


def settings(cfg: Config) -> list[tuple[str, float]]:
    """(method, momentum): GD once, heavy ball and NAG at every momentum."""
    return [("gd", 0.0)] + [(m, float(mu)) for m in METHODS[1:] for mu in cfg.momenta]


def bound_theorem(method: str):
    """The registered upper bound on ``method``'s min_{t<T} ||grad f||^2 over L-smooth functions."""
    (thm,) = [t for t in theory.theorems(algorithm=method, function_class="L-smooth", kind="upper")
              if t.rate.measure == MEASURE]
    return thm


def certified(method: str, momentum: float, horizons) -> tuple[str, float, list[float]]:
    """(theorem id, L lr at its prescription, bound / (L Delta) at T = N + 1 for each N)."""
    thm = bound_theorem(method)
    values = {"L": 1, "Delta": 1, **({"momentum": momentum} if any(q.name == "momentum" for q in thm.hyperparameters)
                                    else {})}
    evs = [evaluate(thm, values, T=N + 1) for N in horizons]
    return thm.id, float(evs[0].values["lr"]), [float(ev.rate) for ev in evs]


def worst_cases(method: str, momentum: float, h: float, horizons, cache: dict) -> list[dict] | None:
    """W(N)/(L Delta) per N at L lr = h, or None without PEPit; momentum 0 is GD (solved once)."""
    if pep is None or not pep.solver_installed():
        return None
    key = ("gd" if momentum == 0 else method, h, momentum)
    if key not in cache:
        cache[key] = [pep.worst_case(key[0], N, lr=h, mu=momentum) for N in horizons]
    return [{"value": w.value, "tolerance": w.tolerance, "accurate": w.accurate} for w in cache[key]]


def measured(obj, method: str, momentum: float, h: float, cfg: Config, seed: int) -> dict:
    """min_{t<=N} ||grad f(x_t)||^2 / (L Delta_r) over the seeds: max (the worst run), median, per N."""
    L = obj.constants["L"]
    x0 = common.initial_points(obj, [seed + s for s in range(cfg.seeds)], radius=cfg.radius)
    f_low = obj.constants.get("f_star", obj.constants.get("f_low"))
    delta = obj.value(x0) - f_low
    hp = {"lr": h / L, **({"momentum": momentum} if method != "gd" else {})}
    tr = run_reference(optimizers.get(method), obj, x0, max(cfg.horizons), hp=hp, record=list(cfg.horizons))
    norm = tr.min_grad_sq / (L * delta[None, :])
    return {"max": norm.max(axis=1).tolist(), "median": np.median(norm, axis=1).tolist(),
            "diverged": int(tr.diverged().sum())}


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None, seed: int = 0) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    problems = {f"{o.name} (d={o.d})": o for o in smooth_problems()}
    cache, rows = {}, []
    for method, momentum in settings(cfg):
        progress(f"{NAME}: {method} at momentum {momentum:g}: bound, PEP at N = {cfg.pep_horizons}, runs")
        tid, h, bounds = certified(method, momentum, cfg.horizons)
        pep_idx = [cfg.horizons.index(N) for N in cfg.pep_horizons if N in cfg.horizons]
        worst = worst_cases(method, momentum, h, [cfg.horizons[i] for i in pep_idx], cache)
        W = [None] * len(cfg.horizons)
        for i, w in zip(pep_idx, worst or []):
            W[i] = w
        rows.append({"method": method, "momentum": momentum, "theorem": tid, "L_lr": h, "bound": bounds, "pep": W,
                     "measured": {t: measured(o, method, momentum, h, cfg, seed) for t, o in problems.items()}})
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(),
              "horizons": list(cfg.horizons), "rows": rows, "pep_available": worst_cases_available(),
              "conventions": {"measure": "min_{0<=t<=N} ||grad f(x_t)||^2 / (L Delta_r), bound at T = N + 1",
                              "steps": "each method at its theorem's prescribed lr",
                              "pep": "W(N)/(L Delta) on L-smooth nonconvex f (convcheck.pep), exact interpolation"}}
    result["verdict"] = verdict(result)
    result["seconds"] = time.perf_counter() - t0
    png, path = out / "momentum.png", out / "momentum.json"
    figure(result, png)
    result["files"] = [str(path), str(png)]
    common.write_json(path, result)
    return result


def worst_cases_available() -> bool:
    return pep is not None and pep.solver_installed()


def _gd(result) -> dict:
    return next(r for r in result["rows"] if r["method"] == "gd")


def _momentum_rows(result) -> list[dict]:
    return [r for r in result["rows"] if r["method"] != "gd" and r["momentum"] > 0]


def verdict(result) -> list[str]:
    """Where momentum's certified bound (and worst case) beats GD's, and where its runs beat both GD's run and
    GD's bound."""
    Ns, gd, lines = result["horizons"], _gd(result), []
    ratios = [(r["bound"][i] / gd["bound"][i], r["method"], r["momentum"], N)
              for r in _momentum_rows(result) for i, N in enumerate(Ns)]
    wins = [f"{m} {mu:g} N={N}" for q, m, mu, N in ratios if q < 1]
    q, m, mu, N = min(ratios)
    lines.append(f"certified bound: momentum's below GD's at {', '.join(wins)}" if wins else
                 f"certified bound: momentum's never below GD's (prescribed steps); closest {m} momentum {mu:g} at "
                 f"N = {N}, {q:.3g}x GD's")
    if result["pep_available"]:
        pr = [(r["pep"][i]["value"] / gd["pep"][i]["value"], r["method"], r["momentum"], N)
              for r in _momentum_rows(result) for i, N in enumerate(Ns) if r["pep"][i] is not None]
        wins = [f"{m} {mu:g} N={N}" for q, m, mu, N in pr if q < 1]
        q, m, mu, N = min(pr)
        lines.append(f"PEP worst case: momentum's below GD's at {', '.join(wins)}" if wins else
                     f"PEP worst case: momentum's never below GD's; closest {m} momentum {mu:g} at N = {N}, {q:.3g}x")
        tight = [r["bound"][i] / r["pep"][i]["value"] for r in result["rows"] for i in range(len(Ns))
                 if r["pep"][i] is not None]
        lines.append(f"bound / PEP: {min(tight):.3g} to {max(tight):.3g}")
    else:
        lines.append("PEP worst case: not computed (the extra pep, PEPit with Clarabel, is not installed)")
    for title in gd["measured"]:
        g = gd["measured"][title]["median"]
        beat = {f"{r['method']} {r['momentum']:g}": [N for i, N in enumerate(Ns)
                                                      if r["measured"][title]["median"][i] < min(g[i], gd["bound"][i])]
                for r in _momentum_rows(result)}
        beat = [f"{k} at N = {','.join(map(str, v))}" for k, v in beat.items() if v]
        lines.append(f"runs on {title}: momentum's median below GD's run and GD's bound: "
                     + ("; ".join(beat) if beat else "nowhere"))
    worst = max(max(np.asarray(m["max"]) / np.asarray(r["bound"]))
                for r in result["rows"] for m in r["measured"].values())
    lines.append(f"every run below its certified bound: worst measured / bound = {worst:.3g}")
    return lines


def figure(result: dict, path: Path) -> None:
    """Left: normalised bound (dashed), PEP W(N) (markers) and the worst run over the catalogue (solid) against N.
    Right: the tightness figure, bound / PEP against N."""
    plt = common.pyplot()
    Ns = np.asarray(result["horizons"], float)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    shown = [_gd(result), *_momentum_rows(result)]
    for k, r in enumerate(shown):
        c, label = f"C{k}", r["method"] + ("" if r["method"] == "gd" else f" {r['momentum']:g}")
        worst = np.max([m["max"] for m in r["measured"].values()], axis=0)
        ax.plot(Ns, np.maximum(worst, 1e-32), color=c, label=f"{label}: worst run")
        ax.plot(Ns, r["bound"], color=c, ls="--", lw=1)
        pts = [(N, w["value"]) for N, w in zip(Ns, r["pep"]) if w is not None]
        if pts:
            ax.plot(*zip(*pts), "o", color=c, ms=4)
            bx.plot([N for N, _ in pts], [r["bound"][list(Ns).index(N)] / w for N, w in pts], "o-", color=c,
                    label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N (steps)")
    ax.set_ylabel(r"$\min_{t\leq N}\|\nabla f(x_t)\|^2 / (L\Delta)$")
    ax.set_title("runs (solid), certified bound (dashed), PEP worst case (dots)", fontsize=9)
    ax.legend(fontsize=7)
    bx.axhline(1.0, color="grey", lw=0.8, ls=":")
    bx.set_xscale("log")
    bx.set_xticks(result["config"]["pep_horizons"], [str(N) for N in result["config"]["pep_horizons"]])
    bx.minorticks_off()
    bx.set_xlabel("N (steps)")
    bx.set_ylabel("certified bound / PEP worst case")
    bx.set_title("tightness" + ("" if result["pep_available"] else " (PEPit not installed)"), fontsize=9)
    if bx.lines[1:]:
        bx.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def table(result: dict) -> str:
    fmt, Ns = common.fmt, result["horizons"]
    lines = []
    for r in result["rows"]:
        lines.append(f"{r['method']} momentum {r['momentum']:g} ({r['theorem']}, L lr = {fmt(r['L_lr'], 4)}); "
                     "values / (L Delta)")
        titles = list(r["measured"])
        body = [[N, fmt(r["bound"][i], 4), "-" if r["pep"][i] is None else fmt(r["pep"][i]["value"], 4),
                 *[fmt(r["measured"][t]["max"][i], 3) for t in titles]] for i, N in enumerate(Ns)]
        lines.append(tab(body, ["N", "bound", "PEP", *[f"worst run: {t.split(' ')[0]}" for t in titles]]))
    lines += common.verdict_lines(result)
    return "\n".join(lines)


def summary(result: dict) -> dict:
    return {**common.summary_head(result), "horizons": result["horizons"],
            "pep_available": result["pep_available"],
            "rows": [{k: r[k] for k in ("method", "momentum", "theorem", "L_lr", "bound")}
                     | {"pep": [None if w is None else w["value"] for w in r["pep"]],
                        "worst_run": np.max([m["max"] for m in r["measured"].values()], axis=0).tolist()}
                     for r in result["rows"]]}
