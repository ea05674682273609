"""sgd.is: Ghadimi-Lan randomized SGD with an importance-sampled oracle, sigma^2 being its variance bound.

The issue asks for Ghadimi-Lan with the importance-sampled variance in place of sigma^2 (Lahire's own convergence
statement, if any, is NOT FOUND). The importance-sampled oracle is unbiased with variance V_p(x) =
(1/b)[(1/N^2) sum ||g_i||^2/p_i - ||grad F||^2] (sgd.is.variance), so it is a bounded-variance oracle with
sigma^2 = sup_x V_p(x), and sgd.smooth's derivation applies word for word: the statement, chain and links are
sgd.smooth's (one derivation, not a copy), plus the step that bounds sigma^2 from per-component gradient bounds
G_i >= sup ||grad f_i||: at p*, sigma^2 <= (1/b) (mean G_i)^2, never above uniform sampling's (1/b) mean G_i^2,
the gap being (1/b) Var_unif(G_i). The oracle publishes that sigma (reference.oracles.ImportanceSampled.constants).
"""
import dataclasses

import sympy as sp

from ..baselines import sgd_smooth
from ..model import ChainStep, Claim, Source, Theorem, le, zero

DERIVED = Source("derived", "derived and certified here (proofs_notes/sgd.is.md): Ghadimi-Lan's bound with the "
                            "importance-sampled variance; Lahire's statement NOT FOUND")
K = 3                                                # components, unrolled as in sgd.is.variance
n = sp.symbols(f"n1:{K + 1}", positive=True)         # ||grad f_i(x)|| at some x
slack = sp.symbols(f"delta1:{K + 1}", positive=True)  # G_i = n_i + delta_i >= n_i
G = [ni + di for ni, di in zip(n, slack)]


def mean(v):
    """The average over the K components."""
    return sum(v) / K


def _sigma_step() -> ChainStep:
    return ChainStep(
        "the importance-sampled oracle has bounded variance",
        "unbiased with variance V_p(x) (sgd.is.variance); at p*, V <= (1/b)(mean_i ||g_i||)^2 <= (1/b)(mean_i G_i)^2 "
        "= sigma^2 for G_i >= ||g_i||; uniform sampling's bound (1/b) mean_i G_i^2 exceeds it by (1/b) Var_unif(G_i)",
        (le(mean(n) ** 2, mean(G) ** 2, "(mean ||g_i||)^2 <= (mean G_i)^2"),
         zero(mean([g ** 2 for g in G]) - mean(G) ** 2, mean([(g - mean(G)) ** 2 for g in G]),
              "uniform minus p*: Var_unif(G_i) >= 0")),
        DERIVED)


theorem: Theorem = dataclasses.replace(
    sgd_smooth.theorem,
    id="sgd.is",
    title="Randomized SGD (Ghadimi-Lan) with an importance-sampled finite-sum oracle: sigma^2 = sup_x V_p(x)",
    chain=(*sgd_smooth.theorem.chain, _sigma_step()),
    claims=(*sgd_smooth.theorem.claims,
            Claim("property", "importance sampling improves SGD through a smaller variance (Lahire's abstract; the "
                              "paper's convergence statement NOT FOUND)",
                  Source("claim", "Lahire, arXiv 2303.16529 abstract"))),
    summary="Ghadimi-Lan's E||grad f(x_R)||^2 bound holds with the importance-sampled oracle's variance bound in "
            "place of sigma^2; at p* it is (1/b)(mean G_i)^2, below uniform sampling's by Var_unif(G_i)/b.",
)
