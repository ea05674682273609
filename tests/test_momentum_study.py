"""`convcheck study momentum`: GD, heavy ball and NAG runs against their certified bounds and PEP worst cases."""
from __future__ import annotations

import pytest

from convcheck import theory
from convcheck.studies import momentum
from convcheck.theory.evaluate import evaluate

from cli_support import call, strict_json

TINY = momentum.Config(momenta=(0.0, 0.5), seeds=3, horizons=(1, 2, 5, 20), pep_horizons=(1,))


@pytest.fixture(scope="module")
def no_pep(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setattr(momentum, "pep", None)
    yield momentum.run(tmp_path_factory.mktemp("m"), config=TINY)
    mp.undo()


def test_every_run_is_below_its_certified_bound(no_pep):
    for r in no_pep["rows"]:
        for title, m in r["measured"].items():
            assert m["diverged"] == 0
            assert all(v <= b for v, b in zip(m["max"], r["bound"])), (r["method"], r["momentum"], title)


def test_momentum_zero_is_gd_step_for_step(no_pep):
    gd = momentum._gd(no_pep)
    for r in no_pep["rows"]:
        if r["momentum"] == 0:
            assert r["L_lr"] == 1.0 and r["bound"] == pytest.approx(gd["bound"], rel=1e-12)
            assert r["measured"] == gd["measured"]


def test_the_normalised_bound_is_the_bound_at_L_and_Delta():
    # the study divides by L Delta once: each rate is L Delta times its value at L = Delta = 1 (same L lr)
    for method, mu in (("gd", 0.0), ("heavy_ball", 0.5), ("nag", 0.9)):
        tid, h, (unit,) = momentum.certified(method, mu, (7,))
        thm = theory.get(tid)
        values = {"L": "5/2", "Delta": 3, "lr": h / 2.5, **({"momentum": mu} if method != "gd" else {})}
        assert float(evaluate(thm, values, T=8).rate) == pytest.approx(7.5 * unit, rel=1e-9)


def test_without_pepit_the_pep_column_is_null_and_the_verdict_says_why(no_pep):
    assert not no_pep["pep_available"] and all(w is None for r in no_pep["rows"] for w in r["pep"])
    assert any("PEPit with Clarabel, is not installed" in v for v in no_pep["verdict"])
    # at the prescribed steps GD's bound is the smallest: momentum's 2 L Delta/(c T) has c_HB, c_NAG < c_GD
    assert no_pep["verdict"][0].startswith("certified bound: momentum's never below GD's")


def test_cli_quick_writes_strict_json_and_a_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(momentum, "pep", None)
    monkeypatch.setattr(momentum, "QUICK", TINY)
    rc, out, _ = call("study", "momentum", "--quick", "--out", tmp_path / "s", "--json")
    assert rc == 0
    data = strict_json(out)
    assert data["quick"] and len(data["rows"]) == 5 and data["rows"][0]["pep"] == [None] * 4
    assert (tmp_path / "s" / "momentum.png").stat().st_size > 10_000
    assert (tmp_path / "s" / "momentum.json").exists()


def test_with_pepit_runs_stay_below_the_worst_case(tmp_path, monkeypatch):
    pytest.importorskip("PEPit")
    pep = pytest.importorskip("convcheck.pep")
    if not pep.solver_installed():
        pytest.skip("the extra pep (PEPit with Clarabel) is not installed")
    monkeypatch.setattr(momentum, "pep", pep)
    cfg = momentum.Config(momenta=(0.5,), seeds=3, horizons=(1, 2), pep_horizons=(1,))
    res = momentum.run(tmp_path, config=cfg)
    for r in res["rows"]:
        (w, none) = r["pep"]
        assert none is None and r["bound"][0] >= w["value"] - w["tolerance"]
        # observed: the catalogue's runs stay below the class's worst case (Delta_r uses f_low <= f*)
        assert all(m["max"][0] <= w["value"] + w["tolerance"] for m in r["measured"].values())
    assert momentum._gd(res)["pep"][0]["value"] == pytest.approx(0.8, abs=1e-7)  # golden gd.smooth N = 1


def test_compare_draws_the_momentum_bounds_where_their_conditions_hold(tmp_path):
    # cosine_sum: L = 2.955; heavy_ball.smooth needs lr < 2 (1 - momentum)/L = 0.0677 at momentum 0.9
    rc, out, _ = call("compare", "--steps", "20", "--seeds", "2", "--plot", tmp_path / "c.png", "--json")
    assert rc == 0
    bounds = {r["label"]: r["bounds"] for r in strict_json(out)["rows"]}
    assert bounds == {"gd": ["gd.smooth", "gd.smooth.pep"], "heavy_ball": ["heavy_ball.smooth"],
                      "nag": ["nag.smooth"]}
    rc, out, _ = call("compare", "--optimizers", "heavy_ball", "--set", "heavy_ball.lr=0.07", "--steps", "20",
                      "--seeds", "2", "--plot", tmp_path / "d.png", "--json")
    assert rc == 0 and strict_json(out)["rows"][0]["bounds"] == []
