"""Study: the iteration-count gap between GD at its best safe fixed step, clipped GD and the clipping
framework, over the starting radius R (clipping card shared/papers/clipping_zhang2019_2020.md,
section 10: construction 10.1, table 10.2).

Objectives (reference/objectives/l0l1.py, each with the witness block y, mu = 1, y0 = 1):

* A: ``CoshSum(d=2, a=1, witness=1)``, f = cosh(u) + y^2/2, (L0, L1) = (1, 1), u0 = R;
* B: ``QuarticSum(d=2, L1=2, witness=1)``, f = u^4/4 + y^2/2, (L0, L1) = (1, 2), u0 = R;
* C: ``MexicanHat(d=3, L1=3, witness=1)``, f = (||w||^2 - 1)^2/4 + y^2/2, (L0, L1) = (2, 3), w0 = (R, 0).

Counted: the first k with ||grad f(z_k)||^2 <= 1e-6 (||grad f|| <= eps = 1e-3), read as a hitting
time of ``reference.run`` (thresholds=[1e-6]); -1 / null = not reached.

* K_LB = ln(mu y0/eps)/(-ln(1 - mu h_max)): the steps *every* fixed step of GD needs (card 10.1
  Proposition (ii), ``objective.K_LB``); ``gd_lower_bound(lr)`` the bound for one given step.
* GD at 0.5, 0.9, 0.99 and 1.01 x h_max: one batch per (objective, R), the step sizes as an (R, 1)
  ``lr`` column. GD is stateless, so a batch runs in chunks (doubling, from 1024 steps) resumed from
  the last iterate (bit-identical to one long run), dropping runs that have hit or diverged, up to
  ``budget`` steps. A GD batch whose K_LB exceeds the budget is skipped (rigorously: none of its
  runs could finish within it); its runs are reported "skipped". GD runs only at ``gd_R``.
* Clipped GD at ZHSJ Theorem 3's parameters: lr = eta_c = 1/(10 L0), clip = gamma =
  min(1/eta_c, 1/(10 L1 eta_c)) (``clip`` is ZHSJ's gradient-norm threshold: the largest step is
  clip lr). One batch per objective, all R as rows.
* The framework (``clip_momentum``, hard form, beta1 = 0.9, lr = eta_c) at nu = 0, 0.7, 1. The card's
  framework rows use gamma_ZJFW = gamma eta_c; gamma_ZJFW is the largest displacement, which is
  lr * clip in our convention (optimizers/clipping.py; card 12 item 4), so clip = gamma: the same
  clip as clipped GD (nu = 0 is then clipped GD, and the card's nu = 0 column equals its clipped
  column). One batch per objective, (R, nu) as rows, nu an (R, 1) column. The momentum state forbids
  chunking: the batch runs 2 x (largest clipped count) + 1000 steps, doubled until all hit (budget cap).

Growth fits (least squares): A: log K_LB against R (slope -> a = 1: exponential); B, C: log K_LB
against log R (slope -> 2: quadratic); clipped GD's count against R (linear; the slope is compared
with 1/(clip lr), one maximal step per unit of distance); and the same fits for the measured best GD.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from convcheck.reference import optimizers
from convcheck.reference import run as reference_run
from convcheck.reference.objectives.l0l1 import CoshSum, MexicanHat, QuarticSum
from convcheck.texttable import table as tab

from . import common

NAME = "clipping-gap"
EPS = 1e-3
THRESHOLD = 1e-6  # ||grad f||^2 <= (1e-3)^2
GD_FRACTIONS = (0.5, 0.9, 0.99, 1.01)
NUS = (0.0, 0.7, 1.0)
BETA1 = 0.9
FIRST_CHUNK = 1024

# Card section 10.2 (first k with ||grad f|| <= 1e-3). gd: 0.5 / 0.9 / 0.99 x h_max (None: "not run");
# gd_101: the card's entry for 1.01 x h_max; framework: nu = 0 / 0.7 / 1.
CARD = {
    ("A", 5): dict(h_max=0.134765, K_LB=47.7206, gd=[100, 56, 49], gd_101="diverges (step 4)", clipped=107,
                   framework=[107, 159, 187]),
    ("A", 10): dict(h_max=1.81600e-3, K_LB=3800.38, gd=[7605, 4712, 4285], gd_101="diverges", clipped=157,
                    framework=[157, 214, 240]),
    ("A", 15): dict(h_max=1.83541e-5, K_LB=376356, gd=[752716, 466885, 424385], gd_101="diverges", clipped=207,
                    framework=[207, 266, 291]),
    ("A", 20): dict(h_max=1.64892e-7, K_LB=4.18925e7, gd=None, gd_101=None, clipped=257, framework=None),
    ("B", 10): dict(h_max=0.02, K_LB=341.922, gd=[688, 2758, 2521], gd_101="diverges", clipped=676,
                    framework=[676, 511, 659]),
    ("B", 30): dict(h_max=2.22222e-3, K_LB=3105.03, gd=[6214, 24978, 22721], gd_101="diverges", clipped=1076,
                    framework=[1076, 914, 1059]),
    ("B", 100): dict(h_max=2.0e-4, K_LB=34535.3, gd=[69075, 277754, 252518], gd_101="diverges", clipped=2476,
                     framework=[2476, 2314, 2459]),
    ("B", 300): dict(h_max=2.22222e-5, K_LB=310846, gd=[621695, 2499975, 2272718], gd_101="diverges",
                     clipped=6476, framework=[6476, 6314, 6459]),
    ("C", 10): dict(h_max=0.020202, K_LB=338.468, gd=[681, 377, 342], gd_101="diverges", clipped=391,
                    framework=[391, 379, 411]),
    ("C", 30): dict(h_max=2.22469e-3, K_LB=3101.58, gd=[6207, 3447, 3133], gd_101="diverges", clipped=990,
                    framework=[990, 979, 1011]),
    ("C", 100): dict(h_max=2.00020e-4, K_LB=34531.9, gd=[69068, 38370, 34881], gd_101="diverges", clipped=3090,
                     framework=[3090, 3079, 3111]),
    ("C", 1000): dict(h_max=2.0e-6, K_LB=3.45387e6, gd=None, gd_101=None, clipped=30090, framework=None),
}
GD_TOLERANCE = 2  # steps: GD's counts may differ from the card's by rounding of the stopping test


def objectives() -> dict:
    return {"A": CoshSum(d=2, a=1.0, witness=1), "B": QuarticSum(d=2, L1=2.0, witness=1),
            "C": MexicanHat(d=3, L1=3.0, witness=1)}


def theorem3(obj) -> tuple[float, float]:
    """(lr, clip) = (eta_c, gamma) = (1/(10 L0), min(1/eta_c, 1/(10 L1 eta_c))) (ZHSJ Theorem 3)."""
    L0, L1 = obj.constants["L0"], obj.constants["L1"]
    lr = 1.0 / (10.0 * L0)
    return lr, min(1.0 / lr, 1.0 / (10.0 * L1 * lr))


@dataclass
class Config:
    R: dict = field(default_factory=lambda: {"A": [5, 10, 15, 20], "B": [10, 30, 100, 300],
                                             "C": [10, 30, 100, 1000]})
    gd_R: dict = field(default_factory=lambda: {"A": [5, 10, 15], "B": [10, 30, 100], "C": [10, 30, 100]})
    budget: int = 1_000_000  # steps per batch at most
    eps: float = EPS
    y0: float = 1.0


QUICK = Config(R={"A": [5, 10], "B": [10, 30], "C": [10, 30]}, gd_R={"A": [5, 10], "B": [10, 30], "C": [10, 30]},
               budget=20_000)


# ---------------------------------------------------------------------------------------------
# running to the hitting time


def _chunked(opt, obj, x0: np.ndarray, hp: dict, budget: int) -> dict:
    """Hitting times of a stateless optimizer (state = x only): run chunks of doubling length (from
    FIRST_CHUNK), resuming from the last iterate, dropping runs that hit or diverged, until all are done or
    ``budget`` steps. Returns hit (-1: not within the budget), diverged_at (-1: never), steps."""
    n = x0.shape[0]
    hit = np.full(n, -1, dtype=np.int64)
    div = np.full(n, -1, dtype=np.int64)
    live = np.arange(n)
    x = np.array(x0, dtype=np.float64)
    done, chunk = 0, FIRST_CHUNK
    while live.size and done < budget:
        k = min(chunk, budget - done)
        cols = {key: (v[live] if isinstance(v, np.ndarray) else v) for key, v in hp.items()}
        tr = reference_run(opt, obj, x[live], k, cols, thresholds=[THRESHOLD], record=[0, k])
        h, d = tr.hitting_times[THRESHOLD], tr.diverged_at
        hit[live[h >= 0]] = done + h[h >= 0]
        div[live[(d >= 0) & (h < 0)]] = done + d[(d >= 0) & (h < 0)]
        x[live] = tr.x_final
        live = live[(h < 0) & (d < 0)]
        done += k
        chunk *= 2
    return {"hit": hit, "diverged_at": div, "steps": done}


def _restarted(opt, obj, x0: np.ndarray, hp: dict, steps: int, budget: int) -> dict:
    """Hitting times of an optimizer with state: run ``steps``, doubled until every run hit or
    diverged (or ``budget``)."""
    steps = min(int(steps), budget)
    while True:
        tr = reference_run(opt, obj, x0, steps, hp, thresholds=[THRESHOLD], record=[0, steps])
        h, d = tr.hitting_times[THRESHOLD], tr.diverged_at
        if ((h >= 0) | (d >= 0)).all() or steps >= budget:
            return {"hit": h.astype(np.int64), "diverged_at": np.where(h < 0, d, -1).astype(np.int64),
                    "steps": steps}
        steps = min(2 * steps, budget)


def _opt(v) -> int | None:
    return None if v is None or v < 0 else int(v)


# ---------------------------------------------------------------------------------------------
# fits


def _fits(rows: list[dict], cfg: Config) -> dict:
    out = {}
    for key in ("A", "B", "C"):
        rs = [r for r in rows if r["objective"] == key]
        if not rs:
            continue
        R = np.array([r["R"] for r in rs], float)
        klb = np.array([r["K_LB"] for r in rs], float)
        clipped = np.array([r["clipped"]["hit"] if r["clipped"]["hit"] is not None else np.nan for r in rs], float)
        best_gd = np.array([r["gd"]["best"] if r["gd"]["best"] is not None else np.nan for r in rs], float)
        lr, clip = rs[0]["clipped"]["lr"], rs[0]["clipped"]["clip"]
        if key == "A":
            law = "exponential: log K_LB linear in R (slope -> a = 1)"
            k_fit, gd_fit = common.line_fit(R, np.log(klb)), common.line_fit(R, np.log(best_gd))
        else:
            law = "quadratic: log K_LB linear in log R (slope -> 2)"
            k_fit, gd_fit = common.line_fit(np.log(R), np.log(klb)), common.line_fit(np.log(R), np.log(best_gd))
        out[key] = {"law": law, "R": R, "log_K_LB": k_fit, "log_best_gd": gd_fit,
                    "clipped_vs_R": common.line_fit(R, clipped), "clipped_slope_theory": 1.0 / (clip * lr),
                    "gap_K_LB_over_clipped": klb / clipped, "gap_best_gd_over_clipped": best_gd / clipped}
    return out


# ---------------------------------------------------------------------------------------------
# the study


def _card_diff(row: dict) -> dict | None:
    card = CARD.get((row["objective"], int(row["R"])))
    if card is None:
        return None
    d = {"h_max_rel": abs(row["h_max"] - card["h_max"]) / card["h_max"],
         "K_LB_rel": abs(row["K_LB"] - card["K_LB"]) / card["K_LB"],
         "clipped": None if row["clipped"]["hit"] is None else row["clipped"]["hit"] - card["clipped"]}
    d["framework"] = None if card["framework"] is None else \
        [None if h is None else h - c for h, c in zip(row["framework"]["hit"], card["framework"])]
    ours = row["gd"]["hit"][:3] if row["gd"]["status"] == "run" else None
    d["gd"] = None if card["gd"] is None or ours is None else \
        [None if h is None else h - c for h, c in zip(ours, card["gd"])]
    exact = [d["clipped"]] + (d["framework"] or [])
    d["clipped_and_framework_exact"] = all(v == 0 for v in exact if v is not None) and \
        any(v is not None for v in exact)
    d["gd_within_tolerance"] = None if d["gd"] is None or all(v is None for v in d["gd"]) else \
        all(abs(v) <= GD_TOLERANCE for v in d["gd"] if v is not None)
    d["constants_6_digits"] = d["h_max_rel"] < 5e-6 and d["K_LB_rel"] < 5e-6
    return d


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    objs = objectives()
    gd, cgd, fw = optimizers.get("gd"), optimizers.get("clipped_gd"), optimizers.get("clip_momentum")
    rows, objinfo = [], {}
    for key, obj in objs.items():
        Rs = [float(R) for R in cfg.R.get(key, [])]
        if not Rs:
            continue
        lr, clip = theorem3(obj)
        objinfo[key] = {"objective": obj.describe(), "constants": obj.constants, "lr": lr, "clip": clip,
                        "largest_step": lr * clip, "clip_zjfw": lr * clip}
        # clipped GD: every R of this objective in one batch (stateless: chunked)
        x0 = np.concatenate([obj.witness_start(R, cfg.y0) for R in Rs])
        tc = time.perf_counter()
        cres = _chunked(cgd, obj, x0, {"lr": lr, "clip": clip}, cfg.budget)
        progress(f"{key} {obj.describe()}: clipped GD (lr {lr:g}, clip {clip:.4g}) at R = {Rs} -> "
                 f"{cres['hit'].tolist()} ({time.perf_counter() - tc:.1f}s)")
        # the framework: (R, nu) rows, nu a column
        xf = np.repeat(x0, len(NUS), axis=0)
        nu = np.tile(np.asarray(NUS, float), len(Rs))[:, None]
        tc = time.perf_counter()
        guess = 2 * int(max(cres["hit"].max(), 1)) + 1000
        fres = _restarted(fw, obj, xf, {"lr": lr, "clip": clip, "beta1": BETA1, "nu": nu}, guess, cfg.budget)
        fhit = fres["hit"].reshape(len(Rs), len(NUS))
        progress(f"  framework (hard, beta1 {BETA1:g}, nu {list(NUS)}) -> {fhit.tolist()} "
                 f"({fres['steps']} steps, {time.perf_counter() - tc:.1f}s)")
        for i, R in enumerate(Rs):
            hm, klb = obj.h_max(R), obj.K_LB(cfg.eps, R, cfg.y0)
            lrs = [f * hm for f in GD_FRACTIONS]
            lbs = [obj.gd_lower_bound(h, cfg.eps, R, cfg.y0) for h in lrs]
            gdrow = {"fractions": list(GD_FRACTIONS), "lr": lrs, "lower_bound": lbs, "hit": [None] * len(lrs),
                     "diverged_at": [None] * len(lrs), "steps_run": 0, "seconds": 0.0, "best": None}
            if R not in [float(r) for r in cfg.gd_R.get(key, [])]:
                gdrow["status"] = "not run (R not in gd_R)"
            elif klb > cfg.budget:
                gdrow["status"] = f"skipped: K_LB = {klb:.6g} > budget {cfg.budget} steps"
            else:
                tc = time.perf_counter()
                g = _chunked(gd, obj, np.repeat(obj.witness_start(R, cfg.y0), len(lrs), axis=0),
                             {"lr": np.asarray(lrs)[:, None]}, cfg.budget)
                reached = [_opt(h) for h in g["hit"]]
                safe = [h for h, f in zip(reached, GD_FRACTIONS) if f < 1 and h is not None]
                gdrow.update(status="run", hit=reached, diverged_at=[_opt(d) for d in g["diverged_at"]],
                             steps_run=g["steps"], seconds=time.perf_counter() - tc,
                             best=min(safe) if safe else None,
                             not_reached_within_budget=[f for f, h, d in zip(GD_FRACTIONS, g["hit"], g["diverged_at"])
                                                        if h < 0 and d < 0])
                progress(f"  GD at {list(GD_FRACTIONS)} x h_max, R = {R:g}: hit {reached}, diverged at "
                         f"{gdrow['diverged_at']} ({g['steps']} steps, {gdrow['seconds']:.1f}s)")
            hits = [h for h in gdrow["hit"] if h is not None]
            gdrow["never_beats_K_LB"] = all(h >= klb for h in hits)
            gdrow["never_beats_own_bound"] = all(h is None or h >= lb for h, lb in zip(gdrow["hit"], lbs))
            row = {"objective": key, "name": obj.name, "R": R, "h_max": hm, "K_LB": klb, "gd": gdrow,
                   "clipped": {"lr": lr, "clip": clip, "hit": _opt(cres["hit"][i]),
                               "diverged_at": _opt(cres["diverged_at"][i])},
                   "framework": {"form": "hard", "beta1": BETA1, "lr": lr, "clip": clip, "clip_zjfw": lr * clip,
                                 "nu": list(NUS), "hit": [_opt(h) for h in fhit[i]]}}
            row["card"] = CARD.get((key, int(R)))
            row["vs_card"] = _card_diff(row)
            rows.append(row)
    fits = _fits(rows, cfg)
    compared = [r["vs_card"] for r in rows if r["vs_card"] is not None]
    checks = {"clipped_and_framework_match_card": all(c["clipped_and_framework_exact"] for c in compared),
              "gd_within_tolerance_of_card": all(c["gd_within_tolerance"] for c in compared
                                                 if c["gd_within_tolerance"] is not None),
              "gd_tolerance_steps": GD_TOLERANCE,
              "constants_match_card_6_digits": all(c["constants_6_digits"] for c in compared),
              "gd_never_beats_K_LB": all(r["gd"]["never_beats_K_LB"] for r in rows),
              "gd_never_beats_own_bound": all(r["gd"]["never_beats_own_bound"] for r in rows),
              "gd_1.01_never_reaches": all(r["gd"]["hit"][-1] is None for r in rows),
              "rows_compared": len(compared)}
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(),
              "conventions": {"count": "first k with ||grad f(z_k)||^2 <= 1e-6 (reference.run hitting time)",
                              "clip": "ZHSJ's gradient-norm threshold gamma; largest step clip*lr = gamma_ZJFW",
                              "framework": "clip_momentum hard, m_{-1} = 0, lr = eta_c, clip = gamma "
                                           "(gamma_ZJFW = gamma eta_c, card 10.2)",
                              "gd_budget": "GD batches with K_LB > budget are skipped; runs not reached within "
                                           "the budget are null with not_reached_within_budget",
                              "json": "null stands for not reached / not run / NaN"},
              "threshold": THRESHOLD, "eps": cfg.eps, "objectives": objinfo, "rows": rows, "fits": fits,
              "checks": checks}
    files = _plot(result, out, objs, cfg)
    path = out / "clipping_gap.json"
    result["seconds"] = time.perf_counter() - t0
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def _plot(result: dict, out: Path, objs: dict, cfg: Config) -> list[str]:
    plt = common.pyplot()
    keys = [k for k in ("A", "B", "C") if any(r["objective"] == k for r in result["rows"])]
    fig, axs = plt.subplots(1, len(keys), figsize=(5.2 * len(keys), 4.4), squeeze=False)
    for ax, key in zip(axs[0], keys):
        rs = [r for r in result["rows"] if r["objective"] == key]
        R = np.array([r["R"] for r in rs])
        lo = {"A": 2.5, "B": 2.0, "C": 2.0}[key]
        grid = np.linspace(max(lo, R.min() * 0.8), R.max() * 1.1, 200) if key == "A" else \
            np.geomspace(max(lo, R.min() * 0.8), R.max() * 1.2, 200)
        ax.plot(grid, [objs[key].K_LB(cfg.eps, g, cfg.y0) for g in grid], "k-", lw=1.5,
                label=r"$K_{LB}$ (every fixed step)")
        for j, (f, mk) in enumerate(zip(GD_FRACTIONS[:3], ("v", "s", "^"))):
            y = [r["gd"]["hit"][j] if r["gd"]["hit"][j] is not None else np.nan for r in rs]
            ax.plot(R, y, mk + "--", color=f"C{j}", label=f"GD {f:g} h_max")
        ax.plot(R, [r["clipped"]["hit"] if r["clipped"]["hit"] is not None else np.nan for r in rs], "o-", color="C3",
                lw=2, label="clipped GD (Thm 3)")
        for j, (nu, mk) in enumerate(zip(NUS, ("x", "+", "d"))):
            ax.plot(R, [r["framework"]["hit"][j] if r["framework"]["hit"][j] is not None else np.nan for r in rs],
                    mk + ":", color=f"C{4 + j}", label=f"framework nu={nu:g}")
        ax.set_yscale("log")
        if key != "A":
            ax.set_xscale("log")
        fit = result["fits"][key]["log_K_LB"]
        ax.set_title(f"{key}: {objs[key].describe()}\nlog K_LB slope {common.fmt(fit['slope'], 3)} vs "
                     f"{'R' if key == 'A' else 'log R'}", fontsize=9)
        ax.set_xlabel("starting radius R")
        ax.set_ylabel(r"iterations to $\|\nabla f\| \leq 10^{-3}$")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.tight_layout()
    p = out / "clipping_gap.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    return [str(p)]


def _cnt(v) -> str:
    return "-" if v is None else str(v)


def table(result: dict) -> str:
    fmt = common.fmt
    rows = []
    for r in result["rows"]:
        g = r["gd"]
        if g["status"] == "run":
            gd = " / ".join(_cnt(h) if h is not None else f">{g['steps_run']}" for h in g["hit"][:3])
            d = g["diverged_at"][-1]
            g101 = f"diverges (step {d})" if d is not None else (_cnt(g["hit"][-1]) if g["hit"][-1] is not None
                                                                 else "not reached")
        else:
            gd, g101 = ("skipped (K_LB > budget)" if g["status"].startswith("skipped") else "not run"), "-"
        c = r["card"]
        card = "-" if c is None else (f"{' / '.join(map(str, c['gd'])) if c['gd'] else 'not run'} | {c['clipped']} | "
                                      f"{' / '.join(map(str, c['framework'])) if c['framework'] else '-'}")
        v = r["vs_card"]
        match = "-" if v is None else ("exact" if v["clipped_and_framework_exact"] else "DIFFERS") + \
            ("" if v["gd_within_tolerance"] is None else (", GD ok" if v["gd_within_tolerance"] else ", GD DIFFERS"))
        rows.append([r["objective"], f"{r['R']:g}", fmt(r["h_max"], 6), fmt(r["K_LB"], 6), gd, g101,
                     _cnt(r["clipped"]["hit"]), " / ".join(_cnt(h) for h in r["framework"]["hit"]), card, match])
    lines = [f"iterations to ||grad f|| <= {result['eps']:g}; GD budget {result['config']['budget']} steps per batch",
             tab(rows, ["obj", "R", "h_max", "K_LB", "GD 0.5/0.9/0.99 h_max", "GD 1.01 h_max", "clipped",
                        "framework nu=0/0.7/1", "card: GD | clipped | framework", "vs card"])]
    for key, f in result["fits"].items():
        cl = f["clipped_vs_R"]
        gdf = f["log_best_gd"]
        lines.append(f"{key}: {f['law']}: slope {fmt(f['log_K_LB']['slope'], 4)} (r2 {fmt(f['log_K_LB']['r2'], 4)}); "
                     f"best GD slope {fmt(gdf['slope'], 4)} ({gdf['points']} pts); clipped GD ~ "
                     f"{fmt(cl['slope'], 4)} R + {fmt(cl['intercept'], 4)} (r2 {fmt(cl['r2'], 5)}; 1/(clip lr) = "
                     f"{fmt(f['clipped_slope_theory'], 4)}); K_LB/clipped = "
                     + ", ".join(fmt(x, 3) for x in f["gap_K_LB_over_clipped"]))
    ch = result["checks"]
    lines.append(f"checks: clipped+framework = card {ch['clipped_and_framework_match_card']}, GD within "
                 f"{ch['gd_tolerance_steps']} of card {ch['gd_within_tolerance_of_card']}, h_max/K_LB to 6 digits "
                 f"{ch['constants_match_card_6_digits']}, GD never beats K_LB {ch['gd_never_beats_K_LB']}, "
                 f"GD 1.01 h_max never reaches {ch['gd_1.01_never_reaches']}  ({result['seconds']:.1f}s)")
    return "\n".join(lines)


def summary(result: dict) -> dict:
    """Headline numbers for ``--json``: the rows without the card copies, fits and checks."""
    keep = [{"objective": r["objective"], "R": r["R"], "h_max": r["h_max"], "K_LB": r["K_LB"],
             "gd": {k: r["gd"][k] for k in ("fractions", "hit", "diverged_at", "status")},
             "clipped": r["clipped"]["hit"], "framework": r["framework"]["hit"], "vs_card": r["vs_card"]}
            for r in result["rows"]]
    return {"study": NAME, "quick": result["quick"], "config": result["config"], "seconds": result["seconds"],
            "files": result["files"], "rows": keep, "fits": result["fits"], "checks": result["checks"]}
