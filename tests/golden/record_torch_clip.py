"""Record float64 trajectories of torch.nn.utils.clip_grad_norm_ + torch.optim.SGD as golden data for
tests/test_clipping_optimizers.py.

Run by hand, from the repository root, on a machine with torch installed (CI has no torch and
never runs this file; it only reads the JSON it writes):

    pip install torch==2.13.0          # CPU wheel
    python tests/golden/record_torch_clip.py

It writes tests/golden/torch_clip.json (floats as Python repr, so they round-trip exactly), in the
format of record_torch_adaptive.py: the torch version, the problems (record_torch.py's, imported
from it) and, for every case, the optimizer and hyperparameters in our names
(reference.optimizers.get("clipped_gd", form="hard", denominator="torch") with hp lr and clip), the
per-step lr list, the iterates x_0 .. x_T, f(x_0) .. f(x_T), and per step and run whether
clipping was active (torch's clip coefficient max_norm / (||g|| + 1e-6) below 1).

Each torch step is

    g = autograd of f at x;  torch.nn.utils.clip_grad_norm_([x], max_norm=clip)
        (g *= min(clip / (||g|| + 1e-6), 1));  torch.optim.SGD(lr).step()  (x -= lr g)

i.e. our clipped_gd(form="hard", denominator="torch") with lr = eta_c and clip = gamma (ZHSJ's
gradient-norm threshold). clip_grad_norm_ takes the norm over every tensor it is given, so each run
(row) is its own parameter tensor with its own optimizer and its own clip_grad_norm_ call: our runs
are clipped one by one, never jointly.

A step-size schedule is a list lr[0..T-1]; torch gets it by setting param_group["lr"] = lr[t]
before its t-th step, which is what reference.run does with a Schedule evaluated at t.
"""
from __future__ import annotations

import json
import math
import pathlib
import platform
import sys

import numpy as np
import torch
from record_torch import (
    PROBLEMS,  # the same problems and x0 (this script's folder is on sys.path)
)

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "torch_clip.json"
REPO = HERE.parent.parent

QUAD_STEPS, SIN_STEPS = 30, 50


def constant(lr, steps):
    return [lr] * steps


def schedule(lr, steps):
    """lr / sqrt(t + 1), doubled from t = steps // 2 on: changes at every step, with a jump."""
    return [lr / math.sqrt(t + 1.0) * (2.0 if t >= steps // 2 else 1.0) for t in range(steps)]


# (label, clip, base lr, scheduled). quad: ||g_0|| = 2; sin_squared: ||g_0|| per run ~ 3.5 to 8.
# clip 1 / 2: active for the first steps, then inactive; 0.25 / 0.5: active nearly throughout;
# 100: never active (plain SGD).
SETTINGS = {
    "quad": [("clip1", 1.0, 0.1, False), ("clip1_sched", 1.0, 0.1, True), ("clip0.25", 0.25, 0.1, False),
             ("clip100", 100.0, 0.1, False)],
    "sin_squared": [("clip2", 2.0, 0.1, False), ("clip2_sched", 2.0, 0.1, True),
                    ("clip0.5", 0.5, 0.1, False), ("clip100", 100.0, 0.1, False)],
}


def torch_trajectory(fn, x0, clip, lrs, foreach=False):
    """Iterates x_0..x_T (steps + 1, R, d), f(x_0)..f(x_T) (steps + 1, R) and the clip activity
    (steps, R) of clip_grad_norm_ + SGD, one parameter tensor (and clip call) per run."""
    rows = [torch.tensor(r, dtype=torch.float64, requires_grad=True) for r in x0]
    opts = [torch.optim.SGD([x], lr=lrs[0], foreach=foreach) for x in rows]
    xs, fs, active = [torch.stack([x.detach().clone() for x in rows])], [], []
    for lr in lrs:
        f_t, act_t = [], []
        for x, opt in zip(rows, opts):
            opt.param_groups[0]["lr"] = lr
            opt.zero_grad()
            fx = fn(x[None, :])[0]
            f_t.append(fx.detach().clone())
            fx.backward()
            total = torch.nn.utils.clip_grad_norm_([x], max_norm=clip, foreach=foreach)
            act_t.append(bool(clip / (total.item() + 1e-6) < 1.0))
            opt.step()
        fs.append(torch.stack(f_t))
        active.append(act_t)
        xs.append(torch.stack([x.detach().clone() for x in rows]))
    with torch.no_grad():
        fs.append(torch.stack([fn(x[None, :])[0] for x in rows]))
    return torch.stack(xs), torch.stack(fs), active


def main():
    torch.set_default_dtype(torch.float64)
    cases = []
    for prob, steps in (("quad", QUAD_STEPS), ("sin_squared", SIN_STEPS)):
        p = PROBLEMS[prob]
        for label, clip, lr, scheduled in SETTINGS[prob]:
            lrs = schedule(lr, steps) if scheduled else constant(lr, steps)
            name = f"{prob}/{label}"
            xs, fs, active = torch_trajectory(p["fn"], p["x0"], clip, lrs)
            xs_fe, _, _ = torch_trajectory(p["fn"], p["x0"], clip, lrs, foreach=True)
            foreach_diff = float((xs - xs_fe).abs().max())
            n_active = sum(map(sum, active))
            cases.append({
                "name": name,
                "problem": prob,
                "torch": "torch.nn.utils.clip_grad_norm_([x_r], max_norm=clip) then torch.optim.SGD([x_r], lr)",
                "optimizer": "clipped_gd",
                "convention": {"form": "hard", "denominator": "torch"},
                "hp": {"lr": None if scheduled else lr, "clip": clip},  # lr None: lr_per_step is a schedule
                "lr_per_step": lrs,
                "steps": steps,
                "x": xs.tolist(),  # (steps + 1, R, d): x_0 .. x_T
                "f": fs.tolist(),  # (steps + 1, R)
                "clip_active": active,  # (steps, R): clip / (||g_t|| + 1e-6) < 1
                "foreach_max_abs_diff": foreach_diff,
            })
            print(f"{name:28s} x_T[0,0]={xs[-1, 0, 0].item(): .12g}  clipped steps {n_active}/"
                  f"{steps * len(active[0])}  foreach vs single-tensor: {foreach_diff:.1e}")

    data = {
        "description": "float64 trajectories of torch.nn.utils.clip_grad_norm_ followed by torch.optim.SGD "
                       "(no momentum), each run its own parameter tensor; golden data for "
                       "tests/test_clipping_optimizers.py",
        "command": "python tests/golden/record_torch_clip.py",
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64",
        "gradient": "torch autograd of the problem formula, one row at a time",
        "kernel": "single-tensor (foreach=False) for clip_grad_norm_ and SGD",
        "schedule_convention": "param_group['lr'] = lr_per_step[t] before torch's t-th step, t = 0..steps-1",
        "names": "max_norm = clip (gradient-norm threshold gamma), lr = lr (eta_c): "
                 "clipped_gd(form='hard', denominator='torch')",
        "problems": {k: {kk: vv for kk, vv in v.items() if kk != "fn"} for k, v in PROBLEMS.items()},
        "cases": cases,
    }
    head = json.dumps({**data, "cases": "@CASES@"}, indent=1)
    body = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text(head.replace('"@CASES@"', "[\n" + body + "\n ]") + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes) with torch {torch.__version__}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
