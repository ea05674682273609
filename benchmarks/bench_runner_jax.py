"""The whole runner against jax.jit(jax.vmap(lax.scan)) doing the same monitoring (issue 15 item 3).

    PYTHONPATH=. python benchmarks/bench_runner_jax.py                        # R = 1e4, d in {10, 1000}
    PYTHONPATH=. python benchmarks/bench_runner_jax.py --d 10 --steps 200 --repeats 5

Problem: the diagonal quadratic f(x) = 1/2 x^T diag(eigs) x - b^T x, eigs in [0.5, 3], b in [-1, 1] (d values);
optimizers GD (lr 0.3) and Adam (torch's defaults, lr 1e-3). Both sides start from the same x0 and take the same
steps, and both do, per step and run: the gradient, ||grad f||^2, its running minimum and sums (of ||g||^2 and
||g||), the divergence check (first step with ||grad f||^2 non-finite or > 1e100) and the optimizer step; and
the gradient at the last iterate. (reference.run also evaluates f at x_0, x_1 and x_T, for its record.)

* ours:     ``reference.run(..., record=[0, steps])`` (the allocation contract; numba kernels where installed,
            ``ours-numpy`` the NumPy steps).
* jax-scan: one run's loop as ``lax.scan`` over steps, ``jax.vmap`` over the R runs, ``jax.jit`` of the whole,
            float64 (jax_enable_x64); compiled before timing. Its final iterate is checked against ours to 1e-12.

The process is pinned to --cpus CPUs (default 1) before numpy / jax start, XLA and numba get that many threads.
Timings are process CPU time (``--clock wall`` for wall), median of --repeats, run in turn in one process.
"traffic" is the bytes a step must move at the least (GD: grad reads x, writes g; the norm reads g; the step
reads x, g and writes x: 48 B per coordinate; Adam: 80 B, m and v read and written too) over copy bandwidth.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _pin_cpus():
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--cpus", type=int, default=1)
    n = pre.parse_known_args()[0].cpus
    if n > 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[-n:])
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
                          if n == 1 else "")
    os.environ.setdefault("NUMBA_NUM_THREADS", str(n if n > 0 else os.cpu_count()))


_pin_cpus()

import jax  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from convcheck.reference import kernels, run  # noqa: E402
from convcheck.reference.objectives import Quadratic  # noqa: E402
from convcheck.reference.optimizers import adam, gd  # noqa: E402

BLOWUP = 1e100
HP = {"gd": {"lr": 0.3}, "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "xi": 1e-8}}
BYTES = {"gd": 48, "adam": 80}


def problem(d):
    eigs, b = np.linspace(0.5, 3.0, d), np.linspace(-1.0, 1.0, d)
    return Quadratic.diagonal(eigs, b), jnp.asarray(eigs), jnp.asarray(b)


def jax_runner(name, eigs, b, steps):
    """jit(vmap(one run)): per step the runner's monitoring, then the optimizer's step (torch's Adam order)."""
    hp = HP[name]

    def one_run(x0):
        def grad(x):
            return eigs * x - b

        def monitor(acc, g, t):
            min_g2, sum_g2, sum_g, div = acc
            g2 = g @ g
            div = jnp.where((div < 0) & ~(jnp.abs(g2) <= BLOWUP), t, div)
            return jnp.minimum(min_g2, g2), sum_g2 + g2, sum_g + jnp.sqrt(g2), div

        def body(carry, t):
            x, m, v, acc = carry
            g = grad(x)
            acc = monitor(acc, g, t)
            if name == "gd":
                x = x - hp["lr"] * g
            else:
                k = t + 1.0
                m = m + (1.0 - hp["beta1"]) * (g - m)
                v = v * hp["beta2"] + (1.0 - hp["beta2"]) * g * g
                den = jnp.sqrt(v) / jnp.sqrt(1.0 - hp["beta2"] ** k) + hp["xi"]
                x = x - (hp["lr"] / (1.0 - hp["beta1"] ** k)) * m / den
            return (x, m, v, acc), None

        zero = jnp.zeros_like(x0)
        acc0 = (jnp.inf, 0.0, 0.0, jnp.int64(-1))
        (x, _, _, acc), _ = lax.scan(body, (x0, zero, zero, acc0), jnp.arange(steps))
        return x, monitor(acc, grad(x), steps)

    f = jax.jit(jax.vmap(one_run))

    def go(x0):
        x, acc = f(x0)
        x.block_until_ready()
        return x

    return go


def timed(fn, clock):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return out, (cpu if clock == "cpu" else wall), wall / max(cpu, 1e-9)


def copy_bandwidth(nbytes):
    a = np.ones(max(1, nbytes // 16))
    b = np.empty_like(a)
    np.copyto(b, a)
    ts = []
    for _ in range(5):
        t0 = time.perf_counter()
        np.copyto(b, a)
        ts.append(time.perf_counter() - t0)
    return 2 * a.nbytes / min(ts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--R", type=int, default=10000)
    ap.add_argument("--d", type=int, nargs="+", default=[10, 1000])
    ap.add_argument("--steps", type=int, nargs="+", default=None, help="per d (default 500 at d <= 100, else 20)")
    ap.add_argument("--opts", nargs="+", choices=sorted(HP), default=["gd", "adam"])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    ap.add_argument("--cpus", type=int, default=1, help="CPUs the process is pinned to (applied at import)")
    args = ap.parse_args(argv)
    steps_of = dict(zip(args.d, args.steps)) if args.steps else {d: (500 if d <= 100 else 20) for d in args.d}
    rows, ratios = [], []
    for d in args.d:
        obj, eigs, b = problem(d)
        steps = steps_of[d]
        x0 = np.random.default_rng(0).standard_normal((args.R, d))
        for name in args.opts:
            opt = {"gd": gd, "adam": adam}[name]()
            contenders = {"ours": lambda o=opt: run(o, obj, x0, steps, HP[name], record=[0, steps]).x_final}
            if kernels.numba_available():
                contenders["ours-numpy"] = lambda o=opt: run(o, obj, x0, steps, HP[name], record=[0, steps],
                                                             kernels="numpy").x_final
            scan = jax_runner(name, eigs, b, steps)
            xj = jnp.asarray(x0)
            contenders["jax-scan"] = lambda: np.asarray(scan(xj))
            finals = {k: fn() for k, fn in contenders.items()}  # warm-up: jit compile, numba load
            err = max(float(np.abs(finals[k] - finals["ours"]).max()) for k in finals)
            assert err <= 1e-12 * max(1.0, float(np.abs(finals["ours"]).max())), f"{name} d={d}: results differ by {err}"
            times = {k: [] for k in contenders}
            for _ in range(args.repeats):  # in turn, so load drifts hit every contender alike
                for k, fn in contenders.items():
                    _, t, ratio = timed(fn, args.clock)
                    times[k].append(t)
                    ratios.append(ratio)
            work = args.R * d * steps
            med = {k: work / statistics.median(v) for k, v in times.items()}
            bw = copy_bandwidth(BYTES[name] * args.R * d)
            rows.append((name, d, steps, med, bw, err))
            print(f"# {name} d={d} done", file=sys.stderr)
    cols = list(rows[0][3])
    head = ["opt", "R", "d", "steps"] + cols + ["ours / jax-scan", "traffic GB/s (ours)", "copy GB/s",
                                                "ours / copy bw", "max |ours - jax|"]
    print(f"\nRunner throughput, million coordinate-updates/s (R*d*steps / {args.clock} time), median of "
          f"{args.repeats}, pinned to {len(os.sched_getaffinity(0))} CPU(s)\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for name, d, steps, med, bw, err in rows:
        traffic = med["ours"] * BYTES[name]
        cells = [name, f"{args.R}", f"{d}", f"{steps}"] + [f"{med[c] / 1e6:.0f}" for c in cols]
        cells += [f"{med['ours'] / med['jax-scan']:.2f}", f"{traffic / 1e9:.1f}", f"{bw / 1e9:.1f}",
                  f"{traffic / bw:.2f}", f"{err:.1e}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\nwall / {args.clock} time per timing: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}; "
          f"ours: {'numba kernels' if kernels.numba_available() else 'NumPy steps'}, "
          f"NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS')}; numpy {np.__version__}, jax {jax.__version__}")


if __name__ == "__main__":
    main()
