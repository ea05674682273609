"""clip_momentum.l0l1: the clipping framework of Zhang, Jin, Fang, Wang 2020, deterministic, without momentum.

    m_t = beta1 m_{t-1} + (1 - beta1) g_t  (m_{-1} = 0),
    x_{t+1} = x_t - [nu h(m_t) m_t + (1 - nu) h(g_t) g_t],   h(v) = min(lr, clip lr/||v||)

ZJFW's theorems (deterministic and stochastic) are NOT FOUND: parameters, complexity and constants
(card clipping_zhang2019_2020.md section 9.4). What is certified here is the case the framework shares
with clipped GD: at beta1 = 0, m_t = g_t and the update is x_t - h(g_t) g_t for every nu, so clipped_gd.l0l1's
derivation applies verbatim (its rate, T(eps) and conditions; nu = 0 gives the same update for any beta1,
which tests/test_clipping_optimizers.py checks, but a condition cannot say "beta1 = 0 or nu = 0").
With momentum (beta1 > 0) no bound is derived: the momentum lags the gradient by a multiple of
beta1/(1 - beta1) (L0 + L1 ||g||) clip lr, which leaves a floor like adam.det's; proofs_notes says what is left.
"""
import dataclasses

import sympy as sp

from ..model import ChainStep, Claim, Condition, Quantity, Source, zero
from ..symbols import nu
from .clipped_gd import theorem as clipped_gd

DERIVED = Source("derived", "the framework at beta1 = 0 is clipped GD (proofs_notes/clip_momentum.l0l1.md); "
                            "ZJFW's own theorems NOT FOUND")
ZJFW = Source("claim", "Zhang, Jin, Fang, Wang 2020 (NeurIPS) [P-abs]: the framework converges in the deterministic "
                       "and stochastic settings with complexities they call tight against existing lower bounds; "
                       "the statements are NOT FOUND (card 9.4). The order eps^-2 is the deterministic lower bound's "
                       "(Carmon et al., the candidate the card infers), not a read statement")

# beta1 may be 0 here, where theory.symbols' Adam beta1 is > 0: a second SymPy symbol named beta1 (they meet only by
# name, in the checker's lambdify); nu is theory.symbols'
beta1 = sp.Symbol("beta1", nonnegative=True)
g, m_prev = sp.symbols("g m_prev", real=True)  # one coordinate of g_t and of m_{t-1}

theorem = dataclasses.replace(
    clipped_gd,
    id="clip_momentum.l0l1",
    title="The clipping framework (ZJFW) without momentum on (L0,L1)-smooth functions (derived: clipped GD)",
    algorithm="clip_momentum",
    hyperparameters=(*clipped_gd.hyperparameters, Quantity(beta1, "momentum EMA coefficient beta", hi=sp.Integer(1), closed_lo=True),
                     Quantity(nu, "weight of the clipped momentum direction", hi=sp.Integer(1), closed_lo=True,
                              closed_hi=True)),
    conditions=(*clipped_gd.conditions,
                Condition(sp.LessThan(beta1, 0), "beta1 <= 0  (no momentum: the bound of the framework with "
                                                  "momentum is NOT FOUND and not derived)")),
    chain=(ChainStep("no momentum is clipped GD",
                     "at beta1 = 0, m_t = g_t, and nu h(g) g + (1 - nu) h(g) g = h(g) g: the step of clipped GD with "
                     "the same lr and clip, so clipped_gd.l0l1's chain below applies",
                     # proved under the conditions (beta1 in [0, 1) and beta1 <= 0), not by substituting beta1 = 0
                     (zero(beta1 * m_prev + (1 - beta1) * g, g),
                      zero(nu * g + (1 - nu) * g, g)), DERIVED),
           *clipped_gd.chain),
    claims=(Claim("order", "ZJFW: the framework finds an eps-stationary point of an (L0,L1)-smooth function in "
                           "O(eps^-2) steps in the deterministic setting (order inferred, statement NOT FOUND)",
                  ZJFW, sp.Integer(2)),),
    summary="At beta1 = 0 the framework is clipped GD for every nu, with clipped_gd.l0l1's bound; with momentum "
            "nothing is certified.",
)
