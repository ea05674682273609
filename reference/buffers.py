"""Runner-owned buffers, and in-place updates that fall back to functional ones (issue 15's allocation contract).

A steady-state step of the runner makes no fresh (R, d) array. Optimizers that keep the contract have a
second entry point, ``step_into(state, g, hp, t, ws)``: the state is *donated* (its moment arrays are
updated in place) and the next iterate is written into ``ws.x``, a buffer the runner owns and rotates;
the few optimizers that need more room ask ``ws.scratch(i)``, made once on first use. The pure
``step(state, g, hp, t)`` is the same code run on copies (``pure``), so the two cannot drift apart and
give the same bits.

Bits: every in-place form performs the same IEEE operations, on the same operands, as the functional
form it replaces; it only changes where the result is stored (a + b == b + a and a * b == b * a
exactly, so operand order inside one operation is free).

Portability: NumPy and CuPy take ``out=``; a namespace without it (array_api_strict, the stand-in for a
device in CI) gets ``out[...] = op(a, b)``, the same values through one temporary. In-place operators
(``a *= b``) are part of the array API standard and are used as they are.
"""
from __future__ import annotations

from typing import Any, Callable

from . import kernels as _kernels
from .backend import namespace_of

_OUT_NAMESPACES = ("numpy", "cupy")  # namespaces whose elementwise functions take out=


def has_out(xp) -> bool:
    return getattr(xp, "__name__", "") in _OUT_NAMESPACES


def into(xp, op: Callable, *args, out):
    """op(*args) stored into ``out`` (out= where the namespace has it); returns ``out``."""
    if has_out(xp):
        return op(*args, out=out)
    out[...] = op(*args)
    return out


def copy_of(xp, a):
    """A fresh copy of an array on its own device (xp.empty_like + assignment: every namespace has both)."""
    out = xp.empty_like(a)
    out[...] = a
    return out


class Workspace:
    """The (R, d) buffers one step may write: ``x`` for the next iterate, ``scratch(i)`` for more room.

    The runner keeps one Workspace for a whole run and hands ``x`` a different buffer each step (the
    iterate it replaces is still being read); ``pure`` makes a fresh one per call. ``fused`` is the module of
    fused numba steps the optimizers call where it is not None (``reference.kernels``: chosen by ``kernels``,
    else $CONVCHECK_KERNELS, else numba where it imports)."""

    def __init__(self, like, x=None, kernels: str | None = None):
        self.xp = namespace_of(like)
        self._like = like
        self.x = self.xp.empty_like(like) if x is None else x
        self._scratch: list = []
        self.fused = _kernels.select(self.xp, kernels)

    def scratch(self, i: int = 0):
        while len(self._scratch) <= i:
            self._scratch.append(self.xp.empty_like(self._like))
        return self._scratch[i]


def donated(state: dict, R: int) -> dict:
    """The state with every per-run array (R rows) copied into a buffer of its own: init may share one
    zero array between moments, or hand back the caller's x0, and in-place updates must touch neither.
    (An (R, 1) column that is only read, such as lr0, is copied too: harmless.)"""
    return {k: copy_of(namespace_of(v), v) if _is_array(v) and len(v.shape) == 2 and v.shape[0] == R else v
            for k, v in state.items()}


def pure(step_into: Callable[..., dict]) -> Callable[..., dict]:
    """The pure step of an in-place one: the same code on copies of the state's arrays and a fresh
    Workspace, so the state and the gradient handed in are left untouched."""

    def step(state, g, hp, t, **kw):
        mine = {k: copy_of(namespace_of(v), v) if k != "x" and _is_array(v) and len(v.shape) == 2 else v
                for k, v in state.items()}
        return step_into(mine, g, hp, t, Workspace(g), **kw)

    step.__doc__ = step_into.__doc__
    step.step_into = step_into  # what the runner checks before taking the in-place path (see in_place_step)
    return step


def in_place_step(optimizer):
    """``optimizer.step_into`` when its pure ``step`` is that same code (``pure(step_into)``), else None: an
    adapter that replaces ``step`` alone (dataclasses.replace(opt, step=...)) keeps being called."""
    into_ = optimizer.step_into
    return into_ if into_ is not None and getattr(optimizer.step, "step_into", None) is into_ else None


def _is_array(v: Any) -> bool:
    return hasattr(v, "shape") and hasattr(v, "dtype")
