"""Step-size schedules as first-class values.

A schedule is a value ``s`` with ``s(t)`` the hyperparameter at step t = 0, 1, 2, ... It can stand
wherever a hyperparameter does (``hp={"lr": power(0.1, 0.5)}``). Its base value (and a power
schedule's exponent) may be a scalar or an ``(R, 1)`` column of per-run values; ``s(t)`` then has
that shape.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Schedule:
    name: str
    fn: Callable[[int], Any] = field(repr=False)
    params: dict = field(default_factory=dict)

    def __call__(self, t: int):
        return self.fn(t)

    def multiplier(self, t: int):
        """eta_t = s(t) / s(0), the schedule multiplier some conventions scale decay by."""
        return self.fn(t) / self.fn(0)


def constant(value) -> Schedule:
    """s(t) = value."""
    return Schedule("constant", lambda t: value, {"value": value})


def power(value, q) -> Schedule:
    """s(t) = value * (t + 1)^(-q)  (q = 1/2 is the classical 1/sqrt(t) step). q, like value, may be an
    (R, 1) column: one exponent per run (q = 0 gives a constant step)."""
    if not np.all(np.asarray(q, dtype=float) >= 0):  # NaN fails too
        raise ValueError(f"power schedule exponent q must be >= 0; got {q}")
    return Schedule("power", lambda t: value * (t + 1.0) ** (-q), {"value": value, "q": q})


def step_decay(value, factor: float, every: int) -> Schedule:
    """s(t) = value * factor^floor(t / every)."""
    if every < 1:
        raise ValueError(f"step_decay 'every' must be >= 1; got {every}")
    return Schedule("step_decay", lambda t: value * factor ** (t // every),
                    {"value": value, "factor": factor, "every": every})


def cosine(value, total: int, floor: float = 0.0) -> Schedule:
    """s(t) = floor + (value - floor) (1 + cos(pi min(t, total)/total)) / 2."""
    if total < 1:
        raise ValueError(f"cosine 'total' must be >= 1; got {total}")
    return Schedule("cosine",
                    lambda t: floor + (value - floor) * 0.5 * (1 + math.cos(math.pi * min(t, total) / total)),
                    {"value": value, "total": total, "floor": floor})


def at(value, t: int):
    """The value of a hyperparameter at step t, whether it is a schedule or a plain value."""
    return value(t) if isinstance(value, Schedule) else value
