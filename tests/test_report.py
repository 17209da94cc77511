"""Structure and key numbers of the HTML report (the browser test is in test_report_browser.py)."""

from __future__ import annotations

import copy
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computegeo.core.errors import DataError
from computegeo.report import Source, render_report, summaries
from computegeo.report.geometry import equal_earth, great_circle_points, load_world_land
from computegeo.report.maps import MAP_HEIGHT_PX, MAP_WIDTH_PX, project
from computegeo.results.plan import SCHEMA_VERSION, Plan, read_plan_json
from computegeo.scenario.enums import Form

FIXTURE = Path(__file__).parent / "fixtures" / "plan_reference.json"

EXPECTED_IDS = (
    "top",
    "kpis",
    "kpi-npv",
    "kpi-capacity",
    "kpi-latency",
    "kpi-hhi",
    "where",
    "map",
    "map-land",
    "map-sites",
    "map-flows",
    "map-demand",
    "map-legend",
    "table-sites",
    "timeline",
    "chart-capacity-market",
    "chart-capacity-form",
    "costs",
    "chart-cost",
    "table-cost",
    "latency",
    "chart-latency",
    "table-latency",
    "resilience",
    "chart-diversification",
    "chart-n1",
    "binding",
    "table-binding",
    "sources",
    "table-sources",
)


class _Collector(HTMLParser):
    """Collects element ids, tag counts and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: dict[str, int] = {}
        self.text_by_id: dict[str, str] = {}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        ident = dict(attrs).get("id")
        if ident:
            self.ids.append(ident)
            self.text_by_id[ident] = ""
        if tag not in {"meta", "br", "img", "input", "link"}:
            self._stack.append(ident)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        ident = dict(attrs).get("id")
        if ident:
            self.ids.append(ident)

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._stack:
            if ident:
                self.text_by_id[ident] += data


@pytest.fixture(scope="module")
def plan_doc() -> dict[str, object]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def html(plan_doc: dict[str, object]) -> str:
    return render_report(plan_doc)


@pytest.fixture(scope="module")
def parsed(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_fixture_is_a_valid_plan_json(plan_doc: dict[str, object]) -> None:
    plan = Plan.from_json_dict(plan_doc)
    assert str(plan_doc["schema_version"]).split(".")[0] == SCHEMA_VERSION.split(".")[0]
    assert len(plan.capacity) == len(plan_doc["capacity"])


def test_plan_object_and_its_json_render_identically(html: str) -> None:
    assert render_report(read_plan_json(FIXTURE)) == html


def test_rendering_is_deterministic(plan_doc: dict[str, object], html: str) -> None:
    assert render_report(copy.deepcopy(plan_doc)) == html


def test_report_is_self_contained(html: str) -> None:
    lowered = html.lower()
    for needle in (
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(",
        " src=",
        'href="http',
        "@font-face",
    ):
        assert needle not in lowered, needle
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}, urls  # the SVG namespace is a name, not a fetch
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


def test_expected_sections_charts_and_unique_ids(parsed: _Collector) -> None:
    missing = [i for i in EXPECTED_IDS if i not in parsed.ids]
    assert not missing
    duplicates = {i for i in parsed.ids if parsed.ids.count(i) > 1}
    assert not duplicates
    assert parsed.tags.get("svg", 0) >= 7


def test_headline_kpis_carry_the_plans_numbers(parsed: _Collector, plan_doc: dict) -> None:
    kpis = plan_doc["kpis"]
    assert kpis["npv_usd"] == pytest.approx(6.412e10)
    assert "$64.12B" in parsed.text_by_id["kpi-npv"]
    assert "2025 USD" in parsed.text_by_id["kpi-npv"]
    last = plan_doc["scenario"]["periods"][-1]
    total_last_mw = sum(c["capacity_mw"] for c in plan_doc["capacity"] if c["period"] == last)
    assert total_last_mw == pytest.approx(kpis["capacity_mw_by_period"][last])
    assert f"{total_last_mw:,.0f} MW" in parsed.text_by_id["kpi-capacity"]
    markets_last = {c["market_id"] for c in plan_doc["capacity"] if c["period"] == last}
    countries = {m["country"] for m in plan_doc["markets"] if m["market_id"] in markets_last}
    assert (
        f"{len(markets_last)} markets in {len(countries)} countries"
        in parsed.text_by_id["kpi-capacity"]
    )
    worst = min(kpis["latency_served_share"].values())
    assert f"{100 * worst:.1f}%" in parsed.text_by_id["kpi-latency"]
    assert f"{kpis['hhi_market']:.3f}" in parsed.text_by_id["kpi-hhi"]


def test_site_table_matches_capacity_rows(html: str, plan_doc: dict) -> None:
    last = plan_doc["scenario"]["periods"][-1]
    per_market: dict[str, float] = {}
    for c in plan_doc["capacity"]:
        if c["period"] == last:
            per_market[c["market_id"]] = per_market.get(c["market_id"], 0.0) + c["capacity_mw"]
    for market_id, mw in per_market.items():
        expected = f"{mw:,.0f} MW" if mw >= 100 else f"{mw:,.1f} MW"
        assert f'data-market="{market_id}">{expected}</td>' in html


def test_cost_table_lists_every_component(html: str, plan_doc: dict) -> None:
    kpis = plan_doc["kpis"]
    assert 'data-cost="capex">$28.51B<' in html
    expected = {
        "power": "$19.37B",
        "rent": "$8.12B",
        "cloud": "$7.64B",
        "carbon": "$480.00M",
        "om": "$1.10B",
    }
    for key, text in expected.items():
        assert kpis["opex_usd"][key] > 0
        assert f'data-cost="{key}">{text}<' in html
    assert "$310.00M of penalty for unmet demand" in html


def test_binding_constraints_sorted_by_value(parsed: _Collector, plan_doc: dict) -> None:
    text = parsed.text_by_id["table-binding"]
    names = [
        b["name"]
        for b in sorted(plan_doc["binding_constraints"], key=lambda b: -b["relaxation_value_usd"])
    ]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)
    assert "$1.30M" in text  # transformer slots, the largest value


def test_unmet_demand_rows_explain_the_reason(parsed: _Collector) -> None:
    text = parsed.text_by_id["table-unmet"]
    assert "Mumbai" in text
    assert "35.0 MW" in text
    assert "no market within the latency limit passes the residency rule" in text


def test_latency_table_by_region(parsed: _Collector) -> None:
    text = parsed.text_by_id["table-latency"]
    # Singapore interactive demand over the horizon: served 10 x (1..6)/6 ... capped at tokyo cloud
    # capacity; 12.5 MW of it is unmet in 2031. Recompute from the fixture instead of hard-coding.
    cov = {(c.region_id, c.workload): c for c in summaries.coverage(read_plan_json(FIXTURE))}
    sg = cov[("singapore_sg", "interactive_inference")]
    assert sg.served_share < 1.0
    assert f"{100 * sg.served_share:.1f}%" in text
    assert cov[("mumbai_in", "interactive_inference")].served_share == 0.0


def test_n1_section_uses_contingency_shares(parsed: _Collector, html: str) -> None:
    text = parsed.text_by_id["table-n1"]
    assert "+11.0 percentage points" in text
    assert "required share60.0%" in text  # the workloads' n1_required_share, not worst - margin
    chart = html.split('id="chart-n1"')[1].split("</svg>")[0]
    assert chart.count('fill="#3f9f5a"') == 5  # every contingency's own margin is >= 0
    assert (
        "Not covered by the rule (they may go unserved after a loss): training"
        in (parsed.text_by_id["resilience"])
    )


def test_n1_bars_take_their_colour_from_each_contingencys_margin(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    doc["kpis"]["n1_margin"]["margin_after_loss"]["dallas"] = -0.02  # fails after losing Dallas
    chart = render_report(doc).split('id="chart-n1"')[1].split("</svg>")[0]
    assert chart.count('fill="#c8473b"') == 1
    assert chart.count('fill="#3f9f5a"') == 4


def test_n1_required_share_is_not_guessed_for_plans_before_schema_1_1(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    doc["schema_version"] = "1.0"
    del doc["workloads"]
    del doc["kpis"]["n1_margin"]["margin_after_loss"]
    out = render_report(doc)
    assert "not in this plan.json (written before schema 1.1)" in out
    assert "60.0%" not in out.split('id="table-n1"')[1].split("</table>")[0]
    chart = out.split('id="chart-n1"')[1].split("</svg>")[0]
    assert 'fill="#3f9f5a"' not in chart  # no required share: neutral bars, not a guess


def test_latency_by_region_counts_only_assignments_within_the_workload_limit(
    plan_doc: dict,
) -> None:
    """plan.json's workloads[].max_rtt_ms drives the per-region "within the limit" share."""
    plan = Plan.from_json_dict(plan_doc)
    interactive = [a for a in plan.assignments if a.workload == "interactive_inference"]
    limit_ms = sorted(a.rtt_ms for a in interactive)[len(interactive) // 2]  # the median RTT
    doc = copy.deepcopy(plan_doc)
    for w in doc["workloads"]:
        if w["workload"] == "interactive_inference":
            w["max_rtt_ms"] = limit_ms
    tightened = Plan.from_json_dict(doc)
    cov = {(c.region_id, c.workload): c for c in summaries.coverage(tightened)}
    far = max(interactive, key=lambda a: a.rtt_ms)
    cell = cov[(far.region_id, "interactive_inference")]
    beyond = sum(
        a.mw
        for a in interactive
        if a.region_id == far.region_id and a.rtt_ms > limit_ms + summaries.RTT_TOLERANCE_MS
    )
    assert beyond > 0
    assert cell.within_mw_periods == pytest.approx(cell.served_mw_periods - beyond)
    assert cell.within_share < cell.served_share
    collector = _Collector()
    collector.feed(render_report(tightened))
    text = collector.text_by_id["latency"]
    assert f"interactive inference ≤ {limit_ms:g} ms" in text
    region_name = {r.region_id: r.name for r in plan.regions}[far.region_id]
    row = collector.text_by_id["table-latency"].split(region_name)[1]
    assert f"{100 * cell.within_share:.1f}%" in row


def test_appendix_lists_supplied_sources_and_map_provenance(plan_doc: dict) -> None:
    src = Source(
        name="Ember yearly electricity data",
        used_for="carbon_intensity_g_per_kwh",
        year="2023",
        licence="CC BY 4.0",
        url="ember-energy.org",
    )
    out = render_report(plan_doc, sources=[src])
    collector = _Collector()
    collector.feed(out)
    text = collector.text_by_id["table-sources"]
    assert "Ember yearly electricity data" in text
    assert "CC BY 4.0" in text
    assert "Natural Earth" in text
    assert "Public domain" in text


def test_user_text_is_escaped(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    doc["scenario"]["name"] = "<script>alert(1)</script> & co"
    out = render_report(doc)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out


def test_missing_and_mistyped_fields_are_all_reported(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    del doc["kpis"]
    doc["capacity"][0]["capacity_mw"] = "lots"
    doc["markets"][0].pop("latitude")
    with pytest.raises(DataError) as info:
        render_report(doc)
    message = str(info.value)
    assert "'kpis': missing" in message
    assert "'capacity[0].capacity_mw': expected a number" in message
    assert "'markets[0].latitude'" in message


def test_unsupported_schema_version_is_refused(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    doc["schema_version"] = "2.0"
    with pytest.raises(DataError) as info:
        render_report(doc)
    assert "schema_version" in str(info.value)


def test_plan_without_capacity_still_renders(plan_doc: dict) -> None:
    doc = copy.deepcopy(plan_doc)
    doc["capacity"] = []
    doc["builds"] = []
    doc["assignments"] = []
    out = render_report(doc)
    assert 'id="map"' in out
    assert ">0 MW<" in out


def test_world_geometry_is_bundled_simplified_and_sourced() -> None:
    path = Path(__file__).parents[1] / "src" / "computegeo" / "report" / "world_land.json"
    assert 20_000 < path.stat().st_size < 300_000
    land = load_world_land()
    assert len(land.countries) > 150
    names = {c.name for c in land.countries}
    assert {"Australia", "Japan", "United States of America", "Germany", "Brazil"} <= names
    assert "Antarctica" not in names
    assert "Natural Earth" in land.provenance["source"]
    assert "Public domain" in land.provenance["licence"]
    for c in land.countries:
        for ring in c.rings:
            assert len(ring) >= 3
            for lon, lat in ring:
                assert -180.0 <= lon <= 180.0
                assert -60.0 <= lat <= 84.0


def test_equal_earth_and_map_frame() -> None:
    x, y = equal_earth(-180.0, 0.0)
    assert x == pytest.approx(-2.7066, abs=1e-4)
    assert y == 0.0
    assert project(-180.0, 0.0)[0] == pytest.approx(0.0, abs=1e-9)
    assert project(180.0, 0.0)[0] == pytest.approx(MAP_WIDTH_PX)
    assert project(0.0, 84.0)[1] == pytest.approx(0.0, abs=1e-9)
    assert project(0.0, -56.0)[1] == pytest.approx(MAP_HEIGHT_PX)
    sydney = project(151.21, -33.87)
    assert sydney[0] > 0.85 * MAP_WIDTH_PX
    assert sydney[1] > 0.5 * MAP_HEIGHT_PX


def test_pacific_flows_are_split_at_the_antimeridian() -> None:
    from computegeo.report.geometry import split_at_antimeridian

    pts = great_circle_points(151.21, -33.87, -118.24, 34.05, n=24)  # Sydney -> Los Angeles
    pieces = split_at_antimeridian(pts)
    assert len(pieces) == 2
    assert pieces[0][-1][0] == 180.0
    assert pieces[1][0][0] == -180.0
    assert pieces[0][-1][1] == pytest.approx(pieces[1][0][1])


def test_capacity_by_groups_sum_to_the_total(plan_doc: dict) -> None:
    plan = Plan.from_json_dict(plan_doc)
    periods = summaries.all_periods(plan)
    by_market = summaries.capacity_by_market(plan)
    by_form = summaries.capacity_by_form(plan)
    for i, p in enumerate(periods):
        total = sum(c.capacity_mw for c in plan.capacity if c.period == p)
        assert sum(v[i] for v in by_market.values()) == pytest.approx(total)
        assert sum(v[i] for v in by_form.values()) == pytest.approx(total)
    assert list(by_form) == [Form.BUILD, Form.LEASE, Form.CLOUD]
    assert list(by_market)[0] == "dallas"
    shares = summaries.market_shares(plan, periods[-1])
    assert sum(s for _, s in shares) == pytest.approx(1.0)
    assert summaries.hhi(shares) == pytest.approx(sum(s * s for _, s in shares))


def test_default_appendix_lists_the_bundled_dataset_sources(parsed: _Collector) -> None:
    text = parsed.text_by_id["table-sources"]
    assert "World Bank Worldwide Governance Indicators" in text
    assert "political stability" in text
    assert "Natural Earth" in text
    assert "computegeo markets show" in parsed.text_by_id["sources"]
    assert "UN WUP 2018" in text  # demand regions
    assert "RTT model calibrated on" in text
    assert "data-residency rules" in text


def test_sources_group_by_publication_for_the_plans_markets() -> None:
    import pandas as pd

    from computegeo.report.sources import sources_from_attributes

    frame = pd.DataFrame(
        {
            "market_id": ["a", "a", "b", "z"],
            "attribute": ["pue", "power_price_usd_per_mwh", "pue", "pue"],
            "source": ["ASHRAE; station A", "EIA 2023", "ASHRAE; station B", "Other"],
            "year": [None, 2023, None, 2020],
            "estimated": [True, False, True, False],
        }
    )
    out = sources_from_attributes(frame, ["a", "b"])
    assert [s.name for s in out] == ["ASHRAE", "EIA 2023"]
    assert out[0].note == "2 values for 2 markets, 2 estimated"
    assert out[1].year == "2023"
    assert sources_from_attributes(frame, ["nowhere"]) == ()


REAL_PLAN = FIXTURE.parent / "plan_apac_tight_power.json"
MAX_REPORT_BYTES = 400_000
"""Budget for a typical plan's report (the map geometry alone is about 80 kB of SVG path)."""


def test_real_planner_output_renders_with_its_numbers() -> None:
    from computegeo.report.formatting import mw, share, usd

    doc = json.loads(REAL_PLAN.read_text(encoding="utf-8"))
    out = render_report(Plan.from_json_dict(doc))
    assert len(out.encode("utf-8")) < MAX_REPORT_BYTES
    collector = _Collector()
    collector.feed(out)
    assert not [i for i in EXPECTED_IDS if i not in collector.ids and i != "table-unmet"]
    kpis = doc["kpis"]
    assert usd(kpis["npv_usd"]) in collector.text_by_id["kpi-npv"]
    last = doc["scenario"]["periods"][-1]
    total = sum(c["capacity_mw"] for c in doc["capacity"] if c["period"] == last)
    assert total == pytest.approx(kpis["capacity_mw_by_period"][last], rel=1e-6)
    assert mw(total) in collector.text_by_id["kpi-capacity"]
    assert share(min(kpis["latency_served_share"].values())) in collector.text_by_id["kpi-latency"]
    for key in ("power", "rent", "cloud", "carbon", "om"):
        assert f'data-cost="{key}">{usd(kpis["opex_usd"][key])}<' in out
    assert f'data-cost="capex">{usd(kpis["capex_usd"])}<' in out
    per_market: dict[str, float] = {}
    for c in doc["capacity"]:
        if c["period"] == last:
            per_market[c["market_id"]] = per_market.get(c["market_id"], 0.0) + c["capacity_mw"]
    for market_id, value in per_market.items():
        if value > 0:
            assert f'data-market="{market_id}">{mw(value)}</td>' in out
    top = max(doc["binding_constraints"], key=lambda b: b["relaxation_value_usd"])
    assert top["name"] in collector.text_by_id["table-binding"]
    worst = kpis["n1_margin"]["worst_contingency"]
    worst_name = {m["market_id"]: m["name"] for m in doc["markets"]}.get(worst, worst)
    assert worst_name in collector.text_by_id["table-n1"]


@given(st.floats(min_value=1e-3, max_value=1e7, allow_nan=False))
def test_value_axes_cover_the_data_with_few_round_ticks(value: float) -> None:
    from computegeo.report.charts import MAX_TICKS, NICE_STEPS, nice_axis

    y_max, step = nice_axis(value)
    assert y_max >= value * (1 - 1e-9)
    n = round(y_max / step)
    assert n * step == pytest.approx(y_max)
    assert 1 <= n <= MAX_TICKS
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-9)
    assert any(mantissa == pytest.approx(k) for k in NICE_STEPS)
