"""Human-readable text for theorems, certificates, bounds and check reports."""
from __future__ import annotations

import numpy as np
import sympy as sp

from convcheck import theory
from convcheck.theory.evaluate import Evaluation, fmt
from convcheck.theory.model import latex
from convcheck.theory.relations import looseness, order_against_lower, siblings

from .texttable import table


def show(thm, cert=None) -> str:
    kind = "property (identity, invariance or limit)" if thm.kind == "property" else f"{thm.kind} bound"
    out = [f"{thm.id}: {thm.title}", f"  algorithm {thm.algorithm}; class {thm.function_class}; "
                                    f"oracle {thm.oracle}; {kind}"]
    if thm.summary:
        out.append(f"  {thm.summary}")
    if thm.assumptions:
        out.append("assumptions:")
    out += [f"  - {a.name}: {a.statement}" for a in thm.assumptions]
    out.append("constants and hyperparameters:")
    out += [f"  - {q.describe_domain()}: {q.meaning}" for q in thm.quantities.values()]
    if thm.conditions:
        out.append("conditions: " + "; ".join(str(c) for c in thm.conditions))
    for name, f in thm.prescription.items():
        out.append(f"prescription: {name} = {sp.sstr(f.expr)}   [{f.source.tag}]")
    if thm.one_step:
        s = thm.one_step
        out.append(f"one-step inequality: {s.statement}   [{s.source.tag}]")
        out.append(f"  LaTeX: {latex(s.lhs)} \\le {latex(s.rhs)}")
        if s.potential is not None:
            p = s.potential
            point = (f"f(z_t) + a ||s_t||^2, z_t = x_t + ({sp.sstr(p.shift)}) s_t" if p.shifted
                     else "f(x_t) + a ||s_t||^2")
            out.append(f"  potential: Psi_t = {point}, s_t = {p.meaning}, "
                       f"||s_0||^2 <= {sp.sstr(p.initial)}, a = {sp.sstr(p.weight)}")
    if thm.rate:
        r = thm.rate
        out.append(f"rate ({r.measure}{', in expectation' if r.expectation else ''}): {r.statement}   "
                   f"[{r.bound.source.tag}]")
        out.append(f"  bound = {sp.sstr(r.bound.expr)}")
        out.append(f"  LaTeX: {latex(r.bound.expr)}")
    if thm.rate_at_prescription:
        out.append(f"rate at the prescription: {sp.sstr(thm.rate_at_prescription.expr)}   "
                   f"[{thm.rate_at_prescription.source.tag}]")
    if thm.complexity:
        out.append(f"complexity T(eps) = {sp.sstr(thm.complexity.expr)}   [{thm.complexity.source.tag}]")
        out.append(f"  LaTeX: {latex(thm.complexity.expr)}")
    sources = {f.source.ref: f.source.tag for f in thm.formulas().values()}
    if thm.one_step:
        sources[thm.one_step.source.ref] = thm.one_step.source.tag
    for step in thm.chain:  # a property theorem's only formulas are its chain's
        sources.setdefault(step.source.ref, step.source.tag)
    out.append("provenance:")
    out += [f"  [{tag}] {ref}" for ref, tag in sources.items()]
    for c in thm.claims:
        out.append(f"claim [{c.source.tag}]: {c.statement}")
    rel = order_against_lower(thm)
    if rel:
        out.append(f"lower bound: {rel}")
    for other in siblings(thm):
        ratio = looseness(thm, other)
        if ratio is not None and ratio.is_number and ratio != 1:
            presc = ", ".join(f"{k} = {sp.sstr(v.expr)}" for k, v in thm.prescription.items()) or "its hyperparameters"
            out.append(f"against {other.id}: this rate is {fmt(ratio, 4)}x that bound as T -> oo (at {presc})")
    if cert is not None:  # the same account as `convcheck certify`: chain, links, premises (lemmas, axioms), claims
        out.append(certificate(cert))
    out.append(f"notes: {thm.notes_path}")
    return "\n".join(out)


def _check_lines(c, indent="  ") -> list[str]:
    out = [f"{indent}{c.name:<40} {c.level}"]
    for text, _kind, expr, proof in c.details:
        if proof.level != "symbolic":
            extra = f" counterexample {proof.counterexample}" if proof.counterexample else \
                (f" box {proof.box}" if proof.box else "")
            out.append(f"{indent}    {text or sp.sstr(expr)}: {proof.level} ({proof.detail}){extra}")
    return out


def certificate(cert) -> str:
    """The chain, the links that bind the stated objects to it, the cited lemmas and the claims."""
    out = [f"{cert.theorem}: certificate {cert.level}; claims {cert.claims_level}"
           + ("" if cert.ok else "  -- FAILED")]
    for title, checks in (("chain", cert.steps), ("links (stated objects <- chain)", cert.links),
                          ("claims", cert.claims)):
        if checks:
            out.append(f" {title}:")
            for c in checks:
                out += _check_lines(c)
    if cert.unlinked:
        out.append(f" not linked to the chain (caps the level at unverified): {', '.join(cert.unlinked)}")
    if cert.premises:
        out.append(" premises:")
        for p in cert.premises:
            out.append(f"  {p.id:<40} {p.level}  ({'axiom, ' if p.axiom else 'proved, '}{p.source}) {p.title}")
            out += [line for c in p.checks if c.level != "symbolic" for line in _check_lines(c, "    ")]
    return "\n".join(out)


def _value(v) -> str:
    """A constant or hyperparameter; one within 1e-6 of 1 (beta2 -> 1) prints as 1 - (1 - v), not a rounded 1.0."""
    v = sp.sympify(v)
    return "1 - " + fmt(1 - v) if v.is_real and 0 < 1 - v < sp.Rational(1, 10 ** 6) else fmt(v)


def bound(ev: Evaluation) -> str:
    thm = theory.get(ev.theorem)
    vals = ", ".join(f"{k} = {_value(v)}{' (prescribed)' if k in ev.prescribed else ''}" for k, v in ev.values.items())
    out = [f"{ev.theorem} with {vals}"]
    if not ev.applies:
        out.append(f"does not apply: condition {ev.failed_condition}")
        return "\n".join(out)
    if ev.rate is not None:
        out.append(f"rate after T = {ev.T}: {thm.rate.measure} <= {fmt(ev.rate)}")
    if ev.rate_at_prescription is not None:
        out.append(f"rate at the prescription after T = {ev.T}: <= {fmt(ev.rate_at_prescription)}")
    if ev.complexity is not None:
        what = "necessary (lower bound)" if thm.kind == "lower" else "suffice"
        out.append(f"complexity: T(eps = {fmt(ev.eps)}) = {fmt(ev.complexity)} steps {what}")
    elif ev.failed_condition:
        out.append(f"complexity: T(eps = {fmt(ev.eps)}) does not apply: condition {ev.failed_condition}")
    out += [f"note: {n}" for n in ev.notes]
    return "\n".join(out)


SWEEP_ROWS = 60  # a longer sweep prints a summary; --json gives every point


def _plain(x: float):
    """None for NaN (not applicable), an int for a whole number (a step count prints as 214, not 214.0)."""
    return None if np.isnan(x) else int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


def sweep(result, columns: dict) -> str:
    """A sweep's points as a table, or its summary when there are more than SWEEP_ROWS."""
    n = len(result)
    if n <= SWEEP_ROWS:
        rows = [[*(fmt(_plain(a[i])) for a in columns.values()), bool(result.applies[i]),
                 result.conditions[result.failed[i]] if result.failed[i] >= 0 else ""] for i in range(n)]
        return "\n".join([table(rows, [*columns, "applies", "failed condition"]),
                          *(f"note: {note}" for note in result.notes)])
    out = [f"{result.theorem} over {n} points: applies at {int(result.applies.sum())}"
           + (f" ({result.exact} decided exactly: near a condition's boundary or beyond float64)" if result.exact else "")]
    for i, text in enumerate(result.conditions):
        fails = int((result.failed == i).sum())
        if fails:
            out.append(f"  condition {text} fails at {fails}")
    for name, a in result.values.items():
        if np.isfinite(a).any():
            out.append(f"  {name}: from {fmt(np.nanmin(a))} to {fmt(np.nanmax(a))}")
    out.append("  every point: --json")
    out += [f"note: {note}" for note in result.notes]
    return "\n".join(out)


def check_report(rep) -> str:
    failed = "; the certificate FAILS: `convcheck certify` says where" if rep.certificate_ok is False else ""
    out = [f"{rep.theorem}: {rep.verdict.upper()}" + (f"   (certificate: {rep.certificate}{failed})"
                                                      if rep.certificate else "")
           + (f"   tightness {rep.tightness:.3g}" if rep.tightness is not None else "")]
    for s in rep.setups:
        out.append(f"  on {s.setup}: {s.verdict} ({s.seconds:.1f}s)")
        if s.note:
            out.append(f"    note: {s.note}")
        out += [f"    {p.name:<22} {p.verdict:<13} {p.detail}" for p in s.parts]
    return "\n".join(out)
