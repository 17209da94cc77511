"""Screen markets: filter, score, rank, flag estimated inputs and test the weights.

:func:`screen` is the one entry point the CLI, the plan report and notebooks use. It works on
any market table with the catalog's column names; by default it loads the shipped catalog,
demand regions, latency model and residency rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from computegeo.core.errors import ConfigError, suggest
from computegeo.dataset.catalog import load_market_attributes, load_markets
from computegeo.dataset.residency import AllowedDestinations
from computegeo.dataset.residency import allowed_destinations as default_allowed_destinations
from computegeo.dataset.tables import load_demand_regions
from computegeo.latency import RttMatrix
from computegeo.latency import rtt_matrix_ms as default_rtt_matrix_ms
from computegeo.screen.criteria import (
    KNOWN_CRITERIA,
    LATENCY_COLUMN,
    Criterion,
    Direction,
    resolve_criteria,
)
from computegeo.screen.filters import (
    Filter,
    FilterContext,
    apply_filters,
    latency_regions,
    parse_filter,
)
from computegeo.screen.scoring import Method, Scores, rank_order, score
from computegeo.screen.sensitivity import Sensitivity, swap_points, weight_stability

"""``rtt_matrix_ms(lat_a, lon_a, lat_b, lon_b) -> (len(a), len(b))`` round-trip times [ms]."""


@dataclass(frozen=True)
class SensitivityOptions:
    """How to test the ranking's dependence on the weights.

    Attributes
    ----------
    samples : int
        Weight draws (0 turns the sampling off; the swap analysis still runs).
    top_k : int
        ``k`` of the reported "share of draws in the top k".
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same figures.
    concentration : float or None
        Dirichlet concentration around the user's weights; ``None`` for uniform draws.
    """

    samples: int = 1000
    top_k: int = 5
    seed: int = 0
    concentration: float | None = 50.0


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of a screen.

    Attributes
    ----------
    table : DataFrame
        Ranked markets (index ``market_id``): ``rank``, ``name``, ``country``, ``score``
        (0-1, higher is better), one column per criterion in its own unit, ``estimated`` (the
        criteria whose value is an estimate, ``;``-joined), ``estimated_weight_share`` (share
        of the total weight resting on estimated values) and, with sampling,
        ``top_k_share``, ``rank_p05``, ``rank_p50``, ``rank_p95``.
    excluded : DataFrame
        Index ``market_id``; ``reason`` (failed filters or missing criterion values).
    method : Method
        Scoring method.
    criteria : tuple[Criterion, ...]
        Criteria with positive weight, in the order given.
    parts : DataFrame
        Long form (``market_id, criterion, value, unit, utility, weight_share, part,
        part_anti, estimated``) used by :meth:`explain`.
    sensitivity : Sensitivity or None
        Weight-stability figures and swap points; ``None`` if not requested.
    demand : tuple[str, ...]
        Demand regions of the ``latency_ms`` criterion (empty if unused).
    """

    table: pd.DataFrame
    excluded: pd.DataFrame
    method: Method
    criteria: tuple[Criterion, ...]
    parts: pd.DataFrame
    sensitivity: Sensitivity | None = None
    demand: tuple[str, ...] = field(default_factory=tuple)

    @property
    def weight_shares(self) -> dict[str, float]:
        """Criterion column -> share of the total weight."""
        total = sum(c.weight for c in self.criteria)
        return {c.column: c.weight / total for c in self.criteria}

    def explain(self, market_id: str) -> pd.DataFrame:
        """How one market's score is made up, one row per criterion.

        Parameters
        ----------
        market_id : str
            A ranked market.

        Returns
        -------
        pandas.DataFrame
            Indexed by criterion: value, unit, direction, utility, weight share and the
            criterion's part of the score (TOPSIS also its part of the anti-ideal distance),
            and whether the value is estimated.

        Raises
        ------
        ConfigError
            If the market is not in the ranking (the message says whether it was filtered
            out and why, or suggests close matches).
        """
        if market_id not in self.table.index:
            if market_id in self.excluded.index:
                reason = self.excluded.loc[market_id, "reason"]
                msg = f"market '{market_id}' was excluded: {reason}"
            else:
                hint = suggest(market_id, [*self.table.index, *self.excluded.index])
                msg = f"unknown market '{market_id}'.{hint}"
            raise ConfigError("Cannot explain market.", [msg])
        rows = self.parts[self.parts["market_id"] == market_id]
        return rows.drop(columns="market_id").set_index("criterion")


def _demand_latency(
    markets: pd.DataFrame,
    demand_regions: pd.DataFrame,
    region_ids: Sequence[str],
    rtt_matrix_ms: RttMatrix,
) -> pd.DataFrame:
    rows = demand_regions.loc[list(region_ids)]
    rtt = rtt_matrix_ms(
        markets["latitude"].to_numpy(float),
        markets["longitude"].to_numpy(float),
        rows["latitude"].to_numpy(float),
        rows["longitude"].to_numpy(float),
    )
    return pd.DataFrame(np.asarray(rtt, dtype=float), index=markets.index, columns=rows.index)


def user_weighted_latency_ms(rtt_ms: pd.DataFrame, users: pd.Series) -> pd.Series:
    """Mean round-trip time to a demand set, weighted by each region's internet users [ms].

    Parameters
    ----------
    rtt_ms : pandas.DataFrame
        RTT [ms], one row per market, one column per demand region.
    users : pandas.Series
        Internet users per demand region [persons]; equal weights are used when any is
        missing or not finite, or they sum to 0.

    Returns
    -------
    pandas.Series
        Weighted mean RTT per market [ms].

    Examples
    --------
    >>> rtt = pd.DataFrame({"a": [10.0, 30.0], "b": [50.0, 30.0]}, index=["x", "y"])
    >>> user_weighted_latency_ms(rtt, pd.Series({"a": 3.0, "b": 1.0})).tolist()
    [20.0, 30.0]
    """
    w = users.reindex(rtt_ms.columns).astype(float)
    if not np.isfinite(w).all() or w.sum() <= 0:
        w = pd.Series(1.0, index=rtt_ms.columns)
    return (rtt_ms * w).sum(axis=1) / float(w.sum())


def estimated_flags(attributes: pd.DataFrame) -> pd.DataFrame:
    """Turn the long provenance table into a market x attribute table of ``estimated`` flags.

    Parameters
    ----------
    attributes : DataFrame
        Long form with columns ``market_id``, ``attribute``, ``estimated`` (as returned by
        ``computegeo.dataset.catalog.load_market_attributes``).

    Returns
    -------
    pandas.DataFrame
        Bool, indexed by ``market_id``, one column per attribute; True when any row of that
        market and attribute is estimated.
    """
    flags = attributes.assign(estimated=attributes["estimated"].map(_as_bool))
    table = flags.pivot_table(
        index="market_id", columns="attribute", values="estimated", aggfunc="max"
    )
    return table.astype("boolean").fillna(False).astype(bool)


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value) if value is not None and value == value else False


def screen(
    criteria: Mapping[str, float],
    filters: Sequence[str | Filter] = (),
    *,
    method: Method | str = Method.WEIGHTED_SUM,
    directions: Mapping[str, Direction] | None = None,
    demand: Sequence[str] = (),
    markets: pd.DataFrame | None = None,
    attributes: pd.DataFrame | None = None,
    demand_regions: pd.DataFrame | None = None,
    rtt_matrix_ms: RttMatrix | None = None,
    allowed_destinations: AllowedDestinations | None = None,
    sensitivity: SensitivityOptions | None = None,
) -> ScreenResult:
    """Filter, score and rank markets, and (optionally) test the ranking's weight dependence.

    Parameters
    ----------
    criteria : Mapping[str, float]
        Criterion (catalog column or alias, e.g. ``carbon``, ``latency``) -> weight >= 0.
    filters : Sequence[str | Filter]
        Hard filters, e.g. ``"democracy_index >= 8"`` (see :mod:`computegeo.screen.filters`).
    method : Method or str
        ``weighted_sum`` (default) or ``topsis``.
    directions : Mapping[str, Direction], optional
        Directions for user-added columns, or overrides.
    demand : Sequence[str]
        Demand region ids for the ``latency_ms`` criterion (weighted by internet users).
    markets : DataFrame, optional
        Market table (index ``market_id``); default: the shipped catalog.
    attributes : DataFrame, optional
        Long provenance table with ``estimated`` flags; default: the shipped one when
        ``markets`` is also defaulted, else none.
    demand_regions : DataFrame, optional
        Index ``region_id``; ``latitude``, ``longitude``, ``internet_users``.
    rtt_matrix_ms : callable, optional
        Round-trip time model; default ``computegeo.latency.rtt_matrix_ms``.
    allowed_destinations : callable, optional
        Residency rules; default ``computegeo.dataset.residency.allowed_destinations``.
    sensitivity : SensitivityOptions, optional
        Sample weights and find the swap point of the top two.

    Returns
    -------
    ScreenResult

    Raises
    ------
    ConfigError
        Unknown criteria, filters or demand regions (with close matches), bad weights, or no
        market left to rank.
    """
    method = _parse_method(method)
    if markets is None:
        markets = load_markets()
        attributes = load_market_attributes() if attributes is None else attributes
    parsed = [f if isinstance(f, Filter) else parse_filter(f) for f in filters]
    crits = resolve_criteria(criteria, [*_numeric_columns(markets), LATENCY_COLUMN], directions)
    uses_latency = any(c.column == LATENCY_COLUMN for c in crits)
    table, context = _filter_context(
        markets, parsed, demand, uses_latency, demand_regions, rtt_matrix_ms, allowed_destinations
    )
    kept, excluded = apply_filters(table, parsed, context)
    cols = [c.column for c in crits]
    values, excluded = _drop_missing(
        table.loc[kept, cols].apply(pd.to_numeric, errors="coerce").astype(float), excluded
    )
    matrix = values.to_numpy()
    weights = np.array([c.weight for c in crits])
    directions_t = tuple(c.direction for c in crits)
    scores = score(matrix, weights, directions_t, method)
    order = rank_order(scores.rank_key)
    ids = values.index
    est = _estimated_matrix(attributes, ids, cols)
    shares = weights / weights.sum()
    out = _ranked_table(table, values, scores, order, est, shares)
    sens = None
    if sensitivity is not None:
        sens = _sensitivity(sensitivity, matrix, shares, directions_t, method, tuple(cols), ids)
        if sensitivity.samples > 0:
            out = out.join(sens.table)
    out = out.iloc[order]
    parts = _score_parts(values, crits, scores, est, shares)
    return ScreenResult(
        table=out,
        excluded=excluded,
        method=method,
        criteria=crits,
        parts=parts,
        sensitivity=sens,
        demand=tuple(demand) if uses_latency else (),
    )


def _numeric_columns(markets: pd.DataFrame) -> list[str]:
    """Columns that may be criteria: numeric, not boolean."""
    return [
        c
        for c in markets.columns
        if pd.api.types.is_numeric_dtype(markets[c]) and not pd.api.types.is_bool_dtype(markets[c])
    ]


def _ranked_table(
    table: pd.DataFrame,
    values: pd.DataFrame,
    scores: Scores,
    order: np.ndarray,
    est: np.ndarray,
    shares: np.ndarray,
) -> pd.DataFrame:
    """One row per scored market (in ``values`` order): rank, name, score, criteria, estimates.

    Parameters
    ----------
    table : pandas.DataFrame
        The market table (for names and countries).
    values : pandas.DataFrame
        The criteria values of the markets scored.
    scores : Scores
        Their scores.
    order : numpy.ndarray
        Row positions best first.
    est : numpy.ndarray of bool
        Which values are estimates, shaped like ``values``.
    shares : numpy.ndarray
        Weight share of each criterion [-].

    Returns
    -------
    pandas.DataFrame
        The table, not yet sorted.
    """
    ids = values.index
    cols = list(values.columns)
    out = pd.DataFrame(index=ids)
    out["rank"] = 0
    out.iloc[order, 0] = np.arange(1, len(ids) + 1)
    for col in ("name", "country"):
        if col in table.columns:
            out[col] = table.loc[ids, col]
    out["score"] = scores.score
    for col in cols:
        out[col] = values[col]
    out["estimated"] = [";".join(c for c, e in zip(cols, row, strict=True) if e) for row in est]
    out["estimated_weight_share"] = est.astype(float) @ shares
    return out


def _score_parts(
    values: pd.DataFrame,
    crits: tuple[Criterion, ...],
    scores: Scores,
    est: np.ndarray,
    shares: np.ndarray,
) -> pd.DataFrame:
    """One row per market and criterion: value, unit, utility and its part of the score."""
    ids = values.index
    cols = list(values.columns)
    return pd.DataFrame(
        {
            "market_id": np.repeat(ids.to_numpy(), len(cols)),
            "criterion": np.tile(cols, len(ids)),
            "value": values.to_numpy().ravel(),
            "unit": np.tile([_unit(c) for c in cols], len(ids)),
            "direction": np.tile([c.direction.value for c in crits], len(ids)),
            "utility": scores.utility.ravel(),
            "weight_share": np.tile(shares, len(ids)),
            "part": scores.part.ravel(),
            "part_anti": scores.part_anti.ravel(),
            "estimated": est.ravel(),
        }
    )


def _parse_method(method: Method | str) -> Method:
    """The scoring method named by ``method``.

    Raises
    ------
    ConfigError
        For an unknown name (with close matches).
    """
    try:
        return Method(method) if isinstance(method, str) else method
    except ValueError:
        names = [m.value for m in Method]
        msg = f"unknown method '{method}'.{suggest(str(method), names)} Choose from {names}."
        raise ConfigError("Invalid screening method.", [msg]) from None


def _filter_context(
    markets: pd.DataFrame,
    parsed: Sequence[Filter],
    demand: Sequence[str],
    uses_latency: bool,
    demand_regions: pd.DataFrame | None,
    rtt_matrix_ms: RttMatrix | None,
    allowed_destinations: AllowedDestinations | None,
) -> tuple[pd.DataFrame, FilterContext]:
    """The market table (with ``latency_ms`` when used) and what the latency/residency filters need.

    That is the RTTs to the named demand regions [ms] and the residency rules.

    Raises
    ------
    ConfigError
        The latency criterion without a demand set, a market table without coordinates, or an
        unknown demand region.
    """
    lat_regions = latency_regions(parsed)
    if uses_latency and not demand:
        raise ConfigError(
            "Invalid screening criteria.",
            [
                "criterion 'latency_ms' needs a demand set: give --demand REGION[,REGION...]"
                " (or 'demand:' in the screen section)."
            ],
        )
    context = FilterContext()
    table = markets.copy()
    if (uses_latency or lat_regions) and not {"latitude", "longitude"} <= set(markets.columns):
        raise ConfigError(
            "Cannot compute latency.",
            ["the market table needs 'latitude' and 'longitude' columns [deg]"],
        )
    if uses_latency or lat_regions:
        demand_regions = load_demand_regions() if demand_regions is None else demand_regions
        rtt_matrix_ms = default_rtt_matrix_ms if rtt_matrix_ms is None else rtt_matrix_ms
        wanted = list(dict.fromkeys([*demand, *lat_regions]))
        unknown = [r for r in wanted if r not in demand_regions.index]
        if unknown:
            raise ConfigError(
                "Unknown demand region.",
                [f"'{r}'.{suggest(r, demand_regions.index)}" for r in unknown],
            )
        rtt = _demand_latency(table, demand_regions, wanted, rtt_matrix_ms)
        context = FilterContext(rtt_ms=rtt, demand_region_ids=tuple(demand_regions.index))
        if uses_latency:
            users = demand_regions.get("internet_users", pd.Series(dtype=float))
            table[LATENCY_COLUMN] = user_weighted_latency_ms(rtt[list(demand)], users)
    if any(f.kind.value == "residency" for f in parsed):
        if allowed_destinations is None:
            allowed_destinations = default_allowed_destinations
        context = FilterContext(context.rtt_ms, allowed_destinations, context.demand_region_ids)
    return table, context


def _drop_missing(
    values: pd.DataFrame, excluded: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move markets with a missing criterion value to the exclusions (reason: which ones).

    Raises
    ------
    ConfigError
        When no market is left to rank.
    """
    missing = values.isna()
    if missing.any().any():
        extra = pd.DataFrame(
            {
                "reason": [
                    "missing " + ", ".join(missing.columns[row])
                    for row in missing.to_numpy()[missing.any(axis=1).to_numpy()]
                ]
            },
            index=values.index[missing.any(axis=1).to_numpy()],
        )
        excluded = pd.concat([excluded, extra])
        values = values[~missing.any(axis=1)]
    if values.empty:
        examples = [f"{m}: {r}" for m, r in excluded["reason"].head(5).items()]
        raise ConfigError(
            f"No market left to rank: all {len(excluded)} were excluded; loosen the filters.",
            examples,
        )
    return values, excluded


def _sensitivity(
    options: SensitivityOptions,
    matrix: np.ndarray,
    shares: np.ndarray,
    directions: tuple[Direction, ...],
    method: Method,
    columns: tuple[str, ...],
    ids: pd.Index,
) -> Sensitivity:
    """Swap points of the leaders and, with ``options.samples`` > 0, the rank stability.

    The stability under sampled weights has its table indexed by market.
    """
    swaps = swap_points(matrix, shares, directions, method, columns, ids)
    stab = None
    if options.samples > 0:
        stab = weight_stability(
            matrix,
            shares,
            directions,
            method,
            ids,
            samples=options.samples,
            top_k=options.top_k,
            seed=options.seed,
            concentration=options.concentration,
        )
    return Sensitivity(
        table=stab if stab is not None else pd.DataFrame(index=ids),
        samples=options.samples,
        top_k=options.top_k,
        seed=options.seed,
        concentration=options.concentration,
        swaps=swaps,
    )


def _unit(column: str) -> str:
    info = KNOWN_CRITERIA.get(column)
    return info.unit if info else ""


def _estimated_matrix(
    attributes: pd.DataFrame | None, ids: pd.Index, cols: Sequence[str]
) -> NDArray[np.bool_]:
    if attributes is None or attributes.empty:
        return np.zeros((len(ids), len(cols)), dtype=bool)
    flags = estimated_flags(attributes)
    table = flags.reindex(index=ids, columns=list(cols)).astype("boolean").fillna(False)
    return table.to_numpy(dtype=bool)


def rank_markets(
    criteria: Mapping[str, float], filters: Sequence[str] = (), **kwargs: object
) -> pd.DataFrame:
    """Shortcut: :func:`screen` and return only the ranked table (a DataFrame).

    Parameters
    ----------
    criteria : Mapping[str, float]
        Criterion or column name -> weight [-].
    filters : Sequence[str], optional
        Hard filter expressions.
    **kwargs : object
        Passed to :func:`screen` (``method``, ``directions``, ``demand``, ``markets``, ...).

    Returns
    -------
    pandas.DataFrame
        :attr:`ScreenResult.table`.

    Raises
    ------
    ConfigError
        As :func:`screen`.
    """
    return screen(criteria, filters, **kwargs).table  # type: ignore[arg-type]
