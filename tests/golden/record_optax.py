"""Record float64 trajectories of optax's adaptive and sign optimizers, where optax's conventions
differ from torch's, as golden data for tests/test_adaptive_optimizers.py.

Run by hand, from the repository root, on a machine with optax and jax installed (CI has neither
and never runs this file; it only reads the JSON it writes):

    pip install optax jax              # recorded with optax 0.2.8, jax 0.10.2 (CPU, x64 enabled)
    python tests/golden/record_optax.py

It writes tests/golden/optax_adaptive.json in the layout of torch_adaptive.json: the problems of
record_torch.py (f re-written in jax.numpy, gradients by jax.grad), and for every case the optax
alias and its arguments, the optimizer and hyperparameters in our names, the per-step lr list and
the iterates x_0 .. x_T with f(x_0) .. f(x_T).

What differs from torch, and the switch of ours that reproduces it:

    optax.rmsprop            eps inside the sqrt by default: g / sqrt(v + eps)   rmsprop(xi_inside=True)
                             (decay 0.9 by default; torch's alpha is 0.99)
    optax.rmsprop(momentum)  lr inside the buffer: b = mu b + lr_t g / den,      rmsprop(momentum_form=
                             x -= b (its trace runs after scale_by_learning_rate)         "optax")
    optax.adam(eps_root)     m^ / (sqrt(v^ + eps_root) + eps)                    adam hp xi_root
    optax.amsgrad            max of the bias-corrected v^                        adam(amsgrad="optax")
    optax.adamw              x -= lr_t (p_t + wd x): torch AdamW's decay         adamw(decay="lr")
    optax.sign_sgd           x -= lr_t sign(g)                                   signgd()
    optax.signum(beta)       m = beta m + (1 - beta) g, x -= lr_t sign(m)        signum(), beta1 = beta

A schedule is the per-step list lr[0..T-1] handed to optax as learning_rate = lambda count:
lr[count] (optax's count starts at 0 at the first update), the index t of reference.run.
"""
from __future__ import annotations

import json
import math
import pathlib
import platform
import sys

import jax

jax.config.update("jax_enable_x64", True)  # before any array is made

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "optax_adaptive.json"
REPO = HERE.parent.parent


def f_quad(x):
    """f(x) = sum_i x_i^2 per row (record_torch.py's quad)."""
    return (x * x).sum(axis=1)


def f_sin_squared(x, a: float = 3.0):
    """f(x) = sum_i x_i^2 / 2 + a sin^2(x_i) per row (record_torch.py's sin_squared)."""
    return (0.5 * x * x + a * jnp.sin(x) ** 2).sum(axis=1)


def sin_squared_x0() -> list:
    """SinSquared(d=5, a=3).initial_points(3, seed=0), as record_torch.py derives it."""
    return (2.0 * (2.0 * np.random.default_rng(0).random((3, 5)) - 1.0)).tolist()


PROBLEMS = {
    "quad": {"formula": "f(x) = sum_i x_i^2  (grad f = 2x)", "objective": None, "params": {}, "d": 1,
             "x0": [[1.0]], "fn": f_quad},
    "sin_squared": {"formula": "f(x) = sum_i x_i^2/2 + a sin^2(x_i)", "objective": "SinSquared",
                    "params": {"d": 5, "a": 3.0}, "d": 5, "x0": sin_squared_x0(),
                    "x0_from": "SinSquared(d=5, a=3.0).initial_points(3, seed=0)", "fn": f_sin_squared},
}

QUAD_STEPS, SIN_STEPS = 30, 50


def constant(lr, steps):
    return [lr] * steps


def schedule(lr, steps):
    """lr / sqrt(t + 1), doubled from t = steps // 2 on (as record_torch_adaptive.py)."""
    return [lr / math.sqrt(t + 1.0) * (2.0 if t >= steps // 2 else 1.0) for t in range(steps)]


# (label, optax alias, its kwargs other than learning_rate, base lr, our optimizer, convention, hp)
SETTINGS = [
    ("rmsprop", "rmsprop", {}, 0.01,
     "rmsprop", {"xi_inside": True}, {"beta2": 0.9, "xi": 1e-8, "momentum": 0.0}),
    ("rmsprop_eps1e-2", "rmsprop", {"decay": 0.99, "eps": 1e-2}, 0.01,
     "rmsprop", {"xi_inside": True}, {"beta2": 0.99, "xi": 1e-2, "momentum": 0.0}),
    ("rmsprop_centered_eps1e-2", "rmsprop", {"centered": True, "eps": 1e-2}, 0.01,
     "rmsprop", {"xi_inside": True, "centered": True}, {"beta2": 0.9, "xi": 1e-2, "momentum": 0.0}),
    ("rmsprop_momentum", "rmsprop", {"momentum": 0.9}, 0.01,
     "rmsprop", {"xi_inside": True, "momentum_form": "optax"}, {"beta2": 0.9, "xi": 1e-8, "momentum": 0.9}),
    ("rmsprop_centered_momentum_outside", "rmsprop",
     {"centered": True, "momentum": 0.9, "eps_in_sqrt": False, "eps": 1e-3}, 0.01,
     "rmsprop", {"centered": True, "momentum_form": "optax"}, {"beta2": 0.9, "xi": 1e-3, "momentum": 0.9}),
    ("adam_eps_root1e-4", "adam", {"eps_root": 1e-4}, 0.1,
     "adam", {}, {"beta1": 0.9, "beta2": 0.999, "xi": 1e-8, "xi_root": 1e-4}),
    ("adam_eps0_eps_root1e-6", "adam", {"b1": 0.8, "b2": 0.95, "eps": 0.0, "eps_root": 1e-6}, 0.1,
     "adam", {}, {"beta1": 0.8, "beta2": 0.95, "xi": 0.0, "xi_root": 1e-6}),
    ("amsgrad", "amsgrad", {"b2": 0.99}, 0.1,
     "adam", {"amsgrad": "optax"}, {"beta1": 0.9, "beta2": 0.99, "xi": 1e-8, "xi_root": 0.0}),
    ("adamw", "adamw", {"weight_decay": 0.3, "eps": 1e-3}, 0.1,
     "adamw", {"decay": "lr"},
     {"beta1": 0.9, "beta2": 0.999, "xi": 1e-3, "xi_root": 0.0, "weight_decay": 0.3}),
    ("sign_sgd", "sign_sgd", {}, 0.05, "signgd", {}, {}),
    ("signum", "signum", {"beta": 0.8}, 0.05, "signum", {}, {"beta1": 0.8}),
]


def optax_trajectory(fn, x0, alias, kw, lrs):
    """Iterates x_0..x_T and f(x_0)..f(x_T) of optax.<alias>, lr as a per-step list."""
    table = jnp.asarray(lrs)
    lr = lrs[0] if len(set(lrs)) == 1 else (lambda count: table[count])
    opt = getattr(optax, alias)(learning_rate=lr, **kw)
    x = jnp.asarray(x0, dtype=jnp.float64)
    state = opt.init(x)
    grad = jax.grad(lambda y: fn(y).sum())  # rows are independent: d(sum_r f(x_r))/dx_r = grad f(x_r)
    xs, fs = [x], [fn(x)]
    for _ in lrs:
        updates, state = opt.update(grad(x), state, x)
        x = optax.apply_updates(x, updates)
        xs.append(x)
        fs.append(fn(x))
    return np.asarray(jnp.stack(xs)), np.asarray(jnp.stack(fs))


def main():
    cases = []
    for prob, steps in (("quad", QUAD_STEPS), ("sin_squared", SIN_STEPS)):
        p = PROBLEMS[prob]
        for label, alias, kw, lr, name_opt, conv, hp in SETTINGS:
            for suffix, lrs in (("", constant(lr, steps)), ("_sched", schedule(lr, steps))):
                name = f"{prob}/{label}{suffix}"
                xs, fs = optax_trajectory(p["fn"], p["x0"], alias, kw, lrs)
                assert xs.dtype == np.float64
                cases.append({
                    "name": name,
                    "problem": prob,
                    "optax_alias": alias,
                    "optax_kwargs": kw,
                    "optimizer": name_opt,
                    "convention": conv,
                    "hp": {"lr": lr if suffix == "" else None, **hp},  # lr None: lr_per_step is a schedule
                    "lr_per_step": lrs,
                    "steps": steps,
                    "x": xs.tolist(),  # (steps + 1, R, d): x_0 .. x_T
                    "f": fs.tolist(),  # (steps + 1, R)
                })
                print(f"{name:48s} x_T[0,0]={xs[-1, 0, 0]: .12g}")

    data = {
        "description": "float64 trajectories of optax rmsprop (eps inside the sqrt; momentum with lr in "
                       "the buffer), adam with eps_root, amsgrad, adamw, sign_sgd and signum, golden data "
                       "for tests/test_adaptive_optimizers.py",
        "command": "python tests/golden/record_optax.py",
        "optax_version": optax.__version__,
        "jax_version": jax.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "dtype": "float64 (jax_enable_x64)",
        "gradient": "jax.grad of the problem formula (rows independent)",
        "schedule_convention": "learning_rate = lambda count: lr_per_step[count], count = 0..steps-1",
        "problems": {k: {kk: vv for kk, vv in v.items() if kk != "fn"} for k, v in PROBLEMS.items()},
        "cases": cases,
    }
    head = json.dumps({**data, "cases": "@CASES@"}, indent=1)
    body = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    OUT.write_text(head.replace('"@CASES@"', "[\n" + body + "\n ]") + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes) with optax {optax.__version__}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
