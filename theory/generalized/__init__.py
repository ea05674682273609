"""Generalized smoothness: (L0,L1)-smooth functions and the methods analysed under it."""
from . import clipped_gd, descent

THEOREMS = (descent.theorem, clipped_gd.theorem)
