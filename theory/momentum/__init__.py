"""Momentum methods on L-smooth functions: heavy ball and NAG through Lyapunov functions (heavy ball also under PL)."""
from . import heavy_ball, heavy_ball_pl, nag

THEOREMS = (heavy_ball.theorem, nag.theorem, heavy_ball_pl.theorem)
LEMMAS = ()
