"""Study: Adam (beta1 in {0.9, 0.99}) against tuned NAG on toy autoencoders (De, Mukherjee, Ullah 2018).

The paper's experiment claims are known at abstract level only (card baselines_and_de2018.md, 1.3):

E1  Adam with beta1 = 0.99 beats "a carefully tuned NAG on most of our experiments" in training and
    test loss.
E2  With beta1 = 0.9, NAG "can sometimes do better".
E3  NAG is better at reducing gradient norms, and its iterates show an increasing trend of the
    minimum eigenvalue of the Hessian of the loss.

The paper's set-up (depths, widths, data, batch sizes, step sizes, momentum grid) is NOT FOUND, so
this set-up is ours, stated in ``Config`` and in the JSON. Choices and why:

* Problems: ``reference.objectives.Autoencoder`` (tanh, p = 16, data of rank 4 plus noise 0.05, n = 64
  training points, 256 test points): one hidden layer (8,) and three hidden layers (8, 4, 8), each
  full batch and with minibatches of B = 8 (per-seed index streams). Small enough that 2 cores run
  every setting as one batch in seconds; deep enough (3 hidden layers, bottleneck 4 = data rank) to
  be a nonconvex network loss with saddles (the Hessian at the Glorot start has lambda_min ~ -1.6).
* NAG in torch's form (``nesterov=True``), momentum mu in {0.5, 0.9, 0.95, 0.99}; each mu gets its
  own lr grid lr = c (1 - mu), c in {0.01, 0.03, 0.1, 0.3, 1, 3} (a grid in the effective step
  lr / (1 - mu), so that every momentum is tuned over the range where it works).
* Adam (torch's, bias-corrected, beta2 = 0.999, xi = 1e-8), beta1 in {0.9, 0.99}, lr in
  {1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1}: the same six-point budget per setting as NAG.
* "Carefully tuned": for each momentum (each beta1) the lr with the smallest median over seeds of
  the final training loss (a diverged run counts as +inf); "tuned NAG" is then the best momentum.
  Both optimizers are tuned the same way on the same seeds, so the winner's curse is shared; a
  tuned lr on the edge of its grid is flagged.
* Seeds 0, 1, 2: seed s fixes the start (Glorot) and the minibatch stream, shared by every
  optimizer and setting (paired comparisons).
* Minimum Hessian eigenvalue: batched Lanczos on the autoencoder's exact Hessian-vector products
  (``reference.spectrum``, full reorthogonalisation) at checkpoints {0} + 6 geometric + 6 linear
  steps, for the tuned settings; checked against the dense Hessian's eigvalsh at the final iterates.

Verdict rules (``claims``): medians over seeds compared, per experiment.
E1 holds in an experiment when tuned Adam(0.99) has lower final train AND test loss than tuned NAG;
it reproduces when that happens in more than half of the experiments. E2 reproduces when tuned NAG
beats tuned Adam(0.9) in train or test loss in at least one experiment. E3 (gradient norms)
holds in an experiment when tuned NAG's min_t ||grad f(x_t)|| is below both tuned Adams'; it
reproduces in more than half. E3 (eigenvalue) holds for a run when the median lambda_min over seeds
has Kendall tau > 0.5 against the checkpoint step and ends above where it started; we report it for
the whole run and for the late phase (steps >= steps/10), for NAG and for Adam alike, because any
optimizer that leaves the saddle at the start raises lambda_min.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from convcheck.reference import optimizers
from convcheck.reference import run as reference_run
from convcheck.reference.objectives import Autoencoder
from convcheck.reference.oracles import Minibatch
from convcheck.reference.runner import record_steps
from convcheck.reference.spectrum import hessian
from convcheck.texttable import table as tab

from . import common

NAME = "de2018"
STREAM = 1  # the minibatch streams: run r draws from default_rng([STREAM, seed_r])


@dataclass
class Config:
    p: int = 16
    n: int = 64
    n_test: int = 256
    rank: int = 4
    noise: float = 0.05
    activation: str = "tanh"
    data_seed: int = 0
    architectures: tuple = ((8,), (8, 4, 8))
    batch_sizes: tuple = (None, 8)  # None = full batch
    steps: int = 2000
    seeds: tuple = (0, 1, 2)
    nag_momenta: tuple = (0.5, 0.9, 0.95, 0.99)
    nag_c: tuple = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # lr = c (1 - momentum)
    adam_beta1: tuple = (0.9, 0.99)
    adam_lrs: tuple = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
    beta2: float = 0.999
    xi: float = 1e-8
    lanczos_iters: int = 120
    geometric_checkpoints: int = 6
    linear_checkpoints: int = 6
    record_points: int = 60
    dense_check_rows: int = 2  # rows whose Lanczos lambda_min is checked against the dense Hessian

    def checkpoints(self) -> list[int]:
        s = self.steps
        geo = np.round(np.geomspace(min(10, s), s, self.geometric_checkpoints)).astype(int)
        lin = np.round(np.linspace(s / 10, s, self.linear_checkpoints)).astype(int)
        return sorted(set([0, *geo.tolist(), *lin.tolist()]))


QUICK = Config(architectures=((8,),), batch_sizes=(None, 4), steps=40, seeds=(0, 1), nag_momenta=(0.9, 0.99),
               nag_c=(0.3, 1.0), adam_lrs=(1e-3, 1e-2), lanczos_iters=20, geometric_checkpoints=3,
               linear_checkpoints=2, record_points=10, dense_check_rows=1)


def _label_experiment(hidden, B) -> str:
    return f"h{'-'.join(map(str, hidden))}_{'full' if B is None else f'B{B}'}"


def _score(values: np.ndarray) -> np.ndarray:
    """Median over seeds (last axis), a non-finite run counting as +inf."""
    return np.median(np.where(np.isfinite(values), values, np.inf), axis=-1)


def _kendall_tau(y) -> float:
    """Kendall's tau of y against its index (scipy.stats.kendalltau, tau-b: equal to tau-a unless y has
    ties), over the finite points; NaN if fewer than 2 finite points or y is constant."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if y.size < 2 or np.ptp(y) == 0:
        return float("nan")
    return float(stats.kendalltau(np.arange(y.size), y).statistic)


def _trend(steps: np.ndarray, lam: np.ndarray, late_from: int) -> dict:
    """lam: (C,) median lambda_min at the checkpoint steps."""
    late = steps >= late_from
    out = {"tau": _kendall_tau(lam), "start": float(lam[0]), "end": float(lam[-1]),
           "change": float(lam[-1] - lam[0]),
           "late_tau": _kendall_tau(lam[late]), "late_start": float(lam[late][0]),
           "late_change": float(lam[-1] - lam[late][0])}
    out["increasing"] = bool(out["tau"] > 0.5 and out["change"] > 0)
    out["late_increasing"] = bool(out["late_tau"] > 0.5 and out["late_change"] > 0)
    return out


def _run_optimizer(kind: str, cfg: Config, obj, B, x0_for, progress) -> dict:
    if kind == "nag":
        settings = [{"momentum": mu, "lr": c * (1.0 - mu)} for mu in cfg.nag_momenta for c in cfg.nag_c]
        group_key, fixed, opt = "momentum", {}, optimizers.get("nag")
    else:
        settings = common.settings_grid(beta1=cfg.adam_beta1, lr=cfg.adam_lrs)
        group_key, fixed, opt = "beta1", {"beta2": cfg.beta2, "xi": cfg.xi}, optimizers.get("adam")
    batch = common.Batch(settings, list(cfg.seeds))
    x0 = x0_for(batch)
    rec, cps = record_steps(cfg.steps, cfg.record_points), np.asarray(cfg.checkpoints())
    # the test loss is read off the iterates at the recorded steps; lambda_min off those at the checkpoints
    tr = reference_run(opt, obj, x0, cfg.steps, hp=batch.columns(fixed), oracle=None if B is None else Minibatch(B),
                       seed=STREAM, run_seeds=batch.run_seeds(), record=rec, checkpoints=np.union1d(rec, cps))
    at = {int(s): c for c, s in enumerate(tr.checkpoints)}
    test_loss = np.stack([obj.test_value(tr.iterates[at[int(s)]]) for s in tr.steps])  # NaN once diverged
    iterates = tr.iterates[[at[int(s)] for s in cps]]
    progress(f"  {opt.describe()}: {batch.R} runs x {cfg.steps} steps in {tr.seconds:.1f}s")
    final_train = batch.by_setting(tr.f[-1])
    final_test = batch.by_setting(test_loss[-1])
    score = _score(final_train)
    grid = [{**s, "median_final_train": float(score[i]), "median_final_test": float(_score(final_test)[i]),
             "diverged": int((batch.by_setting(tr.diverged_at)[i] >= 0).sum())} for i, s in enumerate(settings)]
    tuned = []
    for g in (cfg.nag_momenta if kind == "nag" else cfg.adam_beta1):
        idx = [i for i, s in enumerate(settings) if s[group_key] == g]
        best = min(idx, key=lambda i: score[i])
        lrs = [settings[i]["lr"] for i in idx]
        tuned.append({"group": g, "setting": best, "lr": settings[best]["lr"],
                      "lr_at_grid_edge": settings[best]["lr"] in (min(lrs), max(lrs))})
    return {"kind": kind, "optimizer": opt.describe(), "batch": batch, "trace": tr, "test_loss": test_loss,
            "checkpoints": cps, "iterates": iterates, "grid": grid, "tuned": tuned, "fixed": fixed,
            "oracle": "exact" if B is None else f"minibatch(B={B}, per-seed streams)"}


def _summarise(res: dict, cfg: Config, obj, progress) -> list[dict]:
    """One row per tuned setting, with lambda_min along the iterates (Lanczos on the tuned runs)."""
    batch, tr, test_loss = res["batch"], res["trace"], res["test_loss"]
    S = len(batch.seeds)
    rows = []
    cps = res["checkpoints"]
    # lambda_min at every checkpoint for every seed of every tuned setting: one batched Lanczos call
    run_ids = np.array([t["setting"] * S + k for t in res["tuned"] for k in range(S)])
    X = res["iterates"][:, run_ids, :].reshape(-1, obj.d)  # (C * n_runs, d), checkpoint-major
    t0 = time.perf_counter()
    lam = common.min_eigenvalues(obj, X, cfg.lanczos_iters).reshape(len(cps), len(run_ids))
    progress(f"  lambda_min (Lanczos, {cfg.lanczos_iters} iterations) at {len(cps)} checkpoints x {len(run_ids)} "
             f"runs in {time.perf_counter() - t0:.1f}s")
    for j, t in enumerate(res["tuned"]):
        cols = slice(j * S, (j + 1) * S)
        runs = run_ids[cols]
        lam_t = lam[:, cols]  # (C, S)
        med = np.nanmedian(lam_t, axis=1) if np.isfinite(lam_t).any() else np.full(len(cps), np.nan)
        train = tr.f[-1, runs]
        test = test_loss[-1, runs]
        ming = np.sqrt(tr.min_grad_sq[-1, runs])  # NaN for a diverged run, which counts as +inf
        label = (f"NAG mu={t['group']:g}" if res["kind"] == "nag" else f"Adam beta1={t['group']:g}")
        rows.append({
            "label": label, "optimizer": res["kind"], "group": t["group"], "lr": t["lr"],
            "lr_at_grid_edge": t["lr_at_grid_edge"], "seeds": list(batch.seeds),
            "final_train": train, "final_test": test, "min_grad_norm": ming,
            "final_grad_norm": np.sqrt(tr.grad_sq[-1, runs]),
            "median_final_train": float(_score(train)), "median_final_test": float(_score(test)),
            "median_min_grad_norm": float(_score(ming)),
            "diverged": int((tr.diverged_at[runs] >= 0).sum()),
            "checkpoints": cps, "lambda_min": lam_t.T, "median_lambda_min": med,
            "lambda_min_trend": _trend(cps, med, cfg.steps // 10) if np.isfinite(med).all() else None,
            "curves": {"steps": tr.steps, "train": tr.f[:, runs].T, "test": test_loss[:, runs].T,
                       "grad_sq": tr.grad_sq[:, runs].T},
            "_runs": runs,
        })
    return rows


def _dense_check(obj, rows, iterates, cfg: Config) -> dict:
    """Lanczos lambda_min against eigvalsh of the dense Hessian at some final iterates."""
    X, lz = [], []
    for r in rows:
        for k, run in enumerate(r["_runs"][:cfg.dense_check_rows]):
            x = iterates[r["optimizer"]][-1, run]
            if np.isfinite(x).all():
                X.append(x)
                lz.append(r["lambda_min"][k, -1])
    if not X:
        return {"rows": 0}
    X = np.array(X)
    exact = np.linalg.eigvalsh(hessian(obj, X))[:, 0]
    err = np.abs(np.array(lz) - exact)
    return {"rows": len(X), "max_abs_error": float(err.max()), "lanczos": lz, "dense": exact,
            "lanczos_is_upper_bound": bool(np.all(np.array(lz) >= exact - 1e-9 * (1 + np.abs(exact))))}


def _claims(experiments: list[dict]) -> dict:
    per = []
    for e in experiments:
        rows = {r["label"]: r for r in e["rows"]}
        nag = [r for r in e["rows"] if r["optimizer"] == "nag"]
        best_nag = min(nag, key=lambda r: r["median_final_train"])
        a99 = next(r for r in e["rows"] if r["optimizer"] == "adam" and r["group"] == 0.99)
        a90 = next(r for r in e["rows"] if r["optimizer"] == "adam" and r["group"] == 0.9)

        def beats(a, b, key):
            return bool(a[f"median_final_{key}"] < b[f"median_final_{key}"])

        def paired(a, b, key):  # seeds where a's final loss is below b's (same start, same minibatches)
            return int(np.sum(np.asarray(a[f"final_{key}"]) < np.asarray(b[f"final_{key}"])))

        adam_best_grad = min(a99["median_min_grad_norm"], a90["median_min_grad_norm"])
        per.append({
            "experiment": e["label"], "tuned_nag": best_nag["label"],
            "E1_train": beats(a99, best_nag, "train"), "E1_test": beats(a99, best_nag, "test"),
            "E1_paired_train_seeds": paired(a99, best_nag, "train"), "E1_paired_test_seeds": paired(a99, best_nag, "test"),
            "E1_beats_every_momentum_train": all(beats(a99, r, "train") for r in nag),
            "E2_nag_beats_adam090_train": beats(best_nag, a90, "train"),
            "E2_nag_beats_adam090_test": beats(best_nag, a90, "test"),
            "E2_nag_beats_adam099_train": beats(best_nag, a99, "train"),
            "E2_nag_beats_adam099_test": beats(best_nag, a99, "test"),
            "E3_grad": bool(best_nag["median_min_grad_norm"] < adam_best_grad),
            "E3_grad_ratio_nag_over_best_adam": best_nag["median_min_grad_norm"] / adam_best_grad,
            "E3_eig_nag_increasing": [rows[r["label"]]["lambda_min_trend"]["increasing"] if r["lambda_min_trend"] else None
                                      for r in nag],
            "E3_eig_nag_late_increasing": [r["lambda_min_trend"]["late_increasing"] if r["lambda_min_trend"] else None
                                           for r in nag],
            "E3_eig_adam_increasing": [r["lambda_min_trend"]["increasing"] if r["lambda_min_trend"] else None
                                       for r in (a90, a99)],
            "E3_eig_adam_late_increasing": [r["lambda_min_trend"]["late_increasing"] if r["lambda_min_trend"] else None
                                            for r in (a90, a99)],
        })
    n = len(per)
    e1 = sum(p["E1_train"] and p["E1_test"] for p in per)
    e2 = sum(p["E2_nag_beats_adam090_train"] or p["E2_nag_beats_adam090_test"] for p in per)
    e3 = sum(p["E3_grad"] for p in per)
    nag_late = [v for p in per for v in p["E3_eig_nag_late_increasing"] if v is not None]
    adam_late = [v for p in per for v in p["E3_eig_adam_late_increasing"] if v is not None]
    nag_all = [v for p in per for v in p["E3_eig_nag_increasing"] if v is not None]
    adam_all = [v for p in per for v in p["E3_eig_adam_increasing"] if v is not None]
    return {
        "per_experiment": per,
        "E1": {"experiments_where_adam099_wins_train_and_test": e1, "of": n, "reproduces": e1 > n / 2},
        "E2": {"experiments_where_nag_beats_adam090": e2, "of": n, "reproduces": e2 >= 1},
        "E3_grad": {"experiments_where_nag_has_smaller_min_grad_norm": e3, "of": n, "reproduces": e3 > n / 2},
        "E3_eig": {"nag_runs_increasing": sum(nag_all), "nag_runs": len(nag_all),
                   "adam_runs_increasing": sum(adam_all), "adam_runs": len(adam_all),
                   "nag_runs_late_increasing": sum(nag_late), "adam_runs_late_increasing": sum(adam_late),
                   "reproduces": bool(nag_all) and sum(nag_all) > len(nag_all) / 2,
                   "distinctive_of_nag_late": bool(nag_late) and adam_late != [] and
                   sum(nag_late) / len(nag_late) > sum(adam_late) / len(adam_late)},
    }


def _plot(e: dict, path: Path) -> None:
    plt = common.pyplot()
    fig, axs = plt.subplots(2, 2, figsize=(11, 8))
    for i, r in enumerate(e["rows"]):
        ls = "--" if r["optimizer"] == "nag" else "-"
        c = f"C{i}"
        lbl = f"{r['label']} (lr {r['lr']:.2g})"
        x = np.maximum(r["curves"]["steps"], 1)
        for ax, key in ((axs[0, 0], "train"), (axs[0, 1], "test"), (axs[1, 0], "grad_sq")):
            y = np.asarray(r["curves"][key], dtype=float)
            if np.isfinite(y).any():
                ax.plot(x, np.nanmedian(y, axis=0), ls=ls, color=c, label=lbl)
        axs[1, 1].plot(np.maximum(r["checkpoints"], 1), r["median_lambda_min"], ls=ls, marker="o", ms=3, color=c,
                       label=lbl)
    for ax, title in ((axs[0, 0], "train loss (median over seeds)"), (axs[0, 1], "test loss"),
                      (axs[1, 0], r"$\|\nabla f(x_t)\|^2$ (full batch)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("step")
    ax = axs[1, 1]
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.axhline(0, color="grey", lw=0.7)
    ax.set_title(r"$\lambda_{\min}(\nabla^2 f)$ at checkpoints (Lanczos, median)")
    ax.set_xlabel("step (0 drawn at 1)")
    axs[0, 0].legend(fontsize=7)
    fig.suptitle(f"De et al. study: {e['objective']}, {e['oracle']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(out: Path, quick: bool = False, progress=common.quiet, config: Config | None = None) -> dict:
    cfg = config or (QUICK if quick else Config())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    experiments, files = [], []
    for hidden in cfg.architectures:
        obj = Autoencoder(n=cfg.n, p=cfg.p, hidden=hidden, activation=cfg.activation, seed=cfg.data_seed,
                          n_test=cfg.n_test, rank=cfg.rank, noise=cfg.noise)
        for B in cfg.batch_sizes:
            label = _label_experiment(hidden, B)
            progress(f"{label}: {obj.describe()}, {'full batch' if B is None else f'minibatch B={B}'}")
            t0 = time.perf_counter()
            x0_for = lambda batch: common.initial_points(obj, batch.run_seeds())  # noqa: E731
            res = {k: _run_optimizer(k, cfg, obj, B, x0_for, progress) for k in ("nag", "adam")}
            rows = _summarise(res["nag"], cfg, obj, progress) + _summarise(res["adam"], cfg, obj, progress)
            check = _dense_check(obj, rows, {k: v["iterates"] for k, v in res.items()}, cfg)
            e = {"label": label, "hidden": hidden, "batch_size": B, "objective": obj.describe(), "d": obj.d,
                 "oracle": res["nag"]["oracle"], "rows": rows,
                 "grids": {k: v["grid"] for k, v in res.items()}, "lanczos_check": check,
                 "seconds": time.perf_counter() - t0}
            path = out / f"de2018_{label}.png"
            _plot(e, path)
            files.append(str(path))
            for r in rows:
                r.pop("_runs")
            experiments.append(e)
    result = {
        "study": NAME, "quick": quick, "config": asdict(cfg), "checkpoints": cfg.checkpoints(),
        "versions": common.versions(),
        "conventions": {"nag": "torch SGD(nesterov=True): b = mu b + g, x -= lr (g + mu b)",
                        "adam": "torch Adam: bias-corrected, xi outside the sqrt",
                        "minibatch": "uniform with replacement, per-seed index streams shared across settings",
                        "tuning": "per momentum / beta1: lr minimising the median final train loss over seeds",
                        "json": "null stands for NaN or inf (a diverged run; a median over seeds with a diverged run)"},
        "experiments": experiments, "claims": _claims(experiments),
        "seconds": time.perf_counter() - t_start, "files": files,
    }
    path = out / "de2018.json"
    result["files"].append(str(path))
    common.write_json(path, result)
    return result


def table(result: dict) -> str:
    fmt = common.fmt

    lines = []
    for e in result["experiments"]:
        rows = [[r["label"], fmt(r["lr"], 2) + ("*" if r["lr_at_grid_edge"] else ""), fmt(r["median_final_train"], 4),
                 fmt(r["median_final_test"], 4), fmt(r["median_min_grad_norm"], 3),
                 fmt(r["median_lambda_min"][0], 3), fmt(r["median_lambda_min"][-1], 3),
                 (f"{r['lambda_min_trend']['tau']:+.2f}/{r['lambda_min_trend']['late_tau']:+.2f}"
                  if r["lambda_min_trend"] else "-"), r["diverged"]] for r in e["rows"]]
        lines.append(f"{e['label']}: {e['objective']}, {e['oracle']} ({e['seconds']:.1f}s; "
                     f"Lanczos vs dense max error {fmt(e['lanczos_check'].get('max_abs_error', float('nan')), 2)})")
        lines.append(tab(rows, ["tuned setting", "lr", "train", "test", "min|grad|", "lmin start", "lmin end",
                                "tau all/late", "div"]))
        lines.append("")
    c = result["claims"]
    lines.append(f"E1 (Adam 0.99 beats tuned NAG, train and test): {c['E1']['experiments_where_adam099_wins_train_and_test']}"
                 f"/{c['E1']['of']} experiments -> {'reproduces' if c['E1']['reproduces'] else 'does not reproduce'}")
    lines.append(f"E2 (NAG sometimes beats Adam 0.9): {c['E2']['experiments_where_nag_beats_adam090']}/{c['E2']['of']} "
                 f"-> {'reproduces' if c['E2']['reproduces'] else 'does not reproduce'}")
    lines.append(f"E3 (NAG smaller min gradient norm): {c['E3_grad']['experiments_where_nag_has_smaller_min_grad_norm']}"
                 f"/{c['E3_grad']['of']} -> {'reproduces' if c['E3_grad']['reproduces'] else 'does not reproduce'}")
    q = c["E3_eig"]
    lines.append(f"E3 (lambda_min increasing along NAG iterates): NAG {q['nag_runs_increasing']}/{q['nag_runs']} "
                 f"(late phase {q['nag_runs_late_increasing']}/{q['nag_runs']}), Adam {q['adam_runs_increasing']}/"
                 f"{q['adam_runs']} (late {q['adam_runs_late_increasing']}/{q['adam_runs']})")
    lines.append(f"(* = tuned lr on the edge of its grid; medians over seeds {result['config']['seeds']}; "
                 f"{result['seconds']:.1f}s in all)")
    return "\n".join(lines)


def summary(result: dict) -> dict:
    """Headline numbers for ``--json``: per experiment its rows' medians and trends, and the claims' verdicts."""
    keep = ("label", "lr", "lr_at_grid_edge", "median_final_train", "median_final_test", "median_min_grad_norm",
            "median_lambda_min", "lambda_min_trend", "diverged")
    exps = [{"label": e["label"], "objective": e["objective"], "oracle": e["oracle"], "seconds": e["seconds"],
             "lanczos_check_max_abs_error": e["lanczos_check"].get("max_abs_error"),
             "rows": [{k: r[k] for k in keep} for r in e["rows"]]} for e in result["experiments"]]
    return {"study": NAME, **{k: result[k] for k in ("quick", "config", "seconds", "files")}, "experiments": exps,
            "claims": {k: v for k, v in result["claims"].items() if k != "per_experiment"}}
