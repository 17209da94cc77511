"""Data-residency rules on known cases from adequacy decisions and localisation laws."""

from __future__ import annotations

import pytest

from computegeo.core.errors import InputError
from computegeo.dataset import residency, residency_rules


def test_contract_classes() -> None:
    classes = residency.data_classes()
    for c in ("eu_personal", "au_health", "in_payment", "cn_important", "id_public_sector", "none"):
        assert c in classes


@pytest.mark.parametrize(
    ("data_class", "origin", "dest", "expected"),
    [
        ("eu_personal", "DE", "JP", True),  # EU-Japan mutual adequacy (2019)
        ("eu_personal", "FR", "GB", True),  # UK adequacy renewed Dec 2025
        ("eu_personal", "IE", "KR", True),
        ("eu_personal", "NL", "NO", True),  # EEA
        ("eu_personal", "DE", "SG", False),  # no adequacy decision
        ("eu_personal", "DE", "US", False),  # only DPF-certified recipients (conditional)
        ("eu_personal", "DE", "AU", False),
        ("au_health", "AU", "AU", True),
        ("au_health", "AU", "NZ", False),  # My Health Records Act s77
        ("au_health", "AU", "US", False),
        ("in_payment", "IN", "SG", False),  # RBI 2018
        ("cn_important", "CN", "HK", False),
        ("id_public_sector", "ID", "SG", False),
        ("jp_personal", "JP", "DE", True),  # PPC whitelist: EU/EEA, UK
        ("jp_personal", "JP", "US", False),
        ("uk_personal", "GB", "KR", True),
        ("none", "CN", "US", True),
    ],
)
def test_known_cases(data_class: str, origin: str, dest: str, expected: bool) -> None:
    assert residency.may_hold(data_class, origin, dest) is expected


def test_conditions() -> None:
    assert residency.may_hold("eu_personal", "DE", "US", accept_conditions=True)
    assert not residency.may_hold("au_health", "AU", "US", accept_conditions=True)
    assert any(
        "Data Privacy Framework" in c for c in residency.conditions("eu_personal", "DE", "US")
    )


def test_allowed_destinations_sets() -> None:
    assert residency.allowed_destinations("au_health", "AU") == frozenset({"AU"})
    eu = residency.allowed_destinations("eu_personal", "DE")
    assert {"JP", "GB", "CH", "NO", "FR"} <= eu
    assert "US" not in eu
    assert "SG" not in eu
    assert len(residency.allowed_destinations("none", "US")) > 200
    # a class binds only its origins: Australian health rule does not restrict NZ data
    assert "US" in residency.allowed_destinations("au_health", "NZ")


def test_bad_input_messages() -> None:
    with pytest.raises(InputError, match="Did you mean 'eu_personal'"):
        residency.may_hold("eu_personnal", "DE", "JP")
    with pytest.raises(InputError, match="ISO 3166-1 alpha-2"):
        residency.may_hold("eu_personal", "Germany", "JP")


def test_jurisdictions_table() -> None:
    j = residency_rules.load_jurisdictions()
    assert j.loc["DE", "regime"] == "GDPR"
    assert j.loc["AU", "localisation"] == "sectoral"
    assert j.loc["CN", "localisation"] == "broad"
    assert set(j["localisation"]) <= {"none", "sectoral", "broad"}
