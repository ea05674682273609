"""Reference objectives with proved constants."""
from .base import Objective
from .sin_squared import SinSquared

__all__ = ["Objective", "SinSquared"]
