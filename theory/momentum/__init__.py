"""Momentum methods on L-smooth functions: heavy ball and NAG through Lyapunov functions (heavy ball also under PL),
and SGD with momentum (torch's form and the EMA form) under bounded variance through its shadow iterate."""
from . import heavy_ball, heavy_ball_pl, nag, sgd_momentum, sgd_momentum_ema

THEOREMS = (heavy_ball.theorem, nag.theorem, heavy_ball_pl.theorem, sgd_momentum.theorem,
            sgd_momentum_ema.theorem)
LEMMAS = ()  # the premises are the shared library's (theory/lemmas/)
