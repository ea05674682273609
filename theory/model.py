"""The theorem model: a theorem is data, every formula carries its provenance.

Symbols are SymPy symbols named with the glossary's names (``L``, ``Delta``, ``lr``, ...); the
checker in convcheck/ joins them to the reference by those names. Measured quantities that enter
a one-step inequality or a rate (``f``, ``f_next``, ``grad_sq``, ...) are symbols too.

What a theorem *states* (conditions, prescription, one-step inequality, rate, rate at the
prescription, complexity) is what its certificate proves: theory.links derives the obligations
that tie each stated object to the chain, and the chain's derivations conclude the stated one-step
inequality itself, read from the theorem, never a neighbouring variable.

Provenance tags (DESIGN.md): ``paper`` (read in the paper's text, with theorem/equation number),
``code`` (the authors' official code), ``derived`` (derived in this project and certified here),
``claim`` (the paper's headline statement, e.g. an order, kept to be checked, not as a formula).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp

from .symbols import (T, eps, f, f_next, f_z, f_z_next, gap, grad_cross, grad_norm, grad_sq,  # noqa: F401
                      grad_sq_next, inner, oracle_sq, state_sq, state_sq_next)
from .vectors import Gram, Vec

PROVENANCE = ("paper", "code", "derived", "claim")


@dataclass(frozen=True)
class Source:
    """Where a formula comes from: a provenance tag and a human reference."""

    tag: str
    ref: str

    def __post_init__(self):
        if self.tag not in PROVENANCE:
            raise ValueError(f"provenance tag must be one of {PROVENANCE}; got {self.tag!r}")


@dataclass(frozen=True)
class Formula:
    expr: sp.Expr
    source: Source

    def latex(self) -> str:
        return sp.latex(self.expr)


@dataclass(frozen=True)
class Quantity:
    """A problem constant or hyperparameter with its domain (lo, hi), open at finite ends.

    The domain is where the assumption makes sense (``beta2 in (0, 1)``, ``L > 0``). Stricter
    requirements that make a theorem apply (``lr < 2/L``) are Conditions, not domains.
    """

    symbol: sp.Symbol
    meaning: str
    lo: sp.Expr = sp.Integer(0)
    hi: sp.Expr = sp.oo
    closed_lo: bool = False  # e.g. sigma >= 0
    closed_hi: bool = False  # e.g. nu <= 1

    @property
    def name(self) -> str:
        return self.symbol.name

    def describe_domain(self) -> str:
        left, right = "[" if self.closed_lo else "(", "]" if self.closed_hi else ")"
        return f"{self.name} in {left}{self.lo}, {self.hi}{right}"


@dataclass(frozen=True)
class Assumption:
    """A hypothesis of the theorem (function class, oracle), with the constants it introduces."""

    name: str
    statement: str
    constants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Define:
    """A chain-local symbol stands for an expression of the theorem's quantities (u = beta1^k): an
    assumption on it is justified by proving it of the expression."""

    symbol: sp.Symbol
    expr: sp.Expr


@dataclass(frozen=True)
class Condition:
    """A requirement on constants/hyperparameters, written as ``symbol < bound`` (or >, <=, >=).

    Keeping conditions as bounds on one symbol lets the prover turn them into a domain. As a chain
    step's assumption it must be justified: ``case`` names the split it is one side of, ``by`` is a
    lemma instance whose conclusion implies it or a Define of a local symbol; with neither, the
    certifier proves it from the theorem's domains and conditions.
    """

    relation: sp.Rel
    text: str = ""
    by: Any = None
    case: str = ""

    def __post_init__(self):
        if not isinstance(self.relation, sp.core.relational.Relational) or not isinstance(
                self.relation.lhs, sp.Symbol):
            raise ValueError(f"a condition must be 'symbol <op> bound'; got {self.relation}")

    @property
    def symbol(self) -> sp.Symbol:
        return self.relation.lhs

    def __str__(self) -> str:
        return self.text or sp.sstr(self.relation)


def split(symbol: sp.Symbol, at, text: str = "") -> tuple[Condition, Condition]:
    """The two sides of a case split, symbol <= at and symbol >= at: together they cover everything."""
    name = text or f"{symbol} vs {sp.sstr(at)}"
    return (Condition(sp.LessThan(symbol, at), f"{symbol} <= {sp.sstr(at)}", case=name),
            Condition(sp.GreaterThan(symbol, at), f"{symbol} >= {sp.sstr(at)}", case=name))


@dataclass(frozen=True)
class Obligation:
    """One relation a chain step needs: ``lhs == rhs`` (zero), ``lhs <= rhs`` (nonneg) or ``lhs < rhs`` (pos)."""

    kind: str
    lhs: sp.Expr
    rhs: sp.Expr
    text: str = ""

    def __post_init__(self):
        if self.kind not in ("zero", "nonneg", "pos"):
            raise ValueError(f"obligation kind must be zero, nonneg or pos; got {self.kind!r}")
        object.__setattr__(self, "lhs", sp.sympify(self.lhs))
        object.__setattr__(self, "rhs", sp.sympify(self.rhs))

    @property
    def expr(self) -> sp.Expr:
        """What the prover decides: rhs - lhs (>= 0 or > 0), or lhs - rhs == 0."""
        return self.lhs - self.rhs if self.kind == "zero" else self.rhs - self.lhs

    def xreplace(self, rule) -> "Obligation":
        return Obligation(self.kind, self.lhs.xreplace(rule), self.rhs.xreplace(rule), self.text)

    def __str__(self) -> str:
        op = {"zero": "==", "nonneg": "<=", "pos": "<"}[self.kind]
        return self.text or f"{sp.sstr(self.lhs)} {op} {sp.sstr(self.rhs)}"


def zero(lhs, rhs=0, text="") -> Obligation:
    return Obligation("zero", lhs, rhs, text)


def le(lhs, rhs, text="") -> Obligation:
    """lhs <= rhs."""
    return Obligation("nonneg", lhs, rhs, text)


def lt(lhs, rhs, text="") -> Obligation:
    return Obligation("pos", lhs, rhs, text)


def by_induction(closed, first, increment, n) -> tuple[Obligation, Obligation]:
    """sum_{i<n} a_i = closed(n) for every integer n >= 1, without symbolic summation:
    closed(1) = first (= a_0) and closed(n + 1) - closed(n) = increment (= a_n)."""
    return (zero(closed.subs(n, 1), first, "base case n = 1"),
            zero(closed.subs(n, n + 1) - closed, increment, "induction step n -> n + 1"))


ONE_STEP = "one_step"  # the goal of a derivation that concludes the theorem's stated one-step inequality


@dataclass(frozen=True)
class Stated:
    """In a lemma's proof, its stated conclusion i, read from the lemma being certified, with the state
    substituted by ``at`` ((symbol, value) pairs). As a goal it is what the step proves; as a premise it
    is the induction hypothesis, allowed only in a step whose goal is the same conclusion at another state
    (the base case being another step's goal)."""

    conclusion: int
    at: tuple = ()


@dataclass(frozen=True)
class Derivation:
    """``goal`` from weighted premises (the rule of every PEP proof): with w_i >= 0,

        (rhs - lhs of the goal) - sum_i w_i (rhs_i - lhs_i) >= 0  identically

    proves the goal, each premise i being a lemma instance (theory.lemma.Instance, one conclusion)
    or a relation proved on the spot. Equality premises may take weights of either sign. The goal
    ONE_STEP is the theorem's stated one-step inequality, read from the theorem being certified.
    """

    goal: Any  # ONE_STEP, Stated(i) or an Obligation
    premises: tuple[tuple[Any, sp.Expr], ...]


@dataclass(frozen=True)
class ChainStep:
    """One step of the proof chain: a sentence, its provenance and what SymPy must check.

    ``assume`` adds bounds used only in this step (a side of a case split, a range a lemma gives),
    in the same ``symbol <op> bound`` form as conditions, each justified (see Condition).
    ``derives`` concludes a relation from lemma instances and proved relations (see Derivation).
    """

    name: str
    statement: str
    obligations: tuple[Obligation, ...]
    source: Source
    assume: tuple[Condition, ...] = ()
    derives: Derivation | None = None


@dataclass(frozen=True)
class Potential:
    """A Lyapunov function Psi_t = f(x_t) + weight ||s_t||^2 that the one-step inequality decreases.

    ``state`` and ``state_next`` are s_t and s_{t+1} as combinations of the theorem's named vectors (the
    chain reads ||s_t||^2 and ||s_{t+1}||^2 through the Gram table); ``initial`` is the stated ||s_0||^2
    (0 when s_0 = 0, e.g. x_{-1} = x_0, so Psi_0 = f(x_0)). theory.links proves weight >= 0, so that
    Psi_T >= f(x_T), and charges weight * initial to the budget the sum of decreases exhausts.

    A nonzero ``shift`` k reads f at the shifted point z_t = x_t + k s_t instead (SGD momentum's shadow iterate
    z_t = x_t - lr mu/(1 - mu) b_{t-1}): Psi_t = f(z_t) + weight ||s_t||^2, in the measured f_z = f(z_t) and
    f_z_next = f(z_{t+1}). z_t - x_t being a multiple of s_t, a start s_0 = 0 puts z_0 at x_0 (Psi_0 = f(x_0)), and
    Psi_T >= f(z_T) >= f* as at any point; theory.links refuses a shifted potential with ||s_0||^2 > 0.
    """

    weight: sp.Expr
    state: Vec
    state_next: Vec
    meaning: str                     # s_t in words, e.g. "x_t - x_{t-1}"
    initial: sp.Expr = sp.Integer(0)
    shift: sp.Expr = sp.Integer(0)   # k: f is read at z_t = x_t + k s_t (0: at x_t)

    @property
    def shifted(self) -> bool:
        return sp.sympify(self.shift) != 0

    def at(self, nxt: bool = False) -> sp.Expr:
        """Psi_t (or Psi_{t+1}) in measured quantities."""
        value, value_next = (f_z, f_z_next) if self.shifted else (f, f_next)
        return value_next + self.weight * state_sq_next if nxt else value + self.weight * state_sq

    def offset(self) -> Vec:
        """z_t - x_t = k s_t."""
        return self.shift * self.state

    def point_step(self, update: Vec) -> Vec:
        """z_{t+1} - z_t = (x_{t+1} - x_t) + k (s_{t+1} - s_t), from the theorem's update: what a two-point lemma
        cited between z_t and z_{t+1} reads."""
        step = update + self.shift * (self.state_next - self.state)
        return Vec({name: sp.cancel(c) for name, c in step.terms.items()})  # terms that cancel leave the table

    def in_gram(self, gram: Gram) -> dict:
        """||s_t||^2 and ||s_{t+1}||^2 as the Gram table gives them."""
        return {state_sq: gram.dot(self.state, self.state), state_sq_next: gram.dot(self.state_next, self.state_next)}


@dataclass(frozen=True)
class OneStep:
    """The one-step inequality ``lhs <= rhs`` in measured quantities, checked at every step.

    Symbols: f = f(x_t), f_next = f(x_{t+1}), grad_sq = ||grad f(x_t)||^2,
    grad_sq_next = ||grad f(x_{t+1})||^2, inner = <grad f(x_t), g_t>, oracle_sq = ||g_t||^2 (g_t the
    oracle's answer). ``expectation=True`` means E_t[lhs] <= rhs, conditionally on x_t: it is not
    monitored pathwise. With a ``potential`` the inequality is Psi_{t+1} <= Psi_t - D, in the measured
    state_sq = ||s_t||^2 and state_sq_next = ||s_{t+1}||^2 as well.
    """

    lhs: sp.Expr
    rhs: sp.Expr
    source: Source
    statement: str = ""
    expectation: bool = False
    conditions: tuple[Condition, ...] = ()
    potential: Potential | None = None


RATE_VALUE = sp.Symbol("R_linked", positive=True)  # in a rate's via: the rate the link is proving


@dataclass(frozen=True)
class Rate:
    """``measure <= bound`` after T, where ``measure`` names exactly what is bounded.

    Measures (glossary): ``min_grad_sq_before_T`` = min_{0<=t<T} ||grad f(x_t)||^2 (T gradients);
    ``min_grad_sq_through_T`` = min_{0<=t<=T} ||grad f(x_t)||^2 (T steps, T+1 gradients);
    ``expected_grad_sq_random_index`` = E||grad f(x_R)||^2, R uniform on the first T iterates;
    ``mean_grad_norm_before_T`` = (1/T) sum_{t<T} E||grad f(x_t)|| (the one non-squared measure);
    ``gap_last_iterate`` = f(x_T) - f* after T steps (a function gap: the target is eps), for which ``via``
    is the contraction factor rho of f(x_{t+1}) - f* <= rho (f(x_t) - f*) (theory.links.contraction).

    ``via`` is a proof hint, not a stated object: a lower model phi of the one-step decrease, in the
    measured variable (grad_sq, or grad_norm for the non-squared measure), increasing (and convex for
    an average), that telescopes; by default the decrease itself. It may read RATE_VALUE, the rate being
    linked (the stated rate, or the rate at the prescription): a tangent chosen at the rate. Wrong hints
    fail, never pass.
    """

    measure: str
    bound: Formula
    statement: str = ""
    expectation: bool = False
    via: sp.Expr | None = None


@dataclass(frozen=True)
class Claim:
    """A published statement checked rather than trusted.

    kind ``order``: the complexity is of order eps^-exponent (``lower=True`` for an Omega claim).
    """

    kind: str
    statement: str
    source: Source
    eps_exponent: sp.Rational | None = None
    lower: bool = False


@dataclass(frozen=True)
class Theorem:
    id: str
    title: str
    algorithm: str
    function_class: str
    oracle: str
    constants: tuple[Quantity, ...]
    hyperparameters: tuple[Quantity, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    prescription: Mapping[str, Formula] = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    one_step: OneStep | None = None
    rate: Rate | None = None
    complexity: Formula | None = None
    # the rate at the prescribed hyperparameters, when the complexity is stated there (e.g. the
    # Ghadimi-Lan corollary): it must follow from the one-step inequality at the prescription.
    rate_at_prescription: Formula | None = None
    chain: tuple[ChainStep, ...] = ()
    claims: tuple[Claim, ...] = ()
    kind: str = "upper"  # "upper" bound, "lower" (an order claim over all algorithms), or "property"
    summary: str = ""
    # x_{t+1} - x_t as a combination of named vectors, and the inner products the standard Gram
    # table (g, o, g_next) lacks; lemmas cited between iterates read both.
    update: Vec | None = None
    gram: Mapping[tuple[str, str], sp.Expr] = field(default_factory=dict)
    # Gram entries of ``gram`` that depend on the oracle's answer g_t (e.g. <g, g_t/D_t>): E_t averages
    # over them as over RANDOM, so an expectation-cited lemma turns them into E_t[...] symbols
    random: tuple[sp.Symbol, ...] = ()

    # -- symbols shared by every theorem -------------------------------------------------------
    T, eps = T, eps  # theory.symbols' horizon symbols, reachable from any theorem as thm.T, thm.eps

    @property
    def quantities(self) -> dict[str, Quantity]:
        return {q.name: q for q in (*self.constants, *self.hyperparameters)}

    @property
    def notes_path(self) -> str:
        return f"proofs_notes/{self.id}.md"

    @property
    def target(self) -> sp.Expr:
        """Accuracy convention: eps is a gradient-norm accuracy, so a squared measure must reach eps^2
        and the non-squared one (mean_grad_norm_before_T) and the gap f(x_T) - f* (gap_last_iterate) eps."""
        if self.rate is not None and self.rate.measure in ("mean_grad_norm_before_T", "gap_last_iterate"):
            return self.eps  # a non-squared measure, or a function gap f(x_T) - f*
        return self.eps ** 2

    def complexity_real(self) -> sp.Expr | None:
        """T(eps) without the ceiling: the real horizon the chain reasons about."""
        if self.complexity is None:
            return None
        return self.complexity.expr.replace(sp.ceiling, lambda a: a)

    def formulas(self) -> dict[str, Formula]:
        out = {f"prescription.{k}": v for k, v in self.prescription.items()}
        if self.rate:
            out["rate"] = self.rate.bound
        if self.rate_at_prescription:
            out["rate_at_prescription"] = self.rate_at_prescription
        if self.complexity:
            out["complexity"] = self.complexity
        return out

    def vectors(self) -> Gram:
        """The Gram table of this theorem's named vectors."""
        return STANDARD_GRAM.extend(self.gram)

    def _repr_latex_(self) -> str:
        """For notebooks: the stated objects (one-step inequality, rate, complexity) in LaTeX, or the title."""
        lines = []
        if self.one_step is not None:
            lines.append(rf"{latex(self.one_step.lhs)} \le {latex(self.one_step.rhs)}")
        if self.rate is not None:
            lines.append(rf"\text{{{self.rate.measure.replace('_', ' ')}}} \le {latex(self.rate.bound.expr)}")
        if self.complexity is not None:
            lines.append(rf"T(\varepsilon) = {latex(self.complexity.expr)}")
        if not lines:
            return rf"$\text{{{self.id}: {self.title}}}$"
        return r"$\begin{aligned}" + r" \\ ".join(f"&{line}" for line in lines) + r"\end{aligned}$"


MEASURED = {s.name: s for s in (f, f_next, grad_sq, grad_sq_next, inner, oracle_sq, state_sq, state_sq_next, f_z,
                                 f_z_next)}

# The named vectors every theorem has: g = grad f(x_t), o = g_t (the oracle's answer), g_next = grad f(x_{t+1});
# and the iterates two-point lemmas are cited between, with their values and gradients.
STANDARD_GRAM = Gram({("g", "g"): grad_sq, ("g", "o"): inner, ("o", "o"): oracle_sq,
                      ("g_next", "g_next"): grad_sq_next, ("g", "g_next"): grad_cross})
ITERATES = {"x": (f, "g"), "x_next": (f_next, "g_next")}
RANDOM = (f_next, inner, oracle_sq, grad_sq_next, grad_cross, f_z_next)  # what E_t averages over, given x_t


def expected(sym: sp.Symbol) -> sp.Symbol:
    """E_t[sym], the conditional expectation given x_t, as a symbol of its own."""
    return sp.Symbol(f"E[{sym.name}]", **sym.assumptions0)


# How the glossary's symbols print in LaTeX (the paper's notation).
LATEX_NAMES = {
    "f": r"f(x_t)", "f_next": r"f(x_{t+1})", "grad_sq": r"\|\nabla f(x_t)\|^2",
    "grad_sq_next": r"\|\nabla f(x_{t+1})\|^2", "inner": r"\langle \nabla f(x_t), g_t\rangle",
    "oracle_sq": r"\|g_t\|^2", "state_sq": r"\|s_t\|^2", "state_sq_next": r"\|s_{t+1}\|^2",
    "f_z": r"f(z_t)", "f_z_next": r"f(z_{t+1})",
    "gap": r"(f(x_0) - f(x_T))", "lr": r"\eta", "eps": r"\varepsilon",
    "Delta": r"\Delta", "sigma": r"\sigma", "momentum": r"\mu", "grad_norm": r"\|\nabla f(x_t)\|",
}


def latex(expr) -> str:
    """LaTeX of an expression in the glossary's notation."""
    return sp.latex(expr, symbol_names={s: LATEX_NAMES[s.name] for s in sp.sympify(expr).free_symbols
                                        if s.name in LATEX_NAMES})
