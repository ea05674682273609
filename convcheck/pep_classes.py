"""What PEP covers (no PEPit needed to read it): the function classes and measures convcheck.pep solves for.

A theorem is in reach of `convcheck tightness` when its algorithm is one of convcheck.pep's methods, its oracle is
exact, its function_class is a class here and its rate's measure is a measure here: the registry is keyed by
those, never by theorem ids.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FunctionClass:
    """A PEPit class under theory's function_class string; ``exact``: its description interpolates (W is the
    class's worst case) rather than relaxes it (W is an upper bound on it)."""
    name: str
    function_class: str
    exact: bool
    interpolation: str


@dataclass(frozen=True)
class Measure:
    """What W(N) bounds, under theory's Rate.measure. ``horizon``: the theorem's T is N + horizon for PEP's N steps;
    ``unit``: W scales as L^unit Delta (phi(y) = f(s y)/Delta, s = sqrt(Delta/L), is 1-smooth with PL constant
    mu/L, the methods map y_t = x_t/s with step L lr, ||grad f||^2 = L Delta ||grad phi||^2, f - f* = Delta (phi -
    phi*)); ``needs_f_star``: the problem has a stationary point x* whose value plays f*."""
    name: str
    text: str
    horizon: int
    unit: int
    needs_f_star: bool


CLASSES = {c.name: c for c in (
    FunctionClass("smooth", "L-smooth", True,
                  "PEPit SmoothFunction: the interpolation conditions of Taylor, Hendrickx, Glineur 2017 (Thm 3.10, "
                  "mu = -L), necessary and sufficient per the paper PEPit cites: exact"),
    FunctionClass("pl", "L-smooth PL", False,
                  "PEPit SmoothQuadraticLojasiewiczFunctionExpensive (Rubbens, Hendrickx, Taylor 2025, Prop. 3.4): "
                  "smoothness interpolation, f - f* <= ||g||^2/(2 mu) and f - f* >= ||g||^2/(2 L) at each point, a "
                  "2x2 LMI per pair; necessary, not known sufficient: a relaxation, W >= the class's worst case"),
    FunctionClass("convex", "L-smooth convex", True,
                  "PEPit SmoothConvexFunction: the smooth convex interpolation conditions of Taylor, Hendrickx, "
                  "Glineur 2017: exact"),
)}

MEASURES = {m.name: m for m in (
    Measure("min_grad_sq_before_T", "min_{0<=t<=N} ||grad f(x_t)||^2 from f(x_0) - f* <= Delta; f(x_t) >= f* imposed "
            "at x_0..x_{N+1} (a sampled relaxation of f >= f*); the bound at T = N + 1", 1, 1, True),
    Measure("min_grad_sq_through_T",
            "min_{0<=t<=N} ||grad f(x_t)||^2 from f(x_0) - f(x_N) <= Delta; the bound at T = N", 0, 1, False),
    Measure("gap_last_iterate", "f(x_N) - f* from f(x_0) - f* <= Delta; the bound at T = N", 0, 0, True),
)}

METHODS = ("gd", "heavy_ball", "nag")


def class_for(function_class: str) -> FunctionClass | None:
    """The PEP class of theory's ``function_class`` string, or None."""
    return next((c for c in CLASSES.values() if c.function_class == function_class), None)


def uncovered(thm) -> str | None:
    """Why PEP does not cover the bound ``thm`` (a Theorem with a rate, or None), or None when it does."""
    if thm is None or thm.rate is None:
        return "it states no rate"
    if thm.algorithm not in METHODS:
        return f"its algorithm {thm.algorithm} is not one of {', '.join(METHODS)}"
    if thm.oracle != "exact" or thm.rate.expectation:
        return f"its oracle is {thm.oracle}, PEP's is exact gradients"
    if class_for(thm.function_class) is None:
        return (f"its class {thm.function_class!r} is not one PEP has "
                f"({', '.join(c.function_class for c in CLASSES.values())})")
    if thm.rate.measure not in MEASURES:
        return f"its measure {thm.rate.measure} has no PEP ({', '.join(MEASURES)})"
    return None
