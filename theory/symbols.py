"""The SymPy symbols of the glossary (convcheck/glossary.py gives each name's meaning).

Theorems build their formulas from these, so one name means one symbol everywhere.
"""
import sympy as sp

from .model import Theorem, f, f_next, gap, grad_cross, grad_norm, grad_sq, grad_sq_next, inner, oracle_sq  # noqa: F401
from .vectors import Vec

T, eps = Theorem.T, Theorem.eps
L, Delta, lr, h = sp.symbols("L Delta lr h", positive=True)
sigma = sp.Symbol("sigma", nonnegative=True)
c_lower = sp.Symbol("c", positive=True)  # an unknown universal constant of a lower bound

# adaptive methods (glossary names: G, G2, xi, beta1, beta2, weight_decay)
G, G2, xi = sp.symbols("G G2 xi", positive=True)
beta1, beta2 = sp.symbols("beta1 beta2", positive=True)
weight_decay = sp.Symbol("weight_decay", positive=True)

# generalized smoothness
L0, L1, c_r = sp.symbols("L0 L1 c_r", positive=True)

# the named vectors of the standard Gram table: grad f(x_t), the oracle's answer g_t, grad f(x_{t+1})
g_vec, o_vec, g_next_vec = Vec.named("g"), Vec.named("o"), Vec.named("g_next")
