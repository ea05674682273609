"""check: run the reference under a theorem's assumptions and judge its guarantees.

With an id, every flag either changes what is run or is refused: --set takes the theorem's
hyperparameters only (its constants are measured from the objective, never typed in), --param and
the noise flags need --objective/--oracle, --seed reseeds every setup, --level needs a bound in
expectation. With no id, every theorem is certified and checked on its default setups in worker
processes that ignore Ctrl-C (the parent ends them), so an interrupt never leaves a hung worker.
"""
from __future__ import annotations

import dataclasses
import inspect
import time

from convcheck import theory
from convcheck.reference import optimizers
from convcheck.reference.optimizers.base import check_domains
from convcheck.theory.evaluate import fmt

from .. import report
from ..checker import check
from ..cliargs import EXIT_FAILED, BadInput, as_float, check_budget, parse_sets, progress_enabled, unused
from ..progress import working
from ..families import CHECKS, default_setups
from ..setups import Setup
from ..texttable import table
from .common import backend, each, emit, objective, oracle, oracle_flags_given, theorem, under_backend

DEFAULT_LEVEL = 0.99
# why a theorem that is no upper bound takes no --backend but numpy
_NUMPY_ONLY = {"property": "is a property theorem: its check is a fixed procedure on numpy",
               "lower": "is a lower bound: it is checked against the upper bounds, with no runs"}


def _property_options(args, thm) -> dict:
    """A property theorem's check takes its own keywords through --set (and --seed where it draws)."""
    unused(args, f"for {thm.id}: its check is a fixed procedure that takes no --objective/--param/--oracle/--runs/"
                 f"--steps/--level (its settings go through --set)",
           "--objective", "--param", "--oracle", "--runs", "--steps", "--level")
    takes = set(inspect.signature(CHECKS[thm.id]).parameters) - {"optimizer"}  # a Python object, not a --set value
    given = {k: as_float(f"--set {k}", v) for k, v in parse_sets(args.set).items()}
    unknown = sorted(set(given) - takes)
    if unknown:
        raise BadInput(f"--set {unknown[0]}: {thm.id}'s check takes no {unknown[0]!r}; it takes "
                       f"{', '.join(sorted(takes)) or 'nothing'}")
    if args.seed is not None:
        if "seed" not in takes:
            raise BadInput(f"--seed has no effect for {thm.id}: its check draws nothing at random")
        given["seed"] = args.seed
    return {k: _like_default(k, v, inspect.signature(CHECKS[thm.id]).parameters[k].default) for k, v in given.items()}


def _like_default(name: str, value, default):
    """An integer where the check's default is one (steps=300, not 300.0)."""
    if isinstance(default, int) and not isinstance(default, bool):
        if float(value) != int(value):
            raise BadInput(f"--set {name} must be an integer; got {value}")
        return int(value)
    return value


def _hyperparameters(args, thm) -> dict:
    """--set values: the theorem's hyperparameters, or its optimizer's (the check then answers "does not
    apply", naming it: the bound assumes that one's default); a constant is refused with the reason."""
    given = parse_sets(args.set)
    names = [q.name for q in thm.hyperparameters]
    takes = set(names) | set(optimizers.get(thm.algorithm).defaults if thm.algorithm in optimizers.NAMES else ())
    for k in given:
        if k in thm.quantities and k not in names:
            raise BadInput(f"--set {k}: {k} is a constant of {thm.id} ({thm.quantities[k].meaning}); check "
                           f"measures it from the objective, it cannot be set: choose the problem with "
                           f"--objective/--param")
        if k not in takes:
            raise BadInput(f"--set {k}: {thm.id} has no hyperparameter {k!r}; it takes {', '.join(names) or 'none'}")
    hp = {k: as_float(f"--set {k}", v) for k, v in given.items()}
    check_domains(hp)  # before the certificate (seconds): a beta of 1 is refused at once
    return hp


def _setups(args, thm) -> list[Setup] | None:
    """The setups a user's flags describe: a custom problem, or the default setups adjusted."""
    if args.param is not None and args.objective is None:
        raise BadInput("--param has no effect without --objective (the default setups fix their objectives)")
    if oracle_flags_given(args) and args.oracle is None:
        raise BadInput(f"{oracle_flags_given(args)[0]} has no effect without --oracle (the default setups fix "
                       f"their oracles)")
    hp = _hyperparameters(args, thm)
    base = default_setups(thm.id)
    if args.objective is None and args.oracle is None:
        if not any((hp, args.runs, args.steps, args.seed is not None, args.backend != "numpy")):
            return None
        if not base:
            raise BadInput(f"{thm.id} has no default setup to adjust; give --objective")
        return [_adjust(s, args, hp) for s in base]
    if not base and args.objective is None:
        raise BadInput(f"{thm.id} has no default setup: give --objective")
    proto = base[0] if base else Setup(objective=None)
    obj = objective(args) if args.objective is not None else proto.objective
    orc = oracle(args) if args.oracle is not None else proto.oracle
    custom = dataclasses.replace(proto, objective=obj, oracle=orc, label="" if args.objective else proto.label)
    return [_adjust(custom, args, hp)]


def _adjust(setup: Setup, args, hp: dict) -> Setup:
    """The setup with the user's runs, steps, seed, hyperparameters (lr given: not swept) and backend."""
    merged = {**setup.hp, **hp}
    return dataclasses.replace(setup, runs=args.runs or setup.runs, steps=args.steps or setup.steps, hp=merged,
                               seed=setup.seed if args.seed is None else args.seed,
                               sweep=setup.sweep and "lr" not in merged, backend=args.backend)


def _check_budget(setups) -> None:
    for s in setups:
        ladder = max(len(s.eps_ladder), 1)
        check_budget(s.runs, s.objective.d, s.steps, copies=ladder,
                     defaults={"--runs": 64, "--steps": 2000, "--param d": 10})


def _check_id(args):
    thm = theorem(args.id)
    unused(args, "with a theorem id (it is for check with no id)", "--jobs")
    options, setups = {}, None
    if thm.kind != "upper" and args.backend != "numpy":
        raise BadInput(f"--backend {args.backend}: {thm.id} {_NUMPY_ONLY[thm.kind]}")
    if thm.kind == "property":
        options = _property_options(args, thm)
    elif thm.kind == "lower":
        unused(args, f"for {thm.id}: a lower bound is checked against the upper bounds, with no runs",
               "--objective", "--param", "--oracle", "--set", "--runs", "--steps", "--seed", "--level",
               "--sigma", "--batch", "--tau", "--affine-s", "--ell")
    else:
        setups = _setups(args, thm)
        if args.level is not None and not (thm.rate is not None and thm.rate.expectation):
            raise BadInput(f"--level has no effect for {thm.id}: its bound is not in expectation")
        _check_budget(setups if setups is not None else default_setups(thm.id))
    backend(args)  # one not installed is refused before the certificate (seconds)
    with working(f"certifying {thm.id}"):  # up to a minute for some theorems: said on the terminal
        cert = theory.certify(thm)
    with under_backend(args):
        rep = check(thm, setups, level=args.level or DEFAULT_LEVEL, progress=progress_enabled(), options=options)
    rep.certificate, rep.certificate_ok = cert.summary(), cert.ok  # as check(certify=True) records it
    emit(args, report.check_report(rep), rep.to_dict())
    return 0 if rep.passed else EXIT_FAILED


def _check_one(job):
    """One theorem of `convcheck check` with no id (a top-level function: worker processes run it)."""
    theorem_id, level, seed = job
    thm = theory.get(theorem_id)
    setups, options = None, {}
    if seed is not None and thm.kind == "upper":
        setups = [dataclasses.replace(s, seed=seed) for s in default_setups(theorem_id)]
    elif seed is not None and thm.kind == "property" and "seed" in inspect.signature(CHECKS[theorem_id]).parameters:
        options = {"seed": seed}
    return check(theorem_id, setups, level=level, certify=True, options=options)


def _check_all(args):
    unused(args, "without a theorem id (every theorem runs on its default setups)", "--objective", "--param",
           "--oracle", "--set", "--runs", "--steps", "--sigma", "--batch", "--tau", "--affine-s", "--ell")
    if args.backend != "numpy":  # property theorems' checks and lower bounds run on numpy only
        raise BadInput(f"--backend {args.backend}: give a theorem id (with no id every theorem is checked, and "
                       f"property and lower-bound checks run on numpy only)")
    t0 = time.perf_counter()
    todo = [(t.id, args.level or DEFAULT_LEVEL, args.seed) for t in theory.theorems()]
    reps = each(_check_one, todo, "checking", "theorem", args.jobs)  # theorems are independent: one process per core
    rows = [[r.theorem, r.certificate, r.verdict, fmt(r.tightness, 3) if r.tightness is not None else "-",
             len(r.setups), f"{sum(s.seconds for s in r.setups):.1f}s"] for r in reps]
    human = table(rows, ["theorem", "certificate", "verdict", "tightness", "setups", "time"])
    human += f"\n{len(reps)} theorems checked in {time.perf_counter() - t0:.1f}s; tightness = max empirical/bound"
    emit(args, human, [r.to_dict() for r in reps])
    return 0 if all(r.passed for r in reps) else EXIT_FAILED


def cmd_check(args):
    return _check_id(args) if args.id is not None else _check_all(args)
