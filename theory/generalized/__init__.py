"""Generalized smoothness: (L0,L1)-smooth functions and the methods analysed under it."""
from . import affine, clip_momentum, clipped_gd, clipping, clipped_sgd, descent, gd_lower, gd_upper, normalized_gd, sublevel

THEOREMS = (descent.theorem, clip_momentum.theorem, clipped_gd.theorem, clipped_sgd.theorem, gd_lower.theorem, gd_upper.theorem,
            normalized_gd.theorem, affine.rmsprop, affine.adam)
LEMMAS = (*descent.LEMMAS, *sublevel.LEMMAS, *clipping.LEMMAS)
