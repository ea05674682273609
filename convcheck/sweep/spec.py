"""A sweep's spec: TOML read with the standard library, checked key by key, and split into chunks.

The grid is objectives x oracles x (each optimizer's hyperparameter grid) x seeds. A *setup* is one
point of objectives x oracles x hyperparameters; its runs are the seeds. A *chunk* is a setup and a
slice of at most ``chunk_runs`` of its seeds: one ``reference.run`` call. Setups and chunks are
numbered in the spec's order, so a chunk's id, seeds and numbers are functions of the spec alone
(never of the scheduling order): that is what makes ``--resume`` and bit-for-bit equality hold.

Every refusal is one BadInput naming the key, e.g. ``spec key optimizers[0].lr: ...``.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser as a package (the dask extra brings it)
    import tomli as tomllib

import numpy as np

from convcheck import theory
from convcheck.reference import objectives, optimizers, oracles
from convcheck.reference.optimizers.base import check_domains
from convcheck.reference.runner import record_steps

from ..cliargs import BadInput, check_budget, check_objective_size
from .grid import Chunk, SetupSpec

RECORD_POINTS = 30  # default geometrically spaced records per run (plus steps 0..10 and the last)
MAX_SEEDS = 10 ** 6  # per setup: the spec holds them as a tuple and spec.json lists them (10^8 runs: setups x seeds)
MAX_SETUPS = 10 ** 6
TOP_KEYS = ("steps", "seeds", "seed", "chunk_runs", "record", "radius", "x0", "theorems", "objectives", "oracles",
            "optimizers")
REQUIRED = ("steps", "seeds", "objectives")

EXAMPLE = """\
# convcheck sweep spec: objectives x oracles x optimizers' hyperparameter grids x seeds.
# Each chunk is one batched reference.run over at most chunk_runs seeds of one setup.
steps = 200                        # steps per run
seeds = { start = 0, count = 16 }  # or a list: seeds = [0, 1, 2]; run r of every setup uses the r-th seed
seed = 0                           # mixed into every run's oracle stream
chunk_runs = 8                     # runs per chunk (R of one reference.run call)
record = 30                        # recorded steps per run (0..10, geometric, the last); or "all"
radius = 2.0                       # starts drawn uniformly from [-radius, radius]^d
x0 = "random"                      # "random": a start per seed; "shared": one start for every run
theorems = ["gd.smooth"]           # judged on every setup that runs the theorem's algorithm; an item may
                                   # also be a table that runs it: { id = "gd.smooth", lr = [0.1, 0.3] }

[[objectives]]
name = "cosine_sum"                # any other key is the objective's parameter
d = 10

[[objectives]]
name = "sin_squared"
d = 10

[[oracles]]
name = "exact"                     # any other key is the oracle's parameter, e.g. sigma = 0.1

[[optimizers]]
name = "gd"                        # any other key is a hyperparameter: a number, a list, or a range
lr = { start = 0.05, stop = 0.4, count = 3, scale = "log" }

[[optimizers]]
name = "nag"
lr = 0.05
momentum = [0.5, 0.9]
"""


def _where(key: str) -> str:
    return f"spec key {key}"


def _refuse(key: str, why: str) -> BadInput:
    return BadInput(f"{_where(key)}: {why}")


@dataclass
class Spec:
    steps: int
    seeds: tuple
    seed: int
    chunk_runs: int
    record: tuple
    radius: float
    x0: str
    theorems: tuple
    setups: list = field(default_factory=list)
    normal: dict = field(default_factory=dict)  # the spec as checked data: its hash identifies the sweep

    @property
    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.normal, sort_keys=True).encode()).hexdigest()[:16]

    def chunks(self) -> list[Chunk]:
        """Every chunk, setup after setup."""
        return [c for s in self.setups for c in self.chunks_of(s)]

    def chunks_of(self, setup: SetupSpec) -> list[Chunk]:
        """The setup's chunks: its seeds in slices of chunk_runs, in order."""
        return [Chunk(f"s{setup.index:06d}-p{p:05d}", setup, start, self.seeds[start:start + self.chunk_runs],
                      self.steps, self.record, self.seed, self.radius, self.x0)
                for p, start in enumerate(range(0, len(self.seeds), self.chunk_runs))]


# ---------------------------------------------------------------------------------------------
# values


def _int(key, v, lo=0):
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise _refuse(key, f"must be an integer >= {lo}; got {v!r}")
    return v


def _number(key, v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _refuse(key, f"must be a finite number; got {v!r}")
    return float(v)


def _table(key, v) -> dict:
    if not isinstance(v, dict):
        raise _refuse(key, f"must be a table; got {v!r}")
    return v


def _only(key, table: dict, allowed) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise _refuse(f"{key}.{unknown[0]}" if key else unknown[0],
                      f"is unknown; known: {', '.join(allowed)}")


def _grid_values(key, v) -> list[float]:
    """A hyperparameter's values: a number, a non-empty list, or {start, stop, count, scale}."""
    if isinstance(v, list):
        if not v:
            raise _refuse(key, "is an empty list")
        return [_number(f"{key}[{i}]", x) for i, x in enumerate(v)]
    if isinstance(v, dict):
        _only(key, v, ("start", "stop", "count", "scale"))
        for k in ("start", "stop", "count"):
            if k not in v:
                raise _refuse(f"{key}.{k}", "is missing: a range is {start, stop, count[, scale]}")
        lo, hi, n = _number(f"{key}.start", v["start"]), _number(f"{key}.stop", v["stop"]), \
            _int(f"{key}.count", v["count"], 1)
        scale = v.get("scale", "linear")
        if scale == "log":
            if lo <= 0 or hi <= 0:
                raise _refuse(f"{key}.scale", "log needs start > 0 and stop > 0")
            return [float(x) for x in np.geomspace(lo, hi, n)]
        if scale != "linear":
            raise _refuse(f"{key}.scale", f"must be 'linear' or 'log'; got {scale!r}")
        return [float(x) for x in np.linspace(lo, hi, n)]
    return [_number(key, v)]


def _seeds(v) -> tuple:
    if isinstance(v, dict):
        _only("seeds", v, ("start", "count"))
        if "count" not in v:
            raise _refuse("seeds.count", "is missing: seeds = {start, count}")
        start, count = _int("seeds.start", v.get("start", 0)), _int("seeds.count", v["count"], 1)
        if count > MAX_SEEDS:
            raise _refuse("seeds.count", f"must be at most {MAX_SEEDS:.0e}; got {count}")
        return tuple(range(start, start + count))
    if isinstance(v, list):
        if not v:
            raise _refuse("seeds", "is an empty list")
        seeds = tuple(_int(f"seeds[{i}]", s) for i, s in enumerate(v))
        if len(set(seeds)) != len(seeds):
            raise _refuse("seeds", "repeats a seed (each run would be a copy of another)")
        return seeds
    raise _refuse("seeds", f"must be a list of integers or {{start, count}}; got {v!r}")


def _entries(raw, key) -> list[dict]:
    if not isinstance(raw, list) or not raw or not all(isinstance(e, dict) for e in raw):
        raise _refuse(key, f"must be a non-empty array of tables ([[{key}]])")
    for i, e in enumerate(raw):
        if not isinstance(e.get("name"), str):
            raise _refuse(f"{key}[{i}].name", "is missing (a string)")
    return raw


def _params(entry: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in entry.items() if k != "name"))


def _objective(i, e) -> tuple:
    key = f"objectives[{i}]"
    if e["name"] not in objectives.NAMES:
        raise _refuse(f"{key}.name", f"unknown objective {e['name']!r}; known: {', '.join(objectives.NAMES)}")
    params = _params(e)
    for k, v in params:
        if isinstance(v, int) and not isinstance(v, bool) and v < 1:
            raise _refuse(f"{key}.{k}", f"sizes must be positive integers; got {v}")
    try:
        check_objective_size(dict(params))
    except BadInput as err:
        raise _refuse(key, str(err).replace("--param ", "")) from None
    try:
        obj = objectives.get(e["name"], **dict(params))
    except (TypeError, ValueError) as err:
        raise _refuse(key, str(err)) from None
    return (e["name"], params), obj


def _oracle(i, e) -> tuple:
    key = f"oracles[{i}]"
    if e["name"] not in oracles.NAMES:
        raise _refuse(f"{key}.name", f"unknown oracle {e['name']!r}; known: {', '.join(oracles.NAMES)}")
    params = _params(e)
    try:
        oracles.get(e["name"], **dict(params))
    except (TypeError, ValueError) as err:
        raise _refuse(key, str(err)) from None
    return e["name"], params


def _optimizer(key: str, e) -> list[tuple]:
    """(name, convention, hp points) of one [[optimizers]] entry (or theorem table) at ``key``."""
    if e["name"] not in optimizers.NAMES:
        raise _refuse(f"{key}.name", f"unknown optimizer {e['name']!r}; known: {', '.join(optimizers.NAMES)}")
    convention = tuple(sorted(_table(f"{key}.convention", e.get("convention", {})).items()))
    try:
        opt = optimizers.get(e["name"], **dict(convention))
    except (TypeError, ValueError) as err:
        raise _refuse(f"{key}.convention", str(err)) from None
    grid = {}
    for k, v in e.items():
        if k in ("name", "convention"):
            continue
        if k not in opt.defaults:
            raise _refuse(f"{key}.{k}", f"optimizer {opt.name} has no hyperparameter {k!r}; it takes "
                                        f"{', '.join(opt.defaults)}")
        grid[k] = _grid_values(f"{key}.{k}", v)
    missing = [k for k, v in opt.defaults.items() if v is None and k not in grid]
    if missing:
        raise _refuse(f"{key}.{missing[0]}", f"is needed: {opt.name} has no default {missing[0]}")
    names = sorted(grid)
    points = [tuple(zip(names, p)) for p in itertools.product(*(grid[n] for n in names))]
    for p in points:
        try:
            check_domains(dict(p))
        except ValueError as err:
            raise _refuse(key, str(err)) from None
    return [(e["name"], convention, p) for p in points]


def _theorem(key: str, tid):
    """The theorem an id names, if a sweep can judge it (an upper bound with a rate)."""
    if not isinstance(tid, str):
        raise _refuse(key, f"must be a theorem id; got {tid!r}")
    try:
        thm = theory.get(tid)
    except KeyError as err:
        raise _refuse(key, err.args[0]) from None
    if thm.kind != "upper" or thm.rate is None:
        raise _refuse(key, f"{tid} has no rate to judge on runs (a sweep judges upper bounds' rates; use "
                           f"`convcheck check {tid}`)")
    return thm


def _theorems(raw) -> tuple[tuple, list]:
    """(ids, optimizer entries): an item is an id (judged on the [[optimizers]] that run its algorithm) or
    a table {id, hyperparameters...}, which also runs its algorithm over those hyperparameters."""
    if not isinstance(raw, list):
        raise _refuse("theorems", f"must be a list of theorem ids or {{id, hyperparameters}} tables; got {raw!r}")
    ids, entries = [], []
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            thm = _theorem(f"theorems[{i}].id", item.get("id"))
            if "name" in item:
                raise _refuse(f"theorems[{i}].name", f"is not taken: the table runs {thm.id}'s algorithm, "
                                                     f"{thm.algorithm}")
            entries.append((f"theorems[{i}]", {"name": thm.algorithm, **{k: v for k, v in item.items() if k != "id"}}))
        else:
            thm = _theorem(f"theorems[{i}]", item)
        ids.append(thm.id)
    if len(set(ids)) != len(ids):
        raise _refuse("theorems", "names a theorem twice")
    return tuple(ids), entries


def parse(text: str, source: str = "spec") -> Spec:
    """The checked spec of a TOML text."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"{source} is not valid TOML: {err}") from None
    _only("", raw, TOP_KEYS)
    for k in REQUIRED:
        if k not in raw:
            raise _refuse(k, "is missing")
    steps = _int("steps", raw["steps"], 1)
    seeds = _seeds(raw["seeds"])
    chunk_runs = _int("chunk_runs", raw.get("chunk_runs", 64), 1)
    record = raw.get("record", RECORD_POINTS)
    if record == "all":
        rec = tuple(range(steps + 1))
    else:
        rec = tuple(int(s) for s in record_steps(steps, _int("record", record, 2)))
    radius = _number("radius", raw.get("radius", 2.0))
    if radius <= 0:
        raise _refuse("radius", f"must be > 0; got {radius}")
    x0 = raw.get("x0", "random")
    if x0 not in ("random", "shared"):
        raise _refuse("x0", f"must be 'random' or 'shared'; got {x0!r}")
    objs = [_objective(i, e) for i, e in enumerate(_entries(raw["objectives"], "objectives"))]
    orcs = [_oracle(i, e) for i, e in enumerate(_entries(raw.get("oracles", [{"name": "exact"}]), "oracles"))]
    theorems, theorem_entries = _theorems(raw.get("theorems", []))
    if "optimizers" not in raw and not theorem_entries:
        raise _refuse("optimizers", "is missing (or give theorems as {id, hyperparameters} tables)")
    listed = _entries(raw["optimizers"], "optimizers") if "optimizers" in raw else []
    opts = [p for key, e in [(f"optimizers[{i}]", e) for i, e in enumerate(listed)] + theorem_entries
            for p in _optimizer(key, e)]
    for i, tid in enumerate(theorems):
        if theory.get(tid).algorithm not in {name for name, _, _ in opts}:
            raise _refuse(f"theorems[{i}]", f"{tid} is about {theory.get(tid).algorithm}; no [[optimizers]] entry "
                                            f"runs it (or give it as {{id, hyperparameters}})")
    for i, (_, obj) in enumerate(objs):
        try:
            check_budget(min(chunk_runs, len(seeds)), obj.d, steps, runs_flag="chunk_runs",
                         d_flag=f"objectives[{i}] d", defaults={"chunk_runs": 64, "steps": 2000})
        except BadInput as err:
            raise BadInput(f"spec: {err}") from None
    n_setups = len(objs) * len(orcs) * len(opts)
    if n_setups > MAX_SETUPS:
        raise _refuse("optimizers", f"the grid has {n_setups} setups, over the cap of {MAX_SETUPS:.0e}")
    setups = [SetupSpec(i, ob, orc, name, conv, hp) for i, ((ob, _), orc, (name, conv, hp))
              in enumerate(itertools.product(objs, orcs, opts))]
    seed = _int("seed", raw.get("seed", 0))
    normal = {"steps": steps, "seeds": list(seeds), "seed": seed, "chunk_runs": chunk_runs, "record": list(rec),
              "radius": radius, "x0": x0, "theorems": list(theorems),
              "setups": [[s.objective, s.oracle, s.optimizer, s.convention, s.hp] for s in setups]}
    normal = json.loads(json.dumps(normal))  # tuples as lists: the same data read back from spec.json
    return Spec(steps, seeds, seed, chunk_runs, rec, radius, x0, theorems, setups, normal)


def load(path: str) -> Spec:
    p = Path(path).expanduser()
    try:
        text = p.read_text()
    except OSError as err:
        raise BadInput(f"spec {path}: {err.strerror or err}") from None
    return parse(text, f"spec {path}")
