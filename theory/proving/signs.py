"""The sign of a function of positive variables, proved factor by factor.

After reparametrisation (context.py) an obligation is a rational function of positive variables: its sign is
proved when SymPy's assumptions settle it or when every factor of numerator and denominator is a polynomial
with coefficients of one sign.
"""
from __future__ import annotations

import sympy as sp


def _sign_of_factor(e: sp.Expr, weak: bool = False) -> int:
    """+1 / -1 when e > 0 / e < 0 is known for positive variables, else 0; with ``weak``, +1 also for a
    factor known to be >= 0 (an even power of anything real)."""
    if e.is_positive or (weak and e.is_nonnegative):
        return 1
    if e.is_negative or (weak and e.is_nonpositive):
        return -1
    if isinstance(e, (sp.Min, sp.Max)):  # min > 0 iff all args are; max > 0 iff one is
        signs = [sign_proved(a, weak) for a in e.args]
        if isinstance(e, sp.Min):
            return 1 if all(x == 1 for x in signs) else (-1 if any(x == -1 for x in signs) else 0)
        return 1 if any(x == 1 for x in signs) else (-1 if all(x == -1 for x in signs) else 0)
    if isinstance(e, sp.Pow) and e.exp.is_integer and e.exp.is_even and e.base.is_real:
        return 1 if (e.base.is_nonzero or (weak and e.exp > 0)) else 0
    if isinstance(e, sp.Pow) and e.exp.is_integer:
        s = _sign_of_factor(e.base, weak and e.exp > 0)
        return s ** int(e.exp) if s else 0
    syms = e.free_symbols
    if syms and all(x.is_positive for x in syms):
        try:
            poly = sp.Poly(sp.expand(e), *sorted(syms, key=str))
        except sp.PolynomialError:
            return 0
        coeffs = poly.coeffs()
        if all(c.is_positive for c in coeffs):
            return 1
        if all(c.is_negative for c in coeffs):
            return -1
    return 0


def sign_proved(expr: sp.Expr, weak: bool = False) -> int:
    """Sign of a function of positive variables when provable factor by factor (0 = unknown). With
    ``weak`` the answer +1 means >= 0 (factors may vanish, but not in a denominator)."""
    e = sp.factor(sp.together(expr))
    if e == 0:
        return 0
    num, den = sp.fraction(e)
    sign = 1
    for part, w in ((num, weak), (den, False)):
        for fac in sp.Mul.make_args(part):
            s = _sign_of_factor(fac, w)
            if s == 0:
                return 0
            sign *= s
    return sign
