"""Result types of the explanations and their JSON form (the ``explanation`` key of plan.json).

The JSON shapes of :meth:`MarketExplanation.to_json_dict` and :meth:`ForcedResult.to_json_dict`
are a contract (``computegeo explain --json``); keep their keys.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from computegeo.core.errors import DataError


class ReasonKind(enum.Enum):
    """What a reason is about."""

    RESIDENCY = "residency"
    """A residency rule confines the demand the market serves to few markets."""
    LATENCY = "latency"
    """A latency limit confines the demand to markets near its users."""
    N1 = "n1"
    """Capacity held for the N-1 rule (losing one market or country)."""
    CAP = "cap"
    """A diversification cap binds here or pushes demand here from a capped market."""
    COST = "cost"
    """Unit cost against the next-best market for the same demand."""
    HEADROOM = "headroom"
    """Grid power headroom (or colocation space / cloud quota) binds."""
    LEAD_TIME = "lead_time"
    """Lead times (construction, time to power) decide when and where capacity can be online."""
    FILTER = "filter"
    """A ``policies.markets`` rule removes the market."""
    NO_DEMAND = "no_demand"
    """No demand may be served from the market within its latency and residency limits."""


@dataclass(frozen=True)
class Reason:
    """One reason in plain words."""

    kind: ReasonKind
    text: str

    def to_json_dict(self) -> dict[str, str]:
        """``{"kind", "text"}``.

        Returns
        -------
        dict
            The reason's kind (its enum value) and text.
        """
        return {"kind": self.kind.value, "text": self.text}


@dataclass(frozen=True)
class MarketExplanation:
    """Why a candidate market is in the plan, or why not."""

    market_id: str
    name: str
    chosen: bool
    """True when the market holds capacity in some period."""
    capacity_mw: float
    """Capacity in the final period [MW IT]."""
    reasons: tuple[Reason, ...]

    def to_json_dict(self) -> dict[str, object]:
        """``{"market_id", "chosen", "capacity_mw", "reasons": [{"kind", "text"}]}``.

        Returns
        -------
        dict
            The market's id, whether chosen, its final-period capacity [MW] and its reasons.
        """
        return {
            "market_id": self.market_id,
            "chosen": self.chosen,
            "capacity_mw": self.capacity_mw,
            "reasons": [r.to_json_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Move:
    """Final-period demand served from one market in a plan and another in a second plan [MW].

    Served from ``from_market`` in the plan and from ``to_market`` in the other;
    ``"unmet"`` stands for demand not served.
    """

    from_market: str
    to_market: str
    mw: float

    def to_json_dict(self) -> dict[str, object]:
        """``{"from_market", "to_market", "mw"}``.

        Returns
        -------
        dict
            The two market ids and the load moved [MW].
        """
        return {"from_market": self.from_market, "to_market": self.to_market, "mw": self.mw}


@dataclass(frozen=True)
class ForcedResult:
    """The plan re-solved with markets forced in (at least ``min_mw``) or out."""

    market_ids: tuple[str, ...]
    forced: str
    """``"in"`` or ``"out"``."""
    feasible: bool
    cost_delta_usd: float | None
    """Forced plan's objective minus the plan's [USD, discounted]; ``None`` when infeasible."""
    moved: tuple[Move, ...]
    reason: str = ""
    """Why the forced plan is infeasible, in words (empty when feasible)."""
    min_mw: float = 0.0
    """Capacity each forced-in market must hold in the final period [MW]."""
    objective_usd: float | None = None
    """Objective of the forced plan [USD]."""
    mip_gap: float | None = None
    """Gap proven for the forced plan [-]."""
    seconds: float = 0.0
    """Wall time of the re-solve [s]."""
    npv_delta_usd: float | None = None
    """Change of the NPV without the unmet-demand penalty [USD]; differs from
    ``cost_delta_usd`` when the forcing changes how much demand is served."""
    gap_usd: float | None = None
    """Uncertainty of ``cost_delta_usd`` from the two MIP gaps (plan's + forced plan's, times
    the objective) [USD]: a smaller delta does not tell the two plans apart."""
    footprint: tuple[str, ...] = ()
    """Markets holding at least 1 MW in the forced plan's final period."""

    @property
    def within_gap(self) -> bool:
        """True when ``|cost_delta_usd|`` is below ``gap_usd`` (a coin toss, not a cost)."""
        return (
            self.cost_delta_usd is not None
            and self.gap_usd is not None
            and abs(self.cost_delta_usd) <= self.gap_usd
        )

    def to_json_dict(self) -> dict[str, object]:
        """``{"market_id", "forced", "feasible", "cost_delta_usd", "moved"}`` plus details.

        Returns
        -------
        dict
            The forcing, its feasibility, cost change [USD] and the load it moves.
        """
        return {
            "market_id": ",".join(self.market_ids),
            "forced": self.forced,
            "feasible": self.feasible,
            "cost_delta_usd": self.cost_delta_usd,
            "moved": [m.to_json_dict() for m in self.moved],
            "reason": self.reason,
            "min_mw": self.min_mw,
            "objective_usd": self.objective_usd,
            "mip_gap": self.mip_gap,
            "seconds": self.seconds,
            "npv_delta_usd": self.npv_delta_usd,
            "gap_usd": self.gap_usd,
            "footprint": list(self.footprint),
        }


@dataclass(frozen=True)
class Alternative:
    """A plan whose footprint differs from the plan's, and what it costs."""

    markets: tuple[str, ...]
    """Markets holding capacity in the final period."""
    dropped: tuple[str, ...]
    """Markets of the plan's footprint it does without."""
    added: tuple[str, ...]
    """Markets it uses that the plan does not."""
    objective_usd: float
    cost_delta_usd: float
    """Its objective minus the plan's [USD]."""
    cost_delta_share: float
    """``cost_delta_usd`` / the plan's objective [-]."""
    source: str = "search"
    """``"search"`` (no-good MILP) or ``"force_out"`` (a forced-out re-solve within tolerance)."""

    def to_json_dict(self) -> dict[str, object]:
        """All fields, tuples as lists.

        Returns
        -------
        dict
            The alternative's fields.
        """
        return {
            "markets": list(self.markets),
            "dropped": list(self.dropped),
            "added": list(self.added),
            "objective_usd": self.objective_usd,
            "cost_delta_usd": self.cost_delta_usd,
            "cost_delta_share": self.cost_delta_share,
            "source": self.source,
        }


@dataclass(frozen=True)
class PlanExplanation:
    """Everything the plan says about itself (the ``explanation`` key of plan.json)."""

    markets: tuple[MarketExplanation, ...]
    forced: tuple[ForcedResult, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    alternatives_tolerance: float | None = None
    """Cost tolerance the alternatives were searched within [-]; ``None`` = not searched."""
    what_if_budget_s: float = 0.0
    """Time budget the forced re-solves and alternatives were given [s]."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """What was not computed within the budget, and similar remarks."""

    def market(self, market_id: str) -> MarketExplanation | None:
        """The explanation of one market, if it is a candidate.

        Parameters
        ----------
        market_id : str
            A market id.

        Returns
        -------
        MarketExplanation or None
            ``None`` when the market is not a candidate.
        """
        return next((m for m in self.markets if m.market_id == market_id), None)

    def to_json_dict(self) -> dict[str, object]:
        """The JSON object stored under ``explanation`` in plan.json.

        Returns
        -------
        dict
            ``markets`` (each with its name), forcings, alternatives and notes.
        """
        return {
            "markets": [m.to_json_dict() | {"name": m.name} for m in self.markets],
            "forced": [f.to_json_dict() for f in self.forced],
            "alternatives": [a.to_json_dict() for a in self.alternatives],
            "alternatives_tolerance": self.alternatives_tolerance,
            "what_if_budget_s": self.what_if_budget_s,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json_dict(cls, obj: dict[str, object], origin: str = "plan.json") -> PlanExplanation:
        """Rebuild from :meth:`to_json_dict` output (the ``explanation`` key of ``origin``).

        Parameters
        ----------
        obj : dict
            The ``explanation`` object of plan.json.
        origin : str, optional
            The file it came from, for messages.

        Returns
        -------
        PlanExplanation
            The explanation it holds.

        Raises
        ------
        DataError
            Naming ``origin`` when a key is missing or has the wrong type.
        """
        try:
            return cls._from_json_dict(obj)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            msg = f"{origin}: the 'explanation' key is malformed"
            fix = "re-run `computegeo plan` (or `computegeo explain DIR`) to write it again"
            raise DataError(msg, [f"'explanation': {type(exc).__name__} {exc}; {fix}"]) from exc

    @classmethod
    def _from_json_dict(cls, obj: dict[str, object]) -> PlanExplanation:
        notes = obj.get("notes") or []
        return cls(
            markets=tuple(_market_from_json(m) for m in _items(obj, "markets")),
            forced=tuple(_forced_from_json(f) for f in _items(obj, "forced")),
            alternatives=tuple(_alternative_from_json(a) for a in _items(obj, "alternatives")),
            alternatives_tolerance=_num(obj.get("alternatives_tolerance")),
            what_if_budget_s=_num(obj.get("what_if_budget_s")) or 0.0,
            notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
        )


def _items(obj: dict[str, object], key: str) -> list[dict[str, object]]:
    """The objects of the list ``obj[key]`` (nothing when it is absent or not a list)."""
    value = obj.get(key) or []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _as_list(value: object) -> list:  # type: ignore[type-arg]
    return list(value) if isinstance(value, list) else []


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _market_from_json(m: dict[str, object]) -> MarketExplanation:
    """One ``markets`` item of the stored explanation."""
    return MarketExplanation(
        market_id=str(m["market_id"]),
        name=str(m.get("name", m["market_id"])),
        chosen=bool(m["chosen"]),
        capacity_mw=float(m["capacity_mw"]),  # type: ignore[arg-type]
        reasons=tuple(
            Reason(ReasonKind(str(r["kind"])), str(r["text"])) for r in _as_list(m.get("reasons"))
        ),
    )


def _forced_from_json(f: dict[str, object]) -> ForcedResult:
    """One ``forced`` item of the stored explanation."""
    return ForcedResult(
        market_ids=tuple(str(f["market_id"]).split(",")),
        forced=str(f["forced"]),
        feasible=bool(f["feasible"]),
        cost_delta_usd=_num(f.get("cost_delta_usd")),
        moved=tuple(
            Move(str(v["from_market"]), str(v["to_market"]), float(v["mw"]))
            for v in _as_list(f.get("moved"))
        ),
        reason=str(f.get("reason", "")),
        min_mw=_num(f.get("min_mw")) or 0.0,
        objective_usd=_num(f.get("objective_usd")),
        mip_gap=_num(f.get("mip_gap")),
        seconds=_num(f.get("seconds")) or 0.0,
        npv_delta_usd=_num(f.get("npv_delta_usd")),
        gap_usd=_num(f.get("gap_usd")),
        footprint=tuple(str(x) for x in _as_list(f.get("footprint"))),
    )


def _alternative_from_json(a: dict[str, object]) -> Alternative:
    """One ``alternatives`` item of the stored explanation."""
    return Alternative(
        markets=tuple(str(x) for x in _as_list(a.get("markets"))),
        dropped=tuple(str(x) for x in _as_list(a.get("dropped"))),
        added=tuple(str(x) for x in _as_list(a.get("added"))),
        objective_usd=float(a["objective_usd"]),  # type: ignore[arg-type]
        cost_delta_usd=float(a["cost_delta_usd"]),  # type: ignore[arg-type]
        cost_delta_share=float(a["cost_delta_share"]),  # type: ignore[arg-type]
        source=str(a.get("source", "search")),
    )
