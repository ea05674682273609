"""A record of symbolic proofs on disk, so an obligation proved once is not re-proved by every process.

Only ``symbolic`` is recorded. SymPy finishing a proof for every value in the domain is a fact about the
obligation and the prover, so the key hashes both: the obligation (kind, srepr of the expression and of
each bound, the sample count) and the prover (the source of prove.py and of every module in proving/,
SymPy's and mpmath's versions). Any change to either misses. The weaker levels depend on time limits and
sampling and are always recomputed.

Where: $CONVCHECK_CACHE_DIR/proofs, else $XDG_CACHE_HOME/convcheck/proofs, else ~/.cache/convcheck/proofs.
CONVCHECK_PROOF_RECORD=off turns it off (for timing the prover cold).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import mpmath
import sympy as sp

PROVED = "symbolic"


@lru_cache(maxsize=1)
def prover_id() -> str:
    here = Path(__file__).resolve().parent
    source = b"".join(p.read_bytes() for p in [here / "prove.py", *sorted((here / "proving").glob("*.py"))])
    return hashlib.sha256(source + f"|sympy {sp.__version__}|mpmath {mpmath.__version__}".encode()).hexdigest()


def folder() -> Path | None:
    if os.environ.get("CONVCHECK_PROOF_RECORD", "").lower() in ("off", "0", "no"):
        return None
    base = os.environ.get("CONVCHECK_CACHE_DIR") or \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convcheck"
    return Path(base) / "proofs"


def key(kind: str, expr: sp.Expr, bounds, samples: int) -> str:
    context = sorted(f"{sp.srepr(b.symbol)} in [{sp.srepr(b.lo)}, {sp.srepr(b.hi)}]" for b in bounds)
    text = "\n".join([prover_id(), kind, sp.srepr(expr), *context, str(samples)])
    return hashlib.sha256(text.encode()).hexdigest()


def recorded(k: str) -> bool:
    where = folder()
    try:
        return where is not None and (where / k).read_text() == PROVED
    except OSError:
        return False


def record(k: str) -> None:
    """Write atomically (a temporary file renamed), so a concurrent reader sees all of it or nothing."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        with os.fdopen(fd, "w") as out:
            out.write(PROVED)
        os.replace(tmp, where / k)
    except OSError:  # a read-only or full disk only costs the re-proof
        pass
