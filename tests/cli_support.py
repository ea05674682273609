"""Calling the command line in-process (fast: the heavy imports are paid once per test process)."""
from __future__ import annotations

import contextlib
import io
import json

from convcheck.cli import main


def call(*argv) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `convcheck ARGV`, as the console script would end."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main([str(a) for a in argv])
        except SystemExit as stop:  # argparse: --help (0) and its own refusals (2)
            rc = stop.code if isinstance(stop.code, int) else 1
    return rc, out.getvalue(), err.getvalue()


def _reject(constant):
    raise ValueError(f"not strict JSON: {constant}")


def strict_json(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity."""
    return json.loads(text, parse_constant=_reject)
