"""A check's result as one self-contained HTML page, to hand to a colleague (`convcheck report IDS --out DIR`).

The page needs no network when it is viewed: formulas are inline SVG drawn by matplotlib's mathtext from
SymPy's LaTeX (SymPy's Unicode pretty print where mathtext cannot parse it), plots are inline PNG, and the
style sheet is in the page. It holds the certificate table, then per theorem its stated objects and proof
chain, its certificate (chain, links, premises), its check's verdicts, a plot of the bound against runs (upper
bounds with a deterministic rate), its provenance, and at the end the versions and seeds.
"""
from __future__ import annotations

import base64
import html
import io
import platform
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import matplotlib
import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from convcheck import theory

from .checker import check
from .compare import compare
from .families import default_setups
from .join import Join, upper_bound_of
from .verdicts import DoesNotApply

PLOT_RUNS, PLOT_STEPS = 16, 500  # the plotted batch: small, drawn from the theorem's first default setup
PACKAGES = ("convcheck", "numpy", "sympy", "mpmath", "scipy", "matplotlib")

STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #999; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
.holds, .symbolic { background: #d8f0d8; } .violated, .diverged, .FAILED { background: #f6d0d0; }
.inconclusive, .numeric, .sampled { background: #f6f0c8; }
pre { background: #f7f7f7; padding: 0.4em; overflow-x: auto; }
.formula svg { vertical-align: middle; }
"""


@dataclass
class Entry:
    """One theorem's part of the page."""
    thm: object
    certificate: object
    report: object
    plot_png: bytes | None = None
    plot_note: str = ""
    seeds: dict = field(default_factory=dict)


def formula(expr) -> str:
    """``expr`` (SymPy) as inline SVG, or as SymPy's Unicode pretty print if mathtext cannot draw it."""
    tex = sp.latex(sp.sympify(expr))
    try:
        fig = Figure(figsize=(0.1, 0.1))
        fig.text(0, 0, f"${tex}$", fontsize=13)
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "path"}):  # glyphs as paths: no font needed to view it
            fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.03, transparent=True)
        svg = re.sub(r"<metadata>.*?</metadata>", "", buf.getvalue(), flags=re.S)  # drop the RDF block: size only
        return f'<span class="formula" title="{html.escape(tex)}">{svg[svg.index("<svg"):]}</span>'
    except (ValueError, RuntimeError):  # mathtext's parse errors
        return f'<pre title="{html.escape(tex)}">{html.escape(sp.pretty(expr, use_unicode=True))}</pre>'


def bound_plot(thm) -> tuple[bytes | None, str, dict]:
    """(PNG, caption, seeds): the reference on the theorem's first default setup at half of each unset
    hyperparameter's bound, its running min ||grad f||^2 against the rate; or (None, why not, {})."""
    if thm.kind != "upper" or thm.rate is None or thm.rate.expectation:
        return None, "no plot: only an upper bound with a deterministic rate is drawn against runs", {}
    setup = default_setups(thm.id)[0]
    obj = setup.objective
    x0 = obj.initial_points(PLOT_RUNS, seed=setup.seed, radius=setup.radius)
    join = Join.of(thm, obj, setup.oracle, obj.value(x0))
    hp = dict(setup.hp)
    for q in thm.hyperparameters:
        if q.name not in hp:
            bound = upper_bound_of(thm, q.name)
            if bound is None:
                return None, f"no plot: no condition bounds {q.name}, so no admissible value to run at", {}
            hp[q.name] = 0.5 * float(np.min(join.given(**hp).per_run(bound)))
    cmp = compare([(thm.algorithm, thm.algorithm, hp)], obj, setup.oracle, steps=PLOT_STEPS, seeds=PLOT_RUNS,
                  seed=setup.seed, radius=setup.radius)
    if thm.id not in cmp.entries[0].bounds:
        return None, f"no plot: {thm.id}'s conditions fail at {hp} on {obj.name}", {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plot.png"
        cmp.plot(str(path))
        png = path.read_bytes()
    values = ", ".join(f"{k} = {v:.4g}" for k, v in hp.items())
    caption = (f"{thm.algorithm} on {obj.name} (d={obj.d}), {PLOT_RUNS} runs x {PLOT_STEPS} steps from random "
               f"starts (radius {setup.radius:g}), {values}: median and 10-90% band of min_(t<=n) ||grad f||^2, "
               f"with the bound (dashed)")
    return png, caption, {"plot starts and oracle": setup.seed}


def build(theorem_id: str) -> Entry:
    """Certify, check on the default setups, and draw: one theorem's entry."""
    thm = theory.get(theorem_id)
    cert = theory.certify(thm)
    rep = check(thm)
    rep.certificate, rep.certificate_ok = cert.summary(), cert.ok
    try:
        png, note, seeds = bound_plot(thm)
    except DoesNotApply as why:
        png, note, seeds = None, f"no plot: {why}", {}
    if thm.kind == "upper":
        seeds.update({f"setup {i + 1} ({s.objective.name})": s.seed for i, s in enumerate(default_setups(thm.id))})
    return Entry(thm, cert, rep, png, note, seeds)


def _cell(text, cls=None) -> str:
    c = f' class="{html.escape(str(cls))}"' if cls else ""
    return f"<td{c}>{html.escape(str(text))}</td>"


def _table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    return f"<table><tr>{head}</tr>{''.join('<tr>' + ''.join(r) + '</tr>' for r in rows)}</table>"


def _stated(thm) -> list[str]:
    out = []
    if thm.one_step is not None:
        out.append(f"<p>One-step inequality ({html.escape(thm.one_step.source.tag)}): "
                   f"{formula(sp.Le(thm.one_step.lhs, thm.one_step.rhs, evaluate=False))}</p>")
    if thm.rate is not None:
        out.append(f"<p>Rate, {html.escape(thm.rate.measure)}{', in expectation' if thm.rate.expectation else ''} "
                   f"({html.escape(thm.rate.bound.source.tag)}): {formula(thm.rate.bound.expr)}</p>")
    if thm.complexity is not None:
        out.append(f"<p>Complexity T(eps) ({html.escape(thm.complexity.source.tag)}): "
                   f"{formula(thm.complexity.expr)}</p>")
    for name, f in thm.prescription.items():
        out.append(f"<p>Prescription {html.escape(name)} = {formula(f.expr)} ({html.escape(f.source.tag)})</p>")
    if thm.conditions:
        out.append("<p>Conditions: " + " ".join(formula(c.relation) for c in thm.conditions) + "</p>")
    return out


def _provenance(thm) -> list[str]:
    sources = {f.source.ref: f.source.tag for f in thm.formulas().values()}
    if thm.one_step is not None:
        sources[thm.one_step.source.ref] = thm.one_step.source.tag
    for step in thm.chain:
        sources.setdefault(step.source.ref, step.source.tag)
    rows = [[_cell(tag), _cell(ref)] for ref, tag in sources.items()]
    rows += [[_cell(f"claim, {c.source.tag}"), _cell(c.statement)] for c in thm.claims]
    return ["<h3>Provenance</h3>", _table(["tag", "source"], rows)]


def section(e: Entry) -> str:
    thm, cert, rep = e.thm, e.certificate, e.report
    out = [f'<h2 id="{html.escape(thm.id)}">{html.escape(thm.id)}: {html.escape(thm.title)}</h2>',
           f"<p>{html.escape(thm.kind)}; algorithm {html.escape(thm.algorithm)}; class "
           f"{html.escape(thm.function_class)}; oracle {html.escape(thm.oracle)}</p>"]
    if thm.summary:
        out.append(f"<p>{html.escape(thm.summary)}</p>")
    out += ["<h3>Stated</h3>", *_stated(thm)]
    out += ["<h3>Proof chain</h3>",
            _table(["step", "statement", "source"],
                   [[_cell(s.name), _cell(s.statement), _cell(s.source.tag)] for s in thm.chain])]
    checks = [(kind, c) for kind, cs in (("chain", cert.steps), ("link", cert.links), ("claim", cert.claims))
              for c in cs]
    out += [f"<h3>Certificate: {html.escape(cert.summary())}</h3>",
            _table(["part", "obligation", "level"], [[_cell(k), _cell(c.name), _cell(c.level, c.level)]
                                                     for k, c in checks]
                   + [[_cell("premise"), _cell(f"{p.id} ({'axiom' if p.axiom else 'lemma'}, {p.source})"),
                       _cell(p.level, p.level)] for p in cert.premises])]
    rows = []
    for s in rep.setups:
        parts = s.parts or []
        rows.append([_cell(s.setup), _cell(s.verdict, s.verdict), _cell(s.note)])
        rows += [[_cell(f"  {p.name}"), _cell(p.verdict, p.verdict), _cell(p.detail)] for p in parts]
    out += [f"<h3>Check: {html.escape(rep.verdict)}</h3>", _table(["setup / part", "verdict", "detail"], rows)]
    if e.plot_png is not None:
        data = base64.b64encode(e.plot_png).decode()
        out.append(f'<figure><img alt="bound against runs for {html.escape(thm.id)}" '
                   f'src="data:image/png;base64,{data}"><figcaption>{html.escape(e.plot_note)}</figcaption></figure>')
    else:
        out.append(f"<p>{html.escape(e.plot_note)}</p>")
    out += _provenance(thm)
    out.append(f"<p>Notes: {html.escape(str(thm.notes_path))}</p>")
    return "\n".join(out)


def versions() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def render(entries: list[Entry], command: str | None = None) -> str:
    """The page: the certificate table, a section per theorem, then versions and seeds."""
    summary = [[f'<td><a href="#{html.escape(e.thm.id)}">{html.escape(e.thm.id)}</a></td>',
                _cell(e.certificate.summary(), "symbolic" if e.certificate.ok else "FAILED"),
                _cell(e.report.verdict, e.report.verdict),
                _cell(f"{e.report.tightness:.3g}" if e.report.tightness is not None else "-")] for e in entries]
    seeds = [[_cell(e.thm.id), _cell(k), _cell(v)] for e in entries for k, v in e.seeds.items()]
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = ["<h1>convcheck report</h1>",
            f"<p>{len(entries)} theorem(s), made {made}" + (f" by <code>{html.escape(command)}</code>" if command
                                                              else "") + "</p>",
            "<h2>Certificates and checks</h2>",
            _table(["theorem", "certificate", "check", "tightness (empirical / bound)"], summary),
            *[section(e) for e in entries],
            "<h2>Versions and seeds</h2>",
            _table(["package", "version"], [[_cell(k), _cell(v)] for k, v in versions().items()]),
            _table(["theorem", "draw", "seed"], seeds) if seeds else "<p>No random draws.</p>"]
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>convcheck report</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write(theorem_ids, out_dir, command: str | None = None) -> tuple[Path, list[Entry]]:
    entries = [build(t) for t in theorem_ids]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.html"
    tmp = path.with_suffix(".html.part")  # never a half-written page under the final name
    tmp.write_text(render(entries, command or " ".join(sys.argv)), encoding="utf-8")
    tmp.replace(path)
    return path, entries
