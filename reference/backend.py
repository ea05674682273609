"""Array backend: NumPy, CuPy or array_api_strict, chosen at run time.

Everything in reference/ takes its array namespace ``xp`` from here (``namespace_of(a)``, the array's
own ``__array_namespace__``), so one code path runs on CPU (numpy) or GPU (cupy).
array_api_strict, a strict implementation of the array API standard on the CPU, is the stand-in for
a device in CI: code that runs under it uses only the standard (functions, not methods; dtypes from
the namespace; no ``out=`` except through ``buffers.into``). Arrays are float64 unless a caller asks
otherwise; randomness always comes from an explicit seeded Generator, made only where an oracle
draws, so the same seed gives the same numbers on the same backend.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Backend:
    """An array namespace plus its name (one of BACKENDS)."""

    name: str
    xp: Any

    def rng(self, seed: int | None):
        """A seeded Generator living on this backend's device."""
        if seed is None:
            raise ValueError("seed must be an int (runs are reproducible by design); got None")
        if self.name == "array_api_strict":  # the standard has no RNG: draw on the host, as the
            return _HostRng(seed, self.xp)  # stand-in for a device must give numpy's numbers
        return self.xp.random.default_rng(seed)

    def asarray(self, a, dtype=None):
        """``a`` on this backend, in the namespace's float64 unless ``dtype`` (one of its dtypes) says otherwise
        (array_api_strict refuses numpy's dtype objects)."""
        return self.xp.asarray(a, dtype=self.xp.float64 if dtype is None else dtype)

    def to_numpy(self, a) -> np.ndarray:
        """Copy to host (only at recording points, never inside the step loop)."""
        if self.name == "cupy":
            return a.get()
        if self.name == "array_api_strict":
            return np.asarray(a._array)  # the standard has no host transfer; this is its NumPy payload
        return np.asarray(a)


BACKENDS = ("numpy", "cupy", "array_api_strict")


class Unsupported(RuntimeError):
    """A problem whose code does not run under a (non-NumPy) namespace yet: a method, an ``out=`` or a host
    array where the standard has none. The runner raises it in place of the namespace's AttributeError or
    TypeError, so every caller (run, check, compare, studies) can refuse it by name."""


class _HostRng:
    """numpy's Generator for a namespace without random numbers: draws on the host, returns device arrays."""

    def __init__(self, seed, xp):
        self._rng, self._xp = np.random.default_rng(seed), xp

    def __getattr__(self, name):
        draw = getattr(self._rng, name)
        return lambda *a, **kw: self._xp.asarray(draw(*a, **kw))


def cupy_available() -> bool:
    try:
        import cupy  # noqa: F401

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no cupy, no driver or no device: all mean "no GPU backend"
        return False


def array_api_strict_available() -> bool:
    try:
        import array_api_strict  # noqa: F401

        return True
    except ImportError:
        return False


def get_backend(name: str | Backend = "numpy") -> Backend:
    """``get_backend(name)`` for a name in BACKENDS; a Backend passes through."""
    if isinstance(name, Backend):
        return name
    if name == "numpy":
        return Backend("numpy", np)
    if name == "cupy":
        if not cupy_available():
            raise RuntimeError("backend 'cupy' requested but no CuPy with a CUDA device is available "
                               "(install the 'gpu' extra on a machine with a GPU)")
        import cupy

        return Backend("cupy", cupy)
    if name == "array_api_strict":
        if not array_api_strict_available():
            raise RuntimeError("backend 'array_api_strict' requested but array_api_strict is not installed "
                               "(install the 'test' extra)")
        import array_api_strict

        return Backend("array_api_strict", array_api_strict)
    raise ValueError(f"backend must be 'numpy', 'cupy' or 'array_api_strict'; got {name!r}")


def namespace_of(a):
    """The array namespace of an array (its own ``__array_namespace__``; numpy for host scalars and lists)."""
    get = getattr(a, "__array_namespace__", None)
    return get() if get is not None else np


def backend_of(a) -> Backend:
    """The backend an array lives on."""
    xp = namespace_of(a)
    name = getattr(xp, "__name__", "numpy").split(".")[0]
    return get_backend(name if name in BACKENDS else "numpy") if name != "numpy" else _NUMPY


def to_host(a) -> np.ndarray:
    """``a`` as a NumPy array, whatever namespace it lives in (np.asarray refuses a CuPy array: no implicit copy)."""
    return backend_of(a).to_numpy(a)


def row_dot(xp, A, B):
    """Row-wise inner products <A[r], B[r]> of (R, d) arrays, without an (R, d) temporary
    (vecdot where the namespace has it: numpy >= 2 runs it ~2x faster than einsum)."""
    vecdot = getattr(xp, "vecdot", None)
    return vecdot(A, B) if vecdot is not None else xp.einsum("ij,ij->i", A, B)


def concat(xp, arrays, axis: int = 0):
    """Join along ``axis``: the standard's ``concat`` (NumPy >= 2, array_api_strict), or ``concatenate`` where a
    namespace predates the name (CuPy before its NumPy-2 names)."""
    return (xp.concat if hasattr(xp, "concat") else xp.concatenate)(arrays, axis=axis)


def cumulative_sum(xp, a, axis: int):
    """Running sums along ``axis``: the standard's ``cumulative_sum``, or ``cumsum`` where a namespace predates it."""
    return (xp.cumulative_sum if hasattr(xp, "cumulative_sum") else xp.cumsum)(a, axis=axis)


_NUMPY = Backend("numpy", np)
