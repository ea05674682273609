"""Record PEP worst cases as golden data for tests/test_pep.py (CI has no PEPit; it only reads the JSON).

Run by hand from the repository root with the extra `pep` installed:

    pip install 'convcheck[pep]'       # PEPit, cvxpy, Clarabel
    PYTHONPATH=. python tests/pep_values.py     # PYTHONPATH: this checkout's convcheck, not an installed one

It writes tests/golden/pep_values.json: for each case (theorem, N, L, Delta, lr, momentum) the PEP worst case
W(N) of min_{0<=t<=N} ||grad f(x_t)||^2 from convcheck.pep (dual SDP value), its tolerance (|primal - dual| plus
1e-8 relative) and whether Clarabel called both solves accurate, with the versions that computed them. No bound
is recorded: tests/test_pep.py evaluates the theorem's bound at T = N + 1 itself.
"""
from __future__ import annotations

import json
import pathlib
import platform
from importlib.metadata import version

from convcheck import theory
from convcheck.pep import worst_case
from convcheck.theory.evaluate import evaluate

# (theorem, hyperparameters given to the theorem (the rest prescribed), horizons N): each regime of each bound
CASES = (
    ("gd.smooth", {}, (1, 2, 5, 10)),                                     # lr = 1/L
    ("gd.smooth", {"lr": "3/2"}, (1, 5)),                                 # a long step, L lr = 1.5
    ("heavy_ball.smooth", {"momentum": "1/2"}, (1, 2, 5, 10)),            # lr = (1 - mu^2)/L, where c_S = c_B
    ("heavy_ball.smooth", {"momentum": "1/2", "lr": "1/4"}, (2, 5)),      # L lr <= 1 - mu^2
    ("heavy_ball.smooth", {"momentum": "1/2", "lr": "9/10"}, (2, 5)),     # L lr >= 1 - mu^2
    ("heavy_ball.smooth", {"momentum": "9/10", "lr": "1/10"}, (1, 5)),    # torch's usual momentum
    ("nag.smooth", {"momentum": "1/2"}, (1, 2, 5, 10)),                   # lr = h0/L
    ("nag.smooth", {"momentum": "1/2", "lr": "9/10"}, (2, 5)),            # L lr >= h0
    ("nag.smooth", {"momentum": "9/10", "lr": "1/20"}, (3, 5)),
)
CONSTANTS = {"L": "1", "Delta": "1"}
OUT = pathlib.Path(__file__).parent / "golden" / "pep_values.json"


def record() -> dict:
    rows = []
    for tid, hp, Ns in CASES:
        thm = theory.get(tid)
        for N in Ns:
            values = {k: float(v) for k, v in evaluate(thm, {**CONSTANTS, **hp}, T=N + 1).values.items()}
            w = worst_case(thm.algorithm, N, L=values["L"], Delta=values["Delta"], lr=values["lr"],
                           mu=values.get("momentum", 0.0))
            rows.append({"theorem": tid, "N": N, "values": values, "pep": w.value, "tolerance": w.tolerance,
                         "solver_accurate": w.accurate})
            flag = "" if w.accurate else ", inaccurate"
            print(f"{tid:18s} N={N:2d} {values} W = {w.value:.9g} (tol {w.tolerance:.1e}{flag})")
    return {"description": "PEP worst cases of min_{0<=t<=N} ||grad f(x_t)||^2 on L-smooth f with f(x_0) - f* <= Delta "
                           "(convcheck.pep), golden data for tests/test_pep.py",
            "command": "PYTHONPATH=. python tests/pep_values.py",
            "versions": {**{p: version(p) for p in ("pepit", "cvxpy", "clarabel", "numpy")},
                         "python": platform.python_version()},
            "horizon": "N steps, gradients g_0..g_N: a theorem's min_{0<=t<T} bound at T = N + 1",
            "cases": rows}


if __name__ == "__main__":
    OUT.write_text(json.dumps(record(), indent=1) + "\n")
    print(f"wrote {OUT}")
