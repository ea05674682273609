"""The studies (convcheck/studies): the CLI writes plots and a JSON with the documented keys, the
regime classifier classifies constructed curves as its rules say, the studies' batches (run by
reference.run, the one loop) equal their runs one at a time, and runs are reproducible from their seeds."""
import json
import subprocess
import sys

import numpy as np
import pytest

from convcheck import studies
from convcheck.studies import adam_regimes, common, de2018
from convcheck.studies.adam_regimes import CLASSES, cell_class, classify
from convcheck.reference import optimizers, run
from convcheck.reference.objectives import Autoencoder, TeacherStudent
from convcheck.reference.oracles import Minibatch


def cli(*args):
    return subprocess.run([sys.executable, "-m", "convcheck", *args], capture_output=True, text=True, timeout=300)


# ---------------------------------------------------------------------------------------------
# the commands, at --quick size


@pytest.fixture(scope="module")
def de_quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("de2018")
    p = cli("study", "de2018", "--quick", "--out", str(out), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    return out, json.loads(p.stdout), json.loads((out / "de2018.json").read_text())


@pytest.fixture(scope="module")
def regimes_quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("regimes")
    p = cli("study", "adam-regimes", "--quick", "--out", str(out))
    assert p.returncode == 0, p.stdout + p.stderr
    return out, p.stdout, json.loads((out / "adam_regimes.json").read_text())


def test_de2018_cli_writes_plots_and_json_with_the_documented_keys(de_quick):
    out, summary, full = de_quick
    cfg = de2018.QUICK
    assert {"study", "config", "versions", "checkpoints", "experiments", "claims", "files", "seconds"} <= set(full)
    assert full["config"]["seeds"] == list(cfg.seeds) and {"numpy", "python"} <= set(full["versions"])
    assert set(full["claims"]) >= {"E1", "E2", "E3_grad", "E3_eig", "per_experiment"}
    assert all(isinstance(full["claims"][k]["reproduces"], bool) for k in ("E1", "E2", "E3_grad", "E3_eig"))
    # one experiment per architecture x batch size, one plot each, and the JSON itself
    assert len(full["experiments"]) == len(cfg.architectures) * len(cfg.batch_sizes)
    pngs = sorted(out.glob("de2018_*.png"))
    assert len(pngs) == len(full["experiments"]) and all(p.stat().st_size > 20_000 for p in pngs)
    assert summary["files"] == full["files"] and str(out / "de2018.json") in summary["files"]
    for e in full["experiments"]:
        rows = e["rows"]
        assert [r["label"] for r in rows] == [f"NAG mu={m:g}" for m in cfg.nag_momenta] + \
            [f"Adam beta1={b:g}" for b in cfg.adam_beta1]
        for r in rows:
            grid = cfg.adam_lrs if r["optimizer"] == "adam" else [c * (1 - r["group"]) for c in cfg.nag_c]
            assert min(abs(r["lr"] - g) for g in grid) < 1e-15  # the tuned lr is one of the grid's
            # tuned = the grid point with the smallest median final train loss of its group
            group = [g for g in e["grids"][r["optimizer"]]
                     if g["momentum" if r["optimizer"] == "nag" else "beta1"] == r["group"]]
            assert r["median_final_train"] == min(g["median_final_train"] for g in group)
            assert len(r["lambda_min"]) == len(cfg.seeds) and len(r["lambda_min"][0]) == len(full["checkpoints"])
            assert r["median_min_grad_norm"] <= np.median(r["final_grad_norm"]) + 1e-15
        # Lanczos Ritz values lie inside the spectrum: its lambda_min is never below the dense one
        assert e["lanczos_check"]["rows"] >= 1 and e["lanczos_check"]["lanczos_is_upper_bound"]


def test_adam_regimes_cli_writes_the_phase_diagram_and_json(regimes_quick):
    out, stdout, full = regimes_quick
    cfg = adam_regimes.QUICK
    assert (out / "adam_regimes_phase.png").stat().st_size > 20_000
    assert (out / "adam_regimes_curves.png").stat().st_size > 20_000
    assert {"config", "thresholds", "versions", "cells", "runs", "verdict", "objective", "files"} <= set(full)
    head = studies.summary("adam-regimes", full)  # what --json prints: the cells, not the per-run curves
    assert head["study"] == "adam-regimes" and head["cells"] == full["cells"] and "runs" not in head
    json.dumps(head, allow_nan=False)
    assert full["thresholds"] == adam_regimes.THRESHOLDS
    assert len(full["cells"]) == len(cfg.beta1) * len(cfg.beta2)
    assert len(full["runs"]) == len(full["cells"]) * len(cfg.seeds)
    for c in full["cells"]:
        assert c["class"] in CLASSES and c["class"] == cell_class(c["run_classes"])
        assert c["a"] == pytest.approx((1 - c["beta2"]) / cfg.lr) and c["b"] == pytest.approx((1 - c["beta1"]) / cfg.lr)
    assert full["verdict"]["smoother_when_close"] in ("holds", "partly", "does not hold")
    assert "smoother when beta1 is close to beta2" in stdout and "final loss" in stdout


def test_study_names_are_checked_and_the_run_command_knows_bounded_noise_and_no_L(capsys):
    from convcheck.cli import main

    with pytest.raises(SystemExit) as e:
        main(["study", "nope"])
    assert e.value.code == 2 and "invalid choice" in capsys.readouterr().err
    assert main(["run", "--oracle", "bounded", "--tau", "0.5", "--steps", "3", "--runs", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["oracle"] == "bounded(tau=0.5)"
    assert main(["run", "--oracle", "bounded", "--tau", "-1", "--steps", "3"]) == 2
    assert "tau must be" in capsys.readouterr().err
    assert main(["run", "--objective", "autoencoder", "--steps", "3", "--runs", "2", "--json"]) == 0  # no L
    assert json.loads(capsys.readouterr().out)["hyperparameters"]["lr"] == 0.01


# ---------------------------------------------------------------------------------------------
# the regime classifier on constructed curves


T = 2000
t = np.arange(T + 1)


def _spikes(base, at, decades, rise=40, fall=100):
    """base with excursions: from each start in ``at``, log10 L climbs ``decades`` over ``rise`` steps
    and comes back over ``fall`` steps."""
    lg = np.log10(base).copy()
    for a in at:
        up = np.arange(rise)
        lg[a:a + rise] += decades * up / rise
        down = np.arange(fall)
        lg[a + rise:a + rise + fall] += decades * (1 - down / fall)
    return 10.0 ** lg


CURVES = {
    "smooth": [np.exp(-t / 400.0),  # steady descent
               np.maximum(np.exp(-t / 50.0), 1e-6)],  # descent, then a plateau
    "oscillating": [np.exp(-t / 100.0) + 1e-4 * (1 + 0.9 * (-1.0) ** t),  # period 2 around a floor
                    1e-5 * 10.0 ** (0.75 * np.sin(2 * np.pi * t / 30.0)) + np.exp(-t / 50.0),  # 1.5-decade swings
                    np.exp(-t / 300.0) * 10 ** (0.2 * np.sin(2 * np.pi * t / 200.0))],  # wavy descent
    "spiking": [_spikes(np.exp(-t / 200.0) + 1e-12, [1100, 1500, 1800], 5.0),
                _spikes(1e-6 * np.exp(-t / 1000.0), [1200], 2.5, rise=30)],
    "diverging": [np.where(t < 1500, np.exp(-t / 100.0), np.nan),  # NaN from step 1500
                  np.exp(-t / 100.0) + 1e-3 * np.exp(np.maximum(t - 800, 0) / 100.0),  # grows past the start
                  np.where(t < 800, np.exp(-t / 100.0), 0.7)],  # back to 0.7 x initial: training undone
}


@pytest.mark.parametrize("expected, k", [(c, k) for c, curves in CURVES.items() for k in range(len(curves))])
def test_classifier_on_constructed_curves(expected, k):
    res = classify(CURVES[expected][k])
    assert res["class"] == expected, res


def test_classifier_thresholds_are_the_stated_ones():
    # a climb of 1.9 decades is an oscillation, 2.1 a spike (spike_decades = 2)
    base = 1e-6 * np.ones(T + 1)
    base[:50] = np.geomspace(1.0, 1e-6, 50)
    assert classify(_spikes(base, [1500], 1.9))["class"] != "spiking"
    assert classify(_spikes(base, [1500], 2.1))["class"] == "spiking"
    # the climb is measured after a 9-step moving average: a single-step jump of 5 decades climbs 5/9 only
    jump = base.copy()
    jump[1500] *= 1e5
    assert classify(jump)["climb_decades"] == pytest.approx(5 / 9, rel=1e-6)
    assert classify(jump)["class"] != "spiking"
    # the rule counts climbs, whatever the shape: slow waves climbing 3 decades are spikes by it
    assert classify(1e-5 * 10.0 ** (1.5 * np.sin(2 * np.pi * t / 30.0)) + np.exp(-t / 50.0))["class"] == "spiking"
    with pytest.raises(ValueError, match="1-d curve"):
        classify([1.0, 2.0])


def test_cell_class_is_the_majority_with_ties_to_the_more_severe():
    assert cell_class(["smooth", "oscillating", "oscillating"]) == "oscillating"
    assert cell_class(["oscillating", "spiking", "smooth"]) == "spiking"
    assert cell_class(["diverging", "spiking"]) == "diverging"


# ---------------------------------------------------------------------------------------------
# the studies' use of the one loop (reference.run): a Batch's columns, per-seed starts and streams


def test_batched_equals_one_at_a_time_with_minibatches():
    """As de2018 runs it: settings x seeds in one batch, minibatches from per-seed streams, the test loss
    read off checkpointed iterates. Each run's numbers are those of the run alone."""
    obj = Autoencoder(n=32, p=8, hidden=(4,), n_test=16)
    settings = [{"momentum": 0.9, "lr": 0.05}, {"momentum": 0.5, "lr": 0.2}]
    seeds = [3, 7]
    steps = 30

    def go(batch):
        seeds = batch.run_seeds()
        return run(optimizers.get("nag"), obj, common.initial_points(obj, seeds), steps, hp=batch.columns(),
                   oracle=Minibatch(4), seed=1, run_seeds=seeds, record=[0, 10, 30], checkpoints=[5, 10, 30])

    full = go(common.Batch(settings, seeds))
    for i, s in enumerate(settings):
        for j, seed in enumerate(seeds):
            one = go(common.Batch([s], [seed]))
            r = i * len(seeds) + j
            np.testing.assert_allclose(one.f[:, 0], full.f[:, r], rtol=1e-12, atol=0)
            np.testing.assert_allclose(obj.test_value(one.iterates[:, 0]), obj.test_value(full.iterates[:, r]),
                                       rtol=1e-12, atol=0)
            np.testing.assert_allclose(one.iterates[:, 0], full.iterates[:, r], rtol=1e-11, atol=1e-14)
            assert one.min_grad_sq[-1, 0] == pytest.approx(full.min_grad_sq[-1, r], rel=1e-12)
    # the hyperparameter columns really differ per run: the two settings give different trajectories
    assert not np.allclose(full.f[-1, 0], full.f[-1, 2])


def test_runs_are_reproducible_from_their_seeds():
    obj = TeacherStudent(n=16, p=4, hidden=6, teacher=2)

    def go(seeds):
        batch = common.Batch([{"beta1": 0.9, "beta2": 0.999}], seeds)
        return run(optimizers.get("adam"), obj, common.initial_points(obj, batch.run_seeds()), 40,
                   hp=batch.columns({"lr": 1e-2}), record=range(41)).f

    a, b = go([0, 1]), go([0, 1])
    assert np.array_equal(a, b)
    assert not np.array_equal(go([0, 2])[:, 1], a[:, 1])  # a different seed: a different start


def test_a_diverged_run_is_recorded_not_raised():
    obj = TeacherStudent(n=16, p=4, hidden=6, teacher=2)
    batch = common.Batch([{"momentum": 0.9, "lr": 1e-3}, {"momentum": 0.9, "lr": 1e6}], [0])
    tr = run(optimizers.get("nag"), obj, common.initial_points(obj, [0, 0]), 200, hp=batch.columns(),
             record=range(201), checkpoints=[200])
    assert tr.diverged_at[0] == -1 and tr.diverged_at[1] > 0
    assert np.isnan(tr.f[tr.diverged_at[1]:, 1]).all() and np.isfinite(tr.f[:, 0]).all()
    assert np.isnan(tr.iterates[0, 1]).all()
    # and what the studies compute on a diverged run's iterates is NaN, not an error
    assert np.isnan(common.min_eigenvalues(Autoencoder(n=8, p=4, hidden=(2,)), np.full((1, 22), np.nan), 5)).all()


# ---------------------------------------------------------------------------------------------
# pieces


def test_trend_and_tau_helpers():
    assert de2018._kendall_tau([1, 2, 3, 4]) == 1.0 and de2018._kendall_tau([4, 3, 2, 1]) == -1.0
    # [1, 2, 2, 3] against its index: 5 concordant pairs, 0 discordant, 1 tied in y; tau-b = 5 / sqrt(6 * 5)
    assert de2018._kendall_tau([1, 2, np.nan, 2, 3]) == pytest.approx(5 / np.sqrt(30), rel=1e-12)
    assert np.isnan(de2018._kendall_tau([2.0, 2.0, 2.0])) and np.isnan(de2018._kendall_tau([1.0]))
    tr = de2018._trend(np.array([0, 10, 100, 1000]), np.array([-2.0, -1.0, -0.5, -0.1]), late_from=100)
    assert tr["increasing"] and tr["late_increasing"] and tr["change"] == pytest.approx(1.9)
    tr = de2018._trend(np.array([0, 10, 100, 1000]), np.array([-2.0, -0.1, -0.2, -0.3]), late_from=100)
    assert tr["increasing"] is False and tr["late_increasing"] is False  # up early, then down: tau = 0


def test_line_fit_is_least_squares_on_the_finite_pairs():
    x = np.array([0.0, 1.0, 2.0, 3.0, np.nan, 5.0])
    f = common.line_fit(x, 7.0 - 2.0 * x)
    assert f["slope"] == pytest.approx(-2.0) and f["intercept"] == pytest.approx(7.0)
    assert f["r2"] == pytest.approx(1.0) and f["slope_stderr"] == pytest.approx(0.0, abs=1e-12) and f["points"] == 5
    y = np.array([1.0, 2.5, 2.0, 4.5, 4.0])  # off the line: r2 = r^2 and SE(slope) = sqrt(RSS / (n - 2) / Sxx)
    x = np.arange(5.0)
    b, a = np.cov(x, y, ddof=0)[0, 1] / x.var(), y.mean() - np.cov(x, y, ddof=0)[0, 1] / x.var() * x.mean()
    se = np.sqrt(((y - a - b * x) ** 2).sum() / 3 / ((x - x.mean()) ** 2).sum())
    f = common.line_fit(x, y)
    assert f["slope"] == pytest.approx(b) and f["intercept"] == pytest.approx(a) and f["slope_stderr"] == pytest.approx(se)
    assert f["r2"] == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2)
    assert common.line_fit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])["slope"] is None  # one x: no line
    assert common.line_fit([1.0, np.inf], [1.0, 2.0])["slope"] is None


def test_spearman_averages_tied_ranks_and_both_studies_use_it():
    """x = [1, 2, 2, 3, 4] has average ranks [1, 2.5, 2.5, 4, 5]; y = [1, 3, 2, 4, 4] has [1, 3, 2, 4.5, 4.5]:
    rho is Pearson's r of those ranks, scipy's tie-corrected value. The smoothness study ranked ties in
    order of appearance and so disagreed with the regimes study; both now give this one number."""
    from scipy import stats

    from convcheck.studies import smoothness_scatter

    x, y = np.array([1.0, 2.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 4.0, 4.0])
    rho = np.corrcoef([1, 2.5, 2.5, 4, 5], [1, 3, 2, 4.5, 4.5])[0, 1]
    assert common.correlation(x, y, rank=True) == pytest.approx(rho, rel=1e-12)
    assert rho == pytest.approx(stats.spearmanr(x, y).statistic, rel=1e-12)
    assert smoothness_scatter.fit(x, y)["spearman"] == pytest.approx(rho, rel=1e-12)
    cells = [{"delta": d, "median_amplitude_decades": a, "median_final": 1.0, "beta1": 0.9, "beta2": 0.9 + i / 100,
              "class": "smooth"} for i, (d, a) in enumerate(zip(x, y))]
    runs = [{"delta": c["delta"], "class": "smooth", "amplitude_decades": 0.1, "final": 1.0} for c in cells]
    assert adam_regimes._verdict(cells, runs)["spearman_delta_vs_amplitude"] == pytest.approx(rho, rel=1e-12)
    assert np.isnan(common.correlation([1.0, 2.0, 3.0], [5.0, 5.0, 5.0], rank=True))  # constant: undefined
    assert np.isnan(common.correlation([1.0, 2.0, np.nan], [1.0, 2.0, 3.0]))  # 2 finite pairs: too few


def test_claims_follow_the_stated_rules():
    def row(opt, group, train, test, grad):
        return {"label": f"{opt}{group}", "optimizer": opt, "group": group, "median_final_train": train,
                "median_final_test": test, "median_min_grad_norm": grad, "final_train": [train], "final_test": [test],
                "lambda_min_trend": {"increasing": True, "late_increasing": opt == "nag"}}

    def exp(adam99, adam90, nag):
        return {"label": "x", "rows": [row("nag", 0.9, *nag), row("adam", 0.9, *adam90), row("adam", 0.99, *adam99)]}

    # Adam 0.99 wins train and test in 2 of 3 experiments; NAG beats Adam 0.9 in one; NAG's gradient smaller in 1
    c = de2018._claims([exp((1, 1, 5), (2, 2, 5), (3, 3, 1)), exp((1, 1, 1), (2, 2, 1), (3, 3, 5)),
                        exp((3, 1, 1), (2, 4, 1), (2, 2, 5))])
    assert c["E1"]["experiments_where_adam099_wins_train_and_test"] == 2 and c["E1"]["reproduces"]
    assert c["E2"]["experiments_where_nag_beats_adam090"] == 1 and c["E2"]["reproduces"]
    assert c["E3_grad"]["experiments_where_nag_has_smaller_min_grad_norm"] == 1 and not c["E3_grad"]["reproduces"]
    assert c["E3_eig"]["reproduces"] and c["E3_eig"]["distinctive_of_nag_late"]
