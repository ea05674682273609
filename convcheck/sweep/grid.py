"""The plain data a worker needs to run a chunk: a setup (one point of the grid) and a chunk of its seeds.

Kept apart from spec.py, which checks theorem ids against convcheck.theory: a worker imports this
module and the reference alone, never SymPy.
"""
from __future__ import annotations

from dataclasses import dataclass

from convcheck.reference import objectives, optimizers, oracles


@dataclass(frozen=True)
class SetupSpec:
    """One point of the grid: what a chunk needs to rebuild the problem (plain data, picklable)."""
    index: int
    objective: tuple  # (name, ((param, value), ...))
    oracle: tuple
    optimizer: str
    convention: tuple  # ((name, value), ...) passed to the optimizer's factory
    hp: tuple  # ((name, float), ...)

    def build(self):
        """(objective, oracle, optimizer) objects."""
        return (objectives.get(self.objective[0], **dict(self.objective[1])),
                oracles.get(self.oracle[0], **dict(self.oracle[1])),
                optimizers.get(self.optimizer, **dict(self.convention)))

    def label(self) -> str:
        hp = ", ".join(f"{k}={v:g}" for k, v in self.hp)
        conv = "".join(f", {k}={v}" for k, v in self.convention)
        params = ", ".join(f"{k}={v}" for k, v in self.objective[1])
        noise = ", ".join(f"{k}={v}" for k, v in self.oracle[1])
        return (f"{self.optimizer}({hp}{conv}) on {self.objective[0]}({params}), "
                f"{self.oracle[0]}" + (f"({noise})" if noise else ""))


@dataclass(frozen=True)
class Chunk:
    """A setup and a slice of its seeds: one reference.run call."""
    id: str
    setup: SetupSpec
    first_run: int  # index in the setup's runs of this chunk's first seed
    seeds: tuple
    steps: int
    record: tuple  # iterate indices recorded
    seed: int
    radius: float
    x0: str
