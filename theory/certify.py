"""certify(theorem): prove the theorem as stated, level by level, and say what it rests on.

A certificate has four parts, each a list of checks whose level is its weakest obligation's:

* ``steps``: the proof chain. Plain obligations, each step's assumptions justified (a side of a
  case split whose other side the chain also takes, a lemma instance that implies it, a local
  symbol's definition, or else proved from the domains and conditions), and derivations: the goal,
  read from the theorem when it is the stated one-step inequality, from weighted premises (lemma
  instances and relations proved on the spot) with a remainder that must be nonnegative;
* ``links``: theory.links' obligations, which tie every stated object to the chain or to another;
* ``premises``: every lemma the chain and the links cite, transitively: a proved lemma with its
  chain, an axiom with its witnesses (its constants hold, tightly, on members of its class);
* ``claims``: the papers' statements that can be checked symbolically (orders).

A stated formula that no link binds is reported ``unlinked`` and caps the certificate at
``unverified``. certify never raises: an internal error is a failed check that names it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from . import links as L
from .lemma import Instance, Lemma, cited, expectation, get_lemma, instantiate, witness_obligations
from .model import ONE_STEP, ChainStep, Define, Obligation, Stated, Theorem, expected, le
from .prove import Bound, Proof, prove, weakest
from .registry import theorems


@dataclass
class Check:
    name: str
    statement: str
    level: str
    provenance: str = ""
    details: list = field(default_factory=list)  # (obligation text, kind, expr, Proof)
    kind: str = "chain"  # chain, link, claim, lemma

    def to_dict(self):
        return {"name": self.name, "statement": self.statement, "level": self.level, "kind": self.kind,
                "provenance": self.provenance,
                "obligations": [{"text": t, "kind": k, "expr": sp.sstr(e), "level": p.level,
                                 "detail": p.detail, **({"counterexample": p.counterexample} if p.counterexample else {}),
                                 **({"box": p.box} if p.box else {})}
                                for t, k, e, p in self.details]}


@dataclass
class Premise:
    """A cited lemma with its own certificate: proved by a chain, or an axiom checked on witnesses."""

    id: str
    title: str
    axiom: bool
    source: str
    function_class: str
    checks: list[Check]

    @property
    def level(self) -> str:
        return weakest(c.level for c in self.checks) if self.checks else "unverified"

    def to_dict(self):
        return {"id": self.id, "title": self.title, "axiom": self.axiom, "source": self.source,
                "function_class": self.function_class, "level": self.level,
                "checks": [c.to_dict() for c in self.checks]}


@dataclass
class Certificate:
    theorem: str
    steps: list[Check]
    claims: list[Check]
    links: list[Check] = field(default_factory=list)
    premises: list[Premise] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        """The weakest level over the chain, the links and the premises; unlinked statements or no chain at
        all cap it at unverified (the claims are reported separately)."""
        levels = [c.level for c in (*self.steps, *self.links)] + [p.level for p in self.premises]
        if not self.steps or self.unlinked:
            levels.append("unverified")
        return weakest(levels)

    @property
    def claims_level(self) -> str:
        """The weakest claim check; "none" when no claim is checkable symbolically (they are checked by runs)."""
        return weakest(c.level for c in self.claims) if self.claims else "none"

    @property
    def ok(self) -> bool:
        return not self.failures()

    def failures(self) -> list[Check]:
        return [c for c in (*self.steps, *self.links, *self.claims, *(x for p in self.premises for x in p.checks))
                if c.level == "failed"]

    def axioms(self) -> list[Premise]:
        return [p for p in self.premises if p.axiom]

    def summary(self) -> str:
        if self.claims_level in (self.level, "none"):
            return self.level
        return f"{self.level}, claims {self.claims_level}"

    def to_dict(self):
        return {"theorem": self.theorem, "level": self.level, "claims_level": self.claims_level,
                "ok": self.ok, "unlinked": self.unlinked,
                "axioms": [p.id for p in self.axioms()],
                "steps": [s.to_dict() for s in self.steps], "links": [c.to_dict() for c in self.links],
                "premises": [p.to_dict() for p in self.premises],
                "claims": [c.to_dict() for c in self.claims]}


def _error(name: str, err: Exception, kind: str, provenance: str = "") -> Check:
    proof = Proof("failed", f"internal error: {type(err).__name__}: {err}")
    return Check(name, f"could not be checked: {type(err).__name__}: {err}", "failed", provenance,
                 [("", "nonneg", sp.Integer(0), proof)], kind)


def within(base: list[Bound], extra) -> list[Bound]:
    """The base context with ``extra``'s bounds replacing those of the same symbols (T >= T(eps) in place
    of T >= 1: a proof for every T >= T(eps) is what the link needs)."""
    extra = list(extra)
    replaced = {b.symbol for b in extra}
    return [b for b in base if b.symbol not in replaced] + extra


def _discharge(name, statement, obligations, provenance="", samples=2000, kind="chain") -> Check:
    """obligations: (Obligation, bounds) pairs."""
    details = []
    for o, bounds in obligations:
        details.append((str(o), o.kind, o.expr, prove(o.kind, o.expr, bounds, samples=samples)))
    level = weakest(p.level for *_, p in details) if details else "unverified"
    return Check(name, statement, level, provenance, details, kind)


# ---------------------------------------------------------------------------------------------
# chain steps


def _single_symbol_bounds(relations: list[Obligation]) -> list[Bound]:
    out = []
    for r in relations:
        if r.kind != "zero" and isinstance(r.rhs, sp.Symbol) and not r.lhs.has(r.rhs):
            out.append(Bound(r.rhs, r.lhs, sp.oo))
        elif r.kind != "zero" and isinstance(r.lhs, sp.Symbol) and not r.rhs.has(r.lhs):
            out.append(Bound(r.lhs, sp.S.NegativeInfinity, r.rhs))
    return out


def _justify(c, base, thm, overrides, lemma=None) -> list:
    """Obligations that justify a step's assumption c (none for a side of a case split)."""
    rel = L.relation_of(c)
    if c.case:
        return []
    if isinstance(c.by, Instance):
        conclusions, hypotheses = instantiate(c.by, get_lemma(c.by.lemma, overrides), thm, lemma)
        given = base + _single_symbol_bounds(conclusions)
        return [(h, base) for h in hypotheses] + [(Obligation(rel.kind, rel.lhs, rel.rhs, f"{c} by {c.by.lemma}"), given)]
    if isinstance(c.by, Define):
        o = rel.xreplace({c.by.symbol: c.by.expr})
        return [(Obligation(o.kind, o.lhs, o.rhs, f"{c}, as {c.by.symbol} = {sp.sstr(c.by.expr)}"), base)]
    return [(Obligation(rel.kind, rel.lhs, rel.rhs, f"{c} (from the domains and conditions)"), base)]


def _stated(ref: Stated, lemma: Lemma | None) -> Obligation:
    if lemma is None:
        raise ValueError("Stated(...) refers to a lemma's conclusion, outside a lemma's proof")
    return lemma.conclusions[ref.conclusion].xreplace(dict(ref.at))


def _goal(goal, thm: Theorem, lemma: Lemma | None = None) -> Obligation:
    if isinstance(goal, Stated):
        return _stated(goal, lemma)
    if goal != ONE_STEP:
        return goal
    one = thm.one_step
    if one is None:
        raise ValueError(f"the chain derives the one-step inequality, but {thm.id} states none")
    if one.potential is not None:  # ||s_t||^2, ||s_{t+1}||^2 are the stated state vectors' Gram entries
        rule = one.potential.in_gram(thm.vectors())
        step = le(one.lhs.xreplace(rule), one.rhs.xreplace(rule), "the stated potential step")
        # E_t Psi_{t+1}: ||s_{t+1}||^2 is affine in the oracle's answer's Gram entries, E_t is linear
        return expectation(step, thm.random) if one.expectation else step
    lhs = expected(one.lhs) if one.expectation else one.lhs
    return le(lhs, one.rhs, "the stated one-step inequality")


def _derivation(step: ChainStep, thm, ctx, overrides, lemma=None) -> list:
    """Obligations of a derivation: weights >= 0, premises' hypotheses, and the remainder."""
    d = step.derives
    goal = _goal(d.goal, thm, lemma)
    obligations, total = [], sp.Integer(0)
    for premise, weight in d.premises:
        weight = sp.sympify(weight)
        if isinstance(premise, Stated):  # the induction hypothesis: the goal's conclusion at the previous state
            if not (isinstance(d.goal, Stated) and d.goal.conclusion == premise.conclusion and d.goal.at != premise.at):
                raise ValueError("an induction hypothesis must be the goal's own conclusion at another state")
            rel = _stated(premise, lemma)
        elif isinstance(premise, Instance):
            conclusions, hypotheses = instantiate(premise, get_lemma(premise.lemma, overrides), thm, lemma)
            if len(conclusions) != 1:
                raise ValueError(f"a premise is one relation; {premise.lemma} gives {len(conclusions)} (pick one)")
            rel = conclusions[0]
            obligations += [(Obligation(h.kind, h.lhs, h.rhs, f"hypothesis of {premise.lemma}: {h}"), ctx)
                            for h in hypotheses]
        else:
            rel = premise
            obligations.append((rel, ctx))
        if rel.kind != "zero" and not weight.is_nonnegative:
            obligations.append((le(0, weight, f"the weight of {premise.lemma if isinstance(premise, Instance) else rel} "
                                              f"is nonnegative"), ctx))
        total += weight * (rel.rhs - rel.lhs)
    remainder = sp.expand(goal.rhs - goal.lhs - total)
    kind = "pos" if goal.kind == "pos" else "zero" if goal.kind == "zero" else "nonneg"
    obligations.append((Obligation(kind, 0, remainder,
                                   f"{goal} follows: the remainder after the weighted premises is {'zero' if kind == 'zero' else 'nonnegative'}"),
                        ctx))
    return obligations


def step_obligations(step: ChainStep, thm, base: list[Bound], overrides=None, lemma=None) -> list:
    """Everything a chain step must prove, each obligation with the bounds it may use."""
    ctx = base + [L.condition_bound(c) for c in step.assume]
    obligations = []
    for c in step.assume:
        obligations += _justify(c, base, thm, overrides, lemma)
    obligations += [(o, ctx) for o in step.obligations]
    if step.derives is not None:
        obligations += _derivation(step, thm, ctx, overrides, lemma)
    return obligations


def certify_step(step: ChainStep, thm, base: list[Bound], overrides=None, samples=2000, lemma=None) -> Check:
    try:
        obligations = step_obligations(step, thm, base, overrides, lemma)
        return _discharge(step.name, step.statement, obligations, step.source.tag, samples)
    except Exception as err:  # noqa: BLE001 - reported, never raised
        return _error(step.name, err, "chain", step.source.tag)


def _cases(steps) -> list[Check]:
    """Every case split the chain uses must have both of its sides taken somewhere."""
    sides: dict[str, set] = {}
    for s in steps:
        for c in s.assume:
            if c.case:
                sides.setdefault(c.case, set()).add(type(c.relation))
    out = []
    for name, kinds in sides.items():
        ok = {sp.LessThan, sp.GreaterThan} <= kinds or {sp.StrictLessThan, sp.GreaterThan} <= kinds or \
            {sp.LessThan, sp.StrictGreaterThan} <= kinds
        out.append(Check(f"cases {name}", "both sides of the split are taken", "symbolic" if ok else "failed",
                         kind="chain"))
    return out


# ---------------------------------------------------------------------------------------------
# lemmas


_LEMMA_CACHE: dict = {}


def certify_lemma(lemma: Lemma, overrides=None, samples=2000) -> Premise:
    key = (id(lemma), tuple(sorted((k, id(v)) for k, v in (overrides or {}).items())))
    if key in _LEMMA_CACHE and _LEMMA_CACHE[key][0] is lemma:  # the lemma is kept alive with its entry
        return _LEMMA_CACHE[key][1]
    base = [Bound(q.symbol, q.lo, q.hi) for q in lemma.constants]
    checks = []
    if lemma.axiom:
        for w in lemma.witnesses:
            try:
                pairs = [(o, base + [Bound(s, lo, hi) for s, lo, hi in params])
                         for o, params in witness_obligations(lemma, w)]
                checks.append(_discharge(f"witness {w.name}", f"the conclusions hold on {w.name}", pairs,
                                         lemma.source.tag, samples, "lemma"))
            except Exception as err:  # noqa: BLE001
                checks.append(_error(f"witness {w.name}", err, "lemma", lemma.source.tag))
    else:
        base += _single_symbol_bounds(list(lemma.hypotheses))
        checks = [certify_step(s, None, base, overrides, samples, lemma) for s in lemma.proof] + _cases(lemma.proof)
        checks += _conclusions_derived(lemma)
    out = Premise(lemma.id, lemma.title, lemma.axiom, f"[{lemma.source.tag}] {lemma.source.ref}",
                  lemma.function_class, checks)
    _LEMMA_CACHE[key] = (lemma, out)
    return out


def _conclusions_derived(lemma: Lemma) -> list[Check]:
    """Each stated conclusion of a proved lemma is some step's goal (an induction also needs its base case)."""
    goals = {}
    for s in lemma.proof:
        if s.derives is not None and isinstance(s.derives.goal, Stated):
            inductive = any(isinstance(p, Stated) for p, _ in s.derives.premises)
            goals.setdefault(s.derives.goal.conclusion, []).append(inductive)
    missing = [i for i in range(len(lemma.conclusions))
               if i not in goals or all(goals[i])]  # never derived, or only from its own hypothesis
    if not missing:
        return []
    return [Check("conclusions", "conclusions no step derives (or only inductively, with no base case): " +
                  "; ".join(str(lemma.conclusions[i]) for i in missing), "unverified", kind="lemma")]


# ---------------------------------------------------------------------------------------------
# claims


def eps_exponent(thm: Theorem, expr: sp.Expr | None = None) -> sp.Rational:
    """p with T(eps) = Theta(eps^-p) as eps -> 0: SymPy's limit, else a numerical slope."""
    expr = thm.complexity_real() if expr is None else expr
    e = thm.eps
    try:
        p = sp.limit(sp.log(expr) / sp.log(1 / e), e, 0, "+")
        if p.is_Rational:
            return p
    except (NotImplementedError, ValueError, TypeError):
        pass
    ones = {s: 1 for s in expr.free_symbols if s != e}
    fn = sp.lambdify(e, expr.subs(ones), modules="mpmath")
    with mpmath.workdps(60):
        slope = (mpmath.log(fn(mpmath.mpf("1e-60"))) - mpmath.log(fn(mpmath.mpf("1e-30")))) / (30 * mpmath.log(10))
    return sp.Rational(str(mpmath.nstr(slope, 8))).limit_denominator(12)


def claim_checks(thm: Theorem) -> list[Check]:
    out: list[Check] = []
    for c in thm.claims:
        if c.kind != "order" or c.eps_exponent is None:
            continue
        try:
            if thm.complexity is None:
                continue
            p = eps_exponent(thm)
            if c.lower:
                # a lower bound's order is not proved here: only that its own complexity has it, and that
                # no certified upper bound of the same class and oracle beats it
                out.append(Check("order", f"{c.statement}: the stated complexity is Theta(eps^-{p}); the claim is "
                                          f"Omega(eps^-{c.eps_exponent}) and nothing here proves it",
                                 "unverified" if p == c.eps_exponent else "failed", c.source.tag, kind="claim"))
                out.append(_consistency(thm, c))
            else:
                ok = p <= c.eps_exponent
                out.append(Check("order", f"{c.statement}: T(eps) = Theta(eps^-{p}), claimed O(eps^-{c.eps_exponent})",
                                 "symbolic" if ok else "failed", c.source.tag, kind="claim"))
        except Exception as err:  # noqa: BLE001
            out.append(_error("order", err, "claim", c.source.tag))
    return out


def _consistency(thm: Theorem, c) -> Check:
    uppers = [u for u in theorems(function_class=thm.function_class, oracle=thm.oracle, kind="upper")
              if u.complexity is not None]
    beaten = [(u.id, p) for u in uppers for p in [eps_exponent(u)] if p < c.eps_exponent]
    if beaten:
        return Check("consistency", f"upper bounds {beaten} beat the claimed Omega(eps^-{c.eps_exponent})", "failed",
                     c.source.tag, kind="claim")
    return Check("consistency", f"no upper bound of {len(uppers)} registered for {thm.function_class}, {thm.oracle} "
                                f"has an order below eps^-{c.eps_exponent}", "symbolic", c.source.tag, kind="claim")


# ---------------------------------------------------------------------------------------------


def certify(thm: Theorem, samples: int = 2000, lemmas: dict[str, Lemma] | None = None) -> Certificate:
    """Certify ``thm`` against the lemma library (``lemmas`` overrides entries by id: the mutation harness)."""
    base = L.context(thm)
    steps = [certify_step(s, thm, base, lemmas, samples) for s in thm.chain] + _cases(thm.chain)
    link_checks, bound = [], set()
    instances = []
    try:
        formed = L.links(thm)
    except Exception as err:  # noqa: BLE001
        formed = []
        link_checks.append(_error("links", err, "link"))
    for link in formed:
        if link.error:
            link_checks.append(Check(link.name, link.error, "failed", kind="link"))
            continue
        pairs = [(o, within(base, extra)) for o, extra in link.obligations]
        link_checks.append(_discharge(link.name, link.statement, pairs, samples=samples, kind="link"))
        bound |= set(link.binds)
        instances += list(link.cites)
    if L.derives_one_step(thm):
        bound.add("one_step")
    unlinked = [name for name in L.stated_objects(thm) if name not in bound]
    premises = []
    try:
        ids = cited(thm.chain, lemmas)
        for inst in instances:
            for lemma_id in [inst.lemma, *cited(get_lemma(inst.lemma, lemmas).proof, lemmas)]:
                if lemma_id not in ids:
                    ids.append(lemma_id)
        premises = [certify_lemma(get_lemma(i, lemmas), lemmas, samples) for i in ids]
    except Exception as err:  # noqa: BLE001
        link_checks.append(_error("premises", err, "lemma"))
    return Certificate(thm.id, steps, claim_checks(thm), link_checks, premises, unlinked)
