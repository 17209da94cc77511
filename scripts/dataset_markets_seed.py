# ruff: noqa: E501 (citation and documentation text lines)
"""Hand-curated inputs of the market table: identity, mapping keys and published facts.

Everything here is either a mapping key into a raw file (GeoNames place, Electricity Maps zone,
ASHRAE station) or a published figure with its source key (see ``dataset_sources.py``), year and,
when it is an estimate, the rule that made it. ``build_dataset.py`` combines these with values
derived from the raw files under ``../shared/data/raw/``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class MarketSeed:
    """Identity and mapping keys of one candidate market."""

    market_id: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    continent: str
    geonames: tuple[
        str, str, str
    ]  # (name, ISO2, admin1 code) in the GeoNames file, or ("", lat, lon)
    grid_zone: str  # Electricity Maps zone code
    ashrae: tuple[str, str]  # (ISO3, station) in the ASHRAE 0.4 % cooling table
    ashrae_proxy_rule: str = ""  # non-empty when the station is a proxy outside the metro


@dataclass(frozen=True)
class Fact:
    """A published (or labelled-estimate) value for one market attribute."""

    value: float | bool
    source: str
    year: int
    estimated: bool = False
    rule: str = ""
    note: str = ""  # how a measured value was read off the source (sum, midpoint, conversion)
    low: float | None = None  # lower end of the published range (same unit as value)
    high: float | None = None  # upper end of the published range


MARKETS: tuple[MarketSeed, ...] = (
    # Oceania
    MarketSeed(
        "sydney", "Sydney", "AU", "oceania", ("Sydney", "AU", "02"), "AU-NSW", ("AUS", "Sydney")
    ),
    MarketSeed(
        "melbourne",
        "Melbourne",
        "AU",
        "oceania",
        ("Melbourne", "AU", "07"),
        "AU-VIC",
        ("AUS", "Melbourne"),
    ),
    MarketSeed(
        "auckland",
        "Auckland",
        "NZ",
        "oceania",
        ("Auckland", "NZ", "E7"),
        "NZ",
        ("NZL", "Auckland Auckland"),
    ),
    # Asia (Middle East folded into Asia)
    MarketSeed(
        "tokyo", "Tokyo", "JP", "asia", ("Tokyo", "JP", "40"), "JP-TK", ("JPN", "Tokyo Hyakuri")
    ),
    MarketSeed("osaka", "Osaka", "JP", "asia", ("Osaka", "JP", "32"), "JP-KN", ("JPN", "Osaka")),
    MarketSeed(
        "singapore", "Singapore", "SG", "asia", ("Singapore", "SG", ""), "SG", ("SGP", "Singapore")
    ),
    MarketSeed(
        "johor",
        "Johor (Johor Bahru)",
        "MY",
        "asia",
        ("Johor Bahru", "MY", "01"),
        "MY-WM",
        ("SGP", "Singapore"),
        "no Johor station; Singapore station (~25 km across the strait) used",
    ),
    MarketSeed("seoul", "Seoul", "KR", "asia", ("Seoul", "KR", "11"), "KR", ("KOR", "Inchon")),
    MarketSeed(
        "mumbai", "Mumbai", "IN", "asia", ("Mumbai", "IN", "16"), "IN-WE", ("IND", "Mumbai")
    ),
    MarketSeed(
        "chennai", "Chennai", "IN", "asia", ("Chennai", "IN", "25"), "IN-SO", ("IND", "Chennai")
    ),
    MarketSeed(
        "jakarta",
        "Jakarta",
        "ID",
        "asia",
        ("Jakarta", "ID", "04"),
        "ID",
        ("SGP", "Singapore"),
        "no Indonesian station; Singapore (equatorial maritime lowland, ~880 km) used",
    ),
    MarketSeed(
        "hong_kong", "Hong Kong", "HK", "asia", ("Hong Kong", "HK", ""), "HK", ("CHN", "Kong SAR")
    ),
    MarketSeed("taipei", "Taipei", "TW", "asia", ("Taipei", "TW", "04"), "TW", ("TWN", "Taipei")),
    MarketSeed(
        "bangkok", "Bangkok", "TH", "asia", ("Bangkok", "TH", "40"), "TH", ("THA", "Bangkok")
    ),
    MarketSeed(
        "dubai",
        "Dubai",
        "AE",
        "asia",
        ("Dubai", "AE", "03"),
        "AE",
        ("ARE", "Abu Dhabi"),
        "no Dubai station; Abu Dhabi (~130 km, same coast) used",
    ),
    MarketSeed("riyadh", "Riyadh", "SA", "asia", ("Riyadh", "SA", "10"), "SA", ("SAU", "Riyadh")),
    MarketSeed(
        "tel_aviv",
        "Tel Aviv",
        "IL",
        "asia",
        ("Tel Aviv", "IL", "05"),
        "IL",
        ("CYP", "Larnaca"),
        "no Tel Aviv station; Larnaca (eastern Mediterranean coast, ~330 km) used",
    ),
    # Europe
    MarketSeed(
        "london", "London", "GB", "europe", ("London", "GB", "ENG"), "GB", ("GBR", "London Gatwick")
    ),
    MarketSeed(
        "frankfurt",
        "Frankfurt",
        "DE",
        "europe",
        ("Frankfurt am Main", "DE", "05"),
        "DE",
        ("DEU", "Frankfurt am Main"),
    ),
    MarketSeed(
        "amsterdam",
        "Amsterdam",
        "NL",
        "europe",
        ("Amsterdam", "NL", "07"),
        "NL",
        ("NLD", "Amsterdam"),
    ),
    MarketSeed(
        "paris", "Paris", "FR", "europe", ("Paris", "FR", "11"), "FR", ("FRA", "Paris Orly")
    ),
    MarketSeed("dublin", "Dublin", "IE", "europe", ("Dublin", "IE", "L"), "IE", ("IRL", "Dublin")),
    MarketSeed(
        "stockholm",
        "Stockholm",
        "SE",
        "europe",
        ("Stockholm", "SE", "26"),
        "SE-SE3",
        ("SWE", "Stockholm Arlanda"),
    ),
    MarketSeed(
        "oslo", "Oslo", "NO", "europe", ("Oslo", "NO", "12"), "NO-NO1", ("NOR", "Oslo Fornebu")
    ),
    MarketSeed(
        "helsinki", "Helsinki", "FI", "europe", ("Helsinki", "FI", "01"), "FI", ("FIN", "Helsinki")
    ),
    MarketSeed("madrid", "Madrid", "ES", "europe", ("Madrid", "ES", "29"), "ES", ("ESP", "Madrid")),
    MarketSeed("milan", "Milan", "IT", "europe", ("Milan", "IT", "09"), "IT-NO", ("ITA", "Milan")),
    MarketSeed("warsaw", "Warsaw", "PL", "europe", ("Warsaw", "PL", "78"), "PL", ("POL", "Warsaw")),
    MarketSeed(
        "zurich",
        "Zurich",
        "CH",
        "europe",
        ("Zürich", "CH", "ZH"),
        "CH",
        ("CHE", "Geneva"),
        "no Zurich station; Geneva (same country, ~225 km) used",
    ),
    MarketSeed(
        "copenhagen",
        "Copenhagen",
        "DK",
        "europe",
        ("Copenhagen", "DK", "17"),
        "DK-DK2",
        ("DNK", "Copenhagen"),
    ),
    MarketSeed("berlin", "Berlin", "DE", "europe", ("Berlin", "DE", "16"), "DE", ("DEU", "Berlin")),
    MarketSeed("lisbon", "Lisbon", "PT", "europe", ("Lisbon", "PT", "14"), "PT", ("PRT", "Lisboa")),
    # North America
    MarketSeed(
        "n_virginia",
        "Northern Virginia (Ashburn)",
        "US",
        "north_america",
        ("", "39.04372", "-77.48749"),
        "US-MIDA-PJM",
        ("USA", "Sterling-Washington Dulles Intl AP"),
    ),
    MarketSeed(
        "dallas",
        "Dallas-Fort Worth",
        "US",
        "north_america",
        ("Dallas", "US", "TX"),
        "US-TEX-ERCO",
        ("USA", "Dallas-Fort Worth Intl AP"),
    ),
    MarketSeed(
        "phoenix",
        "Phoenix",
        "US",
        "north_america",
        ("Phoenix", "US", "AZ"),
        "US-SW-SRP",
        ("USA", "Phoenix-Sky Harbor Intl AP"),
    ),
    MarketSeed(
        "atlanta",
        "Atlanta",
        "US",
        "north_america",
        ("Atlanta", "US", "GA"),
        "US-SE-SOCO",
        ("USA", "Atlanta-Hartsfield-Jackson Intl AP"),
    ),
    MarketSeed(
        "chicago",
        "Chicago",
        "US",
        "north_america",
        ("Chicago", "US", "IL"),
        "US-MIDA-PJM",
        ("USA", "Chicago-OHare Intl AP"),
    ),
    MarketSeed(
        "columbus",
        "Columbus (Ohio)",
        "US",
        "north_america",
        ("Columbus", "US", "OH"),
        "US-MIDA-PJM",
        ("USA", "Columbus-Port Columbus Intl AP"),
    ),
    MarketSeed(
        "oregon",
        "Oregon (Hillsboro/Portland)",
        "US",
        "north_america",
        ("Hillsboro", "US", "OR"),
        "US-NW-PGE",
        ("USA", "Portland-Hillsboro AP"),
    ),
    MarketSeed(
        "silicon_valley",
        "Silicon Valley (Santa Clara)",
        "US",
        "north_america",
        ("Santa Clara", "US", "CA"),
        "US-CAL-CISO",
        ("USA", "San Jose Intl AP"),
    ),
    MarketSeed(
        "new_york",
        "New York (upstate, Buffalo-Niagara)",
        "US",
        "north_america",
        ("Buffalo", "US", "NY"),
        "US-NY-NYIS",
        ("USA", "Buffalo-Greater Buffalo Intl AP"),
    ),
    MarketSeed(
        "montreal",
        "Montreal",
        "CA",
        "north_america",
        ("Montréal", "CA", "10"),
        "CA-QC",
        ("CAN", "Montreal Intl AP"),
    ),
    MarketSeed(
        "toronto",
        "Toronto",
        "CA",
        "north_america",
        ("Toronto", "CA", "08"),
        "CA-ON",
        ("CAN", "Toronto"),
    ),
    MarketSeed(
        "queretaro",
        "Querétaro",
        "MX",
        "north_america",
        ("Santiago de Querétaro", "MX", "22"),
        "MX",
        ("MEX", "Mexico City"),
        "no Querétaro station; Mexico City (central plateau, ~210 km) used",
    ),
    # South America
    MarketSeed(
        "sao_paulo",
        "São Paulo",
        "BR",
        "south_america",
        ("São Paulo", "BR", "27"),
        "BR-CS",
        ("BRA", "Sao Paulo"),
    ),
    MarketSeed(
        "santiago",
        "Santiago",
        "CL",
        "south_america",
        ("Santiago", "CL", "12"),
        "CL-SEN",
        ("CHL", "Santiago"),
    ),
    MarketSeed(
        "bogota", "Bogotá", "CO", "south_america", ("Bogotá", "CO", "34"), "CO", ("COL", "Bogota")
    ),
    MarketSeed(
        "buenos_aires",
        "Buenos Aires",
        "AR",
        "south_america",
        ("Buenos Aires", "AR", "07"),
        "AR",
        ("ARG", "Buenos Aires"),
    ),
    # Africa
    MarketSeed(
        "johannesburg",
        "Johannesburg",
        "ZA",
        "africa",
        ("Johannesburg", "ZA", "06"),
        "ZA",
        ("ZAF", "Johannesburg"),
    ),
    MarketSeed(
        "cape_town",
        "Cape Town",
        "ZA",
        "africa",
        ("Cape Town", "ZA", "11"),
        "ZA",
        ("ZAF", "Cape Town"),
    ),
    MarketSeed(
        "nairobi", "Nairobi", "KE", "africa", ("Nairobi", "KE", "05"), "KE", ("KEN", "Nairobi")
    ),
    MarketSeed(
        "cairo", "Cairo", "EG", "africa", ("Cairo", "EG", "11"), "EG", ("EGY", "Cairo Intl Airport")
    ),
)

_EUR = 1.08  # USD per EUR, the research notes' conversion rate
_CAD = 0.73
"""USD per CAD: the research notes' rate, = 1 / 1.3698, the Bank of Canada 2024 annual average."""
_US_2023 = "EIA industrial average price, state average 2023"
EIA_2023_INDUSTRIAL_US_CENTS_PER_KWH: dict[str, float] = {
    # US EIA, Electric Power Annual 2023 (released 17 Oct 2024), average revenue per kWh sold
    # to the industrial sector by state (S45); revenue / sales, so taxes passed through are
    # excluded. Wyoming is not in the stored copy of the table.
    "IN": 8.24,
    "LA": 5.88,
    "MS": 6.96,
    "NE": 7.63,
    "NV": 10.36,
    "NY": 6.87,
    "OK": 6.26,
    "TN": 6.23,
    "UT": 6.99,
    "WA": 6.35,
    "WI": 8.68,
}

# ---------------------------------------------------------------------------------------------
# Published facts per attribute (from ../shared/reference/facts.md; values converted to the
# schema unit: USD/MWh, USD per MW of IT, USD/kW-month, MW, months).
# ---------------------------------------------------------------------------------------------
POWER_PRICE: dict[str, Fact] = {
    "n_virginia": Fact(89.2, "S45", 2023, rule=""),
    "dallas": Fact(66.0, "S45", 2023),
    "phoenix": Fact(81.1, "S45", 2023),
    "atlanta": Fact(68.8, "S45", 2023),
    "columbus": Fact(
        70.3,
        "S45",
        2023,
        note="range: 2023 annual 70.3 to the April 2025 month 79.0 (EIA Electric Power Monthly, S46)",
        low=70.3,
        high=79.0,
    ),
    "oregon": Fact(75.2, "S45", 2023),
    "chicago": Fact(
        82.0,
        "S45",
        2023,
        note="range: 2023 annual 82.0 to the April 2025 month 98.1 (EIA Electric Power Monthly, S46)",
        low=82.0,
        high=98.1,
    ),
    "silicon_valley": Fact(186.4, "S45", 2023),
    "dublin": Fact(round(25.6 * 10 * _EUR, 1), "S48", 2024),
    "frankfurt": Fact(round(23.3 * 10 * _EUR, 1), "S47", 2024),
    "berlin": Fact(
        round(23.3 * 10 * _EUR, 1),
        "S47",
        2024,
        True,
        "Germany national non-household price (Eurostat H1 2024) used for Berlin",
    ),
    "paris": Fact(round(17.1 * 10 * _EUR, 1), "S47", 2024),
    "stockholm": Fact(round(9.4 * 10 * _EUR, 1), "S47", 2024),
    "helsinki": Fact(round(9.3 * 10 * _EUR, 1), "S47", 2024),
    "copenhagen": Fact(round(9.8 * 10 * _EUR, 1), "S47", 2024),
    "london": Fact(round(22.32 * 10 * 1.27, 1), "S50", 2024),
    "warsaw": Fact(
        round(20.8 * 10 * _EUR, 1),
        "cubeconcepts_2024",
        2024,
        note="Poland non-household price H1 2024 (Eurostat, the series of S47 for the other EU "
        "markets), 20.8 EUR c/kWh x 10 x 1.08 USD/EUR (research notes' rate)",
    ),
    "madrid": Fact(
        round(15.01 * 10 * _EUR, 1),
        "erse_2024_iberia",
        2024,
        note="Spain non-domestic price H1 2024 (Eurostat, as compared by the Portuguese "
        "regulator ERSE), 0.1501 EUR/kWh x 1,000 x 1.08 USD/EUR (research notes' rate)",
    ),
    "lisbon": Fact(
        round(13.32 * 10 * _EUR, 1),
        "erse_2024_iberia",
        2024,
        note="Portugal non-domestic price H1 2024 (Eurostat, as compared by the Portuguese "
        "regulator ERSE), 0.1332 EUR/kWh x 1,000 x 1.08 USD/EUR (research notes' rate)",
    ),
    "singapore": Fact(191.9, "S51", 2024),
    "sydney": Fact(
        120.0,
        "S11",
        2025,
        True,
        "implied by C&W cost of US$31.5 M/yr for a 20 MW DC at PUE 1.5 (31.5e6 / (20 x 1.5 x 8760) MWh)",
    ),
    "melbourne": Fact(
        120.0,
        "S11",
        2025,
        True,
        "Sydney figure (C&W implied ~12.0 US c/kWh) used for Melbourne (same national market, NEM)",
    ),
    "seoul": Fact(132.4, "S53", 2024),
    "taipei": Fact(
        135.5,
        "taipei_times_2024",
        2024,
        note="Taipower average industrial rate after the Oct 2024 review, NT$4.29/kWh = US$0.1355 "
        "(the source's own conversion); whether business tax is included is not stated",
    ),
    "montreal": Fact(
        round(13.0 * 10 * _CAD, 1),
        "S44",
        2026,
        True,
        "Hydro-Quebec rate for new data centres above 5 MW, 13 CAD c/kWh (proposed, pending "
        "approval, H2 2026; Rate L's ~6.5 c is for existing industrial loads) x 0.73 USD/CAD "
        "(Bank of Canada 2024 annual average, 1.3698 CAD per USD)",
        low=round(6.5 * 10 * _CAD, 1),
        high=round(13.0 * 10 * _CAD, 1),
        note="range: Rate L ~6.5 CAD c/kWh (if the data-centre rate is not approved) to the "
        "proposed 13 CAD c/kWh",
    ),
}

# Name the conversion each measured foreign-currency price used (docs/data.md, 'One price basis').
for _mid in ("dublin", "frankfurt", "paris", "stockholm", "helsinki", "copenhagen"):
    POWER_PRICE[_mid] = replace(
        POWER_PRICE[_mid], note="EUR c/kWh x 10 x 1.08 USD/EUR (research notes' rate)"
    )
POWER_PRICE["london"] = replace(
    POWER_PRICE["london"], note="22.32 p/kWh x 10 x 1.27 USD/GBP (research notes' rate)"
)
POWER_PRICE["seoul"] = replace(
    POWER_PRICE["seoul"], note="182.7 KRW/kWh / 1,380 KRW/USD (research notes' rate) x 1,000"
)

# Build cost in USD per W of IT (converted to USD/MW by the build script).
_SCALE_2018 = 13.3 / 9.2  # Silicon Valley 2025 / 2018 (T&T), used to bring 2018 ratios to 2025
_RULE_2018 = (
    "T&T 2018 index value x 1.446 (= Silicon Valley 13.3 USD/W in 2025 / 9.2 USD/W in 2018), "
    "i.e. 2018 market ratios carried to 2025"
)
BUILD_COST_USD_PER_W: dict[str, Fact] = {
    "tokyo": Fact(15.2, "S1", 2025),
    "singapore": Fact(14.5, "S1", 2025),
    "zurich": Fact(14.2, "S1", 2025),
    "osaka": Fact(14.1, "S2", 2025),
    "silicon_valley": Fact(13.3, "S1", 2025),
    "london": Fact(12.0, "S1", 2025),
    "frankfurt": Fact(11.6, "S1", 2025),
    "mumbai": Fact(6.64, "S3", 2025),
    "chennai": Fact(
        6.64, "S3", 2025, True, "Mumbai figure (T&T 2025) used for India's other major market"
    ),
    "jakarta": Fact(10.5, "S6", 2023),
    "riyadh": Fact(10.0, "S6", 2023),
    "cape_town": Fact(
        10.33, "tt_dcci_2025_africa", 2025, note="was 7.9 USD/W in the 2023 index (S6)"
    ),
    "nairobi": Fact(9.74, "tt_dcci_2025_africa", 2025),
    "johannesburg": Fact(10.06, "tt_dcci_2025_africa", 2025),
    "johor": Fact(
        8.78,
        "S9",
        2025,
        True,
        "C&W 2025 Malaysia mid estimate (6.94-10.63 range) covering Johor and KL",
        low=6.94,
        high=10.63,
    ),
    "reno": Fact(
        15.0,
        "S8",
        2025,
        note="the highest of the 19 US markets (C&W 2025: 15.0 M USD/MW in Reno to 9.3 in San Antonio)",
    ),
    "sydney": Fact(9.63, "S10", 2025),
    "melbourne": Fact(9.63, "S10", 2025, True, "C&W 2025 Australia mid figure (Sydney, Melbourne)"),
    "auckland": Fact(
        9.3,
        "cw_apac_dccg_2025",
        2025,
        note="New Zealand mid-range construction cost 9.3 M USD/MW (Australia 9.6)",
    ),
    "seoul": Fact(
        9.23,
        "cw_apac_dccg_2024",
        2024,
        note="South Korea construction cost (C&W 2023/2024 guide; Korea ranks below Australia in 2025)",
    ),
    "hong_kong": Fact(9.20, "cw_apac_dccg_2024", 2024, note="Hong Kong construction cost"),
    "taipei": Fact(6.15, "cw_apac_dccg_2024", 2024, note="Taiwan construction cost"),
    "n_virginia": Fact(round(8.1 * _SCALE_2018, 2), "S7", 2025, True, _RULE_2018),
    "dallas": Fact(round(7.4 * _SCALE_2018, 2), "S7", 2025, True, _RULE_2018),
    "phoenix": Fact(round(7.1 * _SCALE_2018, 2), "S7", 2025, True, _RULE_2018),
    "toronto": Fact(round(6.8 * _SCALE_2018, 2), "S7", 2025, True, _RULE_2018),
    "montreal": Fact(round(6.8 * _SCALE_2018, 2), "S7", 2025, True, "Toronto: " + _RULE_2018),
    "sao_paulo": Fact(round(6.7 * _SCALE_2018, 2), "S7", 2025, True, "Brazil: " + _RULE_2018),
    "santiago": Fact(round(6.6 * _SCALE_2018, 2), "S7", 2025, True, "Chile: " + _RULE_2018),
}
US_AVERAGE_BUILD_USD_PER_W = Fact(
    11.7,
    "S8",
    2025,
    True,
    "C&W 2025 average of 19 US markets (range 9.3-15.0) used for US markets without a figure",
    low=9.3,
    high=15.0,
)
EMEA_AVERAGE_BUILD_USD_PER_W = Fact(
    9.9, "S5", 2024, True, "T&T 2024 EMEA average used for EMEA markets without a figure"
)
LATAM_BUILD_RULE = (
    "mean of the Brazil and Chile 2025-scaled T&T figures used for other Latin American markets"
)
APAC_BUILD_RULE = "median of the sourced APAC market figures used for APAC markets without a figure"
AFRICA_BUILD_RULE = "Cape Town (T&T 2025) used for African markets without a figure"

# Wholesale colocation rent, USD/kW-month (range midpoints).
COLO_RENT: dict[str, Fact] = {
    "n_virginia": Fact(
        200.0, "S16", 2024, note="midpoint of the published 175-225 range", low=175.0, high=225.0
    ),
    "silicon_valley": Fact(
        185.0,
        "S18",
        2024,
        note="midpoint of the published 170-200 range (3-10+ MW deals)",
        low=170.0,
        high=200.0,
    ),
    "chicago": Fact(
        132.5,
        "S18",
        2024,
        note="midpoint of the published 125-140 range (3-10+ MW deals)",
        low=125.0,
        high=140.0,
    ),
    "dallas": Fact(
        130.0,
        "S18",
        2024,
        note="midpoint of the published 125-135 range (3-10+ MW deals)",
        low=125.0,
        high=135.0,
    ),
    "phoenix": Fact(
        150.0,
        "S18",
        2024,
        note="midpoint of the published 130-170 range (3-10+ MW deals)",
        low=130.0,
        high=170.0,
    ),
    "singapore": Fact(
        375.0,
        "S19",
        2023,
        note="midpoint of the published 300-450 range (250-500 kW)",
        low=300.0,
        high=450.0,
    ),
    "tokyo": Fact(200.0, "S20", 2023),
    "frankfurt": Fact(
        round(155 * _EUR, 1),
        "S22",
        2025,
        note="midpoint of EUR 130-180 x 1.08 USD/EUR",
        low=round(130 * _EUR, 1),
        high=round(180 * _EUR, 1),
    ),
}
NA_AVERAGE_RENT = Fact(
    184.06,
    "S14",
    2024,
    True,
    "CBRE North America primary-market average (H2 2024) used for N. American markets without a figure",
)
GLOBAL_AVERAGE_RENT = Fact(
    217.30,
    "S12",
    2025,
    True,
    "CBRE 16-market global average (Q1 2025) used for markets without a figure",
)

# Power headroom: MW of IT load under construction + planned (pipeline) in the metro.
_EMEA_PIPE_SHARE = (2600 + 11500) / (10300 + 2600 + 11500)  # C&W EMEA H1 2025
_EMEA_RULE = (
    "published live+pipeline total x 0.578 (EMEA pipeline share: (2,600 UC + 11,500 planned) / "
    "24,400 MW total, C&W H1 2025)"
)
POWER_HEADROOM: dict[str, Fact] = {
    "n_virginia": Fact(
        1800 + 15400, "S34", 2024, note="Virginia under construction 1,800 + planned 15,400 MW"
    ),
    "phoenix": Fact(
        478 + 4700,
        "cw_gdcmc_2025",
        2025,
        note="under construction 478 (end 2024) + planned 4,700 MW",
    ),
    "dallas": Fact(
        500 + 4000,
        "cw_gdcmc_2025",
        2025,
        note="under construction 500 (end 2024) + planned 4,000 MW",
    ),
    "columbus": Fact(
        546 + 3300,
        "cw_gdcmc_2025",
        2025,
        note="under construction 546 (end 2024) + planned 3,300 MW",
    ),
    "reno": Fact(
        305 + 3400,
        "cw_gdcmc_2025",
        2025,
        note="under construction 305 (end 2024) + planned 3,400 MW (Tract's >2 GW park among them)",
    ),
    "dublin": Fact(
        249,
        "cw_gdcmc_2025",
        2025,
        note="under construction only (249 MW, end 2024; no planned figure published)",
    ),
    "seoul": Fact(
        715,
        "cw_apac_h1_2025",
        2025,
        note="under construction + planned 715 MW (H1 2025); land banks for a further 250 MW not counted",
    ),
    "atlanta": Fact(1100 + 3000, "S35", 2025, note="under construction 1,100 + planned 3,000 MW"),
    "chicago": Fact(
        169,
        "cw_americas_h2_2024_chicago",
        2024,
        note="under construction only (169 MW, H2 2024; 1,159 MW in operation; no planned figure "
        "published; a lower bound of the pipeline)",
    ),
    "toronto": Fact(
        120,
        "cw_americas_h2_2024_toronto",
        2024,
        note="under construction only (120 MW, H2 2024: Microsoft 84 MW + colocation 36 MW; "
        "planned capacity not given in MW; a lower bound of the pipeline); range to the 236 MW "
        "construction pipeline of H1 2025 (Cushman & Wakefield, Americas Data Center Update H1 "
        "2025, via goranbrelih.com, 'Toronto data centers hit 312 MW milestone amid AI boom', "
        "12 Sep 2025)",
        low=120,
        high=236,
    ),
    "new_york": Fact(
        40 + 186,
        "cw_americas_h2_2024_nynj",
        2024,
        note="Northern New Jersey + New York: under construction 40 + planned 186 MW (H2 2024)",
    ),
    "oregon": Fact(
        280.8,
        "cbre_hillsboro_2024",
        2023,
        note="Hillsboro under construction only (280.8 MW, end 2023; power delivery timelines "
        "into the 2030s; a lower bound of the pipeline)",
    ),
    "tokyo": Fact(261 + 1410, "S28", 2024, note="under construction 261 + planned 1,410 MW"),
    "sydney": Fact(232 + 874, "S27", 2025, note="under construction 232 + planned 874 MW"),
    "singapore": Fact(
        80 + 200,
        "S59",
        2025,
        note="capped market: capacity allocated by government calls for application, pilot CFA "
        "80 MW awarded Jul 2023 (S58) + DC-CFA2 200 MW (Dec 2025, closed 31 Mar 2026); roadmap "
        ">=300 MW (S60); the 537 MW private pipeline (Knight Frank H1 2025, S30) is already "
        "allocated to its operators",
    ),
    "johor": Fact(434 + 1232, "S31", 2024, note="under construction 434 + planned 1,232 MW"),
    "hong_kong": Fact(
        208 + 490,
        "cw_apac_h2_2024_hk",
        2024,
        note="under construction 208 + planned 490 MW (H2 2024; 581 MW in operation)",
    ),
    "bangkok": Fact(
        169 + 515,
        "cw_apac_h1_2025_bangkok",
        2025,
        note="under construction 169 + planned 515 MW (H1 2025)",
    ),
    "auckland": Fact(
        9 + 116,
        "cw_apac_h1_2024_auckland",
        2024,
        note="under construction 9 + planned 116 MW (H1 2024; 56 MW in operation)",
    ),
    "melbourne": Fact(
        934.8,
        "kf_apac_2025_melbourne",
        2025,
        note="committed and under construction pipeline 934.8 MW (Q2 2025; 337.1 MW live)",
    ),
    "taipei": Fact(
        50,
        "cw_apac_h1_2025_taipei",
        2025,
        note="under construction only (50 MW, H1 2025; no planned figure published; northern "
        "Taiwan power supply restricted by government)",
    ),
    "mumbai": Fact(335, "S35", 2025, note="under construction only"),
    "chennai": Fact(
        224,
        "wmedia_chennai_2024",
        2024,
        note="new supply expected 2024-2026 (224 MW; 88 MW operational in 2023)",
    ),
    "frankfurt": Fact(181 + 841, "S39", 2023, note="under construction 181 + planned 841 MW"),
    "london": Fact(
        1209,
        "cw_emea_h1_2024_london",
        2024,
        note="pipeline (under construction + planning) 1,209 MW, C&W H1 2024, the basis of the "
        "other C&W EMEA pipelines; range up to 3,700 MW = Knight Frank's 2025 aggregate 5,100 "
        "MW (live, under construction, committed and early-stage) minus 1,400 MW live (S25), "
        "which counts projects at earlier stages than C&W's planning pipeline",
        low=1209,
        high=5100 - 1400,
    ),
    "paris": Fact(
        136 + 493,
        "cw_emea_h1_2023",
        2023,
        note="Paris powerhouse market key indicators (p. 16): under construction 136 + planned "
        "493 MW (H1 2023), C&W's basis as for every other EMEA pipeline; range to 1,965 MW = "
        "Knight Frank's 2025 aggregate of ~3,400 MW x 0.578 (EMEA pipeline share, C&W H1 2025; "
        "Knight Frank EMEA Data Centres 2025 via cremediaeurope.com and w.media), which counts "
        "projects at earlier stages",
        low=136 + 493,
        high=round(3400 * _EMEA_PIPE_SHARE),
    ),
    "lisbon": Fact(
        9.3 + 180,
        "cw_emea_h2_2024_lisbon",
        2024,
        note="under construction only: AtlasEdge 9.3 + Merlin Properties 180 MW (H2 2024; 15 MW "
        "live; Start Campus Sines 1.2 GW is early stage, outside the market and not counted)",
    ),
    "madrid": Fact(
        41 + 132,
        "cw_emea_h1_2023",
        2023,
        note="under construction 41 + planned 132 MW (H1 2023; 114 MW in operation)",
    ),
    "johannesburg": Fact(
        99 + 99,
        "cw_emea_h1_2023",
        2023,
        note="under construction 99 + planned 99 MW (H1 2023; 133 MW in operation)",
    ),
    "milan": Fact(
        821,
        "cw_emea_h2_2024_milan",
        2024,
        note="pipeline (under construction + planned) 821 MW beside 170 MW operational, H2 2024",
    ),
    "oslo": Fact(
        58 + 229,
        "cw_emea_h1_2023",
        2023,
        note="under construction 58 + planned 229 MW (H1 2023; 423 MW live + pipeline in H2 2024, S40)",
    ),
    "helsinki": Fact(round(594 * _EMEA_PIPE_SHARE), "S40", 2024, True, _EMEA_RULE),
    "warsaw": Fact(
        109,
        "cw_emea_h1_2025_warsaw",
        2025,
        note="pipeline 109 MW beside 147 MW operational, H1 2025 (339 MW live + pipeline in "
        "H1 2024, S41)",
    ),
    "zurich": Fact(round(278 * _EMEA_PIPE_SHARE), "S41", 2024, True, _EMEA_RULE),
    "berlin": Fact(500, "S38", 2025, note="planned pipeline only (no under-construction figure)"),
    "sao_paulo": Fact(239, "S33", 2024, note="under construction only"),
    "santiago": Fact(
        round(73.5 / 0.65),
        "cw_chile_2025_santiago",
        2025,
        note="under construction only, derived from the source's own figures: the north zone's "
        "73.5 MW are 65% of the metro's capacity under construction, 73.5 / 0.65 = 113 MW "
        "(range 112-114 for the rounding of 65%); no planned figure; a lower bound of the "
        "pipeline",
        low=round(73.5 / 0.655),
        high=round(73.5 / 0.645),
    ),
    "dubai": Fact(
        180, "S43", 2023, True, "UAE under construction (Knight Frank MENA) attributed to Dubai"
    ),
    "montreal": Fact(1000 - 190, "S44", 2026, True, "Quebec >1,000 MW by 2035 minus ~190 MW today"),
}
HEADROOM_RULE = (
    "no published pipeline figure; median of the sourced pipeline figures in the same region"
)

# Time to power for a new large load, months.
TIME_TO_POWER: dict[str, Fact] = {
    "n_virginia": Fact(
        66,
        "S73",
        2024,
        note="Dominion (Sep 2024): usual 3-4 years plus 1-3 years for large loads, 4-7 years in all; midpoint 5.5 years",
        low=48,
        high=84,
    ),
    "sydney": Fact(30, "S11", 2025, note="midpoint of 2-3 year new connections", low=24, high=36),
    "melbourne": Fact(
        30, "S11", 2025, note="Australia: midpoint of 2-3 year new connections", low=24, high=36
    ),
    "jakarta": Fact(36, "S51", 2025, note="new connections up to 3 years (upper figure)"),
    "mumbai": Fact(9, "S51", 2025, note="power wait under 270 days"),
    "chennai": Fact(9, "S51", 2025, note="India (Tamil Nadu): power wait under 270 days"),
    "dublin": Fact(
        36,
        "S61",
        2025,
        True,
        "no new Greater Dublin connection offers under the 2021 direction (~2028, S61); the Dec 2025 policy "
        "(CRU/2025236) reopens offers only with matching dispatchable generation, which is taken to need "
        "~3 years to deliver",
    ),
    "frankfurt": Fact(48, "S38", 2025, note="grid delays of up to 4 years (JLL)"),
    "berlin": Fact(48, "S38", 2025, True, "Germany: grid delays of up to 4 years (JLL, Frankfurt)"),
    "london": Fact(
        48,
        "S70",
        2025,
        True,
        "West London projects slip to 2030+ (CBRE), ~4 years from late 2026",
        note="range up to 10 years: large HV/MV connections (+150 MVA) 'could take 10 years or "
        "more' (Rider Levett Bucknall, Construction Market Intelligence Q3 2024: Data centres, "
        "rlbinsights.com)",
        low=48,
        high=120,
    ),
    "chicago": Fact(
        48,
        "cbre_chicago_h2_2022",
        2023,
        note="O'Hare market: large power deliveries take up to 3-5 years; midpoint 4 years",
        low=36,
        high=60,
    ),
    "oregon": Fact(
        72,
        "cbre_hillsboro_h1_2024",
        2024,
        True,
        "Hillsboro: timelines for delivery of additional power capacity extend into the 2030s "
        "(CBRE H1 2024); 2030 from mid-2024 = ~72 months, taken as the wait (a lower bound)",
    ),
    "silicon_valley": Fact(
        36, "S78", 2025, True, "SVP capacity reserved until the 2028-29 upgrade (~3 years)"
    ),
    "columbus": Fact(
        48,
        "S79",
        2025,
        True,
        "utilities quoting >=4 years for large loads; AEP Ohio queue after Jul 2025 tariff",
    ),
    "singapore": Fact(
        36,
        "S59",
        2025,
        True,
        "capacity only through government call-for-application rounds; next round after DC-CFA2 (Mar 2026) assumed ~3 years to power",
    ),
    "amsterdam": Fact(
        48, "S65", 2025, True, "grid caps to 2030 (Amsterdam 670 MVA); 4 years assumed"
    ),
    "johor": Fact(
        27,
        "S52",
        2025,
        True,
        "APAC typical 18-36 months (midpoint); ~1/3 of recent Johor applications rejected",
        low=18,
        high=36,
    ),
    "tokyo": Fact(
        27,
        "S52",
        2025,
        True,
        "APAC typical 18-36 months (midpoint); TEPCO Inzai supply rises 1.7 to 2.3 GW by 2027",
        low=18,
        high=36,
    ),
}
US_TTP = Fact(48, "S79", 2025, True, "US utilities quoting >=4 years for large loads (C&W 2025)")
APAC_TTP = Fact(
    27,
    "S52",
    2025,
    True,
    "APAC new connections typically 18-36 months (midpoint)",
    low=18,
    high=36,
)
OTHER_TTP = Fact(
    48,
    "S79",
    2025,
    True,
    "global utility lead time >=4 years for large loads (C&W 2025) used where no market figure exists",
)

# Moratorium, pause or hard cap on new DC grid connections or permits in force (2025-26).
MORATORIUM: dict[str, Fact] = {
    "dublin": Fact(
        False,
        "cru_leu_2025",
        2025,
        note="the 2021 direction (CRU/21/124), under which EirGrid made no new Greater Dublin "
        "DC connection offers (before ~2028, S61), was superseded on 12 Dec 2025 by a connection "
        "policy with conditions: a data centre above 10 MVA must bring new on-site or proximate "
        "dispatchable generation or storage matching its import capacity and new Irish "
        "renewable generation of at least 80 % of its annual demand, and its location is "
        "assessed for constraints",
    ),
    "amsterdam": Fact(
        True,
        "S64",
        2024,
        note="NL ban on new hyperscale outside two zones; Amsterdam grid cap 670 MVA to 2030",
    ),
    "singapore": Fact(
        False,
        "S59",
        2025,
        note="the 2019-22 moratorium ended (S58); new capacity is allocated in calls for "
        "application (DC-CFA2, Dec 2025) and capped through power_headroom_mw",
    ),
    "silicon_valley": Fact(
        True, "S77", 2023, note="Silicon Valley Power halted new DC plans until its 2028-29 upgrade"
    ),
    "montreal": Fact(
        True, "S44", 2026, note="data centres above 5 MW go through Quebec government selection"
    ),
    "columbus": Fact(False, "S75", 2025),  # AEP Ohio moratorium Mar 2023 - Jul 2025, lifted
    "n_virginia": Fact(False, "S73", 2024),  # Dominion pause 2022 lifted; long queue instead
    "frankfurt": Fact(False, "S67", 2023),  # zoning clusters, no moratorium
    "london": Fact(False, "S69", 2022),  # grid full in West London, not a moratorium
    "johor": Fact(
        False,
        "johor_dc_2025",
        2025,
        note="no moratorium on all data centres: applications are vetted by the state "
        "committee (about 30 % rejected in its first five months) and water-cooled expansions "
        "are deferred until mid-2027 (Nov 2025)",
    ),
    "seoul": Fact(
        False,
        "korea_dc_grid_2024",
        2024,
        note="no moratorium: new data centres of 10 MW or more in the capital region pass a "
        "power-system impact assessment (from Jun 2024) and KEPCO may defer supply where the "
        "grid is saturated",
    ),
    "atlanta": Fact(
        False,
        "atlanta_dc_2024",
        2024,
        note="zoning only: no new data centres in the Beltline overlay or within 2,640 ft of "
        "high-capacity transit (City of Atlanta, Sep 2024); the metro's hyperscale campuses "
        "lie outside the city",
    ),
    "taipei": Fact(
        True,
        "taiwan_north_dc_2024",
        2024,
        note="a hard cap: no data centre above 5 MW approved north of Taoyuan since Sep 2023 "
        "(MOEA, Aug 2024); the sources reviewed report no lifting (the Nov 2025 energy-use-plan "
        "rule for every new data centre of 5 MW or more adds a review)",
    ),
    "dallas": Fact(
        False,
        "texas_sb6_2025",
        2025,
        note="no moratorium: Texas SB 6 (Jun 2025) sets interconnection standards, cost sharing "
        "and emergency curtailment for loads of 75 MW or more",
    ),
    "abilene": Fact(
        False,
        "texas_sb6_2025",
        2025,
        note="no moratorium: Texas SB 6 (Jun 2025) governs new large loads in ERCOT",
    ),
    "copenhagen": Fact(
        True,
        "energinet_pause_2026",
        2026,
        note="a pause: Energinet stopped signing new transmission-level connection agreements "
        "for large consumers in Mar 2026 and extended it; the government bill puts large data "
        "centres last in grid-access priority",
    ),
    "paris": Fact(
        False,
        "france_dc_2026",
        2026,
        note="no moratorium: the government fast-tracks data-centre projects (63 sites, a task "
        "force; Jan 2026)",
    ),
    "marseille": Fact(
        False,
        "france_dc_2026",
        2026,
        note="no moratorium: national fast-track for data centres (Jan 2026); the city's 2022 "
        "siting strategy has no power to refuse permits",
    ),
    "memphis": Fact(
        False,
        "tva_xai_2024",
        2026,
        note="no moratorium: TVA approved 150 MW (Nov 2024) and 150 MW more (Feb 2026) for "
        "xAI, with demand-response conditions",
    ),
    "cheyenne": Fact(
        False,
        "crusoe_cheyenne_2025",
        2026,
        note="no moratorium: Laramie County approved the 1.8 GW Project Jade campus (Jan 2026)",
    ),
    "berlin": Fact(
        False,
        "S80",
        2023,
        note="no moratorium: the Energy Efficiency Act (EnEfG, 2023) sets efficiency conditions "
        "for new data centres (PUE <= 1.2 from Jul 2026)",
    ),
    "chicago": Fact(
        False,
        "icc_comed_2026",
        2026,
        note="no moratorium: deposits for large-load projects of 50 MW or more (ICC, Mar 2026)",
    ),
    "helsinki": Fact(
        False,
        "finland_dc_2026",
        2026,
        note="no moratorium: data centres connect without a binding extra condition; their "
        "electricity tax rises to the general class from Jul 2026",
    ),
    "jackson_ms": Fact(
        False,
        "mississippi_aws_2024",
        2024,
        note="no moratorium: the Legislature fast-tracked utility approvals for AWS (Jan 2024)",
    ),
    "sydney": Fact(
        False,
        "australia_dc_2026",
        2026,
        note="no moratorium: federal expectations (Mar 2026) and technical standards set "
        "conditions for new data-centre connections",
    ),
    "melbourne": Fact(
        False,
        "australia_dc_2026",
        2026,
        note="no moratorium: federal expectations (Mar 2026) and technical standards set "
        "conditions for new data-centre connections",
    ),
    "tokyo": Fact(
        False,
        "japan_dc_policy",
        2026,
        note="no moratorium: policy steers new data centres to the regions by subsidy (METI "
        "2023, GX Strategic Areas 2026)",
    ),
    "osaka": Fact(
        False,
        "japan_dc_policy",
        2026,
        note="no moratorium: policy steers new data centres to the regions by subsidy (METI "
        "2023, GX Strategic Areas 2026)",
    ),
    "oslo": Fact(
        False,
        "norway_ecom_2025",
        2025,
        note="no moratorium: since Jan 2025 data centres register with Nkom, with no approval "
        "procedure",
    ),
    "narvik": Fact(
        False,
        "norway_ecom_2025",
        2025,
        note="no moratorium: since Jan 2025 data centres register with Nkom, with no approval "
        "procedure",
    ),
    "toronto": Fact(
        False,
        "ontario_bill40_2025",
        2025,
        note="no moratorium in force: Bill 40 (Dec 2025) lets Ontario set conditions for "
        "connecting data centres and prioritise projects by regulation, not yet made; set true "
        "if the regulations allocate capacity by government selection",
    ),
    "oregon": Fact(
        False,
        "oregon_power_act_2025",
        2025,
        note="no moratorium: the POWER Act (Jun 2025) puts loads above 20 MW in their own rate "
        "class with 10-year contracts",
    ),
    "richland_parish": Fact(
        False,
        "lpsc_meta_2025",
        2025,
        note="no moratorium: the state regulator approved the utility's plants and lines for the "
        "campus (Aug 2025)",
    ),
    "new_carlisle": Fact(
        False,
        "iurc_im_2025",
        2025,
        note="no moratorium: a large-load tariff with long-term commitments (Feb 2025)",
    ),
    "salt_lake_city": Fact(
        False,
        "utah_sb132_2025",
        2025,
        note="no moratorium: S.B. 132 (Mar 2025) adds service pathways for large loads",
    ),
    "mount_pleasant": Fact(
        False,
        "wi_psc_vlc_2026",
        2026,
        note="no moratorium: a Very Large Customer tariff for loads of 100 MW or more (Apr 2026)",
    ),
    "new_york": Fact(
        False,
        "ny_dc_moratorium_bill_2026",
        2026,
        True,
        "no moratorium in force in the sources reviewed: a one-year statewide freeze on permits "
        "for new large data centres passed the Legislature on 4 Jun 2026 and awaited the "
        "governor's signature; set moratorium true if it is signed",
    ),
    "phoenix": Fact(
        False,
        "phoenix_dc_2025",
        2025,
        note="zoning only: data centres need a Special Permit in commercial and industrial "
        "districts (City of Phoenix, Jul 2025)",
    ),
}
NO_MORATORIUM_RULE = (
    "no moratorium or cap found in the sources reviewed (research notes section 4); assumed none"
)

# Regulatory PUE caps on new facilities.
PUE_CAPS: dict[str, Fact] = {
    "singapore": Fact(1.25, "S59", 2025),
    "amsterdam": Fact(1.2, "S65", 2025),
    "frankfurt": Fact(1.2, "S80", 2023),
    "berlin": Fact(1.2, "S80", 2023),
}
