"""Checking the command line's values before any work starts (standard library only: `--help` stays fast).

Every refusal is a BadInput whose message names the flag; the CLI prints it as one line and exits 2.
Resource caps are estimates made before anything is allocated, so a typo such as `--runs 1000000000`
is refused in milliseconds instead of ending in a MemoryError or a stall.
"""
from __future__ import annotations

import math
import sys

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130  # 1: a failed certificate or a violated guarantee

# element-steps (runs x d x steps, summed over the runs of a command): ~1e10 is minutes of NumPy work
MAX_WORK = 10 ** 10
# bytes of per-run state: runs x d x 8 bytes x STATE_ARRAYS (iterate, gradient, moments, noise, records)
MAX_STATE_BYTES = 2 * 1024 ** 3
STATE_ARRAYS = 8
MAX_OBJECTIVE_ELEMENTS = 10 ** 7  # product of an objective's integer sizes (d, n, m): ~80 MB of float64
MAX_SWEEP_POINTS = 10 ** 7  # `bound --sweep` grid points: compiled float64 arrays, ~1 GB at the cap
MAX_SAMPLES = 10 ** 6  # `mutate --samples`: points per obligation


class BadInput(Exception):
    """A value the command cannot honour; the message names the flag and the value."""


# ---------------------------------------------------------------------------------------------
# argparse types (their ValueError/ArgumentTypeError becomes argparse's one-line refusal naming the flag)


def finite_float(text: str) -> float:
    v = float(text)  # ValueError: "invalid finite_float value"
    if not math.isfinite(v):
        raise ValueError(text)
    return v


def positive_float(text: str) -> float:
    v = finite_float(text)
    if v <= 0:
        raise ValueError(text)
    return v


def nonneg_float(text: str) -> float:
    v = finite_float(text)
    if v < 0:
        raise ValueError(text)
    return v


def positive_int(text: str) -> int:
    v = int(text)
    if v < 1:
        raise ValueError(text)
    return v


def nonneg_int(text: str) -> int:
    v = int(text)
    if v < 0:
        raise ValueError(text)
    return v


def seed_int(text: str) -> int:
    v = int(text)
    if not 0 <= v < 2 ** 63:  # NumPy's generators take non-negative seeds
        raise ValueError(text)
    return v


def probability(text: str) -> float:
    v = finite_float(text)
    if not 0 < v < 1:
        raise ValueError(text)
    return v


def nonempty(text: str) -> str:
    if not text.strip():
        raise ValueError(text)
    return text.strip()


for _f, _name in ((finite_float, "finite number"), (positive_float, "positive number"),
                  (nonneg_float, "number >= 0"), (positive_int, "positive integer"), (nonneg_int, "integer >= 0"),
                  (seed_int, "integer seed >= 0"), (probability, "number in (0, 1)"), (nonempty, "non-empty")):
    _f.__name__ = _name  # argparse names the type in its message: "invalid positive integer value: '0'"


# ---------------------------------------------------------------------------------------------
# NAME=VALUE lists


def parse_sets(items, flag: str = "--set") -> dict[str, str]:
    """['L=2', 'Delta=10'] -> {'L': '2', 'Delta': '10'} (values kept as text for exact parsing)."""
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise BadInput(f"malformed {flag} {item!r}: expected NAME=VALUE, e.g. {flag} L=2")
        if name in out:
            raise BadInput(f"{flag} {name} given twice ({out[name]} and {value})")
        out[name] = value
    return out


def as_float(name: str, text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise BadInput(f"{name} must be a number; got {text!r}") from None
    if not math.isfinite(v):
        raise BadInput(f"{name} must be finite; got {text!r}")
    return v


def as_param(name: str, text: str, flag: str = "--param"):
    """An objective parameter: an int when written as one, else a finite float."""
    t = text.strip()
    if t.lstrip("+-").isdigit():
        return int(t)
    return as_float(f"{flag} {name}", t)


def unused(args, owner: str, *flags: str) -> None:
    """Refuse flags that were given but have no effect here (argparse defaults are None)."""
    for flag in flags:
        if getattr(args, flag.lstrip("-").replace("-", "_"), None) not in (None, False, []):
            raise BadInput(f"{flag} has no effect {owner}")


# ---------------------------------------------------------------------------------------------
# resource caps


def check_objective_size(params: dict) -> None:
    """The integer sizes of an objective (d, n, m, ...) before it is built."""
    sizes = {k: v for k, v in params.items() if isinstance(v, int)}
    for k, v in sizes.items():
        if v < 1:
            raise BadInput(f"--param {k}={v}: sizes must be positive integers")
    total = math.prod(sizes.values()) if sizes else 1
    if total > MAX_OBJECTIVE_ELEMENTS:
        worst = max(sizes, key=sizes.get)
        raise BadInput(f"--param {worst}={sizes[worst]}: an objective of {total:.3g} elements exceeds the cap of "
                       f"{MAX_OBJECTIVE_ELEMENTS:.0e}")


def check_budget(runs: int, d: int, steps: int, runs_flag: str = "--runs", copies: int = 1,
                 d_flag: str = "--param d", defaults: dict | None = None) -> None:
    """Memory (runs x d) and work (runs x d x steps x copies) against the caps, before anything runs.

    The refusal names the flag furthest above its default (``defaults``: flag -> default value).
    """
    values = {runs_flag: runs, d_flag: d, "--steps": steps}
    defaults = defaults or {}

    def culprit(among):
        return max(among, key=lambda f: values[f] / max(defaults.get(f, 1), 1))

    state = runs * d * 8 * STATE_ARRAYS * copies
    if state > MAX_STATE_BYTES:
        flag = culprit([runs_flag, d_flag])
        raise BadInput(f"{flag} {values[flag]}: {runs} runs x d={d} need ~{state / 1e9:.3g} GB of state, over the "
                       f"cap of {MAX_STATE_BYTES / 1e9:.3g} GB; lower {flag}")
    work = runs * d * steps * copies
    if work > MAX_WORK:
        flag = culprit([runs_flag, d_flag, "--steps"])
        raise BadInput(f"{flag} {values[flag]}: {runs} runs x d={d} x {steps} steps"
                       + (f" x {copies}" if copies > 1 else "")
                       + f" = {work:.3g} element-steps, over the cap of {MAX_WORK:.0e} (minutes of work); "
                         f"lower {flag}")


# ---------------------------------------------------------------------------------------------


def progress_enabled() -> bool:
    """Progress bars go to stderr, and only to a terminal (never into a log or a pipe)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced stderr
        return False
