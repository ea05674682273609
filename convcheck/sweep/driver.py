"""One sweep from spec to summary: open the folder, run the chunks not yet written, combine, judge, plot."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq

from .. import jsonout
from ..clifiles import atomic_file
from . import execute, summary
from .grid import Chunk
from .spec import Spec
from .store import Store


def sweep(spec: Spec, out, spec_text: str = "", workers: int | None = 0, scheduler: str | None = None,
          resume: bool = False, on_done: Callable[[Chunk], None] | None = None, dask_client=None) -> dict:
    """Run ``spec`` into the folder ``out`` and return the summary (also written to out/summary.json).

    ``workers=0`` runs the chunks in this process; ``workers=N`` on a new LocalCluster of N processes;
    ``scheduler`` on the running cluster it addresses; ``dask_client`` on a Client the caller holds.
    ``resume`` finishes the sweep already in ``out``, skipping its written chunks. ``on_done`` is called
    with each chunk once its file is written.
    """
    store = Store(Path(out), spec)
    store.check(resume)  # before a cluster starts: a refusal costs nothing and writes nothing
    chunks = spec.chunks()
    todo = [c for c in chunks if not store.done(c)]
    if dask_client is None and todo and (workers or scheduler):
        with execute.client(workers, scheduler) as c:  # an unreachable --scheduler leaves no folder behind
            store.create(spec_text)
            execute.distributed(todo, store, c, on_done)
    else:
        store.create(spec_text)
        if dask_client is not None:
            execute.distributed(todo, store, dask_client, on_done)
        else:
            execute.serial(todo, store, on_done)
    table, rows = store.combine()
    theorem_rows = summary.theorem_rows(store)
    files = [str(table)]
    if theorem_rows:
        path = store.out / "theorems.parquet"
        with atomic_file(str(path)) as tmp:
            pq.write_table(pa.Table.from_pylist([{k: r[k] for k in ("theorem", "setup", "label", "verdict",
                                                                     "tightness", "note", "detail")}
                                                 for r in theorem_rows]), tmp)
        files.append(str(path))
    plot = store.out / "summary.png"
    with atomic_file(str(plot)) as tmp:
        summary.plot(store, theorem_rows, tmp)
    files.append(str(plot))
    result = {"out": str(store.out), "spec_hash": spec.hash, "setups": len(spec.setups), "seeds": len(spec.seeds),
              "chunks": len(chunks), "chunks_run": len(todo), "chunks_resumed": len(chunks) - len(todo),
              "rows": rows, "theorems": summary.per_theorem(theorem_rows), "theorem_setups": theorem_rows,
              "files": files + [str(store.out / "summary.json")]}
    store.write_text("summary.json", jsonout.dumps(result))
    return result
