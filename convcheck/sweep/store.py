"""A sweep's folder: the spec it runs, one Parquet file per finished chunk, and the combined table.

    DIR/spec.toml        the spec as given          DIR/spec.json   the checked spec and its hash
    DIR/chunks/ID.parquet  one per finished chunk   DIR/runs.parquet  every chunk's rows, in chunk order

Every file is written under a temporary name and renamed into place (os.replace), so a chunk file
exists only complete, a killed sweep leaves finished chunks and nothing half-written, and a resumed
sweep skips exactly the chunks that exist. The folder remembers its spec's hash: --resume with
another spec, or a new sweep into a used folder, is refused.
"""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..clifiles import atomic_file
from ..cliargs import BadInput
from .grid import Chunk
from .spec import Spec

TABLE = "runs.parquet"


class Store:
    def __init__(self, out: Path, spec: Spec):
        self.out, self.spec = Path(out), spec
        self.chunk_dir = self.out / "chunks"

    def check(self, resume: bool) -> None:
        """Refuse a new sweep into a used folder, and a --resume of nothing or of another spec's sweep."""
        meta = self.out / "spec.json"
        if meta.exists():
            try:
                held = json.loads(meta.read_text())["hash"]
            except (OSError, ValueError, KeyError):
                held = None
            if not resume:
                raise BadInput(f"--out {self.out} already holds a sweep; give --resume to finish it, or another --out")
            if held != self.spec.hash:
                raise BadInput(f"--resume: {self.out} holds the sweep of another spec (hash {held}, this spec "
                               f"{self.spec.hash}); give its spec, or another --out")
        elif resume:
            raise BadInput(f"--resume: {self.out} holds no sweep to resume")
        elif self.out.exists() and any(self.out.iterdir()):
            raise BadInput(f"--out {self.out} is a folder with other files in it; give a new or empty folder")

    def create(self, spec_text: str) -> None:
        """A new sweep's folder with its spec; a resumed one loses only a killed driver's unfinished write."""
        if (self.out / "spec.json").exists():
            for stale in self.chunk_dir.glob(".*.partial*"):
                stale.unlink(missing_ok=True)
            return
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        self.write_text("spec.toml", spec_text)
        self.write_text("spec.json", json.dumps({"hash": self.spec.hash, "spec": self.spec.normal}, indent=1))

    def write_text(self, name: str, text: str) -> Path:
        path = self.out / name
        with atomic_file(str(path)) as tmp:
            Path(tmp).write_text(text)
        return path

    def path(self, chunk: Chunk) -> Path:
        return self.chunk_dir / f"{chunk.id}.parquet"

    def done(self, chunk: Chunk) -> bool:
        return self.path(chunk).is_file()

    def write(self, chunk: Chunk, table: pa.Table) -> None:
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        with atomic_file(str(self.path(chunk))) as tmp:
            pq.write_table(table, tmp)

    def combine(self) -> tuple[Path, int]:
        """runs.parquet: every chunk's rows in the spec's chunk order, streamed one chunk at a time
        (memory is one chunk, whatever the sweep's size). Returns its path and row count."""
        target, rows, writer = self.out / TABLE, 0, None
        chunks = self.spec.chunks()
        missing = [c.id for c in chunks if not self.done(c)]
        if missing:
            raise RuntimeError(f"{len(missing)} chunks are not finished (first {missing[0]}); run with --resume")
        with atomic_file(str(target)) as tmp:
            try:
                for c in chunks:
                    table = pq.read_table(self.path(c))
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema)
                    writer.write_table(table)
                    rows += table.num_rows
            finally:
                if writer is not None:
                    writer.close()
        return target, rows
