"""Optimizers as pure (init, step) pairs with explicit state, in the manner of optax's base.py.

An optimizer never sees the objective. The runner asks it where to query the oracle
(``query(state)``), hands it the oracle's answer ``g`` and the hyperparameters at step ``t``, and
receives the next state. Every state array has shape ``(R, d)``: R independent runs advance in
one vectorised step. Hyperparameters are scalars or ``(R, 1)`` columns (one value per run); the
runner resolves schedules to their value at ``t`` before calling ``step``.

``state["x"]`` is always the iterate whose f and gradient norm are measured.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from ..buffers import pure

State = dict  # name -> (R, d) array; "x" is the measured iterate

# The admissible range of each hyperparameter name (lo, hi, lo included, hi included), checked on the
# values given (a schedule at t = 0): a beta of 1 divides by zero in bias correction, a negative
# shift or decay has no meaning.
DOMAINS = {"lr": (0.0, math.inf, True, False), "beta1": (0.0, 1.0, True, False), "beta2": (0.0, 1.0, True, False),
           "xi": (0.0, math.inf, True, False), "xi_root": (0.0, math.inf, True, False),
           "weight_decay": (0.0, math.inf, True, False), "momentum": (0.0, 1.0, True, False),
           "dampening": (0.0, 1.0, True, True), "clip": (0.0, math.inf, False, False),
           "nu": (0.0, 1.0, True, True),
           # Bayesian filtering (bayes.py): sigma^2 = inf is the no-decay limit; lr_p in (0, 1] keeps F stable
           "prior_var": (0.0, math.inf, False, True), "init_var": (0.0, math.inf, False, False),
           "lr_p": (0.0, 1.0, False, True), "lr_w": (0.0, math.inf, True, False),
           "lr_sgd": (0.0, math.inf, False, False), "weight_drift": (0.0, 1.0, True, False),
           "batch_size": (1.0, math.inf, True, False)}


def check_domains(hp: Mapping[str, Any]) -> None:
    """Raise ValueError naming the first hyperparameter outside its domain (names not in DOMAINS pass)."""
    for k, v in hp.items():
        if k in DOMAINS:
            _check_domain(k, v)


def _check_domain(name: str, value) -> None:
    lo, hi, lo_in, hi_in = DOMAINS[name]
    v = np.asarray(value(0) if callable(value) else value, dtype=float)
    ok = (v >= lo if lo_in else v > lo) & (v <= hi if hi_in else v < hi)
    if not np.all(ok):
        bad = v.flat[int(np.argmin(ok.ravel()))] if v.ndim else float(v)
        interval = f"{'[' if lo_in else '('}{lo:g}, {hi:g}{']' if hi_in else ')'}"
        raise ValueError(f"hyperparameter {name} must lie in {interval}; got {bad:g}")


@dataclass(frozen=True)
class Optimizer:
    """A named, pure optimizer.

    init(x0, hp) -> state;  step(state, g, hp, t) -> state;  query(state, hp) -> point to query.
    ``defaults`` lists the hyperparameters (None = required); ``convention`` records the switches
    in effect, so a trace always says which variant ran. ``takes_norm``: step also accepts
    ``norm``, the (R, 1) column of ||g|| per run, which the runner passes when it has it (it reduces
    ||grad f||^2 for its record anyway), so clipping costs no second reduction over the batch.

    ``step_into(state, g, hp, t, ws)`` (optional; None where an optimizer has none) is the same step
    under the allocation contract (``reference.buffers``): the state is donated, its moment arrays
    updated in place, the next iterate written into the runner's buffer ``ws.x``; it never keeps a
    reference to ``g``. ``step`` is then ``buffers.pure(step_into)``; the runner prefers ``step_into``.
    """

    name: str
    init: Callable[[Any, Mapping], State]
    step: Callable[[State, Any, Mapping, int], State]
    defaults: Mapping[str, Any]
    convention: Mapping[str, Any] = field(default_factory=dict)
    query: Callable[[State, Mapping], Any] = staticmethod(lambda state, hp: state["x"])
    takes_norm: bool = False
    step_into: Callable[..., State] | None = None

    @classmethod
    def in_place(cls, name: str, init, step_into, defaults, convention=None, **kw) -> "Optimizer":
        """An optimizer defined by its in-place step; its pure step is ``pure(step_into)``."""
        return cls(name, init, pure(step_into), defaults, dict(convention or {}), step_into=step_into, **kw)

    def renamed(self, name: str) -> "Optimizer":
        """The same optimizer under another name (sgd is gd: the oracle makes it stochastic)."""
        return replace(self, name=name)

    def hyperparameters(self, hp: Mapping[str, Any] | None = None) -> dict:
        """Fill defaults and reject unknown or missing names, naming them."""
        hp = dict(hp or {})
        unknown = sorted(set(hp) - set(self.defaults))
        if unknown:
            raise ValueError(f"optimizer {self.name!r} has no hyperparameter {unknown[0]!r}; "
                             f"it takes {sorted(self.defaults)}")
        full = {**self.defaults, **hp}
        missing = sorted(k for k, v in full.items() if v is None)
        if missing:
            raise ValueError(f"optimizer {self.name!r} needs hyperparameter {missing[0]!r}")
        check_domains(hp)
        return full

    def describe(self) -> str:
        conv = ", ".join(f"{k}={v}" for k, v in self.convention.items())
        return f"{self.name}({conv})" if conv else self.name
