"""INNA and its continuous-time model DIN (Castera, Bolte, Fevotte, Pauwels, JMLR 22(134) 2021).

Card: /work/shared/papers/inna_bayes_importance_sampling.md section 1 (the text and official code were read).

    theta_{k+1} = theta_k + gamma_k [(1/beta - alpha) theta_k - psi_k/beta - beta v_k],  v_k in D J_{B_k}(theta_k)
    psi_{k+1}   = psi_k   + gamma_k [(1/beta - alpha) theta_k - psi_k/beta]                        (eq. 12)

Four theorems, all properties (identities, limits and statements checked by runs, convcheck/properties.py):

* inna.stepsize: Assumption 1, sum gamma_k = oo and gamma_k = o(1/log k), decided exactly for the families
  gamma0 (k+1)^-q (admissible iff 0 < q <= 1) and gamma0 / log(k+2)^p (iff p > 1), by SymPy limits;
  ``stepsize_failures`` names the failed part for a given schedule.
* din.energy: E = 2(1 + alpha beta) J(theta) + ||(alpha - 1/beta) theta + psi/beta||^2 decreases along DIN with
  dE/dt = -2 alpha ||theta'||^2 - (2/beta) ||psi' - theta'||^2 (eq. 31), an identity per coordinate.
* din.rate: Theorem 13's |J(theta(t)) - J_bar| = O(1/t) for bounded solutions on semialgebraic J, a claim
  (its constants are not explicit), checked by fitting along long integrations.
* inna.d_critical: Theorem 3's conclusion (accumulation points D-critical, J(theta_k) converges), a claim
  checked on runs; the rest points (v = 0, psi = (1 - alpha beta) theta) are fixed by every step, which is why
  a D-critical point that is not Clarke-critical traps INNA (card section 1.6).
"""
import sympy as sp

from ..model import ChainStep, Claim, Quantity, Source, Theorem, zero

PAPER = Source("paper", "Castera, Bolte, Fevotte, Pauwels 2021 (JMLR 22(134)), read (card section 1)")
DERIVED = Source("derived", "derived here from the paper's definitions (proofs_notes/<id>.md), certified by SymPy")

k, K, s, q, p, x = sp.symbols("k K s q p x", positive=True)
alpha, beta = sp.symbols("alpha beta", positive=True)
gamma0 = sp.Symbol("lr", positive=True)


def _diverges(expr, var):
    """An obligation that lim_{var -> oo} expr = oo, as 1/lim = 0 (SymPy's limit, computed here)."""
    return zero(1 / sp.limit(expr, var, sp.oo), 0, f"lim {sp.sstr(expr)} = oo")


def _vanishes(expr, var):
    return zero(sp.limit(expr, var, sp.oo), 0, f"lim {sp.sstr(expr)} = 0")


def stepsize_failures(family: str, q_or_p) -> list[str]:
    """The parts of Assumption 1 that the schedule fails (empty: admissible), from the certified answers:
    power gamma0 (k+1)^-q needs 0 < q <= 1; log gamma0/log(k+2)^p needs p > 1."""
    v = sp.nsimplify(q_or_p)
    if family == "power":
        failed = []
        if not v > 0:
            failed.append(f"gamma_k = o(1/log k) fails: q = {q_or_p} (needs q > 0; at q = 0 gamma_k log k -> oo)")
        if v > 1:
            failed.append(f"sum gamma_k = oo fails: q = {q_or_p} (needs q <= 1; the sum converges for q > 1)")
        return failed
    if family == "log":
        return [] if v > 1 else [f"gamma_k = o(1/log k) fails: p = {q_or_p} (needs p > 1; at p = 1 "
                                 f"gamma_k log k -> gamma0)"]
    raise ValueError(f"step-size family must be 'power' or 'log'; got {family!r}")


stepsize = Theorem(
    id="inna.stepsize",
    title="INNA's step-size assumption (sum gamma_k = oo, gamma_k = o(1/log k)) for the schedule families",
    algorithm="inna",
    function_class="nonsmooth-tame",
    oracle="exact",
    constants=(),
    hyperparameters=(Quantity(gamma0, "gamma0, the first step"), Quantity(q, "decay exponent of gamma0 (k+1)^-q")),
    kind="property",
    chain=(
        ChainStep("power, q > 0: gamma_k = o(1/log k)", "(k+1)^-q log k -> 0 for every q > 0",
                  (_vanishes((k + 1) ** (-q) * sp.log(k), k),), DERIVED),
        ChainStep("power, q = 0: not o(1/log k)", "a constant step times log k diverges",
                  (_diverges(sp.log(k), k),), DERIVED),
        ChainStep("power, q < 1: the sum diverges", "with q = 1 - s: sum_{k<K} (k+1)^-q >= int_0^K (x+1)^-q dx = "
                  "((K+1)^s - 1)/s -> oo (integral test: the terms decrease)",
                  (zero(sp.integrate((x + 1) ** (s - 1), (x, 0, K)) - ((K + 1) ** s - 1) / s),
                   _diverges(((K + 1) ** s - 1) / s, K)), DERIVED),
        ChainStep("power, q = 1: the sum diverges", "sum_{k<K} 1/(k+1) >= log(K+1) -> oo",
                  (zero(sp.integrate(1 / (x + 1), (x, 0, K)) - sp.log(K + 1)), _diverges(sp.log(K + 1), K)),
                  DERIVED),
        ChainStep("power, q > 1: the sum converges", "with q = 1 + s: sum_{k>=1} (k+1)^-q <= int_0^oo (x+1)^-q dx "
                  "= 1/s < oo, so Assumption 1 fails",
                  (zero(sp.simplify(sp.integrate((x + 1) ** (-1 - s), (x, 0, sp.oo)) - 1 / s)),), DERIVED),
        ChainStep("log, p > 1: o(1/log k)", "with p = 1 + s: log k/log(k+2)^p -> 0; at p = 1 the limit is 1",
                  (_vanishes(sp.log(k) / sp.log(k + 2) ** (1 + s), k),
                   zero(sp.limit(sp.log(k) / sp.log(k + 2), k, sp.oo) - 1)), DERIVED),
        ChainStep("log: the sum diverges", "1/log(k+2)^p >= 1/(k+2) eventually, since (k+2)/log(k+2)^p -> oo",
                  (_diverges((k + 2) / sp.log(k + 2) ** p, k),), DERIVED),
    ),
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
