"""Momentum methods on L-smooth functions: heavy ball and NAG through Lyapunov functions."""
from . import heavy_ball, nag

THEOREMS = (heavy_ball.theorem, nag.theorem)
LEMMAS = ()
