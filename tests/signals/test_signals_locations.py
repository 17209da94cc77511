"""Location parsing and placing on markets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from computegeo.signals.locations import parse_location
from computegeo.signals.placement import MARKET_RADIUS_KM, place_location


def _names(text: str) -> list[tuple[str, str, str]]:
    return [(p.name, p.country, p.kind) for p in parse_location(text)]


def test_separators_and_qualifiers() -> None:
    assert _names("Memphis, TN; Southaven, MS") == [
        ("Memphis", "US", "city"),
        ("Southaven", "US", "city"),
    ]
    assert _names("Dublin, IE / London, UK") == [("Dublin", "IE", "city"), ("London", "GB", "city")]
    assert _names("San Francisco, CA | New York City, NY")[1] == ("New York City", "US", "city")
    assert _names("Tokyo and Osaka") == [("Tokyo", "JP", "city"), ("Osaka", "JP", "city")]


def test_codes_prefixes_and_site_suffixes() -> None:
    assert _names("US-CA-Menlo Park") == [("Menlo Park", "US", "city")]
    assert _names("Boise, ID - Main Site") == [("Boise", "US", "city")]
    assert _names("Bangalore, in") == [("Bengaluru", "IN", "city")]  # ISO code, not Indiana
    assert _names("Tokyo, jp") == [("Tokyo", "JP", "city")]
    assert parse_location("US-CA-Dublin")[0].admin1 == "CA"  # not Dublin, Ireland


def test_markers_regions_and_prefixes_are_not_misread() -> None:
    assert parse_location("In-Office")[0].kind == "unresolved"  # not India
    (state,) = parse_location("US-CA-Remote")
    assert (state.country, state.admin1, state.kind, state.remote) == ("US", "CA", "region", True)
    assert _names("CA-Ontario-Toronto") == [("Toronto", "CA", "city")]  # not Ontario, California
    assert _names("IN Remote India") == [("India", "IN", "country")]
    assert _names("Israel, Yokneam")[0][1:] == ("IL", "city")


def test_remote_country_and_unresolved() -> None:
    (remote,) = parse_location("Remote-Friendly, United States")
    assert (remote.kind, remote.country, remote.remote) == ("country", "US", True)
    assert parse_location("Virginia")[0].kind == "region"
    assert parse_location("2 Locations")[0].kind == "unresolved"
    assert parse_location("") == ()


def test_markets_within_radius_and_emerging() -> None:
    assert place_location("Sydney, Australia").markets == ("sydney",)
    assert place_location("London, UK").markets == ("london",)
    assert place_location("Remote-Friendly, United States").markets == ()
    assert place_location("Memphis, TN").markets == ("memphis",)
    houston = place_location("Houston, TX")
    assert houston.markets == ()
    ((place, nearest, km),) = houston.emerging
    assert place.name == "Houston"
    assert km > MARKET_RADIUS_KM
    assert nearest == "dallas"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses_without_error(text: str) -> None:
    places = parse_location(text)
    for p in places:
        assert (p.latitude is None) == (p.kind != "city")
    place_location(text)


def test_held_out_location_fields_are_parsed() -> None:
    from tests.signals.signals_paths import DATA

    from computegeo.signals.location_eval import score_locations

    result = score_locations(DATA / "location_labels.csv", "heldout")
    assert result.fields == 80
    assert result.precision >= 0.9
    assert result.recall >= 0.9
