"""convcheck's numeric reference: batched optimizers, objectives with proved constants, oracles,
and the runner. Never imports theory/ (the two layers meet only in convcheck/)."""
from . import objectives, optimizers, oracles, schedules
from .backend import Backend, get_backend
from .runner import Trace, record_steps, run

__all__ = ["Backend", "get_backend", "Trace", "record_steps", "run",
           "objectives", "optimizers", "oracles", "schedules"]
