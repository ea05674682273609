"""The tightness table of proofs_notes/tightness.md: theorem, N, certified bound, PEP worst case, measured worst run.

    PYTHONPATH=. python benchmarks/tightness_table.py      # markdown on stdout (~1 min on 2 cores); no PEPit needed

PEP values are read from tests/golden/pep_values.json (recorded by tests/pep_values.py); bounds are evaluated by
convcheck.theory.evaluate at PEP's horizon; measured is the worst run, over 16 seeds on each problem, of the
theorem's measure divided by its Delta-scale (L Delta_r for squared gradient norms, Delta_r for f - f*), run at
L lr = the case's L lr on:

    smooth   the smooth catalogue (sin_squared, cosine_sum, logistic; Delta_r = f(x_0) - f_low)
    convex   logistic (convex, L-smooth)
    pl       a strongly convex quadratic with the case's mu/L (d = 10), f* = 0

gd.smooth.pep's measure divides by L (f(x_0) - f(x_N)) of the run itself.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import numpy as np

from convcheck import families, theory
from convcheck.families.baselines import smooth_problems
from convcheck.pep_classes import MEASURES
from convcheck.reference import objectives, optimizers, run
from convcheck.studies.common import initial_points
from convcheck.theory.evaluate import evaluate

GOLDEN = pathlib.Path(__file__).parent.parent / "tests" / "golden" / "pep_values.json"
SEEDS = 16


def problems(case) -> list:
    if case["class"] == "pl":
        return [objectives.get("quadratic", d=10, L=1.0, mu=case["values"]["mu"], seed=1)]
    if case["class"] == "convex":
        return [objectives.get("logistic", n=40, d=10, seed=0)]
    return smooth_problems()


def measured(case, algorithm: str) -> float:
    """The worst run's measure over its scale, over the case's problems."""
    N, v, worst = case["N"], case["values"], 0.0
    for obj in problems(case):
        L = obj.constants["L"]
        x0 = initial_points(obj, range(SEEDS))
        f_low = obj.constants.get("f_star", obj.constants.get("f_low"))
        hp = {"lr": v["lr"] / L * v["L"], **({"momentum": v["momentum"]} if "momentum" in v else {})}
        tr = run(optimizers.get(algorithm), obj, x0, N, hp=hp, record=[N])
        f0 = obj.value(x0)
        if case["measure"] == "gap_last_iterate":
            m = (tr.f[-1] - f_low) / (f0 - f_low)
        elif case["measure"] == "min_grad_sq_through_T":
            m = tr.min_grad_sq[-1] / (L * (f0 - tr.f[-1]))
        else:
            m = tr.min_grad_sq[-1] / (L * (f0 - f_low))
        worst = max(worst, float(np.max(m)))
    return worst


def bound(case) -> float:
    values = {k: Fraction(x).limit_denominator(10 ** 6) for k, x in case["values"].items()}
    thm = families.as_bound(theory.get(case["theorem"]))
    return float(evaluate(thm, values, T=case["N"] + MEASURES[case["measure"]].horizon).rate)


def hyper(case) -> str:
    return ", ".join(f"{k} = {Fraction(x).limit_denominator(100)}" for k, x in case["values"].items()
                     if k in ("momentum", "lr", "mu"))


def main() -> None:
    cases = json.loads(GOLDEN.read_text())["cases"]
    print("| theorem | PEP class | hyperparameters | N | bound | PEP W(N) | bound/PEP | measured (worst run) |")
    print("|---|---|---|---|---|---|---|---|")
    for c in cases:
        b, w = bound(c), c["pep"]
        m = measured(c, theory.get(c["theorem"]).algorithm)
        star = "" if c["solver_accurate"] else " \\*"
        print(f"| `{c['theorem']}` | {c['class']} | {hyper(c)} | {c['N']} | {b:.6g} | {w:.6g}{star} | {b / w:.3f} "
              f"| {m:.3g} |")


if __name__ == "__main__":
    main()
