"""Importance-sampled SGD (Lahire 2023, full text NOT FOUND): the standard variance theory, derived and certified."""
from . import variance

THEOREMS = (variance.theorem,)
