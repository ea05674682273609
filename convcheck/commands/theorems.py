"""show, bound, certify, mutate: the symbolic layer's commands (list reads a cached index: listing)."""
from __future__ import annotations

import numpy as np

from convcheck import theory
from convcheck.theory.evaluate import evaluate, fmt

from .. import mutate, report
from ..cliargs import EXIT_FAILED, MAX_SAMPLES, MAX_SWEEP_POINTS, BadInput, as_float, parse_sets
from ..progress import bar, working
from ..texttable import table
from .common import each, emit, theorem


def cmd_show(args):
    thm = theorem(args.id)
    with working(f"certifying {thm.id}"):
        cert = theory.certify(thm)
    text = report.show(thm, cert)
    emit(args, text, {"theorem": thm.id, "title": thm.title, "certificate": cert.to_dict(), "text": text})


def _parse_range(spec: str):
    name, sep, rng = spec.partition("=")
    parts = rng.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise BadInput(f"malformed --sweep {spec!r}: expected NAME=START:STOP:COUNT, e.g. L=1:10:5")
    lo, hi = as_float(f"--sweep {name}", parts[0]), as_float(f"--sweep {name}", parts[1])
    try:
        n = int(parts[2])
    except ValueError:
        raise BadInput(f"--sweep count must be an integer; got {parts[2]!r}") from None
    if not 1 <= n <= MAX_SWEEP_POINTS:
        raise BadInput(f"--sweep count must be in 1..{MAX_SWEEP_POINTS} (each point is an exact evaluation); got {n}")
    return name.strip(), np.linspace(lo, hi, n)


def cmd_bound(args):
    thm = theorem(args.id)
    values = parse_sets(args.set)
    eps = args.eps if args.eps is not None or args.T is not None else "1e-3"
    if not args.sweep:
        ev = evaluate(thm, values, eps=eps, T=args.T)
        emit(args, report.bound(ev), ev.to_dict())
        return
    name, grid = _parse_range(args.sweep)
    if name in values:
        raise BadInput(f"--sweep {name} and --set {name} both given; keep one")
    rows, data = [], []
    for v in bar(grid, "bound", "point"):
        ev = evaluate(thm, {**values, name: repr(float(v))}, eps=eps, T=args.T)
        rows.append([fmt(v), ev.applies, fmt(ev.rate), fmt(ev.complexity), ev.failed_condition or ""])
        data.append(ev.to_dict())
    emit(args, table(rows, [name, "applies", "rate", "complexity", "failed condition"]), data)


def cmd_certify(args):
    if args.id is not None and args.all:
        raise BadInput("give a theorem id or --all, not both")
    if args.id is not None:
        with working(f"certifying {args.id}"):
            certs = [_certified(theorem(args.id).id)]
    else:  # theorems are independent: one process per core
        certs = each(_certified, [t.id for t in theory.theorems()], "certifying")
    emit(args, "\n".join(text for text, _, _ in certs), [d for _, d, _ in certs])
    return 0 if all(ok for _, _, ok in certs) else EXIT_FAILED


def _certified(theorem_id: str) -> tuple[str, dict, bool]:
    """(text, JSON, ok) of a certificate: plain data, so a worker process can hand it back."""
    cert = theory.certify(theory.get(theorem_id))
    return report.certificate(cert), cert.to_dict(), cert.ok


def cmd_mutate(args):
    if args.ids and args.all:
        raise BadInput("give theorem ids or --all, not both")
    if not args.ids and not args.all:
        raise BadInput("give theorem ids, or --all (every theorem with a chain: minutes)")
    if not 100 <= args.samples <= MAX_SAMPLES:  # fewer than the quick pre-search: a false mutant could pass
        raise BadInput(f"--samples must be in 100..{MAX_SAMPLES} (got {args.samples})")
    ids = [theorem(i).id for i in args.ids] or [t.id for t in theory.theorems() if t.chain]
    table = [row for i in bar(ids, "mutating", "theorem") for row in mutate.rows([i], args.samples)]
    emit(args, mutate.render(table), table)
    return 0 if mutate.perfect(table) else EXIT_FAILED
