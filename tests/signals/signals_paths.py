"""Shared paths and markers for the signals tests (a plain module: no conftest name clash)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("COMPUTEGEO_SHARED", REPO.parent / "shared"))
JOBS = SHARED / "data" / "raw" / "jobs"

needs_snapshots = pytest.mark.skipif(
    not JOBS.is_dir(), reason="../shared/data/raw/jobs not present (set COMPUTEGEO_SHARED)"
)
"""Marks a test that reads the real snapshots beside the repository."""
