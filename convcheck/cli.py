"""The `convcheck` command line: list, show, bound, certify, run, check, compare, study.

Every command works with no arguments beyond its name (built-in defaults); --json prints one JSON
document for machines. Bad input is one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time

import numpy as np

from convcheck import theory
from convcheck.theory.evaluate import InvalidInput, evaluate, fmt

from . import report

EXIT_BAD_INPUT = 2
DEFAULT_LR_WITHOUT_L = 1e-2  # `run`'s step for optimizers without a default lr when the objective has no L


class BadInput(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# argument helpers


def parse_sets(items) -> dict[str, str]:
    """['L=2', 'Delta=10'] -> {'L': '2', 'Delta': '10'} (values kept as text for exact parsing)."""
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise BadInput(f"malformed --set {item!r}: expected NAME=VALUE, e.g. --set L=2")
        out[name] = value
    return out


def as_float(name: str, text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise BadInput(f"{name} must be a number; got {text!r}") from None
    if not np.isfinite(v):
        raise BadInput(f"{name} must be finite; got {text!r}")
    return v


def emit(args, human: str, data) -> None:
    if args.json:
        print(json.dumps(data, indent=2, default=_jsonable))
    else:
        print(human)


def _jsonable(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def _theorem(tid):
    try:
        return theory.get(tid)
    except KeyError as e:
        raise BadInput(e.args[0]) from None


def _objective(name: str, params: dict):
    from convcheck.reference import objectives

    kw = {}
    for k, v in params.items():
        kw[k] = int(v) if v.lstrip("-").isdigit() else as_float(k, v)
    return objectives.get(name, **kw)


def _oracle(name: str, sigma: float | None, batch: int | None, tau: float | None = None):
    from convcheck.reference import oracles

    if name == "gaussian":
        return oracles.Gaussian(1.0 if sigma is None else sigma)
    if name == "minibatch":
        return oracles.Minibatch(1 if batch is None else batch)
    if name == "bounded":
        return oracles.BoundedNoise(1.0 if tau is None else tau)
    if name == "exact":
        return oracles.Exact()
    raise BadInput(f"unknown oracle {name!r}; known: exact, gaussian, minibatch, bounded")


# ---------------------------------------------------------------------------------------------
# commands


def cmd_list(args):
    thms = theory.theorems(algorithm=args.algorithm, function_class=args.function_class, oracle=args.oracle)
    rows = [[t.id, t.kind, t.algorithm, t.function_class, t.oracle, t.title] for t in thms]
    emit(args, report.table(rows, ["id", "kind", "algorithm", "class", "oracle", "title"]),
         [dict(zip(["id", "kind", "algorithm", "function_class", "oracle", "title"], r)) for r in rows])


def cmd_show(args):
    thm = _theorem(args.id)
    cert = theory.certify(thm)
    emit(args, report.show(thm, cert), {"theorem": thm.id, "title": thm.title, "certificate": cert.to_dict(),
                                         "text": report.show(thm, cert)})


def _parse_range(spec: str):
    name, sep, rng = spec.partition("=")
    parts = rng.split(":")
    if not sep or len(parts) != 3:
        raise BadInput(f"malformed --sweep {spec!r}: expected NAME=START:STOP:COUNT, e.g. L=1:10:5")
    lo, hi = as_float(name, parts[0]), as_float(name, parts[1])
    try:
        n = int(parts[2])
    except ValueError:
        raise BadInput(f"--sweep count must be an integer; got {parts[2]!r}") from None
    if n < 1:
        raise BadInput(f"--sweep count must be >= 1; got {n}")
    return name.strip(), np.linspace(lo, hi, n)


def cmd_bound(args):
    thm = _theorem(args.id)
    values = parse_sets(args.set)
    if args.eps is None and args.T is None:
        args.eps = "1e-3"
    if args.sweep:
        name, grid = _parse_range(args.sweep)
        rows, data = [], []
        for v in grid:
            ev = evaluate(thm, {**values, name: repr(float(v))}, eps=args.eps, T=args.T)
            rows.append([fmt(v), ev.applies, fmt(ev.rate), fmt(ev.complexity), ev.failed_condition or ""])
            data.append(ev.to_dict())
        emit(args, report.table(rows, [name, "applies", "rate", "complexity", "failed condition"]), data)
        return
    ev = evaluate(thm, values, eps=args.eps, T=args.T)
    emit(args, report.bound(ev), ev.to_dict())


def cmd_certify(args):
    if args.id and args.all:
        raise BadInput("give a theorem id or --all, not both")
    thms = theory.theorems() if (args.all or not args.id) else [_theorem(args.id)]
    certs = [theory.certify(t) for t in thms]
    emit(args, "\n".join(report.certificate(c) for c in certs), [c.to_dict() for c in certs])
    if any(not c.ok for c in certs):
        sys.exit(1)


def cmd_mutate(args):
    from . import mutate

    if args.ids and args.all:
        raise BadInput("give theorem ids or --all, not both")
    if not args.ids and not args.all:
        raise BadInput("give theorem ids, or --all (every theorem with a chain: minutes)")
    if args.samples < 100:  # fewer points than the quick pre-search: a false mutant could pass unsampled
        raise BadInput(f"--samples must be >= 100 (got {args.samples})")
    ids = [_theorem(i).id for i in args.ids]
    table = mutate.rows(ids, args.samples)
    emit(args, mutate.render(table), table)
    if not mutate.perfect(table):
        sys.exit(1)


def cmd_run(args):
    from convcheck.reference import optimizers, run

    obj = _objective(args.objective, parse_sets(args.param))
    orc = _oracle(args.oracle, args.sigma, args.batch, args.tau)
    opt = optimizers.get(args.optimizer)
    hp = {k: as_float(k, v) for k, v in parse_sets(args.set).items()}
    note = ""
    if "lr" in opt.defaults and "lr" not in hp and opt.defaults["lr"] is None:  # Adam keeps its 1e-3
        L = obj.constants.get("L")
        if L:
            hp["lr"] = 1.0 / L
        else:  # no L published (e.g. the autoencoder): a small fixed step, said aloud
            hp["lr"] = DEFAULT_LR_WITHOUT_L
            note = f" (lr = {DEFAULT_LR_WITHOUT_L:g}: {obj.name} publishes no L; set it with --set lr=VALUE)"
    x0 = obj.initial_points(args.runs, seed=args.seed)
    tr = run(opt, obj, x0, args.steps, hp=hp, oracle=orc, seed=args.seed, progress=not args.json)
    rows = [[int(n), fmt(np.nanmedian(tr.f[k])), fmt(np.nanmedian(tr.grad_sq[k])),
             fmt(np.nanmedian(tr.min_grad_sq[k]))] for k, n in enumerate(tr.steps)]
    head = (f"{tr.optimizer} {tr.hyperparameters} on {obj.describe()}, {orc.describe()}, {tr.runs} runs, "
            f"{tr.seconds:.2f}s; diverged: {int(tr.diverged().sum())}{note}")
    emit(args, head + "\n" + report.table(rows, ["step", "median f", "median |grad f|^2", "median min |grad f|^2"]),
         {"optimizer": tr.optimizer, "hyperparameters": tr.hyperparameters, "objective": obj.describe(),
          "oracle": orc.describe(), "steps": tr.steps, "median_f": np.nanmedian(tr.f, axis=1),
          "median_grad_sq": np.nanmedian(tr.grad_sq, axis=1), "diverged_at": tr.diverged_at})
    if args.plot:
        from .compare import Comparison, Entry

        Comparison(obj, orc, [Entry(tr.optimizer, opt, hp, tr)], eps=float("nan")).plot(args.plot)


def _user_setups(args, thm):
    from .families import default_setups
    from .setups import Setup

    custom = args.objective or args.oracle or args.runs or args.steps or args.set
    if not custom or (thm.kind == "property" and _property_options(args, thm)):
        return None
    if thm.kind in ("property", "lower"):
        raise BadInput(f"{thm.id} is checked by its own fixed procedure; it takes no --objective/--oracle/--runs/"
                       f"--steps/--set")
    base = default_setups(thm.id)
    proto = base[0] if base else Setup(_objective("sin_squared", {}))
    obj = _objective(args.objective, parse_sets(args.param)) if args.objective else proto.objective
    orc = _oracle(args.oracle, args.sigma, args.batch, args.tau) if args.oracle else proto.oracle
    hp = {**proto.hp, **{k: as_float(k, v) for k, v in parse_sets(args.set).items()}}
    # the default setup's fixed hyperparameters stay unless overridden; lr is swept unless given
    return [Setup(obj, orc, runs=args.runs or proto.runs, steps=args.steps or proto.steps, x0=proto.x0,
                  sweep=proto.sweep and "lr" not in hp, hp=hp, seed=args.seed, radius=proto.radius,
                  eps_ladder=proto.eps_ladder, label=proto.label if not args.objective else "")]


def _property_options(args, thm) -> dict:
    """--set NAME=VALUE for a property check that takes NAME as a keyword (only --set, nothing else)."""
    import inspect

    from .families import CHECKS

    if not args.set or args.objective or args.oracle or args.runs or args.steps:
        return {}
    takes = set(inspect.signature(CHECKS.get(thm.id)).parameters)
    given = {k: as_float(k, v) for k, v in parse_sets(args.set).items()}
    unknown = sorted(set(given) - takes)
    if unknown:
        raise BadInput(f"{thm.id}'s check takes no {unknown[0]!r}; it takes {', '.join(sorted(takes)) or 'nothing'}")
    return given


def _check_one(job):
    """One theorem of `convcheck check` (a top-level function, so worker processes can run it)."""
    from .checker import check

    theorem_id, level = job
    return check(theorem_id, level=level, certify=True)


def cmd_check(args):
    from .checker import check

    if args.id:
        thm = _theorem(args.id)
        options = _property_options(args, thm) if thm.kind == "property" else {}
        rep = check(thm, _user_setups(args, thm), level=args.level, progress=not args.json, certify=True,
                    options=options)
        emit(args, report.check_report(rep), rep.to_dict())
        sys.exit(0 if rep.passed else 1)
    t0 = time.perf_counter()
    thms = theory.theorems()
    jobs = min(args.jobs or os.cpu_count() or 1, len(thms))
    todo = [(thm.id, args.level) for thm in thms]
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        tqdm = None
    with contextlib.ExitStack() as stack:
        if jobs > 1:  # theorems are independent: one process each, as many as there are cores
            from concurrent.futures import ProcessPoolExecutor

            results = stack.enter_context(ProcessPoolExecutor(jobs)).map(_check_one, todo)
        else:
            results = map(_check_one, todo)
        if tqdm is not None:
            results = tqdm(results, total=len(todo), desc="checking", unit="theorem", leave=False,
                           disable=args.json or not sys.stderr.isatty())
        reps = list(results)
    rows = [[r.theorem, r.certificate, r.verdict, fmt(r.tightness, 3) if r.tightness is not None else "-",
             len(r.setups), f"{sum(s.seconds for s in r.setups):.1f}s"] for r in reps]
    human = report.table(rows, ["theorem", "certificate", "verdict", "tightness", "setups", "time"])
    human += f"\n{len(reps)} theorems checked in {time.perf_counter() - t0:.1f}s; tightness = max empirical/bound"
    emit(args, human, [r.to_dict() for r in reps])
    sys.exit(0 if all(r.passed for r in reps) else 1)


def cmd_compare(args):
    from .compare import compare, default_entries

    obj = _objective(args.objective, parse_sets(args.param))
    orc = _oracle(args.oracle, args.sigma, args.batch, args.tau)
    if "L" not in obj.constants and not args.set:
        raise BadInput(f"{obj.name} publishes no L: give step sizes with --set OPT.lr=VALUE")
    entries = default_entries(obj.constants.get("L", 1.0))
    if args.optimizers:  # "gd,nag" or "LABEL=OPTIMIZER" entries, e.g. "gd,slow=gd"
        known = {e[0]: e for e in entries}
        picked = []
        for item in (i.strip() for i in args.optimizers.split(",") if i.strip()):
            label, _, name = item.rpartition("=")
            label = label or name
            base = known.get(name, (name, name, {"lr": 1.0 / obj.constants.get("L", 1.0)}))
            picked.append((label, base[1], dict(base[2])))
        if len({e[0] for e in picked}) != len(picked):
            raise BadInput(f"--optimizers has a repeated label in {args.optimizers!r}; name them LABEL=OPTIMIZER")
        entries = picked
    for key, value in parse_sets(args.set).items():
        label, dot, hp = key.partition(".")
        if not dot:
            raise BadInput(f"compare --set needs OPTIMIZER.NAME=VALUE (e.g. nag.lr=0.05); got {key!r}")
        for e in entries:
            if e[0] == label:
                e[2][hp] = as_float(key, value)
        if label not in {e[0] for e in entries}:
            raise BadInput(f"--set {key}: no optimizer {label!r} in this comparison")
    cmp = compare(entries, obj, orc, steps=args.steps, seeds=args.seeds, eps=args.eps, seed=args.seed,
                  progress=not args.json)
    rows = cmp.rows()
    human = report.table([[r["label"], fmt(r["median_final_grad_sq"]), fmt(r["median_min_grad_sq"]),
                           r["reached_eps"], fmt(r["median_steps_to_eps"]), r["diverged"], ", ".join(r["bounds"]) or "-"]
                          for r in rows],
                         ["optimizer", "median final |grad|^2", "median min |grad|^2", f"reached eps={args.eps:g}",
                          "median steps", "diverged", "bounds drawn"])
    cmp.plot(args.plot)
    human += f"\nplot written to {args.plot}"
    emit(args, f"{obj.describe()}, {orc.describe()}, {args.seeds} seeds x {args.steps} steps\n" + human,
         {"objective": obj.describe(), "oracle": orc.describe(), "rows": rows, "plot": args.plot})


def cmd_study(args):
    from pathlib import Path

    from . import studies

    out = Path(args.out or f"study-{args.name}")
    say = (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = studies.run(args.name, out, quick=args.quick, progress=say)
    files = "\n".join(f"  {f}" for f in result["files"])
    emit(args, f"{studies.table(args.name, result)}\nwritten:\n{files}", studies.summary(args.name, result))


# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="convcheck", description="Check optimizer convergence theorems against a "
                                                              "numeric reference.")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name, fn, help_):
        sp_ = sub.add_parser(name, help=help_, description=help_)
        sp_.set_defaults(fn=fn)
        sp_.add_argument("--json", action="store_true", help="print one JSON document")
        return sp_

    def problem(sp_, default_objective=None):
        sp_.add_argument("--objective", default=default_objective, help="objective name (reference.objectives)")
        sp_.add_argument("--param", action="append", metavar="NAME=VALUE", help="objective parameter, e.g. d=20")
        sp_.add_argument("--oracle", default=None if default_objective is None else "exact",
                         help="exact | gaussian | minibatch | bounded")
        sp_.add_argument("--sigma", type=float, help="gaussian oracle noise level")
        sp_.add_argument("--batch", type=int, help="minibatch size")
        sp_.add_argument("--tau", type=float, help="bounded oracle noise radius (||g - grad f|| <= tau a.s.)")
        sp_.add_argument("--seed", type=int, default=0)

    s = add("list", cmd_list, "list theorems (filter by algorithm, class, oracle)")
    s.add_argument("--algorithm")
    s.add_argument("--class", dest="function_class")
    s.add_argument("--oracle")

    s = add("show", cmd_show, "a theorem: statement, LaTeX, provenance, certificate")
    s.add_argument("id")

    s = add("bound", cmd_bound, "evaluate a theorem's rate and complexity for given constants")
    s.add_argument("id")
    s.add_argument("--set", action="append", metavar="NAME=VALUE", help="a constant or hyperparameter")
    s.add_argument("--eps", help="target accuracy ||grad f|| <= eps (default 1e-3)")
    s.add_argument("--T", type=int, help="horizon for the rate")
    s.add_argument("--sweep", metavar="NAME=START:STOP:COUNT", help="evaluate over a grid of one name")

    s = add("certify", cmd_certify, "certify theorems' proof chains and claims")
    s.add_argument("id", nargs="?")
    s.add_argument("--all", action="store_true")

    s = add("mutate", cmd_mutate, "plant false changes in theorems' statements and premises: each must be refused")
    s.add_argument("ids", nargs="*")
    s.add_argument("--all", action="store_true")
    s.add_argument("--samples", type=int, default=2000, help="sampled points per obligation")

    s = add("run", cmd_run, "run an optimizer on an objective and summarise the trace")
    s.add_argument("--optimizer", default="gd")
    problem(s, "sin_squared")
    s.add_argument("--set", action="append", metavar="NAME=VALUE", help="hyperparameter (default lr = 1/L)")
    s.add_argument("--runs", type=int, default=16)
    s.add_argument("--steps", type=int, default=200)
    s.add_argument("--plot", metavar="FILE")

    s = add("check", cmd_check, "run the reference under a theorem's assumptions and judge its guarantees "
                                "(no id: certify and check every theorem)")
    s.add_argument("id", nargs="?")
    problem(s)
    s.add_argument("--set", action="append", metavar="NAME=VALUE", help="hyperparameter (default: prescribed/swept)")
    s.add_argument("--runs", type=int)
    s.add_argument("--steps", type=int)
    s.add_argument("--level", type=float, default=0.99, help="one-sided confidence level for expectation bounds")
    s.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="with no id: theorems checked in N processes (default: one per core)")

    s = add("compare", cmd_compare, "compare optimizers on one problem, with bounds drawn in")
    s.add_argument("--optimizers", help="comma-separated, e.g. gd,nag or gd,slow=gd (default gd,heavy_ball,nag)")
    problem(s, "cosine_sum")
    s.add_argument("--set", action="append", metavar="OPT.NAME=VALUE", help="e.g. nag.lr=0.05")
    s.add_argument("--steps", type=int, default=500)
    s.add_argument("--seeds", type=int, default=32)
    s.add_argument("--eps", type=float, default=1e-3)
    s.add_argument("--plot", default="compare.png", metavar="FILE")

    s = add("study", cmd_study, "run a study with plots, a JSON of the numbers and a written verdict: de2018 "
                                "(Adam vs tuned NAG on autoencoders), adam-regimes (Adam's (beta1, beta2) phase "
                                "diagram), clipping-gap (GD vs clipped GD over the starting radius), smoothness (local "
                                "smoothness vs gradient norm along GD, clipped GD and Adam runs), inna-toy (INNA's "
                                "oscillations on the paper's 2-D toy), inna-relu (INNA vs SGD vs Adam on a tiny ReLU "
                                "net: loss and D-criticality)")
    s.add_argument("name", choices=["de2018", "adam-regimes", "clipping-gap", "smoothness", "inna-toy", "inna-relu"])
    s.add_argument("--out", metavar="DIR", help="output folder (default ./study-NAME)")
    s.add_argument("--quick", action="store_true", help="a seconds-long miniature (for tests), not for conclusions")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "level", 0.5) is not None and not 0 < getattr(args, "level", 0.5) < 1:
            raise BadInput(f"--level must be in (0, 1); got {args.level}")
        for name in ("runs", "steps", "seeds"):
            v = getattr(args, name, None)
            if v is not None and v < 1:
                raise BadInput(f"--{name} must be a positive integer; got {v}")
        args.fn(args)
    except (BadInput, InvalidInput, ValueError, KeyError, ArithmeticError, OSError) as err:
        if isinstance(err, BrokenPipeError):  # output piped into e.g. head: nothing left to say
            return 0
        msg = str(err) if isinstance(err, OSError) or not err.args else err.args[0]
        print(f"convcheck: error: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
