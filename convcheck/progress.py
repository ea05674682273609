"""Progress on stderr for work longer than about 2 s, and only on a terminal (never into a log or pipe).

``bar`` wraps an iterable (tqdm with ``delay=2``: nothing is drawn for shorter jobs); ``working`` says
what a single long step is doing (e.g. certifying one theorem) with the elapsed seconds.
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time

from tqdm import tqdm

from .cliargs import progress_enabled

DELAY = 2.0  # seconds of silence before any progress appears


def bar(iterable, desc: str, unit: str, total: int | None = None):
    return tqdm(iterable, desc=desc, unit=unit, total=total, leave=False, delay=DELAY,
                disable=not progress_enabled())


@contextlib.contextmanager
def working(desc: str):
    """`desc ... 12s` on one line of the terminal while the block runs longer than DELAY, then erased."""
    if not progress_enabled():
        yield
        return
    done = threading.Event()
    t0 = time.monotonic()

    def tick():
        drawn = False
        while not done.wait(0.5):
            if time.monotonic() - t0 >= DELAY:
                sys.stderr.write(f"\r{desc} ... {time.monotonic() - t0:.0f}s")
                sys.stderr.flush()
                drawn = True
        if drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
