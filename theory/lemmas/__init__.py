"""The library of premises shared by the families: L-smooth two-point inequalities, oracle models,
the PL inequality, and the elementary inequalities the chains use. Family-specific lemmas live with their family."""
from . import inequalities, noise, pl, smooth

LEMMAS = (*smooth.LEMMAS, *noise.LEMMAS, *inequalities.LEMMAS, *pl.LEMMAS)
