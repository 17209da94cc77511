"""The dataset a run is built against, loaded once: frames plus the identifiers they define.

:class:`Dataset` is the one representation of "the bundled dataset with the scenario's override
files applied" that the pipeline, the problem builder, the checker and the explanation share;
:class:`KnownIds` are the identifiers in it that a scenario may refer to (the reference checks
of :mod:`computegeo.scenario.load`), derived from a :class:`Dataset` by :meth:`Dataset.known_ids`
or from loose frames by :func:`known_ids_from`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class KnownIds:
    """Identifiers of the dataset a scenario may refer to (for reference checks).

    Attributes
    ----------
    markets : frozenset of str
        Market ids.
    regions : frozenset of str
        Demand region ids.
    countries : frozenset of str
        ISO2 codes of countries that have a market or a demand region.
    data_classes : frozenset of str
        Residency data classes.
    hardware : frozenset of str
        Hardware generation ids.
    """

    markets: frozenset[str]
    regions: frozenset[str]
    countries: frozenset[str]
    data_classes: frozenset[str]
    hardware: frozenset[str]


def known_ids_from(
    markets: pd.DataFrame,
    demand_regions: pd.DataFrame,
    data_classes: tuple[str, ...],
    hardware: pd.DataFrame | None,
    countries: pd.DataFrame | None = None,
) -> KnownIds:
    """Identifiers a scenario may refer to, from the dataset frames.

    Countries are every ISO code of the country table (when given) plus those of markets and
    regions, so an EU country list may name members without a demand region.

    Parameters
    ----------
    markets : pandas.DataFrame
        Indexed by ``market_id``, with a ``country`` column (ISO2).
    demand_regions : pandas.DataFrame
        Indexed by ``region_id``, with a ``country`` column (ISO2).
    data_classes : tuple of str
        Residency data classes (``"none"`` is always known).
    hardware : pandas.DataFrame or None
        Indexed by ``hardware_id``.
    countries : pandas.DataFrame, optional
        Indexed by ISO2 code.

    Returns
    -------
    KnownIds
    """
    known_countries = set(markets["country"].astype(str)) | set(
        demand_regions["country"].astype(str)
    )
    if countries is not None:
        known_countries |= {str(c) for c in countries.index}
    return KnownIds(
        markets=frozenset(str(m) for m in markets.index),
        regions=frozenset(str(r) for r in demand_regions.index),
        countries=frozenset(known_countries),
        data_classes=frozenset(data_classes) | {"none"},
        hardware=frozenset(str(h) for h in hardware.index) if hardware is not None else frozenset(),
    )


@dataclass(frozen=True)
class Dataset:
    """The dataset frames a scenario is built against (override files applied)."""

    markets: pd.DataFrame
    demand_regions: pd.DataFrame
    hardware: pd.DataFrame | None
    data_classes: tuple[str, ...]
    countries: pd.DataFrame | None = None
    attributes: pd.DataFrame | None = None
    """Provenance of ``markets`` (loaded with the same override file: user values say so)."""

    def known_ids(self) -> KnownIds:
        """Identifiers in this dataset that a scenario may refer to.

        Returns
        -------
        KnownIds
            Frozen sets of market, region, country, data class and hardware ids.
        """
        return known_ids_from(
            self.markets, self.demand_regions, self.data_classes, self.hardware, self.countries
        )


def load_dataset(
    markets_override: Path | None = None, regions_override: Path | None = None
) -> Dataset:
    """Load the bundled dataset, with optional user override files for markets and regions.

    Parameters
    ----------
    markets_override : Path, optional
        A user markets file (see :func:`computegeo.dataset.catalog.load_markets`).
    regions_override : Path, optional
        A user demand-regions file.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        If an override file is missing or invalid (every problem listed).
    """
    from computegeo.dataset import catalog, residency, tables

    hardware = tables.load_hardware()
    if hardware.index.name != "hardware_id" and "hardware_id" in hardware.columns:
        hardware = hardware.set_index("hardware_id")
    return Dataset(
        markets=catalog.load_markets(markets_override),
        demand_regions=tables.load_demand_regions(regions_override),
        hardware=hardware,
        data_classes=tuple(residency.data_classes()),
        countries=tables.load_countries(),
        attributes=catalog.load_market_attributes(markets_override),
    )
