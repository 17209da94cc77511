"""Read-only endpoints: markets, screening, latency, residency, the map and the examples.

Each one calls the same public function as the matching CLI command and returns the same JSON
shape (``computegeo markets --format json``, ``computegeo screen --format json``).
"""

from __future__ import annotations

import functools
import json

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from computegeo.core.errors import ConfigError, InputError
from computegeo.web.errors import ApiError
from computegeo.web.intake import FieldError, RequestInvalid, field_errors
from computegeo.web.models import ScreenRequest

router = APIRouter(prefix="/api")


@functools.lru_cache(maxsize=1)
def _markets_json() -> str:
    from computegeo.dataset.catalog import load_market_attributes, load_markets
    from computegeo.dataset.market_json import render_json

    return render_json(load_markets(), load_market_attributes())


@functools.lru_cache(maxsize=1)
def _catalog() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The bundled markets, the provenance rows of their estimated values, the demand regions.

    Read once per process.

    ``screen`` only reads the provenance table's ``estimated`` flags (pivoted per call); giving it
    the estimated rows alone yields the same flags (absent rows count as measured) at about half
    the cost of a screen.
    """
    from computegeo.dataset.catalog import load_market_attributes, load_markets
    from computegeo.dataset.tables import load_demand_regions

    attributes = load_market_attributes()
    estimated = attributes.loc[attributes["estimated"].astype(bool), ["market_id", "attribute"]]
    estimated = estimated.assign(estimated=True).reset_index(drop=True)
    return load_markets(), estimated, load_demand_regions()


@router.get("/markets", summary="Every market with each value's unit, source and year")
def list_markets() -> Response:
    """The JSON array of ``computegeo markets --format json``.

    \f

    Returns
    -------
    Response
        ``application/json``: one object per market, each value with unit, source and year.
    """
    return Response(_markets_json(), media_type="application/json")


@router.get("/markets/{market_id}", summary="One market with each value's source and year")
def get_market(market_id: str) -> dict[str, object]:
    """The JSON object of ``computegeo markets show ID --format json``.

    \f

    Parameters
    ----------
    market_id : str
        A bundled market id.

    Returns
    -------
    dict[str, object]
        The market's values, each with unit, year, source and whether it is estimated.

    Raises
    ------
    ApiError
        404 for an unknown market id.
    """
    from computegeo.dataset.catalog import market_values
    from computegeo.dataset.market_json import market_object

    try:
        values = market_values(market_id)
    except InputError as exc:
        raise ApiError(404, exc.message) from None
    return market_object(market_id, values)


@router.post("/screen", summary="Filter and rank markets; the ranking's sensitivity to weights")
def post_screen(body: ScreenRequest) -> Response:
    """The JSON document of ``computegeo screen --format json``.

    \f

    Parameters
    ----------
    body : ScreenRequest
        Criterion weights, hard filters, method, directions, the latency demand set and the
        optional weight-sensitivity options.

    Returns
    -------
    Response
        ``application/json``: the ranked and excluded markets and, when asked, the sensitivity.

    Raises
    ------
    RequestInvalid
        422 with one field error per problem of the request.
    """
    from computegeo.screen import Direction, SensitivityOptions, screen
    from computegeo.screen.screen_json import render_json

    markets, attributes, regions = _catalog()
    sens = body.sensitivity
    try:
        result = screen(
            body.weights,
            body.filters,
            method=body.method,
            directions={k: Direction(v) for k, v in body.directions.items()},
            demand=body.demand,
            markets=markets,
            attributes=attributes,
            demand_regions=regions,
            sensitivity=None
            if sens is None
            else SensitivityOptions(
                samples=sens.samples,
                top_k=sens.top_k,
                seed=sens.seed,
                concentration=sens.concentration,
            ),
        )
    except ConfigError as exc:
        raise RequestInvalid(exc.message, field_errors(exc, "screen")) from None
    return Response(render_json(result, body.filters), media_type="application/json")


@router.get("/latency", summary="Estimated round-trip time between two places")
def get_latency(
    from_: str = Query(
        alias="from", description="Market id or name, region id or name, or lat,lon"
    ),
    to: str = Query(description="Market id or name, region id or name, or lat,lon"),
) -> dict[str, object]:
    """Median RTT [ms] of the calibrated model, great-circle distance [km] and fibre floor [ms].

    \f

    Parameters
    ----------
    from_ : str
        Query ``from``: market id or name, demand-region id or name, or ``lat,lon`` [degrees].
    to : str
        Query ``to``, in the same forms.

    Returns
    -------
    dict[str, object]
        ``from`` and ``to`` (label, latitude, longitude [degrees]), ``rtt_ms`` [ms],
        ``great_circle_km`` [km] and ``fibre_floor_rtt_ms`` [ms].

    Raises
    ------
    RequestInvalid
        422 naming ``from`` or ``to`` when a place cannot be resolved.
    """
    from computegeo.dataset.places import resolve_place
    from computegeo.latency import fibre_floor_rtt_ms, great_circle_km, rtt_ms

    places = []
    for name, text in (("from", from_), ("to", to)):
        try:
            places.append(resolve_place(text))
        except InputError as exc:
            raise RequestInvalid(exc.message, [FieldError(name, exc.render())]) from None
    a, b = places
    km = float(great_circle_km(a.latitude, a.longitude, b.latitude, b.longitude))
    return {
        "from": {"label": a.label, "latitude": a.latitude, "longitude": a.longitude},
        "to": {"label": b.label, "latitude": b.latitude, "longitude": b.longitude},
        "rtt_ms": float(rtt_ms(a.latitude, a.longitude, b.latitude, b.longitude)),
        "great_circle_km": km,
        "fibre_floor_rtt_ms": float(fibre_floor_rtt_ms(km)),
    }


@router.get("/residency", summary="Which countries may hold a data class from an origin")
def get_residency(
    data_class: str = Query(alias="class", description="Data class, e.g. eu_personal"),
    from_: str = Query(alias="from", description="ISO2 country the data originates in, e.g. DE"),
    accept_conditions: bool = Query(False, description="Include conditional destinations"),
) -> dict[str, object]:
    """Allowed destination countries with the rule's legal basis, source and year.

    \f

    Parameters
    ----------
    data_class : str
        Query ``class``: a residency data class id, e.g. ``eu_personal``.
    from_ : str
        Query ``from``: ISO 3166-1 alpha-2 code of the origin country (any case).
    accept_conditions : bool
        Query ``accept_conditions``: count the conditional destinations as allowed.

    Returns
    -------
    dict[str, object]
        ``allowed_countries`` (sorted ISO2 codes), whether the origin is ``restricted`` by
        the rule, its ``conditional`` destinations, ``legal_basis``, ``source`` and ``year``.

    Raises
    ------
    RequestInvalid
        422 naming ``class`` for an unknown data class, ``from`` for an unknown country.
    """
    from computegeo.dataset import residency

    try:
        rule = residency.rule(data_class)
    except InputError as exc:
        raise RequestInvalid(exc.message, [FieldError("class", exc.render())]) from None
    try:
        allowed = residency.allowed_destinations(
            data_class, from_, accept_conditions=accept_conditions
        )
    except InputError as exc:
        raise RequestInvalid(exc.message, [FieldError("from", exc.render())]) from None
    origin = from_.strip().upper()
    return {
        "data_class": data_class,
        "origin": origin,
        "restricted": origin in rule.origins,
        "description": rule.description,
        "allowed_countries": sorted(allowed),
        "conditional": [
            {"countries": sorted(c.countries), "condition": c.condition} for c in rule.conditional
        ],
        "accept_conditions": accept_conditions,
        "legal_basis": rule.legal_basis,
        "source": rule.source,
        "year": rule.year,
    }


@functools.lru_cache(maxsize=1)
def _map_json() -> str:
    from computegeo.report.geometry import load_world_land
    from computegeo.report.maps import MAP_HEIGHT_PX, MAP_WIDTH_PX, project

    land = load_world_land()
    paths = []
    for country in land.countries:
        d = []
        for ring in country.rings:
            pts = [project(lon, lat) for lon, lat in ring]
            d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
        paths.append({"iso_a3": country.iso_a3, "name": country.name, "d": "".join(d)})
    markets = json.loads(_markets_json())
    points = {}
    for m in markets:
        x, y = project(float(m["longitude"]), float(m["latitude"]))
        points[m["id"]] = [round(x, 1), round(y, 1)]
    return json.dumps(
        {
            "width_px": MAP_WIDTH_PX,
            "height_px": MAP_HEIGHT_PX,
            "countries": paths,
            "markets": points,
            "provenance": land.provenance,
        }
    )


@router.get("/map", summary="World outlines (Natural Earth) and market positions, projected")
def get_map() -> Response:
    """Equal Earth projected country paths [px] and each market's ``[x, y]`` [px].

    \f

    Returns
    -------
    Response
        ``application/json``: ``width_px``, ``height_px``, ``countries`` (SVG path per
        country), ``markets`` (id -> ``[x, y]`` [px]) and the outlines' ``provenance``.
    """
    return Response(_map_json(), media_type="application/json")


@router.get("/examples", summary="Names of the bundled example scenarios")
def list_examples() -> JSONResponse:
    """The bundled scenario names (``computegeo plan NAME``).

    \f

    Returns
    -------
    JSONResponse
        The JSON array of names.
    """
    from computegeo.scenario.load import bundled_scenario_names

    return JSONResponse(list(bundled_scenario_names()))


@router.get("/examples/{name}", summary="A bundled example scenario as YAML text")
def get_example(name: str) -> PlainTextResponse:
    """The example's YAML text (the page's editor starts from it).

    \f

    Parameters
    ----------
    name : str
        A bundled example name; never a path.

    Returns
    -------
    PlainTextResponse
        ``application/yaml``: the scenario file as shipped.

    Raises
    ------
    ApiError
        404 when ``name`` is not a bundled example.
    """
    from computegeo.scenario.load import bundled_scenario_names
    from computegeo.scenario.template import bundled_path

    if name not in bundled_scenario_names():  # only the bundled names: never a path of the caller's
        try:
            bundled_path(name)
        except ConfigError as exc:
            raise ApiError(404, exc.message) from None
        raise ApiError(404, f"no bundled example named {name!r}")
    return PlainTextResponse(
        bundled_path(name).read_text(encoding="utf-8"), media_type="application/yaml"
    )
