"""One membership table for every country group; residency rules for each member both ways.

Defect 1 of the audit: Hungary was missing from the residency rules' EU list, so
``may_hold("eu_personal", "HU", "US")`` was True and ``DE -> HU`` False. Every group now comes
from ``computegeo/data/country_groups.csv``; each member is tested as origin and as destination.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from computegeo.dataset import country_groups, residency, tables
from computegeo.dataset.schema import read_data_text
from computegeo.pipeline.plan import run_plan
from computegeo.scenario.load import load_scenario

OBJ_RTOL = 1e-6
"""Relative tolerance on the hand-computed plan cost."""

# The 27 member states, written out here independently of the data file (Treaty lists, 2025).
EU27 = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
EEA = (*EU27, "IS", "LI", "NO")
# Full adequacy decisions; Canada's (2002/2/EC) covers commercial organisations under PIPEDA only,
# so it is the group eu_adequacy_pipeda, opened by the condition ca_pipeda_commercial.
EU_ADEQUACY = ["AD", "AR", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY"]
OUTSIDE = ("US", "CN", "IN", "SG", "BR", "AE")  # no adequacy decision: conditional at most


def test_groups_match_the_treaty_lists() -> None:
    groups = country_groups.country_groups()
    assert groups["eu"] == frozenset(EU27)
    assert groups["eea"] == frozenset(EEA)
    assert groups["eu_adequacy"] == frozenset(EU_ADEQUACY)
    assert groups["eu_adequacy_pipeda"] == groups["uk_adequacy_pipeda"] == frozenset({"CA"})
    assert len(groups["oecd"]) == 38
    assert len(groups["nato"]) == 32
    assert groups["five_eyes"] == frozenset({"AU", "CA", "GB", "NZ", "US"})
    assert groups["jp_appi_whitelist"] == frozenset(EEA) | {"GB"}
    assert groups["uk_adequacy"] >= frozenset(EEA) | {"GI", "KR", "JP", "CH"}


def test_every_membership_row_is_sourced_and_dated() -> None:
    table = tables.load_country_groups()
    assert not table.duplicated(["group", "member"]).any()
    assert (table["source"].str.len() > 10).all()
    assert table["since_year"].between(1900, 2026).all()
    hu = table[(table["group"] == "eu") & (table["member"] == "HU")]
    assert hu["since_year"].tolist() == [2004]


def test_rules_file_keeps_no_country_list() -> None:
    """The residency rules name groups; a list of codes there would drift from the table
    (a single country, such as the origin of a national rule, is not a group)."""
    doc = yaml.safe_load(read_data_text("residency.yaml"))
    assert "groups" not in doc
    for name, spec in doc["data_classes"].items():
        conditional = [c["countries"] for c in spec.get("conditional", [])]
        lists = [spec["origins"], spec["allowed"], *conditional]
        for items in lists:
            if items != "any":
                codes = [i for i in items if not str(i).startswith("group:")]
                assert len(codes) <= 1, (name, codes)


@pytest.mark.parametrize("country", EEA)
def test_eea_member_as_origin(country: str) -> None:
    assert residency.may_hold("eu_personal", country, country)
    assert residency.may_hold("eu_personal", country, "DE" if country != "DE" else "FR")
    assert residency.may_hold("eu_personal", country, "JP")  # adequacy decision 2019
    for dest in OUTSIDE:
        assert not residency.may_hold("eu_personal", country, dest), dest
    assert residency.may_hold("eu_personal", country, "US", accept_conditions=True)


@pytest.mark.parametrize("country", EEA)
def test_eea_member_as_destination(country: str) -> None:
    for origin in ("DE", "FR", "HU", "NO"):
        assert residency.may_hold("eu_personal", origin, country), origin
    assert residency.may_hold("uk_personal", "GB", country)
    assert residency.may_hold("jp_personal", "JP", country)


@pytest.mark.parametrize("country", EU_ADEQUACY)
def test_eu_adequacy_country_as_destination(country: str) -> None:
    assert residency.may_hold("eu_personal", "HU", country)
    assert residency.may_hold("eu_personal", "IE", country)


@pytest.mark.parametrize("country", EU_ADEQUACY)
def test_eu_adequacy_country_as_origin_is_not_bound(country: str) -> None:
    """The EU rule binds data originating in the EEA only."""
    assert residency.may_hold("eu_personal", country, "US")


def test_hungary_defect_reproduced_cases() -> None:
    assert not residency.may_hold("eu_personal", "HU", "US")
    assert residency.may_hold("eu_personal", "DE", "HU")


HAND_CASE = """\
name: budapest eu_personal hand case
discount_rate: 0.0
horizon: {start_year: 2027, end_year: 2027, decision_year: 2026}
workloads:
  - {id: eu_chat, data_class: eu_personal}
demand:
  direct:
    - {workload: eu_chat, region: budapest_hu, year: 2027, amount: 10}
supply:
  build: {enabled: false}
  lease: {enabled: false}
  cloud: {price_usd_per_mw_year: 2000000, lead_time_months: 0}
market_overrides:
  n_virginia: {cloud_price_usd_per_mw_year: 1000000}
  frankfurt: {cloud_price_usd_per_mw_year: 3000000}
policies:
  markets: {include: [n_virginia, frankfurt]}
"""


def test_budapest_eu_personal_served_in_frankfurt(tmp_path: Path) -> None:
    """10 MW of eu_personal demand in Budapest, cloud only, N. Virginia 1 MUSD/MW-yr and
    Frankfurt 3 MUSD/MW-yr, one year, no discounting: Hungarian personal data may not go to
    the US, so Frankfurt serves it at 10 MW x 3 MUSD = 30 MUSD (the defect gave 10 MUSD)."""
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(HAND_CASE), encoding="utf-8")
    run = run_plan(load_scenario(path), None)
    p = run.plan
    assert p.solve.objective_usd == pytest.approx(30e6, rel=OBJ_RTOL)
    assert p.unmet == ()
    served = {b.site_id.split(":")[0] for b in p.builds}
    assert served == {"frankfurt"}


UK_ADEQUACY_EXTRA = [
    "GI",
    "AD",
    "AR",
    "FO",
    "GG",
    "IL",
    "IM",
    "JP",
    "JE",
    "NZ",
    "CH",
    "UY",
    "KR",
]


@pytest.mark.parametrize("country", [*EEA, *UK_ADEQUACY_EXTRA])
def test_uk_adequacy_member_as_destination(country: str) -> None:
    """DPA 2018 Sch. 21 (EEA, Gibraltar, pre-2021 EU adequacy list) and SI 2022/1213 (Korea)."""
    assert residency.may_hold("uk_personal", "GB", country)
    assert residency.may_hold("uk_personal", country, "CN")  # the UK rule binds GB data only


def test_canada_is_open_to_commercial_organisations_under_pipeda_only() -> None:
    """Commission Decision 2002/2/EC covers PIPEDA-covered commercial organisations; the UK kept
    it with that scope (DPA 2018 Sch. 21 para 5)."""
    for cls, origin in (("eu_personal", "DE"), ("eu_personal", "HU"), ("uk_personal", "GB")):
        assert not residency.may_hold(cls, origin, "CA")
        assert residency.may_hold(cls, origin, "CA", conditions_met=["ca_pipeda_commercial"])
        assert residency.may_hold(cls, origin, "CA", accept_conditions=True)
        assert not residency.may_hold(cls, origin, "US", conditions_met=["ca_pipeda_commercial"])


@pytest.mark.parametrize("country", [*EEA, "GB"])
def test_appi_whitelist_member_as_destination_and_origin(country: str) -> None:
    assert residency.may_hold("jp_personal", "JP", country)
    assert residency.may_hold("jp_personal", country, "US")  # the APPI rule binds JP data only


def test_non_members_stay_conditional() -> None:
    for cls, origin in (("uk_personal", "GB"), ("jp_personal", "JP")):
        for dest in OUTSIDE:
            assert not residency.may_hold(cls, origin, dest), (cls, dest)
    assert residency.conditions("eu_personal", "HU", "US")[0].startswith("recipient certified")
    assert residency.conditions("uk_personal", "GB", "US")[0].startswith("recipient certified")
