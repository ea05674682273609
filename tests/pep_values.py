"""Record PEP worst cases as golden data for tests/test_pep.py (CI has no PEPit; it only reads the JSON).

Run by hand from the repository root with the extra `pep` installed:

    pip install 'convcheck[pep]'       # PEPit, cvxpy, Clarabel
    PYTHONPATH=. python tests/pep_values.py     # PYTHONPATH: this checkout's convcheck, not an installed one

It writes tests/golden/pep_values.json: for each case (theorem, PEP class, N, hyperparameters) the PEP worst case
W(N) of the theorem's measure (convcheck.pep_classes) from convcheck.pep (dual SDP value), its tolerance
(|primal - dual| plus 1e-8 relative) and whether Clarabel called both solves accurate, with the versions that
computed them. The class is the theorem's own, or "convex" for the reference values of the L-smooth theorems
(convex f are L-smooth: their bounds must pass those too). No bound is recorded: tests/test_pep.py evaluates it.
"""
from __future__ import annotations

import json
import pathlib
import platform
from importlib.metadata import version

from convcheck import families, theory
from convcheck.pep import worst_case
from convcheck.pep_classes import MEASURES, class_for
from convcheck.theory.evaluate import evaluate

# (theorem, PEP class (None: the theorem's own), hyperparameters given (the rest prescribed), horizons N)
CASES = (
    ("gd.smooth", None, {}, (1, 2, 5, 10)),                                     # lr = 1/L
    ("gd.smooth", None, {"lr": "3/2"}, (1, 5)),                                 # a long step, L lr = 1.5
    ("heavy_ball.smooth", None, {"momentum": "1/2"}, (1, 2, 5, 10)),            # lr = (1 - mu^2)/L, where c_S = c_B
    ("heavy_ball.smooth", None, {"momentum": "1/2", "lr": "1/4"}, (2, 5)),      # L lr <= 1 - mu^2
    ("heavy_ball.smooth", None, {"momentum": "1/2", "lr": "9/10"}, (2, 5)),     # L lr >= 1 - mu^2
    ("heavy_ball.smooth", None, {"momentum": "9/10", "lr": "1/10"}, (1, 5)),    # torch's usual momentum
    ("nag.smooth", None, {"momentum": "1/2"}, (1, 2, 5, 10)),                   # lr = h0/L
    ("nag.smooth", None, {"momentum": "1/2", "lr": "9/10"}, (2, 5)),            # L lr >= h0
    ("nag.smooth", None, {"momentum": "9/10", "lr": "1/20"}, (3, 5)),
    ("gd.smooth.pep", None, {}, (1, 2, 5, 10)),                                 # its claimed exact worst case
    ("gd.smooth.pep", None, {"lr": "3/2"}, (1, 5)),
    ("gd.pl", None, {"mu": "1/10"}, (1, 2, 5, 10)),                             # lr = 1/L, rho = 1 - mu/L
    ("gd.pl", None, {"mu": "1/10", "lr": "1/2"}, (1, 5)),
    ("gd.pl", None, {"mu": "1/10", "lr": "3/2"}, (1, 5)),                       # a long step
    ("gd.pl", None, {"mu": "1/2"}, (1, 5)),                                     # well conditioned, rho = 1/2
    ("heavy_ball.pl", None, {"mu": "1/10", "momentum": "1/2", "lr": "1/2"}, (1, 2, 5, 10)),
    ("heavy_ball.pl", None, {"mu": "1/10", "momentum": "9/10", "lr": "1/20"}, (1, 5)),
    ("heavy_ball.pl", None, {"mu": "1/2", "momentum": "1/4", "lr": "1/2"}, (1, 5)),
    ("gd.smooth", "convex", {}, (1, 2, 5, 10)),                                 # reference values
    ("heavy_ball.smooth", "convex", {"momentum": "1/2"}, (1, 2, 5, 10)),
    ("nag.smooth", "convex", {"momentum": "1/2"}, (1, 2, 5, 10)),
)
CONSTANTS = {"L": "1", "Delta": "1"}
OUT = pathlib.Path(__file__).parent / "golden" / "pep_values.json"


def record() -> dict:
    rows = []
    for tid, pep_class, hp, Ns in CASES:
        thm = families.as_bound(theory.get(tid))
        measure = MEASURES[thm.rate.measure]
        pep_class = pep_class or class_for(thm.function_class).name
        for N in Ns:
            values = {k: float(v) for k, v in evaluate(thm, {**CONSTANTS, **hp}, T=N + measure.horizon).values.items()}
            w = worst_case(thm.algorithm, N, L=values["L"], Delta=values["Delta"], lr=values["lr"],
                           mu=values.get("momentum", 0.0), function_class=pep_class, measure=measure.name,
                           mu_pl=values.get("mu"))
            rows.append({"theorem": tid, "class": pep_class, "measure": measure.name, "N": N, "values": values,
                         "pep": w.value, "tolerance": w.tolerance, "solver_accurate": w.accurate})
            flag = "" if w.accurate else ", inaccurate"
            print(f"{tid:18s} {pep_class:7s} N={N:2d} {values} W = {w.value:.9g} (tol {w.tolerance:.1e}{flag})")
    return {"description": "PEP worst cases of each theorem's measure (convcheck.pep_classes) on its class or the "
                           "smooth convex reference, with constant Delta (convcheck.pep), golden data for "
                           "tests/test_pep.py",
            "command": "PYTHONPATH=. python tests/pep_values.py",
            "versions": {**{p: version(p) for p in ("pepit", "cvxpy", "clarabel", "numpy")},
                         "python": platform.python_version()},
            "horizon": "N steps: a theorem's bound at T = N + horizon of its measure (1 for min_grad_sq_before_T)",
            "cases": rows}


if __name__ == "__main__":
    OUT.write_text(json.dumps(record(), indent=1) + "\n")
    print(f"wrote {OUT}")
