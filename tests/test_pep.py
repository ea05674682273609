"""The certified momentum/GD bounds against PEP worst cases (convcheck.pep, `convcheck tightness`).

tests/golden/pep_values.json holds W(N), the PEP worst case of min_{0<=t<=N} ||grad f(x_t)||^2, recorded by
tests/pep_values.py. Every PEP-feasible point satisfies the premises the proofs use (lsmooth.descent between
consecutive iterates, f(x_{N+1}) >= f*), so a certified bound at T = N + 1 below W(N) by more than the solver's
tolerance is a wrong proof. Without PEPit these tests read the JSON; with it, two values are recomputed.
"""
from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import pytest

from convcheck import theory
from convcheck.commands import tightness
from convcheck.theory.evaluate import evaluate

from cli_support import call, strict_json

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "pep_values.json").read_text())
CASES = GOLDEN["cases"]


def _bound(case) -> float:
    """The theorem's certified rate at T = N + 1 (its min_{0<=t<T} covers g_0..g_N, PEP's measure)."""
    values = {k: Fraction(v).limit_denominator(10 ** 6) for k, v in case["values"].items()}
    ev = evaluate(theory.get(case["theorem"]), values, T=case["N"] + 1)
    assert ev.applies, (case, ev.failed_condition)
    return float(ev.rate)


def _id(case) -> str:
    return f"{case['theorem']}-N{case['N']}-" + "-".join(f"{k}{v:g}" for k, v in case["values"].items())


def test_golden_covers_every_tightness_theorem():
    assert {c["theorem"] for c in CASES} == set(tightness.THEOREMS)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_certified_bound_is_at_least_the_pep_worst_case(case):
    # a bound below an exact worst case is a soundness bug: this must fail loudly, never be loosened
    assert _bound(case) >= case["pep"] - case["tolerance"], case


def test_pep_worst_case_does_not_grow_with_N():
    # min over g_0..g_{N+1} <= min over g_0..g_N, and the longer problem has more constraints: W(N+1) <= W(N)
    by_setting = {}
    for c in CASES:
        by_setting.setdefault((c["theorem"], tuple(sorted(c["values"].items()))), []).append(c)
    for runs in by_setting.values():
        runs.sort(key=lambda c: c["N"])
        for a, b in zip(runs, runs[1:]):
            assert b["pep"] <= a["pep"] + a["tolerance"] + b["tolerance"], (a, b)


def test_tightness_refuses_other_theorems_naming_them():
    rc, out, err = call("tightness", "gd.pl")
    assert rc == 2 and out == ""
    assert err.strip().count("\n") == 0 and "gd.pl" in err and "gd.smooth, heavy_ball.smooth, nag.smooth" in err


def test_tightness_refuses_without_pepit(monkeypatch):
    monkeypatch.setattr(tightness, "pep", None)
    rc, out, err = call("tightness", "gd.smooth", "--N", "1")
    assert rc == 2 and out == "" and "pip install 'convcheck[pep]'" in err and err.strip().count("\n") == 0


def test_tightness_refuses_a_step_outside_the_theorem(monkeypatch):
    monkeypatch.setattr(tightness, "pep", None)  # refused before any solve
    rc, _, err = call("tightness", "heavy_ball.smooth", "--set", "lr=1", "--set", "momentum=0.5")
    assert rc == 2 and "lr < 2 (1 - momentum)/L" in err


def _recorded(theorem, N, lr):
    """The recorded case at L = Delta = 1, momentum 1/2 (tightness's defaults) and this lr."""
    (case,) = [c for c in CASES if c["theorem"] == theorem and c["N"] == N and c["values"]["lr"] == lr
               and c["values"].get("momentum", 0.5) == 0.5]
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
    direct, _ = pep._solve("heavy_ball", 2.0, 3.0, 0.375, 0.5, 2, dual=True)
    assert w.value == pytest.approx(direct, rel=1e-6)
    assert w.value == pytest.approx(6 * case["pep"], rel=1e-6)


def test_a_failed_solve_is_one_line():
    pytest.importorskip("PEPit")
    if tightness.pep is None or not tightness.pep.solver_installed():
        pytest.skip("the extra pep (PEPit with Clarabel) is not installed")
    rc, out, err = call("tightness", "gd.smooth", "--N", "2", "--set", "lr=1e-9")
    assert rc == 2 and out == "" and err.strip().count("\n") == 0 and "L lr = 1e-09" in err and "CLARABEL" in err
