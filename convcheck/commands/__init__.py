"""One module per group of `convcheck` commands, imported only when one of its commands runs.

listing: list (a cached index, no SymPy); theorems: show, bound, certify, mutate (SymPy);
runs: run, compare (NumPy, matplotlib); checks: check; studies: study. Shared pieces (output,
objective and oracle from flags) are in common.
"""
