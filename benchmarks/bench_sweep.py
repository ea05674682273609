"""Sweep throughput with 1 and 2 dask workers, and the overhead per chunk against the chunk size.

    python benchmarks/bench_sweep.py                 # both tables (~4 minutes on 2 cores)
    python benchmarks/bench_sweep.py --only scaling  # or --only overhead

scaling: one spec (cosine_sum d = 100, GD at two step sizes, 1000 steps, 256 seeds in chunks of 32:
16 chunks) run by ``execute.distributed`` on a LocalCluster of 1 and of 2 worker processes, and by
``execute.serial`` in this process. Timed: submitting every chunk to the last chunk file written
(the cluster's start-up is printed apart; the final combine is not timed). The three runners are
timed in turn, --repeats times, and the best and the median are printed: other work on the machine
slows all three alike.
Throughput is runs x steps per second; the ratio is 2 workers over 1.

overhead: 512 runs of cosine_sum d = 10, 200 steps, in chunks of 1 .. 512 runs. Per chunk size:
compute = the sum of ``run_chunk`` times in this process (the batched array program alone),
serial = ``execute.serial`` (compute + the atomic Parquet write), dask = ``execute.distributed`` on one
worker (compute + scheduling, pickling the table back, the write). Overhead per chunk =
(serial or dask - compute) / chunks. Each cell is the best of --repeats, the three timed in turn.
"""
from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from dask.distributed import Client, LocalCluster

from convcheck.sweep import execute, parse
from convcheck.sweep.chunks import run_chunk
from convcheck.sweep.store import Store

SCALING = """
steps = 1000
seeds = {{ start = 0, count = 256 }}
chunk_runs = 32
[[objectives]]
name = "cosine_sum"
d = {d}
[[optimizers]]
name = "gd"
lr = [0.1, 0.2]
"""

OVERHEAD = """
steps = 200
seeds = {{ start = 0, count = 512 }}
chunk_runs = {chunk_runs}
[[objectives]]
name = "cosine_sum"
d = 10
[[optimizers]]
name = "gd"
lr = 0.1
"""


def fresh_store(spec) -> Store:
    out = Path(tempfile.mkdtemp(prefix="bench-sweep-")) / "d"
    store = Store(out, spec)
    store.create("")
    return store


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best(repeats, spec, run) -> float:
    """Best wall time of ``run(chunks, store)`` over fresh folders."""
    times = []
    for _ in range(repeats):
        store = fresh_store(spec)
        times.append(timed(lambda: run(spec.chunks(), store)))
        shutil.rmtree(store.out.parent)
    return min(times)


def cluster(n):
    c = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                     silence_logs=logging.ERROR)
    return c, Client(c)


def scaling(repeats: int, d: int):
    spec = parse(SCALING.format(d=d))
    work = len(spec.setups) * len(spec.seeds) * spec.steps
    print(f"scaling: {len(spec.setups)} setups x {len(spec.seeds)} seeds x {spec.steps} steps, d = {d}, "
          f"{len(spec.chunks())} chunks of {spec.chunk_runs} runs")
    clusters, starts = {}, {}
    for n in (1, 2):
        t0 = time.perf_counter()
        clusters[n] = cluster(n)
        starts[n] = time.perf_counter() - t0
        clusters[n][1].submit(run_chunk, spec.chunks()[0]).result()  # workers import convcheck before timing
    runners = {"serial (this process)": execute.serial,
               "dask, 1 worker": lambda ch, st: execute.distributed(ch, st, clusters[1][1]),
               "dask, 2 workers": lambda ch, st: execute.distributed(ch, st, clusters[2][1])}
    times = {name: [] for name in runners}
    for _ in range(repeats):  # interleaved: a burst of load from elsewhere touches every runner alike
        for name, run in runners.items():
            times[name].append(best(1, spec, run))
    for c, client in clusters.values():
        client.close()
        c.close()
    print("| runner | best wall s | median wall s | run-steps / s (best) | cluster start s |\n|---|---|---|---|---|")
    for (name, t), start in zip(times.items(), (0.0, starts[1], starts[2])):
        print(f"| {name} | {min(t):.2f} | {np.median(t):.2f} | {work / min(t):.3g} | {start:.1f} |")
    t1, t2 = times["dask, 1 worker"], times["dask, 2 workers"]
    print(f"throughput ratio 2 workers / 1 worker: {min(t1) / min(t2):.2f} (best), "
          f"{np.median(t1) / np.median(t2):.2f} (median)")


def overhead(repeats: int):
    c, client = cluster(1)
    client.submit(run_chunk, parse(OVERHEAD.format(chunk_runs=512)).chunks()[0]).result()
    print("| chunk runs | chunks | compute s | serial s | dask s | store overhead ms/chunk | dask overhead ms/chunk |")
    print("|---|---|---|---|---|---|---|")
    for size in (1, 4, 16, 64, 512):
        spec = parse(OVERHEAD.format(chunk_runs=size))
        chunks = spec.chunks()
        compute, serial, dask = [], [], []
        for _ in range(repeats):  # interleaved, best of each
            compute.append(sum(timed(lambda ch=ch: run_chunk(ch)) for ch in chunks))
            serial.append(best(1, spec, execute.serial))
            dask.append(best(1, spec, lambda ch, st: execute.distributed(ch, st, client)))
        compute, serial, dask, n = min(compute), min(serial), min(dask), len(chunks)
        print(f"| {size} | {n} | {compute:.2f} | {serial:.2f} | {dask:.2f} | {1e3 * (serial - compute) / n:.1f} | "
              f"{1e3 * (dask - compute) / n:.1f} |")
    client.close()
    c.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["scaling", "overhead"])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--d", type=int, default=100, help="dimension of the scaling spec's objective")
    a = p.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)  # the clusters' closing chatter is not a result
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; numpy {np.__version__}")
    if a.only in (None, "scaling"):
        scaling(a.repeats, a.d)
    if a.only in (None, "overhead"):
        overhead(a.repeats)


if __name__ == "__main__":
    main()
