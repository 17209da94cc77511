"""The stages of a planning run and the progress callback that reports them.

A run reports each stage through ``progress(stage, message)`` so a caller (the CLI, the web
worker) can show a live display without the pipeline knowing about terminals.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field


class Stage(enum.Enum):
    """Stages of a planning run, in order."""

    LOAD = "loading"
    BUILD = "building"
    SOLVE = "solving"
    SCREEN = "screening"
    EVALUATE = "evaluating"
    WRITE = "writing"
    DONE = "done"


Progress = Callable[[Stage, str], None]
"""Progress callback: called with the current stage and a short human-readable message."""


def quiet_progress(stage: Stage, message: str) -> None:
    """Progress callback that ignores everything (the default of the runs).

    Parameters
    ----------
    stage : Stage
        The stage reported (ignored).
    message : str
        The message reported (ignored).
    """


@dataclass(frozen=True)
class RunTimings:
    """Wall time of each stage [s]."""

    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        """Sum over stages [s]."""
        return float(sum(self.seconds.values()))
