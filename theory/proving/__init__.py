"""The prover's parts, one job per module; ``theory/prove.py`` is the entry point (``prove``) and the driver.

context.py   the bounds on an obligation's symbols and the changes of variable they allow
signs.py     the sign of a function of positive variables, factor by factor
symbolic.py  the symbolic level: SymPy with the min/max and sqrt rules (and merging bounds, which needs it)
interval.py  the interval level: mpmath interval arithmetic on a box
sampling.py  the seeded search for a counterexample (the sampled level, and the quick look before the others)
budget.py    the CPU-time limit on SymPy
"""
