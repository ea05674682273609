"""Before/after of the allocation contract (issue 15 item 1): reference.run throughput, CPU time.

    PYTHONPATH=<checkout> python benchmarks/bench_alloc.py [--R 1000 --d 1000 --steps 30]

prints one line per optimizer: million coordinate-updates/s of ``run`` (diagonal quadratic with b != 0,
record x_0 and x_steps), median of --repeats. Run it on two checkouts alternately (the README gives
the loop) and compare the lines: the machine is shared, so only ratios of interleaved runs mean much.
"""
import argparse
import time

import numpy as np

from convcheck.reference import optimizers as O
from convcheck.reference import run
from convcheck.reference.objectives import Quadratic

HP = {"gd": {"lr": 0.1}, "nag": {"lr": 0.1}, "adam": {"lr": 0.01}, "rmsprop": {"lr": 0.01},
      "clipped_gd": {"lr": 0.1, "clip": 1.0}}

ap = argparse.ArgumentParser()
ap.add_argument("--R", type=int, default=1000)
ap.add_argument("--d", type=int, default=1000)
ap.add_argument("--steps", type=int, default=30)
ap.add_argument("--repeats", type=int, default=5)
args = ap.parse_args()
obj = Quadratic.diagonal(np.linspace(0.5, 3.0, args.d), np.linspace(-1, 1, args.d))
x0 = obj.initial_points(args.R, seed=0)
for name, hp in HP.items():
    opt = O.get(name)
    times = []
    for _ in range(args.repeats):
        t = time.process_time()
        run(opt, obj, x0, args.steps, hp=hp, record=[0, args.steps])
        times.append(time.process_time() - t)
    print(f"{name:10s} {args.R * args.d * args.steps / np.median(times) / 1e6:8.1f} Mcoord/s")
