"""Importance-sampled SGD (Lahire 2023, full text NOT FOUND): the standard variance theory, derived and certified."""
from . import sgd_is, variance

THEOREMS = (variance.theorem, sgd_is.theorem)
