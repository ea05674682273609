"""Shared pytest set-up: Hypothesis profiles.

"fast" (default) keeps the suite quick on a 2-core machine; "thorough" draws 20x more examples.
Choose with CONVCHECK_HYPOTHESIS_PROFILE=thorough.
"""
import os

from hypothesis import settings

settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("CONVCHECK_HYPOTHESIS_PROFILE", "fast"))
