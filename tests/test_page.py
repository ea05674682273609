"""convcheck report: one self-contained HTML page (convcheck/page.py), and its rendering in headless Chromium."""
import re
import shutil
import subprocess

import numpy as np
import pytest

from cli_support import call, strict_json


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """`convcheck report gd.smooth --json --out DIR`: (exit status, JSON, the page's text, its path)."""
    out = tmp_path_factory.mktemp("report")
    rc, stdout, _ = call("report", "gd.smooth", "--out", out, "--json")
    path = out / "report.html"
    return rc, strict_json(stdout), path.read_text(encoding="utf-8"), path


def test_the_page_holds_table_chain_formulas_plot_provenance_versions_and_seeds(written):
    rc, data, text, path = written
    assert rc == 0 and data == {"path": str(path), "theorems": [
        {"theorem": "gd.smooth", "certificate": "symbolic", "verdict": "holds", "plot": True}]}
    assert "<h2>Certificates and checks</h2>" in text and '<a href="#gd.smooth">gd.smooth</a>' in text
    assert "descent lemma at the step" in text  # the proof chain's step
    assert text.count('<span class="formula"') >= 3 and "<svg" in text  # one-step, rate, complexity: drawn
    assert text.count('src="data:image/png;base64,') == 1  # the bound against runs
    assert "Nesterov 2004" in text  # provenance
    assert re.search(r"<td>numpy</td><td>\d", text) and re.search(r"<td>setup 1 \(sin_squared\)</td><td>0</td>", text)


def test_the_page_needs_no_network(written):
    text = written[2]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # no fetched resource
    assert "<script" not in text and "<link" not in text and "@import" not in text


def test_an_unknown_theorem_is_refused_in_one_line(tmp_path):
    rc, out, err = call("report", "no.such", "--out", tmp_path)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and "no.such" in err
    assert not (tmp_path / "report.html").exists()


def test_an_out_folder_that_cannot_be_made_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    rc, out, err = call("report", "gd.smooth", "--out", blocker)
    assert rc == 2 and out == "" and err.strip() == f"convcheck: error: --out {blocker}: cannot make the folder (File exists)"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package")
def test_chromium_renders_the_table_and_the_plot(written, tmp_path):
    import matplotlib.image

    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1200,5000", written[3].as_uri()],
                   check=True, capture_output=True, timeout=120)
    rgb = (matplotlib.image.imread(shot)[..., :3] * 255).round()

    def share(colour, tol=6):
        return float(np.mean(np.all(np.abs(rgb - np.asarray(colour)) <= tol, axis=-1)))
    assert share((0xd8, 0xf0, 0xd8)) > 1e-3  # the "holds" cells of the tables, drawn
    assert share((0x1f, 0x77, 0xb4), tol=30) > 1e-4  # the plot's runs (matplotlib's C0 blue)
    assert share((255, 255, 255)) < 0.99  # not a blank page


def test_notebook_reprs_show_the_stated_bound_and_the_verdicts():
    from convcheck import theory
    from convcheck.theory import model
    from convcheck.verdicts import CheckReport, Part, SetupReport

    thm = theory.get("gd.smooth")
    latex = thm._repr_latex_()
    # in the paper's notation (the glossary's LaTeX names: eta for lr), as `show` writes it
    assert latex.startswith("$") and latex.endswith("$") and model.latex(thm.rate.bound.expr) in latex
    assert model.latex(thm.complexity.expr) in latex and r"\eta" in latex and "lr" not in latex
    parts = [Part("rate", "violated", "x<y")]
    rep = CheckReport("gd.smooth", "violated", [SetupReport("a <setup>", "violated", parts)])
    page = rep._repr_html_()
    assert "<b>gd.smooth: violated</b>" in page and "a &lt;setup&gt;" in page and "x&lt;y" in page
