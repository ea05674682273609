"""The mutation harness: a certificate must refuse every false change to what a theorem states.

A *false* mutation makes a stated object more optimistic than the theorem proves, or a cited premise
stronger than it is:

* rate/2, rate at the prescription/2, complexity/4, complexity x eps^(1/2) (a better eps-order);
* the one-step decrease x2 (f_{t+1} <= f_t - 2 D, or Psi_{t+1} <= Psi_t - 2 D for a potential Psi);
* a potential's weight a halved, doubled or negated, its state frozen (s_{t+1} = s_t), its start ||s_0||^2 raised,
  its shifted point z_t = x_t + k s_t moved back to x_t;
* each condition widened 2x (an upper bound doubled, a lower bound halved; 0 moves by 1/2);
* each prescription x4, or /4 where a condition bounds it from below (out of its conditions where they bound it);
* each order claim one half better than proved (where a stated T(eps) makes it the certificate's);
* in each cited lemma's conclusion lhs <= rhs, each additive term of the slack rhs - lhs whose sign is
  proved is moved to the optimistic side (a nonnegative term halved, a nonpositive one doubled): the
  descent lemma with L/4 in place of L/2 is one of these.

* in the chain, each step made to claim more than it proves: an obligation made optimistic (an identity's
  side doubled; lhs <= rhs with a positive side scaled the optimistic way), or a derivation's premise weight
  doubled or halved. Such a mutant counts as false only when the harness itself witnesses it: a point of the
  step's context that violates one of the step's new obligations, found by its own seeded search (another seed
  and more points than certify's); the rest are reported as undecided, not counted.

A *weakening* (complexity x2, rate x2) is true whenever the theorem is, and must still certify: a
harness that refused everything would prove nothing. Mutants are built through the public model
(dataclasses.replace) and certified with ``theory.certify(thm, lemmas=overrides)``.

    python -m convcheck.mutate [ID ...] [--json]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass, field

import sympy as sp

from convcheck import theory
from convcheck.theory import links
from convcheck.theory.certify import certify, step_obligations
from convcheck.theory.lemma import get_lemma
from convcheck.theory.model import ChainStep, Condition, Derivation, Formula, Obligation, Theorem
from convcheck.theory.prove import Bound, merge_bounds, prove, search_counterexample, sign_proved
from convcheck.theory.symbols import f, f_next


@dataclass(frozen=True)
class Mutant:
    theorem: str
    name: str
    false: bool                      # False: a weakening, which must certify
    thm: Theorem
    lemmas: dict = field(default_factory=dict)
    touches: str = ""                # the stated object changed (links.STATED), when the mutant changes one


@dataclass
class Outcome:
    mutant: Mutant
    certified: bool
    error: str = ""
    vouched: bool = True             # False: the certificate reports the changed object unlinked (unverified)

    @property
    def right(self) -> bool:
        """A false mutant refused, a weakening certified."""
        return self.certified != self.mutant.false and not self.error


def _formula(f: Formula, expr) -> Formula:
    return dataclasses.replace(f, expr=expr)


def _widen(c: Condition) -> Condition | None:
    """The condition widened 2x, or None where the widened relation holds on the symbol's own domain (eps > 0
    widened to eps > -1/2 for a positive eps): that condition only restates the domain, so no false theorem is
    made by widening it."""
    r = c.relation
    upper = isinstance(r, (sp.StrictLessThan, sp.LessThan))
    if r.rhs == 0:
        rhs = sp.Rational(1, 2) if upper else -sp.Rational(1, 2)
    else:
        rhs = 2 * r.rhs if upper else r.rhs / 2
    widened = r.func(r.lhs, rhs)
    if widened is sp.true:
        return None
    return dataclasses.replace(c, relation=widened, text=f"{c} (widened)")


def statement_mutants(thm: Theorem) -> list[Mutant]:
    out: list[Mutant] = []

    def add(name, false=True, touches="", **changes):
        out.append(Mutant(thm.id, name, false, dataclasses.replace(thm, **changes), touches=touches))

    if thm.rate is not None:
        bound = thm.rate.bound
        add("rate / 2", touches="rate", rate=dataclasses.replace(thm.rate, bound=_formula(bound, bound.expr / 2)))
        add("rate x 2 (weakening)", False, touches="rate", rate=dataclasses.replace(thm.rate, bound=_formula(bound, bound.expr * 2)))
    if thm.rate_at_prescription is not None:
        add("rate at the prescription / 2", touches="rate_at_prescription",
            rate_at_prescription=_formula(thm.rate_at_prescription, thm.rate_at_prescription.expr / 2))
    if thm.complexity is not None:
        T = thm.complexity.expr
        add("complexity / 4", touches="complexity", complexity=_formula(thm.complexity, T / 4))
        add("complexity x eps^(1/2)", touches="complexity", complexity=_formula(thm.complexity, T * sp.sqrt(thm.eps)))
        add("complexity x 2 (weakening)", False, touches="complexity", complexity=_formula(thm.complexity, 2 * T))
    if thm.one_step is not None:
        s = thm.one_step
        p = s.potential
        psi, psi_next = (p.at(), p.at(nxt=True)) if p is not None else (f, f_next)
        decrease = psi - s.rhs if sp.expand(s.lhs - psi_next) == 0 else None
        if decrease is not None and decrease != 0:
            add("one-step decrease x 2", touches="one_step", one_step=dataclasses.replace(s, rhs=s.rhs - decrease))
        if p is not None and decrease is not None:
            out.extend(potential_mutants(thm, decrease))
    # A theorem that states no bound (a claim judged only on runs) certifies just that its prescription meets its
    # conditions: widening a condition the prescription still meets, or moving a prescription that no condition
    # and no stated bound reads, changes the claim's scope, not a certified statement, so neither is planted there.
    states_bound = any(o is not None for o in (thm.one_step, thm.rate, thm.complexity))
    for i, c in enumerate(thm.conditions if states_bound else ()):
        conditions = list(thm.conditions)
        conditions[i] = _widen(c)
        if conditions[i] is not None:
            add(f"condition {c} widened", conditions=tuple(conditions))
    for name, presc in thm.prescription.items():
        if not (states_bound or any(name in map(str, c.relation.free_symbols) for c in thm.conditions)):
            continue
        # out of its conditions: down where a condition bounds it from below (xi >= 10 L0 lr), else up
        below = any(str(c.symbol) == name and isinstance(c.relation, (sp.GreaterThan, sp.StrictGreaterThan))
                    for c in thm.conditions)
        factor = sp.Rational(1, 4) if below else 4
        add(f"prescription {name} x {factor}",
            prescription={**thm.prescription, name: _formula(presc, factor * presc.expr)})
    for i, claim in enumerate(thm.claims):
        # an order claim is the certificate's only against a stated T(eps) (certify.claim_checks); without one it
        # is an empirical claim, which convcheck check's order fit judges on runs, and no certificate can refuse
        if claim.kind == "order" and claim.eps_exponent is not None and not claim.lower and thm.complexity is not None:
            claims = list(thm.claims)
            claims[i] = dataclasses.replace(claim, eps_exponent=claim.eps_exponent - sp.Rational(1, 2))
            add(f"order claim eps^-{claims[i].eps_exponent}", claims=tuple(claims))
    return out


def potential_mutants(thm: Theorem, decrease: sp.Expr) -> list[Mutant]:
    """A potential Psi_t = f(x_t) + a ||s_t||^2 changed so that its step Psi_{t+1} <= Psi_t - D is false: a
    halved, doubled or negated (the optimal c = D/||g||^2 fixes a), s_{t+1} = s_t, or a start ||s_0||^2 > 0
    the rate does not pay for."""
    s = thm.one_step
    p = s.potential

    def with_potential(name, **changes):
        q = dataclasses.replace(p, **changes)
        one = dataclasses.replace(s, lhs=q.at(nxt=True), rhs=q.at() - decrease, potential=q)
        return Mutant(thm.id, name, True, dataclasses.replace(thm, one_step=one), touches="one_step")

    out = [with_potential("potential weight a / 2", weight=p.weight / 2),
           with_potential("potential weight a x 2", weight=2 * p.weight),
           with_potential("potential weight a -> -a", weight=-p.weight),
           with_potential("potential state s_{t+1} -> s_t", state_next=p.state),
           with_potential("initial ||s_0||^2 raised by 1", initial=p.initial + 1)]
    if p.shifted:  # f read at x_t in place of the stated shifted point z_t = x_t + k s_t
        out.append(with_potential("potential point z_t -> x_t", shift=sp.Integer(0)))
    return out


def _sign(term: sp.Expr, lemma) -> int:
    """+1 / -1 when the term is proved >= 0 / <= 0 for all values of the lemma's slots, else 0."""
    bounds = [Bound(q.symbol, q.lo, q.hi) for q in lemma.constants]
    for sign in (1, -1):
        if prove("nonneg", sign * term, bounds, samples=0).level == "symbolic":
            return sign
    return 0


def lemma_mutants(thm: Theorem, lemma_ids) -> list[Mutant]:
    out = []
    for lemma_id in lemma_ids:
        lemma = get_lemma(lemma_id)
        for i, concl in enumerate(lemma.conclusions):
            if concl.kind == "zero":
                continue
            for term in sp.Add.make_args(sp.expand(concl.rhs - concl.lhs)):
                sign = _sign(term, lemma)
                if sign == 0 or term.is_number:
                    continue
                factor = sp.Rational(1, 2) if sign > 0 else 2
                stronger = Obligation(concl.kind, concl.lhs, concl.rhs + (factor - 1) * term,
                                      f"{concl.text} [mutated: {term} -> {factor * term}]")
                conclusions = list(lemma.conclusions)
                conclusions[i] = stronger
                mutated = dataclasses.replace(lemma, conclusions=tuple(conclusions))
                out.append(Mutant(thm.id, f"lemma {lemma_id}: {term} -> {factor * term}", True, thm,
                                  {lemma_id: mutated}))
    return out


def _optimistic(o: Obligation) -> Obligation | None:
    """The obligation claiming strictly more (None when no side has a proved sign to scale)."""
    if o.kind == "zero" and o.rhs != 0:
        return Obligation("zero", o.lhs, 2 * o.rhs, f"{o} [mutated: right side doubled]")
    if o.kind == "zero":
        term = sp.Add.make_args(o.lhs)[0]
        return None if term == 0 else Obligation("zero", o.lhs + term, 0, f"{o} [mutated: the term {term} doubled]")
    if o.lhs != 0 and sign_proved(o.lhs) > 0:
        return Obligation(o.kind, 2 * o.lhs, o.rhs, f"{o} [mutated: left side doubled]")
    if o.rhs != 0 and sign_proved(o.rhs) > 0:
        return Obligation(o.kind, o.lhs, o.rhs / 2, f"{o} [mutated: right side halved]")
    return None


def _step_variants(step: ChainStep):
    """(name, mutated step) pairs: each obligation made optimistic, each derivation weight x2 and x1/2."""
    for j, o in enumerate(step.obligations):
        stronger = _optimistic(o)
        if stronger is not None:
            obligations = list(step.obligations)
            obligations[j] = stronger
            yield f"obligation {j + 1} {stronger.text.split(' [mutated: ')[1][:-1]}", \
                dataclasses.replace(step, obligations=tuple(obligations))
    if step.derives is not None:
        for k, (premise, weight) in enumerate(step.derives.premises):
            for factor in (2, sp.Rational(1, 2)):
                premises = list(step.derives.premises)
                premises[k] = (premise, factor * sp.sympify(weight))
                yield f"premise {k + 1}'s weight x {factor}", \
                    dataclasses.replace(step, derives=Derivation(step.derives.goal, tuple(premises)))


def _witness(step: ChainStep, original: ChainStep, thm: Theorem) -> bool:
    """A point of the step's context violating one of the obligations the mutation made (another seed and
    more points than certify's own search, so what it finds is the harness's evidence, not certify's)."""
    base = links.context(thm)
    before = {(o.kind, o.expr) for o, _ in step_obligations(original, thm, base)}
    for o, bounds in step_obligations(step, thm, base):
        if (o.kind, o.expr) in before:
            continue
        try:
            if search_counterexample(o.kind, o.expr, merge_bounds(bounds), n=WITNESS_SAMPLES, seed=7) is not None:
                return True
        except Exception:  # noqa: BLE001 - no evaluable witness: undecided, never counted as false
            continue
    return False


WITNESS_SAMPLES = 3000


def chain_mutants(thm: Theorem) -> tuple[list[Mutant], list[str]]:
    """The chain's false mutants (witnessed), and the names of the undecided ones."""
    out, undecided = [], []
    for i, step in enumerate(thm.chain):
        for name, mutated in _step_variants(step):
            label = f"chain step '{step.name}': {name}"
            try:
                false = _witness(mutated, step, thm)
            except Exception:  # noqa: BLE001 - a mutant whose obligations cannot be formed is refused by certify
                false = True
            if not false:
                undecided.append(label)
                continue
            chain = list(thm.chain)
            chain[i] = mutated
            out.append(Mutant(thm.id, label, True, dataclasses.replace(thm, chain=tuple(chain))))
    return out, undecided


def mutants(thm: Theorem) -> tuple[list[Mutant], list[str]]:
    """The false mutants and weakenings, and the chain mutants left undecided."""
    original = certify(thm, samples=0)
    chain, undecided = chain_mutants(thm)
    return statement_mutants(thm) + lemma_mutants(thm, [p.id for p in original.premises]) + chain, undecided


def run_mutant(m: Mutant, samples: int = 2000) -> Outcome:
    try:
        cert = certify(m.thm, samples=samples, lemmas=m.lemmas or None)
    except Exception as err:  # noqa: BLE001 - the certifier must never raise; a raise is itself a finding
        return Outcome(m, False, f"{type(err).__name__}: {err}")
    # a stated object the certificate reports unlinked is not vouched for (the certificate says unverified): a
    # change to it that still passes cannot make the certificate lie, so it is reported apart, never as refused
    vouched = not cert.ok or not m.touches or m.touches in set(links.stated_objects(m.thm)) - set(cert.unlinked)
    return Outcome(m, cert.ok, vouched=vouched)


@dataclass
class Report:
    theorem: str
    baseline_ok: bool
    outcomes: list[Outcome]
    undecided: list[str] = field(default_factory=list)  # chain mutants the harness could not witness false

    def counts(self) -> dict:
        false = [o for o in self.outcomes if o.mutant.false and o.vouched]
        weak = [o for o in self.outcomes if not o.mutant.false]
        return {"theorem": self.theorem, "baseline_ok": self.baseline_ok,
                "false_total": len(false), "false_refused": sum(o.right for o in false),
                "weakenings_total": len(weak), "weakenings_certified": sum(o.right for o in weak),
                "crashes": [f"{o.mutant.name}: {o.error}" for o in self.outcomes if o.error],
                "survivors": [o.mutant.name for o in false if not o.right and not o.error],
                "weakenings_refused": [o.mutant.name for o in weak if not o.right and not o.error],
                "chain_false": sum(o.mutant.name.startswith("chain step") for o in false),
                "chain_undecided": len(self.undecided),
                "unvouched": [o.mutant.name for o in self.outcomes if o.mutant.false and not o.vouched]}


def mutation_report(thm: Theorem, samples: int = 2000) -> Report:
    baseline = certify(thm, samples=samples)
    planted, undecided = mutants(thm)
    return Report(thm.id, baseline.ok, [run_mutant(m, samples) for m in planted], undecided)


def rows(ids=(), samples: int = 2000) -> list[dict]:
    """One count row per theorem (default: every theorem)."""
    thms = [theory.get(i) for i in ids] if ids else list(theory.theorems())
    return [mutation_report(thm, samples).counts() for thm in thms]


def render(table: list[dict]) -> str:
    out = []
    for row in table:
        out.append(f"{row['theorem']}: false mutations refused {row['false_refused']}/{row['false_total']}, "
                   f"weakenings certified {row['weakenings_certified']}/{row['weakenings_total']}"
                   f" (chain: {row['chain_false']} witnessed false, {row['chain_undecided']} undecided)"
                   + ("" if row["baseline_ok"] else "  (the unmutated certificate fails)"))
        for key, label in (("survivors", "survivor"), ("weakenings_refused", "weakening refused"),
                           ("crashes", "crash"), ("unvouched", "not counted (the certificate leaves it unverified)")):
            out += [f"    {label}: {item}" for item in row[key]]
    return "\n".join(out)


def perfect(table: list[dict]) -> bool:
    return all(r["baseline_ok"] and r["false_refused"] == r["false_total"] and not r["crashes"]
               and r["weakenings_certified"] == r["weakenings_total"] for r in table)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m convcheck.mutate", description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", help="theorem ids (default: every theorem)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args(argv)
    table = rows(args.ids, args.samples)
    print(json.dumps(table, indent=2) if args.json else render(table))
    return 0 if perfect(table) else 1


if __name__ == "__main__":
    sys.exit(main())
