"""convcheck.pytest_plugin, run on a user's test file by pytester."""
import os
from importlib.metadata import entry_points
from pathlib import Path

import convcheck

pytest_plugins = ("pytester",)

USER_TESTS = '''
import pytest
import sys
sys.path.insert(0, {support!r})
import planted_bugs as bugs

@pytest.mark.convcheck("gd.smooth", steps=50)
def test_correct_gd(convcheck):
    rep = convcheck(bugs.gd())
    assert rep.verdict == "holds"
    print("SIZES", sorted({{s.setup.split(", ")[2] for s in rep.setups}}))

@pytest.mark.convcheck("gd.smooth", runs=4)
def test_overstepping_gd(convcheck):
    convcheck(bugs.gd(overstep=0.05))

def test_named_in_the_call(convcheck):
    convcheck(bugs.nag("heavy ball"), "nag.smooth", runs=4, steps=100)

@pytest.mark.convcheck("gd.smooth")
def test_marker_without_fixture():
    pass

def test_no_theorem(convcheck):
    convcheck(bugs.gd())
'''


def _run(pytester, monkeypatch, *args):
    # the convcheck under test (this checkout) first, before any installed copy
    root = str(Path(convcheck.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))))
    pytester.makepyfile(test_user=USER_TESTS.format(support=str(pytester_support())))
    installed = any(e.value == "convcheck.pytest_plugin" for e in entry_points(group="pytest11"))
    # a subprocess: an in-process run would drop the modules it imported first (scipy's), and NumPy's
    # extension modules cannot be imported twice in one process
    return pytester.runpytest_subprocess(*(() if installed else ("-p", "convcheck.pytest_plugin")), *args)


def pytester_support():
    return Path(__file__).parent


def test_the_marker_and_fixture_pass_a_correct_optimizer_and_report_a_bug_with_theorem_part_run_and_numbers(
        pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1, failed=3, errors=1)  # the unused marker fails at setup
    out = result.stdout.str()
    assert "convcheck: 8 runs x 200 steps per setup" in out and "SIZES ['8 runs x 50 steps']" in out
    # the overstep: theorem, violated part, the setup and the worst run/step with numbers
    assert "gd (overstep 0.05)" not in out and "gd_overstep_0.05 does not satisfy gd.smooth (violated)" in out
    assert "gd.smooth: one-step violated on sin_squared(d=10), exact, 4 runs x 200 steps" in out
    assert "nag (heavy ball) does not satisfy nag.smooth (violated)" in out and "nag.smooth: one-step violated" in out
    assert "@pytest.mark.convcheck takes effect through the convcheck fixture" in out
    assert "convcheck fixture: name the theorem" in out
    assert "During handling of the above exception" not in out  # the report alone


def test_thorough_runs_the_full_default_setups(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "-p", "no:cacheprovider", "-s", "--convcheck-thorough", "-k", "correct_gd")
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "convcheck: full default setups" in out and "SIZES ['64 runs x 50 steps']" in out  # the default setups' runs
