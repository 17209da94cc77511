"""Country groups (EU, EEA, adequacy lists, OECD, NATO, ...) expanded to ISO2 codes.

The one membership table ``computegeo/data/country_groups.csv``
(:func:`computegeo.dataset.tables.load_country_groups`) records each membership with its legal
instrument and year; a member is an ISO2 code or ``group:<id>`` (every member of another group).
:func:`country_groups` resolves the nesting once and checks it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from computegeo.core.errors import DataError, InputError, suggest
from computegeo.dataset.tables import load_countries, load_country_groups

GROUPS_FILE = "country_groups.csv"
GROUP_PREFIX = "group:"


def _expand_groups(
    table: pd.DataFrame, universe: frozenset[str], problems: list[str]
) -> dict[str, frozenset[str]]:
    """Members of every group in the membership table, nested ``group:`` rows resolved."""
    direct: dict[str, list[tuple[int, str]]] = {}
    for i, (g, m) in enumerate(zip(table["group"], table["member"], strict=True), start=2):
        direct.setdefault(str(g), []).append((i, str(m)))
    done: dict[str, frozenset[str]] = {}

    def resolve(g: str, stack: tuple[str, ...]) -> frozenset[str]:
        if g in done:
            return done[g]
        out: set[str] = set()
        for row, m in direct[g]:
            where = f"{GROUPS_FILE}, row {row}, column 'member'"
            if m.startswith(GROUP_PREFIX):
                ref = m.removeprefix(GROUP_PREFIX)
                if ref not in direct:
                    problems.append(f"{where}: unknown group {ref!r}.{suggest(ref, direct)}")
                elif ref in stack:
                    problems.append(f"{where}: group {ref!r} contains itself")
                else:
                    out |= resolve(ref, (*stack, ref))
            elif m in universe:
                out.add(m)
            else:
                problems.append(f"{where}: {m!r} is not an ISO 3166-1 alpha-2 code")
        done[g] = frozenset(out)
        return done[g]

    return {g: resolve(g, (g,)) for g in direct}


@functools.lru_cache(maxsize=1)
def country_groups() -> Mapping[str, frozenset[str]]:
    """Every country group of the membership table, expanded to ISO2 codes (cached).

    Returns
    -------
    Mapping[str, frozenset of str]
        Group id (``eu``, ``eea``, ...) -> ISO2 member codes, nested groups expanded.

    Raises
    ------
    DataError
        If the shipped membership table is inconsistent (every problem listed).

    Examples
    --------
    >>> groups = country_groups()
    >>> len(groups["eu"]), len(groups["eea"]), "HU" in groups["eu"]
    (27, 30, True)
    """
    problems: list[str] = []
    groups = _expand_groups(load_country_groups(), frozenset(load_countries().index), problems)
    if problems:
        msg = f"the bundled {GROUPS_FILE} is invalid"
        raise DataError(msg, problems)
    return groups


def group_members(group: str) -> frozenset[str]:
    """ISO2 members of one country group (``eu``, ``eea``, ``eu_adequacy``, ``oecd``, ...).

    Parameters
    ----------
    group : str
        The group id, without ``group:``.

    Returns
    -------
    frozenset of str
        ISO2 codes.

    Raises
    ------
    InputError
        If the group is unknown (with close matches).
    """
    groups = country_groups()
    if group not in groups:
        msg = (
            f"unknown country group {group!r}.{suggest(group, groups)} Known: {', '.join(groups)}."
        )
        raise InputError(msg)
    return groups[group]
