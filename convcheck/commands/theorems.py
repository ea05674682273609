"""show, bound, certify, mutate: the symbolic layer's commands (list reads a cached index: listing)."""
from __future__ import annotations

import math

import numpy as np

from convcheck import theory
from convcheck.theory.evaluate import evaluate
from convcheck.theory.sweep import sweep

from .. import mutate, report
from ..cliargs import EXIT_FAILED, MAX_SAMPLES, MAX_SWEEP_POINTS, BadInput, as_float, parse_sets
from ..progress import bar, working
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
    if n < 1:
        raise BadInput(f"--sweep count must be at least 1; got {n}")
    return name.strip(), lo, hi, n


def _grid(specs, values: dict, eps, T) -> tuple[dict, dict]:
    """The product grid of every --sweep (eps and T may be swept too), validated before anything is allocated."""
    ranges = [_parse_range(spec) for spec in specs]
    names = [r[0] for r in ranges]
    for name in names:
        if names.count(name) > 1:
            raise BadInput(f"--sweep {name} given twice; keep one")
        if name in values or (name == "eps" and eps is not None) or (name == "T" and T is not None):
            raise BadInput(f"--sweep {name} and --{'set ' + name if name in values else name} both given; keep one")
    points = math.prod(r[3] for r in ranges)
    if points > MAX_SWEEP_POINTS:
        raise BadInput(f"--sweep grid has {points:.3g} points; at most {MAX_SWEEP_POINTS:.0e} (8 float64 arrays each)")
    axes = np.meshgrid(*[np.linspace(lo, hi, n) for _, lo, hi, n in ranges], indexing="ij")
    grid = {name: a.ravel() for name, a in zip(names, axes)}
    if "T" in grid and not np.all(grid["T"] == np.round(grid["T"])):
        raise BadInput("--sweep T must give integer horizons (choose START:STOP:COUNT so the steps are whole)")
    horizons = {"eps": grid.pop("eps", eps), "T": grid.pop("T", T)}
    return {**{k: float(v) for k, v in values.items()}, **grid}, horizons


def cmd_bound(args):
    thm = theorem(args.id)
    values = parse_sets(args.set)
    swept = {_parse_range(spec)[0] for spec in args.sweep or ()}
    eps = args.eps if args.eps is not None or args.T is not None or swept & {"eps", "T"} else "1e-3"
    if not args.sweep:
        ev = evaluate(thm, values, eps=eps, T=args.T)
        emit(args, report.bound(ev), ev.to_dict())
        return
    grid, horizons = _grid(args.sweep, values, eps, args.T)
    with working(f"compiling and evaluating {thm.id}"):
        result = sweep(thm, grid, **horizons)
    columns = {**{k: np.broadcast_to(np.asarray(v, dtype=float), result.applies.shape)
                  for k, v in {**grid, **horizons}.items() if v is not None}, **result.values}
    emit(args, report.sweep(result, columns), _rows(result, columns))


def _rows(result, columns) -> list[dict]:
    """One JSON object per point, as `bound --json` gives for one (NaN where a bound does not apply: omitted)."""
    out = []
    for i in range(len(result)):
        row = {"theorem": result.theorem, "applies": bool(result.applies[i])}
        row.update({k: _number(a[i]) for k, a in columns.items() if not np.isnan(a[i])})
        if result.failed[i] >= 0:
            row["failed_condition"] = result.conditions[result.failed[i]]
        out.append(row)
    return out


def _number(x: float):
    return int(x) if x == int(x) and abs(x) < 2 ** 53 else float(x) if np.isfinite(x) else x


def cmd_certify(args):
    if args.id is not None and args.all:
        raise BadInput("give a theorem id or --all, not both")
    if args.id is not None:
        with working(f"certifying {args.id}"):
            certs = [_certified(theorem(args.id).id)]
    else:  # one process per core, a function class per task (largest first), printed in the catalogue's order
        ids = [t.id for t in theory.theorems()]
        done = {i: cert for group in each(_certified_group, _by_class(ids), "certifying", "function class")
                for i, cert in zip(group[0], group[1])}
        certs = [done[i] for i in ids]
    emit(args, "\n".join(text for text, _, _ in certs), [d for _, d, _ in certs])
    return 0 if all(ok for _, _, ok in certs) else EXIT_FAILED


def _by_class(ids: list[str]) -> list[list[str]]:
    """Theorems grouped by function class: they cite the same lemmas and share obligations, which the prover
    memoises per process, so one worker proves each shared obligation once."""
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(theory.get(i).function_class, []).append(i)
    return sorted(groups.values(), key=len, reverse=True)


def _certified_group(ids: list[str]) -> tuple[list[str], list]:
    return ids, [_certified(i) for i in ids]


def _certified(theorem_id: str) -> tuple[str, dict, bool]:
    """(text, JSON, ok) of a certificate: plain data, so a worker process can hand it back."""
    cert = theory.certify(theory.get(theorem_id))
    return report.certificate(cert), cert.to_dict(), cert.ok


def cmd_mutate(args):
    if args.ids and args.all:
        raise BadInput("give theorem ids or --all, not both")
    if not args.ids and not args.all:
        raise BadInput("give theorem ids, or --all (every theorem: minutes)")
    if not 100 <= args.samples <= MAX_SAMPLES:  # fewer than the quick pre-search: a false mutant could pass
        raise BadInput(f"--samples must be in 100..{MAX_SAMPLES} (got {args.samples})")
    ids = [theorem(i).id for i in args.ids] or [t.id for t in theory.theorems()]
    table = [row for i in bar(ids, "mutating", "theorem") for row in mutate.rows([i], args.samples)]
    emit(args, mutate.render(table), table)
    return 0 if mutate.perfect(table) else EXIT_FAILED
