"""The ``screen:`` section of a YAML file: criteria, weights, filters, demand set, sensitivity.

.. code-block:: yaml

    screen:
      method: topsis               # or weighted_sum (default)
      criteria:                    # name: weight, or name: {weight: w, direction: max|min}
        power_price: 3
        carbon: 2
        latency: 4
      demand: [tokyo, seoul]       # demand regions of the latency criterion
      filters:
        - democracy_index >= 7
        - not moratorium
        - latency_ms[tokyo,seoul] <= 40
      sensitivity: {samples: 1000, top_k: 5, seed: 0, concentration: 50}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from computegeo.core.errors import ConfigError
from computegeo.core.input_errors import (
    clean_loc,
    format_path,
    friendly_message,
    is_union_noise,
    line_index,
    nearest_line,
)
from computegeo.core.plausible import Plausible
from computegeo.core.yamlio import YamlProblem, load_yaml
from computegeo.screen.criteria import Direction
from computegeo.screen.scoring import Method

# Numbers are strict, finite and plausible (computegeo.core.plausible), as in a scenario file.
# weights are relative; 1e6 between two criteria already makes the smaller one irrelevant
Weight = Annotated[float, Plausible(0.0, 1e6, "", "weights are relative")]
Samples = Annotated[int, Plausible(0, 1_000_000, "", "a million draws", integer=True)]
TopK = Annotated[int, Plausible(1, 10_000, "", "more rows than any markets table", integer=True)]
# numpy's generators take seeds 0 .. 2**63 - 1
Seed = Annotated[int, Plausible(0, 2**63 - 1, "", "numpy seeds are non-negative", integer=True)]
Concentration = Annotated[float, Plausible(0.0, 1e6, "", "1e6 is the weights exactly", True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class WeightSpec(_Model):
    """A criterion weight with an explicit direction."""

    weight: Weight
    """Weight (any non-negative scale)."""
    direction: Direction | None = None
    """``max`` if higher is better, ``min`` if lower is better; default from the catalog."""


class SensitivityConfig(_Model):
    """Weight-sensitivity settings."""

    samples: Samples = 1000
    """Number of weight draws (0 = no sampling)."""
    top_k: TopK = 5
    """``k`` of the share-in-top-k figure."""
    seed: Seed = 0
    """Random seed; the same seed gives the same figures."""
    concentration: Concentration | None = 50.0
    """Dirichlet concentration around the weights; null for uniform draws."""


class ScreenConfig(_Model):
    """The ``screen:`` section."""

    method: Method = Method.WEIGHTED_SUM
    """Scoring method: ``weighted_sum`` or ``topsis``."""
    criteria: dict[str, Weight | WeightSpec] = Field(default_factory=dict)
    """Criterion (catalog column or alias) -> weight."""
    filters: list[str] = Field(default_factory=list)
    """Hard filters, e.g. ``democracy_index >= 7``."""
    demand: list[str] = Field(default_factory=list)
    """Demand region ids of the ``latency`` criterion."""
    sensitivity: SensitivityConfig = Field(default_factory=SensitivityConfig)
    """Weight-sensitivity settings."""
    top: TopK | None = None
    """Rows to show (default: all)."""

    def weights(self) -> dict[str, float]:
        """Criterion -> weight.

        Returns
        -------
        dict[str, float]
            The weight of every criterion [-], whether given bare or with a direction.
        """
        return {k: v if isinstance(v, float | int) else v.weight for k, v in self.criteria.items()}

    def directions(self) -> dict[str, Direction]:
        """Criterion -> explicit direction (only those given).

        Returns
        -------
        dict[str, Direction]
            Criteria given with a ``direction``.
        """
        return {
            k: v.direction
            for k, v in self.criteria.items()
            if isinstance(v, WeightSpec) and v.direction is not None
        }


def load_screen_config(path: Path) -> ScreenConfig:
    """Read the ``screen:`` section of a YAML file.

    Parameters
    ----------
    path : Path
        A YAML file with a ``screen:`` mapping.

    Returns
    -------
    ScreenConfig
        The validated section (an empty section gives the defaults).

    Raises
    ------
    ConfigError
        If the file cannot be read, has no ``screen:`` section, or the section is invalid;
        every problem names the file and the field path.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a directory.", ["give the path of a .yaml file"])
    try:
        text = path.read_text("utf-8")
        data = load_yaml(text)
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist.", ["check the path"]) from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.", ["save it as UTF-8"]) from None
    except YamlProblem as exc:
        raise ConfigError(f"{path} is not valid YAML.", [str(exc)]) from None
    if not isinstance(data, dict) or "screen" not in data:
        raise ConfigError(f"{path} has no 'screen:' section.", ["add a 'screen:' mapping"])
    try:
        return ScreenConfig.model_validate(data["screen"] or {})
    except ValidationError as exc:
        problems = _problems(exc, line_index(text))
        raise ConfigError(f"Invalid 'screen:' section in {path}.", problems) from None


def _problems(exc: ValidationError, lines: Mapping[tuple[str | int, ...], int]) -> list[str]:
    """One ``screen.<path> (line N): message`` per problem, union noise dropped."""
    errors = exc.errors()
    tags = frozenset({WeightSpec.__name__})
    locs = [clean_loc(tuple(e["loc"]), tags) for e in errors]
    out: list[str] = []
    for err, loc in zip(errors, locs, strict=True):
        if is_union_noise(err, loc, locs, errors):
            continue
        full = ("screen", *loc)
        line = nearest_line(full, lines)
        where = format_path(full) + (f" (line {line})" if line else "")
        problem = f"{where}: {friendly_message(err['msg'])}"
        if problem not in out:
            out.append(problem)
    return out
