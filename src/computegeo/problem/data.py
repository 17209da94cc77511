"""``ProblemData``: the numeric, array-shaped planning problem the optimizer sees.

``computegeo.problem.build`` builds it from a scenario and the catalog; ``computegeo.optimize``
turns it
into a MILP; ``computegeo.evaluate`` checks plans against it. It holds no pandas objects and no
strings that the model must parse: only labels (for reporting) and numpy arrays.

Dimensions
----------
``period`` (T)
    Planning periods in time order (years, or quarters with fractional lengths).
``market`` (M)
    Candidate metros. Latency, residency, power and grid attributes belong to a market.
``site`` (S)
    A supply option in a market: one form (build / lease / cloud) and one provider. A market
    may have several sites (e.g. an own campus, a colocation lease and two cloud providers).
``region`` (R)
    Demand regions (metros where users are).
``workload`` (W)
    Workload classes (interactive inference, batch, training, sovereign ...).
``arc`` (A)
    Allowed (market, region, workload) triples: the market may serve that workload's demand in
    that region within its latency limit and residency rule. Only these arcs carry flow; this
    sparsity is what keeps the model small.

Conventions
-----------
- Capacity is IT load [MW]; grid power is IT load times the market's PUE.
- Money is in constant USD of ``currency_year``; discounting is to ``base_year``.
- ``np.inf`` means "no limit" in every limit array; ``0`` means "none" in every share/penalty
  array where noted.
- Every array is copied and frozen (read-only) on construction, so no later stage can mutate
  it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from computegeo.core.errors import DataError
from computegeo.core.units import HOURS_PER_YEAR
from computegeo.problem.fields import FIELDS, Dtype, shape_problems, value_problems
from computegeo.scenario.enums import Form, ResilienceBasis, ResilienceScope

FORMS_DRAWING_GRID_POWER: frozenset[Form] = frozenset({Form.BUILD, Form.LEASE})
"""Forms whose new capacity needs grid headroom in its market and whose power we pay for.

Cloud prices include power and the provider's own grid connection.
"""

FORMS_USING_EQUIPMENT_SUPPLY: frozenset[Form] = frozenset({Form.BUILD})
"""Forms whose new capacity consumes transformer/switchgear supply slots."""

FORMS_WITH_CAPEX_BUDGET: frozenset[Form] = frozenset({Form.BUILD})
"""Forms whose spending counts against the per-period capital budget."""


PerPeriodLimit = Literal[
    "equipment_supply_mw", "budget_usd", "carbon_price_usd_per_t", "carbon_cap_t_per_year"
]
"""Names of the optional (T,) arrays that ``ProblemData.__post_init__`` fills with defaults."""


def _frozen(values: object, dtype: type) -> np.ndarray:
    array: np.ndarray = np.array(values, dtype=dtype, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class ProblemData:
    """The planning problem as arrays. All arrays are read-only copies.

    Every field (its dimensions, dtype, unit, bounds and meaning) is a row of
    :data:`computegeo.problem.fields.FIELDS`; ``docs/problem-data.md`` is that table. Construction
    converts each field to its dtype, freezes arrays, fills the optional per-period limits and
    checks every invariant (shapes, NaN, bounds and finiteness by the table; then the
    relations between fields), raising :class:`~computegeo.core.errors.DataError` with every
    problem at once.
    """

    name: str
    currency_year: int
    discount_rate: float
    base_year: float
    period_label: tuple[str, ...]
    period_start_year: np.ndarray
    period_length_years: np.ndarray

    market_id: tuple[str, ...]
    market_name: tuple[str, ...]
    market_country: tuple[str, ...]
    market_grid_zone: tuple[str, ...]
    market_latitude_deg: np.ndarray
    market_longitude_deg: np.ndarray
    power_price_usd_per_mwh: np.ndarray
    pue: np.ndarray
    carbon_intensity_t_per_mwh: np.ndarray
    power_headroom_mw: np.ndarray

    region_id: tuple[str, ...]
    region_name: tuple[str, ...]
    region_latitude_deg: np.ndarray
    region_longitude_deg: np.ndarray

    workload_id: tuple[str, ...]
    workload_data_class: tuple[str, ...]
    latency_limit_ms: np.ndarray
    training_min_cluster_mw: np.ndarray
    unmet_penalty_usd_per_mwh: np.ndarray
    n1_share: np.ndarray
    demand_mw: np.ndarray

    arc_market: np.ndarray
    arc_region: np.ndarray
    arc_workload: np.ndarray
    arc_rtt_ms: np.ndarray

    site_id: tuple[str, ...]
    site_market: np.ndarray
    site_form: tuple[Form, ...]
    site_provider: tuple[str, ...]
    lead_periods: np.ndarray
    term_periods: np.ndarray
    capex_usd_per_mw: np.ndarray
    asset_life_years: np.ndarray
    campus_fixed_cost_usd: np.ndarray
    campus_min_mw: np.ndarray
    campus_max_mw: np.ndarray
    recurring_usd_per_mw_year: np.ndarray
    available_mw: np.ndarray
    existing_mw: np.ndarray

    max_share_market: float = 1.0
    max_share_country: float = 1.0
    max_share_grid: float = 1.0
    max_share_provider: float = 1.0
    n1_mode: ResilienceScope = ResilienceScope.NONE
    equipment_supply_mw: np.ndarray | None = None
    budget_usd: np.ndarray | None = None
    carbon_price_usd_per_t: np.ndarray | None = None
    carbon_cap_t_per_year: np.ndarray | None = None
    utilisation: float = 1.0
    min_total_mw_for_caps: float = 0.0
    n1_basis: ResilienceBasis = ResilienceBasis.WORKLOAD_REGION
    site_headroom_exempt: np.ndarray | None = None

    # ------------------------------------------------------------------ construction
    def __post_init__(self) -> None:
        for spec in FIELDS:
            value = getattr(self, spec.name)
            if value is None and spec.fill is not None:
                value = np.full(len(self.period_label), spec.fill)
            if value is None or not spec.dims:
                continue
            if spec.dtype is Dtype.INT:
                object.__setattr__(self, spec.name, _frozen(value, np.int64))
            elif spec.dtype is Dtype.FLOAT:
                object.__setattr__(self, spec.name, _frozen(value, np.float64))
            elif spec.dtype is Dtype.BOOL:
                object.__setattr__(self, spec.name, _frozen(value, np.bool_))
            elif spec.dtype is Dtype.STR:
                object.__setattr__(self, spec.name, tuple(str(v) for v in value))
            elif spec.dtype is Dtype.FORM:
                object.__setattr__(self, spec.name, tuple(Form(v) for v in value))
        object.__setattr__(self, "n1_mode", ResilienceScope(self.n1_mode))
        object.__setattr__(self, "n1_basis", ResilienceBasis(self.n1_basis))
        object.__setattr__(self, "utilisation", float(self.utilisation))
        object.__setattr__(self, "min_total_mw_for_caps", float(self.min_total_mw_for_caps))
        problems = _validate(self)
        if problems:
            msg = f"ProblemData for scenario {self.name!r} is inconsistent."
            raise DataError(msg, problems)

    # ------------------------------------------------------------------ sizes
    @property
    def n_periods(self) -> int:
        """Number of periods T."""
        return len(self.period_label)

    @property
    def n_markets(self) -> int:
        """Number of markets M."""
        return len(self.market_id)

    @property
    def n_regions(self) -> int:
        """Number of demand regions R."""
        return len(self.region_id)

    @property
    def n_workloads(self) -> int:
        """Number of workload classes W."""
        return len(self.workload_id)

    @property
    def n_sites(self) -> int:
        """Number of sites S."""
        return len(self.site_id)

    @property
    def n_arcs(self) -> int:
        """Number of allowed arcs A."""
        return len(self.arc_market)

    # ------------------------------------------------------------------ derived economics
    @property
    def discount_factor(self) -> np.ndarray:
        """Discount factor at each period's start, (1 + r)^-(start - base_year), shape (T,) [-]."""
        return (1.0 + self.discount_rate) ** -(self.period_start_year - self.base_year)

    @property
    def period_weight_years(self) -> np.ndarray:
        """Discounted years in each period, shape (T,) [yr].

        An annual flow of 1 USD/yr held through period ``t`` is worth ``period_weight_years[t]``
        USD at ``base_year``: the sum over the period's years ``k`` (a final partial year counts
        by its fraction) of ``(1 + r)^-(start + k - base_year)``, payments at the start of each
        year.
        """
        out = np.zeros(self.n_periods)
        for t, (start, length) in enumerate(
            zip(self.period_start_year, self.period_length_years, strict=True)
        ):
            whole = math.ceil(length - 1e-12)
            for k in range(whole):
                frac = min(1.0, length - k)
                out[t] += frac * (1.0 + self.discount_rate) ** -(start + k - self.base_year)
        return out

    @property
    def capital_recovery_factor(self) -> np.ndarray:
        """Annuity per USD of capex over each site's asset life at ``discount_rate``, (S,) [1/yr].

        ``r / (1 - (1 + r)^-n)``, or ``1 / n`` when the rate is 0.
        """
        r = self.discount_rate
        n = self.asset_life_years
        if r == 0.0:
            return 1.0 / n
        return r / (1.0 - (1.0 + r) ** -n)

    @property
    def hours_per_period(self) -> np.ndarray:
        """Hours in each period, shape (T,) [h]."""
        return self.period_length_years * HOURS_PER_YEAR

    def per_period(self, name: PerPeriodLimit) -> np.ndarray:
        """One of the optional per-period arrays, shape (T,), as filled at construction.

        ``equipment_supply_mw`` [MW], ``budget_usd`` [USD] and ``carbon_cap_t_per_year`` [t/yr]
        default to +inf (no limit) and ``carbon_price_usd_per_t`` [USD/t] to 0 when not given,
        so after ``__post_init__`` none of them is ``None``.

        Parameters
        ----------
        name : PerPeriodLimit
            The field name, e.g. ``"budget_usd"``.

        Returns
        -------
        numpy.ndarray
            The field's array, shape (T,), in the field's unit.

        Raises
        ------
        DataError
            If the array is ``None`` (the object was built around ``__post_init__``).
        """
        value: np.ndarray | None = getattr(self, name)
        if value is None:
            msg = f"ProblemData.{name} was never filled; build ProblemData through its constructor."
            raise DataError(msg)
        return value

    def headroom_sites(self) -> np.ndarray:
        """(S,) bool: sites whose new capacity draws on the market's power headroom.

        Build and lease (``FORMS_DRAWING_GRID_POWER``), except ``site_headroom_exempt`` sites.

        Returns
        -------
        numpy.ndarray
            Boolean mask over sites, shape (S,).
        """
        draws = np.array([f in FORMS_DRAWING_GRID_POWER for f in self.site_form], dtype=bool)
        if self.site_headroom_exempt is not None:
            draws &= ~self.site_headroom_exempt
        return draws

    def caps_active(self) -> np.ndarray:
        """(T,) bool: periods in which the diversification caps apply.

        Returns
        -------
        numpy.ndarray
            True where total demand [MW] is at least ``min_total_mw_for_caps`` [MW] (1e-9 MW
            slack), shape (T,).
        """
        total = self.demand_mw.sum(axis=(0, 1)) if self.demand_mw.size else np.zeros(self.n_periods)
        return np.asarray(total >= self.min_total_mw_for_caps - 1e-9)

    def online_mask(self) -> np.ndarray:
        """Which vintages are online when, shape (S, T, T), bool.

        Returns
        -------
        numpy.ndarray
            ``mask[s, tau, t]`` is True when capacity decided at site ``s`` in period ``tau``
            is online in period ``t`` (``tau + lead <= t < tau + lead + term``, in periods).
        """
        tau = np.arange(self.n_periods)[None, :, None]
        t = np.arange(self.n_periods)[None, None, :]
        lead = self.lead_periods[:, None, None]
        term = self.term_periods[:, None, None]
        return (t >= tau + lead) & (t < tau + lead + term)

    def decision_allowed(self) -> np.ndarray:
        """Whether a decision at site ``s`` in period ``tau`` comes online within the horizon.

        Returns
        -------
        numpy.ndarray
            ``allowed[s, tau]``, True when ``tau + lead < T`` (lead in periods), shape (S, T).
        """
        return np.arange(self.n_periods)[None, :] + self.lead_periods[:, None] < self.n_periods

    def contingencies(self) -> tuple[tuple[str, np.ndarray], ...]:
        """The N-1 contingencies as (name, bool mask over markets lost), per ``n1_mode``.

        Returns
        -------
        tuple of (str, numpy.ndarray)
            Empty when ``n1_mode`` is none or no ``n1_share`` is positive; else one per market
            (named by market id) or one per country of the markets (named by ISO2 code, sorted),
            each with a mask of shape (M,).
        """
        if self.n1_mode is ResilienceScope.NONE or not np.any(self.n1_share > 0):
            return ()
        if self.n1_mode is ResilienceScope.MARKET:
            return tuple(
                (mid, np.arange(self.n_markets) == m) for m, mid in enumerate(self.market_id)
            )
        countries = sorted(set(self.market_country))
        country = np.array(self.market_country)
        return tuple((c, country == c) for c in countries)


def _validate(d: ProblemData) -> list[str]:
    """Every invariant of ``ProblemData``; returns one message per violation.

    Shapes, NaN, bounds and finiteness come from the field table; the checks here relate
    fields to one another (unique labels, increasing periods, arcs, campus sizes, forms).
    """
    p: list[str] = []
    m, r, w, s, a = d.n_markets, d.n_regions, d.n_workloads, d.n_sites, d.n_arcs
    values = {spec.name: getattr(d, spec.name) for spec in FIELDS}
    p.extend(shape_problems(values))
    if p:
        return p  # index checks below assume the shapes

    for label, ids in (
        ("period_label", d.period_label),
        ("market_id", d.market_id),
        ("region_id", d.region_id),
        ("workload_id", d.workload_id),
        ("site_id", d.site_id),
    ):
        if len(set(ids)) != len(ids):
            p.append(f"{label}: duplicate labels")
    if d.n_periods == 0:
        p.append("period_label: at least one period is needed")
    if np.any(np.diff(d.period_start_year) <= 0):
        p.append("period_start_year: must be strictly increasing")
    p.extend(value_problems(values))

    if np.any(d.campus_min_mw > d.campus_max_mw):
        bad = [d.site_id[i] for i in np.flatnonzero(d.campus_min_mw > d.campus_max_mw)]
        p.append(f"campus_min_mw exceeds campus_max_mw at sites {bad[:5]}")

    if a:
        bad_index = False
        for name, upper in (("arc_market", m), ("arc_region", r), ("arc_workload", w)):
            idx = getattr(d, name)
            if idx.min() < 0 or idx.max() >= upper:
                p.append(f"{name}: index out of range [0, {upper})")
                bad_index = True
        if bad_index:
            return p
        key = (d.arc_workload * r + d.arc_region) * m + d.arc_market
        if len(np.unique(key)) != a:
            p.append("arcs: duplicate (market, region, workload) triples")
        elif np.any(np.diff(key) <= 0):
            p.append("arcs: must be sorted by (workload, region, market)")
        over = d.arc_rtt_ms > d.latency_limit_ms[d.arc_workload] + 1e-9
        if np.any(over):
            i = int(np.flatnonzero(over)[0])
            p.append(
                f"arc {d.market_id[d.arc_market[i]]}->{d.region_id[d.arc_region[i]]} for "
                f"{d.workload_id[d.arc_workload[i]]}: rtt {d.arc_rtt_ms[i]:.1f} ms exceeds the "
                f"latency limit {d.latency_limit_ms[d.arc_workload[i]]:.1f} ms"
            )
    if s and (d.site_market.min() < 0 or d.site_market.max() >= m):
        p.append(f"site_market: index out of range [0, {m})")
    for i, form in enumerate(d.site_form):
        if form is not Form.BUILD and (
            d.capex_usd_per_mw[i] > 0 or d.campus_fixed_cost_usd[i] > 0 or d.campus_min_mw[i] > 0
        ):
            p.append(f"site {d.site_id[i]}: capex/campus parameters are only for form 'build'")
    return p
