"""Adaptive methods: RMSProp and Adam bounds derived here, AdamW's scale-freeness, the signGD limit."""
from . import adam, lemmas, rmsprop, scale_free, signgd

THEOREMS = (rmsprop.det, rmsprop.stoch, adam.det, adam.stoch, scale_free.theorem, signgd.theorem)
LEMMAS = lemmas.LEMMAS
