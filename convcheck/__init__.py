"""convcheck: executable convergence theory for optimizers.

theory/ holds theorems as certified SymPy derivations, reference/ the batched numeric reference;
this package joins them by name: check, compare, the CLI, and Hypothesis helpers for users' tests.
"""
from .checker import CheckReport, check
from .setups import Setup

__all__ = ["check", "CheckReport", "Setup"]
