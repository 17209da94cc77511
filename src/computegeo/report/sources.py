"""The report appendix's list of data sources, derived from the dataset's per-value provenance.

Every market value in the bundled dataset carries its source, year and, for estimates, the rule
that made it (``computegeo.dataset.catalog.load_market_attributes``). This module groups those rows
by publication for the markets a plan considered.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from computegeo.dataset.catalog import load_market_attributes


@dataclass(frozen=True)
class Source:
    """One data source listed in the report's appendix.

    Parameters
    ----------
    name : str
        What the source is (publisher and data set).
    used_for : str
        Which inputs it provided, e.g. ``"power_price_usd_per_mwh"``.
    year : str
        Year (or vintage) of the data, as the source states it.
    licence : str
        Licence or terms of use.
    url : str
        Where it is published (rendered as text, never fetched).
    note : str
        Anything else the reader should know (e.g. how many values are estimates, and how).
    """

    name: str
    used_for: str = ""
    year: str = ""
    licence: str = ""
    url: str = ""
    note: str = ""


def dedupe_sources(sources: Sequence[Source]) -> tuple[Source, ...]:
    """The sources in their order, each listed once.

    Parameters
    ----------
    sources : Sequence[Source]
        Sources, possibly repeated.

    Returns
    -------
    tuple of Source
        First occurrences, in order.
    """
    return tuple(dict.fromkeys(sources))


DATASET_FILES_USED: dict[str, str] = {
    "demand_regions.csv": "demand regions (population, internet users)",
    "residency.yaml": "data-residency rules",
    "hardware.csv": "accelerator power per MW",
    "cloud_regions.csv": "cloud regions present per market",
}
"""Rows of the dataset's SOURCES.md file table that a plan draws on, and what for."""

PUBLICATION_SEPARATOR = ";"
"""Source strings read ``publication; detail about this value``; grouping uses the first part."""


def sources_from_attributes(
    attributes: pd.DataFrame, market_ids: Collection[str]
) -> tuple[Source, ...]:
    """Group per-value provenance rows into one :class:`Source` per publication.

    Parameters
    ----------
    attributes : pandas.DataFrame
        Columns ``market_id, attribute, source, year, estimated`` (as returned by
        ``computegeo.dataset.catalog.load_market_attributes``).
    market_ids : collection of str
        Markets whose values count (those the plan considered).

    Returns
    -------
    tuple of Source
        Sorted by number of values, largest first; ``used_for`` lists the attributes,
        ``year`` the range of years, ``note`` how many values (and how many of them estimates).

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "market_id": ["a", "b", "c"], "attribute": ["pue", "pue", "pue"],
    ...     "source": ["X report; station 1", "X report; station 2", "Y"],
    ...     "year": [2023, 2024, None], "estimated": [False, True, False]})
    >>> [(s.name, s.year, s.note) for s in sources_from_attributes(frame, {"a", "b"})]
    [('X report', '2023–2024', '2 values for 2 markets, 1 estimated')]
    """
    wanted = set(market_ids)
    rows = attributes[attributes["market_id"].isin(wanted)]
    if rows.empty:
        return ()
    publication = (
        rows["source"].fillna("").astype(str).str.split(PUBLICATION_SEPARATOR).str[0].str.strip()
    )
    out = []
    for name, group in rows.assign(_pub=publication).groupby("_pub", sort=True):
        if not name:
            continue
        years = pd.to_numeric(group["year"], errors="coerce").dropna()
        if years.empty:
            year = ""
        elif years.min() == years.max():
            year = str(int(years.min()))
        else:
            year = f"{int(years.min())}–{int(years.max())}"
        n_est = int(group["estimated"].fillna(False).astype(bool).sum())
        n = len(group)
        note = f"{n} value{'s' if n != 1 else ''} for {group['market_id'].nunique()} market" + (
            "s" if group["market_id"].nunique() != 1 else ""
        )
        if n_est:
            note += f", {n_est} estimated"
        out.append(
            (
                n,
                Source(
                    name=str(name),
                    used_for=", ".join(sorted(set(group["attribute"]))),
                    year=year,
                    note=note,
                ),
            )
        )
    out.sort(key=lambda t: (-t[0], t[1].name))
    return tuple(s for _, s in out)


def bundled_sources(market_ids: Collection[str]) -> tuple[Source, ...]:
    """Sources of the bundled market dataset for ``market_ids`` (no user overrides applied).

    Parameters
    ----------
    market_ids : Collection[str]
        Markets whose values count.

    Returns
    -------
    tuple of Source
        As :func:`sources_from_attributes`.
    """
    return sources_from_attributes(load_market_attributes(), market_ids)


def dataset_file_sources(sources_md: str) -> tuple[Source, ...]:
    r"""Sources of the dataset files a plan uses, read from the file table of ``SOURCES.md``.

    Parameters
    ----------
    sources_md : str
        Text of ``computegeo/data/SOURCES.md``; its table rows read
        ``| `file` | content | derived from | licence |``.

    Returns
    -------
    tuple of Source
        One per row naming a file of ``DATASET_FILES_USED``, in table order.

    Examples
    --------
    >>> md = "| `residency.yaml` | rules | EU GDPR Art. 45 | facts |\n| `x.csv` | a | b | c |"
    >>> [(s.name, s.used_for, s.licence) for s in dataset_file_sources(md)]
    [('EU GDPR Art. 45', 'data-residency rules', 'facts')]
    """
    out = []
    for line in sources_md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        file_name = cells[0].strip("`")
        if file_name in DATASET_FILES_USED:
            out.append(
                Source(
                    name=cells[2],
                    used_for=DATASET_FILES_USED[file_name],
                    licence=cells[3],
                    note=f"dataset file {file_name}",
                )
            )
    return tuple(out)


def latency_model_source(params_json: str) -> Source:
    """The latency model's calibration data, from the provenance block of its shipped parameters.

    Parameters
    ----------
    params_json : str
        Text of ``computegeo/latency/data/params.json``.

    Returns
    -------
    Source
        Named after ``provenance.fitted_on`` (``unknown`` when absent).

    Examples
    --------
    >>> latency_model_source('{"provenance": {"fitted_on": "pings 2020", "script": "fit.py"}}').name
    'RTT model calibrated on: pings 2020'
    """
    provenance = json.loads(params_json).get("provenance", {})
    return Source(
        name=f"RTT model calibrated on: {provenance.get('fitted_on', 'unknown')}",
        used_for="round-trip times (rtt_ms) between regions and markets",
        note=f"fitted by {provenance['script']}" if "script" in provenance else "",
    )


def bundled_input_sources() -> tuple[Source, ...]:
    """Sources of the shipped demand, residency, hardware, cloud-region and latency data.

    Returns
    -------
    tuple of Source
        Those of ``SOURCES.md``'s file table, then the latency model's.
    """
    sources_md = resources.files("computegeo.data").joinpath("SOURCES.md").read_text("utf-8")
    params = resources.files("computegeo.latency.data").joinpath("params.json").read_text("utf-8")
    return (*dataset_file_sources(sources_md), latency_model_source(params))
