"""sgd.is.variance: the importance-sampled gradient is unbiased, its variance has the standard closed form, and
p* proportional to ||grad f_i|| minimises it (Cauchy-Schwarz, through Lagrange's identity).

Lahire, arXiv 2303.16529 (2023): the full text is NOT FOUND (card inna_bayes_importance_sampling.md section 3,
addenda section 4); its abstract says the paper recalls importance-sampling theory for SGD. What is certified
here is that standard theory (Needell-Srebro-Ward 2014; Zhao-Zhang 2015; Katharopoulos-Fleuret 2018) as the card
states it, tagged ``derived``. For F = (1/N) sum_i f_i, g_i = grad f_i(x), a distribution p on {1..N} with
p_i > 0, and b i.i.d. draws i_j ~ p:

    ghat = (1/b) sum_j g_{i_j}/(N p_{i_j}),   E ghat = grad F,
    E||ghat - grad F||^2 = (1/b) [(1/N^2) sum_i ||g_i||^2/p_i - ||grad F||^2],
    min over p at p*_i = ||g_i||/sum_j ||g_j||:  (1/b) [((1/N) sum_i ||g_i||)^2 - ||grad F||^2],
    gain over uniform = (1/b) Var_{i ~ unif}(||g_i||).

Unrolled for N = 3 (the card's test vector's size): expectations are finite sums over the N indices, so the
algebra is the same termwise for every N. The moments are per coordinate (scalars g_i), summed over
coordinates for the trace; the optimality step is in the norms n_i = ||g_i|| themselves. A distribution is
p_i = w_i/(w_1 + w_2 + w_3) with arbitrary w_i > 0, so every p with p_i > 0 is covered.
"""
import sympy as sp

from ..lemmas.inequalities import CAUCHY_SCHWARZ
from ..model import Claim, ChainStep, Derivation, Source, Theorem, le, zero
from ..vectors import Vec

DERIVED = Source("derived", "standard importance-sampling theory as stated by the card (section 3), derived and "
                            "certified here (proofs_notes/sgd.is.variance.md); Lahire's own statement NOT FOUND")
LAHIRE = Source("claim", "Lahire, arXiv 2303.16529 abstract: the paper recalls importance-sampling theory for SGD in "
                         "deep learning (the full text, its notation and its metric are NOT FOUND)")

N = 3
g = sp.symbols(f"g1:{N + 1}", real=True)            # one coordinate of the component gradients
n = sp.symbols(f"n1:{N + 1}", positive=True)        # component gradient norms ||g_i||
w = sp.symbols(f"w1:{N + 1}", positive=True)        # unnormalised sampling weights
p = [wi / sum(w) for wi in w]                       # a distribution with p_i > 0
grad_F = sum(g) / N


def expect(values, probs=p):
    """E over one draw i ~ p of values[i]."""
    return sum(pi * v for pi, v in zip(probs, values))


one_draw = [gi / (N * pi) for gi, pi in zip(g, p)]   # g_i/(N p_i)
variance_1 = sum(gi ** 2 / pi for gi, pi in zip(g, p)) / N ** 2 - grad_F ** 2
# two i.i.d. draws: the pair (i, j) has probability p_i p_j
pair_mean_var = sum(p[i] * p[j] * ((one_draw[i] + one_draw[j]) / 2 - grad_F) ** 2 for i in range(N) for j in range(N))

p_star = [ni / sum(n) for ni in n]
norm_cost = sum(ni ** 2 / pi for ni, pi in zip(n, p))          # sum ||g_i||^2/p_i at p
lagrange = sum((n[i] * w[j] - n[j] * w[i]) ** 2 / (w[i] * w[j]) for i in range(N) for j in range(i + 1, N))
mean_norm = sum(n) / N
# the Cauchy-Schwarz pair in R^N: u_i = n_i/sqrt(p_i), v_i = sqrt(p_i); <u, v> = sum n_i, ||u||^2 = the cost, ||v||^2 = 1
u_coords = [ni / sp.sqrt(pi) for ni, pi in zip(n, p)]
v_coords = [sp.sqrt(pi) for pi in p]
GRAM = {("u_cs", "v_cs"): sum(n), ("u_cs", "u_cs"): norm_cost, ("v_cs", "v_cs"): sp.Integer(1)}

theorem = Theorem(
    id="sgd.is.variance",
    title="Importance-sampled gradients: unbiased, variance (1/b)[(1/N^2) sum ||g_i||^2/p_i - ||grad F||^2], "
          "minimised by p* ~ ||g_i|| with gain Var_unif(||g_i||)/b",
    algorithm="sgd",
    function_class="L-smooth",
    oracle="importance_sampled",
    constants=(),
    kind="property",
    gram=GRAM,
    chain=(
        ChainStep("unbiased",
                  "E ghat = sum_i p_i g_i/(N p_i) = (1/N) sum_i g_i = grad F (per coordinate; any p with p_i > 0)",
                  (zero(expect(one_draw), grad_F),), DERIVED),
        ChainStep("variance of one draw",
                  "E (g_i/(N p_i) - grad F)^2 = (1/N^2) sum_i g_i^2/p_i - (grad F)^2; summed over coordinates "
                  "this is (1/N^2) sum ||g_i||^2/p_i - ||grad F||^2",
                  (zero(expect([(v - grad_F) ** 2 for v in one_draw]), variance_1),), DERIVED),
        ChainStep("b i.i.d. draws",
                  "the mean of independent draws divides the variance by b (unrolled at b = 2: the cross terms "
                  "vanish by unbiasedness)",
                  (zero(pair_mean_var, variance_1 / 2),), DERIVED),
        ChainStep("the Cauchy-Schwarz pair",
                  "u_i = n_i/sqrt(p_i) and v_i = sqrt(p_i) in R^N have <u, v> = sum n_i, ||u||^2 = sum n_i^2/p_i and "
                  "||v||^2 = sum p_i = 1 (the Gram entries the citation below reads)",
                  (zero(sum(a * b for a, b in zip(u_coords, v_coords)), GRAM[("u_cs", "v_cs")]),
                   zero(sum(a ** 2 for a in u_coords), GRAM[("u_cs", "u_cs")]),
                   zero(sum(b ** 2 for b in v_coords), GRAM[("v_cs", "v_cs")])), DERIVED),
        ChainStep("p* is optimal (Cauchy-Schwarz)",
                  "sum n_i = <u, v> <= ||u|| ||v|| = sqrt(sum n_i^2/p_i), so (sum n_i)^2 <= sum n_i^2/p_i for every p; "
                  "Lagrange's identity gives the slack, sum_{i<j} (n_i w_j - n_j w_i)^2/(w_i w_j), zero at p*",
                  (zero(norm_cost - sum(n) ** 2, lagrange, "Lagrange's identity"),
                   zero(sum(ni ** 2 / pi for ni, pi in zip(n, p_star)), sum(n) ** 2, "attained at p*")), DERIVED,
                  derives=Derivation(le(sum(n), sp.sqrt(norm_cost), "sum n_i <= sqrt(sum n_i^2/p_i)"),
                                     ((CAUCHY_SCHWARZ.at(u=Vec.named("u_cs"), v=Vec.named("v_cs"), pick=(0,)), 1),))),
        ChainStep("the gain over uniform",
                  "at p_i = 1/N the cost is N sum n_i^2; uniform minus optimal variance is "
                  "(1/b)[(1/N) sum n_i^2 - ((1/N) sum n_i)^2] = (1/b) Var_unif(||g_i||) >= 0",
                  (zero(sum(ni ** 2 * N for ni in n) / N ** 2 - mean_norm ** 2,
                        sum((ni - mean_norm) ** 2 for ni in n) / N),), DERIVED),
        ChainStep("every estimate has the same norm under p*",
                  "||g_i/(N p*_i)|| = n_i sum_j n_j/(N n_i) = (1/N) sum_j n_j for every i",
                  tuple(zero(ni / (N * pi), mean_norm) for ni, pi in zip(n, p_star)), DERIVED),
    ),
    claims=(Claim("property", "importance sampling with p ~ ||g_i|| reduces the variance of SGD's gradient; the "
                              "paper's quality metric and its findings on the optimizer are NOT FOUND", LAHIRE),),
    summary="Importance-sampled minibatch gradients are unbiased with variance (1/b)[(1/N^2) sum ||g_i||^2/p_i - "
            "||grad F||^2]; p* ~ ||g_i|| minimises it, gaining Var_unif(||g_i||)/b over uniform sampling.",
)
