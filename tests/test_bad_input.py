"""Bad input found by trying the tool as a new user would: each case gets one clear error at load.

Absurd numbers (``1e300``, ``.inf``, ``.nan``, ``capacity_mw: 1e12``), a key written twice,
``true`` where a number belongs, in scenario files and in dataset override files.
"""

from __future__ import annotations

import textwrap
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from computegeo.core.errors import ConfigError, DataError
from computegeo.core.plausible import Plausible
from computegeo.dataset import catalog
from computegeo.dataset.schema import table_columns
from computegeo.scenario.load import load_scenario
from computegeo.scenario.schema import Scenario
from computegeo.scenario.sections import MarketOverride
from computegeo.screen.config import ScreenConfig

BASE = """\
name: bad numbers
horizon: {start_year: 2027, end_year: 2028}
workloads:
  - id: inference
    latency_limit_ms: 50
demand:
  generated:
    - workload: inference
      start_total: 100
      annual_growth: 1.5
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert info.value.exit_code == 2
    assert "s.yaml" in info.value.message
    return info.value.problems


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1e300", "1e+300 is above the plausible maximum"),
        ("1.0e300", "1e+300 is above the plausible maximum"),
        (".inf", ".inf is not a finite number"),
        ("-.inf", "-.inf is not a finite number"),
        (".nan", ".nan is not a finite number"),
        ("true", "true is a boolean, not a number"),
        ("'100'", "'100' is text, not a number"),
        ("-3", "-3 is below the plausible range: it must be greater than 0"),
        ("1" + "0" * 400, "a 401-digit number is above the plausible range"),
    ],
)
def test_absurd_start_total_is_named_with_line_and_fix(
    tmp_path: Path, value: str, fragment: str
) -> None:
    problems = _problems(tmp_path, BASE.replace("start_total: 100", f"start_total: {value}"))
    assert len(problems) == 1
    assert problems[0].startswith("demand.generated[0].start_total (line 9): ")
    assert fragment in problems[0]


def test_capacity_mw_1e12_is_refused(tmp_path: Path) -> None:
    text = BASE + (
        "existing:\n  - {market: n_virginia, form: build, capacity_mw: 1e12, online_year: 2027}\n"
    )
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("existing[0].capacity_mw (line 12): 1e+12 is above")
    assert "1e+06 MW" in problems[0]
    assert "check the figure and its unit" in problems[0]


def test_a_growth_path_that_compounds_past_1_tw_is_refused(tmp_path: Path) -> None:
    text = BASE.replace("end_year: 2028", "end_year: 2040").replace("1.5", "2.0")
    text = text.replace("start_total: 100", "start_total: 1000")
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("demand.generated[0] (line 8): 8.19e+06 MW of demand in 2040")
    assert "annual_growth" in problem


def test_accelerator_demand_may_exceed_the_mw_bound(tmp_path: Path) -> None:
    text = BASE.replace("demand:\n", "demand:\n  unit: accelerators\n  hardware: h100_hgx\n")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("start_total: 100", "start_total: 2000000"), encoding="utf-8")
    assert load_scenario(path).demand.generated[0].start_total == 2_000_000


def test_union_field_reports_only_the_branch_written(tmp_path: Path) -> None:
    (scalar,) = _problems(tmp_path, BASE.replace("annual_growth: 1.5", "annual_growth: 1e300"))
    assert "valid tuple" not in scalar
    assert "100x a year" in scalar
    (listed,) = _problems(tmp_path, BASE.replace("annual_growth: 1.5", "annual_growth: [true]"))
    assert listed.startswith("demand.generated[0].annual_growth[0] (line 10): true is a boolean")


def test_a_key_written_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    text = BASE.replace(
        "      annual_growth: 1.5\n", "      annual_growth: 1.5\n      start_total: 7\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert "line 11" in info.value.message
    assert info.value.problems == [
        "key 'start_total' is written twice (lines 9 and 11); keep one of them"
    ]


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = BASE + "solver: &s {time_limit_s: 30}\nsupply:\n  cloud: {<<: {lead_time_months: 2}}\n"
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).supply.cloud.lead_time_months == 2


def test_whole_number_fields_refuse_fractions_and_booleans(tmp_path: Path) -> None:
    (frac,) = _problems(tmp_path, BASE.replace("end_year: 2028", "end_year: 2028.5"))
    assert frac.startswith("horizon.end_year (line 2): 2028.5 is not a whole number")
    (flag,) = _problems(tmp_path, BASE + "solver: {threads: true}\n")
    assert flag.startswith("solver.threads (line 11): true is a boolean, not a number")


def _numeric_leaves(model: type[BaseModel], prefix: str = "") -> list[tuple[str, object]]:
    """(path, annotation) of every numeric field, descending into sub-models."""
    out: list[tuple[str, object]] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        stack: list[object] = [field.annotation, *field.metadata]
        numeric = False
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                out.extend(_numeric_leaves(item, f"{path}."))
            elif item in (int, float):
                numeric = True
            else:
                stack.extend(typing.get_args(item))
        if numeric:
            out.append((path, field))
    return out


def _has_plausible(field: object) -> bool:
    def walk(item: object) -> bool:
        if isinstance(item, Plausible):
            return True
        return any(walk(a) for a in typing.get_args(item))

    metadata = getattr(field, "metadata", [])
    return any(isinstance(m, Plausible) for m in metadata) or walk(field.annotation)  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", [Scenario, ScreenConfig])
def test_every_number_of_a_scenario_has_a_plausible_range(model: type[BaseModel]) -> None:
    leaves = _numeric_leaves(model)
    assert len(leaves) >= 7
    missing = [path for path, field in leaves if not _has_plausible(field)]
    assert missing == []


def _bounds(field: object) -> Plausible:
    found: list[Plausible] = []

    def walk(item: object) -> None:
        if isinstance(item, Plausible):
            found.append(item)
        for a in typing.get_args(item):
            walk(a)

    walk(field.annotation)  # type: ignore[attr-defined]
    return found[0]


def test_market_overrides_use_the_bounds_of_the_markets_table() -> None:
    cols = table_columns("markets")
    compared = 0
    for name, field in MarketOverride.model_fields.items():
        if name not in cols:
            continue
        col, bounds = cols[name], _bounds(field)
        assert (bounds.minimum, bounds.maximum) == (col.minimum, col.maximum), name
        compared += 1
    assert compared >= 6


# ------------------------------------------------------------------------- dataset override files


def _override_error(tmp_path: Path, name: str, text: str) -> DataError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        catalog.load_markets(path)
    assert info.value.exit_code == 2
    assert name in info.value.message
    return info.value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (".nan", "nan is not a finite number (MW IT); give a value from 0 to 100000"),
        (".inf", "inf is not a finite number (MW IT)"),
        ("1e12", "1000000000000.0 is above the maximum 100000 (MW IT); give a value from 0"),
        ("true", "true is a boolean, not a number; write the number"),
        ("[1, 2]", "[1, 2] is a list; give one value"),
    ],
)
def test_yaml_override_numbers_are_checked_with_line(
    tmp_path: Path, value: str, fragment: str
) -> None:
    text = f"markets:\n  - market_id: sydney\n    power_headroom_mw: {value}\n"
    err = _override_error(tmp_path, "m.yaml", text)
    (problem,) = err.problems
    assert problem.startswith("m.yaml, item 1 (line 2), column 'power_headroom_mw': ")
    assert fragment in problem


def test_csv_override_nan_and_overflow(tmp_path: Path) -> None:
    err = _override_error(
        tmp_path, "m.csv", f"market_id,pue,cloud_region_count\nsydney,nan,1{'0' * 400}\n"
    )
    text = "\n".join(err.problems)
    assert "m.csv, row 2, column 'pue': 'nan' is not a finite number" in text
    assert "m.csv, row 2, column 'cloud_region_count': " in text


def test_unquoted_country_no_is_not_read_as_false(tmp_path: Path) -> None:
    err = _override_error(tmp_path, "m.yaml", "- {market_id: sydney, country: NO}\n")
    (problem,) = err.problems
    assert "false is a boolean, not text; quote text (e.g. 'NO')" in problem


def test_duplicate_key_in_a_yaml_override(tmp_path: Path) -> None:
    err = _override_error(tmp_path, "m.yaml", "- market_id: sydney\n  pue: 1.2\n  pue: 1.4\n")
    assert err.problems == [
        "m.yaml, line 3: key 'pue' is written twice (lines 2 and 3); keep one of them"
    ]


def test_override_year_out_of_range(tmp_path: Path) -> None:
    err = _override_error(tmp_path, "m.yaml", "- {market_id: sydney, pue: 1.2, year: .inf}\n")
    assert "column 'year': inf is not a year" in "\n".join(err.problems)


def test_override_directory_is_named_as_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a directory"):
        catalog.load_markets(tmp_path)


def test_load_scenario_accepts_a_bundled_name() -> None:
    assert load_scenario("sovereign_eu").name.startswith("Sovereign EU")


def test_load_scenario_suggests_a_bundled_name() -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario("sovereign")
    assert "Did you mean 'sovereign_eu'?" in info.value.render()


def test_accelerator_demand_beyond_1_tw_is_refused_when_converted(tmp_path: Path) -> None:
    import computegeo.pipeline.inputs as pipeline_inputs

    text = BASE.replace("demand:\n", "demand:\n  unit: accelerators\n  hardware: h100_hgx\n")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("start_total: 100", "start_total: 9.0e9"), encoding="utf-8")
    scenario, dataset = pipeline_inputs.prepare(path)
    with pytest.raises(ConfigError) as info:
        pipeline_inputs.build(scenario, dataset)
    assert "above the plausible maximum 1e+06 MW" in info.value.message
    assert "demand.hardware" in info.value.problems[0]


def test_python_numbers_of_any_kind_are_numbers() -> None:
    from decimal import Decimal

    import numpy as np

    from computegeo.scenario.sections import Horizon, SolverSettings

    assert Horizon(start_year=np.int64(2027), end_year=2028).start_year == 2027
    solver = SolverSettings(time_limit_s=Decimal("5"), threads=np.int32(2))
    assert (solver.time_limit_s, solver.threads) == (5.0, 2)


def test_bad_ids_and_country_codes_say_what_to_write_not_the_regex(tmp_path: Path) -> None:
    text = BASE.replace("  - id: inference\n", "  - id: Chat Bot\n").replace(
        "workload: inference", "workload: Chat Bot"
    )
    text += "policies:\n  markets: {exclude_countries: [de]}\n"
    joined = "\n".join(_problems(tmp_path, text))
    assert "'Chat Bot' is not an id" in joined
    assert "did you mean 'chat_bot'?" in joined
    assert "'de' is not a country code" in joined
    assert "did you mean 'DE'?" in joined
    assert "^[" not in joined  # no regular expression shown to the user


@pytest.mark.parametrize("key", ["continents", "countries"])
def test_an_empty_region_filter_list_is_refused_at_load(tmp_path: Path, key: str) -> None:
    text = BASE.replace(
        "      annual_growth: 1.5\n", f"      annual_growth: 1.5\n      regions: {{{key}: []}}\n"
    )
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("demand.generated[0].regions (line 11): ")
    assert f"{key}: an empty list matches no region" in problem


def _roundtrip(tmp_path: Path, scenario: Scenario) -> Scenario:
    from computegeo.pipeline.output_folder import scenario_yaml

    path = tmp_path / "scenario.yaml"
    path.write_text(scenario_yaml(scenario), encoding="utf-8")
    return load_scenario(path)


@pytest.mark.parametrize("name", ["reference", "sovereign_eu", "apac_tight_power", "template"])
def test_the_scenario_yaml_written_with_a_plan_loads_again(tmp_path: Path, name: str) -> None:
    from computegeo.scenario.template import bundled_path

    path = bundled_path(name) if name != "template" else None
    if path is None:
        from computegeo.scenario.template import template_text

        path = tmp_path / "template.yaml"
        path.write_text(template_text(), encoding="utf-8")
    scenario = load_scenario(path)
    assert _roundtrip(tmp_path, scenario) == scenario


def test_totals_by_year_survive_json_text_keys(tmp_path: Path) -> None:
    text = BASE.replace(
        "      start_total: 100\n      annual_growth: 1.5\n",
        "      totals_by_year: {2027: 10, 2028: 20.5}\n",
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.demand.generated[0].totals_by_year == {2027: 10, 2028: 20.5}
    assert _roundtrip(tmp_path, scenario) == scenario
    assert Scenario.model_validate(scenario.model_dump(mode="json")) == scenario
