"""sweep: a TOML grid of objectives x oracles x hyperparameters x seeds, in chunks on dask.distributed,
into a folder of Parquet files, with the listed theorems judged on every setup (convcheck.sweep)."""
from __future__ import annotations

import os
from pathlib import Path

from convcheck.theory.evaluate import fmt

from .. import sweep as sweeps
from ..cliargs import EXIT_FAILED, BadInput, unused
from ..clifiles import out_folder
from ..texttable import table
from .common import emit

try:  # the Parquet writer: `pip install 'convcheck[dask]'` brings it with dask.distributed
    import pyarrow
except ImportError:  # pragma: no cover - the dask extra is installed in CI
    pyarrow = None


def cmd_sweep(args):
    if args.example:
        if args.spec is not None:
            raise BadInput(f"SPEC {args.spec} has no effect with --example (it prints a spec and runs nothing)")
        unused(args, "with --example (it prints a spec and runs nothing)", "--out", "--workers", "--scheduler",
               "--resume", "--json")
        print(sweeps.EXAMPLE, end="")
        return 0
    if args.spec is None:
        raise BadInput("give a SPEC.toml (convcheck sweep --example prints one)")
    if pyarrow is None:
        raise BadInput("sweep writes Parquet with pyarrow: pip install 'convcheck[dask]'")
    if args.workers is not None and args.scheduler is not None:
        raise BadInput("--workers has no effect with --scheduler (the cluster there has its own workers)")
    try:
        text = Path(args.spec).expanduser().read_text()
    except OSError as err:
        raise BadInput(f"spec {args.spec}: {err.strerror or err}") from None
    spec = sweeps.parse(text, f"spec {args.spec}")
    out = out_folder(args.out, f"sweep-{Path(args.spec).stem}")
    workers = (os.cpu_count() or 1) if args.workers is None and args.scheduler is None else args.workers
    result = sweeps.sweep(spec, out, text, workers=workers, scheduler=args.scheduler, resume=args.resume)
    emit(args, _human(result), result)
    failed = [t for t in result["theorems"] if t["verdict"] not in ("holds", "does not apply")]
    return EXIT_FAILED if failed else 0


def _human(r: dict) -> str:
    head = (f"{r['setups']} setups x {r['seeds']} seeds in {r['chunks']} chunks ({r['chunks_run']} run now, "
            f"{r['chunks_resumed']} resumed): {r['rows']} rows")
    lines = [head]
    if r["theorems"]:
        rows = [[t["theorem"], t["verdict"], ", ".join(f"{v} {n}" for v, n in t["counts"].items()),
                 fmt(t["worst_tightness"], 3) if t["worst_tightness"] is not None else "-",
                 "-" if t["worst_setup"] is None else t["worst_setup"]] for t in r["theorems"]]
        lines.append(table(rows, ["theorem", "verdict", "setups", "worst tightness", "at setup"]))
        lines.append("tightness = max over runs and recorded T of empirical / bound; per setup in theorems.parquet")
    lines.append("written:\n" + "\n".join(f"  {f}" for f in r["files"]))
    return "\n".join(lines)
