r"""Study: local smoothness against gradient norm along optimizer trajectories (ZHSJ Figure 1, the
scatter plot that motivated (L0,L1)-smoothness; clipping card shared/papers/clipping_zhang2019_2020.md,
section 8).

The estimate (``reference.smoothness.trajectory_smoothness``): for consecutive iterates x_t, x_{t+1},
r_t = \|x_{t+1} - x_t\|, z_s = x_t + s (x_{t+1} - x_t),

    L_hat_t = max_{s in (0.25, 0.5, 0.75, 1)} \|\nabla f(z_s) - \nabla f(x_t)\| / (s r_t),

plotted against g_t = \|\nabla f(x_t)\| (the released code uses s = 1/2 only; card section 8).

Certified envelope (theorem l0l1.descent, card 9.2 [D], Groenwall): for a Hessian-(L0,L1)-smooth f and
any y with \|y - x\| = r, \|\nabla f(y) - \nabla f(x)\| <= (L0 + L1 \|\nabla f(x)\|) (e^{L1 r} - 1)/L1
= A(L1 r) (L0 + L1 \|\nabla f(x)\|) r, A(c) = (e^c - 1)/c (``gronwall_factor``). A is increasing, so each
fraction s (distance s r_t) obeys the bound at c = L1 r_t, and every plotted point satisfies

    L_hat_t <= A(L1 r_t) (L0 + L1 g_t)            (the "certified bound" of the point).

The ratio L_hat_t / that bound (``worst_ratio_certified``, ``violations_certified`` in the JSON): any
value above 1 + TOL (TOL for rounding) is a violation - a bug in an objective, its constants or the
estimator - and is reported loudly. The plain ratio L_hat_t / (L0 + L1 g_t) (the Hessian bound at x_t,
without A; ``worst_ratio_plain``, ``exceed_plain``): secants may exceed it by up to the factor
A(L1 r_t) (A is tight on cosh, card 9.2); the study says where they did.

Objectives: ``cosh`` (d = 2, (L0, L1) = (1, 1)), ``quartic`` (d = 2, (1, 2)), ``mexican_hat`` (d = 2,
(2, 3)), with the published constants of reference/objectives/l0l1.py; and the ``autoencoder``
(p = 8 -> 4 -> 8, tanh, n = 64; no constants), a stand-in for the paper's AWD-LSTM on PTB: the
paper's set-up is NOT reproduced, only the kind of plot. Starts: on the l0l1 objectives x0 = R v/\|v\|,
v ~ N(0, I) from ``default_rng([STREAM, seed])``, R in ``radii``; on the autoencoder the Glorot start
multiplied by radius/2 (``Autoencoder.initial_points``), radius in ``ae_radii`` - large radii give
large gradients, so the gradient norms span decades.

Optimizers (every (radius, seed) as one row of one batch of ``reference.run``, exact gradients, every
iterate kept as a checkpoint):

* GD at a fixed step per run. Known constants: gd.l0l1.upper's h = 1/(2 (M L1 + L0)), M =
  ``grad_norm_sup(f(x_0))`` the largest gradient norm on the sublevel set: every step is a certified
  descent step (safe). Autoencoder: h = 1/(2 \|\nabla^2 f(x_0)\|), the Hessian norm by
  Lanczos (a heuristic, not certified).
* Clipped GD (hard, ZHSJ): known constants, Theorem 3's lr = 1/(10 L0), clip = min(10 L0, L0/L1);
  autoencoder ``ae_clipped`` (ours).
* Adam (torch's, beta = (0.9, 0.999), xi = 1e-8) at ``adam_lr`` (``ae_adam_lr`` on the autoencoder).

Fits, per objective on all optimizers' points pooled (and per optimizer): least squares
L_hat = a + b g (the fitted (L0, L1) = (a, b), on the linear scale, so dominated by the largest g; a
central fit, not an envelope: not valid constants), and the correlations (Pearson on linear and on
log-log values, Spearman on ranks).

Two checks of what the secant measures: (i) at ``json_points`` evenly spaced points per (objective,
optimizer), the Hessian norm \|\nabla^2 f(x_t)\| by Lanczos: L_hat_t / \|\nabla^2 f(x_t)\| (the secant is
the curvature along the step, so it can be far below the norm) and, with constants, Definition 1
itself, \|\nabla^2 f(x_t)\| <= L0 + L1 g_t; (ii) for GD-type steps x_{t+1} = x_t - h_t \nabla f(x_t),
h_t L_hat_t (``edge_of_stability``): ~2 means the step sits at its stability limit along the step
direction, so L_hat_t ~ 2/h_t is set by the step-size rule (for clipped steps 2 g_t/(lr clip)).

Output: ``smoothness.png`` (one log-log panel per objective: the points coloured by optimizer, the
line L0 + L1 g, the envelope A(c)(L0 + L1 g) at c = L1 max r_t, the least-squares line, and the
sampled Hessian norms where no constants are known), ``smoothness.json`` (every number), and
``table`` (the verdict text); the written conclusion is proofs_notes/studies/smoothness_scatter.md.

Dropped points (counted in the JSON): undefined estimates (zero step, diverged run), and unresolved
secants, r_t < RESOLVED \|x_t\| with RESOLVED = 1e-6. A secant of a step that small is rounding noise:
the gradient difference loses about log10(\|x_t\|/r_t) digits to cancellation, so its relative error is
about eps \|x_t\|/r_t (times the conditioning of the gradient's evaluation) - 1e-7 at r_t ~ 1e-9 near the
Mexican hat's circle of minima, where the certified bound is attained (L0 = 2 = \|\nabla^2 f\| there) and
rounding alone then puts secants above it. Their worst ratio is still reported
(``worst_ratio_certified_unresolved``). Near a minimiser at the origin (cosh) the steps shrink with
\|x_t\| and the secants stay resolved down to tiny gradients.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from convcheck.reference import objectives, optimizers
from convcheck.reference import run as reference_run
from convcheck.reference.objectives.l0l1 import gronwall_factor
from convcheck.reference.smoothness import DEFAULT_FRACTIONS, trajectory_smoothness
from convcheck.reference.spectrum import extreme_eigenvalues
from convcheck.texttable import table as tab

from . import common

NAME = "smoothness"
KNOWN = ("cosh", "quartic", "mexican_hat")  # objectives with published (L0, L1)
OBJECTIVES = KNOWN + ("autoencoder",)
OPTIMIZERS = ("gd", "clipped_gd", "adam")
COLOUR = {"gd": "C0", "clipped_gd": "C3", "adam": "C2"}
STREAM = 7   # the start direction's random stream: default_rng([STREAM, seed])
RESOLVED = 1e-6  # a secant is kept when r_t >= RESOLVED ||x_t|| (module doc: below that it is rounding noise)
TOL = 1e-8   # a point violates the certified bound when its ratio exceeds 1 + TOL (rounding)
PLOT_G_MIN = 1e-6  # the scatter plots show g >= this (below it L_hat is flat at the L0 level; counted in the legend)


@dataclass
class Config:
    steps: int = 500
    radii: tuple = (0.3, 2.0, 4.0, 7.0, 10.0)  # not 1: the Mexican hat's minima are the unit circle
    ae_radii: tuple = (0.5, 1.0, 2.0, 4.0, 8.0)
    seeds: tuple = (0, 1, 2)
    d: int = 2
    adam_lr: float = 0.1
    ae_adam_lr: float = 0.01
    ae_clipped: dict = field(default_factory=lambda: {"lr": 0.3, "clip": 1.0})
    ae: dict = field(default_factory=lambda: {"n": 64, "p": 8, "hidden": (4,)})
    fractions: tuple = DEFAULT_FRACTIONS
    json_points: int = 150  # points per (objective, optimizer) kept in the JSON and Hessian-checked (evenly thinned)


QUICK = Config(steps=60, radii=(0.3, 3.0, 10.0), ae_radii=(1.0, 8.0), seeds=(0,), json_points=30)


def build(name: str, cfg: Config):
    return objectives.get("autoencoder", **cfg.ae) if name == "autoencoder" else objectives.get(name, d=cfg.d)


def starts(obj, radii, seeds) -> np.ndarray:
    """Rows radius-major: (R_i, seed_j) at row i * len(seeds) + j."""
    rows = []
    for R in radii:
        for s in seeds:
            if obj.name == "autoencoder":
                rows.append(obj.initial_points(1, seed=int(s), radius=float(R)))
            else:
                v = np.random.default_rng([STREAM, int(s)]).standard_normal((1, obj.d))
                rows.append(float(R) * v / np.linalg.norm(v))
    return np.concatenate(rows)


def hyperparameters(name: str, obj, x0: np.ndarray, cfg: Config) -> dict:
    """{optimizer: hp} as in the module doc; GD's lr an (R, 1) column."""
    if name in KNOWN:
        L0, L1 = obj.constants["L0"], obj.constants["L1"]
        M = obj.grad_norm_sup(obj.value(x0))
        return {"gd": {"lr": (0.5 / (L0 + L1 * M))[:, None]},
                "clipped_gd": {"lr": 1.0 / (10 * L0), "clip": min(10 * L0, L0 / L1)},
                "adam": {"lr": cfg.adam_lr}}
    lo, hi = extreme_eigenvalues(obj, x0, iters=min(obj.d, 40))
    return {"gd": {"lr": (0.5 / np.maximum(np.abs(lo), np.abs(hi)))[:, None]},
            "clipped_gd": dict(cfg.ae_clipped), "adam": {"lr": cfg.ae_adam_lr}}


def points(obj, path: np.ndarray, fractions) -> dict:
    r"""The (x_t, g_t, L_hat_t, r_t) of a (T + 1, R, d) path, flattened over (t, run): only resolved
    ones (r_t >= RESOLVED \|x_t\|, estimate defined, g_t > 0). ``undefined`` counts zero steps and
    diverged runs; ``unresolved`` the rest that were dropped, ``unresolved_points`` their (g, L, r)."""
    tr = trajectory_smoothness(obj, path, fractions)
    r = np.linalg.norm(np.diff(path, axis=0), axis=2)
    g, L = tr["grad_norm"], tr["smoothness"]
    defined = np.isfinite(L) & np.isfinite(g) & np.isfinite(r) & (g > 0)
    with np.errstate(invalid="ignore"):
        ok = defined & (r >= RESOLVED * np.linalg.norm(path[:-1], axis=2))
    un = defined & ~ok
    return {"X": path[:-1][ok], "g": g[ok], "L": L[ok], "r": r[ok], "undefined": int((~defined).sum()),
            "unresolved": int(un.sum()), "unresolved_points": {"g": g[un], "L": L[un], "r": r[un]}}


def certified(g, r, L0: float, L1: float):
    """A(L1 r) (L0 + L1 g) with A(c) = (e^c - 1)/c (A(0) = 1), elementwise."""
    c = L1 * np.asarray(r, float)
    A = np.where(c > 0, np.expm1(c) / np.where(c > 0, c, 1.0), 1.0)
    return A * (L0 + L1 * np.asarray(g, float))


def fit(g: np.ndarray, L: np.ndarray) -> dict:
    """Least squares L = a + b g (a, b: the fitted (L0, L1)) and the correlations of L with g:
    Pearson on (g, L), Pearson on (log g, log L) (the paper's log-log axes), Spearman (ranks, ties
    averaged); scipy.stats through ``common.line_fit`` and ``common.correlation``."""
    out = {"points": int(g.size), "L0_fit": None, "L1_fit": None, "pearson": None,
           "pearson_loglog": None, "spearman": None, "g_range": None, "L_range": None}
    if g.size < 3:
        return out
    line = common.line_fit(g, L)
    out.update(L0_fit=line["intercept"], L1_fit=line["slope"], pearson=common.correlation(g, L),
               pearson_loglog=common.correlation(np.log10(g), np.log10(np.maximum(L, 1e-300))),
               spearman=common.correlation(g, L, rank=True),
               g_range=[float(g.min()), float(g.max())], L_range=[float(L.min()), float(L.max())])
    return out


def envelope(p: dict, L0: float, L1: float) -> dict:
    """Ratios of the points to the certified bound A(L1 r)(L0 + L1 g) and to L0 + L1 g (module doc);
    ``max_c`` = L1 max r_t, the largest A-argument met."""
    rc = p["L"] / certified(p["g"], p["r"], L0, L1)
    rp = p["L"] / (L0 + L1 * p["g"])
    if not rc.size:
        return {"worst_ratio_certified": None, "violations_certified": 0, "worst_ratio_plain": None,
                "exceed_plain": 0, "worst_certified_at": None, "worst_plain_at": None, "max_c": None}
    i, j = int(np.argmax(rc)), int(np.argmax(rp))
    at = lambda k: {"g": p["g"][k], "L_hat": p["L"][k], "r": p["r"][k], "A": gronwall_factor(L1 * p["r"][k])
                    if p["r"][k] > 0 else 1.0}
    return {"worst_ratio_certified": float(rc.max()), "violations_certified": int((rc > 1 + TOL).sum()),
            "worst_ratio_plain": float(rp.max()), "exceed_plain": int((rp > 1 + TOL).sum()),
            "worst_certified_at": at(i), "worst_plain_at": at(j), "max_c": float(L1 * p["r"].max())}


def edge_of_stability(p: dict, clip: float | None = None) -> dict:
    """GD-type steps x_{t+1} = x_t - h_t g_t (GD, clipped GD): h_t = r_t/g_t and h_t L_hat_t, the step
    times the curvature along it. A quadratic along the step direction is decreased iff h L < 2;
    h L ~ 2 is the edge of stability (Cohen et al. 2021), where the secant reflects the step size.
    With ``clip``: also the median over the clipped steps (g_t > clip, h_t = lr clip/g_t), where
    h L ~ 2 means L_hat ~ 2 g/(lr clip), a line in g made by the step-size rule."""
    hL = p["r"] / p["g"] * p["L"]
    out = {"median": None, "max": None, "share_ge_1.8": None, "median_clipped_steps": None}
    if hL.size:
        out.update({"median": float(np.median(hL)), "max": float(hL.max()), "share_ge_1.8": float(np.mean(hL >= 1.8))})
    if clip is not None and (p["g"] > clip).any():
        out["median_clipped_steps"] = float(np.median(hL[p["g"] > clip]))
    return out


def hessian_check(obj, p: dict, idx, const) -> dict:
    r"""At the points ``idx``: H_t = \|\nabla^2 f(x_t)\| (Lanczos, ``extreme_eigenvalues``; exact when
    iters >= d, else an inner approximation), L_hat_t / H_t (the secant is the curvature along the
    step, averaged over the segment, so typically <= 1), and with constants H_t / (L0 + L1 g_t)
    (Definition 1: <= 1). Returns (that summary, the H_t)."""
    idx = np.asarray(idx, dtype=int)
    if not idx.size:
        return {"points": 0}, np.zeros(0)
    lo, hi = extreme_eigenvalues(obj, p["X"][idx], iters=min(obj.d, 40))
    H = np.maximum(np.abs(lo), np.abs(hi))
    ratio = p["L"][idx] / H
    out = {"points": int(idx.size), "exact": obj.d <= 40, "secant_over_hessian_median": float(np.median(ratio)),
           "secant_over_hessian_min": float(ratio.min()), "secant_over_hessian_max": float(ratio.max())}
    if const:
        out["hessian_over_L0_L1g_max"] = float((H / (const["L0"] + const["L1"] * p["g"][idx])).max())
    return out, H


def _thin(n: int, k: int) -> np.ndarray:
    """At most k indices of range(n), evenly spaced."""
    return np.unique(np.linspace(0, n - 1, min(k, n)).astype(int)) if n else np.zeros(0, dtype=int)


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results, pts = {}, {}
    for name in OBJECTIVES:
        obj = build(name, cfg)
        radii = cfg.ae_radii if name == "autoencoder" else cfg.radii
        x0 = starts(obj, radii, cfg.seeds)
        hps = hyperparameters(name, obj, x0, cfg)
        const = {k: obj.constants[k] for k in ("L0", "L1")} if name in KNOWN else None
        per, pooled, sampled = {}, [], []
        for oname in OPTIMIZERS:
            tc = time.perf_counter()
            every = range(cfg.steps + 1)
            tr = reference_run(optimizers.get(oname), obj, x0, cfg.steps, hp=hps[oname], record=every,
                               checkpoints=every)
            p = points(obj, tr.iterates, cfg.fractions)
            pts[(name, oname)] = p
            pooled.append(p)
            keep = _thin(p["g"].size, cfg.json_points)
            hess, H = hessian_check(obj, p, keep, const)
            sampled.append((p["g"][keep], H))
            pts[(name, "hessian")] = tuple(np.concatenate(v) for v in zip(*sampled))
            g_rise = np.nanmax(np.sqrt(tr.grad_sq), axis=0) / np.sqrt(tr.grad_sq[0])
            hp = {k: (np.asarray(v).ravel() if np.ndim(v) else v) for k, v in hps[oname].items()}
            row = {"hyperparameters": hp, "diverged": int((tr.diverged_at >= 0).sum()), "runs": int(x0.shape[0]),
                   "undefined": p["undefined"], "unresolved": p["unresolved"], "fit": fit(p["g"], p["L"]),
                   "final_grad_norm_median": float(np.nanmedian(np.sqrt(tr.grad_sq[-1]))),
                   "max_grad_norm_over_start": float(np.max(g_rise)),
                   "hessian": hess,
                   "edge_of_stability": None if oname == "adam" else edge_of_stability(p, hps[oname].get("clip")),
                   "points_sample": {"g": p["g"][keep], "L_hat": p["L"][keep], "r": p["r"][keep]}}
            if const:
                row["envelope"] = envelope(p, const["L0"], const["L1"])
                u = p["unresolved_points"]
                row["envelope"]["worst_ratio_certified_unresolved"] = (
                    float((u["L"] / certified(u["g"], u["r"], const["L0"], const["L1"])).max()) if u["g"].size else None)
            per[oname] = row
            e = row.get("envelope")
            progress(f"{name} {oname}: {p['g'].size} points, g in [{common.fmt(p['g'].min() if p['g'].size else None)}, "
                     f"{common.fmt(p['g'].max() if p['g'].size else None)}]"
                     + (f", worst ratio to certified {common.fmt(e['worst_ratio_certified'], 4)}" if e else "")
                     + f" ({time.perf_counter() - tc:.1f}s)")
        allp = {k: np.concatenate([q[k] for q in pooled]) for k in ("g", "L", "r")}
        res = {"objective": obj.describe(), "constants": const, "radii": list(radii), "optimizers": per,
               "fit": fit(allp["g"], allp["L"]),
               "fit_hessian": fit(np.concatenate([a for a, _ in sampled]), np.concatenate([b for _, b in sampled]))}
        if const:
            res["envelope"] = envelope(allp, const["L0"], const["L1"])
        results[name] = res
    result = {"study": NAME, "quick": quick, "config": asdict(cfg), "versions": common.versions(),
              "conventions": {"L_hat": "max over fractions s of ||grad f(x_t + s d) - grad f(x_t)|| / (s ||d||), "
                                       "d = x_{t+1} - x_t (reference.smoothness)",
                              "g": "||grad f(x_t)||",
                              "certified": "A(L1 r_t)(L0 + L1 g_t), A(c) = (e^c - 1)/c, r_t = ||x_{t+1} - x_t||",
                              "plain": "L0 + L1 g_t (no A)",
                              "fit": "least squares L_hat = L0_fit + L1_fit g on the linear scale",
                              "violation": f"ratio to the certified bound > 1 + {TOL:g}",
                              "json": "null stands for NaN / not applicable"},
              "objectives": results}
    result["verdict"] = _verdict(result)
    files = _plot(result, pts, out)
    path = out / "smoothness.json"
    result["seconds"] = time.perf_counter() - t0
    result["files"] = files + [str(path)]
    common.write_json(path, result)
    return result


def _verdict(result: dict) -> dict:
    objs = result["objectives"]
    env = {k: v["envelope"] for k, v in objs.items() if v.get("envelope")}
    worst = max((e["worst_ratio_certified"] for e in env.values() if e["worst_ratio_certified"] is not None),
                default=None)
    exceed = {f"{k}/{o}": v["optimizers"][o]["envelope"]["exceed_plain"] for k, v in objs.items() if v.get("envelope")
              for o in OPTIMIZERS if v["optimizers"][o]["envelope"]["exceed_plain"]}
    hess = [r["hessian"].get("hessian_over_L0_L1g_max") for v in objs.values() for r in v["optimizers"].values()]
    hess = [h for h in hess if h is not None]
    return {"certified_bound_holds": all(e["violations_certified"] == 0 for e in env.values()),
            "hessian_definition_holds": all(h <= 1 + TOL for h in hess),
            "worst_hessian_over_L0_L1g": max(hess, default=None),
            "violations": {k: e["violations_certified"] for k, e in env.items()},
            "worst_ratio_certified": worst,
            "plain_bound_exceeded": exceed,
            "correlation_positive": {k: (v["fit"]["spearman"] or 0) > 0 for k, v in objs.items()},
            "diverged_runs": {f"{k}/{o}": v["optimizers"][o]["diverged"] for k, v in objs.items() for o in OPTIMIZERS
                              if v["optimizers"][o]["diverged"]},
            "gd_gradient_rose_above_start": {k: v["optimizers"]["gd"]["max_grad_norm_over_start"] for k, v in objs.items()
                                             if v["optimizers"]["gd"]["max_grad_norm_over_start"] > 1 + TOL},
            "edge_of_stability_share": {f"{k}/{o}": v["optimizers"][o]["edge_of_stability"]["share_ge_1.8"]
                                        for k, v in objs.items() for o in ("gd", "clipped_gd")
                                        if (v["optimizers"][o]["edge_of_stability"]["share_ge_1.8"] or 0) > 0}}


def _plot(result: dict, pts: dict, out: Path) -> list[str]:
    """One log-log scatter panel per objective (one figure: matplotlib's layout pass dominates the cost)."""
    plt = common.pyplot()
    names = list(result["objectives"])
    cols = 2
    rows = (len(names) + cols - 1) // cols
    fig, axs = plt.subplots(rows, cols, figsize=(6.4 * cols, 5.0 * rows), squeeze=False)
    for ax in axs.flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axs.flat, names):
        res = result["objectives"][name]
        for oname in OPTIMIZERS:
            p = pts[(name, oname)]
            on = p["g"] >= PLOT_G_MIN
            off = f", {int((~on).sum())} below {PLOT_G_MIN:g}" if (~on).any() else ""
            ax.scatter(p["g"][on], p["L"][on], s=4, alpha=0.35, color=COLOUR[oname], lw=0,
                       label=f"{oname} ({int(on.sum())} pts{off})")
        f = res["fit"]
        if not res["constants"] and (name, "hessian") in pts:
            g, H = pts[(name, "hessian")]
            ax.scatter(g, H, s=9, marker="+", color="k", lw=0.6, label="Hessian norm at sampled points")
        gs = [pts[(name, o)]["g"] for o in OPTIMIZERS if pts[(name, o)]["g"].size]
        if gs:
            g_all = np.concatenate(gs)
            grid = np.geomspace(max(g_all.min(), PLOT_G_MIN), g_all.max(), 200)
            if res["constants"]:
                L0, L1 = res["constants"]["L0"], res["constants"]["L1"]
                c = res["envelope"]["max_c"] or 0.0
                ax.plot(grid, L0 + L1 * grid, "k-", lw=1.3, label=f"L0 + L1 g, (L0, L1) = ({L0:g}, {L1:g})")
                if c > 0:
                    ax.plot(grid, gronwall_factor(c) * (L0 + L1 * grid), "k--", lw=1.1,
                            label=f"A(c) (L0 + L1 g), c = L1 max r_t = {c:.3g}")
            if f["L1_fit"] is not None:
                fitted = f["L0_fit"] + f["L1_fit"] * grid
                ax.plot(grid, np.where(fitted > 0, fitted, np.nan), ":", color="0.35", lw=1.3,
                        label=f"least squares {common.fmt(f['L0_fit'])} + {common.fmt(f['L1_fit'])} g")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("gradient norm ||grad f(x_t)||")
        ax.set_ylabel("local smoothness L_hat_t (secant)")
        worst = res["envelope"]["worst_ratio_certified"] if res.get("envelope") else None
        ax.set_title(f"{res['objective']}\nSpearman {common.fmt(f['spearman'])}, log-log Pearson "
                     f"{common.fmt(f['pearson_loglog'])}"
                     + (f"; worst ratio to certified bound {common.fmt(worst, 4)}" if worst is not None else ""),
                     fontsize=8)
        ax.minorticks_off()  # minor ticks over many decades cost seconds of layout; major grid only
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, markerscale=3, loc="upper left")  # not "best": it scans every point
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.06, top=0.95, wspace=0.16, hspace=0.25)
    path = out / "smoothness.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [str(path)]


def table(result: dict) -> str:
    fmt = common.fmt
    rows = []
    for name, res in result["objectives"].items():
        for oname in OPTIMIZERS + ("all",):
            r = res["optimizers"].get(oname, res)
            f, e = r["fit"], r.get("envelope")
            rows.append([name, oname, str(f["points"]),
                         "-" if f["g_range"] is None else f"{fmt(f['g_range'][0], 2)}..{fmt(f['g_range'][1], 2)}",
                         fmt(f["L0_fit"]), fmt(f["L1_fit"]), fmt(f["pearson"]), fmt(f["pearson_loglog"]),
                         fmt(f["spearman"]),
                         "-" if not e else fmt(e["worst_ratio_certified"], 4),
                         "-" if not e else f"{fmt(e['worst_ratio_plain'], 4)} ({e['exceed_plain']})",
                         str(r.get("diverged", "-"))])
    v = result["verdict"]
    ae = result["objectives"].get("autoencoder", {}).get("fit")
    lines = [f"{result['config']['steps']} steps; seeds {list(result['config']['seeds'])}; L_hat: secant estimate "
             f"(reference.smoothness); certified bound A(L1 r)(L0 + L1 g)",
             tab(rows, ["objective", "optimizer", "points", "g range", "L0 fit", "L1 fit", "Pearson",
                        "Pearson log", "Spearman", "worst / certified", "worst / (L0+L1 g) (#>1)", "diverged"]),
             ("certified envelope A(L1 r)(L0 + L1 g): holds at every point, worst ratio "
              f"{fmt(v['worst_ratio_certified'], 10)}" if v["certified_bound_holds"] else
              f"!!! CERTIFIED ENVELOPE VIOLATED: {v['violations']} (worst ratio {fmt(v['worst_ratio_certified'], 6)})"),
             "L0 + L1 g without A: " + (", ".join(f"{k} exceeded at {n} points" for k, n in v["plain_bound_exceeded"].items())
                                        or "never exceeded"),
             "positive correlation (Spearman > 0): " + ", ".join(f"{k} {ok}" for k, ok in v["correlation_positive"].items())]
    if ae and ae["L1_fit"] is not None:
        ah = result["objectives"]["autoencoder"]["fit_hessian"]
        lines.append(f"autoencoder fit L_hat ~ {fmt(ae['L0_fit'], 4)} + {fmt(ae['L1_fit'], 4)} g (Pearson "
                     f"{fmt(ae['pearson'], 3)}, log-log Pearson {fmt(ae['pearson_loglog'], 3)}, Spearman "
                     f"{fmt(ae['spearman'], 3)}); Hessian norm at {ah['points']} sampled points ~ "
                     f"{fmt(ah['L0_fit'], 4)} + {fmt(ah['L1_fit'], 4)} g (Spearman {fmt(ah['spearman'], 3)})")
    lines.append(f"Hessian norm (Lanczos, sampled points) <= L0 + L1 g: {v['hessian_definition_holds']} (worst ratio "
                 f"{fmt(v['worst_hessian_over_L0_L1g'], 10)}); median secant / Hessian norm: "
                 + ", ".join(f"{k}/{o} {fmt(r['optimizers'][o]['hessian'].get('secant_over_hessian_median'), 2)}"
                             for k, r in result["objectives"].items() for o in OPTIMIZERS))
    if v["edge_of_stability_share"]:
        lines.append("share of points at the edge of stability (h_t L_hat_t >= 1.8): "
                     + ", ".join(f"{k} {fmt(x, 2)}" for k, x in v["edge_of_stability_share"].items()))
    lines.append("clipped GD, median h_t L_hat_t over its clipped steps (g > clip; 2 = edge of stability): "
                 + ", ".join(f"{k} {fmt(r['optimizers']['clipped_gd']['edge_of_stability']['median_clipped_steps'], 3)}"
                             for k, r in result["objectives"].items()))
    if v["gd_gradient_rose_above_start"]:
        lines.append("GD's gradient norm rose above its start (within M on the known objectives): max ratio "
                     + ", ".join(f"{k} {fmt(x, 3)}" for k, x in v["gd_gradient_rose_above_start"].items()))
    if v["diverged_runs"]:
        lines.append(f"diverged runs: {v['diverged_runs']}")
    lines[-1] += f"  ({result['seconds']:.1f}s)"
    return "\n".join(lines)


def summary(result: dict) -> dict:
    """Headline numbers for ``--json``: fits, envelopes and the verdict, without the point samples."""
    objs = {}
    for name, res in result["objectives"].items():
        objs[name] = {"objective": res["objective"], "constants": res["constants"], "fit": res["fit"],
                      "envelope": res.get("envelope"),
                      "optimizers": {o: {k: v for k, v in r.items() if k != "points_sample"}
                                     for o, r in res["optimizers"].items()}}
    return common.jsonable({"study": NAME, "quick": result["quick"], "config": result["config"],
                            "seconds": result["seconds"], "files": result["files"], "objectives": objs,
                            "verdict": result["verdict"]})
