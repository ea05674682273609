"""Throughput of the batched runner against a per-run Python loop and torch.optim.SGD.

    python benchmarks/bench_runner.py                       # SinSquared, full table, ~2 minutes
    python benchmarks/bench_runner.py --problem quadratic   # a diagonal quadratic (memory-bound)
    python benchmarks/bench_runner.py --quick               # R in {1, 100, 10000}, shorter timings
    python benchmarks/bench_runner.py --opts gd clipped_gd  # clipped GD next to GD (second table)

Throughput is coordinate-updates per second, R * d * steps / seconds, for GD and NAG (torch form,
momentum = 0.9), lr = 0.3, on SinSquared(d = 1000, a = 3) or on a diagonal quadratic with
eigenvalues spread over [0.5, 3] (gradient = one multiply, so the step is memory-bound and the
runner's own overhead shows), batches R in {1, 10, 100, 1000, 10000}.
All contenders run in the same process, from the same x0, for the same number of steps (chosen per
R so that ``reference.run`` takes about --target seconds); each timing is the best of --repeats.

The data regime is the same at every R: numpy's float64 sin (libm) costs about twice as much at
generic O(1) arguments as near 0, while torch's vectorised sin does not care. At lr = 0.1, 96% of
the coordinates reach exactly 0 within 100 steps, so small R (many steps) would be timed on cheap
zeros and large R (a few steps) on generic values. Hence lr = 0.3 (the minimum at 0 is unstable
there, L = 7: the runs settle at the nonzero local minima, |x| ~ 0.4-1) and x0 = a pool of 1000
rows of ``initial_points(1000, seed=0)`` advanced 50 steps by ``reference.run`` (burn-in), tiled
to R rows.

* ours:       ``reference.run`` recording x_0 and x_steps (the long-run regime: geometric recording
              adds ~60 evaluations of f per run, whatever its length). Per step it also computes
              ||grad f||^2, the running min / sum and the divergence check.
* ours-step:  only what torch does: ``objective.grad`` + the optimizer's pure ``step`` (no f, no
              monitoring): separates the runner's extra work from the cost of the numpy kernels.
* naive:      a Python loop over runs, each advanced separately with numpy on its own (d,) vector,
              with the same per-step work as ``run`` (grad, ||grad||^2, min / sum, divergence
              check, step; f at the ends). Its cost is linear in R, so for large R it is timed on a subset of the
              runs (column ``naive runs``) and extrapolated per run to all R.
* torch:      ONE float64 parameter tensor of shape (R, d); the gradient written into ``p.grad`` in
              closed form with torch ops (p + a sin 2p, no autograd, into preallocated buffers),
              then ``torch.optim.SGD.step()``, as single-tensor (foreach=False), foreach=True and
              fused=True. ``torch.set_num_threads`` is set to --torch-threads (default 1: numpy's
              elementwise kernels are single-threaded; numpy uses no BLAS on this path).

Clipped GD (``--opts gd clipped_gd``): ``clipped_gd()`` (hard form, exact denominator),
h_t = lr min(1, clip / ||g_t||), lr = 0.3 like GD, clip = --clip-scale times the median of
||grad f(x0)|| over the burned-in pool (default 1: half of the pool's rows are clipped at step 0;
on SinSquared the runs keep oscillating with ||grad f|| ~ 60 and ~77% of run-steps stay clipped).
It starts from GD's burned-in pool (the same x0 as GD) and runs GD's number of steps at each R.
The fraction of (run, step) pairs with ||g_t|| > clip is counted in a separate untimed pass.
Its peers:

* naive:      the per-run loop, reusing its g @ g for the clip coefficient (one dot per run-step).
* torch:      clip_grad_norm_ per run is not batched, so the peer is its batched equivalent on the
              (R, d) parameter: row norms ``torch.linalg.vector_norm(p.grad, dim=1, keepdim=True)``,
              coef = clamp(clip / norm, max=1) (clip_grad_norm_'s order, without its + 1e-6), an
              in-place multiply of p.grad by the (R, 1) column, then the SGD step (no momentum).
* torch-run:  as for GD, plus the clip coefficient taken from the ||grad||^2 it computes anyway:
              one row reduction per step.

The second table puts clipped GD next to GD, timed alternately in the same process (best of
--repeats each): clipped/GD is the cost of clipping (ideally ~1: it adds one row reduction and
O(R) work per step). ``row_dot`` is the throughput of one ``row_dot`` over the (R, d) gradient
alone, the price of one reduction. Under reference.run the step reuses the runner's ||grad f||, so
"ours" makes one reduction per step; "ours-step" calls the step alone, which reduces g itself.

ratio ours/torch = our throughput / the best torch variant's (>= 0.67 meets "within 1.5x");
ratio ours/naive = our throughput / the naive loop's (>= 50 meets the R = 10^4 target).

The bandwidth line: a GD step must at least read and write x (16 B per coordinate; NAG also its
buffer: 32 B); divided into a STREAM-like numpy copy bandwidth (np.copyto on 128 MiB arrays,
counting read + write) it gives an upper bound on coordinate-updates/s for out-of-cache batches.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from convcheck.reference import run  # noqa: E402
from convcheck.reference.backend import row_dot  # noqa: E402
from convcheck.reference.objectives import Quadratic, SinSquared  # noqa: E402
from convcheck.reference.optimizers import get  # noqa: E402

try:
    import torch
except ImportError:  # the torch columns are then left out
    torch = None

D, A, LR, MU = 1000, 3.0, 0.3, 0.9


class Problem:
    """One objective three ways: the reference object, a numpy gradient of one (d,) row for the
    naive loop, and a torch gradient written into preallocated buffers (closed form, no autograd)."""

    def __init__(self, name, d):
        self.name = name
        if name == "sin":
            self.obj = SinSquared(d, A)
            self.np_grad = lambda x: x + A * np.sin(2.0 * x)
            self.np_value = lambda x: (0.5 * x * x + A * np.sin(x) ** 2).sum()
        elif name == "quadratic":
            eigs = np.linspace(0.5, 3.0, d)
            self.obj = Quadratic.diagonal(eigs)
            self.np_grad = lambda x: eigs * x
            self.np_value = lambda x: 0.5 * (eigs * x * x).sum()
            self.eigs = eigs
        else:
            raise ValueError(f"problem must be 'sin' or 'quadratic'; got {name!r}")

    def torch_grad(self, p, out, buf):
        if self.name == "sin":
            torch.mul(p, 2.0, out=buf)
            torch.sin(buf, out=buf)
            torch.add(p, buf, alpha=A, out=out)  # grad = p + a sin(2p)
        else:
            if not hasattr(self, "_eigs_t"):
                self._eigs_t = torch.tensor(self.eigs, dtype=torch.float64)
            torch.mul(p, self._eigs_t, out=out)

    def describe(self):
        return f"SinSquared(a={A:g})" if self.name == "sin" else "diagonal quadratic, eigenvalues in [0.5, 3]"
BURN_IN, POOL = 50, 1000
HP = {"gd": {"lr": LR}, "nag": {"lr": LR, "momentum": MU},
      "clipped_gd": {"lr": LR, "clip": None}}  # clip: set in main() from the pool's gradient norms
OPTS = {"gd": {}, "nag": {}, "clipped_gd": {"form": "hard", "denominator": "exact"}}


def get_opt(name):
    return get(name, **OPTS[name])


CLOCK = {"clock": time.process_time}  # set in main(); CPU time unless torch runs several threads
CONTENTION = []  # wall / clock per measurement: > 1 means other processes took the cores


def best_of(fn, repeats):
    """Best of ``repeats`` timings of fn(), in seconds of CLOCK."""
    clock, times = CLOCK["clock"], []
    for _ in range(repeats):
        w0, t0 = time.perf_counter(), clock()
        fn()
        t = clock() - t0
        times.append(t)
        CONTENTION.append((time.perf_counter() - w0) / max(t, 1e-9))
    return min(times)


def best_of_alternating(fns, repeats):
    """Best of ``repeats`` timings of each fn, run in turn (a, b, a, b, ...): the ratio of two
    contenders is then taken under the same conditions even on a shared machine."""
    clock, times = CLOCK["clock"], [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            w0, t0 = time.perf_counter(), clock()
            fn()
            t = clock() - t0
            ts.append(t)
            CONTENTION.append((time.perf_counter() - w0) / max(t, 1e-9))
    return [min(ts) for ts in times]


def start_points(obj, opt_name, R, _pools={}):
    """R rows in the settled regime: a burned-in pool of POOL rows, tiled (see the docstring).
    Clipped GD starts from GD's pool: the same x0 as the GD rows it is compared with."""
    opt_name = "gd" if opt_name == "clipped_gd" else opt_name
    key = (opt_name, obj.d)
    if key not in _pools:
        pool = obj.initial_points(POOL, seed=0)
        _pools[key] = run(get_opt(opt_name), obj, pool, BURN_IN, hp=HP[opt_name]).x_final
    pool = _pools[key]
    return np.ascontiguousarray(np.tile(pool, (-(-R // POOL), 1))[:R])


# -- contenders --------------------------------------------------------------------------------


def ours(opt_name, obj, x0, steps):
    return lambda: run(get_opt(opt_name), obj, x0, steps, hp=HP[opt_name], record=[0, steps])


def ours_step_only(opt_name, obj, x0, steps):
    opt = get_opt(opt_name)
    hp = opt.hyperparameters(HP[opt_name])

    def go():
        state = opt.init(x0, hp)
        for t in range(steps):
            state = opt.step(state, obj.grad(state["x"]), hp, t)
        return state

    return go


def ours_row_dot(x0, steps):
    """``steps`` row reductions ||g||^2 of one (R, d) array: what one extra norm per step costs."""
    g = np.array(x0)
    return lambda: [row_dot(np, g, g) for _ in range(steps)]


def clip_fraction(obj, x0, steps):
    """Fraction of (run, step) pairs, steps 0..steps-1, at which clipped GD clips (||g_t|| > clip).
    Untimed: the optimizer's own step from x0, counting on the side."""
    opt = get_opt("clipped_gd")
    hp = opt.hyperparameters(HP["clipped_gd"])
    state, clipped = opt.init(x0, hp), 0
    for t in range(steps):
        g = obj.grad(state["x"])
        clipped += int(np.count_nonzero(row_dot(np, g, g) > hp["clip"] ** 2))
        state = opt.step(state, g, hp, t)
    return clipped / (x0.shape[0] * steps)


def naive(prob, opt_name, x0, steps, blowup=1e100):
    """Per-run loop, same work as run(): grad, ||grad||^2, min/sum, divergence, step; f at the ends.
    Clipped GD takes its clip coefficient from the g @ g it computes anyway."""
    lr, mu, clip = LR, MU, HP["clipped_gd"]["clip"]

    def go():
        out = []
        for r in range(x0.shape[0]):
            x = x0[r].copy()
            b = None
            f0 = prob.np_value(x)  # the runner evaluates f at the recorded ends
            min_g2, sum_g2, diverged_at = math.inf, 0.0, -1
            for t in range(steps + 1):
                g = prob.np_grad(x)
                g2 = g @ g
                if diverged_at < 0 and not abs(g2) <= blowup:
                    diverged_at = t
                min_g2 = min(min_g2, g2)
                sum_g2 += g2
                if t < steps:
                    if opt_name == "gd":
                        x = x - lr * g
                    elif opt_name == "clipped_gd":
                        x = x - (lr * (clip / max(math.sqrt(g2), clip))) * g
                    else:
                        b = g if b is None else mu * b + g
                        x = x - lr * (g + mu * b)
            out.append((x, f0, prob.np_value(x), min_g2, sum_g2, diverged_at))
        return out

    return go


def torch_setup(opt_name, x0, variant):
    """One (R, d) float64 parameter with a preallocated .grad, a scratch buffer, and torch's SGD."""
    kw = {"single": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}[variant]
    extra = {"momentum": MU, "nesterov": True} if opt_name == "nag" else {}
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    p.grad = torch.empty_like(p)
    return p, torch.empty_like(p), torch.optim.SGD([p], lr=LR, **extra, **kw)


def torch_clip_(g, norm, clip_t):
    """Batched clip_grad_norm_ (exact denominator) on the rows of g, in place: norm = ||g_r||,
    coef = clamp(clip / norm, max=1), g *= coef. ``norm`` is an (R, 1) buffer."""
    torch.linalg.vector_norm(g, dim=1, keepdim=True, out=norm)
    torch.div(clip_t, norm, out=norm)
    norm.clamp_(max=1.0)
    g.mul_(norm)


def torch_sgd(prob, opt_name, x0, steps, variant):
    clipped = opt_name == "clipped_gd"

    def go():
        p, buf, opt = torch_setup(opt_name, x0, variant)
        if clipped:
            norm = torch.empty((p.shape[0], 1), dtype=torch.float64)
            clip_t = torch.tensor(HP["clipped_gd"]["clip"], dtype=torch.float64)
        with torch.no_grad():
            for _ in range(steps):
                prob.torch_grad(p, p.grad, buf)
                if clipped:
                    torch_clip_(p.grad, norm, clip_t)
                opt.step()
        return p

    return go


def torch_run(prob, opt_name, x0, steps, variant, blowup=1e100):
    """torch doing the runner's per-step work too: ||grad||^2, running min / sum, divergence
    check, then the SGD step (the same quantities run() computes; f is left out at the ends).
    Clipped GD takes its coefficient from that ||grad||^2: one row reduction per step."""
    clipped = opt_name == "clipped_gd"
    clip = HP["clipped_gd"]["clip"]

    def go():
        p, buf, opt = torch_setup(opt_name, x0, variant)
        R = p.shape[0]
        with torch.no_grad():
            min_g2 = torch.full((R,), math.inf, dtype=torch.float64)
            sum_g2 = torch.zeros(R, dtype=torch.float64)
            diverged_at = torch.full((R,), -1, dtype=torch.int64)
            for t in range(steps + 1):
                prob.torch_grad(p, p.grad, buf)
                g2 = torch.linalg.vecdot(p.grad, p.grad)
                bad = ~(g2.abs() <= blowup)
                diverged_at = torch.where((diverged_at < 0) & bad, t, diverged_at)
                torch.minimum(min_g2, g2, out=min_g2)
                sum_g2 += g2
                if t < steps:
                    if clipped:  # coef = clamp(clip / ||g||, max=1) from the g2 above
                        coef = torch.rsqrt(g2).mul_(clip).clamp_(max=1.0)
                        p.grad.mul_(coef[:, None])
                    opt.step()
        return p, min_g2, sum_g2, diverged_at

    return go


def torch_variants():
    if torch is None:
        return []
    ok = []
    for v in ("single", "foreach", "fused"):
        try:
            torch_sgd(Problem("quadratic", 3), "nag", np.zeros((2, 3)), 1, v)()
            ok.append(v)
        except Exception:  # e.g. fused not available for this device/dtype
            pass
    return ok


# -- reference numbers ---------------------------------------------------------------------------


def copy_bandwidth(nbytes=128 * 2**20, repeats=5):
    a = np.ones(nbytes // 8)
    b = np.empty_like(a)
    np.copyto(b, a)
    t = best_of(lambda: np.copyto(b, a), repeats)
    return 2 * a.nbytes / t  # bytes read + written per second


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000, 10000])
    ap.add_argument("--d", type=int, default=D)
    ap.add_argument("--target", type=float, default=1.0, help="seconds per measurement of ours")
    ap.add_argument("--min-steps", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--naive-budget", type=float, default=1.0, help="seconds for the naive loop")
    ap.add_argument("--torch-threads", type=int, default=1)
    ap.add_argument("--opts", nargs="+", choices=sorted(HP), default=["gd", "nag"],
                    help="clipped_gd adds the 'Clipped GD next to GD' table")
    ap.add_argument("--clip-scale", type=float, default=1.0,
                    help="clipped GD's clip = this times the median ||grad f(x0)|| of the pool")
    ap.add_argument("--problem", choices=["sin", "quadratic"], default="sin")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.target, args.repeats, args.naive_budget = [1, 100, 10000], 0.4, 1, 0.4
        args.min_steps = 3
    # Every contender is single-threaded (numpy's elementwise kernels are; torch is told so), so
    # process CPU time measures the work without the noise of other jobs on a shared machine.
    # With several torch threads CPU time would add up the threads: then use wall time.
    if torch is not None:
        torch.set_num_threads(args.torch_threads)
    CLOCK["clock"] = time.process_time if args.torch_threads == 1 else time.perf_counter
    clock_name = "CPU time" if args.torch_threads == 1 else "wall time"
    variants = torch_variants()
    run_variant = "fused" if "fused" in variants else (variants[-1] if variants else None)
    prob = Problem(args.problem, args.d)
    obj = prob.obj
    t_start = time.perf_counter()
    if "clipped_gd" in args.opts:
        pool = start_points(obj, "gd", POOL)
        g_pool = obj.grad(pool)
        HP["clipped_gd"]["clip"] = args.clip_scale * float(np.median(np.sqrt(row_dot(np, g_pool, g_pool))))
        # GD's steps at each R are reused, so measure GD first
        args.opts = sorted(args.opts, key=lambda o: o == "clipped_gd")

    rows, gd_steps = [], {}
    for opt_name in args.opts:
        for R in args.sizes:
            x0 = start_points(obj, opt_name, R)
            if opt_name == "clipped_gd" and R in gd_steps:
                steps = gd_steps[R]
            else:  # calibrate: steps so that ours (GD's for clipped GD) takes ~target seconds
                cal = "gd" if opt_name == "clipped_gd" else opt_name
                probe = max(2, int(2e6 / (R * args.d)))
                while (t := best_of(ours(cal, obj, x0, probe), 1)) < 0.1 * args.target:
                    probe *= 2
                steps = max(args.min_steps, int(round(args.target * probe / t)))
            if opt_name == "gd":
                gd_steps[R] = steps
            work = R * args.d * steps
            res = {"opt": opt_name, "R": R, "steps": steps}
            if opt_name == "clipped_gd":  # GD and clipped GD alternately: the cost of clipping
                res["clip_frac"] = clip_fraction(obj, x0, steps)
                t_gd, t_clip = best_of_alternating(
                    [ours("gd", obj, x0, steps), ours(opt_name, obj, x0, steps)], args.repeats)
                res["gd-ours"], res["ours"] = work / t_gd, work / t_clip
                t_gd, t_clip = best_of_alternating(
                    [ours_step_only("gd", obj, x0, steps), ours_step_only(opt_name, obj, x0, steps)],
                    args.repeats)
                res["gd-ours-step"], res["ours-step"] = work / t_gd, work / t_clip
                res["row_dot"] = work / best_of(ours_row_dot(x0, steps), args.repeats)
            else:
                res["ours"] = work / best_of(ours(opt_name, obj, x0, steps), args.repeats)
                res["ours-step"] = work / best_of(ours_step_only(opt_name, obj, x0, steps),
                                                  args.repeats)
            # naive: time one run, then as many runs as fit the budget; extrapolate linearly in R
            t1 = best_of(naive(prob, opt_name, x0[:1], steps), 1)
            n_sub = int(min(R, max(1, args.naive_budget / t1)))
            t_sub = t1 if n_sub == 1 else best_of(naive(prob, opt_name, x0[:n_sub], steps), 1)
            res["naive_runs"] = n_sub
            res["naive"] = work / (t_sub * R / n_sub)
            for v in variants:
                res[f"torch-{v}"] = work / best_of(torch_sgd(prob, opt_name, x0, steps, v), args.repeats)
            if run_variant:
                res["torch-run"] = work / best_of(torch_run(prob, opt_name, x0, steps, run_variant),
                                                  args.repeats)
            rows.append(res)
            print(f"# {opt_name} R={R} steps={steps} done at {time.perf_counter() - t_start:.0f}s",
                  file=sys.stderr)

    bw = copy_bandwidth()
    total = time.perf_counter() - t_start

    tcols = [f"torch-{v}" for v in variants]
    head = ["opt", "R", "steps", "ours", "ours-step", "naive (runs timed)"] + tcols
    if run_variant:
        head += [f"torch-run ({run_variant})", "ours/torch", "ours/torch-run"]
    head.append("ours/naive")
    print(f"Throughput in million coordinate-updates/s (R*d*steps / {clock_name}), d = {args.d}, "
          f"{prob.describe()}, lr = {LR}, NAG momentum = {MU}; "
          f"torch threads = {args.torch_threads if torch else '-'}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i < 1 else "---:" for i in range(len(head))) + "|")
    for r in rows:
        cells = [r["opt"], f"{r['R']}", f"{r['steps']}", f"{r['ours'] / 1e6:.1f}",
                 f"{r['ours-step'] / 1e6:.1f}", f"{r['naive'] / 1e6:.2f} ({r['naive_runs']})"]
        cells += [f"{r[c] / 1e6:.1f}" for c in tcols]
        if run_variant:
            cells += [f"{r['torch-run'] / 1e6:.1f}", f"{r['ours'] / max(r[c] for c in tcols):.2f}",
                      f"{r['ours'] / r['torch-run']:.2f}"]
        cells.append(f"{r['ours'] / r['naive']:.1f}")
        print("| " + " | ".join(cells) + " |")
    print()
    clipped_rows = [r for r in rows if r["opt"] == "clipped_gd"]
    if clipped_rows:
        gd_rows = {r["R"]: r for r in rows if r["opt"] == "gd" and r["steps"] == gd_steps.get(r["R"])}

        def best_torch(r):
            return max((r[c] for c in tcols), default=math.nan)

        print(f"Clipped GD next to GD: clipped_gd(form='hard', denominator='exact'), lr = {LR}, "
              f"clip = {HP['clipped_gd']['clip']:.6g} ({args.clip_scale:g} x the median ||grad f(x0)||); "
              f"GD and clipped GD timed alternately, same x0 and steps\n")
        head2 = ["R", "steps", "clipped run-steps", "GD ours", "clipped ours", "clipped/GD",
                 "GD ours-step", "clipped ours-step", "clipped/GD (step)", "row_dot", "torch GD", "torch clipped", "torch clipped/GD",
                 "ours/torch", "ours/naive"]
        print("| " + " | ".join(head2) + " |")
        print("|" + "|".join("---:" for _ in head2) + "|")
        for r in clipped_rows:
            g = gd_rows.get(r["R"])
            tg, tc = (best_torch(g) if g else math.nan), best_torch(r)
            cells = [f"{r['R']}", f"{r['steps']}", f"{100 * r['clip_frac']:.0f}%",
                     f"{r['gd-ours'] / 1e6:.1f}", f"{r['ours'] / 1e6:.1f}", f"{r['ours'] / r['gd-ours']:.2f}",
                     f"{r['gd-ours-step'] / 1e6:.1f}", f"{r['ours-step'] / 1e6:.1f}",
                     f"{r['ours-step'] / r['gd-ours-step']:.2f}", f"{r['row_dot'] / 1e6:.0f}",
                     f"{tg / 1e6:.1f}", f"{tc / 1e6:.1f}",
                     f"{tc / tg:.2f}", f"{r['ours'] / tc:.2f}", f"{r['ours'] / r['naive']:.1f}"]
            print("| " + " | ".join(cells) + " |")
        print()
    print(f"Copy bandwidth (numpy copyto, 128 MiB, read + write): {bw / 1e9:.1f} GB/s -> "
          f"bandwidth bound for out-of-cache batches: GD {bw / 16 / 1e6:.0f} M coord-updates/s "
          f"(16 B/coord: read x, write x), NAG {bw / 32 / 1e6:.0f} M/s (32 B: x and buffer).")
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()}); "
          f"wall/{clock_name} per measurement: median {np.median(CONTENTION):.2f}, "
          f"max {max(CONTENTION):.2f}; total {total:.0f} s wall")


if __name__ == "__main__":
    main()
