"""What the commands share: printing (human or strict JSON), theorems, objectives and oracles from flags."""
from __future__ import annotations

import multiprocessing
import os
import signal
from contextlib import contextmanager

from convcheck import theory
from convcheck.reference import get_backend, objectives, oracles
from convcheck.reference.backend import Unsupported

from .. import jsonout
from ..progress import bar
from ..cliargs import BadInput, as_param, check_objective_size, parse_sets

# oracle name (reference.oracles.ORACLES) -> the flags it takes, with the CLI's defaults when a flag is absent;
# each flag's args key is the oracle constructor's parameter (tests/test_cli.py holds this table to the registry)
ORACLE_FLAGS = {"exact": {}, "gaussian": {"sigma": 1.0}, "minibatch": {"batch_size": 1}, "bounded": {"tau": 1.0},
                "affine_variance": {"s": 0.5, "sigma": 0.1}, "svag": {"ell": 2.0, "batch_size": 1},
                "importance": {"batch_size": 1, "scheme": "gradient_norm", "mix": 0.0}}
_FLAG = {"sigma": "--sigma", "batch_size": "--batch", "tau": "--tau", "s": "--affine-s", "ell": "--ell",
         "scheme": "--scheme", "mix": "--mix"}
_ARG = {"sigma": "sigma", "batch_size": "batch", "tau": "tau", "s": "affine_s", "ell": "ell", "scheme": "scheme",
        "mix": "mix"}  # parameter -> argparse dest


def emit(args, human: str, data) -> None:
    print(jsonout.dumps(data) if args.json else human)


def theorem(tid: str):
    try:
        return theory.get(tid)
    except KeyError as e:
        raise BadInput(e.args[0]) from None


def objective(args):
    """The objective that --objective and --param name, after its size is checked against the cap."""
    params = {k: as_param(k, v) for k, v in parse_sets(args.param, "--param").items()}
    check_objective_size(params)
    if args.objective not in objectives.NAMES:
        raise BadInput(f"--objective: unknown objective {args.objective!r}; known: {', '.join(objectives.NAMES)}")
    try:
        return objectives.get(args.objective, **params)
    except (TypeError, ValueError) as err:
        raise BadInput(f"--objective {args.objective} --param: {err}") from None


def backend(args):
    """The array backend --backend names; one not installed (or, for cupy, without a GPU) is refused."""
    try:
        return get_backend(args.backend)
    except RuntimeError as e:
        raise BadInput(f"--backend {args.backend}: {e}") from e


@contextmanager
def under_backend(args):
    """Runs under --backend: a problem that does not run under that namespace yet is refused, naming the flag."""
    try:
        yield
    except Unsupported as e:
        raise BadInput(f"--backend {args.backend}: {e}") from e


def oracle_flags_given(args) -> list[str]:
    return [_FLAG[k] for k in _FLAG if getattr(args, _ARG[k], None) is not None]


def oracle(args):
    """The oracle --oracle names; a noise flag that this oracle does not take is refused, naming it."""
    name = args.oracle
    if name not in oracles.ORACLES:
        raise BadInput(f"--oracle: unknown oracle {name!r}; known: {', '.join(oracles.NAMES)}")
    takes = ORACLE_FLAGS[name]
    for key, flag in _FLAG.items():
        if getattr(args, _ARG[key], None) is not None and key not in takes:
            users = [o for o, t in ORACLE_FLAGS.items() if key in t]
            raise BadInput(f"{flag} has no effect with the {name} oracle; it belongs to --oracle {' or '.join(users)}")
    given = {k: getattr(args, _ARG[k]) for k in takes}
    return oracles.get(name, **{k: (v if given[k] is None else given[k]) for k, v in takes.items()})


def _ignore_interrupts():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent owns Ctrl-C and terminates the pool


def each(fn, items, what: str, unit: str, jobs: int | None = None) -> list:
    """[fn(item) for item in items], one process per core when there are several items (fn at module level);
    a progress bar on a terminal counting the items as ``unit``s. On Ctrl-C or an error no worker outlives
    the command."""
    items = list(items)
    jobs = min(jobs or os.cpu_count() or 1, len(items))
    if jobs <= 1:
        return [fn(item) for item in bar(items, what, unit)]
    pool = None
    try:
        pool = multiprocessing.Pool(jobs, initializer=_ignore_interrupts)
        return list(bar(pool.imap(fn, items), what, unit, total=len(items)))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
