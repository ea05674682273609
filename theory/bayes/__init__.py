"""Adaptive SGD as Bayesian filtering (Aitchison): the RMSprop and Adam limits of BRMSprop and BAdam, and the
Adam(W)/SGD limits of AdaBayes-FP. All property theorems: certified where symbolic, checked on runs."""
from . import adabayes, badam, brmsprop

THEOREMS = (brmsprop.theorem, badam.theorem, adabayes.theorem)
