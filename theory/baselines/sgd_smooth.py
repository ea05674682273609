"""sgd.smooth: Ghadimi-Lan randomized SGD on an L-smooth function (card B2).

    x_{k+1} = x_k - lr G(x_k, xi_k),   E G = grad f,   E||G - grad f||^2 <= sigma^2,   0 < lr < 2/L
    output x_R with R uniform on the first N iterates (constant step)
    rate        E||grad f(x_R)||^2 <= (2 Delta + L sigma^2 N lr^2) / (N (2 lr - L lr^2))
    corollary   lr = min(1/L, D/(sigma sqrt N)), D = sqrt(2 Delta / L):
                E||grad f(x_R)||^2 <= 2 L Delta / N + 2 sigma sqrt(2 L Delta) / sqrt(N)
    complexity  N >= max(4 L Delta / eps^2, 32 L Delta sigma^2 / eps^4)

The statement is the standard one of Ghadimi & Lan 2013 (SIAM J. Optim. 23(4); theorem numbers
from memory, unverified), re-derived in full in card B2; tagged ``derived`` and certified here.
Their accuracy is for the squared norm: their O(eps^-2) is O(eps^-4) for ||grad f|| <= eps.
"""
import sympy as sp

from ..model import (Assumption, ChainStep, Claim, Condition, Formula, OneStep, Quantity, Rate, Source,
                     Theorem, le, lt, zero)
from ..symbols import Delta, L, T, eps, f, f_next, inner, lr, oracle_sq, sigma
from .gd_smooth import CONSTANTS, SMOOTH

GL = Source("derived", "Ghadimi & Lan 2013 (arXiv 1309.5549), 'Theorem 2.1 / Corollary 2.2' by memory, "
                       "unverified; re-derived in card B2 and certified here")

g2, ip, d2 = sp.symbols("g2 ip d2", real=True)  # ||grad f||^2, <grad f, delta>, ||delta||^2
N = T
coef = lr - L * lr ** 2 / 2
rate = (2 * Delta + L * sigma ** 2 * N * lr ** 2) / (N * (2 * lr - L * lr ** 2))
D = sp.sqrt(2 * Delta / L)
lr_star = 1 / sp.Max(L, sigma * sp.sqrt(N) / D)  # = min(1/L, D/(sigma sqrt N)), defined at sigma = 0
corollary = 2 * L * Delta / N + 2 * sigma * sp.sqrt(2 * L * Delta) / sp.sqrt(N)
N1, N2 = 4 * L * Delta / eps ** 2, 32 * L * Delta * sigma ** 2 / eps ** 4
SMALL_NOISE = Condition(sp.LessThan(sigma, sp.sqrt(2 * L * Delta / N)), "sigma <= sqrt(2 L Delta / N)  (lr = 1/L)")
LARGE_NOISE = Condition(sp.GreaterThan(sigma, sp.sqrt(2 * L * Delta / N)), "sigma >= sqrt(2 L Delta / N)")

theorem = Theorem(
    id="sgd.smooth",
    title="Randomized SGD (Ghadimi-Lan) on L-smooth nonconvex functions",
    algorithm="sgd",
    function_class="L-smooth",
    oracle="bounded_variance",
    constants=(*CONSTANTS, Quantity(sigma, "oracle noise: E||g - grad f||^2 <= sigma^2", closed_lo=True)),
    hyperparameters=(Quantity(lr, "constant step size"),),
    assumptions=(SMOOTH, Assumption("bounded below", "Delta >= f(x_0) - f*", ("Delta",)),
                 Assumption("bounded variance", "E g = grad f(x), E||g - grad f(x)||^2 <= sigma^2, "
                                                "independent across steps", ("sigma",))),
    prescription={"lr": Formula(lr_star, GL)},
    conditions=(Condition(sp.StrictLessThan(lr, 2 / L), "lr < 2/L"),),
    one_step=OneStep(f_next, f - lr * inner + L * lr ** 2 / 2 * oracle_sq, GL, coefficient=coef,
                     statement="f(x_{k+1}) <= f(x_k) - lr <grad f(x_k), g_k> + (L lr^2/2) ||g_k||^2  (pathwise)"),
    rate=Rate("expected_grad_sq_random_index", Formula(rate, GL),
              "E||grad f(x_R)||^2 <= (2 Delta + L sigma^2 N lr^2) / (N (2 lr - L lr^2))", expectation=True),
    rate_at_prescription=Formula(corollary, GL),
    complexity=Formula(sp.ceiling(sp.Max(N1, N2)), GL),
    chain=(
        ChainStep("pathwise descent", "the L-smooth upper model at y = x - lr g with g = grad f + delta, "
                  "expanded: <grad f, g> = g2 + ip, ||g||^2 = g2 + 2 ip + d2",
                  (zero(f - lr * (g2 + ip) + L * lr ** 2 / 2 * (g2 + 2 * ip + d2),
                        f - coef * g2 - (lr - L * lr ** 2) * ip + L * lr ** 2 / 2 * d2),), GL),
        ChainStep("expectation", "E[ip] = 0 (unbiased) and E[d2] <= sigma^2 enters with a nonnegative "
                  "coefficient, so E f(x_{k+1}) <= E f(x_k) - coef E g2 + L lr^2 sigma^2 / 2",
                  (le(0, L * lr ** 2 / 2, "coefficient of ||delta||^2 >= 0"),), GL),
        ChainStep("positive decrease", "lr < 2/L makes coef = lr - L lr^2/2 positive",
                  (lt(0, coef),), GL),
        ChainStep("telescoping", "summing over the first N steps and dividing by N coef: "
                  "E||grad f(x_R)||^2 = (1/N) sum_k E g2_k <= (Delta + N L lr^2 sigma^2/2) / (N coef)",
                  (zero(rate, (Delta + N * L * lr ** 2 * sigma ** 2 / 2) / (N * coef)),), GL),
        ChainStep("corollary, lr = 1/L", "when 1/L <= D/(sigma sqrt N): rate(1/L) <= the corollary bound",
                  (le(rate.subs(lr, 1 / L), corollary),), GL, assume=(SMALL_NOISE,)),
        ChainStep("corollary, lr = D/(sigma sqrt N)", "when D/(sigma sqrt N) <= 1/L: rate <= the corollary bound",
                  (le(rate.subs(lr, D / (sigma * sp.sqrt(N))), corollary),), GL, assume=(LARGE_NOISE,)),
        ChainStep("complexity", "each corollary term is <= eps^2/2 once N >= its threshold (both decrease in N)",
                  (zero((2 * L * Delta / N).subs(N, N1), eps ** 2 / 2),
                   zero((2 * sigma * sp.sqrt(2 * L * Delta) / sp.sqrt(N)).subs(N, N2), eps ** 2 / 2),
                   le(sp.diff(2 * L * Delta / N, N), 0, "first term decreases in N"),
                   le(sp.diff(2 * sigma * sp.sqrt(2 * L * Delta) / sp.sqrt(N), N), 0, "second term decreases in N")),
                  GL),
    ),
    claims=(Claim("order", "O(L Delta eps^-2 + L Delta sigma^2 eps^-4) for ||grad f|| <= eps (Ghadimi-Lan, "
                           "stated for the squared norm)",
                  Source("derived", "card B2's derivation; Ghadimi & Lan's abstract (read) confirms only the method "
                                    "and that it finds approximate stationary points"),
                  sp.Integer(4)),),
    summary="SGD with a random output index reaches E||grad f||^2 <= eps^2 in O(L Delta sigma^2 / eps^4) steps.",
)
