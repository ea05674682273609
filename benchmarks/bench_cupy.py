"""The CuPy Adam step (reference/kernels/elementwise.py) against torch CUDA's fused Adam and the device's copy
bandwidth (issue 15 item 5). Needs CuPy with a CUDA device; without one it exits at once with one line.

    python benchmarks/bench_cupy.py                          # (R, d) = (1e4, 1e3), (1e2, 1e5), (1e3, 1e4)
    python benchmarks/bench_cupy.py --sizes 10000x1000 --steps 200 --repeats 9

Per size, float64 (R, d) state, a fixed gradient, torch's Adam defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8,
bias correction), ``steps`` steps after a warm-up (kernel compilation, torch's lazy state); a cell is the median
of --repeats timings, each between two CUDA events with the device synchronised once at the end of the timing:

* ours:        ``reference.optimizers.adam().step_into`` as the runner calls it (the allocation contract), on
               CuPy arrays with kernels="cupy": one ElementwiseKernel launch per step, the NumPy step's order.
* torch-fused: one (R, d) float64 CUDA parameter with a preallocated .grad, torch.optim.Adam(fused=True); left
               out, with a note, where torch or its CUDA build is missing.
* copy:        cupy.copyto between two arrays of 3.5 R d float64 (read + write: the 56 R d bytes an Adam step must
               move, x, g, m, v read and x, m, v written).

Printed: coordinate-updates per second (R d steps / s) for ours and torch-fused, ours / torch-fused, the copy's
bandwidth (bytes / s), ours as bytes moved per second (56 R d steps / s) and ours / copy (the issue's target is
>= 0.8). Results go in benchmarks/README.md, section "CuPy (issue 15 item 5)".
"""
from __future__ import annotations

import argparse
import statistics
import sys

from convcheck.reference.backend import cupy_available
from convcheck.reference.buffers import Workspace, donated
from convcheck.reference.optimizers import adam

BYTES_PER_COORDINATE = 56  # 7 float64 arrays: x, g, m, v read; x, m, v written
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8


def _size(text: str) -> tuple[int, int]:
    try:
        R, d = (int(float(p)) for p in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes RxD (e.g. 10000x1000); got {text!r}") from None
    if R < 1 or d < 1:
        raise argparse.ArgumentTypeError(f"--sizes needs R, d >= 1; got {text!r}")
    return R, d


def _timed(cupy, advance, steps: int, repeats: int) -> float:
    """Median seconds of ``steps`` calls of ``advance(t)`` over ``repeats`` timings (CUDA events)."""
    advance(0)  # warm-up: compilation, lazy state
    seconds = []
    for _ in range(repeats):
        start, stop = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        for t in range(1, steps + 1):
            advance(t)
        stop.record()
        stop.synchronize()
        seconds.append(cupy.cuda.get_elapsed_time(start, stop) / 1e3)
    return statistics.median(seconds)


def ours(cupy, R, d, steps, repeats) -> float:
    opt = adam()
    rng = cupy.random.default_rng(0)
    x0, g = rng.standard_normal((R, d)), rng.standard_normal((R, d))
    hp = opt.hyperparameters({"lr": LR, "beta1": BETAS[0], "beta2": BETAS[1], "xi": EPS})
    state = donated(opt.init(x0, hp), R)
    ws = Workspace(x0, kernels="cupy")
    if getattr(ws.fused, "name", None) != "cupy":
        sys.exit("bench_cupy: kernels='cupy' did not select the CuPy steps; nothing measured")
    spare = cupy.empty_like(x0)

    def advance(t):
        nonlocal state, spare
        old = state["x"]
        state = opt.step_into(state, g, hp, t, ws)
        ws.x, spare = spare, old  # the runner's ring: the next step writes where the old iterate was

    return _timed(cupy, advance, steps, repeats)


def torch_fused(cupy, R, d, steps, repeats) -> float | str:
    try:
        import torch
    except ImportError:
        return "torch not installed"
    if not torch.cuda.is_available():
        return "torch has no CUDA"
    p = torch.randn(R, d, dtype=torch.float64, device="cuda", requires_grad=True)
    p.grad = torch.randn(R, d, dtype=torch.float64, device="cuda")
    try:
        opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS, fused=True)
    except (RuntimeError, ValueError) as e:
        return f"no fused Adam ({e})"
    return _timed(cupy, lambda t: opt.step(), steps, repeats)  # torch and cupy share the default stream


def copy_bandwidth(cupy, R, d, repeats) -> float:
    """Bytes per second of cupy.copyto over 3.5 R d float64 (56 R d bytes moved per copy)."""
    n = (7 * R * d) // 2
    src, dst = cupy.ones(n), cupy.empty(n)
    seconds = _timed(cupy, lambda t: cupy.copyto(dst, src), 10, repeats) / 10
    return 16 * n / seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=_size, default=[(10_000, 1000), (100, 100_000), (1000, 10_000)])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.steps < 1 or args.repeats < 1:
        parser.error("--steps and --repeats must be >= 1")
    if not cupy_available():
        sys.exit("bench_cupy: no CuPy with a CUDA device available; nothing measured")
    import cupy

    print(f"device: {cupy.cuda.runtime.getDeviceProperties(0)['name'].decode()}, cupy {cupy.__version__}")
    print("| R | d | ours Gcoord/s | torch-fused Gcoord/s | ours/torch | copy GB/s | ours GB/s | ours/copy |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for R, d in args.sizes:
        coords = R * d * args.steps
        t_ours = ours(cupy, R, d, args.steps, args.repeats)
        t_torch = torch_fused(cupy, R, d, args.steps, args.repeats)
        bandwidth = copy_bandwidth(cupy, R, d, args.repeats)
        ours_bytes = BYTES_PER_COORDINATE * coords / t_ours
        torch_cell, ratio = ((f"{coords / t_torch / 1e9:.3f}", f"{t_torch / t_ours:.2f}") if isinstance(t_torch, float)
                             else (t_torch, "-"))
        print(f"| {R} | {d} | {coords / t_ours / 1e9:.3f} | {torch_cell} | {ratio} | {bandwidth / 1e9:.1f} | "
              f"{ours_bytes / 1e9:.1f} | {ours_bytes / bandwidth:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
