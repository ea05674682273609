"""The theorem model: a theorem is data, every formula carries its provenance.

Symbols are SymPy symbols named with the glossary's names (``L``, ``Delta``, ``lr``, ...); the
checker in convcheck/ joins them to the reference by those names. Measured quantities that enter
a one-step inequality or a rate (``f``, ``f_next``, ``grad_sq``, ...) are symbols too.

Provenance tags (DESIGN.md): ``paper`` (read in the paper's text, with theorem/equation number),
``code`` (the authors' official code), ``derived`` (derived in this project and certified here),
``claim`` (the paper's headline statement, e.g. an order, kept to be checked, not as a formula).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import sympy as sp

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
class Condition:
    """A requirement on constants/hyperparameters, written as ``symbol < bound`` (or >, <=, >=).

    Keeping conditions as bounds on one symbol lets the prover turn them into a domain.
    """

    relation: sp.Rel
    text: str = ""

    def __post_init__(self):
        if not isinstance(self.relation, sp.core.relational.Relational) or not isinstance(
                self.relation.lhs, sp.Symbol):
            raise ValueError(f"a condition must be 'symbol <op> bound'; got {self.relation}")

    @property
    def symbol(self) -> sp.Symbol:
        return self.relation.lhs

    def __str__(self) -> str:
        return self.text or sp.sstr(self.relation)


@dataclass(frozen=True)
class Obligation:
    """One thing a chain step needs: ``expr == 0`` (zero), ``expr >= 0`` (nonneg) or ``expr > 0`` (pos)."""

    kind: str
    expr: sp.Expr
    text: str = ""

    def __post_init__(self):
        if self.kind not in ("zero", "nonneg", "pos"):
            raise ValueError(f"obligation kind must be zero, nonneg or pos; got {self.kind!r}")


def zero(lhs, rhs=0, text="") -> Obligation:
    return Obligation("zero", sp.sympify(lhs) - sp.sympify(rhs), text)


def le(lhs, rhs, text="") -> Obligation:
    """lhs <= rhs."""
    return Obligation("nonneg", sp.sympify(rhs) - sp.sympify(lhs), text)


def lt(lhs, rhs, text="") -> Obligation:
    return Obligation("pos", sp.sympify(rhs) - sp.sympify(lhs), text)


def by_induction(closed, first, increment, n) -> tuple[Obligation, Obligation]:
    """sum_{i<n} a_i = closed(n) for every integer n >= 1, without symbolic summation:
    closed(1) = first (= a_0) and closed(n + 1) - closed(n) = increment (= a_n)."""
    return (zero(closed.subs(n, 1), first, "base case n = 1"),
            zero(closed.subs(n, n + 1) - closed, increment, "induction step n -> n + 1"))


@dataclass(frozen=True)
class ChainStep:
    """One step of the proof chain: a sentence, its provenance and what SymPy must check.

    ``assume`` adds bounds used only in this step (a case split, ``N >= N1``), in the same
    ``symbol <op> bound`` form as conditions.
    """

    name: str
    statement: str
    obligations: tuple[Obligation, ...]
    source: Source
    assume: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class OneStep:
    """The one-step inequality ``lhs <= rhs`` in measured quantities, checked at every step.

    Symbols: f = f(x_t), f_next = f(x_{t+1}), grad_sq = ||grad f(x_t)||^2,
    grad_sq_next = ||grad f(x_{t+1})||^2, inner = <grad f(x_t), g_t>, oracle_sq = ||g_t||^2 (g_t the
    oracle's answer). ``expectation=True`` means it holds in expectation only.
    """

    lhs: sp.Expr
    rhs: sp.Expr
    source: Source
    coefficient: sp.Expr | None = None  # per-step decrease coefficient that must be > 0
    statement: str = ""
    expectation: bool = False
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Rate:
    """``measure <= bound`` after T, where ``measure`` names exactly what is bounded.

    Measures (glossary): ``min_grad_sq_before_T`` = min_{0<=t<T} ||grad f(x_t)||^2 (T gradients);
    ``min_grad_sq_through_T`` = min_{0<=t<=T} ||grad f(x_t)||^2 (T steps, T+1 gradients);
    ``expected_grad_sq_random_index`` = E||grad f(x_R)||^2, R uniform on the first T iterates;
    ``mean_grad_norm_before_T`` = (1/T) sum_{t<T} E||grad f(x_t)|| (the one non-squared measure).
    """

    measure: str
    bound: Formula
    statement: str = ""
    expectation: bool = False


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
    # Ghadimi-Lan corollary); the chain must prove rate(prescription) <= rate_at_prescription.
    rate_at_prescription: Formula | None = None
    chain: tuple[ChainStep, ...] = ()
    claims: tuple[Claim, ...] = ()
    kind: str = "upper"  # "upper" bound, or "lower" (an order claim over all algorithms)
    summary: str = ""

    # -- symbols shared by every theorem -------------------------------------------------------
    T = sp.Symbol("T", positive=True)
    eps = sp.Symbol("eps", positive=True)

    @property
    def quantities(self) -> dict[str, Quantity]:
        return {q.name: q for q in (*self.constants, *self.hyperparameters)}

    @property
    def notes_path(self) -> str:
        return f"proofs_notes/{self.id}.md"

    @property
    def target(self) -> sp.Expr:
        """Accuracy convention: eps is a gradient-norm accuracy, so a squared measure must reach eps^2
        and the non-squared one (mean_grad_norm_before_T) eps."""
        if self.rate is not None and self.rate.measure == "mean_grad_norm_before_T":
            return self.eps
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
        if self.complexity:
            out["complexity"] = self.complexity
        return out


# Measured-quantity symbols (glossary names), shared by theorems and the checker.
f, f_next, grad_sq, grad_sq_next, inner, oracle_sq = sp.symbols(
    "f f_next grad_sq grad_sq_next inner oracle_sq", real=True)
gap = sp.Symbol("gap", positive=True)  # f(x_0) - f(x_T) on the run itself
MEASURED = {s.name: s for s in (f, f_next, grad_sq, grad_sq_next, inner, oracle_sq)}

# How the glossary's symbols print in LaTeX (the paper's notation).
LATEX_NAMES = {
    "f": r"f(x_t)", "f_next": r"f(x_{t+1})", "grad_sq": r"\|\nabla f(x_t)\|^2",
    "grad_sq_next": r"\|\nabla f(x_{t+1})\|^2", "inner": r"\langle \nabla f(x_t), g_t\rangle",
    "oracle_sq": r"\|g_t\|^2", "gap": r"(f(x_0) - f(x_T))", "lr": r"\eta", "eps": r"\varepsilon",
    "Delta": r"\Delta", "sigma": r"\sigma", "momentum": r"\mu",
}


def latex(expr) -> str:
    """LaTeX of an expression in the glossary's notation."""
    return sp.latex(expr, symbol_names={s: LATEX_NAMES[s.name] for s in sp.sympify(expr).free_symbols
                                        if s.name in LATEX_NAMES})
