"""What makes certify --all fast without weakening it: an obligation is proved in the bounds its symbols reach
(so it is the same obligation in every theorem), the full context is used when that is not symbolic, SymPy's
time limit counts CPU seconds, and certify --all hands a function class to one worker."""
import time

import pytest
import sympy as sp

from convcheck import theory
from convcheck.commands.theorems import _by_class
from convcheck.theory import prove
from convcheck.theory.prove import Bound, Proof

x, y, z, w = sp.symbols("x y z w", positive=True)


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(prove, "_CACHE", {})


def test_bounds_reach_transitively_through_their_ends_and_no_further():
    bounds = (Bound(x, z, 1), Bound(z, 0, w), Bound(w, 0, 3), Bound(y, x, 2))
    assert prove._relevant(x - 1, bounds) == bounds[:3]  # x's end names z, z's names w; y only mentions x


def test_an_obligation_in_contexts_differing_only_in_unreached_symbols_is_proved_once(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setenv("CONVCHECK_PROOF_RECORD", "off")
    assert prove.prove("nonneg", (x - 1) ** 2, [Bound(x, 0, 1), Bound(y, 0, 5)]).level == "symbolic"
    monkeypatch.setattr(prove, "_prove", lambda *a: (_ for _ in ()).throw(AssertionError("re-proved")))
    assert prove.prove("nonneg", (x - 1) ** 2, [Bound(x, 0, 1), Bound(z, y, 7)]).level == "symbolic"


def test_a_weaker_answer_without_the_dropped_bounds_is_redone_with_them(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    asked = []

    def fake(kind, expr, bounds, samples):  # only the full context settles it
        asked.append({b.symbol for b in bounds})
        return Proof("symbolic") if y in asked[-1] else Proof("failed", counterexample={"x": "2"})

    monkeypatch.setattr(prove, "_recorded_or_proved", fake)
    assert prove.prove("nonneg", 1 - x, [Bound(x, 0, sp.oo), Bound(y, x, 1)]).level == "symbolic"
    assert asked == [{x}, {x, y}]


def test_the_symbolic_time_limit_counts_cpu_seconds_not_waiting():
    with prove._time_limit(0.2):
        time.sleep(0.4)  # a busy machine delays SymPy; that must not turn a proof into a weaker level
    with pytest.raises(prove._OutOfTime):
        with prove._time_limit(0.2):
            end = time.process_time() + 5
            while time.process_time() < end:
                pass


def test_certify_all_hands_each_theorem_to_one_task_of_its_class_largest_first():
    ids = [t.id for t in theory.theorems()]
    groups = _by_class(ids)
    assert sorted(i for g in groups for i in g) == sorted(ids)
    assert all(len({theory.get(i).function_class for i in g}) == 1 for g in groups)
    assert len({theory.get(g[0]).function_class for g in groups}) == len(groups)
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
