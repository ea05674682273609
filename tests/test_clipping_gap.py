"""The clipping-gap study (convcheck/studies/clipping_gap.py) at --quick size: the CLI writes the plot
and the JSON with its documented keys, clipped GD reproduces the clipping card's 10.2 counts exactly,
and no GD run reaches eps before the witness lower bound K_LB."""
import json
import subprocess
import sys

import numpy as np
import pytest

from convcheck.studies import clipping_gap
from convcheck.reference import optimizers
from convcheck.reference import run as reference_run


def cli(*args):
    return subprocess.run([sys.executable, "-m", "convcheck", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("clipping_gap")
    p = cli("study", "clipping-gap", "--quick", "--out", str(out), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    return out, json.loads(p.stdout), json.loads((out / "clipping_gap.json").read_text())


def row(full, key, R):
    (r,) = [r for r in full["rows"] if r["objective"] == key and r["R"] == R]
    return r


def test_cli_writes_plot_and_json_with_the_documented_keys(quick):
    out, summary, full = quick
    assert (out / "clipping_gap.png").stat().st_size > 20_000
    assert {"study", "quick", "config", "versions", "conventions", "threshold", "eps", "objectives", "rows",
            "fits", "checks", "files", "seconds"} <= set(full)
    assert full["quick"] is True and full["threshold"] == 1e-6 and full["config"]["budget"] == clipping_gap.QUICK.budget
    assert set(full["objectives"]) == {"A", "B", "C"}
    assert {"rows", "fits", "checks", "files"} <= set(summary) and summary["files"] == full["files"]
    assert str(out / "clipping_gap.json") in full["files"] and str(out / "clipping_gap.png") in full["files"]
    cfg = clipping_gap.QUICK
    assert len(full["rows"]) == sum(len(v) for v in cfg.R.values())
    for r in full["rows"]:
        assert {"objective", "R", "h_max", "K_LB", "gd", "clipped", "framework", "card", "vs_card"} <= set(r)
        assert {"fractions", "lr", "hit", "diverged_at", "lower_bound", "status", "never_beats_K_LB"} <= set(r["gd"])
        assert len(r["gd"]["hit"]) == len(clipping_gap.GD_FRACTIONS)
        assert r["framework"]["nu"] == list(clipping_gap.NUS) and len(r["framework"]["hit"]) == 3
    for key in ("A", "B", "C"):
        assert {"log_K_LB", "clipped_vs_R", "clipped_slope_theory", "gap_K_LB_over_clipped"} <= set(full["fits"][key])


def test_clipped_gd_equals_the_card(quick):
    _, _, full = quick
    assert row(full, "A", 10)["clipped"]["hit"] == 157
    assert row(full, "C", 10)["clipped"]["hit"] == 391
    # the framework rows and the constants too; nu = 0 is clipped GD
    for r in full["rows"]:
        assert r["vs_card"]["clipped_and_framework_exact"], r["vs_card"]
        assert r["vs_card"]["constants_6_digits"], r["vs_card"]
        assert r["framework"]["hit"][0] == r["clipped"]["hit"]
    assert full["checks"]["clipped_and_framework_match_card"] and full["checks"]["gd_within_tolerance_of_card"]


def test_gd_never_beats_the_witness_lower_bound(quick):
    _, _, full = quick
    ran = 0
    for r in full["rows"]:
        g = r["gd"]
        for f, h, lb in zip(g["fractions"], g["hit"], g["lower_bound"]):
            if h is None:
                continue
            ran += 1
            assert f < 1  # above h_max GD never reaches eps (Proposition (i))
            assert h >= r["K_LB"] and h >= lb - 1e-9, (r["objective"], r["R"], f, h, r["K_LB"], lb)
        assert g["diverged_at"][-1] is not None  # 1.01 h_max diverges
    assert ran >= 10 and full["checks"]["gd_never_beats_K_LB"]


def test_gd_check_is_falsifiable():
    """The bound property could fail: a step below h_max that is not fixed (a lucky 1-D step without the
    witness) finishes far below K_LB, and the same reading of hitting times would say so."""
    obj = clipping_gap.objectives()["B"]
    R = 10.0
    x0 = obj.witness_start(R)
    x0[0, obj.m] = 1e-4  # witness nearly at its minimiser: nothing left to slow GD down
    tr = reference_run(optimizers.get("gd"), obj, x0, 50, {"lr": 1.0 / R**2}, thresholds=[clipping_gap.THRESHOLD])
    hit = int(tr.hitting_times[clipping_gap.THRESHOLD][0])
    assert 0 <= hit < obj.K_LB(clipping_gap.EPS, R)


def test_chunked_runner_equals_one_run():
    obj = clipping_gap.objectives()["C"]
    R = 10.0
    hm = obj.h_max(R)
    lrs = np.array([0.5, 0.9, 0.99, 1.01])[:, None] * hm
    x0 = np.repeat(obj.witness_start(R), 4, axis=0)
    got = clipping_gap._chunked(optimizers.get("gd"), obj, x0, {"lr": lrs}, 5000)
    tr = reference_run(optimizers.get("gd"), obj, x0, 2000, {"lr": lrs}, thresholds=[clipping_gap.THRESHOLD])
    assert got["hit"].tolist() == tr.hitting_times[clipping_gap.THRESHOLD].tolist()
    assert got["diverged_at"][-1] == tr.diverged_at[-1] >= 0
