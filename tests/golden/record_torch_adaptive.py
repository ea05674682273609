"""Record float64 trajectories of torch.optim.Adam / AdamW / RMSprop as golden data for
tests/test_adaptive_optimizers.py.

Run by hand, from the repository root, on a machine with torch installed (CI has no torch and
never runs this file; it only reads the JSON it writes):

    pip install torch==2.13.0          # CPU wheel
    python tests/golden/record_torch_adaptive.py

It writes tests/golden/torch_adaptive.json (floats as Python repr, so they round-trip exactly):
the torch version, the problems (the two of record_torch.py, imported from it) and, for every
case, the torch constructor and its arguments, the optimizer and hyperparameters in our names
(reference.optimizers.get(optimizer, **convention) with hp), the per-step lr list and the
iterates x_0 .. x_T with f(x_0) .. f(x_T).

torch's names map to ours as: Adam/AdamW betas = (beta1, beta2), eps = xi; RMSprop alpha = beta2,
eps = xi; Adam(weight_decay) is our adam_l2 (coupled L2), AdamW(weight_decay) our
adamw(decay="lr"); amsgrad and centered are conventions of the factory.

A step-size schedule is a list lr[0..T-1]; torch gets it by setting param_group["lr"] = lr[t]
before its t-th step (t = 0, 1, ...), which is what reference.run does with a Schedule evaluated
at the step index t. AdamW's decay then follows the schedule (x *= 1 - lr_t * weight_decay).
"""
from __future__ import annotations

import json
import math
import pathlib
import platform
import sys

import numpy as np
import torch

from record_torch import PROBLEMS  # the same problems and x0 (this script's folder is on sys.path)

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "torch_adaptive.json"
REPO = HERE.parent.parent

# -- cases ----------------------------------------------------------------------------------------
# Adam-type lr 0.1 moves ~0.1 per step (Adam's first step is lr * sign(g)); RMSprop's first step is
# lr g / sqrt((1 - alpha) g^2) = lr / sqrt(1 - alpha) per coordinate, so it gets lr 0.01.

QUAD_STEPS, SIN_STEPS = 30, 50


def constant(lr, steps):
    return [lr] * steps


def schedule(lr, steps):
    """lr / sqrt(t + 1), doubled from t = steps // 2 on: changes at every step, with a jump."""
    return [lr / math.sqrt(t + 1.0) * (2.0 if t >= steps // 2 else 1.0) for t in range(steps)]


# (label, torch class, torch kwargs other than lr, base lr)
SETTINGS = [
    ("adam", "Adam", {}, 0.1),
    ("adam_b0.8_0.95_eps1e-3", "Adam", {"betas": (0.8, 0.95), "eps": 1e-3}, 0.1),
    ("adam_amsgrad", "Adam", {"betas": (0.9, 0.99), "amsgrad": True}, 0.1),
    ("adam_l2", "Adam", {"weight_decay": 0.3}, 0.1),
    ("adamw", "AdamW", {"weight_decay": 0.3}, 0.1),
    ("adamw_amsgrad_eps1e-3", "AdamW", {"weight_decay": 0.3, "amsgrad": True, "betas": (0.9, 0.99),
                                        "eps": 1e-3}, 0.1),
    ("rmsprop", "RMSprop", {}, 0.01),
    ("rmsprop_a0.9_eps1e-3", "RMSprop", {"alpha": 0.9, "eps": 1e-3}, 0.01),
    ("rmsprop_centered", "RMSprop", {"centered": True}, 0.01),
    ("rmsprop_momentum", "RMSprop", {"momentum": 0.9}, 0.01),
    ("rmsprop_centered_momentum", "RMSprop", {"centered": True, "momentum": 0.9, "alpha": 0.9}, 0.01),
]

TORCH_DEFAULTS = {
    "Adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "AdamW": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2, "amsgrad": False},
    "RMSprop": {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
}


def ours(cls, kw):
    """(optimizer name, convention, hp without lr) in reference.optimizers' names."""
    kw = {**TORCH_DEFAULTS[cls], **kw}
    if cls in ("Adam", "AdamW"):
        b1, b2 = kw["betas"]
        hp = {"beta1": b1, "beta2": b2, "xi": kw["eps"], "xi_root": 0.0}
        conv = {"amsgrad": kw["amsgrad"]}
        if cls == "AdamW":
            return "adamw", {**conv, "decay": "lr"}, {**hp, "weight_decay": kw["weight_decay"]}
        if kw["weight_decay"]:
            return "adam_l2", conv, {**hp, "weight_decay": kw["weight_decay"]}
        return "adam", conv, hp
    assert cls == "RMSprop" and kw["weight_decay"] == 0.0
    return "rmsprop", {"centered": kw["centered"]}, {"beta2": kw["alpha"], "xi": kw["eps"],
                                                     "momentum": kw["momentum"]}


def torch_trajectory(fn, x0, cls, kw, lrs, foreach=False):
    """Iterates x_0..x_T (list of (R, d) lists) and f(x_0)..f(x_T) of torch.optim.<cls>."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([x], lr=lrs[0], foreach=foreach, **kw)
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
    for prob, steps in (("quad", QUAD_STEPS), ("sin_squared", SIN_STEPS)):
        p = PROBLEMS[prob]
        for label, cls, kw, lr in SETTINGS:
            name_opt, conv, hp = ours(cls, kw)
            for suffix, lrs in (("", constant(lr, steps)), ("_sched", schedule(lr, steps))):
                name = f"{prob}/{label}{suffix}"
                xs, fs = torch_trajectory(p["fn"], p["x0"], cls, kw, lrs)
                # the foreach (multi-tensor) kernel orders some operations differently; record how close
                xs_fe, _ = torch_trajectory(p["fn"], p["x0"], cls, kw, lrs, foreach=True)
                foreach_diff = float((xs - xs_fe).abs().max())
                cases.append({
                    "name": name,
                    "problem": prob,
                    "torch_optimizer": cls,
                    "torch_kwargs": {**TORCH_DEFAULTS[cls], **kw},
                    "optimizer": name_opt,
                    "convention": conv,
                    "hp": {"lr": lr if suffix == "" else None, **hp},  # lr None: lr_per_step is a schedule
                    "lr_per_step": lrs,
                    "steps": steps,
                    "x": xs.tolist(),  # (steps + 1, R, d): x_0 .. x_T
                    "f": fs.tolist(),  # (steps + 1, R)
                    "foreach_max_abs_diff": foreach_diff,
                })
                print(f"{name:44s} x_T[0,0]={xs[-1, 0, 0].item(): .12g}  "
                      f"foreach vs single-tensor: {foreach_diff:.1e}")

    data = {
        "description": "float64 trajectories of torch.optim.Adam (plain, amsgrad, coupled weight decay), "
                       "AdamW and RMSprop (plain, centered, momentum), golden data for "
                       "tests/test_adaptive_optimizers.py",
        "command": "python tests/golden/record_torch_adaptive.py",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "gradient": "torch autograd of the problem formula (rows independent)",
        "kernel": "single-tensor (foreach=False, torch's CPU default)",
        "schedule_convention": "param_group['lr'] = lr_per_step[t] before torch's t-th step, t = 0..steps-1",
        "names": "torch betas = (beta1, beta2), eps = xi, RMSprop alpha = beta2; "
                 "Adam(weight_decay) = adam_l2, AdamW = adamw(decay='lr')",
        "problems": {k: {kk: vv for kk, vv in v.items() if kk != "fn"} for k, v in PROBLEMS.items()},
        "cases": cases,
    }
    # readable header, one compact line per case (keeps diffs per case)
    head = json.dumps({**data, "cases": "@CASES@"}, indent=1)
    body = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text(head.replace('"@CASES@"', "[\n" + body + "\n ]") + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes) with torch {torch.__version__}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
