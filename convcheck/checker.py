"""check(theorem, setups): run the reference under a theorem's assumptions and judge every guarantee.

The dispatch. For an upper bound, each setup is joined to the theorem (join.py: constants,
hyperparameters, conditions), run once in the batched loop with the one-step monitor inside it
(monitors.py), and the trace is judged against the rate, the rate at the prescription and the
complexity (judges.py); the report gives the tightness empirical / bound. A property theorem runs
its family's numeric check (families/), a lower bound is checked against the registered upper
bounds. Verdicts and report types are in verdicts.py.
"""
from __future__ import annotations

import inspect
import time
from typing import Sequence

import numpy as np

from convcheck import theory
from convcheck.reference import get_backend, optimizers, run
from convcheck.reference.optimizers.base import check_domains

from . import judges
from .families import CHECKS, STATES, default_setups
from .join import Join
from .monitors import ContractionMonitor, OneStepMonitor
from .setups import Setup
from .verdicts import CheckReport, DoesNotApply, Part, SetupReport, worst_verdict


def _starts(setup: Setup) -> np.ndarray:
    obj = setup.objective
    if setup.x0 == "shared":
        return np.repeat(obj.initial_points(1, seed=setup.seed, radius=setup.radius), setup.runs, axis=0)
    return obj.initial_points(setup.runs, seed=setup.seed, radius=setup.radius)


def _judge_trace(thm, setup: Setup, join: Join, tr, thresholds, level) -> list[Part]:
    if thm.rate is None:
        return []
    T, values = judges.measure(thm.rate.measure, tr, setup.objective.constants.get("f_star"))
    if not thm.rate.expectation:
        parts = [judges.deterministic_rate("rate", thm.rate.bound.expr, T, values, join, tr)]
        if thm.complexity is not None and thm.rate.measure in judges.GAP_MEASURES:
            parts.append(judges.gap_complexity(join, T, values, setup.steps))
        elif thm.complexity is not None:
            parts.append(judges.complexity(join, tr, thresholds))
        return parts
    parts = [judges.expected_rate("rate", thm.rate.bound.expr, T, values, join, level)]
    prescribed = not setup.sweep and all(k not in setup.hp for k in thm.prescription)
    if thm.rate_at_prescription is not None and prescribed:
        parts.append(judges.expected_rate("rate at prescription", thm.rate_at_prescription.expr, T, values, join,
                                          level, only_last=True))
    if thm.complexity is not None and judges.complexity_covers(thm, setup):
        parts.append(judges.expected_complexity(join, tr, level))
    return parts


def _contraction_monitor(thm, setup: Setup, join: Join) -> ContractionMonitor | None:
    """For a function-gap rate, the per-step contraction by its factor rho (the rate's via), when f* is known."""
    if thm.rate is None or thm.rate.measure not in judges.GAP_MEASURES or thm.rate.via is None:
        return None
    f_star = setup.objective.constants.get("f_star")
    if f_star is None:
        raise DoesNotApply(f"{setup.objective.name} publishes no exact f_star: the gap f(x_T) - f* is not measurable")
    return ContractionMonitor(thm.rate.via, join, f_star)


def _check_runs(thm, setup: Setup, report: SetupReport, level, progress, optimizer) -> None:
    """Join, run once, judge: the parts go into ``report``."""
    x0 = _starts(setup)
    join = Join.of(thm, setup.objective, setup.oracle, setup.objective.value(x0))
    join = join.with_hyperparameters(setup.hp, setup.steps, setup.sweep)
    ok, failed = join.conditions()
    if not ok.any():
        raise DoesNotApply("; ".join(failed))
    if not ok.all():
        report.note = "excluded: " + "; ".join(failed)
        x0, join = x0[ok], join.select(ok)
    optimizer = optimizer or optimizers.get(thm.algorithm)
    hp = {k: np.asarray(v, float).reshape(join.runs, 1) for k, v in join.env.items() if k in optimizer.defaults}
    # E_t[...] is not a pathwise fact: only a deterministic one-step inequality is monitored; a potential's state
    # s_t is rebuilt from the iterates by the theorem's family hook
    monitor = OneStepMonitor(thm.one_step, join, STATES.get(thm.id)(join) if thm.one_step.potential else None) \
        if thm.one_step is not None and not thm.one_step.expectation else None
    contraction = _contraction_monitor(thm, setup, join)
    deterministic = thm.rate is not None and not thm.rate.expectation and thm.complexity is not None
    thresholds = judges.complexity_thresholds(join, setup.steps) if deterministic else []
    tr = run(optimizer, setup.objective, get_backend(setup.backend).asarray(x0), setup.steps, hp=hp,
             oracle=setup.oracle, seed=setup.seed, thresholds=thresholds,
             monitors=[m for m in (monitor, contraction) if m is not None], progress=progress)
    if monitor is not None:
        report.parts.append(monitor.part(thm.one_step.statement))
    if contraction is not None:
        report.parts.append(contraction.part())
    if tr.diverged().any():
        r = int(np.argmax(tr.diverged()))
        report.parts.append(Part("divergence", "diverged", f"{int(tr.diverged().sum())} runs diverged; "
                                                           f"run {r} at step {int(tr.diverged_at[r])}"))
    report.parts.extend(_judge_trace(thm, setup, join, tr, thresholds, level))


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
    try:
        if setup.eps_ladder:
            report.parts.append(judges.order_fit(thm, setup, optimizer))
        else:
            _check_runs(thm, setup, report, level, progress, optimizer)
        report.verdict = worst_verdict(p.verdict for p in report.parts) if report.parts else "inconclusive"
        if not report.parts:
            report.note = f"{thm.id} has no one-step inequality or rate to check on runs (a claim: give an eps ladder)"
    except DoesNotApply as why:
        report.verdict, report.note = "does not apply", str(why)
    report.seconds = time.perf_counter() - t0
    return report


def check_lower(thm, optimizer=None) -> CheckReport:
    """A lower bound cannot be broken by runs on easy functions; check it against the upper bounds:
    every registered upper bound for the same class and oracle must have eps-order >= its order."""
    if optimizer is not None:
        raise ValueError(f"optimizer= does not apply to {thm.id}: a lower bound holds for every algorithm of its "
                         f"class and is checked against the registered upper bounds, not on runs")
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


def check_property(thm, options: dict | None = None, optimizer=None) -> CheckReport:
    """A property theorem's numeric check (its family's CHECKS), with ``options`` passed to it; ``optimizer``
    replaces the algorithm it runs (a check that takes none refuses one)."""
    t0 = time.perf_counter()
    run_check = CHECKS.get(thm.id)
    options = dict(options or {})
    if optimizer is not None:
        if "optimizer" not in inspect.signature(run_check).parameters:
            raise ValueError(f"optimizer= does not apply to {thm.id}: its check takes no user optimizer (it checks the "
                             f"property on objectives or dynamics directly, or on the reference's own optimizers)")
        options["optimizer"] = optimizer
    try:
        parts = run_check(**options)
    except DoesNotApply as why:
        rep = SetupReport("numeric check of the certified property", "does not apply", note=str(why))
        return CheckReport(thm.id, "does not apply", [rep])
    rep = SetupReport("numeric check of the certified property", worst_verdict(p.verdict for p in parts), parts,
                      time.perf_counter() - t0)
    return CheckReport(thm.id, rep.verdict, [rep])


def check(theorem, setups: Sequence[Setup] | None = None, level: float = 0.99, progress: bool = False,
          certify: bool = False, optimizer=None, options: dict | None = None) -> CheckReport:
    """Check a theorem (object or id) on the given setups (default: its family's, see families/).

    ``options`` go to a property theorem's numeric check (e.g. q, the schedule exponent of inna.d_critical).

    ``optimizer`` replaces the reference implementation of the theorem's algorithm (a
    reference.optimizers.Optimizer taking the theorem's hyperparameter names): this is how a
    user's own implementation is held to the theorem. A property theorem's check runs it in place of the
    algorithm it names; a lower bound, or a check that takes no user optimizer, refuses it (ValueError).
    """
    thm = theory.get(theorem) if isinstance(theorem, str) else theorem
    certificate = theory.certify(thm) if certify else None
    if thm.kind == "lower":
        rep = check_lower(thm, optimizer)
    elif thm.kind == "property":
        rep = check_property(thm, options, optimizer)
    else:
        setups = default_setups(thm.id) if setups is None else list(setups)
        if not setups:
            raise ValueError(f"no setups to check {thm.id} on")
        reports = [check_setup(thm, s, level, progress, optimizer) for s in setups]
        applicable = [r.verdict for r in reports if r.verdict != "does not apply"]
        rep = CheckReport(thm.id, worst_verdict(applicable) if applicable else "does not apply", reports)
    if certificate is not None:
        rep.certificate, rep.certificate_ok = certificate.summary(), certificate.ok
    return rep
