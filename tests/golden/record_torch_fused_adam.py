"""Record torch's fused CPU Adam (torch.optim.Adam / AdamW(fused=True), float64) as golden data for
tests/test_kernels.py, which holds the numba Adam kernel (reference/kernels/fused.py) to it bit for bit.

Run by hand, from the repository root, with a torch >= 2.4 (fused=True on CPU); CI has no torch and only reads
the JSON this writes:

    PYTHONPATH=$PWD /work/venv-extras/bin/python tests/golden/record_torch_fused_adam.py

Cases: R x d = 23 x 85 coordinates (1955: not a multiple of the vector width, so torch's scalar tail loop is
recorded too), 10 steps, one torch thread. "noise" cases feed both sides the same gradient arrays
(golden_support.fused_adam_inputs: magnitudes 1e-4..1e4, exact zeros); "quad" cases take g = 2 x (exact in
both), to be replayed through reference.run. Each step's x, m, v (and vmax) are recorded as SHA-256 digests of
their bytes (golden_support.digest): matching digests mean all coordinates match, bit for bit, and the first
array that differs names the operation that does (m: the lerp, v: the second moment, x: the update). Also
recorded: how far torch's
single-tensor Adam (foreach=False, what the NumPy step follows) ends from the fused one, so the test can check
that the digests tell the two orders apart.
"""
from __future__ import annotations

import json
import pathlib
import platform
import sys

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: golden_support
from golden_support import digest, fused_adam_inputs  # noqa: E402

OUT = HERE / "torch_fused_adam.json"
SEED, R, D, STEPS = 20261207, 23, 85, 10

# (name, torch class, torch kwargs other than lr, our optimizer, convention, hp in our names, lr per step, gradient)
SCHEDULE = [0.1 / (t + 1.0) ** 0.5 for t in range(STEPS)]
CASES = [
    ("adam", "Adam", {}, "adam", {}, {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8}, [0.1] * STEPS, "noise"),
    ("adam_b0.3_0.95_eps1e-3", "Adam", {"betas": (0.3, 0.95), "eps": 1e-3}, "adam", {},
     {"beta1": 0.3, "beta2": 0.95, "xi": 1e-3}, [0.1] * STEPS, "noise"),  # 1 - beta1 >= 1/2: lerp's other branch
    ("adam_amsgrad_sched", "Adam", {"betas": (0.9, 0.99), "amsgrad": True}, "adam", {"amsgrad": True},
     {"beta1": 0.9, "beta2": 0.99, "xi": 1e-8}, SCHEDULE, "noise"),
    ("adam_l2", "Adam", {"weight_decay": 0.3}, "adam_l2", {}, {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8,
                                                                "weight_decay": 0.3}, [0.1] * STEPS, "noise"),
    ("adamw", "AdamW", {"weight_decay": 0.3}, "adamw", {"decay": "lr"},
     {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "weight_decay": 0.3}, [0.1] * STEPS, "noise"),
    ("adamw_amsgrad_b0.4", "AdamW", {"weight_decay": 0.1, "amsgrad": True, "betas": (0.4, 0.9)}, "adamw",
     {"decay": "lr", "amsgrad": True}, {"beta1": 0.4, "beta2": 0.9, "xi": 1e-8, "weight_decay": 0.1}, SCHEDULE,
     "noise"),
    ("adam_quad", "Adam", {}, "adam", {}, {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8}, [0.1] * STEPS, "quad"),
    ("adamw_quad", "AdamW", {"weight_decay": 0.3}, "adamw", {"decay": "lr"},
     {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "weight_decay": 0.3}, [0.1] * STEPS, "quad"),
]


def trajectory(cls, kw, lrs, gradient, fused):
    """Per step the digests of x, m, v (vmax), and the final x, of torch.optim.<cls> on one (R, D) parameter."""
    x0, gs = fused_adam_inputs(SEED, R, D, STEPS)
    p = torch.tensor(x0, dtype=torch.float64)
    opt = getattr(torch.optim, cls)([p], lr=lrs[0], **kw, **({"fused": True} if fused else {"foreach": False}))
    out = []
    for t, lr in enumerate(lrs):
        opt.param_groups[0]["lr"] = lr
        p.grad = torch.from_numpy(gs[t].copy()) if gradient == "noise" else 2.0 * p.detach()
        opt.step()
        st = opt.state[p]
        named = {"x": p.detach(), "m": st["exp_avg"], "v": st["exp_avg_sq"], "vmax": st.get("max_exp_avg_sq")}
        out.append({k: digest(a.numpy()) for k, a in named.items() if a is not None})
    return out, p.detach().numpy().copy()


def main():
    torch.set_num_threads(1)
    cases = []
    for name, cls, kw, opt, conv, hp, lrs, gradient in CASES:
        steps, x_final = trajectory(cls, kw, lrs, gradient, fused=True)
        _, x_single = trajectory(cls, kw, lrs, gradient, fused=False)
        diff = np.abs(x_final - x_single)
        cases.append({"name": name, "torch_optimizer": cls, "torch_kwargs": kw, "optimizer": opt, "convention": conv,
                      "hp": hp, "lr_per_step": lrs, "gradient": gradient, "digests": steps,
                      "single_tensor_coords_differing": int((diff > 0).sum()),
                      "single_tensor_max_abs_diff": float(diff.max())})
        print(f"{name:28s} single-tensor vs fused: {cases[-1]['single_tensor_coords_differing']} of {R * D} "
              f"coordinates differ, max {diff.max():.1e}")
    data = {
        "description": "torch.optim.Adam / AdamW(fused=True) on CPU, float64: per-step SHA-256 digests of x, m, v "
                       "(vmax) over all coordinates, golden data for tests/test_kernels.py",
        "command": "PYTHONPATH=$PWD /work/venv-extras/bin/python tests/golden/record_torch_fused_adam.py",
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "python_version": platform.python_version(), "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "seed": SEED, "R": R, "d": D, "steps": STEPS,
        "gradient": "noise: golden_support.fused_adam_inputs(seed, R, d, steps)[1][t]; quad: g = 2 x",
        "schedule_convention": "param_group['lr'] = lr_per_step[t] before torch's t-th step",
        "cases": cases,
    }
    head = json.dumps({**data, "cases": "@CASES@"}, indent=1)
    body = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text(head.replace('"@CASES@"', "[\n" + body + "\n ]") + "\n")
    print(f"wrote {OUT.name} ({OUT.stat().st_size} bytes) with torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
