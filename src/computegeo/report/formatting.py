"""Number formatting for the report: money, power, shares, with their units."""

from __future__ import annotations

import math


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with its noun in the right number.

    Parameters
    ----------
    n : int
        The count.
    noun : str
        Singular noun.
    plural : str or None, optional
        Plural noun; default ``noun + "s"``.

    Returns
    -------
    str
        ``n`` with thousands separators, then the noun.

    Examples
    --------
    >>> count(1, "workload"), count(3, "workload"), count(0, "country", "countries")
    ('1 workload', '3 workloads', '0 countries')
    """
    word = noun if n == 1 else (plural or noun + "s")
    return f"{n:,} {word}"


def usd(value_usd: float | None) -> str:
    """Format an amount [USD] compactly.

    Parameters
    ----------
    value_usd : float or None
        Amount [USD].

    Returns
    -------
    str
        ``$`` (``−`` first if negative), k/M/B/T with two decimals from 1,000 USD up; ``—``
        when None or not finite.

    Examples
    --------
    >>> usd(64_120_000_000.0)
    '$64.12B'
    >>> usd(-2_100_000.0)
    '−$2.10M'
    >>> usd(950.0)
    '$950'
    >>> usd(None)
    '—'
    """
    if value_usd is None or not math.isfinite(value_usd):
        return "—"
    sign = "−" if value_usd < 0 else ""
    v = abs(value_usd)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= scale:
            return f"{sign}${v / scale:.2f}{suffix}"
    return f"{sign}${v:.0f}"


def mw(value_mw: float | None) -> str:
    """Format a power [MW]; GW above 10,000 MW.

    Parameters
    ----------
    value_mw : float or None
        Power [MW].

    Returns
    -------
    str
        The text with its unit; ``—`` when None or not finite.

    Examples
    --------
    >>> mw(1234.6)
    '1,235 MW'
    >>> mw(12.34)
    '12.3 MW'
    >>> mw(25_000.0)
    '25.0 GW'
    >>> mw(0.0)
    '0 MW'
    """
    if value_mw is None or not math.isfinite(value_mw):
        return "—"
    if value_mw == 0:
        return "0 MW"
    if abs(value_mw) >= 10_000:
        return f"{value_mw / 1000:,.1f} GW"
    if abs(value_mw) >= 100:
        return f"{value_mw:,.0f} MW"
    return f"{value_mw:,.1f} MW"


def share(value: float | None, digits: int = 1) -> str:
    """Format a share in [0, 1] as a percentage.

    Parameters
    ----------
    value : float or None
        Share [-].
    digits : int, optional
        Decimals of the percentage.

    Returns
    -------
    str
        The percentage; ``—`` when None or not finite.

    Examples
    --------
    >>> share(0.9623)
    '96.2%'
    >>> share(1.0, digits=0)
    '100%'
    """
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100.0 * value:.{digits}f}%"


def quantity(value: float | None, unit: str) -> str:
    """Format a large quantity with thousands separators and SI suffix (k, M, B).

    Parameters
    ----------
    value : float or None
        The quantity, in ``unit``.
    unit : str
        Unit text appended, e.g. ``MWh``.

    Returns
    -------
    str
        The text; ``—`` when None or not finite.

    Examples
    --------
    >>> quantity(152_000_000.0, "MWh")
    '152.0 M MWh'
    >>> quantity(41_000.0, "t CO₂")
    '41.0 k t CO₂'
    >>> quantity(12.0, "ms")
    '12 ms'
    """
    if value is None or not math.isfinite(value):
        return "—"
    v = abs(value)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= scale:
            return f"{value / scale:,.1f} {suffix} {unit}"
    return f"{value:,.0f} {unit}"


def seconds(value_s: float | None) -> str:
    """Format a duration [s].

    Parameters
    ----------
    value_s : float or None
        Duration [s].

    Returns
    -------
    str
        Two decimals and ``s``; ``—`` when None or not finite.

    Examples
    --------
    >>> seconds(3.414)
    '3.41 s'
    """
    if value_s is None or not math.isfinite(value_s):
        return "—"
    return f"{value_s:.2f} s"


def finite(value: float) -> float | None:
    """The value, or ``None`` when it is NaN or infinite (``null`` in plan.json).

    Parameters
    ----------
    value : float
        Any number.

    Returns
    -------
    float or None
        ``value`` if finite.

    Examples
    --------
    >>> finite(2.5), finite(float("nan"))
    (2.5, None)
    """
    return value if math.isfinite(value) else None
