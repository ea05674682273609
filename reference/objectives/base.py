"""The objective interface: vectorised over rows, publishing its class and proved constants.

An objective evaluates R points at once: ``value(X)`` has shape (R,) and ``grad(X)`` shape (R, d)
for X of shape (R, d), on whichever backend X lives; ``value_and_grad(X)`` gives both (once, where
they share work). It publishes

* ``function_class``: "L-smooth" or "nonsmooth-tame" (the glossary's names);
* ``constants``: the glossary names it can vouch for, e.g. ``{"L": 7.0, "f_star": 0.0}``.
  ``f_star`` is inf f exactly; ``f_low`` is a proved lower bound when inf f is not known, so
  ``Delta = f(x0) - f_low`` over-estimates f(x0) - f* and bounds stay valid. Each subclass proves
  its constants in its docstring, and tests/test_objectives.py checks them on sampled points;
* for nonsmooth objectives, ``grad`` is a Clarke-subgradient selection and ``subgradient_convention``
  says which one (e.g. "sign(0) = 0");
* for finite sums f = (1/n) sum_i f_i: ``n`` and ``component_grad(X, idx)``, the mean gradient of
  the components ``idx[r, :]`` at row r (used by the minibatch oracle).
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..backend import backend_of, get_backend


class Objective:
    name: str = "objective"
    function_class: str = "L-smooth"
    subgradient_convention: str | None = None
    n: int | None = None  # number of components for finite sums

    def __init__(self, d: int):
        if int(d) != d or d < 1:
            raise ValueError(f"dimension d must be a positive integer; got {d!r}")
        self.d = int(d)
        self._on_device: dict[tuple[str, str], Any] = {}

    # -- to implement -------------------------------------------------------------------------
    @property
    def constants(self) -> dict[str, float]:
        raise NotImplementedError

    def value(self, X):
        raise NotImplementedError

    def grad(self, X):
        raise NotImplementedError

    # -- optional -----------------------------------------------------------------------------
    def value_and_grad(self, X):
        """(value(X), grad(X)). Where the loop needs both at one point it calls this once, so an
        objective whose two share a forward pass (a network loss) overrides it to run that pass once,
        returning the same numbers."""
        return self.value(X), self.grad(X)

    def grad_into(self, X, out):
        """grad(X), written into ``out`` where the objective can (the runner's buffer: the allocation
        contract, reference/buffers.py); returns the gradient array, ``out`` or a fresh one. The default
        is ``grad(X)``; an objective overrides it with the same operations stored into ``out``."""
        return self.grad(X)

    def hvp(self, X, V):
        raise NotImplementedError(f"{self.name} has no Hessian-vector product")

    def component_grad(self, X, idx):
        raise NotImplementedError(f"{self.name} is not a finite sum")

    # -- shared -------------------------------------------------------------------------------
    def param(self, name: str, X):
        """A parameter array (stored as NumPy) on X's backend, copied to the device once."""
        be = backend_of(X)
        key = (be.name, name)
        if key not in self._on_device:
            self._on_device[key] = be.xp.asarray(getattr(self, name))
        return self._on_device[key]

    def rows(self, name: str, X, idx):
        """The rows ``idx[r, b]`` of parameter ``name`` for each run r: shape (R, B, ...), by one gather along
        axis 0 (``xp.take``), the one indexing by an integer array that every array namespace has."""
        check_idx(X, idx)
        xp, P = backend_of(X).xp, self.param(name, X)
        return xp.reshape(xp.take(P, xp.reshape(idx, (-1,)), axis=0), tuple(idx.shape) + tuple(P.shape[1:]))

    def initial_points(self, R: int, seed: int = 0, radius: float = 2.0, backend="numpy"):
        """R starting points drawn uniformly from the box [-radius, radius]^d, seeded."""
        be = get_backend(backend)
        return radius * (2.0 * be.rng(seed).random((R, self.d)) - 1.0)

    @property
    def f_lower(self) -> float:
        """f_star when known, else the proved lower bound f_low."""
        c = self.constants
        return c["f_star"] if "f_star" in c else c["f_low"]

    def describe(self) -> str:
        consts = ", ".join(f"{k}={v:.6g}" for k, v in self.constants.items())
        return f"{self.name} (d={self.d}; {self.function_class}; {consts})"

    def __repr__(self) -> str:
        return self.describe()


def grad_writer(objective, fused=None):
    """``objective.grad_into`` where the class that defines ``grad`` also defines ``grad_into``, else None:
    a subclass or wrapper that overrides ``grad`` alone (a counting or mutated objective) keeps being
    called through its ``grad``. With ``fused`` (the numba kernels a run selected, reference/kernels), the
    objective's compiled writer ``fused_grad_into(fused, X, out)`` where that same class defines one (same bits)."""
    mro = type(objective).__mro__

    def owner(name):
        return next((k for k in mro if name in vars(k)), None)

    defined = owner("grad_into")
    if defined in (None, Objective) or defined is not owner("grad"):
        return None
    if fused is not None and owner("fused_grad_into") is defined:
        return functools.partial(objective.fused_grad_into, fused)
    return objective.grad_into


def check_points(X, d: int):
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"points must have shape (R, {d}); got {tuple(X.shape)}")


def as_numpy_params(**arrays) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}


def check_idx(X, idx):
    """Component indices of a minibatch: one row of B indices per run."""
    if idx.ndim != 2 or idx.shape[0] != X.shape[0]:
        raise ValueError(f"idx must have shape (R, B) = ({X.shape[0]}, B); got {tuple(idx.shape)}")
