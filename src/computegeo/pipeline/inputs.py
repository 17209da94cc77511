"""A run's inputs: the scenario loaded and checked against its dataset, and the problem built.

:func:`prepare` reads and validates a scenario once and loads the dataset it names (with its
override files); :func:`build` turns them into the :class:`~computegeo.problem.data.ProblemData`
the planner solves, with the real latency and residency models; :func:`validate` does both, as
``computegeo validate`` does.
"""

from __future__ import annotations

import functools
from pathlib import Path

from computegeo.core.errors import ConfigError, InputError
from computegeo.dataset.bundle import Dataset, KnownIds, load_dataset
from computegeo.problem.data import ProblemData
from computegeo.scenario.load import load_scenario, reference_problems
from computegeo.scenario.schema import Scenario
from computegeo.scenario.template import REFERENCE_NAME, bundled_path


def known_ids(dataset: Dataset) -> KnownIds:
    """Identifiers in the dataset that a scenario may refer to.

    Parameters
    ----------
    dataset : Dataset
        The loaded dataset.

    Returns
    -------
    KnownIds
        Its market, region, country, data-class and hardware ids (``dataset.known_ids()``).
    """
    return dataset.known_ids()


def scenario_path(source: Path | str | None) -> Path:
    """The scenario file for ``source``.

    Parameters
    ----------
    source : path, str or None
        A scenario file; ``None`` for the bundled reference case; or a bare name such as
        ``sovereign_eu`` (no suffix, no ``/``) that is not an existing file, for that bundled
        example.

    Returns
    -------
    Path
        The file to load (not checked to exist unless it is a bundled name).

    Raises
    ------
    ConfigError
        When a bare name is not a bundled scenario.
    """
    if source is None:
        return bundled_path(REFERENCE_NAME)
    path = Path(source)
    if not path.exists() and path.suffix == "" and "/" not in str(source):
        return bundled_path(str(source))
    return path


def prepare(
    source: Path | str | Scenario | None, dataset: Dataset | None = None
) -> tuple[Scenario, Dataset]:
    """Load a scenario and the dataset it names, and check it fully (schema and references).

    The file is read and validated once; then the dataset is loaded with the scenario's override
    files (``dataset.markets``, ``dataset.demand_regions``, relative to the scenario file) and
    every market, region, country, data class and hardware reference is checked against it.

    Parameters
    ----------
    source : path, name, Scenario or None
        As for :func:`computegeo.pipeline.plan.run_plan`.
    dataset : Dataset, optional
        An already loaded dataset to check against (not loaded again); it must be the one the
        scenario's override files give.

    Returns
    -------
    tuple of (Scenario, Dataset)
        The validated scenario (read from a file: with its override paths made absolute, so the
        scenario.yaml written with the plan reruns anywhere) and the dataset it was checked
        against.

    Raises
    ------
    ConfigError, DataError
        With every problem listed.
    """
    if isinstance(source, Scenario):
        base, path, scenario = Path.cwd(), None, source
    else:
        path = scenario_path(source)
        scenario = load_scenario(path)
        base = path.parent
    files = scenario.dataset
    markets_file = (base / files.markets).resolve() if files.markets else None
    regions_file = (base / files.demand_regions).resolve() if files.demand_regions else None
    if dataset is None:
        dataset = load_dataset(markets_file, regions_file)
    _check_residency_conditions(scenario)
    known = known_ids(dataset)
    problems = reference_problems(scenario, known)
    if path is not None:
        if problems:
            load_scenario(path, known=known)  # failure path only: the problems with line numbers
            msg = f"{path} refers to things the dataset does not have"
            raise ConfigError(msg, problems)
        # absolute override paths, so the scenario.yaml written with the plan reruns anywhere
        absolute = scenario.dataset.model_copy(
            update={
                "markets": str(markets_file) if markets_file else None,
                "demand_regions": str(regions_file) if regions_file else None,
            }
        )
        return scenario.model_copy(update={"dataset": absolute}), dataset
    if problems:
        msg = f"scenario {scenario.name!r} refers to things the dataset does not have"
        raise ConfigError(msg, problems)
    return scenario, dataset


def _check_residency_conditions(scenario: Scenario) -> None:
    """Every id of ``policies.residency_conditions`` must be a condition of the rules."""
    from computegeo.dataset import residency

    try:
        residency.check_conditions(scenario.policies.residency_conditions)
    except InputError as exc:
        msg = f"scenario {scenario.name!r} states a residency condition the rules do not have"
        raise ConfigError(msg, [f"policies.residency_conditions: {exc}"]) from None


def build(scenario: Scenario, dataset: Dataset) -> ProblemData:
    """Build the optimisation problem of a scenario with the real latency and residency models.

    The scenario's ``policies.residency_conditions`` open their conditional destinations.

    Parameters
    ----------
    scenario : Scenario
        A scenario checked against ``dataset`` (see :func:`prepare`).
    dataset : Dataset
        The dataset it refers to (markets, demand regions, hardware).

    Returns
    -------
    ProblemData
        The arrays the planner solves.

    Raises
    ------
    ConfigError
        When the scenario leaves no market, or refers to markets that policies removed.
    """
    from computegeo.dataset import residency
    from computegeo.latency import rtt_matrix_ms
    from computegeo.problem.build import build_problem

    return build_problem(
        scenario,
        dataset.markets,
        dataset.demand_regions,
        hardware=dataset.hardware,
        rtt_matrix_ms=rtt_matrix_ms,
        allowed_destinations=functools.partial(
            residency.allowed_destinations,
            conditions_met=scenario.policies.residency_conditions,
        ),
    )


def validate(source: Path | str | None) -> Scenario:
    """Validate a scenario fully: schema, dataset references, and that a problem can be built.

    Parameters
    ----------
    source : path, str or None
        As for :func:`computegeo.pipeline.plan.run_plan`.

    Returns
    -------
    Scenario
        The validated scenario (see :func:`prepare`).

    Raises
    ------
    ConfigError, DataError
        With every problem listed.
    """
    sc, dataset = prepare(source)
    build(sc, dataset)
    return sc
