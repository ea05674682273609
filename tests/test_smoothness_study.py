"""The smoothness study (convcheck/studies/smoothness_scatter.py) at --quick size: the CLI writes the
plot and the JSON with its documented keys; every secant on the objectives with published (L0, L1)
lies below the certified envelope A(L1 r)(L0 + L1 g) (recomputed here independently), and the check
would catch wrong constants; the local smoothness increases with the gradient norm on cosh; the fit
and the dropping of rounding-level secants do what they say."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from convcheck.studies import smoothness_scatter as study
from convcheck.reference import optimizers, run
from convcheck.reference.objectives import get
from convcheck.reference.smoothness import local_smoothness


def cli(*args):
    return subprocess.run([sys.executable, "-m", "convcheck", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("smoothness")
    p = cli("study", "smoothness", "--quick", "--out", str(out), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    return out, json.loads(p.stdout), json.loads((out / "smoothness.json").read_text())


def test_cli_writes_plot_and_json_with_the_documented_keys(quick):
    out, summary, full = quick
    assert (out / "smoothness.png").stat().st_size > 20_000
    assert {"study", "quick", "config", "versions", "conventions", "objectives", "verdict", "files",
            "seconds"} <= set(full)
    assert full["study"] == "smoothness" and full["quick"] is True
    assert full["config"]["steps"] == study.QUICK.steps
    assert set(full["objectives"]) == set(study.OBJECTIVES)
    assert {"objectives", "verdict", "files"} <= set(summary) and summary["files"] == full["files"]
    assert str(out / "smoothness.json") in full["files"] and str(out / "smoothness.png") in full["files"]
    for name, res in full["objectives"].items():
        assert {"objective", "constants", "optimizers", "fit", "fit_hessian"} <= set(res)
        assert {"L0_fit", "L1_fit", "pearson", "pearson_loglog", "spearman", "points"} <= set(res["fit"])
        assert set(res["optimizers"]) == set(study.OPTIMIZERS)
        runs = len(study.QUICK.ae_radii if name == "autoencoder" else study.QUICK.radii) * len(study.QUICK.seeds)
        for o, r in res["optimizers"].items():
            assert {"hyperparameters", "diverged", "runs", "undefined", "unresolved", "fit", "hessian",
                    "points_sample"} <= set(r)
            assert r["runs"] == runs and r["diverged"] == 0
            # every step is a point, a dropped undefined one or a dropped unresolved one
            assert r["fit"]["points"] + r["undefined"] + r["unresolved"] == runs * study.QUICK.steps
            assert ("envelope" in r) == (name in study.KNOWN)
        if name in study.KNOWN:
            assert res["constants"] == {k: get(name, d=2).constants[k] for k in ("L0", "L1")}
            assert {"worst_ratio_certified", "violations_certified", "worst_ratio_plain", "exceed_plain",
                    "max_c"} <= set(res["envelope"])
        else:
            assert res["constants"] is None and "envelope" not in res


def test_every_point_lies_below_the_certified_envelope(quick):
    _, _, full = quick
    assert full["verdict"]["certified_bound_holds"] and full["verdict"]["hessian_definition_holds"]
    checked = 0
    for name in study.KNOWN:
        res = full["objectives"][name]
        L0, L1 = res["constants"]["L0"], res["constants"]["L1"]
        for o, r in res["optimizers"].items():
            e = r["envelope"]
            assert e["violations_certified"] == 0 and e["worst_ratio_certified"] <= 1 + study.TOL, (name, o, e)
            # Definition 1 itself at the sampled points: ||Hessian|| <= L0 + L1 g (exact Lanczos, d = 2)
            assert r["hessian"]["exact"] and r["hessian"]["hessian_over_L0_L1g_max"] <= 1 + study.TOL
            # recomputed here from the JSON's points: L_hat <= (e^{L1 r} - 1)/L1 (L0 + L1 g) / r
            s = r["points_sample"]
            for g, L, rr in zip(s["g"], s["L_hat"], s["r"]):
                bound = math.expm1(L1 * rr) / (L1 * rr) * (L0 + L1 * g)
                assert L <= bound * (1 + study.TOL), (name, o, g, L, rr)
                checked += 1
        # the plain bound L0 + L1 g, reported: whenever it is exceeded, the factor A(c) > 1 is what saves it
        w = res["envelope"]["worst_plain_at"]
        if res["envelope"]["exceed_plain"]:
            assert w["A"] > res["envelope"]["worst_ratio_plain"] > 1
    assert checked >= 200


def test_the_envelope_check_catches_wrong_constants_and_needs_A():
    cosh = get("cosh", d=2)
    x0 = study.starts(cosh, (3.0, 8.0), (0, 1))
    tr = run(optimizers.get("gd"), cosh, x0, 40, hp={"lr": 1e-3}, checkpoints=range(41))
    p = study.points(cosh, tr.iterates, study.DEFAULT_FRACTIONS)
    assert study.envelope(p, 1.0, 1.0)["violations_certified"] == 0
    assert study.envelope(p, 1.0, 0.5)["violations_certified"] > 0  # L1 too small: caught
    # one 1-D cosh step from 0 to 2: the secant sinh(2)/2 = 1.81 exceeds L0 + L1 |f'(0)| = 1, and stays below
    # A(2) (L0 + L1 * 0) = (e^2 - 1)/2 = 3.19 (A is tight on cosh, card 9.2)
    c1 = get("cosh", d=1)
    L = float(local_smoothness(c1, np.zeros((1, 1)), np.full((1, 1), 2.0), fractions=(1.0,))[0])
    assert L == pytest.approx(math.sinh(2) / 2)
    e = study.envelope({"g": np.array([0.0]), "L": np.array([L]), "r": np.array([2.0])}, 1.0, 1.0)
    assert e["exceed_plain"] == 1 and e["violations_certified"] == 0
    assert e["worst_ratio_certified"] == pytest.approx(math.sinh(2) / math.expm1(2))


def test_local_smoothness_increases_with_gradient_norm_on_cosh(quick):
    """1-D cosh, GD at a safe step from u0 = 6: u_t decreases, and L_hat_t = the mean of cosh over
    [u_t - h sinh(u_t)/4, u_t] (the s = 1/4 fraction wins, cosh increasing), both ends decreasing in t
    when h cosh(u) < 4. So L_hat is a strictly increasing function of g = sinh(u_t): Spearman exactly 1."""
    c1 = get("cosh", d=1)
    h = 0.5 / (1 + math.sinh(6.0))
    tr = run(optimizers.get("gd"), c1, np.array([[6.0]]), 300, hp={"lr": h}, checkpoints=range(301))
    p = study.points(c1, tr.iterates, study.DEFAULT_FRACTIONS)
    order = np.argsort(p["g"])
    assert p["g"].size == 300 and np.all(np.diff(p["L"][order]) > 0)
    assert study.fit(p["g"], p["L"])["spearman"] == pytest.approx(1.0)
    # and in the study's 2-D runs, for every optimizer and pooled
    _, _, full = quick
    res = full["objectives"]["cosh"]
    assert res["fit"]["spearman"] > 0.9 and res["fit"]["pearson_loglog"] > 0.5
    assert all(r["fit"]["spearman"] > 0.5 for r in res["optimizers"].values())
    assert full["verdict"]["correlation_positive"]["cosh"]


def test_autoencoder_fit_is_reported(quick):
    _, _, full = quick
    res = full["objectives"]["autoencoder"]
    f = res["fit"]
    assert f["points"] > 100 and math.isfinite(f["L0_fit"]) and math.isfinite(f["L1_fit"])
    assert all(-1 <= f[k] <= 1 for k in ("pearson", "pearson_loglog", "spearman"))
    assert f["spearman"] > 0  # the paper's positive correlation, on our small autoencoder
    # the secant is a curvature along the step: never far above the Hessian norm at x_t
    for r in res["optimizers"].values():
        assert 0 < r["hessian"]["secant_over_hessian_median"] <= 1.5


def test_fit_recovers_a_line_and_the_correlations():
    g = np.geomspace(1e-3, 1e3, 50)
    f = study.fit(g, 0.5 + 2.0 * g)
    assert f["L0_fit"] == pytest.approx(0.5) and f["L1_fit"] == pytest.approx(2.0)
    assert f["pearson"] == pytest.approx(1.0) and f["spearman"] == pytest.approx(1.0)
    assert study.fit(g, 1.0 / g)["spearman"] == pytest.approx(-1.0)
    assert study.fit(g[:2], g[:2])["L1_fit"] is None  # too few points: no fit, no crash


def test_spearman_of_a_plateau_counts_the_ties():
    """L flat over the first four g then rising (a saturated smoothness estimate): tied values share
    their average rank, so rho = r([1..6], [2.5, 2.5, 2.5, 2.5, 5, 6]) < 1. Ranking ties in order of
    appearance, as the study once did, made this a perfect 1."""
    g, L = np.arange(1.0, 7.0), np.array([1.0, 1.0, 1.0, 1.0, 2.0, 3.0])
    rho = np.corrcoef(np.arange(1, 7), [2.5, 2.5, 2.5, 2.5, 5, 6])[0, 1]
    assert study.fit(g, L)["spearman"] == pytest.approx(rho, rel=1e-12) and rho < 0.9


def test_rounding_level_and_zero_steps_are_dropped_not_plotted():
    """On the Mexican hat's circle of minima the bound is attained (||Hessian|| = 2 = L0): a secant over a
    step of 1e-12 is rounding noise and is dropped (unresolved); a zero step has no secant (undefined)."""
    hat = get("mexican_hat", d=2)
    x = np.array([[1.0 + 1e-6, 0.0]])
    path = np.stack([x, x + 1e-12, x + 1e-12, x + 1e-12 + np.array([[1e-3, 0.0]])])  # (T + 1 = 4, R = 1, 2)
    p = study.points(hat, path, study.DEFAULT_FRACTIONS)
    assert p["unresolved"] == 1 and p["undefined"] == 1 and p["g"].size == 1
    assert p["L"][0] <= study.certified(p["g"], p["r"], 2.0, 3.0)[0]


def test_certified_is_A_times_the_plain_bound():
    g, r = np.array([0.0, 1.0, 10.0]), np.array([0.0, 0.1, 1.0])
    got = study.certified(g, r, 2.0, 3.0)
    want = [2.0] + [math.expm1(3 * ri) / (3 * ri) * (2 + 3 * gi) for gi, ri in zip(g[1:], r[1:])]
    assert got == pytest.approx(want)


def test_edge_of_stability_is_step_times_curvature():
    """On f = (L/2) x^2 the secant is exactly L, so GD at step h gives h_t L_hat_t = h L at every step,
    and clipped GD's clipped steps (|g| > clip) give lr clip L / |g_t|."""
    quad = get("quadratic", eigs=[4.0])
    x0 = np.array([[3.0]])
    tr = run(optimizers.get("gd"), quad, x0, 20, hp={"lr": 0.45}, checkpoints=range(21))
    p = study.points(quad, tr.iterates, study.DEFAULT_FRACTIONS)
    assert np.allclose(p["L"], 4.0) and study.edge_of_stability(p)["median"] == pytest.approx(1.8)
    tr = run(optimizers.get("clipped_gd"), quad, x0, 20, hp={"lr": 0.4, "clip": 1.0}, checkpoints=range(21))
    p = study.points(quad, tr.iterates, study.DEFAULT_FRACTIONS)
    e = study.edge_of_stability(p, clip=1.0)
    clipped = p["g"] > 1.0
    assert clipped.any() and e["median_clipped_steps"] == pytest.approx(np.median(0.4 * 4.0 / p["g"][clipped]))
