"""Clipped GD / SGD, normalized GD and the clipping framework with momentum.

Sources: card shared/papers/clipping_zhang2019_2020.md, sections 2.2 (ZHSJ: clipped and normalized
GD) and 9.3 (ZJFW: the framework, from the authors' code). g_t is the oracle's answer at x_t and
||.|| the Euclidean norm of one run's row.

**clip is a gradient-norm threshold** (the glossary's and ZHSJ's gamma): the hard clipped step is

    h_t = min(lr, clip lr / ||g_t||) = lr min(1, clip / ||g_t||),    x_{t+1} = x_t - h_t g_t,

so one step moves at most clip * lr (ZHSJ's largest displacement gamma eta_c). ZJFW and their code
write the threshold as the largest displacement gamma_ZJFW = lr * clip (card section 12, item 4:
PTB's "lr 30, gamma 7.5" is ZHSJ's "lr 30, clip 0.25"). The code divides lr and gamma_ZJFW by 10
together at each milestone, which is a schedule on lr with clip constant here.

Factories and switches (recorded in ``Optimizer.convention``):

* ``clipped_gd(form="hard"|"soft", denominator="exact"|"torch")``; ``clipped_sgd`` is the same
  update (the oracle makes it stochastic, as sgd is gd).

    hard, exact:  h = lr min(1, clip / ||g||)                 ZHSJ's h_c = min(eta_c, gamma eta_c/||g||)
    hard, torch:  h = lr min(1, clip / (||g|| + 1e-6))        torch.nn.utils.clip_grad_norm_(max_norm=clip)
                                                              then torch.optim.SGD(lr) (no momentum)
    soft:         h = lr / (1 + ||g|| / clip)                 ZJFW's code, eta / (1 + eta ||g|| / gamma_ZJFW)

  The torch mapping: clip_grad_norm_ multiplies g by coef = min(max_norm / (total + 1e-6), 1) with
  total = ||g|| (per run: each run is its own parameter tensor), and SGD then takes
  x <- x - lr (coef g). So max_norm = clip and lr = eta_c: ZHSJ's hard form with ||g|| + 1e-6 in
  place of ||g||. The two differ only when clipping is active, by a relative 1e-6 / ||g||; a
  clipped torch step has length clip lr ||g|| / (||g|| + 1e-6) < clip lr. The soft form has no
  torch denominator (asking for one is an error).

* ``normalized_gd()``: h = lr / (||g|| + xi), ZHSJ's h_n = eta_n / (||g|| + beta). The shift is
  named xi, the glossary's "denominator shift added outside the square root" (||g|| = sqrt(||g||^2));
  the glossary's beta1/beta2 are EMA coefficients and do not fit. Card relation [D]: with
  clip lr_c = lr_n and lr_c = lr_n / xi, h_c = lr_n / max(xi, ||g||), so h_c / 2 <= h_n <= h_c.
  xi = 0 is plain normalized GD; a zero gradient with xi = 0 then takes no step (not 0/0 = NaN).

* ``clip_momentum(form="hard"|"soft", denominator="exact"|"torch")``: ZJFW's framework, with m
  an EMA started at m_{-1} = 0 as in the authors' code (so m_0 = (1 - beta1) g_0):

    m_{t+1} = beta1 m_t + (1 - beta1) g_t
    x_{t+1} = x_t - [nu h(m_{t+1}) m_{t+1} + (1 - nu) h(g_t) g_t]

  with h the clipped_gd step size of the same form and denominator (hard: min(lr, clip lr/||.||),
  ZJFW's min(eta, gamma/||.||); soft: lr / (1 + ||.||/clip) = eta / (1 + eta ||.||/gamma), the
  code's MixClip/MomClip form). nu = 0 is clipped GD (bit for bit: tested), nu = 1 momentum
  clipping (MomClip), beta1 = 0 also clipped GD. Defaults beta1 = 0.9, nu = 1 are MomClip's
  (MixClip uses beta1 = 0.999, nu = 0.7). The code's weight decay is not reproduced.

Cost: a step makes one row reduction per clipped direction (``row_dot``: ||g||^2 for all R runs
at once), i.e. one per run per step for clipped_gd and normalized_gd; clip_momentum needs ||m||
and ||g|| (two) unless nu is the scalar 0 or 1, which skips the unused direction. The step size is
an (R, 1) column; the update is one (R, d) multiply and one add. A step never writes into the state
or the gradient it is handed.
"""
from __future__ import annotations

import numpy as np

from ..backend import row_dot
from ..buffers import into
from .base import Optimizer
from .sgd import _descend_into

TORCH_CLIP_EPS = 1e-6  # torch.nn.utils.clip_grad_norm_: clip_coef = max_norm / (total_norm + 1e-6)
FORMS = ("hard", "soft")
DENOMINATORS = ("exact", "torch")


def _check_switches(factory: str, form: str, denominator: str) -> None:
    if form not in FORMS:
        raise ValueError(f"{factory} form must be 'hard' or 'soft'; got {form!r}")
    if denominator not in DENOMINATORS:
        raise ValueError(f"{factory} denominator must be 'exact' or 'torch'; got {denominator!r}")
    if form == "soft" and denominator == "torch":
        raise ValueError(f"{factory} denominator 'torch' (clip_grad_norm_'s ||g|| + 1e-6) belongs to the "
                         f"hard form; got form='soft', denominator='torch'")


def _norm_column(xp, a):
    """(R, 1) column of row norms: the one reduction of a clipped direction."""
    return xp.sqrt(row_dot(xp, a, a))[:, None]


def _step_size(xp, a, lr, clip, form: str, denominator: str, norm=None):
    """(R, 1) column h(a): hard lr min(1, clip / n), soft lr / (1 + n / clip), n = ||a|| (+ 1e-6);
    ``norm`` is n when the caller has it (the runner's ||grad f||: the same bits as _norm_column).

    min(1, clip / n) is formed as clip / max(n, clip): the same bits (clip / n where n > clip,
    exactly 1 otherwise), with no division by a zero norm. torch: min(clip / (n + 1e-6), 1)."""
    n = _norm_column(xp, a) if norm is None else norm + 0.0  # a copy (functions, not methods): worked on in place
    if form == "soft":
        n /= clip
        n += 1.0
        return lr / n
    if denominator == "torch":
        n += TORCH_CLIP_EPS
    coef = into(xp, xp.maximum, n, clip, out=n)
    coef = into(xp, xp.divide, clip, coef, out=coef)
    return lr * coef


def clipped_gd(form: str = "hard", denominator: str = "exact") -> Optimizer:
    """Clipped GD, x_{t+1} = x_t - h_t g_t with h_t = min(lr, clip lr / ||g_t||) (hard, default),
    lr min(1, clip / (||g_t|| + 1e-6)) (hard, torch's clip_grad_norm_ then SGD) or
    lr / (1 + ||g_t|| / clip) (soft). See the module doc."""
    _check_switches("clipped_gd", form, denominator)

    def init(x0, hp):
        return {"x": x0}

    def step_into(state, g, hp, t, ws, norm=None):
        h = _step_size(ws.xp, g, hp["lr"], hp["clip"], form, denominator, norm)
        if ws.fused and ws.fused.descend(ws.x, state["x"], g, h):  # gd's kernel with the (R, 1) step size
            return {"x": ws.x}
        return {"x": _descend_into(ws.xp, ws.x, state["x"], h, g)}

    return Optimizer.in_place("clipped_gd", init, step_into, {"lr": None, "clip": None},
                              {"form": form, "denominator": denominator}, takes_norm=True)


def clipped_sgd(form: str = "hard", denominator: str = "exact") -> Optimizer:
    """Alias of clipped_gd(): the oracle, not the update, makes it stochastic."""
    return clipped_gd(form, denominator).renamed("clipped_sgd")


def normalized_gd() -> Optimizer:
    """Normalized GD, x_{t+1} = x_t - lr g_t / (||g_t|| + xi) (ZHSJ's eta_n / (||g|| + beta))."""

    def init(x0, hp):
        return {"x": x0}

    def step_into(state, g, hp, t, ws, norm=None):
        xp = ws.xp
        den = _norm_column(xp, g) if norm is None else norm + 0.0  # a copy, worked on in place
        den += hp["xi"]
        den = xp.where(den > 0, den, 1.0)  # only where g = 0 and xi = 0: the step is then 0, not NaN
        if ws.fused and ws.fused.descend(ws.x, state["x"], g, hp["lr"] / den):
            return {"x": ws.x}
        return {"x": _descend_into(xp, ws.x, state["x"], hp["lr"] / den, g)}

    return Optimizer.in_place("normalized_gd", init, step_into, {"lr": None, "xi": None}, takes_norm=True)


def _is_scalar(v, value) -> bool:
    return np.isscalar(v) and v == value


def clip_momentum(form: str = "hard", denominator: str = "exact") -> Optimizer:
    """ZJFW's clipping framework: m = beta1 m + (1 - beta1) g (m_{-1} = 0),
    x <- x - [nu h(m) m + (1 - nu) h(g) g], h the clipped_gd step size of this form/denominator."""
    _check_switches("clip_momentum", form, denominator)

    def init(x0, hp):
        return {"x": x0, "m": x0 * 0.0}

    def step_into(state, g, hp, t, ws, norm=None):
        xp, out = ws.xp, ws.x
        lr, clip, nu, b1 = hp["lr"], hp["clip"], hp["nu"], hp["beta1"]
        m = state["m"]
        m *= b1  # beta1 m + (1 - beta1) g
        m += into(xp, xp.multiply, g, 1.0 - b1, out=out)
        if _is_scalar(nu, 0):  # clipped GD exactly: the momentum direction is not clipped nor used
            x = _descend_into(xp, out, state["x"], _step_size(xp, g, lr, clip, form, denominator, norm), g)
        elif _is_scalar(nu, 1):  # momentum clipping: the gradient direction is not used
            x = _descend_into(xp, out, state["x"], _step_size(xp, m, lr, clip, form, denominator), m)
        else:
            d = into(xp, xp.multiply, m, nu * _step_size(xp, m, lr, clip, form, denominator), out=out)
            d += into(xp, xp.multiply, g, (1.0 - nu) * _step_size(xp, g, lr, clip, form, denominator, norm),
                      out=ws.scratch(0))
            x = _descend_into(xp, d, state["x"], 1.0, d)
        return {"x": x, "m": m}

    return Optimizer.in_place("clip_momentum", init, step_into, {"lr": None, "clip": None, "beta1": 0.9, "nu": 1.0},
                     {"form": form, "denominator": denominator, "m_init": "zero"}, takes_norm=True)
