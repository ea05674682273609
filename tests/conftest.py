"""Shared pytest set-up: Hypothesis profiles.

"fast" (default) keeps the suite quick on a 2-core machine; "thorough" draws 20x more examples.
Choose with CONVCHECK_HYPOTHESIS_PROFILE=thorough. Under CI (CI set) the fast profile is
derandomized, so a submission's result does not depend on the draw; locally it explores.
"""
import os

from hypothesis import settings

settings.register_profile("fast", max_examples=25, deadline=None, derandomize=bool(os.environ.get("CI")))
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE", "fast"))
