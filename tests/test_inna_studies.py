"""The INNA studies (convcheck/studies/inna_toy.py, inna_relu.py) at --quick size: the JSON fields exist
and are finite; on the toy the (0.5, 0.01) run oscillates more across the valley than (0.5, 0.1) (the
paper's claim, measured by the total variation of theta2 - |theta1|) and the hysteresis counters count
what they say; on the ReLU net the D-criticality values are >= 0, exact (no kink active) and equal to
|grad J| there, and every method's median loss decreases from the start; the CLI runs the toy."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from convcheck.studies import inna_relu, inna_toy
from convcheck.reference import objectives


def cli(*args):
    return subprocess.run([sys.executable, "-m", "convcheck", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    out = tmp_path_factory.mktemp("inna_toy")
    p = cli("study", "inna-toy", "--quick", "--out", str(out), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    return out, json.loads(p.stdout), json.loads((out / "inna_toy.json").read_text())


@pytest.fixture(scope="module")
def relu(tmp_path_factory):
    out = tmp_path_factory.mktemp("inna_relu")
    return out, inna_relu.run(out, quick=True), json.loads((out / "inna_relu.json").read_text())


def _finite(v):
    if isinstance(v, (list, tuple)):
        return all(_finite(x) for x in v)
    return v is not None and math.isfinite(v)


def test_toy_cli_writes_plot_and_json(toy):
    out, summary, full = toy
    assert (out / "inna_toy.png").stat().st_size > 20_000
    assert {"study", "quick", "config", "versions", "conventions", "inits", "verdict", "files", "seconds"} <= set(full)
    assert full["quick"] is True and full["config"]["steps"] == inna_toy.QUICK.steps
    assert summary["files"] == full["files"] and summary["verdict"] == full["verdict"]
    for psi0 in inna_toy.PSI0:
        rows = full["inits"][psi0]["rows"]
        assert [[r["alpha"], r["beta"]] for r in rows] == [list(ab) for ab in inna_toy.QUICK.runs]
        for r in rows:
            for k in ("transverse_tv", "late_max_abs_r", "overshoot", "final_dist", "final_J", "final_theta"):
                assert _finite(r[k]), (psi0, k, r[k])
            assert r["transverse_reversals"] >= 0 and r["crossings"] >= 0
        assert len(full["inits"][psi0]["path"]) == 3


def test_toy_transverse_oscillation_decreases_with_beta(toy):
    _, _, full = toy
    for psi0 in inna_toy.PSI0:
        rows = {(r["alpha"], r["beta"]): r for r in full["inits"][psi0]["rows"]}
        assert rows[(0.5, 0.01)]["transverse_tv"] > 2 * rows[(0.5, 0.1)]["transverse_tv"]
        assert full["inits"][psi0]["claims"]["transverse_decreases_with_beta"]["holds"] is True


def test_toy_first_step_is_a_gradient_step_and_measures_match_the_path():
    cfg = inna_toy.Config(steps=50, runs=((0.5, 0.1),))
    path = inna_toy.trajectory(cfg, "paper")
    obj = objectives.get("inna_toy")
    x0 = np.array([[-1.0, 1.5]])
    np.testing.assert_allclose(path[1, 0], (x0 - 1e-4 * obj.grad(x0))[0], rtol=1e-12)  # psi0 = paper (card 1.10)
    np.testing.assert_allclose(path[1, 0], [-1.0099, 1.49], rtol=1e-12)
    m = inna_toy.measures(path, cfg)[0]
    r = path[:, 0, 1] - np.abs(path[:, 0, 0])
    assert m["transverse_tv"] == pytest.approx(np.abs(np.diff(r)).sum())
    assert m["final_dist"] == pytest.approx(np.linalg.norm(path[-1, 0] - 1))


def test_hysteresis_counters():
    v = np.array([0, 1, 0, 1, 0, 1.0])
    assert inna_toy._reversals(v, 0.5) == 4
    assert inna_toy._reversals(v, 2.0) == 0  # swings below the threshold are not counted
    assert inna_toy._reversals(np.array([0, 1, 0.99, 1.01, 2]), 0.1) == 0
    assert inna_toy.crossings(np.array([0.5, 1.0005, 0.9995, 1.5, 0.5]), 1.0, 1e-3) == 2


def test_relu_fields_finite_and_D_criticality_nonnegative(relu):
    out, result, full = relu
    assert (out / "inna_relu.png").stat().st_size > 20_000
    assert {"study", "quick", "config", "versions", "conventions", "grid", "selected", "kinks", "verdict", "files",
            "seconds", "record_steps"} <= set(full)
    labels = [s["label"] for s in full["selected"]]
    assert labels == ([f"inna q={q:g}" for q in inna_relu.QUICK.qs] + [f"inna_code q={q:g}" for q in inna_relu.QUICK.qs]
                      + [f"sgd q={q:g}" for q in inna_relu.QUICK.qs] + ["adam"])
    assert full["kinks"]["inexact_records"] == 0 and full["kinks"]["records"] > 0
    for s in full["selected"]:
        assert s["diverged"] == 0
        for key in ("J_mean", "D"):
            for band in ("median", "min", "max"):
                assert _finite(s[key][band]) and min(s[key][band]) >= 0
        assert _finite(s["final_J"]) and _finite(s["final_D"]) and s["median_final_D"] >= 0
        assert s["median_final_J_mean"] < np.median(s["J0"]) / full["config"]["n"]  # the loss decreased
        assert s["gamma0"] in full["config"]["grids"][s["method"]]


def test_relu_D_criticality_is_the_gradient_norm_off_kinks():
    obj = objectives.get("relu_net", n=64, p=2, m=8, seed=0)
    X = np.concatenate([obj.initial_points(1, seed=s) for s in range(4)])
    assert not obj.kinks(X).any()
    np.testing.assert_allclose(obj.d_criticality(X), np.linalg.norm(obj.grad(X), axis=1), rtol=1e-12)
