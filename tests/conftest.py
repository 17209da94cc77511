"""Test-suite settings shared by every test module."""

import os

from hypothesis import settings

# Property tests draw the same examples on every run, so CI results are reproducible; set
# HYPOTHESIS_PROFILE=explore locally to search with fresh random examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
