"""Data-residency rules: whether data class C originating in country X may be held in Y.

The rules ship as ``computegeo/data/residency.yaml`` (curated from adequacy decisions and
localisation laws; every class cites its legal basis and source). Every country group the rules
name (``group:eu``, ``group:eea``, ``group:eu_adequacy``, ...) comes from the one membership table
``computegeo/data/country_groups.csv`` (see :func:`country_groups`), which records the legal
instrument and year of each membership. A destination is allowed when
it is the origin country itself, is on the class's ``allowed`` list, or is on one of its
``conditional`` entries whose condition the caller states it meets (``conditions_met``, e.g.
``["eu_us_dpf"]``: our US recipient is certified under the Data Privacy Framework) or when the
caller accepts every condition (``accept_conditions=True``). Each conditional entry has an id;
a scenario states the ones it meets in ``policies.residency_conditions`` (default: none).

The regime of each country (act, transfer rule, localisation rules, with legal sources) ships
as ``computegeo/data/jurisdictions.yaml`` (:func:`load_jurisdictions`).

This module answers questions of the rules; they are loaded and checked by
:mod:`computegeo.dataset.residency_rules`, the country groups by
:mod:`computegeo.dataset.country_groups`.

A class's rule binds data that originates in the class's origin countries (EU personal data
originates in the EEA; Australian health records in Australia). Data of a class from any other
country is not restricted by that rule, so every destination is allowed.

Examples
--------
>>> may_hold("eu_personal", "DE", "JP")
True
>>> may_hold("au_health", "AU", "NZ")
False
>>> may_hold("eu_personal", "FR", "US")
False
>>> may_hold("eu_personal", "FR", "US", accept_conditions=True)
True
>>> may_hold("eu_personal", "FR", "US", conditions_met=["eu_us_dpf"])
True
>>> may_hold("eu_personal", "FR", "CA"), may_hold("eu_personal", "FR", "CA",
...     conditions_met=["ca_pipeda_commercial"])
(False, True)
>>> sorted(allowed_destinations("au_health", "AU"))
['AU']
>>> may_hold("eu_personal", "HU", "US"), may_hold("eu_personal", "DE", "HU")
(False, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from computegeo.core.errors import InputError, suggest
from computegeo.dataset.residency_rules import DataClassRule, load_rules


def data_classes() -> tuple[str, ...]:
    """Names of the data classes with a residency rule (``none`` = unrestricted).

    Returns
    -------
    tuple of str
        Class names in file order.

    Examples
    --------
    >>> "eu_personal" in data_classes() and "none" in data_classes()
    True
    """
    return tuple(load_rules().classes)


def rule(data_class: str) -> DataClassRule:
    """The rule of one data class.

    Parameters
    ----------
    data_class : str
        One of :func:`data_classes`.

    Returns
    -------
    DataClassRule
        Origins, allowed and conditional destinations, legal basis, source and year.

    Raises
    ------
    InputError
        If the data class is unknown (with close matches).
    """
    rules = load_rules()
    if data_class not in rules.classes:
        msg = (
            f"unknown data class {data_class!r}.{suggest(data_class, rules.classes)} "
            f"Known classes: {', '.join(rules.classes)}."
        )
        raise InputError(msg)
    return rules.classes[data_class]


def _country(code: str, role: str) -> str:
    rules = load_rules()
    c = str(code).strip().upper()
    if c not in rules.countries:
        msg = (
            f"unknown {role} country {code!r}: give an ISO 3166-1 alpha-2 code "
            "such as 'DE' or 'AU'."
        )
        raise InputError(msg)
    return c


def condition_ids() -> tuple[str, ...]:
    """Every condition id of the rules, in file order (a scenario may state it meets them).

    Returns
    -------
    tuple of str
        Unique ids.

    Examples
    --------
    >>> "eu_us_dpf" in condition_ids() and "in_rbi_processing_only" in condition_ids()
    True
    """
    ids: dict[str, None] = {}
    for r in load_rules().classes.values():
        for c in r.conditional:
            ids[c.id] = None
    return tuple(ids)


def check_conditions(ids: Iterable[str]) -> frozenset[str]:
    """The given condition ids as a set, after checking each is known.

    Parameters
    ----------
    ids : Iterable[str]
        Condition ids (see :func:`condition_ids`).

    Returns
    -------
    frozenset of str
        The ids.

    Raises
    ------
    InputError
        For an unknown id (with close matches and the known ids).
    """
    known = condition_ids()
    out = frozenset(str(i) for i in ids)
    for i in sorted(out):
        if i not in known:
            hint = suggest(i, known)
            msg = f"unknown residency condition {i!r}.{hint} Known: {', '.join(known)}."
            raise InputError(msg)
    return out


AllowedDestinations = Callable[[str, str], frozenset[str]]
"""The shape of :func:`allowed_destinations` with the conditions bound: (data class, origin
ISO2) -> ISO2 countries that may hold it; builders, screens and explainers take one."""


def allowed_destinations(
    data_class: str,
    origin_country: str,
    *,
    accept_conditions: bool = False,
    conditions_met: Iterable[str] = (),
) -> frozenset[str]:
    """Countries (ISO2) that may hold data of ``data_class`` originating in ``origin_country``.

    Parameters
    ----------
    data_class : str
        One of :func:`data_classes`.
    origin_country : str
        ISO 3166-1 alpha-2 code of the country the data comes from.
    accept_conditions : bool, optional
        Also allow every destination that needs a stated condition (DPF certification, SCCs,
        consent, CAC assessment). Default ``False``.
    conditions_met : Iterable[str], optional
        Ids of the conditions the caller meets (see :func:`condition_ids`); their
        destinations are allowed. Default none: unconditional destinations only.

    Returns
    -------
    frozenset of str
        Always includes the origin country.

    Raises
    ------
    InputError
        Unknown data class, country code or condition id.
    """
    r = rule(data_class)
    origin = _country(origin_country, "origin")
    met = check_conditions(conditions_met)
    rules = load_rules()
    if origin not in r.origins:
        return rules.countries
    out = set(r.allowed) | {origin}
    for c in r.conditional:
        if accept_conditions or c.id in met:
            out |= c.countries
    return frozenset(out)


def may_hold(
    data_class: str,
    origin_country: str,
    destination_country: str,
    *,
    accept_conditions: bool = False,
    conditions_met: Iterable[str] = (),
) -> bool:
    """Whether ``data_class`` data from ``origin_country`` may be held in ``destination_country``.

    Parameters
    ----------
    data_class : str
        One of :func:`data_classes`.
    origin_country : str
        ISO2 code of the country the data comes from.
    destination_country : str
        ISO2 code of the country that would hold it.
    accept_conditions : bool, optional
        Allow every conditional destination, as in :func:`allowed_destinations`.
    conditions_met : Iterable[str], optional
        Ids of the conditions the caller meets, as in :func:`allowed_destinations`.

    Returns
    -------
    bool
        Whether the destination is among :func:`allowed_destinations`.

    Raises
    ------
    InputError
        Unknown data class, country code or condition id.

    Examples
    --------
    >>> may_hold("in_payment", "IN", "SG")
    False
    >>> may_hold("none", "CN", "US")
    True
    """
    dest = _country(destination_country, "destination")
    return dest in allowed_destinations(
        data_class,
        origin_country,
        accept_conditions=accept_conditions,
        conditions_met=conditions_met,
    )


def conditions(data_class: str, origin_country: str, destination_country: str) -> tuple[str, ...]:
    """Conditions under which a conditional destination becomes allowed (empty if none apply).

    Parameters
    ----------
    data_class : str
        One of :func:`data_classes`.
    origin_country : str
        ISO2 code of the country the data comes from.
    destination_country : str
        ISO2 code of the candidate destination.

    Returns
    -------
    tuple of str
        The condition texts of the conditional entries naming the destination; empty when
        the rule does not bind data from the origin.

    Raises
    ------
    InputError
        Unknown data class or country code.
    """
    r = rule(data_class)
    dest = _country(destination_country, "destination")
    if _country(origin_country, "origin") not in r.origins:
        return ()
    return tuple(c.condition for c in r.conditional if dest in c.countries)
