"""One chunk: one batched ``reference.run`` call, its records as an Arrow table (one row per run and
recorded step) with the provenance of every row.

A run's randomness depends on its seed alone, never on its chunk or batch: its start is drawn from
default_rng([seed, s]) (x0 = "random") and its oracle stream is default_rng([seed, s]) through the
runner's ``run_seeds``. (Its numbers then depend on the batch only through rounding: a BLAS kernel may
sum in an order set by the batch's size. The chunking is a function of the spec, so a given spec
gives the same table bit for bit however its chunks are scheduled.) The worker that runs a chunk is not recorded (it would make a resumed or
rescheduled sweep differ from an uninterrupted one); the library versions are.
"""
from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pyarrow as pa

from convcheck.reference import run

from .grid import Chunk

MEASURES = ("f", "grad_sq", "min_grad_sq", "sum_grad_sq", "sum_grad_norm", "decrease")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def starts(chunk: Chunk, objective) -> np.ndarray:
    """x0 of the chunk's runs, (R, d): each seed's own point, or one point shared by every run."""
    if chunk.x0 == "shared":
        return np.repeat(objective.initial_points(1, seed=chunk.seed, radius=chunk.radius), len(chunk.seeds), axis=0)
    return np.concatenate([objective.initial_points(1, seed=[chunk.seed, s], radius=chunk.radius)
                           for s in chunk.seeds])


def run_chunk(chunk: Chunk) -> pa.Table:
    """The chunk's rows, ordered by (run, step)."""
    obj, orc, opt = chunk.setup.build()
    seeds = np.asarray(chunk.seeds, dtype=np.int64)
    tr = run(opt, obj, starts(chunk, obj), chunk.steps, hp=dict(chunk.setup.hp), oracle=orc, seed=chunk.seed,
             record=chunk.record, run_seeds=seeds)
    K, R = tr.f.shape
    rows = K * R

    def per_row(values, dtype):  # one value per run -> repeated over its K records
        return np.repeat(np.asarray(values, dtype=dtype), K)

    def const(value, type_=pa.string()):
        return pa.array([value] * rows, type_) if rows else pa.array([], type_)

    columns = {
        "setup": per_row(np.full(R, chunk.setup.index), np.int64),
        "run": per_row(chunk.first_run + np.arange(R), np.int64),
        "seed": per_row(seeds, np.int64),
        "step": np.tile(tr.steps.astype(np.int64), R),
        **{m: np.ascontiguousarray(getattr(tr, m).T).ravel() for m in MEASURES},
        "diverged_at": per_row(tr.diverged_at, np.int64),
    }
    table = pa.table({k: pa.array(v) for k, v in columns.items()})
    provenance = {
        "optimizer": chunk.setup.optimizer,
        "convention": json.dumps(dict(chunk.setup.convention), sort_keys=True),
        "hyperparameters": json.dumps(tr.hyperparameters, sort_keys=True),
        "objective": obj.describe(),
        "oracle": orc.describe(),
        "x0": chunk.x0,
        "sweep_seed": chunk.seed,
        "chunk": chunk.id,
        "convcheck_version": _version("convcheck"),
        "numpy_version": np.__version__,
        "pyarrow_version": pa.__version__,
    }
    for k, v in provenance.items():
        table = table.append_column(k, const(v, pa.int64() if isinstance(v, int) else pa.string()))
    return table
