"""Numeric checks of property theorems (invariances and limits), next to their certified chains.

adamw.scale_free: AdamW, AdamProx and Adam run with xi = 0 on an oracle multiplied coordinate-wise
by c > 0 must reproduce the unscaled iterates (exactly, for powers of two); Adam-L2 must not.

l0l1.descent: the gradient-difference and quadratic-model inequalities within radius c/L1, on random
pairs of points of every registered (L0,L1)-smooth objective.

adam.signgd_limit: Adam with xi = 0 on f = (x1^2 + 10 x2^2)/2 from (1, 1), read at t = k lr, is
compared with the signGD flow x(t) = (1 - t, 1 - t) (t < 1) for a ladder of lr; the error must
shrink, and its fitted order in lr is reported.
"""
from __future__ import annotations

import numpy as np

from convcheck.reference import objectives, optimizers, run
from convcheck.reference.oracles import Oracle

from .nonsmooth_checks import CHECKS as NONSMOOTH_CHECKS
from .orders import slope


class Scaled(Oracle):
    """g = c * grad f(x), c a fixed positive vector: the rescaled oracle of the scale-freeness definition."""

    name = "scaled"
    stochastic = False

    def __init__(self, c):
        self.c = np.asarray(c, float)

    def __call__(self, objective, X, grad, rng, t):
        return self.c * grad

    def describe(self):
        return f"scaled(c in [{self.c.min():.3g}, {self.c.max():.3g}])"


def _max_gap(opt, obj, x0, hp, c, steps):
    """max_{1<=t<=steps} ||x_t(c g) - x_t(g)||_inf over every iterate (checkpoints, not only records):
    the same runner run twice, on the exact oracle and on ``Scaled(c)``."""
    if steps == 0:
        return 0.0
    every = range(1, steps + 1)
    a = run(opt, obj, x0, steps, hp=hp, record=[0], checkpoints=every).iterates
    b = run(opt, obj, x0, steps, hp=hp, oracle=Scaled(c), record=[0], checkpoints=every).iterates
    return float(np.max(np.abs(a - b)))


def scale_free(steps: int = 300, seed: int = 0):
    """Parts: (name, verdict, detail, number) for each optimizer and scale family."""
    from .checker import Part

    obj = objectives.get("logcosh_sin", d=8, kappa=100.0, seed=seed)
    x0 = obj.initial_points(4, seed=seed)
    rng = np.random.default_rng(seed)
    scales = {"powers of 2": 2.0 ** rng.integers(-10, 11, obj.d), "random in [1e-3, 1e3]": 10 ** rng.uniform(-3, 3, obj.d)}
    hp = {"lr": 0.05, "xi": 0.0, "weight_decay": 0.1}
    parts = []
    for name, opt, expect in (("adamw", optimizers.get("adamw", decay="schedule"), True),
                              ("adamprox", optimizers.get("adamprox"), True),
                              ("adam", optimizers.get("adam"), True),
                              ("adam_l2", optimizers.get("adam_l2"), False)):
        h = {k: v for k, v in hp.items() if k in opt.defaults}
        for label, c in scales.items():
            gap = _max_gap(opt, obj, x0, h, c, steps)
            exact_expected = label == "powers of 2"
            if expect:
                ok = gap == 0.0 if exact_expected else gap <= 1e-12
                detail = f"max |x_t(c g) - x_t(g)| = {gap:.3g} over {steps} steps (c: {label})"
            else:
                ok = gap > 1e-6
                detail = f"not scale-free as it should not be: max gap {gap:.3g} (c: {label})"
            parts.append(Part(f"{name}, c {label}", "holds" if ok else "violated", detail))
    gap_xi = _max_gap(optimizers.get("adamw", decay="schedule"), obj, x0, {**hp, "xi": 1e-8}, scales["random in [1e-3, 1e3]"], steps)
    parts.append(Part("adamw with xi = 1e-8", "holds" if gap_xi > 0 else "inconclusive",
                      f"xi > 0 breaks exactness (the theorem needs xi = 0): max gap {gap_xi:.3g}"))
    return parts


def signgd_limit(t_end: float = 0.5, lrs=(1e-3, 3e-4, 1e-4, 3e-5), beta1: float = 0.9, beta2: float = 0.99):
    from .checker import Part

    obj = objectives.get("quadratic", eigs=[1.0, 10.0], b=[0.0, 0.0])
    x0 = np.ones((1, 2))
    opt = optimizers.get("adam")
    hp = {"beta1": beta1, "beta2": beta2, "xi": 0.0}
    g0 = obj.grad(x0)
    full = opt.hyperparameters({**hp, "lr": 0.1})
    first = opt.step(opt.init(x0, full), g0, full, 0)["x"]
    parts = [Part("first step", "holds" if np.array_equal(first, x0 - 0.1 * np.sign(g0)) else "violated",
                  f"x_1 = {first.ravel().tolist()} = x_0 - lr sign(g_0) exactly (lr = 0.1)")]
    errors = []
    for lr in lrs:
        k = int(round(t_end / lr))
        tr = run(opt, obj, x0, k, hp={**hp, "lr": lr}, record=[k])
        errors.append(float(np.max(np.abs(tr.x_final - (1.0 - k * lr)))))
    p = slope(lrs, errors)
    shrinking = all(b < a for a, b in zip(errors, errors[1:]))
    parts.append(Part("limit", "holds" if shrinking and p > 0.5 else "violated",
                      f"||x_(t/lr) - x_flow(t)||_inf at t = {t_end} for lr = {list(lrs)}: "
                      f"{', '.join(f'{e:.3g}' for e in errors)}; fitted order in lr: {p:.2f} "
                      f"(beta1 = {beta1}, beta2 = {beta2})", tightness=None,
                      worst={"lrs": list(lrs), "errors": errors, "order": p}))
    return parts


def l0l1_descent(c_values=(0.5, 1.0, 2.0), pairs: int = 2000, seed: int = 0):
    """Both inequalities of l0l1.descent on every registered (L0,L1)-smooth objective (default instance),
    at random x and y = x + r u with r up to c/L1, and how close the worst pair comes to each bound."""
    import math

    from .checker import Part

    rng = np.random.default_rng(seed)
    parts = []
    for name in objectives.NAMES:
        obj = objectives.get(name)
        if "(L0,L1)" not in obj.function_class:
            continue
        L0, L1 = obj.constants["L0"], obj.constants["L1"]
        x = obj.initial_points(pairs, seed=seed)
        u = rng.standard_normal(x.shape)
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        for c in c_values:
            r = (c / L1) * rng.random((pairs, 1))
            y = x + r * u
            gx, gy = obj.grad(x), obj.grad(y)
            local = L0 + L1 * np.linalg.norm(gx, axis=1)
            r1 = r[:, 0]
            grad_bound = local * np.expm1(L1 * r1) / L1
            quad_bound = local * (np.expm1(L1 * r1) - L1 * r1) / L1 ** 2
            grad_gap = np.linalg.norm(gy - gx, axis=1)
            quad_gap = obj.value(y) - obj.value(x) - np.einsum("ij,ij->i", gx, y - x)
            tol = 1e-9 * (1 + np.abs(obj.value(x)) + np.abs(obj.value(y)))
            bad = (grad_gap > grad_bound * (1 + 1e-10) + 1e-12) | (quad_gap > quad_bound + tol)
            A = math.expm1(c) / c
            first_order = np.linalg.norm(gy - gx, axis=1) <= A * local * r1 * (1 + 1e-10) + 1e-12
            tight = float(np.max(grad_gap / grad_bound))
            verdict = "violated" if bad.any() or not first_order.all() else "holds"
            parts.append(Part(f"{name}, c = {c:g}", verdict,
                              f"{pairs} pairs with ||y - x|| <= c/L1 (L0 = {L0:g}, L1 = {L1:g}): both inequalities and "
                              f"the A(c) form held; worst gradient difference / bound = {tight:.3g}"
                              if verdict == "holds" else
                              f"{int(bad.sum())} of {pairs} pairs break an inequality", tightness=tight))
    return parts


def gd_l0l1_lower(eps: float = 1e-3, fractions=(0.25, 0.5, 0.9, 0.99, 1.01)):
    """GD at fixed steps lr = fraction x h_max from each witness objective's start (card section 10):
    no run may reach ||grad f|| <= eps before K_LB steps; clipped GD at Zhang et al.'s parameters is run
    for contrast."""
    import math

    from .checker import Part

    parts = []
    for name, R in (("cosh", 10.0), ("quartic", 30.0), ("mexican_hat", 30.0)):
        obj = objectives.get(name, witness=1)
        hm, K = obj.h_max(R), obj.K_LB(eps, R)
        steps = int(math.ceil(K))
        x0 = np.repeat(obj.witness_start(R), len(fractions), axis=0)
        lrs = hm * np.asarray(fractions)[:, None]
        tr = run(optimizers.get("gd"), obj, x0, steps, hp={"lr": lrs}, thresholds=[eps ** 2], record=[0, steps])
        hits = tr.hitting_times[eps ** 2]
        early = (hits >= 0) & (hits < K)
        L0, L1 = obj.constants["L0"], obj.constants["L1"]
        eta = 1 / (10 * L0)
        clip = min(1 / eta, 1 / (10 * L1 * eta))
        tc = run(optimizers.get("clipped_gd"), obj, obj.witness_start(R), steps, hp={"lr": eta, "clip": clip},
                 thresholds=[eps ** 2], record=[0, steps])
        k_clip = int(tc.hitting_times[eps ** 2][0])
        parts.append(Part(f"{name}, R = {R:g}", "violated" if early.any() else "holds",
                          f"K_LB = {K:.6g} (h_max = {hm:.6g}); GD at {list(fractions)} x h_max reached eps at "
                          f"{[int(h) if h >= 0 else None for h in hits]} (None: not within K_LB); clipped GD "
                          f"(Theorem 3) at step {k_clip if k_clip >= 0 else 'not within K_LB'}",
                          worst={"K_LB": K, "h_max": hm, "gd_hits": hits.tolist(), "clipped_gd_hit": k_clip}))
    return parts


CHECKS = {"adamw.scale_free": scale_free, "adam.signgd_limit": signgd_limit, "l0l1.descent": l0l1_descent,
          "gd.l0l1.lower": gd_l0l1_lower, **NONSMOOTH_CHECKS}
