"""The shipped residency rules and jurisdiction records, loaded and checked once.

``computegeo/data/residency.yaml`` gives each data class its origins, allowed and conditional
destinations and legal basis; ``computegeo/data/jurisdictions.yaml`` the data-protection regime
of each country. Country groups they name come from :mod:`computegeo.dataset.country_groups`.
The questions asked of the rules (may class C from X be held in Y?) are
:mod:`computegeo.dataset.residency`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import yaml

from computegeo.core.errors import DataError, suggest
from computegeo.dataset.country_groups import GROUP_PREFIX, GROUPS_FILE, country_groups
from computegeo.dataset.schema import read_data_text
from computegeo.dataset.tables import load_countries

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
