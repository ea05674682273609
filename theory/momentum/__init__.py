"""Momentum methods on L-smooth functions: heavy ball (and, next, NAG) through a Lyapunov function."""
from . import heavy_ball

THEOREMS = (heavy_ball.theorem,)
LEMMAS = ()
