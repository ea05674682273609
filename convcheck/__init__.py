"""convcheck: executable convergence theory for optimizers.

convcheck.theory holds theorems as certified SymPy derivations, convcheck.reference the batched
numeric reference; this package joins them by name: check, compare, the CLI, and Hypothesis helpers
for users' tests. (In the source tree the two layers are the top-level folders theory/ and
reference/; convcheck/theory and convcheck/reference are links to them, so one import name serves
the checkout and the installed package.)

The names below load on first use, so ``import convcheck.theory`` and ``convcheck --help`` do not
pay for the checker's imports.
"""
from importlib import import_module

_LAZY = {"check": "checker", "CheckReport": "checker", "Setup": "setups"}
__all__ = sorted(_LAZY)


def __getattr__(name):  # PEP 562
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
