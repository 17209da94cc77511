"""Unit constants and conversions: the only place where units are converted."""

from __future__ import annotations

HOURS_PER_YEAR = 8760.0
"""Hours in a non-leap year [h/yr]."""

MONTHS_PER_YEAR = 12.0
KW_PER_MW = 1000.0
KWH_PER_MWH = 1000.0
G_PER_TONNE = 1.0e6
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km] (IUGG)."""

FIBRE_KM_PER_MS = 200.0
"""One-way distance light covers in optical fibre per millisecond [km/ms] (index ~1.5)."""


def usd_per_kw_month_to_usd_per_mw_year(rent_usd_per_kw_month: float) -> float:
    """Convert a colocation rent [USD/kW-month] to [USD/MW-year].

    >>> usd_per_kw_month_to_usd_per_mw_year(150.0)
    1800000.0

    Parameters
    ----------
    rent_usd_per_kw_month : float
        Rent [USD/kW-month].

    Returns
    -------
    float
        The same rent [USD/MW-year] (x 1,000 kW/MW x 12 months/year).
    """
    return rent_usd_per_kw_month * KW_PER_MW * MONTHS_PER_YEAR


def mw_year_to_mwh(mw_year: float) -> float:
    """Energy of one MW held for one year at full load [MWh].

    >>> mw_year_to_mwh(1.0)
    8760.0

    Parameters
    ----------
    mw_year : float
        Capacity held for a year [MW-year].

    Returns
    -------
    float
        Energy [MWh] (x 8,760 h/yr).
    """
    return mw_year * HOURS_PER_YEAR
