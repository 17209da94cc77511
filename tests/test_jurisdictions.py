"""Jurisdiction records: one per country that hosts a market or a demand region over 5 million
people, each sourced, consistent with the residency classes, and answered by the CLI.

The list of countries that must have a record is derived from the bundled tables (markets and
demand regions), so a market or region added in a later release without a record fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import typer

from computegeo.cli import build_app, main
from computegeo.dataset import catalog, residency_rules, tables
from computegeo.pipeline.plan import run_plan
from computegeo.scenario.load import load_scenario

BIG_DEMAND_POPULATION = 5e6
"""Demand regions above this population (people) need a record of their country (issue 16)."""


def _required_countries() -> set[str]:
    regions = tables.load_demand_regions()
    big = regions.loc[regions["population"] > BIG_DEMAND_POPULATION, "country"]
    return set(catalog.load_markets()["country"]) | set(big)


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return residency_rules.load_jurisdictions()


def test_every_market_and_big_demand_country_has_a_record(records: pd.DataFrame) -> None:
    required = _required_countries()
    assert len(required) > 50  # the bundled tables (57 countries in Dec 2026), not empty
    missing = sorted(required - set(records.index))
    assert not missing, f"countries without a jurisdictions.yaml record: {missing}"


def test_every_record_names_its_act_with_a_date_and_a_source(records: pd.DataFrame) -> None:
    for cc, r in records.iterrows():
        assert re.search(r"\b(19|20)\d\d\b", str(r["act"])), (cc, "act has no year")
        assert len(str(r["source"])) > 8, cc
        assert len(str(r["transfer_basis"])) > 10, cc
        assert 2000 <= int(r["year"]) <= 2026, cc
        if str(r["regime"]).startswith("none"):
            # no comprehensive law: the act field says so (with the source in 'source')
            assert re.search(r"\bno\b", str(r["act"])), cc
        if r["localisation"] != "none":
            assert str(r["localisation_rules"]).strip(), (cc, "localisation without its rule")


def test_every_country_class_is_named_in_its_country_record(records: pd.DataFrame) -> None:
    """A class bound to one origin country is named in that country's record ("class NAME"),
    and a class that keeps the data at home without any condition (au_health, ru_personal, ...)
    sits in a record whose localisation is not 'none'."""
    fields = ["transfer_basis", "localisation_rules", "note"]
    for name, r in residency_rules.load_rules().classes.items():
        if len(r.origins) != 1:
            continue
        (cc,) = r.origins
        assert cc in records.index, name
        text = " ".join(str(records.loc[cc, f]) for f in fields)
        assert re.search(rf"\bclass {name}\b", text), (name, cc)
        if not r.allowed and not r.conditional:
            assert records.loc[cc, "localisation"] != "none", name


def test_transfer_classes_agree_with_the_transfer_kind_of_their_record(
    records: pd.DataFrame,
) -> None:
    """A class named in a record's transfer rule follows that record's transfer kind: a country
    with an adequacy or whitelist list lets data go to it unconditionally; one where every
    destination needs safeguards or an approval has no unconditional destination abroad."""
    checked = 0
    for name, r in residency_rules.load_rules().classes.items():
        if len(r.origins) != 1:
            continue
        (cc,) = r.origins
        if f"class {name}" not in str(records.loc[cc, "transfer_basis"]):
            continue
        kind = records.loc[cc, "transfer"]
        if kind == "adequacy_or_safeguards":
            assert r.allowed, (name, kind)
        elif kind in ("safeguards", "restricted"):
            assert not r.allowed, (name, kind)
            assert r.conditional, (
                name,
                "no way abroad at all is localisation, not a transfer rule",
            )
        checked += 1
    assert checked >= 4  # uk_personal, jp_personal, br_personal, co_personal at least


@pytest.mark.parametrize(
    ("country", "regime_prefix", "transfer", "localisation", "source"),
    [
        ("AO", "LPDP", "restricted", "none", "Law 22/11: APD approval for non-adequate countries"),
        ("CI", "Law 2013-450", "restricted", "none", "Law 2013-450 Art. 26; ARTCI 2016-0113"),
        ("CD", "Digital Code", "restricted", "broad", "Ordinance-Law 23/010 (13 Mar 2023)"),
        ("IQ", "none", "free", "none", "no private-sector law (DataGuidance, Jun 2024)"),
        ("IR", "none", "free", "none", "2018 draft act not enacted (DataGuidance)"),
        ("SD", "none", "free", "none", "no comprehensive law, no DPA (EUI DTI database)"),
        ("MM", "none", "safeguards", "sectoral", "ETL s27-A(ii) (2021); Cybersecurity Law 2025"),
        ("KE", "Data Protection Act", "safeguards", "sectoral", "DPA 2019 s48-50; reg. 26"),
        ("HK", "PDPO", "free", "none", "PDPO s33 never brought into operation"),
        ("CN", "CSL", "restricted", "broad", "PIPL Art. 38-40; CSL Art. 37"),
    ],
)
def test_regimes_as_the_sources_say(
    records: pd.DataFrame,
    country: str,
    regime_prefix: str,
    transfer: str,
    localisation: str,
    source: str,
) -> None:
    assert source
    r = records.loc[country]
    assert str(r["regime"]).startswith(regime_prefix)
    assert (r["transfer"], r["localisation"]) == (transfer, localisation)


def test_residency_command_answers_for_every_country_with_a_record(
    records: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """``computegeo markets residency CLASS --from XX`` for every recorded country, in process:
    the EU class (binding or not) and every class whose origin the country is. The click command
    is built once (building it is ~0.25 s); ``main`` itself is run for the first country."""
    classes = residency_rules.load_rules().classes
    command = typer.main.get_command(build_app())
    for i, cc in enumerate(sorted(records.index)):
        own = [n for n, r in classes.items() if cc in r.origins and len(r.origins) < 200]
        for data_class in ["eu_personal", *own]:
            args = ["markets", "residency", data_class, "--from", cc]
            code = main(args) if i == 0 else command.main(args=args, standalone_mode=False)
            out, err = capsys.readouterr()
            assert code in (0, None), (cc, data_class, err)
            assert f"Regime of {cc}: {records.loc[cc, 'regime']}" in out, (cc, data_class)
            if data_class in own:
                assert "May be held in" in out, (cc, data_class)
                assert "Legal basis:" in out, (cc, data_class)


PLAN_OBJ_RTOL = 1e-6
"""Relative tolerance on a hand-computed plan cost."""

HAND_CASE = """\
name: {name}
discount_rate: 0.0
horizon: {{start_year: 2027, end_year: 2027, decision_year: 2026}}
workloads:
  - {{id: w, data_class: {data_class}}}
demand:
  direct:
    - {{workload: w, region: {region}, year: 2027, amount: 10}}
supply:
  build: {{enabled: false}}
  lease: {{enabled: false}}
  cloud: {{price_usd_per_mw_year: 9000000, lead_time_months: 0}}
market_overrides:
{overrides}
policies:
  markets: {{include: [{markets}]}}
  residency_conditions: [{conditions}]
"""


@pytest.mark.parametrize(
    ("data_class", "region", "prices_musd", "conditions", "market", "objective_usd"),
    [
        # Colombia: the US is on the SIC list (Circular 005 of 2017), Brazil is not.
        ("co_personal", "bogota_co", {"bogota": 3, "sao_paulo": 1, "n_virginia": 2}, [],
         "n_virginia", 20e6),
        ("co_personal", "bogota_co", {"bogota": 3, "sao_paulo": 1, "n_virginia": 2},
         ["co_art26_exception"], "sao_paulo", 10e6),
        # Kenya: strategic-interest data processed in Kenya unless a serving copy stays there;
        # Nairobi has no cloud region (cloud_regions.csv), so without the copy nothing may
        # serve it: 10 MW unmet at the default penalty of 50 MUSD/MW-yr.
        ("ke_strategic", "nairobi_ke", {"nairobi": 3, "johannesburg": 1}, [], None, 500e6),
        ("ke_strategic", "nairobi_ke", {"nairobi": 3, "johannesburg": 1},
         ["ke_serving_copy_in_kenya"], "johannesburg", 10e6),
    ],
)  # fmt: skip
def test_new_classes_bind_the_plan_as_hard_constraints(
    tmp_path: Path,
    data_class: str,
    region: str,
    prices_musd: dict[str, float],
    conditions: list[str],
    market: str | None,
    objective_usd: float,
) -> None:
    """10 MW of one class's demand, cloud only, one year, no discounting: the cheapest market
    the class allows serves it (cost = 10 MW x its price), or none may and it is unmet."""
    overrides = "\n".join(
        f"  {m}: {{cloud_price_usd_per_mw_year: {p * 1_000_000:.0f}}}"
        for m, p in prices_musd.items()
    )
    text = HAND_CASE.format(
        name=f"{data_class} hand case",
        data_class=data_class,
        region=region,
        overrides=overrides,
        markets=", ".join(prices_musd),
        conditions=", ".join(conditions),
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    plan = run_plan(load_scenario(path), None).plan
    assert plan.solve.objective_usd == pytest.approx(objective_usd, rel=PLAN_OBJ_RTOL)
    if market is None:
        assert plan.builds == ()
        assert sum(u.mw for u in plan.unmet) == pytest.approx(10.0)
        return
    assert plan.unmet == ()
    assert {b.site_id.split(":")[0] for b in plan.builds} == {market}


def test_a_record_citing_an_unknown_class_is_reported_with_a_close_match() -> None:
    problems: list[str] = []
    bad = [{"country": "KE", "localisation_rules": "reg. 26 (class ke_strategik)"}]
    residency_rules._check_class_references(bad, residency_rules.load_rules().classes, problems)
    assert len(problems) == 1
    assert "jurisdictions.yaml, record KE, field 'localisation_rules'" in problems[0]
    assert "ke_strategic" in problems[0]
