"""Shared pytest set-up: Hypothesis profiles, and a cache folder per test run.

"fast" (default) keeps the suite quick on a 2-core machine; "thorough" draws 20x more examples.
Choose with CONVCHECK_HYPOTHESIS_PROFILE=thorough. Under CI (CI set) the fast profile is
derandomized, so a submission's result does not depend on the draw; locally it explores.
"""
import os
import tempfile

from hypothesis import settings

# The caches (list's theorem index, the record of symbolic proofs) go to one folder per test run, shared by
# the xdist workers: the suite never reads or writes the user's cache, and a theorem that several tests
# certify is proved once per run, by whichever test comes first.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
os.environ["CONVCHECK_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), f"convcheck-tests-{_RUN}")

settings.register_profile("fast", max_examples=25, deadline=None, derandomize=bool(os.environ.get("CI")))
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE", "fast"))


def pytest_collection_modifyitems(items):
    """Tests marked end_to_end (the main job over every theorem) run last: by then the other tests have
    recorded the symbolic proofs they share, so the suite proves each theorem once (xdist hands out
    tests in this order)."""
    items.sort(key=lambda item: item.get_closest_marker("end_to_end") is not None)
