"""Version and date of the bundled dataset (``computegeo/data/dataset.yaml``).

Plans record the version they were made with (``plan.json`` key ``dataset_version``), and
``computegeo markets --version`` prints it. What changed in each release is listed in
``docs/data-changes.md``.

Examples
--------
>>> v = dataset_version()
>>> v.version.count("."), len(v.date)
(2, 10)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from computegeo.core.errors import DataError

VERSION_FILE = "dataset.yaml"
_VERSION_RE = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class DatasetVersion:
    """One release of the bundled dataset.

    Parameters
    ----------
    version
        Calendar version ``YEAR.MONTH.PATCH`` (e.g. ``2026.12.0``).
    date
        Release date, ISO 8601 (``YYYY-MM-DD``).
    """

    version: str
    date: str

    def __str__(self) -> str:
        """``2026.12.0 (2026-12-01)``."""
        return f"{self.version} ({self.date})"


@functools.lru_cache(maxsize=1)
def dataset_version() -> DatasetVersion:
    """The version of the bundled dataset (cached).

    Returns
    -------
    DatasetVersion
        ``version`` (YEAR.MONTH.PATCH) and release ``date`` (YYYY-MM-DD) of ``dataset.yaml``.

    Raises
    ------
    DataError
        If ``dataset.yaml`` lacks a well-formed ``version`` or ``date``.
    """
    text = resources.files("computegeo.data").joinpath(VERSION_FILE).read_text(encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    version, date = str(doc.get("version", "")), str(doc.get("date", ""))
    problems = []
    if not _VERSION_RE.match(version):
        problems.append(f"{VERSION_FILE}, field 'version': {version!r} is not YEAR.MONTH.PATCH")
    if not _DATE_RE.match(date):
        problems.append(f"{VERSION_FILE}, field 'date': {date!r} is not YYYY-MM-DD")
    if problems:
        msg = f"the bundled {VERSION_FILE} is invalid"
        raise DataError(msg, problems)
    return DatasetVersion(version=version, date=date)
