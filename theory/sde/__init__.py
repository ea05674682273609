"""SDE approximations and scaling rules for adaptive methods (Malladi, Lyu, Panigrahi, Arora 2022)."""
from . import rmsprop_sde, scaling, svag

THEOREMS = (scaling.adam, scaling.rmsprop, svag.theorem, rmsprop_sde.theorem)
