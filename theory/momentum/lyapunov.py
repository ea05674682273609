"""The two steps each case of a momentum chain here takes (heavy_ball.py, nag.py).

1. The Lyapunov step Psi_{t+1} <= Psi_t - c ||g_t||^2: lsmooth.descent at the step plus A ||u||^2 >= 0, u the
   perfect square the quadratic form leaves over.
2. Its telescoping to the stated rate: a >= 0 and a zero potential at t = 0 give T c min_t ||g_t||^2 <= Delta,
   and on this side of the split c = min(c_S, c_B) is c_case.
"""
from ..lemmas.inequalities import NORM_NONNEG
from ..lemmas.smooth import DESCENT
from ..model import ChainStep, Derivation, le, lt, zero
from ..symbols import Delta, T


def lyapunov_case(name, side, a, A, u, c_case, other, rate, *, step, update, start, coef, c_S, c_B, gap_SB,
                  gap_text, source):
    """``step(a, c)``: the Lyapunov obligation; ``update``: x_{t+1} in words; ``start``: why the potential is 0
    at t = 0; ``gap_SB`` = c_S - c_B with ``gap_text`` its derivation."""
    return (
        ChainStep(f"Lyapunov step ({name})",
                  f"lsmooth.descent between x_t and x_{{t+1}} = {update}, plus {A} ||{u!r}||^2 >= 0 (the quadratic "
                  f"form left over is this perfect square), gives Psi_{{t+1}} <= Psi_t - c ||g_t||^2 with a = {a}, "
                  f"c = {c_case}",
                  (), source, assume=(side,),
                  derives=Derivation(step(a, c_case), ((DESCENT.at("x", "x_next"), 1), (NORM_NONNEG.at(u=u), A)))),
        ChainStep(f"telescoping ({name})",
                  f"a >= 0 and {start}: summing the Lyapunov step over t < T, c sum_t ||g_t||^2 <= Psi_0 - Psi_T <= "
                  f"f(x_0) - f(x_T) <= Delta; c > 0 under lr < 2(1 - mu)/L, and on this side c is min(c_S, c_B), so "
                  f"the stated rate Delta/(T min(c_S, c_B)) meets it",
                  (le(0, a, "the potential's weight a is nonnegative (Psi_T >= f(x_T))"),
                   zero(c_S - c_B, gap_SB, f"{gap_text}, so c = c_S - max(0, c_S - c_B) = min(c_S, c_B)"),
                   le(c_case, other, f"{c_case} <= {other}: c = min(c_S, c_B) is {c_case} on this side"),
                   lt(0, c_case, "c > 0: the Lyapunov function decreases"),
                   le(coef, c_case, "min(c_S, c_B) <= c, so T min(c_S, c_B) min_t ||g_t||^2 <= Delta too"),
                   zero(T * coef * rate, Delta, "the stated rate is Delta/(T min(c_S, c_B))")),
                  source, assume=(side,)),
    )
