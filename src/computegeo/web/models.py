"""Request bodies of the HTTP API (pydantic, unknown keys refused)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_SCREEN_SAMPLES = 5000
"""Upper bound of weight draws per screen request: a 5,000-draw screen takes well under 1 s."""
MAX_RISK_FUTURES = 100_000
"""Upper bound of futures per risk job; larger sweeps belong on ``computegeo risk`` with Ray."""
MAX_RISK_STRESS = 50
"""Upper bound of extra stress tests per risk job."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Upload(_Body):
    """The content of a dataset override file (a CSV or YAML text, as ``docs/data.md`` shows)."""

    format: Literal["csv", "yaml"] = "csv"
    """How the content is laid out."""
    content: str
    """The file's text."""


class PlanRequest(_Body):
    """A plan to run: a scenario (YAML text or JSON object) or a bundled example's name."""

    scenario: str | dict[str, object] | None = None
    """The scenario as YAML text or as a JSON object with the same keys."""
    example: str | None = None
    """Name of a bundled example (``reference``, ``sovereign_eu``, ``apac_tight_power``)."""
    markets_override: Upload | None = None
    """Content of a markets override file (the scenario's ``dataset.markets``)."""
    demand_regions_override: Upload | None = None
    """Content of a demand-regions override file (the scenario's ``dataset.demand_regions``)."""


class RiskRequest(PlanRequest):
    """A risk run: a plan request plus the ``computegeo risk`` options a web job takes."""

    futures: Annotated[int, Field(ge=1, le=MAX_RISK_FUTURES)] | None = None
    """Sampled futures (default: the scenario's ``risk.futures``)."""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    """Sampler seed (default: ``risk.seed``); the same seed gives the same numbers."""
    stress: Annotated[list[str], Field(max_length=MAX_RISK_STRESS)] = []
    """Extra named stress tests, e.g. ``lose market tokyo`` (as ``--stress``)."""


class ScreenSensitivity(_Body):
    """How to test the ranking's dependence on the weights (see ``computegeo screen``)."""

    samples: Annotated[int, Field(ge=0, le=MAX_SCREEN_SAMPLES)] = 200
    """Weight draws; 0 turns sampling off (the swap analysis still runs)."""
    top_k: Annotated[int, Field(ge=1, le=100)] = 5
    """``k`` of the reported share of draws in the top k."""
    seed: int = 0
    """Seed of the draws; the same seed gives the same figures."""
    concentration: Annotated[float, Field(gt=0)] | None = 50.0
    """Dirichlet concentration around the weights; null for uniform draws."""


class ScreenRequest(_Body):
    """Filters, criteria weights and method of a market screen."""

    weights: dict[str, Annotated[float, Field(ge=0)]]
    """Criterion (catalog column or alias such as ``price``, ``carbon``) -> weight [-]."""
    filters: list[str] = []
    """Hard filters such as ``democracy_index >= 8``."""
    method: str = "weighted_sum"
    """``weighted_sum`` or ``topsis``."""
    directions: dict[str, Literal["max", "min"]] = {}
    """Direction of user-added criteria, or overrides."""
    demand: list[str] = []
    """Demand region ids of the ``latency_ms`` criterion."""
    sensitivity: ScreenSensitivity | None = ScreenSensitivity()
    """Weight sampling; null for none."""
