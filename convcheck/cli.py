"""The `convcheck` command line: list, show, bound, certify, mutate, run, check, report, compare, study, tightness,
sweep.

Every command works with no arguments beyond its name (built-in defaults); --json prints one strict
JSON document (convcheck.jsonout). Every option takes effect or is refused: bad input is one line on
stderr and exit status 2, never a traceback; a failed certificate or a violated guarantee exits 1;
Ctrl-C exits 130 with one line and leaves no half-written file.

This module and the ones it imports use the standard library only, so `convcheck --help` starts in
a fraction of a second: each command's module (convcheck/commands/), with SymPy and NumPy, is
imported when that command runs. That deferred import is for start-up time alone.
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from .cliargs import (EXIT_BAD_INPUT, EXIT_INTERRUPTED, BadInput, finite_float, nonempty, nonneg_int, positive_float,
                      positive_int, probability, seed_int)

JSON_NOTE = ("--json prints strict JSON: a value that is not a finite float64 is null with a sibling K_status "
             "(nan, infinite, -infinite, overflow, underflow, undefined) and, for overflow/underflow, K_str with "
             "its decimal text.")


class Parser(argparse.ArgumentParser):
    """argparse that refuses in one line (no usage block), naming the command and the flag."""

    def error(self, message):
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def _problem(sp_, default_objective: str | None, default_oracle: str | None):
    """The flags that build an objective and an oracle (run, check, compare)."""
    sp_.add_argument("--objective", type=nonempty, default=default_objective,
                     help="objective name (convcheck.reference.objectives)"
                          + (f"; default {default_objective}" if default_objective else ""))
    sp_.add_argument("--param", action="append", metavar="NAME=VALUE",
                     help="objective parameter, e.g. d=20" + ("" if default_objective else " (needs --objective)"))
    sp_.add_argument("--oracle", type=nonempty, default=default_oracle,
                     help="exact | gaussian (--sigma) | minibatch (--batch) | bounded (--tau) | affine_variance "
                          "(--sigma, --affine-s) | svag (--ell, --batch) | importance (--batch, --scheme, --mix)" + (f"; default {default_oracle}" if default_oracle else ""))
    # the oracles check their own domains (sigma, s, tau >= 0) and name the value
    sp_.add_argument("--sigma", type=finite_float, help="noise level of the gaussian or affine_variance oracle")
    sp_.add_argument("--affine-s", type=finite_float, help="relative noise s of the affine_variance oracle")
    sp_.add_argument("--batch", type=positive_int, help="minibatch size")
    sp_.add_argument("--ell", type=finite_float, help="SVAG parameter ell >= 1 of the svag oracle (two minibatches "
                                                      "weighted (1 +- sqrt(2 ell^2 - 1))/2)")
    sp_.add_argument("--tau", type=finite_float, help="bounded oracle noise radius (||g - grad f|| <= tau a.s.)")
    sp_.add_argument("--scheme", type=nonempty,
                     help="importance oracle's sampling scheme: uniform | gradient_norm | loss")
    sp_.add_argument("--mix", type=finite_float, help="importance oracle's weight of uniform in p, in [0, 1]")


def _backend(s) -> None:
    # reference.backend.BACKENDS, spelt out: parsing imports no numeric library (tests/test_cli.py)
    s.add_argument("--backend", choices=("numpy", "cupy", "array_api_strict"), default="numpy",
                   help="array namespace of the runs (cupy: a GPU; array_api_strict: the standard's CPU stand-in)")


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="convcheck", description="Check optimizer convergence theorems against a numeric reference.",
               epilog=JSON_NOTE)
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    def add(name, module, help_, epilog=None):
        sp_ = sub.add_parser(name, help=help_, description=help_, epilog=epilog)
        sp_.set_defaults(module=module, fn=f"cmd_{name}")
        sp_.add_argument("--json", action="store_true", help="print one strict JSON document")
        return sp_

    s = add("list", "listing", "list theorems (filter by algorithm, class, oracle)")
    s.add_argument("--algorithm", type=nonempty)
    s.add_argument("--class", dest="function_class", type=nonempty)
    s.add_argument("--oracle", type=nonempty)

    s = add("show", "theorems", "a theorem: statement, LaTeX, provenance, certificate")
    s.add_argument("id", type=nonempty)

    s = add("bound", "theorems", "evaluate a theorem's rate and complexity for given constants")
    s.add_argument("id", type=nonempty)
    s.add_argument("--set", action="append", metavar="NAME=VALUE", help="a constant or hyperparameter")
    s.add_argument("--eps", help="target accuracy ||grad f|| <= eps (default 1e-3 when --T is not given)")
    s.add_argument("--T", type=positive_int, help="horizon for the rate")
    s.add_argument("--sweep", action="append", metavar="NAME=START:STOP:COUNT",
                   help="evaluate over a grid (repeat for a product grid; NAME may be eps or T; at most 1e7 points, "
                        "compiled once and vectorised)")

    s = add("certify", "theorems", "certify theorems' proof chains and claims (no id: every theorem)")
    s.add_argument("id", nargs="?", type=nonempty)
    s.add_argument("--all", action="store_true")

    s = add("mutate", "theorems", "plant false changes in theorems' statements and premises: each must be refused")
    s.add_argument("ids", nargs="*", type=nonempty)
    s.add_argument("--all", action="store_true")
    s.add_argument("--samples", type=int, default=2000, help="sampled points per obligation (100 to 1000000)")

    s = add("run", "runs", "run an optimizer on an objective and summarise the trace")
    s.add_argument("--optimizer", type=nonempty, default="gd")
    _problem(s, "sin_squared", "exact")
    s.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="hyperparameter of the optimizer (default lr = 1/L; an objective with no L needs lr)")
    s.add_argument("--runs", type=positive_int, default=16)
    s.add_argument("--steps", type=positive_int, default=200)
    s.add_argument("--seed", type=seed_int, default=0, help="seeds the starting points and the oracle")
    s.add_argument("--plot", metavar="FILE", help="write the curves to FILE (.png, .pdf, .svg, ...; a folder gets "
                                                  "run.png)")
    _backend(s)

    s = add("check", "checks", "run the reference under a theorem's assumptions and judge its guarantees "
                               "(no id: certify and check every theorem on its default setups)",
            epilog="--set takes the theorem's hyperparameters only (lr, beta1, ...): its constants (L, Delta, "
                   "sigma, ...) are measured from the objective and oracle, so choose the problem with --objective/"
                   "--param/--oracle instead. Without --objective/--oracle, --runs/--steps/--set/--seed apply to "
                   "every default setup. " + JSON_NOTE)
    s.add_argument("id", nargs="?", type=nonempty)
    _problem(s, None, None)
    s.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="a hyperparameter of the theorem (default: prescribed or swept over its range)")
    s.add_argument("--runs", type=positive_int)
    s.add_argument("--steps", type=positive_int)
    s.add_argument("--seed", type=seed_int, help="seeds every random draw of the setups (default: each setup's own)")
    s.add_argument("--level", type=probability,
                   help="one-sided confidence level for expectation bounds (default 0.99)")
    s.add_argument("--jobs", type=positive_int, metavar="N",
                   help="with no id: theorems checked in N processes (default: one per core)")
    _backend(s)

    s = add("report", "reports", "one self-contained HTML page of theorems' certificates, proof chains, checks, "
                                 "plots of bounds against runs, provenance, versions and seeds (no id: every theorem)")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--out", type=nonempty, default="convcheck-report", help="folder for report.html (created; "
                                                                            "default convcheck-report)")

    s = add("compare", "runs", "compare optimizers on one problem, with bounds drawn in")
    s.add_argument("--optimizers", help="comma-separated, e.g. gd,nag or gd,slow=gd (default gd,heavy_ball,nag)")
    _problem(s, "cosine_sum", "exact")
    s.add_argument("--set", action="append", metavar="OPT.NAME=VALUE", help="e.g. nag.lr=0.05")
    s.add_argument("--steps", type=positive_int, default=500)
    s.add_argument("--seeds", type=positive_int, default=32)
    s.add_argument("--seed", type=seed_int, default=0, help="seeds the starting points and the oracle")
    s.add_argument("--eps", type=positive_float, default=1e-3, help="target accuracy ||grad f|| <= eps")
    s.add_argument("--plot", default="compare.png", metavar="FILE",
                   help="where the plot goes (default ./compare.png; a folder gets compare.png)")
    _backend(s)

    s = add("study", "studies", "run a study with plots, a JSON of the numbers and a written verdict: de2018 "
                                "(Adam vs tuned NAG on autoencoders), adam-regimes (Adam's (beta1, beta2) phase "
                                "diagram), clipping-gap (GD vs clipped GD over the starting radius), smoothness (local "
                                "smoothness vs gradient norm along GD, clipped GD and Adam runs), inna-toy (INNA's "
                                "oscillations on the paper's 2-D toy), inna-relu (INNA vs SGD vs Adam on a tiny ReLU "
                                "net: loss and D-criticality), scaling-rule (where Malladi et al.'s square-root rule "
                                "holds and breaks, against SGD's linear rule), importance-sampling (sampling schemes' variance "
                                "reduction; SGD and Adam under each), bayesian (BRMSprop/BAdam vs RMSprop/Adam), "
                                "momentum (GD, heavy ball, NAG: runs, certified bounds, PEP worst cases)")
    s.add_argument("name", choices=["de2018", "adam-regimes", "clipping-gap", "smoothness", "inna-toy", "inna-relu",
                                    "scaling-rule", "importance-sampling", "bayesian", "momentum"])
    s.add_argument("--out", metavar="DIR", help="output folder (default ./study-NAME)")
    s.add_argument("--quick", action="store_true", help="a seconds-long miniature (for tests), not for conclusions")
    _backend(s)
    s = add("tightness", "tightness", "a theorem's certified bound against the PEP worst case per N (GD, heavy ball "
                                      "and NAG theorems on L-smooth or L-smooth PL functions; needs the extra pep: "
                                      "PEPit with Clarabel)")
    s.add_argument("id", type=nonempty)
    s.add_argument("--N", default="1,2,5,10", help="comma-separated step counts (default 1,2,5,10)")
    s.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="L, Delta (default 1), lr (default prescribed), momentum (default 1/2), mu (PL; default 1/10)")
    s.add_argument("--plot", metavar="FILE", help="also draw bound/PEP against N into FILE (a folder gets "
                                                  "tightness.png)")
    s = add("sweep", "sweep", "a grid of objectives x oracles x hyperparameters x seeds from a TOML spec, in chunks on "
                              "dask.distributed, into Parquet, with theorems judged on every setup",
            epilog="--out DIR receives spec.toml, chunks/*.parquet (one per finished chunk, written atomically), "
                   "runs.parquet (one row per setup, run and recorded step, with provenance), theorems.parquet, "
                   "summary.json and summary.png. " + JSON_NOTE)
    s.add_argument("spec", nargs="?", metavar="SPEC.toml")
    s.add_argument("--example", action="store_true", help="print a small runnable spec and exit")
    s.add_argument("--out", metavar="DIR", help="output folder (default ./sweep-SPEC)")
    s.add_argument("--workers", type=nonneg_int, metavar="N",
                   help="a LocalCluster of N worker processes (default: one per core); 0 runs in this process")
    s.add_argument("--scheduler", type=nonempty, metavar="ADDRESS",
                   help="run on an existing dask cluster, e.g. tcp://10.0.0.1:8786 (see `dask scheduler`)")
    s.add_argument("--resume", action="store_true", help="finish the sweep in --out, skipping its written chunks")
    return p


def main(argv=None) -> int:
    """Run one command; returns the exit status (0 ok, 1 failed result, 2 bad input, 130 interrupted)."""
    try:
        args = build_parser().parse_args(argv)  # --help and argparse's refusals end in SystemExit(0 / 2)
        command = importlib.import_module(f"convcheck.commands.{args.module}")
        return getattr(command, args.fn)(args) or 0
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the one-line exit
        print("convcheck: interrupted", file=sys.stderr)
        if argv is None:  # the program itself (not a caller's main([...])): see _exit_now
            _exit_now(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into e.g. head: nothing left to say
        _silence_stdout()
        return 0
    except BadInput as err:
        return _refuse(err.args[0] if err.args else str(err))
    except (ValueError, KeyError, ArithmeticError, OSError) as err:  # a library's refusal names the value
        return _refuse(str(err) if isinstance(err, OSError) or not err.args else str(err.args[0]))


def _exit_now(status: int) -> None:
    """Exit with ``status`` at once. CPython remembers a KeyboardInterrupt that escaped any evaluated code
    and, even when it was caught later, ends the process by SIGINT instead of the status (seen in
    2 of ~40 interrupts); the command's files are already renamed or removed, and its workers ended."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _refuse(message: str) -> int:
    line = " ".join(str(message).split())  # one line, whatever the message held
    print(f"convcheck: error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _silence_stdout():
    """After a broken pipe, stop Python from reporting it again when it flushes stdout at exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
