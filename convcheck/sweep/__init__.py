"""Sweeps: theorem x objective x oracle x hyperparameter x seed grids, split into chunks (one batched
``reference.run`` each), run on dask.distributed or in this process, stored as Parquet, resumable.

spec.py reads and checks the TOML spec and numbers its chunks (grid.py holds the plain data of a setup and
a chunk); chunks.py runs one chunk into an Arrow table; store.py writes chunk files atomically and
combines them; execute.py hands chunks to dask; summary.py judges the listed theorems on the table and
draws the plot; driver.py joins them.

The names below load on first use: a dask worker unpickling ``chunks.run_chunk`` imports this package,
and must not pay for SymPy (spec.py checks theorem ids against convcheck.theory).
"""
from importlib import import_module

_LAZY = {"sweep": "driver", "EXAMPLE": "spec", "load": "spec", "parse": "spec"}
__all__ = sorted(_LAZY)


def __getattr__(name):  # PEP 562
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
