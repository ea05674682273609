"""The assumptions and constants theorems share, stated once (a theorem module imports them from here,
not from another theorem)."""
from .model import Assumption, Quantity
from .symbols import L, Delta, L0, L1, sigma

SMOOTH = Assumption("L-smooth", "||grad f(x) - grad f(y)|| <= L ||x - y|| for all x, y", ("L",))
BOUNDED_BELOW = Assumption("bounded below", "f* = inf f > -inf and Delta >= f(x_0) - f*", ("Delta",))
BOUNDED_VARIANCE = Assumption("bounded variance", "E g = grad f(x), E||g - grad f(x)||^2 <= sigma^2, independent "
                                                  "across steps", ("sigma",))
L0L1_SMOOTH = Assumption("(L0,L1)-smooth", "twice differentiable, ||Hess f(x)|| <= L0 + L1 ||grad f(x)|| (for the "
                                           "methods: on a neighbourhood of the sublevel set)", ("L0", "L1"))

L_Q = Quantity(L, "gradient Lipschitz constant (L-smooth)")
DELTA_Q = Quantity(Delta, "initial gap f(x_0) - f* (or an upper bound on it)")
SIGMA_Q = Quantity(sigma, "oracle noise: E||g - grad f||^2 <= sigma^2", closed_lo=True)
CONSTANTS = (L_Q, DELTA_Q)
L0L1_CONSTANTS = (Quantity(L0, "(L0,L1)-smoothness constant L0"), Quantity(L1, "(L0,L1)-smoothness constant L1"))
