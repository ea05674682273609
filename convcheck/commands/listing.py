"""list: the theorem index, read from a cache when the symbolic layer's sources are unchanged.

Building the registry imports SymPy and constructs every theorem (about a second); `list` needs only
each theorem's id, kind, algorithm, class, oracle and title. Those rows are cached in
$XDG_CACHE_HOME/convcheck (default ~/.cache/convcheck) under a hash of every source file of
convcheck.theory, so any edit there rebuilds them; an unwritable cache only costs the second.
CONVCHECK_CACHE_DIR, when set, replaces that folder (tests use it).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import jsonout
from ..clifiles import atomic_file
from ..cliargs import BadInput
from ..texttable import table

KEYS = ("id", "kind", "algorithm", "function_class", "oracle", "title")
FILTERS = (("algorithm", "--algorithm"), ("function_class", "--class"), ("oracle", "--oracle"))
THEORY = Path(__file__).resolve().parent.parent / "theory"


def _sources_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(THEORY.resolve().rglob("*.py")):
        h.update(str(path.relative_to(THEORY.resolve())).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _cache_file() -> Path:
    base = os.environ.get("CONVCHECK_CACHE_DIR") or \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convcheck"
    return Path(base) / f"theorems-{_sources_hash()}.json"


def _build() -> list[dict]:
    from convcheck import theory  # noqa: PLC0415 - deferred for start-up time: only a cache miss pays for SymPy

    return [{k: getattr(t, k) for k in KEYS} for t in theory.theorems()]


def index() -> list[dict]:
    """One row per registered theorem, in the registry's order."""
    cache = _cache_file()
    try:
        return json.loads(cache.read_text())
    except (OSError, ValueError):
        pass
    rows = _build()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(str(cache)) as tmp:
            Path(tmp).write_text(json.dumps(rows))
    except OSError:
        pass
    return rows


def cmd_list(args):
    rows = index()
    for key, flag in FILTERS:  # an unknown filter value would list nothing, silently
        given = getattr(args, key)
        known = sorted({r[key] for r in rows})
        if given is not None and given not in known:
            raise BadInput(f"{flag}: no theorem has {key.replace('_', ' ')} {given!r}; known: {', '.join(known)}")
    rows = [r for r in rows if all(getattr(args, k) in (None, r[k]) for k, _ in FILTERS)]
    if args.json:
        print(jsonout.dumps(rows))
        return
    print(table([[r[k] for k in KEYS] for r in rows], ["id", "kind", "algorithm", "class", "oracle", "title"]))
