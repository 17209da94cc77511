"""The closed vocabularies of a scenario: supply forms, demand units, memberships, resilience.

The problem arrays (:class:`~computegeo.problem.data.ProblemData`), the plan and the checks use
these same enums, so a value read from a scenario is the value the model sees.
"""

from __future__ import annotations

import enum


class Form(enum.Enum):
    """The form in which capacity is obtained."""

    BUILD = "build"
    """An own-built campus: capex, a fixed campus cost, size limits, lead time incl. time to
    power."""
    LEASE = "lease"
    """A wholesale colocation lease: rent per kW-month plus power, shorter lead time."""
    CLOUD = "cloud"
    """A cloud capacity commitment: price per GPU-hour (or per MW-year), shortest lead time."""


class DemandUnit(enum.Enum):
    """Unit in which demand figures are stated."""

    MW = "mw"
    """Megawatts of IT load."""
    ACCELERATORS = "accelerators"
    """Number of accelerators of ``demand.hardware`` (converted with its IT power per
    accelerator)."""


class Membership(enum.Enum):
    """Country memberships the dataset records for every market."""

    EU_EEA = "eu_eea"
    FIVE_EYES = "five_eyes"
    OECD = "oecd"
    NATO = "nato"


class Continent(enum.Enum):
    """Continents as the dataset spells them (the Middle East is folded into Asia)."""

    AFRICA = "africa"
    ASIA = "asia"
    EUROPE = "europe"
    NORTH_AMERICA = "north_america"
    OCEANIA = "oceania"
    SOUTH_AMERICA = "south_america"


class ResilienceScope(enum.Enum):
    """What the N-1 rule assumes can be lost."""

    NONE = "none"
    """No N-1 requirement."""
    MARKET = "market"
    """Any one market (metro) may be lost."""
    JURISDICTION = "jurisdiction"
    """Any one jurisdiction (every market of one country) may be lost."""


class ResilienceBasis(enum.Enum):
    """Over what the N-1 share is counted."""

    WORKLOAD = "workload"
    """Per workload in aggregate over all its demand regions."""
    WORKLOAD_REGION = "workload_region"
    """Per workload and per demand region: each region keeps at least the share of its own
    demand (for latency-bound inference, a region left with nothing is an outage for its
    users)."""


class N1Method(enum.Enum):
    """How the planner enforces the N-1 rule (the scenario's ``solver.n1_method``)."""

    ROWS = "rows"
    """Lazy rounds of the formulation's N-1 rows and flows, added in place."""
    CUTS = "cuts"
    """Benders feasibility cuts on site capacity from one checking LP per contingency
    (:mod:`computegeo.planner.n1_cuts`); the master has no contingency flows."""
    AUTO = "auto"
    """CUTS when every contingency's flows would be more than ``N1_CUTS_RATIO`` times the
    columns of the model without them (:func:`computegeo.planner.rounds.n1_method_for`),
    ROWS otherwise."""
