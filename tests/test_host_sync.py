"""No host synchronisation in the step loop (issue 15 item 5), with array_api_strict as the stand-in for a device.

A device value reaches the host only through a conversion: an array's __bool__ / __float__ / __int__ / __index__ /
__complex__ / __array__, or the backend's to_numpy / to_host. Each is counted while ``run`` goes 50 steps recording
x_0 and x_50, then 200 steps recording x_0 and x_200: the counts must be equal (conversions happen at recorded
steps and checkpoints, a number that does not grow with the steps), for every optimizer of the catalogue, with
scalar hyperparameters and with a schedule, per-run columns, a noisy oracle, checkpoints and hitting times.
"""
from __future__ import annotations

import collections

import numpy as np
import pytest

from convcheck.reference import backend, optimizers as opts, run
from convcheck.reference.objectives import SinSquared
from convcheck.reference.oracles import Gaussian
from convcheck.reference.schedules import Schedule

xps = pytest.importorskip("array_api_strict")

OBJ = SinSquared(5, 3.0)
R = 4
CONVERSIONS = ("__bool__", "__float__", "__int__", "__index__", "__complex__", "__array__")
SCHEDULE = Schedule("inverse_sqrt", lambda t: 0.01 / (t + 1.0) ** 0.5, {"lr0": 0.01})
COLUMN = np.linspace(0.3, 0.6, R)[:, None]


@pytest.fixture
def conversions(monkeypatch):
    """A Counter of host conversions, by kind, from here on."""
    seen = collections.Counter()
    array_type = type(xps.asarray(0.0))

    def counted(owner, name):
        original = getattr(owner, name)

        def conversion(*args, **kwargs):
            seen[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, conversion)

    for name in CONVERSIONS:
        if hasattr(array_type, name):
            counted(array_type, name)
    counted(backend.Backend, "to_numpy")
    counted(backend, "to_host")
    return seen


def _hp(name, varied: bool) -> dict:
    hp = {"lr": SCHEDULE if varied else 0.01}
    if "clip" in name:
        hp["clip"] = COLUMN if varied else 0.5
    if name == "normalized_gd":
        hp["xi"] = 0.01
    return hp


def _count(conversions, name, steps, varied, **kw) -> int:
    x0 = xps.asarray(OBJ.initial_points(R, seed=1))
    extra = {"oracle": Gaussian(0.5), "seed": 3, "checkpoints": [0, steps], "thresholds": [1e-3]} if varied else {}
    conversions.clear()
    run(opts.get(name), OBJ, x0, steps, _hp(name, varied), record=[0, steps], **extra, **kw)
    return sum(conversions.values())


@pytest.mark.parametrize("varied", [False, True], ids=["scalars", "schedule-columns-noise-checkpoints"])
@pytest.mark.parametrize("name", opts.NAMES)
def test_host_conversions_do_not_grow_with_the_steps(conversions, name, varied):
    short, long = _count(conversions, name, 50, varied), _count(conversions, name, 200, varied)
    assert short > 0 and short == long, (short, long)


def test_the_count_sees_a_conversion_placed_in_the_loop(conversions):
    """The counter is not blind: a monitor that reads f on the host every step makes the count grow with steps."""

    def reads_f(info):
        float(info["f"][0])

    short = _count(conversions, "adam", 50, False, monitors=[reads_f])
    long = _count(conversions, "adam", 200, False, monitors=[reads_f])
    assert long - short == 150
