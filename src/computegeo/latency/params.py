"""Fitted parameters of the latency model and their JSON form (``data/params.json``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import TypedDict

from computegeo.core.errors import DataError

PARAMS_SCHEMA_VERSION = 1
PARAMS_FILE = "params.json"


@dataclass(frozen=True)
class LatencyParams:
    """Parameters of the backbone latency model (see ``docs/latency.md`` for the equations).

    Attributes
    ----------
    land_route_factor : float
        Fibre path length over great-circle length on land links [-].
    subsea_route_factor : float
        The same stretch for submarine-cable links [-].
    hop_ms : float
        Round-trip cost added per backbone link traversed [ms].
    access_route_factor : float
        Stretch of the path from a point to a backbone hub (regional aggregation networks) [-].
    constant_ms : float
        Round-trip cost added to every pair: hosting, last router hops, serialisation [ms].
    n_access_hubs : int
        How many nearest hubs a point may enter the backbone through [-].
    offset_smoothing_km : float
        Distance scale over which a point's correction blends the offsets of its access hubs;
        0 uses the nearest hub's offset only [km].
    hub_log_offset : dict of str to float
        Per-hub multiplicative correction, as a natural log, applied to paths that start or end
        in the hub's catchment [-].
    """

    land_route_factor: float
    subsea_route_factor: float
    hop_ms: float
    access_route_factor: float
    constant_ms: float
    n_access_hubs: int = 3
    offset_smoothing_km: float = 0.0
    hub_log_offset: dict[str, float] = field(default_factory=dict)

    def to_json(self, provenance: dict[str, str]) -> str:
        """Serialise with a schema version and a provenance block (sources, date, script).

        Parameters
        ----------
        provenance : dict of str to str
            Written as the ``provenance`` object (e.g. sources, fit date, fitting script).

        Returns
        -------
        str
            Indented JSON text ending in a newline, readable by :func:`params_from_json`.
        """
        body = {"schema_version": PARAMS_SCHEMA_VERSION, "provenance": provenance, **asdict(self)}
        return json.dumps(body, indent=2, sort_keys=False) + "\n"


class _ParamsJson(TypedDict):
    land_route_factor: float
    subsea_route_factor: float
    hop_ms: float
    access_route_factor: float
    constant_ms: float
    n_access_hubs: int
    offset_smoothing_km: float
    hub_log_offset: dict[str, float]


def params_from_json(text: str, source: str) -> LatencyParams:
    """Parse a parameter file.

    Parameters
    ----------
    text : str
        JSON text as written by :meth:`LatencyParams.to_json`.
    source : str
        Name of the file, used in error messages.

    Returns
    -------
    LatencyParams
        The parameters (``provenance`` is not kept).

    Raises
    ------
    DataError
        If the schema version or a field is missing or wrong.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{source}: not valid JSON ({exc})"
        raise DataError(msg) from exc
    if raw.get("schema_version") != PARAMS_SCHEMA_VERSION:
        msg = f"{source}: schema_version must be {PARAMS_SCHEMA_VERSION}"
        raise DataError(msg)
    names = list(_ParamsJson.__annotations__)
    missing = [n for n in names if n not in raw]
    if missing:
        msg = f"{source}: missing fields"
        raise DataError(msg, [f"{n}: required" for n in missing])
    return LatencyParams(
        land_route_factor=float(raw["land_route_factor"]),
        subsea_route_factor=float(raw["subsea_route_factor"]),
        hop_ms=float(raw["hop_ms"]),
        access_route_factor=float(raw["access_route_factor"]),
        constant_ms=float(raw["constant_ms"]),
        n_access_hubs=int(raw["n_access_hubs"]),
        offset_smoothing_km=float(raw["offset_smoothing_km"]),
        hub_log_offset={str(k): float(v) for k, v in raw["hub_log_offset"].items()},
    )


def load_shipped_params() -> LatencyParams:
    """Load the parameters fitted by ``scripts/fit_latency.py`` and shipped with the package.

    Returns
    -------
    LatencyParams
        The contents of ``computegeo/latency/data/params.json``.

    Raises
    ------
    DataError
        If the shipped file is malformed (a packaging fault).
    """
    path = resources.files("computegeo.latency.data").joinpath(PARAMS_FILE)
    return params_from_json(
        path.read_text(encoding="utf-8"), f"computegeo/latency/data/{PARAMS_FILE}"
    )
