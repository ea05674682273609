"""Generalized smoothness: (L0,L1)-smooth functions and the methods analysed under it."""
from . import clipped_gd, descent, gd_lower, normalized_gd

THEOREMS = (descent.theorem, clipped_gd.theorem, gd_lower.theorem, normalized_gd.theorem)
