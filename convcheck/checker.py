"""check(theorem, setup): run the reference under a theorem's assumptions and judge every guarantee.

For each setup it (a) checks the one-step inequality at every step of every run (a monitor inside
the batched loop), (b) the rate at every recorded T, (c) the complexity: runs reach the accuracy
eps within T(eps) (hitting times), and reports the tightness ratio empirical / bound. Bounds in
expectation are judged on the mean over runs with a one-sided normal confidence bound at a printed
level: ``violated`` when even the lower confidence bound exceeds the bound, ``inconclusive`` when
only the upper one does.

Verdicts: holds, violated (with run, step and numbers), does not apply (naming the condition),
diverged (with run and step), inconclusive. The worst part decides a setup's verdict.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Sequence

import numpy as np
import sympy as sp

from convcheck import theory
from convcheck.reference import optimizers, run
from convcheck.reference.optimizers.base import check_domains
from convcheck.theory.evaluate import condition_margin
from convcheck.theory.numeric import compile_expr

from . import orders, properties
from .setups import Setup, default_setups

VERDICTS = ("holds", "inconclusive", "does not apply", "diverged", "violated")
RTOL = 1e-10  # float64 slack on inequalities between computed values (stated in every report)


@dataclass
class Part:
    name: str
    verdict: str
    detail: str
    tightness: float | None = None  # max over runs/records of empirical / bound (<= 1 when it holds)
    worst: dict | None = None

    def to_dict(self):
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SetupReport:
    setup: str
    verdict: str
    parts: list[Part] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def tightness(self) -> float | None:
        t = [p.tightness for p in self.parts if p.tightness is not None and p.name.startswith("rate")]
        return max(t) if t else None

    def to_dict(self):
        return {"setup": self.setup, "verdict": self.verdict, "tightness": self.tightness,
                "seconds": round(self.seconds, 3), "note": self.note, "parts": [p.to_dict() for p in self.parts]}


@dataclass
class CheckReport:
    theorem: str
    verdict: str
    setups: list[SetupReport]
    certificate: str | None = None
    certificate_ok: bool | None = None      # None: not certified in this check

    @property
    def passed(self) -> bool:
        """What the exit code reports: no verdict against the theorem and no failed certificate."""
        return self.verdict in ("holds", "does not apply") and self.certificate_ok is not False

    @property
    def tightness(self) -> float | None:
        t = [s.tightness for s in self.setups if s.tightness is not None]
        return max(t) if t else None

    def to_dict(self):
        return {"theorem": self.theorem, "verdict": self.verdict, "certificate": self.certificate,
                "certificate_ok": self.certificate_ok, "passed": self.passed, "tightness": self.tightness, "setups": [s.to_dict() for s in self.setups]}


def worst_verdict(verdicts) -> str:
    verdicts = list(verdicts)
    return max(verdicts, key=VERDICTS.index) if verdicts else "holds"


class DoesNotApply(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# joining theory and reference by names


def _constants(thm, setup: Setup, f0: np.ndarray) -> dict:
    obj, orc = setup.objective, setup.oracle
    if obj.function_class != thm.function_class:
        raise DoesNotApply(f"{obj.name} is {obj.function_class}; {thm.id} assumes {thm.function_class}")
    if thm.oracle == "exact" and orc.stochastic:
        raise DoesNotApply(f"{thm.id} assumes an exact oracle; got {orc.describe()}")
    published = {**obj.constants, **orc.constants(obj)}
    if thm.oracle == "bounded" and orc.stochastic and "G" not in orc.constants(obj):
        raise DoesNotApply(f"{thm.id} assumes almost-surely bounded oracle answers; {orc.describe()} has none")
    env = {}
    for q in thm.constants:
        if q.name == "Delta":
            if "f_star" not in published and "f_low" not in published:
                raise DoesNotApply(f"{obj.name} is not known to be bounded below (no f_star or f_low)")
            env["Delta"] = f0 - obj.f_lower
        elif q.name == "M":  # depends on the start: sup ||grad f|| on {f <= f(x0)}
            if not hasattr(obj, "grad_norm_sup"):
                raise DoesNotApply(f"{obj.name} publishes no M ({q.meaning})")
            env["M"] = obj.grad_norm_sup(f0)
        elif q.name in published:
            env[q.name] = published[q.name]
        else:
            raise DoesNotApply(f"{obj.name} with {orc.describe()} publishes no {q.name} ({q.meaning})")
    return env


def _upper_bound_of(thm, name: str):
    """The bound B in a condition 'name < B' (or <=), if any."""
    for c in thm.conditions:
        r = c.relation
        if r.lhs.name == name and isinstance(r, (sp.StrictLessThan, sp.LessThan)):
            return r.rhs
    return None


def _final_T(thm, steps: int) -> int:
    """The horizon T of the measure at the last iterate x_steps (see glossary.MEASURES)."""
    through = thm.rate is not None and thm.rate.measure == "min_grad_sq_through_T"
    return steps if through else steps + 1


def _mentions_eps(expr) -> bool:
    return any(sym.name == "eps" for sym in sp.sympify(expr).free_symbols)


def _eps_for_horizon(thm, env: dict, steps: int) -> np.ndarray:
    """Per run, the smallest accuracy eps whose complexity T(eps) fits in ``steps`` (T decreases in eps)."""
    if thm.complexity is None:
        raise DoesNotApply(f"{thm.id} prescribes its hyperparameters in terms of eps and has no T(eps): give them "
                           f"(--set) or an eps ladder for an order fit")
    fn, _ = compile_expr(thm.complexity.expr)
    shape = np.shape(np.broadcast_to(fn({**env, "eps": 1.0}), np.shape(env.get("Delta", 0.0))))
    lo, hi = np.full(shape, -8.0), np.full(shape, 8.0)  # log10 eps
    for _ in range(60):
        mid = (lo + hi) / 2
        late = np.broadcast_to(fn({**env, "eps": 10.0 ** mid}), shape) > steps
        lo, hi = np.where(late, mid, lo), np.where(late, hi, mid)
    return 10.0 ** hi


def _eps_within(thm, env: dict, steps: int) -> float:
    """One accuracy whose T(eps) fits in ``steps`` for every run."""
    return float(np.max(_eps_for_horizon(thm, env, steps)))


def _hyperparameters(thm, setup: Setup, env: dict) -> dict:
    """Each hyperparameter from the setup, else swept over its admissible range, else prescribed.

    A prescription in terms of eps (a regime, e.g. beta2 -> 1 as eps -> 0) is taken at the smallest
    eps whose T(eps) fits in the run, which is then kept in env["eps"] for the complexity check.
    """
    R = setup.runs
    hp = {}
    for q in thm.hyperparameters:
        known = {**env, **hp}
        if q.name in setup.hp:
            hp[q.name] = np.broadcast_to(np.asarray(setup.hp[q.name], dtype=float), (R,)).copy()
        elif setup.sweep and _upper_bound_of(thm, q.name) is not None:
            top = compile_expr(_upper_bound_of(thm, q.name))[0](known)
            hp[q.name] = np.broadcast_to(top, (R,)) * np.linspace(0.02, 0.98, R)
        elif q.name in thm.prescription:
            formula = thm.prescription[q.name].expr
            if _mentions_eps(formula) and "eps" not in env:
                env["eps"] = _eps_within(thm, known, setup.steps)
                known["eps"] = env["eps"]
            hp[q.name] = np.broadcast_to(compile_expr(formula)[0](
                {**known, "T": _final_T(thm, setup.steps)}), (R,)).copy()
        else:
            raise DoesNotApply(f"no value for hyperparameter {q.name} and no prescription")
    return hp


def _failed_conditions(thm, env: dict) -> tuple[np.ndarray, list[str]]:
    """Per-run mask of runs meeting every condition, and the failed conditions' messages."""
    ok = None
    messages = []
    for c in thm.conditions:
        if _mentions_eps(c.relation) and "eps" not in env:
            continue  # a condition on the accuracy: judged per eps in the complexity check
        margin, strict = condition_margin(c.relation)
        m = compile_expr(margin)[0](env)
        good = (m > 0) if strict else (m >= 0)
        good = np.atleast_1d(np.broadcast_to(good, np.shape(env["Delta"]) if "Delta" in env else good.shape))
        if not good.all():
            r = int(np.argmin(good))
            value = np.broadcast_to(env[c.symbol.name], good.shape)[r]
            bound = np.broadcast_to(compile_expr(c.relation.rhs)[0](env), good.shape)[r]
            messages.append(f"{c} fails for {int((~good).sum())} of {good.size} runs "
                            f"(run {r}: {c.symbol.name} = {value:.6g}, bound = {bound:.6g})")
        ok = good if ok is None else ok & good
    return (np.ones(np.shape(env.get("Delta", 0)), bool) if ok is None else ok), messages


# ---------------------------------------------------------------------------------------------
# (a) the one-step inequality, inside the loop


class OneStepMonitor:
    """Keeps, per run, the worst (lhs - rhs) / scale of ``lhs <= rhs`` over all steps."""

    def __init__(self, one_step, env: dict, mask: np.ndarray):
        self.margin, self.names = compile_expr(one_step.rhs - one_step.lhs)
        self.scale, _ = compile_expr(sum(abs(a) for a in sp.Add.make_args(sp.expand(one_step.rhs - one_step.lhs))))
        self.env = env
        self.mask = mask
        self.needs_next = "grad_sq_next" in self.names
        self.prev = None
        R = mask.shape[0]
        self.worst = np.full(R, -np.inf)
        self.worst_step = np.full(R, -1)
        self.worst_values = {}
        self.steps = 0

    def __call__(self, q):
        cur = {"f": q["f"], "f_next": q["f_next"], "grad_sq": q["grad_sq"], "inner": q["inner"],
               "oracle_sq": q["oracle_sq"], "alive": q["alive"], "t": q["t"]}
        if self.needs_next:
            prev, self.prev = self.prev, cur
            if prev is None:
                return
            prev["grad_sq_next"] = q["grad_sq"]
            self._judge(prev)
        else:
            self._judge(cur)

    def _judge(self, v):
        env = {**self.env, **{k: np.asarray(v[k]) for k in ("f", "f_next", "grad_sq", "inner", "oracle_sq")
                              if k in v}}
        if "grad_sq_next" in v:
            env["grad_sq_next"] = np.asarray(v["grad_sq_next"])
        m = self.margin(env)
        # f is computed with cancellation near a minimiser, so differences below RTOL times the
        # problem's scale (the run's Delta) are not resolved by float64 and are not judged
        s = self.scale(env) + np.abs(env["f"]) + np.abs(self.env.get("Delta", 0.0)) + 1e-300
        viol = np.where(self.mask & np.asarray(v["alive"]), -m / s, -np.inf)
        worse = viol > self.worst
        self.worst = np.where(worse, viol, self.worst)
        self.worst_step = np.where(worse, v["t"], self.worst_step)
        self.steps += 1

    def part(self, statement: str) -> Part:
        checked = int(self.mask.sum())
        if checked == 0:
            return Part("one-step", "does not apply", "no run meets the one-step inequality's conditions")
        bad = self.worst > RTOL
        if bad.any():
            r = int(np.argmax(self.worst))
            return Part("one-step", "violated",
                        f"{statement} fails for {int(bad.sum())} of {checked} runs; worst: run {r} at step "
                        f"{int(self.worst_step[r])}, excess {self.worst[r]:.3g} of the terms' scale",
                        worst={"run": r, "step": int(self.worst_step[r]), "relative_excess": float(self.worst[r])})
        return Part("one-step", "holds", f"{statement}: held at every step of {checked} runs "
                                         f"(float tolerance {RTOL:g} x (|terms| + |f| + Delta))")


# ---------------------------------------------------------------------------------------------
# (b) rates and (c) complexity, from the trace


def _measure(measure: str, tr):
    """(T per record, values (K, R)) for a measure name of the glossary."""
    n = tr.steps.astype(float)
    if measure == "min_grad_sq_before_T":
        return n + 1, tr.min_grad_sq
    if measure == "min_grad_sq_through_T":
        return n, tr.min_grad_sq
    if measure == "expected_grad_sq_random_index":
        return n + 1, tr.sum_grad_sq / (n + 1)[:, None]
    if measure == "mean_grad_norm_before_T":
        return n + 1, tr.sum_grad_norm / (n + 1)[:, None]
    raise ValueError(f"unknown measure {measure!r}")


def _deterministic_rate(name, bound_expr, T, values, env, tr) -> Part:
    fn, names = compile_expr(bound_expr)
    keep = T >= 1
    T, values = T[keep], values[keep]
    benv = {**{k: np.asarray(v)[None, :] if np.ndim(v) else v for k, v in env.items()}, "T": T[:, None]}
    if "gap" in names:
        benv["gap"] = (tr.f[0] - tr.f)[keep]
    bound = np.broadcast_to(fn(benv), values.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = values / bound
    ratio = np.where(np.isnan(values), np.nan, ratio)
    tight = float(np.nanmax(ratio)) if np.isfinite(ratio).any() else None
    bad = values > bound * (1 + RTOL)
    if bad.any():
        k, r = np.argwhere(bad)[0]
        return Part(name, "violated", f"at T = {int(T[k])}, run {r}: measured {values[k, r]:.6g} > bound "
                                      f"{bound[k, r]:.6g}", tight,
                    {"run": int(r), "T": int(T[k]), "observed": float(values[k, r]), "bound": float(bound[k, r])})
    return Part(name, "holds", f"held at all {len(T)} recorded T for every run; worst empirical/bound = "
                               f"{tight:.3g}" if tight is not None else "no finite record", tight)


def _expected_rate(name, bound_expr, T, values, env, level, only_last=False) -> Part:
    fn, _ = compile_expr(bound_expr)
    if only_last:
        T, values = T[-1:], values[-1:]
    runs = values.shape[1]
    scalar_env = {}
    for k, v in env.items():
        v = np.asarray(v)
        if v.ndim and not np.allclose(v, v.flat[0], rtol=1e-12, atol=0):
            raise DoesNotApply(f"an expectation bound needs one {k} for all runs (use x0='shared')")
        scalar_env[k] = float(v.flat[0]) if v.ndim else float(v)
    bound = fn({**scalar_env, "T": T})
    bound = np.broadcast_to(bound, T.shape)
    mean = values.mean(axis=1)
    half = NormalDist().inv_cdf(level) * values.std(axis=1, ddof=1) / np.sqrt(runs)
    ratio = mean / bound
    tight = float(np.nanmax(ratio))
    conf = f"{level:.0%} one-sided (normal approximation, {runs} runs)"
    low_bad = mean - half > bound
    if low_bad.any():
        k = int(np.argmax(low_bad))
        return Part(name, "violated", f"at T = {int(T[k])}: mean {mean[k]:.6g} (lower {conf} bound "
                                      f"{mean[k] - half[k]:.6g}) > bound {bound[k]:.6g}", tight,
                    {"T": int(T[k]), "observed": float(mean[k]), "bound": float(bound[k])})
    if (mean + half > bound).any():
        k = int(np.argmax(mean + half - bound))
        return Part(name, "inconclusive", f"at T = {int(T[k])}: upper {conf} bound {mean[k] + half[k]:.6g} "
                                          f"> bound {bound[k]:.6g} > mean {mean[k]:.6g}", tight)
    return Part(name, "holds", f"held at {len(T)} recorded T; upper {conf} bound below the bound everywhere; "
                               f"worst mean/bound = {tight:.3g}", tight)


def _complexity_thresholds(thm, env, steps) -> np.ndarray:
    """Accuracies eps^2 to test, log-spaced from the smallest eps any run's T(eps) allows within the
    run up to 16 times the largest rate at T = steps (a rate with a floor reaches eps only above it)."""
    bottom = float(np.min(_eps_for_horizon(thm, env, steps))) ** 2
    rate = thm.rate.bound.expr.subs(sp.Symbol("gap", positive=True), sp.Symbol("Delta", positive=True))
    top = 16 * np.nanmax(compile_expr(rate)[0]({**env, "T": steps}))
    return np.geomspace(bottom, max(top, 16 * bottom), 8)


def _meets_eps_conditions(thm, env, R) -> np.ndarray:
    """Runs for which the conditions on the accuracy eps (e.g. eps above a momentum floor) hold."""
    ok = np.ones(R, bool)
    for c in thm.conditions:
        if _mentions_eps(c.relation):
            margin, strict = condition_margin(c.relation)
            m = np.broadcast_to(compile_expr(margin)[0](env), (R,))
            ok &= (m > 0) if strict else (m >= -RTOL * np.abs(m).max())
    return ok


def _complexity(thm, env, tr, thresholds) -> Part:
    fn, _ = compile_expr(thm.complexity.expr)
    first_index = thm.rate.measure == "min_grad_sq_before_T"  # T gradients end at index T - 1
    worst, tight, checked, at_start = None, 0.0, 0, 0
    for thr in thresholds:
        at = {**env, "eps": np.sqrt(thr)}
        T_eps = np.broadcast_to(fn(at), (tr.runs,))
        hit = tr.hitting_times[thr]
        due = (T_eps <= tr.steps[-1] + (1 if first_index else 0)) & _meets_eps_conditions(thm, at, tr.runs)
        if not due.any():
            continue
        limit = T_eps - 1 if first_index else T_eps
        late = due & ((hit < 0) | (hit > limit))
        checked += int(due.sum())
        at_start += int((due & (hit == 0)).sum())
        with np.errstate(divide="ignore", invalid="ignore"):  # pairs met at x_0 say nothing about T(eps)
            ratios = np.where(due & (hit > 0), (hit + (1 if first_index else 0)) / T_eps, np.nan)
        if np.isfinite(ratios).any():
            tight = max(tight, float(np.nanmax(ratios)))
        if late.any() and worst is None:
            r = int(np.argmax(late))
            worst = (thr, r, int(hit[r]), float(T_eps[r]))
    if checked == 0:
        return Part("complexity", "inconclusive", "no run was long enough for T(eps), or met the conditions on eps, "
                                                  "at the tested accuracies")
    if worst is not None:
        thr, r, hit, T_eps = worst
        return Part("complexity", "violated", f"run {r} needed {'no hit' if hit < 0 else hit} steps to reach "
                                              f"||grad f||^2 <= {thr:.4g}; T(eps) = {T_eps:.0f}", tight,
                    {"run": r, "eps_sq": thr, "hit": hit, "T_eps": T_eps})
    if at_start == checked:
        return Part("complexity", "holds", f"vacuously: all {checked} run-accuracy pairs whose T(eps) fits in the run "
                                           f"were met at x_0 (the bound's T(eps) exceeds the horizon for smaller eps)")
    return Part("complexity", "holds", f"every run reached eps within T(eps) ({checked} run-accuracy pairs, "
                                       f"{at_start} of them met at x_0); worst hitting time / T(eps) over the "
                                       f"others = {tight:.3g}", tight)


def _complexity_covers(thm, setup: Setup) -> bool:
    """T(eps) speaks of the setup's hyperparameters: each given one is in it, or was not prescribed."""
    names = {sym.name for sym in thm.complexity.expr.free_symbols}
    return all(k in names or k not in thm.prescription for k in setup.hp)


def _expected_complexity(thm, env, tr, level) -> Part:
    """eps with N(eps) <= steps (the prescribed eps, or by bisection), then E measure at N = steps <= eps^2
    (eps for the non-squared measure)."""
    eps = float(np.max(env["eps"])) if "eps" in env else _eps_within(thm, env, tr.steps[-1])
    T, values = _measure(thm.rate.measure, tr)
    part = _expected_rate("complexity", thm.target, T[-1:], values[-1:], {"eps": eps}, level)
    part.detail = f"eps = {eps:.4g} has N(eps) <= {tr.steps[-1]}: " + part.detail
    return part


# ---------------------------------------------------------------------------------------------


def order_fit(thm, setup: Setup, optimizer=None) -> Part:
    """The claimed eps-order against the slope of the measured T(eps) over setup.eps_ladder."""
    claim = next(c for c in thm.claims if c.kind == "order" and c.eps_exponent is not None)
    obj = setup.objective
    x0 = obj.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
    env = {k: v for k, v in _constants(thm, setup, obj.value(x0)).items() if np.ndim(v) == 0}

    def hp_of_eps(eps):
        hp = {k: float(v) for k, v in setup.hp.items()}
        for name, formula in thm.prescription.items():
            if name not in hp:
                hp[name] = float(compile_expr(formula.expr)[0]({**env, **hp, "eps": eps}))
        return hp

    for eps in setup.eps_ladder:  # a regime outside the theorem's conditions would fit the wrong thing
        ok, failed = _failed_conditions(thm, {**env, **hp_of_eps(float(eps)), "eps": float(eps)})
        if not ok.all():
            raise DoesNotApply(f"at eps = {eps:g}: " + "; ".join(failed))
    fit = orders.hitting_order(optimizer or optimizers.get(thm.algorithm), obj, setup.oracle, setup.eps_ladder,
                               hp_of_eps, runs=setup.runs, steps=setup.steps, seed=setup.seed, radius=setup.radius)
    p, sd, claimed = fit.exponent, fit.spread, float(claim.eps_exponent)
    ladder = [round(1 / v, 4) for v in fit.x]
    per_eps = [n for n in thm.prescription if n not in setup.hp]
    if fit.censored:
        return Part("order (empirical)", "inconclusive", f"{fit.censored} of the accuracies {ladder} were not reached "
                                                         f"within {setup.steps} steps", worst=fit.to_dict())
    text = (f"{fit.describe()} over eps = {ladder} (T = first T with mean over runs of (1/T) sum_t "
            f"||grad f(x_t)||^2 <= eps^2: {', '.join(f'{t:.0f}' for t in fit.y)}); claimed O(eps^-{claim.eps_exponent}), "
            + (f"with {', '.join(per_eps)} prescribed per eps (the exponent reflects that regime)" if per_eps
               else "at fixed hyperparameters"))
    verdict = "violated" if p - 2 * sd > claimed else "holds" if p + 2 * sd <= claimed else "inconclusive"
    relation = {"violated": "exceeds", "holds": "is within", "inconclusive": "is not clearly within"}[verdict]
    return Part("order (empirical)", verdict, f"{text}: the fitted exponent {relation} the claimed order "
                                              f"(2 sd)", worst=fit.to_dict())


def check_setup(thm, setup: Setup, level: float = 0.99, progress: bool = False, optimizer=None) -> SetupReport:
    t0 = time.perf_counter()
    report = SetupReport(setup.describe(), "holds")
    check_domains(setup.hp)  # a beta of 1 is an error in the input, named before any bound is evaluated
    unknown = sorted(set(setup.hp) - set(thm.quantities))
    if unknown:  # e.g. momentum for rmsprop.det, xi_root for adam.det: the bound assumes their defaults
        report.verdict = "does not apply"
        report.note = (f"{thm.id} has no hyperparameter {', '.join(unknown)}: its bound assumes the optimizer's "
                       f"default; it takes {', '.join(q.name for q in thm.hyperparameters)}")
        return report
    if setup.eps_ladder:
        try:
            report.parts.append(order_fit(thm, setup, optimizer))
            report.verdict = report.parts[0].verdict
        except DoesNotApply as why:
            report.verdict, report.note = "does not apply", str(why)
        report.seconds = time.perf_counter() - t0
        return report
    try:
        obj = setup.objective
        if setup.x0 == "shared":
            x0 = np.repeat(obj.initial_points(1, seed=setup.seed, radius=setup.radius), setup.runs, axis=0)
        else:
            x0 = obj.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)
        env = _constants(thm, setup, obj.value(x0))
        env.update(_hyperparameters(thm, setup, env))
        ok, failed = _failed_conditions(thm, env)
        if not ok.any():
            raise DoesNotApply("; ".join(failed))
        if not ok.all():
            report.note = "excluded: " + "; ".join(failed)
            x0 = x0[ok]
            env = {k: (np.asarray(v)[ok] if np.ndim(v) else v) for k, v in env.items()}
        R = x0.shape[0]
        optimizer = optimizer or optimizers.get(thm.algorithm)
        hp_names = set(optimizer.defaults)
        hp = {k: np.asarray(v, float).reshape(R, 1) for k, v in env.items() if k in hp_names}

        monitor = None
        if thm.one_step is not None and not thm.one_step.expectation:  # E_t[...] is not a pathwise fact
            mask = np.ones(R, bool)
            for c in thm.one_step.conditions:
                margin, strict = condition_margin(c.relation)
                m = np.broadcast_to(compile_expr(margin)[0](env), (R,))
                mask &= (m > 0) if strict else (m >= -RTOL)
            monitor = OneStepMonitor(thm.one_step, env, mask)

        expectation = thm.rate is not None and thm.rate.expectation
        thresholds = [] if expectation or thm.complexity is None else _complexity_thresholds(thm, env, setup.steps)
        tr = run(optimizer, obj, x0, setup.steps, hp=hp, oracle=setup.oracle,
                 seed=setup.seed, thresholds=thresholds, monitors=[monitor] if monitor else [],
                 progress=progress)

        if monitor is not None:
            report.parts.append(monitor.part(thm.one_step.statement))
        if tr.diverged().any():
            r = int(np.argmax(tr.diverged()))
            report.parts.append(Part("divergence", "diverged", f"{int(tr.diverged().sum())} runs diverged; "
                                                               f"run {r} at step {int(tr.diverged_at[r])}"))
        if thm.rate is not None:
            T, values = _measure(thm.rate.measure, tr)
            if expectation:
                report.parts.append(_expected_rate("rate", thm.rate.bound.expr, T, values, env, level))
                prescribed = not setup.sweep and all(k not in setup.hp for k in thm.prescription)
                if thm.rate_at_prescription is not None and prescribed:
                    report.parts.append(_expected_rate("rate at prescription", thm.rate_at_prescription.expr,
                                                       T, values, env, level, only_last=True))
                if thm.complexity is not None and _complexity_covers(thm, setup):
                    report.parts.append(_expected_complexity(thm, env, tr, level))
            else:
                report.parts.append(_deterministic_rate("rate", thm.rate.bound.expr, T, values, env, tr))
                if thm.complexity is not None:
                    report.parts.append(_complexity(thm, env, tr, thresholds))
        report.verdict = worst_verdict(p.verdict for p in report.parts) if report.parts else "inconclusive"
        if not report.parts:
            report.note = f"{thm.id} has no one-step inequality or rate to check on runs (a claim: give an eps ladder)"
    except DoesNotApply as why:
        report.verdict, report.note = "does not apply", str(why)
    report.seconds = time.perf_counter() - t0
    return report


def check_lower(thm) -> CheckReport:
    """A lower bound cannot be broken by runs on easy functions; check it against the upper bounds:
    every registered upper bound for the same class and oracle must have eps-order >= its order."""
    order = next(c.eps_exponent for c in thm.claims if c.kind == "order")
    uppers = theory.theorems(function_class=thm.function_class, oracle=thm.oracle, kind="upper")
    parts = []
    for u in uppers:
        if u.complexity is None:
            continue
        p = theory.eps_exponent(u)
        parts.append(Part(u.id, "holds" if p >= order else "violated",
                          f"{u.id}: T(eps) = Theta(eps^-{p}) {'>=' if p >= order else '<'} lower order eps^-{order}"))
    rep = SetupReport(f"consistency with {len(parts)} upper bounds", worst_verdict(p.verdict for p in parts), parts)
    return CheckReport(thm.id, rep.verdict, [rep])


def check(theorem, setups: Sequence[Setup] | None = None, level: float = 0.99, progress: bool = False,
          certify: bool = False, optimizer=None, options: dict | None = None) -> CheckReport:
    """Check a theorem (object or id) on the given setups (default: its built-in ones).

    ``options`` go to a property theorem's numeric check (e.g. q, the schedule exponent of inna.d_critical).

    ``optimizer`` replaces the reference implementation of the theorem's algorithm (a
    reference.optimizers.Optimizer taking the theorem's hyperparameter names): this is how a
    user's own implementation is held to the theorem.
    """
    thm = theory.get(theorem) if isinstance(theorem, str) else theorem
    certificate = theory.certify(thm) if certify else None
    rep = _check(thm, setups, level, progress, optimizer, options)
    if certificate is not None:
        rep.certificate, rep.certificate_ok = certificate.summary(), certificate.ok
    return rep


def _check(thm, setups, level, progress, optimizer, options) -> CheckReport:
    if thm.kind == "lower":
        return check_lower(thm)
    if thm.kind == "property":
        t0 = time.perf_counter()
        try:
            parts = properties.CHECKS[thm.id](**(options or {}))
        except DoesNotApply as why:
            rep = SetupReport("numeric check of the certified property", "does not apply", note=str(why))
            return CheckReport(thm.id, "does not apply", [rep])
        rep = SetupReport("numeric check of the certified property", worst_verdict(p.verdict for p in parts), parts,
                          time.perf_counter() - t0)
        return CheckReport(thm.id, rep.verdict, [rep])
    setups = list(setups) if setups is not None else default_setups(thm.id)
    if not setups:
        return CheckReport(thm.id, "does not apply", [SetupReport("-", "does not apply", note="no default setup")])
    reports = [check_setup(thm, s, level, progress, optimizer) for s in setups]
    applicable = [r.verdict for r in reports if r.verdict != "does not apply"]
    verdict = worst_verdict(applicable) if applicable else "does not apply"
    return CheckReport(thm.id, verdict, reports)
