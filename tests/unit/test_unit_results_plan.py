"""Unit tests of the result model: ``Plan`` and its one ``plan.json`` reader.

The bundled examples' plans are the files written by ``computegeo plan NAME``
(``scripts/record_bundled_plans.py`` records them gzip-compressed); the hand-written fixture
``plan_reference.json`` and the old real plan ``plan_apac_tight_power.json`` (schema 1.0) show
that older 1.x files still read.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
from pathlib import Path

import pytest

from computegeo.core.errors import DataError
from computegeo.results.plan import (
    SCHEMA_VERSION,
    Plan,
    PlanStatus,
    UnmetReason,
    read_plan_document,
    read_plan_json,
)
from computegeo.scenario.enums import Form
from computegeo.scenario.load import bundled_scenario_names

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BUNDLED = FIXTURES / "bundled_plans"


def _bundled(name: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads(
        gzip.decompress((BUNDLED / f"{name}.plan.json.gz").read_bytes())
    )
    return doc


@pytest.fixture(scope="module")
def reference_doc() -> dict[str, object]:
    return _bundled("reference")


def test_every_bundled_example_has_a_recorded_plan() -> None:
    recorded = sorted(p.name.removesuffix(".plan.json.gz") for p in BUNDLED.glob("*.plan.json.gz"))
    assert recorded == sorted(bundled_scenario_names())


@pytest.mark.parametrize("name", bundled_scenario_names())
def test_bundled_plan_round_trips_through_the_result_model(name: str) -> None:
    doc = _bundled(name)
    assert doc["schema_version"] == SCHEMA_VERSION
    plan = Plan.from_json_dict(doc, origin=f"{name}/plan.json")
    again = plan.to_json_dict()
    # the explanation is computegeo.explain's key in the same file, not part of the Plan
    assert again == {k: v for k, v in doc.items() if k != "explanation"}
    assert Plan.from_json_dict(again).to_json_dict() == again
    assert plan.capacity
    assert all(isinstance(c.form, Form) for c in plan.capacity)
    assert isinstance(plan.solve.status, PlanStatus)
    assert all(isinstance(u.reason, UnmetReason) for u in plan.unmet)
    assert plan.workloads, "schema 1.1+ plans carry the workloads' limits"


def test_latency_limits_and_n1_shares_are_typed(reference_doc: dict[str, object]) -> None:
    plan = Plan.from_json_dict(reference_doc)
    limits = {w.workload: w.max_rtt_ms for w in plan.workloads}
    assert limits["interactive_inference"] == pytest.approx(60.0)
    assert math.isnan(limits["training"])  # null in plan.json: no limit
    assert all(w.n1_required_share == 0.0 for w in plan.workloads)  # no N-1 rule in reference


def test_n1_margin_per_contingency_matches_the_worst() -> None:
    doc = _bundled("sovereign_eu")
    n1 = Plan.from_json_dict(doc).kpis.n1_margin
    assert n1.mode != "none"
    assert set(n1.margin_after_loss) == set(n1.served_share_after_loss)
    assert min(n1.margin_after_loss.values()) == pytest.approx(n1.margin)
    assert min(n1.margin_after_loss, key=lambda c: n1.margin_after_loss[c]) == (
        n1.worst_contingency
    )


def test_unknown_keys_are_tolerated_within_schema_1(reference_doc: dict[str, object]) -> None:
    doc = copy.deepcopy(reference_doc)
    doc["schema_version"] = "1.9"
    doc["future_section"] = {"anything": [1, 2, 3]}
    doc["solve"]["solver_name"] = "highs"  # type: ignore[index]
    doc["capacity"][0]["note"] = "added by a newer writer"  # type: ignore[index]
    doc["kpis"]["n1_margin"]["by_period"] = {}  # type: ignore[index]
    plan = Plan.from_json_dict(doc)
    assert plan.schema_version == "1.9"
    assert plan.capacity[0] == Plan.from_json_dict(reference_doc).capacity[0]


def test_fields_added_in_later_1x_versions_take_their_defaults(
    reference_doc: dict[str, object],
) -> None:
    doc = copy.deepcopy(reference_doc)
    doc["schema_version"] = "1.0"
    for key in ("workloads", "dataset_version", "explanation"):
        doc.pop(key, None)
    del doc["kpis"]["n1_margin"]["margin_after_loss"]  # type: ignore[index]
    del doc["scenario"]["n1_basis"]  # type: ignore[index]
    for row in doc["unmet"]:  # type: ignore[union-attr]
        row.pop("detail", None)
    plan = Plan.from_json_dict(doc)
    assert plan.workloads == ()
    assert plan.dataset_version == ""
    assert plan.kpis.n1_margin.margin_after_loss == {}
    assert plan.scenario.n1_basis == ""


@pytest.mark.parametrize("fixture", ["plan_reference.json", "plan_apac_tight_power.json"])
def test_older_fixture_files_still_read(fixture: str) -> None:
    plan = read_plan_json(FIXTURES / fixture)
    assert plan.capacity
    assert plan.markets


def test_every_problem_is_reported_at_once(reference_doc: dict[str, object]) -> None:
    doc = copy.deepcopy(reference_doc)
    del doc["kpis"]["npv_usd"]  # type: ignore[index]
    doc["capacity"][0]["form"] = "buld"  # type: ignore[index]
    doc["capacity"][1]["capacity_mw"] = "lots"  # type: ignore[index]
    doc["solve"]["status"] = "done"  # type: ignore[index]
    doc["markets"] = {"sydney": {}}
    doc["scenario"]["currency_year"] = 2025.5  # type: ignore[index]
    with pytest.raises(DataError) as info:
        Plan.from_json_dict(doc, origin="out/plan.json")
    err = info.value
    assert err.message.startswith("out/plan.json: not a valid plan.json")
    assert "computegeo plan" in err.message  # the fix
    assert err.problems == [
        "'scenario.currency_year': expected an integer, got 2025.5",
        "'solve.status': 'done' is not one of optimal, time_limit.",
        "'capacity[0].form': 'buld' is not one of build, lease, cloud. Did you mean 'build'?",
        "'capacity[1].capacity_mw': expected a number, got 'lots'",
        "'kpis.npv_usd': missing (a number is required)",
        "'markets': expected a list, got an object",
    ]
    assert err.exit_code == 2


def test_rows_must_name_listed_markets(reference_doc: dict[str, object]) -> None:
    doc = copy.deepcopy(reference_doc)
    doc["capacity"][0]["market_id"] = "atlantis"  # type: ignore[index]
    doc["assignments"][3]["market_id"] = "atlantis"  # type: ignore[index]
    with pytest.raises(DataError) as info:
        Plan.from_json_dict(doc)
    assert info.value.problems == [
        "'capacity': market_id 'atlantis' not listed in 'markets'",
        "'assignments': market_id 'atlantis' not listed in 'markets'",
    ]


def test_schema_2_is_refused_with_a_clear_message(reference_doc: dict[str, object]) -> None:
    doc = copy.deepcopy(reference_doc)
    doc["schema_version"] = "2.0"
    doc["capacity"] = "not checked"  # a 2.x file is not read field by field
    with pytest.raises(DataError) as info:
        Plan.from_json_dict(doc, origin="old/plan.json")
    text = str(info.value)
    assert "old/plan.json: schema_version '2.0' cannot be read" in text
    assert "reads plan.json schema 1.x" in text
    assert f"writes {SCHEMA_VERSION}" in text
    assert "re-run `computegeo plan`" in text
    assert len(info.value.problems) == 1


@pytest.mark.parametrize("version", [None, 1.2, "", "one"])
def test_missing_or_malformed_schema_version_is_refused(
    reference_doc: dict[str, object], version: object
) -> None:
    doc = copy.deepcopy(reference_doc)
    if version is None:
        del doc["schema_version"]
    else:
        doc["schema_version"] = version
    with pytest.raises(DataError, match="schema_version"):
        Plan.from_json_dict(doc)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(DataError, match="not a plan.json object"):
        Plan.from_json_dict([1, 2])  # type: ignore[arg-type]


def test_file_readers_name_the_file(tmp_path: Path, reference_doc: dict[str, object]) -> None:
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(reference_doc), encoding="utf-8")
    plan, document = read_plan_document(good)
    assert document["explanation"] == reference_doc["explanation"]
    assert plan.to_json_dict() == read_plan_json(good).to_json_dict()
    bad = tmp_path / "broken" / "plan.json"
    bad.parent.mkdir()
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="broken/plan.json: cannot read plan.json"):
        read_plan_json(bad)
    doc = copy.deepcopy(reference_doc)
    doc["builds"][0]["mw"] = None  # type: ignore[index]
    doc["builds"][0]["new_campus"] = "yes"  # type: ignore[index]
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_plan_json(wrong)
    assert str(wrong) in info.value.message
    assert info.value.problems == ["'builds[0].new_campus': expected true or false, got 'yes'"]


def test_schema_doc_names_every_field() -> None:
    """docs/plan-json.md has a row for every field of the result model (and its version)."""
    import dataclasses
    import typing

    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan-json.md").read_text("utf-8")
    assert f"schema {SCHEMA_VERSION})" in doc.splitlines()[0]
    lines = doc.splitlines()
    missing: list[str] = []

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            path = f"{prefix}{f.name}"
            tp = hints[f.name]
            args = typing.get_args(tp)
            if dataclasses.is_dataclass(tp) and path != "kpis.opex_usd":
                walk(tp, path + ".")  # type: ignore[arg-type]
            elif typing.get_origin(tp) is tuple and dataclasses.is_dataclass(args[0]):
                row = next((ln for ln in lines if ln.startswith(f"| `{path}[]`")), "")
                subfields = [s.name for s in dataclasses.fields(args[0])]
                missing.extend(f"{path}[].{s}" for s in subfields if f"`{s}`" not in row)
            elif not any(f"`{path}`" in ln for ln in lines if ln.startswith("|")):
                missing.append(path)

    walk(Plan, "")
    assert not missing


def test_plan_folder_readers_report_a_bad_file_without_a_traceback(
    tmp_path: Path, reference_doc: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """`computegeo explain` and `compare` read folders with read_plan_dir: exit 2, one message."""
    from computegeo.cli import main
    from computegeo.pipeline.output_folder import read_plan_dir

    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "scenario.yaml").write_text("name: test\n", encoding="utf-8")
    doc = copy.deepcopy(reference_doc)
    del doc["explanation"]["markets"][0]["chosen"]  # type: ignore[index]
    (folder / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_plan_dir(folder)
    assert info.value.message == f"{folder / 'plan.json'}: the 'explanation' key is malformed"
    assert "'chosen'" in info.value.problems[0]
    doc["schema_version"] = "2.1"
    (folder / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["compare", str(folder), str(folder)]) == 2
    err = capsys.readouterr().err
    assert "schema_version '2.1' cannot be read" in err
    assert "Traceback" not in err
