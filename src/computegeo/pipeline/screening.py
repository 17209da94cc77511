"""The market screen of a plan's candidate markets (a scenario's ``screen:`` section)."""

from __future__ import annotations

from computegeo.core.errors import ConfigError
from computegeo.dataset.bundle import Dataset
from computegeo.problem.data import ProblemData
from computegeo.scenario.schema import Scenario
from computegeo.screen import ScreenResult, SensitivityOptions
from computegeo.screen import screen as screen_markets


def screen_candidates(scenario: Scenario, dataset: Dataset, data: ProblemData) -> ScreenResult:
    """Screen the plan's candidate markets with the scenario's ``screen:`` section.

    The markets table is the one the plan was built from: the dataset with the scenario's
    override file (``dataset.markets``) and its ``market_overrides`` applied. Provenance follows
    the values: a user value is labelled as the user's (file row or scenario field), never with
    the bundled value's "estimated" flag.

    Parameters
    ----------
    scenario : Scenario
        The scenario as run; its ``screen:`` section and ``market_overrides`` are used.
    dataset : Dataset
        The dataset the plan was built from (markets, attributes, demand regions).
    data : ProblemData
        The plan's problem; its ``market_id`` are the candidates screened.

    Returns
    -------
    ScreenResult
        The ranked candidate markets.

    Raises
    ------
    ConfigError
        If the scenario has no ``screen:`` section, or the screen cannot run (unknown demand
        region, a criterion the markets table has no column for, every market filtered out).
    """
    from computegeo.dataset.catalog import apply_market_values, load_market_attributes

    cfg = scenario.screen
    if cfg is None:
        raise ConfigError("The scenario has no 'screen:' section.", ["add one, see docs"])
    sens = cfg.sensitivity
    attributes = dataset.attributes if dataset.attributes is not None else load_market_attributes()
    candidates = dataset.markets.loc[list(data.market_id)]
    attributes = attributes[attributes["market_id"].isin(candidates.index)]
    overrides = {
        m: {k: v for k, v in o.model_dump().items() if v is not None}
        for m, o in scenario.market_overrides.items()
    }
    markets, attributes = apply_market_values(
        candidates,
        attributes,
        overrides,
        f"scenario {scenario.name!r}, market_overrides.{{market}}.{{column}} (user value)",
    )
    try:
        return screen_markets(
            cfg.weights(),
            cfg.filters,
            method=cfg.method,
            directions=cfg.directions(),
            demand=cfg.demand,
            markets=markets,
            attributes=attributes,
            demand_regions=dataset.demand_regions,
            sensitivity=SensitivityOptions(
                samples=sens.samples,
                top_k=sens.top_k,
                seed=sens.seed,
                concentration=sens.concentration,
            ),
        )
    except ConfigError as exc:
        msg = f"screen: section of scenario {scenario.name!r}: {exc.message}"
        raise ConfigError(msg, exc.problems) from None


def screen_csv(result: ScreenResult) -> str:
    """The ranked screen as CSV text.

    Parameters
    ----------
    result : ScreenResult
        A market screen.

    Returns
    -------
    str
        One row per market (``market_id`` first, ``method`` last), numbers to 6 significant
        digits.
    """
    table = result.table.assign(method=result.method.value)
    return table.to_csv(index_label="market_id", float_format="%.6g")
