"""Studies: empirical questions about optimizers, each run by one command, with plots, a JSON of
every number (settings, seeds, versions) and a table; the written conclusions are in
proofs_notes/studies/.

    convcheck study de2018        Adam (beta1 0.9 / 0.99) against tuned NAG on toy autoencoders:
                                  De, Mukherjee, Ullah's claims E1-E3
    convcheck study adam-regimes  Adam's late-phase regimes over a (beta1, beta2) grid (Ma, Wu, E)
    convcheck study clipping-gap  GD at its best safe fixed step vs clipped GD vs the clipping framework
                                  over the starting radius (clipping card section 10.2)
    convcheck study smoothness    local smoothness against gradient norm along GD, clipped GD and Adam
                                  (the scatter behind (L0,L1)-smoothness; clipping card section 8)
    convcheck study inna-toy      INNA on the paper's 2-D toy (Fig. 1): transverse / longitudinal oscillations
                                  against (alpha, beta) (INNA card section 1.8)
    convcheck study inna-relu     INNA vs SGD vs Adam on a tiny ReLU network: training loss and
                                  D-criticality dist(0, D J) under power step schedules (INNA card 1.4, 1.8)
    convcheck study scaling-rule  where the square-root scaling rule (Malladi et al.) holds and breaks against
                                  SGD's linear rule, kappa in {2, 4, 8}, over noise-to-gradient regimes
    convcheck study importance-sampling
                                  sampling schemes' variance reduction against uniform, and SGD and Adam under
                                  each (Lahire 2023, whose metric is NOT FOUND: ours is V_unif/V_p)
    convcheck study bayesian      BRMSprop and BAdam against RMSprop and Adam at their best lr on catalogue
                                  problems and the tiny ReLU net (Aitchison; the paper's MNIST numbers not claimed)
    convcheck study momentum      GD, heavy ball and NAG at momentum 0, 0.5, 0.9 on the smooth catalogue: runs,
                                  certified bounds and PEP worst cases against N

``run(name, out, quick=False, progress=..., backend="numpy")`` runs one and returns its result (also written
to ``out/<name>.json``); a study whose ``run`` takes ``backend`` runs its batches on that namespace, any
other is refused under a namespace but numpy (reference.backend.Unsupported); ``table`` renders it for
humans, ``summary`` keeps the headline numbers.
"""
from __future__ import annotations

import inspect
from pathlib import Path

from convcheck.reference.backend import Unsupported

from .common import jsonable, quiet
from . import (adam_regimes, bayesian, clipping_gap, de2018, importance_sampling, inna_relu, inna_toy, momentum,
               scaling_rule, smoothness_scatter)

STUDIES = {"de2018": de2018, "adam-regimes": adam_regimes, "clipping-gap": clipping_gap,
           "smoothness": smoothness_scatter, "inna-toy": inna_toy, "inna-relu": inna_relu, "scaling-rule": scaling_rule,
           "importance-sampling": importance_sampling, "bayesian": bayesian, "momentum": momentum}


def _module(name: str):
    try:
        return STUDIES[name]
    except KeyError:
        raise ValueError(f"unknown study {name!r}; known: {', '.join(STUDIES)}") from None


def run(name: str, out, quick: bool = False, progress=None, backend: str = "numpy") -> dict:
    study = _module(name)
    if "backend" in inspect.signature(study.run).parameters:
        return study.run(Path(out), quick=quick, progress=progress or quiet, backend=backend)
    if backend != "numpy":
        raise Unsupported(f"study {name} runs on numpy only (its batches are built and measured with host NumPy)")
    return study.run(Path(out), quick=quick, progress=progress or quiet)


def table(name: str, result: dict) -> str:
    return _module(name).table(result)


def summary(name: str, result: dict) -> dict:
    """The headline numbers (no curves, no per-run arrays), JSON-ready: each study keeps its own."""
    return jsonable(_module(name).summary(result))


__all__ = ["STUDIES", "run", "table", "summary"]
