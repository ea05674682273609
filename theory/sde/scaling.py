"""adam.sqrt_scaling and rmsprop.sqrt_scaling: the square-root scaling rule keeps the SDE's parameters.

Malladi, Lyu, Panigrahi, Arora 2022 (arXiv 2205.10287, NeurIPS 2022). The rule, verbatim from the first
author's blog [P-auth]: "When scaling the batch size by kappa, scale the learning rate by sqrt(kappa).
Also, change the other hyperparameters, setting beta1 = 1 - kappa(1 - beta1), beta2 = 1 - kappa(1 - beta2),
and eps = eps/sqrt(kappa)" (eps is the glossary's xi). Applying it to RMSprop's single beta (beta2 here)
is the card's inference [D]. The paper's SDEs and theorem are NOT FOUND, so what is certified is
``derived``: the map keeps the four combinations every SDE limit consistent with the rule must be
parametrised by (cards: adamw_sde_signgd.md section 2.5, addenda section 1.2),

    sigma eta,   (1 - beta_i)/eta^2,   xi eta,   and the clock t = k eta^2 at equal samples seen,

where sigma = s/sqrt(B) is the noise of a batch-B mean of per-sample noises of std s. The map stays
inside the hyperparameters' domains exactly when kappa (1 - beta_i) < 1. SGD's linear rule
(eta -> kappa eta) keeps SGD's own pair, eta sigma^2 and t = k eta, and moves Adam's.
"""
import sympy as sp

from ..model import Claim, ChainStep, Condition, Quantity, Source, Theorem, lt, zero
from ..symbols import beta1, beta2, lr, xi

DERIVED = Source("derived", "derived and certified here (proofs_notes/adam.sqrt_scaling.md); Malladi et al.'s "
                            "SDE definitions and theorem NOT FOUND")
MALLADI = Source("claim", "Malladi, Lyu, Panigrahi, Arora 2022 (arXiv 2205.10287), rule as stated in S. Malladi's "
                          "blog of 22 Jan 2024 [P-auth]: with batch kappa B, lr sqrt(kappa) lr, beta_i 1 - kappa"
                          "(1 - beta_i), eps eps/sqrt(kappa), Adam (and RMSprop) trajectories at equal SDE time "
                          "t = k lr^2 stay close, in the weak sense, where the SDE approximation is good")
BLOG_SGD = Source("claim", "Malladi's blog [P-auth]: 'Linear Scaling Rule (for SGD): When scaling the batch size "
                           "by kappa, scale the learning rate also by kappa'")

kappa = sp.Symbol("kappa", positive=True)  # batch-size factor B -> kappa B
B = sp.Symbol("B", positive=True)          # base batch size
s = sp.Symbol("s", positive=True)          # per-sample gradient-noise standard deviation
k = sp.Symbol("k", positive=True)          # step count at the base batch size


def noise(batch):
    """sigma(B) = s/sqrt(B): the std of a mean of B independent per-sample noises of std s."""
    return s / sp.sqrt(batch)


def sqrt_rule(hp: dict, factor=kappa) -> dict:
    """The square-root rule on a dict of symbols (B, lr, beta1, beta2, xi; any subset)."""
    rule = {B: factor * B, lr: sp.sqrt(factor) * lr, xi: xi / sp.sqrt(factor),
            beta1: 1 - factor * (1 - beta1), beta2: 1 - factor * (1 - beta2)}
    return {name: value.xreplace(rule) for name, value in hp.items()}


def linear_rule(hp: dict, factor=kappa) -> dict:
    """SGD's linear rule: B -> kappa B, lr -> kappa lr, the rest unchanged."""
    rule = {B: factor * B, lr: factor * lr}
    return {name: value.xreplace(rule) for name, value in hp.items()}


BASE = {"B": B, "lr": lr, "beta1": beta1, "beta2": beta2, "xi": xi}


def adam_invariants(hp: dict, betas) -> dict:
    """The SDE's parameters at batch B (cards section 2.5): sigma0 = sigma eta, c_i = (1 - beta_i)/eta^2,
    eps0 = xi eta, and the clock t = k eta^2 after k B samples (k steps at the base batch)."""
    out = {"sigma lr": noise(hp["B"]) * hp["lr"], "xi lr": hp["xi"] * hp["lr"],
           "t = k lr^2": (k * B / hp["B"]) * hp["lr"] ** 2}
    out.update({f"(1 - {b})/lr^2": (1 - hp[b]) / hp["lr"] ** 2 for b in betas})
    return out


def sgd_invariants(hp: dict) -> dict:
    """SGD's SDE (Li, Tai, E; the blog's template): diffusion eta Sigma, so eta sigma^2, and the clock t = k eta."""
    return {"lr sigma^2": hp["lr"] * noise(hp["B"]) ** 2, "t = k lr": (k * B / hp["B"]) * hp["lr"]}


def _keeps(before: dict, after: dict, rule: str) -> tuple:
    return tuple(zero(after[name], before[name], f"{rule} keeps {name}") for name in before)


def _moves(before: dict, after: dict, rule: str, witness: dict) -> tuple:
    """At the witness kappa = 4, each invariant changes: (after - before)^2 > 0."""
    return tuple(lt(0, ((after[name] - before[name]) ** 2).xreplace(witness), f"{rule} moves {name} (kappa = 4)")
                 for name in before)


def theorem_for(algorithm: str, betas: tuple) -> Theorem:
    syms = {"beta1": beta1, "beta2": beta2}
    new = sqrt_rule(BASE)
    base_inv, sqrt_inv = adam_invariants(BASE, betas), adam_invariants(new, betas)
    lin = linear_rule(BASE)
    witness = {kappa: 4}
    beta_qs = tuple(Quantity(syms[b], f"EMA coefficient {b}", sp.Integer(0), sp.Integer(1)) for b in betas)
    return Theorem(
        id=f"{algorithm}.sqrt_scaling",
        title=f"{'Adam' if algorithm == 'adam' else 'RMSprop'}'s square-root scaling rule keeps sigma lr, "
              f"(1 - beta)/lr^2, xi lr and the clock k lr^2",
        algorithm=algorithm,
        function_class="smooth",
        oracle="bounded_variance",
        constants=(),
        hyperparameters=(Quantity(lr, "step size"), *beta_qs, Quantity(xi, "denominator shift (torch's eps)")),
        conditions=tuple(Condition(sp.StrictLessThan(kappa, 1 / (1 - syms[b])), f"kappa (1 - {b}) < 1")
                         for b in betas),
        kind="property",
        chain=(
            ChainStep("noise of a batch mean",
                      "B independent per-sample noises of variance s^2 average to variance B s^2/B^2 = s^2/B, so "
                      "batch kappa B has sigma/sqrt(kappa)",
                      (zero(B * s ** 2 / B ** 2, noise(B) ** 2, "Var of a batch-B mean"),
                       zero(noise(kappa * B), noise(B) / sp.sqrt(kappa), "sigma(kappa B) = sigma(B)/sqrt(kappa)")),
                      DERIVED),
            ChainStep("the map stays in the domains",
                      "1 - kappa(1 - beta) lies in (0, 1) exactly when kappa (1 - beta) < 1 (kappa > 0, beta < 1); "
                      "sqrt(kappa) lr and xi/sqrt(kappa) stay positive",
                      tuple(o for b in betas for o in (
                          lt(0, new[b], f"new {b} = 1 - kappa (1 - {b}) > 0"),
                          lt(new[b], 1, f"new {b} < 1"))) + (lt(0, new["lr"]), lt(0, new["xi"])),
                      DERIVED),
            ChainStep("the square-root rule keeps the SDE's parameters",
                      "sigma lr: (s/sqrt(kappa B)) sqrt(kappa) lr; (1 - beta)/lr^2: kappa(1 - beta)/(kappa lr^2); "
                      "xi lr: (xi/sqrt(kappa)) sqrt(kappa) lr; the clock: k/kappa steps of kappa B samples at "
                      "(sqrt(kappa) lr)^2 each",
                      _keeps(base_inv, sqrt_inv, "the sqrt rule"), DERIVED),
            ChainStep("the linear rule is SGD's",
                      "lr -> kappa lr keeps SGD's lr sigma^2 and t = k lr, and the sqrt rule moves them",
                      _keeps(sgd_invariants(BASE), sgd_invariants(lin), "the linear rule")
                      + _moves(sgd_invariants(BASE), sgd_invariants(new), "the sqrt rule", witness),
                      DERIVED),
            ChainStep("the linear rule moves Adam's parameters",
                      "lr -> kappa lr (betas and xi unchanged) multiplies sigma lr by sqrt(kappa) and divides "
                      "(1 - beta)/lr^2 by kappa^2: at kappa = 4 every one of them moves",
                      _moves({n: v for n, v in base_inv.items() if n != "t = k lr^2"},
                             {n: v for n, v in adam_invariants(lin, betas).items() if n != "t = k lr^2"},
                             "the linear rule", witness),
                      DERIVED),
        ),
        claims=(Claim("property", "with the sqrt rule, runs at batch B and kappa B agree in distribution at "
                                  "equal t = k lr^2 (weak approximation; the rule holds where noise dominates)",
                      MALLADI),
                Claim("property", "SGD's rule is linear", BLOG_SGD)),
        summary="B -> kappa B, lr -> sqrt(kappa) lr, 1 - beta -> kappa (1 - beta), xi -> xi/sqrt(kappa) keeps "
                "sigma lr, (1 - beta)/lr^2, xi lr and t = k lr^2 (valid while kappa (1 - beta) < 1); SGD's linear "
                "rule keeps lr sigma^2 and t = k lr instead. Where the rule holds on runs is measured by check.",
    )


adam = theorem_for("adam", ("beta1", "beta2"))
rmsprop = theorem_for("rmsprop", ("beta2",))
