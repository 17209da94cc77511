"""The true cause of demand left without any allowed market: latency, residency or a filter.

:func:`computegeo.evaluate.explain.unmet_rows` sees only the markets that passed
``policies.markets``. Demand that has no allowed market among them may still have markets within
its latency limit that may hold its data, removed by the democracy index, a membership
requirement, a moratorium or an exclude list; that demand is unmet because of the filter, and
its reason must say so. This module re-derives the cause against the whole catalog.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from computegeo.dataset.residency import AllowedDestinations
from computegeo.latency import RttMatrix
from computegeo.problem.data import ProblemData
from computegeo.results.plan import Plan, UnmetReason, UnmetRow

_RULE = re.compile(r"policies\.markets\.(\w+)")
"""The rule names in a :func:`computegeo.explain.market_exclusions` text."""

MAX_LISTED = 4
"""Most excluded markets named in one reason."""

_NO_MARKET = frozenset({UnmetReason.NO_ALLOWED_MARKET, UnmetReason.LATENCY, UnmetReason.RESIDENCY})


def unmet_causes(
    plan: Plan,
    data: ProblemData,
    markets: pd.DataFrame,
    region_country: Mapping[str, str],
    exclusions: Mapping[str, str],
    rtt_matrix_ms: RttMatrix,
    allowed_destinations: AllowedDestinations,
) -> tuple[UnmetRow, ...]:
    """The plan's unmet rows with the rule that excludes each "no allowed market" row named.

    Parameters
    ----------
    plan : Plan
        The solved plan.
    data : ProblemData
        The problem the plan answers.
    markets : DataFrame
        The whole catalog market table (index ``market_id``; ``latitude``, ``longitude``,
        ``country``, ``name``).
    region_country : mapping
        ``region_id`` -> ISO2 country of each demand region.
    exclusions : mapping
        Markets removed by ``policies.markets`` -> the rule in words.
    rtt_matrix_ms : callable
        ``(lat_a, lon_a, lat_b, lon_b) -> (len(a), len(b))`` round-trip times [ms].
    allowed_destinations : callable
        ``(data_class, origin_country) -> countries`` that may hold the data.

    Returns
    -------
    tuple of UnmetRow
        Rows of the other reasons unchanged; "no allowed market" rows with reason
        :attr:`~UnmetReason.POLICY_FILTER`, :attr:`~UnmetReason.LATENCY` or
        :attr:`~UnmetReason.RESIDENCY` and a ``detail`` naming the rule and the markets.
    """
    lat = markets["latitude"].astype(float).to_numpy()
    lon = markets["longitude"].astype(float).to_numpy()
    country = markets["country"].astype(str).to_numpy()
    names = markets["name"].astype(str).to_numpy() if "name" in markets else markets.index
    ids = [str(m) for m in markets.index]
    excluded = np.array([m in exclusions for m in ids])
    cache: dict[tuple[str, str], tuple[UnmetReason, str] | None] = {}
    rows: list[UnmetRow] = []
    for u in plan.unmet:
        if u.reason not in _NO_MARKET or u.region_id not in data.region_id:
            rows.append(u)
            continue
        key = (u.workload, u.region_id)
        if key not in cache:
            w = data.workload_id.index(u.workload)
            r = data.region_id.index(u.region_id)
            rtt = np.asarray(
                rtt_matrix_ms(
                    lat,
                    lon,
                    np.array([data.region_latitude_deg[r]]),
                    np.array([data.region_longitude_deg[r]]),
                )
            )[:, 0]
            cache[key] = _cause(
                float(data.latency_limit_ms[w]),
                data.workload_data_class[w],
                data.region_name[r],
                region_country.get(u.region_id, ""),
                rtt,
                country,
                names,
                ids,
                excluded,
                exclusions,
                allowed_destinations,
            )
        cause = cache[key]
        rows.append(
            u if cause is None else dataclasses.replace(u, reason=cause[0], detail=cause[1])
        )
    return tuple(rows)


def _cause(  # noqa: PLR0913 - the arrays of one catalog, passed once
    limit: float,
    data_class: str,
    region: str,
    origin: str,
    rtt: np.ndarray,
    country: np.ndarray,
    names: object,
    ids: list[str],
    excluded: np.ndarray,
    exclusions: Mapping[str, str],
    allowed_destinations: AllowedDestinations,
) -> tuple[UnmetReason, str] | None:
    near = rtt <= limit
    limit_words = "no limit" if math.isinf(limit) else f"{limit:.0f} ms"
    if data_class != "none" and origin:
        dest = allowed_destinations(data_class, origin)
        may_hold = np.isin(country, sorted(dest))
    else:
        may_hold = np.ones(len(ids), dtype=bool)
    candidates = near & may_hold
    label = list(names)  # type: ignore[call-overload]
    if candidates.any():
        if not excluded[candidates].all():
            return None  # an allowed candidate exists: the planner's reason stands
        idx = np.flatnonzero(candidates)
        listed = [str(label[i]) for i in idx[:MAX_LISTED]]
        more = len(idx) - len(listed)
        rules = sorted({r for i in idx for r in _RULE.findall(exclusions[ids[i]])})
        return UnmetReason.POLICY_FILTER, (
            f"{_markets(len(idx))} within {limit_words} of {region} may hold it, but "
            f"policies.markets removes every one ({', '.join(rules)}): {', '.join(listed)}"
            + (f" and {more} more" if more > 0 else "")
            + " (computegeo explain PLAN_DIR --market MARKET gives each one's values)"
        )
    if not near.any():
        i = int(np.argmin(rtt))
        return UnmetReason.LATENCY, (
            f"no market of the dataset lies within {limit_words} of {region} (nearest: "
            f"{label[i]} at {rtt[i]:.0f} ms)"
        )
    return UnmetReason.RESIDENCY, (
        f"{_markets(int(near.sum()))} within {limit_words} of {region}, but the residency rule "
        f"of {data_class} lets data from {origin} be held in none of them"
    )


def _markets(n: int) -> str:
    """``"1 market"``, ``"3 markets"``."""
    return f"{n} market" if n == 1 else f"{n} markets"
