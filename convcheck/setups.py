"""Setup: a problem a theorem is checked on (the built-in ones are in convcheck/families/).

A Setup is an objective, an oracle, a number of runs and steps, and how the runs differ:
``x0="random"`` draws one start per run (deterministic theorems: many worst-case candidates),
``x0="shared"`` starts every run at one point (expectation theorems: the runs are samples of one
random trajectory). ``sweep`` spreads each hyperparameter that a condition bounds above over its
whole admissible range, one value per run, so one batch tests the theorem across its range.
``backend`` names the array namespace the runs use (reference.backend.BACKENDS); starting points are
drawn on the host, so a setup gives NumPy's numbers under any of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from convcheck.reference import oracles


@dataclass
class Setup:
    objective: Any
    oracle: Any = field(default_factory=oracles.Exact)
    runs: int = 64
    steps: int = 2000
    x0: str = "random"  # "random" | "shared"
    sweep: bool = False
    hp: dict = field(default_factory=dict)
    seed: int = 0
    radius: float = 2.0
    eps_ladder: tuple = ()  # accuracies for an empirical order fit of T(eps) (claims without a bound)
    label: str = ""  # tells apart setups on the same objective (e.g. "coupled")
    backend: str = "numpy"

    def __post_init__(self):
        if self.runs < 1 or int(self.runs) != self.runs:
            raise ValueError(f"runs must be a positive integer; got {self.runs!r}")
        if self.steps < 1 or int(self.steps) != self.steps:
            raise ValueError(f"steps must be a positive integer; got {self.steps!r}")
        if self.x0 not in ("random", "shared"):
            raise ValueError(f"x0 must be 'random' or 'shared'; got {self.x0!r}")

    def describe(self) -> str:
        if self.eps_ladder:
            return (f"{self.objective.name}(d={self.objective.d}), {self.oracle.describe()}, order fit over "
                    f"{len(self.eps_ladder)} accuracies x {self.runs} runs from a shared x0, <= {self.steps} steps")
        fixed = ", ".join(f"{k}={v}" for k, v in self.hp.items())
        how = ("lr swept over its range" + (f", {fixed}" if fixed else "")) if self.sweep else \
            fixed or "prescribed hyperparameters"
        name = f"{self.objective.name}(d={self.objective.d}{', ' + self.label if self.label else ''})"
        return (f"{name}, {self.oracle.describe()}, "
                f"{self.runs} runs x {self.steps} steps, {self.x0} x0, {how}")
