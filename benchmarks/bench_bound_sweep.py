"""Bound sweeps: evaluations per second of theory.sweep (compiled once, float64, vectorised) against the
exact per-point evaluation (theory.evaluate, SymPy rationals + mpmath) on the same constants.

    python benchmarks/bench_bound_sweep.py              # every bound theorem, 1e6 points
    python benchmarks/bench_bound_sweep.py --points 1e5 --exact 50 gd.smooth adam.det

For each theorem: constants drawn inside their domains (seeded), hyperparameters prescribed where the theorem
prescribes them, eps and T given, so each point evaluates the conditions, the rate and T(eps). The sweep is timed
after one warm-up call (its compilation is reported separately: it is paid once per theorem and set of names);
the exact evaluation on --exact of the same points. Reported: sweep evaluations/s, exact evaluations/s, and
their ratio, plus the points the sweep decided exactly (boundaries, float64 overflow).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from convcheck import theory
from convcheck.theory.evaluate import evaluate
from convcheck.theory.sweep import compiled, sweep


def grid(thm, n: int, rng) -> dict:
    def draw(q):
        lo, hi = float(q.lo), float(q.hi)
        if np.isfinite(hi):
            return rng.uniform(lo + 1e-6 * (hi - lo), hi - 1e-6 * (hi - lo), n)
        return lo + 10 ** rng.uniform(-2, 2, n)
    return {q.name: draw(q) for q in (*thm.constants, *thm.hyperparameters)
            if q.name != "c" and q.name not in thm.prescription}


def bench(thm, n: int, n_exact: int, seed: int = 0) -> dict:
    g = grid(thm, n, np.random.default_rng(seed))
    t0 = time.perf_counter()
    compiled(thm, frozenset(g), True, True)
    compile_s = time.perf_counter() - t0
    sweep(thm, {k: v[:10] for k, v in g.items()}, eps=0.1, T=1000)
    t0 = time.perf_counter()
    out = sweep(thm, g, eps=0.1, T=1000)
    sweep_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(n_exact):
        evaluate(thm, {k: repr(float(v[i])) for k, v in g.items()}, eps="0.1", T=1000)
    exact_s = time.perf_counter() - t0
    return {"theorem": thm.id, "compile_s": compile_s, "sweep_per_s": n / sweep_s, "exact_per_s": n_exact / exact_s,
            "applies": float(out.applies.mean()), "exact_points": out.exact}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--points", type=float, default=1e6)
    ap.add_argument("--exact", type=int, default=200)
    args = ap.parse_args()
    thms = [theory.get(i) for i in args.ids] or [t for t in theory.theorems() if t.kind != "property"]
    print(f"{'theorem':<22} {'compile s':>9} {'sweep eval/s':>13} {'exact eval/s':>13} {'ratio':>8} {'applies':>8} "
          f"{'exact pts':>9}")
    for thm in thms:
        r = bench(thm, int(args.points), args.exact)
        print(f"{r['theorem']:<22} {r['compile_s']:>9.2f} {r['sweep_per_s']:>13.3g} {r['exact_per_s']:>13.3g} "
              f"{r['sweep_per_s'] / r['exact_per_s']:>8.3g} {r['applies']:>8.2f} {r['exact_points']:>9}")


if __name__ == "__main__":
    main()
