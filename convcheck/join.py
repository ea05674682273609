"""The join: one theorem on one problem, as numbers.

``Join.of(thm, objective, oracle, f0)`` takes the theorem's constants from what the objective and the
oracle publish (Delta and M measured from the starts' values f0), ``with_hyperparameters`` adds the
step sizes and the rest (given, swept over their admissible range, or prescribed), and every
condition and bound of the theorem then evaluates vectorised over the runs, each formula compiled
once (theory.numeric.compile_expr caches by expression). check, compare and the testing helpers
all build their numbers here. A Join is immutable: each step returns a new one, and no mapping a
caller passes in is changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import sympy as sp

from convcheck.theory.evaluate import condition_margin
from convcheck.theory.model import Theorem
from convcheck.theory.numeric import compile_expr

from .verdicts import RTOL, DoesNotApply


def mentions_eps(expr) -> bool:
    return any(sym.name == "eps" for sym in sp.sympify(expr).free_symbols)


def upper_bound_of(thm: Theorem, name: str):
    """The bound B in a condition 'name < B' (or <=), if any."""
    for c in thm.conditions:
        r = c.relation
        if r.lhs.name == name and isinstance(r, (sp.StrictLessThan, sp.LessThan)):
            return r.rhs
    return None


def final_T(thm: Theorem, steps: int) -> int:
    """The horizon T of the measure at the last iterate x_steps (see glossary.MEASURES)."""
    through = thm.rate is not None and thm.rate.measure in ("min_grad_sq_through_T", "gap_last_iterate")
    return steps if through else steps + 1


# a class that refines a base class by a property the objective vouches for by publishing its (proved) constant
REFINED_CLASSES = {"L-smooth PL": ("L-smooth", "mu")}


def class_mismatch(objective, function_class: str) -> str:
    """Why ``objective`` is not known to be in ``function_class`` ("" when it is)."""
    if objective.function_class == function_class:
        return ""
    base, constant = REFINED_CLASSES.get(function_class, (None, None))
    if objective.function_class == base:
        return "" if constant in objective.constants else \
            f"{objective.name} publishes no {constant}, so it is not known to be {function_class}"
    return f"{objective.name} is {objective.function_class}"


def published_constants(thm: Theorem, objective, oracle, f0: np.ndarray) -> dict:
    """The theorem's constants on this problem; DoesNotApply names the assumption that fails or the
    constant nobody publishes."""
    mismatch = class_mismatch(objective, thm.function_class)
    if mismatch:
        raise DoesNotApply(f"{mismatch}; {thm.id} assumes {thm.function_class}")
    if thm.oracle == "exact" and oracle.stochastic:
        raise DoesNotApply(f"{thm.id} assumes an exact oracle; got {oracle.describe()}")
    published = {**objective.constants, **oracle.constants(objective)}
    if thm.oracle == "bounded" and oracle.stochastic and "G" not in oracle.constants(objective):
        raise DoesNotApply(f"{thm.id} assumes almost-surely bounded oracle answers; {oracle.describe()} has none")
    env = {}
    for q in thm.constants:
        if q.name == "Delta":
            if "f_star" not in published and "f_low" not in published:
                raise DoesNotApply(f"{objective.name} is not known to be bounded below (no f_star or f_low)")
            env["Delta"] = f0 - objective.f_lower
        elif q.name == "M":  # depends on the start: sup ||grad f|| on {f <= f(x0)}
            if not hasattr(objective, "grad_norm_sup"):
                raise DoesNotApply(f"{objective.name} publishes no M ({q.meaning})")
            env["M"] = objective.grad_norm_sup(f0)
        elif q.name in published:
            env[q.name] = published[q.name]
        else:
            raise DoesNotApply(f"{objective.name} with {oracle.describe()} publishes no {q.name} ({q.meaning})")
    return env


@dataclass(frozen=True)
class Join:
    """Theorem ``thm`` with ``env``: each constant, hyperparameter and (when a prescription or a
    condition needs it) the accuracy eps, as a scalar or a per-run array of shape (runs,)."""
    thm: Theorem
    env: Mapping[str, Any] = field(default_factory=dict)
    runs: int = 1

    @classmethod
    def of(cls, thm: Theorem, objective, oracle, f0) -> Join:
        f0 = np.atleast_1d(np.asarray(f0, float))
        return cls(thm, published_constants(thm, objective, oracle, f0), f0.shape[0])

    def value(self, expr, **extra) -> np.ndarray:
        """expr evaluated on env (and ``extra``, e.g. T or eps), broadcast as NumPy broadcasts."""
        return compile_expr(sp.sympify(expr))[0]({**self.env, **extra})

    def per_run(self, expr, **extra) -> np.ndarray:
        return np.broadcast_to(self.value(expr, **extra), (self.runs,))

    def given(self, **values) -> Join:
        return Join(self.thm, {**self.env, **values}, self.runs)

    def eps_for_horizon(self, steps: int) -> np.ndarray:
        """Per run, the smallest accuracy eps whose complexity T(eps) fits in ``steps`` (T decreases in eps)."""
        if self.thm.complexity is None:
            raise DoesNotApply(f"{self.thm.id} prescribes its hyperparameters in terms of eps and has no T(eps): "
                               f"give them (--set) or an eps ladder for an order fit")
        lo, hi = np.full(self.runs, -8.0), np.full(self.runs, 8.0)  # log10 eps, bisected per run
        for _ in range(60):
            mid = (lo + hi) / 2
            late = self.per_run(self.thm.complexity.expr, eps=10.0 ** mid) > steps
            lo, hi = np.where(late, mid, lo), np.where(late, hi, mid)
        return 10.0 ** hi

    def eps_within(self, steps: int) -> float:
        """One accuracy whose T(eps) fits in ``steps`` for every run."""
        return float(np.max(self.eps_for_horizon(steps)))

    def with_hyperparameters(self, given: Mapping[str, Any], steps: int, sweep: bool = False) -> Join:
        """Each hyperparameter from ``given``, else (``sweep``) spread over its admissible range, one
        value per run, else prescribed.

        A prescription in terms of eps (a regime, e.g. beta2 -> 1 as eps -> 0) is taken at the smallest
        eps whose T(eps) fits in the run, which is then kept in env["eps"] for the complexity check.
        """
        j = self
        for q in self.thm.hyperparameters:
            if q.name in given:
                value = np.broadcast_to(np.asarray(given[q.name], dtype=float), (self.runs,)).copy()
            elif sweep and upper_bound_of(self.thm, q.name) is not None:
                value = j.per_run(upper_bound_of(self.thm, q.name)) * np.linspace(0.02, 0.98, self.runs)
            elif q.name in self.thm.prescription:
                formula = self.thm.prescription[q.name].expr
                if mentions_eps(formula) and "eps" not in j.env:
                    j = j.given(eps=j.eps_within(steps))
                value = j.per_run(formula, T=final_T(self.thm, steps)).copy()
            else:
                raise DoesNotApply(f"no value for hyperparameter {q.name} and no prescription")
            j = j.given(**{q.name: value})
        return j

    def margin(self, relation) -> tuple[np.ndarray, bool]:
        """Per run, how far ``relation`` is from failing (>= 0, or > 0 when strict, where it holds)."""
        margin, strict = condition_margin(relation)
        return self.per_run(margin), strict

    def conditions(self) -> tuple[np.ndarray, list[str]]:
        """Per-run mask of runs meeting every condition, and the failed conditions' messages. A
        condition on the accuracy eps waits for the complexity check unless eps is already set."""
        ok = np.ones(self.runs, bool)
        messages = []
        for c in self.thm.conditions:
            if mentions_eps(c.relation) and "eps" not in self.env:
                continue
            m, strict = self.margin(c.relation)
            good = (m > 0) if strict else (m >= 0)
            if not good.all():
                r = int(np.argmin(good))
                value = self.per_run(c.symbol)[r]
                bound = self.per_run(c.relation.rhs)[r]
                messages.append(f"{c} fails for {int((~good).sum())} of {good.size} runs "
                                f"(run {r}: {c.symbol.name} = {value:.6g}, bound = {bound:.6g})")
            ok &= good
        return ok, messages

    def meets_eps_conditions(self) -> np.ndarray:
        """Runs for which the conditions on the accuracy eps (e.g. eps above a momentum floor) hold,
        to float tolerance relative to the margins' scale."""
        ok = np.ones(self.runs, bool)
        for c in self.thm.conditions:
            if mentions_eps(c.relation):
                m, strict = self.margin(c.relation)
                ok &= (m > 0) if strict else (m >= -RTOL * np.abs(m).max())
        return ok

    def meets(self, conditions) -> np.ndarray:
        """Per-run mask of ``conditions`` (a one-step inequality's own) holding, to RTOL."""
        ok = np.ones(self.runs, bool)
        for c in conditions:
            m, strict = self.margin(c.relation)
            ok &= (m > 0) if strict else (m >= -RTOL)
        return ok

    def select(self, keep: np.ndarray) -> Join:
        """The runs where ``keep`` holds."""
        env = {k: (np.asarray(v)[keep] if np.ndim(v) else v) for k, v in self.env.items()}
        return Join(self.thm, env, int(np.sum(keep)))
