"""Fused CPU steps (issue 15 item 2): one compiled pass over the runner's buffers per step, parallel over runs.

The NumPy steps (reference/optimizers/) run one pass over memory per elementwise operation. Where numba is
installed, the steady-state steps of gd/sgd, heavy_ball, nag (both forms), rmsprop (every switch), clipped_gd /
clipped_sgd / normalized_gd (their (R, 1) step-size column is formed by NumPy, the update by the gd kernel) and
adam / adam_l2 / adamw / adamprox (``xi_root = 0``, amsgrad off or torch's) run as numba kernels instead
(``reference.kernels.fused``), writing into the same buffers (the allocation contract, reference/buffers.py),
``prange`` over the runs. Two more kernels serve the runner at small d, where per-call overhead dominates: its
per-step reductions of grad f(x_t) (``fused.grad_stats``: ||g||^2, ||g||, their running min and sums, the divergence
step, in one call of two small kernels; ||g||^2 summed in its own order, so these records agree with NumPy's to
rounding, not bits) and
the diagonal quadratic's gradient (``fused.diagonal_affine``, through ``Quadratic.fused_grad_into``: NumPy's bits).

Bits. Every kernel but Adam's performs the NumPy step's IEEE operations on the same operands in the same order
(no fastmath, so LLVM neither reassociates nor contracts a multiply and an add into an FMA): the trajectories
are the NumPy ones bit for bit. The Adam kernel follows torch's *fused* CPU Adam (torch.optim.Adam(fused=True),
aten/src/ATen/native/cpu/FusedAdamKernel.cpp): its first moment is torch's lerp written as an explicit FMA; its
second moment, and the coupled decay g + x lambda, are the FMAs that torch's compiler contracts (the second
moment the other way round in torch's scalar tail, the last numel mod 4 coordinates of the flattened parameter:
found by replaying torch, ``fused._adam_coordinate``). So it is bit-identical to torch's fused Adam
(tests/golden/torch_fused_adam.json) and within rounding (~1e-16 relative per step) of the NumPy step, which
follows torch's single-tensor Adam.

The switch: ``run(..., kernels=...)`` or, for every step that does not say (the pure ``step`` included), the
environment variable ``CONVCHECK_KERNELS``: "auto" (the default: numba where it imports and the arrays are
NumPy's, the CuPy ElementwiseKernels of ``reference.kernels.elementwise`` where they are CuPy's), "numpy" (always
the NumPy steps), "numba" or "cupy" (each refused, naming the reason, where it is missing or the arrays are not
its own). A step still takes the NumPy path, with the same bits except Adam's rounding,
where its arrays are not C-contiguous float64 or its convention has no kernel (adam's xi_root > 0, amsgrad
"optax").
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import os

import numpy as np

from ..backend import cupy_available

ENV = "CONVCHECK_KERNELS"
CHOICES = ("auto", "numpy", "numba", "cupy")
_loaded: dict = {}  # "fused": the compiled module, imported once (numba's import and JIT cost ~1 s)


@functools.cache  # a Workspace is made per pure step: without numba, find_spec would search sys.path each time
def numba_available() -> bool:
    """Whether numba can be imported (checked once, without importing it)."""
    return importlib.util.find_spec("numba") is not None


def requested(kernels: str | None = None) -> str:
    """The choice in effect: ``kernels`` if given, else $CONVCHECK_KERNELS, else "auto"; checked. An empty
    $CONVCHECK_KERNELS counts as unset (``CONVCHECK_KERNELS= convcheck ...`` clears an exported choice)."""
    choice = kernels if kernels is not None else os.environ.get(ENV) or "auto"
    if choice not in CHOICES:
        source = "kernels" if kernels is not None else f"${ENV}"
        raise ValueError(f"{source} must be 'auto', 'numpy', 'numba' or 'cupy'; got {choice!r}")
    return choice


def select(xp, kernels: str | None = None):
    """The fused-step module for arrays of namespace ``xp`` under the choice ``kernels``, or None (the NumPy steps)."""
    choice = requested(kernels)
    if choice == "numpy":
        return None
    if choice == "cupy" or (choice == "auto" and _is_cupy(xp)):
        return _cupy_steps(xp, kernels)
    if choice == "numba":
        if not numba_available():  # a refusal of the value asked for (ValueError: the CLI prints it in one line)
            source = "kernels" if kernels is not None else f"${ENV}"
            raise ValueError(f"{source} 'numba' requested but numba is not installed (install the 'numba' extra)")
        if xp is not np:
            raise ValueError(f"kernels 'numba' runs on NumPy arrays; these are {getattr(xp, '__name__', xp)}'s")
    elif xp is not np or not numba_available():
        return None
    if "fused" not in _loaded:
        _loaded["fused"] = importlib.import_module(f"{__name__}.fused")
    return _loaded["fused"]


def _is_cupy(xp) -> bool:
    return getattr(xp, "__name__", "") == "cupy"


def _cupy_steps(xp, kernels: str | None):
    """The CuPy ElementwiseKernels (reference.kernels.elementwise) for CuPy arrays; "cupy" elsewhere is refused."""
    if not _is_cupy(xp):
        source = "kernels" if kernels is not None else f"${ENV}"
        why = ("no CuPy with a CUDA device is available (install the 'gpu' extra on a machine with a GPU)"
               if not cupy_available() else f"these arrays are {getattr(xp, '__name__', xp)}'s, not CuPy's")
        raise ValueError(f"{source} 'cupy' requested but {why}")
    if "elementwise" not in _loaded:
        _loaded["elementwise"] = importlib.import_module(f"{__name__}.elementwise")
    return _loaded["elementwise"].cupy_steps()


def name_of(fused) -> str:
    """"numba", "cupy" or "numpy": what a Trace records of the kernels a run used."""
    return "numpy" if fused is None else getattr(fused, "name", "numba")
