"""The SymPy symbols of the glossary (convcheck/glossary.py gives each name's meaning), all in one place.

Theorems, the model and the checker build their formulas from these, so one name means one symbol
everywhere (tests/test_glossary.py: every symbol here is a glossary name). Symbols local to one proof
(witness variables, Gram entries) stay in that proof's module.
"""
import sympy as sp

from .vectors import Vec

# the horizon: steps or gradients T, and the gradient-norm accuracy eps
T = sp.Symbol("T", positive=True)
eps = sp.Symbol("eps", positive=True)

# measured along a run (glossary MEASURED), and the gap f(x_0) - f(x_T) on the run itself
f, f_next, grad_sq, grad_sq_next, inner, oracle_sq = sp.symbols(
    "f f_next grad_sq grad_sq_next inner oracle_sq", real=True)
grad_cross = sp.Symbol("grad_cross", real=True)  # <grad f(x_t), grad f(x_{t+1})>
grad_norm = sp.Symbol("grad_norm", nonnegative=True)  # ||grad f(x_t)||, the non-squared measure's variable
gap = sp.Symbol("gap", positive=True)
# ||s_t||^2 and ||s_{t+1}||^2, s_t the state vector of a potential f(x_t) + a ||s_t||^2 (e.g. x_t - x_{t-1})
state_sq, state_sq_next = sp.symbols("state_sq state_sq_next", nonnegative=True)
# f(z_t) and f(z_{t+1}) at a potential's shifted point z_t = x_t + k s_t (e.g. SGD momentum's shadow iterate)
f_z, f_z_next = sp.symbols("f_z f_z_next", real=True)

# constants and hyperparameters
L, Delta, lr, h = sp.symbols("L Delta lr h", positive=True)
sigma = sp.Symbol("sigma", nonnegative=True)
momentum = sp.Symbol("momentum", nonnegative=True)  # heavy ball's and NAG's mu, in [0, 1)
mu = sp.Symbol("mu", positive=True)              # Polyak-Lojasiewicz constant: f - f* <= ||grad f||^2/(2 mu)
f_star = sp.Symbol("f_star", real=True)          # inf f, the PL premise's optimal value
c_lower = sp.Symbol("c", positive=True)  # an unknown universal constant of a lower bound

# adaptive methods (glossary names: G, G2, xi, beta1, beta2, weight_decay)
G, G2, xi = sp.symbols("G G2 xi", positive=True)
beta1, beta2 = sp.symbols("beta1 beta2", positive=True)
weight_decay = sp.Symbol("weight_decay", positive=True)

# generalized smoothness, clipping and noise (glossary: L0, L1, c_r, clip, nu, tau, M, D0, D1, xi_root)
L0, L1, c_r = sp.symbols("L0 L1 c_r", positive=True)
clip = sp.Symbol("clip", positive=True)          # clipping threshold gamma
nu = sp.Symbol("nu", nonnegative=True)           # weight of the momentum direction (0: clipped GD)
tau = sp.Symbol("tau", positive=True)            # almost-sure noise bound
M = sp.Symbol("M", positive=True)                # sup ||grad f|| on the sublevel set (assumption A4)
D0 = sp.Symbol("D0", nonnegative=True)           # affine variance: E g_i^2 <= D0 + D1 (d_i f)^2
D1 = sp.Symbol("D1", positive=True)
xi_root = sp.Symbol("xi_root", positive=True)    # shift inside the square root

# Bayesian filtering (glossary: prior_var, lr_p, lr_sgd): sigma^2, BAdam's eta_p, AdaBayes' SGD-limit rate
prior_var, lr_p, lr_sgd = sp.symbols("prior_var lr_p lr_sgd", positive=True)

# the named vectors of the standard Gram table: grad f(x_t), the oracle's answer g_t, grad f(x_{t+1})
g_vec, o_vec, g_next_vec = Vec.named("g"), Vec.named("o"), Vec.named("g_next")
