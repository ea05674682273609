"""The obligations that tie a theorem's stated objects to each other, generated from the objects.

Nothing here trusts a name: every obligation is built from what the theorem states, so changing a
stated rate, one-step inequality, condition, prescription or complexity changes what is proved.

* prescription: each prescribed value lies in its hyperparameter's domain and meets the conditions
  on that hyperparameter;
* rate: the stated rate follows from the stated one-step inequality by telescoping. With the
  decrease D = f(x_t) - (right side), summing gives sum_{t<T} D(y_t) <= f(x_0) - f(x_T) <= Delta (or
  the run's gap). A lower model phi <= D (D itself unless the rate gives ``via``) that increases in
  the measured y then gives, for a min measure, T phi(R) >= Delta  =>  min_t y_t <= R; for an average
  (and an expectation, with E_t taken first through the oracle's lemma) phi must also be convex, by
  Jensen. The measure fixes y (||grad f||^2, or ||grad f|| for the non-squared measure) and the
  horizon convention; a decrease in both y_t and y_{t+1} (the PEP form) telescopes along the diagonal.
  A via may read model.RATE_VALUE, the rate being linked (a tangent placed at the rate); a via'd rate with one
  square root sqrt(a), a affine in Delta, is proved in s = sqrt(a) in place of Delta (_root_chart), where its
  obligations are rational.
  With a stated potential Psi_t = f(x_t) + a ||s_t||^2 the one-step inequality must read
  Psi_{t+1} <= Psi_t - D: then a >= 0 (on each case the chain derives the step in) gives Psi_T >= f(x_T),
  and Psi_0 = f(x_0) + a ||s_0||^2, so the sum of decreases is at most Delta + a ||s_0||^2. A potential step in
  expectation, E_t Psi_{t+1} <= Psi_t - D, sums in total expectation to the same budget for an expected measure;
  a potential read at a shifted point z_t = x_t + k s_t needs s_0 = 0 (then z_0 = x_0) and f(z_T) >= f*;
* a function-gap rate (``gap_last_iterate``, f(x_T) - f* <= R(T)) follows by contraction instead: the stated
  one-step inequality minus f*, with the cited PL premise ||grad f||^2 >= 2 mu (f - f*), gives
  f(x_{t+1}) - f* <= rho (f(x_t) - f*) for the rate's hint rho (checked, not trusted), and induction on T gives
  R(T) >= rho^T Delta; its T(eps) reaches eps (not eps^2) from the same contraction;
* rate at the prescription: the same, from the one-step inequality at the prescription;
* complexity: for every T >= T(eps) the measure is at most eps^2 (eps for the non-squared one),
  from the rate at the prescription when one is stated and T(eps) is stated there (it mentions no prescribed
  hyperparameter), else from the one-step inequality itself,
  so the rate is a leaf that nothing else reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .lemma import Instance, get_lemma, instantiate
from .model import (ONE_STEP, RATE_VALUE, Condition, Obligation, Theorem, expected, f, f_next, f_z, f_z_next, gap,
                    grad_norm, grad_sq, grad_sq_next, le, lt, state_sq, state_sq_next)
from .prove import Bound
from .vectors import Vec

STATED = ("one_step", "rate", "rate_at_prescription", "complexity")
MIN_MEASURES = ("min_grad_sq_before_T", "min_grad_sq_through_T")
AVERAGE_MEASURES = ("expected_grad_sq_random_index", "mean_grad_norm_before_T")
ORACLE_LEMMA = {"bounded_variance": "oracle.bounded_variance", "bounded": "oracle.bounded_variance"}
CONTRACTION_MEASURES = ("gap_last_iterate",)  # a function gap that contracts by rho per step (the rate's via)
PL_LEMMA = "pl.gradient_dominance"
e_t = sp.Symbol("e_t", nonnegative=True)     # f(x_t) - f*
r_rho = sp.Symbol("r_rho", positive=True)    # the contraction factor rho, as a symbol in (0, 1] for the log step


@dataclass
class Link:
    name: str
    statement: str
    binds: tuple[str, ...]                 # the stated objects this link justifies
    reads: tuple[str, ...] = ()            # the stated objects it takes as given
    obligations: list = field(default_factory=list)  # (Obligation, extra bounds)
    cites: tuple[Instance, ...] = ()
    error: str = ""                         # why the link could not be formed (it is then failed)


def condition_bound(c: Condition) -> Bound:
    r = c.relation
    if isinstance(r, (sp.StrictLessThan, sp.LessThan)):
        return Bound(r.lhs, sp.S.NegativeInfinity, r.rhs)
    if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)):
        return Bound(r.lhs, r.rhs, sp.oo)
    raise ValueError(f"condition must be <, <=, > or >=; got {r}")


def domains(thm: Theorem) -> list[Bound]:
    return [Bound(q.symbol, q.lo, q.hi) for q in thm.quantities.values()] + \
        [Bound(thm.T, 1, sp.oo), Bound(thm.eps, 0, sp.oo)]


def context(thm: Theorem, extra=()) -> list[Bound]:
    """The bounds every proof of ``thm`` may use: domains of its quantities and its conditions."""
    return domains(thm) + [condition_bound(c) for c in (*thm.conditions, *extra)]


def prescribed(thm: Theorem) -> dict[sp.Symbol, sp.Expr]:
    q = thm.quantities
    return {q[name].symbol: formula.expr for name, formula in thm.prescription.items() if name in q}


def relation_of(c: Condition) -> Obligation:
    r = c.relation
    if isinstance(r, sp.StrictLessThan):
        return lt(r.lhs, r.rhs, str(c))
    if isinstance(r, sp.LessThan):
        return le(r.lhs, r.rhs, str(c))
    if isinstance(r, sp.StrictGreaterThan):
        return lt(r.rhs, r.lhs, str(c))
    return le(r.rhs, r.lhs, str(c))


def prescription_links(thm: Theorem) -> list[Link]:
    presc = prescribed(thm)
    # the conditions on symbols that are not prescribed (e.g. on eps) stay hypotheses, at the prescription
    given = [Bound(b.symbol, b.lo.xreplace(presc), b.hi.xreplace(presc))
             for c in thm.conditions if c.symbol not in presc for b in [condition_bound(c)]]
    out = []
    for name, formula in thm.prescription.items():
        q = thm.quantities.get(name)
        if q is None:
            out.append(Link(f"prescription of {name}", "", (f"prescription.{name}",),
                            error=f"{name} is prescribed but is not a hyperparameter of {thm.id}"))
            continue
        p = formula.expr.xreplace(presc)
        obligations = [((le if q.closed_lo else lt)(q.lo, p, f"{name} = {sp.sstr(formula.expr)} in its domain"), given)]
        if not q.hi.is_infinite:
            obligations.append(((le if q.closed_hi else lt)(p, q.hi, f"{name} = {sp.sstr(formula.expr)} in its domain"),
                                given))
        for c in thm.conditions:
            if c.symbol == q.symbol:
                rel = relation_of(c).xreplace(presc)
                obligations.append((Obligation(rel.kind, rel.lhs, rel.rhs, f"the prescription meets {c}"), given))
        out.append(Link(f"prescription of {name}", f"{name} = {sp.sstr(formula.expr)} lies in its domain and meets "
                                                   f"its conditions", (f"prescription.{name}",),
                        obligations=[(o, g) for o, g in obligations]))
    return out


def _bound_through(expr: sp.Expr, relations: list[Obligation], what: str):
    """expr with each relation 's <= B' (s a symbol, expr increasing in s) or 's == B' substituted:
    an upper bound of expr, and the monotonicity obligations that make it one."""
    obligations = []
    for r in relations:
        s = r.lhs
        if r.kind != "zero":
            obligations.append((le(0, sp.diff(expr, s), f"{what} increases in {s}"), []))
        expr = expr.xreplace({s: r.rhs})
    return sp.expand(expr), obligations


def _one_step_cases(thm: Theorem) -> list[list[Bound]]:
    """The extra bounds of each case the chain derives the stated one-step inequality in (one empty case if none)."""
    cases = [[condition_bound(c) for c in s.assume] for s in thm.chain
             if s.derives is not None and s.derives.goal == ONE_STEP]
    return [c for c in cases if c] if any(cases) else [[]]


def _potential_decrease(thm: Theorem):
    """(D, obligations, budget): Psi_{t+1} <= Psi_t - D read off the stated potential, its weight proved
    nonnegative, and the initial potential's extra a ||s_0||^2 that the sum of decreases may spend."""
    one = thm.one_step
    pot = one.potential
    if thm.rate.expectation != one.expectation:
        # E_t Psi_{t+1} <= Psi_t - D sums, in total expectation, to a bound on expected measures only; a pathwise
        # step would need E_t taken through an oracle lemma first, which has no rule for a potential yet
        raise ValueError("a potential step in expectation telescopes to an expected measure only, and a pathwise one "
                         "to a pathwise measure" if one.expectation else
                         "a pathwise potential step with an expected rate has no telescoping rule yet")
    if pot.shifted and sp.sympify(pot.initial) != 0:
        raise ValueError("the potential reads f at z_t = x_t + k s_t: z_0 is x_0 (Psi_0 = f(x_0) + a ||s_0||^2) only "
                         "when s_0 = 0, and the stated ||s_0||^2 is not 0")
    if pot.shifted and any(gap in e.free_symbols for e in (thm.rate.bound.expr, *(
            [thm.rate_at_prescription.expr] if thm.rate_at_prescription is not None else []))):
        raise ValueError("the potential reads f at the shifted z_T, not x_T: the run's gap f(x_0) - f(x_T) does not "
                         "bound the sum of decreases (state the rate with Delta)")
    if sp.expand(one.lhs - pot.at(nxt=True)) != 0:
        raise ValueError(f"the one-step inequality's left side is {one.lhs}, not the stated potential "
                         f"Psi_{{t+1}} = {pot.at(nxt=True)}: no telescoping rule")
    D = pot.at() - one.rhs  # unexpanded where the terms cancel as written: c ||g||^2 with c's min intact is cheaper
    values = {f, f_next, f_z, f_z_next, state_sq, state_sq_next}
    if D.free_symbols & values:
        D = sp.expand(D)
    if D.free_symbols & values:
        raise ValueError("the one-step inequality is not of the form Psi_{t+1} <= Psi_t - (decrease)")
    obligations = [(le(0, pot.weight, "the potential's weight a is nonnegative: Psi_T >= f(x_T)"), case)
                   for case in _one_step_cases(thm)]
    return D, obligations, pot.weight * pot.initial


def _decrease(thm: Theorem):
    """(D, obligations, cites, budget): the guaranteed decrease f(x_t) - E_t f(x_{t+1}) (of the potential, when one
    is stated) the one-step inequality states, and what the sum of decreases may spend beyond f(x_0) - f*."""
    one, rate = thm.one_step, thm.rate
    if one.potential is not None:
        D, obligations, budget = _potential_decrease(thm)
        return D, obligations, (), budget
    if one.lhs not in (f_next, expected(f_next)):
        # telescoping reads the decrease off the right side alone: f_next - c g2 <= f - 2c g2 is true and would
        # pass for a decrease of 2c g2
        raise ValueError(f"the one-step inequality's left side is {one.lhs}, not f(x_{{t+1}}): no telescoping rule")
    rhs = one.rhs
    if one.expectation or not rate.expectation:
        return f - rhs, [], (), sp.Integer(0)
    lemma_id = ORACLE_LEMMA.get(thm.oracle)
    if lemma_id is None:
        raise ValueError(f"no oracle lemma takes E_t of a pathwise one-step for the {thm.oracle!r} oracle")
    inst = Instance(lemma_id)
    relations, _ = instantiate(inst, get_lemma(lemma_id), thm)
    expected_rhs = rhs.xreplace({s: expected(s) for s in rhs.free_symbols if expected(s) in
                                 {r.lhs for r in relations}})
    bound, obligations = _bound_through(expected_rhs, relations, "the one-step bound")
    return f - bound, obligations, (inst,), sp.Integer(0)


def _pieces(e: sp.Expr, ys) -> list[sp.Expr]:
    """e with each min/max in the measured variables replaced by each of its arguments in turn (every
    combination): a min or max of increasing pieces increases, and the pieces have plain derivatives."""
    atoms = sorted((m for m in e.atoms(sp.Min, sp.Max) if m.free_symbols & set(ys)), key=sp.count_ops)
    if not atoms:
        return [e]
    return [p for arg in atoms[0].args for p in _pieces(e.xreplace({atoms[0]: arg}), ys)]


def _lower_model(phi: sp.Expr, D: sp.Expr, ys: tuple, rate) -> list:
    """What makes T phi(m) >= (what the decreases may spend) bound the measure m: phi below the stated decrease D
    (when a via gives phi), increasing in the measured variables, and convex for an average (Jensen)."""
    positive = [Bound(v, 0, sp.oo) for v in ys]
    out = [(le(phi, D, "the lower model phi is below the stated decrease"), positive)] if rate.via is not None else []
    for piece in _pieces(phi, ys):
        slopes = [sp.diff(piece, v) for v in ys]
        if len(ys) == 2:
            out += [(le(0, s, f"phi increases in {v}"), positive) for s, v in zip(slopes, ys)]
            out.append((lt(0, sum(slopes), "phi increases along the diagonal"), positive))
        else:
            out.append((lt(0, slopes[0], f"phi increases in {ys[0]}: the per-step coefficient is positive"), positive))
    if rate.measure in AVERAGE_MEASURES:
        out.append((le(0, sp.diff(phi, ys[0], 2), "phi is convex (Jensen)"), positive))
    return out


def _root_chart(R: sp.Expr, total: sp.Expr):
    """A change of variable that makes a rate with one square root rational: when every root in R is sqrt(a), a =
    alpha Delta + beta (alpha, beta free of Delta), the link's obligations are proved in s = sqrt(a) > 0 in place of
    Delta = (s^2 - beta)/alpha. Sound: alpha > 0 and a > 0 (proved here) put sqrt(a) in s's domain for every Delta,
    where each obligation and its bounds take their old values, so one proved for every s > 0 holds for every Delta;
    Delta <= X is proved as alpha Delta = s^2 - beta <= alpha X (the same relation, alpha > 0).
    (A tangent's point r/R with R = 2 (sqrt(r) + r/k) is then rational; SymPy never sees sqrt of a sum.)
    Returns a function of the link's (obligation, bounds) pairs, or None where the rate is not of that form."""
    delta = total if isinstance(total, sp.Symbol) else None
    roots = {p.base for p in R.atoms(sp.Pow) if p.exp in (sp.S.Half, -sp.S.Half)} if delta is not None else set()
    if len(roots) != 1:
        return None
    a = roots.pop()
    alpha = sp.diff(a, delta)
    beta = a.xreplace({delta: 0})  # a(0), as written: it cancels against the rate's own terms
    if alpha == 0 or alpha.has(delta) or sp.expand(a - alpha * delta - beta) != 0:
        return None
    s = sp.Symbol(f"sqrt_{delta.name}", positive=True)  # sqrt(a), a fresh variable of the link only
    to_s = {delta: (s ** 2 - beta) / alpha}

    def rewrite(e: sp.Expr) -> sp.Expr:  # a as s^2 where it is written, then Delta = Delta(s) wherever else it is
        e = sp.sympify(e).xreplace({a: s ** 2}).xreplace(to_s)  # sqrt(a(Delta(s))) is sqrt(s^2) = s once cancelled
        return e.replace(lambda p: isinstance(p, sp.Pow) and p.base.has(s) and p.exp in (sp.S.Half, -sp.S.Half),
                         lambda p: sp.Pow(sp.cancel(p.base), p.exp))

    def times_alpha(x: sp.Expr) -> sp.Expr:  # alpha into each term of x's one sum, so its factors cancel there
        sums = [f for f in sp.Mul.make_args(x) if f.is_Add]
        if len(sums) != 1:
            return alpha * x
        rest = x / sums[0]
        return sp.Add(*(alpha * rest * term for term in sums[0].args))

    def scaled(o: Obligation) -> Obligation:  # Delta <= X as alpha Delta = s^2 - beta <= alpha X (alpha > 0): no 1/alpha
        return Obligation(o.kind, s ** 2 - beta, times_alpha(o.rhs), o.text) if o.lhs == delta else o

    def chart(pairs):
        where = f" (in {s} = sqrt({sp.sstr(a)}))"
        moved = [(Obligation(o.kind, rewrite(o.lhs), rewrite(o.rhs), str(o) + where),
                  [Bound(b.symbol, rewrite(b.lo), rewrite(b.hi)) for b in bounds if b.symbol != delta] +
                  [Bound(s, 0, sp.oo)]) for o, bounds in ((scaled(o), bounds) for o, bounds in pairs)]
        return [(lt(0, alpha, f"{s} = sqrt({sp.sstr(a)}) increases in {delta}"), []),
                (lt(0, a, f"{s} = sqrt({sp.sstr(a)}) is real and positive"), [])] + moved

    return chart


def telescoping(thm: Theorem, at_prescription: bool) -> Link:
    rate = thm.rate
    stated = "rate_at_prescription" if at_prescription else "rate"
    R = (thm.rate_at_prescription if at_prescription else rate.bound).expr
    name = "rate at the prescription from the one-step inequality" if at_prescription else \
        "rate from the one-step inequality"
    link = Link(name, "", (stated,), ("one_step",) + (("prescription",) if at_prescription else ()))
    try:
        D, obligations, cites, budget = _decrease(thm)
    except ValueError as err:
        link.error = str(err)
        return link
    link.cites = cites
    if D.has(f) or D.free_symbols & {expected(s) for s in D.free_symbols}:
        link.error = "the one-step inequality is not of the form f(x_{t+1}) <= f(x_t) - (decrease)"
        return link
    norm_measure = rate.measure == "mean_grad_norm_before_T"
    phi = rate.via.xreplace({RATE_VALUE: R}) if rate.via is not None else D
    if norm_measure:
        D, phi = (e.xreplace({grad_sq: grad_norm ** 2}) for e in (D, phi))
    if at_prescription:
        presc = prescribed(thm)
        D, phi = D.xreplace(presc), phi.xreplace(presc)
    y = grad_norm if norm_measure else grad_sq
    pair = rate.measure == "min_grad_sq_through_T"
    ys = (y, grad_sq_next) if pair else (y,)
    if rate.measure not in AVERAGE_MEASURES + MIN_MEASURES:
        link.error = f"no telescoping rule for the measure {rate.measure!r}"
        return link
    obligations += _lower_model(phi, D, ys, rate)
    total = (gap if gap in R.free_symbols else sp.Symbol("Delta", positive=True)) + \
        (budget.xreplace(prescribed(thm)) if at_prescription else budget)
    at_R = phi.xreplace({v: R for v in ys})
    obligations.append((le(total, thm.T * at_R, f"T phi(rate) >= {total}: {thm.T} steps of decrease exhaust it"), []))
    chart = _root_chart(R, total) if rate.via is not None else None
    if chart is not None:
        obligations = chart(obligations)
    link.obligations = obligations
    link.statement = ("T phi(R) >= " + str(total) + " with phi increasing" +
                      (" and convex" if rate.measure in AVERAGE_MEASURES else "") + f", phi <= D (measure {rate.measure})")
    return link


def complexity_link(thm: Theorem) -> Link:
    """For T >= T(eps) the measure is at most the target: at T = T(eps), and the bound improves with T."""
    T_eps, T, target = thm.complexity_real(), thm.T, thm.target
    delta = sp.Symbol("Delta", positive=True)
    # a T(eps) that mentions a prescribed hyperparameter is stated for every value of it: the one-step inequality
    # links it; one stated at the prescription follows from the rate there
    general = set(prescribed(thm)) & T_eps.free_symbols
    if thm.rate_at_prescription is not None and not general:
        R = thm.rate_at_prescription.expr.xreplace({gap: delta})
        return Link("complexity from the rate at the prescription", f"the rate at the prescription is at most "
                    f"{target} at T(eps) and decreases in T", ("complexity",), ("rate_at_prescription",),
                    [(le(R.xreplace({T: T_eps}), target, f"rate at the prescription at T(eps) <= {target}"), []),
                     (le(sp.diff(R, T), 0, "the rate at the prescription decreases in T"), [])])
    if thm.rate is not None and thm.rate.measure in CONTRACTION_MEASURES and thm.one_step is not None:
        return contraction_complexity(thm)
    link = Link("complexity from the one-step inequality", "", ("complexity",), ("one_step",))
    if thm.one_step is None or thm.rate is None:
        link.error = "no one-step inequality or rate to take T(eps) from"
        return link
    stated_at = {q.symbol for q in thm.hyperparameters if q.name in thm.prescription
                 and q.symbol not in thm.complexity.expr.free_symbols}
    try:
        D, obligations, cites, budget = _decrease(thm)
    except ValueError as err:
        link.error = str(err)
        return link
    norm_measure = thm.rate.measure == "mean_grad_norm_before_T"
    phi = thm.rate.via.xreplace({RATE_VALUE: target}) if thm.rate.via is not None else D  # the measure's bound: target
    if norm_measure:
        phi = phi.xreplace({grad_sq: grad_norm ** 2})
    presc = {s: e for s, e in prescribed(thm).items() if s in stated_at}
    y = grad_norm if norm_measure else grad_sq
    ys = (y, grad_sq_next) if thm.rate.measure == "min_grad_sq_through_T" else (y,)
    if thm.rate.measure not in AVERAGE_MEASURES + MIN_MEASURES:
        link.error = f"no telescoping rule for the measure {thm.rate.measure!r}"
        return link
    # T phi(target) >= Delta bounds the measure only through a lower model that is one: proved here, not borrowed
    # from the rate's link (which may be unlinked, or read another via)
    D = D.xreplace({grad_sq: grad_norm ** 2}) if norm_measure else D
    obligations += _lower_model(phi.xreplace(presc), D.xreplace(presc), ys, thm.rate)
    total = T * phi.xreplace(presc).xreplace({v: target for v in ys})  # T phi(target): what T steps must exceed
    obligations += [(le(delta + budget.xreplace(presc), total.xreplace({T: T_eps}), f"T(eps) phi({target}) >= Delta"
                        + (" + a ||s_0||^2" if budget != 0 else "")), []),
                    (le(0, sp.diff(total, T), f"T phi({target}) increases in T"), [])]
    link.obligations, link.cites = obligations, cites
    link.statement = f"T phi({target}) >= Delta at T = T(eps) and beyond: the measure reaches {target}" + \
        (f" (at the prescribed {', '.join(sorted(map(str, presc)))})" if presc else "")
    return link


def links(thm: Theorem) -> list[Link]:
    out = prescription_links(thm)
    if thm.kind != "upper":
        return out
    if thm.rate is not None and thm.one_step is not None:
        rule = contraction if thm.rate.measure in CONTRACTION_MEASURES else telescoping
        out.append(rule(thm, at_prescription=False))
        if thm.rate_at_prescription is not None:
            out.append(rule(thm, at_prescription=True))
    if thm.complexity is not None:
        out.append(complexity_link(thm))
    return out


def stated_objects(thm: Theorem) -> list[str]:
    present = [name for name in STATED if getattr(thm, name) is not None]
    if thm.kind == "lower":
        present = [p for p in present if p != "complexity"]  # a lower bound's complexity is its claim's
    return present + [f"prescription.{k}" for k in thm.prescription]


def derives_one_step(thm: Theorem) -> bool:
    return any(s.derives is not None and s.derives.goal == ONE_STEP for s in thm.chain)


# ---------------------------------------------------------------------------------------------
# a function gap that contracts: f(x_{t+1}) - f* <= rho (f(x_t) - f*), then induction on T


def _contraction(thm: Theorem, at_prescription: bool):
    """(rho, obligations, cites): the stated one-step inequality f(x_{t+1}) <= f(x_t) - D(||grad f(x_t)||^2), minus
    f*, with the cited PL premise ||grad f(x_t)||^2 >= B(f(x_t) - f*) (B = 2 mu e), gives
    f(x_{t+1}) - f* <= e - D(B(e)) <= rho e for e = f(x_t) - f* >= 0, when D increases and B >= 0.
    rho is the rate's ``via``: a hint, checked here, never trusted."""
    rho = thm.rate.via
    if rho is None:
        raise ValueError(f"the measure {thm.rate.measure!r} needs the contraction factor rho as the rate's via")
    if thm.one_step.potential is not None:
        raise ValueError("a contraction reads f's own one-step inequality; a potential's has no contraction rule yet")
    D, obligations, cites, _ = _decrease(thm)
    if D.has(f) or D.free_symbols & {grad_sq_next, f_next}:
        raise ValueError("the one-step inequality is not of the form f(x_{t+1}) <= f(x_t) - D(||grad f(x_t)||^2)")
    inst = Instance(PL_LEMMA, bind=(("e", e_t), ("gx", Vec.named("g"))))
    conclusions, hypotheses = instantiate(inst, get_lemma(PL_LEMMA), thm)
    if len(conclusions) != 1:
        raise ValueError(f"{PL_LEMMA} must state one relation; it states {len(conclusions)}")
    slack = sp.expand(conclusions[0].rhs - conclusions[0].lhs)  # >= 0
    a = sp.diff(slack, grad_sq)
    if a.has(grad_sq) or a == 0:
        raise ValueError(f"{PL_LEMMA} is not a lower bound on ||grad f||^2 affine in it: {conclusions[0]}")
    B = sp.expand(grad_sq - slack / a)  # the premise, solved: ||grad f(x_t)||^2 >= B
    if at_prescription:
        presc = prescribed(thm)
        D, rho, B = D.xreplace(presc), rho.xreplace(presc), B.xreplace(presc)
    gap_pos = [Bound(e_t, 0, sp.oo)]
    obligations = list(obligations) + [(h, gap_pos) for h in hypotheses]
    obligations += [
        (lt(0, a, f"{PL_LEMMA} bounds ||grad f(x_t)||^2 from below"), gap_pos),
        (le(0, B, f"the lower bound {PL_LEMMA} gives is nonnegative"), gap_pos),
        (le(0, sp.diff(D, grad_sq), "the stated decrease increases in ||grad f(x_t)||^2"), [Bound(grad_sq, 0, sp.oo)]),
        (le(e_t - D.xreplace({grad_sq: B}), rho * e_t,
            f"f(x_(t+1)) - f* <= rho (f(x_t) - f*): the one-step inequality at ||grad f||^2 >= {sp.sstr(B.xreplace({e_t: sp.Symbol('e')}))}"),
         gap_pos),
        (le(0, rho, "rho >= 0: contractions compose"), []),
    ]
    return rho, obligations, tuple(cites) + (inst,)


def contraction(thm: Theorem, at_prescription: bool) -> Link:
    """The stated rate R(T) >= rho^T Delta: f(x_0) - f* <= Delta, the contraction at each step, and induction
    (base rho Delta <= R(1); step rho R(T) <= R(T + 1))."""
    stated = "rate_at_prescription" if at_prescription else "rate"
    R = (thm.rate_at_prescription if at_prescription else thm.rate.bound).expr
    link = Link("rate at the prescription by contraction" if at_prescription else "rate by contraction", "",
                (stated,), ("one_step",) + (("prescription",) if at_prescription else ()))
    try:
        rho, obligations, link.cites = _contraction(thm, at_prescription)
    except ValueError as err:
        link.error = str(err)
        return link
    delta, T = sp.Symbol("Delta", positive=True), thm.T
    obligations += [(le(rho * delta, R.xreplace({T: 1}), "base case T = 1: rho Delta <= R(1)"), []),
                    (le(rho * R, R.xreplace({T: T + 1}), "induction step: rho R(T) <= R(T + 1)"), [])]
    link.obligations = obligations
    link.statement = (f"f(x_(t+1)) - f* <= rho (f(x_t) - f*) with rho = {sp.sstr(rho)} (one-step inequality and "
                      f"{PL_LEMMA}), so f(x_T) - f* <= rho^T Delta <= R(T) by induction on T")
    return link


def contraction_complexity(thm: Theorem) -> Link:
    """For T >= T(eps), rho^T Delta <= eps: at T(eps) (in logs, with rho as a symbol in (0, 1]) and beyond, rho <= 1.
    Only eps < Delta needs a step: f(x_0) - f* <= Delta <= eps otherwise (and T(eps) <= 0 there says the same)."""
    link = Link("complexity from the contraction", "", ("complexity",), ("one_step",))
    try:
        rho, obligations, link.cites = _contraction(thm, False)
    except ValueError as err:
        link.error = str(err)
        return link
    delta = sp.Symbol("Delta", positive=True)
    T_eps = thm.complexity_real().xreplace({rho: r_rho})
    obligations += [(lt(0, rho, "rho > 0"), []), (le(rho, 1, "rho <= 1: rho^T Delta decreases in T"), []),
                    (le(T_eps * sp.log(r_rho) + sp.log(delta), sp.log(thm.target),
                        f"log(rho^T(eps) Delta) <= log {thm.target}, for every rho in (0, 1]"),
                     [Bound(r_rho, 0, 1), Bound(thm.eps, 0, delta)])]
    link.obligations = obligations
    link.statement = (f"rho^T Delta <= {thm.target} at T = T(eps) and beyond for eps < Delta (no step is needed for "
                      f"eps >= Delta), rho = {sp.sstr(rho)}")
    return link
