"""Record float64 trajectories of torch.optim.SGD as golden data for tests/test_torch_conformance.py.

Run by hand, from the repository root, on a machine with torch installed (CI has no torch and
never runs this file; it only reads the JSON it writes):

    pip install torch==2.13.0          # CPU wheel; any torch >= 2.0 records the same numbers
    python tests/golden/record_torch.py

It writes tests/golden/torch_sgd.json (floats as Python repr, so they round-trip exactly). The
JSON holds the torch version, each problem's definition (formula, constants, x0) and, for every
case, the torch.optim.SGD arguments, the per-step lr list and the iterates x_0 .. x_T.

torch.optim.SGD's three forms are recorded:

    gd          momentum = 0                         x_t = x_{t-1} - lr_t g_t
    heavy_ball  momentum = mu (dampening tau)        b_1 = g_1, b_t = mu b_{t-1} + (1 - tau) g_t,
                                                     x_t = x_{t-1} - lr_t b_t
    nag         momentum = mu, nesterov = True       same buffer (tau = 0),
                                                     x_t = x_{t-1} - lr_t (g_t + mu b_t)

on two problems whose gradients torch computes with autograd from the objective's formula:

    quad         f(x) = sum_i x_i^2                  (card B5: "f(x) = 1/2 * 2 x^2"), d = 1, x0 = 1
    sin_squared  f(x) = sum_i x_i^2/2 + a sin^2 x_i  (reference.objectives.SinSquared), a = 3,
                 d = 5, x0 = 3 rows drawn by SinSquared(5, 3).initial_points(3, seed=0)

A step-size schedule is a list lr[0..T-1]; torch gets it by setting param_group["lr"] = lr[t]
before its t-th step (t = 0, 1, ...), which is what reference.run does with a Schedule evaluated
at the step index t.
"""
from __future__ import annotations

import json
import math
import pathlib
import platform
import sys

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "torch_sgd.json"
REPO = HERE.parent.parent

# -- problems: torch formulas (autograd differentiates these) --------------------------------------


def f_quad(x: torch.Tensor) -> torch.Tensor:
    """f(x) = sum_i x_i^2 per row (card B5's 1/2 * a x^2 with a = 2)."""
    return (x * x).sum(dim=1)


def f_sin_squared(x: torch.Tensor, a: float = 3.0) -> torch.Tensor:
    """f(x) = sum_i x_i^2 / 2 + a sin^2(x_i) per row, as reference.objectives.SinSquared.value."""
    return (0.5 * x * x + a * torch.sin(x) ** 2).sum(dim=1)


def sin_squared_x0() -> list:
    """SinSquared(d=5, a=3).initial_points(3, seed=0), re-derived here without importing reference/:
    2 * (2 * U - 1) with U = numpy.random.default_rng(0).random((3, 5))."""
    return (2.0 * (2.0 * np.random.default_rng(0).random((3, 5)) - 1.0)).tolist()


PROBLEMS = {
    "quad": {
        "formula": "f(x) = sum_i x_i^2  (grad f = 2x; card B5's 1/2 * 2 x^2)",
        "objective": None,
        "params": {},
        "d": 1,
        "x0": [[1.0]],
        "fn": f_quad,
    },
    "sin_squared": {
        "formula": "f(x) = sum_i x_i^2/2 + a sin^2(x_i)",
        "objective": "SinSquared",
        "params": {"d": 5, "a": 3.0},
        "d": 5,
        "x0": sin_squared_x0(),
        "x0_from": "SinSquared(d=5, a=3.0).initial_points(3, seed=0)",
        "fn": f_sin_squared,
    },
}

# -- cases ----------------------------------------------------------------------------------------
# (name, problem, optimizer, torch.optim.SGD kwargs, lr list)

QUAD_LR = [0.1, 0.1, 0.1]
QUAD_SCHED = [0.1, 0.05, 0.05]  # card B5's schedule vector (tv_d2)
SIN_STEPS = 50
SIN_LR = [0.1] * SIN_STEPS
# a schedule that changes at every step: 0.12 / sqrt(t + 1), plus a jump at t = 25
SIN_SCHED = [0.12 / math.sqrt(t + 1.0) * (2.0 if t >= 25 else 1.0) for t in range(SIN_STEPS)]

HB = {"momentum": 0.9}
HB_DAMP = {"momentum": 0.9, "dampening": 0.5}
NAG = {"momentum": 0.9, "nesterov": True}

CASES = [
    ("quad/gd", "quad", "gd", {}, QUAD_LR),
    ("quad/heavy_ball", "quad", "heavy_ball", HB, QUAD_LR),
    ("quad/heavy_ball_damp0.5", "quad", "heavy_ball", HB_DAMP, QUAD_LR),
    ("quad/nag", "quad", "nag", NAG, QUAD_LR),
    ("quad/heavy_ball_sched", "quad", "heavy_ball", HB, QUAD_SCHED),
    ("quad/nag_sched", "quad", "nag", NAG, QUAD_SCHED),
    ("sin_squared/gd", "sin_squared", "gd", {}, SIN_LR),
    ("sin_squared/heavy_ball", "sin_squared", "heavy_ball", HB, SIN_LR),
    ("sin_squared/heavy_ball_damp0.5", "sin_squared", "heavy_ball", HB_DAMP, SIN_LR),
    ("sin_squared/nag", "sin_squared", "nag", NAG, SIN_LR),
    ("sin_squared/gd_sched", "sin_squared", "gd", {}, SIN_SCHED),
    ("sin_squared/heavy_ball_sched", "sin_squared", "heavy_ball", HB, SIN_SCHED),
    ("sin_squared/nag_sched", "sin_squared", "nag", NAG, SIN_SCHED),
]


def torch_trajectory(fn, x0, sgd_kwargs, lrs, foreach=False):
    """Iterates x_0..x_T (list of (R, d) lists) and f(x_0)..f(x_T) of torch.optim.SGD."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lrs[0], foreach=foreach, **sgd_kwargs)
    xs, fs = [x.detach().clone()], []
    for lr in lrs:
        opt.param_groups[0]["lr"] = lr
        opt.zero_grad()
        fx = fn(x)
        fs.append(fx.detach().clone())
        fx.sum().backward()  # rows are independent: d(sum_r f(x_r))/dx_r = grad f(x_r)
        opt.step()
        xs.append(x.detach().clone())
    with torch.no_grad():
        fs.append(fn(x).detach().clone())
    return torch.stack(xs), torch.stack(fs)


def main():
    torch.set_default_dtype(torch.float64)
    cases = []
    for name, prob, optname, kw, lrs in CASES:
        p = PROBLEMS[prob]
        xs, fs = torch_trajectory(p["fn"], p["x0"], kw, lrs)
        # foreach (multi-tensor) kernel must give the same trajectory; record how close it is
        xs_fe, _ = torch_trajectory(p["fn"], p["x0"], kw, lrs, foreach=True)
        foreach_diff = float((xs - xs_fe).abs().max())
        hp = {"lr": lrs[0] if len(set(lrs)) == 1 else None}
        if optname != "gd":
            hp["momentum"] = kw["momentum"]
        if optname == "heavy_ball":
            hp["dampening"] = kw.get("dampening", 0.0)
        cases.append({
            "name": name,
            "problem": prob,
            "optimizer": optname,
            "torch_sgd_kwargs": {"momentum": 0.0, "dampening": 0.0, "nesterov": False, **kw},
            "hp": hp,  # lr None: use lr_per_step as a schedule
            "lr_per_step": lrs,
            "steps": len(lrs),
            "x": xs.tolist(),  # (steps + 1, R, d): x_0 .. x_T
            "f": fs.tolist(),  # (steps + 1, R)
            "foreach_max_abs_diff": foreach_diff,
        })
        print(f"{name:34s} steps={len(lrs):3d}  x_T[0,0]={xs[-1, 0, 0].item(): .12g}  "
              f"foreach vs single-tensor: {foreach_diff:.1e}")

    data = {
        "description": "float64 trajectories of torch.optim.SGD (plain, heavy ball, Nesterov), "
                       "golden data for tests/test_torch_conformance.py",
        "command": "python tests/golden/record_torch.py",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "gradient": "torch autograd of the problem formula (rows independent)",
        "schedule_convention": "param_group['lr'] = lr_per_step[t] before torch's t-th step, t = 0..steps-1",
        "problems": {k: {kk: vv for kk, vv in v.items() if kk != "fn"} for k, v in PROBLEMS.items()},
        "card_b5": {
            "source": "shared/papers/baselines_and_de2018.md, B5 (tv_d.py, tv_d2.py); f = x^2, x0 = 1, "
                      "lr 0.1, mu 0.9, 3 steps",
            "nag_torch": [0.62, 0.2224, -0.108352],
            "heavy_ball": [0.8, 0.46, 0.062],
            "schedule": [0.1, 0.05, 0.05],
            "nag_torch_schedule": [0.62, 0.4212, 0.218052],
            "nag_sutskever_lookahead_schedule": [0.62, 0.3402, 0.079542],
        },
        "cases": cases,
    }
    # readable header, one compact line per case (keeps the file small and diffs per case)
    head = json.dumps({**data, "cases": "@CASES@"}, indent=1)
    body = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text(head.replace('"@CASES@"', "[\n" + body + "\n ]") + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes) with torch {torch.__version__}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
