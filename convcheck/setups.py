"""The problems a theorem is checked on by default, and how a user describes their own.

A Setup is an objective, an oracle, a number of runs and steps, and how the runs differ:
``x0="random"`` draws one start per run (deterministic theorems: many worst-case candidates),
``x0="shared"`` starts every run at one point (expectation theorems: the runs are samples of one
random trajectory). ``sweep`` spreads each hyperparameter that a condition bounds above over its
whole admissible range, one value per run, so one batch tests the theorem across its range.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from convcheck.reference import objectives, oracles


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


def _smooth_problems():
    return [objectives.get("sin_squared", d=10, a=3.0), objectives.get("cosine_sum", d=10, m=20, seed=0),
            objectives.get("logistic", n=40, d=10, seed=0)]


def default_setups(theorem_id: str) -> list[Setup]:
    """The built-in problems for each theorem id (small enough for `convcheck check` in seconds)."""
    if theorem_id in ("gd.smooth", "gd.smooth.pep"):
        return [Setup(obj, runs=64, steps=2000, sweep=True) for obj in _smooth_problems()]
    if theorem_id == "sgd.smooth":
        return [Setup(objectives.get("sin_squared", d=10, a=3.0), oracles.Gaussian(1.0), runs=2000, steps=1000,
                      x0="shared"),
                Setup(objectives.get("logistic", n=40, d=10, seed=0), oracles.Minibatch(1), runs=1000, steps=1000,
                      x0="shared")]
    if theorem_id in ("rmsprop.det", "adam.det"):
        # each problem with a large and a small shift xi; Adam with light and moderate momentum (at
        # beta1 = 0.9 the momentum floor exceeds max ||grad f||^2 for most admissible lr: vacuous)
        beta1 = [{"beta1": 0.1}, {"beta1": 0.5}] if theorem_id == "adam.det" else [{}]
        return [Setup(obj, runs=64, steps=2000, sweep=True, hp={"xi": xi, "beta2": beta2, **b1}, label=label)
                for (label, obj), (xi, beta2) in zip(_bounded_gradient_problems(), ((0.5, 0.9), (0.2, 0.999)))
                for b1 in beta1]
    if theorem_id == "rmsprop.stoch":
        return [Setup(objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0), oracles.BoundedNoise(0.5), runs=128,
                      steps=10000, x0="shared", hp={"xi": 1.0})]
    if theorem_id == "adam.stoch":
        return [Setup(objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0), oracles.Gaussian(1.0), runs=32,
                      steps=12000, hp={"xi": 1e-8, "beta1": 0.9, "beta2": 0.999},
                      eps_ladder=(0.8, 0.56, 0.4, 0.28))]
    if theorem_id in ("clipped_gd.l0l1", "normalized_gd.l0l1", "gd.l0l1.upper", "clip_momentum.l0l1"):
        # the card's objectives A, B, C (section 10): exponential, quartic and Mexican-hat growth
        hp = {"beta1": 0.0, "nu": 0.7} if theorem_id == "clip_momentum.l0l1" else {}
        return [Setup(objectives.get(name), runs=64, steps=2000, sweep=True, radius=radius, hp=hp)
                for name, radius in (("cosh", 5.0), ("quartic", 5.0), ("mexican_hat", 3.0))]
    if theorem_id == "clipped_sgd.l0l1":
        return [Setup(objectives.get(name), oracles.BoundedNoise(0.5), runs=256, steps=2000, x0="shared",
                      radius=radius) for name, radius in (("cosh", 3.0), ("quartic", 3.0), ("mexican_hat", 2.0))]
    if theorem_id == "rmsprop.l0l1_affine":
        # xi_root = D0: with v_0 = 0 and no bias correction a tiny shift makes the early steps AdaGrad's
        return [Setup(objectives.get("coordinatewise_l0l1"), oracles.AffineVariance(0.5, 1.0), runs=32, steps=2000,
                      hp={"xi_root": 1.0}, eps_ladder=(1.6, 1.13, 0.8, 0.56)),
                Setup(_coordinatewise_l1_2(), oracles.AffineVariance(2.0, 1.0), runs=32, steps=5500, radius=1.5,
                      hp={"xi_root": 1.0}, eps_ladder=(1.6, 1.13, 0.8, 0.56), label="L1=2")]
    if theorem_id == "adam.l0l1_affine":
        # the ladder stops at 1.6: there the prescribed beta2 = 0.841 > beta1^2 = 0.81
        return [Setup(objectives.get("coordinatewise_l0l1"), oracles.AffineVariance(2.0, 1.0), runs=128, steps=4000,
                      hp={"xi_root": 1.0, "xi": 0.0, "beta1": 0.9}, eps_ladder=(1.6, 1.13, 0.8))]
    return []


def _coordinatewise_l1_2():
    return objectives.get("coordinatewise_l0l1", kinds=("cosh", "exp", "quartic", "double_well") * 2,
                          a=(2, 2, 2, 2, 1, 1, 1, 1))


def _bounded_gradient_problems():
    return [("separable, kappa=10", objectives.get("logcosh_sin", d=10, kappa=10.0, seed=0)),
            ("kappa=10, m=8 cosine couplings", objectives.get("logcosh_sin", d=10, kappa=10.0, seed=1, m=8))]
