"""study: one empirical study, its files written into a staging folder and renamed into --out."""
from __future__ import annotations

import sys

from .. import studies
from ..clifiles import out_folder, staging_folder
from ..cliargs import progress_enabled
from .common import backend, emit, under_backend


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_study(args):
    out = out_folder(args.out, f"study-{args.name}")
    with staging_folder(out) as stage:  # Ctrl-C or an error leaves no half-written study in --out
        backend(args)  # one not installed is refused at once
        with under_backend(args):
            result = studies.run(args.name, stage, quick=args.quick, progress=_say if progress_enabled() else None,
                                 backend=args.backend)
    result["files"] = [f.replace(str(stage), str(out)) for f in result["files"]]
    files = "\n".join(f"  {f}" for f in result["files"])
    emit(args, f"{studies.table(args.name, result)}\nwritten:\n{files}", studies.summary(args.name, result))
