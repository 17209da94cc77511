"""The residency question on known cases from every continent, each with its legal source.

``(data_class, origin, destination, conditions met, expected, source)``: ``conditions met`` are
the ids a scenario states in ``policies.residency_conditions``; ``"*"`` accepts every condition.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from computegeo.cli import main
from computegeo.cli.markets import residency_answer
from computegeo.core.errors import ConfigError
from computegeo.dataset import residency, residency_rules, tables
from computegeo.dataset.catalog import load_markets
from computegeo.pipeline.plan import run_plan
from computegeo.scenario.load import load_scenario

OBJ_RTOL = 1e-6
GDPR_ADEQ = "GDPR Art. 45; CNPD Luxembourg adequacy list (2024)"
CASES: list[tuple[str, str, str, tuple[str, ...], bool, str]] = [
    # Europe
    ("eu_personal", "DE", "FR", (), True, "GDPR Art. 1(3): free movement within the Union"),
    ("eu_personal", "HU", "DE", (), True, "Hungary an EU member since 2004 (accession treaty)"),
    ("eu_personal", "NO", "SE", (), True, "EEA Agreement (in force 1 Jan 1994), GDPR in EEA"),
    ("eu_personal", "DE", "CH", (), True, f"Decision 2000/518/EC; {GDPR_ADEQ}"),
    ("eu_personal", "FR", "GB", (), True, "Implementing Decision (EU) 2021/1772, renewed Dec 2025"),
    ("eu_personal", "IE", "US", (), False, "Decision (EU) 2023/1795 covers DPF-certified only"),
    ("eu_personal", "IE", "US", ("eu_us_dpf",), True, "Implementing Decision (EU) 2023/1795"),
    ("eu_personal", "NL", "CA", (), False, "Decision 2002/2/EC covers PIPEDA organisations only"),
    ("eu_personal", "NL", "CA", ("ca_pipeda_commercial",), True, "Decision 2002/2/EC"),
    ("eu_personal", "NL", "CA", ("eu_us_dpf",), False, "DPF certification does not open Canada"),
    ("eu_personal", "ES", "RU", (), False, "no adequacy decision for Russia (GDPR Art. 45)"),
    ("eu_personal", "PL", "SG", (), False, "no adequacy decision for Singapore (GDPR Art. 45)"),
    ("eu_personal", "PL", "SG", ("eu_sccs",), True, "GDPR Art. 46(2)(c); Decision (EU) 2021/914"),
    ("uk_personal", "GB", "KR", (), True, "UK adequacy regulations for Korea, SI 2022/1213"),
    ("uk_personal", "GB", "DE", (), True, "DPA 2018 Sch. 21 para 4: EEA states adequate"),
    ("uk_personal", "GB", "US", (), False, "SI 2023/1028 covers certified recipients only"),
    ("uk_personal", "GB", "US", ("uk_us_data_bridge",), True, "SI 2023/1028 (UK-US data bridge)"),
    ("uk_personal", "GB", "US", ("eu_us_dpf",), False, "the UK Extension is a separate opt-in"),
    ("uk_personal", "GB", "CA", (), False, "Decision 2002/2/EC scope kept by DPA 2018 Sch. 21"),
    ("uk_personal", "GB", "CA", ("ca_pipeda_commercial",), True, "DPA 2018 Sch. 21 para 5"),
    ("uk_personal", "GB", "SG", (), False, "no UK adequacy regulations for Singapore"),
    ("uk_personal", "GB", "SG", ("uk_idta",), True, "UK GDPR Art. 46: IDTA or UK Addendum"),
    ("ru_personal", "RU", "RU", (), True, "152-FZ Art. 18(5) (242-FZ, 2014)"),
    ("ru_personal", "RU", "DE", (), False, "152-FZ Art. 18(5) as reworded by 23-FZ (1 Jul 2025)"),
    ("ru_personal", "RU", "KZ", ("*",), False, "152-FZ Art. 18(5): no exception for a country"),
    # Asia and the Middle East
    ("jp_personal", "JP", "DE", (), True, "APPI Art. 28: PPC whitelist (EU/EEA, 2019)"),
    ("jp_personal", "JP", "GB", (), True, "APPI Art. 28: PPC whitelist (UK)"),
    ("jp_personal", "JP", "US", (), False, "APPI Art. 28: US not whitelisted"),
    ("jp_personal", "JP", "US", ("jp_consent_or_equivalent",), True, "APPI Art. 28(1)"),
    ("eu_personal", "DE", "JP", (), True, "Implementing Decision (EU) 2019/419 (23 Jan 2019)"),
    ("eu_personal", "DE", "KR", (), True, "Implementing Decision (EU) 2022/254 (17 Dec 2021)"),
    ("eu_personal", "DE", "IL", (), True, "Commission Decision 2011/61/EU (31 Jan 2011)"),
    ("in_payment", "IN", "IN", (), True, "RBI directive on Storage of Payment System Data (2018)"),
    ("in_payment", "IN", "SG", (), False, "RBI (6 Apr 2018): stored only in India"),
    ("in_payment", "IN", "SG", ("in_rbi_processing_only",), True, "RBI FAQ (26 Jun 2019)"),
    ("in_payment", "IN", "US", ("*",), True, "RBI FAQ (26 Jun 2019): no bar on processing abroad"),
    ("cn_important", "CN", "HK", (), False, "CSL Art. 37; PIPL Art. 40: CIIO data stays in China"),
    ("cn_important", "CN", "HK", ("cn_cac_assessment",), True, "PIPL Art. 40; CAC rules 2024"),
    ("cn_personal", "CN", "HK", (), False, "PIPL Art. 38: Hong Kong is outside the mainland"),
    ("cn_personal", "CN", "SG", ("cn_pipl_mechanism",), True, "PIPL Art. 38(1)-(3)"),
    ("cn_personal", "CN", "JP", ("cn_cbdf_exemption",), True, "CAC Provisions (22 Mar 2024)"),
    ("cn_personal", "CN", "US", ("cn_cac_assessment",), False, "the CIIO condition is another"),
    ("id_public_sector", "ID", "SG", (), False, "Government Regulation 71/2019"),
    (
        "id_public_sector",
        "ID",
        "SG",
        ("id_tech_unavailable_in_indonesia",),
        True,
        "GR 71/2019 Art. 20: offshore when the technology is not available in Indonesia",
    ),
    ("uz_local", "UZ", "UZ", (), True, "Law ZRU-547 Art. 27-1 as amended by Law 1125 (2026)"),
    ("uz_local", "UZ", "KZ", (), False, "Art. 27-1 (2026): biometric, genetic, telecom data"),
    ("uz_local", "UZ", "DE", ("*",), False, "Art. 27-1 (2026): no exception"),
    ("uz_personal", "UZ", "DE", (), False, "Art. 27-1 (2026): abroad only on one of three bases"),
    ("uz_personal", "UZ", "DE", ("uz_transfer_safeguards",), True, "Law 1125 (26 Mar 2026)"),
    ("kz_personal", "KZ", "KZ", (), True, "Law 94-V Art. 12(2) (in force 1 Jan 2016)"),
    ("kz_personal", "KZ", "RU", (), False, "Law 94-V Art. 12(2): database kept in Kazakhstan"),
    ("kz_personal", "KZ", "DE", ("kz_database_in_kazakhstan",), True, "Art. 12(2): copies abroad"),
    ("vn_user_data", "VN", "VN", (), True, "Decree 53/2022/ND-CP Art. 26"),
    ("vn_user_data", "VN", "SG", (), False, "Cybersecurity Law 2018 Art. 26(3); Decree 53/2022"),
    (
        "vn_user_data",
        "VN",
        "SG",
        ("vn_foreign_enterprise_not_requested",),
        True,
        "Decree 53/2022 Art. 26: foreign enterprises only on an MPS request",
    ),
    ("sa_personal", "SA", "AE", (), False, "PDPL Art. 29; no SDAIA adequacy list (2024)"),
    ("sa_personal", "SA", "AE", ("sa_pdpl_safeguards",), True, "Transfer Regulation (Sep 2024)"),
    ("ae_health", "AE", "AE", (), True, "Federal Law No. 2 of 2019 Art. 13"),
    ("ae_health", "AE", "SA", (), False, "Federal Law 2/2019 Art. 13: not outside the State"),
    ("ae_health", "AE", "GB", ("ae_health_resolution_51",), True, "Ministerial Res. 51/2021"),
    ("ae_health", "AE", "IN", ("sa_pdpl_safeguards",), False, "a Saudi condition opens nothing"),
    ("kr_emr", "KR", "KR", (), True, "Medical Service Act Art. 23 (Chambers 2025, Kim & Chang)"),
    ("kr_emr", "KR", "JP", (), False, "Medical Service Act: EMR not stored outside Korea"),
    ("kr_emr", "KR", "US", ("*",), False, "Medical Service Act: no exception for a country"),
    ("eu_personal", "FR", "KR", (), True, "Implementing Decision (EU) 2022/254 (PIPA scope)"),
    ("uk_personal", "GB", "JP", (), True, "DPA 2018 Sch. 21 para 5: EU decision 2019/419 kept"),
    ("eu_personal", "DE", "AE", (), False, "no EU adequacy decision for the UAE (CNPD list 2024)"),
    ("eu_personal", "DE", "IN", (), False, "no EU adequacy decision for India (CNPD list 2024)"),
    # Oceania
    ("au_health", "AU", "AU", (), True, "My Health Records Act 2012 s77"),
    ("au_health", "AU", "NZ", (), False, "My Health Records Act 2012 s77"),
    ("au_health", "AU", "US", ("*",), False, "My Health Records Act 2012 s77: no exception"),
    ("eu_personal", "DE", "NZ", (), True, "Implementing Decision 2013/65/EU (19 Dec 2012)"),
    # The Americas
    ("eu_personal", "FR", "AR", (), True, "Commission Decision 2003/490/EC (30 Jun 2003)"),
    ("eu_personal", "FR", "UY", (), True, "Implementing Decision 2012/484/EU (21 Aug 2012)"),
    ("eu_personal", "FR", "BR", (), False, "no EU adequacy decision for Brazil (CNPD list 2024)"),
    ("eu_personal", "IT", "MX", (), False, "no EU adequacy decision for Mexico (CNPD list 2024)"),
    ("eu_personal", "IT", "CL", (), False, "no EU adequacy decision for Chile (CNPD list 2024)"),
    ("eu_personal", "ES", "CO", (), False, "no EU adequacy decision for Colombia (CNPD list 2024)"),
    ("co_personal", "CO", "US", (), True, "SIC External Circular 005 (10 Aug 2017) lists the US"),
    ("co_personal", "CO", "ES", (), True, "SIC External Circular 005 (2017): EU members"),
    ("co_personal", "CO", "JP", (), True, "SIC list as amended (Circulars 008/2017, 002/2018)"),
    ("co_personal", "CO", "BR", (), False, "Law 1581 Art. 26: Brazil not on the SIC list"),
    ("co_personal", "CO", "SG", (), False, "Law 1581 Art. 26: Singapore not on the SIC list"),
    ("co_personal", "CO", "SG", ("co_art26_exception",), True, "Law 1581 Art. 26(a): consent"),
    ("br_personal", "BR", "BR", (), True, "LGPD Art. 33"),
    ("br_personal", "BR", "US", (), False, "LGPD Art. 33; no ANPD adequacy decision (2025)"),
    ("br_personal", "BR", "PT", (), False, "no ANPD adequacy decision, not even for the EU"),
    ("br_personal", "BR", "US", ("br_lgpd_transfer_mechanism",), True, "Res. CD/ANPD 19/2024"),
    ("br_personal", "AR", "US", (), True, "the LGPD transfer rule binds Brazilian data only"),
    ("eu_personal", "FR", "CA", ("eu_sccs",), True, "GDPR Art. 46: SCCs for any recipient"),
    ("uk_personal", "GB", "AR", (), True, "DPA 2018 Sch. 21 para 5: EU decision 2003/490/EC kept"),
    ("uk_personal", "GB", "BR", (), False, "no UK adequacy regulations for Brazil"),
    ("eu_personal", "DE", "US", ("ca_pipeda_commercial",), False, "PIPEDA opens Canada only"),
    # Africa
    ("eu_personal", "DE", "ZA", (), False, "no EU adequacy decision for South Africa"),
    ("eu_personal", "PT", "KE", (), False, "no EU adequacy decision for Kenya"),
    ("eu_personal", "FR", "EG", (), False, "no EU adequacy decision for Egypt"),
    ("eg_personal", "EG", "EG", (), True, "Law 151/2020 Art. 14"),
    ("eg_personal", "EG", "SA", (), False, "Law 151/2020 Art. 14: PDPC licence needed"),
    ("eg_personal", "EG", "DE", ("eg_pdpc_transfer_licence",), True, "Decree 816/2025 licence"),
    ("eu_personal", "FR", "CI", (), False, "no EU adequacy decision for Cote d'Ivoire"),
    ("eu_personal", "PT", "AO", (), False, "no EU adequacy decision for Angola"),
    ("eu_personal", "PT", "AO", ("eu_sccs",), True, "GDPR Art. 46(2)(c); Decision (EU) 2021/914"),
    ("ke_strategic", "KE", "KE", (), True, "DP (General) Regulations 2021 reg. 26(1)(a)"),
    ("ke_strategic", "KE", "ZA", (), False, "DPA 2019 s50; General Regulations 2021 reg. 26"),
    ("ke_strategic", "KE", "ZA", ("ke_serving_copy_in_kenya",), True, "reg. 26(1)(b): a copy"),
    ("ke_strategic", "NG", "GB", (), True, "reg. 26 binds data processed for Kenya's state only"),
    # A rule binds data from its origins only
    ("eu_personal", "US", "CN", (), True, "GDPR Art. 3: the EU rule binds EEA-origin data"),
    ("in_payment", "SG", "US", (), True, "the RBI rule binds Indian payment data only"),
    ("ru_personal", "DE", "US", (), True, "152-FZ Art. 18(5) binds Russian citizens' data"),
    ("au_health", "NZ", "US", (), True, "the My Health Records Act binds Australian records"),
    ("eu_personal", "BR", "US", (), True, "GDPR Art. 3: the EU rule binds EEA-origin data"),
    ("none", "CN", "US", (), True, "unrestricted class"),
]


@pytest.mark.parametrize(
    ("data_class", "origin", "dest", "met", "expected", "source"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{'+'.join(c[3]) or 'none'}" for c in CASES],
)
def test_known_case(
    data_class: str, origin: str, dest: str, met: tuple[str, ...], expected: bool, source: str
) -> None:
    assert source
    if met == ("*",):
        got = residency.may_hold(data_class, origin, dest, accept_conditions=True)
    else:
        got = residency.may_hold(data_class, origin, dest, conditions_met=met)
    assert got is expected


def test_cases_cover_every_continent_and_new_class() -> None:
    assert len(CASES) >= 40
    continent = tables.load_countries()["continent"]
    seen: dict[str, int] = {}
    for c in CASES:
        for cc in {c[1], c[2]}:
            seen[continent[cc]] = seen.get(continent[cc], 0) + 1
    assert set(seen) == set(continent), sorted(set(continent) - set(seen))
    assert min(seen.values()) >= 5, seen
    new = {"ru_personal", "vn_user_data", "sa_personal", "ae_health", "ke_strategic", "kr_emr"}
    new |= {"br_personal", "co_personal", "uz_local", "uz_personal", "kz_personal"}
    new |= {"eg_personal", "cn_personal"}
    assert new | {"in_payment"} <= {c[0] for c in CASES}


def test_every_data_class_and_condition_has_a_case() -> None:
    """A class or a condition without a known case is a rule nobody checked."""
    assert set(residency.data_classes()) == {c[0] for c in CASES}
    used = {m for c in CASES for m in c[3] if m != "*"}
    assert set(residency.condition_ids()) <= used, sorted(set(residency.condition_ids()) - used)


def test_every_condition_is_reachable_and_documented() -> None:
    rules = residency_rules.load_rules()
    for r in rules.classes.values():
        for c in r.conditional:
            assert c.id, r.name
            assert len(c.condition) > 20, (r.name, c.id)
    ids = residency.condition_ids()
    assert len(ids) == len(set(ids))


def test_every_market_country_has_a_sourced_jurisdiction_record() -> None:
    records = residency_rules.load_jurisdictions()
    countries = set(load_markets()["country"])
    assert countries <= set(records.index), sorted(countries - set(records.index))
    for f in ("regime", "act", "transfer_basis", "source"):
        assert (records[f].astype(str).str.len() > 2).all(), f
    assert records["year"].between(2000, 2026).all()
    # Regimes that differ as the legal sources say.
    assert records.loc["HK", "transfer"] == "free"  # PDPO s33 never brought into operation
    assert records.loc["BR", "transfer"] == "safeguards"  # no ANPD adequacy decision yet
    assert records.loc["CN", "transfer"] == "restricted"
    assert records.loc["RU", "localisation"] == "broad"
    assert records.loc["KE", "localisation"] == "sectoral"  # General Regulations 2021 reg. 26


def test_residency_command_answers_for_every_market_country(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for cc in sorted(set(load_markets()["country"])):
        text = residency_answer("eu_personal", cc, False, [])
        assert f"Regime of {cc}: " in text
        assert "no jurisdiction record" not in text, cc
    code = main(["markets", "residency", "in_payment", "--from", "IN", "--meets", "in_rbi"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "in_rbi_processing_only" in err  # suggested


def test_residency_command_states_what_rbi_allows(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["markets", "residency", "in_payment", "--from", "IN"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "May be held in 1 country: IN" in out
    assert "one business day or 24 hours" in out
    code = main(
        ["markets", "residency", "in_payment", "--from", "IN", "--meets", "in_rbi_processing_only"]
    )
    out, _ = capsys.readouterr()
    assert "(met, included)" in out


HAND_CASE = """\
name: paris eu_personal dpf hand case
discount_rate: 0.0
horizon: {start_year: 2027, end_year: 2027, decision_year: 2026}
workloads:
  - {id: eu_chat, data_class: eu_personal}
demand:
  direct:
    - {workload: eu_chat, region: paris_fr, year: 2027, amount: 10}
supply:
  build: {enabled: false}
  lease: {enabled: false}
  cloud: {price_usd_per_mw_year: 2000000, lead_time_months: 0}
market_overrides:
  n_virginia: {cloud_price_usd_per_mw_year: 1000000}
  toronto: {cloud_price_usd_per_mw_year: 1500000}
  frankfurt: {cloud_price_usd_per_mw_year: 3000000}
policies:
  markets: {include: [n_virginia, toronto, frankfurt]}
"""


@pytest.mark.parametrize(
    ("conditions", "market", "objective_usd"),
    [
        ([], "frankfurt", 30e6),  # neither partial decision applies: 10 MW x 3 MUSD
        (["ca_pipeda_commercial"], "toronto", 15e6),  # Decision 2002/2/EC
        (["eu_us_dpf"], "n_virginia", 10e6),  # Decision (EU) 2023/1795
    ],
)
def test_scenario_conditions_decide_where_eu_data_goes(
    tmp_path: Path, conditions: list[str], market: str, objective_usd: float
) -> None:
    """10 MW of eu_personal demand in Paris, cloud only, one year, no discounting: the stated
    conditions open Canada or the US; without them only Frankfurt may hold the data."""
    text = textwrap.dedent(HAND_CASE)
    if conditions:
        text += f"  residency_conditions: [{', '.join(conditions)}]\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    run = run_plan(load_scenario(path), None)
    p = run.plan
    assert p.solve.objective_usd == pytest.approx(objective_usd, rel=OBJ_RTOL)
    assert p.unmet == ()
    assert {b.site_id.split(":")[0] for b in p.builds} == {market}


def test_unknown_scenario_condition_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        textwrap.dedent(HAND_CASE) + "  residency_conditions: [eu_us_dfp]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        run_plan(path, None)
    text = str(info.value)
    assert "policies.residency_conditions" in text
    assert "eu_us_dpf" in text
