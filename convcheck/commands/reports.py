"""report: a shareable page (convcheck/page.py) of theorems' certificates, checks and plots."""
from __future__ import annotations

from pathlib import Path

from convcheck import theory

from .. import page
from ..cliargs import EXIT_FAILED, BadInput
from ..progress import working
from .common import emit, theorem


def cmd_report(args):
    ids = [theorem(i).id for i in args.ids] or [t.id for t in theory.theorems()]  # an unknown id: one line, exit 2
    try:  # before minutes of work: a folder that cannot be made is refused now
        Path(args.out).mkdir(parents=True, exist_ok=True)
    except OSError as why:
        raise BadInput(f"--out {args.out}: cannot make the folder ({why.strerror or why})") from None
    with working(f"certifying, checking and drawing {len(ids)} theorem(s)"):
        command = "convcheck report " + " ".join([*args.ids, "--out", args.out])
        path, entries = page.write(ids, args.out, command=command)
    rows = [{"theorem": e.thm.id, "certificate": e.certificate.summary(), "verdict": e.report.verdict,
             "plot": e.plot_png is not None} for e in entries]
    human = "\n".join(f"{r['theorem']}: certificate {r['certificate']}, {r['verdict']}" for r in rows)
    emit(args, f"{human}\nwrote {path}", {"path": str(path), "theorems": rows})
    # the exit code tells the truth: a failed certificate or a broken guarantee is a failure, page or not
    return 0 if all(e.certificate.ok and e.report.passed for e in entries) else EXIT_FAILED
