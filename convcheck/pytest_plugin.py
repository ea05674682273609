"""pytest plugin: hold an optimizer to a theorem from a project's own tests.

Registered as a ``pytest11`` entry point, so ``pip install convcheck`` is all a project needs:

    import pytest
    import torch
    from convcheck.adapters import from_torch

    @pytest.mark.convcheck("adam.det", hp={"xi": 0.1, "beta1": 0.5, "beta2": 0.99})
    def test_my_adam(convcheck):
        convcheck(from_torch(torch.optim.Adam))      # the marker's theorem and keywords

    def test_my_gd(convcheck):
        convcheck(my_gd, "gd.smooth")                # or name the theorem in the call

The ``convcheck`` fixture calls ``convcheck.testing.assert_satisfies`` (its keywords: objective, oracle, hp,
runs, steps, seed, options, allow_inconclusive; the call's override the marker's). By default an upper
bound runs each setup at 8 runs x 200 steps; ``pytest --convcheck-thorough`` runs the theorems' full default
setups and loads the Hypothesis profile "convcheck-thorough" (500 examples, no deadline). A failure names
the theorem, the violated part, the setup and the run, step and numbers, then gives the full report.
"""
from __future__ import annotations

import pytest
from hypothesis import settings

from convcheck import theory

from .testing import assert_satisfies

FAST = {"runs": 8, "steps": 200}  # per setup of an upper bound, unless --convcheck-thorough or given


def pytest_addoption(parser):
    parser.getgroup("convcheck").addoption(
        "--convcheck-thorough", action="store_true", default=False,
        help="convcheck: full default setups for each theorem, and the convcheck-thorough Hypothesis profile")


def pytest_configure(config):
    config.addinivalue_line("markers", "convcheck(theorem_id, **keywords): the theorem (and assert_satisfies "
                                       "keywords) the convcheck fixture holds an optimizer to")
    if config.getoption("convcheck_thorough"):
        settings.register_profile("convcheck-thorough", max_examples=500, deadline=None)
        settings.load_profile("convcheck-thorough")


def pytest_report_header(config):
    how = "full default setups" if config.getoption("convcheck_thorough") else \
        f"{FAST['runs']} runs x {FAST['steps']} steps per setup (--convcheck-thorough: full)"
    return f"convcheck: {how}"


def pytest_runtest_setup(item):
    if item.get_closest_marker("convcheck") is not None and "convcheck" not in item.fixturenames:
        pytest.fail(f"{item.name}: @pytest.mark.convcheck takes effect through the convcheck fixture; "
                    f"the test does not use it", pytrace=False)


@pytest.fixture
def convcheck(request):
    """hold(optimizer, theorem_id=None, **keywords): assert_satisfies with the marker's theorem and keywords;
    returns the check's report."""
    marker = request.node.get_closest_marker("convcheck")
    thorough = request.config.getoption("convcheck_thorough")

    def hold(optimizer, theorem_id: str | None = None, **keywords):
        marked = dict(marker.kwargs) if marker is not None else {}
        if theorem_id is None:
            if marker is None or not marker.args:
                pytest.fail("convcheck fixture: name the theorem, in @pytest.mark.convcheck('gd.smooth') or in "
                            "the call convcheck(optimizer, 'gd.smooth')", pytrace=False)
            theorem_id = marker.args[0]
        given = {**marked, **keywords}
        sized = {} if thorough or theory.get(theorem_id).kind != "upper" else FAST
        try:
            return assert_satisfies(theorem_id, optimizer, **{**sized, **given})
        except AssertionError as failure:
            report = str(failure)
        pytest.fail(report, pytrace=False)  # outside the except: the report alone, no chained traceback

    return hold
