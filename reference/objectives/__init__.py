"""Reference objectives with proved constants, and a factory by name.

``get("cosine_sum", d=5, seed=1)`` builds one; ``get(name)`` alone gives a sensible default
instance. ``get("quadratic", ...)`` builds ``Quadratic(A, b)`` when given A,
``Quadratic.diagonal(eigs, b)`` when given eigs, and ``Quadratic.random(d, L, seed, mu)``
(default d=10, L=4, seed=0) otherwise.
"""
from __future__ import annotations

import inspect

from convcheck.registry import Registry

from .autoencoder import Autoencoder
from .base import Objective
from .bounded_grad import LogCoshSin
from .coordinatewise import CoordinatewiseL0L1
from .cosine_sum import CosineSum
from .l0l1 import CoshSum, ExpSum, MexicanHat, QuarticSum
from .least_squares import LeastSquares
from .logistic import LogisticNonconvex
from .nonsmooth import AbsQuadratic
from .quadratic import Quadratic
from .sin_squared import PLSinSquared, SinSquared
from .relu_net import ReluNet
from .teacher_student import TeacherStudent
from .tame import Abs, AbsDiff, InnaToy, L1Residual, MaxLin1, MaxLin2, NegAbs, ReluPair2, SpuriousRelu


OBJECTIVES: Registry = Registry("objective")  # name -> class (its constructor takes the parameters)
for _name, _cls in {
    "quadratic": Quadratic,
    "sin_squared": SinSquared,
    "pl_sin_squared": PLSinSquared,
    "cosine_sum": CosineSum,
    "logistic": LogisticNonconvex,
    "abs_quadratic": AbsQuadratic,
    "logcosh_sin": LogCoshSin,
    "autoencoder": Autoencoder,
    "teacher_student": TeacherStudent,
    "cosh": CoshSum,
    "quartic": QuarticSum,
    "mexican_hat": MexicanHat,
    "exp_sum": ExpSum,
    "coordinatewise_l0l1": CoordinatewiseL0L1,
    # the nonsmooth tame catalogue (card section 4, T1-T9) and a tiny ReLU network
    "abs": Abs,
    "neg_abs": NegAbs,
    "abs_diff": AbsDiff,
    "max_lin1": MaxLin1,
    "max_lin2": MaxLin2,
    "l1_residual": L1Residual,
    "inna_toy": InnaToy,
    "relu_pair2": ReluPair2,
    "spurious_relu": SpuriousRelu,
    "relu_net": ReluNet,
    "least_squares": LeastSquares,  # the importance-sampling card's finite sum
}.items():
    OBJECTIVES.register(_name, _cls)
NAMES = OBJECTIVES.names()


def _builder(name: str, params):
    """The constructor that ``params`` selects (quadratics have three)."""
    if name != "quadratic":
        return OBJECTIVES.get(name)
    if "A" in params:
        return Quadratic
    return Quadratic.diagonal if "eigs" in params else Quadratic.random


def get(name: str, **params) -> Objective:
    """The objective called ``name`` built with ``params``; unknown names and parameters are named."""
    build = _builder(name, params)
    signature = inspect.signature(build)
    accepted = [p for p in signature.parameters if p != "self"]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(f"objective {name!r} ({getattr(build, '__qualname__', name)}) has no parameter "
                         f"{unknown[0]!r}; it takes {accepted}")
    return build(**params)


__all__ = ["OBJECTIVES", "Objective", "SinSquared", "PLSinSquared", "Quadratic", "CosineSum", "LogisticNonconvex",
           "LeastSquares", "AbsQuadratic",
           "LogCoshSin", "Autoencoder", "TeacherStudent", "CoshSum", "QuarticSum", "MexicanHat", "ExpSum",
           "CoordinatewiseL0L1", "Abs", "NegAbs", "AbsDiff", "MaxLin1", "MaxLin2", "L1Residual", "InnaToy",
           "ReluPair2", "SpuriousRelu", "ReluNet", "get", "NAMES"]
