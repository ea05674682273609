"""convcheck's symbolic layer: theorems as checkable derivations (SymPy + mpmath).

Never imports reference/ (the two layers meet only in convcheck/).
"""
from . import adaptive, baselines, generalized, nonsmooth
from .certify import Certificate, certify, eps_exponent
from .model import (Assumption, ChainStep, Claim, Condition, Formula, Obligation, OneStep, Quantity, Rate,
                    Source, Theorem)
from .registry import get, lower_bound_for, register, theorems

for _thm in (*baselines.THEOREMS, *adaptive.THEOREMS, *generalized.THEOREMS, *nonsmooth.THEOREMS):
    register(_thm)

__all__ = ["Assumption", "ChainStep", "Claim", "Condition", "Formula", "Obligation", "OneStep", "Quantity",
           "Rate", "Source", "Theorem", "Certificate", "certify", "eps_exponent", "get", "lower_bound_for",
           "register", "theorems"]
