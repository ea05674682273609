"""The certified GD/momentum bounds against PEP worst cases (convcheck.pep, `convcheck tightness`).

tests/golden/pep_values.json holds W(N), the PEP worst case of each theorem's measure on its class (L-smooth:
exact; L-smooth PL: PEPit's relaxation) and on smooth convex functions (exact, a reference), recorded by
tests/pep_values.py. Every PEP-feasible point satisfies the premises the proofs use (lsmooth.descent between
consecutive iterates, PL at the iterates, f(x_{N+1}) >= f*), so a certified bound below W(N) by more than the
solver's tolerance is a wrong proof, relaxed class or not. Without PEPit these tests read the JSON; with it, a few
values are recomputed.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import pytest

from convcheck import families, theory
from convcheck.commands import tightness
from convcheck.pep_classes import MEASURES
from convcheck.theory.evaluate import evaluate

from cli_support import call, strict_json

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "pep_values.json").read_text())
CASES = GOLDEN["cases"]


def _bound(case) -> float:
    """The theorem's certified rate at PEP's horizon (T = N + 1 for min_{0<=t<T}, which covers g_0..g_N)."""
    values = {k: Fraction(v).limit_denominator(10 ** 6) for k, v in case["values"].items()}
    ev = evaluate(families.as_bound(theory.get(case["theorem"])), values,
                  T=case["N"] + MEASURES[case["measure"]].horizon)
    assert ev.applies, (case, ev.failed_condition)
    return float(ev.rate)


def _id(case) -> str:
    return (f"{case['theorem']}-{case['class']}-N{case['N']}-"
            + "-".join(f"{k}{v:g}" for k, v in case["values"].items() if k not in ("L", "Delta", "gap")))


def _pep(theorem, pep_class, N, **values):
    (case,) = [c for c in CASES if c["theorem"] == theorem and c["class"] == pep_class and c["N"] == N
               and all(c["values"][k] == v for k, v in values.items())]
    return case


def test_golden_covers_every_tightness_theorem():
    own = {c["theorem"] for c in CASES if c["class"] != "convex"}
    assert own == set(tightness.covered()) == {"gd.smooth", "gd.smooth.pep", "heavy_ball.smooth", "nag.smooth",
                                               "gd.pl", "heavy_ball.pl"}
    assert {c["class"] for c in CASES} == {"smooth", "pl", "convex"}


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_certified_bound_is_at_least_the_pep_worst_case(case):
    # a bound below an exact worst case is a soundness bug: this must fail loudly, never be loosened
    assert _bound(case) >= case["pep"] - case["tolerance"], case


def test_pep_worst_case_does_not_grow_with_N():
    # min over g_0..g_{N+1} <= min over g_0..g_N, and the longer problem has more constraints: W(N+1) <= W(N)
    by_setting = {}
    for c in CASES:
        if c["measure"] == "min_grad_sq_before_T":
            by_setting.setdefault((c["theorem"], c["class"], tuple(sorted(c["values"].items()))), []).append(c)
    for runs in by_setting.values():
        runs.sort(key=lambda c: c["N"])
        for a, b in zip(runs, runs[1:]):
            assert b["pep"] <= a["pep"] + a["tolerance"] + b["tolerance"], (a, b)


def test_convex_worst_case_is_at_most_the_smooth_one():
    # smooth convex interpolation implies the nonconvex one and x* is a global minimiser: a subset of the points
    for c in CASES:
        if c["class"] == "convex":
            s = _pep(c["theorem"], "smooth", c["N"], **c["values"])
            assert c["pep"] <= s["pep"] + c["tolerance"] + s["tolerance"], (c, s)
    assert _pep("gd.smooth", "convex", 10, lr=1.0)["pep"] < 0.8 * _pep("gd.smooth", "smooth", 10, lr=1.0)["pep"]


def test_gd_smooth_pep_is_the_exact_worst_case():
    # gd.smooth.pep's claim: its bound 4 L (f_0 - f_N)/(N min(4h - h^2, 4h - h^3)) is attained for every N
    for c in CASES:
        if c["theorem"] == "gd.smooth.pep":
            assert _bound(c) == pytest.approx(c["pep"], abs=c["tolerance"] + 1e-8), c


def test_heavy_ball_first_step_is_gds():
    # d_0 = x_0 - x_{-1} = 0: one heavy-ball step is a GD step, on the PL class as on any other
    assert _pep("heavy_ball.pl", "pl", 1, lr=0.5, mu=0.1)["pep"] == pytest.approx(
        _pep("gd.pl", "pl", 1, lr=0.5, mu=0.1)["pep"], abs=1e-7)


def test_pl_bounds_are_linear_and_pep_is_below_them():
    # the relaxed PL PEP is an upper bound on the class's worst case, and yet every proof's premises hold at its
    # points: bound >= W is asserted for the PL cases too (in the test above); here the contraction shows
    for c in CASES:
        if c["class"] == "pl" and c["N"] > 1:
            rho = _bound({**c, "N": 1})
            assert _bound(c) == pytest.approx(rho ** c["N"], rel=1e-12)
            assert c["pep"] < _bound(c)


def test_tightness_refuses_other_theorems_naming_why():
    rc, out, err = call("tightness", "sgd.smooth")
    assert rc == 2 and out == ""
    assert err.strip().count("\n") == 0 and "sgd.smooth" in err and "algorithm sgd is not one of gd" in err
    assert "gd.pl, gd.smooth, gd.smooth.pep, heavy_ball.pl, heavy_ball.smooth, nag.smooth" in err
    rc, _, err = call("tightness", "gd.l0l1.upper")
    assert rc == 2 and "its class '(L0,L1)-smooth' is not one PEP has" in err


def test_a_property_theorem_is_held_to_its_stated_rate():
    bound = families.as_bound(theory.get("heavy_ball.pl"))
    assert bound.rate.measure == "gap_last_iterate" and bound.kind == "upper"
    assert families.as_bound(theory.get("gd.l0l1.lower")) is None


def test_tightness_refuses_without_pepit(monkeypatch):
    monkeypatch.setattr(tightness, "pep", None)
    rc, out, err = call("tightness", "gd.smooth", "--N", "1")
    assert rc == 2 and out == "" and "pip install 'convcheck[pep]'" in err and err.strip().count("\n") == 0


def test_tightness_refuses_a_step_outside_the_theorem(monkeypatch):
    monkeypatch.setattr(tightness, "pep", None)  # refused before any solve
    rc, _, err = call("tightness", "heavy_ball.smooth", "--set", "lr=1", "--set", "momentum=0.5")
    assert rc == 2 and "lr < 2 (1 - momentum)/L" in err


def _recorded(theorem, N, lr):
    """The recorded case on the theorem's class at L = Delta = 1, momentum 1/2 (tightness's defaults) and this lr."""
    (case,) = [c for c in CASES if c["theorem"] == theorem and c["N"] == N and c["values"]["lr"] == lr
               and c["values"].get("momentum", 0.5) == 0.5 and c["class"] == "smooth"]
    return case


def test_pep_recomputes_gd():
    pytest.importorskip("PEPit")
    pep = pytest.importorskip("convcheck.pep")
    case = _recorded("gd.smooth", 2, 1.0)
    w = pep.worst_case("gd", 2, L=1.0, Delta=1.0, lr=case["values"]["lr"])
    assert w.value == pytest.approx(case["pep"], abs=case["tolerance"] + w.tolerance + 1e-7)


def test_tightness_recomputes_nag_through_the_cli():
    pytest.importorskip("PEPit")
    if tightness.pep is None or not tightness.pep.solver_installed():
        pytest.skip("the extra pep (PEPit with Clarabel) is not installed")
    case = _recorded("nag.smooth", 2, 0.6)  # the prescribed (1 - mu^2)/(1 + mu - mu^2)
    rc, out, _ = call("tightness", "nag.smooth", "--N", "2", "--json")
    assert rc == 0
    (row,) = strict_json(out)["rows"]
    assert row["T"] == 3 and row["sound"]
    assert row["pep"] == pytest.approx(case["pep"], abs=case["tolerance"] + row["tolerance"] + 1e-7)
    assert row["bound"] == pytest.approx(_bound(case), rel=1e-12)
    assert row["ratio"] == pytest.approx(row["bound"] / row["pep"], rel=1e-12)


def test_worst_case_scales_as_L_Delta():
    # convcheck.pep solves the unit problem (L = Delta = 1, step L lr) and multiplies by L Delta: the direct SDP agrees
    pytest.importorskip("PEPit")
    pep = pytest.importorskip("convcheck.pep")
    case = _recorded("heavy_ball.smooth", 2, 0.75)
    w = pep.worst_case("heavy_ball", 2, L=2.0, Delta=3.0, lr=0.375, mu=0.5)
    direct, _ = pep._solve("smooth", "min_grad_sq_before_T", "heavy_ball", 2.0, None, 3.0, 0.375, 0.5, 2, dual=True)
    assert w.value == pytest.approx(direct, rel=1e-6)
    assert w.value == pytest.approx(6 * case["pep"], rel=1e-6)
    # f - f* scales as Delta alone, the PL constant as mu/L: L = 2, mu = 0.2, lr = 1/4 is the unit mu = 0.1, lr = 1/2
    pl = _pep("gd.pl", "pl", 1, lr=0.5, mu=0.1)
    w = pep.worst_case("gd", 1, L=2.0, Delta=3.0, lr=0.25, function_class="pl", measure="gap_last_iterate", mu_pl=0.2)
    direct, _ = pep._solve("pl", "gap_last_iterate", "gd", 2.0, 0.2, 3.0, 0.25, 0.0, 1, dual=True)
    assert w.value == pytest.approx(direct, rel=1e-6) and w.value == pytest.approx(3 * pl["pep"], rel=1e-6)


def test_a_failed_solve_is_one_line():
    pytest.importorskip("PEPit")
    if tightness.pep is None or not tightness.pep.solver_installed():
        pytest.skip("the extra pep (PEPit with Clarabel) is not installed")
    rc, out, err = call("tightness", "gd.smooth", "--N", "2", "--set", "lr=1e-9")
    assert rc == 2 and out == "" and err.strip().count("\n") == 0 and "L lr = 1e-09" in err and "CLARABEL" in err


def test_tightness_recomputes_gd_pl_on_the_relaxed_class_with_a_plot(tmp_path):
    pytest.importorskip("PEPit")
    if tightness.pep is None or not tightness.pep.solver_installed():
        pytest.skip("the extra pep (PEPit with Clarabel) is not installed")
    case = _pep("gd.pl", "pl", 1, lr=0.5, mu=0.1)
    rc, out, _ = call("tightness", "gd.pl", "--N", "1", "--set", "lr=1/2", "--plot", tmp_path / "t.png", "--json")
    assert rc == 0
    data = strict_json(out)
    (row,) = data["rows"]
    assert data["class"] == "L-smooth PL" and data["exact"] is False and "necessary" in data["interpolation"]
    assert row["T"] == 1 and row["bound"] == pytest.approx(0.925, rel=1e-12)  # rho = 1 - 2 mu lr (1 - L lr/2)
    assert row["pep"] == pytest.approx(case["pep"], abs=case["tolerance"] + row["tolerance"] + 1e-7)
    assert (tmp_path / "t.png").stat().st_size > 5_000 and data["plot"] == str(tmp_path / "t.png")
