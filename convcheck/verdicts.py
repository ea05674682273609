"""What a check reports: verdicts, the parts of a setup's report, and the float tolerance.

The bottom of convcheck's checking: the join, the monitors, the judges, the families' property
checks and the dispatch all import these types from here, and this module imports none of them.

Verdicts, best to worst: holds, inconclusive, does not apply (naming the condition), diverged (with
run and step), violated (with run, step and numbers). The worst part decides a setup's verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

VERDICTS = ("holds", "inconclusive", "does not apply", "diverged", "violated")
RTOL = 1e-10  # float64 slack on inequalities between computed values (stated in every report)


class DoesNotApply(Exception):
    """The theorem's assumptions or conditions fail on this problem; the message names which."""


def worst_verdict(verdicts) -> str:
    verdicts = list(verdicts)
    return max(verdicts, key=VERDICTS.index) if verdicts else "holds"


@dataclass
class Part:
    name: str
    verdict: str
    detail: str
    tightness: float | None = None  # max over runs/records of empirical / bound (<= 1 when it holds)
    worst: dict | None = None

    def to_dict(self):
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class SetupReport:
    setup: str
    verdict: str
    parts: list[Part] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def tightness(self) -> float | None:
        t = [p.tightness for p in self.parts if p.tightness is not None and p.name.startswith("rate")]
        return max(t) if t else None

    def to_dict(self):
        return {"setup": self.setup, "verdict": self.verdict, "tightness": self.tightness,
                "seconds": round(self.seconds, 3), "note": self.note, "parts": [p.to_dict() for p in self.parts]}


@dataclass
class CheckReport:
    theorem: str
    verdict: str
    setups: list[SetupReport]
    certificate: str | None = None
    certificate_ok: bool | None = None      # None: not certified in this check

    @property
    def passed(self) -> bool:
        """What the exit code reports: no verdict against the theorem and no failed certificate."""
        return self.verdict in ("holds", "does not apply") and self.certificate_ok is not False

    @property
    def tightness(self) -> float | None:
        t = [s.tightness for s in self.setups if s.tightness is not None]
        return max(t) if t else None

    def _repr_html_(self) -> str:
        """For notebooks: the verdict, then each setup and part as a table (`convcheck report` for the full page)."""
        rows = [f"<tr><td>{escape(s.setup)}</td><td>{escape(s.verdict)}</td><td>{escape(s.note)}</td></tr>"
                + "".join(f"<tr><td>&nbsp;&nbsp;{escape(p.name)}</td><td>{escape(p.verdict)}</td>"
                          f"<td>{escape(p.detail)}</td></tr>" for p in s.parts) for s in self.setups]
        cert = f"; certificate {escape(self.certificate)}" if self.certificate else ""
        return (f"<p><b>{escape(self.theorem)}: {escape(self.verdict)}</b>{cert}</p><table>"
                f"<tr><th>setup / part</th><th>verdict</th><th>detail</th></tr>{''.join(rows)}</table>")

    def _repr_latex_(self) -> str:
        return rf"$\text{{{self.theorem}: {self.verdict}}}$"

    def to_dict(self):
        return {"theorem": self.theorem, "verdict": self.verdict, "certificate": self.certificate,
                "certificate_ok": self.certificate_ok, "passed": self.passed, "tightness": self.tightness,
                "setups": [s.to_dict() for s in self.setups]}
