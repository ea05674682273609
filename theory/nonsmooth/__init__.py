"""Nonsmooth tame objectives and INNA / DIN (Castera, Bolte, Fevotte, Pauwels 2021)."""
from . import inna

THEOREMS = inna.THEOREMS
