"""The backbone graph: interconnection hubs and the land and subsea links between them.

The hubs (``data/hubs.csv``) are major interconnection metros plus two cable waypoints
(Djibouti and Colombo) where the Red Sea and Indian Ocean cable systems turn. The links
(``data/links.csv``) are written by hand from public knowledge of the long-haul fibre and
submarine cable systems; each subsea link is checked against the TeleGeography cable map by
``scripts/fit_latency.py`` (no TeleGeography data is shipped: its licence is non-commercial).
"""

from __future__ import annotations

import csv
import enum
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import shortest_path

from computegeo.core.errors import DataError
from computegeo.latency.geodesy import fibre_floor_rtt_ms, great_circle_km

DATA_PACKAGE = "computegeo.latency.data"


class Medium(enum.Enum):
    """What a backbone link runs over."""

    LAND = "land"
    SUBSEA = "subsea"


@dataclass(frozen=True)
class Backbone:
    """Hubs and links of the backbone graph.

    Attributes
    ----------
    hub_ids : tuple of str
        Hub identifiers, in row order of the arrays.
    hub_lat_deg, hub_lon_deg : numpy.ndarray
        Hub coordinates [deg].
    link_a, link_b : numpy.ndarray
        Integer hub indices of each undirected link.
    link_subsea : numpy.ndarray
        Boolean, True where the link is a submarine cable.
    """

    hub_ids: tuple[str, ...]
    hub_lat_deg: NDArray[np.float64]
    hub_lon_deg: NDArray[np.float64]
    link_a: NDArray[np.int64]
    link_b: NDArray[np.int64]
    link_subsea: NDArray[np.bool_]

    @property
    def n_hubs(self) -> int:
        """Number of hubs."""
        return len(self.hub_ids)

    def link_km(self) -> NDArray[np.float64]:
        """Great-circle length of every link [km].

        Returns
        -------
        numpy.ndarray
            One length per link, in link order [km].
        """
        return great_circle_km(
            self.hub_lat_deg[self.link_a],
            self.hub_lon_deg[self.link_a],
            self.hub_lat_deg[self.link_b],
            self.hub_lon_deg[self.link_b],
        )


def load_backbone() -> Backbone:
    """Load the shipped hub and link tables.

    Returns
    -------
    Backbone

    Raises
    ------
    DataError
        If a link names an unknown hub or has an unknown medium (a packaging fault).
    """
    root = resources.files(DATA_PACKAGE)
    with root.joinpath("hubs.csv").open(encoding="utf-8") as fh:
        hub_rows = list(csv.DictReader(fh))
    with root.joinpath("links.csv").open(encoding="utf-8") as fh:
        link_rows = list(csv.DictReader(fh))
    hub_ids = tuple(r["hub_id"] for r in hub_rows)
    index = {h: i for i, h in enumerate(hub_ids)}
    problems: list[str] = []
    a: list[int] = []
    b: list[int] = []
    sea: list[bool] = []
    for line, row in enumerate(link_rows, start=2):
        for key in ("hub_a", "hub_b"):
            if row[key] not in index:
                problems.append(f"links.csv line {line}: unknown hub {row[key]!r}")
        try:
            medium = Medium(row["medium"])
        except ValueError:
            problems.append(f"links.csv line {line}: medium must be 'land' or 'subsea'")
            continue
        if row["hub_a"] in index and row["hub_b"] in index:
            a.append(index[row["hub_a"]])
            b.append(index[row["hub_b"]])
            sea.append(medium is Medium.SUBSEA)
    if problems:
        msg = "the shipped latency backbone tables are inconsistent"
        raise DataError(msg, problems)
    return Backbone(
        hub_ids=hub_ids,
        hub_lat_deg=np.array([float(r["latitude"]) for r in hub_rows]),
        hub_lon_deg=np.array([float(r["longitude"]) for r in hub_rows]),
        link_a=np.array(a, dtype=np.int64),
        link_b=np.array(b, dtype=np.int64),
        link_subsea=np.array(sea, dtype=np.bool_),
    )


def hub_rtt_matrix_ms(
    backbone: Backbone, land_route_factor: float, subsea_route_factor: float, hop_ms: float
) -> NDArray[np.float64]:
    """Round-trip time of the fastest path between every pair of hubs [ms].

    Each link costs ``route_factor * 2 * length / FIBRE_KM_PER_MS + hop_ms``, where the route
    factor (land or subsea) stretches the great-circle length to the fibre path length.

    Parameters
    ----------
    backbone : Backbone
        Hubs and links (with each link's medium).
    land_route_factor, subsea_route_factor : float
        Fibre path length over great-circle length [-], >= 1.
    hop_ms : float
        Fixed round-trip cost of traversing one link (switching, regeneration) [ms].

    Returns
    -------
    numpy.ndarray
        Symmetric ``(n_hubs, n_hubs)`` matrix with a zero diagonal [ms]; ``inf`` between hubs
        that no path joins.
    """
    factor = np.where(backbone.link_subsea, subsea_route_factor, land_route_factor)
    weight = factor * fibre_floor_rtt_ms(backbone.link_km()) + hop_ms
    n = backbone.n_hubs
    # Parallel links (e.g. a land and a subsea route between the same hubs) are alternatives:
    # keep the fastest of each pair, since a sparse matrix would add their weights together.
    lo = np.minimum(backbone.link_a, backbone.link_b)
    hi = np.maximum(backbone.link_a, backbone.link_b)
    order = np.lexsort((weight, hi, lo))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (np.diff(lo[order]) != 0) | (np.diff(hi[order]) != 0)
    keep = order[first]
    graph = coo_matrix((weight[keep], (lo[keep], hi[keep])), shape=(n, n)).tocsr()
    return np.asarray(shortest_path(graph, method="D", directed=False))
