"""sgd.smooth: Ghadimi-Lan randomized SGD on an L-smooth function (card B2).

    x_{k+1} = x_k - lr G(x_k, xi_k),   E G = grad f,   E||G - grad f||^2 <= sigma^2,   0 < lr < 2/L
    output x_R with R uniform on the first N iterates (constant step)
    one-step    f(x_{k+1}) <= f(x_k) - lr <grad f(x_k), g_k> + (L lr^2/2) ||g_k||^2   (pathwise)
    rate        E||grad f(x_R)||^2 <= (2 Delta + L sigma^2 N lr^2) / (N (2 lr - L lr^2))
    corollary   lr = min(1/L, D/(sigma sqrt N)), D = sqrt(2 Delta / L):
                E||grad f(x_R)||^2 <= 2 L Delta / N + 2 sigma sqrt(2 L Delta) / sqrt(N)
    complexity  N >= max(4 L Delta / eps^2, 32 L Delta sigma^2 / eps^4)

The statement is the standard one of Ghadimi & Lan 2013 (SIAM J. Optim. 23(4); theorem numbers
from memory, unverified), re-derived in full in card B2; tagged ``derived`` and certified here.
Their accuracy is for the squared norm: their O(eps^-2) is O(eps^-4) for ||grad f|| <= eps. The
rate and the corollary take E_t of the one-step inequality through oracle.bounded_variance.
"""
import sympy as sp

from ..assumptions import BOUNDED_BELOW, BOUNDED_VARIANCE, CONSTANTS, SIGMA_Q, SMOOTH
from ..lemmas.smooth import DESCENT
from ..model import ONE_STEP, ChainStep, Claim, Condition, Derivation, Formula, OneStep, Quantity, Rate, Source, Theorem
from ..symbols import Delta, L, T, eps, f, f_next, inner, lr, o_vec, oracle_sq, sigma

GL = Source("derived", "Ghadimi & Lan 2013 (arXiv 1309.5549), 'Theorem 2.1 / Corollary 2.2' by memory, "
                       "unverified; re-derived in card B2 and certified here")

N = T
D = sp.sqrt(2 * Delta / L)
lr_star = 1 / sp.Max(L, sigma * sp.sqrt(N) / D)  # = min(1/L, D/(sigma sqrt N)), defined at sigma = 0

theorem = Theorem(
    id="sgd.smooth",
    title="Randomized SGD (Ghadimi-Lan) on L-smooth nonconvex functions",
    algorithm="sgd",
    function_class="L-smooth",
    oracle="bounded_variance",
    constants=(*CONSTANTS, SIGMA_Q),
    hyperparameters=(Quantity(lr, "constant step size"),),
    assumptions=(SMOOTH, BOUNDED_BELOW, BOUNDED_VARIANCE),
    prescription={"lr": Formula(lr_star, GL)},
    conditions=(Condition(sp.StrictLessThan(lr, 2 / L), "lr < 2/L"),),
    update=-lr * o_vec,
    one_step=OneStep(f_next, f - lr * inner + L * lr ** 2 / 2 * oracle_sq, GL,
                     statement="f(x_{k+1}) <= f(x_k) - lr <grad f(x_k), g_k> + (L lr^2/2) ||g_k||^2  (pathwise)"),
    rate=Rate("expected_grad_sq_random_index",
              Formula((2 * Delta + L * sigma ** 2 * N * lr ** 2) / (N * (2 * lr - L * lr ** 2)), GL),
              "E||grad f(x_R)||^2 <= (2 Delta + L sigma^2 N lr^2) / (N (2 lr - L lr^2))", expectation=True),
    rate_at_prescription=Formula(2 * L * Delta / N + 2 * sigma * sp.sqrt(2 * L * Delta) / sp.sqrt(N), GL),
    complexity=Formula(sp.ceiling(sp.Max(4 * L * Delta / eps ** 2, 32 * L * Delta * sigma ** 2 / eps ** 4)), GL),
    chain=(
        ChainStep("pathwise descent", "lsmooth.descent between x_k and x_{k+1} = x_k - lr g_k: f(x_{k+1}) <= f(x_k) - "
                  "lr <grad f(x_k), g_k> + (L/2) lr^2 ||g_k||^2, the one-step inequality",
                  (), GL, derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next"), 1),))),
    ),
    claims=(Claim("order", "O(L Delta eps^-2 + L Delta sigma^2 eps^-4) for ||grad f|| <= eps (Ghadimi-Lan, "
                           "stated for the squared norm)",
                  Source("derived", "card B2's derivation; Ghadimi & Lan's abstract (read) confirms only the method "
                                    "and that it finds approximate stationary points"),
                  sp.Integer(4)),),
    summary="SGD with a random output index reaches E||grad f||^2 <= eps^2 in O(L Delta sigma^2 / eps^4) steps.",
)
