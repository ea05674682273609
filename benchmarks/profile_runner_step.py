"""Where a runner step's time goes at small d (issue 15 item 3): the runner's pieces, each called as its loop calls it.

    PYTHONPATH=. NUMBA_NUM_THREADS=1 taskset -c 1 /work/venv-perf/bin/python benchmarks/profile_runner_step.py
    git archive 72cb676 | tar -x -C /tmp/before      # the same on the code before the fused reductions
    PYTHONPATH=/tmp/before NUMBA_NUM_THREADS=1 taskset -c 1 /work/venv-perf/bin/python benchmarks/profile_runner_step.py

Problem: bench_runner_jax.py's (diagonal quadratic with b != 0, R = 1e4, d = 10, GD lr 0.3, Adam lr 1e-3). Each row is
the CPU time of one call in us (mean of 300 calls, best of 3); the "whole run" rows are ``run(..., record=[0, 200])``
over its 201 steps, so whole run minus the parts is the loop's own Python. cProfile is not used: it hides the NumPy
ufunc calls in their caller and inflates the many small calls this is about.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np

from convcheck.reference import kernels, run
from convcheck.reference.backend import row_dot
from convcheck.reference.buffers import Workspace, donated, into
from convcheck.reference.objectives import Quadratic
from convcheck.reference.objectives.base import grad_writer
from convcheck.reference.optimizers import adam, gd


def per_call_us(fn, n=300):
    best = math.inf
    for _ in range(3):
        fn()
        c0 = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - c0) / n * 1e6)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--R", type=int, default=10000)
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--steps", type=int, default=200)
    args = ap.parse_args(argv)
    R, d, steps = args.R, args.d, args.steps
    obj = Quadratic.diagonal(np.linspace(0.5, 3.0, d), np.linspace(-1.0, 1.0, d))
    x = np.random.default_rng(0).standard_normal((R, d))
    fused = kernels.select(np)
    try:
        writer = grad_writer(obj, fused)
    except TypeError:  # before the fused gradient: grad_writer(objective)
        writer = grad_writer(obj)
    out, g = np.empty_like(x), obj.grad(x)
    min_g2, sum_g2, sum_g = np.full(R, np.inf), np.zeros(R), np.zeros(R)
    div = [np.full(R, -1)]

    def numpy_reductions():  # the runner's NumPy path, line for line
        g2 = row_dot(np, g, g)
        div[0] = np.where((div[0] < 0) & ~(np.abs(g2) <= 1e100), 3, div[0])
        into(np, np.minimum, min_g2, g2, out=min_g2)
        np.add(sum_g2, g2, out=sum_g2)
        np.add(sum_g, np.sqrt(g2), out=sum_g)

    rows = {"gradient (the runner's grad writer)": per_call_us(lambda: writer(x, out)),
            "reductions, NumPy": per_call_us(numpy_reductions)}
    if fused is not None and hasattr(fused, "grad_stats"):
        rows["reductions, fused.grad_stats"] = per_call_us(
            lambda: fused.grad_stats(g, 3, 1e100, np.empty(R), np.empty(R), min_g2, sum_g2, sum_g, div[0]))
    for name, opt, hp in (("gd", gd(), {"lr": 0.3}), ("adam", adam(), {"lr": 1e-3})):
        full = opt.hyperparameters(hp)
        state, ws = donated(opt.init(x, full), R), Workspace(x)
        rows[f"{name} step (step_into)"] = per_call_us(lambda: opt.step_into(state, g, full, 5, ws))
        rows[f"{name} whole run, per step"] = per_call_us(
            lambda: run(opt, obj, x, steps, hp, record=[0, steps]), 3) / (steps + 1)
    print(f"R = {R}, d = {d}; kernels: {kernels.name_of(fused)}; CPU us per call")
    for k, v in rows.items():
        print(f"  {k:40s} {v:8.1f}")


if __name__ == "__main__":
    main()
