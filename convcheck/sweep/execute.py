"""Running a sweep's chunks: in this process, on a dask.distributed LocalCluster, or on a running cluster.

convcheck writes no scheduler of its own: chunks are ``Client.submit``-ted and collected with
``as_completed``; a worker that dies loses only its unfinished chunks, which dask reschedules (the
nanny restarts the worker). Chunks come back to this process, which writes each one atomically as it
arrives, so workers need no shared file system and a chunk is written once whatever was retried.
"""
from __future__ import annotations

import contextlib
import logging
import uuid
from typing import Callable, Iterable

from ..cliargs import BadInput
from ..progress import bar
from .chunks import run_chunk
from .grid import Chunk
from .store import Store

try:  # optional: `pip install 'convcheck[dask]'`; --workers 0 runs without it
    from dask.distributed import Client, LocalCluster, as_completed
except ImportError:  # pragma: no cover - the dask extra is installed in CI
    Client = LocalCluster = as_completed = None


@contextlib.contextmanager
def client(workers: int | None = None, scheduler: str | None = None):
    """A dask Client: of a new LocalCluster with ``workers`` processes (one thread each), or of the
    cluster whose scheduler listens at ``scheduler``. Both are closed when the block ends."""
    if Client is None:
        raise BadInput("--workers/--scheduler need dask.distributed: pip install 'convcheck[dask]' "
                       "(or --workers 0 to run in this process)")
    if scheduler is not None:
        try:
            c = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise BadInput(f"--scheduler {scheduler}: no dask scheduler answered ({err})") from None
        with c:
            yield c
        return
    # one process per worker: NumPy's elementwise loops hold the GIL, so threads would not add cores;
    # the dashboard (when bokeh is installed) on any free port: a fixed one may be taken, and dask then warns
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


def serial(chunks: Iterable[Chunk], store: Store, on_done: Callable[[Chunk], None] | None = None) -> None:
    """Each chunk run and written here, in order."""
    chunks = list(chunks)
    for c in bar(chunks, "sweep", "chunk"):
        store.write(c, run_chunk(c))
        if on_done:
            on_done(c)


def distributed(chunks: Iterable[Chunk], store: Store, dask_client,
                on_done: Callable[[Chunk], None] | None = None) -> None:
    """Each chunk submitted to ``dask_client`` and written here as it completes (any order)."""
    chunks = list(chunks)
    session = uuid.uuid4().hex[:8]  # keys unique to this driver: a killed driver's tasks never answer for ours
    futures = {dask_client.submit(run_chunk, c, key=f"convcheck-sweep-{c.id}-{session}", pure=False): c
               for c in chunks}
    try:
        for fut in bar(as_completed(futures), "sweep", "chunk", total=len(futures)):
            c = futures[fut]
            store.write(c, fut.result())
            fut.release()
            if on_done:
                on_done(c)
    finally:  # on Ctrl-C or an error: nothing of ours keeps running on the cluster
        dask_client.cancel([f for f in futures if not f.done()])
