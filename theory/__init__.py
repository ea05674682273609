"""convcheck's symbolic layer: theorems as checkable derivations (SymPy + mpmath).

Never imports reference/ (the two layers meet only in convcheck/).
"""
from . import adaptive, baselines, bayes, generalized, importance, lemmas, momentum, nonsmooth, sde
from .certify import Certificate, certify, certify_lemma, eps_exponent
from .lemma import Instance, Lemma, get_lemma, register_lemma
from .model import (Assumption, ChainStep, Claim, Condition, Derivation, Formula, Obligation, OneStep, Quantity,
                    Rate, Source, Theorem)
from .registry import get, lower_bound_for, register, theorems

for _lemma in (*lemmas.LEMMAS, *generalized.LEMMAS, *adaptive.LEMMAS, *momentum.LEMMAS):
    register_lemma(_lemma)
for _thm in (*baselines.THEOREMS, *adaptive.THEOREMS, *generalized.THEOREMS, *nonsmooth.THEOREMS,
             *momentum.THEOREMS, *sde.THEOREMS, *bayes.THEOREMS, *importance.THEOREMS):
    register(_thm)

__all__ = ["Assumption", "ChainStep", "Claim", "Condition", "Derivation", "Formula", "Obligation", "OneStep",
           "Quantity", "Rate", "Source", "Theorem", "Certificate", "certify", "certify_lemma", "eps_exponent",
           "Instance", "Lemma", "get_lemma", "register_lemma", "get", "lower_bound_for", "register", "theorems"]
