"""adam.svag: SVAG in the official code's form keeps the SDE's parameters, with weights r1 + r2 = 1, r1^2 + r2^2 = l^2.

Malladi et al.'s code (Adaptive-SDE/cifar_main.py, optimizers ``adamsvag``/``rmspropsvag``) [P-code, card
adamw_sde_signgd.md section 2.4]: with SVAG parameter l >= 1, lr -> lr/l, beta_i -> 1 - (1 - beta_i)/l^2,
eps -> eps l, l^2 times the steps, and each step's loss r1 L(B1) + r2 L(B2) on two independent minibatches with
r_{1,2} = (1 +- sqrt(2 l^2 - 1))/2. Derived and certified here (the paper's SVAG theorem is NOT FOUND):
r1 + r2 = 1 keeps the mean gradient, r1^2 + r2^2 = l^2 multiplies the noise std by l, and the map then keeps
sigma lr, (1 - beta_i)/lr^2, xi lr and t = k lr^2, the same four combinations as the square-root rule. SGD's SVAG
(Li, Malladi, Arora 2021, restated by third-party notes [S]) uses sqrt(2 l - 1), so r1^2 + r2^2 = l, and keeps
SGD's lr sigma^2 and t = k lr instead.
"""
import sympy as sp

from ..model import Claim, ChainStep, Condition, Quantity, Source, Theorem, le, lt, zero
from ..symbols import beta1, beta2, lr, xi
from .scaling import B, adam_invariants, k, noise, sgd_invariants, sqrt_rule

DERIVED = Source("derived", "derived and certified here (proofs_notes/adam.svag.md) from the official code's "
                            "map [P-code]; the paper's SVAG statement NOT FOUND")
CODE = Source("claim", "Malladi et al.'s official code (Adaptive-SDE, cifar_main.py) [P-code] and README: SVAG with "
                       "l in {1, 2, 4, 8} simulates the SDE, so runs at every l agree at equal t = k lr^2")

ell = sp.Symbol("ell", positive=True)  # the SVAG parameter l
g, z1, z2 = sp.symbols("g z1 z2", real=True)  # the mean gradient and two independent minibatch noises
s2 = sp.Symbol("s2", positive=True)           # each minibatch noise's variance


def weights(root):
    """r_{1,2} = (1 +- root)/2: root = sqrt(2 l^2 - 1) for adaptive SVAG, sqrt(2 l - 1) for SGD's."""
    return (1 + root) / 2, (1 - root) / 2


r1, r2 = weights(sp.sqrt(2 * ell ** 2 - 1))
q1, q2 = weights(sp.sqrt(2 * ell - 1))


def svag_map(hp: dict, factor=ell) -> dict:
    """The code's map on a dict of symbols: lr/l, 1 - (1 - beta_i)/l^2, xi l; the noise std l times
    (B -> B/l^2 in sigma = s/sqrt(B)), and l^2 times the steps (k -> l^2 k at the base batch)."""
    rule = {lr: lr / factor, xi: xi * factor, beta1: 1 - (1 - beta1) / factor ** 2,
            beta2: 1 - (1 - beta2) / factor ** 2, B: B / factor ** 2}
    return {name: value.xreplace(rule) for name, value in hp.items()}


BASE = {"B": B, "lr": lr, "beta1": beta1, "beta2": beta2, "xi": xi}


def svag_invariants(hp: dict, steps_factor) -> dict:
    """adam_invariants, with the clock counting steps_factor k steps (SVAG's steps are not batch-B samples)."""
    inv = adam_invariants({**hp, "B": B}, ("beta1", "beta2"))
    inv["sigma lr"] = noise(hp["B"]) * hp["lr"]
    inv["t = k lr^2"] = steps_factor * k * hp["lr"] ** 2
    return inv


new = svag_map(BASE)
before, after = svag_invariants(BASE, 1), svag_invariants(new, ell ** 2)
# SGD-SVAG: lr/l and noise variance x l (B -> B/l in s^2/B); sgd_invariants counts k B/B' = l k steps, as SVAG runs
sgd_before, sgd_after = sgd_invariants(BASE), sgd_invariants({**BASE, "lr": lr / ell, "B": B / ell})

theorem = Theorem(
    id="adam.svag",
    title="SVAG (official code): weights r1 + r2 = 1, r1^2 + r2^2 = l^2; the map keeps sigma lr, (1 - beta)/lr^2, "
          "xi lr and t = k lr^2",
    algorithm="adam",
    function_class="smooth",
    oracle="bounded_variance",
    constants=(),
    hyperparameters=(Quantity(lr, "step size"),
                     Quantity(beta1, "first-moment EMA coefficient", sp.Integer(0), sp.Integer(1)),
                     Quantity(beta2, "second-moment EMA coefficient", sp.Integer(0), sp.Integer(1)),
                     Quantity(xi, "denominator shift (torch's eps)")),
    conditions=(Condition(sp.GreaterThan(ell, 1), "l >= 1"),),
    kind="property",
    chain=(
        ChainStep("the weights are real and sum to one",
                  "2 l^2 - 1 >= 0 for l >= 1; r1 + r2 = 1, so E[r1 g1 + r2 g2] = g",
                  (le(0, 2 * ell ** 2 - 1, "2 l^2 - 1 >= 0"), zero(r1 + r2, 1, "r1 + r2 = 1"),
                   zero(r1 * (g + z1) + r2 * (g + z2) - (r1 * z1 + r2 * z2), g, "the mean gradient is kept")),
                  DERIVED),
        ChainStep("the noise std grows l times",
                  "r1^2 + r2^2 = (1 + (2 l^2 - 1))/2 = l^2; independent minibatch noises of variance s2 give "
                  "variance (r1^2 + r2^2) s2 = l^2 s2",
                  (zero(r1 ** 2 + r2 ** 2, ell ** 2, "r1^2 + r2^2 = l^2"),
                   zero(noise(B / ell ** 2), ell * noise(B), "sigma -> l sigma")),
                  DERIVED),
        ChainStep("the map stays in the domains",
                  "1 - (1 - beta)/l^2 lies in (0, 1) for l >= 1 and beta in (0, 1)",
                  (lt(0, new["beta1"]), lt(new["beta1"], 1), lt(0, new["beta2"]), lt(new["beta2"], 1)), DERIVED),
        ChainStep("SVAG keeps the SDE's parameters",
                  "sigma lr: (l sigma)(lr/l); (1 - beta)/lr^2: ((1 - beta)/l^2)/(lr/l)^2; xi lr: (xi l)(lr/l); the "
                  "clock: l^2 k steps of (lr/l)^2",
                  tuple(zero(after[n], before[n], f"SVAG keeps {n}") for n in before), DERIVED),
        ChainStep("SVAG is the square-root rule at kappa = 1/l^2",
                  "the code's map is the square-root rule towards a batch l^2 times smaller (noise l times larger), "
                  "simulated by reweighting instead of by a smaller batch",
                  tuple(zero(new[n], sqrt_rule(BASE, 1 / ell ** 2)[n], f"{n}: SVAG = sqrt rule at 1/l^2")
                        for n in BASE), DERIVED),
        ChainStep("SGD's SVAG is the linear-rule analogue",
                  "with sqrt(2 l - 1): q1 + q2 = 1 and q1^2 + q2^2 = l (variance x l), lr/l and l k steps keep "
                  "SGD's lr sigma^2 and t = k lr",
                  (zero(q1 + q2, 1), zero(q1 ** 2 + q2 ** 2, ell, "q1^2 + q2^2 = l"))
                  + tuple(zero(sgd_after[n], sgd_before[n], f"SGD-SVAG keeps {n}") for n in sgd_before),
                  DERIVED),
    ),
    claims=(Claim("property", "SVAG runs at l = 1, 2, 4, 8 agree at equal t = k lr^2 (they simulate the SDE)", CODE),),
    summary="SVAG's weights r_{1,2} = (1 +- sqrt(2 l^2 - 1))/2 keep the mean gradient and multiply the noise std by l; "
            "with lr/l, 1 - (1 - beta)/l^2, xi l and l^2 times the steps, sigma lr, (1 - beta)/lr^2, xi lr and "
            "t = k lr^2 stay fixed (l >= 1).",
)
