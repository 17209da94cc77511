"""Compare two plans: capacity, cost, unmet demand, coverage, concentration, settings.

Capacity is compared by market and form; the scenario settings that differ are listed as the
causes to look at first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from computegeo.results.plan import Plan

COST_FIELDS: tuple[tuple[str, str], ...] = (
    ("npv_usd", "total (NPV, excl. unmet penalty)"),
    ("capex_usd", "capex"),
    ("power", "power"),
    ("rent", "rent"),
    ("cloud", "cloud"),
    ("om", "O&M"),
    ("carbon", "carbon"),
    ("unmet_penalty_usd", "unmet penalty"),
)
"""Cost components compared [USD, discounted], with their labels."""


@dataclass(frozen=True)
class CapacityDelta:
    """Capacity of one market and form in one period in plan A and plan B [MW]."""

    market_id: str
    form: str
    period: str
    a_mw: float
    b_mw: float

    @property
    def delta_mw(self) -> float:
        """B minus A [MW]."""
        return self.b_mw - self.a_mw


@dataclass(frozen=True)
class ValueDelta:
    """One figure in plan A and plan B (``unit`` says what it is)."""

    name: str
    unit: str
    a: float
    b: float

    @property
    def delta(self) -> float:
        """B minus A."""
        return self.b - self.a


@dataclass(frozen=True)
class SettingDelta:
    """A scenario setting that differs (dotted path; values as text)."""

    path: str
    a: str
    b: str


@dataclass(frozen=True)
class PlanComparison:
    """Plan A against plan B."""

    name_a: str
    name_b: str
    capacity: tuple[CapacityDelta, ...]
    """Every (market, form, period) where either plan has capacity, largest change first."""
    costs: tuple[ValueDelta, ...]
    outcomes: tuple[ValueDelta, ...]
    """Unmet demand, latency coverage per workload, concentration (HHI)."""
    settings: tuple[SettingDelta, ...]

    def to_json_dict(self) -> dict[str, object]:
        """Plain JSON object.

        Returns
        -------
        dict
            ``a``, ``b`` (plan names), ``capacity``, ``costs``, ``outcomes`` and ``settings`` lists.
        """
        return {
            "a": self.name_a,
            "b": self.name_b,
            "capacity": [
                {
                    "market_id": c.market_id,
                    "form": c.form,
                    "period": c.period,
                    "a_mw": c.a_mw,
                    "b_mw": c.b_mw,
                    "delta_mw": c.delta_mw,
                }
                for c in self.capacity
            ],
            "costs": [
                {"name": v.name, "unit": v.unit, "a": v.a, "b": v.b, "delta": v.delta}
                for v in self.costs
            ],
            "outcomes": [
                {"name": v.name, "unit": v.unit, "a": v.a, "b": v.b, "delta": v.delta}
                for v in self.outcomes
            ],
            "settings": [{"path": s.path, "a": s.a, "b": s.b} for s in self.settings],
        }


def _capacity(plan: Plan) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = defaultdict(float)
    for row in plan.capacity:
        out[(row.market_id, row.form.value, row.period)] += row.capacity_mw
    return out


def _costs(plan: Plan) -> dict[str, float]:
    k = plan.kpis
    o = k.opex_usd
    return {
        "npv_usd": k.npv_usd,
        "capex_usd": k.capex_usd,
        "power": o.power,
        "rent": o.rent,
        "cloud": o.cloud,
        "om": o.om,
        "carbon": o.carbon,
        "unmet_penalty_usd": k.unmet_penalty_usd,
    }


def _flatten(node: object, prefix: str = "") -> dict[str, str]:
    if isinstance(node, Mapping):
        out: dict[str, str] = {}
        for key, value in node.items():
            out |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    return {prefix: repr(node) if not isinstance(node, str) else node}


def compare_plans(
    a: Plan,
    b: Plan,
    scenario_a: Mapping[str, object] | None = None,
    scenario_b: Mapping[str, object] | None = None,
) -> PlanComparison:
    """Compare plan ``a`` (the baseline) with plan ``b``.

    Parameters
    ----------
    a, b : Plan
        The baseline plan and the plan compared with it.
    scenario_a, scenario_b : mapping, optional
        The scenarios as run (``scenario.yaml`` of each output folder, decoded); their
        differing settings are listed.

    Returns
    -------
    PlanComparison
        Differences (``b - a``) in capacity by market, form and period [MW], cost by component
        [USD], unmet demand, coverage and concentration, and the settings that differ.
    """
    cap_a, cap_b = _capacity(a), _capacity(b)
    order = {p: i for i, p in enumerate((*a.scenario.periods, *b.scenario.periods))}
    capacity = [
        CapacityDelta(m, f, p, cap_a.get((m, f, p), 0.0), cap_b.get((m, f, p), 0.0))
        for (m, f, p) in set(cap_a) | set(cap_b)
    ]
    capacity.sort(key=lambda c: (-abs(c.delta_mw), c.market_id, c.form, order.get(c.period, 0)))
    ca, cb = _costs(a), _costs(b)
    costs = tuple(ValueDelta(label, "USD", ca[key], cb[key]) for key, label in COST_FIELDS)
    ka, kb = a.kpis, b.kpis
    outcomes = [
        ValueDelta("largest unmet load in a period", "MW", ka.unmet_mw, kb.unmet_mw),
        ValueDelta("unmet energy", "MWh", ka.unmet_mwh, kb.unmet_mwh),
        ValueDelta("HHI by market (final period)", "0-1", ka.hhi_market, kb.hhi_market),
        ValueDelta("HHI by country (final period)", "0-1", ka.hhi_country, kb.hhi_country),
    ]
    for w in sorted(set(ka.latency_served_share) | set(kb.latency_served_share)):
        outcomes.append(
            ValueDelta(
                f"{w}: demand served within limits",
                "share",
                ka.latency_served_share.get(w, float("nan")),
                kb.latency_served_share.get(w, float("nan")),
            )
        )
    settings: list[SettingDelta] = []
    if scenario_a is not None and scenario_b is not None:
        fa, fb = _flatten(scenario_a), _flatten(scenario_b)
        for path in sorted(set(fa) | set(fb)):
            va, vb = fa.get(path, "None"), fb.get(path, "None")  # absent = default None
            if va != vb:
                settings.append(SettingDelta(path, va, vb))
    return PlanComparison(
        name_a=a.scenario.name,
        name_b=b.scenario.name,
        capacity=tuple(capacity),
        costs=costs,
        outcomes=tuple(outcomes),
        settings=tuple(settings),
    )
