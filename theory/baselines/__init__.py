"""The smooth baselines: GD, its exact PEP worst case, GD under PL, Ghadimi-Lan SGD and the lower bounds."""
from . import gd_pep, gd_pl, gd_smooth, lower_bounds, sgd_smooth

THEOREMS = (gd_smooth.theorem, gd_pep.theorem, gd_pl.theorem, sgd_smooth.theorem, lower_bounds.det, lower_bounds.stoch)
