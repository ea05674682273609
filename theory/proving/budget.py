"""The time SymPy may spend on one obligation, in CPU seconds, so a busy machine does not lower a level."""
from __future__ import annotations

import contextlib
import signal
import threading

SYMBOLIC_SECONDS = 60.0  # CPU time SymPy may spend on one obligation before the weaker levels are tried: 3x the
#                          slowest true obligation of the catalogue (clipped_gd.l0l1, 19 s on a loaded 2-core box),
#                          so a busy CI machine does not turn "symbolic" into "sampled"


class _OutOfTime(BaseException):  # not an Exception: SymPy's own `except Exception` must not swallow it
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime after ``seconds`` of this process's CPU time (ITIMER_VIRTUAL: main thread on Unix;
    elsewhere no limit). CPU, not wall-clock, time: a machine busy with other work must not turn a proof SymPy
    finishes into a weaker level. The wall-clock timer (SIGALRM, e.g. pytest-timeout's) is left alone."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "SIGVTALRM"):
        yield
        return

    def expire(*_):
        raise _OutOfTime

    old = signal.signal(signal.SIGVTALRM, expire)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)
