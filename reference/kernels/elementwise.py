"""The fused steps as elementwise C snippets: CuPy ElementwiseKernels on a GPU (issue 15 item 5).

``SNIPPETS`` is the one table: per step, the per-element update as the body of a ``cupy.ElementwiseKernel``
(CUDA C), its (R, d) arrays (``reads``: read only; ``updates``: read and written in place, the donated state and
the next iterate ``out``), its hyperparameters (``hyper``: each a scalar or a per-run (R, 1) column, broadcast by
the kernel) and its compile-time ``switches`` (each a ``#define`` with the values it takes; one kernel per
combination, so no array is passed that a convention does not use). ``FusedSteps`` wraps a compiler of the table
in the signatures of reference/kernels/fused.py's public functions, so a step calls ``ws.fused.adam(...)``
unchanged; ``cupy_steps()`` is the one over CuPy, built lazily (cupy is imported only there, on first use).

Order. Every snippet performs the NumPy step's IEEE operations (reference/optimizers/) on the same operands in
the same order, Adam's included: its order is torch's single-tensor Adam (the NumPy step's), not the fused CPU
order of the numba kernel (reference/kernels/fused.py). The conventions covered are fused.py's: gd/descend (and
clipped/normalized GD's (R, 1) step size), heavy ball (both forms), NAG (both forms), RMSprop (every switch),
adam / adam_l2 / adamw / adamprox with xi_root = 0 and amsgrad False or torch's; the others take the NumPy step.

Bits on a GPU. nvcc and NVRTC contract a * b + c into one FMA by default (``--fmad=true``), which rounds once
where NumPy rounds twice: the trajectories would then differ from NumPy's by rounding (~1e-16 relative per
step). Rather than spell every product as ``__dmul_rn`` (which would make the snippets CUDA-only), the kernels
are compiled with ``--fmad=false``: each operation is then the IEEE-rounded one written (double division and
sqrt are IEEE-rounded on CUDA by default), so the snippets are plain C with one meaning on both sides.
tests/test_elementwise.py compiles each snippet, unchanged, into a CPU loop (``cc -O2 -ffp-contract=off``) and
finds the NumPy step's bits, also through this module's CuPy wrapper (a stand-in cupy whose ElementwiseKernel
runs that loop); its GPU tests (skipped without one) compare CuPy with NumPy to 1e-12, since no GPU has checked
the bits yet.

No host synchronisation: a call launches one kernel asynchronously and reads no device value back; a device
column is broadcast on the device and a Python scalar passed by value. (A host NumPy column, which the runner never
hands a step, having moved columns to the device once, is copied to the device first: a copy from pageable memory
may wait for the stream.)
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Snippet:
    """One step's per-element update: ``body`` reads ``reads`` and ``hyper``, updates ``updates`` in place."""

    reads: tuple[str, ...]
    updates: tuple[str, ...]
    hyper: tuple[str, ...]
    body: str
    switches: dict = field(default_factory=dict)  # name -> the values it takes
    needs: dict = field(default_factory=dict)  # array -> the switch it exists under (passed where that is nonzero)

    def arrays(self, values: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(reads, updates) present where the switches take ``values``."""
        def present(a):
            return a not in self.needs or bool(values[self.needs[a]])

        return tuple(filter(present, self.reads)), tuple(filter(present, self.updates))

    def variants(self):
        """Every combination of switch values, as dicts."""
        names = sorted(self.switches)
        for combo in itertools.product(*(self.switches[n] for n in names)):
            yield dict(zip(names, combo))


def defines(values: dict) -> str:
    """The ``#define`` lines that fix a variant's switches (prepended to the body on both compilers)."""
    return "".join(f"#define {k} {int(v)}\n" for k, v in sorted(values.items()))


# Every body ends with a statement (CuPy appends ";" to it) and assigns each of its ``updates``.
SNIPPETS = {
    # out = x - lr g, as (-lr) g + x (sgd._descend_into)
    "descend": Snippet(("x", "g"), ("out",), ("neg_lr",), "out = g * neg_lr + x;"),
    # torch's buffer: b = g on the first step, else mu b + (1 - tau) g; out = x - lr b (the EMA form: FIRST 0)
    "heavy_ball": Snippet(("x", "g"), ("out", "b"), ("neg_lr", "mu", "keep"), """
b = FIRST ? g : b * mu + g * keep;
out = b * neg_lr + x;""", {"FIRST": (0, 1)}),
    # b = g on the first step, else mu b + g; out = x - lr (b mu + g)
    "nag_torch": Snippet(("x", "g"), ("out", "b"), ("neg_lr", "mu"), """
b = FIRST ? g : b * mu + g;
out = (b * mu + g) * neg_lr + x;""", {"FIRST": (0, 1)}),
    # v = mu v - lr g; out = x + v
    "nag_sutskever": Snippet(("x", "g"), ("out", "v"), ("lr", "mu"), """
v = v * mu - g * lr;
out = x + v;"""),
    # rmsprop.py's step; MOMENTUM 0: none, 1: torch's buffer, 2: optax's (lr inside the buffer)
    "rmsprop": Snippet(("x", "g"), ("out", "v", "gbar", "b"), ("lr", "b2", "c2", "xi", "mu"), """
v = v * b2 + (g * c2) * g;
double den = v;
#if CENTERED
gbar = gbar + (g - gbar) * c2;
den = v - gbar * gbar;
#endif
den = XI_INSIDE ? sqrt(den + xi) : sqrt(den) + xi;
const double u = g / den;
#if MOMENTUM == 0
const double x_next = u * -lr + x;
#elif MOMENTUM == 1
b = b * mu + u;
const double x_next = b * -lr + x;
#else
b = b * mu + u * lr;
const double x_next = x - b;
#endif
out = x_next;""",
                       {"CENTERED": (0, 1), "XI_INSIDE": (0, 1), "MOMENTUM": (0, 1, 2)},
                       {"gbar": "CENTERED", "b": "MOMENTUM"}),
    # adam.py's step (torch's single-tensor order): g + lambda x (COUPLED), lerp m, v, max (AMSGRAD, NumPy's
    # maximum: NaN-propagating, v on a tie), sqrt(v) / sqrt(1 - beta2^k) + xi, then x (1 - lr lambda) (DECOUPLED)
    # or (x - lr p) shrink (PROX)
    "adam": Snippet(("x", "g"), ("out", "m", "v", "vmax"),
                    ("w1", "b2", "c2", "xi", "neg_step", "bc2_sqrt", "wd", "keep", "shrink"), """
const double gc = COUPLED ? x * wd + g : g;
m = m + (gc - m) * w1;
v = v * b2 + (gc * c2) * gc;
double vv = v;
#if AMSGRAD
vmax = (vmax > v || vmax != vmax) ? vmax : v;
vv = vmax;
#endif
const double u = (m / (sqrt(vv) / bc2_sqrt + xi)) * neg_step;
out = DECOUPLED ? u + x * keep : (PROX ? (u + x) * shrink : u + x);""",
                    {"AMSGRAD": (0, 1), "COUPLED": (0, 1), "DECOUPLED": (0, 1), "PROX": (0, 1)},
                    {"vmax": "AMSGRAD"}),
}


class FusedSteps:
    """fused.py's public functions over a compiler of ``SNIPPETS``.

    ``launch(name, values, arrays, hyper)`` runs the variant ``values`` of snippet ``name`` on the dict of
    (R, d) ``arrays`` (updated in place) and the dict of ``hyper`` (scalars or columns); ``fits(*arrays)`` says
    whether the arrays are ones it takes (else a wrapper returns False, touching nothing: the NumPy step)."""

    def __init__(self, name: str, launch: Callable, fits: Callable):
        self.name, self._launch, self._fits = name, launch, fits

    def _run(self, name, values, arrays, **hyper) -> bool:
        if not self._fits(*arrays.values()):
            return False
        self._launch(name, values, arrays, hyper)
        return True

    def descend(self, out, x, g, lr) -> bool:
        return self._run("descend", {}, {"x": x, "g": g, "out": out}, neg_lr=-lr)

    def heavy_ball(self, out, x, b, g, lr, mu, dampening, first: bool) -> bool:
        return self._run("heavy_ball", {"FIRST": first}, {"x": x, "g": g, "out": out, "b": b},
                         neg_lr=-lr, mu=mu, keep=1.0 - dampening)

    def nag_torch(self, out, x, b, g, lr, mu, first: bool) -> bool:
        return self._run("nag_torch", {"FIRST": first}, {"x": x, "g": g, "out": out, "b": b}, neg_lr=-lr, mu=mu)

    def nag_sutskever(self, out, x, v, g, lr, mu) -> bool:
        return self._run("nag_sutskever", {}, {"x": x, "g": g, "out": out, "v": v}, lr=lr, mu=mu)

    def rmsprop(self, out, x, v, gbar, b, g, lr, beta2, xi, mu, centered: bool, xi_inside: bool,
                momentum: int) -> bool:
        arrays = {"x": x, "g": g, "out": out, "v": v, **({"gbar": gbar} if centered else {}),
                  **({"b": b} if momentum else {})}
        return self._run("rmsprop", {"CENTERED": centered, "XI_INSIDE": xi_inside, "MOMENTUM": momentum}, arrays,
                         lr=lr, b2=beta2, c2=1.0 - beta2, xi=xi, mu=mu)

    def adam(self, out, x, m, v, vmax, g, beta1, beta2, xi, step_size, bc2_sqrt, wd=0.0, keep=1.0, coupled=False,
             decoupled=False, shrink=None) -> bool:
        """adam.py's NumPy step (not torch's fused order); arguments as fused.adam's."""
        amsgrad = vmax is not None
        arrays = {"x": x, "g": g, "out": out, "m": m, "v": v, **({"vmax": vmax} if amsgrad else {})}
        values = {"AMSGRAD": amsgrad, "COUPLED": coupled, "DECOUPLED": decoupled, "PROX": shrink is not None}
        return self._run("adam", values, arrays, w1=1.0 - beta1, b2=beta2, c2=1.0 - beta2, xi=xi,
                         neg_step=-step_size, bc2_sqrt=bc2_sqrt, wd=wd, keep=keep,
                         shrink=1.0 if shrink is None else shrink)


# -- CuPy ---------------------------------------------------------------------------------------------

NVRTC_OPTIONS = ("--fmad=false",)  # no a * b + c contracted into an FMA: NumPy's roundings (module doc)
_cupy: dict = {}  # "steps": the FusedSteps over CuPy; (name, variant): its compiled ElementwiseKernel


def _cupy_kernel(name: str, values: dict):
    key = (name, tuple(sorted(values.items())))
    if key not in _cupy:
        import cupy  # only here: reference/ imports without cupy

        snippet = SNIPPETS[name]
        reads, updates = snippet.arrays(values)
        _cupy[key] = cupy.ElementwiseKernel(
            ", ".join(f"float64 {p}" for p in reads + snippet.hyper), ", ".join(f"float64 {p}" for p in updates),
            snippet.body, name=f"convcheck_{name}", preamble=defines(values), options=NVRTC_OPTIONS,
            no_return=True)
    return _cupy[key]


def _cupy_launch(name, values, arrays, hyper):
    import cupy

    snippet = SNIPPETS[name]
    values = {k: int(v) for k, v in values.items()}
    reads, updates = snippet.arrays(values)
    # a scalar by value; a device column as it is; a host column copied to the device (no device-to-host wait)
    hyper = [float(h) if np.isscalar(h) else h if isinstance(h, cupy.ndarray) else cupy.asarray(h, cupy.float64)
             for h in (hyper[p] for p in snippet.hyper)]
    _cupy_kernel(name, values)(*(arrays[a] for a in reads), *hyper, *(arrays[a] for a in updates))


def _cupy_fits(*arrays) -> bool:
    """Every array a C-contiguous float64 CuPy array of the first one's 2-d shape (shape and flags live on the
    host: no sync)."""
    import cupy

    shape = arrays[0].shape
    return len(shape) == 2 and all(isinstance(a, cupy.ndarray) and a.dtype == cupy.float64 and a.shape == shape
                                   and a.flags.c_contiguous for a in arrays)


def cupy_steps() -> FusedSteps:
    """The fused steps over CuPy (made once; each kernel variant compiled on its first call)."""
    if "steps" not in _cupy:
        _cupy["steps"] = FusedSteps("cupy", _cupy_launch, _cupy_fits)
    return _cupy["steps"]
