"""Per-run random streams for oracles: common random numbers across settings.

By default ``run`` hands the oracle one Generator for the whole batch, seeded with ``seed``: run r's
noise then depends on R and on r's place in the batch. ``SeedStreams`` gives each run a stream of its
own, ``default_rng([stream, seed_r])``, so a run's draws depend on its seed only:

* runs with the same seed under different hyperparameters see the same noise and the same
  minibatches (common random numbers: differences between settings are not sampling noise);
* a run's numbers do not depend on what else is in its batch (batched = one run at a time).

It answers the Generator calls the oracles make (``integers``, ``standard_normal``, ``random``) with
a ``size`` whose first axis is the batch: at each call every distinct seed draws ``size[1:]`` from its
stream, in call order, and the runs sharing a seed share the draw. So step t's draws of a seed are the
t-th of its stream whatever the batch; NumPy's draws are also split-invariant (k draws of shape s give
the rows of one draw of shape (k, *s)), so a seed's minibatch indices are the rows of the table
``default_rng([stream, seed]).integers(0, n, size=(steps, B))``, which is how the studies drew them.

The streams live on the host (NumPy's PCG64: the same numbers on either backend); on CuPy each draw
is copied to the device, one explicit transfer per oracle call.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


class SeedStreams:
    """One stream per distinct seed, default_rng([stream, seed]); Generator-like with batch-first sizes."""

    def __init__(self, seeds: Sequence[int], stream: int = 0, xp=np):
        seeds = np.asarray(seeds)
        if seeds.ndim != 1 or seeds.size == 0 or not np.issubdtype(seeds.dtype, np.integer) or (seeds < 0).any():
            raise ValueError(f"run_seeds must be a non-empty 1-d sequence of integers >= 0; got {seeds.tolist()!r}")
        distinct, self._row_of = np.unique(seeds, return_inverse=True)
        self._streams = [np.random.default_rng([int(stream), int(s)]) for s in distinct]
        self.seeds, self.stream, self.xp = seeds, int(stream), xp

    def __len__(self) -> int:
        return self.seeds.size

    def _draw(self, size, draw):
        size = (size,) if np.isscalar(size) else tuple(size)
        if not size or size[0] != self.seeds.size:
            raise ValueError(f"a per-run draw needs a size whose first axis is the {self.seeds.size} runs; got {size}")
        per_seed = np.stack([draw(g, size[1:]) for g in self._streams])
        out = per_seed[self._row_of]
        return out if self.xp is np else self.xp.asarray(out)

    def integers(self, low, high=None, size=None):
        return self._draw(size, lambda g, s: g.integers(low, high, size=s))

    def standard_normal(self, size=None):
        return self._draw(size, lambda g, s: g.standard_normal(s))

    def random(self, size=None):
        return self._draw(size, lambda g, s: g.random(s))
