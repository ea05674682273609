"""INNA and its continuous-time model DIN (Castera, Bolte, Fevotte, Pauwels, JMLR 22(134) 2021).

Card: /work/shared/papers/inna_bayes_importance_sampling.md section 1 (the text and official code were read).

    theta_{k+1} = theta_k + gamma_k [(1/beta - alpha) theta_k - psi_k/beta - beta v_k],  v_k in D J_{B_k}(theta_k)
    psi_{k+1}   = psi_k   + gamma_k [(1/beta - alpha) theta_k - psi_k/beta]                        (eq. 12)

Four theorems, all properties (identities, limits and statements checked by runs, convcheck/properties.py):

* inna.stepsize: Assumption 1, sum gamma_k = oo and gamma_k = o(1/log k), decided exactly for the families
  gamma0 (k+1)^-q (admissible iff 0 < q <= 1) and gamma0 / log(k+2)^p (iff p > 1), by SymPy limits. The
  admissible sets (ADMISSIBLE) and the regions where each part holds or fails (REGIONS) are data: the chain is
  built from them, proves each region's verdict and that the admissible set is exactly where both parts hold
  (every other value fails a proved part); ``stepsize_failures`` names the failed part from the same regions.
  An unevaluated SymPy Limit is turned into NaN, so its obligation fails instead of printing.
* din.energy: E = 2(1 + alpha beta) J(theta) + ||(alpha - 1/beta) theta + psi/beta||^2 decreases along DIN with
  dE/dt = -2 alpha ||theta'||^2 - (2/beta) ||psi' - theta'||^2 (eq. 31), an identity per coordinate.
* din.rate: Theorem 13's |J(theta(t)) - J_bar| = O(1/t) for bounded solutions on semialgebraic J, a claim
  (its constants are not explicit), checked by fitting along long integrations.
* inna.d_critical: Theorem 3's conclusion (accumulation points D-critical, J(theta_k) converges), a claim
  checked on runs; the rest points (v = 0, psi = (1 - alpha beta) theta) are fixed by every step, which is why
  a D-critical point that is not Clarke-critical traps INNA (card section 1.6).
"""
from dataclasses import dataclass

import sympy as sp

from ..model import ChainStep, Claim, Quantity, Source, Theorem, zero

PAPER = Source("paper", "Castera, Bolte, Fevotte, Pauwels 2021 (JMLR 22(134)), read (card section 1)")
DERIVED = Source("derived", "derived here from the paper's definitions (proofs_notes/<id>.md), certified by SymPy")

k, K, s, q, p, x = sp.symbols("k K s q p x", positive=True)
alpha, beta = sp.symbols("alpha beta", positive=True)
gamma0 = sp.Symbol("lr", positive=True)


def _limit(expr, var):
    """SymPy's lim_{var -> oo} expr; an unevaluated Limit becomes NaN, so an obligation on it fails (and no
    Limit object reaches a printer)."""
    value = sp.limit(expr, var, sp.oo)
    return sp.nan if value.has(sp.Limit) else value


def _diverges(expr, var):
    """An obligation that lim_{var -> oo} expr = oo, as 1/lim = 0 (SymPy's limit, computed here)."""
    return zero(1 / _limit(expr, var), 0, f"lim {sp.sstr(expr)} = oo")


def _vanishes(expr, var):
    return zero(_limit(expr, var), 0, f"lim {sp.sstr(expr)} = 0")


def _tends_to(expr, var, value):
    return zero(_limit(expr, var) - value, 0, f"lim {sp.sstr(expr)} = {value}")


# -- Assumption 1 for the two schedule families, as data: the admissible sets drive both the chain and
# stepsize_failures. Each region of a family's parameter is a SymPy set with the verdict of one part of
# Assumption 1 on it ("o": gamma_k = o(1/log k), "sum": sum gamma_k = oo) and the obligations proving it
# (s > 0 parametrises an open region: q = 1 - s, p = 1 + s, ...).
@dataclass(frozen=True)
class Region:
    family: str
    part: str                 # "o" or "sum"
    where: sp.Set             # the parameter values it covers
    holds: bool
    title: str
    statement: str
    obligations: tuple
    why: str = ""             # for a failed part: what goes wrong


ADMISSIBLE = {"power": sp.Interval.Lopen(0, 1), "log": sp.Interval.open(1, sp.oo)}
PARAM = {"power": "q", "log": "p"}
DOMAIN = {"power": sp.Reals, "log": sp.Interval.open(0, sp.oo)}
REGIONS = (
    Region("power", "o", sp.Interval.open(0, sp.oo), True, "power, q > 0: gamma_k = o(1/log k)",
           "(k+1)^-q log k -> 0 for every q > 0", (_vanishes((k + 1) ** (-q) * sp.log(k), k),)),
    Region("power", "o", sp.FiniteSet(0), False, "power, q = 0: not o(1/log k)",
           "a constant step times log k diverges", (_diverges(sp.log(k), k),), "at q = 0 gamma_k log k -> oo"),
    Region("power", "o", sp.Interval.open(-sp.oo, 0), False, "power, q < 0: not o(1/log k)",
           "with q = -s: (k+1)^s log k diverges", (_diverges((k + 1) ** s * sp.log(k), k),),
           "for q < 0 gamma_k log k -> oo"),
    Region("power", "sum", sp.Interval.open(-sp.oo, 1), True, "power, q < 1: the sum diverges",
           "with q = 1 - s (s > 0): sum_{k<K} (k+1)^-q >= int_0^K (x+1)^-q dx = ((K+1)^s - 1)/s -> oo (integral "
           "test: the terms decrease; for q <= 0 they do not even vanish)",
           (zero(sp.integrate((x + 1) ** (s - 1), (x, 0, K)) - ((K + 1) ** s - 1) / s),
            _diverges(((K + 1) ** s - 1) / s, K))),
    Region("power", "sum", sp.FiniteSet(1), True, "power, q = 1: the sum diverges",
           "sum_{k<K} 1/(k+1) >= log(K+1) -> oo",
           (zero(sp.integrate(1 / (x + 1), (x, 0, K)) - sp.log(K + 1)), _diverges(sp.log(K + 1), K))),
    Region("power", "sum", sp.Interval.open(1, sp.oo), False, "power, q > 1: the sum converges",
           "with q = 1 + s: sum_{k>=1} (k+1)^-q <= int_0^oo (x+1)^-q dx = 1/s < oo, so Assumption 1 fails",
           (zero(sp.simplify(sp.integrate((x + 1) ** (-1 - s), (x, 0, sp.oo)) - 1 / s)),),
           "the sum converges for q > 1"),
    Region("log", "o", sp.Interval.open(1, sp.oo), True, "log, p > 1: o(1/log k)",
           "with p = 1 + s: log k/log(k+2)^p -> 0", (_vanishes(sp.log(k) / sp.log(k + 2) ** (1 + s), k),)),
    Region("log", "o", sp.FiniteSet(1), False, "log, p = 1: not o(1/log k)",
           "log k/log(k+2) -> 1, not 0", (_tends_to(sp.log(k) / sp.log(k + 2), k, 1),),
           "at p = 1 gamma_k log k -> gamma0"),
    Region("log", "o", sp.Interval.open(0, 1), False, "log, p < 1: not o(1/log k)",
           "with p = 1 - s: log k/log(k+2)^p -> oo", (_diverges(sp.log(k) / sp.log(k + 2) ** (1 - s), k),),
           "for p < 1 gamma_k log k -> oo"),
    Region("log", "sum", sp.Interval.open(0, sp.oo), True, "log: the sum diverges",
           "1/log(k+2)^p >= 1/(k+2) eventually, since (k+2)/log(k+2)^p -> oo, for every p > 0",
           (_diverges((k + 2) / sp.log(k + 2) ** p, k),)),
)


def show(region: sp.Set) -> str:
    """An interval as (a, b], a point as itself."""
    if isinstance(region, sp.Interval):
        return f"{'(' if region.left_open else '['}{region.start}, {region.end}{')' if region.right_open else ']'}"
    return sp.sstr(region)


def _covered(family: str) -> list:
    """The admissible set is exactly where both parts are proved to hold, and every other value of the domain
    lies in a region where a part is proved to fail."""
    regions = [r for r in REGIONS if r.family == family]
    holds = {part: sp.Union(*[r.where for r in regions if r.part == part and r.holds]) for part in ("o", "sum")}
    fails = sp.Union(*[r.where for r in regions if not r.holds])
    ok_in = sp.Intersection(holds["o"], holds["sum"], DOMAIN[family]) == ADMISSIBLE[family]
    ok_out = sp.Intersection(fails, DOMAIN[family]) == sp.Complement(DOMAIN[family], ADMISSIBLE[family])
    name = PARAM[family]
    return [zero(sp.Integer(0 if ok_in else 1), 0, f"{name} in {show(ADMISSIBLE[family])} iff both parts are proved"),
            zero(sp.Integer(0 if ok_out else 1), 0, f"every {name} outside {show(ADMISSIBLE[family])} fails a proved part")]


def stepsize_failures(family: str, q_or_p) -> list[str]:
    """The parts of Assumption 1 that the schedule fails (empty: admissible), read from the certified regions:
    gamma0 (k+1)^-q is admissible on ADMISSIBLE["power"] = (0, 1], gamma0/log(k+2)^p on ADMISSIBLE["log"] = (1, oo)."""
    if family not in ADMISSIBLE:
        raise ValueError(f"step-size family must be 'power' or 'log'; got {family!r}")
    v, name = sp.nsimplify(q_or_p), PARAM[family]
    failed = []
    for r in REGIONS:
        if r.family == family and not r.holds and v in r.where:
            part = "gamma_k = o(1/log k)" if r.part == "o" else "sum gamma_k = oo"
            failed.append(f"{part} fails: {name} = {q_or_p} (needs {name} in {show(ADMISSIBLE[family])}; {r.why})")
    return failed


stepsize = Theorem(
    id="inna.stepsize",
    title="INNA's step-size assumption (sum gamma_k = oo, gamma_k = o(1/log k)) for the schedule families",
    algorithm="inna",
    function_class="nonsmooth-tame",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(gamma0, "gamma0, the first step"), Quantity(q, "decay exponent of gamma0 (k+1)^-q")),
    kind="property",
    chain=(*(ChainStep(r.title, r.statement, r.obligations, DERIVED) for r in REGIONS),
           *(ChainStep(f"{fam}: the admissible set", f"{PARAM[fam]} in {show(ADMISSIBLE[fam])} is exactly where both parts "
                       "hold, and every other value fails one of them", tuple(_covered(fam)), DERIVED)
             for fam in ADMISSIBLE)),
    claims=(Claim("statement", "Assumption 1 (paper): gamma_k > 0, sum gamma_k = oo, gamma_k = o(1/log k); the paper's "
                               "examples C (k+1)^-a, a in (0, 1], are admissible", PAPER),),
    summary="gamma0 (k+1)^-q satisfies Assumption 1 iff 0 < q <= 1; gamma0/log(k+2)^p iff p > 1.",
)

# -- DIN (eq. 5), one coordinate: theta' = -beta g - w, psi' = -w, w = (alpha - 1/beta) theta + psi/beta ---------
th, ps, g, h = sp.symbols("theta psi g h", real=True)  # h = d/dt of J'(theta) (the Hessian times theta')
w = (alpha - 1 / beta) * th + ps / beta
th_dot = -beta * g - w
ps_dot = -w
E_dot = 2 * (1 + alpha * beta) * g * th_dot + 2 * w * ((alpha - 1 / beta) * th_dot + ps_dot / beta)

energy = Theorem(
    id="din.energy",
    title="DIN's energy E = 2(1 + alpha beta) J + ||(alpha - 1/beta) theta + psi/beta||^2 decreases (eq. 31)",
    algorithm="din",
    function_class="smooth",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(alpha, "viscous damping"), Quantity(beta, "Hessian damping")),
    kind="property",
    chain=(
        ChainStep("phase-space field", "theta' = -beta grad J - w and psi' = -w with w = (alpha - 1/beta) theta + "
                  "psi/beta (eq. 5), so psi' - theta' = beta grad J",
                  (zero(ps_dot - th_dot, beta * g),), PAPER),
        ChainStep("energy identity", "dE/dt = 2(1 + alpha beta) <grad J, theta'> + 2 <w, w'> = -2 alpha ||theta'||^2 - "
                  "(2/beta) ||psi' - theta'||^2, coordinate by coordinate (eq. 31)",
                  (zero(E_dot, -2 * alpha * th_dot ** 2 - 2 / beta * (ps_dot - th_dot) ** 2),), DERIVED),
        ChainStep("second form", "with v = (psi' - theta')/beta = grad J: dE/dt = -2 alpha ||beta v + w||^2 - "
                  "2 beta ||v||^2 (eq. 31, right; the card's v = (theta' - psi')/beta is -grad J, a sign slip)",
                  (zero(E_dot, -2 * alpha * (beta * g + w) ** 2 - 2 * beta * g ** 2),), DERIVED),
        ChainStep("DIN", "for C^2 J, theta'' + alpha theta' + beta Hess J theta' + grad J = 0 along the field "
                  "(h = Hess J theta')",
                  (zero((-beta * h - ((alpha - 1 / beta) * th_dot + ps_dot / beta)) + alpha * th_dot + beta * h + g),),
                  PAPER),
        ChainStep("card unit test", "J = theta^2/2, alpha = 0.5, beta = 0.1, theta = 1, psi = 0.3: theta' = 6.4, "
                  "psi' = 6.5, dE/dt = -41.16",
                  tuple(zero(e.subs({alpha: sp.Rational(1, 2), beta: sp.Rational(1, 10), th: 1, ps: sp.Rational(3, 10),
                                     g: 1}), v)
                        for e, v in ((th_dot, sp.Rational(32, 5)), (ps_dot, sp.Rational(13, 2)),
                                     (E_dot, sp.Rational(-1029, 25)))), DERIVED),
    ),
    claims=(Claim("statement", "Lemma 8 / eq. 31 (paper): E is a Lyapunov function of (11) with the rate above",
                  PAPER),),
    summary="dE/dt = -2 alpha ||theta'||^2 - (2/beta)||psi' - theta'||^2 <= 0 along DIN, certified per coordinate; "
            "convcheck check din.energy compares it with finite differences along integrated trajectories.",
)

rate = Theorem(
    id="din.rate",
    title="Theorem 13: |J(theta(t)) - J_bar| = O(1/t) along bounded DIN solutions on semialgebraic J (a claim)",
    algorithm="din",
    function_class="nonsmooth-tame",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(alpha, "viscous damping"), Quantity(beta, "Hessian damping")),
    kind="property",
    claims=(Claim("statement", "Theorem 13 (paper): for semialgebraic, locally Lipschitz, bounded below J, every "
                               "bounded solution of (7) converges, and |J(theta(t)) - J_bar| = O(1/t); the constant "
                               "and the exponent b are not explicit, and the transfer from E to J is not spelled "
                               "out (card, ambiguity 8)", PAPER),),
    summary="Checked by integrating DIN on semialgebraic objectives and fitting t (J(theta(t)) - J_bar): bounded "
            "means O(1/t), and the constant is reported.",
)

phase_k = (1 / beta - alpha) * th - ps / beta
d_critical = Theorem(
    id="inna.d_critical",
    title="Theorem 3: INNA's accumulation points are D-critical and J(theta_k) converges (checked on runs)",
    algorithm="inna",
    function_class="nonsmooth-tame",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(gamma0, "gamma0"), Quantity(alpha, "viscous damping"), Quantity(beta, "Hessian damping")),
    kind="property",
    chain=(
        ChainStep("rest points are fixed", "with v = 0 and psi = (1 - alpha beta) theta the bracket of both lines "
                  "of (12) vanishes, for every step: theta_{k+1} = theta_k, psi_{k+1} = psi_k",
                  (zero(phase_k.subs(ps, (1 - alpha * beta) * th)),), DERIVED),
        ChainStep("a spurious D-critical point", "J1 = relu(theta), J2 = -relu(-theta): J = theta has no critical "
                  "point, but D J(0) = [0, 1] + [0, 1] contains 0, and with relu'(0) = 0 the oracle answers 0 there",
                  (zero(sp.Integer(0) + sp.Integer(0)),), DERIVED),
    ),
    claims=(Claim("statement", "Theorem 3 (paper): with Assumption 1 and bounded iterates, almost surely every "
                               "accumulation point of theta_k is D-critical (0 in sum_n dJ_n) and J(theta_k) converges",
                  PAPER),),
    summary="Runs of INNA with admissible steps on finite sums drive the D-criticality measure down while J(theta_k) "
            "settles; INNA started at the spurious D-critical point of the relu pair never moves.",
)

THEOREMS = (stepsize, energy, rate, d_critical)
