# ruff: noqa: E501 (citation and documentation text lines)
"""Generate docs/data.md (data reference from the schema) and docs/data-coverage.md.

Run from the repository root::

    PYTHONPATH=src python scripts/gen_data_docs.py          # write both pages
    PYTHONPATH=src python scripts/gen_data_docs.py --check  # exit 1 if either page is stale

Only the shipped package data is read (no ../shared), so the pages can be rebuilt anywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from computegeo.dataset import catalog, country_groups, residency_rules, tables
from computegeo.dataset.schema import load_schema, table_names

REPO = Path(__file__).resolve().parent.parent
DATA_MD = REPO / "docs" / "data.md"
COVERAGE_MD = REPO / "docs" / "data-coverage.md"

TABLE_INTRO = {
    "markets": (
        "Candidate metros, one row per market. Loaded by `catalog.load_markets()` (wide, typed) and "
        "`catalog.load_market_attributes()` (long, with provenance). Shipped as `markets.csv` (identity) "
        "and `market_attributes.csv` (every value with unit, source, year, estimated flag and rule)."
    ),
    "market_attributes": "Long-form provenance of every market value (`market_attributes.csv`).",
    "demand_regions": (
        "Demand metros (`demand_regions.csv`, `tables.load_demand_regions()`): UN WUP 2018 urban "
        "agglomerations with a 2025 population of at least 2 million, plus every country's largest "
        "agglomeration of at least 1 million, plus the largest of every EU/EEA and OECD country."
    ),
    "cloud_regions": (
        "AWS, Azure, GCP and OCI regions (`cloud_regions.csv`, `tables.load_cloud_regions()`); "
        "city-level coordinates, not facility locations."
    ),
    "hardware": "Accelerator profiles (`hardware.csv`, `tables.load_hardware()`).",
    "countries": "ISO 3166-1 countries and territories (`countries.csv`, `tables.load_countries()`).",
    "country_groups": (
        "The one membership table (`country_groups.csv`, `tables.load_country_groups()`, hand-kept "
        "from treaties, adequacy decisions and official member lists): every country group the "
        "residency rules name and the dataset's `eu_eea`, `oecd`, `nato` and `five_eyes` columns."
    ),
}


PREVIOUS_RELEASE = "2026.12.2"
PREVIOUS_MARKETS = 70
PREVIOUS_VALUES = 1610
PREVIOUS_ESTIMATED = {
    # estimated values per attribute in the previous release (its docs/data-coverage.md)
    "power_price_usd_per_mwh": 39,
    "build_cost_usd_per_mw": 51,
    "colo_rent_usd_per_kw_month": 62,
    "power_headroom_mw": 41,
    "time_to_power_months": 56,
    "moratorium": 33,
    "design_temp_c": 12,
    "pue": 63,
}
"""Estimates per attribute in the previous release, for the before/after column."""


PRICE_BASIS_SECTION = [
    "## One price basis (`power_price_usd_per_mwh`)",
    "",
    "Every power price is on one basis: what a **large industrial user** pays per MWh, **taxes",
    "excluded where the source says so**, in US dollars of the value's `year`. By source, in order",
    "of preference:",
    "",
    "1. **Large-user figures** (measured): the US EIA Electric Power Annual 2023 state industrial",
    "   average revenue per kWh (revenue / sales; pass-through taxes excluded) for US markets; Eurostat",
    "   non-household prices excluding VAT (H1 2024) for EU countries; UK DESNZ very large industrial",
    "   users (H2 2024); Singapore (C&W APAC, Nov 2024); KEPCO industrial Type B (Korea, Oct 2024);",
    "   Taipower's average industrial rate (Taiwan, Oct 2024).",
    "   A market outside the capital of its country takes the national figure and says so (Berlin,",
    "   Marseille, Luleå: estimated). Wyoming is not in the stored 2023 table: Cheyenne keeps the EIA",
    "   2019 state figure (estimated, year 2019).",
    "2. **Converted business tariffs** (estimated): elsewhere the GlobalPetrolPrices business tariff",
    "   (small and medium firms, taxes included; about Q4 2025, or June 2019 where that is the latest)",
    "   is multiplied by **0.886**, the median over the nine countries with both figures of the",
    "   ratio large-user price / business tariff (DE 0.886, DK 0.446, ES 1.175, FI 0.810, FR 0.993,",
    "   KR 1.122, PL 0.626, PT 0.917, SG 0.713; 0.848 over six before the measured prices of",
    "   Poland, Spain and Portugal, dataset 2026.12.3), computed by `scripts/build_dataset.py`.",
    "   The value's `low` and `high` are the tariff",
    "   times the smallest and largest ratio, so the range says how uncertain the conversion is. New",
    "   Zealand has no tariff in the raw files and takes Australia's (labelled).",
    "3. **Market-specific estimates** with their own rule: Sydney and Melbourne (implied by C&W's",
    "   cost of a 20 MW facility), Montreal (Hydro-Québec's proposed data-centre rate, range down to",
    "   Rate L).",
    "",
    "**Currency.** Conversions use one rate per currency, as the research notes",
    "(`../shared/reference/facts.md`) state them: 1 EUR = 1.08 USD, 1 GBP = 1.27 USD, 1 USD =",
    "1,380 KRW, and 1 CAD = 0.73 USD (= 1 / 1.3698, the Bank of Canada 2024 annual average);",
    "Taipei's price uses its source's own conversion. The source note or rule of each converted",
    "value names the rate it used. The EUR, GBP and KRW rates are not tied to a published annual",
    "average of a stated year in the sources reviewed: a known gap.",
    "",
    "**Ranges.** Where the evidence is a range (a published low-high, a low/mid/high estimate, or",
    "the spread of a conversion) the value carries `low` and `high` in `market_attributes.csv`. The",
    "risk model (`computegeo risk`) draws a ranged power price uniformly within its range, using",
    "the same correlated normal draw as the unranged markets mapped through its CDF; a price that",
    "an override or a scenario changed no longer uses the bundled range.",
    "",
]
"""Text of the price-basis section of docs/data.md."""

DEFINITIONS_SECTION = [
    "## Measured definitions (`seismic_hazard`, `hazard_class`, `time_to_power_months`)",
    "",
    "Since dataset 2026.12.2 three attributes are defined as the measured quantity the sources at",
    "hand give, each with its rule kept in the value's source note (docs/data-changes.md says why):",
    "",
    "- `seismic_hazard` = 1 - exp(-n/60), n = the USGS ComCat count of M5+ earthquakes within 300 km",
    "  of the market from 2013-01-01 to 2023-11-04. It is a measured activity rate with a fixed",
    "  transform, not a probabilistic ground-motion (PGA, 475-year) hazard, which no source at hand",
    "  ships per metro; before 2026.12.2 the same number was labelled an estimate of such a hazard.",
    "- `hazard_class` = high if `seismic_hazard` >= 0.3; medium if it is >= 0.1 or the country's",
    "  WorldRiskIndex 2025 exposure is >= 30; else low: a fixed class of two measured inputs.",
    "- `time_to_power_months`: a utility's or broker's published wait where one exists; for a",
    "  market with a tracked frontier campus (Epoch AI) and no published wait, the measured months",
    "  from site work (land clearing, or the start of a retrofit) to the campus's first power, the",
    "  median over the market's campuses with an observed (not forecast) first power date, with the",
    "  fastest and slowest as its range. It leaves out any wait for a connection agreement before",
    "  site work started, so it is a lower bound on a new project's wait.",
    "",
]
"""Text of the measured-definitions section of docs/data.md."""


def md_escape(text: str) -> str:
    """Escape table-breaking characters."""
    return text.replace("|", "\\|").replace("\n", " ")


def schema_section(table: str) -> list[str]:
    """Markdown table of one table's columns."""
    lines = [
        f"### `{table}`",
        "",
        TABLE_INTRO.get(table, ""),
        "",
        "| column | type | unit | required | bounds / allowed | description |",
        "|---|---|---|---|---|---|",
    ]
    for c in load_schema():
        if c.table != table:
            continue
        if c.allowed:
            bounds = ", ".join(c.allowed)
        elif c.minimum is not None or c.maximum is not None:
            lo = "" if c.minimum is None else f"{c.minimum:g}"
            hi = "" if c.maximum is None else f"{c.maximum:g}"
            bounds = f"{lo} .. {hi}"
        else:
            bounds = ""
        lines.append(
            f"| `{c.name}` | {c.type.value} | {md_escape(c.unit)} | {'yes' if c.required else 'no'} | "
            f"{md_escape(bounds)} | {md_escape(c.description)} |"
        )
    return [*lines, ""]


def data_page() -> str:
    """The data reference page."""
    markets = catalog.load_markets()
    rules = residency_rules.load_rules()
    out = [
        "# Data reference",
        "",
        "<!-- generated by scripts/gen_data_docs.py from src/computegeo/data/schema.csv; do not edit -->",
        "",
        "computegeo ships its dataset inside the package (`src/computegeo/data/`); nothing is fetched at run",
        "time. The tables are derived from public raw files by `scripts/build_dataset.py` (re-run it with",
        "`../shared` beside the repository) plus hand-curated published figures in",
        "`scripts/dataset_markets_seed.py`; `SOURCES.md` next to the tables lists every source and licence.",
        "Every market value carries its source, year and whether it is measured or estimated; an estimate",
        "states the rule that made it. Coverage per attribute: [data-coverage.md](data-coverage.md).",
        "",
        f"Shipped: {len(markets)} markets on {markets['continent'].nunique()} continents, "
        f"{len(tables.load_demand_regions())} demand regions, {len(tables.load_cloud_regions())} cloud "
        f"regions, {len(tables.load_hardware())} hardware profiles, {len(rules.classes)} residency data classes.",
        "",
        "## Use from Python",
        "",
        "```pycon",
        ">>> from computegeo.dataset import catalog, residency, tables",
        ">>> markets = catalog.load_markets()                 # DataFrame indexed by market_id",
        ">>> float(markets.loc['sydney', 'power_price_usd_per_mwh'])",
        "120.0",
        ">>> prov = catalog.load_market_attributes()          # source/year/estimated of every value",
        ">>> row = prov[(prov.market_id == 'tokyo') & (prov.attribute == 'build_cost_usd_per_mw')].iloc[0]",
        ">>> row.value, int(row.year), bool(row.estimated)",
        "(15200000.0, 2025, False)",
        ">>> len(tables.load_demand_regions()) >= 200",
        "True",
        ">>> float(tables.load_hardware().loc['gb200_nvl72', 'accelerators_per_mw_it'])",
        "600.0",
        ">>> residency.may_hold('eu_personal', 'DE', 'JP')    # EU-Japan adequacy",
        "True",
        ">>> residency.may_hold('au_health', 'AU', 'NZ')      # My Health Records Act s77",
        "False",
        ">>> sorted(residency.allowed_destinations('au_health', 'AU'))",
        "['AU']",
        ">>> m = catalog.load_markets()",
        ">>> list(m.index[m.eu_eea & (m.democracy_index >= 9.2)])",
        "['stockholm', 'oslo', 'helsinki', 'copenhagen', 'lulea', 'narvik']",
        "",
        "```",
        "",
        "## Use from the command line",
        "",
        "```console",
        "$ computegeo markets                                  # table; * marks estimated values",
        "$ computegeo markets --region europe --eu --min-democracy 9",
        "$ computegeo markets --where 'power_price_usd_per_mwh<100' --max-hazard medium",
        "$ computegeo markets --format json > markets.json     # [{id, name, country, latitude, longitude,",
        "                                                      #   attributes: {name: {value, unit, source, year, estimated}}}]",
        "$ computegeo markets --format csv",
        "$ computegeo markets show sydney                      # source and year of every value",
        "$ computegeo markets --residency eu_personal:DE       # markets that may hold EU personal data",
        "$ computegeo markets residency eu_personal --from DE  # the allowed countries and the legal basis",
        "```",
        "",
        "`--region` takes a continent (`africa`, `asia`, `europe`, `north_america`, `oceania`,",
        "`south_america`), `apac`, `emea`, `americas`, `latam`, `middle_east` or a country code.",
        "Filters: `--where COLUMN OP VALUE` (repeatable; OP one of `>= <= > < == !=`), `--min-democracy`,",
        "`--eu`, `--oecd`, `--nato`, `--five-eyes`, `--no-moratorium`, `--max-hazard low|medium|high`,",
        "`--residency CLASS:ORIGIN` (with `--accept-conditions` for DPF/SCC-type destinations).",
        "`--sort COLUMN` (`-COLUMN` descending) and `--columns a,b,c` shape the table; `--output FILE`",
        "writes atomically; `--override FILE` applies your own values first.",
        "Unknown ids, regions, columns or formats give one message with close matches and exit code 2.",
        "",
        "## Overriding or extending a table",
        "",
        "Pass your own CSV or YAML file: `catalog.load_markets(Path('mine.csv'))` or",
        "`computegeo markets --override mine.csv`. The same applies to `load_demand_regions`,",
        "`load_cloud_regions` and `load_hardware` (their id column is the first of the table below).",
        "",
        "- A row whose id exists overrides only the cells it gives; a new id adds a row and must give every",
        "  required column.",
        "- Markets files may add `source`, `year` and `estimate_rule` columns; the provenance of the values",
        "  then reads `user override <file>, row <n>: <source>`.",
        "- YAML: a list of mappings, or `markets:` holding one, or a mapping from id to columns.",
        "- The file is validated with the same schema as the shipped data; every problem is reported at",
        "  once with file, row and column, and nothing is loaded if any problem exists.",
        "",
        "```csv",
        "market_id,power_price_usd_per_mwh,source,year",
        "sydney,95,our PPA term sheet,2026",
        "```",
        "",
        "```console",
        "$ computegeo markets --override bad.csv",
        "computegeo: error: override file bad.csv has 2 problem(s); nothing was loaded",
        "  - bad.csv, row 2, column 'pue': 0.4 is below the minimum 1 (ratio)",
        "  - bad.csv, row 3, column 'democrazy_index': unknown column for table markets. Did you mean 'democracy_index'?",
        "```",
        "",
        *PRICE_BASIS_SECTION,
        *DEFINITIONS_SECTION,
        "## Tables and columns",
        "",
    ]
    for table in table_names():
        out += schema_section(table)
    out += [
        "## Data-residency rules (`residency.yaml`)",
        "",
        "`may_hold(data_class, origin_country, destination_country)` answers yes/no. A destination is",
        "allowed when it is the origin, is on the class's allowed list, or is on a conditional entry",
        "whose condition id the caller states it meets (`conditions_met=[...]`; in a scenario",
        "`policies.residency_conditions`, default none; `accept_conditions=True` accepts all). A class",
        "binds data originating in its origin countries only.",
        "",
        "How conditions are stated: a transfer that the law allows only under a condition (a",
        "recipient certified under the EU-US Data Privacy Framework, a commercial organisation under",
        "PIPEDA, SCCs, RBI payment data processed abroad and returned within one business day, a",
        "serving copy kept in Kenya, ...) is a `conditional` entry with an id, never an unconditional",
        "destination. A scenario lists the ids it meets, e.g.",
        "`policies: {residency_conditions: [eu_us_dpf, in_rbi_processing_only]}`; on the command line",
        "`computegeo markets residency eu_personal --from DE --meets eu_us_dpf`. Scope limits of an",
        "adequacy decision that do not bind a commercial operator are kept unconditional and stated",
        "here: Japan's decision (EU) 2019/419 covers business operators under the APPI (not the",
        "public sector); Korea's (EU) 2022/254 covers processors under PIPA except credit information",
        "processed under the Credit Information Act by FSC-supervised entities.",
        "",
        "| data class | origins | allowed destinations (besides origin) | conditional | legal basis | source |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rules.classes.items():
        origins = "any" if len(r.origins) > 200 else ", ".join(sorted(r.origins))
        allowed = "any" if len(r.allowed) > 200 else (", ".join(sorted(r.allowed)) or "none")
        cond = (
            "; ".join(
                f"[`{c.id}`] {'any' if len(c.countries) > 200 else ', '.join(sorted(c.countries))}: "
                f"{c.condition}"
                for c in r.conditional
            )
            or "-"
        )
        out.append(
            f"| `{name}` | {md_escape(origins)} | {md_escape(allowed)} | {md_escape(cond)} | "
            f"{md_escape(r.legal_basis)} | {md_escape(r.source)} ({r.year}) |"
        )
    groups = tables.load_country_groups()
    out += [
        "",
        "Country groups (`group:<id>` above), expanded from `country_groups.csv`"
        " (`country_groups.country_groups()`); the source of each membership is in the table:",
        "",
        "| group | members | member since (years) |",
        "|---|---|---|",
    ]
    for gid, members in country_groups.country_groups().items():
        rows = groups[groups["group"] == gid]
        years = f"{rows['since_year'].min()}-{rows['since_year'].max()}"
        out.append(f"| `{gid}` | {len(members)}: {', '.join(sorted(members))} | {years} |")
    j = residency_rules.load_jurisdictions()
    out += [
        "",
        f"Data-protection regime of {len(j)} countries: every market country and every country of a"
        " demand region over 5 million people, and smaller demand countries with a localisation or"
        " approval rule (`jurisdictions.yaml`, `residency_rules.load_jurisdictions()`;"
        " the EEA members share one record, shown once; a country without a comprehensive law says"
        " so, with its source). `transfer` is `free`, `adequacy_or_safeguards`, `safeguards` or"
        " `restricted`:",
        "",
        "| country | regime and act | transfer | transfer rule | localisation | source |",
        "|---|---|---|---|---|---|",
    ]
    for cc, r in j.iterrows():
        if cc in residency_rules.load_rules().classes["eu_personal"].origins and cc != "DE":
            continue
        label = "EU/EEA (e.g. DE)" if cc == "DE" else cc
        local = r["localisation"] + (
            f": {r['localisation_rules']}" if r["localisation_rules"] else ""
        )
        out.append(
            f"| {label} | {md_escape(r['regime'])}: {md_escape(r['act'])} | {r['transfer']} | "
            f"{md_escape(r['transfer_basis'])} | {md_escape(local)} | "
            f"{md_escape(r['source'])} ({r['year']}) |"
        )
    return "\n".join(out) + "\n"


def coverage_page() -> str:
    """Measured vs estimated counts per market attribute."""
    prov = catalog.load_market_attributes()
    markets = catalog.load_markets()
    n = len(markets)
    out = [
        "# Data coverage",
        "",
        "<!-- generated by scripts/gen_data_docs.py; do not edit -->",
        "",
        f"{n} markets. For each attribute: how many markets have a value (all must), how many values are",
        "measured (a published or directly derived figure for that market) and how many are estimates",
        "(each states its rule; `computegeo markets show <id>` prints it). Identity columns (name,",
        "country, continent, coordinates, grid zone, notes) are not counted. `ranged` counts the values",
        "stored with an evidence range (`low`, `high`); the risk model draws a ranged power price within",
        f"it. The last column is the count of estimates in release {PREVIOUS_RELEASE} ({PREVIOUS_MARKETS} markets).",
        "",
        "| attribute | values | measured | estimated | estimated share | ranged | most common estimate rule | estimated before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ident = {"name", "country", "continent", "latitude", "longitude", "grid_zone", "notes"}
    total_m = total_e = 0
    for attr in markets.columns:
        if attr in ident:
            continue
        p = prov[prov["attribute"] == attr]
        est = int(p["estimated"].sum())
        meas = len(p) - est
        total_m += meas
        total_e += est
        rules = p.loc[p["estimated"], "estimate_rule"]
        top = ""
        if len(rules):
            short = rules.str.split(r": |; | \(", regex=True).str[0].str.strip()
            vc = short.value_counts()
            top = f"{vc.index[0][:90]} ({vc.iloc[0]})"
        ranged = int(p["low"].notna().sum())
        before = PREVIOUS_ESTIMATED.get(attr, 0)
        out.append(
            f"| `{attr}` | {len(p)}/{n} | {meas} | {est} | {est / max(len(p), 1):.0%} | {ranged} | "
            f"{md_escape(top)} | {before} |"
        )
    prev_total = sum(PREVIOUS_ESTIMATED.values())
    hp = prov[prov["attribute"] == "power_headroom_mw"]
    head_measured = int((~hp["estimated"].astype(bool)).sum())
    pp = prov[prov["attribute"] == "pue"]
    pue_measured = int((~pp["estimated"].astype(bool)).sum())
    tp = prov[prov["attribute"] == "time_to_power_months"]
    tp_meas = tp[~tp["estimated"].astype(bool)]
    ttp_campus = int(tp_meas["source"].str.contains("site work to first power").sum())
    ttp_published = len(tp_meas) - ttp_campus
    mp = prov[prov["attribute"] == "moratorium"]
    mor_sourced = int((~mp["estimated"].astype(bool)).sum())
    out += [
        "",
        f"Total: {total_m} measured and {total_e} estimated values "
        f"({total_e / (total_m + total_e):.0%} estimated); release {PREVIOUS_RELEASE}: "
        f"{prev_total} of {PREVIOUS_VALUES} ({prev_total / PREVIOUS_VALUES:.0%}).",
        "",
    ]
    d = tables.load_demand_regions()
    h = tables.load_hardware()
    clouds = tables.load_cloud_regions()
    no_cloud = sorted(m for m, n in catalog.load_markets()["cloud_region_count"].items() if n == 0)
    out += [
        "## Other tables",
        "",
        f"- Demand regions: {len(d)} metros; population from UN WUP 2018 (2025 projection); internet users",
        f"  estimated as population x national ITU share ({int(d['internet_share_estimated'].sum())} regions use a",
        "  neighbour's share: Taiwan, Hong Kong's share).",
        f"- Cloud regions: {len(clouds)} (city-level coordinates); {int((clouds['market_id'] != '').sum())}",
        "  belong to a market (same country, within 300 km, the nearest such market; none across a",
        f"  border). Markets with no cloud region: {', '.join(no_cloud)}.",
        f"- Hardware: {len(h)} profiles; {int(h['estimated'].sum())} carry an estimated figure (rack layout or",
        "  system power), each with its rule.",
        "",
        "## Weakest attributes (read before relying on them)",
        "",
        "- `colo_rent_usd_per_kw_month`: broker rents exist for only 8 markets (the per-market tables of",
        "  the CBRE and JLL reports are images in the public sources reviewed); the rest use the CBRE global",
        "  or North American average.",
        f"- `power_headroom_mw`: published pipelines for {head_measured} markets; the AI-campus markets count",
        "  their tracked or announced campuses only; the rest use a regional median.",
        "- `power_price_usd_per_mwh`: large-user prices (EIA state industrial averages, Eurostat",
        "  non-household, UK DESNZ, Singapore, KEPCO, Taipower) where published; elsewhere the national business",
        "  tariff (GlobalPetrolPrices) converted to the large-user basis by the median ratio of the two",
        "  where both are known, with the range of those ratios (docs/data.md, 'One price basis').",
        "- `seismic_hazard`/`hazard_class`: measured by definition since 2026.12.2 (a score of the count",
        "  of M5+ earthquakes within 300 km, 2013-2023, and a class of that score and the national",
        "  WorldRiskIndex exposure); neither is a probabilistic ground-motion (PGA) hazard model.",
        f"- `time_to_power_months`: a published wait for {ttp_published} markets; for {ttp_campus} AI-campus markets the measured",
        "  months from site work to first power of their campuses (a lower bound on a new project's wait);",
        "  the rest a regional utility lead time.",
        f"- `moratorium`: sourced for {mor_sourced} markets; elsewhere 'none found', an absence of evidence.",
        f"- `pue`: measured at an operating large campus in {pue_measured} markets (operator-published",
        "  12-month or early-test figures, some years old); elsewhere a rule from the cooling design",
        "  temperature, not a measured value.",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or check) the generated pages."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="fail if a page differs from what would be generated"
    )
    args = ap.parse_args(argv)
    pages = {DATA_MD: data_page(), COVERAGE_MD: coverage_page()}
    stale = [p for p, text in pages.items() if not p.exists() or p.read_text() != text]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(REPO)} (run scripts/gen_data_docs.py)", file=sys.stderr)
        return 1 if stale else 0
    from computegeo.core.fileio import atomic_write_text

    for p, text in pages.items():
        atomic_write_text(p, text)
        print(f"wrote {p.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
