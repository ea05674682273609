"""Throughput of the batched Adam step against torch.optim.Adam, optax, and the memory bandwidth.

    python benchmarks/bench_adam.py            # (R, d) = (1, 1e6), (100, 1e4), (1e4, 100),
                                               # (1e4, 1e3), (100, 100); ~2 minutes
    python benchmarks/bench_adam.py --quick    # (100, 100) and (1, 1e6), short timings (~15 s)
    python benchmarks/bench_adam.py --sizes 1x1000000 1000x1000 --repeats 9

Throughput is coordinate-updates per second, R * d * steps / seconds, of Adam with torch's
defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, bias correction) on float64 (R, d) state with a
fixed gradient array (the optimizer alone: no objective, no runner). Each contender advances its
own state for ``steps`` steps (chosen per size so that ours takes about --target seconds) after a
warm-up step (jit compilation, torch's lazy state); a cell is the median of --repeats timings.

* ours:        ``reference.optimizers.adam().step_into`` in a loop, as the runner calls it (the
               allocation contract): m, v updated in place, x into one of two buffers. Where numba is
               installed this is the fused kernel (reference/kernels: one pass, torch's fused order,
               NUMBA_NUM_THREADS = the pinned CPUs); ``ours-numpy`` is then the NumPy step (one numpy
               pass over the (R, d) arrays per operation), which ``ours`` is without numba.
* ours-pure:   the pure ``step`` (the same code on copies of the state: fresh arrays every step).
* ours-run:    ``reference.run`` of Adam on a diagonal quadratic (eigenvalues in [0.5, 3]),
               recording x_0 and x_steps: adds per step the gradient (a fresh array), ||grad||^2
               per row, running min / sum and the divergence check. Context, not a peer.
* torch-loop:  R separate (d,) float64 parameters, one torch.optim.Adam each (torch's CPU default:
               single-tensor), stepped in a Python loop: what a per-run loop costs. For large R
               it is timed on the first ``runs`` runs (in brackets) and extrapolated linearly.
* torch-single / -foreach / -fused: ONE (R, d) float64 parameter with a preallocated .grad and
               torch.optim.Adam(foreach=False / foreach=True / fused=True); a variant this torch
               does not support on CPU is skipped with a note.
* jax-jit:     jax.jit of optax.adam's update + optax.apply_updates on the (R, d) array, with the
               parameters and state donated (XLA updates them in place), jax_enable_x64.
* jax-vmap:    the same per-run update (a (d,) row, its own count) under jax.jit(jax.vmap(...)).

numpy's elementwise kernels are single-threaded, so every contender gets one CPU: the process is
pinned to one CPU before anything is imported (``--cpus N`` for N, 0 for no pinning), torch is
told ``torch.set_num_threads(1)``, XLA gets XLA_FLAGS ``--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1`` and OMP / OpenBLAS / MKL one thread (unless already set). The
flags alone do not stop XLA from running a large fusion on two threads (wall / CPU 0.5 when not
pinned), hence the pinning. Timings are process CPU time, which on one CPU is the wall time less
what other processes took (``--clock wall`` for wall time); the script prints wall / CPU per
contender, which is ~1 on a quiet machine.

The bandwidth bound: an Adam step must read x, g, m, v and write x, m, v: 7 float64 arrays, 56 bytes
per coordinate. The machine's streaming bandwidth is measured with numpy on the same byte count,
56 R d bytes: a copy (np.copyto: read + write, 16 B per element, on 3.5 R d elements) and STREAM's
"add" (np.add(b, c, out=a): 24 B per element, on 7 R d / 3 elements; the single-pass numpy analogue
of the triad). bound = max(copy, add) / 56 coordinate-updates/s. For small batches the bytes fit in
cache and the "bandwidth" is the cache's. ours writes preallocated buffers, as the bandwidth kernels
do; ours-pure writes fresh arrays (page faults on first touch above glibc's 32 MiB mmap threshold).

With CuPy and a CUDA device (``--backend cupy``) ours runs on the GPU, timed in wall time with
device synchronisation, against cupy's copy / add bandwidth on the same byte count (the target
there is ours / bound >= 0.5); the CPU peers and ours-run are left out. This path has not been run:
no GPU was available when the script was written (benchmarks/README.md).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time


def _pin_cpus():
    """Before numpy, torch and jax start their thread pools: pin this process to --cpus CPUs
    (default 1; 0 leaves the affinity alone) and ask every library for one thread."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--cpus", type=int, default=1)
    n = pre.parse_known_args()[0].cpus
    if n > 0 and hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, allowed[-n:])
    if "XLA_FLAGS" not in os.environ:
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    os.environ.setdefault("NUMBA_NUM_THREADS", str(n if n > 0 else os.cpu_count()))  # numba's prange threads


_pin_cpus()

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from convcheck.reference import kernels, run
from convcheck.reference.buffers import Workspace, donated
from convcheck.reference.objectives import Quadratic
from convcheck.reference.optimizers import adam


NOTES = []  # peers skipped, and why

try:
    import torch
except ImportError:
    torch = None
    NOTES.append("torch not installed: torch columns skipped")

try:
    import jax
    import optax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
except ImportError:
    jax = optax = jnp = None
    NOTES.append("jax / optax not installed: jax columns skipped")

LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-8
BYTES_PER_COORD = 7 * 8  # read x, g, m, v; write x, m, v (float64)
DEFAULT_SIZES = ["1x1000000", "100x10000", "10000x100", "10000x1000", "100x100"]


# -- timing ------------------------------------------------------------------------------------


class Timer:
    """Each timing is taken on both clocks; ``clock`` picks the one used: "cpu" (process CPU time,
    all threads: on one pinned CPU it is the wall time minus what other processes took) or
    "wall"."""

    def __init__(self, clock: str, repeats: int):
        self.clock, self.repeats = clock, repeats
        self.ratio = {}  # contender -> wall / CPU time per timing

    def median(self, name, go, steps, sync=lambda: None):
        """Median seconds of go(steps) over the repeats (go advances its own state)."""
        times = []
        for _ in range(self.repeats):
            sync()
            w0, c0 = time.perf_counter(), time.process_time()
            go(steps)
            sync()
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            times.append(cpu if self.clock == "cpu" else wall)
            self.ratio.setdefault(name, []).append(wall / max(cpu, 1e-9))
        return statistics.median(times)


# -- contenders: each returns go(steps), which advances its own state ------------------------


def ours(x0, g, which="auto"):
    """The runner's path: ``step_into`` on a donated state, the next iterate into one of two buffers; ``which``
    picks the kernels ("auto": numba where installed)."""
    opt = adam()
    hp = opt.hyperparameters({"lr": LR, "beta1": B1, "beta2": B2, "xi": EPS})
    s = donated(opt.init(x0, hp), x0.shape[0])
    ws = Workspace(x0, kernels=which)
    box = {"s": s, "t": 0, "spare": np.empty_like(x0)}

    def go(steps):
        s, t = box["s"], box["t"]
        for _ in range(steps):
            ws.x, box["spare"] = box["spare"], s["x"]
            s = opt.step_into(s, g, hp, t, ws)
            t += 1
        box["s"], box["t"] = s, t

    go(1)
    return go


def ours_pure(x0, g):
    """The pure step (fresh arrays each step: the same code on copies of the state)."""
    opt = adam()
    hp = opt.hyperparameters({"lr": LR, "beta1": B1, "beta2": B2, "xi": EPS})
    box = {"s": opt.init(x0, hp), "t": 0}

    def go(steps):
        s, t = box["s"], box["t"]
        for _ in range(steps):
            s = opt.step(s, g, hp, t)
            t += 1
        box["s"], box["t"] = s, t

    go(1)
    return go


def ours_run(x0):
    d = x0.shape[1]
    obj = Quadratic.diagonal(np.linspace(0.5, 3.0, d))
    opt = adam()
    hp = {"lr": LR, "beta1": B1, "beta2": B2, "xi": EPS}
    box = {"x": x0}

    def go(steps):
        box["x"] = run(opt, obj, box["x"], steps, hp=hp, record=[0, steps]).x_final

    return go


def torch_loop(x0, g, runs):
    """``runs`` separate (d,) parameters with one torch.optim.Adam each (CPU default: single-tensor)."""
    ps = []
    for r in range(runs):
        p = torch.tensor(x0[r], dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(g[r], dtype=torch.float64)
        ps.append(p)
    opts = [torch.optim.Adam([p], lr=LR, betas=(B1, B2), eps=EPS) for p in ps]

    def go(steps):
        for _ in range(steps):
            for o in opts:
                o.step()

    go(1)
    return go


TORCH_VARIANTS = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}


def torch_batched(x0, g, variant):
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g, dtype=torch.float64)
    opt = torch.optim.Adam([p], lr=LR, betas=(B1, B2), eps=EPS, **TORCH_VARIANTS[variant])

    def go(steps):
        for _ in range(steps):
            opt.step()

    go(1)
    return go


def torch_supported():
    ok = []
    if torch is None:
        return ok
    for v in TORCH_VARIANTS:
        try:
            torch_batched(np.zeros((2, 3)), np.ones((2, 3)), v)
            ok.append(v)
        except (RuntimeError, TypeError, ValueError) as e:  # e.g. fused not implemented for CPU
            NOTES.append(f"torch-{v} skipped: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
    return ok


def jax_adam(x0, g, vmapped):
    tx = optax.adam(LR, b1=B1, b2=B2, eps=EPS)

    def update(p, s, grad):
        u, s = tx.update(grad, s, p)
        return optax.apply_updates(p, u), s

    p = jnp.asarray(x0, dtype=jnp.float64)
    gj = jnp.asarray(g, dtype=jnp.float64)
    if vmapped:
        s = jax.vmap(tx.init)(p)
        f = jax.jit(jax.vmap(update), donate_argnums=(0, 1))
    else:
        s = tx.init(p)
        f = jax.jit(update, donate_argnums=(0, 1))
    box = {"p": p, "s": s}

    def go(steps):
        p, s = box["p"], box["s"]
        for _ in range(steps):
            p, s = f(p, s, gj)
        p.block_until_ready()
        box["p"], box["s"] = p, s

    go(1)  # compile
    return go


def ours_cupy(x0, g):
    import cupy

    opt = adam()
    hp = opt.hyperparameters({"lr": LR, "beta1": B1, "beta2": B2, "xi": EPS})
    gd = cupy.asarray(g)
    box = {"s": opt.init(cupy.asarray(x0), hp), "t": 0}

    def go(steps):
        s, t = box["s"], box["t"]
        for _ in range(steps):
            s = opt.step(s, gd, hp, t)
            t += 1
        box["s"], box["t"] = s, t

    go(1)
    return go, cupy.cuda.Device().synchronize


# -- bandwidth ---------------------------------------------------------------------------------


def bandwidth(n_coords, timer, xp=np, sync=lambda: None):
    """(copy, add) bandwidth in bytes/s, each moving 56 * n_coords bytes per call."""
    nbytes = BYTES_PER_COORD * n_coords
    n_copy, n_add = max(1, nbytes // 16), max(1, nbytes // 24)
    src, dst = xp.ones(n_copy), xp.zeros(n_copy)
    a, b, c = xp.zeros(n_add), xp.ones(n_add), xp.ones(n_add)
    reps = max(1, int(2e8 // nbytes))  # calls per timing: at least ~0.2 GB moved

    def copy(k):
        for _ in range(k * reps):
            xp.copyto(dst, src)

    def add(k):
        for _ in range(k * reps):
            xp.add(b, c, out=a)

    copy(1), add(1)
    t_copy = timer.median("bw-copy", copy, 1, sync)
    t_add = timer.median("bw-add", add, 1, sync)
    return 16 * n_copy * reps / t_copy, 24 * n_add * reps / t_add


# -- main --------------------------------------------------------------------------------------


def parse_size(s):
    try:
        R, d = (int(float(v)) for v in s.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be RxD, e.g. 100x10000; got {s!r}") from None
    if R < 1 or d < 1:
        raise argparse.ArgumentTypeError(f"R and d must be >= 1; got {s!r}")
    return R, d


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}, {platform.machine()})"


def versions():
    out = [f"python {platform.python_version()}", f"numpy {np.__version__}"]
    out.append(f"torch {torch.__version__}" if torch else "torch -")
    out.append(f"jax {jax.__version__}, optax {optax.__version__}" if jax else "jax -")
    return ", ".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=parse_size, nargs="+", default=None, metavar="RxD")
    ap.add_argument("--target", type=float, default=0.3, help="seconds per timing of ours")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-steps", type=int, default=5)
    ap.add_argument("--loop-budget", type=float, default=0.5,
                    help="seconds per timing of torch-loop (fewer runs are timed beyond it)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    ap.add_argument("--cpus", type=int, default=1,
                    help="CPUs the process is pinned to (0: no pinning); applied at import")
    ap.add_argument("--backend", choices=["numpy", "cupy"], default="numpy")
    ap.add_argument("--skip", nargs="*", default=[], help="contenders to leave out, e.g. torch-loop")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.sizes is None:
        args.sizes = [parse_size(s) for s in (["100x100", "1x1000000"] if args.quick else DEFAULT_SIZES)]
    if args.quick:
        args.target, args.repeats, args.loop_budget, args.min_steps = 0.1, 3, 0.1, 2
    if torch is not None:
        torch.set_num_threads(1)
    cupy_sync = None
    if args.backend == "cupy":
        from convcheck.reference.backend import cupy_available

        if not cupy_available():
            raise SystemExit("--backend cupy: no CuPy with a CUDA device here")
        # on the GPU only ours and the bandwidth: the peers run on CPU, and ours-run's objective
        # holds its eigenvalues in a numpy array
        args.skip = list(args.skip) + ["ours-run", "torch-loop", "jax-jit", "jax-vmap"] + [
            f"torch-{v}" for v in TORCH_VARIANTS]
        args.clock = "wall"  # CPU time does not see the device working
    timer = Timer(args.clock, args.repeats)
    variants = torch_supported()
    skip = set(args.skip)
    t_start = time.perf_counter()

    rows = []
    for R, d in args.sizes:
        n = R * d
        rng = np.random.default_rng(0)
        x0, g = rng.standard_normal((R, d)), rng.standard_normal((R, d))
        res = {"R": R, "d": d}
        cols = {}
        if args.backend == "cupy":
            go, cupy_sync = ours_cupy(x0, g)
            probe = timer.median("probe", go, 3, cupy_sync) / 3
        else:
            go = ours(x0, g)
            probe = min(timer.median("probe", go, 1) for _ in range(2))
        steps = max(args.min_steps, round(args.target / max(probe, 1e-9)))
        res["steps"] = steps
        work = n * steps
        if args.backend == "cupy":
            cols["ours"] = work / timer.median("ours", go, steps, cupy_sync)
        else:
            cols["ours"] = work / timer.median("ours", go, steps)
        if kernels.numba_available() and args.backend != "cupy" and "ours-numpy" not in skip:
            cols["ours-numpy"] = work / timer.median("ours-numpy", ours(x0, g, "numpy"), steps)
        if "ours-pure" not in skip and args.backend != "cupy":
            cols["ours-pure"] = work / timer.median("ours-pure", ours_pure(x0, g), steps)
        if "ours-run" not in skip:
            cols["ours-run"] = work / timer.median("ours-run", ours_run(x0), steps)
        peers = {}
        if torch is not None and "torch-loop" not in skip:
            t1 = Timer(args.clock, 1).median("probe", torch_loop(x0, g, min(R, 20)), 1) / min(R, 20)
            runs = int(min(R, max(1, args.loop_budget / max(t1 * steps, 1e-9))))
            t = timer.median("torch-loop", torch_loop(x0, g, runs), steps)
            peers["torch-loop"] = work / (t * R / runs)
            res["loop_runs"] = runs
        for v in variants:
            if f"torch-{v}" not in skip:
                peers[f"torch-{v}"] = work / timer.median(f"torch-{v}", torch_batched(x0, g, v), steps)
        if jax is not None:
            for name, vm in (("jax-jit", False), ("jax-vmap", True)):
                if name not in skip:
                    peers[name] = work / timer.median(name, jax_adam(x0, g, vm), steps)
        if args.backend == "cupy":
            import cupy

            bw_copy, bw_add = bandwidth(n, timer, cupy, cupy_sync)
        else:
            bw_copy, bw_add = bandwidth(n, timer)
        res.update(cols=cols, peers=peers, bw_copy=bw_copy, bw_add=bw_add)
        rows.append(res)
        print(f"# {R}x{d} steps={steps} done at {time.perf_counter() - t_start:.0f}s", file=sys.stderr)

    report(rows, args, timer, time.perf_counter() - t_start)


def report(rows, args, timer, total):
    ours_cols = list(dict.fromkeys(c for r in rows for c in r["cols"]))
    peer_cols = list(dict.fromkeys(c for r in rows for c in r["peers"]))
    head = ["R", "d", "steps"] + ours_cols + [
        f"{c} (runs timed)" if c == "torch-loop" else c for c in peer_cols]
    head += ["bound (copy / add GB/s)", "ours / fastest peer", "ours / torch-fused", "ours / bound"]
    where = "GPU (CuPy)" if args.backend == "cupy" else "CPU"
    clock = {"cpu": "CPU time", "wall": "wall time"}[args.clock]
    pinned = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\nAdam step throughput on {where}, million coordinate-updates/s (R*d*steps / "
          f"{clock}), float64, median of {args.repeats}; "
          f"lr {LR}, betas ({B1}, {B2}), eps {EPS}; process pinned to {pinned} CPU(s), "
          f"torch / XLA asked for 1 thread\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for r in rows:
        bound = max(r["bw_copy"], r["bw_add"]) / BYTES_PER_COORD
        cells = [f"{r['R']}", f"{r['d']}", f"{r['steps']}"]
        cells += [f"{r['cols'][c] / 1e6:.0f}" if c in r["cols"] else "-" for c in ours_cols]
        for c in peer_cols:
            v = r["peers"].get(c)
            cell = "-" if v is None else f"{v / 1e6:.0f}" if v >= 1e7 else f"{v / 1e6:.1f}"
            if c == "torch-loop" and v is not None:
                cell += f" ({r['loop_runs']})"
            cells.append(cell)
        cells.append(f"{bound / 1e6:.0f} ({r['bw_copy'] / 1e9:.1f} / {r['bw_add'] / 1e9:.1f})")
        if r["peers"]:
            best = max(r["peers"], key=r["peers"].get)
            cells.append(f"{r['cols']['ours'] / r['peers'][best]:.2f} ({best})")
        else:
            cells.append("-")
        fused = r["peers"].get("torch-fused")
        cells.append(f"{r['cols']['ours'] / fused:.2f}" if fused else "-")
        cells.append(f"{r['cols']['ours'] / bound:.2f}")
        print("| " + " | ".join(cells) + " |")
    print(f"\nbound = max(copy, add bandwidth) / {BYTES_PER_COORD} B per coordinate (read x, g, m, v; "
          f"write x, m, v in float64), measured on the same byte count as one step.")
    print("Targets (issue 15): ours / torch-fused >= 1.0 at (1e4, 1e3) and (1e2, 1e5); on a GPU, ours / bound >= 0.8.")
    ratios = {k: statistics.median(v) for k, v in timer.ratio.items() if k != "probe"}
    print("wall / CPU time per contender (median; < 1: helper threads): "
          + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    for note in NOTES:
        print(f"note: {note}")
    print(f"ours: {'numba kernel' if kernels.numba_available() and args.backend != 'cupy' else 'NumPy step'}; "
          f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS')}")
    print(f"{machine()}; {versions()}; total {total:.0f} s wall")


if __name__ == "__main__":
    main()
