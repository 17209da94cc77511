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
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from computegeo.core.errors import DataError
from computegeo.core.units import HOURS_PER_YEAR
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

    Attributes
    ----------
    name : str
        Scenario name (for reports).
    currency_year : int
        Year of the constant USD all money is stated in.
    discount_rate : float
        Real annual discount rate [1/yr], e.g. 0.08.
    base_year : float
        Year to which all cash flows are discounted (usually the first period's start).
    period_label : tuple[str, ...]
        Period labels, shape (T,), e.g. ``("2027", "2028")`` or ``("2027Q1", ...)``.
    period_start_year : ndarray of float, shape (T,)
        Start of each period [yr, calendar]; strictly increasing.
    period_length_years : ndarray of float, shape (T,)
        Length of each period [yr]; positive.

    market_id, market_name, market_country, market_grid_zone : tuple[str, ...], shape (M,)
        Market slug, display name, ISO 3166-1 alpha-2 country, grid/balancing zone.
    market_latitude_deg, market_longitude_deg : ndarray, shape (M,)
        Location [deg].
    power_price_usd_per_mwh : ndarray, shape (M,)
        Price of grid energy at the meter [USD/MWh].
    pue : ndarray, shape (M,)
        Power usage effectiveness [-], >= 1.
    carbon_intensity_t_per_mwh : ndarray, shape (M,)
        Grid emission factor [tCO2/MWh] (= g/kWh / 1000).
    power_headroom_mw : ndarray, shape (M, T)
        Grid power available for *new* build and lease load in the market by period [MW at the
        meter, i.e. IT MW x PUE]; ``inf`` = unconstrained.

    region_id, region_name : tuple[str, ...], shape (R,)
    region_latitude_deg, region_longitude_deg : ndarray, shape (R,)
        Location [deg].

    workload_id : tuple[str, ...], shape (W,)
    workload_data_class : tuple[str, ...], shape (W,)
        Residency data class (``"none"`` when unrestricted); already applied to the arcs.
    latency_limit_ms : ndarray, shape (W,)
        Round-trip-time limit between users and serving market [ms]; ``inf`` = none. Already
        applied to the arcs.
    training_min_cluster_mw : ndarray, shape (W,)
        Minimum IT load placed in one market when the workload uses that market at all [MW];
        0 = no minimum (non-training workloads).
    unmet_penalty_usd_per_mwh : ndarray, shape (W,)
        Price of demand not served [USD per MWh of IT energy not delivered]; > 0.
    n1_share : ndarray, shape (W,)
        Share of each workload's demand (per period) that must still be servable within its
        limits after any one contingency (see ``n1_mode``) [-], in [0, 1]; 0 = none.
    demand_mw : ndarray, shape (W, R, T)
        IT load demanded [MW] (average load over the period).

    arc_market, arc_region, arc_workload : ndarray of int, shape (A,)
        Indices of the allowed (market, region, workload) triples; unique, sorted by
        (workload, region, market).
    arc_rtt_ms : ndarray, shape (A,)
        Round-trip time on each arc [ms]; <= the workload's latency limit.

    site_id : tuple[str, ...], shape (S,)
        Unique site label, e.g. ``"sydney:build:own"``.
    site_market : ndarray of int, shape (S,)
        Market index of each site.
    site_form : tuple[Form, ...], shape (S,)
    site_provider : tuple[str, ...], shape (S,)
        Provider group for the provider diversification cap (e.g. ``"own"``, ``"colo"``,
        ``"aws"``).
    lead_periods : ndarray of int, shape (S,)
        Periods from decision to power-on, time to power included [periods]; a decision in
        period ``t`` is online from period ``t + lead``.
    term_periods : ndarray of int, shape (S,)
        How many periods a vintage stays online [periods] (asset life, lease term, or 1 for a
        one-period cloud commitment); values >= T mean "to the end of the horizon".
    capex_usd_per_mw : ndarray, shape (S,)
        Overnight capital cost per MW of IT capacity [USD/MW]; 0 for lease and cloud.
    asset_life_years : ndarray, shape (S,)
        Economic life over which capex is annualised [yr]; > 0.
    campus_fixed_cost_usd : ndarray, shape (S,)
        One-off cost of opening a new campus (land, substation) [USD]; build only, else 0.
    campus_min_mw, campus_max_mw : ndarray, shape (S,)
        Total size of a new campus if opened [MW IT]; build only (lease/cloud: 0 and ``inf``).
    recurring_usd_per_mw_year : ndarray, shape (S,)
        Cost of holding one MW of capacity for a year [USD/MW-yr]: colocation rent, cloud
        commitment price (power included), or own-campus fixed O&M.
    available_mw : ndarray, shape (S, T)
        Most capacity the site can hold in a period [MW IT] (colo space, cloud quota); ``inf`` =
        none besides the campus size.
    existing_mw : ndarray, shape (S, T)
        Capacity already online from before the horizon [MW IT]; sunk, no capex; its recurring
        cost is still paid.

    max_share_market, max_share_country, max_share_grid, max_share_provider : float
        Diversification caps: most share of total capacity in one market / country / grid zone /
        provider, per period [-]; 1.0 = no cap.
    n1_mode : ResilienceScope
        What one contingency removes.
    equipment_supply_mw : ndarray, shape (T,)
        Transformer/switchgear slots for new builds decided in each period [MW IT]; ``inf`` =
        none.
    budget_usd : ndarray, shape (T,)
        Capital budget for build decisions in each period (overnight capex + campus fixed cost)
        [USD]; ``inf`` = none.
    carbon_price_usd_per_t : ndarray, shape (T,)
        Carbon price applied to all served energy (cloud included) [USD/tCO2].
    carbon_cap_t_per_year : ndarray, shape (T,)
        Most emissions per year in each period [tCO2/yr]; ``inf`` = none.
    utilisation : float
        Average share of IT capacity drawing power [-], in [0, 1]; multiplies the energy of
        served load (power cost, carbon emissions priced and capped), nothing else.
    min_total_mw_for_caps : float
        Diversification caps apply only in periods whose total demand (all workloads and
        regions) is at least this [MW]; 0 = always.
    n1_basis : ResilienceBasis
        Whether ``n1_share`` holds per workload or per workload and demand region.
    site_headroom_exempt : ndarray of bool, shape (S,), optional
        Build or lease sites whose capacity does *not* draw on their market's power headroom:
        vacant colocation space (``<market>:lease:vacant``) is already powered. ``None`` = none
        exempt. See :meth:`headroom_sites`.
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
        t = len(self.period_label)
        defaults = {
            "equipment_supply_mw": np.full(t, np.inf),
            "budget_usd": np.full(t, np.inf),
            "carbon_price_usd_per_t": np.zeros(t),
            "carbon_cap_t_per_year": np.full(t, np.inf),
        }
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in defaults:
                value = defaults[f.name]
            if f.name in _INT_ARRAYS:
                object.__setattr__(self, f.name, _frozen(value, np.int64))
            elif f.name in _FLOAT_ARRAYS:
                object.__setattr__(self, f.name, _frozen(value, np.float64))
            elif f.name in _STR_TUPLES:
                object.__setattr__(self, f.name, tuple(str(v) for v in value))
            elif f.name == "site_form":
                object.__setattr__(self, f.name, tuple(Form(v) for v in value))
        object.__setattr__(self, "n1_mode", ResilienceScope(self.n1_mode))
        object.__setattr__(self, "n1_basis", ResilienceBasis(self.n1_basis))
        object.__setattr__(self, "utilisation", float(self.utilisation))
        object.__setattr__(self, "min_total_mw_for_caps", float(self.min_total_mw_for_caps))
        if self.site_headroom_exempt is not None:
            exempt = _frozen(self.site_headroom_exempt, np.bool_)
            object.__setattr__(self, "site_headroom_exempt", exempt)
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
        """Annuity per USD of capex over each site's asset life at ``discount_rate``, (S,) "
        "[1/yr]."""
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
        """(S,) bool: sites whose new capacity draws on the market's power headroom (build and
        lease, ``FORMS_DRAWING_GRID_POWER``, except ``site_headroom_exempt``)."""
        draws = np.array([f in FORMS_DRAWING_GRID_POWER for f in self.site_form], dtype=bool)
        if self.site_headroom_exempt is not None:
            draws &= ~self.site_headroom_exempt
        return draws

    def caps_active(self) -> np.ndarray:
        """(T,) bool: periods in which the diversification caps apply (total demand >=
        ``min_total_mw_for_caps`` [MW])."""
        total = self.demand_mw.sum(axis=(0, 1)) if self.demand_mw.size else np.zeros(self.n_periods)
        return np.asarray(total >= self.min_total_mw_for_caps - 1e-9)

    def online_mask(self) -> np.ndarray:
        """Which vintages are online when: ``mask[s, tau, t]`` is True when capacity decided at
        site ``s`` in period ``tau`` is online in period ``t`` (``tau + lead <= t < tau + lead +
        term``). Shape (S, T, T), bool."""
        tau = np.arange(self.n_periods)[None, :, None]
        t = np.arange(self.n_periods)[None, None, :]
        lead = self.lead_periods[:, None, None]
        term = self.term_periods[:, None, None]
        return (t >= tau + lead) & (t < tau + lead + term)

    def decision_allowed(self) -> np.ndarray:
        """``allowed[s, tau]``: a decision at site ``s`` in period ``tau`` comes online within the
        horizon (``tau + lead < T``). Shape (S, T), bool."""
        return np.arange(self.n_periods)[None, :] + self.lead_periods[:, None] < self.n_periods

    def contingencies(self) -> tuple[tuple[str, np.ndarray], ...]:
        """The N-1 contingencies as (name, bool mask over markets lost), per ``n1_mode``."""
        if self.n1_mode is ResilienceScope.NONE or not np.any(self.n1_share > 0):
            return ()
        if self.n1_mode is ResilienceScope.MARKET:
            return tuple(
                (mid, np.arange(self.n_markets) == m) for m, mid in enumerate(self.market_id)
            )
        countries = sorted(set(self.market_country))
        country = np.array(self.market_country)
        return tuple((c, country == c) for c in countries)


_INT_ARRAYS = frozenset(
    {"arc_market", "arc_region", "arc_workload", "site_market", "lead_periods", "term_periods"}
)
_FLOAT_ARRAYS = frozenset(
    {
        "period_start_year",
        "period_length_years",
        "market_latitude_deg",
        "market_longitude_deg",
        "power_price_usd_per_mwh",
        "pue",
        "carbon_intensity_t_per_mwh",
        "power_headroom_mw",
        "region_latitude_deg",
        "region_longitude_deg",
        "latency_limit_ms",
        "training_min_cluster_mw",
        "unmet_penalty_usd_per_mwh",
        "n1_share",
        "demand_mw",
        "arc_rtt_ms",
        "capex_usd_per_mw",
        "asset_life_years",
        "campus_fixed_cost_usd",
        "campus_min_mw",
        "campus_max_mw",
        "recurring_usd_per_mw_year",
        "available_mw",
        "existing_mw",
        "equipment_supply_mw",
        "budget_usd",
        "carbon_price_usd_per_t",
        "carbon_cap_t_per_year",
    }
)
_STR_TUPLES = frozenset(
    {
        "period_label",
        "market_id",
        "market_name",
        "market_country",
        "market_grid_zone",
        "region_id",
        "region_name",
        "workload_id",
        "workload_data_class",
        "site_id",
        "site_provider",
    }
)


def _validate(d: ProblemData) -> list[str]:  # noqa: C901 - a flat list of checks reads best
    """Every invariant of ``ProblemData``; returns one message per violation."""
    p: list[str] = []
    t, m, r, w, s, a = d.n_periods, d.n_markets, d.n_regions, d.n_workloads, d.n_sites, d.n_arcs
    shapes = {
        "period_start_year": (t,),
        "period_length_years": (t,),
        "market_name": (m,),
        "market_country": (m,),
        "market_grid_zone": (m,),
        "market_latitude_deg": (m,),
        "market_longitude_deg": (m,),
        "power_price_usd_per_mwh": (m,),
        "pue": (m,),
        "carbon_intensity_t_per_mwh": (m,),
        "power_headroom_mw": (m, t),
        "region_name": (r,),
        "region_latitude_deg": (r,),
        "region_longitude_deg": (r,),
        "workload_data_class": (w,),
        "latency_limit_ms": (w,),
        "training_min_cluster_mw": (w,),
        "unmet_penalty_usd_per_mwh": (w,),
        "n1_share": (w,),
        "demand_mw": (w, r, t),
        "arc_region": (a,),
        "arc_workload": (a,),
        "arc_rtt_ms": (a,),
        "site_market": (s,),
        "site_form": (s,),
        "site_provider": (s,),
        "lead_periods": (s,),
        "term_periods": (s,),
        "capex_usd_per_mw": (s,),
        "asset_life_years": (s,),
        "campus_fixed_cost_usd": (s,),
        "campus_min_mw": (s,),
        "campus_max_mw": (s,),
        "recurring_usd_per_mw_year": (s,),
        "available_mw": (s, t),
        "existing_mw": (s, t),
        "equipment_supply_mw": (t,),
        "budget_usd": (t,),
        "carbon_price_usd_per_t": (t,),
        "carbon_cap_t_per_year": (t,),
    }
    if d.site_headroom_exempt is not None:
        shapes["site_headroom_exempt"] = (s,)
    for name, shape in shapes.items():
        value = getattr(d, name)
        got = value.shape if isinstance(value, np.ndarray) else (len(value),)
        if got != shape:
            p.append(f"{name}: shape {got}, expected {shape}")
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
    if t == 0:
        p.append("period_label: at least one period is needed")
    if not (0.0 <= d.discount_rate < 1.0):
        p.append(f"discount_rate: {d.discount_rate} is outside [0, 1)")
    if np.any(np.diff(d.period_start_year) <= 0):
        p.append("period_start_year: must be strictly increasing")
    if np.any(d.period_length_years <= 0):
        p.append("period_length_years: must be positive")

    for name in _FLOAT_ARRAYS:
        value = getattr(d, name)
        if np.any(np.isnan(value)):
            p.append(f"{name}: contains NaN")
    nonneg = (
        "power_price_usd_per_mwh",
        "carbon_intensity_t_per_mwh",
        "power_headroom_mw",
        "training_min_cluster_mw",
        "demand_mw",
        "arc_rtt_ms",
        "capex_usd_per_mw",
        "campus_fixed_cost_usd",
        "campus_min_mw",
        "campus_max_mw",
        "recurring_usd_per_mw_year",
        "available_mw",
        "existing_mw",
        "equipment_supply_mw",
        "budget_usd",
        "carbon_price_usd_per_t",
        "carbon_cap_t_per_year",
    )
    for name in nonneg:
        if np.any(getattr(d, name) < 0):
            p.append(f"{name}: must be >= 0")
    finite = (
        "power_price_usd_per_mwh",
        "carbon_intensity_t_per_mwh",
        "pue",
        "demand_mw",
        "arc_rtt_ms",
        "capex_usd_per_mw",
        "campus_fixed_cost_usd",
        "campus_min_mw",
        "recurring_usd_per_mw_year",
        "existing_mw",
        "carbon_price_usd_per_t",
        "unmet_penalty_usd_per_mwh",
        "training_min_cluster_mw",
    )
    for name in finite:
        if not np.all(np.isfinite(getattr(d, name))):
            p.append(f"{name}: must be finite")
    if np.any(d.pue < 1.0):
        p.append("pue: must be >= 1")
    if np.any(d.unmet_penalty_usd_per_mwh <= 0):
        p.append("unmet_penalty_usd_per_mwh: must be > 0 (unmet demand is only allowed at a price)")
    if np.any((d.n1_share < 0) | (d.n1_share > 1)):
        p.append("n1_share: must be within [0, 1]")
    if np.any(d.latency_limit_ms <= 0):
        p.append("latency_limit_ms: must be > 0 (use inf for no limit)")
    if np.any(d.asset_life_years <= 0):
        p.append("asset_life_years: must be > 0")
    if np.any(d.campus_min_mw > d.campus_max_mw):
        bad = [d.site_id[i] for i in np.flatnonzero(d.campus_min_mw > d.campus_max_mw)]
        p.append(f"campus_min_mw exceeds campus_max_mw at sites {bad[:5]}")
    if not (0.0 <= d.utilisation <= 1.0):
        p.append(f"utilisation: {d.utilisation} is outside [0, 1]")
    if not (np.isfinite(d.min_total_mw_for_caps) and d.min_total_mw_for_caps >= 0):
        p.append(f"min_total_mw_for_caps: {d.min_total_mw_for_caps} must be finite and >= 0")
    if np.any(d.lead_periods < 0):
        p.append("lead_periods: must be >= 0")
    if np.any(d.term_periods < 1):
        p.append("term_periods: must be >= 1")
    for name in ("max_share_market", "max_share_country", "max_share_grid", "max_share_provider"):
        share = getattr(d, name)
        if not (0.0 < share <= 1.0):
            p.append(f"{name}: {share} is outside (0, 1]")

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
