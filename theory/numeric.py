"""Compile SymPy expressions to vectorised NumPy functions of named arrays (lambdify).

Min/Max become elementwise np.minimum/np.maximum so scalars and per-run columns broadcast;
ceiling becomes np.ceil. The compiled function takes a mapping name -> scalar or array.
"""
from __future__ import annotations

from functools import lru_cache, reduce
from typing import Callable, Mapping

import numpy as np
import sympy as sp

_MODULES = [{"Min": lambda *a: reduce(np.minimum, a), "Max": lambda *a: reduce(np.maximum, a),
             "ceiling": np.ceil}, "numpy"]


class _Printer(sp.printing.numpy.NumPyPrinter):
    def _print_Min(self, e):
        return "Min(" + ", ".join(self._print(a) for a in e.args) + ")"

    def _print_Max(self, e):
        return "Max(" + ", ".join(self._print(a) for a in e.args) + ")"


@lru_cache(maxsize=4096)  # one lambdify per distinct expression: checks and sweeps reuse the same bounds
def compile_expr(expr: sp.Expr) -> tuple[Callable[[Mapping[str, object]], np.ndarray], tuple[str, ...]]:
    """(fn, names): fn(env) evaluates expr with env[name] for each free symbol's name."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    fn = sp.lambdify(syms, expr, modules=_MODULES, printer=_Printer)
    names = tuple(s.name for s in syms)

    def call(env: Mapping[str, object]):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(fn(*[env[n] for n in names]), dtype=float)

    return call, names
