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

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import yaml

from computegeo.core.errors import DataError, InputError, suggest
from computegeo.dataset.schema import read_data_text
from computegeo.dataset.tables import load_countries, load_country_groups

RULES_FILE = "residency.yaml"
JURISDICTIONS_FILE = "jurisdictions.yaml"
TRANSFER_KINDS = ("free", "adequacy_or_safeguards", "safeguards", "restricted")
LOCALISATION_KINDS = ("none", "sectoral", "broad")
JURISDICTION_FIELDS = (
    "regime",
    "act",
    "transfer",
    "transfer_basis",
    "localisation",
    "localisation_rules",
    "note",
    "source",
    "year",
)
GROUPS_FILE = "country_groups.csv"
GROUP_PREFIX = "group:"
ANY = "any"


@dataclass(frozen=True)
class ConditionalTransfer:
    """Destinations allowed only under a stated condition (e.g. DPF certification).

    Parameters
    ----------
    countries
        ISO2 destinations the condition opens.
    condition
        What must hold, with its legal source.
    id
        Condition id a scenario states it meets (``policies.residency_conditions``).
    """

    countries: frozenset[str]
    condition: str
    id: str = ""


@dataclass(frozen=True)
class DataClassRule:
    """The residency rule of one data class.

    Parameters
    ----------
    name
        Data-class id (e.g. ``eu_personal``).
    description
        What data the class covers.
    origins
        ISO2 countries where data of this class originates (the rule binds only them).
    allowed
        ISO2 countries that may hold the data without further conditions (origin excluded).
    conditional
        Destinations allowed only when the caller accepts the conditions.
    legal_basis, source, year
        Provenance of the rule.
    """

    name: str
    description: str
    origins: frozenset[str]
    allowed: frozenset[str]
    conditional: tuple[ConditionalTransfer, ...]
    legal_basis: str
    source: str
    year: int


@dataclass(frozen=True)
class ResidencyRules:
    """Every data-class rule plus the universe of country codes."""

    classes: Mapping[str, DataClassRule]
    countries: frozenset[str]
    jurisdictions: tuple[Mapping[str, object], ...]


def _expand(
    items: object,
    groups: Mapping[str, frozenset[str]],
    universe: frozenset[str],
    where: str,
    problems: list[str],
) -> frozenset[str]:
    """Expand a list of ISO2 codes and ``group:<name>`` references (or ``any``)."""
    if items == ANY:
        return universe
    if not isinstance(items, list):
        problems.append(f"{RULES_FILE}, {where}: expected a list of ISO2 codes or 'any'")
        return frozenset()
    out: set[str] = set()
    for it in items:
        s = str(it)
        if s.startswith(GROUP_PREFIX):
            g = s.removeprefix(GROUP_PREFIX)
            if g not in groups:
                problems.append(
                    f"{RULES_FILE}, {where}: unknown group {g!r} (not in {GROUPS_FILE})."
                    f"{suggest(g, groups)}"
                )
                continue
            out |= groups[g]
        elif s in universe:
            out.add(s)
        else:
            problems.append(f"{RULES_FILE}, {where}: {s!r} is not an ISO 3166-1 alpha-2 code")
    return frozenset(out)


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


@functools.lru_cache(maxsize=1)
def load_rules() -> ResidencyRules:
    """Load and validate the shipped residency rules (cached; immutable).

    Returns
    -------
    ResidencyRules
        The data-class rules, the country universe and the jurisdiction records.

    Raises
    ------
    DataError
        If the shipped rules file is inconsistent (every problem listed).
    """
    doc = yaml.safe_load(read_data_text(RULES_FILE))
    universe = frozenset(load_countries().index)
    problems: list[str] = []
    if "groups" in doc:
        problems.append(
            f"{RULES_FILE}: a 'groups' section is not read; country groups come from {GROUPS_FILE}"
        )
    groups = country_groups()
    classes: dict[str, DataClassRule] = {}
    for name, spec in doc["data_classes"].items():
        where = f"data_classes.{name}"
        conds = tuple(
            ConditionalTransfer(
                _expand(c["countries"], groups, universe, f"{where}.conditional", problems),
                str(c["condition"]),
                str(c.get("id", "")),
            )
            for c in spec.get("conditional", [])
        )
        for i, c in enumerate(conds, start=1):
            if not c.id:
                problems.append(f"{RULES_FILE}, {where}.conditional item {i}: give it an 'id'")
        classes[name] = DataClassRule(
            name=name,
            description=str(spec["description"]),
            origins=_expand(spec["origins"], groups, universe, f"{where}.origins", problems),
            allowed=_expand(spec["allowed"], groups, universe, f"{where}.allowed", problems),
            conditional=conds,
            legal_basis=str(spec["legal_basis"]),
            source=str(spec["source"]),
            year=int(spec["year"]),
        )
    juris = _load_jurisdiction_records(groups, universe, problems)
    _check_class_references(juris, classes, problems)
    if problems:
        msg = f"the bundled {RULES_FILE} is invalid"
        raise DataError(msg, problems)
    return ResidencyRules(classes=classes, countries=universe, jurisdictions=tuple(juris))


def _load_jurisdiction_records(
    groups: Mapping[str, frozenset[str]], universe: frozenset[str], problems: list[str]
) -> list[Mapping[str, object]]:
    """Records of ``jurisdictions.yaml``, one per country (groups expanded), checked."""
    doc = yaml.safe_load(read_data_text(JURISDICTIONS_FILE))
    out: list[Mapping[str, object]] = []
    seen: set[str] = set()
    for i, j in enumerate(doc.get("jurisdictions", []), start=1):
        where = f"{JURISDICTIONS_FILE}, jurisdictions item {i}"
        missing = [f for f in JURISDICTION_FIELDS if f not in j]
        if missing:
            problems.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        if j["transfer"] not in TRANSFER_KINDS:
            problems.append(
                f"{where}, field 'transfer': {j['transfer']!r} is not one of "
                f"{', '.join(TRANSFER_KINDS)}"
            )
        if j["localisation"] not in LOCALISATION_KINDS:
            problems.append(
                f"{where}, field 'localisation': {j['localisation']!r} is not one of "
                f"{', '.join(LOCALISATION_KINDS)}"
            )
        for c in sorted(_expand([j["country"]], groups, universe, where, problems)):
            if c in seen:
                problems.append(f"{where}: {c} has a record already")
            seen.add(c)
            out.append({**j, "country": c})
    return out


_CLASS_REF = re.compile(r"\bclass ([a-z][a-z0-9_]*)")


def _check_class_references(
    records: list[Mapping[str, object]], classes: Mapping[str, DataClassRule], problems: list[str]
) -> None:
    """Every ``class NAME`` a jurisdiction record cites is a data class of the rules file."""
    for j in records:
        for field in ("transfer_basis", "localisation_rules", "note"):
            for name in _CLASS_REF.findall(str(j.get(field, ""))):
                if name not in classes:
                    problems.append(
                        f"{JURISDICTIONS_FILE}, record {j['country']}, field {field!r}: "
                        f"class {name!r} is not a data class of {RULES_FILE}."
                        f"{suggest(name, classes)}"
                    )


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


def load_jurisdictions() -> pd.DataFrame:
    """Data-protection regime per country (``jurisdictions.yaml``), indexed by ISO2.

    Columns ``regime``, ``act`` (with its date), ``transfer`` (one of
    :data:`TRANSFER_KINDS`), ``transfer_basis`` (articles), ``localisation``
    (``none``/``sectoral``/``broad``), ``localisation_rules``, ``note``, ``source``, ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per country with a record.

    Examples
    --------
    >>> j = load_jurisdictions()
    >>> j.loc["SG", "transfer"], j.loc["DE", "regime"]
    ('safeguards', 'GDPR')
    """
    rows = load_rules().jurisdictions
    frame = pd.DataFrame([dict(r) for r in rows])
    return frame.set_index("country")[list(JURISDICTION_FIELDS)]
