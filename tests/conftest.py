"""Test-suite settings shared by every test module."""

import os

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so CI results are reproducible; set
# HYPOTHESIS_PROFILE=explore locally to search with fresh random examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are slow tests: ``-m "not slow"`` (the quick tier) leaves them out too."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
