"""Files the CLI writes: validated up front, written under a temporary name and renamed into place.

An interrupted or failed command (Ctrl-C included) therefore leaves either the old file or the new
one, never half of one. Standard library only.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .cliargs import BadInput

# what matplotlib's Agg/PDF/SVG/PS back ends write, chosen by the file's extension
PLOT_FORMATS = ("png", "pdf", "svg", "svgz", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def plot_path(value: str, default_name: str) -> str:
    """The absolute file a --plot value names: a folder gets ``default_name`` inside it."""
    if not value or not value.strip():
        raise BadInput(f"--plot needs a file name, e.g. --plot {default_name}")
    path = Path(value).expanduser()
    if path.is_dir():
        path = path / default_name
    parent = path.parent
    if not parent.is_dir():
        raise BadInput(f"--plot {value}: folder {str(parent)!r} does not exist")
    ext = path.suffix.lstrip(".").lower()
    if ext not in PLOT_FORMATS:
        raise BadInput(f"--plot {value}: the extension picks the format; use one of .{', .'.join(PLOT_FORMATS)}")
    if not os.access(parent, os.W_OK):
        raise BadInput(f"--plot {value}: folder {str(parent)!r} is not writable")
    return str(path.resolve())


@contextlib.contextmanager
def atomic_file(path: str):
    """Yields a temporary name beside ``path`` (same extension: writers pick the format from it);
    renames it to ``path`` when the block ends normally, removes it otherwise."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".partial{target.suffix}")
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def out_folder(value: str | None, default: str) -> Path:
    """A --out folder: absent is fine (created on success); an existing file is refused."""
    if value is not None and not value.strip():
        raise BadInput("--out needs a folder name")
    out = Path(value or default).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {value}: {str(out)!r} is a file, not a folder")
    if not out.parent.is_dir():
        raise BadInput(f"--out {value}: folder {str(out.parent)!r} does not exist")
    return out


@contextlib.contextmanager
def staging_folder(out: Path):
    """Yields an empty temporary folder beside ``out``; on success each file in it is renamed into
    ``out`` (and its name inside the JSON files fixed), otherwise the folder is removed."""
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.partial-"))
    try:
        yield stage
        out.mkdir(exist_ok=True)
        for f in sorted(stage.rglob("*")):
            if f.is_file():
                if f.suffix == ".json":  # the study records its files' paths; they must name where they end
                    f.write_text(f.read_text().replace(str(stage), str(out)))
                dest = out / f.relative_to(stage)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
