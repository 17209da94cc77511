"""computegeo: a planner for compute geography.

Where should AI compute capacity go, how much, when and in what form (own campus, colocation
lease, cloud), and what does each choice cost in money, latency, carbon, legal exposure and
resilience. Importing this package only defines things: no I/O, no network.
"""

from __future__ import annotations

from computegeo.core.errors import (
    ComputegeoError,
    ConfigError,
    DataError,
    InfeasibleError,
    InputError,
    SolverError,
)

__version__ = "0.1.0"

__all__ = [
    "ComputegeoError",
    "ConfigError",
    "DataError",
    "InfeasibleError",
    "InputError",
    "SolverError",
    "__version__",
]
