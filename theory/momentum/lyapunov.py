"""The Lyapunov step each case of a momentum chain here takes (heavy_ball.py, nag.py).

On one side of the split lsmooth.descent at the step plus A ||u||^2 >= 0 (u the perfect square the quadratic
form leaves over) concludes the theorem's stated potential step Psi_{t+1} <= Psi_t - c ||g_t||^2. Its
a = max(a_S, a_B) and c = min(c_S, c_B) enter through two equalities proved on this side (a = a_case,
c = c_case), weighted so that the remainder is free of max/min: the prover then checks a plain identity.
"""
from ..lemmas.inequalities import NORM_NONNEG
from ..lemmas.smooth import DESCENT
from ..model import ONE_STEP, ChainStep, Derivation, zero
from ..symbols import grad_sq


def lyapunov_case(name, side, a, A, u, c, *, weight, coef, potential, gram, update, source):
    """``update``: x_{t+1} in words; ``a``, ``c``: the potential's weight and the decrease on this side, where the
    stated ``weight`` and ``coef`` equal them; ``potential`` and ``gram`` give ||s_t||^2 - ||s_{t+1}||^2."""
    ds = gram.dot(potential.state, potential.state) - gram.dot(potential.state_next, potential.state_next)
    return ChainStep(f"Lyapunov step ({name})",
                     f"lsmooth.descent between x_t and x_{{t+1}} = {update}, plus {A} ||{u!r}||^2 >= 0 (the quadratic "
                     f"form left over is this perfect square), gives the stated Psi_{{t+1}} <= Psi_t - c ||g_t||^2: "
                     f"on this side a = {a} and c = {c}",
                     (), source, assume=(side,),
                     derives=Derivation(ONE_STEP, ((DESCENT.at("x", "x_next"), 1), (NORM_NONNEG.at(u=u), A),
                                                   (zero(weight, a, f"a = {a} on this side"), -ds),
                                                   (zero(coef, c, f"c = {c} on this side"), grad_sq))))
