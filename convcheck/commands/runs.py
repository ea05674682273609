"""run and compare: the numeric reference on one problem, with a table, a plot and strict JSON."""
from __future__ import annotations

import warnings

import numpy as np

from convcheck.reference import optimizers, run
from convcheck.reference.optimizers.base import check_domains
from convcheck.theory.evaluate import fmt

from ..clifiles import atomic_file, plot_path
from ..cliargs import BadInput, as_float, check_budget, parse_sets, progress_enabled
from ..compare import Comparison, Entry, compare, default_entries
from ..texttable import table
from .common import backend, emit, objective, oracle, under_backend

RUN_LR_WITHOUT_L = 1e-2  # `run` alone: a small step said aloud (in the head line and JSON "notes")
RUN_DEFAULTS = {"--runs": 16, "--steps": 200, "--param d": 10}
COMPARE_DEFAULTS = {"--seeds": 32, "--steps": 500, "--param d": 10}


def _optimizer(name: str, flag: str):
    if name not in optimizers.NAMES:
        raise BadInput(f"{flag}: unknown optimizer {name!r}; known: {', '.join(optimizers.NAMES)}")
    return optimizers.get(name)


def _hyperparameters(opt, given: dict, obj, flag: str, lr_without_L: float | None = None) -> tuple[dict, str]:
    """The optimizer's hyperparameters and a note: each given name must be one it takes; lr defaults to 1/L
    where the objective publishes L, else to ``lr_without_L`` said in the note, else it must be given; any
    other required one must be given."""
    hp, note = {}, ""
    for k, v in given.items():
        if k not in opt.defaults:
            raise BadInput(f"{flag.format(k)}: optimizer {opt.name} has no hyperparameter {k!r}; it takes "
                           f"{', '.join(opt.defaults)}")
        hp[k] = as_float(flag.format(k), v)
    if "lr" in opt.defaults and opt.defaults["lr"] is None and "lr" not in hp:
        if obj.constants.get("L"):
            hp["lr"] = 1.0 / obj.constants["L"]
        elif lr_without_L is not None:
            hp["lr"] = lr_without_L
            note = f"lr = {lr_without_L:g}: {obj.name} publishes no L; set it with {flag.format('lr')}=VALUE"
        else:
            raise BadInput(f"{flag.format('lr')}=VALUE is needed: {obj.name} publishes no L, so {opt.name} has no "
                           f"default step 1/L")
    missing = [k for k, v in opt.defaults.items() if v is None and k not in hp]
    if missing:
        raise BadInput(f"{flag.format(missing[0])}=VALUE is needed: {opt.name} has no default {missing[0]}")
    check_domains(hp)
    return hp, note


def cmd_run(args):
    obj, orc = objective(args), oracle(args)
    opt = _optimizer(args.optimizer, "--optimizer")
    hp, note = _hyperparameters(opt, parse_sets(args.set), obj, "--set {}", lr_without_L=RUN_LR_WITHOUT_L)
    check_budget(args.runs, obj.d, args.steps, defaults=RUN_DEFAULTS)
    plot = plot_path(args.plot, "run.png") if args.plot is not None else None
    x0 = backend(args).asarray(obj.initial_points(args.runs, seed=args.seed))  # drawn on the host: the same x0
    with under_backend(args):
        tr = run(opt, obj, x0, args.steps, hp=hp, oracle=orc, seed=args.seed, progress=progress_enabled())
    with warnings.catch_warnings():  # a record where every run diverged has no median: nan, shown as such
        warnings.simplefilter("ignore", RuntimeWarning)
        med_f, med_g, med_min = (np.nanmedian(a, axis=1) for a in (tr.f, tr.grad_sq, tr.min_grad_sq))
    rows = [[int(n), fmt(med_f[k]), fmt(med_g[k]), fmt(med_min[k])] for k, n in enumerate(tr.steps)]
    head = (f"{tr.optimizer} {tr.hyperparameters} on {obj.describe()}, {orc.describe()}, {tr.runs} runs, "
            f"seed {args.seed}, {tr.seconds:.2f}s; diverged: {int(tr.diverged().sum())}" + (f" ({note})" if note else ""))
    human = head + "\n" + table(rows, ["step", "median f", "median |grad f|^2", "median min |grad f|^2"])
    if plot:
        with atomic_file(plot) as tmp:
            Comparison(obj, orc, [Entry(tr.optimizer, opt, hp, tr)], eps=float("nan")).plot(tmp)
        human += f"\nplot written to {plot}"
    emit(args, human, {"optimizer": tr.optimizer, "hyperparameters": tr.hyperparameters, "objective": obj.describe(),
                       "oracle": orc.describe(), "seed": args.seed, "steps": tr.steps, "median_f": med_f,
                       "median_grad_sq": med_g, "diverged_at": tr.diverged_at, "plot": plot,
                       "notes": [note] if note else []})


def _entries(spec: str | None, obj) -> list[tuple[str, str, dict]]:
    """(label, optimizer, hyperparameters) from --optimizers "gd,nag" or "LABEL=OPTIMIZER" items."""
    L = obj.constants.get("L")
    defaults = {e[0]: e for e in default_entries(L or 1.0)}
    if not L:  # the default steps are multiples of 1/L: without L each must be given
        defaults = {k: (lab, name, {h: v for h, v in hp.items() if h != "lr"}) for k, (lab, name, hp) in
                    defaults.items()}
    if spec is None:
        return [(lab, name, dict(hp)) for lab, name, hp in defaults.values()]
    items = [i.strip() for i in spec.split(",")]
    if not any(items):
        raise BadInput(f"--optimizers {spec!r} names no optimizer; e.g. --optimizers gd,nag")
    if not all(items):
        raise BadInput(f"--optimizers {spec!r} has an empty entry")
    picked = []
    for item in items:
        label, _, name = (s.strip() for s in item.rpartition("="))
        label = label or name
        _optimizer(name, f"--optimizers {item}")
        base = defaults.get(name, (name, name, {"lr": 1.0 / L} if L else {}))
        picked.append((label, name, dict(base[2])))
    labels = [e[0] for e in picked]
    if len(set(labels)) != len(labels):
        raise BadInput(f"--optimizers has a repeated label in {spec!r}; name them LABEL=OPTIMIZER")
    return picked


def cmd_compare(args):
    obj, orc = objective(args), oracle(args)
    entries = _entries(args.optimizers, obj)
    given: dict[str, dict] = {label: {} for label, _, _ in entries}
    for key, value in parse_sets(args.set).items():
        label, dot, hp = key.partition(".")
        if not dot or not hp:
            raise BadInput(f"compare --set needs OPTIMIZER.NAME=VALUE (e.g. nag.lr=0.05); got {key!r}")
        if label not in given:
            raise BadInput(f"--set {key}: no optimizer {label!r} in this comparison ({', '.join(given)})")
        given[label][hp] = value
    # no fallback step here: heavy ball and NAG at a guessed lr would be compared at an arbitrary scale
    entries = [(label, name, _hyperparameters(optimizers.get(name), {**{k: repr(v) for k, v in hp.items()},
                                                                      **given[label]}, obj, f"--set {label}.{{}}")[0])
               for label, name, hp in entries]
    check_budget(args.seeds, obj.d, args.steps, runs_flag="--seeds", copies=len(entries), defaults=COMPARE_DEFAULTS)
    plot = plot_path(args.plot, "compare.png")
    be = backend(args)
    with under_backend(args):
        cmp = compare(entries, obj, orc, steps=args.steps, seeds=args.seeds, eps=args.eps, seed=args.seed,
                      progress=progress_enabled(), backend=be)
    rows = cmp.rows()
    human = table([[r["label"], fmt(r["median_final_grad_sq"]), fmt(r["median_min_grad_sq"]),
                           r["reached_eps"], fmt(r["median_steps_to_eps"]), r["diverged"],
                           ", ".join(r["bounds"]) or "-"] for r in rows],
                         ["optimizer", "median final |grad|^2", "median min |grad|^2", f"reached eps={args.eps:g}",
                          "median steps", "diverged", "bounds drawn"])
    with atomic_file(plot) as tmp:
        cmp.plot(tmp)
    human += f"\nplot written to {plot}"
    emit(args, f"{obj.describe()}, {orc.describe()}, {args.seeds} seeds x {args.steps} steps, seed {args.seed}\n"
         + human, {"objective": obj.describe(), "oracle": orc.describe(), "seed": args.seed, "rows": rows,
                   "plot": plot})
