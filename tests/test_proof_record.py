"""The disk record of symbolic proofs: a hit needs the same obligation and the same prover, and only
symbolic proofs are recorded."""
from pathlib import Path

import sympy as sp

from convcheck.theory import prove, proof_record
from convcheck.theory.prove import Bound

x, y = sp.symbols("x y", positive=True)


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(prove, "_CACHE", {})


def test_a_symbolic_proof_is_recorded_and_read_back_without_proving(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    assert prove.prove("nonneg", (x - y) ** 2, [Bound(x, 0, 1)]).level == "symbolic"
    assert len(list((tmp_path / "proofs").iterdir())) == 1
    monkeypatch.setattr(prove, "_CACHE", {})
    monkeypatch.setattr(prove, "_prove", lambda *a: (_ for _ in ()).throw(AssertionError("re-proved")))
    assert prove.prove("nonneg", (x - y) ** 2, [Bound(x, 0, 1)]).level == "symbolic"


def test_another_obligation_context_or_prover_misses(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    prove.prove("nonneg", (x - y) ** 2, [Bound(x, 0, 1)])
    k = proof_record.key("nonneg", (x - y) ** 2, [Bound(x, 0, 1)], 2000)
    assert proof_record.recorded(k)
    assert not proof_record.recorded(proof_record.key("nonneg", (x - y) ** 2, [Bound(x, 0, 2)], 2000))
    assert not proof_record.recorded(proof_record.key("positive", (x - y) ** 2, [Bound(x, 0, 1)], 2000))
    monkeypatch.setattr(proof_record, "prover_id", lambda: "another prover")
    assert not proof_record.recorded(proof_record.key("nonneg", (x - y) ** 2, [Bound(x, 0, 1)], 2000))


def test_failed_proofs_are_not_recorded_and_off_records_nothing(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    assert prove.prove("nonneg", x - y).level == "failed"
    assert not (tmp_path / "proofs").exists()
    monkeypatch.setenv("CONVCHECK_PROOF_RECORD", "off")
    assert prove.prove("nonneg", x ** 2 + y).level == "symbolic"
    assert not (tmp_path / "proofs").exists()


def test_the_prover_id_changes_with_any_module_of_the_prover(monkeypatch):
    """The prover is prove.py and proving/: a rule added to any of them must miss every record."""
    here = Path(proof_record.__file__).resolve().parent
    modules = [here / "prove.py", *sorted((here / "proving").glob("*.py"))]
    assert {"symbolic.py", "interval.py", "sampling.py"} <= {m.name for m in modules}
    before = proof_record.prover_id.__wrapped__()
    read = Path.read_bytes
    for edited in modules:
        monkeypatch.setattr(Path, "read_bytes", lambda p, e=edited: read(p) + (b"\n# a new rule" if p == e else b""))
        assert proof_record.prover_id.__wrapped__() != before, edited.name
