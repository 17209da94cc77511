"""Scenario schema and loading: valid files load; a bad file gets one error naming each field."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pydantic
import pytest
import yaml

from computegeo.core.errors import ConfigError
from computegeo.scenario.load import (
    KnownIds,
    bundled_scenario_names,
    load_scenario,
    model_field_paths,
    parse_scenario,
    reference_problems,
)
from computegeo.scenario.schema import Scenario
from computegeo.scenario.template import (
    bundled_path,
    scenario_reference_markdown,
    template_text,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"

MINIMAL = """\
name: minimal
horizon: {start_year: 2027, end_year: 2029}
workloads:
  - id: inference
    latency_limit_ms: 50
demand:
  generated:
    - workload: inference
      start_total: 100
      annual_growth: 1.5
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str, known: KnownIds | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_scenario(_write(tmp_path, text), known=known)
    assert info.value.exit_code == 2
    assert "s.yaml" in info.value.message
    return info.value.problems


def test_minimal_scenario_fills_defaults(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, MINIMAL))
    assert s.horizon.period_start_years == (2027, 2028, 2029)
    assert s.discount_rate == pytest.approx(0.08)
    assert s.supply.build.enabled
    assert s.policies.resilience.scope.value == "none"


def test_scenario_is_frozen(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, MINIMAL))
    with pytest.raises(pydantic.ValidationError):
        s.name = "changed"  # type: ignore[misc]


def test_template_validates_and_documents_every_key() -> None:
    text = template_text()
    s = parse_scenario(yaml.safe_load(text), source="template.yaml", text=text)
    assert s.name
    for path in model_field_paths():
        key = path.rsplit(".", 1)[-1].removesuffix("[]")
        assert re.search(rf"\b{re.escape(key)}:", text), f"template does not document {path}"


@pytest.mark.parametrize("name", bundled_scenario_names())
def test_bundled_scenarios_validate(name: str) -> None:
    s = load_scenario(bundled_path(name))
    assert s.workloads


def test_bundled_examples_exist() -> None:
    assert "reference" in bundled_scenario_names()
    assert len(bundled_scenario_names()) >= 3


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = MINIMAL.replace("    latency_limit_ms: 50", "    latency_limit: 50")
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("workloads[0].latency_limit (line 5)")
    assert "Did you mean 'latency_limit_ms'?" in problems[0]


def test_top_level_unknown_key(tmp_path: Path) -> None:
    problems = _problems(tmp_path, MINIMAL + "discount: 0.05\n")
    assert "Did you mean 'discount_rate'?" in problems[0]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = """\
    name: many problems
    horizon: {start_year: 2027, end_year: 2026}
    workloads:
      - id: inference
        latency_limit_ms: -5
      - id: Training
    demand:
      generated:
        - workload: inferense
          start_total: 100
          annual_growth: 1.5
    policies:
      markets: {require_membership_any: [g7]}
    solver: {mip_rel_gap: 2}
    """
    problems = _problems(tmp_path, text)
    joined = "\n".join(problems)
    assert "horizon" in joined
    assert "swap them" in joined
    assert "workloads[0].latency_limit_ms (line 5): -5 is below the plausible range" in joined
    assert "workloads[1].id" in joined
    assert "policies.markets.require_membership_any[0]" in joined
    assert "'oecd'" in joined
    assert "solver.mip_rel_gap" in joined
    assert "demand.generated[0].workload" in joined
    assert "Did you mean 'inference'?" in joined
    assert len(problems) >= 6


def test_missing_required_key(tmp_path: Path) -> None:
    text = MINIMAL.replace("name: minimal\n", "")
    problems = _problems(tmp_path, text)
    assert problems == [
        "name: required key is missing; add it (see `computegeo init` for a documented template)"
    ]


def test_growth_path_length_and_year_coverage(tmp_path: Path) -> None:
    text = MINIMAL.replace("annual_growth: 1.5", "annual_growth: [1.5, 1.4, 1.3]")
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("demand.generated[0].annual_growth (line 10)")
    assert "give one number or 2" in problem
    text = MINIMAL.replace(
        "      start_total: 100\n      annual_growth: 1.5\n",
        "      totals_by_year: {2027: 1, 2028: 2}\n",
    )
    (problem,) = _problems(tmp_path, text)
    assert "demand.generated[0].totals_by_year" in problem
    assert "[2029]" in problem


def test_both_demand_forms_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL + "      totals_by_year: {2027: 1, 2028: 2, 2029: 3}\n"
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("demand.generated[0]")
    assert "not both" in problem


def test_duplicate_workload_ids(tmp_path: Path) -> None:
    text = MINIMAL.replace("workloads:\n", "workloads:\n  - id: inference\n")
    (problem,) = _problems(tmp_path, text)
    assert "workloads" in problem
    assert "twice" in problem


def test_accelerator_unit_needs_hardware(tmp_path: Path) -> None:
    text = MINIMAL.replace("demand:\n", "demand:\n  unit: accelerators\n")
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith("demand")
    assert "hardware" in problem


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario(_write(tmp_path, "name: x\nhorizon: [1, 2\n"))
    assert "not valid YAML at line" in info.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "is empty"), ("- a\n- b\n", "mapping")],
)
def test_empty_or_non_mapping(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario(_write(tmp_path, text))
    assert fragment in info.value.render()


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert "does not exist" in info.value.message
    assert "computegeo init" in info.value.render()


KNOWN = KnownIds(
    markets=frozenset({"sydney", "tokyo", "dallas"}),
    regions=frozenset({"tokyo", "osaka"}),
    countries=frozenset({"AU", "JP", "US"}),
    data_classes=frozenset({"none", "eu_personal"}),
    hardware=frozenset({"h100_hgx", "gb200_nvl72"}),
)


def test_unknown_market_and_region_ids_are_named_with_suggestions(tmp_path: Path) -> None:
    text = MINIMAL + textwrap.dedent(
        """\
          direct:
            - {workload: inference, region: osak, year: 2028, amount: 5}
        existing:
          - {market: sydny, form: build, capacity_mw: 10, online_year: 2026}
        policies:
          markets: {exclude: [tokio], exclude_countries: [XX]}
        """
    )
    problems = _problems(tmp_path, text, known=KNOWN)
    joined = "\n".join(problems)
    assert "demand.direct[0].region" in joined
    assert "Did you mean 'osaka'?" in joined
    assert "existing[0].market (line" in joined
    assert "Did you mean 'sydney'?" in joined
    assert "policies.markets.exclude[0]" in joined
    assert "Did you mean 'tokyo'?" in joined
    assert "policies.markets.exclude_countries[0] (line 16): unknown country 'XX'" in joined


def test_reference_checks_run_even_when_the_schema_fails(tmp_path: Path) -> None:
    text = MINIMAL.replace("latency_limit_ms: 50", "latency_limit_ms: fast") + textwrap.dedent(
        """\
        existing:
          - {market: sydny, form: build, capacity_mw: 10, online_year: 2026}
        """
    )
    problems = _problems(tmp_path, text, known=KNOWN)
    assert any("latency_limit_ms" in p for p in problems)
    assert any("existing[0].market" in p and "sydney" in p for p in problems)


def test_reference_problems_clean_for_known_ids(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, MINIMAL))
    assert reference_problems(s, KNOWN) == []


def test_docs_list_every_key() -> None:
    doc = (DOCS / "scenario.md").read_text(encoding="utf-8")
    assert scenario_reference_markdown() in doc, (
        "docs/scenario.md is stale: regenerate the key table"
    )


def test_scenario_model_roundtrips_through_json(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, MINIMAL))
    again = Scenario.model_validate(s.model_dump(mode="json"))
    assert again == s


@pytest.mark.parametrize("name", bundled_scenario_names())
def test_every_number_in_the_bundled_examples_says_where_it_comes_from(name: str) -> None:
    # each line that sets a number carries a comment: a source tag, an estimate rule or [A]
    text = bundled_path(name).read_text(encoding="utf-8")
    bare = [
        line
        for line in text.splitlines()
        if re.search(r":\s*\[?-?\d", line.split("#")[0]) and "#" not in line
    ]
    assert bare == [], f"{name}.yaml: numbers without a source or [A] tag: {bare}"
