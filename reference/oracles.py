"""Gradient oracles: what the optimizer is handed in place of grad f(x).

Each oracle states its noise constants under the glossary's names (``sigma``: E||g - grad f||^2
<= sigma^2, with E[g] = grad f). The runner computes the true gradient at the query point anyway
(it measures ||grad f||^2), so oracles receive it and add noise; the minibatch oracle instead
averages component gradients.
"""
from __future__ import annotations

import math



class Oracle:
    name = "oracle"
    stochastic = True

    def constants(self, objective) -> dict[str, float]:
        return {}

    def __call__(self, objective, X, grad, rng, t: int):
        raise NotImplementedError

    def describe(self) -> str:
        return self.name


class Exact(Oracle):
    """g = grad f(x)."""

    name = "exact"
    stochastic = False

    def constants(self, objective):
        return {"sigma": 0.0}

    def __call__(self, objective, X, grad, rng, t):
        return grad


class Gaussian(Oracle):
    """g = grad f(x) + (sigma / sqrt(d)) xi with xi ~ N(0, I_d) fresh each call.

    Unbiased, and E||g - grad f||^2 = sigma^2 exactly (the bounded-variance assumption, tight).
    """

    name = "gaussian"

    def __init__(self, sigma: float):
        if not sigma >= 0 or not math.isfinite(sigma):
            raise ValueError(f"noise level sigma must be a finite number >= 0; got {sigma}")
        self.sigma = float(sigma)

    def constants(self, objective):
        return {"sigma": self.sigma}

    def __call__(self, objective, X, grad, rng, t):
        return grad + (self.sigma / math.sqrt(X.shape[1])) * rng.standard_normal(X.shape)

    def describe(self):
        return f"gaussian(sigma={self.sigma:g})"


class Minibatch(Oracle):
    """g = (1/B) sum_{j<B} grad f_{i_j}(x), with i_j drawn uniformly with replacement.

    Unbiased for f = (1/n) sum_i f_i. Its variance is V(x)/B with V(x) = (1/n) sum_i
    ||grad f_i(x) - grad f(x)||^2, so sigma^2 = component_variance / B where the objective proves
    component_variance >= sup_x V(x).
    """

    name = "minibatch"

    def __init__(self, batch_size: int):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        self.batch_size = int(batch_size)

    def constants(self, objective):
        c = objective.constants
        if objective.n is None:
            raise ValueError(f"minibatch oracle needs a finite-sum objective; {objective.name} is not one")
        if "component_variance" not in c:
            return {}
        return {"sigma": math.sqrt(c["component_variance"] / self.batch_size)}

    def __call__(self, objective, X, grad, rng, t):
        if objective.n is None:
            raise ValueError(f"minibatch oracle needs a finite-sum objective; {objective.name} is not one")
        idx = rng.integers(0, objective.n, size=(X.shape[0], self.batch_size))
        return objective.component_grad(X, idx)

    def describe(self):
        return f"minibatch(B={self.batch_size})"


def get(name: str, **kw) -> Oracle:
    table = {"exact": Exact, "gaussian": Gaussian, "minibatch": Minibatch}
    if name not in table:
        raise ValueError(f"unknown oracle {name!r}; known: {', '.join(table)}")
    return table[name](**kw)
