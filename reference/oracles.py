"""Gradient oracles: what the optimizer is handed in place of grad f(x).

Each oracle states its noise constants under the glossary's names (``sigma``: E||g - grad f||^2
<= sigma^2, with E[g] = grad f). The runner computes the true gradient at the query point anyway
(it measures ||grad f||^2), so oracles receive it and add noise; the minibatch oracle instead
averages component gradients (``needs_grad = False``: a run that does not measure ||grad f|| then
never evaluates the full gradient, and the oracle receives ``grad=None``); the bounded oracle's noise is almost surely at most ``tau`` (it
publishes "tau" for the "bounded_noise" assumption, and "sigma" too); the affine-variance oracle
publishes D0, D1 (E g_i^2 <= D0 + D1 (d_i f)^2) and no sigma, its variance being unbounded.

Oracles draw their noise from ``rng`` with batch-first sizes ``(R, ...)``: the batch's Generator, or
``streams.SeedStreams`` when the runs have seeds of their own (common random numbers across settings).
"""
from __future__ import annotations

import math

from convcheck.registry import Registry

from .backend import backend_of, cumulative_sum, row_dot
from .objectives._checks import nonneg_float
from .scaling import svag_weights


class Oracle:
    name = "oracle"
    stochastic = True
    needs_grad = True  # whether __call__ uses its ``grad`` argument, the true gradient at X

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
    needs_grad = False

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


class BoundedNoise(Oracle):
    """g = grad f(x) + tau u with u uniform in the unit Euclidean ball of R^d, fresh each call
    (u = U^(1/d) z / ||z||: z ~ N(0, I_d) gives a uniform direction, U ~ U[0, 1] the radius, since
    P(||u|| <= r) = r^d is the ball's volume fraction).

    Unbiased (u and -u are equally likely), ||g - grad f||_2 = tau ||u|| <= tau almost surely, and
    E||g - grad f||^2 = tau^2 E[U^(2/d)] = tau^2 d/(d + 2) exactly. So sigma = tau sqrt(d/(d + 2))
    (tight), and the answers inherit the objective's gradient bounds: ||g||_inf <= ||grad f||_inf
    + ||tau u||_inf <= G + tau (as ||u||_inf <= ||u||_2 <= 1), ||g||_2 <= G2 + tau. ``constants``
    publishes G and G2 only when the objective does. Given no objective (no d), sigma = tau, the
    dimension-free bound.
    """

    name = "bounded"

    def __init__(self, tau: float):
        if not tau >= 0 or not math.isfinite(tau):
            raise ValueError(f"noise radius tau must be a finite number >= 0; got {tau}")
        self.tau = float(tau)

    def constants(self, objective):
        if objective is None:
            return {"sigma": self.tau, "tau": self.tau}
        d = objective.d
        out = {"sigma": self.tau * math.sqrt(d / (d + 2)), "tau": self.tau}
        c = objective.constants
        for name in ("G", "G2"):
            if name in c:
                out[name] = c[name] + self.tau
        return out

    def __call__(self, objective, X, grad, rng, t):
        xp = backend_of(X).xp
        Z = rng.standard_normal(X.shape)
        norm = xp.sqrt(row_dot(xp, Z, Z))[:, None]
        radius = rng.random((X.shape[0], 1)) ** (1.0 / X.shape[1])
        return grad + (self.tau * radius / xp.where(norm > 0, norm, 1.0)) * Z

    def describe(self):
        return f"bounded(tau={self.tau:g})"


class AffineVariance(Oracle):
    """g_i = d_i f(x) (1 + s xi_i) + sigma zeta_i with xi, zeta ~ N(0, I_d) independent, fresh each call
    (generalized-smoothness card section 9, [D]).

    Unbiased (E xi = E zeta = 0), and per coordinate, exactly,
    Var(g_i) = s^2 (d_i f)^2 + sigma^2 and E g_i^2 = (1 + s^2)(d_i f)^2 + sigma^2,
    so the affine second-moment bound E g_i^2 <= D0 + D1 (d_i f)^2 holds with equality for
    D0 = sigma^2, D1 = 1 + s^2 (card test vector: s = 0.5, sigma = 0.1 give D0 = 0.01, D1 = 1.25).
    The total variance E||g - grad f||^2 = s^2 ||grad f||^2 + d sigma^2 is *not* bounded when s > 0 and
    ||grad f|| is unbounded, so no "sigma" (bounded variance) is published: bounded-variance theorems
    must not apply. (The attribute ``sigma`` is this oracle's additive level, not the glossary's.)
    """

    name = "affine_variance"

    def __init__(self, s: float, sigma: float):
        self.s = nonneg_float(s, "s")
        self.sigma = nonneg_float(sigma, "sigma")

    def constants(self, objective):
        return {"D0": self.sigma**2, "D1": 1.0 + self.s**2}

    def __call__(self, objective, X, grad, rng, t):
        xi = rng.standard_normal(X.shape)
        zeta = rng.standard_normal(X.shape)
        return grad * (1.0 + self.s * xi) + self.sigma * zeta

    def describe(self):
        return f"affine_variance(s={self.s:g}, sigma={self.sigma:g})"


class SVAG(Oracle):
    """Adaptive SVAG (Malladi et al.'s official code, Adaptive-SDE/cifar_main.py): each step draws two
    independent minibatch gradients g1, g2 and answers g = r1 g1 + r2 g2, r_{1,2} = (1 +- sqrt(2 ell^2 - 1))/2.

    As r1 + r2 = 1 the mean is the base oracle's; as r1^2 + r2^2 = ell^2 the noise covariance is ell^2 times
    the base's, so sigma = ell sigma_base (theory/sde/svag.py certifies both). Run it with
    ``reference.scaling.svag_map(hp, ell)`` (lr/ell, 1 - (1 - beta)/ell^2, xi ell) for ell^2 times the steps.
    ``SVAG(ell, batch_size)`` draws from ``Minibatch(batch_size)`` (the code's form, a finite-sum objective);
    ``SVAG.over(base, ell)`` from any stochastic oracle (e.g. Gaussian per-sample noise).
    """

    name = "svag"

    def __init__(self, ell: float, batch_size: int = 1):
        self._set(Minibatch(batch_size), ell)

    @classmethod
    def over(cls, base: Oracle, ell: float) -> "SVAG":
        self = cls.__new__(cls)
        self._set(base, ell)
        return self

    def _set(self, base: Oracle, ell: float):
        self.r1, self.r2 = svag_weights(ell)
        self.ell, self.base = float(ell), base
        self.needs_grad = base.needs_grad

    def constants(self, objective):
        c = self.base.constants(objective)
        return {"sigma": self.ell * c["sigma"]} if "sigma" in c else {}

    def __call__(self, objective, X, grad, rng, t):
        first = self.base(objective, X, grad, rng, t)  # the two draws are consecutive, hence independent
        return self.r1 * first + self.r2 * self.base(objective, X, grad, rng, t)

    def describe(self):
        return f"svag(ell={self.ell:g}, {self.base.describe()})"


class ImportanceSampled(Oracle):
    """g = (1/b) sum_{j<b} grad f_{i_j}(x)/(N p_{i_j}), i_j drawn i.i.d. from p with replacement (Lahire 2023's
    setting; the scheme formulas are the standard ones, card inna_bayes_importance_sampling.md section 3 [derived]).

    Unbiased for F = (1/N) sum_i f_i whenever p_i > 0 wherever grad f_i != 0, with trace variance
    (1/b) [(1/N^2) sum_i ||grad f_i||^2/p_i - ||grad F||^2] (theorem sgd.is.variance). Schemes, recomputed at
    every query point from all N components (the oracle p, so one call costs N component gradients):

    * ``uniform``: p_i = 1/N (this is the minibatch oracle);
    * ``gradient_norm``: p_i proportional to ||grad f_i(x)||, the variance-optimal p* (uniform if all vanish);
    * ``loss``: p_i proportional to f_i(x) (needs f_i >= 0; uniform if all vanish);
    * ``mix`` in [0, 1] smooths any scheme towards uniform, p = (1 - mix) p_scheme + mix/N, which caps the
      weights 1/(N p_i) at 1/mix.

    A draw with p_i = 0 never happens, so a zero weight is never divided by. The indices come from ``rng``,
    one row of b draws per run (inverse-CDF sampling on uniform variates).
    """

    name = "importance"
    needs_grad = False
    SCHEMES = ("uniform", "gradient_norm", "loss")

    def __init__(self, batch_size: int = 1, scheme: str = "gradient_norm", mix: float = 0.0):
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        if scheme not in self.SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(self.SCHEMES)}; got {scheme!r}")
        if not 0.0 <= mix <= 1.0:
            raise ValueError(f"mix must lie in [0, 1]; got {mix!r}")
        self.batch_size, self.scheme, self.mix = int(batch_size), scheme, float(mix)

    def component_gradients(self, objective, X):
        """(R, N, d): grad f_i(x_r) for every component i, in one call on the rows repeated N times."""
        xp = backend_of(X).xp
        R, n = X.shape[0], objective.n
        idx = xp.tile(xp.arange(n), (R,))[:, None]
        return xp.reshape(objective.component_grad(xp.repeat(X, n, axis=0), idx), (R, n, X.shape[1]))

    def probabilities(self, objective, X, G=None):
        """(R, N): the scheme's p at each row (G: the component gradients, when already computed)."""
        xp = backend_of(X).xp
        R, n = X.shape[0], objective.n
        if self.scheme == "uniform":
            w = xp.ones((R, n))
        elif self.scheme == "gradient_norm":
            G = self.component_gradients(objective, X) if G is None else G
            w = xp.sqrt(xp.sum(G * G, axis=2))
        else:
            idx = xp.tile(xp.arange(n), (R,))[:, None]
            w = xp.reshape(objective.component_value(xp.repeat(X, n, axis=0), idx), (R, n))
            if bool(xp.any(w < 0)):
                raise ValueError(f"the loss scheme needs nonnegative component losses; {objective.name} has one < 0")
        total = xp.sum(w, axis=1, keepdims=True)
        p = xp.where(total > 0, w / xp.where(total > 0, total, 1.0), 1.0 / n)
        return (1.0 - self.mix) * p + self.mix / n

    def constants(self, objective):
        """sigma^2 >= sup_x of the variance formula, from bounds G_i >= sup ||grad f_i|| when the objective publishes
        them (``component_grad_bounds``); dropping -||grad F||^2, and with p_i >= mix/N under any mix:
        uniform (1/b) mean G_i^2; gradient_norm, as p_i >= (1 - mix) n_i/sum n: (1/b) (mean G_i)^2/(1 - mix);
        loss: only through the mix, (1/b) mean G_i^2/mix. None is published for an unmixed loss scheme."""
        if objective.n is None:
            raise ValueError(f"importance oracle needs a finite-sum objective; {objective.name} is not one")
        G = getattr(objective, "component_grad_bounds", None)
        if G is None:
            return {}
        mean_sq, sq_mean = float((G * G).mean()), float(G.mean()) ** 2
        candidates = [mean_sq] if self.scheme == "uniform" else []
        if self.scheme == "gradient_norm" and self.mix < 1:
            candidates.append(sq_mean / (1.0 - self.mix))
        if self.mix > 0:
            candidates.append(mean_sq / self.mix)
        return {"sigma": math.sqrt(min(candidates) / self.batch_size)} if candidates else {}

    def __call__(self, objective, X, grad, rng, t):
        if objective.n is None:
            raise ValueError(f"importance oracle needs a finite-sum objective; {objective.name} is not one")
        xp = backend_of(X).xp
        G = self.component_gradients(objective, X)
        p = self.probabilities(objective, X, G)
        cdf = cumulative_sum(xp, p, axis=1)
        u = xp.asarray(rng.random((X.shape[0], self.batch_size))) * cdf[:, -1:]
        below = xp.astype(u[:, :, None] >= cdf[:, None, :], xp.int64)
        idx = xp.minimum(xp.sum(below, axis=2), objective.n - 1)                              # (R, b)
        weights = 1.0 / (objective.n * xp.take_along_axis(p, idx, axis=1))                  # (R, b)
        return (weights[:, None, :] @ xp.take_along_axis(G, idx[:, :, None], axis=1))[:, 0, :] / self.batch_size

    def describe(self):
        mixed = f", mix={self.mix:g}" if self.mix else ""
        return f"importance(b={self.batch_size}, {self.scheme}{mixed})"


ORACLES: Registry = Registry("oracle")  # name -> class (its constructor takes the oracle's parameters)
for _cls in (Exact, Gaussian, Minibatch, BoundedNoise, AffineVariance, SVAG, ImportanceSampled):
    ORACLES.register(_cls.name, _cls)
NAMES = ORACLES.names()


def get(name: str, **kw) -> Oracle:
    return ORACLES.get(name)(**kw)
